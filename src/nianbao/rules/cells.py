"""The findings of reading values cell by cell, under the format's rules.

Two kinds of rule are enforced while a value is read (``cells`` kinds): ``value_type`` (R5: a count
is a whole number of 0 or more …) and ``blank_values`` (R16: a blank or a placeholder where a
number belongs). :mod:`nianbao.values` reads a value and says what is wrong with it; here those
findings get the rule and the severity the format's data gives the rule that governs their code.
"""

from __future__ import annotations

from typing import Any, Iterable

from ..findings import Finding
from ..spec import Format, Rule
from ..values import read_value
from .registry import KINDS


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
    value, found = read_value(raw, dp.kind, dp.label)
    if found is not None:
        found.datapoints = [datapoint]
        settle(fmt, [found])
    return value, found
