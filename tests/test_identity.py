"""The hidden identity (custom document properties and the very hidden ``_nianbao`` sheet) is
checked against itself, its checksum, the visible cover and the roster (issue 8, item 25): a
mismatch is an error finding, the report is read as the cover shows it and never attributed
to another body by its hidden code; an impossible year is refused, so the JSON always passes
the schema."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from helpers import zipkit as zk
from helpers.zipkit import set_identity as hidden
from nianbao.importer import import_workbook
from nianbao.report import schema

SEED = zk.SEED.read_bytes()  # 中村镇人民政府 140521100, 2022
NIANBAO = str(Path(sys.executable).with_name("nianbao"))


def _imp(tmp_path, data, name="x.xlsx"):
    (tmp_path / name).write_bytes(data)
    result = import_workbook(tmp_path / name)
    if result.report is not None:
        jsonschema.validate(json.loads(result.report.dumps()), schema())
    return result


def _codes(result):
    return [f.code for f in result.findings]


def test_the_seed_is_consistent(tmp_path):
    assert "TEMPLATE_IDENTITY_CONFLICT" not in _codes(_imp(tmp_path, SEED))


def test_hidden_year_edited_reads_the_covers_year(tmp_path):
    result = _imp(tmp_path, hidden(SEED, year="2023"))
    conflict = [f for f in result.findings if f.code == "TEMPLATE_IDENTITY_CONFLICT"]
    assert conflict and conflict[0].severity == "error"
    assert "年度" in conflict[0].message() and "2023" in conflict[0].message()
    assert result.report.year == 2022  # as the cover shows


def test_hidden_org_code_edited_never_attributes_to_the_other_body(tmp_path):
    result = _imp(tmp_path, hidden(SEED, org_code="140521101"))
    assert "TEMPLATE_IDENTITY_CONFLICT" in _codes(result)
    assert result.report.org.code == "140521100"  # the cover's
    assert result.meta.get("org_code") != "140521101"
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.xlsx").write_bytes(hidden(SEED, org_code="140521101"))
    roster = tmp_path / "r.csv"
    roster.write_text("code,name,kind\n140521100,中村镇人民政府,乡镇\n140521101,东岭镇人民政府,乡镇\n", "utf-8")
    run = subprocess.run([NIANBAO, "collect", str(inbox), "--roster", str(roster), "--year", "2022",
                          "-o", str(tmp_path / "out"), "-q", "--name", "青山县"], capture_output=True, text=True)
    assert run.returncode == 1, run.stderr
    reports = sorted(p.stem for p in (tmp_path / "out" / "reports").glob("*.json"))
    assert "140521101" not in reports
    summary = json.loads((tmp_path / "out" / "summary.json").read_text("utf-8"))
    assert summary["members"] == []  # an error: not summed


def test_the_two_hidden_copies_disagreeing(tmp_path):
    result = _imp(tmp_path, hidden(SEED, sheet=False, org_name="东岭镇人民政府"))
    assert "TEMPLATE_IDENTITY_CONFLICT" in _codes(result)
    assert result.report.org.name == "中村镇人民政府"


def test_an_identity_edited_everywhere_but_its_checksum(tmp_path):
    """Hidden copies and cover all changed alike to another body: the template id (a digest of
    format, year and body) no longer matches."""
    data = hidden(SEED, org_code="140521101", org_name="东岭镇人民政府")
    data = zk.set_text(data, "org.code", "140521101")
    data = zk.set_text(data, "org.name", "东岭镇人民政府")
    result = _imp(tmp_path, data)
    conflict = [f for f in result.findings if f.code == "TEMPLATE_IDENTITY_CONFLICT"]
    assert conflict and "校验" in conflict[0].message(), _codes(result)


@pytest.mark.parametrize("year", ["3000", "-5", "12345678901234567890", "二〇二二", "1999", "20２2"])
def test_impossible_years_are_refused(tmp_path, year):
    data = hidden(SEED, year=year)
    data = zk.set_text(data, "report.year", year)
    result = _imp(tmp_path, data)
    assert result.report.year is None
    assert "TEMPLATE_YEAR_INVALID" in _codes(result), _codes(result)


def test_a_name_that_differs_from_the_rosters_is_a_warning(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.xlsx").write_bytes(SEED)
    roster = tmp_path / "r.csv"
    roster.write_text("code,name,kind\n140521100,中村镇政府,乡镇\n", "utf-8")
    run = subprocess.run([NIANBAO, "collect", str(inbox), "--roster", str(roster), "--year", "2022",
                          "-o", str(tmp_path / "out"), "-q", "--name", "青山县"], capture_output=True, text=True)
    assert run.returncode in (0, 1), run.stderr
    report = json.loads((tmp_path / "out" / "reports" / "140521100.json").read_text("utf-8"))
    names = [f for f in report["findings"] if f["code"] == "COLLECT_NAME_DIFFERS"]
    assert names and names[0]["severity"] == "warning" and "中村镇政府" in names[0]["message"]
