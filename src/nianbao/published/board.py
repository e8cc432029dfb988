"""The board of a folder of published reports (``nianbao parse DIR --board OUT/``).

Like collect's ``status.xlsx``: one row per file — body, year, format, form, how many numbers
were read, the rule breaks found (勾稽关系 R1–R4 inside the report, 跨年度 R7/R8… against the
same body's report of the year before, 正文与表格 R10/R12: text that contradicts the tables),
the counts by severity and a note a city office can send to the body; a file that could not
be read is a row saying why. A second sheet lists every error and warning with where to look
in the published page. The same rows as the first sheet are written as ``board.csv``.
"""

from __future__ import annotations

import io
import re

from ..findings import SEVERITY_ZH, Finding
from ..report import Report
from ..workbook_styles import FONT, HEADER_FILL, MARK_FAIL, MARK_PASS, MARK_WARN, MARKS, wrapped_lines
from .folder import BOARD_TITLE, Entry

FORM_ZH = {"html": "网页", "pdf": "PDF", "docx": "Word", "markdown": "Markdown", "text": "文字"}
COLUMNS = ("序号", "单位名称", "年度", "格式", "文件", "形式", "读出数字", "状态", "勾稽关系",
           "跨年度", "正文与表格", "错误", "警告", "提示", "说明")
WIDTHS = (5, 24, 6, 8, 28, 7, 9, 9, 8, 8, 9, 5, 5, 5, 60)
ISSUE_COLUMNS = ("单位名称", "年度", "文件", "严重程度", "规则", "说明", "原文位置")
ISSUE_WIDTHS = (24, 6, 28, 8, 6, 80, 24)
PASSED, WARNINGS, ERRORS, UNREADABLE = "无问题", "有警告", "有错误", "无法读取"
FILL = {PASSED: MARKS[MARK_PASS]["bg_color"], WARNINGS: MARKS[MARK_WARN]["bg_color"],
        ERRORS: MARKS[MARK_FAIL]["bg_color"], UNREADABLE: MARKS[MARK_FAIL]["bg_color"]}
WITHIN, TEXT = "within", "text"


def _rule_kinds(report: Report) -> dict[str, str]:
    """Which column of the board each rule counts in, from the rules' own data (not their ids
    or kinds): an identity between data points (its checks have a total and parts, or two
    sides) is 勾稽关系; a rule that reads texts and a table value is 正文与表格. Rules across years
    are found by running them with and without last year's report (:mod:`.folder`)."""
    out = {}
    for check in report.fmt.checks:
        roles, params = set(check.ids), check.rule.params
        if {"total", "parts"} <= roles or {"lhs", "rhs"} <= roles:
            out[check.rule.id] = WITHIN
        elif "texts" in params and ({"value", "patterns", "when"} & set(params)):
            out[check.rule.id] = TEXT
    return out


def format_label(format_id: str) -> str:
    """The format as a person names it: ``2021年格式``, ``2019年格式（试行）`` — the year of the
    notice that set it out (its full name is long), else its name; an unknown id as it is."""
    from ..spec import get_format

    try:
        fmt = get_format(format_id)
    except KeyError:
        return format_id
    m = re.search(r"〔((?:19|20)\d{2})〕", fmt.notice)
    if not m:
        return fmt.name
    return f"{m.group(1)}年格式" + ("（试行）" if "试行" in fmt.name else "")


def body_and_year(name: str, year) -> str:
    """``洪泽区人民政府 2023年``; what was not read said once, not as ``（年度未知）年``."""
    if name and year:
        return f"{name} {year}年"
    if name:
        return f"{name}（年度未读出）"
    if year:
        return f"{year}年（单位名称未读出）"
    return "（单位名称和年度均未读出）"


def status_of(entry: Entry) -> str:
    if entry.report is None:
        return UNREADABLE
    sev = {f.severity for f in entry.report.findings}
    return ERRORS if "error" in sev else WARNINGS if "warning" in sev else PASSED


def rows(entries: list[Entry]) -> list[dict]:
    out = []
    for n, e in enumerate(entries, 1):
        row = dict.fromkeys(COLUMNS, "")
        row.update({"序号": n, "文件": e.rel, "状态": status_of(e)})
        if e.report is None:
            row["说明"] = e.problem
            out.append(row)
            continue
        r = e.report
        kinds = _rule_kinds(r)
        findings = r.findings
        cross_keys = {(f.code, f.message()) for f in e.cross}
        within = [f for f in findings if kinds.get(f.rule or "") == WITHIN]
        cross = [f for f in findings if (f.code, f.message()) in cross_keys]
        text = [f for f in findings if kinds.get(f.rule or "") == TEXT]
        read = sum(1 for v in r.values.values() if v is not None)
        row.update({"单位名称": r.org.name or "（未读出）", "年度": r.year or "（未读出）", "格式": format_label(r.format),
                    "形式": FORM_ZH.get(r.source.get("form"), ""),
                    "读出数字": f"{read}/{len(r.values)}", "勾稽关系": len(within),
                    "跨年度": len(cross), "正文与表格": len(text),
                    **{SEVERITY_ZH[s]: sum(1 for f in findings if f.severity == s)
                       for s in ("error", "warning", "info")}})
        gaps = next((f.params.get("n") for f in findings if f.code == "RULE_INCOMPLETE"), None)
        row["说明"] = _note(within + cross + text, read, len(r.values), gaps if isinstance(gaps, int) else None)
        out.append(row)
    return out


def _r6_share(gaps: int | None, unread: int) -> str:
    """Why R6's count may be smaller: a total that cannot be worked out because a part is
    missing, and a cell whose own finding says why it is missing, are not counted by R6 again."""
    if gaps is None or gaps >= unread:
        return ""
    return f"（其中{gaps}个计入R6“未填写或无法读取”，另{unread - gaps}个是缺了组成项而无法得出的合计，或已在读取说明中说明）"


def _note(breaks: list[Finding], read: int, total: int, gaps: int | None = None) -> str:
    parts = [f"{f.rule}：{f.message()}" for f in breaks[:6]]
    if len(breaks) > 6:
        parts.append(f"另有{len(breaks) - 6}处，见“问题清单”")
    if read < total:
        parts.append(f"有{total - read}个数字未能读出{_r6_share(gaps, total - read)}，见“问题清单”")
    return "；".join(parts) or "—"


def issue_rows(entries: list[Entry]) -> list[dict]:
    out = []
    for e in entries:
        r = e.report
        if r is None:
            continue
        places = r.source.get("places") or {}
        for f in r.findings:
            if f.severity == "info":
                continue
            where = next((places[i]["where"] for i in f.datapoints if i in places), "") \
                or (f.params or {}).get("where", "")  # a cell left null says where it is itself
            out.append({"单位名称": r.org.name, "年度": r.year or "", "文件": e.rel,
                        "严重程度": SEVERITY_ZH[f.severity], "规则": f.rule or "",
                        "说明": f.message(), "原文位置": where})
    return out


def board_csv(entries: list[Entry]) -> bytes:
    from ..export import csv_bytes

    return csv_bytes(COLUMNS, [[r[c] for c in COLUMNS] for r in rows(entries)])


def board_xlsx(entries: list[Entry]) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    wb.set_properties({"title": BOARD_TITLE})
    base = {"font_name": FONT, "font_size": 11, "valign": "vcenter", "text_wrap": True, "border": 1}
    fmt = {"title": wb.add_format({"font_name": FONT, "bold": True, "font_size": 16}),
           "line": wb.add_format({"font_name": FONT, "font_size": 12, "bold": True}),
           "head": wb.add_format({**base, "bold": True, "bg_color": HEADER_FILL, "align": "center"}),
           "plain": wb.add_format(base)}
    fills = {s: wb.add_format({**base, "bg_color": c, "bold": True, "align": "center"}) for s, c in FILL.items()}
    board = rows(entries)
    ws = wb.add_worksheet("报告一览")
    _sheet(ws, fmt, COLUMNS, WIDTHS, board, "已发布的政府信息公开工作年度报告检查情况", headline(board))
    for i, r in enumerate(board):
        ws.write(i + 3 + len(headline(board)), COLUMNS.index("状态"), r["状态"], fills[r["状态"]])
    issues = issue_rows(entries)
    _sheet(wb.add_worksheet("问题清单"), fmt, ISSUE_COLUMNS, ISSUE_WIDTHS, issues,
           "问题清单（错误和警告，按报告）", [f"共{len(issues)}条；“原文位置”指出数字在原网页或原文件中的位置，便于核对。"])
    wb.close()
    return buf.getvalue()


def headline(board: list[dict]) -> list[str]:
    n = {s: sum(1 for r in board if r["状态"] == s) for s in (PASSED, WARNINGS, ERRORS, UNREADABLE)}
    return [f"共{len(board)}个文件：无问题{n[PASSED]}个，有警告{n[WARNINGS]}个，有错误{n[ERRORS]}个，"
            f"无法读取{n[UNREADABLE]}个。"]


def _sheet(ws, fmt, columns, widths, data, title, lines) -> None:
    for i, w in enumerate(widths):
        ws.set_column(i, i, w)
    ws.merge_range(0, 0, 0, len(columns) - 1, title, fmt["title"])
    ws.set_row(0, 26)
    for i, line in enumerate(lines, 1):
        ws.merge_range(i, 0, i, len(columns) - 1, line, fmt["line"])
    top = len(lines) + 2
    ws.write_row(top, 0, columns, fmt["head"])
    for i, r in enumerate(data, top + 1):
        ws.write_row(i, 0, [r[c] for c in columns], fmt["plain"])
        n = max(wrapped_lines(r[c], w, 1.15) for c, w in zip(columns, widths))
        if n > 1:
            ws.set_row(i, 15 * n + 3)
    if data:
        ws.autofilter(top, 0, top + len(data), len(columns) - 1)
    ws.freeze_panes(top + 1, 2)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(top)
