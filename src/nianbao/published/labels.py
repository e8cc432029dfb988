"""Recognising a table's labels in published text: exactly, as a known alias, or as a variant.

Real reports misspell labels (``先行有效件数``, ``2.其他法律行政止公开``), drop a qualifier
(``规范性文件`` for ``行政规范性文件``, ``重复申请`` without its ``2.``) or keep an older wording.
A label is recognised, in this order:

1. exactly (official label or an ``aliases`` entry of the format data), the longest winning;
2. as the official label with up to :data:`MAX_DROPPED` leading characters missing, when at
   least :data:`MIN_KEPT` characters remain and no other row of the block ends the same way;
3. by edit distance: at most a quarter of the label's length (never for labels under
   :data:`MIN_FUZZY` characters), its digits identical (the item number ``2.``; and a number
   of the table run into the label -- ``数量١٢`` -- is never an edit of it), and no other row
   of the block nearly as close (a margin of :data:`MARGIN` edits).

Anything recognised in steps 2–3 is reported as a variant (an info finding), so a person can
see what was read as what. Rows already read are not candidates for steps 2–3: a variant
never steals a row that the table has printed correctly elsewhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lines import norm

MAX_DROPPED = 3
MIN_KEPT = 4
MIN_FUZZY = 5
MARGIN = 2
_ITEM = re.compile(r"^(\d{1,2})[.．、]")


@dataclass(frozen=True)
class Match:
    found: str  # the text that was recognised
    label: str  # the official label
    exact: bool  # the official label itself (no finding needed)
    length: int  # characters of the joined text the label took


def labels_of(node) -> list[str]:
    return [norm(x) for x in (node.label,) + tuple(node.aliases) if x]


def distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, or ``limit + 1`` as soon as it must exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]


def tolerance(label: str) -> int:
    return 0 if len(label) < MIN_FUZZY else max(1, len(label) // 4)


def item_number(label: str) -> str | None:
    m = _ITEM.match(label)
    return m.group(1) if m else None


def match_end(joined: str, nodes: list, fuzzy_ok=lambda node: True) -> tuple[object, Match] | None:
    """The node (of ``nodes``) whose label ends ``joined`` (normalised text), or None."""
    best = None
    for node in nodes:
        for i, lab in enumerate(labels_of(node)):
            if lab and joined.endswith(lab) and (best is None or len(lab) > best[1].length):
                best = (node, Match(lab, node.label, i == 0, len(lab)))
    if best is not None:
        return best
    loose = [n for n in nodes if fuzzy_ok(n)]
    return _truncated(joined, loose) or _near(joined, loose)


def _truncated(joined: str, nodes: list):
    hits = []
    for node in nodes:
        lab = norm(node.label)
        for k in range(1, MAX_DROPPED + 1):
            tail = lab[k:]
            if len(tail) >= MIN_KEPT and joined.endswith(tail):
                hits.append((node, Match(tail, node.label, False, len(tail))))
                break
    if len(hits) != 1:
        return None
    # the same ending must not belong to another row's official label or alias
    tail = hits[0][1].found
    if any(lab.endswith(tail) for n in nodes if n is not hits[0][0] for lab in labels_of(n)):
        return None
    return hits[0]


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _near(joined: str, nodes: list):
    scored = []
    for node in nodes:
        lab = norm(node.label)
        tol = tolerance(lab)
        if not tol:
            continue
        best = None
        for k in range(max(1, len(lab) - tol), len(lab) + tol + 1):
            found = joined[-k:]
            if len(found) < k or item_number(lab) != item_number(found) or _digits(found) != _digits(lab):
                continue
            d = distance(found, lab, tol)
            if d <= tol and (best is None or d < best[0]):
                best = (d, found)
        if best:
            scored.append((best[0], node, best[1]))
    if not scored:
        return None
    scored.sort(key=lambda s: s[0])
    if len(scored) > 1 and scored[1][0] < scored[0][0] + MARGIN:
        return None  # two rows nearly as close: not a recognition, a guess
    d, node, found = scored[0]
    return node, Match(found, node.label, False, len(found))


def near_label(found: str, node) -> str | None:
    """How a header cell relates to a column's label: "exact", "alias", "variant" or None."""
    f = norm(found)
    labels = labels_of(node)
    if f == labels[0]:
        return "exact"
    if f in labels:
        return "alias"
    lab = labels[0]
    tol = tolerance(lab)
    return "variant" if tol and _digits(f) == _digits(lab) and distance(f, lab, tol) <= tol else None
