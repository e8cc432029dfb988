"""The live formulas of a workbook, each with its true cached result.

Totals (``layout.total_formula``), the R1 marks per column, a status per table and the overall
status on the cover are formulas, so they cannot be typed wrong and update as people type. A
viewer that does not recalculate shows the cached results, so every formula is written with the
result a spreadsheet engine computes for the values written — computed here in Python from the
same Format (blank inputs count as 0 inside SUM, exactly as the engine does).

The cover's status also names each text section that R13 would find missing (all its text
blank; ``rules.text_sections`` decides which sections, for the importer as for the cover) and
each text a rule requires (R14's 信息处理费 statement) while blank -- except in a summary, which
has no texts by design.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from .cellref import a1, plain, quote_sheet, sheet_ref
from .layout import Layout, Place, layout_for
from .rules import checks_with, recompute_totals, text_sections
from .spec import ValueKind
from .workbook_styles import MARK_FAIL, MARK_PASS, MARK_WARN

PENDING = "待填写"
CHECK_PASS = f"{MARK_PASS} 通过"
TABLE_OK = f"{MARK_PASS} 本表全部校验通过"
ALL_OK = f"{MARK_PASS} 全部校验通过"
# Status sentences. Three counts go into them: blank inputs (m), R1 marks that fail (f) and
# inputs that hold something the importer rejects (b: a negative number, a fraction in a count,
# text) -- pasting removes a cell's validation, so the status must count those itself. The
# cover adds the blank text sections (TEXT_WORDS) before its pointer to the tables ("see").
STATUS_WORDS: dict[str, dict[str, Any]] = {
    "table": {"ok": TABLE_OK,
              "pending": (f"{PENDING}：本表还有", "项未填写（没有的填0）"),
              "fail": f"{MARK_FAIL} 本表", "see": "",
              "checks": ("勾稽关系不符", "列"), "blank": ("还有", "项未填写")},
    "overall": {"ok": ALL_OK,
                "pending": (f"{PENDING}：还有", "项未填写"),
                "fail": f"{MARK_FAIL} ", "see": "，请查看各表顶部的校验状态",
                "checks": ("勾稽关系不符", "处"), "blank": ("还有", "项未填写")},
}
SEP = "，"
TEXT_WORDS = ("，文字部分", "、", "未填写")  # ，文字部分“一、总体情况”、“五、…”未填写
# What the blank-text test removes: CLEAN takes the control characters (tab, line breaks),
# SUBSTITUTE the spaces a person types or pastes (ASCII, ideographic 全角, no-break). Rarer
# Unicode spaces (U+2000…) count as text here though the importer strips them.
SPACES = (" ", "\u3000", "\u00a0")


def bad_words(kinds) -> tuple[str, str]:
    """How a status names the inputs it rejects, from the kinds of value it covers (a rejected
    value may also be too large, or an amount too precise: "not valid")."""
    kinds = list(kinds)
    if not any(k.decimal or k.signed for k in kinds):
        return ("有", "格不是有效的件数（应为不小于0的整数）")
    if not any(k.signed for k in kinds):
        return ("有", "格不是有效的数（件数应为不小于0的整数，金额不小于0）")
    return ("有", "格不是有效的数（件数应为不小于0的整数，金额不能为负）")


def bad_number(kind: ValueKind, ref: str) -> str:
    """Non-zero for a number the importer rejects in an input of this kind (``ref``: one cell,
    or a range inside SUMPRODUCT, which evaluates it element-wise): negative where the kind is
    not signed, a fraction where it is whole, more decimals than it allows, or not below its
    bound. The tests are added (OR would not work element-wise)."""
    tests = []
    if not kind.decimal:
        tests.append(f"{ref}<>INT({ref})" if kind.signed else f"{ref}<>ABS(INT({ref}))")
    elif not kind.signed:
        tests.append(f"{ref}<0")
    if kind.decimal and kind.max_decimals is not None:
        tests.append(f"ROUND({ref},{kind.max_decimals})<>{ref}")
    tests.append(f"ABS({ref})>={kind.below}" if kind.signed else f"{ref}>={kind.below}")
    return "+".join(f"({t})" for t in tests)


def bad_cell(kind: ValueKind, ref: str) -> str:
    """The conditional-format test of one input: a rejected number, or anything else that is
    not blank (text, even a space, which the importer would not read as a number either)."""
    return f'IF(ISNUMBER({ref}),{bad_number(kind, ref)},{ref}<>"")'


def bad_numbers(kind: ValueKind, ref: str) -> str:
    """How many numbers in range ``ref`` the importer rejects, in an ordinary formula.

    SUMPRODUCT evaluates its arguments element-wise in every Excel version, WPS and LibreOffice
    without an array (CSE) formula -- but not IF inside it before Excel 365, so text is kept out
    without IF: INT of text is #VALUE!, and ISNUMBER(1/test) is TRUE only for a non-zero test
    and FALSE for 0 (1/0) or an error. ISNUMBER(ref) leaves out booleans (Excel's INT(TRUE)
    is 1), which COUNTA-COUNT counts already; each cell is counted once, whatever its faults.
    """
    return f"SUMPRODUCT(ISNUMBER({ref})*ISNUMBER(1/({bad_number(kind, ref)})))"


def is_number(value) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def is_blank(value) -> bool:
    return value is None or value == ""  # an empty string is written as a blank cell


def is_bad(kind: ValueKind, value) -> bool:
    """The Python twin of the status's count of rejected inputs, for a value as written (a
    sample workbook may carry text as a person typed it; blank is not bad)."""
    if is_blank(value):
        return False
    if not is_number(value):
        return True
    if not kind.signed and value < 0 or abs(value) >= kind.below:
        return True
    if not kind.decimal:
        return value != int(value)
    exponent = Decimal(str(value)).normalize().as_tuple().exponent
    return kind.max_decimals is not None and isinstance(exponent, int) and -exponent > kind.max_decimals


def text_blank(texts: list) -> bool:
    """The Python twin of :func:`text_filled`'s test: nothing left of the texts once control
    characters and SPACES are removed."""
    return not any(ord(ch) >= 32 and ch not in SPACES for t in texts for ch in str(t or ""))


def text_filled(refs: list[str]) -> str:
    """Non-zero when any of the text cells has something besides blanks (CLEAN, SPACES)."""
    expr = "CLEAN(" + "&".join(refs) + ")"
    for sp in SPACES:
        expr = f'SUBSTITUTE({expr},"{sp}","")'
    return f"LEN({expr})"


def text_clause(blank_headings) -> str:
    """The cover's words for blank text sections (empty when none)."""
    if not blank_headings:
        return ""
    return TEXT_WORDS[0] + TEXT_WORDS[1].join(f"“{h}”" for h in blank_headings) + TEXT_WORDS[2]


@dataclass(frozen=True)
class Live:
    formula: str  # without the leading "="
    value: object  # the cached result


def cover_texts(fmt) -> list[tuple[str, list[str]]]:
    """What the cover names while blank, as (name, text ids): each section R13 reports missing
    when all its text is blank (``rules.text_sections``, the importer's list), then each text
    a rule requires on its own (R14's 信息处理费 statement: a warning in ``nianbao check``, so the
    cover must not say ``√ 全部校验通过`` without it). The name of a required text is its label
    without the parenthesis at its end (“六（1）信息处理费收取情况”)."""
    out = [(s.heading, [f.id for f in s.fields]) for s in text_sections(fmt)]
    for r in fmt.rules:
        if r.kind == "text_required":
            tid = r.params["text"]
            out.append((re.sub(r"（[^（）]*）$", "", fmt.texts[tid].label), [tid]))
    return out


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
        for c in checks_with(fmt, "live", "mark"):
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
        ms, fs, bs, kinds = [], [], [], set()
        for sl in layout.sheets:
            if sl.table:
                self.tables[sl.name] = self._table(sl, fmt.value_kinds)
                mq, fq, bq = self.tables[sl.name][3]
                ms.append(mq)
                bs.append(bq)
                fs += [fq] if fq else []
                kinds |= {p.kind or "" for p in sl.places if p.role == "input"}
        m, f, b = ("(" + "+".join(ms) + ")", "(" + "+".join(fs or ["0"]) + ")",
                   "(" + "+".join(bs) + ")")
        words = bad_words(fmt.value_kinds[k] for k in sorted(kinds))
        self.overall = _status_formula(m, f, b, "overall", words)
        # R13's text sections and R14's required texts: (name, field ids), and the cover's
        # status that names them
        self.texts = cover_texts(fmt)
        names = "&".join(
            f'IF({text_filled([_sheet_ref(layout.by_id[i]) for i in ids])},"","'
            f'{TEXT_WORDS[1]}“{h}”")' for h, ids in self.texts)
        self.overall_texts = _status_formula(m, f, b, "overall", words, names or None)

    @staticmethod
    def _table(sl, value_kinds):
        inputs = [p for p in sl.places if p.role == "input"]
        checks = [p for p in sl.places if p.role == "check"]
        kinds = sorted({p.kind for p in inputs})

        def parts(q):
            # blank: n - COUNTA; bad: what is not a number (text, even a space) plus the numbers
            # of each kind that the importer rejects, per rectangle (no array formula: Excel
            # refuses one in a merged cell, and the statuses are merged)
            every = ",".join(runs(inputs, q))
            bad = [f"COUNTA({every})-COUNT({every})"]
            for kind in kinds:
                bad += [bad_numbers(value_kinds[kind], r)
                        for r in runs([p for p in inputs if p.kind == kind], q)]
            f = ("(" + "+".join(f'SUMPRODUCT(--(LEFT({r},1)="{MARK_FAIL}"))'
                                for r in runs(checks, q)) + ")") if checks else None
            return f"({len(inputs)}-COUNTA({every}))", f, "(" + "+".join(bad) + ")"
        m, f, b = parts(None)
        used = [value_kinds[k] for k in kinds]
        status = _status_formula(m, f, b, "table", bad_words(used))
        return [p.id for p in inputs], [p.id for p in checks], status, parts(sl.name), used


def _sheet_ref(p: Place) -> str:
    return sheet_ref(p.sheet, p.ref)


def _status_formula(m: str, f: str | None, b: str, scope: str, bad: tuple[str, str],
                    names: str | None = None) -> str:
    """The formula twin of :func:`status_text` (``m``/``f``/``b``: blank/fail/bad counts;
    ``names``: the cover's "、“heading”" of each blank text section, concatenated)."""
    words = STATUS_WORDS[scope]
    ok, see = f'"{words["ok"]}"', (f'&"{words["see"]}"' if words["see"] else "")
    tx = ""
    if names:
        # the clause, or "" when no section is blank: SUBSTITUTE drops the clause without a
        # heading, so ``names`` (the longest part) is written once here rather than twice
        tx = (f'&SUBSTITUTE("{TEXT_WORDS[0]}"&MID({names},2,999)&"{TEXT_WORDS[2]}",'
              f'"{TEXT_WORDS[0]}{TEXT_WORDS[2]}","")')
        ok = (f'IF({names}="",{ok},"{PENDING}：{TEXT_WORDS[0][len(SEP):]}"'
              f'&MID({names},2,999)&"{TEXT_WORDS[2]}")')
    pending = f'IF({m}>0,"{words["pending"][0]}"&{m}&"{words["pending"][1]}"{tx}{see},{ok})'
    f = f or "0"
    chk, blank = words["checks"], words["blank"]
    detail = (f'MID(IF({b}>0,"{SEP}{bad[0]}"&{b}&"{bad[1]}","")'
              f'&IF({f}>0,"{SEP}{chk[0]}"&{f}&"{chk[1]}","")'
              f'&IF({m}>0,"{SEP}{blank[0]}"&{m}&"{blank[1]}",""),2,999)')
    return f'IF({f}+{b}>0,"{words["fail"]}"&{detail}{tx}{see},{pending})'


def status_text(missing: int, fails: int, bad: int, scope: str, bad_w: tuple[str, str],
                blank_texts: tuple[str, ...] = ()) -> str:
    """What a status cell says: failures and rejected inputs first, then blanks and (on the
    cover) blank text sections, else passed."""
    words = STATUS_WORDS[scope]
    tx = text_clause(blank_texts)
    if fails or bad:
        chk, blank = words["checks"], words["blank"]
        detail = [f"{bad_w[0]}{bad}{bad_w[1]}" if bad else "",
                  f"{chk[0]}{fails}{chk[1]}" if fails else "",
                  f"{blank[0]}{missing}{blank[1]}" if missing else ""]
        return words["fail"] + SEP.join(x for x in detail if x) + tx + words["see"]
    if missing:
        return f"{words['pending'][0]}{missing}{words['pending'][1]}{tx}{words['see']}"
    if tx:
        return f"{PENDING}：{tx[len(SEP):]}"
    return words["ok"]


@lru_cache(maxsize=None)
def _plan(fmt_id: str) -> _Plan:
    return _Plan(layout_for(fmt_id))


def longest_status(fmt_id: str, sheet: str | None, with_texts: bool) -> str:
    """The longest text the status of table ``sheet`` (None: the cover's, which names the blank
    text sections ``with_texts``) can show: every part, 3-digit counts."""
    plan = _plan(fmt_id)
    if sheet is None:
        words = bad_words(k for t in plan.tables.values() for k in t[4])
        blank = tuple(h for h, _ in plan.texts) if with_texts else ()
        return status_text(999, 99, 999, "overall", words, blank)
    return status_text(999, 99, 999, "table", bad_words(plan.tables[sheet][4]))


class Formulas:
    """Formulas and cached results of one workbook's live cells, from its typed input values
    and its texts (``texts`` None: a workbook without texts by design, a summary, whose cover
    does not ask for them)."""

    def __init__(self, layout: Layout, values: dict, texts: dict | None = None):
        self.fmt = layout.format
        self.plan = _plan(self.fmt.id)
        self.values = {i: values.get(i) for i in self.fmt.inputs}
        self.texts = texts
        engine = {i: (v if is_number(v) else 0) for i, v in self.values.items()}  # as SUM does
        self.engine = {**engine, **recompute_totals(self.fmt, engine)}
        self._checks: dict[str, Live] = {}
        self._opened: dict[str, tuple[int, int, int]] = {}  # each table's counts, once

    def total(self, item_id: str) -> Live:
        return Live(self.plan.totals[item_id], self.engine[item_id])

    def balance_check(self, check_id: str):
        """The format's check (rule instance) behind a check cell."""
        return self.plan.rules[check_id]

    def check(self, check_id: str) -> Live:
        """R1 for one column: pending while an input is blank, else pass or the difference."""
        if check_id not in self._checks:
            formula, need, lhs, rhs = self.plan.checks[check_id]
            if not all(is_number(self.values.get(i)) for i in need):  # COUNT(...) < n
                value = PENDING
            else:
                diff = sum(self.engine[i] for i in lhs) - sum(self.engine[i] for i in rhs)
                value = CHECK_PASS if diff == 0 else f"{MARK_FAIL} 相差{plain(abs(diff))}"
            self._checks[check_id] = Live(formula, value)
        return self._checks[check_id]

    def _open(self, sheet: str) -> tuple[int, int, int]:
        if sheet not in self._opened:
            inputs, checks, _, _, _ = self.plan.tables[sheet]
            kind = self.plan.by_id
            missing = sum(1 for i in inputs if is_blank(self.values.get(i)))
            fails = sum(1 for c in checks if str(self.check(c).value).startswith(MARK_FAIL))
            bad = sum(1 for i in inputs if is_bad(self.fmt.value_kinds[kind[i].kind or ""], self.values.get(i)))
            self._opened[sheet] = missing, fails, bad
        return self._opened[sheet]

    def table_status(self, sheet: str) -> Live:
        words = bad_words(self.plan.tables[sheet][4])
        return Live(self.plan.tables[sheet][2],
                    status_text(*self._open(sheet), "table", words))

    def overall(self) -> Live:
        """The cover's status: every table's open points together, and the blank text sections."""
        opened = [self._open(s) for s in self.plan.tables]
        words = bad_words(k for t in self.plan.tables.values() for k in t[4])
        missing, fails, bad = (sum(x) for x in zip(*opened))
        if self.texts is None:
            return Live(self.plan.overall, status_text(missing, fails, bad, "overall", words))
        blank = tuple(h for h, ids in self.plan.texts if text_blank([self.texts.get(i) for i in ids]))
        return Live(self.plan.overall_texts, status_text(missing, fails, bad, "overall", words, blank))

    def widest_status(self, sheet: str | None) -> str:
        """The longest text a status can show (for its row height): every part, 3-digit counts."""
        return longest_status(self.fmt.id, sheet, self.texts is not None)

    def stock(self, check, last_ref: str, last) -> Live:
        """R8 with last year's 现行有效件数 shown beside table 二 (a warning, so △ not ×)."""
        ids = check.ids
        this, plus, minus = (self.plan.by_id[ids[k]].ref for k in ("this", "plus", "minus"))
        expect = f"{last_ref}+{plus}-{minus}"
        formula = (f'IF(COUNT({this},{plus},{minus})<3,"{PENDING}",IF({this}={expect},'
                   f'"{MARK_PASS} 相符","{MARK_WARN} 相差"&ABS({this}-({expect}))&"，请核实"))')
        vals = [self.values.get(ids[k]) for k in ("this", "plus", "minus")]
        if not all(is_number(v) for v in vals) or last is None:  # COUNT(...) < 3
            return Live(formula, PENDING)
        diff = vals[0] - (last + vals[1] - vals[2])
        return Live(formula, f"{MARK_PASS} 相符" if diff == 0 else
                    f"{MARK_WARN} 相差{plain(abs(diff))}，请核实")
