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
