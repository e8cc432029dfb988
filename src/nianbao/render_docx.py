"""The report as a Word document (python-docx): A4, the tables with real merged cells."""

from __future__ import annotations

import io

from .document import Block, Grid

_FONT = "宋体"


def _east_asian(run_or_style, name: str = _FONT) -> None:
    """Set the East Asian font (python-docx only sets the Latin one)."""
    from docx.oxml.ns import qn

    rpr = run_or_style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def _table(doc, grid: Grid) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    table = doc.add_table(rows=len(grid.rows), cols=grid.width)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    total = sum(grid.widths) or 1
    cells = [row.cells for row in table.rows]  # once: table.cell() rebuilds the grid per call
    for r, row in enumerate(grid.rows):
        for c, w in enumerate(grid.widths):  # the workbook's proportions of the 174 mm text width
            cells[r][c].width = Mm(174 * w / total)
        for c, cell in row:  # text first, merge after: a merge keeps the top-left cell's text
            para = cells[r][c].paragraphs[0]
            run = para.add_run(cell.text)
            run.font.size = Pt(8 if grid.width > 7 else 9)
            if cell.role in ("value", "header", "corner"):
                para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for r, row in enumerate(grid.rows):
        for c, cell in row:
            if cell.rows > 1 or cell.cols > 1:
                cells[r][c].merge(cells[r + cell.rows - 1][c + cell.cols - 1])


def to_docx(blocks: list[Block]) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(18)
    section.top_margin = section.bottom_margin = Mm(20)
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3"):
        _east_asian(doc.styles[name])
    doc.styles["Normal"].font.size = Pt(12)
    for b in blocks:
        if b.kind == "title":
            p = doc.add_heading(b.text, level=0)
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif b.kind == "heading":
            doc.add_heading(b.text, level=b.level - 1)
        elif b.kind == "table" and b.grid is not None:
            _table(doc, b.grid)
        else:
            p = doc.add_paragraph(b.text)
            if b.kind == "para":
                p.paragraph_format.first_line_indent = Pt(24)
    buf = io.BytesIO()
    doc.core_properties.title = next((b.text for b in blocks if b.kind == "title"), "")
    doc.save(buf)
    return buf.getvalue()
