"""A published report as lines: plain text, Markdown or HTML, all into one shape.

The parser (:mod:`nianbao.published`) reads a list of :class:`Line`: the text of a paragraph
or heading, or a table row with its cells. A web page copied as text gives tab-separated cells
(merged areas as empty cells, or dropped), sometimes space-separated ones; HTML gives real
rows (``exact`` cells: what the row holds, merged areas absent); nianbao's own Markdown gives
pipe rows. Labels are compared after :func:`norm` (NFKC folds ``（）`` to ``()``, whitespace —
line breaks inside labels too — is removed).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser

from .values import PLACEHOLDERS


@dataclass
class Line:
    text: str
    cells: list[str] | None = None  # a table row's cells (None: tokens of ``text``)
    exact: bool = False  # cells are the row's real cells (HTML), not a padded grid line


def norm(s: str | None) -> str:
    """A label for comparison: NFKC, no whitespace, no trailing colon or full stop."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s or "")).rstrip(":。.")


_VALUE = re.compile(r"^[+-]?(?:\d[\d,]*)?(?:\.\d+)?(?:件|个|条|份|起|次|项|万元|元)?$")
_PLACEHOLDERS = {unicodedata.normalize("NFKC", p) for p in PLACEHOLDERS}


def is_value(cell: str) -> bool:
    """Whether a cell holds a number (or a placeholder where a number belongs)."""
    t = unicodedata.normalize("NFKC", cell).strip()
    return bool(t) and (bool(_VALUE.match(t)) and any(ch.isdigit() for ch in t) or t in _PLACEHOLDERS)


@dataclass
class RowParts:
    labels: list[str]
    values: list[str]  # value cells after the last label ("" = an empty cell)
    positional: bool  # empty cells are real (HTML / grid) rather than layout


def row_parts(line: Line) -> RowParts | None:
    """Split a line into label cells and value cells; None when it is prose, not a row."""
    if line.cells is None:
        if "。" in line.text:  # a sentence, not a row of a table
            return None
        tokens = line.text.split()
        values: list[str] = []
        while tokens and is_value(tokens[-1]):
            values.insert(0, tokens.pop())
        if any(is_value(t) for t in tokens):
            return None  # numbers inside prose
        return RowParts(tokens, values, False)
    cells = [c.strip() for c in line.cells]
    if not line.exact:
        while cells and not cells[-1]:
            cells.pop()
    last = max((i for i, c in enumerate(cells) if c and not is_value(c)), default=-1)
    labels = [c for c in cells[:last + 1] if c]
    return RowParts(labels, cells[last + 1:], line.exact)


def pick_values(parts: RowParts, n: int) -> list[str] | None:
    """The row's n value cells, or None when they cannot be told apart without guessing."""
    vals = parts.values
    if parts.positional:
        vals = list(vals)
        while len(vals) > n and not vals[-1]:
            vals.pop()
        return vals if len(vals) == n else None
    filled = [v for v in vals if v]
    if len(filled) == n:
        return filled
    if not filled:
        return [""] * n
    trimmed = list(vals)
    while trimmed and not trimmed[0]:
        trimmed.pop(0)
    return trimmed if len(trimmed) == n else None


# ---- sources -------------------------------------------------------------------------------

def text_lines(text: str) -> list[Line]:
    out = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if not raw.strip():
            continue
        if "\t" in raw:
            cells = raw.split("\t")
            out.append(Line(" ".join(c.strip() for c in cells if c.strip()), cells))
        else:  # cells may also be separated by "|" (a table copied through some converters)
            out.append(Line(raw.strip(), raw.split("|") if "|" in raw else None))
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
    for raw in text.replace("\r\n", "\n").split("\n"):
        s = raw.strip()
        if not s or _MD_RULE.match(s):
            continue
        if s.startswith("|"):
            cells = _md_cells(s)
            out.append(Line(" ".join(c for c in cells if c), cells))
            continue
        s = re.sub(r"^(#{1,6}\s+|>\s?)", "", s)
        out.append(Line(_MD_UNESCAPE.sub(r"\1", s).strip()))
    return [line for line in out if line.text or line.cells]


_BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "section", "article",
               "header", "blockquote", "pre", "ul", "ol", "dl", "dt", "dd", "caption",
               "hr", "br", "main", "aside", "figure", "figcaption", "center"}
_SKIP_TAGS = {"script", "style", "template", "noscript", "head", "nav", "footer"}  # page chrome


class _Lines(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: list[Line] = []
        self.head_title = ""
        self.buf: list[str] = []
        self.skip = 0
        self.in_title = False
        self.tables: list[dict] = []  # stack: {"row": [...] | None, "cell": [...] | None}

    def _flush(self):
        text = "".join(self.buf).strip()
        self.buf = []
        if text:
            for part in text.split("\n"):
                if part.strip():
                    self.lines.append(Line(" ".join(part.split())))

    def _cell(self):
        return self.tables[-1]["cell"] if self.tables else None

    def handle_starttag(self, tag, attrs):
        if tag == "title":
            self.in_title = True
        if tag in _SKIP_TAGS:
            self.skip += 1
            return
        if tag == "table":
            if self._cell() is not None:  # a layout table holding the content
                self.tables[-1]["container"] = True
            self._flush_cell_text()
            self.tables.append({"row": None, "cell": None})
        elif tag == "tr" and self.tables:
            self.tables[-1]["row"] = []
        elif tag in ("td", "th") and self.tables:
            if self.tables[-1]["row"] is None:
                self.tables[-1]["row"] = []
            self.tables[-1]["cell"] = []
        elif tag in _BLOCK_TAGS:
            if self._cell() is not None:
                self._cell().append("\n")
            else:
                self._flush()

    def _flush_cell_text(self):
        cell = self._cell()
        if cell is not None:
            self.buf.append("".join(cell))
            self.tables[-1]["cell"] = []
        self._flush()

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        if tag in _SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
            return
        t = self.tables[-1] if self.tables else None
        if tag in ("td", "th") and t and t["cell"] is not None:
            t["row"].append("".join(t["cell"]))
            t["cell"] = None
        elif tag == "tr" and t and t["row"] is not None:
            self._row(t)
        elif tag == "table" and t:
            if t["row"]:
                self._row(t)
            self.tables.pop()
        elif tag in _BLOCK_TAGS and self._cell() is not None:
            self._cell().append("\n")
        elif tag in _BLOCK_TAGS:
            self._flush()

    def _row(self, t):
        row, t["row"] = t["row"], None
        if t.pop("container", False):  # paragraphs after the last nested table
            self._flush_cell_text()
            self.buf.append("\n".join(row))
            self._flush()
            return
        filled = [c for c in row if c.strip()]
        if len(filled) == 1 and "\n" in filled[0].strip():  # a cell holding paragraphs
            self.buf.append(filled[0] + "\n")
            self._flush()
            return
        cells = [" ".join(c.split()) for c in row]
        self.lines.append(Line(" ".join(c for c in cells if c), cells, exact=True))

    def handle_data(self, data):
        if self.in_title:
            self.head_title += data
            return
        if self.skip:
            return
        cell = self._cell()
        if cell is not None:
            cell.append(data)
        else:
            self.buf.append(data.replace("\n", " "))

    def close(self):
        super().close()
        while self.tables:
            t = self.tables.pop()
            if t["row"]:
                self.tables.append(t)
                self._row(t)
                self.tables.pop()
        self._flush()


def html_lines(html: str) -> tuple[list[Line], str]:
    """Lines of an HTML page, and the text of its ``<title>``."""
    p = _Lines()
    p.feed(html)
    p.close()
    return p.lines, " ".join(p.head_title.split())
