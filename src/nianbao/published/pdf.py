"""A PDF report → lines, read from the PDF itself with pdfplumber (MIT, on pdfminer.six).

Tables are found from their ruling lines (``find_tables``); a row with at least two cells is a
table row: its cells in order, a cell covered by a merged one absent (as in HTML), so the table
reader works the same on both. Everything else on the page — paragraphs, headings, a table's
one-cell title rows, a table without ruling lines — is read as words laid out in lines; a
paragraph broken over lines is joined again (a new paragraph starts where a line is indented,
where the line before it ended short, or at a heading). Page numbers (``-3-``) are left out.
Tables split over pages need nothing special: their rows simply follow each other.

A PDF without a text layer (a scan) cannot be read: :class:`~.detect.NotAReport` says so.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata

from .detect import NotAReport
from .lines import Line
from .text import is_page_number

# Some PDF writers (Chromium with Noto CJK among them) map glyphs to the radical code points
# (⼀ U+2F00 for 一, ⻚ U+2EDA for 页) instead of the ideographs: read them as the ideographs.
# The Kangxi radicals have an NFKC mapping; the simplified forms of the supplement do not.
_RADICALS = dict(zip("⻅⻆⻈⻉⻋⻐⻓⻔⻙⻚⻛⻜⻠⻢⻥⻦⻧⻨⻩⻪⻬⻮⻰⻳⺠⺟⺮⻊⻣⻤",
                     "见角讠贝车钅长门韦页风飞饣马鱼鸟卤麦黄黾齐齿龙龟民母竹足食鬼"))


def ideographs(text: str) -> str:
    """Radical code points (U+2E80–U+2FDF) as the ideographs they stand for."""
    if not any("\u2e80" <= ch <= "\u2fdf" for ch in text):
        return text
    return "".join(_RADICALS.get(ch) or (unicodedata.normalize("NFKC", ch) if "\u2f00" <= ch <= "\u2fdf" else ch)
                   for ch in text)


MAX_PAGES = 200  # a report has a handful; a 1,000-page file would take minutes to read

_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]\s*[、.．]|[（(]\s*[一二三四五六七八九十]\s*[）)]|\d{1,2}\s*[、.．](?!\d))")
_CJK = re.compile(r"[\u2e80-\u9fff\uff00-\uffef“”‘’（）、，。；：]")


def pdf_lines(data: bytes) -> tuple[list[Line], str]:
    """Lines of a PDF and its document title (metadata)."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # its font warnings are not the user's
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except PDFPasswordIncorrect:
        raise NotAReport("这份 PDF 设有打开密码，无法读取") from None
    except (PDFSyntaxError, ValueError, TypeError, KeyError) as exc:
        raise NotAReport(f"这份 PDF 已损坏，无法读取（{type(exc).__name__}）") from None
    with pdf:
        if len(pdf.pages) > MAX_PAGES:
            raise NotAReport(f"这份 PDF 有{len(pdf.pages)}页，不像是一份年度报告（一般不超过{MAX_PAGES}页）")
        lines: list[Line] = []
        tables = 0
        for number, page in enumerate(pdf.pages, 1):
            page_lines, tables = _page(page, number, tables)
            lines += page_lines
        title = _title(pdf.metadata or {})
    if not any(line.text.strip() for line in lines):
        raise NotAReport("这份 PDF 没有文字层（可能是扫描的图片），无法读出其中的文字，需要人工录入")
    return lines, title


def _page(page, number: int, tables: int) -> tuple[list[Line], int]:
    rows = []  # (top, Line)
    boxes = []
    for table in page.find_tables():
        texts = table.extract()
        if not any(len([c for c in row.cells if c is not None]) >= 2 for row in table.rows):
            continue  # a frame around text, not a table: its words are read as text
        tables += 1  # "第N个表格" counts the tables a person sees
        for r, (row, cells) in enumerate(zip(table.rows, texts), 1):
            present = [c for c in cells if c is not None]
            if len([c for c in row.cells if c is not None]) < 2:
                continue  # a one-cell row (a title, a paragraph in a frame): read as text
            clean = [ideographs(" ".join(c.split())) for c in present]
            rows.append((row.bbox[1], Line(" ".join(c for c in clean if c), clean, exact=True,
                                           where={"page": number, "table": tables, "row": r})))
            boxes.append(row.bbox)
    words = [w for w in page.extract_words(keep_blank_chars=False, use_text_flow=False)
             if not any(_inside(w, b) for b in boxes)]
    for top, line in _text_lines(words, page, number):
        rows.append((top, line))
    rows.sort(key=lambda x: x[0])
    return [line for _, line in rows], tables


def _inside(word: dict, box) -> bool:
    x0, top, x1, bottom = box
    cx, cy = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
    return x0 <= cx <= x1 and top <= cy <= bottom


def _text_lines(words: list[dict], page, number: int):
    """Words → visual lines → paragraphs: [(top, Line)]."""
    visual = []  # [top, x0, x1, size, text]
    for group in _rows_of(words):
        group.sort(key=lambda w: w["x0"])
        first = group[0]
        v = [min(w["top"] for w in group), first["x0"], first["x1"],
             max(first["bottom"] - first["top"], 1.0), first["text"]]
        for w in group[1:]:
            gap = w["x0"] - v[2]
            v[4] += ("" if gap < 0.2 * v[3] else " " if gap < 2.5 * v[3] else "   ") + w["text"]
            v[2] = w["x1"]
        visual.append(v)
    visual = [v for v in visual if not is_page_number(v[4])]
    if not visual:
        return []
    left = min(v[1] for v in visual)
    right = max(v[2] for v in visual)
    out: list[tuple[float, list]] = []
    for v in visual:
        top, x0, x1, size, text = v
        if out:
            prev = out[-1][1]
            continues = (x0 <= left + 1.2 * size and prev[2] >= right - 2.5 * size
                         and not _HEADING.match(text) and top - prev[0] < 3 * size)
            if continues:
                joiner = "" if _CJK.search(prev[4][-1:]) or _CJK.search(text[:1]) else " "
                prev[4] += joiner + text
                prev[0], prev[2] = top, x1
                continue
        out.append((top, [top, x0, x1, size, text]))
    return [(top, Line(ideographs(v[4].strip()), where={"page": number, "line": i}))
            for i, (top, v) in enumerate(out, 1)]


def _rows_of(words: list[dict]) -> list[list[dict]]:
    """Words in visual lines: a word joins the line whose vertical middle it overlaps (digits
    in another font sit a little higher or lower than the characters around them)."""
    rows: list[list[dict]] = []
    for w in sorted(words, key=lambda w: w["top"]):
        mid = (w["top"] + w["bottom"]) / 2
        if rows:
            top = min(x["top"] for x in rows[-1])
            bottom = max(x["bottom"] for x in rows[-1])
            if top <= mid <= bottom:
                rows[-1].append(w)
                continue
        rows.append([w])
    return rows


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
