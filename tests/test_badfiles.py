"""Every kind of bad file gets one clear Chinese finding, no exception, bounded time and memory."""

from __future__ import annotations

import os
import shutil
import struct
import time
import zipfile
from pathlib import Path

import pytest

from helpers.import_kit import FEES, imp, patch_zip, sheet_part, template
from nianbao.importer import import_workbook

FILES = Path(__file__).resolve().parent / "files"


def _only(result, code: str, *words: str):
    assert not result.readable and result.report is None
    assert [f.code for f in result.findings] == [code]
    message = result.findings[0].message()
    for w in words:
        assert w in message, message
    return message


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    return template(tmp_path_factory.mktemp("good"), prefill={"s6.processing_fees": FEES})


def test_empty_and_random_bytes(tmp_path):
    (tmp_path / "empty.xlsx").write_bytes(b"")
    _only(import_workbook(tmp_path / "empty.xlsx"), "FILE_EMPTY", "空")
    (tmp_path / "random.xlsx").write_bytes(os.urandom(5000))
    _only(import_workbook(tmp_path / "random.xlsx"), "FILE_NOT_XLSX", "另存为")
    (tmp_path / "notes.xlsx").write_text("单位名称,数量\n甲,1\n", encoding="utf-8")
    _only(import_workbook(tmp_path / "notes.xlsx"), "FILE_NOT_XLSX")


def test_html_saved_as_xls(tmp_path):
    (tmp_path / "export.xls").write_text("<html><body><table><tr><td>1</td></tr></table></body></html>")
    _only(import_workbook(tmp_path / "export.xls"), "FILE_NOT_XLSX", "网页")


def test_encrypted_workbook():
    _only(import_workbook(FILES / "encrypted.xlsx"), "FILE_ENCRYPTED", "请取消打开密码后重新提交")


def test_legacy_xls_and_wps_et(tmp_path):
    _only(import_workbook(FILES / "legacy.xls"), "FILE_XLS", "请另存为 .xlsx")
    shutil.copy(FILES / "legacy.xls", tmp_path / "填报表.et")
    _only(import_workbook(tmp_path / "填报表.et"), "FILE_ET", "WPS", ".xlsx")


def test_xlsm_values_read_macros_never_run(good, tmp_path):
    out = patch_zip(good, tmp_path / "macro.xlsm", {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 not run"})
    result = imp(out)
    assert result.readable and result.report.to_json()["org"]["name"] == "中村镇人民政府"
    assert [f for f in result.findings if f.code == "FILE_MACROS"][0].severity == "info"


def test_truncated(good, tmp_path):
    data = good.read_bytes()
    for cut in (len(data) // 2, len(data) - 30, 100):
        (tmp_path / "cut.xlsx").write_bytes(data[:cut])
        _only(import_workbook(tmp_path / "cut.xlsx"), "FILE_TRUNCATED", "重新保存")


def test_damaged_member(good, tmp_path):
    part = sheet_part(good, "三、依申请公开")
    out = patch_zip(good, tmp_path / "bad.xlsx", {part: b"<worksheet><sheetData><row>"})
    _only(import_workbook(out), "FILE_CORRUPT", "损坏")


def test_zip_bomb_refused_quickly(good, tmp_path):
    part = sheet_part(good, "三、依申请公开")
    t = time.perf_counter()
    bomb = b"<worksheet>" + b" " * (40 * 2**20) + b"</worksheet>"
    out = patch_zip(good, tmp_path / "bomb.xlsx", {part: bomb})
    del bomb
    assert out.stat().st_size < 2**20
    t = time.perf_counter()
    _only(import_workbook(out), "FILE_TOO_LARGE", "过大")
    assert time.perf_counter() - t < 1


def test_lying_zip_header_refused_before_inflating(good, tmp_path):
    """A central directory that declares 3 GB for a member: refused without inflating."""
    data = bytearray(good.read_bytes())
    cd = data.rfind(b"PK\x01\x02")  # the last central directory entry
    struct.pack_into("<I", data, cd + 24, 3 * 2**30)  # uncompressed size
    (tmp_path / "liar.xlsx").write_bytes(bytes(data))
    _only(import_workbook(tmp_path / "liar.xlsx"), "FILE_TOO_LARGE")


def test_enormous_sheet(good, tmp_path):
    part = sheet_part(good, "四、复议诉讼")
    rows = b"".join(b'<row r="%d">' % r + b"".join(b'<c r="%s%d"><v>1</v></c>' % (c, r) for c in
                                                    (b"A", b"B", b"C", b"D", b"E")) + b"</row>"
                    for r in range(1, 50_001))
    sheet = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             b"<sheetData>" + rows + b"</sheetData></worksheet>")
    out = patch_zip(good, tmp_path / "huge.xlsx", {part: sheet})
    _only(import_workbook(out), "FILE_TOO_LARGE", "单元格")


LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
          b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
          b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
          b'uniqueCount="1"><si><t>&lol3;</t></si></sst>')
XXE = (b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
       b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">&x;</workbook>')


def test_entity_tricks_refused(good, tmp_path):
    _only(import_workbook(patch_zip(good, tmp_path / "laughs.xlsx", {"xl/sharedStrings.xml": LAUGHS})),
          "FILE_XML_UNSAFE", "不安全")
    _only(import_workbook(patch_zip(good, tmp_path / "xxe.xlsx", {"xl/workbook.xml": XXE})),
          "FILE_XML_UNSAFE")
    utf16 = XXE.replace(b'version="1.0"', b'version="1.0" encoding="UTF-16"').decode().encode("utf-16")
    _only(import_workbook(patch_zip(good, tmp_path / "xxe16.xlsx", {"xl/workbook.xml": utf16})),
          "FILE_XML_UNSAFE")


def test_opendocument_and_other_zips(tmp_path):
    with zipfile.ZipFile(tmp_path / "calc.ods", "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    _only(import_workbook(tmp_path / "calc.ods"), "FILE_ODS", ".ods", "LibreOffice", "另存为 .xlsx")
    with zipfile.ZipFile(tmp_path / "calc2.ods", "w") as z:  # mimetype not first: still an .ods
        z.writestr("content.xml", "<office:document-content/>")
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    _only(import_workbook(tmp_path / "calc2.ods"), "FILE_ODS", ".ods")
    (tmp_path / "flat.fods").write_text('<?xml version="1.0"?><office:document office:mimetype='
                                        '"application/vnd.oasis.opendocument.spreadsheet"/>')
    _only(import_workbook(tmp_path / "flat.fods"), "FILE_ODS", "LibreOffice")
    with zipfile.ZipFile(tmp_path / "binary.xlsb", "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.bin", b"\x83\x01\x00")
    _only(import_workbook(tmp_path / "binary.xlsb"), "FILE_XLSB", ".xlsb")
    with zipfile.ZipFile(tmp_path / "photos.xlsx", "w") as z:
        z.writestr("a.txt", "hello")
    _only(import_workbook(tmp_path / "photos.xlsx"), "FILE_NOT_XLSX")


def test_missing_file_and_folder(tmp_path):
    _only(import_workbook(tmp_path / "nope.xlsx"), "FILE_CANNOT_OPEN")
    _only(import_workbook(tmp_path), "FILE_NOT_REGULAR", "文件夹")  # said as what it is
