"""The status board of a collection: who passed, who has errors, who still owes a report.

One row per roster body (roster order), then one row per bad roster row (skipped), then one
row per other file (superseded, duplicate, unmatched, other year, unreadable, ignored). A body
whose only files cannot be read shows 有错误 with its latest such file and why. The same rows feed the printed board,
``status.csv`` and ``status.xlsx``. Nothing here reads the clock: the only times shown are the
files' own times, so re-running on the same inbox gives the same bytes.
"""

from __future__ import annotations

import io
from typing import Any

from .collection import Collection
from .report import Org
from .roster import skipped
from .states import ERRORS, FIXED_TIME, MISSING, PASSED, STATE_ZH, WARNINGS
from .summing import who
from .workbook_print import NORMAL_FONT, page_setup
from .workbook_styles import wrapped_lines

COLUMNS = ("序号", "单位代码", "单位名称", "单位类型", "状态", "错误", "警告", "提示", "文件",
           "收到时间", "说明")
FILL = {PASSED: "#C6EFCE", WARNINGS: "#FFEB9C", ERRORS: "#FFC7CE", MISSING: "#F8CBAD"}
# narrow enough that 说明 is on screen when the board opens (about 150 characters at 100 %)
WIDTHS = (5, 11, 22, 9, 9, 5, 5, 5, 30, 16, 38)
ROSTER_ERROR, ROSTER_NOTE = "名册有误", "名册提示"
EMPTY_INBOX = "收件文件夹中没有任何文件。"
ROW_FILL = {ERRORS, MISSING}  # the rows a clerk must act on are tinted across
ORDER = (MISSING, ERRORS, WARNINGS, PASSED)


def body_rows(col: Collection, left_out: set[str]) -> list[dict[str, Any]]:
    rows = []
    for n, b in enumerate(col.bodies, 1):
        row: dict[str, Any] = dict.fromkeys(COLUMNS, "")
        row.update({"序号": n, "单位代码": b.org.code, "单位名称": b.org.name,
                    "单位类型": b.org.kind, "状态": b.status})
        if b.used is None and b.unreadable:
            e = b.unreadable[0]
            row.update({"错误": len(b.unreadable), "警告": 0, "提示": 0, "文件": e.rel, "收到时间": e.received,
                        "说明": unreadable_note(b)})
        elif b.used is None:
            row["说明"] = "尚未提交，请催报"
        else:
            c = b.used.counts()
            row.update({"错误": c["error"], "警告": c["warning"], "提示": c["info"],
                        "文件": b.used.rel, "收到时间": b.used.received})
            row["说明"] = "；".join(_notes(b, left_out)) or "—"
        rows.append(row)
    return rows


def unreadable_note(b) -> str:
    """What the board says of a body whose files all cannot be read."""
    more = f"（共{len(b.unreadable)}个文件，均无法读取）" if len(b.unreadable) > 1 else ""
    return f"已收到文件但无法读取：{b.unreadable[0].note}{more}。请该单位按反馈文件处理；未计入汇总"


def _notes(b, left_out) -> list[str]:
    notes = []
    if b.status == ERRORS:
        notes.append("请按反馈改正后重新提交")
    elif b.status == WARNINGS:
        notes.append("请核实反馈中的警告")
    if b.org.code in left_out:
        notes.append("未计入汇总")
    if b.used.report and any(f.code == "COLLECT_BY_COVER" for f in b.used.report.findings):
        notes.append("用空白模板填写，按封面单位名称对应")
    if b.others:
        notes.append(f"另有{len(b.others)}个较早或重复的文件未采用")
    if b.unreadable:
        notes.append(f"另有{len(b.unreadable)}个文件无法读取")
    return notes


def roster_rows(col: Collection) -> list[dict]:
    """The roster's bad rows (skipped) and its warnings."""
    rows = []
    for f in col.roster_findings:
        row: dict[str, Any] = dict.fromkeys(COLUMNS, "")
        error = f.severity == "error"
        row.update({"状态": ROSTER_ERROR if error else ROSTER_NOTE, "文件": f.file or "",
                    "说明": f.message() + (skipped(f) if error else "")})
        rows.append(row)
    return rows


def file_rows(col: Collection) -> list[dict]:
    rows = []
    roster = {b.org.code: b.org for b in col.bodies}
    for e in col.unlisted:
        org = e.report.org if e.report is not None else roster.get(e.code or "") or Org()
        row: dict[str, Any] = dict.fromkeys(COLUMNS, "")
        row.update({"单位代码": org.code, "单位名称": org.name,
                    "状态": STATE_ZH[e.state], "文件": e.rel, "收到时间": e.received,
                    "说明": e.note})
        if e.report is not None:
            c = e.counts()
            row.update({"错误": c["error"], "警告": c["warning"], "提示": c["info"]})
        rows.append(row)
    return rows


def left_out_codes(col: Collection) -> set[str]:
    members = {m.code for m in col.summary.members or ()}
    return {b.org.code for b in col.bodies if b.used is not None and b.org.code not in members}


def headline(col: Collection) -> list[str]:
    """Two or three sentences a clerk reads first."""
    by = {s: [b for b in col.bodies if b.status == s] for s in ORDER}
    sent = len(col.bodies) - len(by[MISSING])
    lines = [EMPTY_INBOX] if not col.entries else []
    other = col.wrong_year()
    if other:
        lines.append(other)
    lines += [f"{col.year}年度：名册共{len(col.bodies)}个单位，已提交{sent}个"
             f"（已通过{len(by[PASSED])}个，仅有警告{len(by[WARNINGS])}个，有错误{len(by[ERRORS])}个），"
             f"未提交{len(by[MISSING])}个。"]
    if by[MISSING]:
        lines.append("未提交：" + "、".join(who(b.org) for b in by[MISSING]) + "。")
    if by[ERRORS]:
        lines.append("有错误待改正：" + "、".join(who(b.org) for b in by[ERRORS]) + "。")
    bad = [f for f in col.roster_findings if f.severity == "error"]
    if bad:
        numbers = {int(f.params[k]) for f in bad for k in ("row", "first") if f.params.get(k) is not None}
        rows = "、".join(f"第{n}行" for n in sorted(numbers))
        lines.append(f"名册有{len(bad)}处错误，相关行已跳过（{rows or '见表中“名册有误”'}），请改正名册后重新运行。")
    members = len(col.summary.members or ())
    out = left_out_codes(col)
    lines.append(f"汇总计入{members}个单位" + (f"，未计入{len(out)}个（有错误或数据缺失）" if out else "") + "。")
    return lines


def board_text(col: Collection) -> str:
    """The board as printed on the terminal."""
    lines = headline(col) + [""]
    for r in body_rows(col, left_out_codes(col)):
        counts = f"错误{r['错误']} 警告{r['警告']}" if r["文件"] else ""
        lines.append("  ".join(str(x) for x in (f"{r['序号']:>3}", r["状态"], r["单位代码"], r["单位名称"],
                                                counts, r["文件"], r["说明"]) if x not in ("", "—")))
    bad = roster_rows(col)
    if bad:
        lines += ["", "名册问题："] + [f"  {r['状态']}  {r['文件']}  {r['说明']}" for r in bad]
    others = file_rows(col)
    if others:
        lines += ["", "其他文件："]
        for r in others:
            lines.append(f"  {r['状态']}  {r['文件']}  {r['说明']}")
    return "\n".join(lines) + "\n"


def _row(ws, i: int, r: dict, style) -> None:
    """One board row, tall enough for its longest wrapped cell."""
    ws.write_row(i, 0, [r[c] for c in COLUMNS], style)
    n = max(wrapped_lines(r[c], w, 1.15) for c, w in zip(COLUMNS, WIDTHS))
    if n > 1:
        ws.set_row(i, 15 * n + 3)


def status_csv(col: Collection) -> bytes:
    from .export import csv_bytes

    rows = body_rows(col, left_out_codes(col)) + roster_rows(col) + file_rows(col)
    return csv_bytes(COLUMNS, [[r[c] for c in COLUMNS] for r in rows])


def status_xlsx(col: Collection) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "default_format_properties": dict(NORMAL_FONT)})
    wb.set_properties({"title": f"{col.year}年度年报收集情况", "created": FIXED_TIME})
    ws = wb.add_worksheet("收集情况")
    base = {"font_name": "宋体", "font_size": 11, "valign": "vcenter", "text_wrap": True, "border": 1}
    title = wb.add_format({"font_name": "宋体", "bold": True, "font_size": 16})
    section = wb.add_format({"font_name": "宋体", "bold": True, "font_size": 13, "valign": "bottom"})
    text = wb.add_format({"font_name": "宋体", "font_size": 12, "bold": True})
    alert = wb.add_format({"font_name": "宋体", "font_size": 12, "bold": True, "font_color": "#C00000"})
    head = wb.add_format({**base, "bold": True, "bg_color": "#DDEBF7", "align": "center"})
    fills = {s: wb.add_format({**base, "bg_color": c, "bold": True, "align": "center"})
             for s, c in FILL.items()}
    tints = {s: wb.add_format({**base, "bg_color": FILL[s]}) for s in ROW_FILL}
    plain = wb.add_format(base)
    for i, w in enumerate(WIDTHS):
        ws.set_column(i, i, w)
    ws.merge_range(0, 0, 0, len(COLUMNS) - 1, f"{col.year}年度政府信息公开工作年度报告收集情况", title)
    ws.set_row(0, 26)
    lines = headline(col)
    for i, line in enumerate(lines, 1):
        ws.merge_range(i, 0, i, len(COLUMNS) - 1, line, alert if line.startswith(("未提交", "有错误", "名册有", "收件文件夹")) else text)
        ws.set_row(i, 18 * wrapped_lines(line, sum(WIDTHS), 1.15) + 2)
    top = len(lines) + 2
    ws.write_row(top, 0, COLUMNS, head)
    rows = body_rows(col, left_out_codes(col))
    for i, r in enumerate(rows, top + 1):
        _row(ws, i, r, tints.get(r["状态"], plain))
        ws.write(i, 4, r["状态"], fills[r["状态"]])
    ws.autofilter(top, 0, top + len(rows), len(COLUMNS) - 1)
    ws.freeze_panes(top + 1, 3)
    at = top + len(rows) + 2
    for heading, extra in (("名册中有问题的行（已跳过，请改正名册）", roster_rows(col)),
                           ("其他文件（未采用、未对应名册、其他年度、无法读取或已忽略）", file_rows(col))):
        if not extra:
            continue
        ws.merge_range(at, 0, at, len(COLUMNS) - 1, heading, section)
        ws.set_row(at, 24)  # the heading's font is larger than the default row
        ws.write_row(at + 1, 0, COLUMNS, head)
        for i, r in enumerate(extra, at + 2):
            _row(ws, i, r, plain)
        at += len(extra) + 3
    page_setup(ws, WIDTHS, landscape=True, repeat_rows=(top, top))
    wb.close()
    return buf.getvalue()
