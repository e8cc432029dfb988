"""nianbao merge from workbooks and JSONs, without a roster; a summary workbook merges again."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from helpers.county import ORGS, YEAR, ms
from helpers.lo import convert, needs_soffice
from nianbao.cli import app
from nianbao.importer import import_workbook

runner = CliRunner()


def test_merge_workbooks_then_merge_the_summaries_again(tmp_path):
    vals = {}
    for n, org in enumerate(ORGS[:4]):
        vals[org["code"]] = ms.body_values(200 + n)
        ms.write(tmp_path / "in" / f"{org['code']}.xlsx",
                 ms.filled_workbook(year=YEAR, org=org, values=vals[org["code"]],
                                    texts=ms.body_texts(org, YEAR)))
    a, b = (tmp_path / "in" / f"{o['code']}.xlsx" for o in ORGS[:2])
    res = runner.invoke(app, ["merge", str(a), str(b), "-o", str(tmp_path / "ab.json"), "--name", "甲片区"])
    assert res.exit_code == 0, res.output
    assert "已汇总2个单位" in res.output
    res = runner.invoke(app, ["merge", str(tmp_path / "ab.json"), *(str(tmp_path / "in" / f"{o['code']}.xlsx")
                                                                 for o in ORGS[2:4]),
                              "-o", str(tmp_path / "all.xlsx"), "--name", "测试市"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["merge", str(tmp_path / "in"), "-o", str(tmp_path / "flat.json"), "--name", "测试县"])
    assert res.exit_code == 0, res.output
    flat = json.loads((tmp_path / "flat.json").read_text(encoding="utf-8"))
    assert [m["code"] for m in flat["members"]] == [o["code"] for o in ORGS[:4]]
    # the summary workbook imports back to the same values as the flat merge (associativity)
    back = import_workbook(tmp_path / "all.xlsx")
    assert back.report.to_json()["values"] == flat["values"]
    assert back.report.to_json()["org"]["kind"] == "汇总"
    assert flat["values"]["t3.received.total"] == sum(v["t3.received.total"] for v in vals.values())
    # a summary workbook merges again with its members flattened, like its JSON
    res = runner.invoke(app, ["merge", str(tmp_path / "all.xlsx"), "-o", str(tmp_path / "again.json"), "--name", "测试市"])
    assert res.exit_code == 0, res.output
    again = json.loads((tmp_path / "again.json").read_text(encoding="utf-8"))
    assert again["values"] == flat["values"]
    assert again["members"] == flat["members"]


def test_merge_refuses_bad_output_and_missing_input(tmp_path):
    res = runner.invoke(app, ["merge", str(tmp_path), "-o", str(tmp_path / "x.txt")])
    assert res.exit_code == 2 and ".xlsx 或 .json" in res.output
    res = runner.invoke(app, ["merge", str(tmp_path / "nope.json"), "-o", str(tmp_path / "x.json")])
    assert res.exit_code == 2 and "找不到" in res.output


def test_merge_with_nothing_valid_writes_nothing(tmp_path):
    from helpers.reports import counter_values, make_report
    from nianbao.report import dumps

    bad = make_report("X", counter_values(1), findings=[{"code": "RULE_BALANCE", "severity": "error",
                                                         "rule": "R1", "message": "…"}])
    (tmp_path / "x.json").write_text(dumps(bad), encoding="utf-8")
    res = runner.invoke(app, ["merge", str(tmp_path / "x.json"), "-o", str(tmp_path / "s.xlsx")])
    assert res.exit_code == 1 and "未计入汇总：有1处错误" in res.output and "没有可汇总的报告" in res.output
    assert not (tmp_path / "s.xlsx").exists()


# ---- a summary workbook carries its members ---------------------------------------------------

def _bodies(tmp_path, orgs, first):
    paths = []
    for n, org in enumerate(orgs, first):
        path = tmp_path / "in" / f"{org['code']}.xlsx"
        ms.write(path, ms.filled_workbook(year=YEAR, org=org, values=ms.body_values(n),
                                          texts=ms.body_texts(org, YEAR)))
        paths.append(str(path))
    return paths


def _merge(*args):
    res = runner.invoke(app, ["merge", *map(str, args), *(() if "--name" in args else ("--name", "测试市"))])
    assert res.exit_code == 0, res.output
    return res


def _summaries(tmp_path):
    """Two area summaries, each written as JSON and as a workbook by ``nianbao merge``."""
    a, b = _bodies(tmp_path, ORGS[:3], 300), _bodies(tmp_path, ORGS[3:5], 310)
    for name, paths, code in (("a", a, "3301A"), ("b", b, "3301B")):
        for suffix in ("json", "xlsx"):
            _merge(*paths, "-o", tmp_path / f"{name}.{suffix}", "--name", f"片区{name}", "--code", code)
    return tmp_path / "a", tmp_path / "b"


def _odd_names_summary(tmp_path):
    """A summary whose members have names XML, spreadsheets or strippers could change, and one
    member without a source hash; written as a workbook."""
    from helpers.reports import counter_values, make_report
    from nianbao.summary_workbook import summary_xlsx
    from nianbao.summing import merge_reports

    names = [" 前后空格 ", "A&B<c>\"'", "_x0041_", "=SUM(1)", "0012", "换行\n名"]
    reports = []
    for n, name in enumerate(names):
        report = make_report(f"{n:04d}", counter_values(n))
        report.org.name = name
        if n == 2:
            report.source["sha256"] = ""
        reports.append(report)
    summary, _ = merge_reports(reports)
    path = tmp_path / "odd.xlsx"
    path.write_bytes(summary_xlsx(summary, reports))
    return path, summary.to_json()


def test_odd_member_names_survive(tmp_path):
    path, summary = _odd_names_summary(tmp_path)
    result = import_workbook(path)
    assert result.report.to_json()["members"] == summary["members"] and summary["members"][2]["sha256"] == ""
    assert not [f for f in result.findings if f.severity == "error"]


def _check_summary_import(result, summary: dict):
    """A summary workbook imports as a summary: its members, 汇总, empty texts, no text rules."""
    report = result.report.to_json()
    assert report["org"] == summary["org"] and report["org"]["kind"] == "汇总"
    assert report["members"] == summary["members"]
    assert report["values"] == summary["values"]
    assert set(report["texts"].values()) == {""}
    assert not {f.rule for f in result.findings} & {"R10", "R11", "R12", "R13", "R14", "R19", "R20"}
    assert not [f for f in result.findings if f.severity == "error"], [f.message() for f in result.findings]


def test_summary_workbook_imports_with_its_members(tmp_path):
    a, _ = _summaries(tmp_path)
    summary = json.loads(a.with_suffix(".json").read_text(encoding="utf-8"))
    assert len(summary["members"]) == 3 and all(m["sha256"] for m in summary["members"])
    _check_summary_import(import_workbook(a.with_suffix(".xlsx")), summary)


@needs_soffice
def test_merging_summary_workbooks_equals_merging_their_jsons(tmp_path):
    a, b = _summaries(tmp_path)
    odd, odd_summary = _odd_names_summary(tmp_path)
    resaved, odd_resaved = convert([b.with_suffix(".xlsx"), odd], tmp_path / "lo")  # LibreOffice re-save
    summary_b = json.loads(b.with_suffix(".json").read_text(encoding="utf-8"))
    _check_summary_import(import_workbook(resaved), summary_b)
    assert import_workbook(odd_resaved).report.to_json()["members"] == odd_summary["members"]
    _merge(a.with_suffix(".json"), b.with_suffix(".json"), "-o", tmp_path / "city.json", "--name", "测试市")
    _merge(a.with_suffix(".xlsx"), resaved, "-o", tmp_path / "city2.json", "--name", "测试市")
    _merge(a.with_suffix(".xlsx"), resaved, "-o", tmp_path / "city.xlsx", "--name", "测试市")
    by_json, by_book = (json.loads((tmp_path / n).read_text(encoding="utf-8")) for n in ("city.json", "city2.json"))
    assert len(by_json["members"]) == 5
    assert by_book["members"] == by_json["members"] and by_book["values"] == by_json["values"]
    # the city's workbook carries the five bodies again, and merges once more to the same
    _check_summary_import(import_workbook(tmp_path / "city.xlsx"), {**by_json, "org": {
        "code": "", "name": "测试市", "kind": "汇总"}})
    again = _merge(tmp_path / "city.xlsx", *_bodies(tmp_path, ORGS[:1], 300), "-o", tmp_path / "again.json")
    assert "已计入汇总" in again.output  # the body already inside the city's summary is not counted twice
    assert json.loads((tmp_path / "again.json").read_text(encoding="utf-8"))["members"] == by_json["members"]


def _rezip(src, dst, part, edit):
    import zipfile

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info, edit(data.decode("utf-8")).encode("utf-8") if info.filename == part else data)


def test_a_changed_member_list_is_an_error_and_a_missing_one_a_warning(tmp_path):
    from nianbao.summing import merge_reports
    from nianbao.template_workbook import workbook_bytes

    a, _ = _summaries(tmp_path)
    summary = json.loads(a.with_suffix(".json").read_text(encoding="utf-8"))
    sha = summary["members"][1]["sha256"]
    _rezip(a.with_suffix(".xlsx"), tmp_path / "changed.xlsx", "xl/sharedStrings.xml",
           lambda xml: xml.replace(sha, "0" * 64))
    changed = import_workbook(tmp_path / "changed.xlsx")
    assert [f.code for f in changed.findings if f.severity == "error"] == ["SUMMARY_MEMBERS_CHANGED"]
    assert changed.report.members is None
    # a summary workbook without a member list (an older nianbao) counts as one body, and says so
    from nianbao.report import Report

    old = tmp_path / "old.xlsx"
    old.write_bytes(workbook_bytes(year=YEAR, org=summary["org"], values=Report.from_json(summary).values,
                                   kind="summary"))
    result = import_workbook(old)
    assert [f.code for f in result.findings if f.severity != "info"] == ["SUMMARY_MEMBERS_MISSING"]
    merged, _ = merge_reports([result.report])
    assert [m.name for m in merged.members] == ["片区a"]


def test_merge_of_an_empty_folder_says_so_once_and_cannot_run(tmp_path):
    (tmp_path / "empty").mkdir()
    res = runner.invoke(app, ["merge", str(tmp_path / "empty"), "-o", str(tmp_path / "s.xlsx"), "--name", "x"])
    assert res.exit_code == 2
    assert res.stdout == "" and res.stderr.count("\n") == 1 and "没有报告 JSON 或填报表" in res.stderr
    assert not (tmp_path / "s.xlsx").exists()
