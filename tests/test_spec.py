"""The format as data: it matches the written spec and passes its own lint."""

from __future__ import annotations

import re

import pytest

from helpers import ROOT
from nianbao.lint import lint

OFFICIAL = {"gb2021": ROOT / "docs" / "official" / "guobangongkaibanhan-2021-30_format.txt",
            "gb2019": ROOT / "docs" / "official" / "guobangongkaibanhan-2019-60_format-trial.txt"}

# Rule severities as the spec (format-2021.md §6) gives them: facts, copied here so that the data
# is checked against something it was not generated from. R15 belongs to the 2019 format.
SPEC_SEVERITIES = {
    "R1": "error", "R2": "error", "R3": "error", "R4": "error", "R5": "error", "R6": "error",
    "R7": "warning", "R8": "warning", "R9": "warning", "R10": "warning", "R11": "warning",
    "R12": "warning", "R13": "error", "R14": "warning", "R15": "warning", "R16": "warning",
    "R17": "info", "R18": "info", "R19": "info", "R20": "info"}


def _labels(fmt) -> set[str]:
    labels = set()
    for t in fmt.tables:
        labels.add(t.title)
        for b in t.blocks:
            labels |= {b.title, b.corner}
            for leaf in b.row_leaves + b.column_leaves:
                labels |= {n.label for n in leaf.path}
    labels |= {s.heading for s in fmt.sections}
    return labels - {None}


def test_lint_is_clean():
    assert lint("gb2021") == []


def test_counts(fmt):
    assert len(fmt.datapoints) == 200
    assert sum(1 for i in fmt.datapoints if i.startswith("t2.")) == 10
    assert sum(1 for i in fmt.datapoints if i.startswith("t3.")) == 175
    assert sum(1 for i in fmt.datapoints if i.startswith("t4.")) == 15
    assert len(fmt.computed) == 25 + 6 + 3


@pytest.mark.parametrize("format_id", sorted(OFFICIAL))
def test_every_label_is_verbatim_in_the_official_notice(format_id):
    """The official texts were flattened by the archive they come from (cells run together,
    line breaks moved), so whitespace is ignored; every character else must match."""
    from nianbao.spec import get_format

    notice = re.sub(r"\s+", "", OFFICIAL[format_id].read_text(encoding="utf-8"))
    labels = _labels(get_format(format_id))
    assert len(labels) > 60
    assert sorted(x for x in labels if re.sub(r"\s+", "", x) not in notice) == []


def test_a_mistyped_label_is_caught():
    """The check above can fail: a label off by one character is not in the notice."""
    notice = re.sub(r"\s+", "", OFFICIAL["gb2021"].read_text(encoding="utf-8"))
    assert "本年废止件数" in notice and "本年度止件数" not in notice


def test_rules_and_severities_are_the_specs(fmt):
    ours = {r.id: r.severity for r in fmt.rules}
    assert ours == {k: v for k, v in SPEC_SEVERITIES.items() if k != "R15"}
    from nianbao.spec import get_format

    assert get_format("gb2019").rule("R15").severity == SPEC_SEVERITIES["R15"]


def test_spec_ids_are_in_the_format(fmt):
    # a sample of the ids the spec names (its §3–§5 and §2), as facts
    for i in ("t2.regulations.issued", "t2.normative_documents.in_force", "t2.licensing.decisions",
              "t2.coercive_measures.decisions", "t2.fees.amount", "t3.received.natural_person",
              "t3.withheld.state_secret.total", "t3.other.fee_unpaid.other_org", "t3.total.total",
              "t3.carried_forward.legal_services", "t4.review.upheld", "t4.suit_direct.total",
              "t4.suit_after_review.pending"):
        assert i in fmt.datapoints, i
    assert set(fmt.texts) == {"s1.intro", "s1.active_disclosure", "s1.requests",
                              "s1.information_management", "s1.platforms", "s1.oversight",
                              "s5.problems_and_improvements", "s6.processing_fees", "s6.other_matters"}


def test_docs_format_md_is_current():
    """docs/format.md: hand-written prose, then the generated description of every format."""
    from nianbao.format_doc import MARKER, document
    from nianbao.spec import available_formats, get_format

    text = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    assert MARKER in text
    generated = text[text.index(MARKER):]
    assert generated == document([get_format(f) for f in available_formats()]), \
        "docs/format.md is stale: run  nianbao format-doc > /tmp/g.md  and replace its generated part"


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
    from nianbao.identity import SUMMARY_KIND

    assert SUMMARY_KIND in fmt.org_kinds
    assert SUMMARY_KIND not in fmt.body_kinds and len(fmt.body_kinds) == len(fmt.org_kinds) - 1


def test_units_come_from_the_format_data(fmt):
    from nianbao.spec import get_format

    assert fmt.datapoints["t2.fees.amount"].unit == "万元" and fmt.datapoints["t3.total.total"].unit == "件"
    assert {dp.unit for dp in get_format("gb2019").datapoints.values() if dp.kind == "signed"} == {"项"}


def _lint_rules(*extra):
    from nianbao.formats import gb2021
    from nianbao.lint import _rules
    from nianbao.spec import build_format

    return _rules(build_format({**gb2021.FORMAT, "rules": gb2021.FORMAT["rules"] + list(extra)}))


def test_lint_checks_each_rule_against_its_kinds_schema():
    base = {"severity": "warning", "kind": "text_mentions", "title": "t"}
    assert _lint_rules({**base, "id": "R90", "when": "t3.total.total", "texts": ["s1.intro"],
                        "words": ["费"], "wordz": ["x"]}) == [
        "R90: unknown parameter 'wordz' for kind text_mentions (it takes texts, when, words)"]
    assert _lint_rules({**base, "id": "R91", "when": "t3.total.total", "texts": ["s1.intro"]}) == [
        "R91: kind text_mentions needs the parameter 'words'"]
    assert _lint_rules({**base, "id": "R92", "when": "t3.totl.total", "texts": ["s9.x"], "words": ["费"]}) == [
        "R92: parameter 'when' names no data point: 't3.totl.total'",
        "R92: parameter 'texts' names no text: ['s9.x']"]


def test_lint_checks_a_rules_wording():
    base = {"severity": "warning", "kind": "text_mentions", "title": "t", "when": "t3.total.total",
            "texts": ["s1.intro"], "words": ["费"]}
    assert _lint_rules({**base, "id": "R93", "message": "{value}件，{amount}万元"}) == [
        "R93: message uses ['amount'], which kind text_mentions does not supply (value, label, where, words)"]
    # one code, one wording: R11's code with other words is refused
    assert _lint_rules({**base, "id": "R94", "code": "RULE_FEE_TEXT", "message": "另一种说法{value}"}) == [
        'R94: code RULE_FEE_TEXT is worded otherwise for R11; give R94 its own "code"']
    assert _lint_rules({**base, "id": "R95", "code": "VALUE_BLANK"}) == [
        "R95: code VALUE_BLANK is a code of nianbao's own checks"]
