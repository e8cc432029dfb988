"""nianbao collect on a fictional county of 30 bodies, checked file by file.

22 valid, 3 with errors, 1 sent twice (older wrong, newer corrected), 1 filled from the blank
template (matched by its cover), 3 missing, plus a random file and a note. The expected status
board, feedback files and summary are written out here, and the summary values are compared
with a sum computed in the test from the values the workbooks were filled with.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from helpers.county import (
    BLANK,
    ERR_BLANK,
    ERR_R1,
    ERR_TEXT,
    FMT,
    LAYOUT,
    MISSING,
    ORGS,
    ROOT,
    TWICE,
    USED,
    VALID,
    YEAR,
    build_inbox,
    ms,
    outputs,
    snapshot,
    write_roster,
)
from helpers.lo import needs_soffice, recalc
from nianbao.cli import app
from nianbao.spec import get_format

runner = CliRunner()


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    base = tmp_path_factory.mktemp("county")
    inbox = base / "inbox"
    filled = build_inbox(inbox)
    roster = write_roster(base / "roster.csv")
    before = snapshot(inbox)
    out = base / "out"
    res = runner.invoke(app, ["collect", str(inbox), "--roster", str(roster), "--year", str(YEAR),
                              "-o", str(out), "--name", "测试县", "--code", "3301"])
    return {"base": base, "inbox": inbox, "roster": roster, "out": out, "res": res,
            "filled": filled, "before": before}


def test_exit_code_board_printed_and_inbox_untouched(county):
    res = county["res"]
    assert res.exit_code == 1, res.output  # three bodies have errors
    assert "名册共30个单位，已提交27个（已通过23个，仅有警告1个，有错误3个），未提交3个。" in res.output
    assert "未提交：" + "、".join(f"{o['name']}（{o['code']}）" for o in ORGS[27:]) + "。" in res.output
    assert "汇总计入24个单位，未计入3个（有错误或数据缺失）。" in res.output
    assert snapshot(county["inbox"]) == county["before"]


def test_status_board_rows(county):
    text = (county["out"] / "status.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    bodies, others = rows[:30], rows[30:]
    expect = {c: "已通过" for c in VALID + [TWICE]}
    expect.update({ERR_R1: "有错误", ERR_BLANK: "有错误", ERR_TEXT: "有错误", BLANK: "仅有警告"})
    expect.update({c: "未提交" for c in MISSING})
    assert [(r["单位代码"], r["状态"]) for r in bodies] == [(o["code"], expect[o["code"]]) for o in ORGS]
    by = {r["单位代码"]: r for r in bodies}
    assert by[TWICE]["文件"] == "邮件/更正后.xlsx"
    assert "另有1个较早或重复的文件未采用" in by[TWICE]["说明"]
    assert "用空白模板填写，按封面单位名称对应" in by[BLANK]["说明"]
    assert by[BLANK]["警告"] == "1"
    # one problem, one finding: the blank and the unreadable "约12" are one error each
    assert (by[ERR_R1]["错误"], by[ERR_BLANK]["错误"], by[ERR_TEXT]["错误"]) == ("2", "1", "1")
    assert (by[ERR_BLANK]["警告"], by[ERR_TEXT]["警告"]) == ("0", "0")
    assert all("未计入汇总" in by[c]["说明"] for c in (ERR_R1, ERR_BLANK, ERR_TEXT))
    assert all(by[c]["文件"] == "" and by[c]["说明"] == "尚未提交，请催报" for c in MISSING)
    assert [(r["状态"], r["文件"]) for r in others] == [
        ("已被替代", "邮件/第一次报送.xlsx"), ("无法读取", "随便.xlsx"), ("已忽略", "通知.txt")]
    assert others[0]["说明"] == "已被较新的“邮件/更正后.xlsx”替代"
    wb = openpyxl.load_workbook(county["out"] / "status.xlsx")
    ws = wb["收集情况"]
    cells = [c for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert ORGS[27]["name"] in cells and "已被替代" in cells


def _feedback(path: Path) -> list[tuple]:
    ws = openpyxl.load_workbook(path)["校验反馈"]
    rows = list(ws.iter_rows(values_only=True))
    head = next((i for i, r in enumerate(rows) if r[0] == "序号"), len(rows))
    return [r for r in rows[head + 1:] if isinstance(r[0], int) and r[1] != "提示"]  # infos vary


def test_feedback_files(county):
    folder = county["out"] / "反馈"
    names = {o["code"]: f"{o['code']}_{o['name']}.xlsx" for o in ORGS}
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        names[c] for c in names if c not in MISSING)
    where = LAYOUT.where
    r1 = _feedback(folder / names[ERR_R1])
    assert [(r[1], r[2], r[3], r[4]) for r in r1] == [
        ("错误", "R1", *where("t3.carried_forward.commercial")),
        ("错误", "R1", *where("t3.carried_forward.total"))]
    assert "商业企业列" in r1[0][5] and "相差1" in r1[0][5]
    blank = _feedback(folder / names[ERR_BLANK])
    assert [(r[1], r[2], r[3], r[4]) for r in blank] == [("错误", "R16", *where("t4.review.corrected"))]
    assert "未填写，请填写数字（没有的填 0）" in blank[0][5]
    text = _feedback(folder / names[ERR_TEXT])
    assert [(r[1], r[2], r[3], r[4]) for r in text] == [("错误", "R5", *where("t2.penalties.decisions"))]
    assert "约12" in text[0][5]
    cover = _feedback(folder / names[BLANK])
    assert [(r[1], r[5].startswith("本表用空白模板填写")) for r in cover] == [("警告", True)]
    assert all(_feedback(folder / names[c]) == [] for c in VALID)
    ws = openpyxl.load_workbook(folder / names[TWICE])["校验反馈"]
    texts = [c for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any("邮件/第一次报送.xlsx" in t and "已被替代" in t for t in texts)


def test_summary_is_the_independent_sum_of_the_bodies_used(county):
    summary = json.loads((county["out"] / "summary.json").read_text(encoding="utf-8"))
    assert summary["org"] == {"code": "3301", "name": "测试县", "kind": "汇总"}
    assert [m["code"] for m in summary["members"]] == [c for c in (o["code"] for o in ORGS) if c in USED]
    filled = county["filled"]
    for i, dp in FMT.datapoints.items():
        expected = sum(filled[c][i] for c in USED)
        got = summary["values"][i]
        assert (got if dp.kind == "count" else Decimal(got)) == expected, i
    codes = [(f["code"], f["severity"]) for f in summary["findings"]]
    assert codes == [("COLLECT_NOT_SUBMITTED", "warning")] * 3 + [("MERGE_LEFT_OUT", "warning")] * 3
    assert "有2处错误" in summary["findings"][3]["message"]
    assert set(summary["texts"].values()) == {""}
    reports = sorted(p.name for p in (county["out"] / "reports").iterdir())
    assert reports == sorted(f"{c}.json" for c in USED + [ERR_R1, ERR_BLANK, ERR_TEXT])
    blank = json.loads((county["out"] / "reports" / f"{BLANK}.json").read_text(encoding="utf-8"))
    assert blank["org"] == ORGS[26]
    import jsonschema

    from nianbao.report import schema
    validator = jsonschema.Draft202012Validator(schema(FMT))
    for path in [county["out"] / "summary.json", *sorted((county["out"] / "reports").iterdir())]:
        validator.validate(json.loads(path.read_text(encoding="utf-8")))


def test_summary_workbook_reimports_to_the_summary_values(county):
    from nianbao.importer import import_workbook

    summary = json.loads((county["out"] / "summary.json").read_text(encoding="utf-8"))
    result = import_workbook(county["out"] / "summary.xlsx")
    assert result.report is not None, [f.message() for f in result.findings]
    assert result.report.to_json()["values"] == summary["values"]
    assert not [f for f in result.findings if f.severity == "error"]
    # it carries its members (merged again, it flattens like summary.json), and as a summary it
    # has no texts of its own and gets no findings about texts
    assert result.report.to_json()["members"] == summary["members"] and len(summary["members"]) == len(USED)
    assert result.report.to_json()["org"] == summary["org"] and summary["org"]["kind"] == "汇总"
    assert set(result.report.to_json()["texts"].values()) == {""}
    assert not [f for f in result.findings if f.rule in ("R10", "R11", "R12", "R14", "R19", "R20")]
    wb = openpyxl.load_workbook(county["out"] / "summary.xlsx")
    assert {"汇总说明", "各单位明细", "各单位文字", "校验结果"} <= set(wb.sheetnames)
    detail = list(wb["各单位明细"].iter_rows(values_only=True))  # a row per data point, a column per body
    assert [h.split("\n")[1] for h in detail[0][1:-2]] == [c for c in (o["code"] for o in ORGS) if c in USED]
    assert detail[0][-2:] == ("合计", "数据项编号")
    assert sorted(r[-1] for r in detail[1:] if r[-1]) == sorted(FMT.datapoints)


def test_rerun_is_byte_identical_and_merge_again(county, tmp_path):
    first = outputs(county["out"])
    res = runner.invoke(app, ["collect", str(county["inbox"]), "--roster", str(county["roster"]),
                              "--year", str(YEAR), "-o", str(county["out"]), "--name", "测试县",
                              "--code", "3301", "-q"])
    assert res.exit_code == 1
    assert outputs(county["out"]) == first
    other = tmp_path / "again"
    runner.invoke(app, ["collect", str(county["inbox"]), "--roster", str(county["roster"]),
                        "--year", str(YEAR), "-o", str(other), "--name", "测试县", "--code", "3301", "-q"])
    assert outputs(other) == first
    # a city merging the county summary with one more body gets the county's members flattened
    extra = county["out"] / "reports" / f"{ERR_R1}.json"
    res = runner.invoke(app, ["merge", str(county["out"] / "summary.json"), str(extra),
                              "-o", str(tmp_path / "city.json"), "--include-invalid", "--name", "测试市"])
    assert res.exit_code == 1, res.output  # the extra body has errors, included on request
    city = json.loads((tmp_path / "city.json").read_text(encoding="utf-8"))
    assert len(city["members"]) == 25
    assert "因使用 --include-invalid 仍计入汇总" in res.output


def test_out_inside_inbox_is_refused(county):
    res = runner.invoke(app, ["collect", str(county["inbox"]), "--roster", str(county["roster"]),
                              "--year", str(YEAR), "-o", str(county["inbox"] / "out")])
    assert res.exit_code == 2 and "输出文件夹不能放在收件文件夹里面" in res.output
    assert not (county["inbox"] / "out").exists()


@needs_soffice
def test_libreoffice_opens_the_board_and_the_summary_formulas_compute_the_totals(county, tmp_path):
    summary = json.loads((county["out"] / "summary.json").read_text(encoding="utf-8"))
    status, book = recalc([county["out"] / "status.xlsx", county["out"] / "summary.xlsx"], tmp_path)
    assert openpyxl.load_workbook(status, data_only=True)["收集情况"]["A1"].value.startswith(f"{YEAR}年度")
    wb = openpyxl.load_workbook(book, data_only=True)
    for i, dp in FMT.datapoints.items():
        sheet, cell = LAYOUT.where(i)
        got = wb[sheet][cell].value
        want = summary["values"][i]
        assert (Decimal(str(got)) if dp.kind == "amount" else got) == (Decimal(want) if dp.kind == "amount" else want), i
    detail = {r[-1]: r for r in wb["各单位明细"].iter_rows(values_only=True)}
    assert detail["t3.total.total"][-2] == summary["values"]["t3.total.total"]  # 合计: live SUM
    assert detail["t3.total.total"][-2] == sum(detail["t3.total.total"][1:-2])
    marks = [v for r in wb["三、依申请公开"].iter_rows(values_only=True)
             for v in r if isinstance(v, str) and v[:1] in "√×"]
    assert len(marks) >= 7 and all(v.startswith("√") for v in marks)  # R1 holds live


def test_outputs_made_in_parallel_are_the_same_bytes(county, monkeypatch):
    from nianbao import collect_write
    from nianbao.collection import collect, gather
    from nianbao.importer import find_workbooks, import_many

    inbox = county["inbox"]
    books = set(find_workbooks([inbox]))
    workbooks, others = gather(inbox, lambda p: p in books)
    col = collect(inbox, ORGS, YEAR, list(import_many(workbooks, jobs=1)), ignored=others,
                  summary_org={"code": "3301", "name": "测试县"})
    monkeypatch.setattr(collect_write, "PARALLEL_FROM", 1)
    assert collect_write.outputs(col, jobs=2) == collect_write.outputs(col, jobs=1) == outputs(county["out"])


def test_the_readme_demo_inbox_still_tells_its_story(tmp_path):
    """samples/inbox (scripts/make_samples.py) collected with samples/roster.csv."""
    from nianbao.roster import read_roster

    res = runner.invoke(app, ["collect", str(ROOT / "samples" / "inbox"), "--roster",
                              str(ROOT / "samples" / "roster.csv"), "--year", str(YEAR), "-o", str(tmp_path)])
    assert res.exit_code == 1, res.output
    rows, _ = read_roster(ROOT / "samples" / "roster.csv", get_format("gb2021"))
    plan = ms.sample_inbox([ms_org(r) for r in rows], YEAR, tmp_path / "regenerated")
    board = list(csv.DictReader(io.StringIO((tmp_path / "status.csv").read_text(encoding="utf-8-sig"))))
    status = {"valid": "已通过", "resubmitted": "已通过", "errors": "有错误", "warning": "仅有警告",
              "blank": "仅有警告", "missing": "未提交"}
    assert [(r["单位代码"], r["状态"]) for r in board[:len(rows)]] == [
        (code, status[what]) for code, what in plan.items()]
    # the committed inbox is what scripts/make_samples.py makes, byte for byte (git keeps no file
    # times: those the script sets are for the board, and a checkout has its own)
    assert outputs(tmp_path / "regenerated") == outputs(ROOT / "samples" / "inbox")


def ms_org(row):
    from nianbao.collection import org_of

    return org_of(row).to_json()


def test_include_invalid_says_what_it_did(county, tmp_path):
    res = runner.invoke(app, ["collect", str(county["inbox"]), "--roster", str(county["roster"]),
                              "--year", str(YEAR), "-o", str(tmp_path), "--include-invalid", "-q"])
    assert res.exit_code == 1
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert len(summary["members"]) == 27
    codes = [f["code"] for f in summary["findings"]]
    assert codes.count("MERGE_INCLUDED_INVALID") == 3 and codes.count("MERGE_MISSING_AS_ZERO") == 2
    r1 = [f for f in summary["findings"] if f["rule"] == "R1"]  # ERR_R1's extra 商业企业 application
    assert [f["params"]["label"] for f in r1] == ["商业企业列", "总计列"]
    filled = county["filled"]
    assert summary["values"]["t4.review.corrected"] == sum(
        filled[c]["t4.review.corrected"] or 0 for c in filled)  # the blank counted as 0, and said so
