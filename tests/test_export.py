"""nianbao export: the long table and the findings, several years together, idempotent."""

from __future__ import annotations

import csv
import json
import sqlite3

from typer.testing import CliRunner

from helpers.reports import counter_values, make_report
from nianbao.cli import app
from nianbao.report import dumps

runner = CliRunner()


def _write(folder, report):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{report.org.code}.json").write_text(dumps(report), encoding="utf-8")


def test_sqlite_two_years_idempotent_and_csv(tmp_path):
    finding = {"code": "RULE_FEE_STATEMENT", "severity": "warning", "rule": "R14",
               "sheet": "五六、问题及其他", "cell": "A6", "message": "六中未报告信息处理费"}
    a25 = make_report("A", counter_values(1), year=2025)
    a26 = make_report("A", counter_values(2), year=2026, findings=[finding])
    b26 = make_report("B", counter_values(3), year=2026)
    b26.values["t3.granted.commercial"] = None
    _write(tmp_path / "2025" / "reports", a25)
    _write(tmp_path / "2026" / "reports", a26)
    _write(tmp_path / "2026" / "reports", b26)
    (tmp_path / "2026" / "notes.json").write_text("[1, 2]", encoding="utf-8")
    db = tmp_path / "data.db"
    for _ in range(2):
        res = runner.invoke(app, ["export", str(tmp_path / "2025"), str(tmp_path / "2026"),
                                  "--sqlite", str(db), "--csv", str(tmp_path / "data.csv")])
        assert res.exit_code == 0, res.output
    assert "3份报告，600行数据" in res.output
    con = sqlite3.connect(db)
    assert con.execute("SELECT COUNT(*) FROM report_values").fetchone() == (600,)
    rows = con.execute("SELECT year, value FROM report_values WHERE org_code='A' AND "
                       "datapoint='t3.received.total' ORDER BY year").fetchall()
    assert rows == [(2025, a25.values["t3.received.total"]), (2026, a26.values["t3.received.total"])]
    assert con.execute("SELECT value FROM report_values WHERE org_code='B' AND "
                       "datapoint='t3.granted.commercial'").fetchone() == (None,)
    assert con.execute("SELECT value, unit FROM report_values WHERE org_code='A' AND year=2026 "
                       "AND datapoint='t2.fees.amount'").fetchone() == (a26.to_json()["values"]["t2.fees.amount"], "万元")
    assert con.execute("SELECT year, org_code, rule, cell, message FROM report_findings").fetchall() == [
        (2026, "A", "R14", "A6", "六中未报告信息处理费")]
    text = (tmp_path / "data.csv").read_bytes()
    assert text.startswith("\ufeff".encode())
    table = list(csv.reader(text.decode("utf-8-sig").splitlines()))
    assert table[0][:5] == ["year", "org_code", "org_name", "org_kind", "datapoint"]
    assert len(table) == 601
    assert table[1][:5] == ["2025", "A", "单位A", "部门", "t2.regulations.issued"]
    findings = (tmp_path / "data.findings.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(findings) == 2 and "R14" in findings[1]


def test_export_needs_a_target_and_reports(tmp_path):
    res = runner.invoke(app, ["export", str(tmp_path)])
    assert res.exit_code == 2 and "--sqlite" in res.output
    res = runner.invoke(app, ["export", str(tmp_path), "--csv", str(tmp_path / "x.csv")])
    assert res.exit_code == 2 and "没有找到报告" in res.output
    (tmp_path / "r.json").write_text(json.dumps({"format": "gb2021"}), encoding="utf-8")
    res = runner.invoke(app, ["export", str(tmp_path), "--csv", str(tmp_path / "x.csv")])
    assert res.exit_code == 2
