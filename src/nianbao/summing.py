"""Merging reports into a summary (汇总): pure functions on reports (spec §9).

A summary has the shape of a report: every data point is the sum of the members' values (counts
as ints, the fee amount as an exact Decimal), ``org.kind`` is ``汇总``, texts are empty (a county
writes its own; the members' texts are listed in the summary workbook), and ``members`` lists each
merged body's ``org`` with its ``source.sha256``. A summary can be merged again: its values are
already sums and its members are flattened, so merge(merge(A, B), C) == merge(A, B, C). The summary
workbook carries the same member list (on its identity sheet, with a digest), so the importer gives
it back and a summary workbook flattens like a summary JSON.

What is left out, and why, is returned as findings (and kept in the summary's ``findings``):
a report with an error finding or a missing value is not summed unless ``include_invalid``;
then missing values count as 0 and a finding says so for each body (spec §7: "only where the
user chose so, and the output says so"). The summary's own rules R1–R4 are run on the result.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any, Iterable, Mapping

from .findings import Finding, code
from .identity import SUMMARY_KIND
from .layout import layout_for
from .report import Member, Org, Report, Value, build_report
from .rules import Context, evaluate, recompute_totals, summary_rules
from .spec import Format, available_formats, format_for_year, get_format

LEFT_OUT = code(
    "MERGE_LEFT_OUT", "warning", "{who}未计入汇总：{reason}",
    "{who} was left out of the summary: {reason_en}",
    "请该单位改正后重新提交；确需先汇总的，可加 --include-invalid（缺失数据按0计，并在汇总中注明）。")
INCLUDED_INVALID = code(
    "MERGE_INCLUDED_INVALID", "warning", "{who}{reason}，因使用 --include-invalid 仍计入汇总",
    "{who}: {reason_en}; included anyway because of --include-invalid",
    "汇总数据可能不准确；请该单位改正后重新汇总。")
MISSING_AS_ZERO = code(
    "MERGE_MISSING_AS_ZERO", "warning",
    "{who}有{n}项数据缺失（如“{first}”），因使用 --include-invalid 在汇总中按0计算",
    "{who}: {n} data points missing (e.g. “{first}”), counted as 0 because of --include-invalid",
    "请该单位补齐数据后重新汇总。")
DUPLICATE = code(
    "MERGE_DUPLICATE", "warning", "{who}已计入汇总（{first}），重复的“{file}”未再计入",
    "{who} is already in the summary ({first}); the duplicate “{file}” was not counted again",
    "同一单位只应计入一次；请检查是否重复提交或汇总表互相包含。")
NO_MEMBERS = code(
    "MERGE_EMPTY", "error", "没有可汇总的报告",
    "no report could be merged", "检查输入文件；有错误的报告需改正或加 --include-invalid。")


def who(org: Org) -> str:
    """How a body is named in messages: 名称（代码）."""
    return org.who


def problems(report: Report, fmt: Format) -> tuple[int, list[str]]:
    """(number of error findings, ids of missing values) of one report."""
    values = report.values
    missing = [i for i in fmt.inputs if values.get(i) is None]  # a missing total follows from these
    return report.errors, missing or [i for i in fmt.datapoints if values.get(i) is None]


def _reason(errors: int, missing: list[str]) -> tuple[str, str]:
    zh = []
    en = []
    if errors:
        zh.append(f"有{errors}处错误")
        en.append(f"{errors} errors")
    if missing:
        zh.append(f"有{len(missing)}项数据缺失")
        en.append(f"{len(missing)} values missing")
    return "，".join(zh), ", ".join(en)


def effective_values(report: Report, fmt: Format) -> dict[str, Value]:
    """Typed values with missing inputs as 0 and missing totals recomputed from those inputs."""
    zero = {i: (Decimal(0) if dp.value_kind.decimal else 0) for i, dp in fmt.datapoints.items()}
    filled = {i: (zero[i] if report.values.get(i) is None and i not in fmt.computed else report.values.get(i))
              for i in fmt.datapoints}
    totals = recompute_totals(fmt, filled)
    return {i: (totals[i] if v is None else v) for i, v in filled.items()}


def _key(member: Member) -> str:
    return member.code or member.sha256 or member.name or ""


def _skip(report: Report, fmt: Format, year: int | None, include_invalid: bool,
          seen: dict[str, str], label: str) -> tuple[Finding | None, list[Finding]]:
    """Why a report is not summed (a finding), or None; and the findings to note if it is."""
    org = report.org
    if report.format != fmt.id:
        return LEFT_OUT(who=who(org), reason=f"格式为{report.format}，不是{fmt.id}",
                        reason_en=f"format {report.format}, not {fmt.id}"), []
    if year is not None and report.year != year:
        return LEFT_OUT(who=who(org), reason=f"报告年度为{report.year}，不是{year}",
                        reason_en=f"report year {report.year}, not {year}"), []
    for m in report.members_or_self():
        if _key(m) in seen:
            return DUPLICATE(who=who(m), first=seen[_key(m)], file=label), []
    errors, missing = problems(report, fmt)
    if not errors and not missing:
        return None, []
    zh, en = _reason(errors, missing)
    if not include_invalid:
        return LEFT_OUT(who=who(org), reason=zh, reason_en=en), []
    notes = [INCLUDED_INVALID(who=who(org), reason=zh, reason_en=en)]
    if missing:
        notes.append(MISSING_AS_ZERO(who=who(org), n=len(missing), datapoints=missing,
                                     first=fmt.datapoints[missing[0]].label))
    return None, notes


def _label(report: Report) -> str:
    return report.source.get("file") or who(report.org)


def pick_year(reports: Iterable[Report]) -> int | None:
    """The most common report year (the earliest on a tie), None for no reports."""
    years = Counter(r.year for r in reports if r.year is not None)
    if not years:
        return None
    top = max(years.values())
    return min(y for y, n in years.items() if n == top)


def summed_in(summary: Report, reports: Iterable[Report], summed: bool = True) -> list[Report]:
    """Those of ``reports`` the summary counts (a body's report, or a summary all of whose
    members it counts) or, with ``summed=False``, those it does not: by member code and file."""
    keys = {(m.code, m.sha256) for m in summary.members or ()}
    return [r for r in reports
            if any((m.code, m.sha256) in keys for m in r.members_or_self()) == summed]


def merge_reports(reports: Iterable[Report], *, include_invalid: bool = False, year: int | None = None,
                  org: Org | Mapping[str, Any] | None = None, fmt: Format | None = None,
                  source: dict[str, Any] | None = None) -> tuple[Report, list[Finding]]:
    """Sum reports (or summaries) data point by data point into a summary report.

    Returns ``(summary, findings)``; the findings are also the summary's.
    ``year`` defaults to the most common year of the reports; reports of another year or
    format, duplicates of a body already counted, and (unless ``include_invalid``) reports
    with errors or missing values are left out with a finding each. ``org``: the summary's
    own code and name (its kind is 汇总; its name 汇总 when not given).
    """
    reports = list(reports)
    year = pick_year(reports) if year is None else year
    fmt = fmt or _format_of(reports, year)
    totals: dict[str, Value] = {i: (Decimal(0) if dp.value_kind.decimal else 0)
                                for i, dp in fmt.datapoints.items()}
    members: list[Member] = []
    seen: dict[str, str] = {}
    findings: list[Finding] = []
    for report in reports:
        skip, notes = _skip(report, fmt, year, include_invalid, seen, _label(report))
        if skip is not None:
            findings.append(skip)
            continue
        findings += notes
        for i, v in effective_values(report, fmt).items():
            totals[i] += v  # type: ignore[operator]  # effective values are never None
        for m in report.members_or_self():
            seen[_key(m)] = _label(report)
            members.append(m)
    if not members:
        findings.append(NO_MEMBERS())
    findings += summary_rule_findings(fmt, totals)
    own = _own(org)
    summary = build_report(fmt, year=year, org=own, values=totals, texts={},
                           source=source or {}, findings=findings, members=members)
    return summary, findings


def _own(org: Org | Mapping[str, Any] | None) -> Org:
    """The summary's own org: the code and name given (the name 汇总 when none is), kind 汇总."""
    if isinstance(org, Org):
        return Org(org.code, org.name, SUMMARY_KIND)
    given = {"code": "", "name": SUMMARY_KIND, **(org or {})}
    return Org(given["code"] or "", given["name"] or "", SUMMARY_KIND)


def _format_of(reports: list[Report], year: int | None) -> Format:
    """The format of a summary: that of the reports of its year (the first such report's), else
    the format in force for the year, else (nothing to merge, no year) the newest format."""
    of_year = [r for r in reports if year is None or r.year == year]
    if of_year:
        return of_year[0].fmt
    try:
        return format_for_year(year) if year is not None else get_format(available_formats()[0])
    except KeyError:
        return get_format(available_formats()[0])


def summary_rule_findings(fmt: Format, values: Mapping[str, Value]) -> list[Finding]:
    """The rules that apply to a summary (R1–R4 first of all; see :func:`summary_rules`) on
    summed values, located at the summary workbook's cells: the same rules the importer runs
    when the summary workbook is read back."""
    layout = layout_for(fmt.id)
    return evaluate(fmt, Context(values=values, texts={}, org_kind=SUMMARY_KIND,
                                 locate=layout.where), only={r.id for r in summary_rules(fmt)})
