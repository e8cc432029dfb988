"""Zip and XML surgery on real workbooks, for hostile files no spreadsheet program writes.

Used by the robustness tests and by ``tests/files/make_hostile.py`` (the committed corpus).
Everything works on bytes: ``members(data)`` lists a package, ``rezip`` rebuilds it with parts
replaced, ``set_cell`` rewrites one cell of a sheet (by data point id or sheet and A1 reference),
``raw_zip`` writes a package byte by byte (duplicate names, any compression method, lying
headers), which ``zipfile`` refuses to do.
"""

from __future__ import annotations

import base64
import io
import random
import re
import struct
import zipfile
import zlib
from pathlib import Path

from nianbao.layout import layout_for

SEED = Path(__file__).resolve().parents[2] / "samples" / "zhongcun-2022.xlsx"
LAYOUT_SHEETS = ("封面", "一、总体情况", "二、主动公开", "三、依申请公开", "四、复议诉讼", "五六、问题及其他")

WHERE = {p.id: (p.sheet, p.ref) for p in layout_for("gb2021").places if p.id}


def members(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    z = zipfile.ZipFile(io.BytesIO(data))
    return [(i, z.read(i)) for i in z.infolist()]


def rezip(data: bytes, edits: dict | None = None, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """The package with members replaced (name -> bytes, or a callable old -> new bytes; None
    removes the member); new names are appended. The same inputs give the same bytes."""
    edits = dict(edits or {})
    buf = io.BytesIO()

    def put(out, name, body):
        info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
        info.compress_type = method
        out.writestr(info, body)

    with zipfile.ZipFile(buf, "w", method) as out:
        for info, body in members(data):
            if info.filename in edits:
                edit = edits.pop(info.filename)
                if edit is None:
                    continue
                body = edit(body) if callable(edit) else edit
            put(out, info.filename, body)
        for name, body in edits.items():
            if body is not None and not callable(body):
                put(out, name, body)
    return buf.getvalue()


def part(data: bytes, name: str) -> bytes:
    return zipfile.ZipFile(io.BytesIO(data)).read(name)


def sheet_part(data: bytes, sheet: str) -> str:
    from nianbao.reader import open_workbook

    return open_workbook(data).sheets[sheet].part


def set_cell(data: bytes, where, inner: str, t: str | None = None) -> bytes:
    """Rewrite one cell: ``where`` is a data point id or (sheet, ref); ``inner`` the cell's XML
    content (``<v>1E+308</v>``, ``<is><t>x</t></is>``), ``t`` its type attribute."""
    sheet, ref = WHERE[where] if isinstance(where, str) else where
    name = sheet_part(data, sheet)
    t_attr = f' t="{t}"' if t else ""

    def edit(xml: bytes) -> bytes:
        text = xml.decode("utf-8")
        pat = re.compile(rf'<c r="{ref}"((?: s="\d+")?)[^>]*?(?:/>|>.*?</c>)', re.S)
        new, n = pat.subn(lambda m: f'<c r="{ref}"{m.group(1)}{t_attr}>{inner}</c>', text, count=1)
        assert n == 1, (sheet, ref)
        return new.encode("utf-8")

    return rezip(data, {name: edit})


def set_text(data: bytes, where, text: str) -> bytes:
    """A text cell holding exactly ``text`` (XML-escaped, as an inline string)."""
    from xml.sax.saxutils import escape

    return set_cell(data, where, f'<is><t xml:space="preserve">{escape(text)}</t></is>', "inlineStr")


def set_identity(data: bytes, props: bool = True, sheet: bool = True, **values) -> bytes:
    """The workbook with identity keys changed in the document properties and/or the very
    hidden identity sheet (``key=value``: nianbao.<key>)."""
    from nianbao.layout import META_KEYS

    if props:
        def edit(xml: bytes) -> bytes:
            text = xml.decode("utf-8")
            for key, value in values.items():
                text, n = re.subn(rf'(name="nianbao\.{key}"><vt:lpwstr>)[^<]*(</vt:lpwstr>)',
                                  lambda m: m.group(1) + value + m.group(2), text)  # noqa: B023 (called at once)
                assert n == 1, key
            return text.encode("utf-8")
        data = rezip(data, {"docProps/custom.xml": edit})
    if sheet:
        for key, value in values.items():
            row = META_KEYS.index(key) + 1
            data = set_cell(data, ("_nianbao", f"B{row}"), f"<is><t>{value}</t></is>", "inlineStr")
    return data


def raw_zip(entries, *, version_needed: int = 20, cd_version_needed: int | None = None) -> bytes:
    """A zip written by hand: ``entries`` are (name, data, method[, declared size]); methods 0
    (stored), 8 (deflate), 12 (bzip2), 14 (lzma). Names may repeat; the declared uncompressed
    size may lie."""
    import bz2
    import lzma

    out, central = io.BytesIO(), []
    for entry in entries:
        name, body, method = entry[:3]
        declared = entry[3] if len(entry) > 3 else len(body)
        if method == 8:
            co = zlib.compressobj(9, zlib.DEFLATED, -15)
            packed = co.compress(body) + co.flush()
        elif method == 12:
            packed = bz2.compress(body, 9)
        elif method == 14:
            props = lzma._encode_filter_properties({"id": lzma.FILTER_LZMA1})
            packed = struct.pack("<BBH", 9, 4, len(props)) + props + lzma.compress(
                body, format=lzma.FORMAT_RAW, filters=[{"id": lzma.FILTER_LZMA1}])
        else:
            packed = body
        crc = zlib.crc32(body)
        raw_name = name.encode("utf-8") if isinstance(name, str) else name
        flags = 0x800 if isinstance(name, str) and not name.isascii() else 0
        offset = out.tell()
        out.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", version_needed, flags, method, 0, 0x21,
                              crc, len(packed), declared, len(raw_name), 0))
        out.write(raw_name + packed)
        central.append(struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20,
                                   cd_version_needed if cd_version_needed is not None else version_needed,
                                   flags, method, 0, 0x21, crc, len(packed), declared, len(raw_name),
                                   0, 0, 0, 0, 0, offset) + raw_name)
    start = out.tell()
    for c in central:
        out.write(c)
    size = out.tell() - start
    out.write(struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(central), len(central), size, start, 0))
    return out.getvalue()


def rebuild_raw(data: bytes, edits: dict | None = None, extra=(), method: int = 8, **kw) -> bytes:
    """A real workbook re-written with :func:`raw_zip` (so its members can be given any method,
    lying sizes, or be followed by ``extra`` entries, duplicates included)."""
    edits = dict(edits or {})
    entries = []
    for info, body in members(data):
        e = edits.get(info.filename, body)
        entries.append((info.filename, e(body) if callable(e) else e, method))
    return raw_zip(entries + list(extra), **kw)


# ---- the big cases of issue 8 item 21 (benchmarks/bench_hostile.py times them) ----

def _deflate(n_bytes: int, fill: bytes = b" ") -> bytes:
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = fill * 2**20
    parts = [co.compress(chunk) for _ in range(n_bytes // 2**20)]
    return b"".join(parts) + co.flush()


def deflate_bomb(scale: float) -> bytes:
    """A sheet member declared as 100 KB whose deflate stream inflates to 1 GB * scale."""
    seed = SEED.read_bytes()
    name = sheet_part(seed, "三、依申请公开")
    entries = [(i.filename, body, 8) for i, body in members(seed) if i.filename != name]
    body = b"<worksheet>" + b" " * (int(2**30 * scale) - 25) + b"</worksheet>"
    entries.append((name, body, 8, 100 * 1024))
    return raw_zip(entries)


def bzip2_bomb(scale: float) -> bytes:
    seed = SEED.read_bytes()
    name = sheet_part(seed, "三、依申请公开")
    edits = {name: b"<worksheet>" + b"\0" * int(400 * 2**20 * scale) + b"</worksheet>"}
    entries = [(i.filename, body, 8) for i, body in members(seed) if i.filename != name]
    entries.append((name, edits[name], 12, 100 * 1024))  # declared: 100 KB
    return raw_zip(entries)


def _pad_sheets(cells_per_sheet: int, cell) -> bytes:
    """The seed with ``cells_per_sheet`` extra cells below the layout in each layout sheet."""
    seed = SEED.read_bytes()
    edits = {}
    for sheet in LAYOUT_SHEETS:
        name = sheet_part(seed, sheet)
        rows, per_row = [], 10
        for r in range(cells_per_sheet // per_row):
            row = 1000 + r
            cs = "".join(cell(f"{chr(65 + c)}{row}") for c in range(per_row))
            rows.append(f'<row r="{row}">{cs}</row>')
        extra = "".join(rows).encode()
        edits[name] = lambda x, extra=extra: x.replace(b"</sheetData>", extra + b"</sheetData>")
    return rezip(seed, edits)


def many_cells(scale: float) -> bytes:
    return _pad_sheets(int(199_000 * scale), lambda ref: f'<c r="{ref}"><v>1</v></c>')


def big_workbook(scale: float) -> bytes:
    rng = random.Random(8)

    def cell(ref):
        text = base64.b64encode(rng.randbytes(90)).decode()
        return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'

    return _pad_sheets(int(65_000 * scale), cell)
