"""Prefill round trip: collect year Y, then `nianbao template --roster … --previous OUT/` for Y+1
prefills each body's 二、上年结转 with its year-Y 四、结转下年度继续办理 (R7)."""

from __future__ import annotations

import json

import openpyxl
from typer.testing import CliRunner

from helpers.county import ORGS, YEAR, ms
from nianbao.cli import app
from nianbao.layout import layout_for
from nianbao.rules import checks_with

runner = CliRunner()


def test_next_years_templates_carry_this_years_carried_forward(tmp_path):
    orgs = ORGS[:4]
    inbox = tmp_path / "inbox"
    for n, org in enumerate(orgs[:3]):  # the fourth body sends nothing: its template is not prefilled
        ms.write(inbox / f"{org['code']}.xlsx",
                 ms.filled_workbook(year=YEAR, org=org, values=ms.body_values(100 + n),
                                    texts=ms.body_texts(org, YEAR)))
    roster = tmp_path / "roster.csv"
    roster.write_text("code,name,kind\n" + "".join(f"{o['code']},{o['name']},{o['kind']}\n" for o in orgs),
                      encoding="utf-8")
    out = tmp_path / "out"
    res = runner.invoke(app, ["collect", str(inbox), "--roster", str(roster), "--year", str(YEAR),
                              "-o", str(out), "-q"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["template", "--year", str(YEAR + 1), "--roster", str(roster),
                              "--previous", str(out), "-o", str(tmp_path / "next")])
    assert res.exit_code == 0, res.output
    layout = layout_for("gb2021")
    columns = [c.ids["this"] for c in checks_with(layout.format, "prefill")]
    assert len(columns) == 7
    nonzero = 0
    for org in orgs:
        [path] = (tmp_path / "next").glob(f"{YEAR + 1}_{org['code']}_*.xlsx")
        wb = openpyxl.load_workbook(path)
        last = out / "reports" / f"{org['code']}.json"
        if last.exists():  # last year's 现行有效件数 sits beside table 二 for the live R8 check
            prev = json.loads(last.read_text(encoding="utf-8"))["values"]
            for r in ("regulations", "normative_documents"):
                sheet, cell = layout.where(f"t2.{r}.in_force")
                row = wb[sheet][cell].row
                beside = [c.value for c in wb[sheet][row] if c.column > wb[sheet][cell].column]
                assert prev[f"t2.{r}.in_force"] in beside, (org["code"], r, beside)
        for this in columns:
            sheet, cell = layout.where(this)
            got = wb[sheet][cell].value
            if this.endswith(".total"):  # the total column is a formula over the prefilled cells
                assert str(got).startswith("=SUM(")
            elif not last.exists():
                assert got is None
            else:
                prev = json.loads(last.read_text(encoding="utf-8"))["values"]
                assert got == prev[this.replace("carried_over", "carried_forward")], (org["code"], this)
                nonzero += bool(got)
    assert nonzero  # the bodies did carry something forward


def test_collect_with_previous_runs_the_cross_year_rules(tmp_path):
    from nianbao.rules import recompute_totals

    a, b = ORGS[:2]
    roster = tmp_path / "roster.csv"
    roster.write_text(f"code,name,kind\n{a['code']},{a['name']},{a['kind']}\n{b['code']},{b['name']},{b['kind']}\n",
                      encoding="utf-8")
    last = {o["code"]: ms.body_values(300 + n) for n, o in enumerate((a, b))}
    for o in (a, b):
        ms.write(tmp_path / "y" / f"{o['code']}.xlsx", ms.filled_workbook(
            year=YEAR, org=o, values=last[o["code"]], texts=ms.body_texts(o, YEAR)))
    assert runner.invoke(app, ["collect", str(tmp_path / "y"), "--roster", str(roster), "--year",
                               str(YEAR), "-o", str(tmp_path / "out_y"), "-q"]).exit_code == 0
    # next year: A carries over exactly what it carried forward and keeps its stock consistent; B does not
    for n, o in enumerate((a, b)):
        vals = ms.body_values(400 + n)
        if o is a:
            prev = last[a["code"]]
            for c in ms.APPLICANTS:
                vals[f"t3.carried_over.{c}"] = prev[f"t3.carried_forward.{c}"]
                vals[f"t3.carried_forward.{c}"] += prev[f"t3.carried_forward.{c}"]  # keeps R1 and ≥ 0
            for r in ("regulations", "normative_documents"):
                vals[f"t2.{r}.in_force"] = (prev[f"t2.{r}.in_force"] + vals[f"t2.{r}.issued"]
                                           - vals[f"t2.{r}.repealed"])
            vals.update(recompute_totals(ms.FMT, vals))
        else:  # a report of its own, not matching last year's carried-forward
            assert any(vals[f"t3.carried_over.{c}"] != last[b["code"]][f"t3.carried_forward.{c}"]
                       for c in ms.APPLICANTS)
        ms.write(tmp_path / "y1" / f"{o['code']}.xlsx", ms.filled_workbook(
            year=YEAR + 1, org=o, values=vals, texts=ms.body_texts(o, YEAR + 1)))
    res = runner.invoke(app, ["collect", str(tmp_path / "y1"), "--roster", str(roster), "--year",
                              str(YEAR + 1), "-o", str(tmp_path / "out_y1"), "--previous", str(tmp_path / "out_y")])
    rules = {}
    for o in (a, b):
        rep = json.loads((tmp_path / "out_y1" / "reports" / f"{o['code']}.json").read_text(encoding="utf-8"))
        rules[o["code"]] = [(f["rule"], f["severity"]) for f in rep["findings"] if f.get("rule") in ("R7", "R8", "R9")]
    assert rules[a["code"]] == [], res.output
    assert ("R7", "warning") in rules[b["code"]]


def test_only_valid_reports_prefill_and_the_clerk_is_told_which_and_why(tmp_path):
    """Issue 8, item 4: a report with an error (its 结转 may be the wrong number) or a missing
    value does not pre-fill next year's template; the output names each body's source file or why
    it was not pre-filled; pre-filled cells have their own fill and prompt, which 填报说明
    explains; a body not pre-filled gets exactly the plain template (the fast path's bytes)."""
    from helpers import ROOT
    from nianbao.template_workbook import template_bytes
    from nianbao.workbook_styles import INPUT_FILL, PREFILL_FILL, PREFILL_WORD

    seed = json.loads((ROOT / "samples" / "zhongcun-2022.json").read_text("utf-8"))
    kinds = {"a": "乡镇", "b": "乡镇", "c": "部门", "d": "部门"}
    orgs = {k: {"code": f"14052110{i}", "name": f"{k}镇人民政府" if kind == "乡镇" else f"{k}局", "kind": kind}
            for i, (k, kind) in enumerate(kinds.items())}
    reports = tmp_path / "out2022" / "reports"
    reports.mkdir(parents=True)
    for k in "abc":
        rep = json.loads(json.dumps(seed))
        rep["org"] = orgs[k]
        for n, c in enumerate(ms.APPLICANTS):
            rep["values"][f"t3.carried_forward.{c}"] = 10 + n
        if k == "b":
            rep["findings"].append({"code": "RULE_BALANCE", "severity": "error", "rule": "R1", "message": "…"})
        if k == "c":
            rep["values"]["t2.regulations.issued"] = None
        (reports / f"{orgs[k]['code']}.json").write_text(json.dumps(rep, ensure_ascii=False), "utf-8")
    roster = tmp_path / "roster.csv"
    roster.write_text("单位代码,单位名称,单位类型\n" + "".join(f"{o['code']},{o['name']},{o['kind']}\n"
                                                     for o in orgs.values()), "utf-8")
    res = runner.invoke(app, ["template", "--year", "2023", "--roster", str(roster), "--previous",
                              str(tmp_path / "out2022"), "-o", str(tmp_path / "next")])
    assert res.exit_code == 0, res.output
    a, b, c, d = (orgs[k] for k in "abcd")
    assert res.stdout.splitlines()[:7] == [
        "按2022年度报告预填“上年结转”：1个单位：",
        f"  a镇人民政府（{a['code']}） ← {reports / (a['code'] + '.json')}",
        "未预填：3个单位：",
        f"  b镇人民政府（{b['code']}）：上年报告 {reports / (b['code'] + '.json')} 有1条错误（R1），未采用",
        f"  c局（{c['code']}）：上年报告 {reports / (c['code'] + '.json')} 缺少1项数据，未采用",
        f"  d局（{d['code']}）：没有2022年度报告",
        "已为4个单位生成2023年度模板，保存在 " + str(tmp_path / "next") + "/（用时" + res.stdout.split("（用时")[1].split("\n")[0],
    ]
    assert res.stdout.rstrip().endswith("其中1个已按上年报告预填")
    layout = layout_for("gb2021")
    carried = [c.ids["this"] for c in checks_with(layout.format, "prefill") if not c.ids["this"].endswith(".total")]
    wb = openpyxl.load_workbook(tmp_path / "next" / f"2023_{a['code']}_{a['name']}.xlsx")
    for this in carried:
        sheet, ref = layout.where(this)
        cell = wb[sheet][ref]
        assert cell.value == 10 + ms.APPLICANTS.index(this.rsplit(".", 1)[1])
        assert cell.fill.fgColor.rgb == "FF" + PREFILL_FILL[1:] and not cell.protection.locked
        [dv] = [dv for dv in wb[sheet].data_validations.dataValidation if ref in dv.sqref]
        assert "已按本单位2022年度报告预填" in dv.prompt and dv.type == "whole"  # still checked as a count
    other = layout.where("t3.received.natural_person")  # an ordinary input keeps the input fill
    assert wb[other[0]][other[1]].fill.fgColor.rgb == "FF" + INPUT_FILL[1:]
    notes = " ".join(str(x.value) for x in wb["填报说明"]["A"] if x.value)
    assert f"{PREFILL_WORD}格子已按本单位2022年度报告预填" in notes
    for o in (b, c, d):
        got = (tmp_path / "next" / f"2023_{o['code']}_{o['name']}.xlsx").read_bytes()
        assert got == template_bytes(year=2023, org=o)
