"""Splitting run-together numbers with the table's own identities — or not at all.

A row of table 三 printed as ``160 02 0 018`` holds seven numbers; which digits form which
number is not written down. The candidates are every way to cut each whitespace-separated
token into numbers (no number starts with 0 unless it is 0) giving exactly as many numbers as
the row has columns. Then the table's identities decide, in two stages:

1. **the row's own identities** — the format's equations whose every term is in this row or
   already known (R3: 总计 = the six applicant columns; R4: each 复议/诉讼 group's 总计);
2. **the identities between rows** (R1, R2 down the columns), over the rows still open.

A row is read when exactly one candidate is left — or when only one cut exists at all (then an
identity the published table breaks is a rule finding, not a reason to drop the numbers).
When several candidates fit, or none does because the published table itself breaks the
identity, the row's cells stay ``None`` with a finding that names the candidates. Nothing is
chosen by plausibility: a wrong number is worse than a missing one.

The identities are the format's own checks with a ``total``/``parts`` or ``lhs``/``rhs``
shape, so a new format's rules are used as they are. An old layout's single row standing for
a group (2019's ``（六）其他处理`` in a 2021 table) takes part as the sum of its sub-rows.
"""

from __future__ import annotations

import itertools
import math
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from ..findings import code

MAX_CANDIDATES = 20000  # cuts of one row; more and the row is left unread (never truncated)
MAX_COMBINATIONS = 200000  # joint choices of the open rows checked against the column identities
SHOWN = 6  # candidates quoted in a finding

SETTLED = code("PUBLISHED_SPLIT", "info",
               "{table}“{label}”一行的数字连在一起（{raw}），可拆为{candidates}，按{rules}读作 {chosen}",
               "{table} row “{label}”: the numbers run together ({raw}); of {candidates}, {rules} leaves {chosen}",
               "核对原文该行；发布时请保留单元格分隔。")
AMBIGUOUS = code("PUBLISHED_SPLIT_AMBIGUOUS", "error",
                 "{table}“{label}”一行的数字连在一起（{raw}），可拆为{candidates}，表格的勾稽关系不能确定是哪一种，未读入",
                 "{table} row “{label}”: the numbers run together ({raw}) and could be {candidates}; "
                 "the table's identities do not tell which; not read",
                 "按原网页或原文件核对该行各列的数字后手工录入。")
NONE_FITS = code("PUBLISHED_SPLIT_NONE", "error",
                 "{table}“{label}”一行的数字连在一起（{raw}），可拆为{candidates}，但没有一种满足{rules}（原表本身不平衡），未读入",
                 "{table} row “{label}”: the numbers run together ({raw}); none of {candidates} satisfies {rules} "
                 "(the published table breaks it); not read",
                 "按原网页或原文件核对该行各列的数字后手工录入，并请该单位更正原表。")
TOO_MANY = code("PUBLISHED_SPLIT_TOO_MANY", "error",
                "{table}“{label}”一行的数字连在一起（{raw}），可能的拆法超过{limit}种，未读入",
                "{table} row “{label}”: the numbers run together ({raw}) with more than {limit} possible cuts; not read",
                "按原网页或原文件核对该行各列的数字后手工录入。")


@dataclass
class Equation:
    left: tuple[str, ...]
    right: tuple[str, ...]
    rule: str

    @property
    def ids(self) -> set[str]:
        return set(self.left) | set(self.right)

    def holds(self, values: dict) -> bool | None:
        """True / False, or None while a term is unknown."""
        try:
            return sum(values[i] for i in self.left) == sum(values[i] for i in self.right)
        except (KeyError, TypeError):
            return None


def equations(fmt, table_id: str, groups: dict[str, tuple[str, ...]]) -> list[Equation]:
    """The format's checks over one table as equations; ``groups`` (a group row's id → its
    sub-rows' ids) stand in for their sub-rows where all of them appear on one side."""
    out = []
    prefix = table_id + "."
    for check in fmt.checks:
        ids = check.ids
        if "total" in ids and "parts" in ids:
            left, right = (ids["total"],), tuple(ids["parts"])
        elif "lhs" in ids and "rhs" in ids:
            left, right = tuple(ids["lhs"]), tuple(ids["rhs"])
        else:
            continue
        if not all(i.startswith(prefix) for i in left + right):
            continue
        out.append(Equation(left, right, check.rule.id))
        grouped = Equation(_grouped(left, groups), _grouped(right, groups), check.rule.id)
        if (grouped.left, grouped.right) != (left, right):  # the group row standing for its sub-rows
            out.append(grouped)
    return out


def _grouped(side: tuple[str, ...], groups) -> tuple[str, ...]:
    out = list(side)
    for gid, parts in groups.items():
        if parts and all(p in out for p in parts):
            out = [x for x in out if x not in parts] + [gid]
    return tuple(out)


@dataclass
class Row:
    """A row whose numbers must be cut: its columns' ids, its tokens and where they are."""

    table: str  # the table's title, for messages
    label: str
    ids: list[str]
    tokens: list[str]
    places: list[dict]
    candidates: list[tuple] = field(default_factory=list)
    too_many: bool = False
    fitting: list[tuple] = field(default_factory=list)
    chosen: tuple | None = None
    rules: set[str] = field(default_factory=set)  # the identities that decided

    @property
    def raw(self) -> str:
        return " ".join(self.tokens)


def _cuts(token: str) -> list[list[str]]:
    """Every way to cut one token into numbers (pure digits only; anything else is one cell)."""
    t = unicodedata.normalize("NFKC", token)
    if not t.isdigit():
        return [[token]]
    out = []
    for k in range(1, len(t) + 1):
        for cut in itertools.combinations(range(1, len(t)), k - 1):
            parts = [t[a:b] for a, b in zip((0,) + cut, cut + (len(t),))]
            if all(p == "0" or not p.startswith("0") for p in parts):
                out.append(parts)
    return out


def _estimate(tokens: list[str], n: int) -> int:
    digits = sum(len(unicodedata.normalize("NFKC", t)) for t in tokens)
    return math.comb(max(digits - 1, 0), max(n - 1, 0)) if digits >= n else 0


def enumerate_cuts(row: Row, n: int, number) -> None:
    """Fill ``row.candidates``: cell texts per candidate (as tuples of strings)."""
    if _estimate(row.tokens, n) > MAX_CANDIDATES * 50:
        row.too_many = True
        return
    per_token = [_cuts(t) for t in row.tokens]
    out: list[tuple] = []

    def walk(i: int, cells: list[str]) -> bool:
        if len(cells) > n:
            return True
        if i == len(per_token):
            if len(cells) == n:
                out.append(tuple(cells))
            return len(out) <= MAX_CANDIDATES
        rest_min = len(per_token) - i - 1
        for parts in per_token[i]:
            if len(cells) + len(parts) + rest_min > n:
                continue
            if not walk(i + 1, cells + parts):
                return False
        return True

    if not walk(0, []):
        row.too_many = True
        return
    row.candidates = out


def _numbers(cells: tuple, number) -> tuple:
    return tuple(number(c) for c in cells)


def solve(rows: list[Row], known: dict, eqs: list[Equation], number) -> None:
    """Choose each row's cut where the identities leave exactly one (see the module doc).

    ``known``: the table's values read directly (id → number or None); ``number``: cell text →
    number (None when it is no number). Sets ``row.chosen`` / ``row.fitting`` / ``row.rules``."""
    values = {k: v for k, v in known.items() if v is not None}
    open_rows = []
    for row in rows:
        if row.too_many or not row.candidates:
            continue
        if len(row.candidates) == 1:
            row.chosen, row.fitting = row.candidates[0], [row.candidates[0]]
            values.update(zip(row.ids, _numbers(row.chosen, number)))
            continue
        open_rows.append(row)
    # stage 1: each row by the identities that need nothing else still open
    for row in open_rows:
        mine = set(row.ids)
        local = [e for e in eqs if e.ids & mine and e.ids <= mine | set(values)]
        fitting = []
        for cand in row.candidates:
            trial = {**values, **dict(zip(row.ids, _numbers(cand, number)))}
            if all(e.holds(trial) is not False for e in local):
                fitting.append(cand)
        row.fitting = fitting
        row.rules = {e.rule for e in local}
    for row in open_rows:
        if len(row.fitting) == 1:
            row.chosen = row.fitting[0]
    for row in open_rows:
        if row.chosen is not None:
            values.update(zip(row.ids, _numbers(row.chosen, number)))
    _stage_two([r for r in open_rows if len(r.fitting) > 1], values, eqs, number)


def _stage_two(rows: list[Row], values: dict, eqs: list[Equation], number) -> None:
    """The rows still open, together, by the identities between rows."""
    if not rows:
        return
    size = math.prod(len(r.fitting) for r in rows)
    if size > MAX_COMBINATIONS:
        return
    ids = set().union(*(set(r.ids) for r in rows))
    cross = [e for e in eqs if e.ids & ids and e.ids <= ids | set(values)]
    if not cross:
        return
    surviving = []
    for combo in itertools.product(*(r.fitting for r in rows)):
        trial = dict(values)
        for r, cand in zip(rows, combo):
            trial.update(zip(r.ids, _numbers(cand, number)))
        if all(e.holds(trial) is not False for e in cross):
            surviving.append(combo)
    for i, r in enumerate(rows):
        options = {combo[i] for combo in surviving}
        if len(options) == 1:
            r.chosen = options.pop()
            r.rules |= {e.rule for e in cross if e.ids & set(r.ids)}
        elif not options:
            r.fitting = []
            r.rules |= {e.rule for e in cross if e.ids & set(r.ids)}


def shown(cands: list[tuple]) -> str:
    """``5/0/66 或 50/6/6`` (at most :data:`SHOWN`, then how many more)."""
    parts = ["/".join(c) for c in cands[:SHOWN]]
    more = f"等{len(cands)}种" if len(cands) > SHOWN else ""
    return " 或 ".join(parts) + more


def findings_of(row: Row, real_ids: list[str]):
    """The finding a split row gets (None for a row with one cut only)."""
    rules = "、".join(sorted(row.rules, key=lambda r: (len(r), r))) or "勾稽关系"
    common = dict(table=row.table, label=row.label, raw=row.raw, datapoints=real_ids)
    if row.too_many:
        return TOO_MANY(limit=MAX_CANDIDATES, **common)
    if not row.candidates:
        return None
    if len(row.candidates) == 1:
        return None
    params = dict(candidates=shown(row.candidates), **common,
                  values={"candidates": ["/".join(c) for c in row.candidates[:50]]})
    if row.chosen is not None:
        return SETTLED(chosen="/".join(row.chosen), rules=rules, **params)
    if not row.fitting:
        return NONE_FITS(rules=rules, **params)
    return AMBIGUOUS(**params)


def as_number(cell: str):
    """A cut cell's number for the identities (None: not a number, e.g. a placeholder)."""
    t = unicodedata.normalize("NFKC", cell).strip().replace(",", "")
    try:
        return int(t) if t.isdigit() else Decimal(t)
    except ArithmeticError:
        return None
    except ValueError:
        return None
