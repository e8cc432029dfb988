"""Checks of the format data itself (``nianbao spec-lint``).

A format is data that many modules trust, so it is checked like code: ids unique and well
formed, every rule naming known ids, every data point placed exactly once in the layout, every
total summing inputs of its own table, labels free of stray whitespace.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

from .findings import SEVERITIES
from .layout import layout_for
from .spec import Format, get_format

_ID = re.compile(r"^[a-z][a-z0-9]*(\.[a-z][a-z0-9_]*)+$")
_ROLES = ("lhs", "rhs", "total", "parts", "this", "last", "plus", "minus", "value")


def lint(format_id: str) -> list[str]:
    """Problems found in a format's data (empty when the format is sound)."""
    fmt = get_format(format_id)
    return _ids(fmt) + _rules(fmt) + _placement(format_id) + _labels(fmt)


def _ids(fmt: Format) -> list[str]:
    out = [f"id {i!r} is not of the form table.row.column" for i in list(fmt.datapoints) + list(fmt.texts)
           if not _ID.match(i)]
    out += [f"id {i!r} is both a data point and a text" for i in fmt.texts if i in fmt.datapoints]
    rule_ids = Counter(r.id for r in fmt.rules)
    out += [f"rule {r} declared {n} times" for r, n in rule_ids.items() if n > 1]
    return out


def _rule_ids(check) -> list[str]:
    """The ids of a check's roles, expanded from the rule's id patterns."""
    ids = []
    for role in _ROLES:
        v = check.ids.get(role)
        ids += list(v) if isinstance(v, tuple) else ([v] if v else [])
    return ids  # (the ids of the other parameters are checked against the kind's schema)


def _rules(fmt: Format) -> list[str]:
    from .rules.registry import KINDS

    out, known = [], set(fmt.datapoints) | set(fmt.texts)
    for r in fmt.rules:
        if r.kind not in KINDS:
            out.append(f"{r.id}: kind {r.kind!r} is not implemented in nianbao.rules")
            continue
        if r.severity not in SEVERITIES:
            out.append(f"{r.id}: bad severity {r.severity!r}")
        out += _params(fmt, r) + _wording(fmt, r)
    for check in fmt.checks:
        if check.rule.kind not in KINDS:
            continue
        for i in _rule_ids(check):
            if i not in known:
                out.append(f"{check.rule.id} ({check.label}): unknown id {i!r}")
    for total, parts in fmt.computed.items():
        table = total.split(".")[0]
        out += [f"total {total} sums {p} of another table" for p in parts if not p.startswith(table + ".")]
    return out


def _params(fmt: Format, rule) -> list[str]:
    """The rule's parameters against its kind's schema: none unknown, none missing, each of
    its type."""
    from .rules.registry import COMMON, KINDS

    kind = KINDS[rule.kind]
    given = {k: v for k, v in rule.params.items()}
    out = [f"{rule.id}: unknown parameter {k!r} for kind {kind.name} (it takes "
           f"{', '.join(sorted(kind.params)) or 'none'})" for k in given if k not in COMMON | set(kind.params)]
    out += [f"{rule.id}: kind {kind.name} needs the parameter {k!r}" for k, p in kind.params.items()
            if p.required and k not in given]
    for k, p in kind.params.items():
        if k in given:
            why = _type_problem(fmt, p.type, given[k])
            if why:
                out.append(f"{rule.id}: parameter {k!r} {why}")
    return out


def _type_problem(fmt: Format, kind: str, v) -> str | None:
    """Why ``v`` is not a value of the parameter type ``kind`` (None when it is)."""
    def strs(x):
        return isinstance(x, (list, tuple)) and all(isinstance(y, str) and y for y in x)

    if kind in ("role", "parts", "str", "datapoint", "text", "regex") and not isinstance(v, str):
        return "must be a string"
    if kind in ("roles", "datapoints", "texts", "words", "kinds") and not strs(v):
        return "must be a list of strings"
    if kind == "datapoint" and v not in fmt.datapoints:
        return f"names no data point: {v!r}"
    if kind == "datapoints" and set(v) - set(fmt.datapoints):
        return f"names no data point: {sorted(set(v) - set(fmt.datapoints))}"
    if kind == "text" and v not in fmt.texts:
        return f"names no text: {v!r}"
    if kind == "texts" and set(v) - set(fmt.texts):
        return f"names no text: {sorted(set(v) - set(fmt.texts))}"
    if kind == "kinds" and set(v) - set(fmt.org_kinds):
        return f"names kinds of body the format does not have: {sorted(set(v) - set(fmt.org_kinds))}"
    if kind == "over" and not isinstance(v, dict):
        return "must map placeholders to axes"
    if kind == "int" and (not isinstance(v, int) or isinstance(v, bool)):
        return "must be a whole number"
    if kind == "decimal":
        try:
            Decimal(str(v))
        except ArithmeticError:
            return "must be a decimal number"
    if kind == "regex":
        return _regex_problem(v, 0)
    if kind == "patterns":
        if not isinstance(v, list) or not all(isinstance(x, dict) and set(x) == {"regex", "value"} for x in v):
            return "must be a list of {regex, value}"
        return next((f"{x['regex']!r}: {why}" for x in v for why in (
            _regex_problem(x["regex"], 1),
            None if x["value"] in fmt.datapoints else f"names no data point: {x['value']!r}") if why), None)
    return None


def _regex_problem(text: str, groups: int | None) -> str | None:
    try:
        compiled = re.compile(text)
    except re.error as exc:
        return f"is not a regular expression ({exc})"
    if groups and compiled.groups != groups:
        return f"must have {groups} group(s)"
    return None


def _wording(fmt: Format, rule) -> list[str]:
    """The rule's finding: its templates use only fields its kind supplies, and its code has
    one wording across every format and the codes declared in code."""
    from .findings import module_codes
    from .rules.registry import KINDS, template_fields, wording

    w, kind = wording(rule), KINDS[rule.kind]
    if w is None:
        return []
    out = [f"{rule.id}: message uses {sorted(template_fields(t) - set(kind.fields))}, which kind "
           f"{kind.name} does not supply ({', '.join(kind.fields)})"
           for t in (w.zh, w.en) if template_fields(t) - set(kind.fields)]
    if not re.match(r"^[A-Z][A-Z0-9_]*$", w.code):
        out.append(f"{rule.id}: code {w.code!r} is not of the form RULE_NAME")
    for other_rule, other in _other_wordings(fmt, rule):
        if other.code == w.code and (other.zh, other.en, other.hint) != (w.zh, w.en, w.hint):
            out.append(f"{rule.id}: code {w.code} is worded otherwise for {other_rule}; give {rule.id} "
                       "its own \"code\"")
            break
    declared = module_codes()
    if w.code in declared:
        out.append(f"{rule.id}: code {w.code} is a code of nianbao's own checks")
    return out


def _other_wordings(fmt: Format, rule):
    from .rules.registry import KINDS, wording
    from .spec import available_formats, get_format

    earlier = fmt.rules[:fmt.rules.index(rule)]  # a clash within the format is said once
    others = [r for f in available_formats() if f != fmt.id for r in get_format(f).rules]
    for r in earlier + tuple(others):
        if r.kind in KINDS and KINDS[r.kind].wording is not None:
            yield f"{r.id}", wording(r)


def _placement(format_id: str) -> list[str]:
    layout = layout_for(format_id)
    fmt = layout.format
    placed = Counter(p.id for p in layout.places if p.id)
    out = [f"{i} placed {placed[i]} times" for i in list(fmt.datapoints) + list(fmt.texts)
           if placed[i] != 1]
    cells = Counter((p.sheet, p.row + r, p.col + c) for p in layout.places
                    for r in range(p.rows) for c in range(p.cols))
    out += [f"cell {s}!{r + 1},{c + 1} used {n} times" for (s, r, c), n in cells.items() if n > 1]
    out += [f"sheet name {s.name!r} too long or has a forbidden character"
            for s in layout.sheets if len(s.name) > 31 or re.search(r"[\[\]:*?/\\]", s.name)]
    return out


def _labels(fmt: Format) -> list[str]:
    out = []
    for t in fmt.tables:
        for b in t.blocks:
            for leaf in b.row_leaves + b.column_leaves:
                for n in leaf.path:
                    if n.label and n.label != n.label.strip():
                        out.append(f"label {n.label!r} has surrounding spaces")
    return out
