"""Every rule of spec §6 fires where it should, and only there, with cell and message."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest

from nianbao.rules import Context, evaluate, recompute_totals


def balanced(fmt, **inputs):
    """All inputs 0 except those given (ids with dots as __), totals recomputed."""
    vals = {i: 0 for i in fmt.inputs}
    vals["t2.fees.amount"] = Decimal("0")
    vals.update({k.replace("__", "."): v for k, v in inputs.items()})
    vals.update(recompute_totals(fmt, vals))
    return vals


TEXTS = {"s6.processing_fees": "本年度未收取信息处理费。"}


def run(fmt, layout, vals, texts=TEXTS, **kw):
    return evaluate(fmt, Context(vals, dict(texts), year=2026, locate=layout.where, **kw))


def codes(findings):
    return sorted((f.rule, f.code) for f in findings)


def test_a_balanced_report_is_clean(fmt, layout):
    vals = balanced(fmt, t3__received__natural_person=5, t3__granted__natural_person=4,
                    t3__carried_forward__natural_person=1)
    assert run(fmt, layout, vals) == []


def test_r1_names_column_cell_values_and_difference(fmt, layout):
    vals = balanced(fmt, t3__received__natural_person=5, t3__granted__natural_person=3,
                    t3__carried_forward__natural_person=1)
    found = [f for f in run(fmt, layout, vals) if f.rule == "R1"]
    assert [(f.sheet, f.cell) for f in found] == [("三、依申请公开", "D31"), ("三、依申请公开", "J31")]
    assert found[0].message() == "自然人列：一+二（5+0=5）应等于三（七）总计+四（3+1=4），相差1"
    assert found[0].severity == "error"


def test_r2_r3_r4_catch_totals_that_do_not_add_up(fmt, layout):
    vals = balanced(fmt)
    vals["t3.total.commercial"] = 2          # R2 (and R1, R3 of that row)
    vals["t3.granted.total"] = 1             # R3
    vals["t4.review.total"] = 4              # R4
    found = codes(run(fmt, layout, vals))
    assert ("R2", "RULE_SUM") in found and ("R3", "RULE_SUM") in found and ("R4", "RULE_SUM") in found
    r4 = [f for f in run(fmt, layout, vals) if f.rule == "R4"][0]
    assert (r4.sheet, r4.cell) == ("四、复议诉讼", "E7") and "相差4" in r4.message()


def test_r6_reports_missing_values_once(fmt, layout):
    vals = balanced(fmt)
    vals["t2.licensing.decisions"] = None
    vals["t3.received.commercial"] = None
    vals.update(recompute_totals(fmt, vals))
    found = [f for f in run(fmt, layout, vals) if f.rule == "R6"]
    assert len(found) == 1 and found[0].params["n"] >= 2
    # checks that need a missing value are skipped, not computed on a guessed 0
    assert not [f for f in run(fmt, layout, vals) if f.rule in ("R1", "R3")]


def test_cross_year_rules_need_previous(fmt, layout):
    last = SimpleNamespace(values={**{i: 0 for i in fmt.datapoints}, "t3.carried_forward.natural_person": 2,
                                   "t2.normative_documents.in_force": 10},
                           texts={"s5.problems_and_improvements": "问题同上年"})
    vals = balanced(fmt, t3__carried_over__natural_person=1, t3__granted__natural_person=1,
                    t2__normative_documents__issued=3, t2__normative_documents__repealed=20,
                    t2__normative_documents__in_force=12)
    texts = {**TEXTS, "s5.problems_and_improvements": "问题同上年"}
    assert not {"R7", "R8", "R9", "R20"} & {f.rule for f in run(fmt, layout, vals, texts)}
    found = {f.rule: f for f in run(fmt, layout, vals, texts, previous=last)}
    assert {"R7", "R8", "R9", "R20"} <= set(found)
    assert found["R7"].severity == "warning" and found["R20"].severity == "info"
    assert "应为-7" in found["R8"].message()


def test_text_rules(fmt, layout):
    vals = balanced(fmt, t3__received__natural_person=5, t3__granted__natural_person=5,
                    t3__other__fee_unpaid__natural_person=0)
    texts = {"s1.requests": "本年度收到政府信息公开申请3件。", "s6.processing_fees": ""}
    found = {f.rule: f for f in run(fmt, layout, vals, texts)}
    assert found["R10"].cell == "A8" and "3件" in found["R10"].message()
    assert found["R14"].severity == "warning"
    texts = {"s1.requests": "本年度未收到政府信息公开申请。", **TEXTS}
    assert "R12" in {f.rule for f in run(fmt, layout, vals, texts)}


@pytest.mark.parametrize("sentence, fires", [
    ("本年度收到依申请公开3件。", True),          # as a real report writes it (no 申请 after it)
    ("本年度收到依申请公开5件。", False),         # agrees with the table
    ("本年度收到依申请公开事项3项。", False),     # not a count of requests in 件
    ("本年度收到群众来信3件。", False),           # not about requests at all
])
def test_r10_reads_the_wordings_reports_use(fmt, layout, sentence, fires):
    vals = balanced(fmt, t3__received__natural_person=5, t3__granted__natural_person=5)
    found = {f.rule: f for f in run(fmt, layout, vals, {**TEXTS, "s1.requests": sentence})}
    assert ("R10" in found) == fires, sentence


def test_fee_text_rule_r11(fmt, layout):
    vals = balanced(fmt, t3__received__natural_person=1, t3__other__fee_unpaid__natural_person=1)
    assert "R11" in {f.rule for f in run(fmt, layout, vals, {"s6.processing_fees": "无"})}
    assert "R11" not in {f.rule for f in run(fmt, layout, vals)}


@pytest.mark.parametrize("kind, fires", [("乡镇", True), ("部门", True), ("汇总", False), ("", False)])
def test_r17_regulations_by_kind(fmt, layout, kind, fires):
    vals = balanced(fmt, t2__regulations__issued=1, t2__regulations__in_force=1)
    found = evaluate(fmt, Context(vals, TEXTS, org_kind=kind, locate=layout.where))
    assert ("R17" in {f.rule for f in found}) is fires


def test_r18_other_share_and_r19_length(fmt, layout):
    vals = balanced(fmt, t3__received__natural_person=10, t3__granted__natural_person=7,
                    t3__other__other__natural_person=3)
    texts = {**TEXTS, "s1.intro": "字" * 1001}
    found = {f.rule: f for f in run(fmt, layout, vals, texts)}
    assert "30.0%" in found["R18"].message() and found["R18"].severity == "info"
    assert found["R19"].params["n"] == 1001


def test_r13_only_for_published_reports(fmt, layout):
    vals = balanced(fmt)
    assert "R13" not in {f.rule for f in run(fmt, layout, vals)}
    found = run(fmt, layout, vals, sections_found={"一", "二", "三", "四", "五"})
    assert [f.message() for f in found if f.rule == "R13"] == ["报告缺少“六、其他需要报告的事项”部分"]


def test_english_messages_keep_codes(fmt, layout):
    vals = balanced(fmt, t3__received__natural_person=1)
    f = [f for f in run(fmt, layout, vals) if f.rule == "R1"][0]
    assert f.to_dict("en")["code"] == "RULE_BALANCE" and "must equal" in f.message("en")
