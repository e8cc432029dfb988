"""Mutation fuzzing of the importer with hypothesis (issue 8): byte flips, XML-part edits and
zip attacks on real workbooks, a fixed number of derandomised examples (reproducible, ~15 s).

For every mutated file: no exception escapes and nothing is an unexpected error
(``FILE_UNEXPECTED``), every finding is said in Chinese, a report that is produced passes the
schema and encodes as UTF-8, every value is exact or null with a finding (a value in a sheet
the mutation did not touch is exactly the original's), and the memory a file takes is bounded.
"""

from __future__ import annotations

import json
import re
import tracemalloc
from functools import lru_cache
from pathlib import Path

import jsonschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import zipkit as zk
from nianbao.importer import import_workbook
from nianbao.layout import layout_for
from nianbao.report import dumps, schema
from nianbao.template_workbook import template_bytes

LAYOUT = layout_for("gb2021")
SHEET_OF = {p.id: p.sheet for p in LAYOUT.places if p.id}
INPUTS = [p.id for p in LAYOUT.places if p.role == "input"]
CHINESE = re.compile(r"[\u4e00-\u9fff]")
MB = 2**20
SETTINGS = settings(derandomize=True, max_examples=250, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck))

SNIPPETS = ["<!DOCTYPE x>", '<!ENTITY a "b">', "&#0;", "&#xD800;", "_xD800_", "_x001B_[2J", "&amp;", "</c>",
            "<v>1E+309</v>", "<v>-1</v>", '<c r="A1" t="s"><v>-1</v></c>', '<row r="8.0">', "\x00", "²", "①",
            "]]>", "<![CDATA[x]]>", "9" * 400, "-0", "NaN", "<f>1/0</f>", '<c r="B6"><v>7</v></c>', "\u202e",
            '<?xml version="1.0" encoding="UTF-16"?>', "<is><t>[/]</t></is>", '<sheetProtection sheet="0"/>',
            "<v>12345678901234567890</v>", "<v>0.1E-999</v>", 't="e"', 't="b"', 't="s"', 't="inlineStr"']


@lru_cache(maxsize=None)
def bases() -> tuple[tuple[bytes, dict], ...]:
    """(workbook, its values) for the seed (filled, with texts) and a blank template."""
    out = []
    for data in (zk.SEED.read_bytes(), template_bytes(year=2026, org=None)):
        path = Path(f"/tmp/nianbao-fuzz-base-{len(out)}.xlsx")
        path.write_bytes(data)
        out.append((data, import_workbook(path).report.values))
        path.unlink()
    return tuple(out)


@lru_cache(maxsize=None)
def parts(which: int) -> tuple[str, ...]:
    return tuple(i.filename for i, _ in zk.members(bases()[which][0]) if i.filename.endswith((".xml", ".rels")))


@lru_cache(maxsize=None)
def sheets_of_parts(which: int) -> dict[str, str]:
    from nianbao.reader import open_workbook

    wb = open_workbook(bases()[which][0])
    return {info.part: name for name, info in wb.sheets.items()}


# ---- mutations -----------------------------------------------------------------------------

@st.composite
def byte_flips(draw, data: bytes):
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 8))):
        out[draw(st.integers(0, len(out) - 1))] ^= draw(st.integers(1, 255))
    return bytes(out), set()  # a flip the CRC misses changed no cell


@st.composite
def xml_edits(draw, which: int):
    data = bases()[which][0]
    name = draw(st.sampled_from(parts(which)))
    xml = zk.part(data, name)
    op = draw(st.sampled_from(["delete", "duplicate", "insert", "value", "attr"]))
    at = draw(st.integers(0, len(xml)))
    if op == "delete":
        xml = xml[:at] + xml[at + draw(st.integers(1, 200)):]
    elif op == "duplicate":
        piece = xml[at:at + draw(st.integers(1, 400))]
        where = draw(st.integers(0, len(xml)))
        xml = xml[:where] + piece + xml[where:]
    elif op == "insert":
        xml = xml[:at] + draw(st.sampled_from(SNIPPETS)).encode("utf-8") + xml[at:]
    else:
        pattern = rb"<v>[^<]*</v>" if op == "value" else rb'\br="[^"]*"'
        found = list(re.finditer(pattern, xml))
        if found:
            m = found[draw(st.integers(0, len(found) - 1))]
            new = draw(st.sampled_from(SNIPPETS + ["0", "3", "-3", "2.5", "1e3", " 7 ", "٣", "B6", "A0"]))
            new = f"<v>{new}</v>" if op == "value" else f'r="{new}"'
            xml = xml[:m.start()] + new.encode("utf-8") + xml[m.end():]
    sheet = sheets_of_parts(which).get(name)
    touched = set(sheets_of_parts(which).values()) if name.endswith("sharedStrings.xml") else (
        {sheet} if sheet else set())
    return zk.rezip(data, {name: xml}), touched


NUMBERS = ["0", "7", "-3", "2.5", "1e3", "1E+308", "1E+309", "-1E+400", "1E-400", "0.1E-999", " 12 ", "²", "①",
           "٣", "１２", "NaN", "inf", "-0", "+5", "1_000", "0x10", "12345678901234567890", "3.", ".5", "",
           "9" * 400, "[/]", "\u202e5", "TRUE", "#DIV/0!", "2026-01-01T00:00:00"]


@st.composite
def cell_edits(draw, which: int):
    """An input cell of the layout given a hostile value and type."""
    data = bases()[which][0]
    item = draw(st.sampled_from(INPUTS))
    value = draw(st.sampled_from(NUMBERS))
    t = draw(st.sampled_from([None, "n", "s", "b", "e", "str", "d", "inlineStr", "x"]))
    inner = f"<is><t>{value}</t></is>" if t == "inlineStr" else f"<v>{value}</v>"
    from xml.sax.saxutils import escape

    inner = inner.replace(value, escape(value)) if value else inner
    return zk.set_cell(data, item, inner, t), {SHEET_OF[item]}


@st.composite
def zip_attacks(draw, which: int):
    data = bases()[which][0]
    entries = [(i.filename, body, 8) for i, body in zk.members(data)]
    op = draw(st.sampled_from(["duplicate", "method", "size", "drop", "truncate", "garbage", "flags"]))
    k = draw(st.integers(0, len(entries) - 1))
    if op == "duplicate":
        name, body, _ = entries[k]
        entries.append((draw(st.sampled_from([name, name.upper(), "/" + name])), body[::-1], 8))
    elif op == "method":
        name, body, _ = entries[k]
        entries[k] = (name, body, draw(st.sampled_from([0, 12, 14])))
    elif op == "size":
        name, body, _ = entries[k]
        entries[k] = (name, body, 8, draw(st.integers(0, 2**32 - 1)))
    elif op == "drop":
        del entries[k]
    raw = zk.raw_zip(entries)
    if op == "truncate":
        raw = raw[:draw(st.integers(0, len(raw) - 1))]
    elif op == "garbage":
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.binary(min_size=1, max_size=64)) + raw[at:]
    elif op == "flags":
        i = raw.find(b"PK\x01\x02")
        raw = raw[:i + 8] + draw(st.integers(0, 0xFFFF)).to_bytes(2, "little") + raw[i + 10:]
    return raw, {"*"} if op in ("duplicate", "garbage") else set()


@st.composite
def mutated(draw):
    which = draw(st.integers(0, len(bases()) - 1))
    kind = draw(st.sampled_from(["flip", "xml", "cell", "zip"]))
    if kind == "flip":
        data, touched = draw(byte_flips(bases()[which][0]))
    elif kind == "cell":
        data, touched = draw(cell_edits(which))
    elif kind == "xml":
        data, touched = draw(xml_edits(which))
    else:
        data, touched = draw(zip_attacks(which))
    return which, data, touched


# ---- the properties ------------------------------------------------------------------------

_VALIDATOR = None


def _validate(report) -> None:
    global _VALIDATOR
    if _VALIDATOR is None:
        _VALIDATOR = jsonschema.Draft202012Validator(schema())
    _VALIDATOR.validate(json.loads(dumps(report)))


@SETTINGS
@given(mutated())
def test_mutated_workbooks(tmp_path_factory, case):
    which, data, touched = case
    path = tmp_path_factory.getbasetemp() / "fuzz.xlsx"
    path.write_bytes(data)
    tracemalloc.start()
    try:
        result = import_workbook(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 * MB, peak
    codes = [f.code for f in result.findings]
    assert "FILE_UNEXPECTED" not in codes, [f.message() for f in result.findings]
    assert result.findings or result.readable
    for f in result.findings:
        message = f.message()
        assert CHINESE.search(message) and "Traceback" not in message, message
    if not result.readable:
        assert result.report is None and len(result.findings) == 1
        return
    dumps(result.report).encode("utf-8")  # no lone surrogate reaches the JSON
    _validate(result.report)
    base = bases()[which][1]
    values = result.report.values
    for item in INPUTS:
        if values[item] is None:
            assert result.findings, f"{item} is null without a finding"
        elif "*" not in touched and SHEET_OF[item] not in touched:
            assert values[item] == base[item], (item, values[item], base[item])
