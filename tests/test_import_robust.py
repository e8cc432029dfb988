"""One bad file never stops a county's batch: a damaged deflate stream and an unexpected error
while importing each become that file's finding, and the other files are read."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from helpers import ROOT
from nianbao import importer

SEED = ROOT / "samples" / "zhongcun-2022.xlsx"


def _damaged_stream(dst: Path) -> Path:
    """The seed with bytes flipped inside its largest sheet's compressed data (table 三, which
    the importer reads: zlib.error on read)."""
    data = bytearray(SEED.read_bytes())
    info = max((i for i in zipfile.ZipFile(io.BytesIO(bytes(data))).infolist()
                if i.filename.startswith("xl/worksheets/")), key=lambda i: i.compress_size)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for k in range(start + 10, start + 40):
        data[k] ^= 0x5A
    dst.write_bytes(bytes(data))
    return dst


def test_damaged_compressed_part_is_that_files_finding(tmp_path):
    bad = _damaged_stream(tmp_path / "bad.xlsx")
    results = list(importer.import_many([bad, SEED], jobs=1))
    assert [r.readable for r in results] == [False, True]
    assert results[0].findings[0].severity == "error"
    assert results[0].findings[0].code in ("FILE_TRUNCATED", "FILE_CORRUPT")


def test_an_unexpected_error_is_contained_to_its_file(tmp_path, monkeypatch):
    def boom(*args, **kwargs):
        raise ZeroDivisionError("hostile cell")

    monkeypatch.delenv("NIANBAO_DEBUG", raising=False)
    monkeypatch.setattr(importer, "_import", boom)
    result = importer.import_workbook(SEED)
    assert not result.readable and result.report is None
    assert result.findings[0].code == "FILE_UNEXPECTED"
    assert "ZeroDivisionError" in result.findings[0].message()


def test_a_summary_workbook_in_the_inbox_is_never_a_bodys_report(tmp_path):
    import csv
    import json
    import shutil
    import subprocess
    import sys

    nianbao = str(Path(sys.executable).with_name("nianbao"))
    inbox = tmp_path / "inbox"
    shutil.copytree(ROOT / "samples" / "inbox", inbox)
    args = ["--roster", str(ROOT / "samples" / "roster.csv"), "--year", "2026",
            "--name", "青山县", "--code", "140521000"]  # the code of the county government's row
    subprocess.run([nianbao, "collect", str(inbox), *args, "-o", str(tmp_path / "a")],
                   capture_output=True, check=False)
    shutil.copy(tmp_path / "a" / "summary.xlsx", inbox / "青山县汇总.xlsx")
    subprocess.run([nianbao, "collect", str(inbox), *args, "-o", str(tmp_path / "b")],
                   capture_output=True, check=False)
    first, second = (json.loads((tmp_path / d / "summary.json").read_text("utf-8")) for d in "ab")
    assert second["values"] == first["values"] and second["members"] == first["members"]
    with open(tmp_path / "b" / "status.csv", encoding="utf-8-sig") as fh:
        rows = [r for r in csv.reader(fh) if any("青山县汇总.xlsx" in c for c in r)]
    assert rows and any("汇总表" in c for c in rows[0])


def test_a_hand_edited_report_json_is_named_not_a_crash(tmp_path):
    import json
    import subprocess
    import sys

    from nianbao.previous import load_previous

    nianbao = str(Path(sys.executable).with_name("nianbao"))
    good = json.loads((ROOT / "samples" / "zhongcun-2022.json").read_text("utf-8"))
    bad = {**good, "org": {**good["org"], "code": "140521999"},
           "values": {**good["values"], "t2.regulations.issued": "5件"}}
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "good.json").write_text(json.dumps(good, ensure_ascii=False), "utf-8")
    (tmp_path / "reports" / "bad.json").write_text(json.dumps(bad, ensure_ascii=False), "utf-8")

    reports, findings = load_previous([tmp_path], 2023)
    assert list(reports) == ["140521100"]
    assert [f.code for f in findings] == ["ROSTER_PREVIOUS_UNREADABLE"]
    assert "t2.regulations.issued" in findings[0].message() and "5件" in findings[0].message()

    run = subprocess.run([nianbao, "merge", str(tmp_path / "reports"), "-o", str(tmp_path / "s.json")],
                         capture_output=True, text=True)
    assert run.returncode == 2 and "bad.json 不是可用的报告 JSON" in run.stderr
    assert "Traceback" not in run.stderr and "内部错误" not in run.stderr


def test_outputs_are_written_whole_with_ordinary_permissions(tmp_path):
    import os
    import stat

    from nianbao.files import CannotWrite, atomic_write_text

    target = tmp_path / "out" / "a.json"
    atomic_write_text(target, "{}")
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask
    assert [p.name for p in target.parent.iterdir()] == ["a.json"]  # no temp file left
    blocker = tmp_path / "file"
    blocker.write_text("x")
    try:
        atomic_write_text(blocker / "b.json", "{}")  # a folder that is a file: a clear message
    except CannotWrite as exc:
        assert "是文件，不是文件夹" in str(exc)
    else:
        raise AssertionError("expected CannotWrite")


def test_latest_submission_by_saved_instant_and_times_in_china_time():
    from nianbao.collection import Entry, choose

    a = Entry(rel="a.xlsx", mtime=100.0, saved_at="2026-01-20T10:30:00Z")        # 18:30 Beijing
    b = Entry(rel="b.xlsx", mtime=50.0, saved_at="2026-01-20T18:00:00+08:00")    # earlier
    c = Entry(rel="c.xlsx", mtime=1.9e9, saved_at="")                             # no saved time: file time
    assert choose([a, b])[0] is a and choose([b, a])[0] is a
    assert choose([a, b, c])[0] is c
    assert Entry(rel="x", mtime=0.0).received == "1970-01-01 08:00"


def test_collect_refuses_to_overwrite_another_years_results(tmp_path):
    import shutil
    import subprocess
    import sys

    nianbao = str(Path(sys.executable).with_name("nianbao"))
    out = tmp_path / "out"
    out.mkdir()
    shutil.copy(ROOT / "samples" / "zhongcun-2022.json", out / "summary.json")  # a 2022 result
    (out / "reports").mkdir()
    shutil.copy(ROOT / "samples" / "zhongcun-2022.json", out / "reports" / "140521100.json")
    run = subprocess.run([nianbao, "collect", str(ROOT / "samples" / "inbox"), "--roster",
                          str(ROOT / "samples" / "roster.csv"), "--year", "2026", "-o", str(out)],
                         capture_output=True, text=True)
    assert run.returncode == 2 and "2022年度的收集结果" in run.stderr
    assert (out / "reports" / "140521100.json").exists()  # last year's reports kept


def test_merge_of_a_collect_folder_skips_its_status_and_feedback_workbooks(tmp_path):
    import json
    import subprocess
    import sys

    nianbao = str(Path(sys.executable).with_name("nianbao"))
    out = tmp_path / "out"
    subprocess.run([nianbao, "collect", str(ROOT / "samples" / "inbox"), "--roster",
                    str(ROOT / "samples" / "roster.csv"), "--year", "2026", "-o", str(out)],
                   capture_output=True)
    run = subprocess.run([nianbao, "merge", str(out), "-o", str(tmp_path / "m.json")],
                         capture_output=True, text=True)
    assert "不是填报表或汇总表的工作簿" in run.stderr and run.returncode in (0, 1)
    merged = json.loads((tmp_path / "m.json").read_text("utf-8"))
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert merged["values"] == summary["values"]
    assert sorted(m["code"] for m in merged["members"]) == sorted(m["code"] for m in summary["members"])
