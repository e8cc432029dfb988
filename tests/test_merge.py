"""summing (nianbao merge): sums, members, left-out bodies, missing values, associativity and R1–R4."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.reports import FMT, YEAR, counter_values, make_report, valid_values
from nianbao.report import Member, Org
from nianbao.rules import recompute_totals
from nianbao.summing import merge_reports, summary_rule_findings

amounts = st.decimals(min_value=0, max_value=10_000, places=6, allow_nan=False, allow_infinity=False)


@st.composite
def reports(draw, code):
    ints = st.integers(0, 30)
    vals = valid_values(lambda: draw(ints), draw(amounts))
    return make_report(code, vals)


@settings(max_examples=30, deadline=None)
@given(reports("1"), reports("2"), reports("3"))
def test_associative_and_summary_satisfies_r1_to_r4(a, b, c):
    ab, _ = merge_reports([a, b])
    left, f1 = merge_reports([ab, c])
    flat, f2 = merge_reports([a, b, c])
    assert left.values == flat.values
    assert left.members == flat.members == [Member(x, f"单位{x}", "部门", f"sha-{x}") for x in "123"]
    assert f1 == f2 == []
    typed = flat.values
    assert summary_rule_findings(FMT, typed) == []
    for i in FMT.datapoints:
        assert typed[i] == sum(r.values[i] for r in (a, b, c))


def test_summary_shape_texts_and_exact_amount():
    a, b = counter_values(1), counter_values(2)
    a["t2.fees.amount"], b["t2.fees.amount"] = Decimal("0.1"), Decimal("9116.36")
    summary, findings = merge_reports([make_report("A", a), make_report("B", b)],
                                      org={"code": "1405", "name": "某县"})
    assert findings == []
    assert summary.org == Org("1405", "某县", "汇总")
    assert summary.year == YEAR
    assert summary.values["t2.fees.amount"] == Decimal("9116.46")
    assert summary.to_json()["values"]["t2.fees.amount"] == "9116.46"
    assert set(summary.texts.values()) == {""}
    assert summary.values["t3.total.total"] == a["t3.total.total"] + b["t3.total.total"]


def test_invalid_left_out_with_reason_unless_included():
    good = make_report("G", counter_values(3))
    broken_vals = counter_values(4)
    broken_vals["t3.granted.natural_person"] = None
    broken_vals.update(recompute_totals(FMT, broken_vals))
    broken = make_report("X", broken_vals, findings=[
        {"code": "RULE_INCOMPLETE", "severity": "error", "message": "有1项数据未填写"}])
    summary, findings = merge_reports([good, broken])
    assert [m.code for m in summary.members] == ["G"]
    assert [(f.code, f.params["who"]) for f in findings] == [("MERGE_LEFT_OUT", "单位X（X）")]
    assert "有1处错误，有1项数据缺失" in findings[0].message()
    assert summary.values == good.values

    summary, findings = merge_reports([good, broken], include_invalid=True)
    assert [f.code for f in findings] == ["MERGE_INCLUDED_INVALID", "MERGE_MISSING_AS_ZERO",
                                          "RULE_BALANCE", "RULE_BALANCE"]  # 0 unbalances R1
    assert [f.params["label"] for f in findings[2:]] == ["自然人列", "总计列"]
    assert "按0计算" in findings[1].message()
    assert summary.to_json()["findings"][1]["message"] == findings[1].message()
    # the missing cell counts as 0 and the totals it feeds are recomputed, so R2/R3 still hold
    g, x = good.values, broken.values
    assert summary.values["t3.granted.natural_person"] == g["t3.granted.natural_person"]
    assert x["t3.total.total"] is None
    x_as_zero = recompute_totals(FMT, {**x, "t3.granted.natural_person": 0})
    assert summary.values["t3.total.total"] == g["t3.total.total"] + x_as_zero["t3.total.total"]
    assert not [f for f in summary_rule_findings(FMT, summary.values) if f.rule in ("R2", "R3")]


def test_included_unbalanced_body_shows_r1_on_the_summary():
    vals = counter_values(5)
    vals["t3.received.natural_person"] += 2
    vals.update(recompute_totals(FMT, vals))
    bad = make_report("B", vals, findings=[{"code": "RULE_BALANCE", "severity": "error",
                                            "rule": "R1", "message": "…"}])
    summary, findings = merge_reports([make_report("A", counter_values(6)), bad],
                                      include_invalid=True)
    r1 = [f for f in findings if f.rule == "R1"]
    assert [(f.sheet, f.cell, f.severity) for f in r1] == [
        ("三、依申请公开", r1[0].cell, "error"), ("三、依申请公开", r1[1].cell, "error")]
    assert {f.params["label"] for f in r1} == {"自然人列", "总计列"}


def test_other_year_duplicates_and_summary_members_flattened():
    a, b, c = (make_report(x, counter_values(i)) for i, x in enumerate("ABC", 10))
    old = make_report("D", counter_values(20), year=YEAR - 1)
    ab, _ = merge_reports([a, b])
    summary, findings = merge_reports([ab, c, old, a])
    assert [m.code for m in summary.members] == ["A", "B", "C"]
    assert [f.code for f in findings] == ["MERGE_LEFT_OUT", "MERGE_DUPLICATE"]
    assert "报告年度为2025，不是2026" in findings[0].message()
    assert "单位A（A）已计入汇总" in findings[1].message()


def test_nothing_to_merge_is_an_error():
    summary, findings = merge_reports([])
    assert [f.code for f in findings] == ["MERGE_EMPTY"]
    assert summary.members == []


@pytest.mark.parametrize("n", [1, 5])
def test_merge_of_one_is_itself(n):
    rs = [make_report(str(i), counter_values(i)) for i in range(n)]
    summary, _ = merge_reports(rs)
    assert summary.values["t3.received.total"] == sum(r.values["t3.received.total"] for r in rs)


def test_breakdown_total_row_shows_each_kind_as_typed():
    """各单位明细: the 合计 of the fee keeps its decimals (31.12, not 31), counts stay whole
    numbers — each row formatted by its data point's kind."""
    import io

    import openpyxl

    from nianbao.summary_workbook import BREAKDOWN, summary_xlsx

    zero = {i: 0 for i in FMT.inputs}
    a = make_report("1", {**zero, **recompute_totals(FMT, zero), "t2.fees.amount": Decimal("12.5")})
    b = make_report("2", {**zero, **recompute_totals(FMT, zero), "t2.fees.amount": Decimal("18.62")})
    summary, _ = merge_reports([a, b])
    ws = openpyxl.load_workbook(io.BytesIO(summary_xlsx(summary, [a, b])))[BREAKDOWN]
    assert [ws.cell(1, c).value for c in (4, 5)] == ["合计", "数据项编号"]  # bodies in B and C
    row = {ws.cell(r, 5).value: r for r in range(2, ws.max_row + 1)}
    fee = ws.cell(row["t2.fees.amount"], 4)
    assert fee.value == "=SUM(B%d:C%d)" % ((fee.row,) * 2)
    assert fee.number_format == ws.cell(fee.row, 2).number_format == "0.00####"
    count = ws.cell(row["t3.received.total"], 4)
    assert count.number_format == "0"
