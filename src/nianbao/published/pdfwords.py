"""The words of a PDF page outside its ruled tables: paragraphs, and table rows without rules.

A visual line whose last words are numbers set apart from the words before them (a gap of at
least half the font size) is a **table row** without rules (a 三线表, rules only between rows,
text aligned in columns, or a table whose rules the writer dropped). Its numbers are placed on
the columns by **position**, never by counting alone — a table that leaves a cell blank prints
fewer numbers in that row, and counting would move the numbers after the blank one column left:

* Rows follow each other in a *band* until a heading (``四、…``) or more than four lines of
  other text come between them. The band's rows with the most numbers (``m``) are its *full
  rows*; column ``j`` spans, over the full rows, from the leftmost start to the rightmost end
  of their ``j``-th number. Cells are boxes side by side, so these spans must not overlap —
  if they do, the words were not cut where the cells are, and every full row of the band is
  refused (``doubt``).
* A number belongs to column ``j`` when it starts right of everything seen in column ``j-1``
  and ends left of everything seen in ``j+1``; it must fit exactly one column, and no two
  numbers one column. A row whose numbers all fit is read with its blank cells blank; a row
  whose numbers do not is left with its numbers only, and the table reader reads it only when
  their count is exactly the row's number of columns — otherwise it is refused, never cut.

Everything else is prose: words in lines, lines joined back into paragraphs (a new paragraph
starts where a line is indented, where the line before it ended short, or at a heading).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lines import Line, is_value
from .pdfsheet import Word, visual_lines, words_of
from .text import is_page_number

_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]\s*[、.．]|[（(]\s*[一二三四五六七八九十]\s*[）)]|\d{1,2}\s*[、.．](?!\d))")
_CJK = re.compile(r"[\u2e80-\u9fff\uff00-\uffef“”‘’（）、，。；：]")


@dataclass
class _Visual:
    top: float
    words: list[Word]
    text: str
    values: list[Word]  # the row's numbers (empty: prose)
    labels: list[Word]

    @property
    def size(self) -> float:
        return max(self.words[0].bottom - self.words[0].top, 1.0)


def _text(words: list[Word], size: float) -> str:
    out, prev = "", None
    for w in words:
        if prev is not None:
            gap = w.x0 - prev.x1
            out += "" if gap < 0.2 * size and (_CJK.search(out[-1]) or _CJK.search(w.text[0])) \
                else " " if gap < 2.5 * size else "   "
        out += w.text
        prev = w
    return out


def _split(words: list[Word]) -> tuple[list[Word], list[Word]]:
    """(label words, number words) of a table row; no numbers for prose."""
    values: list[Word] = []
    rest = list(words)
    while rest and is_value(rest[-1].text):
        values.insert(0, rest.pop())
    if not values or any(is_value(w.text) for w in rest) or any("。" in w.text for w in words):
        return words, []
    size = max(w.size for w in words)
    gaps = [b.x0 - a.x1 for a, b in zip(values, values[1:])]
    if rest and values[0].x0 - rest[-1].x1 < 0.5 * size or any(g < 0.5 * size for g in gaps):
        return words, []  # a number in a sentence ("共 17"), not a cell
    return rest, values


def word_lines(chars: list[dict], spacing: float, page: int) -> list[tuple[float, Line]]:
    """[(top, Line)] of the characters outside ruled tables."""
    visual = []
    for line in visual_lines(chars):
        words = words_of(line, spacing)
        if not words:
            continue
        size = max(words[0].bottom - words[0].top, 1.0)
        text = _text(words, size)
        if is_page_number(text):
            continue
        labels, values = _split(words)
        visual.append(_Visual(min(w.top for w in words), words, text, values, labels))
    return _paragraphs(visual, page) + _rows(visual, page)


# ---- rows without rules ----------------------------------------------------------------------

def _bands(visual: list[_Visual]) -> list[list[_Visual]]:
    bands: list[list[_Visual]] = [[]]
    between = 0
    for v in visual:
        if v.values:
            bands[-1].append(v)
            between = 0
            continue
        between += 1
        if _HEADING.match(v.text) or between > 4:
            bands.append([])
    return [b for b in bands if b]


def _columns(full: list[_Visual]) -> list[tuple[float, float]] | None:
    m = len(full[0].values)
    spans = [(min(r.values[j].x0 for r in full), max(r.values[j].x1 for r in full)) for j in range(m)]
    if any(spans[j][1] > spans[j + 1][0] for j in range(m - 1)):
        return None
    return spans


def _place(values: list[Word], spans: list[tuple[float, float]]) -> list[str] | None:
    cells = [""] * len(spans)
    last = -1
    for w in values:
        fits = [j for j in range(len(spans))
                if (j == 0 or w.x0 >= spans[j - 1][1]) and (j == len(spans) - 1 or w.x1 <= spans[j + 1][0])]
        if len(fits) != 1 or fits[0] <= last:
            return None
        last = fits[0]
        cells[last] = w.text
    return cells


def _rows(visual: list[_Visual], page: int) -> list[tuple[float, Line]]:
    out = []
    for band in _bands(visual):
        m = max(len(v.values) for v in band)
        full = [v for v in band if len(v.values) == m]
        spans = _columns(full)
        for v in band:
            label = "".join(w.text for w in v.labels)
            where = {"page": page, "line": visual.index(v) + 1}
            placed = _place(v.values, spans) if spans is not None else None
            if spans is None and len(v.values) == m:
                line = Line(v.text, [label, *(w.text for w in v.values)], where=where,
                            doubt="各列数字的位置互相重叠")
            elif placed is not None:
                line = Line(v.text, ([label] if label else []) + placed, exact=True, wraps=True, where=where)
            else:
                line = Line(v.text, [label, *(w.text for w in v.values)], where=where, wraps=True)
            out.append((v.top, line))
    return out


# ---- prose -----------------------------------------------------------------------------------

def _paragraphs(visual: list[_Visual], page: int) -> list[tuple[float, Line]]:
    """Visual lines of prose → paragraphs: [(top, Line)]; a table row between two lines ends
    the paragraph."""
    prose = [v for v in visual if not v.values]
    if not prose:
        return []
    left = min(v.words[0].x0 for v in prose)
    right = max(v.words[-1].x1 for v in prose)
    out: list[list] = []  # [top, x1, size, text, first top]
    after_row = False
    for v in visual:
        if v.values:
            after_row = True
            continue
        x0, x1, size = v.words[0].x0, v.words[-1].x1, v.size
        if out and not after_row:
            prev = out[-1]
            if (x0 <= left + 1.2 * size and prev[1] >= right - 2.5 * size and not _HEADING.match(v.text)
                    and v.top - prev[0] < 3 * size):
                joiner = "" if _CJK.search(prev[3][-1:]) or _CJK.search(v.text[:1]) else " "
                prev[3] += joiner + v.text
                prev[0], prev[1] = v.top, x1
                continue
        after_row = False
        out.append([v.top, x1, size, v.text, v.top])
    return [(p[4], Line(p[3].strip(), where={"page": page, "paragraph": i})) for i, p in enumerate(out, 1)]
