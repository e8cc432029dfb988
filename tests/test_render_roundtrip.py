"""Property: render then parse gives back the values and texts of any valid report.

Texts come back as they survive publishing (:func:`nianbao.document.normal_text`: one paragraph a
line, blank lines and runs of spaces gone). Section 六's two texts come back apart because the
信息处理费 statement speaks of the 信息处理费 and the other matters do not (the rule documented
in :mod:`nianbao.published`); the generated texts follow that rule.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao.document import normal_text, render
from nianbao.published import parse_published
from nianbao.report import build_report
from nianbao.spec import get_format

_CHARS = "报告政府信息公开年度工作申请处理局镇街道人民，。；：、（）“”《》！？—…" \
         "abcXYZ0123456789 <>&\"'|*#_-.+=[]()\\/`~"
_LINE = st.text(alphabet=_CHARS, max_size=40).map(lambda s: "本" + s)
_FEE_LINE = st.tuples(_LINE, _LINE).map(lambda p: p[0] + "信息处理费" + p[1])
_NAME = st.text(alphabet="报告政府信息公开局镇街道人民<>&\"'", max_size=12).map(lambda s: "某" + s)


def _text(line):
    return st.lists(line, max_size=3).map("\n".join)


def _value(kind):
    if kind == "amount":
        return st.integers(0, 6).flatmap(lambda p: st.decimals(
            min_value=0, max_value=10**8, places=p, allow_nan=False, allow_infinity=False))
    if kind == "signed":
        return st.integers(-10**6, 10**6)
    return st.integers(0, 10**7)


@st.composite
def reports(draw):
    fmt = get_format(draw(st.sampled_from(["gb2021", "gb2019"])))
    values = {i: draw(_value(dp.kind)) for i, dp in fmt.datapoints.items()}
    texts = {i: draw(_text(_FEE_LINE if i == "s6.processing_fees" else _LINE)) for i in fmt.texts}
    return build_report(fmt, year=draw(st.integers(2000, 2099)), org={"name": draw(_NAME), "kind": ""},
                        values=values, texts=texts)


@pytest.mark.parametrize("kind, name", [("html", "r.html"), ("markdown", "r.md"), ("text", "r.txt")])
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(report=reports())
def test_render_then_parse_gives_the_report_back(kind, name, report):
    back = parse_published(render(report, kind), name).to_json()
    report = report.to_json()
    assert back["format"] == report["format"]
    assert (back["year"], back["org"]["name"]) == (report["year"], report["org"]["name"])
    assert back["values"] == report["values"]
    assert back["texts"] == {k: normal_text(v) for k, v in report["texts"].items()}
    assert not [f for f in back["findings"] if f["code"].startswith("PUBLISHED_")
                and f["code"] != "PUBLISHED_FORMAT"]


def test_amounts_keep_every_decimal():
    fmt = get_format("gb2021")
    report = build_report(fmt, year=2022, org={"name": "某局"},
                          values={"t2.fees.amount": Decimal("0.000001")}, texts={})
    for kind, name in (("html", "r.html"), ("markdown", "r.md"), ("text", "r.txt")):
        back = parse_published(render(report, kind), name)
        assert back.values["t2.fees.amount"] == Decimal("0.000001")
