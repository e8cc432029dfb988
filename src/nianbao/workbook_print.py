"""How the workbooks nianbao writes come out on paper: one page set-up for all of them.

Every sheet prints on A4 with the same margins and page numbers. A sheet is fitted to the page
width only while its smallest text stays at least :data:`MIN_FONT_PT` on paper; a sheet wider
than that prints at the scale that keeps it there, across several pages, with its label
columns and header rows repeated on every page. Nobody reads 6 pt on paper, and nobody should
have to: a wide table on two legible pages beats one page of specks.

Widths are in characters of the Normal font. Every workbook sets its Normal font to Arial 10
(:data:`NORMAL_FONT`; Liberation Sans in LibreOffice, metric-compatible), whose digit is 7
pixels wide in Excel, WPS and LibreOffice alike, so the widths, and the scale worked out here,
mean the same in all three. (Calibri, xlsxwriter's default, is replaced by a wider font where
it is not installed, and a sheet laid out for it shrinks.)
"""

from __future__ import annotations

A4 = 9  # xlsxwriter's paper code
# The body text (11 pt in every workbook) never prints smaller than this; the few 10 pt notes,
# marks and corner labels keep their proportion (not below 8.2 pt).
MIN_FONT_PT = 9.0
NORMAL_FONT = {"font_name": "Arial", "font_size": 10}
MARGINS_IN = {"left": 0.4, "right": 0.4, "top": 0.6, "bottom": 0.6}
FOOTER = "&C第 &P 页，共 &N 页"
PAGE_PT = {False: (595.3, 841.9), True: (841.9, 595.3)}  # A4 (width, height), by landscape
HEADER_FOOTER_PT = 50  # what the footer line and its gaps take from the printable height
MAX_ROW_PT = 409  # the tallest row Excel keeps


# LibreOffice lays a column of Arial 10 characters out about 8 % wider than Excel's 7 px digit
# (Liberation Sans's digit is 5.56 pt; measured on its PDFs): widths are reckoned as it prints
# them, so what fits there fits in Excel too.
WIDE_ENGINE = 1.08
FIT_SLACK = 1.01  # the estimate is that close: table 三 fits at 82 % (9.0 pt) in LibreOffice


def column_pt(width: float) -> float:
    """Printed width (pt, at 100 %) of a column ``width`` characters wide (7 px a character and
    5 px of padding in Excel, times WIDE_ENGINE)."""
    px = int(width * 7 + 5 + 0.5) if width >= 1 else int(width * 12 + 0.5)
    return px * 0.75 * WIDE_ENGINE


def printable_pt(landscape: bool) -> tuple[float, float]:
    """Width and height (pt) inside the margins of an A4 page."""
    w, h = PAGE_PT[landscape]
    m = MARGINS_IN
    return w - 72 * (m["left"] + m["right"]), h - 72 * (m["top"] + m["bottom"]) - HEADER_FOOTER_PT


def fits_width(widths, landscape: bool, font_pt: float) -> bool:
    """Whether columns of these widths fit the page width with text of ``font_pt`` staying at
    least MIN_FONT_PT."""
    need = sum(column_pt(w) for w in widths)
    return need * MIN_FONT_PT / font_pt <= printable_pt(landscape)[0] * FIT_SLACK


def page_setup(ws, widths, *, font_pt: float = 11, landscape: bool | None = None,
               one_page: bool = False, repeat_rows: tuple[int, int] | None = None,
               repeat_cols: tuple[int, int] | None = None, area: tuple[int, int, int, int] | None = None):
    """A4, margins, page numbers and the scale of one sheet.

    ``widths``: the printed columns (characters); ``font_pt``: the smallest text in them;
    ``landscape`` None: when the columns do not fit a portrait page legibly. The sheet is
    fitted to the page width (and to one page with ``one_page``) when that keeps text at
    MIN_FONT_PT; else it prints at the scale that does, over several pages, with
    ``repeat_rows`` / ``repeat_cols`` (first, last; 0-based) on each. ``area``: the print area
    (first row, first col, last row, last col)."""
    if landscape is None:
        landscape = not fits_width(widths, False, font_pt)
    ws.set_paper(A4)
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_margins(**MARGINS_IN)
    ws.set_footer(FOOTER)
    ws.center_horizontally()
    if fits_width(widths, landscape, font_pt):
        ws.fit_to_pages(1, 1 if one_page else 0)
    else:
        ws.set_print_scale(int(100 * MIN_FONT_PT / font_pt + 0.999))
    if repeat_rows is not None:
        ws.repeat_rows(*repeat_rows)
    if repeat_cols is not None:
        ws.repeat_columns(*repeat_cols)
    if area is not None:
        ws.print_area(*area)
    return landscape


def one_page_fits(widths, heights, landscape: bool, font_pt: float) -> bool:
    """Whether a sheet of these column widths and row heights (pt) fits one page with its text
    at least MIN_FONT_PT (a table printed whole on one page when it can be read)."""
    w, h = printable_pt(landscape)
    scale = min(w / sum(column_pt(x) for x in widths), h / max(sum(heights), 1), 1)
    return scale * font_pt >= MIN_FONT_PT
