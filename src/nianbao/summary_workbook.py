"""The summary workbook: the official tables filled with the summed values (locked, formulas
live, written by ``template.workbook_bytes(kind="summary")``), plus the sheets behind it:

* ``汇总说明`` — which bodies were summed, which were left out and why;
* ``各单位明细`` — one row per data point (under its table and its row of the official table),
  one column per body, and a 合计 column of live SUMs (the breakdown behind every total);
* ``各单位文字`` — each body's texts, for the county writing its own;
* ``校验结果`` — the summary's findings and every body's findings.
"""

from __future__ import annotations

from typing import Sequence

from .cellref import a1
from .findings import SEVERITY_ZH
from .identity import SUMMARY_KIND
from .report import Report
from .summing import effective_values, who
from .template_workbook import write_number
from .values import cell_number
from .workbook_print import MAX_ROW_PT, page_setup
from .workbook_styles import wrapped_lines

NOTES, BREAKDOWN, TEXTS, FINDINGS = "汇总说明", "各单位明细", "各单位文字", "校验结果"
# What each added sheet holds, as the 填报说明 sheet lists it.
SHEETS = ((NOTES, "计入汇总的单位名单，以及未计入的单位和原因"),
          (BREAKDOWN, "每个数据项一行、每个单位一列，最后一列为合计：各表每个数值由哪些单位的数相加而来"),
          (TEXTS, "各单位报告的文字原文，供汇总单位撰写本级报告时参考"),
          (FINDINGS, "汇总数据和各单位报告的校验结果"))


NOTES_WIDTH = 110
TEXTS_WIDTHS = (32, 28, 100)
FINDINGS_WIDTHS = (32, 7, 6, 16, 8, 80)
BREAKDOWN_LABEL_WIDTH, BREAKDOWN_BODY_WIDTH, BREAKDOWN_TOTAL_WIDTH = 30, 10, 10
LINE_PT = 16  # one wrapped line of 11 pt CJK text (as the template's)


def _num(v):
    return cell_number(v)


def _notes_sheet(wb, st, summary: Report, members: list[Report]):
    ws = wb.add_worksheet(NOTES)
    ws.activate()  # the workbook opens here: what was summed and what was left out
    ws.set_column(0, 0, NOTES_WIDTH)
    name = summary.org.name if summary.org.name != SUMMARY_KIND else ""
    lines = [("title", f"{summary.year}年度{name}数据汇总说明"),
             ("para", f"本汇总由{len(summary.members or ())}个单位的报告逐项相加而成；"
                      "各表数值已锁定，总计仍为公式。文字部分不汇总，由汇总单位另行撰写，"
                      f"各单位原文见“{TEXTS}”表；逐单位数据见“{BREAKDOWN}”表。"),
             ("para_bold", "计入汇总的单位：")]
    lines += [("para", f"{i}. {who(m)}") for i, m in enumerate(summary.members or (), 1)]
    left = summary.findings  # who is missing or left out, and R1–R4 on the sums
    if left:
        lines.append(("para_bold", "未计入或需说明的情况："))
        lines += [("para", f"{i}. {f.message(summary.lang)}") for i, f in enumerate(left, 1)]
    title = wb.add_format({"font_name": "宋体", "bold": True, "font_size": 16})
    for r, (style, text) in enumerate(lines):
        ws.write_string(r, 0, text, title if style == "title" else st[style])
        ws.set_row(r, 28 if style == "title" else LINE_PT * wrapped_lines(text, NOTES_WIDTH) + 4)
    page_setup(ws, (NOTES_WIDTH,), landscape=True)
    ws.protect("", {"format_columns": True})


def _height(row, widths) -> float:
    """Row height (points) that shows every wrapped cell of the row."""
    return LINE_PT * max(wrapped_lines(v, w) for v, w in zip(row, widths)) + 4


def _total_styles(wb, fmt) -> dict:
    """The 合计 column's style per data-point kind: the total look with the number format of
    that kind's values (an amount keeps its decimals: 31.12, not 31)."""
    from .workbook_styles import _BASE, STYLES, value_style

    kinds = sorted({dp.kind for dp in fmt.datapoints.values()})
    return {k: wb.add_format({**_BASE, **STYLES["total"], "num_format": STYLES.get(
                f"{value_style(fmt.value_kinds[k])}_value", {}).get("num_format", "General")})
            for k in kinds}


def _groups(fmt):
    """The data points by table, then by row of the official table: (table id, [(row label,
    [(item label, data point)])]). A row's label is said once; its items are its columns."""
    out: list = []
    for dp in fmt.datapoints.values():
        row = "·".join(n.label for n in dp.row.path if n.label)
        item = dp.label[len(row) + 1:] if row and dp.label.startswith(row + "·") else dp.label
        if not out or out[-1][0] != dp.table:
            out.append((dp.table, []))
        groups = out[-1][1]
        if not groups or groups[-1][0] != row:
            groups.append((row, []))
        groups[-1][1].append((item, dp))
    return out


def _breakdown_sheet(wb, st, summary: Report, members: list[Report]):
    """One row per data point (under its table and its row of the official table), one column
    per body, then the 合计 column of live SUMs, then the data point's id (not printed). Long
    and narrow: on paper it is as many pages as 200 rows need, each with the bodies' names."""
    fmt = summary.fmt
    ws = wb.add_worksheet(BREAKDOWN)
    n = len(members)
    total_col, id_col = n + 1, n + 2
    widths = (BREAKDOWN_LABEL_WIDTH,) + (BREAKDOWN_BODY_WIDTH,) * n + (BREAKDOWN_TOTAL_WIDTH,)
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    ws.set_column(id_col, id_col, 36)
    f = {k: wb.add_format(props) for k, props in _breakdown_styles().items()}
    heads = ["数据项"] + [f"{rep.org.name}\n{rep.org.code}" for rep in members]
    heads += ["合计", "数据项编号"]
    for c, text in enumerate(heads):  # a body's name, and its code below it
        ws.write_string(0, c, text, f["header"])
    ws.set_row(0, min(MAX_ROW_PT, max(wrapped_lines(x, BREAKDOWN_BODY_WIDTH) for x in heads[1:-1]) * LINE_PT + 4))
    styles = {i: f["amount_value" if dp.value_kind.decimal else "count_value"] for i, dp in fmt.datapoints.items()}
    totals, total_style = summary.values, _total_styles(wb, fmt)
    counted = [effective_values(rep, fmt) if any(rep.values.get(i) is None for i in fmt.datapoints)
               else None for rep in members]
    r = 1
    for table, groups in _groups(fmt):
        _band(ws, r, id_col, fmt.table(table).title, f["table"])
        r += 1
        for row_label, items in groups:
            if row_label:
                _band(ws, r, id_col, row_label, f["group"])
                r += 1
            for item, dp in items:
                ws.write_string(r, 0, item, f["item"])
                for j, rep in enumerate(members, 1):
                    v = rep.values.get(dp.id)
                    count = counted[j - 1]
                    if v is None and dp.id in fmt.computed and count is not None:  # what the summary counted
                        write_number(ws, r, j, count[dp.id], styles[dp.id])
                    elif v is None:  # SUM skips it, as the summary counted it as 0
                        ws.write_string(r, j, "缺", styles[dp.id])
                    else:
                        write_number(ws, r, j, v, styles[dp.id])
                style = total_style[dp.kind]
                if members:
                    ws.write_formula(r, total_col, f"=SUM({a1(r, 1)}:{a1(r, n)})", style, _num(totals[dp.id]))
                else:
                    write_number(ws, r, total_col, totals[dp.id], style)
                ws.write_string(r, id_col, dp.id, f["id"])
                r += 1
    ws.freeze_panes(1, 1)
    page_setup(ws, widths, landscape=True, repeat_rows=(0, 0),
               repeat_cols=(0, 0), area=(0, 0, r - 1, total_col))
    ws.protect("", {"format_columns": True})


def _band(ws, r: int, last: int, text: str, style) -> None:
    """A heading row across the sheet (a table, or a row of the official table); wrapped in
    the label column, as tall as it needs."""
    ws.write_string(r, 0, text, style)
    for c in range(1, last + 1):
        ws.write_blank(r, c, None, style)
    lines = wrapped_lines(text, BREAKDOWN_LABEL_WIDTH)
    if lines > 1:
        ws.set_row(r, LINE_PT * lines + 3)


def _breakdown_styles() -> dict:
    from .workbook_styles import _BASE, STYLES

    box = {**_BASE, "border": 1}
    return {"header": {**_BASE, **STYLES["header"]},
            "table": {**box, "bold": True, "bg_color": "#BDD7EE"},
            "group": {**box, "bold": True, "bg_color": "#F2F2F2"},
            "item": {**box, "indent": 1},
            "count_value": {**_BASE, **STYLES["count_value"]},
            "amount_value": {**_BASE, **STYLES["amount_value"]},
            "id": {**_BASE, "font_color": "#595959"}}


def text_rows(text: str, width: float, max_lines: int) -> list[str]:
    """A text cut into pieces of at most ``max_lines`` wrapped lines each: whole paragraphs
    while they fit, a paragraph too long for one piece after a sentence's end (。；！？) or,
    failing that, where the piece is full. Read one after the other the pieces are the text
    (a paragraph cut in two goes on at the start of the next piece)."""
    pieces: list[str] = []
    for para in text.split("\n"):
        parts = []
        while wrapped_lines(para, width) > max_lines:
            cut = _cut(para, width, max_lines)
            parts.append(para[:cut])
            para = para[cut:]
        parts.append(para)
        for k, part in enumerate(parts):
            if k == 0 and pieces and wrapped_lines(pieces[-1] + "\n" + part, width) <= max_lines:
                pieces[-1] += "\n" + part
            else:
                pieces.append(part)
    return pieces


def _cut(para: str, width: float, max_lines: int) -> int:
    """Where to cut a paragraph too long for one piece: after the last sentence end that fits
    (unless that leaves the piece less than half full), else after the most that fits."""
    lo, hi = 1, len(para)  # the longest prefix that fits, by bisection (lines grow with length)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if wrapped_lines(para[:mid], width) <= max_lines:
            lo = mid
        else:
            hi = mid - 1
    ends = [i + 1 for i, ch in enumerate(para[:lo]) if ch in "。；！？"]
    return ends[-1] if ends and ends[-1] > lo // 2 else lo


def _texts_sheet(wb, st, summary: Report, members: list[Report]):
    """Each body's texts, a row per text; a text too long for one row (a row is at most
    MAX_ROW_PT tall, and one that does not fit the page is cut on paper) goes on over as many
    rows as it needs, marked （续）."""
    fmt = summary.fmt
    ws = wb.add_worksheet(TEXTS)
    for c, w in enumerate(TEXTS_WIDTHS):
        ws.set_column(c, c, w)
    ws.write_row(0, 0, ("单位", "部分", "内容"), st["header"])
    max_lines = int((MAX_ROW_PT - 4) // LINE_PT)
    r = 1
    for rep in members:
        for tid, field in fmt.texts.items():
            text = rep.texts.get(tid) or ""
            if not text.strip():
                continue
            for k, piece in enumerate(text_rows(text, TEXTS_WIDTHS[2], max_lines)):
                row = (who(rep.org), field.label + ("（续）" if k else ""), piece)
                ws.write_row(r, 0, row[:2], st["label"])
                ws.write_string(r, 2, piece, st["text_value"])
                ws.set_row(r, _height(row, TEXTS_WIDTHS))
                r += 1
    ws.freeze_panes(1, 0)
    page_setup(ws, TEXTS_WIDTHS, landscape=True, repeat_rows=(0, 0))
    ws.protect("", {"format_columns": True})


def _findings_sheet(wb, st, summary: Report, members: list[Report]):
    ws = wb.add_worksheet(FINDINGS)
    for c, w in enumerate(FINDINGS_WIDTHS):
        ws.set_column(c, c, w)
    ws.write_row(0, 0, ("单位", "类别", "规则", "工作表", "单元格", "问题"), st["header"])
    own = summary.org.name
    rows = [(f"{own}（{SUMMARY_KIND}）" if own not in ("", SUMMARY_KIND) else SUMMARY_KIND, summary, f)
            for f in summary.findings]
    rows += [(who(rep.org), rep, f) for rep in members for f in rep.findings]
    for r, (name, rep, f) in enumerate(rows, 1):
        row = (name, SEVERITY_ZH.get(f.severity, ""), f.rule or "",
               f.sheet or "", f.cell or "", f.message(rep.lang))
        ws.write_row(r, 0, row, st["label"])
        ws.set_row(r, _height(row, FINDINGS_WIDTHS))
    ws.freeze_panes(1, 0)
    page_setup(ws, FINDINGS_WIDTHS, landscape=True, repeat_rows=(0, 0))
    ws.autofilter(0, 0, max(len(rows), 1), 5)
    ws.protect("", {"format_columns": True, "autofilter": True})


def summary_xlsx(summary: Report, members: Sequence[Report], left_out: Sequence[Report] = ()) -> bytes:
    """The summary workbook. ``members``: the reports summed into it, in the order of the
    breakdown (a summary merged again is one row); ``left_out``: reports not summed, whose
    findings are listed too (they say why)."""
    from .template_workbook import workbook_bytes

    fmt = summary.fmt

    def extra(wb, st):
        for make in (_notes_sheet, _breakdown_sheet, _texts_sheet):
            make(wb, st, summary, list(members))
        _findings_sheet(wb, st, summary, list(members) + list(left_out))

    if summary.year is None:
        raise ValueError("a summary without a year cannot be a workbook")
    return workbook_bytes(year=summary.year, org=summary.org, fmt_id=fmt.id,
                          values=summary.values, texts={}, kind="summary", extra=extra,
                          members=summary.members or [], extra_sheets=SHEETS)
