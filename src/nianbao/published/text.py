"""Plain text and Markdown of a published report → lines.

Text as a web page copies, as ``pdftotext -layout`` writes it, or as an archive stores a page's
text: one paragraph a line or a whole page on one line; table cells separated by tabs, by ``|``,
by runs of spaces, or by nothing at all (:mod:`.segment` cuts run-together text at the
labels), or one cell a line (with or without ``|`` borders on lines of their own, or after each
cell: ``0 |``; :mod:`.tables` completes such a row from the value lines after its label). Page furniture of printed text — form feeds and page numbers such as ``-3-`` or
``第 3 页`` — is dropped. Every line keeps its number (``where = {"line": n}``).
"""

from __future__ import annotations

import re

from .lines import Line

# "-3-", "— 3 —", "第 3 页", "第3页 共5页", "3 / 5": a page number standing alone on its line
_PAGE_NUMBER = re.compile(r"^\s*(?:[-—–]\s*\d{1,3}\s*[-—–]|第\s*\d{1,3}\s*页(?:\s*[,，]?\s*共\s*\d{1,3}\s*页)?"
                          r"|\d{1,3}\s*/\s*\d{1,3})\s*$")


# "|", "||", "|||": a converter that writes a table one cell a line puts its cell borders (or
# the cells a merged cell covers) on lines of their own; they hold no text, and whether one is
# an empty cell cannot be told, so a row with a blank cell comes out short and is not read
_BORDER = re.compile(r"^[\s|]*\|[\s|]*$")


def is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(text))


def text_lines(text: str) -> list[Line]:
    out = []
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").split("\n")
    for n, raw in enumerate(raw_lines, 1):
        if not raw.strip() or is_page_number(raw) or _BORDER.match(raw):
            continue
        where = {"line": n}
        if "\t" in raw:
            cells = raw.split("\t")
            out.append(Line(" ".join(c.strip() for c in cells if c.strip()), cells, where=where))
        elif "|" in raw and "。" not in raw and (raw.count("|") >= 2 or len(raw) < 80):
            # cells separated by "|" (a table copied through a converter), not a "|" in prose
            out.append(Line(raw.strip(), raw.split("|"), where=where))
        else:
            out.append(Line(raw.strip(), None, where={**where, "offset": len(raw) - len(raw.lstrip())}))
    return out


_MD_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_MD_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")


def _md_cells(line: str) -> list[str]:
    cells, cur, i = [], "", 1
    while i < len(line):
        ch = line[i]
        if ch == "\\" and i + 1 < len(line):
            cur += line[i:i + 2]
            i += 2
            continue
        if ch == "|":
            cells.append(cur)
            cur = ""
        else:
            cur += ch
        i += 1
    if cur.strip():
        cells.append(cur)
    return [_MD_UNESCAPE.sub(r"\1", c).strip() for c in cells]


def markdown_lines(text: str) -> list[Line]:
    out = []
    for n, raw in enumerate(text.replace("\r\n", "\n").split("\n"), 1):
        s = raw.strip()
        if not s or _MD_RULE.match(s):
            continue
        if s.startswith("|"):
            cells = _md_cells(s)
            out.append(Line(" ".join(c for c in cells if c), cells, where={"line": n}))
            continue
        s = re.sub(r"^(#{1,6}\s+|>\s?)", "", s)
        out.append(Line(_MD_UNESCAPE.sub(r"\1", s).strip(), where={"line": n}))
    return [line for line in out if line.text or line.cells]


def looks_like_markdown(text: str) -> bool:
    """nianbao's own Markdown (or any): headings with ``#`` and pipe tables with a rule line."""
    return bool(re.search(r"^#{1,6}\s", text, re.M)) and bool(re.search(r"^\|?\s*:?-{3,}", text, re.M))
