"""The committed corpus of hostile workbooks (``tests/files/hostile``, made by
``tests/files/make_hostile.py`` from the seed): each file gets its own Chinese finding, never
an unexpected error; as an inbox, collect lists every one and writes OUT; check shows them
without letting a control character reach the terminal."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from nianbao.importer import import_workbook

HOSTILE = Path(__file__).resolve().parent / "files" / "hostile"
EXPECTED = json.loads((HOSTILE / "expected.json").read_text("utf-8"))
NIANBAO = str(Path(sys.executable).with_name("nianbao"))
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def test_the_corpus_is_what_its_script_makes():
    sys.path.insert(0, str(HOSTILE.parent))
    try:
        from make_hostile import cases
    finally:
        sys.path.remove(str(HOSTILE.parent))
    made = cases()
    assert sorted(made) == sorted(EXPECTED) == sorted(p.name for p in HOSTILE.glob("*.xlsx"))
    for name, (data, expect) in made.items():
        assert (HOSTILE / name).read_bytes() == data, f"{name} is stale: run tests/files/make_hostile.py"
        assert EXPECTED[name] == expect


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_hostile_file_gets_its_finding(name):
    expect = EXPECTED[name]
    result = import_workbook(HOSTILE / name)
    codes = [f.code for f in result.findings]
    assert "FILE_UNEXPECTED" not in codes, [f.message() for f in result.findings]
    assert result.readable == expect.get("readable", False), codes
    if "code" in expect:
        assert expect["code"] in codes, codes
    if not result.readable:
        assert len(result.findings) == 1
    for f in result.findings:
        assert CHINESE.search(f.message()), f.message()
    if "text" in expect:
        item, text = expect["text"]
        assert result.report.texts[item] == text
    if "org" in expect:
        assert result.report.org.code == expect["org"]


def test_the_corpus_as_an_inbox(tmp_path):
    roster = tmp_path / "r.csv"
    roster.write_text("code,name,kind\n140521100,中村镇人民政府,乡镇\n140521101,东岭镇人民政府,乡镇\n", "utf-8")
    run = subprocess.run([NIANBAO, "collect", str(HOSTILE), "--roster", str(roster), "--year", "2022",
                          "--name", "青山县", "-o", str(tmp_path / "out")], capture_output=True, text=True, timeout=300)
    assert run.returncode in (0, 1), run.stderr
    assert "内部错误" not in run.stderr and "\x1b" not in run.stdout + run.stderr
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out" / "status.csv").read_text("utf-8-sig"))))
    listed = {r["文件"] for r in rows}
    assert set(EXPECTED) <= listed, set(EXPECTED) - listed
    run = subprocess.run([NIANBAO, "check", str(HOSTILE)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 1 and "\x1b" not in run.stdout and "内部错误" not in run.stderr, run.stderr
