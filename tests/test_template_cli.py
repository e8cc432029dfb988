"""Determinism, the committed blank template, and ``nianbao template`` end to end."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from nianbao import layout as L
from nianbao.cli import app
from nianbao.template_workbook import template_bytes, template_filename

ROOT = Path(__file__).resolve().parents[1]
BLANK = ROOT / "templates" / template_filename(2026, None)
ROSTER = ROOT / "samples" / "roster.csv"
ORG = {"code": "140521100", "name": "中村镇人民政府", "kind": "乡镇"}
runner = CliRunner()


def run(*args):
    return runner.invoke(app, ["template", *map(str, args)])


def test_same_inputs_same_bytes():
    assert template_bytes(year=2026, org=ORG) == template_bytes(year=2026, org=ORG)
    assert template_bytes(year=2026, org=ORG) != template_bytes(year=2026, org={**ORG, "code": "1"})
    assert template_bytes(year=2026, org=None) != template_bytes(year=2027, org=None)


def test_committed_blank_template_is_current():
    """Regenerate with: nianbao template --year 2026 -o templates/"""
    assert BLANK.read_bytes() == template_bytes(year=2026, org=None), \
        "templates/ is stale: run `nianbao template --year 2026 -o templates/`"


def test_one_body(tmp_path):
    out = tmp_path / "out.xlsx"
    r = run("--year", 2026, "--org-name", ORG["name"], "--org-code", ORG["code"],
            "--org-kind", ORG["kind"], "-o", out)
    assert r.exit_code == 0, r.output
    assert "已生成2026年度模板：中村镇人民政府" in r.output
    assert out.read_bytes() == template_bytes(year=2026, org=ORG)


def test_blank_into_folder(tmp_path):
    r = run("--year", 2026, "-o", tmp_path)
    assert r.exit_code == 0, r.output
    assert (tmp_path / BLANK.name).read_bytes() == BLANK.read_bytes()


def test_a_path_ending_in_slash_is_a_new_folder(tmp_path):
    """-o blank/ creates the folder (typer's Path would have dropped the slash: "not .xlsx")."""
    r = run("--year", 2026, "-o", f"{tmp_path / 'blank'}/")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "blank" / BLANK.name).read_bytes() == BLANK.read_bytes()
    r = run("--year", 2026, "--org-name", ORG["name"], "--org-code", ORG["code"],
            "--org-kind", ORG["kind"], "-o", f"{tmp_path / 'a' / 'b'}/")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "a" / "b" / template_filename(2026, ORG)).exists()


def test_a_folder_path_that_is_a_file_is_refused(tmp_path):
    (tmp_path / "blank").write_text("x")
    r = run("--year", 2026, "-o", f"{tmp_path / 'blank'}/")
    assert r.exit_code == 2 and "已有同名文件" in r.output
    r = run("--year", 2026, "-o", tmp_path / "blank")
    assert r.exit_code == 2 and "应以 .xlsx 结尾" in r.output


def test_roster_writes_one_per_body(tmp_path):
    r = run("--year", 2026, "--roster", ROSTER, "-o", tmp_path / "out", "--jobs", 2)
    assert r.exit_code == 0, r.output
    rows = ROSTER.read_text(encoding="utf-8").splitlines()[1:]
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert files == sorted(f"2026_{line.split(',')[0]}_{line.split(',')[1]}.xlsx" for line in rows)
    assert f"已为{len(rows)}个单位生成2026年度模板" in r.output
    body = tmp_path / "out" / template_filename(2026, ORG)
    assert body.read_bytes() == template_bytes(year=2026, org=ORG)  # pool output = in-process


def test_bad_roster_rows_named_others_written(tmp_path):
    roster = tmp_path / "r.csv"
    roster.write_text("code,name,kind\n1,甲镇人民政府,乡镇\n1,乙镇人民政府,乡镇\n2,a/b,部门\n3,丙局,部门\n",
                      encoding="utf-8")
    r = run("--year", 2026, "--roster", roster, "-o", tmp_path / "out")
    assert r.exit_code == 1
    assert "第3行" in r.output and "第2行重复" in r.output and "第4行" in r.output
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["2026_3_丙局.xlsx"]


def test_unusable_roster_exit_2(tmp_path):
    roster = tmp_path / "r.csv"
    roster.write_text("名称,备注\n甲,乙\n", encoding="utf-8")
    r = run("--year", 2026, "--roster", roster, "-o", tmp_path / "out")
    assert r.exit_code == 2 and "缺少“单位代码”列" in r.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("args,msg", [
    (["--org-name", "甲"], "同时提供"),
    (["--org-name", "a:b", "--org-code", "1", "--org-kind", "乡镇"], "文件名不能使用"),
    (["--org-name", "甲", "--org-code", "1", "--org-kind", "汇总"], "单位类型"),
    (["--format", "gb2019"], "不适用于2026年度"),
    (["--roster", "nope.csv"], "找不到名册"),
])
def test_bad_options_exit_2_in_chinese(args, msg, tmp_path):
    r = run("--year", 2026, *args, "-o", tmp_path / "x.xlsx")
    assert r.exit_code == 2, r.output
    assert msg in r.output and "Traceback" not in r.output


def test_previous_prefills_carried_over(tmp_path):
    reports = tmp_path / "2025" / "reports"
    reports.mkdir(parents=True)
    report = json.loads((ROOT / "samples" / "zhongcun-2022.json").read_text("utf-8"))  # a valid report
    report["values"].update({"t3.carried_forward.natural_person": 4, "t2.normative_documents.in_force": 7})
    (reports / "a.json").write_text(json.dumps({**report, "year": 2025, "org": ORG}, ensure_ascii=False),
                                    encoding="utf-8")
    (reports / "old.json").write_text(json.dumps(
        {"format": "gb2021", "year": 2020, "org": {**ORG, "code": "9"}, "values": {}}), encoding="utf-8")
    r = run("--year", 2026, "--roster", ROSTER, "-o", tmp_path / "out", "--previous", tmp_path / "2025")
    assert r.exit_code == 0, r.output
    assert "其中1个已按上年报告预填" in r.output and "old.json" in r.output
    wb = openpyxl.load_workbook(tmp_path / "out" / template_filename(2026, ORG))
    p = L.layout_for("gb2021").by_id["t3.carried_over.natural_person"]
    assert wb[p.sheet][p.ref].value == 4
    other = openpyxl.load_workbook(tmp_path / "out" / "2026_140521101_东岭镇人民政府.xlsx")
    assert other[p.sheet][p.ref].value is None


@pytest.mark.parametrize("org", [
    ORG,
    {"code": "140521011", "name": "青山县教育局", "kind": "部门"},
    {"code": "1", "name": "A&B <局>", "kind": "部门"},          # escaped in XML: full write
    {"code": "2", "name": "乡镇", "kind": "乡镇"},              # same string twice: full write
    {"code": "3", "name": "规章", "kind": "部门"},              # equals a label: full write
])
def test_patched_template_is_byte_identical_to_a_full_write(org):
    from nianbao.template_workbook import workbook_bytes

    assert template_bytes(year=2026, org=org) == workbook_bytes(year=2026, org=org)


CASES = {  # workbooks whose value-independent parts come from per-process caches
    "previous": "template_bytes(year=2027, org=ORG, previous=Report.from_json({'format': 'gb2021', "
                "'year': 2026, 'org': ORG, 'values': {'t3.carried_forward.natural_person': 3, "
                "'t2.regulations.in_force': 5}}))",
    "summary": "workbook_bytes(year=2026, org={'code': '1405', 'name': '某县', 'kind': '汇总'}, "
               "values={'t3.received.natural_person': 2}, kind='summary', members=[])",
}


def test_warm_caches_write_the_same_bytes_as_a_fresh_process(tmp_path):
    """Row heights, defined names and formula text are worked out once per process: a workbook
    written after workbooks of every other kind equals the one a fresh process writes first."""
    import subprocess
    import sys

    from nianbao.report import Report
    from nianbao.template_workbook import workbook_bytes

    env = {"ORG": ORG, "template_bytes": template_bytes, "workbook_bytes": workbook_bytes, "Report": Report}
    template_bytes(year=2026, org=None)
    warm = {name: eval(expr, env) for name, expr in CASES.items()}  # noqa: S307 - our own text
    for name, expr in CASES.items():
        out = tmp_path / f"{name}.xlsx"
        code = (f"from pathlib import Path\nfrom nianbao.report import Report\n"
                f"from nianbao.template_workbook import template_bytes, workbook_bytes\n"
                f"ORG = {ORG!r}\nPath({str(out)!r}).write_bytes({expr})\n")
        subprocess.run([sys.executable, "-c", code], check=True)
        assert out.read_bytes() == warm[name], name
