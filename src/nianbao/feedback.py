"""Feedback workbooks: one per body that submitted, listing its findings in Chinese with the
sheet and cell to look at and what to do, ready to send back (``OUT/反馈/<code>_<name>.xlsx``).
A body whose files could not be read at all gets one row per such file: why, and what to do."""

from __future__ import annotations

import io

from .collection import Body
from .findings import SEVERITY_ZH, catalogue
from .report import Org, Report
from .states import ERRORS, FIXED_TIME, PASSED, STATE_ZH, WARNINGS
from .workbook_print import NORMAL_FONT, page_setup
from .workbook_styles import wrapped_lines

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
COLUMNS = ("序号", "类别", "规则", "工作表", "单元格", "问题", "如何处理")
VERDICT = {
    PASSED: "全部校验通过，无需修改。",
    ERRORS: "请按下表逐项改正后重新提交。",
    WARNINGS: "请核实下表各项；如确属实际情况，可在报告中说明。",
}
WIDTHS = (9, 7, 6, 16, 8, 60, 44)


def file_name(org: Org) -> str:
    return f"{org.code}_{org.name}.xlsx"


def rows(report: Report) -> list[list]:
    """The findings sorted by severity (errors first), then by their order in the report."""
    hints = {c.code: c.hint for c in catalogue().values()}
    found = sorted(enumerate(report.findings),
                   key=lambda kv: (SEVERITY_ORDER.get(kv[1].severity, 3), kv[0]))
    return [[n, SEVERITY_ZH.get(f.severity, f.severity), f.rule or "", f.sheet or "", f.cell or "",
             f.message(report.lang), hints.get(f.code, "")] for n, (_, f) in enumerate(found, 1)]


def unreadable_rows(body: Body) -> list[list]:
    """One row per file of the body that could not be read: the file, why, and what to do."""
    hints = {c.code: c.hint for c in catalogue().values()}
    return [[n, "错误", "", "", "", f"{e.rel}：{e.note}", hints.get(e.problem.code if e.problem else "", "")]
            for n, e in enumerate(body.unreadable, 1)]


def feedback_xlsx(body: Body, year: int) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "default_format_properties": dict(NORMAL_FONT)})
    wb.set_properties({"title": f"{body.org.name}{year}年度年报校验反馈", "created": FIXED_TIME})
    ws = wb.add_worksheet("校验反馈")
    base = {"font_name": "宋体", "font_size": 11, "valign": "top", "text_wrap": True}
    title = wb.add_format({**base, "bold": True, "font_size": 15})
    text = wb.add_format(base)
    bold = wb.add_format({**base, "bold": True})
    head = wb.add_format({**base, "bold": True, "border": 1, "bg_color": "#DDEBF7", "align": "center"})
    cell = wb.add_format({**base, "border": 1})
    sev = {"错误": wb.add_format({**base, "border": 1, "bg_color": "#FFC7CE"}),
           "警告": wb.add_format({**base, "border": 1, "bg_color": "#FFEB9C"}),
           "提示": cell}
    for i, w in enumerate(WIDTHS):
        ws.set_column(i, i, w)
    last = len(COLUMNS) - 1
    ws.merge_range(0, 0, 0, last, f"{year}年度政府信息公开工作年度报告校验反馈", title)
    used = body.used or body.unreadable[0]
    verdict = VERDICT[body.status] if body.used else "已收到文件，但无法读取（见下表），请另存为 .xlsx 或改正后重新提交。"
    info = [("单位", f"{body.org.name}（{body.org.code}）"), ("文件", used.rel),
            ("收到时间", used.received), ("结论", f"{body.status}。{verdict}")]
    for i, (k, v) in enumerate(info, 2):
        ws.write(i, 0, k, bold)
        ws.merge_range(i, 1, i, last, v, text)
    top = len(info) + 3
    body_rows = rows(used.report) if body.used and used.report else unreadable_rows(body)
    top_of_table = top
    if body_rows:
        ws.write_row(top, 0, COLUMNS, head)
        for i, r in enumerate(body_rows, top + 1):
            ws.write_row(i, 0, r, cell)
            ws.write(i, 1, r[1], sev[r[1]])
            ws.set_row(i, 15 * max(wrapped_lines(v, w, 1.1) for v, w in zip(r, WIDTHS)) + 4)
        top += len(body_rows) + 2
    others = body.others + (body.unreadable if body.used else [])
    if others:
        ws.merge_range(top, 0, top, last, "同时收到的其他文件（未采用）：", bold)
        for i, e in enumerate(others, top + 1):
            ws.merge_range(i, 0, i, last, f"{e.rel}（{STATE_ZH[e.state]}：{e.note}）", text)
    page_setup(ws, WIDTHS, landscape=True, repeat_rows=(top_of_table, top_of_table) if body_rows else None)
    wb.close()
    return buf.getvalue()
