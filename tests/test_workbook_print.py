"""The page set-up decisions, without a printer (tests/test_print.py prints): when a sheet is
fitted to the page width and when it keeps MIN_FONT_PT and goes on over pages, and how a long
text is cut into rows that each fit a page."""

from __future__ import annotations

import io

import openpyxl
from hypothesis import given, settings
from hypothesis import strategies as st

from nianbao.summary_workbook import text_rows
from nianbao.workbook_print import MIN_FONT_PT, fits_width
from nianbao.workbook_styles import wrapped_lines


def test_what_fits_the_width_legibly(layout):
    t3 = layout.sheet("三、依申请公开").widths
    assert fits_width(t3, True, 11) and not fits_width(t3, False, 11)  # landscape, at 82 %
    assert not fits_width(t3, True, 10)  # were its body text 10 pt, it would print below MIN_FONT_PT
    assert fits_width((100,), False, 11)


def _summary(n_bodies: int) -> openpyxl.Workbook:
    from helpers.reports import counter_values, make_report
    from nianbao.summary_workbook import summary_xlsx
    from nianbao.summing import merge_reports

    reports = [make_report(f"{n:04d}", counter_values(n)) for n in range(n_bodies)]
    summary, _ = merge_reports(reports, org={"name": "测试县", "code": ""})
    return openpyxl.load_workbook(io.BytesIO(summary_xlsx(summary, reports)))


def test_the_breakdown_of_a_small_county_fits_the_width_of_a_large_one_goes_on_over_pages():
    ws = _summary(11)["各单位明细"]
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1)  # 1: the default
    assert ws.page_setup.fitToHeight == 0 and ws.print_title_rows == "$1:$1"
    ws = _summary(40)["各单位明细"]
    assert not ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.scale == round(100 * MIN_FONT_PT / 11 + 0.5)  # 82 %: 9 pt text
    assert ws.print_title_rows == "$1:$1" and ws.print_title_cols == "$A:$A"  # names and labels on each page
    assert ws.print_area.endswith("!$A$1:$AP$235")  # 合计 (AP) is the last column printed: the ids are for the screen


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(st.sampled_from("政府信息公开。；a1 "), max_size=400), min_size=1, max_size=6),
       st.integers(2, 8))
def test_a_long_text_is_cut_into_rows_that_fit(paras, max_lines):
    text = "\n".join(paras)
    rows = text_rows(text, 40, max_lines)
    assert all(wrapped_lines(r, 40) <= max_lines for r in rows)
    assert "".join(rows).replace("\n", "") == text.replace("\n", "")  # nothing lost, in order
