"""The findings of reading values cell by cell, under the format's rules.

Two kinds of rule are enforced while a value is read (``cells`` kinds): ``value_type`` (R5: a count
is a whole number of 0 or more …) and ``blank_values`` (R16: a blank or a placeholder where a
number belongs). :mod:`nianbao.values` reads a value and says what is wrong with it; here those
findings get the rule and the severity the format's data gives the rule that governs their code.

One problem, one finding: a value that could not be read is also a gap of the report (R6). The
finding of its cell says why, so R6 does not count it again, and the finding takes R6's severity
when that is higher (a blank is an error: the report is incomplete). A table with many blanks --
a template sent back unfilled -- gets one finding for them all instead of one per cell.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from ..findings import SEVERITIES, Finding, code
from ..spec import Format, Rule
from ..values import read_value
from .registry import KINDS, rules_with

BLANKS = code(
    "VALUE_BLANKS", "warning",
    "{table}中有{n}项数字未填写（空白，或填了“/”“无”等），如 {examples} 等；请逐项填写，没有的填 0",
    "{table}: {n} numbers are blank or placeholders (e.g. {examples}); recorded as missing",
    "逐项填写所有数字，没有的填 0，不要填“/”或“无”。", "R16")
LISTED = 3  # blank cells of one table listed one by one; more are one finding for the table


def governing(fmt: Format) -> dict[str, Rule]:
    """Finding code -> the format's rule that governs it (the codes of its ``cells`` kind)."""
    out: dict[str, Rule] = {}
    for rule in fmt.rules:
        kind = KINDS.get(rule.kind)
        if kind is not None and kind.cells:
            out.update(dict.fromkeys(kind.codes, rule))
    return out


def settle(fmt: Format, findings: Iterable[Finding]) -> list[Finding]:
    """The findings of reading cells with the rule and severity of the rule governing each."""
    rules = governing(fmt)
    out = list(findings)
    for f in out:
        rule = rules.get(f.code)
        if rule is not None:
            f.rule, f.severity = rule.id, rule.severity
    return out


def read_cell(fmt: Format, datapoint: str, raw: Any) -> tuple[Any, Finding | None]:
    """Read the value of one data point as typed (a cell's value or text) under the format:
    ``(value, finding or None)``, the finding settled (see :func:`settle`)."""
    dp = fmt.datapoints[datapoint]
    value, found = read_value(raw, fmt.value_kinds[dp.kind], dp.label)
    if found is not None:
        found.datapoints = [datapoint]
        settle(fmt, [found])
    return value, found


def cell_findings(fmt: Format, findings: Iterable[Finding],
                  values: Mapping[str, Any]) -> tuple[list[Finding], frozenset[str]]:
    """The findings of reading a report's cells, settled, each gap at the severity of the rule
    that counts gaps when higher, the blanks of a table summed up when there are many; and the
    data points whose gap a finding explains (the rules' ``Context.explained``)."""
    out = settle(fmt, findings)
    gaps = [r.severity for r in rules_with(fmt, "gaps")]
    explained: set[str] = set()
    for f in out:
        missing = [d for d in f.datapoints if d in values and values[d] is None]
        if missing:
            explained.update(missing)
            f.severity = min([f.severity, *gaps], key=SEVERITIES.index)
    return _blanks_by_table(fmt, out), frozenset(explained)


def _blanks_by_table(fmt: Format, findings: list[Finding]) -> list[Finding]:
    by_table: dict[str, list[Finding]] = {}
    for f in findings:
        if f.code == "VALUE_BLANK" and f.datapoints:
            by_table.setdefault(fmt.datapoints[f.datapoints[0]].table, []).append(f)
    out = []
    for f in findings:
        group = by_table.get(fmt.datapoints[f.datapoints[0]].table) if f.code == "VALUE_BLANK" else None
        if group is None or len(group) <= LISTED:
            out.append(f)
        elif f is group[0]:
            cells = [g.cell for g in group if g.cell]
            examples = "、".join(cells[:LISTED]) if cells else f"“{fmt.datapoints[f.datapoints[0]].label}”"
            one = BLANKS(severity=f.severity, rule=f.rule, sheet=f.sheet, cell=f.cell,
                         datapoints=[d for g in group for d in g.datapoints],
                         table=fmt.table(fmt.datapoints[f.datapoints[0]].table).title,
                         n=len(group), examples=examples)
            out.append(one)
    return out
