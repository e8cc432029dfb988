"""The publishable report: one document model, written as HTML, Markdown, plain text or .docx.

:func:`document` turns a report (spec §9) into a list of blocks — title, headings,
paragraphs, tables — from the format alone: sections and sub-headings from ``fmt.sections``,
the three tables from the workbook layout (:mod:`nianbao.layout`), whose places already carry
every official label and merged range, so the published tables have exactly the workbook's
(and the official form's) merged cells. The writers only lay the blocks out
(:mod:`nianbao.render_html`, :mod:`nianbao.render_docx`, and the text writers here).

Texts: each line of a text is a paragraph (blank lines are dropped). Section 六 holds two texts
(``s6.processing_fees`` first, then ``s6.other_matters``) under one heading; ``nianbao parse``
splits them again by what a paragraph talks about (see :mod:`nianbao.published`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .identity import SUMMARY_KIND
from .layout import layout_for
from .report import Report
from .spec import Format, ValueKind
from .values import json_value

TITLE_SUFFIX = "年政府信息公开工作年度报告"
# Under a text section of a summary: the figures are summed, the texts are not.
SUMMARY_TEXT_NOTE = "（汇总报告只汇总各表数据，本部分文字由汇总单位根据各单位的报告另行撰写。）"
_TABLE_ROLES = ("header", "corner", "label", "input", "total")


@dataclass
class Cell:
    text: str
    role: str  # header | corner | label | value | empty
    rows: int = 1
    cols: int = 1
    id: str | None = None  # the data point of a value cell


@dataclass
class Grid:
    """A table as rows of cells; a merged cell sits in its top-left row only (as in HTML)."""

    table: str
    width: int
    rows: list[list[tuple[int, Cell]]] = field(default_factory=list)  # (column, cell)
    widths: tuple[float, ...] = ()  # relative column widths (the workbook's)


@dataclass
class Block:
    kind: str  # title | note | heading | para | table
    text: str = ""
    level: int = 0
    grid: Grid | None = None
    id: str | None = None  # the text id a paragraph belongs to, the table id of a table


def title_of(report: Report) -> str:
    org = report.org.name
    if org == SUMMARY_KIND:  # a summary made before summaries had names: no "汇总2026年…"
        org = ""
    year = report.year
    return f"{org}{year if year else ''}{TITLE_SUFFIX}"


def paragraphs(text: str | None) -> list[str]:
    """The paragraphs of a text: its non-blank lines, runs of spaces made one (as HTML shows)."""
    return [" ".join(line.split()) for line in (text or "").splitlines() if line.strip()]


def normal_text(text: str | None) -> str:
    """A text as it survives publishing: paragraphs joined by line breaks."""
    return "\n".join(paragraphs(text))


def value_text(value, kind: ValueKind) -> str:
    """A value as printed: counts as digits, amounts exactly, missing as an empty cell."""
    v = json_value(value, kind)
    return "" if v is None else str(v)


def grid_of(fmt: Format, table_id: str, values: dict) -> Grid:
    """The table laid out from the workbook layout: labels, headers and values with spans."""
    table = fmt.table(table_id)
    sheet = layout_for(fmt.id).sheet(table.sheet)
    places = [p for p in sheet.places if p.role in _TABLE_ROLES]
    last = max(p.row for p in places if p.role in ("input", "total"))
    places = [p for p in places if p.row <= last]  # drop the workbook's check row
    top = min(p.row for p in places)
    width = max(p.col + p.cols for p in places)
    grid = Grid(table_id, width, [[] for _ in range(last - top + 1)], tuple(sheet.widths[:width]))
    for p in sorted(places, key=lambda p: (p.row, p.col)):
        if p.role in ("input", "total"):
            cell = Cell(value_text(values.get(p.id or ""), fmt.datapoints[p.id or ""].value_kind), "value",
                        p.rows, p.cols, p.id)
        else:
            cell = Cell(p.text or "", p.role, p.rows, p.cols)
        grid.rows[p.row - top].append((p.col, cell))
    _fill_holes(grid)
    return grid


def _fill_holes(grid: Grid) -> None:
    """Empty cells where no place covers the grid (2019 table 二 （八）: 2 columns of 3)."""
    covered = set()
    for r, row in enumerate(grid.rows):
        for c, cell in row:
            covered |= {(r + i, c + j) for i in range(cell.rows) for j in range(cell.cols)}
    for r, row in enumerate(grid.rows):
        row += [(c, Cell("", "empty")) for c in range(grid.width) if (r, c) not in covered]
        row.sort(key=lambda x: x[0])


def document(report: Report) -> list[Block]:
    """The report as blocks, in publishing order."""
    fmt = report.fmt
    values, texts = report.values, report.texts
    blocks = [Block("title", title_of(report))]
    note = summary_note(report)
    if note:
        blocks.append(Block("note", note))
    summary = report.org.kind == SUMMARY_KIND
    for s in fmt.sections:
        blocks.append(Block("heading", s.heading, 2))
        if s.table:
            blocks.append(Block("table", grid=grid_of(fmt, s.table, values), id=s.table))
        if summary and s.fields and not any(paragraphs(texts.get(f.id)) for f in s.fields):
            blocks.append(Block("note", SUMMARY_TEXT_NOTE))  # not bare sub-headings
            continue
        for f in s.fields:
            if f.heading:
                blocks.append(Block("heading", f.heading, 3))
            blocks += [Block("para", p, id=f.id) for p in paragraphs(texts.get(f.id))]
    return blocks


def summary_note(report: Report) -> str:
    """For a county summary: which reports it sums up."""
    if report.org.kind != SUMMARY_KIND:
        return ""
    members = [m.name or m.code for m in report.members or ()]
    if not members:
        return "注：本报告为汇总报告。"
    return f"注：本报告为汇总报告，汇总了以下{len(members)}个单位的年度报告：{'、'.join(members)}。"


# ---- plain text (as a web page copies) and Markdown ------------------------------------------

def grid_lines(grid: Grid) -> list[list[str]]:
    """Every row with one string per grid column; merged areas are empty strings."""
    out = []
    for row in grid.rows:
        line = [""] * grid.width
        for c, cell in row:
            line[c] = cell.text
        out.append(line)
    return out


def to_text(blocks: list[Block]) -> str:
    """The report as plain text: paragraphs between blank lines, table cells tab-separated."""
    out = []
    for b in blocks:
        if b.kind == "table" and b.grid is not None:
            out.append("\n".join("\t".join(_one_line(x) for x in line) for line in grid_lines(b.grid)))
        else:
            out.append(b.text)
    return "\n\n".join(out) + "\n"


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|&!~])")
_MD_LINE_START = re.compile(r"^\s*(?:[-+=]+|\d+[.)])(?=\s|$)")  # list item, setext rule


def md_escape(text: str) -> str:
    """Escape what Markdown would read as markup (CommonMark backslash escapes)."""
    text = _MD_SPECIAL.sub(r"\\\1", _one_line(text))
    m = _MD_LINE_START.match(text)
    if m:  # escape the character that makes it markup: "1\. ", "\- "
        i = m.end() - 1
        return text[:i] + "\\" + text[i:]
    return text


def to_markdown(blocks: list[Block]) -> str:
    """The report as Markdown; tables as pipe tables with merged areas left empty."""
    out = []
    for b in blocks:
        if b.kind == "title":
            out.append("# " + md_escape(b.text))
        elif b.kind == "heading":
            out.append("#" * b.level + " " + md_escape(b.text))
        elif b.kind == "table" and b.grid is not None:
            lines = grid_lines(b.grid)
            rows = ["| " + " | ".join(md_escape(x) for x in line) + " |" for line in lines]
            rows.insert(1, "|" + "---|" * b.grid.width)
            out.append("\n".join(rows))
        elif b.kind == "note":
            out.append("> " + md_escape(b.text))
        else:
            out.append(md_escape(b.text))
    return "\n\n".join(out) + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.split("\n"))


# ---- entry point ----------------------------------------------------------------------------

FORMATS = {".html": "html", ".htm": "html", ".md": "markdown", ".txt": "text", ".docx": "docx"}


def render(report: Report, kind: str) -> bytes:
    """The report rendered as ``html``, ``markdown``, ``text`` or ``docx`` (bytes to write)."""
    blocks = document(report)
    if kind == "html":
        from .render_html import to_html

        return to_html(blocks, lang="zh-CN").encode("utf-8")
    if kind == "markdown":
        return to_markdown(blocks).encode("utf-8")
    if kind == "text":
        return to_text(blocks).encode("utf-8")
    if kind == "docx":
        from .render_docx import to_docx

        return to_docx(blocks)
    raise ValueError(f"unknown output kind {kind!r}")


def kind_for(path: Path) -> str | None:
    return FORMATS.get(Path(path).suffix.lower())
