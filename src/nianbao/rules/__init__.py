"""The rules engine: every rule of spec §6, driven by the rule data of the format.

A rule of a format is data: an id, a severity, a ``kind`` and the kind's parameters (see
``nianbao.formats``). Each kind is implemented once, in the module named for what it checks, and
registered with its parameter schema, its message fields, its default wording and its traits
(:mod:`.registry`); :func:`evaluate` runs every rule of a format on a report's values and texts
and returns findings located through ``Context.locate`` when the report came from a workbook.
:mod:`.cells` gives the findings of reading values (R5, R16) their rules' severities.

A new rule is one entry in the format data (and a test); a new kind of rule is one registered
function here.
"""

from __future__ import annotations

from . import body, previous, tables, texts  # noqa: F401  (each registers its kinds)
from .cells import read_cell, settle
from .engine import Context, evaluate, recompute_totals, sections_present, text_sections
from .registry import (
    KINDS,
    Param,
    RuleKind,
    Wording,
    checks_with,
    code_of,
    has,
    kind_of,
    rules_with,
    summary_rules,
    wording,
)


def declare_codes() -> dict[str, list[str]]:
    """The finding code of every rule of every format nianbao has (for the catalogue), with the
    ids of the rules whose findings carry it."""
    from ..spec import available_formats, get_format

    out: dict[str, list[str]] = {}
    for format_id in available_formats():
        for rule in get_format(format_id).rules:
            if rule.kind in KINDS and KINDS[rule.kind].wording is not None:
                ids = out.setdefault(code_of(rule).code, [])
                if rule.id not in ids:
                    ids.append(rule.id)
    return out


__all__ = ["Context", "evaluate", "recompute_totals", "sections_present", "text_sections",
           "KINDS", "Param", "RuleKind", "Wording", "checks_with", "code_of", "has", "kind_of",
           "rules_with", "summary_rules", "wording", "declare_codes", "read_cell", "settle"]
