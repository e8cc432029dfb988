"""Hostile zip packages and XML parts (issue 8, items 21, 26, 27): each gets one specific
Chinese finding, nothing is inflated past what the package declares, and every file is read
or refused within ~200 MB and 5 s."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

from helpers import zipkit as zk
from nianbao.importer import import_workbook

SEED = zk.SEED.read_bytes()
MB = 2**20


def _imp(tmp_path: Path, data: bytes, name: str = "x.xlsx"):
    path = tmp_path / name
    path.write_bytes(data)
    return import_workbook(path)


def _refused(result, code: str, *words: str) -> str:
    assert not result.readable and result.report is None, [f.code for f in result.findings]
    assert [f.code for f in result.findings] == [code], [(f.code, f.message()) for f in result.findings]
    message = result.findings[0].message()
    for w in words:
        assert w in message, message
    assert "Error" not in message and "error" not in message, message
    return message


def _peak(fn):
    """(result, peak bytes allocated by Python while running fn) — zlib output and parse trees
    are Python objects, so an inflated bomb shows here."""
    tracemalloc.start()
    try:
        result = fn()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# ---- item 21: memory ----------------------------------------------------------------------

def test_member_inflating_past_its_declared_size_is_stopped_there(tmp_path):
    """A worksheet declared as 100 KB that deflates to 64 MB: reading stops at the declared
    size (zipfile would inflate up to 2 GB before comparing)."""
    bomb = zk.deflate_bomb(1 / 16)
    assert len(bomb) < 200 * 1024
    (tmp_path / "bomb.xlsx").write_bytes(bomb)
    t = time.perf_counter()
    result, peak = _peak(lambda: import_workbook(tmp_path / "bomb.xlsx"))
    assert time.perf_counter() - t < 1
    _refused(result, "FILE_TOO_LARGE", "声明")
    assert peak < 8 * MB, peak


@pytest.mark.parametrize("method,name", [(12, "bzip2"), (14, "lzma"), (9, "deflate64"), (6, "implode")])
def test_compression_methods_excel_and_wps_never_write_are_refused(tmp_path, method, name):
    data = zk.rebuild_raw(SEED, method=8)
    entries = [(i.filename, body, method if i.filename == "xl/sharedStrings.xml" else 8)
               for i, body in zk.members(data)]
    if method in (9, 6):  # not writable here: any bytes will do, they are refused unread
        entries = [(n, b, 0) if m != method else (n, b, 0) for n, b, m in entries]
        raw = zk.raw_zip(entries)
        raw = _set_method(raw, "xl/sharedStrings.xml", method)
    else:
        raw = zk.raw_zip(entries)
    _refused(_imp(tmp_path, raw), "FILE_ZIP_METHOD", "压缩方式", "另存为")


def _set_method(raw: bytes, name: str, method: int) -> bytes:
    """Patch the method field of one member in both its local header and the directory."""
    import struct

    data = bytearray(raw)
    n = name.encode()
    for sig, off in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        name_at = {b"PK\x03\x04": 30, b"PK\x01\x02": 46}[sig]
        i = data.find(sig)
        while i >= 0:
            if data[i + name_at:i + name_at + len(n)] == n:
                struct.pack_into("<H", data, i + off, method)
            i = data.find(sig, i + 4)
    return bytes(data)


def test_bzip2_bomb_with_a_lying_header_is_refused_unread(tmp_path):
    bomb = zk.bzip2_bomb(0.25)
    result, peak = _peak(lambda: _imp(tmp_path, bomb))
    _refused(result, "FILE_ZIP_METHOD")
    assert peak < 8 * MB, peak


def test_parts_past_the_total_budget_are_refused(tmp_path):
    """Every part under the per-part bound, their sum past the file's budget: refused once the
    budget is spent (the 36 MB workbook of the issue imported clean in 32 s / 515 MB)."""
    result = _imp(tmp_path, zk.big_workbook(1.0))
    _refused(result, "FILE_TOO_LARGE")


RUN = """
import json, sys, time
t = time.perf_counter()
from nianbao.importer import import_workbook
r = import_workbook(sys.argv[1])
dt = time.perf_counter() - t
with open("/proc/self/status") as fh:
    rss = int(next(line for line in fh if line.startswith("VmHWM")).split()[1]) * 1024
print(json.dumps({"s": dt, "rss": rss, "codes": [f.code for f in r.findings]}))
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc for the peak RSS")
@pytest.mark.parametrize("case", ["many_cells", "big_workbook", "deflate_bomb"])
def test_every_file_within_200_mb_and_5_s(tmp_path, case):
    path = tmp_path / f"{case}.xlsx"
    path.write_bytes(getattr(zk, case)(1.0 if case != "deflate_bomb" else 0.25))
    run = subprocess.run([sys.executable, "-c", RUN, str(path)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    m = json.loads(run.stdout)
    assert m["rss"] < 200 * MB and m["s"] < 5, m
    assert m["codes"][:1] == ["FILE_TOO_LARGE"], m


# ---- item 26: the DTD guard whatever the encoding -----------------------------------------

def _with_entity(xml: bytes, root: str, old: bytes, entity_value: str = "伪造单位") -> str:
    """The part with an internal entity declared and used in place of ``old``."""
    text = xml.decode("utf-8").replace('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>', "")
    text = text.replace(old.decode(), "&x;", 1)
    return f'<!DOCTYPE {root} [<!ENTITY x "{entity_value}">]>' + text


@pytest.mark.parametrize("encoding,bom", [("utf-16-be", b""), ("utf-16-le", b""), ("utf-16-be", b"\xfe\xff"),
                                          ("utf-16-le", b"\xff\xfe")])
@pytest.mark.parametrize("part,root,old", [
    ("docProps/custom.xml", "Properties", "中村镇人民政府".encode()),
    ("docProps/core.xml", "cp:coreProperties", b"2022-12-01T00:00:00Z</dcterms:modified>"),
    ("_rels/.rels", "Relationships", b"xl/workbook.xml"),
])
def test_dtd_refused_in_utf16_parts_with_or_without_bom(tmp_path, encoding, bom, part, root, old):
    xml = zk.part(SEED, part)
    text = _with_entity(xml, root, old, "xl/workbook.xml" if part == "_rels/.rels" else "伪造单位")
    if part == "docProps/core.xml":
        text = text.replace("&x;", "2030-01-01T00:00:00Z</dcterms:modified>")
    for decl in ('<?xml version="1.0" encoding="UTF-16"?>', ""):
        data = bom + (decl + text).encode(encoding)
        result = _imp(tmp_path, zk.rezip(SEED, {part: data}))
        _refused(result, "FILE_XML_UNSAFE", "不安全")


@pytest.mark.parametrize("encoding,bom", [("utf-16-be", b""), ("utf-16-le", b""), ("utf-16-le", b"\xff\xfe")])
def test_utf16_parts_without_a_dtd_still_read(tmp_path, encoding, bom):
    xml = zk.part(SEED, "docProps/custom.xml").decode()
    xml = xml.replace('encoding="UTF-8"', 'encoding="UTF-16"')
    result = _imp(tmp_path, zk.rezip(SEED, {"docProps/custom.xml": bom + xml.encode(encoding)}))
    assert result.readable and result.report.to_json()["org"]["name"] == "中村镇人民政府"


@pytest.mark.parametrize("data", [
    b"\x00\x00\x00<\x00\x00\x00?",  # UTF-32BE
    b"<\x00\x00\x00?\x00\x00\x00",  # UTF-32LE
    b"\x4c\x6f\xa7\x94\x93\x40",  # EBCDIC '<?xml '
    '<?xml version="1.0" encoding="GB2312"?><Properties/>'.encode(),
    '<?xml version="1.0" encoding="UTF-16"?><Properties/>'.encode(),  # says UTF-16, is not
])
def test_encodings_that_cannot_be_checked_are_refused(tmp_path, data):
    _refused(_imp(tmp_path, zk.rezip(SEED, {"docProps/custom.xml": data})), "FILE_XML_UNSAFE")


# ---- item 27: specific findings for odd packages and cells --------------------------------

def test_duplicate_member_names_are_refused(tmp_path):
    """Two members named alike (exactly, by case, or with a leading '/'): programs disagree on
    which one they show, so the numbers displayed may not be those imported."""
    sheet = zk.sheet_part(SEED, "三、依申请公开")
    body = zk.part(SEED, sheet)
    for dup in (sheet, sheet.upper(), "/" + sheet):
        data = zk.rebuild_raw(SEED, extra=[(dup, body, 8)])
        message = _refused(_imp(tmp_path, data), "FILE_ZIP_DUPLICATE", "同名")
        assert "sheet5.xml" in message.lower()


def test_corrupt_zip_version_field(tmp_path):
    data = zk.rebuild_raw(SEED, version_needed=20, cd_version_needed=99)
    _refused(_imp(tmp_path, data), "FILE_CORRUPT", "损坏")


@pytest.mark.parametrize("inner,t,what", [
    ("<v>-1</v>", "s", "共享字符串"),
    ("<v>99999</v>", "s", "共享字符串"),
    ("<v>²</v>", None, "数值"),
    ("<v>①</v>", None, "数值"),
    ("<v>1E+309</v>", None, "范围"),
    ("<v>NaN</v>", None, "数值"),
    ("<v>1E-99999</v>", None, "范围"),
    ("<v>maybe</v>", "b", "逻辑值"),
])
def test_corrupt_cells_are_named(tmp_path, inner, t, what):
    data = zk.set_cell(SEED, "t2.regulations.issued", inner, t)
    message = _refused(_imp(tmp_path, data), "FILE_CELL_CORRUPT", "二、主动公开", "B6", what)
    assert "Error" not in message


@pytest.mark.parametrize("row", ["8.0", "²", "-3", "0", "9999999"])
def test_odd_row_numbers_are_named(tmp_path, row):
    sheet = zk.sheet_part(SEED, "二、主动公开")
    data = zk.rezip(SEED, {sheet: lambda x: x.replace(b'<row r="6"', f'<row r="{row}"'.encode(), 1)})
    _refused(_imp(tmp_path, data), "FILE_CELL_CORRUPT", "二、主动公开", "行号")


@pytest.mark.parametrize("ref", ["B٦", "B6.0", "b6", "XFE6", "B0"])
def test_odd_cell_references_are_named(tmp_path, ref):
    sheet = zk.sheet_part(SEED, "二、主动公开")
    data = zk.rezip(SEED, {sheet: lambda x: x.replace(b'<c r="B6"', f'<c r="{ref}"'.encode(), 1)})
    _refused(_imp(tmp_path, data), "FILE_CELL_CORRUPT", "二、主动公开", "位置")
