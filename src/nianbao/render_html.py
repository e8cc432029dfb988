"""The report as one self-contained HTML page: A4 print CSS inside, no external assets.

Tables keep the official merged cells as ``rowspan``/``colspan``; every text is escaped. The
markup is plain (h1/h2/h3, p, table) so that it survives pasting into a government site's CMS;
classes and ``data-id`` attributes only help styling and tests.
"""

from __future__ import annotations

from html import escape

from .document import Block, Grid

CSS = """
@page { size: A4; margin: 20mm 18mm; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0 auto; max-width: 174mm; padding: 8mm 0; color: #000; background: #fff;
  font-family: "Noto Serif CJK SC", "Source Han Serif SC", "SimSun", "Songti SC", serif;
  font-size: 12pt; line-height: 1.75; }
h1 { font-size: 18pt; text-align: center; margin: 0 0 1.2em; line-height: 1.4; }
h2 { font-size: 14pt; margin: 1.2em 0 0.4em; page-break-after: avoid; break-after: avoid; }
h3 { font-size: 12pt; margin: 0.8em 0 0.3em; page-break-after: avoid; break-after: avoid; }
p { margin: 0 0 0.4em; text-indent: 2em; text-align: justify; }
p.note { text-indent: 0; font-size: 10.5pt; color: #333; }
table { border-collapse: collapse; width: 100%; margin: 0.4em 0 1em; font-size: 9pt;
  line-height: 1.35; table-layout: fixed; page-break-inside: auto; }
thead { display: table-header-group; }  /* printed again at the top of every page */
tr { page-break-inside: avoid; break-inside: avoid; }
th, td { border: 1px solid #000; padding: 2px 4px; vertical-align: middle; }
th { font-weight: normal; text-align: center; }
th.label { text-align: left; }
td.num { text-align: center; white-space: nowrap; }
@media print { body { max-width: none; padding: 0; } }
"""


def _cell(cell) -> str:
    span = (f' rowspan="{cell.rows}"' if cell.rows > 1 else "") + (
        f' colspan="{cell.cols}"' if cell.cols > 1 else "")
    if cell.role == "value":
        return f'<td class="num"{span} data-id="{escape(cell.id)}">{escape(cell.text)}</td>'
    if cell.role == "empty":
        return f"<td{span}></td>"
    return f'<th class="{cell.role}"{span}>{escape(cell.text)}</th>'


def head_rows(grid: Grid) -> int:
    """How many rows at the top are the table's column headers, to repeat on every printed page
    (``<thead>``): the rows before the first row of values -- unless header rows come again
    further down (table 二's blocks each have their own), where repeating the first would
    mislabel the rest (0)."""
    has_value = [any(cell.role == "value" for _, cell in row) for row in grid.rows]
    n = has_value.index(True) if True in has_value else 0
    return n if all(has_value[n:]) else 0


def table_html(grid: Grid) -> str:
    rows = ["<tr>" + "".join(_cell(cell) for _, cell in row) + "</tr>" for row in grid.rows]
    total = sum(grid.widths) or 1
    cols = "".join(f'<col style="width:{w * 100 / total:.1f}%">' for w in grid.widths)
    n = head_rows(grid)
    head = "<thead>\n" + "\n".join(rows[:n]) + "\n</thead>\n" if n else ""
    return (f'<table class="{grid.table}" data-table="{grid.table}">\n<colgroup>{cols}</colgroup>\n'
            f"{head}<tbody>\n" + "\n".join(rows[n:]) + "\n</tbody>\n</table>")


def _block(b: Block) -> str:
    if b.kind == "title":
        return f"<h1>{escape(b.text)}</h1>"
    if b.kind == "heading":
        return f"<h{b.level}>{escape(b.text)}</h{b.level}>"
    if b.kind == "table" and b.grid is not None:
        return table_html(b.grid)
    if b.kind == "note":
        return f'<p class="note">{escape(b.text)}</p>'
    return f'<p data-id="{escape(b.id or "")}">{escape(b.text)}</p>'


def to_html(blocks: list[Block], lang: str = "zh-CN") -> str:
    title = next((b.text for b in blocks if b.kind == "title"), "")
    body = "\n".join(_block(b) for b in blocks)
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta name="generator" content="nianbao">\n'
            f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            f'<article class="nianbao-report">\n{body}\n</article>\n</body>\n</html>\n')
