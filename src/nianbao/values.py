"""Reading a typed value exactly (spec §7).

:func:`read_value` turns whatever a cell or a published table holds into an ``int`` (counts),
an exact :class:`~decimal.Decimal` (amounts, 万元) or ``None`` (missing), plus at most one
finding saying what was normalised or why the value was refused. Nothing is guessed: a value
that cannot be read exactly is ``None`` with an error, never 0.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from .findings import Finding, code
from .spec import ValueKind

NORMALISED = code(
    "VALUE_NORMALISED", "info", "{label}：已将“{raw}”读作 {value}",
    "{label}: read “{raw}” as {value}", "无需处理；如读法不对，请改为纯数字后重新提交。", "R5")
BLANK = code(
    "VALUE_BLANK", "warning", "{label}：{what}，请填写数字（没有的填 0）",
    "{label}: {what_en}; recorded as missing (not as 0); type 0 if there were none",
    "在该单元格填写数字，没有的填 0。", "R16")
NEGATIVE = code(
    "VALUE_NEGATIVE", "error", "{label}：“{raw}”是负数，应为不小于0的数",
    "{label}: “{raw}” is negative; it must be 0 or more", "改为不小于 0 的数。", "R5")
NOT_INTEGER = code(
    "VALUE_NOT_INTEGER", "error", "{label}：“{raw}”不是整数，{kind_label}应为整数",
    "{label}: “{raw}” is not a whole number; counts must be whole numbers",
    "件数只能填整数。", "R5")
NOT_NUMBER = code(
    "VALUE_NOT_NUMBER", "error", "{label}：“{raw}”不是数字，无法读取",
    "{label}: “{raw}” is not a number", "只填阿拉伯数字，不要填文字、约数或公式。", "R5")
WRONG_UNIT = code(
    "VALUE_WRONG_UNIT", "error", "{label}：“{raw}”的单位不对，{kind_label}单位为{unit}（例如 25.1 表示25.1{unit}）",
    "{label}: “{raw}” has the wrong unit; the unit is {unit}",
    "把金额换算为万元后只填数字。", "R5")
TOO_LARGE = code(
    "VALUE_TOO_LARGE", "error", "{label}：“{raw}”大得不合常理（{kind_label}应小于{below}），可能误粘贴了证件号码等其他数字",
    "{label}: “{raw}” is implausibly large (must be below {below}); another number pasted here?",
    "核对该数字，改为实际的数。", "R5")
TOO_PRECISE = code(
    "VALUE_TOO_PRECISE", "error", "{label}：“{raw}”有{n}位小数，{kind_label}最多{max}位小数（{unit}）",
    "{label}: “{raw}” has {n} decimals; at most {max} are allowed ({unit})",
    "减少小数位数（金额以万元为单位时，6位小数即精确到0.01元）。", "R5")

PLACEHOLDERS = {"/", "／", "—", "——", "-", "－", "–", "无", "不适用", "空", "N/A", "n/a", "NA"}
# ASCII digits only (re.ASCII): "1e3", "٣" (Arabic-Indic) and "²" are not read as numbers
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$", re.ASCII)
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$", re.ASCII)
# Full-width forms (１２, ．, ＋) and the ideographic space fold to ASCII, as a Chinese input
# method types them; nothing else does: NFKC would also read "①" and "²" as 1 and 2, and "1²"
# as 12 -- a number the cell does not say.
_FULL_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def fold_width(s: str) -> str:
    """Full-width ASCII forms and the ideographic space as their ASCII selves."""
    return s.translate(_FULL_WIDTH)


def _blank(raw: Any, label: str) -> tuple[None, Finding]:
    if raw is None or str(raw).strip() == "":
        return None, BLANK(label=label, raw="", what="未填写", what_en="left blank")
    return None, BLANK(label=label, raw=str(raw), what=f"填的是“{str(raw).strip()}”",
                       what_en=f"holds “{str(raw).strip()}”")


def canonical_amount(d: Decimal) -> str:
    """The exact decimal as a plain string: Decimal('12.50') -> '12.5', 0E-3 -> '0'."""
    s = format(d, "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return "0" if s in ("", "-0") else s


def _parse_text(s: str, kind: ValueKind, label: str) -> tuple[Decimal | None, Finding | None]:
    """A string cell: strip, fold full-width, drop a unit suffix. Returns (Decimal|None, text)."""
    t = fold_width(s).strip()
    for unit in kind.suffixes:
        if t.endswith(unit):
            t = t[: -len(unit)].strip()
            break
    else:
        if any(t.endswith(u) for u in kind.wrong_units):
            return None, WRONG_UNIT(label=label, raw=s, kind_label=kind.label, unit=kind.unit)
    if _THOUSANDS.match(t):  # "9,116.36": separators in their places only; "12,5" is refused
        t = t.replace(",", "")
    if not _NUMBER.match(t):
        return None, NOT_NUMBER(label=label, raw=s)
    return Decimal(t), None


def read_value(raw: Any, kind: ValueKind, label: str = "") -> tuple[int | Decimal | None, Finding | None]:
    """Read one typed value of a kind of the format. Returns ``(value, finding or None)``.

    ``raw`` may be None, int, float, Decimal, bool or str (as a reader gives it; a reader that
    has the cell's exact text should pass the text, so amounts never touch a binary float).
    """
    normalised = False
    if isinstance(raw, bool):
        return None, NOT_NUMBER(label=label, raw=str(raw))
    if raw is None or (isinstance(raw, str) and fold_width(raw).strip() in PLACEHOLDERS | {""}):
        return _blank(raw, label)
    if isinstance(raw, str):
        try:
            parsed, bad = _parse_text(raw, kind, label)
        except InvalidOperation:
            parsed, bad = None, NOT_NUMBER(label=label, raw=raw)
        if bad or parsed is None:
            return None, bad or NOT_NUMBER(label=label, raw=raw)
        num = parsed
        normalised = raw != str(num) and raw.strip() != str(num) or raw != raw.strip()
    elif isinstance(raw, float):
        num = Decimal(repr(raw))
    elif isinstance(raw, (int, Decimal)):
        num = Decimal(raw)
    else:
        return None, NOT_NUMBER(label=label, raw=str(raw))
    if not num.is_finite():
        return None, NOT_NUMBER(label=label, raw=str(raw))
    if num < 0 and not kind.signed:  # signed: a change (2019 本年增/减), may be negative
        return None, NEGATIVE(label=label, raw=str(raw))
    if abs(num) >= kind.below:
        return None, TOO_LARGE(label=label, raw=str(raw), kind_label=kind.label, below=kind.below_text)
    if kind.decimal:
        text = canonical_amount(num)
        places = len(text.partition(".")[2])
        if kind.max_decimals is not None and places > kind.max_decimals:
            return None, TOO_PRECISE(label=label, raw=str(raw), n=places, kind_label=kind.label,
                                     max=kind.max_decimals, unit=kind.unit)
        return Decimal(text), (NORMALISED(label=label, raw=raw, value=text) if normalised else None)
    if num != num.to_integral_value():
        return None, NOT_INTEGER(label=label, raw=str(raw), kind_label=kind.label)
    whole = int(num)
    return whole, (NORMALISED(label=label, raw=raw, value=whole) if normalised else None)


def cell_number(value: Any) -> Any:
    """A value as a spreadsheet cell holds it: the number (a float for an exact decimal), or
    its exact digits as text when no double holds it (beyond ±1.8E308, e.g. a sum of huge
    values), so that writing a workbook never overflows. Anything else passes unchanged."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return value
    try:
        f = float(value)
    except OverflowError:
        f = float("inf")
    if f in (float("inf"), float("-inf")):
        return canonical_amount(Decimal(value)) if isinstance(value, Decimal) else str(value)
    return f if isinstance(value, Decimal) else value


def json_value(value: int | Decimal | None, kind: ValueKind) -> int | str | None:
    """A value as it goes into the report JSON: whole numbers as int, decimals (amounts) as
    exact strings."""
    if value is None:
        return None
    if kind.decimal:
        return canonical_amount(Decimal(value))
    return int(value)


def from_json(value: Any, kind: ValueKind) -> int | Decimal | None:
    """The inverse of :func:`json_value`."""
    if value is None:
        return None
    return Decimal(str(value)) if kind.decimal else int(value)
