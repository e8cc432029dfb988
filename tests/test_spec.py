"""The format as data: it matches the written spec and passes its own lint."""

from __future__ import annotations

import re

from conftest import SPEC_MD
from nianbao.lint import lint


def _spec_tables_text() -> str:
    text = SPEC_MD.read_text(encoding="utf-8")
    return text[text.index("## 3."):text.index("## 6.")]


def test_lint_is_clean():
    assert lint("gb2021") == []


def test_counts(fmt):
    assert len(fmt.datapoints) == 200
    assert sum(1 for i in fmt.datapoints if i.startswith("t2.")) == 10
    assert sum(1 for i in fmt.datapoints if i.startswith("t3.")) == 175
    assert sum(1 for i in fmt.datapoints if i.startswith("t4.")) == 15
    assert len(fmt.computed) == 25 + 6 + 3


def test_every_spec_label_is_in_the_format(fmt):
    labels = set()
    for t in fmt.tables:
        labels.add(t.title)
        for b in t.blocks:
            labels |= {b.title, b.corner}
            for leaf in b.row_leaves + b.column_leaves:
                labels |= {n.label for n in leaf.path}
    quoted = re.findall(r"`([^`\n]*[\u4e00-\u9fff][^`\n]*)`", _spec_tables_text())
    missing = [q for q in quoted if q not in labels]
    assert missing == []


def test_every_spec_id_is_in_the_format(fmt):
    text = SPEC_MD.read_text(encoding="utf-8")
    ids = set(re.findall(r"`(t[234]\.[a-z_.]+[a-z])`", text))
    ids = {i for i in ids if not re.search(r"\.[a-z]\b", i)}  # t3.r.total: a pattern
    known = set(fmt.datapoints)
    assert not [i for i in ids if i not in known]
    text_ids = set(re.findall(r"`(s[156]\.[a-z_]+)`", text))
    assert text_ids == set(fmt.texts)


def test_every_rule_of_the_spec_has_data(fmt):
    text = SPEC_MD.read_text(encoding="utf-8")
    spec_rules = dict(re.findall(r"^\| (R\d+) \| (error|warning|info) \|", text, re.M))
    ours = {r.id: r.severity for r in fmt.rules}
    # R15 belongs to the 2019 format (a 2021 workbook cannot be in the 2019 layout)
    assert {k: v for k, v in spec_rules.items() if k != "R15"} == ours


def test_r1_expands_per_column(fmt):
    r1 = [c for c in fmt.checks if c.rule.id == "R1"]
    assert [c.label for c in r1][:2] == ["自然人列", "商业企业列"]
    assert r1[0].ids["lhs"] == ("t3.received.natural_person", "t3.carried_over.natural_person")


def test_layout_matches_spec_example(layout):
    # spec §9's example finding points R1 of the 自然人 column at 三、依申请公开!D31
    assert layout.where("t3.carried_forward.natural_person") == ("三、依申请公开", "D31")
    assert layout.total_formula("t3.total.natural_person") == "SUM(D9:D29)"
    assert layout.total_formula("t3.received.total") == "SUM(D7:I7)"


def test_lint_catches_a_rule_kind_the_engine_does_not_know():
    from nianbao.formats import gb2021
    from nianbao.lint import _rules
    from nianbao.spec import build_format

    data = {**gb2021.FORMAT, "rules": gb2021.FORMAT["rules"] + [
        {"id": "R99", "severity": "error", "kind": "balanse", "title": "typo"}]}
    assert _rules(build_format(data)) == ["R99: kind 'balanse' is not implemented in nianbao.rules"]


def test_org_kinds_come_from_the_format_data(fmt):
    from nianbao.report import ORG_KINDS, SUMMARY_KIND
    from nianbao.roster import body_kinds

    assert ORG_KINDS == fmt.org_kinds + ("",) and SUMMARY_KIND in fmt.org_kinds
    assert SUMMARY_KIND not in body_kinds() and len(body_kinds()) == len(fmt.org_kinds) - 1


def test_units_come_from_the_format_data(fmt):
    from nianbao.spec import get_format

    assert fmt.datapoints["t2.fees.amount"].unit == "万元" and fmt.datapoints["t3.total.total"].unit == "件"
    assert {dp.unit for dp in get_format("gb2019").datapoints.values() if dp.kind == "signed"} == {"项"}
