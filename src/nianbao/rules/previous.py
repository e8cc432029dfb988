"""Rule kinds that compare a report with the same body's report of the year before."""

from __future__ import annotations

from ..cellref import plain
from ..findings import Finding
from ..spec import Check, Format
from .engine import Context, finding, previous_values, values_of
from .registry import Param, RuleKind, Wording, register


def _carry(fmt: Format, check: Check, ctx: Context) -> list[Finding]:
    last = previous_values(ctx)
    if last is None:
        return []
    this, prev = ctx.values.get(check.ids["this"]), last.get(check.ids["last"])
    if this is None or prev is None or this == prev:
        return []
    return [finding(check, ctx, datapoints=[check.ids["this"]], values={"this": this, "last": prev},
                    label=check.label, this=plain(this), last=plain(prev), diff=plain(abs(this - prev)),
                    this_label=fmt.datapoints[check.ids["this"]].label,
                    last_label=fmt.datapoints[check.ids["last"]].label)]


register(RuleKind(
    "carry", _carry, "``this`` equals last year's ``last`` (a template made with last year's "
    "report is pre-filled so)",
    params={"this": Param("role"), "last": Param("role")},
    fields=("label", "this", "last", "diff", "this_label", "last_label"),
    wording=Wording("RULE_CARRY", "{label}：“{this_label}”为{this}，与上年报告的“{last_label}”{last}不一致，相差{diff}",
                    "{label}: “{this_label}” is {this}, but last year's “{last_label}” was {last}; off by {diff}",
                    "核对上年报告的数字，如有调整请在文字部分说明。"),
    needs_previous=True, prefill=True))


def _stock(fmt: Format, check: Check, ctx: Context) -> list[Finding]:
    last = previous_values(ctx)
    if last is None:
        return []
    ids = check.ids
    vals = values_of(ctx, (ids["this"], ids["plus"], ids["minus"]))
    prev = last.get(ids["last"])
    if vals is None or prev is None:
        return []
    this, plus, minus = vals
    expected = prev + plus - minus
    if this == expected:
        return []
    return [finding(check, ctx, datapoints=[ids["this"], ids["plus"], ids["minus"]],
                    values={"this": this, "last": prev, "plus": plus, "minus": minus},
                    label=check.label, this=this, last=prev, plus=plus, minus=minus,
                    expected=expected, diff=abs(this - expected),
                    this_label=fmt.datapoints[ids["this"]].label)]


register(RuleKind(
    "stock", _stock, "``this`` equals last year's ``last`` + ``plus`` − ``minus``",
    params={"this": Param("role"), "last": Param("role"), "plus": Param("role"),
            "minus": Param("role")},
    fields=("label", "this", "last", "plus", "minus", "expected", "diff", "this_label"),
    wording=Wording("RULE_STOCK", "{label}：“{this_label}”为{this}，按上年{last}+{plus}−{minus}应为{expected}，相差{diff}",
                    "{label}: “{this_label}” is {this}; last year's {last} + {plus} − {minus} gives {expected}; off by {diff}",
                    "核对这几项数字；如有特殊情况请在文字部分说明。"),
    needs_previous=True, live="beside"))


def _bound(fmt: Format, check: Check, ctx: Context) -> list[Finding]:
    last = previous_values(ctx)
    if last is None:
        return []
    ids = check.ids
    vals = values_of(ctx, (ids["value"], ids["plus"]))
    prev = last.get(ids["last"])
    if vals is None or prev is None or vals[0] <= prev + vals[1]:
        return []
    return [finding(check, ctx, datapoints=[ids["value"]],
                    values={"value": vals[0], "last": prev, "plus": vals[1]}, label=check.label,
                    value=vals[0], last=prev, plus=vals[1], limit=prev + vals[1],
                    value_label=fmt.datapoints[ids["value"]].label)]


register(RuleKind(
    "bound", _bound, "``value`` is at most last year's ``last`` + ``plus``",
    params={"value": Param("role"), "last": Param("role"), "plus": Param("role")},
    fields=("label", "value", "last", "plus", "limit", "value_label"),
    wording=Wording("RULE_BOUND", "{label}：“{value_label}”为{value}，多于上年{last}与本年{plus}之和{limit}",
                    "{label}: “{value_label}” is {value}, more than last year's {last} plus {plus} = {limit}",
                    "核对该数字。"),
    needs_previous=True))


def _text_repeat(fmt: Format, check: Check, ctx: Context) -> list[Finding]:
    from .engine import text_where

    tid = check.rule.params["text"]
    if ctx.previous is None:
        return []
    this = (ctx.texts.get(tid) or "").strip()
    last = (ctx.previous.texts.get(tid) or "").strip()
    if not this or this != last:
        return []
    return [finding(check, ctx, at=tid, datapoints=[tid], where=text_where(fmt, tid))]


register(RuleKind(
    "text_repeat", _text_repeat, "the text ``text`` is not word for word last year's",
    params={"text": Param("text")},
    fields=("where",),
    wording=Wording("RULE_TEXT_REPEAT", "{where}与上年报告完全相同", "{where} is identical to last year's",
                    "结合本年实际重新撰写。"),
    needs_previous=True, text_rule=True))
