"""What a published table writes a number with, and what run-together numbers may hide.

Only ASCII (and full-width) digits are read. A cell whose number carries another character
Unicode calls a digit -- a footnote mark (``240¹``), a circled number (``240①``), Arabic-Indic
digits (``٢٤٠``) -- is refused with a finding, in every form: NFKC would read ``240¹`` as 2401.
And numbers run together are not cut in a report that leaves cells blank beside numbers: the
count of digits no longer says where the cells are.
"""

from __future__ import annotations

import dataclasses
import re

import pytest

from helpers.reports import clean_report
from helpers.wild import exact_or_flagged
from nianbao.document import render
from nianbao.published import parse_published
from nianbao.published.cuts import as_number, cuts
from nianbao.published.lines import ANY_DIGIT, ITEM_MARKS, is_value, odd_digits

REPORT = clean_report()
KEY = "t3.received.natural_person"
LABEL = "一、本年新收政府信息公开申请数量"
VALUE = str(REPORT.values[KEY])


def _arabic(s: str) -> str:
    return "".join(chr(0x660 + int(c)) for c in s)


WRITTEN = [VALUE + "¹", VALUE + "①", VALUE + "²", VALUE[0] + "⁴" + VALUE[2:], _arabic(VALUE), "٣" + VALUE[1:]]


def _odd(back, key: str) -> list[dict]:
    return [f for f in back.to_json()["findings"] if f["code"] == "PUBLISHED_ODD_DIGITS" and key in f["datapoints"]]


def _text(how: str, cell: str) -> str:
    text = render(REPORT, "text").decode("utf-8")
    line = next(x for x in text.split("\n") if x.startswith(LABEL))
    cells = line.split("\t")
    at = cells.index(VALUE)
    cells[at] = cell
    new = {"tabs": "\t".join(cells), "spaces": " ".join(c for c in cells if c),
           "run": "".join(cells)}[how]
    return text.replace(line, new)


@pytest.mark.parametrize("cell", WRITTEN)
def test_a_cell_written_with_other_digits_is_refused_in_a_web_page(cell):
    html = render(REPORT, "html").decode("utf-8")
    html, n = re.subn(rf"({LABEL}</t[hd]>\s*<td[^>]*>){VALUE}<", lambda m: m[1] + cell + "<", html, count=1)
    assert n == 1
    back = parse_published(html.encode("utf-8"), "page.html")
    assert back.values[KEY] is None
    (finding,) = _odd(back, KEY)
    assert finding["severity"] == "error" and cell in finding["message"]
    exact_or_flagged(REPORT, back)
    assert sum(v is None for v in back.values.values()) == 1  # only that cell


@pytest.mark.parametrize("how", ["tabs", "spaces", "run"])
@pytest.mark.parametrize("cell", WRITTEN)
def test_a_cell_written_with_other_digits_is_refused_in_page_text(cell, how):
    back = parse_published(_text(how, cell).encode("utf-8"), "page.txt")
    assert back.values[KEY] is None
    assert _odd(back, KEY), [f.message() for f in back.findings][:5]
    exact_or_flagged(REPORT, back)


def test_a_number_in_other_digits_is_never_taken_for_part_of_a_label():
    """``…数量١٢3 0 0 0 0 15``: the Arabic-Indic ``١٢`` is no misspelling of the label (a
    variant never differs from the label in a digit), and ``15`` is not cut into 1/5."""
    back = parse_published(_text("spaces", "").replace(LABEL, LABEL + "١٢3 0 0 0 0 15 #").encode("utf-8"),
                           "page.txt")
    assert not any(f.code == "PUBLISHED_LABEL_VARIANT" and "١" in f.message() for f in back.findings)
    exact_or_flagged(REPORT, back)
    assert all(back.values[k] is None for k in back.values if k.startswith("t3.received."))


def test_every_character_unicode_calls_a_digit_is_known():
    """The run pattern (segment.py) and :func:`odd_digits` know the same digits Python does."""
    for c in range(0x110000):
        ch = chr(c)
        if ch.isdigit():
            assert ch in ITEM_MARKS or re.fullmatch(ANY_DIGIT, ch), hex(c)
            read = "0" <= ch <= "9" or "０" <= ch <= "９"
            assert (read or ch in ITEM_MARKS) == (not odd_digits(ch)), hex(c)


def test_numbers_for_the_identities_are_ascii_numbers():
    assert as_number("１２") == 12 and as_number("1,234") == 1234 and str(as_number("12.50")) == "12.50"
    for s in ("٣", "12¹", "①", "²", "1²", "⑴"):
        assert as_number(s) is None, s
        assert is_value(s) == (s != "⑴")
    # a token with a mark is one cell, never cut: "12²" is not 1/22 or 12/2
    assert cuts(["12²", "5"], 3, 10) == []
    assert sorted(cuts(["122", "5"], 3, 10)) == [("1", "22", "5"), ("12", "2", "5")]


def test_runs_are_not_cut_in_a_report_that_leaves_cells_blank():
    """A real 2019 table (上海市人民政府办公厅) leaves its zeros blank: ``（一）予以公开 258 12 1
    1`` stands for seven cells, three blank. As text without separators, ``2581211`` has seven
    digits and one cut, 2/5/8/1/2/1/1 -- every number wrong. Blank cells seen elsewhere in the
    report (a row with fewer digits than cells) say that no cut can be trusted."""
    values = dict(REPORT.values)
    row = [k for k in values if k.startswith("t3.granted.")]
    for k, v in zip(row, [258, 12, None, None, 1, 1, None]):
        values[k] = v
    values["t3.partially_granted.natural_person"] = 3  # （二）部分公开: 3 and six blanks
    for k in values:
        if k.startswith("t3.partially_granted.") and k != "t3.partially_granted.natural_person":
            values[k] = None
    report = dataclasses.replace(REPORT, values=values)
    text = render(report, "text").decode("utf-8")
    back = parse_published(text.replace("\t", "").encode("utf-8"), "page.txt")  # cells run together
    exact_or_flagged(report, back)
    assert all(back.values[k] is None for k in row)
    assert any(f.code == "PUBLISHED_SPLIT_BLANKS" and row[0] in f.datapoints for f in back.findings)


def _rows(tokens_by_row: dict) -> list:
    from nianbao.published import digits
    from nianbao.spec import get_format

    fmt = get_format("gb2021")
    cols = [c.key for c in fmt.table("t3").blocks[0].column_leaves]
    return [digits.Row("三", key, [f"t3.{key}.{c}" for c in cols], tokens, []) for key, tokens in tokens_by_row.items()]


def test_the_only_cut_of_a_row_is_not_read_when_it_breaks_the_rows_own_identity_the_table_keeps():
    """``3 0 0 0 0 15`` has one cut into seven cells, 3/0/0/0/0/1/5, and it breaks R3 (3+1 ≠ 5):
    a cell was lost (left blank, a character dropped) more likely than the table broke R3 in
    this row alone -- the other rows keep it. Where the table breaks R3 in other rows too (22 of
    the corpus: 总计 0 in every row), the only cut is read as the table printed it."""
    from nianbao.published import digits
    from nianbao.spec import get_format

    eqs = digits.equations(get_format("gb2021"), "t3", {})
    rows = _rows({"received": ["3", "0", "0", "0", "0", "15"], "carried_over": ["1000001"]})
    digits.solve(rows, {}, eqs, as_number)
    assert rows[0].chosen is None and "R3" in rows[0].rules and rows[1].chosen == ("1", "0", "0", "0", "0", "0", "1")
    assert digits.findings_of(rows[0], rows[0].ids).code == "PUBLISHED_SPLIT_NONE"
    rows = _rows({"received": ["3", "0", "0", "0", "0", "15"], "carried_over": ["5100000"]})
    digits.solve(rows, {}, eqs, as_number)
    assert rows[0].chosen == ("3", "0", "0", "0", "0", "1", "5") and rows[1].chosen is not None
