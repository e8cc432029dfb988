"""A PDF report → lines, read from the PDF itself with pdfplumber (MIT, on pdfminer.six).

Each page is first made upright (:mod:`.pdfsheet`: turned pages, words by the page's own
letter spacing). Tables are found from their ruling lines, drawn or implied (pdfplumber's
table finder); a row with at least two cells is a table row: its cells in order, a cell covered
by a merged one absent (as in HTML), so the table reader works the same on both. A row at the
foot or the head of a page ``wraps``: its label may go on across the page break. Everything
else — paragraphs, headings, a table's one-cell title rows, tables without rules — is read as
words laid out in lines (:mod:`.pdfwords`): rows of numbers placed on their columns by
position, prose joined back into paragraphs. Page numbers (``-3-``) are left out. Tables
split over pages need nothing more: their rows simply follow each other, a repeated header is
read as a header again.

Radical and compatibility code points that some writers put in the text layer for ideographs
(``⼀`` U+2F00, ``⻚`` U+2EDA, ``﨑``-like U+F900…) are read as the ideographs. A PDF without a
text layer (a scan) cannot be read: :class:`~.detect.NotAReport` says so, and that it needs OCR.
"""

from __future__ import annotations

import io
import logging
import struct
import unicodedata
import zlib

from .detect import NotAReport
from .lines import Line, is_value
from .pdfsheet import Sheet, cell_text, framed, in_box, letter_spacing, ruled_tables, sheet_of, visual_lines
from .pdfwords import word_lines

# Some PDF writers (Chromium with Noto CJK among them) map glyphs to the radical code points
# (⼀ U+2F00 for 一, ⻚ U+2EDA for 页) instead of the ideographs: read them as the ideographs.
# The Kangxi radicals have an NFKC mapping; the simplified forms of the supplement do not.
_RADICALS = dict(zip("⻅⻆⻈⻉⻋⻐⻓⻔⻙⻚⻛⻜⻠⻢⻥⻦⻧⻨⻩⻪⻬⻮⻰⻳⺠⺟⺮⻊⻣⻤",
                     "见角讠贝车钅长门韦页风飞饣马鱼鸟卤麦黄黾齐齿龙龟民母竹足食鬼"))


def _odd(ch: str) -> bool:
    return "\u2e80" <= ch <= "\u2fdf" or "\uf900" <= ch <= "\ufaff" or "\U0002f800" <= ch <= "\U0002fa1f"


def ideographs(text: str) -> str:
    """Radical (U+2E80–U+2FDF) and compatibility ideograph (U+F900–U+FAFF, U+2F800–U+2FA1F)
    code points as the ideographs they stand for."""
    if not any(_odd(ch) for ch in text):
        return text
    return "".join(_RADICALS.get(ch) or (unicodedata.normalize("NFKC", ch) if _odd(ch) else ch) for ch in text)


NO_TEXT = "这份 PDF 没有文字层（是扫描或拍照得到的图片），读不出其中的文字；需要先做文字识别（OCR），或人工录入"
MAX_PAGES = 200  # a report has a handful; a 1,000-page file would take minutes to read

DAMAGED = "这份 PDF 已损坏或不完整（可能没有下载完整，或在传送中损坏），无法读取；请重新下载或向发布单位索取完整的文件"
LOCKED = "这份 PDF 设有打开密码，无法读取；请向发布单位索取不加密的文件"
NO_PAGES = "这份 PDF 没有任何页面，无法读取"


def pdf_lines(data: bytes) -> tuple[list[Line], str]:
    """Lines of a PDF and its document title (metadata). A damaged PDF — cut short, garbage
    after ``%PDF-``, a broken object found only when a page is read — and one locked by a
    password are :class:`~.detect.NotAReport` saying so in Chinese, wherever pdfminer finds out."""
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfexceptions import PDFException
    from pdfminer.psexceptions import PSException
    from pdfplumber.utils.exceptions import PdfminerException

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # its font warnings are not the user's
    try:
        return _read(data)
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args else None
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise NotAReport(LOCKED) from None
        raise NotAReport(DAMAGED) from None
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise NotAReport(LOCKED) from None
    except (PDFException, PSException, EOFError, zlib.error, struct.error):
        raise NotAReport(DAMAGED) from None
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, AssertionError) as exc:
        if not _raised_by_the_pdf_library(exc):
            raise  # a fault of nianbao's own: not to be passed off as the file's
        raise NotAReport(DAMAGED) from None


def _raised_by_the_pdf_library(exc: BaseException) -> bool:
    """Whether the error came from inside pdfminer/pdfplumber (a damaged object reaching code
    that assumed a well-formed one), not from nianbao's code."""
    tb = exc.__traceback__
    last = None
    while tb is not None:
        last, tb = tb.tb_frame.f_code.co_filename, tb.tb_next
    return last is not None and any(f"{sep}{lib}{sep}" in last for lib in ("pdfminer", "pdfplumber")
                                    for sep in ("/", "\\"))


def _read(data: bytes) -> tuple[list[Line], str]:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        if not pdf.pages:
            raise NotAReport(NO_PAGES)
        if len(pdf.pages) > MAX_PAGES:
            raise NotAReport(f"这份 PDF 有{len(pdf.pages)}页，不像是一份年度报告（一般不超过{MAX_PAGES}页）")
        lines: list[Line] = []
        for number, page in enumerate(pdf.pages, 1):
            lines += _page(sheet_of(page, number, ideographs))
        title = _title(pdf.metadata or {})
    if not any(line.text.strip() for line in lines):
        raise NotAReport(NO_TEXT)
    return lines, title


def _multi(row) -> bool:
    return len([c for c in row.cells if c is not None]) >= 2


def visible_tables(sheet: Sheet, table) -> list[list]:
    """The tables a person sees in one table of the finder: the finder may join a frame's lines
    of text (white boxes around each line) and tables one under another into one grid. A row
    belongs to a visible table when it has cells, or a drawn rule runs down its side; each run
    of such rows holding a row with cells is one table, its rows counted from 1 as on the page."""
    out: list[list] = []
    run: list = []
    for row in table.rows + [None]:
        if row is not None and (_multi(row) or framed(sheet, table.bbox, row.bbox)):
            run.append(row)
            continue
        if any(_multi(r) for r in run):
            out.append(run)
        run = []
    return out


def _page(sheet: Sheet) -> list[Line]:
    """The lines of a page; a table row's place is ``第N个表格第M行`` counting the tables a
    person sees on the page and the rows within that table (:func:`visible_tables`)."""
    spacing = letter_spacing(visual_lines(sheet.chars))
    rows: list[tuple[float, Line]] = []
    boxes = []
    tables = 0
    for table in (t for found in ruled_tables(sheet) for t in visible_tables(sheet, found)):
        tables += 1
        for r, row in enumerate(table, 1):
            present = [c for c in row.cells if c is not None]
            if len(present) < 2:
                continue  # a one-cell row (a title, a paragraph in a frame): read as text
            inside = [c for c in sheet.chars if in_box(c, row.bbox)]
            chars = [[c for c in inside if in_box(c, box)] for box in present]
            clean = [cell_text(cs, spacing) for cs in chars]
            line = Line(" ".join(c for c in clean if c), clean, exact=True,
                        where={"page": sheet.number, "table": tables, "row": r})
            cut = next((i for i, (cs, box, t) in enumerate(zip(chars, present, clean))
                        if is_value(t) and _touches(cs, box)), None)
            if cut is not None:
                line.doubt = f"第{cut + 1}格的数字“{clean[cut]}”紧贴表格线，可能被截去了一部分"
            rows.append((row.bbox[1], line))
            boxes.append(row.bbox)
    rest = [c for c in sheet.chars if not any(in_box(c, b) for b in boxes)]
    rows += word_lines(rest, spacing, sheet.number)
    rows.sort(key=lambda x: x[0])
    lines = [line for _, line in rows]
    _mark_page_ends(lines)
    return lines


def _touches(chars: list[dict], box) -> bool:
    """Whether a cell's text reaches its left or right rule: text wider than its cell is cut
    off where the cell ends (a browser clips it), so the number shown may have lost digits."""
    return any(c["text"].strip() and (c["x0"] < box[0] + 0.5 or c["x1"] > box[2] - 0.5) for c in chars)


def _mark_page_ends(lines: list[Line]) -> None:
    """The first and the last table row of a page may be one row split by the page break."""
    cells = [line for line in lines if line.cells is not None and line.exact]
    if cells:
        cells[0].wraps = cells[-1].wraps = True


def _title(meta: dict) -> str:
    title = meta.get("Title") or ""
    if isinstance(title, bytes):
        title = _decode(title)
    elif title.startswith(("ÿþ", "þÿ")):  # UTF-16 read as Latin-1 by the metadata decoder
        title = _decode(title.encode("latin-1", errors="replace"))
    return " ".join(str(title).split())


def _decode(raw: bytes) -> str:
    for enc in ("utf-16", "utf-8", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return ""
