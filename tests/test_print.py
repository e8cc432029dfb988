"""What comes out of the printer (issue 8, items 15–18). Every kind of workbook nianbao writes
goes through LibreOffice to PDF (one soffice run for all of them) and the HTML report through
Chromium; the PDFs are read back with poppler's ``pdftohtml -xml`` (text and font size of every
piece of text, page by page). Checked: page counts, that no text of a cell is missing from the
text layer (a row too short for its text cuts it on paper), that the body text stays at least
``workbook_print.MIN_FONT_PT`` and headers repeat on every page, and that a cover agrees with
``nianbao check``."""

from __future__ import annotations

import collections
import html
import json
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from helpers import ROOT
from helpers.lo import SOFFICE, convert
from nianbao.workbook_print import MIN_FONT_PT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(not (SOFFICE and CHROMIUM and shutil.which("pdftohtml")),
                                reason="needs LibreOffice, Chromium and poppler-utils")
FOOTER = re.compile(r"第\s*\d+\s*页，共\s*\d+\s*页")
ZOOM = 3  # pdftohtml reports font sizes in pixels at this zoom (3 is its most)


@dataclass
class Page:
    text: str  # every piece of text in reading order, joined without spaces
    sizes: collections.Counter  # font size (pt) -> characters


def pages_of(pdf: Path) -> list[Page]:
    xml = subprocess.run(["pdftohtml", "-xml", "-i", "-stdout", "-zoom", str(ZOOM), str(pdf)],
                         capture_output=True, text=True, check=True).stdout
    fonts, out = {}, []
    for page in xml.split("<page ")[1:]:
        fonts.update({f: int(s) / ZOOM for f, s in re.findall(r'<fontspec id="(\d+)" size="(\d+)"', page)})
        sizes, parts = collections.Counter(), []
        for font, raw in re.findall(r'<text [^>]*font="(\d+)"[^>]*>(.*?)</text>', page, re.S):
            t = html.unescape(re.sub(r"<[^>]+>", "", raw))
            parts.append(t)
            t = re.sub(r"\s", "", FOOTER.sub("", t))
            if t:
                sizes[fonts[font]] += len(t)
        out.append(Page(squeeze(FOOTER.sub("", "".join(parts))), sizes))
    return out


def squeeze(text) -> str:
    """Text as compared: no spaces or line breaks (wrapping adds them), NFKC (Chromium's CJK
    font maps some glyphs to the Kangxi radicals, ⼀ for 一; it also folds （ to ()."""
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", str(text)))


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """name -> (source file, pages): the blank template, the seed report filled in (its 五 is
    845 characters; its 六（1） is empty), a county's summary, status board and a feedback file,
    and the seed report and the summary as HTML."""
    from nianbao.cli import app
    from nianbao.document import render
    from nianbao.report import Report
    from nianbao.template_workbook import template_bytes

    tmp = tmp_path_factory.mktemp("print")
    seed = json.loads((ROOT / "samples" / "zhongcun-2022.json").read_text("utf-8"))
    books = {"blank": tmp / "blank.xlsx", "filled": tmp / "filled.xlsx"}
    books["blank"].write_bytes(template_bytes(year=2026, org=None))
    typed = Report.from_json(seed)
    books["filled"].write_bytes(template_bytes(year=2022, org=typed.org, prefill={
        **typed.values, **{k: v for k, v in typed.texts.items() if v}}))
    out = tmp / "out"
    res = CliRunner().invoke(app, ["collect", str(ROOT / "samples" / "inbox"), "--roster",
                                   str(ROOT / "samples" / "roster.csv"), "--year", "2026", "-o", str(out), "-q"])
    assert res.exit_code == 1, res.output
    for name, path in (("summary", out / "summary.xlsx"), ("status", out / "status.xlsx"),
                       ("feedback", out / "反馈" / "140521010_青山县人民政府办公室.xlsx")):
        books[name] = tmp / f"{name}.xlsx"
        shutil.copy(path, books[name])
    pdfs = convert(list(books.values()), tmp / "pdf", "pdf")
    result = {name: (path, pages_of(pdf)) for (name, path), pdf in zip(books.items(), pdfs)}
    for name, report in (("seed.html", typed), ("summary.html", Report.from_json(
            json.loads((out / "summary.json").read_text("utf-8"))))):
        page, pdf = tmp / name, tmp / f"{name}.pdf"
        page.write_bytes(render(report, "html"))
        subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                        f"--user-data-dir={tmp / 'chromium'}", "--no-pdf-header-footer",
                        f"--print-to-pdf={pdf}", page.as_uri()], capture_output=True, timeout=120, check=True)
        result[name] = (page, pages_of(pdf))
    return result


# Pages on A4 (LibreOffice 7.4 / Chromium with the fonts scripts/setup.sh installs). The summary
# printed 40 pages before (各单位明细 alone 26), the blank template 9 with table 三 at 7 pt.
PAGES = {"blank": (9, 11), "filled": (11, 14), "summary": (20, 26), "status": (1, 1), "feedback": (1, 1),
         "seed.html": (3, 5), "summary.html": (2, 4)}


@pytest.mark.parametrize("name", PAGES)
def test_page_counts(printed, name):
    low, high = PAGES[name]
    assert low <= len(printed[name][1]) <= high


@pytest.mark.parametrize("name", PAGES)
def test_text_is_legible(printed, name):
    """The body text of every page at least MIN_FONT_PT; nothing below 8 pt (the 10 pt notes
    and marks of a workbook keep their proportion to it)."""
    for n, page in enumerate(printed[name][1], 1):
        if not page.sizes:
            continue
        common = page.sizes.most_common(1)[0][0]
        assert common >= MIN_FONT_PT - 0.05 and min(page.sizes) >= 8, (name, n, sorted(page.sizes.items()))


def _printed_cells(path: Path):
    """(sheet, cell, text) of every text cell a workbook prints: visible sheets, inside the
    print area if one is set; formulas as their cached results."""
    wb = openpyxl.load_workbook(path, data_only=True)
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        area = None
        if ws.print_area:
            ref = ws.print_area[0] if isinstance(ws.print_area, list) else ws.print_area
            area = openpyxl.utils.cell.range_boundaries(ref.split("!")[-1].replace("$", ""))
        for row in ws.iter_rows():
            for c in row:
                if not isinstance(c.value, str) or not c.value.strip():
                    continue
                if area and not (area[0] <= c.column <= area[2] and area[1] <= c.row <= area[3]):
                    continue
                yield ws.title, c.coordinate, c.value


@pytest.mark.parametrize("name", ["blank", "filled", "summary", "status", "feedback"])
def test_no_text_is_cut(printed, name):
    """Every text a workbook prints is whole in the PDF: a row too short for a wrapped text
    (845 characters in a 150 pt box) loses its end on paper."""
    path, pages = printed[name]
    layer = "".join(p.text for p in pages)
    missing = [(s, c, v[:30]) for s, c, v in _printed_cells(path) if squeeze(v) not in layer]
    assert not missing, missing[:10]


def test_the_long_texts_print_whole(printed):
    seed = json.loads((ROOT / "samples" / "zhongcun-2022.json").read_text("utf-8"))
    layer = "".join(p.text for p in printed["filled"][1])
    assert len(seed["texts"]["s5.problems_and_improvements"]) >= 845
    for tid, text in seed["texts"].items():
        assert squeeze(text) in layer, tid


def test_the_cover_agrees_with_check(printed):
    """The seed's 六（1）信息处理费收取情况 is empty: ``nianbao check`` warns (R14), so the cover
    must not say √ 全部校验通过 -- neither the cached result nor LibreOffice's."""
    from nianbao.importer import import_workbook
    from nianbao.layout import COVER_STATUS, layout_for

    path, pages = printed["filled"]
    assert [f.rule for f in import_workbook(path).findings] == ["R14"]
    sheet, cell = layout_for("gb2021").where(COVER_STATUS)
    cached = openpyxl.load_workbook(path, data_only=True)[sheet][cell].value
    assert cached == "待填写：文字部分“六（1）信息处理费收取情况”未填写"
    [cover] = [p.text for p in pages if squeeze("政府信息公开工作年度报告数据填报表") in p.text]
    assert cover.endswith(squeeze("校验状态" + cached))  # as LibreOffice computed it


def _pages_with(pages, text):
    return [n for n, p in enumerate(pages) if text in p.text]


def test_headers_repeat_on_every_page(printed):
    _, pages = printed["summary"]
    detail = _pages_with(pages, squeeze("法人或其他组织·商业企业"))
    assert len(detail) >= 5
    for n in detail:  # each page of 各单位明细 with its header row: the bodies' names
        assert all(w in pages[n].text for w in ("数据项", "青山县人民政府140521000", "合计")), n
    texts = [n for n, p in enumerate(pages) if p.text.startswith("单位部分内容")]
    assert len(texts) >= 3  # each page of 各单位文字 with its header row
    # table 三 is two pages of the page width (one page would be 7 pt), its column headers
    # (with the corner's note) on both
    table3 = _pages_with(pages, squeeze("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"))
    assert len(table3) == 2 and all(squeeze("申请人情况") in pages[n].text for n in table3)
    assert squeeze("四、结转下年度继续办理") in pages[table3[1]].text


def test_html_tables_repeat_their_headers(printed):
    """Item 16: the summary's table 三 breaks across pages in print; the page it goes on to starts
    again with its column headers (``<thead>``)."""
    page, pages = printed["summary.html"]
    assert "<thead>" in page.read_text("utf-8")
    rows = [n for n, p in enumerate(pages) if "三、本年度办理结果" in p.text or "四、结转下年度继续办理" in p.text]
    t3 = sorted(set(rows) | set(_pages_with(pages, "一、本年新收政府信息公开申请数量")))
    assert len(t3) >= 2, "table 三 should break across pages in this test"
    for n in t3:
        assert "申请人情况" in pages[n].text and "法人或其他组织" in pages[n].text, n


def _luminance(hex_colour: str) -> float:
    """WCAG relative luminance of #RRGGBB."""
    def lin(c):
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_pending_status_is_legible_on_paper(printed):
    """Item 18: 待填写 was mid-grey on light grey (3.6 : 1) and all but vanished on paper. Every
    status colour reads at least 4.5 : 1, the grey one 7 : 1 (grey prints paler than colour);
    and in the PDF the 待填写 of the blank template is that dark."""
    from nianbao.workbook_styles import MARK_PENDING, MARKS

    for mark, style in MARKS.items():
        assert contrast(style["font_color"], style["bg_color"]) >= (7 if mark == MARK_PENDING else 4.5), mark
    pdf = next((printed["blank"][0].parent / "pdf").glob("blank.pdf"))
    xml = subprocess.run(["pdftohtml", "-xml", "-i", "-stdout", str(pdf)], capture_output=True, text=True).stdout
    colours = dict(re.findall(r'<fontspec id="(\d+)"[^>]*color="(#[0-9a-fA-F]{6})"', xml))
    pending = [colours[f] for f, t in re.findall(r'<text [^>]*font="(\d+)"[^>]*>(.*?)</text>', xml)
               if t.strip().startswith("待填写")]  # the statuses (填报说明 names it in black)
    assert pending and all(c.upper() == MARKS[MARK_PENDING]["font_color"] for c in pending), set(pending)
