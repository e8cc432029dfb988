"""Checks of the format data itself (``nianbao spec-lint``).

A format is data that many modules trust, so it is checked like code: ids unique and well
formed, every rule naming known ids, every data point placed exactly once in the layout, every
total summing inputs of its own table, labels free of stray whitespace.
"""

from __future__ import annotations

import re
from collections import Counter

from .layout import layout_for
from .spec import Format, get_format

_ID = re.compile(r"^[a-z][a-z0-9]*(\.[a-z][a-z0-9_]*)+$")
_ROLES = ("lhs", "rhs", "total", "parts", "this", "last", "plus", "minus", "value")


def lint(format_id: str = "gb2021") -> list[str]:
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
    ids = []
    for role in _ROLES:
        v = check.ids.get(role)
        ids += list(v) if isinstance(v, tuple) else ([v] if v else [])
    p = check.rule.params
    ids += [x for key in ("values", "texts") for x in p.get(key, ())]
    ids += [x["value"] for x in p.get("patterns", ())]
    ids += [p[k] for k in ("when", "whole", "text") if k in p]
    return ids


def _rules(fmt: Format) -> list[str]:
    from .rules import KINDS

    out, known = [], set(fmt.datapoints) | set(fmt.texts)
    out += [f"{r.id}: kind {r.kind!r} is not implemented in nianbao.rules" for r in fmt.rules
            if r.kind not in KINDS]
    for check in fmt.checks:
        if check.rule.severity not in ("error", "warning", "info"):
            out.append(f"{check.rule.id}: bad severity {check.rule.severity!r}")
        for i in _rule_ids(check):
            if i not in known:
                out.append(f"{check.rule.id} ({check.label}): unknown id {i!r}")
    for total, parts in fmt.computed.items():
        table = total.split(".")[0]
        out += [f"total {total} sums {p} of another table" for p in parts if not p.startswith(table + ".")]
    return out


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
