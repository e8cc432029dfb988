"""The live formulas of a workbook, each with its true cached result.

Totals (``layout.total_formula``), the R1 marks per column, a status per table and the overall
status on the cover are formulas, so they cannot be typed wrong and update as people type. A
viewer that does not recalculate shows the cached results, so every formula is written with the
result a spreadsheet engine computes for the values written — computed here in Python from the
same Format (blank inputs count as 0 inside SUM, exactly as the engine does).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from .layout import Layout, Place, a1, layout_for
from .rules import recompute_totals
from .workbook_styles import MARK_FAIL, MARK_PASS, MARK_WARN

PENDING = "待填写"
CHECK_PASS = f"{MARK_PASS} 通过"
TABLE_OK = f"{MARK_PASS} 本表全部校验通过"
ALL_OK = f"{MARK_PASS} 全部校验通过"
# Status sentences, split where the live counts go: fail = (open points, failed checks, blanks).
STATUS_WORDS = {
    "table": {"ok": TABLE_OK,
              "pending": (f"{PENDING}：本表还有", "项未填写或不是数字（没有的填0）"),
              "fail": (f"{MARK_FAIL} 本表有", "处未通过：勾稽关系不符", "列，未填写或不是数字", "项")},
    "overall": {"ok": ALL_OK,
                "pending": (f"{PENDING}：还有", "项未填写或不是数字，请查看各表顶部的校验状态"),
                "fail": (f"{MARK_FAIL} 有", "处未通过：勾稽关系不符", "处，未填写或不是数字",
                         "项，请查看各表顶部的校验状态")},
}


@dataclass(frozen=True)
class Live:
    formula: str  # without the leading "="
    value: object  # the cached result


def quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def _num(v) -> str:
    return format(v, "f") if isinstance(v, Decimal) else str(v)


def leaves(fmt, item_id: str) -> list[str]:
    """The input data points a (possibly computed) data point depends on."""
    parts = fmt.computed.get(item_id)
    if parts is None:
        return [item_id]
    out: list[str] = []
    for p in parts:
        out += [x for x in leaves(fmt, p) if x not in out]
    return out


def runs(places: list[Place], sheet: str | None = None) -> list[str]:
    """Cells as rectangles: vertical runs per column, then equal runs of adjacent columns
    joined (D7:D29,E7:E29 -> D7:E29); sheet-qualified if ``sheet`` is given."""
    cells = sorted({(p.col, p.row) for p in places})
    cols: list[list[int]] = []  # [col, first row, last row]
    for col, row in cells:
        if cols and cols[-1][0] == col and cols[-1][2] == row - 1:
            cols[-1][2] = row
        else:
            cols.append([col, row, row])
    rects: list[list[int]] = []  # [first col, last col, first row, last row]
    for col, r0, r1 in sorted(cols, key=lambda x: (x[1], x[2], x[0])):
        if rects and rects[-1][1] == col - 1 and rects[-1][2:] == [r0, r1]:
            rects[-1][1] = col
        else:
            rects.append([col, col, r0, r1])
    out = []
    for c0, c1, r0, r1 in sorted(rects, key=lambda x: (x[0], x[2])):
        ref = a1(r0, c0) if (c0, r0) == (c1, r1) else f"{a1(r0, c0)}:{a1(r1, c1)}"
        out.append(f"{quote_sheet(sheet)}!{ref}" if sheet else ref)
    return out


class _Plan:
    """The value-independent part: every formula string of a format's workbook, built once."""

    def __init__(self, layout: Layout):
        fmt = layout.format
        self.by_id, self.computed = layout.by_id, fmt.computed
        self.totals = {i: layout.total_formula(i) for i in self.computed}
        self.checks, self.rules = {}, {}
        for c in fmt.checks_of("balance"):
            lhs, rhs = c.ids["lhs"], c.ids["rhs"]
            need = [x for i in lhs + rhs for x in leaves(fmt, i)]
            count = "COUNT(" + ",".join(runs([self.by_id[i] for i in need])) + ")"
            lf = "+".join(self.by_id[i].ref for i in lhs)
            rf = "+".join(self.by_id[i].ref for i in rhs)
            formula = (f'IF({count}<{len(need)},"{PENDING}",IF({lf}={rf},"{CHECK_PASS}",'
                       f'"{MARK_FAIL} 相差"&ABS({lf}-({rf}))))')
            self.checks[f"check.{c.rule.id}.{c.anchor}"] = (formula, need, lhs, rhs)
            self.rules[f"check.{c.rule.id}.{c.anchor}"] = c
        self.tables = {}  # sheet -> (input ids, check ids, status formula, overall terms)
        ms, fs = [], []
        for sl in layout.sheets:
            if sl.table:
                self.tables[sl.name] = self._table(sl)
                mq, fq = self.tables[sl.name][3]
                ms.append(mq)
                fs += [fq] if fq else []
        self.overall = _status_formula("(" + "+".join(ms) + ")",
                                       "(" + "+".join(fs or ["0"]) + ")", "overall")

    @staticmethod
    def _table(sl):
        inputs = [p for p in sl.places if p.role == "input"]
        checks = [p for p in sl.places if p.role == "check"]

        def parts(q):
            m = f"({len(inputs)}-COUNT({','.join(runs(inputs, q))}))"
            f = ("(" + "+".join(f'SUMPRODUCT(--(LEFT({r},1)="{MARK_FAIL}"))'
                                for r in runs(checks, q)) + ")") if checks else None
            return m, f
        m, f = parts(None)
        mq, fq = parts(sl.name)
        return [p.id for p in inputs], [p.id for p in checks], _status_formula(m, f, "table"), (mq, fq)


def _status_formula(m: str, f: str | None, scope: str) -> str:
    """The formula twin of :func:`status_text` (``m``/``f``: missing/fail count expressions)."""
    words = STATUS_WORDS[scope]
    pending = f'IF({m}>0,"{words["pending"][0]}"&{m}&"{words["pending"][1]}","{words["ok"]}")'
    if f is None:
        return pending
    fail = words["fail"]
    return (f'IF({f}>0,"{fail[0]}"&({f}+{m})&"{fail[1]}"&{f}&"{fail[2]}"&{m}&"{fail[3]}",'
            f'{pending})')


def status_text(missing: int, fails: int, scope: str) -> str:
    """What a status cell says: failures first, then what is still blank, else all passed."""
    words = STATUS_WORDS[scope]
    if fails:
        a, b, c, d = words["fail"]
        return f"{a}{fails + missing}{b}{fails}{c}{missing}{d}"
    if missing:
        return f"{words['pending'][0]}{missing}{words['pending'][1]}"
    return words["ok"]


@lru_cache(maxsize=None)
def _plan(fmt_id: str) -> _Plan:
    return _Plan(layout_for(fmt_id))


class Formulas:
    """Formulas and cached results of one workbook's live cells, from its typed input values."""

    def __init__(self, layout: Layout, values: dict):
        self.fmt = layout.format
        self.plan = _plan(self.fmt.id)
        self.values = {i: values.get(i) for i in self.fmt.inputs}
        engine = {i: (v if v is not None else 0) for i, v in self.values.items()}
        self.engine = {**engine, **recompute_totals(self.fmt, engine)}
        self._checks: dict[str, Live] = {}

    def total(self, item_id: str) -> Live:
        return Live(self.plan.totals[item_id], self.engine[item_id])

    def balance_check(self, check_id: str):
        """The format's check (rule instance) behind a check cell."""
        return self.plan.rules[check_id]

    def check(self, check_id: str) -> Live:
        """R1 for one column: pending while an input is blank, else pass or the difference."""
        if check_id not in self._checks:
            formula, need, lhs, rhs = self.plan.checks[check_id]
            if any(self.values.get(i) is None for i in need):
                value = PENDING
            else:
                diff = sum(self.engine[i] for i in lhs) - sum(self.engine[i] for i in rhs)
                value = CHECK_PASS if diff == 0 else f"{MARK_FAIL} 相差{_num(abs(diff))}"
            self._checks[check_id] = Live(formula, value)
        return self._checks[check_id]

    def _open(self, sheet: str) -> tuple[int, int]:
        inputs, checks, _, _ = self.plan.tables[sheet]
        missing = sum(1 for i in inputs if self.values.get(i) is None)
        fails = sum(1 for c in checks if self.check(c).value.startswith(MARK_FAIL))
        return missing, fails

    def table_status(self, sheet: str) -> Live:
        return Live(self.plan.tables[sheet][2], status_text(*self._open(sheet), "table"))

    def overall(self) -> Live:
        """The cover's status: every table's open points together."""
        opened = [self._open(s) for s in self.plan.tables]
        return Live(self.plan.overall, status_text(sum(m for m, _ in opened),
                                                   sum(f for _, f in opened), "overall"))

    def stock(self, check, last_ref: str, last) -> Live:
        """R8 with last year's 现行有效件数 shown beside table 二 (a warning, so △ not ×)."""
        ids = check.ids
        this, plus, minus = (self.plan.by_id[ids[k]].ref for k in ("this", "plus", "minus"))
        expect = f"{last_ref}+{plus}-{minus}"
        formula = (f'IF(COUNT({this},{plus},{minus})<3,"{PENDING}",IF({this}={expect},'
                   f'"{MARK_PASS} 相符","{MARK_WARN} 相差"&ABS({this}-({expect}))&"，请核实"))')
        vals = [self.values.get(ids[k]) for k in ("this", "plus", "minus")]
        if any(v is None for v in vals) or last is None:
            return Live(formula, PENDING)
        diff = vals[0] - (last + vals[1] - vals[2])
        return Live(formula, f"{MARK_PASS} 相符" if diff == 0 else
                    f"{MARK_WARN} 相差{_num(abs(diff))}，请核实")
