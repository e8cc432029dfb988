"""What a file is, and which format a published report is laid out in.

**The file's form** comes from its bytes, never from its name alone: a PDF, a Word ``.docx``
(a zip with ``word/document.xml``), HTML, nianbao's Markdown, or text in UTF-8/UTF-16/GB18030.
Files that are not a published report are named in Chinese (:class:`NotAReport`): an Excel
workbook (→ ``nianbao check``/``import``), an old binary Word/Excel file, a picture, an archive,
bytes that are no text at all — so nothing is parsed out of binary garbage.

**The format** (2021, the 2019 trial format, any format added as data) is chosen by scoring
each format's *distinguishing labels*: the labels of its tables that no other format has (nor
has inside a longer label). The format with the most of them in the text wins; a tie (a report
showing none, or a format that only adds rows to another) goes to the format in force for the
report's year, then to the newest. When labels of more than one format appear, the finding
names both.
"""

from __future__ import annotations

import io
import re
import zipfile
from functools import lru_cache

from ..findings import code
from ..spec import Format, available_formats, get_format
from .lines import norm
from .text import looks_like_markdown

FORMAT_DETECTED = code("PUBLISHED_FORMAT", "info", "按表格的标签（{labels}），本报告使用{name}（{notice}）",
                       "the tables' labels ({labels}) are those of {name} ({notice})", "")
FORMAT_MIXED = code("PUBLISHED_FORMAT_MIXED", "warning",
                    "表格中既有{used}的标签（{used_labels}），也有{other}的标签（{other_labels}），按{used}读取",
                    "the tables have labels of {used} ({used_labels}) and of {other} ({other_labels}); read as {used}",
                    "核对原文表格使用的格式版本。")

FORMS = ("html", "pdf", "docx", "markdown", "text")


class NotAReport(Exception):
    """A file that is not a published report, or one nianbao cannot read at all (a scan, a
    damaged PDF, traditional characters); ``str(exc)`` says in Chinese what it is."""


NOTHING_FOUND = "没有找到年度报告的标题、“一、总体情况”等部分或表格，不像是政府信息公开工作年度报告"


def sniff(data: bytes, name: str = "") -> str:
    """The form of a file: one of :data:`FORMS`, or :class:`NotAReport`."""
    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    if not data.strip():
        raise NotAReport("文件是空的")
    head = data[:8]
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_form(data)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise NotAReport(_ole_message(data))
    picture = _picture(data)
    if picture:
        raise NotAReport(f"这是{picture}图片，无法读出其中的文字；请找到报告的网页、PDF 或 Word 文件")
    if head.startswith((b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")):
        raise NotAReport("这是压缩包，请先解压，再读取其中的报告文件")
    text = decode(data)
    if text is None:
        raise NotAReport("这不是文字、网页、PDF 或 Word 文件，无法读取")
    if suffix in ("html", "htm", "shtml", "xhtml", "mht") or re.match(
            r"\s*(<!--.*?-->\s*)*(<!doctype html|<html|<head|<body|<table|<div|<p[ >]|<meta)", text[:2000], re.I | re.S):
        return "html"
    if text.lstrip().startswith(("{", "[")) and _is_json(text):
        raise NotAReport("这是 JSON 数据文件，不是已发布的报告（nianbao 的报告 JSON 可直接用 nianbao render 生成报告）")
    if suffix in ("md", "markdown") or looks_like_markdown(text):
        return "markdown"
    return "text"


def _is_json(text: str) -> bool:
    import json

    try:
        json.loads(text)
        return True
    except ValueError:
        return False


def _zip_form(data: bytes) -> str:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise NotAReport("这是损坏的压缩文件（zip），无法打开") from None
    if "word/document.xml" in names:
        return "docx"
    if any(n.startswith("xl/") for n in names):
        raise NotAReport("这是 Excel 工作簿，不是已发布的报告；填报表请用 nianbao check 或 nianbao import 读取")
    if any(n.startswith("ppt/") for n in names):
        raise NotAReport("这是 PowerPoint 演示文稿，不是已发布的报告")
    if "mimetype" in names:
        raise NotAReport("这是 OpenDocument 文件（WPS/LibreOffice），请另存为 .docx 或 PDF 后再读取")
    raise NotAReport("这是压缩包，请先解压，再读取其中的报告文件")


def _ole_message(data: bytes) -> str:
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return "这是旧版 Excel 工作簿（.xls/.et），不是已发布的报告；填报表请用 nianbao check 或 nianbao import 读取"
    if "WordDocument".encode("utf-16-le") in data:
        return "这是旧版 Word 文件（.doc/.wps），请用 Word 或 WPS 另存为 .docx 后再读取"
    return "这是旧版 Office 文件（OLE2），请另存为 .docx 或 PDF 后再读取"


def _picture(data: bytes) -> str | None:
    if data.startswith(b"\x89PNG"):
        return " PNG "
    if data.startswith(b"\xff\xd8\xff"):
        return " JPEG "
    if data.startswith((b"GIF87a", b"GIF89a")):
        return " GIF "
    if data.startswith(b"BM") and len(data) > 14:
        return " BMP "
    if data.startswith((b"II*\x00", b"MM\x00*")):
        return " TIFF "
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return " WebP "
    return None


def decode(data: bytes) -> str | None:
    """The text of a text file (UTF-8, UTF-16 with BOM, else GB18030), or None for binary."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    else:
        sample = data[:20000]
        controls = sum(1 for b in sample if b < 32 and b not in b"\t\n\r\f\v")
        if controls > max(3, len(sample) // 200):  # text in UTF-8 or GBK has none
            return None
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("gb18030", errors="replace")
    sample = text[:20000]
    bad = sum(1 for ch in sample if ch == "\ufffd" or (ord(ch) < 32 and ch not in "\t\n\r\f\v"))
    return None if bad > max(3, len(sample) // 100) else text


# ---- the script ----------------------------------------------------------------------------

# Characters that exist only in the traditional script (their simplified forms differ and they are
# not used in simplified text), chosen from the words of these reports: 報 資 與 處 請 開 數 …
TRADITIONAL_ONLY = frozenset(
    "報資與處請開數個機關務經條規範動訊項說體實這過還對區縣鄉鎮辦據應總結決議訴訟統劃為發現從無產費維糾審權護見網頁"
    "門類標準單問題進業內計會書長時間義營環戶醫療學習歷織導領員參達選擇論價傳農廣電話號碼聯絡舉訪復雜閱讀覽線圖樣積極歸檔館設備"
    "構認識態優勢質視節約興衛僅執記錄違較屬國稱協調罰強製許繳納補銷廢險穩衝擊狀況適當後")
TRADITIONAL_MIN, TRADITIONAL_SHARE = 10, 0.03  # a simplified report quoting a name in traditional has a few


def traditional(text: str) -> str | None:
    """The message for a report written in traditional characters (a Hong Kong, Macao or
    Taiwan-style page, or a simplified page run through a converter), else None. Its labels are
    not the format's (報 for 报), so nothing can be read; said plainly instead of as missing
    sections and tables."""
    ideographs = [ch for ch in text if "\u4e00" <= ch <= "\u9fff"]
    found = [ch for ch in ideographs if ch in TRADITIONAL_ONLY]
    if len(found) < TRADITIONAL_MIN or len(found) < TRADITIONAL_SHARE * len(ideographs):
        return None
    examples = "".join(f"“{ch}”" for ch in list(dict.fromkeys(found))[:5])
    return (f"这份报告使用繁体字（如{examples}），而表格和标题按简体字的规范格式读取，读不出其中的数字；"
            "请找到该报告的简体字版本，或用 Word/WPS 的“繁转简”功能转换后再读取")


# ---- the format ----------------------------------------------------------------------------

def _labels(fmt: Format) -> set[str]:
    out: set[str] = set()

    def walk(nodes):
        for n in nodes:
            out.update(norm(x) for x in (n.label,) + tuple(n.aliases) if x)
            walk(n.children)
    for t in fmt.tables:
        for b in t.blocks:
            out.update(norm(x) for x in (b.title, b.corner) if x)
            walk(b.columns)
            walk(b.rows)
    return {x for x in out if len(x) >= 2}


@lru_cache(maxsize=None)
def distinguishing(format_ids: tuple[str, ...]) -> dict[str, frozenset[str]]:
    """Each format's labels that no other format has, nor contains in a longer label."""
    labels = {f: _labels(get_format(f)) for f in format_ids}
    out = {}
    for f in format_ids:
        others = set().union(*(labels[g] for g in format_ids if g != f)) if len(format_ids) > 1 else set()
        out[f] = frozenset(x for x in labels[f] if not any(x in o for o in others))
    return out


def detect_format(text: str, year: int | None, findings: list) -> Format:
    """The format whose distinguishing labels the (normalised) text shows most; ties by year."""
    ids = tuple(available_formats())
    special = distinguishing(ids)
    found = {f: sorted(x for x in special[f] if x in text) for f in ids}
    fmts = [get_format(f) for f in ids]

    def rank(fmt: Format):
        in_force = year is not None and fmt.covers_year(year)
        return (len(found[fmt.id]), in_force, fmt.first_year)
    best = max(fmts, key=rank)
    others = [f for f in fmts if f.id != best.id and found[f.id]]
    if found[best.id] and others:
        other = max(others, key=rank)
        findings.append(FORMAT_MIXED(used=best.name, used_labels=_quote(found[best.id]),
                                     other=other.name, other_labels=_quote(found[other.id])))
    newest = max(fmts, key=lambda f: f.first_year)
    if found[best.id] and best.id != newest.id:
        findings.append(FORMAT_DETECTED(name=best.name, notice=best.notice, labels=_quote(found[best.id])))
    return best


def _quote(labels: list[str]) -> str:
    shown = "、".join(f"“{x}”" for x in labels[:3])
    return shown + (f"等{len(labels)}项" if len(labels) > 3 else "")
