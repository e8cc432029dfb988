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
from dataclasses import dataclass, field

from ..findings import code
from .cuts import cuts, digits_of, estimate

MAX_CANDIDATES = 20000  # cuts of one row that fit its identities; more and the row is left unread
MAX_COMBINATIONS = 20000
FEW = 6  # up to this many cuts, one identity choosing one of them is enough  # joint choices of the open rows checked against the column identities
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
                 "{table}“{label}”一行的数字连在一起（{raw}），可拆为{candidates}，但没有一种满足{rules}（原表本身不平衡，或有单元格空白），未读入",
                 "{table} row “{label}”: the numbers run together ({raw}); none of {candidates} satisfies {rules} "
                 "(the published table breaks it, or leaves a cell blank); not read",
                 "按原网页或原文件核对该行各列的数字后手工录入，并请该单位更正原表。")
CONFLICT = code("PUBLISHED_SPLIT_CONFLICT", "error",
                "{table}“{label}”一行的数字连在一起（{raw}），可拆为{candidates}；按{rules}与按{other}得出的拆法不同（原表至少有一处不平衡），无法确定，未读入",
                "{table} row “{label}”: the numbers run together ({raw}), could be {candidates}; {rules} and {other} "
                "point at different cuts (the published table breaks one of them); not read",
                "按原网页或原文件核对该行各列的数字后手工录入，并请该单位更正原表。")
WEAK = code("PUBLISHED_SPLIT_WEAK", "error",
            "{table}“{label}”一行的数字连在一起（{raw}），有{n}种拆法，只有一条勾稽关系（{rules}）可用来选择，不足以确定，未读入：{candidates}",
            "{table} row “{label}”: the numbers run together ({raw}) with {n} possible cuts and only one identity "
            "({rules}) to choose; not enough; not read: {candidates}",
            "按原网页或原文件核对该行各列的数字后手工录入。")
NO_CUT = code("PUBLISHED_SPLIT_IMPOSSIBLE", "error",
              "{table}“{label}”一行的数字连在一起（{raw}），无法拆成{n}个数（不以0开头），未读入",
              "{table} row “{label}”: the numbers run together ({raw}) cannot be cut into {n} numbers; not read",
              "按原网页或原文件核对该行各列的数字后手工录入。")
BLANKS = code("PUBLISHED_SPLIT_BLANKS", "error",
              "{table}“{label}”一行的数字连在一起（{raw}），而该表有空白单元格，无法确定哪些格是空白、各数字在哪一列，未读入",
              "{table} row “{label}”: the numbers run together ({raw}) and the table leaves cells blank, "
              "so which cells are blank and where each number belongs cannot be told; not read",
              "按原网页或原文件核对该行各列的数字后手工录入；发布时空白单元格请填0。")
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
    candidates: list[tuple] = field(default_factory=list)  # a few cuts, for the messages
    several: bool = False  # more than one cut exists
    too_many: bool = False
    fitting: list[tuple] = field(default_factory=list)
    chosen: tuple | None = None
    rules: set[str] = field(default_factory=set)  # the identities that decided
    conflict: str = ""  # an identity that disagreed with the cut the others chose
    weak: bool = False  # one identity fits one of many cuts: not enough
    blanked: bool = False  # the table leaves cells blank: no cut can be trusted

    @property
    def raw(self) -> str:
        return " ".join(self.tokens)


@dataclass
class _Compiled:
    """An equation over cells: sum(cells at plus) - sum(cells at minus) == constant."""

    plus: tuple[int, ...]
    minus: tuple[int, ...]
    constant: object
    last: int
    rule: str


def _compile(eq: Equation, position: dict, values: dict) -> _Compiled | None:
    plus, minus, constant = [], [], 0
    for side, sign in ((eq.left, 1), (eq.right, -1)):
        for i in side:
            if i in position:
                (plus if sign > 0 else minus).append(position[i])
            elif values.get(i) is not None:
                constant -= sign * values[i]
            else:
                return None
    if not plus and not minus:
        return None
    return _Compiled(tuple(plus), tuple(minus), constant, max(plus + minus), eq.rule)


def _holds(c: _Compiled, nums) -> bool | None:
    try:
        return sum(nums[i] for i in c.plus) - sum(nums[i] for i in c.minus) == c.constant
    except TypeError:  # a cell that is no number (a placeholder): cannot tell
        return None


def _order(cut: tuple) -> tuple:
    """Cuts listed in the order a person reads them: by the lengths of the numbers, left first."""
    return tuple(len(c) for c in cut), cut


def _may_hold(c: _Compiled, nums: list, left: int, signed: bool, tail, width: int) -> bool:
    """Whether the equation can still hold with the numbers so far (and the last cell's,
    ``tail``, chosen first): exactly once all its cells are known; before that, the cells to
    come (made of at most ``left`` digits, so summing to less than 10**left) must be able to
    close the gap — which prunes most cuts early."""
    k = len(nums)

    def known(i):
        return i < k or (tail is not None and i == width - 1)

    def value(i):
        return nums[i] if i < k else tail
    try:
        done = sum(value(i) for i in c.plus if known(i)) - sum(value(i) for i in c.minus if known(i))
    except TypeError:  # a placeholder among the cells: cannot tell
        return True
    open_plus = any(not known(i) for i in c.plus)
    open_minus = any(not known(i) for i in c.minus)
    if not open_plus and not open_minus:
        return done == c.constant
    if signed:
        return True
    most = 10 ** left - 1
    high = done + (most if open_plus else 0)
    low = done - (most if open_minus else 0)
    return low <= c.constant <= high


def _untrusted(eqs: list[Equation], values: dict) -> set[str]:
    """Rules the published table is seen to break where every number is certain: such a
    rule cannot be trusted to choose between cuts."""
    return {e.rule for e in eqs if e.holds(values) is False}


def solve(rows: list[Row], known: dict, eqs: list[Equation], number, blanks: bool = False) -> None:
    """Choose each row's cut where the identities leave exactly one (see the module doc).

    ``known``: the table's values read directly (id → number or None); ``number``: cell text →
    number (None when it is no number); ``blanks``: the report is seen to leave cells blank.
    Sets ``row.chosen`` / ``row.fitting`` / ``row.rules``.

    Every cut assumes that each cell holds a number and only the separators were lost. A table
    that leaves some cells of a row blank breaks that: ``258 12 1 1`` (seven cells, three of
    them blank) has exactly seven digits and one cut, 2/5/8/1/2/1/1 -- all wrong. So where the
    report shows a row with blank cells beside numbers (a row read directly, or a run with fewer
    digits than cells; :meth:`.tables._TableReader.blank_cells`) no run is cut: its cells stay
    ``None`` with :data:`BLANKS`. (A row printed without any number is a blank row, and says
    nothing about the others.)"""
    if blanks:
        for row in rows:
            row.blanked = True
        return
    values = {k: v for k, v in known.items() if v is not None}
    open_rows, only = [], []
    for row in rows:
        n = len(row.ids)
        if estimate(row.tokens, n) > MAX_CANDIDATES * 20:
            row.too_many = True
            continue
        probe = cuts(row.tokens, n, 1)
        if len(probe) == 1:  # the only cut there is
            row.candidates = row.fitting = probe
            row.chosen = probe[0]
            only.append(row)
            continue
        row.several = len(probe) > 1
        row.candidates = sorted(cuts(row.tokens, n, 50)[:50], key=_order)
        if row.several:
            open_rows.append(row)
    _lone_breaks(only, values, eqs, number)
    for row in only:
        if row.chosen is not None:
            values.update(zip(row.ids, (number(c) for c in row.chosen)))
    trusted = [e for e in eqs if e.rule not in _untrusted(eqs, values)]
    for row in open_rows:  # stage 1: each row by the identities needing nothing else still open
        _stage_one(row, trusted, values, number)
    for row in open_rows:
        if row.chosen is not None:
            values.update(zip(row.ids, (number(c) for c in row.chosen)))
    trusted = [e for e in eqs if e.rule not in _untrusted(eqs, values)]
    _stage_two([r for r in open_rows if r.chosen is None and len(r.fitting) > 1], values, trusted, number)
    certain = {k: v for k, v in known.items() if v is not None}
    for row in rows:
        if row.chosen is not None and row not in open_rows:  # the only cut there was
            certain.update(zip(row.ids, (number(c) for c in row.chosen)))
    _corroborate([r for r in open_rows if r.chosen is not None], certain, eqs, number)
    _enough([r for r in open_rows if r.chosen is not None], certain, open_rows, eqs, number)


def _lone_breaks(rows: list[Row], known: dict, eqs: list[Equation], number) -> None:
    """The only cut of a row is read -- unless it breaks the row's own identity (R3, R4: every
    term in the row) while the rest of the table keeps that identity: then the cut, not the
    table, is the likelier fault (a cell lost, a character dropped) and the row is left unread
    (:data:`NONE_FITS`). An identity the table breaks elsewhere too (22 of the corpus: 总计 0
    in every row) says nothing against the row; nor does a column's identity (R1, R2), which
    does not tell which of its rows is off."""
    cut = {id(r): dict(zip(r.ids, (number(c) for c in r.chosen))) for r in rows}
    for row in rows:
        others = dict(known)
        for r in rows:
            if r is not row:
                others.update(cut[id(r)])
        broken_elsewhere = _untrusted(eqs, others)
        mine = {**others, **cut[id(row)]}
        broken = {e.rule for e in eqs if e.ids <= set(row.ids) and e.rule not in broken_elsewhere
                  and e.holds(mine) is False}
        if broken:
            row.chosen, row.fitting, row.several, row.rules = None, [], True, broken


def _enough(rows: list[Row], known: dict, all_rows: list[Row], eqs: list[Equation], number) -> None:
    """One identity is enough only among few cuts. A row with more than :data:`FEW` cuts whose
    chosen cut rests on a single identity instance (R3 alone) needs a second one — another
    identity that holds with it and fails with some other cut (R1/R2 down a column): with many
    cuts, one of them satisfying a sum by chance when the published row itself is off is too
    likely to trust."""
    current = {k: v for k, v in known.items() if v is not None}
    for r in all_rows:
        if r.chosen is not None:
            current.update(zip(r.ids, (number(c) for c in r.chosen)))
    for row in rows:
        if len(row.candidates) <= FEW:
            continue
        mine = set(row.ids)
        others = {k: v for k, v in current.items() if k not in mine}
        position = {i: k for k, i in enumerate(row.ids)}
        others_cands = [tuple(number(c) for c in cand) for cand in row.candidates if cand != row.chosen]
        support = 0
        for e in eqs:
            if not e.ids & mine or not e.ids <= mine | set(others):
                continue
            c = _compile(e, position, others)
            if c is None or _holds(c, [number(x) for x in row.chosen]) is not True:
                continue
            if any(_holds(c, list(o)) is False for o in others_cands):
                support += 1
                row.rules.add(e.rule)
        if support < 2:
            row.chosen, row.weak = None, True


def _corroborate(rows: list[Row], certain: dict, eqs: list[Equation], number) -> None:
    """A cut chosen by the row's own identities is dropped when another cut of the row agrees
    with at least as many of the format's identities that touch the row (the columns' R1/R2
    with the other rows as read): two readings equally or better supported mean the published
    table breaks an identity somewhere and which reading is right cannot be told. (Without
    this, a row whose 总计 is off by one could be "settled" by R3 on a cut that every column
    contradicts.)"""
    for _ in range(3):
        current = dict(certain)
        for r in rows:
            if r.chosen is not None:
                current.update(zip(r.ids, (number(c) for c in r.chosen)))
        dropped = False
        for row in rows:
            if row.chosen is None:
                continue
            rule = _rival(row, current, eqs, number)
            if rule:
                row.conflict, row.chosen, dropped = rule, None, True
        if not dropped:
            return


RIVALS = 2000  # cuts scored one by one; beyond, any disagreeing identity another cut meets drops


def _rival(row: Row, current: dict, eqs: list[Equation], number) -> str | None:
    """The identity by which another cut is at least as well supported as the chosen one."""
    mine = set(row.ids)
    others = {k: v for k, v in current.items() if k not in mine}
    position = {i: k for k, i in enumerate(row.ids)}
    touching = [c for e in eqs if e.ids & mine and e.ids <= mine | set(others)
                for c in [_compile(e, position, others)] if c is not None]
    chosen = [number(c) for c in row.chosen]
    held = [_holds(c, chosen) is not False for c in touching]
    cands = cuts(row.tokens, len(row.ids), RIVALS)
    if len(cands) <= RIVALS:
        for cand in cands:
            if cand == row.chosen:
                continue
            nums = [number(x) for x in cand]
            score = [_holds(c, nums) is not False for c in touching]
            if sum(score) >= sum(held):
                return next((c.rule for c, a, b in zip(touching, score, held) if a and not b), row.chosen and "勾稽关系")
        return None
    signed = any("-" in t or "+" in t for t in digits_of(row.tokens))
    for c, ok in zip(touching, held):
        if ok:
            continue

        def agrees(part, left, tail, width, c=c):
            return _may_hold(c, part, left, signed, tail, width)
        if cuts(row.tokens, len(row.ids), 1, agrees):
            return c.rule
    return None


def _stage_one(row: Row, eqs: list[Equation], values: dict, number) -> None:
    mine = set(row.ids)
    position = {i: k for k, i in enumerate(row.ids)}
    local = [c for e in eqs if e.ids & mine and e.ids <= mine | set(values)
             for c in [_compile(e, position, values)] if c is not None]
    row.rules = {c.rule for c in local}
    signed = any("-" in t or "+" in t for t in digits_of(row.tokens))

    def check(nums: list, left: int, tail, width: int) -> bool:
        return all(_may_hold(c, nums, left, signed, tail, width) for c in local)

    fitting = cuts(row.tokens, len(row.ids), MAX_CANDIDATES, check if local else None)
    if len(fitting) > MAX_CANDIDATES:
        row.too_many = True
        return
    row.fitting = sorted(fitting, key=_order)
    if len(fitting) == 1:
        row.chosen = fitting[0]


def _stage_two(rows: list[Row], values: dict, eqs: list[Equation], number) -> None:
    """The rows still open, together, by the identities between rows."""
    if not rows or math.prod(len(r.fitting) for r in rows) > MAX_COMBINATIONS:
        return
    ids = [i for r in rows for i in r.ids]
    position = {i: k for k, i in enumerate(ids)}
    cross = [c for e in eqs if e.ids & set(ids) and e.ids <= set(ids) | set(values)
             for c in [_compile(e, position, values)] if c is not None]
    if not cross:
        return
    options = [[tuple(number(x) for x in cand) for cand in r.fitting] for r in rows]
    surviving = []
    for combo in itertools.product(*(range(len(o)) for o in options)):
        nums = [v for r, k in enumerate(combo) for v in options[r][k]]
        if all(_holds(c, nums) is not False for c in cross):
            surviving.append(combo)
    for r, row in enumerate(rows):
        picks = {combo[r] for combo in surviving}
        row.rules |= {c.rule for c in cross if any(position[i] in c.plus + c.minus for i in row.ids)}
        if len(picks) == 1:
            row.chosen = row.fitting[picks.pop()]
        elif not picks:
            row.fitting = []


def shown(cands: list[tuple]) -> str:
    """``5/0/66 或 50/6/6`` (at most :data:`SHOWN`, then how many more)."""
    parts = ["/".join(c) for c in cands[:SHOWN]]
    more = f"等{len(cands)}种" if len(cands) > SHOWN else ""
    return " 或 ".join(parts) + more


def findings_of(row: Row, real_ids: list[str]):
    """The finding a split row gets (None for a row with one cut only)."""
    rules = "、".join(sorted(row.rules, key=lambda r: (len(r), r))) or "勾稽关系"
    common = dict(table=row.table, label=row.label, raw=row.raw, datapoints=real_ids)
    if row.blanked:
        return BLANKS(**common)
    if row.too_many:
        return TOO_MANY(limit=MAX_CANDIDATES, **common)
    if not row.candidates:
        return NO_CUT(n=len(row.ids), **common)
    if not row.several:
        return None
    ambiguous = row.chosen is None and len(row.fitting) > 1 and not row.conflict and not row.weak
    shown_cands = row.fitting if ambiguous else row.candidates
    params = dict(candidates=shown(shown_cands), **common,
                  values={"candidates": ["/".join(c) for c in shown_cands[:50]]})
    if row.chosen is not None:
        return SETTLED(chosen="/".join(row.chosen), rules=rules, **params)
    if row.conflict:
        return CONFLICT(rules=rules, other=row.conflict, **params)
    if row.weak:
        return WEAK(rules=rules, n=len(row.candidates) if len(row.candidates) < 50 else "50多", **params)
    if not row.fitting:
        return NONE_FITS(rules=rules, **params)
    return AMBIGUOUS(**params)
