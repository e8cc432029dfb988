"""The XML half of the workbook reader: safe parsing, shared strings, worksheet cells.

Parsing is expat through the C ElementTree (fast), with every DTD refused before parsing:
OOXML parts never carry one, and without a DTD there are no entity declarations, so no billion
laughs and no external entities. Namespaces are matched by local name, so the prefixes some
writers use (``x:c``), the transitional and the strict OOXML namespaces all read the same.

Cells keep their exact text: a number is the ``<v>`` text as written (never a binary float), a
string the decoded text, a formula its text (shared formulas translated to the cell).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field


class UnsafeXML(Exception):
    """An XML part with a DTD (entity tricks) or an encoding that cannot be checked."""


class BadXML(Exception):
    """An XML part that is not well formed."""


_DECL = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_SAFE_ENCODINGS = {"utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1",
                   "utf-16", "utf16", "utf-16le", "utf-16be"}


def _text_for_guard(data: bytes) -> bytes | str:
    """The document in a form where a DTD would be visible as ``<!DOCTYPE``/``<!ENTITY``."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or (len(data) > 1 and data[1:2] == b"\x00") \
            or data[:1] == b"\x00":
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise UnsafeXML("undecodable UTF-16") from exc
    m = _DECL.match(data[:200])
    if m and m.group(1).decode().lower() not in _SAFE_ENCODINGS:
        raise UnsafeXML(f"encoding {m.group(1).decode()}")
    return data


def parse(data: bytes) -> ET.Element:
    """Parse one XML part, refusing any DTD. Raises UnsafeXML / BadXML."""
    text = _text_for_guard(data)
    marks = ("<!DOCTYPE", "<!ENTITY") if isinstance(text, str) else (b"<!DOCTYPE", b"<!ENTITY")
    if any(m in text for m in marks):
        raise UnsafeXML("DTD")
    try:
        return ET.fromstring(data)
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


def unescape(s: str) -> str:
    """Decode OOXML ``_xHHHH_`` escapes (``_x000D_`` is a carriage return, ``_x005F_`` a '_')."""
    if "_x" not in s:
        return s
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), s)


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

def col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def col_letters(c: int) -> str:
    s, c = "", c + 1
    while c:
        c, r = divmod(c - 1, 26)
        s = chr(65 + r) + s
    return s


_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")
_FREF = re.compile(r"(?<![A-Za-z0-9_.'\"])(\$?)([A-Z]{1,3})(\$?)(\d+)(?![A-Za-z0-9_(])")


def translate(formula: str, d_row: int, d_col: int) -> str:
    """A shared formula moved by (d_row, d_col): relative references shift, ``$`` ones stay."""
    def shift(m):
        c = m.group(2) if m.group(1) else col_letters(col_index(m.group(2)) + d_col)
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
    """Every cell of a worksheet part with its exact text and formula."""
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
                row_no = int(r_attr) if r_attr else row_no + 1
                col_no = -1
                for c in row:
                    if c.tag != t_c:
                        continue
                    ref = c.get("r")
                    if ref and not len(c):  # a styled empty cell: nothing to read
                        continue
                    if ref:
                        m = _REF.match(ref)
                        if m is None:
                            raise BadXML(f"bad cell reference {ref!r}")
                        col_no = col_index(m.group(1))
                    else:  # optional r: the next column of this row
                        col_no += 1
                        ref = f"{col_letters(col_no)}{row_no}"
                    cells[ref] = _cell(c, ns, t_v, t_f, t_is, strings, masters, row_no, col_no)
                    if len(cells) > max_cells:
                        raise BadXML("too many cells")
        elif tag == ns + "sheetProtection":
            out.protected = child.get("sheet") in ("1", "true")
        elif tag == ns + "mergeCells":
            out.merged = [m.get("ref") for m in child if m.get("ref")]
        elif tag == ns + "dimension":
            out.dimension = child.get("ref")
    return out


def _cell(c, ns, t_v, t_f, t_is, strings, masters, row_no, col_no) -> Cell:
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
        try:
            return Cell("s", strings[int(v)], f)
        except (ValueError, IndexError) as exc:
            raise BadXML(f"bad shared string index {v!r}") from exc
    if t == "inlineStr":
        is_el = c.find(t_is)
        return Cell("s", string_item(is_el, ns) if is_el is not None else None, f)
    if t == "str":
        return Cell("s" if v is not None else "", unescape(v) if v is not None else None, f)
    if v is None:
        return Cell("", None, f)
    return Cell(t if t in ("b", "e", "d") else "n", v, f)
