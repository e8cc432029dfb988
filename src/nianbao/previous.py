"""Last year's reports: the one place they are read, for the cross-year rules (R7–R9, R20) and
to pre-fill next year's templates.

:func:`last_year` finds each body's report among folders written by ``nianbao collect``
(``DIR/reports/*.json``) and report JSON files, with whether it can pre-fill;
:func:`load_previous` is the same, the reports only (what collect's cross-year rules compare
with); :func:`read_previous` reads one body's report, JSON or workbook (``check --previous``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from .findings import Finding, code
from .report import Report, load

PREVIOUS_UNREADABLE = code("ROSTER_PREVIOUS_UNREADABLE", "warning", "上年报告“{file}”无法读取（{reason}），已忽略",
                           "last year's report “{file}” cannot be read ({reason}); ignored",
                           "检查该文件是否为 nianbao 导出的报告 JSON。")
PREVIOUS_YEAR = code("ROSTER_PREVIOUS_YEAR", "warning", "“{file}”是{found}年度的报告，不是上一年度（{want}年度），已忽略",
                     "“{file}” is the report of {found}, not of the previous year {want}; ignored",
                     "用上一年度汇总时导出的报告。")
PREVIOUS_DUPLICATE = code("ROSTER_PREVIOUS_DUPLICATE", "warning", "单位代码“{code}”有多份上年报告（{files}），已忽略",
                          "several of last year's reports for code “{code}” ({files}); ignored",
                          "只保留该单位的一份上年报告。")


@dataclass
class LastYear:
    """A body's report of the previous year, where it was read from, and why it cannot be
    used to pre-fill next year's template (None: it can)."""

    code: str
    file: Path
    report: Report
    problem: str | None = None


def prefill_problem(report: Report) -> str | None:
    """Why a last-year report must not pre-fill a template: it has errors (an R1 error means its
    结转下年度 is wrong) or values missing; None when it is valid."""
    errors = [f for f in report.findings if f.severity == "error"]
    if errors:
        rules = "、".join(dict.fromkeys(f.rule or f.code for f in errors))
        return f"有{len(errors)}条错误（{rules}）"
    missing = [i for i in report.fmt.datapoints if report.values.get(i) is None]
    return f"缺少{len(missing)}项数据" if missing else None


def last_year(paths: Iterable[Any], year: int) -> tuple[dict[str, LastYear], list[Finding]]:
    """Last year's reports by ``org.code``, each with its file and whether it can pre-fill: from
    ``DIR/reports/*.json`` of each folder given (where ``nianbao collect`` writes them) and from
    each .json file given directly. Files of another year, unreadable, or two for one code are
    findings and left out."""
    files: list[Path] = []
    for p in map(Path, paths):
        for f in sorted((p / "reports").glob("*.json")) if p.is_dir() else [p]:
            if f.resolve() not in {x.resolve() for x in files}:
                files.append(f)
    found: dict[str, list[LastYear]] = {}
    findings = []
    for f in files:
        try:
            report = load(f)
            code_, found_year = report.org.code, report.year
        except (OSError, ValueError, KeyError, TypeError) as exc:
            from .files import os_reason

            reason = os_reason(exc, "读取") if isinstance(exc, OSError) else str(exc) or type(exc).__name__
            findings.append(PREVIOUS_UNREADABLE(file=f.name, reason=reason))
            continue
        if found_year != year - 1:
            findings.append(PREVIOUS_YEAR(file=f.name, found=found_year, want=year - 1))
        elif code_:
            found.setdefault(code_, []).append(LastYear(code_, f, report, prefill_problem(report)))
    out = {}
    for code_, items in found.items():
        if len(items) > 1:
            findings.append(PREVIOUS_DUPLICATE(code=code_, files="、".join(x.file.name for x in items)))
        else:
            out[code_] = items[0]
    return out, findings


def load_previous(paths: Iterable[Any], year: int) -> tuple[dict[str, Report], list[Finding]]:
    """Last year's report JSONs by ``org.code`` (:func:`last_year`, the reports only), for the
    cross-year rules, which compare with whatever a body reported."""
    found, findings = last_year(paths, year)
    return {c: x.report for c, x in found.items()}, findings


def read_previous(path: Any, **kw: Any) -> Report:
    """One body's report of last year, for the cross-year rules (``check``/``import
    --previous``): a report JSON file or a workbook (imported with ``kw``)."""
    from .importer import import_workbook
    from .reader import ReadError

    path = Path(path)
    if path.suffix.lower() == ".json":
        try:
            return load(path)
        except ValueError as exc:
            raise ValueError(f"{path.name}：{exc}") from None
    result = import_workbook(path, **kw)
    if result.report is None:
        raise ReadError(result.findings[0])
    return result.report
