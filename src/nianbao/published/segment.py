"""Cutting text lines of a table section into label pieces and number runs.

Text taken from a web page often loses the table's cell boundaries: a whole table arrives as
``规章000行政规范性文件417第二十条第（五）项…``, or with stray single spaces
(``160 02 0 018``). Such a line is cut into pieces ``(label text, number run)``: a *run* is
numbers separated only by whitespace (or by nothing); whitespace inside a run is a cell
boundary, a missing one is not known — :mod:`.digits` splits the run using the table's own
identities. An item number glued to the previous row's numbers (``00000002.其他法律…``) is
given back to the label it numbers when the format has a label with that number.

A tab- or ``|``-separated line keeps its cells; a line with no numbers is left as it is (a
label, a header, a title); a sentence (``。``) without any label of the table is prose.
"""

from __future__ import annotations

import re

from ..values import fold_width
from .lines import ANY_DIGIT, Line, norm

# a number: digits, thousands commas, decimals; full-width digits too. Any other digit Unicode
# knows (``12¹``, ``①``, ``٣``) belongs to the run too, so that a footnote mark stays on its
# number and the row is refused (tables.py) instead of the mark being read as a label.
_D = ANY_DIGIT
_ATOM = rf"(?:[-+－＋](?={_D}))?{_D}(?:{_D}|[,，](?=[0-9０-９]{{3}})|[.．](?={_D}))*"
_RUN = re.compile(rf"{_ATOM}(?:[^\S\n]*{_ATOM})*")
_LABEL_START = re.compile(r"[.．、](?=[^\d\s.．、])")


def item_numbers(labels) -> set[str]:
    """The item numbers of the table's labels (``1`` … ``8``) as they are printed."""
    out = set()
    for lab in labels:
        m = re.match(r"^(\d{1,2})[.．、]", norm(lab))
        if m:
            out.add(m.group(1))
    return out


def cut(text: str, numbers: set[str]) -> list[tuple[str, str, int]] | None:
    """``[(label, run, offset of run)]`` for a line holding numbers, else None."""
    runs = []
    for m in _RUN.finditer(text):
        start, end = m.start(), m.end()
        if _LABEL_START.match(text, end):  # "…0000002.其他": the 2 numbers the next label
            digits = fold_width(text[start:end])
            for k in (2, 1):
                if len(digits) >= k and digits[-k:].isascii() and digits[-k:] in numbers:
                    end -= k
                    break
            while end > start and text[end - 1].isspace():
                end -= 1
        if end > start:
            runs.append((start, end))
    if not runs:
        return None
    pieces, at = [], 0
    for start, end in runs:
        pieces.append((text[at:start], text[start:end], start))
        at = end
    if text[at:].strip():
        pieces.append((text[at:], "", len(text)))
    return pieces


def segment(lines: list[Line], labels) -> list[Line]:
    """The lines of a table section with run-together text lines cut into pieces."""
    numbers = item_numbers(labels)
    known = {norm(x) for x in labels if x and len(norm(x)) >= 2}
    out: list[Line] = []
    for line in lines:
        if line.cells is not None or line.run is not None:
            out.append(line)
            continue
        out += _pieces(line, numbers, known)
    return out


def _pieces(line: Line, numbers: set[str], known: set[str]) -> list[Line]:
    """A line cut at its number runs; a sentence (``。``) stays whole unless a number in it
    follows a label of the table (prose beside a table, such as a note, is not a row)."""
    if "。" not in line.text:
        return _cut_line(line, numbers)
    out, at = [], 0
    for part in re.split(r"(?<=。)", line.text):
        where = {**line.where, "offset": line.where.get("offset", 0) + at}
        at += len(part)
        if not part.strip():
            continue
        pieces = _cut_line(Line(part, where=where), numbers)
        if any(p.run and any(norm(p.label or "").endswith(k) for k in known) for p in pieces):
            out += pieces
        else:
            out.append(Line(part.strip(), where=where))
    return out


def _cut_line(line: Line, numbers: set[str]) -> list[Line]:
    pieces = cut(line.text, numbers)
    if pieces is None:
        return [line]
    base = line.where.get("offset", 0)
    out = []
    for label, run, offset in pieces:
        where = {**line.where, "offset": base + offset}
        if not run:
            out.append(Line(label.strip(), where=where))
        else:
            out.append(Line(f"{label.strip()} {run}".strip(), where=where, label=label.strip(), run=run))
    return out
