"""Importing filled workbooks: round trips, single-cell corruptions, caches, layout changes."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.import_kit import (
    FEES,
    FMT,
    LAYOUT,
    QUIET_TEXTS,
    WHERE,
    ZC,
    at,
    consistent,
    fill,
    imp,
    patch_zip,
    quiet,
    sheet_part,
    stale_workbook,
    template,
    where,
)
from nianbao.report import Org
from nianbao.rules import recompute_totals

TEXT = st.text(st.characters(whitelist_categories=("L", "N", "P", "Zs"), max_codepoint=0x9FFF)
               | st.sampled_from(["\n", "中", "，", "。"]), max_size=60).map(str.rstrip) \
    .filter(lambda s: not s.startswith(("=", "-", "+", "@")))
SETTINGS = settings(max_examples=30, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture(scope="module")
def tpl(tmp_path_factory):
    return template(tmp_path_factory.mktemp("tpl"))


@SETTINGS
@given(data=st.data())
def test_round_trip_values_and_texts(tpl, tmp_path, data):
    values = consistent(lambda lo, hi: data.draw(st.integers(lo, hi)))
    texts = {t: data.draw(TEXT) for t in FMT.texts}
    texts["s6.processing_fees"] = FEES
    result = imp(fill(tpl, tmp_path / "f.xlsx", values, texts))
    assert result.readable
    expected = {**values, **recompute_totals(FMT, values)}
    got = result.report.to_json()["values"]
    for i, dp in FMT.datapoints.items():
        want = expected[i]
        assert got[i] == (format(want.normalize(), "f") if dp.kind == "amount" else want), i
    assert Decimal(got["t2.fees.amount"]) == values["t2.fees.amount"]
    assert result.report.to_json()["texts"] == texts
    blank = {s.heading for s in FMT.sections if s.fields and not any(texts[f.id].strip() for f in s.fields)}
    errors = [f for f in result.findings if f.severity == "error"]
    assert [(f.rule, f.params["heading"]) for f in errors] == [("R13", h) for h in sorted(blank, key=[
        s.heading for s in FMT.sections].index)]
    assert result.report.to_json()["org"] == ZC and result.report.to_json()["year"] == 2022


COUNT_BAD = [  # (what is typed, given the value v that was there) -> codes expected at the cell
    # one problem, one finding: a value that cannot be read is its cell's finding alone (not also
    # R6's count of missing values)
    (lambda v: f"{v}件", {"VALUE_NORMALISED"}), (lambda v: _fw(v), {"VALUE_NORMALISED"}),
    (lambda v: f" {v} ", {"VALUE_NORMALISED"}), (lambda v: f"{v}.0", {"VALUE_TEXT_NUMBER"}),
    (lambda v: str(v), {"VALUE_TEXT_NUMBER"}), (lambda v: 10**10 + v, {"VALUE_TOO_LARGE"}),
    (lambda v: v + 0.5, {"VALUE_NOT_INTEGER"}), (lambda v: -v - 1, {"VALUE_NEGATIVE"}),
    (lambda v: "十二", {"VALUE_NOT_NUMBER"}), (lambda v: f"约{v}", {"VALUE_NOT_NUMBER"}),
    (lambda v: None, {"VALUE_BLANK"}), (lambda v: "/", {"VALUE_BLANK"}),
    (lambda v: "无", {"VALUE_BLANK"}), (lambda v: "—", {"VALUE_BLANK"}),
    (lambda v: f"={v}+0", {"VALUE_FORMULA_UNCALCULATED"}), (lambda v: True, {"VALUE_NOT_NUMBER"}),
]
MISSING = {"VALUE_NOT_INTEGER", "VALUE_NEGATIVE", "VALUE_NOT_NUMBER", "VALUE_BLANK",
           "VALUE_FORMULA_UNCALCULATED", "VALUE_WRONG_UNIT", "VALUE_TOO_LARGE", "VALUE_TOO_PRECISE"}  # the value is recorded as missing
AMOUNT_BAD = {"9,116.36": {"VALUE_NORMALISED"}, "9116.36万元": {"VALUE_NORMALISED"},
              "251000元": {"VALUE_WRONG_UNIT"}, -1: {"VALUE_NEGATIVE"}, "": {"VALUE_BLANK"},
              "9116.36": {"VALUE_TEXT_NUMBER"}, Decimal("12.1234567"): {"VALUE_TOO_PRECISE"},
              Decimal("1E+9"): {"VALUE_TOO_LARGE"}}


@pytest.fixture(scope="module")
def quiet_file(tpl, tmp_path_factory):
    out = tmp_path_factory.mktemp("quiet") / "quiet.xlsx"
    return fill(tpl, out, quiet(), QUIET_TEXTS)


def test_quiet_baseline_has_no_finding(quiet_file):
    assert imp(quiet_file).findings == []


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_single_cell_corruption_is_found_at_that_cell(quiet_file, tmp_path, data):
    counts = [i for i in FMT.inputs if FMT.datapoints[i].kind == "count"]
    item = data.draw(st.sampled_from(counts))
    typed, expected = data.draw(st.sampled_from(COUNT_BAD))
    before = quiet()[item]
    result = imp(fill(quiet_file, tmp_path / "c.xlsx", {item: typed(before)}))
    assert where(result) == {(c, *at(item)) for c in expected}, (item, typed(before))
    value = result.report.to_json()["values"][item]
    assert value == (None if expected & MISSING else before)
    # the one finding of a missing value is an error: the report is incomplete (R6)
    assert {f.severity for f in result.findings if f.code in MISSING} <= {"error"}


def test_values_out_of_bounds_or_stored_as_text(quiet_file, tmp_path):
    """Issue 8 items 20 and 27: 1E+308 and an 18-digit ID number imported as counts, a fee with 7
    decimals was accepted (the format's max_decimals unread), a count stored as text "12" passed
    with no finding (spec §7 asks for one)."""
    typed = {"t2.licensing.decisions": 1e308, "t2.penalties.decisions": 110101199003078888,
             "t2.fees.amount": 12.1234567, "t3.received.natural_person": "5"}
    result = imp(fill(quiet_file, tmp_path / "v.xlsx", typed))
    found = {f.datapoints[0]: f for f in result.findings}
    assert {i: (f.code, f.severity) for i, f in found.items()} == {
        "t2.licensing.decisions": ("VALUE_TOO_LARGE", "error"),
        "t2.penalties.decisions": ("VALUE_TOO_LARGE", "error"),
        "t2.fees.amount": ("VALUE_TOO_PRECISE", "error"),
        "t3.received.natural_person": ("VALUE_TEXT_NUMBER", "info")}
    assert result.report.to_json()["values"]["t3.received.natural_person"] == 5
    assert all(result.report.to_json()["values"][i] is None for i in list(typed)[:3])
    assert "应小于100亿" in found["t2.licensing.decisions"].message()
    assert "有7位小数，金额最多6位小数" in found["t2.fees.amount"].message()
    assert "“5”是以文字格式存放的数字，已读作 5" in found["t3.received.natural_person"].message()


def test_a_few_blank_cells_are_one_error_each_and_no_second_finding(quiet_file, tmp_path):
    """Issue 8 item 7: a blank or "无" was an R16 warning and again in R6's error; now it is
    one finding, at its cell, at error level (the report is incomplete)."""
    cells = ["t2.licensing.decisions", "t3.received.commercial", "t3.granted.research"]
    result = imp(fill(quiet_file, tmp_path / "b.xlsx", {cells[0]: None, cells[1]: "无", cells[2]: "/"}))
    assert [(f.code, f.rule, f.severity, f.sheet, f.cell) for f in result.findings] == [
        ("VALUE_BLANK", "R16", "error", *at(i)) for i in cells]
    assert "填的是“无”" in result.findings[1].message()


def test_a_blank_template_checked_is_one_finding_per_table(tmp_path):
    """Issue 8 item 7: the blank template checked gave 3 errors and 167 warnings; now the blanks
    of a table are one finding that says how many and where they start."""
    from nianbao.template_workbook import template_bytes

    path = tmp_path / "blank.xlsx"
    path.write_bytes(template_bytes(year=2026, org=None))
    found = imp(path).findings
    blanks = [f for f in found if f.code == "VALUE_BLANKS"]
    assert [(f.rule, f.severity, f.sheet, f.params["n"]) for f in blanks] == [
        ("R16", "error", "二、主动公开", 10), ("R16", "error", "三、依申请公开", 144),
        ("R16", "error", "四、复议诉讼", 12)]
    assert blanks[0].message().startswith("二、主动公开政府信息情况中有10项数字未填写") and "B6、C6、D6" in \
        blanks[0].message()
    assert not {"VALUE_BLANK", "RULE_INCOMPLETE"} & {f.code for f in found}
    assert len(found) < 12


def _fw(n: int) -> str:
    return "".join(chr(ord(c) + 0xFEE0) for c in str(n))


@pytest.mark.parametrize("raw", list(AMOUNT_BAD))
def test_amount_corruptions(quiet_file, tmp_path, raw):
    result = imp(fill(quiet_file, tmp_path / "a.xlsx", {"t2.fees.amount": raw}))
    assert where(result) == {(c, *at("t2.fees.amount")) for c in AMOUNT_BAD[raw]}
    if not AMOUNT_BAD[raw] & MISSING:
        assert result.report.to_json()["values"]["t2.fees.amount"] == "9116.36"


def test_amount_is_exact_decimal_text(quiet_file, tmp_path):
    for raw, want in ((Decimal("0.000001"), "0.000001"), (Decimal("123456789.123456"), "123456789.123456"),
                      ("0.10", "0.1"), (12, "12")):
        result = imp(fill(quiet_file, tmp_path / "a.xlsx", {"t2.fees.amount": raw}))
        assert result.report.to_json()["values"]["t2.fees.amount"] == want


def test_seventeen_digit_doubles_read_as_typed(quiet_file, tmp_path):
    """Some writers print a cell's double with 17 digits; the value typed had at most 15."""
    sheet, ref = at("t2.fees.amount")
    part = sheet_part(quiet_file, sheet)
    out = patch_zip(quiet_file, tmp_path / "d.xlsx", {part: lambda b: re.sub(
        rb'(<c r="%s"[^>]*>)<v>[^<]*</v>' % ref.encode(), rb"\1<v>9116.3599999999997</v>", b)})
    assert imp(out).report.to_json()["values"]["t2.fees.amount"] == "9116.36"


def test_texts_kept_exactly(quiet_file, tmp_path):
    texts = {"s1.intro": "第一段。\n\n  第二段缩进。\n", "s5.problems_and_improvements": "一是……\r\n二是……  \t",
             "s6.other_matters": "以 CR 结尾：\r"}
    result = imp(fill(quiet_file, tmp_path / "t.xlsx", texts=texts))
    assert result.report.to_json()["texts"]["s1.intro"] == "第一段。\n\n  第二段缩进。"
    assert result.report.to_json()["texts"]["s5.problems_and_improvements"] == "一是……\r\n二是……"
    assert result.report.to_json()["texts"]["s6.other_matters"] == "以 CR 结尾："


@pytest.mark.parametrize("blank, missing", [
    (["s1.intro", "s1.active_disclosure"], set()),  # 一 still has text in another field
    ([t for t in FMT.texts if t.startswith("s1.")], {"一、总体情况"}),
    (["s5.problems_and_improvements"], {"五、存在的主要问题及改进情况"}),
    ([t for t in FMT.texts if t.startswith(("s1.", "s5."))], {"一、总体情况", "五、存在的主要问题及改进情况"}),
])
def test_blank_text_section_is_r13(quiet_file, tmp_path, blank, missing):
    """A section of 一/五 whose every field is blank (or only spaces) is missing from the report:
    R13, an error, at the section's first field."""
    result = imp(fill(quiet_file, tmp_path / "s.xlsx", texts=dict.fromkeys(blank, "  ")))
    found = [f for f in result.findings if f.rule == "R13"]
    assert {f.params["heading"] for f in found} == missing
    assert all(f.severity == "error" and f.sheet and f.cell for f in found)
    first = {s.heading: s.fields[0].id for s in FMT.sections if s.fields}
    assert {(f.sheet, f.cell) for f in found} == {at(first[h]) for h in missing}


def test_blank_section_six_is_r14_not_r13(quiet_file, tmp_path):
    """六 has a required field (the fee statement, R14 warning): a blank 六 is R14 only."""
    result = imp(fill(quiet_file, tmp_path / "six.xlsx", texts={"s6.processing_fees": None}))
    assert [f.rule for f in result.findings] == ["R14"]


# ---- caches ------------------------------------------------------------------------------

def test_missing_caches_are_fine(quiet_file):
    """openpyxl drops every cached result: the file was never recalculated."""
    wb = openpyxl.load_workbook(quiet_file, data_only=True)
    p = WHERE["t3.total.total"]
    assert wb[p.sheet][p.ref].value is None
    result = imp(quiet_file)
    assert result.report.to_json()["values"]["t3.total.total"] == 4 and result.findings == []


def test_stale_caches_found_at_each_total(tmp_path):
    fresh = imp(template(tmp_path, "p.xlsx", prefill={**quiet(), **QUIET_TEXTS}))
    assert fresh.findings == []
    result = imp(stale_workbook(tmp_path))
    assert result.report.to_json()["values"]["t3.granted.natural_person"] == 7
    assert result.report.to_json()["values"]["t3.total.natural_person"] == 8
    stale = where(result, "TOTAL_CACHE_STALE")
    assert stale == {("TOTAL_CACHE_STALE", *at(i)) for i in
                     ("t3.granted.total", "t3.total.natural_person", "t3.total.total")}
    # and R1 is computed from the inputs, not from the stale caches
    assert ("RULE_BALANCE", *at("t3.carried_forward.natural_person")) in where(result)


# ---- tampering -------------------------------------------------------------------------------

def test_total_typed_over_formula(quiet_file, tmp_path):
    item = "t3.received.total"
    wrong = imp(fill(quiet_file, tmp_path / "w.xlsx", {item: 6}))
    assert where(wrong, "TOTAL_TYPED_WRONG") == {("TOTAL_TYPED_WRONG", *at(item))}
    assert wrong.report.to_json()["values"][item] == 5 and wrong.errors == 1
    same = imp(fill(quiet_file, tmp_path / "s.xlsx", {item: 5}))
    assert where(same) == {("TOTAL_TYPED", *at(item))}


def test_total_formula_changed_or_deleted(quiet_file, tmp_path):
    item = "t4.review.total"
    changed = imp(fill(quiet_file, tmp_path / "c.xlsx", {item: "=SUM(B6:C6)"}))
    assert where(changed) == {("TOTAL_FORMULA_CHANGED", *at(item))}
    assert changed.report.to_json()["values"][item] == 2
    deleted = imp(fill(quiet_file, tmp_path / "d.xlsx", {item: None}))
    assert where(deleted) == {("TOTAL_FORMULA_MISSING", *at(item))}


def test_unprotected_sheet(quiet_file, tmp_path):
    wb = openpyxl.load_workbook(quiet_file)
    sheet = WHERE["t4.review.total"].sheet
    wb[sheet].protection.sheet = False
    wb.save(tmp_path / "u.xlsx")
    assert where(imp(tmp_path / "u.xlsx")) == {("SHEET_UNPROTECTED", sheet, None)}


# ---- layout ----------------------------------------------------------------------------------

def test_inserted_row_is_not_read_at_shifted_positions(quiet_file, tmp_path):
    wb = openpyxl.load_workbook(quiet_file)
    sheet = WHERE["t3.received.natural_person"].sheet
    wb[sheet].insert_rows(10)
    wb.save(tmp_path / "r.xlsx")
    result = imp(tmp_path / "r.xlsx")
    [f] = [f for f in result.findings if f.severity == "error"]
    assert (f.code, f.sheet, f.cell) == ("LAYOUT_MISMATCH", sheet, "B10")  # first label moved down
    assert "B10" in f.message() and "（空白）" in f.message()
    assert set(result.report.to_json()["values"].values()) == {None}
    assert all(v == "" for v in result.report.to_json()["texts"].values())


def test_changed_label_names_the_cell(quiet_file, tmp_path):
    result = imp(fill(quiet_file, tmp_path / "l.xlsx", cells={("二、主动公开", "A10"): "行政许可（含备案）"}))
    assert where(result) == {("LAYOUT_MISMATCH", "二、主动公开", "A10")}
    assert "行政许可（含备案）" in result.findings[0].message()


def test_renamed_sheet(quiet_file, tmp_path):
    wb = openpyxl.load_workbook(quiet_file)
    wb["四、复议诉讼"].title = "四、行政复议"
    wb.save(tmp_path / "n.xlsx")
    result = imp(tmp_path / "n.xlsx")
    assert [f.code for f in result.findings] == ["LAYOUT_SHEET_MISSING"]
    assert "四、复议诉讼" in result.findings[0].message()


def test_moved_defined_name(quiet_file, tmp_path):
    sheet, ref = at("t4.review.upheld")
    old, new = f"'{sheet}'!${ref[0]}${ref[1:]}<", f"'{sheet}'!${ref[0]}${int(ref[1:]) + 1}<"
    out = patch_zip(quiet_file, tmp_path / "m.xlsx", {"xl/workbook.xml": lambda b: b.replace(
        old.encode(), new.encode())})
    result = imp(out)
    assert where(result) == {("LAYOUT_NAME_MOVED", *at("t4.review.upheld"))}


# ---- identity, format, year, cover ------------------------------------------------------------

def test_identity_from_hidden_sheet_alone(quiet_file, tmp_path):
    out = patch_zip(quiet_file, tmp_path / "h.xlsx", {"docProps/custom.xml": lambda b: re.sub(
        rb"<property .*</property>", b"", b)})
    result = imp(out)
    assert result.findings == [] and result.report.to_json()["org"] == ZC
    assert result.meta["template_id"] and result.report.to_json()["source"]["template"]["format"] == "gb2021"


def test_no_identity_but_same_layout(quiet_file, tmp_path):
    wb = openpyxl.load_workbook(quiet_file)
    del wb["_nianbao"]
    wb.custom_doc_props.props.clear()
    wb.save(tmp_path / "copy.xlsx")
    result = imp(tmp_path / "copy.xlsx")
    assert [f.code for f in result.findings] == ["TEMPLATE_IDENTITY_MISSING"]
    assert result.report.to_json()["values"]["t3.received.natural_person"] == 5


def test_someone_elses_workbook(tmp_path):
    wb = openpyxl.Workbook()
    wb.active["A1"] = "2022年政府信息公开统计表"
    wb.save(tmp_path / "other.xlsx")
    result = imp(tmp_path / "other.xlsx")
    assert not result.readable and result.report is None
    assert [f.code for f in result.findings] == ["NOT_A_TEMPLATE"]


def test_other_format_or_year_asked(quiet_file):
    r = imp(quiet_file, fmt_id="gb2019")
    assert not r.readable and [f.code for f in r.findings] == ["TEMPLATE_FORMAT_MISMATCH"]
    r = imp(quiet_file, year=2023)
    assert where(r) == {("TEMPLATE_YEAR_MISMATCH", None, None)} and "2023" in r.findings[0].message()
    assert imp(quiet_file, fmt_id="gb2021", year=2022).findings == []


def test_blank_template_takes_org_from_cover(tmp_path):
    blank = template(tmp_path, "blank.xlsx", org=None)
    typed = {"org.name": "东村镇人民政府", "org.code": "140521101", "org.kind": "乡镇",
             "contact.person": "张三", "contact.phone": "0356-1234567", **QUIET_TEXTS}
    result = imp(fill(blank, tmp_path / "b.xlsx", quiet(), typed))
    assert result.report.to_json()["org"] == {"code": "140521101", "name": "东村镇人民政府", "kind": "乡镇"}
    assert result.report.to_json()["contact"]["person"] == "张三" and result.findings == []
    missing = imp(fill(blank, tmp_path / "m.xlsx", quiet(), QUIET_TEXTS))
    assert where(missing) == {("COVER_ORG_MISSING", "封面", at("org.name")[1]),
                              ("COVER_FIELD_MISSING", "封面", at("org.code")[1]),
                              ("COVER_FIELD_MISSING", "封面", at("org.kind")[1])}


# ---- cross-year ------------------------------------------------------------------------------

def test_previous_year_rules(quiet_file, tmp_path):
    last = imp(quiet_file).report
    last.year = 2021
    last.values.update({"t3.carried_forward.natural_person": 2, "t2.normative_documents.in_force": 1})
    last.texts["s5.problems_and_improvements"] = "问题依旧。"
    this = imp(fill(quiet_file, tmp_path / "p.xlsx", texts={"s5.problems_and_improvements": "问题依旧。"}),
               previous=last)
    codes = {(f.code, f.rule) for f in this.findings}
    assert ("RULE_CARRY", "R7") in codes and ("RULE_STOCK", "R8") in codes
    assert ("RULE_TEXT_REPEAT", "R20") in codes
    assert ("RULE_CARRY", *at("t3.carried_over.natural_person")) in where(this)
    other = imp(quiet_file, previous=replace(last, org=Org("1", "别的镇", "乡镇")))
    assert "PREVIOUS_MISMATCH" in {f.code for f in other.findings}


def test_import_many_keeps_order_over_two_processes(quiet_file, tmp_path):
    import shutil

    from nianbao.importer import find_workbooks, import_many

    (tmp_path / "d" / "e").mkdir(parents=True)
    paths = []
    for i in range(9):
        p = tmp_path / "d" / ("e" if i % 2 else "") / f"{i}.xlsx"
        shutil.copy(quiet_file, p)
        paths.append(p)
    (tmp_path / "d" / "~$0.xlsx").write_bytes(b"lock")
    (tmp_path / "d" / "notes.txt").write_text("x")
    found = find_workbooks([tmp_path / "d", paths[0]])
    assert sorted(found) == sorted(paths) and len(found) == 9
    results = list(import_many(paths, jobs=2))
    assert [r.path for r in results] == paths
    assert all(r.readable and r.findings == [] for r in results)
    assert results[3].report == imp(paths[3]).report


LABELS = [p for p in LAYOUT.places if p.text is not None]
TOTALS = list(FMT.computed)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_changed_label_is_found_at_its_cell(quiet_file, tmp_path, data):
    p = data.draw(st.sampled_from(LABELS))
    typed = data.draw(st.sampled_from(["", "合计", p.text + "（修改）", "（空）"]))
    result = imp(fill(quiet_file, tmp_path / "l.xlsx", cells={(p.sheet, p.ref): typed or None}))
    assert where(result) == {("LAYOUT_MISMATCH", p.sheet, p.ref)}
    assert set(result.report.to_json()["values"].values()) == {None}


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_total_typed_over_is_found_at_its_cell(quiet_file, tmp_path, data):
    item = data.draw(st.sampled_from(TOTALS))
    right = {**quiet(), **recompute_totals(FMT, quiet())}[item]
    typed = data.draw(st.integers(0, 50))
    result = imp(fill(quiet_file, tmp_path / "t.xlsx", {item: typed}))
    code = "TOTAL_TYPED" if typed == right else "TOTAL_TYPED_WRONG"
    assert where(result) == {(code, *at(item))}
    assert result.report.to_json()["values"][item] == right
