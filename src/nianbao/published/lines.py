"""A published report as lines: every form (HTML, PDF, Word, text, Markdown) into one shape.

The parser reads a list of :class:`Line`: the text of a paragraph or heading, or a table row
with its cells. HTML, PDF and Word tables give real rows (``exact`` cells: what the row holds,
merged areas absent); a web page copied as text gives tab-separated cells, sometimes
space-separated ones, or — the worst case — numbers run together with their labels and with
each other (``规章000行政规范性文件417``); :mod:`.segment` cuts such text at the labels.

Each line knows where it came from (``where``: page, table, row, line, offset) so that every
value read can say where a person finds it (:func:`place_text`). Labels are compared after
:func:`norm` (NFKC folds ``（）`` to ``()``, whitespace — line breaks inside labels too — is
removed).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ..values import PLACEHOLDERS, fold_width


@dataclass
class Line:
    text: str
    cells: list[str] | None = None  # a table row's cells (None: tokens of ``text``)
    exact: bool = False  # cells are the row's real cells (HTML/PDF/Word), not a padded text line
    where: dict = field(default_factory=dict)  # {"page", "table", "row"} or {"line", "offset"}
    label: str | None = None  # set by segment.py: the label part of a cut run-together line
    run: str | None = None  # … and its numbers (whitespace between them is a cell boundary)
    wraps: bool = False  # a PDF row whose label may go on in the lines after it (a cell that
    # wraps around its vertically centred numbers, a row split by a page break)
    doubt: str = ""  # why the cells of this row cannot be trusted (a PDF row whose numbers'
    # columns overlap): the reader refuses the row it belongs to, saying why


def norm(s: str | None) -> str:
    """A label for comparison: NFKC, no whitespace, no trailing colon or full stop."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s or "")).rstrip(":。.")


# What a published number is written with. Only ASCII digits (and the full-width ones an input
# method types, folded by ``fold_width``) are read. Every other character Unicode counts as a
# digit -- superscripts and subscripts (``12¹``: a footnote mark), circled numbers (``①``),
# Arabic-Indic and other scripts' digits -- still marks a cell as a number-like cell, but one
# that is *not read*: NFKC would turn ``1²`` into 12, a number the cell does not say. ``\d`` is
# Unicode's decimal digits (ASCII and full-width included); the others are listed. ``⑴`` and
# ``⒈`` are item marks (NFKC ``(1)``, ``1.``): they start labels and are not digits here.
_OTHER_DIGITS = "²³¹⁰⁴-⁹₀-₉①-⑨⓪⓵-⓽⓿❶-❾➀-➈➊-➒፩-፱᧚\U00010A40-\U00010A43\U00010E60-\U00010E68" \
                "\U00011052-\U0001105A\U0001F100-\U0001F10A"
ANY_DIGIT = rf"(?:\d|[{_OTHER_DIGITS}])"
ITEM_MARKS = "⑴⑵⑶⑷⑸⑹⑺⑻⑼⒈⒉⒊⒋⒌⒍⒎⒏⒐"
_PLAIN = re.compile(r"[+-]?[0-9]+")
_VALUE = re.compile(rf"^[+-]?(?:{ANY_DIGIT}(?:{ANY_DIGIT}|,)*)?(?:\.{ANY_DIGIT}+)?(?:件|个|条|份|起|次|项|万元|元)?$")
_PLACEHOLDERS = {fold_width(p) for p in PLACEHOLDERS}


def plain_digits(token: str) -> bool:
    """A whole number written in ASCII (or full-width) digits, an optional sign first."""
    return bool(_PLAIN.fullmatch(fold_width(token)))


def odd_digits(text: str) -> str:
    """The digits of ``text`` that are not read as digits (``¹`` of ``12¹``, ``①``, ``٣``)."""
    return "".join(ch for ch in fold_width(text)
                   if ch.isdigit() and not "0" <= ch <= "9" and ch not in ITEM_MARKS)


def is_blank(cell: str) -> bool:
    """An empty cell, or a placeholder where a number belongs (``/``, ``—``, ``无``)."""
    t = fold_width(cell).strip()
    return not t or t in _PLACEHOLDERS


def is_value(cell: str) -> bool:
    """Whether a cell holds a number (or a placeholder where a number belongs) -- a number the
    reader will refuse (``12¹``, see :func:`odd_digits`) included, so it stays in its column."""
    t = fold_width(cell).strip()
    return bool(t) and (bool(_VALUE.match(t)) and any(ch.isdigit() for ch in t) or t in _PLACEHOLDERS)


@dataclass
class RowParts:
    labels: list[str]
    values: list[str]  # value cells after the last label ("" = an empty cell)
    positional: bool  # empty cells are real (HTML / grid) rather than layout
    places: list[dict] = field(default_factory=list)  # where each value cell is
    runs: bool = False  # whitespace-separated tokens that may hold several numbers each


def row_parts(line: Line) -> RowParts | None:
    """Split a line into label cells and value cells; None when it is prose, not a row."""
    if line.run is not None:  # a piece of run-together text (segment.py)
        return _run_parts(line)
    if line.cells is None:
        if "。" in line.text:  # a sentence, not a row of a table
            return None
        return _token_parts(line)
    cells = [c.strip() for c in line.cells]
    if not line.exact:
        while cells and not cells[-1]:
            cells.pop()
    last = max((i for i, c in enumerate(cells) if c and not is_value(c)), default=-1)
    labels = [c for c in cells[:last + 1] if c]
    places = [{**line.where, "column": i + 1} for i in range(last + 1, len(cells))]
    return RowParts(labels, cells[last + 1:], line.exact, places)


def _token_parts(line: Line) -> RowParts | None:
    tokens = [(m.group(), m.start()) for m in re.finditer(r"\S+", line.text)]
    values: list[tuple[str, int]] = []
    while tokens and is_value(tokens[-1][0]):
        values.insert(0, tokens.pop())
    if any(is_value(t) for t, _ in tokens):
        return None  # numbers inside prose
    places = [{**line.where, "offset": line.where.get("offset", 0) + o} for _, o in values]
    return RowParts([t for t, _ in tokens], [t for t, _ in values], False, places,
                    runs=any(plain_digits(t) for t, _ in values))


def _run_parts(line: Line) -> RowParts:
    base = line.where.get("offset", 0)
    tokens = [(m.group(), m.start()) for m in re.finditer(r"\S+", line.run or "")]
    places = [{**line.where, "offset": base + o} for _, o in tokens]
    labels = [line.label] if line.label and line.label.strip() else []
    return RowParts(labels, [t for t, _ in tokens], False, places, runs=True)


def pick_values(parts: RowParts, n: int) -> tuple[list[str], list[dict]] | None:
    """The row's n value cells with their places, or None when the cells do not tell which
    number is in which column (then :mod:`.digits` may still split run-together numbers)."""
    vals, places = list(parts.values), list(parts.places)
    if parts.positional:
        while len(vals) > n and not vals[-1]:
            vals.pop()
        while len(vals) > n and not vals[0]:  # an empty label cell before the numbers (PDF)
            vals.pop(0)
            places.pop(0)
        return (vals, places[:len(vals)]) if len(vals) == n else None
    filled = [(v, p) for v, p in zip(vals, places) if v]
    if len(filled) == n:
        return [v for v, _ in filled], [p for _, p in filled]
    if not filled:
        return [""] * n, [dict(places[0]) if places else {}] * n
    while vals and not vals[0]:
        vals.pop(0)
        places.pop(0)
    return (vals, places) if len(vals) == n else None


def place_text(where: dict) -> str:
    """Where a value is, for a person: ``第3页 表格第5行第4格`` / ``第12行第40字``."""
    parts = []
    if where.get("page"):
        parts.append(f"第{where['page']}页")
    if where.get("table"):
        parts.append(f"第{where['table']}个表格")
    if where.get("row"):
        parts.append(f"第{where['row']}行")
    elif where.get("paragraph"):
        parts.append(f"第{where['paragraph']}段")
    elif where.get("line"):
        parts.append(f"第{where['line']}行")
    if where.get("column"):
        parts.append(f"第{where['column']}格")
    elif "offset" in where:
        parts.append(f"第{where['offset'] + 1}字")
    return "".join(parts) or "（位置不详）"
