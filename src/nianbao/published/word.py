"""A Word ``.docx`` report → lines (python-docx).

The body is read in order: each paragraph a line, each table row an ``exact`` line of its
cells — a cell merged across columns (``gridSpan``) or down rows (``vMerge``) is one cell,
given once where it starts, as in HTML. A table inside a cell is read as the cell's text;
a one-cell table holding the text (a layout frame) is paragraphs.
"""

from __future__ import annotations

import io

from .detect import NotAReport
from .lines import Line


def docx_lines(data: bytes) -> tuple[list[Line], str]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise NotAReport(f"这份 Word 文件已损坏，无法读取（{type(exc).__name__}）") from None
    lines: list[Line] = []
    tables = 0
    for n, item in enumerate(document.iter_inner_content(), 1):
        if isinstance(item, Paragraph):
            if item.text.strip():
                lines.append(Line(item.text.strip(), where={"paragraph": n}))
        elif isinstance(item, Table):
            tables += 1
            lines += _table(item, tables)
    title = (document.core_properties.title or "").strip()
    return lines, title


def _table(table, number: int) -> list[Line]:
    out = []
    above: list = []  # the cell elements of the row above (kept alive: lxml proxies stay the same)
    for r, row in enumerate(table.rows, 1):
        mine: list = []
        for cell in row.cells:
            if not any(cell._tc is x for x in mine):
                mine.append(cell._tc)
        if len(mine) == 1:  # a one-cell row: a title or text in a frame
            for part in row.cells[0].paragraphs:
                if part.text.strip():
                    out.append(Line(part.text.strip(), where={"table": number, "row": r}))
            above = mine
            continue
        cells, done = [], []
        for cell in row.cells:
            if any(cell._tc is x for x in done) or any(cell._tc is x for x in above):
                continue  # merged: given where it starts
            done.append(cell._tc)
            cells.append(" ".join(cell.text.split()))
        above = mine
        out.append(Line(" ".join(c for c in cells if c), cells, exact=True,
                        where={"table": number, "row": r}))
    return out
