"""Regenerate ``hostile/``: the fuzz cases of issue 8 as small files, each with what the
importer must say about it (``hostile/expected.json``: the finding code it must give, or that
it reads the file).

    python3 tests/files/make_hostile.py

Every file is the seed workbook (``samples/zhongcun-2022.xlsx``) with one thing done to it that
no spreadsheet program does: byte-level zip attacks, XML parts in other encodings, cells no
writer writes, identities edited. The same inputs give the same bytes, so
``tests/test_hostile_corpus.py`` can check that the committed files are what this script makes.
"""

from __future__ import annotations

import json
import re
import struct
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # tests/, for helpers.zipkit
sys.path.insert(0, str(HERE.parents[1] / "src"))

from helpers import zipkit as zk  # noqa: E402

OUT = HERE / "hostile"
SEED = zk.SEED.read_bytes()
SHEET2 = "二、主动公开"
ISSUED = "t2.regulations.issued"  # 二、主动公开 B6


def _sheet(name: str = SHEET2) -> str:
    return zk.sheet_part(SEED, name)


def _dtd(part: str, root: str, old: str, value: str, encoding: str, bom: bytes = b"") -> bytes:
    xml = zk.part(SEED, part).decode("utf-8")
    xml = xml.replace('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>', "")
    xml = f'<!DOCTYPE {root} [<!ENTITY x "{value}">]>' + xml.replace(old, "&x;", 1)
    return zk.rezip(SEED, {part: bom + xml.encode(encoding)})


def _hidden(**values) -> bytes:
    return zk.set_identity(SEED, **values)


def _patch(data: bytes, sig: bytes, offset: int, fmt: str, value, name: bytes | None = None) -> bytes:
    """Set a field in every local header or directory entry (``sig``), or only in those of
    member ``name``."""
    out = bytearray(data)
    name_at = 30 if sig == b"PK\x03\x04" else 46
    i = out.find(sig)
    while i >= 0:
        if name is None or out[i + name_at:i + name_at + len(name)] == name:
            struct.pack_into(fmt, out, i + offset, value)
        i = out.find(sig, i + 4)
    return bytes(out)


def cases() -> dict[str, tuple[bytes, dict]]:
    raw = zk.rebuild_raw(SEED)
    sheet, body = _sheet(), zk.part(SEED, _sheet())
    sst = "xl/sharedStrings.xml"
    laughs = (b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
              b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&b;</t></si></sst>')
    many = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            + b"<row/>" * 250_000 + b"</sheetData></worksheet>")
    return {
        # values and texts
        "text-lone-surrogate.xlsx": (zk.set_text(SEED, "s1.intro", "abc_xD800_def"),
                                     {"readable": True, "text": ["s1.intro", "abc_xD800_def"]}),
        "text-escape-sequence.xlsx": (zk.set_text(SEED, "s1.intro", "_x001B_[2J_x001B_[31m红"),
                                      {"readable": True, "text": ["s1.intro", "\x1b[2J\x1b[31m红"]}),
        "count-markup.xlsx": (zk.set_text(SEED, ISSUED, "[/]"), {"readable": True, "code": "VALUE_NOT_NUMBER"}),
        "count-1e308.xlsx": (zk.set_cell(SEED, ISSUED, "<v>1E+308</v>"), {"readable": True}),
        "count-1e309.xlsx": (zk.set_cell(SEED, ISSUED, "<v>1E+309</v>"), {"code": "FILE_CELL_CORRUPT"}),
        "fee-1e400.xlsx": (zk.set_cell(SEED, "t2.fees.amount", "<v>1E+400</v>"), {"code": "FILE_CELL_CORRUPT"}),
        "count-superscript-two.xlsx": (zk.set_cell(SEED, ISSUED, "<v>²</v>"), {"code": "FILE_CELL_CORRUPT"}),
        "count-circled-one.xlsx": (zk.set_cell(SEED, ISSUED, "<v>①</v>"), {"code": "FILE_CELL_CORRUPT"}),
        "count-shared-string-minus-one.xlsx": (zk.set_cell(SEED, ISSUED, "<v>-1</v>", "s"),
                                               {"code": "FILE_CELL_CORRUPT"}),
        # rows and cells no writer writes
        "row-8.0.xlsx": (zk.rezip(SEED, {sheet: body.replace(b'<row r="6"', b'<row r="6.0"', 1)}),
                         {"code": "FILE_CELL_CORRUPT"}),
        "cell-arabic-indic-digit.xlsx": (zk.rezip(SEED, {sheet: body.replace(b'<c r="B6"', '<c r="B٦"'.encode(), 1)}),
                                         {"code": "FILE_CELL_CORRUPT"}),
        "cell-twice.xlsx": (zk.rezip(SEED, {sheet: re.sub(rb'(<c r="B6"[^>]*>.*?</c>)', rb"\1\1", body, count=1)}),
                            {"code": "FILE_CELL_CORRUPT"}),
        "many-tags.xlsx": (zk.rezip(SEED, {_sheet("四、复议诉讼"): many}), {"code": "FILE_TOO_LARGE"}),
        # the zip itself
        "zip-version-field.xlsx": (zk.rebuild_raw(SEED, cd_version_needed=99), {"code": "FILE_CORRUPT"}),
        "zip-duplicate-member.xlsx": (zk.rebuild_raw(SEED, extra=[(sheet, body, 8)]), {"code": "FILE_ZIP_DUPLICATE"}),
        "zip-duplicate-by-case.xlsx": (zk.rebuild_raw(SEED, extra=[(sheet.upper(), body, 8)]),
                                       {"code": "FILE_ZIP_DUPLICATE"}),
        "zip-bzip2-member.xlsx": (zk.raw_zip([(i.filename, b, 12 if i.filename == sst else 8)
                                              for i, b in zk.members(SEED)]), {"code": "FILE_ZIP_METHOD"}),
        "zip-lzma-member.xlsx": (zk.raw_zip([(i.filename, b, 14 if i.filename == sst else 8)
                                             for i, b in zk.members(SEED)]), {"code": "FILE_ZIP_METHOD"}),
        "zip-lying-size.xlsx": (zk.deflate_bomb(1 / 512), {"code": "FILE_TOO_LARGE"}),
        # the first occurrence of a name is in its local header: the directory says otherwise
        "zip-local-name-differs.xlsx": (raw.replace(sheet.encode(), sheet.replace("sheet", "shEet").encode(), 1),
                                        {"code": "FILE_CORRUPT"}),
        "zip-crc.xlsx": (_patch(raw, b"PK\x01\x02", 16, "<I", 0x12345678, sst.encode()), {"code": "FILE_TRUNCATED"}),
        "zip-truncated.xlsx": (SEED[: len(SEED) * 2 // 3], {"code": "FILE_TRUNCATED"}),
        # XML the guard must see through
        "dtd-utf16be-custom.xlsx": (_dtd("docProps/custom.xml", "Properties", "中村镇人民政府", "伪造单位", "utf-16-be"),
                                    {"code": "FILE_XML_UNSAFE"}),
        "dtd-utf16le-core.xlsx": (_dtd("docProps/core.xml", "cp:coreProperties", "2022-12-01T00:00:00Z</dcterms:modified>",
                                       "2030-01-01T00:00:00Z</dcterms:modified>", "utf-16-le"),
                                  {"code": "FILE_XML_UNSAFE"}),
        "dtd-utf16be-rels.xlsx": (_dtd("_rels/.rels", "Relationships", "xl/workbook.xml", "xl/workbook.xml",
                                       "utf-16-be"), {"code": "FILE_XML_UNSAFE"}),
        "xml-utf32.xlsx": (zk.rezip(SEED, {"docProps/custom.xml": zk.part(SEED, "docProps/custom.xml")
                                           .decode().encode("utf-32")}), {"code": "FILE_XML_UNSAFE"}),
        "xml-billion-laughs.xlsx": (zk.rezip(SEED, {sst: laughs}), {"code": "FILE_XML_UNSAFE"}),
        # identity
        "identity-year-3000.xlsx": (_hidden(year="3000"), {"readable": True, "code": "TEMPLATE_YEAR_INVALID"}),
        "identity-other-body.xlsx": (_hidden(org_code="140521101"),
                                     {"readable": True, "code": "TEMPLATE_IDENTITY_CONFLICT", "org": "140521100"}),
    }


def main() -> None:
    OUT.mkdir(exist_ok=True)
    expected = {}
    for name, (data, expect) in cases().items():
        (OUT / name).write_bytes(data)
        expected[name] = expect
    (OUT / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                       encoding="utf-8")
    print(f"{len(expected)} files in {OUT} ({sum(p.stat().st_size for p in OUT.iterdir()) // 1024} KB)")


if __name__ == "__main__":
    main()
