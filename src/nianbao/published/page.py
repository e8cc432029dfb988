"""HTML of a published report (a CMS page as saved from the browser, nianbao's own page) → lines.

Stdlib ``html.parser``, tolerant of what CMS editors write (UEditor/TRS/Word-exported tables,
unclosed tags, ``&nbsp;`` padding, ``<br>`` inside labels). Table rows become ``exact`` lines:
the row's real cells in order, a cell merged from above (``rowspan``) or from the left
(``colspan``) simply absent — the table reader matches labels by their text, so it needs no
grid. A layout table holding the content (or a data table nested in one) is looked through;
a cell holding paragraphs is paragraphs. ``<head>``, scripts, styles, ``<nav>`` and
``<footer>`` are page chrome and left out.
"""

from __future__ import annotations

from html.parser import HTMLParser

from .lines import Line

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
        self.count = 0  # tables seen, for the place of a row ("第2个表格第5行")

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
            self.count += 1
            self.tables.append({"row": None, "cell": None, "n": self.count, "rows": 0})
        elif tag == "tr" and self.tables:
            self.tables[-1]["row"] = []
            self.tables[-1]["rows"] += 1
        elif tag in ("td", "th") and self.tables:
            if self.tables[-1]["row"] is None:
                self.tables[-1]["row"] = []
                self.tables[-1]["rows"] += 1
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
        self.lines.append(Line(" ".join(c for c in cells if c), cells, exact=True,
                               where={"table": t["n"], "row": t["rows"]}))

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
