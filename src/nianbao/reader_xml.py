"""The XML half of the workbook reader: safe parsing, shared strings, worksheet cells.

Parsing is expat through the C ElementTree (fast), with every DTD refused before parsing:
OOXML parts never carry one, and without a DTD there are no entity declarations, so no billion
laughs and no external entities. The encoding is detected first, as expat would, and a part
that is not ASCII-compatible is decoded here and parsed from that text, so the guard and the
parser see the same characters (a UTF-16 part without a byte order mark cannot slip a DTD by). Namespaces are matched by local name, so the prefixes some
writers use (``x:c``), the transitional and the strict OOXML namespaces all read the same.

Cells keep their exact text: a number is the ``<v>`` text as written (never a binary float), a
string the decoded text, a formula its text (shared formulas translated to the cell).
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from .cellref import col_index, col_letter


class UnsafeXML(Exception):
    """An XML part with a DTD (entity tricks) or an encoding that cannot be checked."""


class BadXML(Exception):
    """An XML part that is not well formed."""


class TooBig(BadXML):
    """An XML part with more elements than any workbook part nianbao reads can have."""


class BadCell(BadXML):
    """A cell or row that no spreadsheet program writes; ``where`` (e.g. ``B6`` or ``第6行``)
    and ``what`` say in Chinese which and why."""

    def __init__(self, where: str, what: str, ref: str | None = None):
        super().__init__(f"{where}: {what}")
        self.where, self.what, self.ref = where, what, ref


# A part with more tags than this is refused before it is parsed: a parse tree costs ~300
# bytes an element, and the largest part of a filled template has ~5,000.
MAX_TAGS = 200_000

_DECL = re.compile(rb"^<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
# Encodings in which the bytes of "<!DOCTYPE" are plain ASCII, as expat reads them.
_ASCII_SAFE = {"utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1"}


def _encoding(data: bytes) -> str | None:
    """How expat will decode the part (XML 1.0 appendix F): None for the ASCII-compatible
    encodings it reads as bytes, else the codec to decode it with here. Raises UnsafeXML for
    what expat or this check cannot read safely (UTF-32, EBCDIC, other declared encodings)."""
    head = data[:4]
    if head.startswith(b"\xef\xbb\xbf"):
        head, data = data[3:7], data[3:]
    if head in (b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00") or head[:3] == b"\x00\x00\x00" \
            or head[1:4] == b"\x00\x00\x00":
        raise UnsafeXML("UTF-32")
    if head[:2] == b"\xfe\xff" or (head[:1] == b"\x00" and head[1:2] != b"\x00"):
        return "utf-16-be"
    if head[:2] == b"\xff\xfe" or (head[:1] != b"\x00" and head[1:2] == b"\x00"):
        return "utf-16-le"
    if head == b"\x4c\x6f\xa7\x94":
        raise UnsafeXML("EBCDIC")
    m = _DECL.match(data[:200])
    if m and m.group(1).decode().lower() not in _ASCII_SAFE:
        raise UnsafeXML(f"encoding {m.group(1).decode()}")
    return None


def _checked(data: bytes) -> bytes | str:
    """The part as expat must see it, after refusing any DTD: bytes when expat reads them as
    ASCII-compatible text; otherwise the text decoded here (a str is parsed as UTF-8 whatever
    its declaration says), so the guard and the parser see the same characters."""
    codec = _encoding(data)
    if codec is None:
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
            raise UnsafeXML("DTD")
        return data
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise UnsafeXML(f"undecodable {codec}") from exc
    text = text[1:] if text.startswith("\ufeff") else text
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise UnsafeXML("DTD")
    return text


def parse(data: bytes, max_tags: int = MAX_TAGS) -> ET.Element:
    """Parse one XML part, refusing any DTD. Raises UnsafeXML / BadXML / TooBig."""
    if data.count(b"<") > max_tags:  # an upper bound of the elements, counted in C
        raise TooBig(f"over {max_tags} tags")
    doc = _checked(data)
    try:
        return ET.fromstring(doc)
    except ET.ParseError as exc:
        raise BadXML(str(exc)) from exc


def ns_of(el: ET.Element) -> str:
    """``{uri}`` of an element's tag ('' when unqualified)."""
    tag = el.tag
    return tag[: tag.index("}") + 1] if tag.startswith("{") else ""


def local(tag: str) -> str:
    return tag[tag.index("}") + 1:] if tag.startswith("{") else tag


def attr_local(el: ET.Element, name: str) -> str | None:
    """An attribute by local name, whatever its namespace (``r:id`` in either OOXML flavour)."""
    for k, v in el.attrib.items():
        if k == name or k.endswith("}" + name):
            return v
    return None


# ---- strings -------------------------------------------------------------------------------

_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_PAIR = re.compile(r"_x(D[89AB][0-9A-F]{2})__x(D[C-F][0-9A-F]{2})_", re.IGNORECASE)


def _char(m: re.Match) -> str:
    n = int(m.group(1), 16)
    # a lone UTF-16 surrogate is no character: its escape is kept as written (it could not be
    # written to JSON, a workbook or a terminal otherwise)
    return m.group(0) if 0xD800 <= n <= 0xDFFF else chr(n)


def unescape(s: str) -> str:
    """Decode OOXML ``_xHHHH_`` escapes (``_x000D_`` is a carriage return, ``_x005F_`` a '_';
    a surrogate pair is one character, a lone surrogate stays as its escape text)."""
    if "_x" not in s:
        return s
    s = _PAIR.sub(lambda m: chr(0x10000 + ((int(m.group(1), 16) - 0xD800) << 10)
                                + int(m.group(2), 16) - 0xDC00), s)
    return _ESCAPE.sub(_char, s)


def string_item(si: ET.Element, ns: str) -> str:
    """The text of an ``<si>``/``<is>``: plain ``<t>`` or rich-text runs, without phonetic runs."""
    parts = []
    for child in si:
        tag = child.tag
        if tag == ns + "t":
            parts.append(child.text or "")
        elif tag == ns + "r":
            for t in child.iter(ns + "t"):
                parts.append(t.text or "")
    return unescape("".join(parts))


def shared_strings(data: bytes, limit: int) -> list[str]:
    root = parse(data)
    ns = ns_of(root)
    out = [string_item(si, ns) for si in root.iter(ns + "si")]
    if len(out) > limit:
        raise BadXML("too many shared strings")
    return out


# ---- cells ---------------------------------------------------------------------------------

_REF = re.compile(r"^([A-Z]{1,3})([0-9]+)$")
MAX_ROW, MAX_COL = 1_048_576, 16_384  # Excel's sheet size
_FREF = re.compile(r"(?<![A-Za-z0-9_.'\"])(\$?)([A-Z]{1,3})(\$?)(\d+)(?![A-Za-z0-9_(])")


def translate(formula: str, d_row: int, d_col: int) -> str:
    """A shared formula moved by (d_row, d_col): relative references shift, ``$`` ones stay."""
    def shift(m):
        c = m.group(2) if m.group(1) else col_letter(col_index(m.group(2)) + d_col)
        r = m.group(4) if m.group(3) else str(int(m.group(4)) + d_row)
        return f"{m.group(1)}{c}{m.group(3)}{r}"
    out, pos = [], 0
    for q in re.finditer(r'"[^"]*"', formula):  # never touch string literals
        out.append(_FREF.sub(shift, formula[pos:q.start()]))
        out.append(q.group(0))
        pos = q.end()
    out.append(_FREF.sub(shift, formula[pos:]))
    return "".join(out)


@dataclass
class Cell:
    """One cell as written: ``t`` is n (number), s (string), b (boolean), e (error), d (date)
    or '' (no value); ``v`` the exact text; ``f`` the formula text without '=' (or None)."""

    t: str
    v: str | None
    f: str | None = None


@dataclass
class SheetData:
    cells: dict = field(default_factory=dict)  # "D9" -> Cell
    protected: bool = False
    merged: list = field(default_factory=list)
    dimension: str | None = None


def sheet_cells(data: bytes, strings: list[str], max_cells: int) -> SheetData:
    """Every cell of a worksheet part with its exact text and formula. Raises BadCell for a
    row or cell no spreadsheet program writes (a row number "8.0", a reference "B٦", a cell
    given twice, a shared string that does not exist, a number cell that holds no number)."""
    root = parse(data)
    ns = ns_of(root)
    out = SheetData()
    cells = out.cells
    masters: dict[str, tuple[str, int, int]] = {}
    t_c, t_v, t_f, t_is = ns + "c", ns + "v", ns + "f", ns + "is"
    row_no = 0
    for child in root:
        tag = child.tag
        if tag == ns + "sheetData":
            for row in child:
                r_attr = row.get("r")
                row_no = _row_number(r_attr, row_no) if r_attr is not None else row_no + 1
                col_no, skipped = -1, None
                in_row = row_no if r_attr is not None else None
                for c in row:
                    if c.tag != t_c:
                        continue
                    ref = c.get("r")
                    if not len(c):  # a styled empty cell: nothing to read; its column
                        if ref is None:  # matters only if a cell without r follows
                            col_no = (col_no if skipped is None else _column(skipped, in_row)) + 1
                        skipped = ref
                        continue
                    if ref is not None:
                        col_no = _column(ref, in_row)
                    else:  # optional r: the next column of this row
                        if skipped is not None:
                            col_no = _column(skipped, in_row)
                        col_no += 1
                        ref = f"{col_letter(col_no)}{row_no}"
                    skipped = None
                    if ref in cells:
                        raise BadCell(f"{ref} 单元格", "同一单元格出现了两次，不同软件显示的内容可能不同", ref)
                    cells[ref] = _cell(c, ns, t_v, t_f, t_is, strings, masters, row_no, col_no, ref)
                    if len(cells) > max_cells:
                        raise TooBig("too many cells")
        elif tag == ns + "sheetProtection":
            out.protected = child.get("sheet") in ("1", "true")
        elif tag == ns + "mergeCells":
            out.merged = [m.get("ref") for m in child if m.get("ref")]
        elif tag == ns + "dimension":
            out.dimension = child.get("ref")
    return out


def _row_number(text: str, previous: int) -> int:
    where = f"第{previous + 1}行附近"
    if not (text.isascii() and text.isdigit()):
        raise BadCell(where, f"行号“{text}”不是整数")
    n = int(text)
    if not 1 <= n <= MAX_ROW:
        raise BadCell(where, f"行号“{text}”超出了工作表的范围")
    return n


def _column(ref: str, row_no: int | None) -> int:
    m = _REF.match(ref)
    if m is None:
        raise BadCell(f"第{row_no}行" if row_no else "某一行", f"单元格位置“{ref}”无效")
    col = col_index(m.group(1))
    row = int(m.group(2))
    if col >= MAX_COL or not 1 <= row <= MAX_ROW:
        raise BadCell(f"第{row}行", f"单元格位置“{ref}”超出了工作表的范围")
    if row_no is not None and row != row_no:
        raise BadCell(f"第{row_no}行", f"单元格位置“{ref}”与所在的行不符")
    return col


_NUMBER = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE]([+-]?[0-9]{1,6}))?$")


def _number(v: str, ref: str) -> str:
    """A number cell's text, refused unless it is a number a spreadsheet can hold (a double:
    finite, about ±1.8E308 at most; no exponent beyond what a double can show)."""
    text = v.strip()
    m = _NUMBER.match(text)
    if m is None:
        raise BadCell(f"{ref} 单元格", f"数值“{_clip(v)}”不是数字", ref)
    exponent = int(m.group(1) or 0)
    if abs(exponent) > 400 or math.isinf(float(text)):
        raise BadCell(f"{ref} 单元格", f"数值“{_clip(v)}”超出了电子表格能保存的范围", ref)
    return text


def _clip(s: str, n: int = 20) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def _cell(c, ns, t_v, t_f, t_is, strings, masters, row_no, col_no, ref) -> Cell:
    t = c.get("t") or "n"
    v_el = c.find(t_v)
    v = v_el.text if v_el is not None else None
    f = None
    f_el = c.find(t_f)
    if f_el is not None:
        f = f_el.text or ""
        si = f_el.get("si")
        if f_el.get("t") == "shared" and si is not None:
            if f:
                masters[si] = (f, row_no, col_no)
            elif si in masters:
                text, r0, c0 = masters[si]
                f = translate(text, row_no - r0, col_no - c0)
    if t == "s":
        if v is None:
            return Cell("", None, f)
        i = v.strip()
        if not (i.isascii() and i.isdigit() and int(i) < len(strings)):
            raise BadCell(f"{ref} 单元格", f"引用了不存在的共享字符串（第“{_clip(v)}”个）", ref)
        return Cell("s", strings[int(i)], f)
    if t == "inlineStr":
        is_el = c.find(t_is)
        return Cell("s", string_item(is_el, ns) if is_el is not None else None, f)
    if t == "str":
        return Cell("s" if v is not None else "", unescape(v) if v is not None else None, f)
    if v is None:
        return Cell("", None, f)
    if t == "b":
        if v.strip() not in ("0", "1", "true", "false"):
            raise BadCell(f"{ref} 单元格", f"逻辑值“{_clip(v)}”无效", ref)
        return Cell("b", v.strip(), f)
    if t in ("e", "d"):
        return Cell(t, v, f)
    return Cell("n", _number(v, ref), f)
