"""Export report JSONs as a long table for analysis (SQLite and CSV).

Every report JSON found under the given paths becomes one row per data point
``(year, org_code, org_name, datapoint, value)`` plus its findings, so several years can be
queried together. A report is identified by (year, org_code, org_name): exporting again
replaces its rows, so re-exporting is idempotent. Counts are stored as integers; the fee amount
as its exact decimal text (SQL arithmetic on it converts, the stored digits stay exact).
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

from .files import read_text
from .report import Report, problem
from .values import json_value

VALUE_COLUMNS = ("year", "org_code", "org_name", "org_kind", "datapoint", "label", "unit", "value")
FINDING_COLUMNS = ("year", "org_code", "org_name", "code", "severity", "rule", "sheet", "cell",
                   "message", "file")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS report_values (
  year INTEGER, org_code TEXT, org_name TEXT, org_kind TEXT, datapoint TEXT, label TEXT,
  unit TEXT, value, PRIMARY KEY (year, org_code, org_name, datapoint));
CREATE TABLE IF NOT EXISTS report_findings (
  year INTEGER, org_code TEXT, org_name TEXT, code TEXT, severity TEXT, rule TEXT, sheet TEXT,
  cell TEXT, message TEXT, file TEXT);
CREATE INDEX IF NOT EXISTS report_findings_key ON report_findings (year, org_code, org_name);
"""


def find_reports(paths) -> tuple[list[tuple[Path, Report]], list[str]]:
    """Report JSONs under ``paths`` (files or folders, recursively), in path order, and notes
    on JSON files that are not reports."""
    files: list[Path] = []
    for p in map(Path, paths):
        files += sorted(p.rglob("*.json")) if p.is_dir() else [p]
    out: list[tuple[Path, Report]] = []
    notes: list[str] = []
    for f in files:
        try:
            data = json.loads(read_text(f, "utf-8-sig"))
        except (OSError, ValueError) as exc:
            from .files import os_reason

            why = os_reason(exc, "读取") if isinstance(exc, OSError) else "不是有效的 JSON"
            notes.append(f"{f}：无法读取（{why}），已跳过")
            continue
        bad = problem(data)
        if bad is None:
            out.append((f, Report.from_json(data)))
        else:
            notes.append(f"{f}：{bad}，已跳过")
    return out, notes


def _key(report: Report) -> tuple:
    return (report.year, report.org.code, report.org.name)


def value_rows(report: Report) -> list[tuple]:
    """A report's values as stored: as in its JSON (counts as integers, an amount as its exact
    decimal text, missing as NULL)."""
    year, code, name = _key(report)
    return [(year, code, name, report.org.kind, i, dp.label, dp.unit,
             json_value(report.values.get(i), dp.value_kind))
            for i, dp in report.fmt.datapoints.items()]


def finding_rows(report: Report) -> list[tuple]:
    year, code, name = _key(report)
    return [(year, code, name, f.code, f.severity, f.rule, f.sheet, f.cell, f.message(report.lang),
             f.file or report.source.get("file"))
            for f in report.findings]


def latest_by_key(found) -> tuple[list[Report], list[str]]:
    """One report per (year, code, name): the last in path order; notes for the others."""
    by_key: dict[tuple, tuple[Path, Report]] = {}
    notes = []
    for path, report in found:
        k = _key(report)
        if k in by_key:
            notes.append(f"{by_key[k][0]} 与 {path} 是同一单位同一年度，导出后者")
        by_key[k] = (path, report)
    return [r for _, r in sorted(by_key.values(), key=lambda pr: tuple(map(str, _key(pr[1]))))], notes


def export_sqlite(reports, db: Path) -> int:
    """Write (or replace) the reports' rows in an SQLite database; returns the value rows written."""
    con = sqlite3.connect(db)
    try:
        con.executescript(_SCHEMA)
        n = 0
        with con:
            for r in reports:
                k = _key(r)
                con.execute("DELETE FROM report_values WHERE year IS ? AND org_code=? AND org_name=?", k)
                con.execute("DELETE FROM report_findings WHERE year IS ? AND org_code=? AND org_name=?", k)
                rows = value_rows(r)
                con.executemany(f"INSERT INTO report_values VALUES ({','.join('?' * len(VALUE_COLUMNS))})", rows)
                con.executemany(f"INSERT INTO report_findings VALUES ({','.join('?' * len(FINDING_COLUMNS))})",
                                finding_rows(r))
                n += len(rows)
        return n
    finally:
        con.close()


def csv_bytes(columns, rows) -> bytes:
    """CSV in UTF-8 with a BOM, so Excel in China opens it with the right characters."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(columns)
    for row in rows:
        w.writerow(["" if v is None else v for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def export_csv(reports) -> tuple[bytes, bytes]:
    """(values CSV, findings CSV) of the reports."""
    values = [row for r in reports for row in value_rows(r)]
    findings = [row for r in reports for row in finding_rows(r)]
    return csv_bytes(VALUE_COLUMNS, values), csv_bytes(FINDING_COLUMNS, findings)


def findings_csv_path(path: Path) -> Path:
    """``data.csv`` -> ``data.findings.csv``."""
    return path.with_name(path.stem + ".findings" + (path.suffix or ".csv"))
