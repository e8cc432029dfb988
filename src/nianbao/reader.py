"""A small hardened reader of .xlsx workbooks: only the parts the importer needs, exactly.

``open_workbook(data, name)`` sniffs the bytes (an encrypted workbook, a legacy .xls, a WPS .et,
an OpenDocument file, an HTML page saved as .xls, random bytes, a truncated zip each get their
own finding), bounds the zip before inflating anything, and returns a :class:`Workbook` that
reads, on demand: the sheet list and defined names (workbook.xml and its rels), the shared
strings, a sheet's cells with their exact text and formulas, its protection and merged
ranges, the custom document properties and the core properties. Nothing else is inflated.

Inflating is done here, not by ``zipfile``: only stored and deflate members (the only methods
Excel, WPS and LibreOffice write) are read, each is inflated in one bounded call that stops one
byte past the size the package declares for it (``zipfile`` inflates up to 2 GB before it
compares), and the bytes inflated from one file have a total budget. Parts are parsed only
under an element count (:data:`reader_xml.MAX_TAGS`), cells under a per-workbook count, so that
any file is read or refused within about 200 MB and a few seconds.

Every refusal is a :class:`ReadError` carrying one finding with a Chinese message that says
what to do. Macros in .xlsm files are never run (nothing here executes anything).
"""

from __future__ import annotations

import io
import posixpath
import struct
import zipfile
import zlib
from dataclasses import dataclass

from . import reader_xml as rx
from .findings import Finding, code

# Bounds for hostile files. A filled template is ~40 KB zipped, ~300 KB unzipped, ~3,000 cells.
MAX_FILE = 64 * 2**20          # the file itself
MAX_MEMBERS = 2000             # zip members
MAX_TOTAL = 256 * 2**20        # declared uncompressed size of all members
MAX_PART = 16 * 2**20          # any one part that is parsed (declared, and as inflated)
MAX_INFLATED = 40 * 2**20      # all the parts read from one file, as inflated
MAX_RATIO = 200                # compression ratio of a parsed part above 1 MB
MAX_CELLS = 100_000            # cells in all the sheets read from one file
MAX_STRINGS = 200_000          # shared strings
METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate"}  # what Excel/WPS write
METHOD_NAMES = {1: "shrink", 6: "implode", 9: "deflate64", 12: "bzip2", 14: "lzma", 93: "zstd",
                95: "xz", 98: "ppmd", 99: "AES"}

_HINT_SAVE = "请用 Excel 或 WPS 打开后另存为“Excel 工作簿（.xlsx）”再提交。"
EMPTY = code("FILE_EMPTY", "error", "文件是空的（0 字节），无法读取",
             "the file is empty (0 bytes)", "重新保存填报表后提交。")
NOT_XLSX = code("FILE_NOT_XLSX", "error", "不是 Excel 工作簿（.xlsx）文件（{what}），无法读取；" + _HINT_SAVE,
                "not an Excel workbook (.xlsx) ({what_en})", _HINT_SAVE)
ENCRYPTED = code("FILE_ENCRYPTED", "error", "工作簿设置了打开密码，无法读取；请取消打开密码后重新提交",
                 "the workbook is protected by a password to open; remove the password and resubmit",
                 "在 Excel 中：文件→信息→保护工作簿→用密码进行加密，清空密码后保存；WPS 中：文件→文档加密，取消打开密码。")
LEGACY_XLS = code("FILE_XLS", "error", "这是旧版 Excel 97-2003 格式（.xls），无法读取；请另存为 .xlsx 后重新提交",
                  "a legacy Excel 97-2003 workbook (.xls); save it as .xlsx", _HINT_SAVE)
WPS_ET = code("FILE_ET", "error", "这是 WPS 表格格式（.et），无法读取；请在 WPS 中另存为“Excel 工作簿（.xlsx）”后重新提交",
              "a WPS Spreadsheets file (.et); save it as .xlsx in WPS", _HINT_SAVE)
TRUNCATED = code("FILE_TRUNCATED", "error", "文件不完整或已损坏（可能没有传完或下载中断），无法读取；请重新保存后提交",
                 "the file is incomplete or damaged (cut off in transfer?)", "重新保存并重新发送文件。")
TOO_LARGE = code("FILE_TOO_LARGE", "error", "文件内容过大（{what}），不像是填报表，已拒绝读取；请使用下发的模板填报",
                 "the file content is too large ({what_en}); refused", "使用下发的模板填报，不要在表中粘贴大量内容或图片。")
UNSAFE = code("FILE_XML_UNSAFE", "error", "文件中含有不安全的 XML 内容（{part}），已拒绝读取；" + _HINT_SAVE,
              "the file contains unsafe XML (a DTD / entity declarations in {part}); refused", _HINT_SAVE)
CORRUPT = code("FILE_CORRUPT", "error", "文件内容已损坏（{part}），无法读取；" + _HINT_SAVE,
               "the file is damaged ({part}: {detail})", _HINT_SAVE)
ZIP_METHOD = code(
    "FILE_ZIP_METHOD", "error", "文件使用了 Excel 和 WPS 不会使用的压缩方式（{method}），无法读取；" + _HINT_SAVE,
    "the package uses a compression method Excel and WPS never write ({method})", _HINT_SAVE)
ZIP_DUPLICATE = code(
    "FILE_ZIP_DUPLICATE", "error", "文件中有两个同名的部件（{part}），不同软件打开时显示的内容可能不同，无法确定填写的是哪一份；" + _HINT_SAVE,
    "the package holds two parts named {part}; programs differ in which one they show", _HINT_SAVE)
CELL_CORRUPT = code(
    "FILE_CELL_CORRUPT", "error", "工作表“{tab}”的{where}已损坏（{what}），无法读取；文件可能被 Excel、WPS 以外的程序改动过，" + _HINT_SAVE,
    "sheet “{tab}”, {where_en}: damaged ({what_en})", _HINT_SAVE)
MACROS = code("FILE_MACROS", "info", "文件含宏（.xlsm），宏未运行，只读取了单元格中的内容",
              "the file contains macros (.xlsm); they were not run, only cell contents were read",
              "无需处理；今后请另存为不含宏的 .xlsx。")


class ReadError(Exception):
    """The file cannot be read at all; ``finding`` says why, in Chinese."""

    def __init__(self, finding: Finding):
        super().__init__(finding.code)
        self.finding = finding


_CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def sniff(data: bytes, name: str = "") -> None:
    """Raise ReadError unless ``data`` looks like a zip package (an .xlsx/.xlsm)."""
    ext = posixpath.splitext(name.lower())[1]
    if not data:
        raise ReadError(EMPTY())
    if data.startswith(_CFB):
        # An OLE2 compound file: password-encrypted OOXML, a legacy .xls or a WPS .et.
        if _utf16("EncryptionInfo") in data or _utf16("EncryptedPackage") in data:
            raise ReadError(ENCRYPTED())
        if ext in (".et", ".ett"):
            raise ReadError(WPS_ET())
        if _utf16("Workbook") in data or _utf16("Book") in data:
            raise ReadError(LEGACY_XLS())
        raise ReadError(NOT_XLSX(what="OLE 复合文档", what_en="an OLE compound file"))
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<html", b"<!doctype html", b"<table", b"<?xml", b"mime-version")):
        raise ReadError(NOT_XLSX(what="网页或 XML 格式，通常是系统导出的“假 .xls”",
                                 what_en="an HTML or XML page, often a system export named .xls"))
    if ext in (".et", ".ett"):
        raise ReadError(WPS_ET())
    raise ReadError(NOT_XLSX(what="文件内容不是 Excel 格式", what_en="the content is not a workbook"))


@dataclass
class SheetInfo:
    name: str
    part: str  # zip member, e.g. xl/worksheets/sheet3.xml
    state: str  # visible | hidden | veryHidden


class Workbook:
    """An opened .xlsx package; parts are read when first asked for."""

    def __init__(self, data: bytes, name: str = ""):
        sniff(data, name)
        if len(data) > MAX_FILE:
            raise ReadError(TOO_LARGE(what=f"文件大于 {MAX_FILE // 2**20} MB",
                                      what_en=f"file over {MAX_FILE // 2**20} MB"))
        self._data = data
        try:
            infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
        except (zipfile.BadZipFile, EOFError):
            raise ReadError(TRUNCATED()) from None
        except (NotImplementedError, ValueError, OSError, struct.error):  # e.g. a version field
            raise ReadError(CORRUPT(part="压缩包目录", detail="zip directory")) from None
        self._members = _unique(infos)
        self._inflated = 0
        self._cells = 0
        self._check_bounds()
        self.macros = any(n.lower().endswith("vbaproject.bin") for n in self._members)
        self._strings: list[str] | None = None
        self._read_workbook()

    # ---- package -------------------------------------------------------------------------

    def _check_bounds(self) -> None:
        infos = list(self._members.values())
        if len(infos) > MAX_MEMBERS:
            raise ReadError(TOO_LARGE(what=f"压缩包内有 {len(infos)} 个文件",
                                      what_en=f"{len(infos)} zip members"))
        total = sum(i.file_size for i in infos)
        if total > MAX_TOTAL:
            raise ReadError(TOO_LARGE(what=f"解压后共 {total // 2**20} MB",
                                      what_en=f"{total // 2**20} MB uncompressed"))
        for i in infos:
            if i.compress_type not in METHODS:
                name = METHOD_NAMES.get(i.compress_type, f"第 {i.compress_type} 种")
                raise ReadError(ZIP_METHOD(method=name))

    def has(self, part: str) -> bool:
        return part.lower() in self._members

    def read(self, part: str) -> bytes:
        """One member's bytes, refused before inflating when its declared size is absurd, and
        while inflating as soon as it passes that size or the file's budget."""
        info = self._members.get(part.lower())
        if info is None:
            raise ReadError(CORRUPT(part=part, detail="missing"))
        if info.file_size > MAX_PART or (info.file_size > 2**20 and
                                         info.file_size > MAX_RATIO * max(info.compress_size, 1)):
            raise ReadError(TOO_LARGE(what=f"{part} 解压后 {info.file_size // 2**20} MB",
                                      what_en=f"{part}: {info.file_size // 2**20} MB"))
        if info.flag_bits & 0x1:
            raise ReadError(ENCRYPTED())
        if self._inflated + info.file_size > MAX_INFLATED:
            raise ReadError(TOO_LARGE(what=f"需要读取的内容解压后超过 {MAX_INFLATED // 2**20} MB",
                                      what_en=f"over {MAX_INFLATED // 2**20} MB to inflate"))
        data = _inflate(info, self._stored_bytes(info), part)
        self._inflated += len(data)
        return data

    def _stored_bytes(self, info: zipfile.ZipInfo) -> memoryview:
        """The member's bytes as stored (compressed), after its local header."""
        at, data = info.header_offset, self._data
        head = data[at:at + 30]
        if len(head) < 30 or head[:4] != b"PK\x03\x04":
            raise ReadError(TRUNCATED())
        flags, method, name_len, extra_len = struct.unpack("<6xHH16xHH", head)
        name = data[at + 30:at + 30 + name_len].decode("utf-8" if flags & 0x800 else "cp437", "replace")
        if method != info.compress_type or name != info.orig_filename:
            # what a reader of the local headers would see differs from the directory
            raise ReadError(CORRUPT(part=info.filename, detail="local header differs"))
        start = at + 30 + name_len + extra_len
        if start + info.compress_size > len(data):
            raise ReadError(TRUNCATED())
        return memoryview(data)[start:start + info.compress_size]

    def xml(self, part: str):
        try:
            return rx.parse(self.read(part))
        except rx.UnsafeXML:
            raise ReadError(UNSAFE(part=part)) from None
        except rx.TooBig:
            raise ReadError(_too_many(part)) from None
        except rx.BadXML as exc:
            raise ReadError(CORRUPT(part=part, detail=str(exc))) from None

    def _rels(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationships of a part: id -> (type, target member)."""
        folder, base = posixpath.split(part)
        rels_part = posixpath.join(folder, "_rels", base + ".rels")
        if not self.has(rels_part):
            return {}
        out = {}
        for rel in self.xml(rels_part):
            if rx.local(rel.tag) != "Relationship" or rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target") or ""
            target = target.lstrip("/") if target.startswith("/") else \
                posixpath.normpath(posixpath.join(folder, target))
            out[rel.get("Id")] = (rel.get("Type") or "", target)
        return out

    # ---- workbook.xml --------------------------------------------------------------------

    def _read_workbook(self) -> None:
        root_rels = self._rels("")
        wb_part = next((t for typ, t in root_rels.values() if typ.endswith("/officeDocument")),
                       "xl/workbook.xml")
        if not self.has(wb_part):
            if self.has("mimetype") or self.has("content.xml"):
                raise ReadError(NOT_XLSX(what="OpenDocument 表格（.ods）",
                                         what_en="an OpenDocument spreadsheet (.ods)"))
            if self.has("word/document.xml"):
                raise ReadError(NOT_XLSX(what="Word 文档", what_en="a Word document"))
            raise ReadError(NOT_XLSX(what="压缩包中没有工作簿", what_en="a zip without a workbook"))
        self.custom_part = next((t for typ, t in root_rels.values()
                                 if typ.endswith("/custom-properties")), "docProps/custom.xml")
        self.core_part = next((t for typ, t in root_rels.values()
                               if typ.endswith("/core-properties")), "docProps/core.xml")
        rels = self._rels(wb_part)
        root = self.xml(wb_part)
        ns = rx.ns_of(root)
        self.sheets: dict[str, SheetInfo] = {}
        self.order: list[str] = []
        self.structure_locked = False
        raw_names = []
        for child in root:
            tag = rx.local(child.tag)
            if tag == "sheets":
                for s in child:
                    rel = rels.get(rx.attr_local(s, "id") or "")
                    name = s.get("name") or ""
                    self.order.append(name)
                    if rel:
                        self.sheets[name] = SheetInfo(name, rel[1], s.get("state") or "visible")
            elif tag == "definedNames":
                raw_names = [(d.get("name") or "", d.get("localSheetId"), d.text or "")
                             for d in child if d.tag == ns + "definedName"]
            elif tag == "workbookProtection":
                self.structure_locked = child.get("lockStructure") in ("1", "true")
        # workbook-scoped defined names as written; name_target() parses one
        self.defined = {n: text for n, local_id, text in raw_names if local_id is None}
        self._sst_part = next((t for typ, t in rels.values() if typ.endswith("/sharedStrings")),
                              "xl/sharedStrings.xml")  # the usual place when a writer omits the rel

    def name_target(self, name: str) -> tuple[str, str] | None:
        """Where a workbook-scoped defined name points: (sheet, "D9"), None if absent/odd."""
        text = self.defined.get(name)
        return _target(text) if text is not None else None

    # ---- content -------------------------------------------------------------------------

    def strings(self) -> list[str]:
        if self._strings is None:
            part = self._sst_part
            if not self.has(part):
                self._strings = []
            else:
                try:
                    self._strings = rx.shared_strings(self.read(part), MAX_STRINGS)
                except rx.UnsafeXML:
                    raise ReadError(UNSAFE(part=part)) from None
                except rx.TooBig:
                    raise ReadError(_too_many(part)) from None
                except rx.BadXML as exc:
                    raise ReadError(CORRUPT(part=part, detail=str(exc))) from None
        return self._strings

    def sheet(self, name: str) -> rx.SheetData:
        info = self.sheets[name]
        data = self.read(info.part)
        try:
            sheet = rx.sheet_cells(data, self.strings(), MAX_CELLS - self._cells)
        except rx.UnsafeXML:
            raise ReadError(UNSAFE(part=info.part)) from None
        except rx.BadCell as exc:
            raise ReadError(CELL_CORRUPT(sheet=name, cell=exc.ref, tab=name, where=exc.where,
                                         what=exc.what, where_en=exc.ref or "a row",
                                         what_en=str(exc))) from None
        except rx.TooBig:
            raise ReadError(TOO_LARGE(what=f"工作表“{name}”的单元格或其他内容过多",
                                      what_en=f"sheet {name}: too many cells")) from None
        except rx.BadXML as exc:
            raise ReadError(CORRUPT(part=info.part, detail=str(exc))) from None
        self._cells += len(sheet.cells)
        return sheet

    def custom_properties(self) -> dict[str, str]:
        """Custom document properties: name -> value text."""
        if not self.has(self.custom_part):
            return {}
        out = {}
        for prop in self.xml(self.custom_part):
            if rx.local(prop.tag) == "property" and prop.get("name") and len(prop):
                out[prop.get("name")] = rx.unescape(prop[0].text or "")
        return out

    def core_properties(self) -> dict[str, str]:
        """Core properties by local name (``modified``, ``creator`` …)."""
        if not self.has(self.core_part):
            return {}
        return {rx.local(el.tag): (el.text or "").strip() for el in self.xml(self.core_part)}


def _unique(infos: list[zipfile.ZipInfo]) -> dict[str, zipfile.ZipInfo]:
    """Members by part name (lower case: OPC part names are case-insensitive, and a leading
    '/' is the same part); two members with one name are refused, as programs differ in which
    one they show."""
    out: dict[str, zipfile.ZipInfo] = {}
    for i in infos:
        key = i.filename.lstrip("/").lower()
        if key in out:
            raise ReadError(ZIP_DUPLICATE(part=i.filename.lstrip("/")))
        out[key] = i
    return out


def _inflate(info: zipfile.ZipInfo, stored: memoryview, part: str) -> bytes:
    """The member's bytes, inflated in one call that stops one byte past its declared size;
    a member that inflates past it, or to less, or fails its CRC is refused."""
    size = info.file_size
    if info.compress_type == zipfile.ZIP_STORED:
        data = bytes(stored)
    else:
        inflater = zlib.decompressobj(-15)
        try:
            data = inflater.decompress(stored, size + 1)
        except zlib.error:
            raise ReadError(TRUNCATED()) from None
        if len(data) > size:
            raise ReadError(TOO_LARGE(what=f"{part} 解压后超过了文件中声明的大小（{size} 字节）",
                                      what_en=f"{part} inflates past its declared {size} bytes"))
    if len(data) != size or zlib.crc32(data) != info.CRC:
        raise ReadError(TRUNCATED())
    return data


def _too_many(part: str):
    return TOO_LARGE(what=f"{part} 内容过多（超过 {rx.MAX_TAGS} 个标记）",
                     what_en=f"{part}: over {rx.MAX_TAGS} tags")


def _target(text: str) -> tuple[str, str] | None:
    """``'三、依申请公开'!$D$9`` (or a range) -> (sheet, "D9"); None for anything else."""
    text = text.strip().lstrip("=")
    if "!" not in text:
        return None
    sheet, ref = text.rsplit("!", 1)
    if sheet.startswith("'") and sheet.endswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    ref = ref.split(":")[0].replace("$", "")
    return (sheet, ref) if rx._REF.match(ref) else None


def open_workbook(data: bytes, name: str = "") -> Workbook:
    """Open a workbook from its bytes; raises ReadError with a finding when it cannot be read."""
    return Workbook(data, name)
