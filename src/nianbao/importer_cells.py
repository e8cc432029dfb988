"""Reading the cells of a verified workbook: layout check, values, totals, texts, cover.

Every function takes the layout and the parsed sheets (``{sheet name: SheetData}``) and returns
what it read plus findings located at the cell to look at. Positions come from the layout only
after :func:`verify_layout` found every label, sheet and defined name where the layout puts it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from .cellref import absolute, plain, sheet_ref
from .findings import Finding, code
from .layout import Layout, defined_name, layout_for
from .reader_xml import Cell
from .rules import recompute_totals
from .values import read_value

_REDO = "表格结构被改动后数据位置无法确认，因此没有读取任何数据；请在下发的模板中重新填写（可复制粘贴数字）。"
SHEET_MISSING = code(
    "LAYOUT_SHEET_MISSING", "error", "找不到工作表“{tab}”（可能被改名或删除）。" + _REDO,
    "sheet “{tab}” is missing (renamed or deleted?); no data was read",
    "使用下发的模板，不要改工作表名称。")
LAYOUT_MISMATCH = code(
    "LAYOUT_MISMATCH", "error", "工作表“{tab}”的 {at} 单元格应为“{expected}”，实际是“{found}”（可能插入或删除了行、列）。" + _REDO,
    "sheet “{tab}” cell {at} should read “{expected}” but reads “{found}” (rows or columns inserted/deleted?); no data was read",
    "使用下发的模板，不要插入、删除行列或改动表头文字。")
NAME_MOVED = code(
    "LAYOUT_NAME_MOVED", "error", "“{label}”应在工作表“{tab}”的 {at}，但已被移到“{found_sheet}”的 {found}（可能插入或删除了行、列）。" + _REDO,
    "“{label}” belongs in sheet “{tab}” {at} but was moved to “{found_sheet}” {found}; no data was read",
    "使用下发的模板，不要插入、删除行列或移动单元格。")
CELL_ERROR = code(
    "VALUE_CELL_ERROR", "error", "{label}：单元格显示错误值“{raw}”，无法读取；请改为直接填写数字",
    "{label}: the cell shows the error “{raw}”", "删除公式或错误内容，直接填写数字。", "R5")
TEXT_NUMBER = code(
    "VALUE_TEXT_NUMBER", "info", "{label}：“{raw}”是以文字格式存放的数字，已读作 {value}",
    "{label}: “{raw}” is a number stored as text; read as {value}",
    "无需处理；今后请直接填写数字（单元格格式为“文本”时，改为“常规”后重新输入）。", "R5")
INPUT_FORMULA = code(
    "VALUE_FORMULA", "info", "{label}：填的是公式“={formula}”，已读取其计算结果 {value}",
    "{label}: holds the formula “={formula}”; its result {value} was read",
    "无需处理；建议直接填写数字。", "R5")
FORMULA_UNCALCULATED = code(
    "VALUE_FORMULA_UNCALCULATED", "error", "{label}：填的是公式“={formula}”，但文件中没有它的计算结果，无法读取；请改为直接填写数字",
    "{label}: holds the formula “={formula}” without a calculated result", "直接填写数字。", "R5")
TOTAL_STALE = code(
    "TOTAL_CACHE_STALE", "warning", "{label}：表中显示的合计是 {cached}，按各项重新计算应为 {value}（文件未重新计算，或合计被改动），已按 {value} 导入；如已按表中数字对外发布，请更正",
    "{label}: the sheet shows the total {cached}, the parts add up to {value} (not recalculated or tampered); imported as {value}",
    "在 Excel/WPS 中打开文件，按 F9 重新计算后保存；核对已发布的数字。")
TOTAL_TYPED = code(
    "TOTAL_TYPED", "warning", "{label}：合计公式被改成了数字 {cached}，与各项之和 {value} 相同，已按 {value} 导入",
    "{label}: the total's formula was replaced by the number {cached} (equal to the parts, {value})",
    "使用下发的模板，合计单元格不要手工填写。")
TOTAL_TYPED_WRONG = code(
    "TOTAL_TYPED_WRONG", "error", "{label}：合计公式被改成了数字 {cached}，但各项之和是 {value}，相差 {diff}；已按各项之和 {value} 导入，请核对各项数字",
    "{label}: the total's formula was replaced by the number {cached}, but the parts add up to {value} (off by {diff})",
    "核对各项数字；合计单元格不要手工填写。")
TOTAL_FORMULA_MISSING = code(
    "TOTAL_FORMULA_MISSING", "warning", "{label}：合计单元格的公式被删除，已按各项之和 {value} 导入",
    "{label}: the total's formula was deleted; imported as the sum of the parts ({value})",
    "使用下发的模板，不要删除合计公式。")
TOTAL_FORMULA_CHANGED = code(
    "TOTAL_FORMULA_CHANGED", "warning", "{label}：合计公式被改为“={found}”（应为“={expected}”），已按各项之和 {value} 导入",
    "{label}: the total's formula was changed to “={found}” (should be “={expected}”); imported as {value}",
    "使用下发的模板，不要改动合计公式。")

_WS = re.compile(r"\s+")


def fold(s) -> str:
    """Label text for comparison: whitespace and line breaks removed, nothing else."""
    return _WS.sub("", str(s or ""))


def cell_text(cell: Cell | None) -> str:
    """What a cell shows, as text (numbers as written; booleans TRUE/FALSE)."""
    if cell is None or cell.v is None:
        return ""
    if cell.t == "b":
        return "TRUE" if cell.v in ("1", "true") else "FALSE"
    if cell.t == "n":
        return _number_text(cell.v)
    return cell.v


def _number_text(v: str) -> str:
    try:
        d = _excel_decimal(v)
    except InvalidOperation:
        return v
    return str(int(d)) if d == d.to_integral_value() else format(d.normalize(), "f")


def _excel_decimal(v: str) -> Decimal:
    """A number cell's text as the value a person typed: spreadsheets keep 15 significant
    digits, and some writers print the binary double's 17 (9116.3599999999997)."""
    d = Decimal(v.strip())
    if not d.is_finite():
        raise InvalidOperation(v)
    if len(d.as_tuple().digits) > 15 and d != 0:
        d = round(d, 14 - d.adjusted())
    return d


def _short(s: str, n: int = 40) -> str:
    s = str(s).replace("\n", " ")
    return s if len(s) <= n else s[: n - 1] + "…"


@dataclass(frozen=True)
class Plan:
    """What to read where, computed once per layout (positions, folded labels, formulas)."""

    sheets: tuple  # sheet names in layout order
    labels: tuple  # (sheet, ref, folded text, text)
    names: tuple  # (defined name, sheet, ref, id, the name's text as nianbao writes it)
    where: dict  # id -> (sheet, ref): the rules' locate
    inputs: tuple  # (sheet, ref, id, kind, label)
    totals: dict  # id -> (sheet, ref, label, formula, formula key)
    texts: tuple  # (sheet, ref, id)
    cover: tuple  # (sheet, ref, id)


def _name_text(sheet: str, ref: str) -> str:
    return sheet_ref(sheet, absolute(ref))


@lru_cache(maxsize=None)
def plan_for(fmt_id: str) -> Plan:
    """The plan of ``layout_for(fmt_id)`` (keyed by id: hashing a Layout is not cheap)."""
    layout = layout_for(fmt_id)
    fmt = layout.format
    by_role: dict[str, list[Any]] = {}
    for p in layout.places:
        by_role.setdefault(p.role, []).append(p)
    totals = {}
    for p in by_role.get("total", ()):
        formula = layout.total_formula(p.id)
        totals[p.id] = (p.sheet, p.ref, fmt.datapoints[p.id].label, formula, _formula_key(formula))
    return Plan(
        sheets=tuple(s.name for s in layout.sheets),
        labels=tuple((p.sheet, p.ref, fold(p.text), p.text) for p in layout.places
                     if p.text is not None),
        names=tuple((defined_name(p.id), p.sheet, p.ref, p.id, _name_text(p.sheet, p.ref))
                    for p in layout.places if p.id and p.role not in ("check", "status")),
        where={p.id: (p.sheet, p.ref) for p in layout.places if p.id},
        inputs=tuple((p.sheet, p.ref, p.id, fmt.datapoints[p.id].kind, fmt.datapoints[p.id].label)
                     for p in by_role.get("input", ())),
        totals=totals,
        texts=tuple((p.sheet, p.ref, p.id) for p in by_role.get("text", ())),
        cover=tuple((p.sheet, p.ref, p.id) for p in by_role.get("cover", ())),
    )


def verify_layout(layout: Layout, sheets: dict, wb) -> Finding | None:
    """The first difference between the workbook and the layout, or None when it matches."""
    plan = plan_for(layout.format.id)
    for name in plan.sheets:
        if name not in sheets:
            return SHEET_MISSING(sheet=name, tab=name)
    for sheet, ref, folded, text in plan.labels:
        cell = sheets[sheet].cells.get(ref)
        found = cell.v if cell is not None and cell.t == "s" else cell_text(cell)
        if found != text and fold(found) != folded:
            return LAYOUT_MISMATCH(sheet=sheet, cell=ref, tab=sheet, at=ref, expected=_short(text),
                                   found=_short(found) or "（空白）")
    for name, sheet, ref, item_id, written in plan.names:
        text = wb.defined.get(name)
        if text is None or text == written or text == "=" + written:
            continue
        target = wb.name_target(name)
        if target is not None and (target[0] != sheet or target[1] != ref):
            return NAME_MOVED(sheet=sheet, cell=ref, tab=sheet, at=ref, found_sheet=target[0], found=target[1],
                              label=_label(layout, item_id), datapoints=[item_id])
    return None


def _label(layout: Layout, item_id: str) -> str:
    fmt = layout.format
    if item_id in fmt.datapoints:
        return fmt.datapoints[item_id].label
    if item_id in fmt.texts:
        return fmt.texts[item_id].label
    return item_id


def _raw(cell: Cell | None):
    """A value cell as read_value takes it: numbers as exact Decimals, strings as typed."""
    if cell is None or cell.v is None or cell.t == "":
        return None
    if cell.t == "n":
        try:
            return _excel_decimal(cell.v)
        except InvalidOperation:
            return cell.v
    if cell.t == "b":
        return cell.v in ("1", "true")
    return cell.v


def read_values(layout: Layout, sheets: dict) -> tuple[dict, list[Finding]]:
    """The typed inputs (int / Decimal / None) with a finding per cell that needed one."""
    values: dict[str, int | Decimal | None] = {}
    out: list[Finding] = []
    kinds = layout.format.value_kinds
    for sheet, ref, item_id, kind, label in plan_for(layout.format.id).inputs:
        cell = sheets[sheet].cells.get(ref)
        vk = kinds[kind]
        if cell is not None and cell.t == "n" and cell.f is None and cell.v.isdigit() \
                and not vk.decimal and int(cell.v) < vk.below:  # the common case, exact as it is
            values[item_id] = int(cell.v)
            continue
        at = {"sheet": sheet, "cell": ref, "datapoints": [item_id]}
        if cell is not None and cell.t == "e":
            values[item_id] = None
            out.append(CELL_ERROR(**at, label=label, raw=cell.v))
            continue
        if cell is not None and cell.f is not None and cell.v is None:
            values[item_id] = None
            out.append(FORMULA_UNCALCULATED(**at, label=label, formula=cell.f))
            continue
        value, finding = read_value(_raw(cell), vk, label)
        values[item_id] = value
        if finding is not None:
            finding.sheet, finding.cell, finding.datapoints = sheet, ref, [item_id]
            finding.values = {item_id: cell.v if cell is not None else None}
            out.append(finding)
        elif cell is not None and cell.f is not None:
            out.append(INPUT_FORMULA(**at, label=label, formula=cell.f, value=value))
        elif cell is not None and cell.t == "s":  # spec §7: text "12" is read, and that is said
            out.append(TEXT_NUMBER(**at, label=label, raw=cell.v, value=value))
    return values, out


def _formula_key(f: str) -> str:
    return fold(f).lstrip("=").replace("$", "").replace("_xlfn.", "").upper()


def check_totals(layout: Layout, sheets: dict, values: dict) -> tuple[dict, list[Finding]]:
    """Totals recomputed from the inputs, with findings where the sheet's totals disagree."""
    out, plan = [], plan_for(layout.format.id)
    totals = recompute_totals(layout.format, values)
    for total_id, value in totals.items():
        sheet, ref, label, expected, key = plan.totals[total_id]
        cell = sheets[sheet].cells.get(ref)
        at = {"sheet": sheet, "cell": ref, "datapoints": [total_id]}
        shown = _shown(cell)
        if cell is None or cell.f is None:
            if shown is None:
                out.append(TOTAL_FORMULA_MISSING(**at, label=label, value=_s(value)))
            elif value is not None and shown != value:
                out.append(TOTAL_TYPED_WRONG(**at, label=label, cached=_s(shown), value=_s(value),
                                             diff=_s(abs(shown - value)),
                                             values={"shown": shown, "computed": value}))
            else:
                out.append(TOTAL_TYPED(**at, label=label, cached=cell_text(cell), value=_s(value)))
            continue
        if cell.f != expected and _formula_key(cell.f) != key:
            out.append(TOTAL_FORMULA_CHANGED(**at, label=label, found=cell.f, expected=expected,
                                             value=_s(value)))
        elif cell.v is not None and value is not None and (cell.t == "e" or shown != value):
            out.append(TOTAL_STALE(**at, label=label, cached=cell_text(cell), value=_s(value),
                                   values={"shown": cell_text(cell), "computed": value}))
    return totals, out


def _shown(cell: Cell | None):
    if cell is None or cell.v is None or cell.t not in ("n", "s"):
        return None
    try:
        return _excel_decimal(cell.v)
    except InvalidOperation:
        return None


def _s(v) -> str:
    return "（无法计算）" if v is None else plain(v)


def read_texts(layout: Layout, sheets: dict) -> dict:
    """Every text field exactly as typed, trailing whitespace removed."""
    return {i: cell_text(sheets[sheet].cells.get(ref)).rstrip()
            for sheet, ref, i in plan_for(layout.format.id).texts}


def read_cover(layout: Layout, sheets: dict) -> dict:
    """Cover fields (report.year, org.*, contact.*) as stripped text."""
    out = {}
    for sheet, ref, item_id in plan_for(layout.format.id).cover:
        cell = sheets[sheet].cells.get(ref) if sheet in sheets else None
        text = cell_text(cell).strip()
        if item_id == "contact.date" and cell is not None and cell.t == "n" and text.isdigit() \
                and 20000 < int(text) < 80000:  # a date typed into a date-formatted cell
            text = (date(1899, 12, 30) + timedelta(days=int(text))).isoformat()
        elif cell is not None and cell.t == "d":
            text = text[:10]
        out[item_id] = text
    return out
