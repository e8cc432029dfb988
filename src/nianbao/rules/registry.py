"""The registry of rule kinds: what a rule entry of a format may say, and what the engine does.

A rule of a format is data (``nianbao.formats``): an id, a severity, a ``kind`` and the kind's
parameters. A :class:`RuleKind` is the one place that knows a kind: its check (a function of the
format, one expanded :class:`~nianbao.spec.Check` and the :class:`~nianbao.rules.engine.Context`),
its parameter schema (``nianbao spec-lint`` checks every rule against it), the fields its
findings' messages can use, its default finding (code and wording, generic: a rule gives its
own wording in its entry) and its traits -- which the rest of nianbao asks instead of naming
rules or kinds:

* ``needs_previous`` -- compares with last year's report (collect runs it per body with the body's
  previous report; the importer with ``--previous``);
* ``text_rule`` -- about the texts a body writes; not run on a summary, whose texts are empty;
* ``live`` -- how the workbook itself shows it: ``mark`` (a live pass/fail row), ``formula``
  (the totals are formulas), ``validation`` (data validation of the inputs), ``beside`` (a live
  check beside the table when the template is pre-filled with last year's report);
* ``prefill`` -- a template made with last year's report pre-fills ``this`` from ``last``;
* ``totals`` -- its checks define the totals (``total`` = sum of ``parts``);
* ``cells`` -- enforced while a value is read from its cell (the kind's ``codes`` are the findings
  of that reading), not by :func:`~nianbao.rules.engine.evaluate`;
* ``gaps`` -- counts the values that are missing (R6): a value whose cell has a finding saying
  why it is missing is that finding alone, at this rule's severity when that is higher (one
  problem, one finding);
* ``summary`` -- whether a rule of this kind applies to a summary (a function of the rule).

This module imports nothing of nianbao but the findings: the format model (``nianbao.spec``)
asks it which kinds define totals.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Callable, Mapping

from ..findings import SEVERITIES, Code, register_code

if TYPE_CHECKING:
    from ..findings import Finding
    from ..spec import Check, Format, Rule
    from .engine import Context

# Parameters every rule entry may have, whatever its kind.
COMMON = {"id", "severity", "kind", "title", "each", "label", "anchor",
          "code", "message", "message_en", "hint"}
# What a parameter holds (``nianbao spec-lint`` checks each against the format):
TYPES = {
    "role": "an id pattern (placeholders of ``each``), expanded per check",
    "roles": "a list of id patterns, expanded per check",
    "parts": "an id pattern whose placeholders of ``over`` are summed",
    "over": "placeholder -> axis reference or list of keys",
    "datapoint": "the id of a data point",
    "datapoints": "a list of data point ids",
    "text": "the id of a text",
    "texts": "a list of text ids",
    "patterns": "a list of {regex, value}: a regex with one number group, the data point it states",
    "regex": "a regular expression",
    "words": "a list of words",
    "kinds": "a list of kinds of body (the format's org_kinds)",
    "str": "a text", "int": "a whole number", "decimal": "a decimal number as a string",
}
LIVE = ("mark", "formula", "validation", "beside")


@dataclass(frozen=True)
class Param:
    type: str  # one of TYPES
    required: bool = True
    doc: str = ""


@dataclass(frozen=True)
class Wording:
    """A finding's code and texts: zh and en message templates (``str.format`` fields of the
    kind's :attr:`RuleKind.fields`) and what to do (Chinese)."""

    code: str
    zh: str
    en: str
    hint: str = ""


CheckFn = Callable[["Format", "Check", "Context"], "list[Finding]"]


def _not_text(kind: "RuleKind", rule: "Rule") -> bool:
    return not kind.text_rule


@dataclass(frozen=True)
class RuleKind:
    name: str
    check: CheckFn
    doc: str
    params: Mapping[str, Param] = field(default_factory=dict)
    fields: tuple[str, ...] = ()  # message fields the check supplies, in this order
    wording: Wording | None = None  # the default finding; None for ``cells`` kinds
    codes: tuple[str, ...] = ()  # ``cells`` kinds: the codes of the refusals they govern
    needs_previous: bool = False
    text_rule: bool = False
    live: str | None = None
    prefill: bool = False
    totals: bool = False
    cells: bool = False
    gaps: bool = False
    for_summary: Callable[["RuleKind", "Rule"], bool] = _not_text

    def applies_to_summary(self, rule: "Rule") -> bool:
        return self.for_summary(self, rule)


KINDS: dict[str, RuleKind] = {}


def register(kind: RuleKind) -> RuleKind:
    if kind.name in KINDS:
        raise ValueError(f"rule kind {kind.name} registered twice")
    if kind.live not in (None, *LIVE):
        raise ValueError(f"rule kind {kind.name}: live must be one of {LIVE}")
    unknown = {p.type for p in kind.params.values()} - set(TYPES)
    if unknown:
        raise ValueError(f"rule kind {kind.name}: unknown parameter types {unknown}")
    KINDS[kind.name] = kind
    return kind


def kind_of(rule: "Rule") -> RuleKind:
    return KINDS[rule.kind]


def has(rule: "Rule", trait: str, value: Any = True) -> bool:
    """Whether the rule's kind has ``trait`` (equal to ``value``); False for an unknown kind."""
    kind = KINDS.get(rule.kind)
    return kind is not None and getattr(kind, trait) == value


def rules_with(fmt: "Format", trait: str, value: Any = True) -> tuple["Rule", ...]:
    return tuple(r for r in fmt.rules if has(r, trait, value))


def checks_with(fmt: "Format", trait: str, value: Any = True) -> tuple["Check", ...]:
    return tuple(c for c in fmt.checks if has(c.rule, trait, value))


def summary_rules(fmt: "Format") -> list["Rule"]:
    """The rules that apply to a summary: the data rules, not those about a body's own texts,
    nor those limited to kinds of body a summary is not (R17)."""
    return [r for r in fmt.rules if r.kind in KINDS and KINDS[r.kind].applies_to_summary(r)]


# ---- wording ---------------------------------------------------------------------------------

def wording(rule: "Rule") -> Wording | None:
    """The rule's finding: its kind's default, with what the rule's entry says instead."""
    base = KINDS[rule.kind].wording
    if base is None:
        return None
    p = rule.params
    return Wording(p.get("code", base.code), p.get("message", base.zh),
                   p.get("message_en", base.en), p.get("hint", base.hint))


@lru_cache(maxsize=None)
def template_fields(template: str) -> frozenset[str]:
    """The ``{field}`` names a message template uses."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name)


def code_of(rule: "Rule") -> Code:
    """The finding code of a rule (registered in the catalogue: one code, one wording)."""
    w = wording(rule)
    if w is None:
        raise ValueError(f"{rule.id}: a rule of kind {rule.kind} makes no findings of its own")
    severity = rule.severity if rule.severity in SEVERITIES else "error"
    return register_code(Code(w.code, severity, w.zh, w.en, w.hint))


def params_for(rule: "Rule", available: Mapping[str, Any]) -> dict[str, Any]:
    """The message fields a rule's wording uses, in the kind's order (a finding keeps exactly
    what its message needs)."""
    w = wording(rule)
    used = template_fields(w.zh) | template_fields(w.en) if w else frozenset()
    return {k: available[k] for k in KINDS[rule.kind].fields if k in used and k in available}
