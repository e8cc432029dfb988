"""Import filled workbooks into the report JSON of spec §9, with findings people can act on.

:func:`import_workbook` reads one file with the hardened reader (:mod:`nianbao.reader`),
identifies the template (custom document properties ``nianbao.<key>``, else the hidden
``_nianbao`` sheet), verifies the layout cell by cell before trusting any position, reads the
inputs exactly (spec §7), recomputes every total and compares it with what the sheet shows,
reads texts and the cover, runs every rule of the format and builds the report. It never
raises for a bad file: an unreadable one gives ``report=None`` and one finding saying why.

:func:`import_many` does the same over a process pool, results in input order, with a bounded
number of files in flight so memory stays flat however many files there are.
"""

from __future__ import annotations

import hashlib
import os
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from . import importer_cells as cells
from . import reader
from .cellref import col_letter, parse_a1
from .findings import Finding, code
from .identity import MEMBER_FIELDS, MEMBER_ROW, MEMBERS_HEADER, MEMBERS_PROPERTY, SUMMARY_KIND, members_digest
from .layout import COVER_FIELDS, META_KEYS, META_SHEET, PROPERTY_PREFIX, layout_for
from .report import Member, Report, build_report, source_info
from .rules import Context, evaluate, sections_present, summary_rules  # shared with the cover
from .rules.cells import cell_findings
from .spec import Format, available_formats, format_for_year

NOT_REGULAR = code(
    "FILE_NOT_REGULAR", "error", "这不是普通文件，而是{what}，无法读取；请提交 Excel 工作簿（.xlsx）文件本身",
    "not a regular file but {what}", "把填好的 .xlsx 文件本身放进收件文件夹（不要放快捷方式或解压后的文件夹）。")
CANNOT_OPEN = code("FILE_CANNOT_OPEN", "error", "无法打开文件：{reason}",
                   "cannot open the file: {reason}", "确认文件存在且有读取权限。")
NOT_TEMPLATE = code(
    "NOT_A_TEMPLATE", "error", "这不是 nianbao 下发的填报模板（{why}），无法导入；请使用下发的模板填报",
    "not a nianbao template ({why_en}); cannot import", "向主管部门索取本年度的填报模板，在模板中填写。")
UNKNOWN_FORMAT = code(
    "TEMPLATE_UNKNOWN_FORMAT", "error", "填报表使用的格式“{found}”本程序不认识，无法导入；请升级 nianbao 或使用新模板",
    "the workbook's format “{found}” is unknown", "使用主管部门下发的最新模板。")
FORMAT_MISMATCH = code(
    "TEMPLATE_FORMAT_MISMATCH", "error", "填报表是“{found}”格式，而本次要求“{asked}”格式，未导入；请使用对应格式的模板",
    "the workbook is in format “{found}”, but “{asked}” was asked for", "使用本年度下发的模板重新填写。")
YEAR_MISMATCH = code(
    "TEMPLATE_YEAR_MISMATCH", "error", "填报表是{found}年度的，而本次要求{asked}年度；请使用{asked}年度的模板",
    "the workbook is for report year {found}, but {asked} was asked for", "使用本年度下发的模板重新填写。")
IDENTITY_MISSING = code(
    "TEMPLATE_IDENTITY_MISSING", "warning", "文件中没有模板标识（可能是把表格复制到了新文件中），已按表格结构读取；请核对单位名称和年度",
    "the workbook carries no template identity (copied into a new file?); read by its layout",
    "今后请直接在下发的模板文件中填写并保存。")
UNPROTECTED = code(
    "SHEET_UNPROTECTED", "warning", "工作表“{tab}”的保护已被取消；数据已按模板位置读取，请核对表头和合计是否被改动",
    "sheet “{tab}” is no longer protected; check that labels and totals are unchanged",
    "使用下发的模板，不要撤销工作表保护。")
ORG_MISSING = code(
    "COVER_ORG_MISSING", "error", "封面未填写“{label}”（{at}），无法确定是哪个单位的报告；请在封面填写",
    "the cover has no “{label}” ({at}); whose report is this?", "在封面填写单位名称。")
ORG_FIELD_MISSING = code(
    "COVER_FIELD_MISSING", "warning", "封面未填写“{label}”（{at}）", "the cover has no “{label}” ({at})",
    "在封面补填。")
ORG_KIND_INVALID = code(
    "COVER_KIND_INVALID", "warning", "封面的单位类型“{kind}”不是以下之一：{kinds}；已按空白处理",
    "the cover's organisation kind “{kind}” is not one of: {kinds}", "从下拉列表中选择单位类型。")
IDENTITY_CONFLICT = code(
    "TEMPLATE_IDENTITY_CONFLICT", "error",
    "文件中隐藏的模板标识与{where}不一致（{what}），已按封面所示读取，且不按隐藏标识对应单位；请核对这是哪个单位、哪个年度的报告（可能用了别的单位的模板，或文件被改动过）",
    "the workbook's hidden template identity disagrees with {where_en} ({what}); read as its cover shows, not matched by the hidden identity",
    "使用为本单位、本年度生成的模板重新填写；不要使用其他单位的模板，也不要改动文件的属性。")
YEAR_INVALID = code(
    "TEMPLATE_YEAR_INVALID", "error", "{where}的报告年度“{found}”不是有效的年份（应为{low}至{high}之间的四位数字），未采用",
    "the report year “{found}” in {where_en} is not a valid year ({low}–{high}); not used",
    "使用本年度下发的模板，封面的报告年度填四位数字，如 2026。")
PREVIOUS_OTHER = code(
    "PREVIOUS_MISMATCH", "warning", "用于跨年度核对的上年报告{what}，跨年度核对结果可能无意义",
    "the previous-year report {what_en}; cross-year checks may be meaningless",
    "用 --previous 指定同一单位上一年度的报告。")
ODS = code(
    "FILE_ODS", "error", "这是 OpenDocument 表格（.ods，LibreOffice 默认的保存格式），无法读取；请在 LibreOffice/WPS/Excel 中另存为 .xlsx 后重新提交",
    "an OpenDocument spreadsheet (.ods, LibreOffice's default); save it as .xlsx and resubmit",
    "LibreOffice：文件→另存为，“文件类型”选“Excel 2007-365 (.xlsx)”，提示格式时选“使用 Excel 2007-365!”；WPS/Excel：另存为“Excel 工作簿（.xlsx）”。")
UNEXPECTED = code(
    "FILE_UNEXPECTED", "error", "读取这个文件时出现意外问题（{detail}），未能导入；请用 Excel 或 WPS 另存为新的 .xlsx 后重新提交",
    "an unexpected problem while reading this file ({detail}); save it again as a new .xlsx",
    "另存为新的 .xlsx 后重新提交；如仍出现，请把文件发给维护人员。")
XLSB = code(
    "FILE_XLSB", "error", "这是 Excel 二进制工作簿（.xlsb），无法读取；请在 Excel 或 WPS 中另存为“Excel 工作簿（.xlsx）”后重新提交",
    "an Excel binary workbook (.xlsb); save it as .xlsx and resubmit",
    "Excel：文件→另存为，“保存类型”选“Excel 工作簿（*.xlsx）”。")
MEMBERS_MISSING = code(
    "SUMMARY_MEMBERS_MISSING", "warning", "汇总表中没有所汇总的单位名单（可能由旧版本生成），再次汇总时只能按一个单位计入",
    "the summary workbook lists no members (an older version?); merged again it counts as one body",
    "用新版 nianbao 重新生成汇总表，或改用汇总 JSON（summary.json）再次汇总。")
MEMBERS_CHANGED = code(
    "SUMMARY_MEMBERS_CHANGED", "error", "汇总表中所汇总的单位名单与其校验值不符（名单被改动或不完整），无法确定本汇总包含哪些单位",
    "the summary workbook's member list does not match its digest (edited or incomplete)",
    "使用汇总单位报送的原文件，或请其用 nianbao 重新生成汇总表。")


@dataclass
class ImportResult:
    path: Path
    report: Report | None  # None only when the file could not be read at all
    findings: list[Finding] = field(default_factory=list)
    readable: bool = True
    sha256: str = ""
    meta: dict = field(default_factory=dict)  # identity (META_KEYS) and "cover": {field: text}
    saved_at: str | None = None  # docProps/core.xml modified time, when present
    mtime: float | None = None  # the file's time when it was read (None: it could not be opened)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")


def import_workbook(path, *, fmt_id: str | None = None, year: int | None = None,
                    previous: Report | None = None, lang: str = "zh", debug: bool = False) -> ImportResult:
    """Import one workbook file. Never raises for a bad file (see ImportResult.readable);
    ``debug``: an unexpected error is raised rather than made the file's finding."""
    path = Path(path)
    try:
        data, mtime = read_file(path)
    except reader.ReadError as exc:
        return ImportResult(path, None, [exc.finding], False)
    except OSError as exc:
        return ImportResult(path, None, [CANNOT_OPEN(reason=_os_reason(exc))], False)
    result = import_bytes(data, path, fmt_id=fmt_id, year=year, previous=previous, lang=lang, debug=debug)
    result.mtime = mtime
    return result


def import_bytes(data: bytes, path, *, fmt_id: str | None = None, year: int | None = None,
                 previous: Report | None = None, lang: str = "zh", debug: bool = False) -> ImportResult:
    """Import a workbook's bytes (``path``: the file's name, as the report and the findings
    name it). Never raises for bad bytes, as :func:`import_workbook`."""
    path = Path(path)
    sha = hashlib.sha256(data).hexdigest()
    try:
        refuse_other_spreadsheets(data)
        wb = reader.open_workbook(data, path.name)
        return _import(wb, path, sha, fmt_id, year, previous, lang)
    except reader.ReadError as exc:
        return ImportResult(path, None, [exc.finding], False, sha)
    except Exception as exc:  # noqa: BLE001 - one hostile file must not stop a county's batch
        if debug:
            raise
        detail = f"{type(exc).__name__}: {exc}"[:200]
        return ImportResult(path, None, [UNEXPECTED(detail=detail)], False, sha)


def read_file(path: Path) -> tuple[bytes, float]:
    """The file's bytes and time (:func:`files.read_regular`: what is not a regular file is
    refused before it is opened, without blocking), at most MAX_FILE bytes."""
    from .files import NotRegular, read_regular

    try:
        data, st = read_regular(path, reader.MAX_FILE)
    except NotRegular as exc:
        raise reader.ReadError(NOT_REGULAR(what=exc.what)) from None
    if len(data) > reader.MAX_FILE:
        raise reader.ReadError(reader.TOO_LARGE(what=f"文件大于 {reader.MAX_FILE // 2**20} MB",
                                                what_en="file too large"))
    return data, st.st_mtime


_ODF_MIME = b"application/vnd.oasis.opendocument.spreadsheet"


def refuse_other_spreadsheets(data: bytes) -> None:
    """Raise ReadError for spreadsheets of another kind that a body may send, each with its own
    message: OpenDocument (.ods/.ots zipped, its ``mimetype`` member stored first, or flat
    .fods XML) and Excel binary (.xlsb, a zip with ``xl/workbook.bin``)."""
    if data.startswith(b"PK\x03\x04") and data[30:38] == b"mimetype" and _ODF_MIME in data[38:120]:
        raise reader.ReadError(ODS())
    head = data[:4096]
    if b"<office:document" in head and _ODF_MIME in head:
        raise reader.ReadError(ODS())
    if data.startswith(b"PK") and b"xl/workbook.bin" in data[-65536:]:  # the zip's directory
        raise reader.ReadError(XLSB())


def _os_reason(exc: OSError) -> str:
    from .files import os_reason

    return os_reason(exc, "读取")


def identity(wb: reader.Workbook) -> dict:
    """META_KEYS from the custom properties, completed from the hidden identity sheet."""
    props, sheet = _hidden_copies(wb)
    return {**sheet, **props}


def _hidden_copies(wb: reader.Workbook) -> tuple[dict, dict]:
    """The two hidden copies of the identity: (custom properties, identity sheet rows)."""
    props = wb.custom_properties()
    props = {k: props[PROPERTY_PREFIX + k] for k in META_KEYS if PROPERTY_PREFIX + k in props}
    sheet: dict = {}
    if META_SHEET in wb.sheets:
        rows = wb.sheet(META_SHEET).cells
        for r in range(1, 200):
            key = cells.cell_text(rows.get(f"A{r}"))
            if not key:
                break
            if key in META_KEYS:
                sheet.setdefault(key, cells.cell_text(rows.get(f"B{r}")))
    return props, sheet


_SAME = (("year", "report.year", "报告年度"), ("org_code", "org.code", "单位代码"),
         ("org_name", "org.name", "单位名称"), ("org_kind", "org.kind", "单位类型"))
_IDENTITY = ("kind", "format", "year", "org_code", "org_name", "org_kind", "template_id")


def valid_year(text) -> int | None:
    """A report year as written (four ASCII digits within the schema's bounds), else None."""
    from .report import YEAR_MAX, YEAR_MIN

    text = str(text or "").strip()
    if len(text) == 4 and text.isascii() and text.isdigit() and YEAR_MIN <= int(text) <= YEAR_MAX:
        return int(text)
    return None


def check_identity(props: dict, sheet: dict, cover: dict) -> tuple[dict, list[Finding]]:
    """The identity to trust and the findings about it. The hidden copies must agree with each
    other, with their checksum (``template_id``: a digest of format, year and body) and with
    what the cover shows; when they do not, the body and year are read from the cover (what a
    person sees, prints and publishes) and the hidden ones are dropped, so that collect matches
    the workbook by its cover, never by a hidden code that says another body. A year that is
    not one (3000, -5, twenty digits) is refused wherever it is written."""
    from .report import YEAR_MAX, YEAR_MIN
    from .template_workbook import template_id

    meta = {**sheet, **props}
    problems = [f"两份隐藏标识的{key}不同（“{props[key]}”与“{sheet[key]}”）" for key in _IDENTITY
                if key in props and key in sheet and props[key] != sheet[key]]
    findings = []
    for where, where_en, text in (("模板标识", "the template identity", meta.get("year")),
                                  ("封面", "the cover", cover.get("report.year"))):
        if text not in (None, "") and valid_year(text) is None:
            findings.append(YEAR_INVALID(where=where, where_en=where_en, found=str(text)[:24],
                                         low=YEAR_MIN, high=YEAR_MAX))
    for key, cid, label in _SAME:
        shown, kept = cover.get(cid), meta.get(key)
        if key == "year" and (valid_year(shown) is None or valid_year(kept) is None):
            continue  # said above
        if shown and kept and cells.fold(shown) != cells.fold(kept):
            problems.append(f"{label}：隐藏标识为“{kept}”，封面为“{shown}”")
    if meta.get("template_id") and meta.get("format") and "year" in meta:
        org = {"code": meta.get("org_code", ""), "name": meta.get("org_name", ""),
               "kind": meta.get("org_kind", "")}
        if template_id(meta["format"], meta["year"], org) != meta["template_id"]:
            problems.append("隐藏标识的校验值不符，标识被改动过")
    if valid_year(meta.get("year")) is None:
        meta.pop("year", None)
    if problems:
        where = "封面" if any("封面" in p for p in problems) else "其自身"
        findings.append(IDENTITY_CONFLICT(where=where, where_en="the cover" if where == "封面" else "itself",
                                          what="；".join(problems[:4])))
        for key in ("year", "org_code", "org_name", "org_kind"):
            meta.pop(key, None)
        meta["identity_conflict"] = True
    return meta, findings


def summary_members(wb: reader.Workbook, fmt: Format) -> tuple[list[dict] | None, list[Finding]]:
    """A summary workbook's members (rows below the identity on the identity sheet), checked
    against their digest; None (and a finding) when they are missing or do not match."""
    rows = wb.sheet(META_SHEET).cells if META_SHEET in wb.sheets else {}
    digest = wb.custom_properties().get(MEMBERS_PROPERTY)
    cols = [col_letter(c) for c in range(1 + len(MEMBER_FIELDS))]
    last = max((parse_a1(ref)[0] + 1 for ref in rows), default=0)
    members, seen_header = [], False
    for r in range(len(META_KEYS) + 1, last + 1):
        row = [cells.cell_text(rows.get(f"{c}{r}")) for c in cols]
        seen_header |= row[0] == MEMBERS_HEADER
        if seen_header and row[0] == MEMBER_ROW:
            members.append(dict(zip(MEMBER_FIELDS, row[1:])))
    if not digest and not seen_header:
        return None, [MEMBERS_MISSING()]
    if digest != members_digest(members):
        return None, [MEMBERS_CHANGED()]
    for m in members:  # a kind no report may have is blanked, as on a cover
        m["kind"] = m["kind"] if m["kind"] in fmt.org_kinds else ""
    return members, []


def _unreadable(path, sha, finding, meta=None, saved_at=None) -> ImportResult:
    return ImportResult(path, None, [finding], False, sha, meta or {}, saved_at)


def _import(wb, path, sha, fmt_id, year, previous, lang) -> ImportResult:
    props, sheet = _hidden_copies(wb)
    meta = {**sheet, **props}
    saved_at = wb.core_properties().get("modified") or None
    found_fmt = meta.get("format")
    if found_fmt and found_fmt not in available_formats():
        return _unreadable(path, sha, UNKNOWN_FORMAT(found=found_fmt), meta, saved_at)
    if found_fmt and fmt_id and found_fmt != fmt_id:
        return _unreadable(path, sha, FORMAT_MISMATCH(found=found_fmt, asked=fmt_id), meta, saved_at)
    layout, sheets, mismatch = _layout(wb, found_fmt or fmt_id, year)
    findings: list[Finding] = []
    if not meta:
        if mismatch is not None:
            why = ("缺少工作表“%s”" % mismatch.params["tab"]) if mismatch.code == "LAYOUT_SHEET_MISSING" \
                else "表格结构与模板不同"
            return _unreadable(path, sha, NOT_TEMPLATE(why=why, why_en=mismatch.message("en")),
                               meta, saved_at)
        findings.append(IDENTITY_MISSING())
    if wb.macros:
        findings.append(reader.MACROS())
    # nothing is read at positions the layout check could not confirm, the cover included
    cover = cells.read_cover(layout, sheets) if mismatch is None else {}
    meta, more = check_identity(props, sheet, cover)
    findings += more
    meta = {**meta, "cover": cover}
    wb_year = valid_year(meta.get("year")) or valid_year(cover.get("report.year"))
    if year is not None and wb_year is not None and wb_year != year:
        findings.append(YEAR_MISMATCH(found=wb_year, asked=year))
    org, org_findings = _org(layout, meta, cover)
    head = {"year": wb_year, "org": org, "lang": lang, "source": _source(path, sha, meta),
            "contact": {k.split(".", 1)[1]: v for k, v in cover.items() if k.startswith("contact.")}}
    if mismatch is not None:
        findings.append(mismatch)
        report = build_report(layout.format, values={}, texts={}, findings=findings, **head)
        return ImportResult(path, report, findings, True, sha, meta, saved_at)
    findings += org_findings
    members = None
    if meta.get("kind") == "summary" and org["kind"] == SUMMARY_KIND:
        members, more = summary_members(wb, layout.format)
        findings += more
    values, texts, more = _contents(layout, sheets, wb_year, org, previous)
    findings += more
    report = build_report(layout.format, values=values, texts=texts, findings=findings,
                          members=None if members is None else [Member.of(m) for m in members], **head)
    return ImportResult(path, report, findings, True, sha, meta, saved_at)


def _layout(wb, format_id: str | None, year: int | None):
    """The layout to read the workbook with, its sheets, and the first difference from it: the
    format the workbook (or the caller) names; else the format of the year asked for; else, for
    a workbook without identity, the newest format whose layout it has."""
    if format_id:
        candidates = [format_id]
    else:
        try:
            candidates = [format_for_year(year).id] if year is not None else available_formats()
        except KeyError:
            candidates = available_formats()
    first = None
    for f in candidates:
        layout = layout_for(f)
        sheets = {name: wb.sheet(name) for name in (s.name for s in layout.sheets) if name in wb.sheets}
        found = (layout, sheets, cells.verify_layout(layout, sheets, wb))
        if found[2] is None:
            return found
        first = first or found
    return first


def _source(path: Path, sha: str, meta: dict) -> dict:
    template = {"id": meta.get("template_id", ""), "format": meta.get("format", ""),
                "generator": meta.get("generator", "")} if "format" in meta else None
    from .files import display_name

    return source_info(display_name(path.name), sha, template)


def _contents(layout, sheets, year, org, previous) -> tuple[dict, dict, list[Finding]]:
    """Values (totals recomputed), texts, and the findings of the cells and of every rule."""
    fmt = layout.format
    findings = [UNPROTECTED(sheet=n, tab=n) for n in sheets if not sheets[n].protected]
    values, value_findings = cells.read_values(layout, sheets)
    value_findings, explained = cell_findings(fmt, value_findings, values)
    totals, total_findings = cells.check_totals(layout, sheets, values)
    values.update(totals)
    texts = cells.read_texts(layout, sheets)
    findings += value_findings + total_findings
    if previous:
        findings += _previous_findings(previous, org, year)
    ctx = Context(values, texts, year, org["kind"], previous, sections_present(fmt, texts),
                  cells.plan_for(fmt.id).where.get, explained)
    # a summary has no texts of its own (the county writes them): only the data rules apply
    only = {r.id for r in summary_rules(fmt)} if org["kind"] == SUMMARY_KIND else None
    findings += evaluate(fmt, ctx, only=only)
    return values, texts, findings


def _int(s) -> int | None:
    try:
        return int(str(s).strip())
    except (TypeError, ValueError):
        return None


def _org(layout, meta: dict, cover: dict) -> tuple[dict, list[Finding]]:
    """The body: from the template identity when it names one, else from the typed cover."""
    if meta.get("org_name") or meta.get("org_code"):
        return {"code": meta.get("org_code", ""), "name": meta.get("org_name", ""),
                "kind": meta.get("org_kind", "") if meta.get("org_kind", "") in layout.format.org_kinds else ""}, []
    org = {k: cover.get(f"org.{k}", "") for k in ("code", "name", "kind")}
    where, out = cells.plan_for(layout.format.id).where, []
    for key, make in (("name", ORG_MISSING), ("code", ORG_FIELD_MISSING), ("kind", ORG_FIELD_MISSING)):
        if not org[key]:
            sheet, ref = where[f"org.{key}"]
            label = next(lab for fid, lab, _ in COVER_FIELDS if fid == f"org.{key}")
            out.append(make(sheet=sheet, cell=ref, at=f"{sheet} {ref}", label=label))
    if org["kind"] and org["kind"] not in layout.format.org_kinds:
        sheet, ref = where["org.kind"]
        kinds = "、".join(layout.format.body_kinds)
        out.append(ORG_KIND_INVALID(sheet=sheet, cell=ref, kind=org["kind"], kinds=kinds))
        org["kind"] = ""
    return org, out


def _previous_findings(previous: Report, org: dict, year) -> list[Finding]:
    out = []
    p_org = previous.org.to_json()
    if org.get("code") and p_org.get("code") and org["code"] != p_org["code"] or \
            not (org.get("code") and p_org.get("code")) and org.get("name") != p_org.get("name"):
        out.append(PREVIOUS_OTHER(what=f"是另一个单位的（{p_org.get('name') or p_org.get('code')}）",
                                  what_en="is of another body"))
    p_year = previous.year
    if year is not None and p_year is not None and p_year != year - 1:
        out.append(PREVIOUS_OTHER(what=f"是{p_year}年度的，不是{year - 1}年度的",
                                  what_en=f"is for {p_year}, not {year - 1}"))
    return out


# ---- many files ------------------------------------------------------------------------------

# what find_workbooks picks up in a folder: what can be read, and the spreadsheets that are
# refused with their own message (so a body that sent one is told how to resave it)
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".et", ".ett", ".xltx", ".ods", ".ots", ".fods", ".xlsb")


def is_workbook_name(name: str) -> bool:
    """A name find_workbooks picks up: a workbook suffix, not an Office lock or hidden file."""
    return name.lower().endswith(WORKBOOK_SUFFIXES) and not name.startswith(("~$", "."))


def find_workbooks(paths) -> list[Path]:
    """Files as given, and inside folders (recursively, :func:`files.walk`) every entry with a
    workbook's name, sorted: regular files, and also named pipes, dangling links and unpacked
    workbook folders so that each is named (``FILE_NOT_REGULAR``), never silently skipped or
    waited on. Office lock files (``~$…``) and hidden files are skipped."""
    from .files import walk

    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += [f for f in walk(p, is_workbook_name) if is_workbook_name(f.name)]
        else:
            out.append(p)
    seen, unique = set(), []
    for p in out:
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


def _chunk(args) -> list[ImportResult]:
    paths, kw = args
    return [import_workbook(p, **kw) for p in paths]


CHUNK = 8  # files per task: fewer round trips to the pool, still little in flight


def import_many(paths, *, jobs: int = 0, **kw) -> Iterator[ImportResult]:
    """Import files in order over ``jobs`` processes (0: up to 2, the cores here). Files go to
    the workers in small chunks and at most two chunks per worker are in flight, so memory does
    not grow with the number of files."""
    paths = list(paths)
    workers = jobs or min(2, os.cpu_count() or 1)
    if workers <= 1 or len(paths) <= 1:
        for p in paths:
            yield import_workbook(p, **kw)
        return
    size = max(1, min(CHUNK, len(paths) // (2 * workers)))
    chunks = iter([paths[i:i + size] for i in range(0, len(paths), size)])
    from .workers import pool as make_pool

    with make_pool(workers) as pool:
        window: deque = deque()
        for chunk in chunks:
            window.append(pool.submit(_chunk, (chunk, kw)))
            if len(window) >= 2 * workers:
                break
        while window:
            results = window.popleft().result()
            nxt = next(chunks, None)
            if nxt is not None:
                window.append(pool.submit(_chunk, (nxt, kw)))
            yield from results


# ---- reports from files of either kind ------------------------------------------------------

class InputError(ValueError):
    """A file given as a report that cannot be used (the message says which and why)."""


def read_reports(paths, *, jobs: int = 0, debug: bool = False,
                 each: Callable[[Iterator[ImportResult], int], Iterable[ImportResult]] | None = None,
                 ) -> tuple[list[Report], list[Path]]:
    """The reports in ``paths`` (what ``nianbao merge`` sums): report JSON files, workbooks
    (imported over ``jobs`` processes; ``each`` may wrap their results, e.g. with a progress
    bar), and folders holding either (every ``*.json`` and every workbook inside). Returns the
    reports and the workbooks found in a folder that are no report (a collect output's
    status.xlsx: skipped). A path that is missing, a JSON that is not a report and a workbook
    given by name that cannot be read raise :class:`InputError`."""
    from .files import os_reason
    from .report import load_json, problem

    jsons: list[Path] = []
    books: list[Path] = []
    scanned: set[Path] = set()
    for f in map(Path, paths):
        if not f.exists():
            raise InputError(f"找不到 {f}")
        if f.is_dir():
            jsons += sorted(f.rglob("*.json"))
            found = find_workbooks([f])
            books += found
            scanned |= set(found)
        elif f.suffix.lower() == ".json":
            jsons.append(f)
        else:
            books.append(f)
    reports: list[Report] = []
    skipped: list[Path] = []
    for j in jsons:
        try:
            data = load_json(j)
        except OSError as exc:
            raise InputError(f"无法读取 {j}：{os_reason(exc, '读取')}") from None
        except ValueError as exc:
            raise InputError(f"{j} 不是可读的报告 JSON（{exc}）") from None
        why = problem(data)
        if why:
            raise InputError(f"{j} 不是可用的报告 JSON：{why}")
        reports.append(Report.from_json(data))
    results: Iterable[ImportResult] = import_many(books, jobs=jobs, debug=debug)
    if each is not None:
        results = each(iter(results), len(books))
    for r in results:
        if r.report is None and r.path in scanned and r.findings[0].code == NOT_TEMPLATE.code:
            skipped.append(r.path)  # found in a folder: e.g. a collect output's status.xlsx
        elif r.report is None:
            raise InputError(f"{r.path} 无法读取，请先用 nianbao check 查看原因")
        else:
            reports.append(r.report)
    return reports, skipped
