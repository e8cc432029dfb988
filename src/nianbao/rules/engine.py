"""Running the rules of a format on a report: the context the checks look at, the loop, and
the helpers every kind shares (values of a check, where a finding points, its wording).

A check whose values are missing is skipped: the gap itself is reported once (R6, or the cell
that could not be read), and nothing is computed on a guessed 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable, Iterable, Mapping, Protocol

from ..findings import Finding
from ..spec import Check, Format, Section
from .registry import KINDS, code_of, params_for

Value = int | Decimal | None


class Previous(Protocol):
    """Last year's report as the rules read it (a ``nianbao.report.Report``)."""

    @property
    def values(self) -> Mapping[str, Any]: ...

    @property
    def texts(self) -> Mapping[str, str]: ...


@dataclass
class Context:
    """What the rules look at."""

    values: Mapping[str, Any]  # id -> int | Decimal | None
    texts: Mapping[str, str]  # id -> str
    year: int | None = None
    org_kind: str = ""
    previous: Previous | None = None  # last year's report of the same body
    sections_found: set[str] | None = None  # section numbers found in a published report
    locate: Callable[[str], tuple[str, str] | None] = field(default=lambda i: None)
    explained: frozenset[str] = frozenset()  # data points whose gap a finding of their cell names


def evaluate(fmt: Format, ctx: Context, only: Iterable[str] | None = None) -> list[Finding]:
    """Run every rule of the format (or only the rule ids in ``only``) and return findings,
    each with its rule's severity (from the format data)."""
    wanted = None if only is None else set(only)
    out: list[Finding] = []
    for check in fmt.checks:
        if wanted is not None and check.rule.id not in wanted:
            continue
        kind = KINDS[check.rule.kind]
        if kind.cells:  # enforced while reading the cells
            continue
        found = kind.check(fmt, check, ctx)
        for f in found:
            f.severity = check.rule.severity
        out += found
    return out


def recompute_totals(fmt: Format, values: Mapping[str, Any]) -> dict[str, Any]:
    """Totals computed from the inputs (None where an input is missing)."""
    computed = fmt.computed
    out: dict[str, Any] = {}
    pending = list(computed)
    while pending:  # totals of totals (t3.total.total) wait for the totals they sum
        later = []
        for total in pending:
            parts = computed[total]
            if any(p in computed and p not in out for p in parts):
                later.append(total)
                continue
            vals = [out[p] if p in computed else values.get(p) for p in parts]
            out[total] = None if any(v is None for v in vals) else sum(vals)
        if len(later) == len(pending):
            raise ValueError(f"circular totals: {later}")
        pending = later
    return out


# ---- helpers of the kinds -----------------------------------------------------------------


def values_of(ctx: Context, ids: Iterable[str]) -> list[Any] | None:
    """The values of ``ids``, or None when any is missing."""
    vals = [ctx.values.get(i) for i in ids]
    return None if any(v is None for v in vals) else vals


def previous_values(ctx: Context) -> Mapping[str, Any] | None:
    return ctx.previous.values if ctx.previous is not None else None


def finding(check: Check, ctx: Context, *, at: str | None = None, locate: bool = True,
            datapoints: Iterable[str] = (), values: Mapping[str, Any] | None = None,
            **fields: Any) -> Finding:
    """A finding of the check's rule: its code and wording from the rule (or its kind), located
    at ``at`` (else the check's anchor) when the report has cells, its params the ``fields`` its
    wording uses."""
    rule = check.rule
    item = at or check.anchor
    where = ctx.locate(item) if locate and item else None
    loc = {"sheet": where[0], "cell": where[1]} if where else {}
    return code_of(rule)(rule=rule.id, datapoints=datapoints, values=values, **loc,
                         **params_for(rule, fields))


def text_where(fmt: Format, text_id: str) -> str:
    """Where a text sits, as a reader of the report says it: "一、总体情况（二）依申请公开"."""
    f = fmt.texts.get(text_id)
    if f is None:
        return text_id
    section = next(s.heading for s in fmt.sections if s.number == f.section)
    return section + (f.heading or "")


def text_sections(fmt: Format) -> tuple[Section, ...]:
    """The sections R13 reports missing when all their text is blank: those with text fields
    and no required one (a required field's blank is its own rule -- 六's fee statement is R14,
    a warning as the spec makes it, not a second finding for the same blank). The tables are
    always present in a workbook (their blanks are R6/R16). The importer and the workbook's
    cover status both derive from this, so they cannot disagree."""
    return tuple(s for s in fmt.sections if s.fields and not any(f.required for f in s.fields))


def sections_present(fmt: Format, texts: Mapping[str, str]) -> set[str]:
    """The sections of 一…六 a workbook has, for R13: all but a text section of
    :func:`text_sections` whose fields are all blank."""
    need = text_sections(fmt)
    return {s.number for s in fmt.sections
            if s not in need or any((texts.get(f.id) or "").strip() for f in s.fields)}
