"""Every way to cut run-together numbers into a row's cells (used by :mod:`.digits`).

Whitespace between tokens is a cell boundary; inside a token of digits any place may be one,
but no number starts with 0 unless it is 0 (``02`` is 0 and 2); a token that is not all digits
is one cell; a sign starts a number of its own (``58-7`` is 58 and -7). A ``check`` prunes the
enumeration as it goes, and the last cell — usually the row's 总计 — is chosen first so that it
bounds all the others.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

from ..values import fold_width


def digits_of(tokens: list[str]) -> list[str]:
    """Tokens with full-width forms folded (not NFKC: ``12¹`` must not become 121), a sign
    starting a token of its own (``58-7`` is 58 and -7: a change of the 2019 format's 本年增/减
    may be negative)."""
    out = []
    for t in tokens:
        out += [x for x in re.split(r"(?=[-+])", fold_width(t)) if x]
    return out


_DIGITS = re.compile(r"[+-]?[0-9]+")  # ASCII only: ``str.isdigit`` also takes ``²``, ``①``, ``٣``
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


def _is_digits(token: str) -> bool:
    return bool(_DIGITS.fullmatch(token))


def estimate(tokens: list[str], n: int) -> int:
    """An upper bound of the number of cuts (to refuse a hopeless row before trying)."""
    digits = sum(len(t) if _is_digits(t) else 1 for t in digits_of(tokens))
    return math.comb(max(digits - 1, 0), max(n - 1, 0)) if digits >= n else 0


def cuts(tokens: list[str], n: int, limit: int, check=None) -> list[tuple]:
    """The cuts of the tokens into exactly ``n`` cells, stopping after ``limit + 1`` (so a
    longer list than ``limit`` means "more than ``limit``").

    Whitespace between tokens is a boundary; inside a token of digits any place may be one, but
    no number starts with 0 unless it is 0; a token that is not all digits is one cell.
    ``check(nums, left, last)`` prunes: it gets the numbers so far, how many digits are left for
    the cells to come and the last cell's number (chosen first: it is usually the row's 总计, and
    knowing it bounds every other cell), and says whether they can still fit."""
    toks = digits_of(tokens)
    if check is None or not toks or not _is_digits(toks[-1]) or toks[-1][0] in "+-" or n < 2:
        return _cuts(toks, n, limit, check, None)
    out: list[tuple] = []
    last = toks[-1]
    for size in range(1, len(last) + 1):
        tail = last[len(last) - size:]
        if len(tail) > 1 and tail[0] == "0":
            continue
        head = toks[:-1] + ([last[:len(last) - size]] if size < len(last) else [])
        for cut in _cuts(head, n - 1, limit - len(out), check, int(tail), n):
            out.append(cut + (tail,))
        if len(out) > limit:
            break
    return out


def _cuts(toks: list[str], n: int, limit: int, check, tail, width: int | None = None) -> list[tuple]:
    """Cuts of ``toks`` into ``n`` cells (``tail``: the number of a cell after them, already
    chosen, at index ``width - 1``)."""
    out: list[tuple] = []
    cells: list[str] = []
    nums: list = []
    rest_tokens = [len(toks) - i - 1 for i in range(len(toks))]
    rest_digits = [sum(len(t) if _is_digits(t) else 1 for t in toks[i + 1:]) for i in range(len(toks))]
    if not toks:
        return [()] if n == 0 else []

    def walk(t: int, at: int) -> bool:
        if t == len(toks):
            if len(cells) == n:
                out.append(tuple(cells))
                return len(out) <= limit
            return True
        token = toks[t]
        if not _is_digits(token):
            return step(t, token, len(token))
        sign = token[0] if at == 0 and token[0] in "+-" else ""
        start = at + len(sign)
        for size in range(1, len(token) - start + 1):
            part = token[start:start + size]
            if len(part) > 1 and part[0] == "0":
                break
            if not step(t, sign + part, start + size):
                return False
        return True

    def step(t: int, part: str, end: int) -> bool:
        cells.append(part)
        nums.append(as_number(part))
        try:
            token = toks[t]
            done = end >= len(token)
            need = rest_tokens[t] if done else rest_tokens[t] + 1
            room = rest_digits[t] + (0 if done else len(token) - end)
            if len(cells) + need > n or len(cells) + room < n:
                return True
            if check is not None and not check(nums, room, tail, width or n):
                return True
            return walk(t + 1, 0) if done else walk(t, end)
        finally:
            cells.pop()
            nums.pop()

    walk(0, 0)
    return out


def as_number(cell: str):
    """A cut cell's number for the identities (None: not a number, e.g. a placeholder, or a
    number written with other digits than ASCII ones -- ``Decimal("٣")`` would be 3)."""
    t = fold_width(cell).strip().replace(",", "")
    if _is_digits(t):
        return int(t)
    return Decimal(t) if _DECIMAL.fullmatch(t) else None
