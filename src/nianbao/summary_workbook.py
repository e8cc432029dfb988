"""The summary workbook: the official tables filled with the summed values (locked, formulas
live, written by ``template.workbook_bytes(kind="summary")``), plus the sheets behind it:

* ``汇总说明`` — which bodies were summed, which were left out and why;
* ``各单位明细`` — one row per body, one column per data point, and a 合计 row of live SUMs
  (the breakdown behind every total);
* ``各单位文字`` — each body's texts, for the county writing its own;
* ``校验结果`` — the summary's findings and every body's findings.
"""

from __future__ import annotations

from decimal import Decimal

from .merge import effective_values, who
from .findings import SEVERITY_ZH
from .report import SUMMARY_KIND, typed_values
from .spec import get_format
from .template import write_number
from .values import cell_number
from .workbook_styles import wrapped_lines

NOTES, BREAKDOWN, TEXTS, FINDINGS = "汇总说明", "各单位明细", "各单位文字", "校验结果"
# What each added sheet holds, as the 填报说明 sheet lists it.
SHEETS = ((NOTES, "计入汇总的单位名单，以及未计入的单位和原因"),
          (BREAKDOWN, "每个单位一行、每个数据项一列，最后一行为合计：各表每个数值由哪些单位的数相加而来"),
          (TEXTS, "各单位报告的文字原文，供汇总单位撰写本级报告时参考"),
          (FINDINGS, "汇总数据和各单位报告的校验结果"))


def _num(v):
    return cell_number(v)


def _notes_sheet(wb, st, summary: dict, members: list[dict]):
    ws = wb.add_worksheet(NOTES)
    ws.activate()  # the workbook opens here: what was summed and what was left out
    ws.set_column(0, 0, 110)
    name = summary["org"]["name"] if summary["org"]["name"] != SUMMARY_KIND else ""
    lines = [("title", f"{summary['year']}年度{name}数据汇总说明"),
             ("para", f"本汇总由{len(summary['members'])}个单位的报告逐项相加而成；"
                      "各表数值已锁定，总计仍为公式。文字部分不汇总，由汇总单位另行撰写，"
                      f"各单位原文见“{TEXTS}”表；逐单位数据见“{BREAKDOWN}”表。"),
             ("para_bold", "计入汇总的单位：")]
    lines += [("para", f"{i}. {who(m)}") for i, m in enumerate(summary["members"], 1)]
    left = summary.get("findings", ())  # who is missing or left out, and R1–R4 on the sums
    if left:
        lines.append(("para_bold", "未计入或需说明的情况："))
        lines += [("para", f"{i}. {f['message']}") for i, f in enumerate(left, 1)]
    title = wb.add_format({"font_name": "宋体", "bold": True, "font_size": 16})
    for r, (style, text) in enumerate(lines):
        ws.write_string(r, 0, text, title if style == "title" else st[style])
        ws.set_row(r, 28 if style == "title" else 16 * wrapped_lines(text, 110, 0.9) + 4)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.protect("", {"format_columns": True})


def _height(row, widths) -> float:
    """Row height (points) that shows every wrapped cell of the row."""
    return 15 * max(wrapped_lines(v, w, 0.9) for v, w in zip(row, widths)) + 4


def _total_styles(wb, fmt) -> dict:
    """The 合计 row's style per data-point kind: the total look with the number format of that
    kind's values (an amount keeps its decimals: 31.12, not 31)."""
    from .workbook_styles import _BASE, STYLES

    kinds = sorted({dp.kind for dp in fmt.datapoints.values()})
    return {k: wb.add_format({**_BASE, **STYLES["total"],
                              "num_format": STYLES.get(f"{k}_value", {}).get("num_format", "General")})
            for k in kinds}


def _breakdown_sheet(wb, st, summary: dict, members: list[dict]):
    fmt = get_format(summary["format"])
    ws = wb.add_worksheet(BREAKDOWN)
    ids = list(fmt.datapoints)
    ws.set_column(0, 0, 12)
    ws.set_column(1, 1, 26)
    ws.set_column(2, 2 + len(ids), 11)
    for c, text in enumerate(("单位代码", "单位名称")):
        ws.merge_range(0, c, 1, c, text, st["header"])
    styles = {i: st["amount_value" if dp.kind == "amount" else "count_value"]
              for i, dp in fmt.datapoints.items()}
    small = wb.add_format({"font_name": "宋体", "font_size": 7, "border": 1, "shrink": True,
                           "font_color": "#595959", "align": "center", "bg_color": "#DDEBF7"})
    for j, i in enumerate(ids, 2):
        ws.write_string(0, j, fmt.datapoints[i].label, st["header"])
        ws.write_string(1, j, i, small)
    ws.set_row(0, 96)
    for r, rep in enumerate(members, 2):
        ws.write_string(r, 0, rep["org"].get("code", ""), st["label"])
        ws.write_string(r, 1, rep["org"].get("name", ""), st["label"])
        raw = rep.get("values") or {}
        counted = effective_values(rep, fmt) if any(raw.get(i) is None for i in ids) else None
        for j, i in enumerate(ids, 2):
            v, style = raw.get(i), styles[i]
            if v is None and i in fmt.computed:  # what the summary counted
                write_number(ws, r, j, counted[i], style)
            elif v is None:  # SUM skips it, as the summary counted it as 0
                ws.write_string(r, j, "缺", style)
            else:
                write_number(ws, r, j, Decimal(v) if isinstance(v, str) else v, style)
    last = 2 + len(members)
    ws.write_string(last, 1, "合计", st["total"])
    ws.write_blank(last, 0, None, st["total"])
    totals = typed_values(summary)
    total_style = _total_styles(wb, fmt)
    from .layout import a1
    for j, i in enumerate(ids, 2):
        style = total_style[fmt.datapoints[i].kind]
        if members:
            ws.write_formula(last, j, f"=SUM({a1(2, j)}:{a1(last - 1, j)})", style, _num(totals[i]))
        else:
            write_number(ws, last, j, totals[i], style)
    ws.freeze_panes(2, 2)
    ws.set_landscape()
    ws.set_paper(9)
    ws.repeat_rows(0, 1)
    ws.repeat_columns(0, 1)
    ws.fit_to_pages(0, 1)
    ws.protect("", {"format_columns": True})


def _texts_sheet(wb, st, summary: dict, members: list[dict]):
    fmt = get_format(summary["format"])
    ws = wb.add_worksheet(TEXTS)
    widths = (32, 28, 100)
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    ws.write_row(0, 0, ("单位", "部分", "内容"), st["header"])
    r = 1
    for rep in members:
        for tid, field in fmt.texts.items():
            text = (rep.get("texts") or {}).get(tid) or ""
            if not text.strip():
                continue
            row = (who(rep["org"]), field.label, text)
            ws.write_row(r, 0, row[:2], st["label"])
            ws.write_string(r, 2, text, st["text_value"])
            ws.set_row(r, _height(row, widths))
            r += 1
    ws.freeze_panes(1, 0)
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.protect("", {"format_columns": True})


def _findings_sheet(wb, st, summary: dict, members: list[dict]):
    ws = wb.add_worksheet(FINDINGS)
    widths = (32, 7, 6, 16, 8, 80)
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    ws.write_row(0, 0, ("单位", "类别", "规则", "工作表", "单元格", "问题"), st["header"])
    own = summary["org"]["name"]
    rows = [(f"{own}（{SUMMARY_KIND}）" if own != SUMMARY_KIND else SUMMARY_KIND, f) for f in summary.get("findings", ())]
    rows += [(who(rep["org"]), f) for rep in members for f in rep.get("findings", ())]
    for r, (name, f) in enumerate(rows, 1):
        row = (name, SEVERITY_ZH.get(f.get("severity"), ""), f.get("rule") or "",
               f.get("sheet") or "", f.get("cell") or "", f.get("message") or "")
        ws.write_row(r, 0, row, st["label"])
        ws.set_row(r, _height(row, widths))
    ws.freeze_panes(1, 0)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.autofilter(0, 0, max(len(rows), 1), 5)
    ws.protect("", {"format_columns": True, "autofilter": True})


def summary_xlsx(summary: dict, members: list[dict], left_out: list[dict] = ()) -> bytes:
    """The summary workbook. ``members``: the report dicts summed into it, in the order of the
    breakdown (a summary merged again is one row); ``left_out``: reports not summed, whose
    findings are listed too (they say why)."""
    from .template import workbook_bytes

    fmt = get_format(summary["format"])

    def extra(wb, st):
        for make in (_notes_sheet, _breakdown_sheet, _texts_sheet):
            make(wb, st, summary, members)
        _findings_sheet(wb, st, summary, list(members) + list(left_out))

    return workbook_bytes(year=summary["year"], org=summary["org"], fmt_id=fmt.id,
                          values=typed_values(summary), texts={}, kind="summary", extra=extra,
                          members=summary.get("members", []), extra_sheets=SHEETS)
