"""How nianbao spells a cell: A1 references, quoted sheet names, absolute references, and a
number as the exact text a message or a formula shows. One module for what the template, the
formulas, the importer and the summary workbook all write (page setup is
:mod:`nianbao.workbook_print`'s).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def col_letter(c: int) -> str:
    """0-based column index to letters (0 → A, 26 → AA)."""
    s = ""
    c += 1
    while c:
        c, r = divmod(c - 1, 26)
        s = chr(65 + r) + s
    return s


def col_index(letters: str) -> int:
    """Column letters (upper case) to a 0-based index (A → 0)."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def a1(row: int, col: int) -> str:
    """0-based row/col to A1."""
    return f"{col_letter(col)}{row + 1}"


def parse_a1(ref: str) -> tuple[int, int]:
    """A1 to 0-based (row, col)."""
    i = 0
    while ref[i].isalpha():
        i += 1
    col = 0
    for ch in ref[:i].upper():
        col = col * 26 + ord(ch) - 64
    return int(ref[i:]) - 1, col - 1


def absolute(ref: str) -> str:
    """``B7`` → ``$B$7``."""
    row, col = parse_a1(ref)
    return f"${col_letter(col)}${row + 1}"


def quote_sheet(name: str) -> str:
    """A sheet name as a formula writes it: ``'表一（二）'`` (an apostrophe doubled)."""
    return "'" + name.replace("'", "''") + "'"


def sheet_ref(sheet: str, ref: str) -> str:
    """``'sheet'!ref`` (``ref`` as given: relative or absolute)."""
    return f"{quote_sheet(sheet)}!{ref}"


def plain(v: Any) -> str:
    """A value as a message or a formula shows it: an amount exactly, never in exponent form."""
    return format(v, "f") if isinstance(v, Decimal) else str(v)
