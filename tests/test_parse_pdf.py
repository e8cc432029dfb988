"""PDF reports as real bodies make them, read back: every value exact, or null with a finding.

Made at test time (``pdfmake``) from reports nianbao renders — one whose tables are full, one
that leaves about half its zeros blank as some bodies do — by Chromium's print to PDF and by
LibreOffice Writer's PDF export, in the styles offices give their tables (each one a class of
fix in :mod:`nianbao.published.pdf`), then turned, scanned, or written with radical code points.
The text a user copies out of each PDF (``pdftotext -layout``) is read too: the same property.
"""

from __future__ import annotations

import random

import pytest

from helpers.pdfmake import (
    CHROMIUM,
    PDFTOTEXT,
    SOFFICE,
    Printer,
    odd_ideographs,
    pdftotext,
    rotated,
    scanned,
    soffice_pdf,
    styled,
)
from helpers.wild import blank_zeros, exact_or_flagged, wild_report
from nianbao.document import render
from nianbao.published import NotAReport, parse_published

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")

# variant -> (styles, print options, values read at least, of 200, for the full / blank report)
VARIANTS = {
    "ruled": ((), {}, 200, 195),
    "scale80_background": ((), {"scale": 0.8, "background": True}, 200, 195),
    "cell_spacing": (("cellspacing",), {}, 200, 195),  # the outer rule implied
    "horizontal_rules": (("horizontal",), {}, 200, 170),  # words by position
    "three_line": (("three_line",), {}, 200, 170),
    "no_rules": (("none",), {}, 200, 170),
    "letter_spaced": (("letter_spaced",), {}, 180, 170),  # each character its own word
    "split_repeated_header": (("tall_rows",), {}, 200, 195),
    "split_no_header": (("tall_rows",), {"repeat_header": False}, 200, 195),
    "three_line_split": (("three_line", "tall_rows"), {"repeat_header": False}, 195, 165),
    "landscape": (("landscape",), {}, 200, 195),
}


def _reports():
    full = wild_report(4, "gb2021", 0)
    return {"full": full, "blank": blank_zeros(wild_report(3, "gb2021", 0), random.Random(3))}


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """variant -> report kind -> (report, PDF bytes)."""
    out: dict = {}
    with Printer() as printer:
        for kind, report in _reports().items():
            html = render(report, "html").decode("utf-8")
            for name, (styles, opts, _, _) in VARIANTS.items():
                opts = dict(opts)
                repeat = opts.pop("repeat_header", True)
                out.setdefault(name, {})[kind] = (report, printer.print(styled(html, *styles, repeat_header=repeat),
                                                                        **opts))
            out.setdefault("radicals", {})[kind] = (report, printer.print(odd_ideographs(html, 0.6, 1)))
    return out


def _read(report, back) -> int:
    exact_or_flagged(report, back)
    return sum(v is not None for v in back.values.values()) + sum(v is None for v in report.values.values())


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("kind", ["full", "blank"])
def test_chromium_prints_read_exact_or_flagged(made, variant, kind):
    report, pdf = made[variant][kind]
    back = parse_published(pdf, "report.pdf")
    assert back.source["form"] == "pdf" and back.org.name == "某县某局" and back.year == report.year
    floor = VARIANTS[variant][2 if kind == "full" else 3]
    assert _read(report, back) >= floor


@pytest.mark.skipif(PDFTOTEXT is None, reason="poppler-utils is not installed")
@pytest.mark.parametrize("variant", sorted(VARIANTS) + ["radicals"])
def test_the_text_copied_out_of_each_pdf_reads_exact_or_flagged(made, tmp_path, variant):
    """``pdftotext -layout`` moves a row's numbers onto the next row's label line where label
    cells wrap (PUBLISHED_ROWS_OUT_OF_STEP): those rows are refused, never read one off."""
    for report, pdf in made[variant].values():
        text = pdftotext(pdf, tmp_path)
        exact_or_flagged(report, parse_published(text, "copied.txt"))


def test_radicals_and_compatibility_ideographs_in_the_text_layer(made):
    report, pdf = made["radicals"]["full"]
    assert any("\u2f00" <= ch <= "\u2fdf" or "\uf900" <= ch <= "\ufaff" for ch in odd_ideographs("<body>一二人工</body>", 1.0))
    back = parse_published(pdf, "r.pdf")
    assert _read(report, back) == 200 and back.org.name == "某县某局"


def test_pages_turned_by_rotate_read_as_upright(made):
    report, pdf = made["ruled"]["full"]
    for degrees in (90, 180, 270):
        back = parse_published(rotated(pdf, degrees), "r.pdf")
        assert _read(report, back) == 200, degrees


def test_a_scanned_pdf_is_refused_saying_it_needs_ocr(made):
    _, pdf = made["ruled"]["full"]
    with pytest.raises(NotAReport, match="没有文字层.*文字识别（OCR）"):
        parse_published(scanned(pdf), "scan.pdf")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
@pytest.mark.parametrize("kind", ["full", "blank"])
def test_libreoffice_exports_read_exact_or_flagged(tmp_path, kind):
    """Writer's PDF of the .docx (rows split by page breaks: a label goes on over the page)
    and of the .html (Writer's HTML import drops the CSS borders: no rule at all)."""
    report = _reports()[kind]
    docx = soffice_pdf(render(report, "docx"), ".docx", tmp_path / "docx")
    if not docx.startswith(b"%PDF"):
        pytest.skip("LibreOffice Writer is not installed")
    back = parse_published(docx, "r.pdf")
    assert _read(report, back) == 200
    exact_or_flagged(report, parse_published(pdftotext(docx, tmp_path), "r.txt"))
    page = soffice_pdf(render(report, "html"), ".html", tmp_path / "html")
    back = parse_published(page, "r.pdf")
    assert _read(report, back) >= (175 if kind == "full" else 130)
    exact_or_flagged(report, parse_published(pdftotext(page, tmp_path), "r.txt"))


def test_a_row_whose_numbers_ran_a_line_behind_its_label_is_refused():
    """What ``pdftotext -layout`` makes of a row whose label cells wrap: the numbers of
    "1.本机关不掌握相关政府信息" on the line of the next label, the next row's numbers on a
    line of their own. Read naively, row 2 gets row 1's numbers."""
    report = wild_report(4, "gb2021", 0)
    text = render(report, "text").decode("utf-8")
    lines = text.split("\n")
    i = next(n for n, x in enumerate(lines) if "1.本机关不掌握相关政府信息" in x)
    one, two = lines[i].split("\t"), lines[i + 1].split("\t")
    lines[i] = "\t".join(c for c in one if c and not c.isdigit())
    lines[i + 1] = "\t".join([c for c in two if c and not c.isdigit()] + [c for c in one if c.isdigit()])
    lines.insert(i + 2, "\t".join(["办理结果"] + [c for c in two if c.isdigit()]))
    back = parse_published("\n".join(lines).encode("utf-8"), "copied.txt")
    exact_or_flagged(report, back)
    step = [f for f in back.findings if f.code == "PUBLISHED_ROWS_OUT_OF_STEP"]
    assert step and "t3.unavailable.needs_creation.total" in step[0].datapoints



def _white(color) -> bool:
    color = (color,) if isinstance(color, (int, float)) else color
    return isinstance(color, (tuple, list)) and len(color) > 0 and (
        all(x <= 0.05 for x in color) if len(color) == 4 else all(x >= 0.95 for x in color))


def _cells_on_page(pdf: bytes) -> dict:
    """(page, table, row) -> the row's cells (a merged-over cell left out), as a person sees the
    tables: pdfplumber's tables from the rules drawn in a colour other than white only."""
    import io

    import pdfplumber

    out = {}
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for p, page in enumerate(doc.pages, 1):
            seen = [e for e in page.edges if e.get("stroke") and not _white(e.get("stroking_color"))
                    or e.get("fill") and not _white(e.get("non_stroking_color"))]
            lines = {o: [e for e in seen if e["orientation"] == o] for o in "hv"}
            if len(lines["h"]) < 2 or len(lines["v"]) < 2:
                continue
            found = page.find_tables({"vertical_strategy": "explicit", "horizontal_strategy": "explicit",
                                      "explicit_vertical_lines": lines["v"], "explicit_horizontal_lines": lines["h"]})
            for t, table in enumerate(found, 1):
                for r, row in enumerate(table.extract(), 1):
                    out[p, t, r] = ["".join((c or "").split()) for c in row if c is not None]
    return out


def _places_name_their_cells(pdf: bytes, floor: int) -> None:
    """Page, table and row exactly; the cell counted from the row's right end (a label merged
    over several rows is the first cell of the row it starts in here, of none to the finder)."""
    from nianbao.published.pdf import pdf_lines

    back = parse_published(pdf, "report.pdf")
    seen = _cells_on_page(pdf)
    ours = {(x.where["page"], x.where["table"], x.where["row"]): x.cells for x in pdf_lines(pdf)[0] if "table" in x.where}
    places = [p for p in back.source["places"].values() if "table" in p]
    assert len(places) >= floor
    for p in places:
        key = p["page"], p["table"], p["row"]
        if key not in seen:  # the last row at a page break, its bottom rule not drawn: no cell to the finder
            assert (p["page"], p["table"], p["row"] - 1) in seen and (p["page"], p["table"], p["row"] + 1) not in ours, p
            continue
        from_right = len(ours[key]) - p["column"] + 1
        assert seen[key][-from_right] == "".join(p["raw"].split()), p
        if len(seen[key]) == len(ours[key]):
            assert seen[key][p["column"] - 1] == "".join(p["raw"].split()), p


@pytest.mark.parametrize("variant", ["ruled", "split_repeated_header", "landscape", "cell_spacing"])
def test_every_place_names_the_cell_a_person_finds_there(made, variant):
    """第N页第M个表格第R行第C格: the tables seen on that page, the rows of that table, the cells
    of that row as a person counts them — the cell holding the value read."""
    _places_name_their_cells(made[variant]["full"][1], 190)


def test_places_in_a_word_pdf_skip_the_frames_around_its_text_lines():
    """Word draws each line of text in a frame as a white box: the table finder makes them rows
    of the table below; the places count the rows of the table on the page (corpus 11)."""
    from pathlib import Path

    pdf = (Path(__file__).parent / "files" / "corpus" / "11_hongze_qu_2023.pdf").read_bytes()
    _places_name_their_cells(pdf, 150)
    where = {k: v["where"] for k, v in parse_published(pdf, "11.pdf").source["places"].items()}
    assert where["t2.regulations.issued"] == "第2页第1个表格第3行第2格"
    assert where["t4.review.upheld"] == "第4页第2个表格第4行第1格"


def test_paragraphs_are_placed_by_their_number_on_the_page_not_as_lines():
    """A paragraph of a PDF page is 第N页第M段 (its lines were joined); "行" is kept for a visual
    line of text, as an unruled table row is."""
    from pathlib import Path

    from nianbao.published.lines import place_text
    from nianbao.published.pdf import pdf_lines

    lines, _ = pdf_lines((Path(__file__).parent / "files" / "corpus" / "11_hongze_qu_2023.pdf").read_bytes())
    prose = [x for x in lines if x.cells is None]
    assert prose and all("paragraph" in x.where and "line" not in x.where for x in prose)
    assert place_text(prose[0].where) == "第1页第1段"
