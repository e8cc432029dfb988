"""The locked workbook a reporting body fills in, and the general writer behind it.

Everything is derived from ``layout_for(fmt_id)`` and its Format: sheets, labels (written
verbatim, the importer verifies them cell by cell), merges, inputs with data validation,
totals / R1 marks / status cells as live formulas with true cached results
(:mod:`nianbao.workbook_formulas`), a workbook-scoped defined name per id
(``layout.defined_name``), and the identity both as custom document properties and on the
very hidden sheet ``layout.META_SHEET``. The bytes are deterministic: the same arguments give
the same file (fixed document time, xlsxwriter's fixed zip member times).

:func:`template_bytes` is the case a body fills in; :func:`workbook_bytes` is the general
writer (the county summary uses ``kind="summary"``: values filled and locked, formulas live).
"""

from __future__ import annotations

import hashlib
import io
import re
from datetime import datetime, timezone
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Mapping, Union

from . import GENERATOR
from . import layout as L
from .cellref import a1, absolute, parse_a1, quote_sheet
from .identity import MEMBER_FIELDS, MEMBER_ROW, MEMBERS_HEADER, MEMBERS_PROPERTY, members_digest
from .report import Member, Org, Report
from .rules import checks_with
from .spec import Format
from .values import cell_number
from .workbook_formulas import Formulas, Live, bad_cell, longest_status, runs
from .workbook_instructions import instruction_lines, summary_instruction_lines
from .workbook_print import MAX_ROW_PT, NORMAL_FONT, one_page_fits, page_setup
from .workbook_styles import MARK_FAIL, MARKS, make_styles, value_style, wrapped_lines

KINDS = ("template", "summary")
LINE_PT = 16  # height of one wrapped line of 11 pt CJK text
TEXT_ROW_PT = 150  # a text section's input box
INPUT_ROW_PT = 20
PAGE_PT = 720  # printable height of a portrait A4 page at the margins below
WIDE = 100  # sheets wider than this (characters) print landscape
TABLE_FONT_PT = 11  # the body text of a table sheet (its R1 marks and corner labels are 10 pt)
# What a summary's text sheets hold instead of texts (the county writes its own).
SUMMARY_NO_TEXTS = ("汇总表只汇总各表数据，文字部分为空：本级报告的文字由汇总单位根据各单位的报告另行撰写，"
                    "各单位的原文见“各单位文字”表。")
INSTRUCTIONS_WIDTH = 96
# An input pre-filled from last year's report: its style and validation key, and its prompt.
PREFILLED = "_prefilled"
PREFILL_NOTE = "已按本单位{year}年度报告预填（上年的“结转下年度继续办理”）。请核对，有出入的直接改正。"
# The Normal style sets the unit of column widths: see workbook_print (LibreOffice does not
# shrink a single too-wide column to fit the page).
DEFAULT_FONT = NORMAL_FONT


def format_id_for(year: int) -> str:
    """The id of the format in force for a report year (a ValueError names the year when no
    format covers it)."""
    from .spec import format_for_year

    try:
        return format_for_year(year).id
    except KeyError:
        raise ValueError(f"no format covers report year {year}") from None


def template_id(fmt_id: str, year: int, org: dict | None) -> str:
    """Stable id of one body's template: sha256 of format/year/org, 16 hex."""
    o = org or {}
    key = "|".join([fmt_id, str(year), o.get("code", ""), o.get("name", ""), o.get("kind", "")])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def meta(fmt_id: str, year: int, org: dict | None, kind: str = "template") -> dict[str, str]:
    """The identity every workbook carries (keys of ``layout.META_KEYS``)."""
    o = org or {}
    out = {"kind": kind, "format": fmt_id, "year": str(year), "org_code": o.get("code", ""),
           "org_name": o.get("name", ""), "org_kind": o.get("kind", ""),
           "template_id": template_id(fmt_id, year, org), "generator": GENERATOR,
           "fingerprint": L.layout_for(fmt_id).fingerprint}
    assert tuple(out) == L.META_KEYS
    return out


def carried_values(fmt: Format, previous: Report | None) -> dict:
    """Prefill from last year's report: what a rule carries from one year to the next (R7: this
    year's 上年结转 = last year's 结转下年度)."""
    if previous is None:
        return {}
    out = {}
    for c in checks_with(fmt, "prefill"):
        v = previous.values.get(c.ids["last"])
        if v is not None:
            out[c.ids["this"]] = v
    return out


def template_bytes(*, year: int, org: OrgLike | None, fmt_id: str | None = None,
                   prefill: dict | None = None, previous: Report | None = None) -> bytes:
    """The template a body fills in. ``org`` None gives the blank template (identity as inputs).
    ``fmt_id`` None: the format in force for ``year``; ``previous``: the body's report of the
    year before (pre-fills what carries over, shows R8 beside table 二)."""
    fmt_id = fmt_id or format_id_for(year)
    org = _org_dict(org)
    if org and not prefill and not previous:
        fast = _patched(year, org, fmt_id)
        if fast is not None:
            return fast
    fmt = L.layout_for(fmt_id).format
    values = {**carried_values(fmt, previous), **(prefill or {})}
    texts = {k: v for k, v in values.items() if k not in fmt.datapoints}
    values = {k: v for k, v in values.items() if k in fmt.datapoints}
    return workbook_bytes(year=year, org=org, fmt_id=fmt_id, values=values, texts=texts,
                          previous=previous)


# ---- the fast path for a roster ---------------------------------------------------------
#
# Templates of different bodies differ only in the body's name, code, kind and template id. The
# workbook is written once per format and year with unique placeholders for those (by the same
# writer), and each body's file is that package with the placeholders replaced and re-zipped the
# way xlsxwriter zips it: the bytes are identical to a full write (a test checks), ~8x faster.
# Values that xlsxwriter would escape or store differently take the full write instead.

_PLACEHOLDER = {k: f"\ue000{k}\ue001" for k in ("code", "name", "kind")}
_PATCHED = ("xl/sharedStrings.xml", "docProps/custom.xml")
_SPECIAL = "&<>_\x00-\x1f\ufffe\uffff\ue000\ue001"  # XML-escaped or _xHHHH_-escaped by xlsxwriter
_PLAIN = re.compile(rf"^[^\s{_SPECIAL}](?:[^{_SPECIAL}]*[^\s{_SPECIAL}])?$")  # no edge spaces


@lru_cache(maxsize=8)
def _base(fmt_id: str, year: int):
    """The placeholder workbook: zip members, its template id, and its other shared strings."""
    import zipfile

    data = workbook_bytes(year=year, org=_PLACEHOLDER, fmt_id=fmt_id)
    z = zipfile.ZipFile(io.BytesIO(data))
    members = [(info, z.read(info)) for info in z.infolist()]
    strings = set(re.findall(r"<t(?: [^>]*)?>([^<]*)</t>", z.read("xl/sharedStrings.xml").decode()))
    return members, template_id(fmt_id, year, _PLACEHOLDER), strings


def _patched(year: int, org: dict, fmt_id: str) -> bytes | None:
    """A body's template from the placeholder workbook, or None when a full write is needed."""
    import zipfile

    real = {_PLACEHOLDER[k]: org.get(k, "") for k in _PLACEHOLDER}
    members, tid, strings = _base(fmt_id, year)
    real[tid] = template_id(fmt_id, year, org)
    values = list(real.values())
    if not all(_PLAIN.match(v) for v in values) or len(set(values)) < len(values) \
            or strings & set(values):
        return None
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in members:
            if info.filename in _PATCHED:
                text = data.decode("utf-8")
                for ph, v in real.items():
                    text = text.replace(ph, v)
                data = text.encode("utf-8")
            z.writestr(info, data)
    return out.getvalue()


def write_template(path, **kwargs) -> Path:
    """Write :func:`template_bytes` to ``path`` atomically."""
    from .files import atomic_write_bytes

    path = Path(path)
    atomic_write_bytes(path, template_bytes(**kwargs))
    return path


def template_filename(year: int, org: OrgLike | None) -> str:
    """``<year>_<code>_<name>.xlsx``, or the blank template's name."""
    o = _org_dict(org)
    if not o:
        return f"{year}_政府信息公开工作年度报告_空白模板.xlsx"
    return f"{year}_{o['code']}_{o['name']}.xlsx"


OrgLike = Union[Org, Mapping[str, Any]]


def _org_dict(org: OrgLike | None) -> dict[str, str] | None:
    """A body given as an Org or a mapping (a roster row), as the writer reads it."""
    if org is None:
        return None
    o = org if isinstance(org, Org) else Org.of(org)
    return o.to_json() if (o.code or o.name or o.kind) else None


def _write_job(job: tuple) -> str:
    outdir, kwargs = job
    path = Path(outdir) / template_filename(kwargs["year"], kwargs["org"])
    write_template(path, **kwargs)
    return str(path)


def write_templates(orgs, outdir, *, year: int, fmt_id: str | None = None,
                    previous: Mapping[str, Report] | None = None, workers: int | None = None):
    """Write one template per body into ``outdir``, yielding each path as it is written.

    ``previous`` maps a body's code to last year's report. Uses a process pool (all cores by
    default) for more than a handful of bodies.
    """
    import os

    previous = previous or {}
    fmt_id = fmt_id or format_id_for(year)
    bodies = [o if isinstance(o, Org) else Org.of(o) for o in orgs]
    jobs = [(str(outdir), {"year": year, "fmt_id": fmt_id, "org": o.to_json(),
                           "previous": previous.get(o.code)}) for o in bodies]
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(jobs) < 8:
        for job in jobs:
            yield Path(_write_job(job))
        return
    from .workers import pool as make_pool

    _base(fmt_id, year)  # built once here; forked workers inherit it
    with make_pool(min(workers, len(jobs))) as pool:
        for p in pool.map(_write_job, jobs, chunksize=max(1, len(jobs) // (workers * 8))):
            yield Path(p)


def workbook_bytes(*, year: int, org: OrgLike | None, fmt_id: str | None = None,
                   values: dict | None = None, texts: dict | None = None,
                   kind: str = "template", extra: Callable | None = None,
                   previous: Report | None = None, members: list | None = None,
                   extra_sheets: tuple = ()) -> bytes:
    """The official tables as a workbook.

    ``values``: typed data point values (int / Decimal / None) written into the input cells
    (totals are formulas and ignore given values); ``texts``: text ids and cover field ids
    (``contact.person`` …) to strings; ``kind`` "summary" locks every cell and gets the
    summary's instructions; ``members`` (a summary's member list, spec §9) is written on the
    identity sheet with its digest, so that merging the workbook again flattens them;
    ``extra(workbook, styles)`` adds sheets before the identity sheet, ``extra_sheets`` names
    them ((sheet, what it holds), …) for the instructions; ``previous`` (last year's report
    JSON) shows R8 live beside table 二.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown workbook kind {kind!r}")
    fmt_id = fmt_id or format_id_for(year)
    org = _org_dict(org)
    if members is not None:
        members = [m.to_json() if isinstance(m, Member) else dict(m) for m in members]
    layout = L.layout_for(fmt_id)
    fmt = layout.format
    if not fmt.covers_year(year):
        raise ValueError(f"format {fmt_id} does not cover report year {year}")
    buf = io.BytesIO()
    wb = _workbook_class()(buf, {"in_memory": True,
                                 "default_format_properties": dict(DEFAULT_FONT)})
    wb.worksheet_class = _sheet_class()
    w = _Writer(wb, layout, year, org, values or {}, texts or {}, kind)
    if previous and kind == "template":  # marked as pre-filled, and explained in 填报说明
        w.prefilled = {i for i in carried_values(fmt, previous) if w.values.get(i) is not None}
    w.instructions(members, extra_sheets)
    for sheet in layout.sheets:
        w.sheet(sheet)
    if previous:
        w.stock(previous)
    if extra:
        extra(wb, w.st)
    w.identity(members)
    wb.close()
    return buf.getvalue()


class _Writer:
    """Writes one workbook from the layout."""

    def __init__(self, wb, layout, year, org, values, texts, kind):
        self.wb, self.layout, self.fmt = wb, layout, layout.format
        self.year, self.org, self.kind = year, org, kind
        self.texts, self.locked = texts, kind != "template"
        self.values = {i: values.get(i) for i in self.fmt.datapoints}
        # a summary has no texts by design: its cover does not ask for them
        self.f = Formulas(layout, self.values, None if kind == "summary" else texts)
        self.st = make_styles(wb)
        self.sheets: dict[str, Any] = {}  # name -> xlsxwriter Worksheet
        self.prefilled: set[str] = set()  # ids of inputs pre-filled from last year's report
        wb.set_properties({"title": f"{year}年度政府信息公开工作年度报告",
                           "subject": self.fmt.name, "author": GENERATOR,
                           "created": datetime(year, 12, 1, tzinfo=timezone.utc)})
        wb.set_calc_mode("auto")

    # ---- sheets ------------------------------------------------------------------------

    def instructions(self, members, extra_sheets):
        ws = self.wb.add_worksheet(L.INSTRUCTIONS_SHEET)
        ws.set_column(0, 0, INSTRUCTIONS_WIDTH)
        ws.hide_gridlines(2)
        if self.kind == "summary":
            lines = summary_instruction_lines(self.layout, self.year, self.org,
                                              len(members or ()), extra_sheets)
        else:
            lines = instruction_lines(self.layout, self.year, self.org, bool(self.prefilled))
        for r, (style, text) in enumerate(lines):
            ws.write_string(r, 0, text, self.st[style])
            lines = 2 if style == "org_line" else wrapped_lines(text, INSTRUCTIONS_WIDTH)
            if lines > 1 or style == "title":
                ws.set_row(r, max(lines * LINE_PT + 2, 30 if style == "title" else 0))
        page_setup(ws, (INSTRUCTIONS_WIDTH,), landscape=False)
        ws.protect("", {"format_columns": True})

    def sheet(self, sl: L.SheetLayout):
        ws = self.wb.add_worksheet(sl.name)
        self.sheets[sl.name] = ws
        ws.hide_gridlines(2)
        for i, width in enumerate(sl.widths):
            ws.set_column(i, i, width)
        checks: dict[str, list[L.Place]] = {}
        marks: list[L.Place] = []
        for p in sl.places:
            self._place(ws, p, sl, checks, marks)
        for key, places in checks.items():
            ws.data_validation(places[0].row, places[0].col, places[0].row, places[0].col,
                               {**_validation(self.fmt, key, self.year), "multi_range": _sqref(places)})
        if marks:
            self._marks(ws, marks)
        for kind in self.fmt.value_kinds:
            places = checks.get(kind, []) + checks.get(kind + PREFILLED, [])
            if places:
                self._bad_marks(ws, kind, places)
        heights = self._heights(ws, sl)
        self._freeze(ws, sl)
        self._print(ws, sl, heights)
        if self.kind == "summary" and any(p.role == "text" for p in sl.places):
            self._no_texts(ws, sl)
        # a text box grows with a long text only by hand (no spreadsheet refits a row of a set
        # height): rows may be resized on the text sheets (填报说明 says how)
        rows = {} if sl.table or self.locked else {"format_rows": True}
        ws.protect("", {"format_columns": True, "select_locked_cells": False, **rows})

    def _place(self, ws, p: L.Place, sl, checks, marks):
        role, st = p.role, self.st
        if role in ("title", "heading", "header", "corner"):
            return _put(ws, p, p.text, st[role])
        if role == "label":
            style = "label" if sl.table else "cover_label" if sl.name == L.COVER_SHEET else "text_label"
            return _put(ws, p, p.text, st[style])
        if role == "input":
            v = self.values.get(p.id)
            kind = p.kind or ""
            style = value_style(self.fmt.value_kinds[kind])
            if self.locked:
                return _put(ws, p, v, st[style + "_value"])
            if p.id in self.prefilled:  # its own fill, and its prompt says where the value is from
                checks.setdefault(kind + PREFILLED, []).append(p)
                return _put(ws, p, v, st[style + PREFILLED])
            checks.setdefault(kind, []).append(p)
            return _put(ws, p, v, st[style])
        if role == "total":
            return _put(ws, p, self.f.total(p.id), st["total"])
        if role in ("check", "status"):
            marks.append(p)
            if role == "check":
                live = self.f.check(p.id)
            elif p.id == L.COVER_STATUS:
                live = self.f.overall()
            else:
                live = self.f.table_status(sl.name)
            return _put(ws, p, live, st[role])
        if role == "text":
            if self.locked:
                return _put(ws, p, self.texts.get(p.id) or None, st["text_value"])
            checks.setdefault("text", []).append(p)
            return _put(ws, p, self.texts.get(p.id) or None, st["text"])
        if role == "cover":
            return self._cover(ws, p, checks)
        raise ValueError(f"unknown layout role {role!r}")

    def _cover(self, ws, p, checks):
        fixed = {"report.year": self.year}
        if self.org:
            fixed.update({f"org.{k}": self.org.get(k, "") for k in ("name", "code", "kind")})
        if p.id in fixed or self.locked:
            value = fixed.get(p.id, self.texts.get(p.id) or None)
            return _put(ws, p, value, self.st["cover_fixed"])
        checks.setdefault(p.id, []).append(p)
        return _put(ws, p, self.texts.get(p.id) or None, self.st["cover_input"])

    def _marks(self, ws, places):
        ranges = _sqref(places)
        for ch in MARKS:
            ws.conditional_format(places[0].row, places[0].col, places[0].row, places[0].col,
                                  {"type": "text", "criteria": "begins with", "value": ch,
                                   "format": self.st["mark:" + ch], "multi_range": ranges})

    def _bad_marks(self, ws, kind: str, places):
        """Red fill on an input whose content the importer rejects: pasting a cell removes its
        validation, so a negative, a fraction or text can still land there. One format per
        rectangle, each relative to its own top-left cell (a merged input: its top-left)."""
        for rect in runs(places):
            first, _, last = rect.partition(":")
            r0, c0 = parse_a1(first)
            r1, c1 = parse_a1(last or first)
            ws.conditional_format(r0, c0, r1, c1, {"type": "formula",
                                                   "criteria": "=" + bad_cell(self.fmt.value_kinds[kind], first),
                                                   "format": self.st["mark:" + MARK_FAIL]})

    def stock(self, previous: Report):
        """Last year's 现行有效件数 beside table 二, and an R8 mark per row (locked): the checks
        shown live beside their table when last year's report is known."""
        last = previous.values
        checks = [c for c in checks_with(self.fmt, "live", "beside") if last.get(c.ids["last"]) is not None]
        if not checks:
            return
        anchor = self.layout.by_id[checks[0].ids["this"]]
        ws, sl = self.sheets[anchor.sheet], self.layout.sheet(anchor.sheet)
        col = len(sl.widths) + 1
        head = anchor.row - 1
        ws.set_column(col, col, 16)
        ws.set_column(col + 1, col + 1, 20)
        ws.write_string(head, col, f"{self.year - 1}年现行有效", self.st["header"])
        ws.write_string(head, col + 1, f"{checks[0].rule.id} 现行有效件数核对", self.st["header"])
        places = []
        for c in checks:
            row = self.layout.by_id[c.ids["this"]].row
            v = last.get(c.ids["last"])
            write_number(ws, row, col, v, self.st["count_value"])
            live = self.f.stock(c, a1(row, col), v)
            ws.write_formula(row, col + 1, "=" + live.formula, self.st["check"], live.value)
            places.append(L.Place(anchor.sheet, row, col + 1, "check"))
        self._marks(ws, places)

    def identity(self, members):
        info = meta(self.fmt.id, self.year, self.org, self.kind)
        ws = self.wb.add_worksheet(L.META_SHEET)
        for r, (k, v) in enumerate(info.items()):
            ws.write_string(r, 0, k)
            ws.write_string(r, 1, v)
            self.wb.set_custom_property(L.PROPERTY_PREFIX + k, v, "text")
        if members is not None:
            self._members(ws, len(info) + 1, members)
        ws.very_hidden()
        ws.protect()
        for name, ref in _names(self.fmt.id):
            self.wb.define_name(name, ref)

    def _members(self, ws, top: int, members: list):
        """A summary's members as rows below the identity (after a blank row, which ends the
        identity for readers), and their digest as a document property: both survive a
        LibreOffice re-save, and a list edited by hand no longer matches its digest."""
        ws.write_row(top, 0, (MEMBERS_HEADER, *MEMBER_FIELDS))
        for r, m in enumerate(members, top + 1):
            ws.write_string(r, 0, MEMBER_ROW)
            for c, k in enumerate(MEMBER_FIELDS, 1):
                ws.write_string(r, c, str(m.get(k) or ""))
        self.wb.set_custom_property(MEMBERS_PROPERTY, members_digest(members), "text")

    # ---- page set-up ---------------------------------------------------------------------

    def _heights(self, ws, sl) -> dict[int, float]:
        """Row heights for wrapped text (no spreadsheet autofits rows on open), and page breaks
        that keep a text section's label with its box. Only an R1 mark's height and a text
        box holding a text depend on the values; the other rows are worked out once per format.
        A text box is as tall as its text needs (a long text in a 150 pt box is cut on paper),
        up to the tallest row a spreadsheet keeps."""
        need = dict(_fixed_heights(self.fmt.id, sl.name, self.kind != "summary"))
        for p in sl.places:
            if p.role == "check":
                pt = _text_pt(p, str(self.f.check(p.id).value), sl.widths)
            elif p.role == "text" and self.texts.get(p.id):
                pt = min(MAX_ROW_PT, wrapped_lines(self.texts[p.id], sl.widths[p.col]) * LINE_PT + 8)
            else:
                continue
            if pt:
                need[p.row] = max(need.get(p.row, 0), pt)
        for row, pt in sorted(need.items()):
            ws.set_row(row, pt)
        if not sl.table:
            ws.set_h_pagebreaks(_text_breaks(sl, need))
        return need

    def _no_texts(self, ws, sl):
        """A summary's text sheet: one line saying why it is empty, and only that on paper
        (not pages of empty boxes)."""
        ws.write_string(1, 0, SUMMARY_NO_TEXTS, self.st["note"])
        ws.print_area(0, 0, 1, len(sl.widths) - 1)

    def _freeze(self, ws, sl):
        """Headers stay on screen, and the label columns too unless the status crosses that
        line: LibreOffice repaints only one side of a merged cell across the freeze line when
        its value changes (the layout keeps it inside the label columns where they are wide)."""
        inputs = [p for p in sl.places if p.role in ("input", "total")]
        if not inputs or not self._single_block(sl.name):
            return
        row, col = min(p.row for p in inputs), min(p.col for p in inputs)
        if any(p.role == "status" and p.col < col < p.col + p.cols for p in sl.places):
            col = 0
        ws.freeze_panes(row, col)

    def _print(self, ws, sl, heights: dict[int, float]):
        """A table on one page when it can be read there (text at least MIN_FONT_PT), else over
        pages of the page width with its column headers repeated; wide sheets landscape."""
        heads = [p for p in sl.places if p.role in ("header", "corner")]
        repeat = None
        if heads and self._single_block(sl.name):  # repeat the column headers
            repeat = (min(p.row for p in heads), max(p.row + p.rows - 1 for p in heads))
        landscape = sum(sl.widths) > WIDE
        font = TABLE_FONT_PT if sl.table else 11
        last = max(p.row + p.rows for p in sl.places)
        one = bool(sl.table) and one_page_fits(sl.widths, [heights.get(r, 15) for r in range(last)],
                                               landscape, font)
        page_setup(ws, sl.widths, font_pt=font, landscape=landscape, one_page=one, repeat_rows=repeat)

    def _single_block(self, sheet: str) -> bool:
        table = self.layout.sheet(sheet).table
        return bool(table) and len(self.fmt.table(table).blocks) == 1


# ---- helpers ---------------------------------------------------------------------------

@lru_cache(maxsize=None)
def _sheet_class():
    """xlsxwriter's Worksheet, remembering formula preparation: xlsxwriter runs ~150 regexes
    over every formula, validation and conditional format, and ours repeat in every workbook.
    (Only a cache: if xlsxwriter renames the method, the override is unused, output the same.)"""
    from xlsxwriter.worksheet import Worksheet

    cache: dict = {}

    class CachedFormulas(Worksheet):
        def _prepare_formula(self, formula, expand_future_functions=False):
            key = (formula, expand_future_functions, self.use_future_functions)
            if key not in cache:
                cache[key] = super()._prepare_formula(formula, expand_future_functions)
            return cache[key]

    return CachedFormulas


@lru_cache(maxsize=None)
def _names(fmt_id: str) -> tuple[tuple[str, str], ...]:
    """The defined name of every id in the layout, and the absolute reference it points to."""
    return tuple((L.defined_name(p.id), f"={quote_sheet(p.sheet)}!{absolute(p.ref)}")
                 for p in L.layout_for(fmt_id).places if p.id)


@lru_cache(maxsize=None)
def _workbook_class():
    """xlsxwriter's Workbook, remembering the workbook-scoped names it has checked: it runs
    several regexes over each name, and ours (one per id, a few hundred) repeat in every
    workbook. Only a cache: a name is stored as xlsxwriter stored it the first time."""
    import xlsxwriter

    checked: dict = {}

    class CachedNames(xlsxwriter.Workbook):
        def define_name(self, name, formula):
            if (name, formula) in checked:
                self.defined_names.append(list(checked[name, formula]))
                return 0
            result = super().define_name(name, formula)
            if result == 0 and self.defined_names[-1][1] == -1:  # not tied to a sheet index
                checked[name, formula] = list(self.defined_names[-1])
            return result

    return CachedNames


@lru_cache(maxsize=None)
def _fixed_heights(fmt_id: str, sheet: str, with_texts: bool) -> dict[int, float]:
    """Row heights (pt) of a sheet from all but its R1 marks: wrapped labels, inputs, text boxes,
    and statuses as tall as the longest sentence typing can bring (the cover's names the text
    sections ``with_texts``). The marks sit on table rows, never on a text box's row (which is
    set, not raised), so raising their rows afterwards gives the same heights."""
    sl = L.layout_for(fmt_id).sheet(sheet)
    need: dict[int, float] = {}
    for p in sl.places:
        if p.role == "check":
            continue
        text = p.text
        if p.role == "status":
            text = longest_status(fmt_id, None if p.id == L.COVER_STATUS else p.sheet, with_texts)
        if p.role == "text":  # a box to type in; a summary's stay empty (and are not printed)
            need[p.row] = TEXT_ROW_PT if with_texts else INPUT_ROW_PT
        elif p.role in ("input", "total"):
            need[p.row] = max(need.get(p.row, 0), INPUT_ROW_PT)
        pt = _text_pt(p, text, sl.widths)
        if pt:
            need[p.row] = max(need.get(p.row, 0), pt)
    return need


def _text_pt(p: L.Place, text: str | None, widths) -> float | None:
    """The height a place's text needs on one row (None: no text, or a place of several rows)."""
    if not text or p.rows > 1:
        return None
    width = sum(widths[p.col:p.col + p.cols]) if p.col < len(widths) else 10
    return max(30 if p.role == "title" else 0, wrapped_lines(text, width) * LINE_PT + 4)


def _text_breaks(sl, heights: dict[int, float]) -> list[int]:
    """Rows to break pages before, so that a text box never leaves its label behind."""
    breaks, used = [], 0.0
    boxes = {p.row for p in sl.places if p.role == "text"}
    last = max(heights, default=0)
    row = 0
    while row <= last:
        h = heights.get(row, 15)
        if row + 1 in boxes:  # a label: keep it with the box below
            h += heights.get(row + 1, 15)
            if used + h > PAGE_PT and used:
                breaks.append(row)
                used = 0.0
            used += h
            row += 2
            continue
        if used + h > PAGE_PT and used:
            breaks.append(row)
            used = 0.0
        used += h
        row += 1
    return breaks




def _put(ws, p: L.Place, value, style):
    """Write a value, a formula (:class:`Live`) or a blank into a place, merging its range."""
    r, c = p.row, p.col
    if p.merged:
        ws.merge_range(r, c, r + p.rows - 1, c + p.cols - 1, "", style)
    if isinstance(value, Live):
        cached = cell_number(value.value) if value.value is not None else None
        ws.write_formula(r, c, "=" + value.formula, style, cached)
    elif isinstance(value, str):
        ws.write_string(r, c, value, style)
    elif isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        write_number(ws, r, c, value, style)
    elif not p.merged:
        ws.write_blank(r, c, None, style)


def write_number(ws, r, c, value, style) -> None:
    """A number into a cell; as its exact digits (text) when no spreadsheet number holds it."""
    n = cell_number(value)
    if isinstance(n, str):
        ws.write_string(r, c, n, style)
    else:
        ws.write_number(r, c, n, style)


def _sqref(places) -> str:
    """A space-separated range list: single cells compressed to runs, merged ranges whole."""
    single = [p for p in places if not p.merged]
    return " ".join(runs(single) + [p.range for p in places if p.merged])


def _validation(fmt: Format, key: str, year: int) -> dict:
    """Data validation of one kind of input, with the format's Chinese prompts and messages:
    a kind of value (its bounds), the texts (their length), a cover field."""
    if key.endswith(PREFILLED):  # the same check; the prompt says it was pre-filled
        return {**_validation(fmt, key[:-len(PREFILLED)], year), "input_title": "已预填上年结转",
                "input_message": PREFILL_NOTE.format(year=year - 1)}
    err = {"error_type": "stop", "error_title": "输入有误", "ignore_blank": True}
    if key in fmt.value_kinds:
        kind = fmt.value_kinds[key]
        # the largest value the importer reads (it refuses ``below`` and more)
        top = kind.below - (10 ** -(kind.max_decimals or 6) if kind.decimal else 1)
        bounds = {"validate": "decimal" if kind.decimal else "integer", "criteria": "between",
                  "minimum": -top if kind.signed else 0, "maximum": top}
        return {**err, **bounds, **kind.validation}
    if key == "text":
        limit = fmt.kinds["text"]["max_length"]
        texts = {k: v.format(max_length=limit) for k, v in fmt.kinds["text"]["validation"].items()}
        return {**err, "validate": "length", "criteria": "<=", "value": limit, **texts}
    if key == "org.kind":
        kinds = list(fmt.body_kinds)
        return {**err, "validate": "list", "source": kinds, "input_title": "单位类型",
                "input_message": "请从下拉列表中选择本单位的类型。",
                "error_message": "请从下拉列表中选择：" + "、".join(kinds) + "。"}
    label = next((lab for fid, lab, _ in L.COVER_FIELDS if fid == key), key)
    return {**err, "validate": "length", "criteria": "between", "minimum": 1, "maximum": 100,
            "input_title": label, "input_message": f"请填写{label}。",
            "error_message": f"{label}应为1至100个字。"}
