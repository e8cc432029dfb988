"""The hardened reader against openpyxl (the reference), cell by cell, and the XML variants of
other writers: inline strings, rich text, escapes, shared formulas, prefixed elements, absolute
relationship targets, cells without ``r``."""

from __future__ import annotations

import re
from decimal import Decimal

import openpyxl
import pytest

from helpers.import_kit import FEES, at, consistent, fill, imp, patch_zip, sheet_part, template
from nianbao.reader import open_workbook
from nianbao.reader_xml import translate


def _cells(path):
    wb = open_workbook(path.read_bytes(), path.name)
    return wb, {name: wb.sheet(name).cells for name in wb.sheets}


def _same(mine, theirs, formula: bool) -> bool:
    theirs = getattr(theirs, "text", theirs)  # openpyxl's ArrayFormula (the template's statuses)
    if mine is None or mine.v is None and mine.f is None:
        return theirs is None or theirs == ""
    if formula and mine.f is not None:
        return theirs == "=" + mine.f
    if isinstance(theirs, bool):
        return mine.t == "b" and (mine.v in ("1", "true")) == theirs
    if isinstance(theirs, (int, float)):
        return mine.t == "n" and Decimal(mine.v) == Decimal(repr(theirs))
    if theirs is None:
        return mine.v is None or mine.v == ""
    return mine.v == str(theirs)


def agree_with_openpyxl(path):
    """Every cell's value (data_only) and formula as openpyxl reads them."""
    _, sheets = _cells(path)
    for data_only in (True, False):
        ref = openpyxl.load_workbook(path, data_only=data_only)
        assert set(ref.sheetnames) == set(sheets)
        for ws in ref.worksheets:
            mine = sheets[ws.title]
            seen = set()
            for row in ws.iter_rows():
                for c in row:
                    seen.add(c.coordinate)
                    assert _same(mine.get(c.coordinate), c.value, not data_only), \
                        (path.name, ws.title, c.coordinate, mine.get(c.coordinate), c.value)
            extra = {r for r, c in mine.items() if r not in seen and (c.v or c.f)}
            assert not extra, extra


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    import random

    tmp = tmp_path_factory.mktemp("reader")
    prefilled = template(tmp, "prefilled.xlsx", prefill={**consistent(random.Random(3).randint),
                                                          "s1.intro": "第一行\n第二行", "s6.processing_fees": FEES})
    typed = fill(template(tmp, "t.xlsx"), tmp / "typed.xlsx", consistent(random.Random(4).randint),
                 {"s5.problems_and_improvements": "问题\r\n改进", "contact.person": "李四"})
    return {"prefilled": prefilled, "typed": typed, "tmp": tmp}


def test_template_written_by_xlsxwriter(files):
    agree_with_openpyxl(files["prefilled"])


def test_filled_by_openpyxl_inline_strings_absolute_targets(files):
    agree_with_openpyxl(files["typed"])


def test_identity_names_and_properties(files):
    wb, _ = _cells(files["prefilled"])
    assert wb.custom_properties()["nianbao.format"] == "gb2021"
    assert wb.sheets["_nianbao"].state == "veryHidden"
    assert wb.name_target("nb.t3.received.natural_person") == at("t3.received.natural_person")
    assert wb.core_properties()["modified"].startswith("2022-12-01")
    assert wb.sheet("三、依申请公开").protected


SST = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
       'spreadsheetml/2006/main" count="3" uniqueCount="3">'
       '<si><r><rPr><b/></rPr><t>加粗</t></r><r><t xml:space="preserve"> 与普通</t></r>'
       '<rPh sb="0" eb="1"><t>ふりがな</t></rPh></si>'
       '<si><t>行一_x000D_\n行二</t></si><si><t>字面量_x005F_x000D_</t></si></sst>')


def test_rich_text_phonetics_and_escapes(files, tmp_path):
    path = files["typed"]
    part = sheet_part(path, "五六、问题及其他")
    sheet, ref = at("s5.problems_and_improvements")
    sheet2, ref2 = at("s6.other_matters")

    def cells(b):
        b = re.sub(rb'<c r="%s"([^>]*?)(/>|>.*?</c>)' % ref.encode(), b'<c r="%s" t="s"><v>0</v></c>' % ref.encode(), b, flags=re.S)
        return re.sub(rb'<c r="%s"([^>]*?)(/>|>.*?</c>)' % ref2.encode(), b'<c r="%s" t="s"><v>1</v></c>' % ref2.encode(), b, flags=re.S)
    out = patch_zip(path, tmp_path / "rich.xlsx", {part: cells, "xl/sharedStrings.xml": SST.encode()})
    wb, sheets = _cells(out)
    assert sheets[sheet][ref].v == "加粗 与普通"
    assert sheets[sheet2][ref2].v == "行一\r\n行二"
    assert wb.strings()[2] == "字面量_x000D_"  # _x005F_ escapes the underscore itself
    texts = imp(out).report.to_json()["texts"]
    assert texts["s5.problems_and_improvements"] == "加粗 与普通"
    assert texts["s6.other_matters"] == "行一\r\n行二"


def test_other_cell_types(files, tmp_path):
    path = files["typed"]
    sheet, ref = at("t4.review.upheld")
    part = sheet_part(path, sheet)
    row = int(ref[1:])
    new_row = (f'<row r="{row + 20}"><c r="A{row + 20}" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>'
               f'<c t="b"><v>1</v></c><c t="e"><v>#DIV/0!</v></c><c t="d"><v>2023-01-05T00:00:00</v></c>'
               f'<c t="inlineStr"><is><r><t>富</t></r><r><t>文本</t></r></is></c><c><v>1.5E-3</v></c></row>')
    out = patch_zip(path, tmp_path / "types.xlsx", {part: lambda b: b.replace(b"</sheetData>", new_row.encode() + b"</sheetData>")})
    _, sheets = _cells(out)
    cells = sheets[sheet]
    r = row + 20
    assert (cells[f"A{r}"].t, cells[f"A{r}"].v, cells[f"A{r}"].f) == ("s", "ab", '"a"&"b"')
    assert (cells[f"B{r}"].t, cells[f"B{r}"].v) == ("b", "1")
    assert (cells[f"C{r}"].t, cells[f"C{r}"].v) == ("e", "#DIV/0!")
    assert cells[f"D{r}"].t == "d"
    assert cells[f"E{r}"].v == "富文本"
    assert cells[f"F{r}"].v == "1.5E-3"


def test_shared_formulas_are_translated(files, tmp_path):
    """Excel writes a dragged formula once (``t="shared"``) and refers to it from the others."""
    path = files["prefilled"]
    sheet = "三、依申请公开"
    part = sheet_part(path, sheet)
    refs = [at(f"t3.{r}.total")[1] for r in ("received", "carried_over", "granted")]

    def share(b):
        for i, ref in enumerate(refs):
            tag = (b'<f t="shared" ref="%s:%s" si="7">\\1</f>' % (refs[0].encode(), refs[-1].encode())
                   if i == 0 else b'<f t="shared" si="7"/>')
            b = re.sub(rb'(<c r="%s"[^>]*>)<f>([^<]*)</f>' % ref.encode(),
                       lambda m, tag=tag: m.group(1) + tag.replace(b"\\1", m.group(2)), b)
        return b
    out = patch_zip(path, tmp_path / "shared.xlsx", {part: share})
    assert open_workbook(out.read_bytes()).sheet(sheet).cells[refs[2]].f == "SUM(D9:I9)"
    agree_with_openpyxl(out)
    assert not [f for f in imp(out).findings if f.code.startswith("TOTAL_")]


def test_translate_keeps_absolute_and_strings():
    assert translate('SUM(D7:I7)+$A$1+A$2+"D7"', 2, 1) == 'SUM(E9:J9)+$A$1+B$2+"D7"'
    assert translate("'三、依申请公开'!D7*LOG10(B2)", 1, 0) == "'三、依申请公开'!D8*LOG10(B3)"


def _prefix(b: bytes) -> bytes:
    """Rewrite a part the way some writers do: every element with an ``x:`` prefix."""
    main = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    if main not in b:
        return b
    b = b.replace(b'xmlns="' + main + b'"', b'xmlns:x="' + main + b'"')
    return re.sub(rb"<(/?)([A-Za-z][\w]*)([\s/>])", rb"<\1x:\2\3", b)


def test_prefixed_elements_and_cells_without_r(files, tmp_path):
    path = files["typed"]
    import zipfile

    with zipfile.ZipFile(path) as z:
        parts = [n for n in z.namelist() if n.startswith("xl/") and n.endswith(".xml")]
    edits = {n: _prefix for n in parts}
    out = patch_zip(path, tmp_path / "prefixed.xlsx", edits)
    assert b"<x:c " in zipfile.ZipFile(out).read(sheet_part(path, "三、依申请公开"))
    assert imp(out).report.to_json()["values"] == imp(path).report.to_json()["values"]
    # cells without an r attribute take the next column; rows without r the next row
    bare = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            b'<row><c><v>1</v></c><c t="inlineStr"><is><t>x</t></is></c></row><row r="5"><c/><c><v>7</v></c></row>'
            b"</sheetData></worksheet>")
    from nianbao.reader_xml import sheet_cells
    cells = sheet_cells(bare, [], 100).cells
    assert cells["A1"].v == "1" and cells["B1"].v == "x" and cells["B5"].v == "7"
