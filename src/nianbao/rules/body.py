"""Rule kinds about the report as a whole: who wrote it and in which format."""

from __future__ import annotations

from ..findings import Finding
from ..identity import SUMMARY_KIND
from ..spec import Check, Format
from .engine import Context, finding
from .registry import Param, RuleKind, Wording, register


def _kind_forbidden(fmt: Format, check: Check, ctx: Context) -> list[Finding]:
    p = check.rule.params
    if ctx.org_kind not in p["kinds"]:
        return []
    return [finding(check, ctx, at=i, datapoints=[i], values={i: ctx.values[i]}, kind=ctx.org_kind,
                    label=fmt.datapoints[i].label, value=ctx.values[i])
            for i in p["values"] if ctx.values.get(i)]


register(RuleKind(
    "kind_forbidden", _kind_forbidden, "a body of one of ``kinds`` has 0 in each of ``values``",
    params={"values": Param("datapoints"), "kinds": Param("kinds")},
    fields=("kind", "label", "value"),
    wording=Wording("RULE_KIND", "{kind}不应有“{label}”，但填了{value}，请核实",
                    "a {kind} should have no “{label}”, but it is {value}; please verify",
                    "核实该数字。"),
    # a summary is not one body: the rule applies to it only if its kind is named
    for_summary=lambda kind, rule: SUMMARY_KIND in rule.params.get("kinds", ())))


def _format_year(fmt: Format, check: Check, ctx: Context) -> list[Finding]:
    limit = check.rule.params["max_year"]
    if ctx.year is None or ctx.year <= limit:
        return []
    return [finding(check, ctx, locate=False, year=ctx.year, max_year=limit, name=fmt.name)]


register(RuleKind(
    "format_year", _format_year, "the report year is at most ``max_year`` (a format superseded by "
    "a later one)",
    params={"max_year": Param("int")},
    fields=("year", "max_year", "name"),
    wording=Wording("RULE_FORMAT_YEAR", "{year}年度报告使用了{name}，该格式只适用于{max_year}年度及以前的报告",
                    "a {year} report laid out in {name}, a format for report years up to {max_year}",
                    "按现行格式重新编制表格。")))
