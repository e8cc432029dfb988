"""nianbao merge from workbooks and JSONs, without a roster; a summary workbook merges again."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from nianbao.cli import app
from nianbao.importer import import_workbook
from test_collect import ORGS, YEAR, ms

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
    res = runner.invoke(app, ["merge", str(tmp_path / "in"), "-o", str(tmp_path / "flat.json")])
    assert res.exit_code == 0, res.output
    flat = json.loads((tmp_path / "flat.json").read_text(encoding="utf-8"))
    assert [m["code"] for m in flat["members"]] == [o["code"] for o in ORGS[:4]]
    # the summary workbook imports back to the same values as the flat merge (associativity)
    back = import_workbook(tmp_path / "all.xlsx")
    assert back.report["values"] == flat["values"]
    assert back.report["org"]["kind"] == "汇总"
    assert flat["values"]["t3.received.total"] == sum(v["t3.received.total"] for v in vals.values())
    # a summary workbook merges again, as one member
    res = runner.invoke(app, ["merge", str(tmp_path / "all.xlsx"), "-o", str(tmp_path / "again.json")])
    assert res.exit_code == 0, res.output
    again = json.loads((tmp_path / "again.json").read_text(encoding="utf-8"))
    assert again["values"] == flat["values"]


def test_merge_refuses_bad_output_and_missing_input(tmp_path):
    res = runner.invoke(app, ["merge", str(tmp_path), "-o", str(tmp_path / "x.txt")])
    assert res.exit_code == 2 and ".xlsx 或 .json" in res.output
    res = runner.invoke(app, ["merge", str(tmp_path / "nope.json"), "-o", str(tmp_path / "x.json")])
    assert res.exit_code == 2 and "找不到" in res.output


def test_merge_with_nothing_valid_writes_nothing(tmp_path):
    from test_merge import counter_values, make_report
    from nianbao.report import dumps

    bad = make_report("X", counter_values(1), findings=[{"code": "RULE_BALANCE", "severity": "error",
                                                         "rule": "R1", "message": "…"}])
    (tmp_path / "x.json").write_text(dumps(bad), encoding="utf-8")
    res = runner.invoke(app, ["merge", str(tmp_path / "x.json"), "-o", str(tmp_path / "s.xlsx")])
    assert res.exit_code == 1 and "未计入汇总：有1处错误" in res.output and "没有可汇总的报告" in res.output
    assert not (tmp_path / "s.xlsx").exists()
