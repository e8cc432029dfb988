"""Rule kinds about the numbers of one report: identities, totals, completeness, shares, and the
two kinds enforced while a value is read from its cell."""

from __future__ import annotations

from decimal import Decimal

from ..cellref import plain
from ..findings import Finding
from ..spec import Check, Format
from .engine import Context, finding, values_of
from .registry import Param, RuleKind, Wording, register


def _balance(fmt: Format, check: Check, ctx: Context) -> list[Finding]:
    lhs, rhs = values_of(ctx, check.ids["lhs"]), values_of(ctx, check.ids["rhs"])
    if lhs is None or rhs is None or sum(lhs) == sum(rhs):
        return []
    p = check.rule.params
    ids = check.ids["lhs"] + check.ids["rhs"]
    return [finding(check, ctx, datapoints=ids, values=dict(zip(ids, lhs + rhs)), label=check.label,
                    lhs_text=p["lhs_text"], rhs_text=p["rhs_text"],
                    lhs_expr="+".join(map(plain, lhs)), rhs_expr="+".join(map(plain, rhs)),
                    lhs=plain(sum(lhs)), rhs=plain(sum(rhs)), diff=plain(abs(sum(lhs) - sum(rhs))))]


register(RuleKind(
    "balance", _balance, "the sum of ``lhs`` equals the sum of ``rhs``",
    params={"lhs": Param("roles"), "rhs": Param("roles"),
            "lhs_text": Param("str", doc="how a message names the left side"),
            "rhs_text": Param("str", doc="how a message names the right side")},
    fields=("label", "lhs_text", "rhs_text", "lhs_expr", "rhs_expr", "lhs", "rhs", "diff"),
    wording=Wording("RULE_BALANCE", "{label}：{lhs_text}（{lhs_expr}={lhs}）应等于{rhs_text}（{rhs_expr}={rhs}），相差{diff}",
                    "{label}: {lhs_text} ({lhs_expr}={lhs}) must equal {rhs_text} ({rhs_expr}={rhs}); off by {diff}",
                    "核对等式两边的各项数字，使两边相等。"),
    live="mark"))


def _sum(fmt: Format, check: Check, ctx: Context) -> list[Finding]:
    total, parts = ctx.values.get(check.ids["total"]), values_of(ctx, check.ids["parts"])
    if total is None or parts is None or total == sum(parts):
        return []
    ids = (check.ids["total"],) + check.ids["parts"]
    return [finding(check, ctx, datapoints=ids, values={check.ids["total"]: total, "sum": sum(parts)},
                    label=check.label, title=check.rule.title, title_en=check.rule.id,
                    total=plain(total), sum=plain(sum(parts)), diff=plain(abs(total - sum(parts))))]


register(RuleKind(
    "sum", _sum, "``total`` is the sum of ``parts`` (the totals of the format: formulas in a workbook)",
    params={"total": Param("role"), "parts": Param("parts"), "over": Param("over")},
    fields=("label", "title", "title_en", "total", "sum", "diff"),
    wording=Wording("RULE_SUM", "{label}：{title}——总计为{total}，各项之和为{sum}，相差{diff}",
                    "{label}: {title_en}: total is {total} but the parts add up to {sum}; off by {diff}",
                    "核对各项数字和总计，使总计等于各项之和。"),
    live="formula", totals=True))


def _complete(fmt: Format, check: Check, ctx: Context) -> list[Finding]:
    # a total left empty only because one of its parts is missing is not a gap of its own, nor
    # is a value whose cell has a finding that says why it is missing
    computed = fmt.computed
    missing = [i for i in fmt.datapoints if ctx.values.get(i) is None and i not in ctx.explained
               and not (i in computed and any(ctx.values.get(p) is None for p in computed[i]))]
    if not missing:
        return []
    return [finding(check, ctx, at=missing[0], datapoints=missing, n=len(missing),
                    first=fmt.datapoints[missing[0]].label)]


register(RuleKind(
    "complete", _complete, "every data point has a value",
    fields=("n", "first"),
    wording=Wording("RULE_INCOMPLETE", "有{n}项数据未填写或无法读取（如“{first}”），报表不完整",
                    "{n} data points are blank or unreadable (e.g. “{first}”); the report is incomplete",
                    "逐项填写所有数字，没有的填 0。"),
    gaps=True))


def _cells(fmt: Format, check: Check, ctx: Context) -> list[Finding]:  # enforced while reading values (nianbao.rules.cells)
    return []


register(RuleKind(
    "value_type", _cells, "every value is of its kind: a whole number of 0 or more for a count, "
    "a number of 0 or more for an amount (read by nianbao.values, cell by cell)",
    codes=("VALUE_NEGATIVE", "VALUE_NOT_INTEGER", "VALUE_NOT_NUMBER", "VALUE_WRONG_UNIT",
           "VALUE_CELL_ERROR", "VALUE_FORMULA_UNCALCULATED"),
    live="validation", cells=True))

register(RuleKind(
    "blank_values", _cells, "a blank or a placeholder (/, —, 无 …) where a number belongs",
    codes=("VALUE_BLANK", "VALUE_BLANKS"), cells=True))


def _share(fmt: Format, check: Check, ctx: Context) -> list[Finding]:
    parts, whole = values_of(ctx, check.ids["parts"]), ctx.values.get(check.rule.params["whole"])
    limit = Decimal(check.rule.params["limit"])
    if parts is None or not whole or Decimal(sum(parts)) <= limit * whole:
        return []
    pct = (Decimal(sum(parts)) * 100 / whole).quantize(Decimal("0.1"))
    w = check.rule.params["whole"]
    return [finding(check, ctx, at=check.ids["parts"][0], datapoints=list(check.ids["parts"]),
                    values={"part": sum(parts), "whole": whole}, part=sum(parts), whole=whole,
                    pct=pct, limit=int(limit * 100), whole_label=fmt.datapoints[w].label)]


register(RuleKind(
    "share", _share, "the sum of ``parts`` is at most ``limit`` (a fraction) of ``whole``",
    params={"parts": Param("parts"), "over": Param("over"), "whole": Param("datapoint"),
            "limit": Param("decimal", doc="the largest share allowed, e.g. \"0.2\"")},
    fields=("part", "whole", "pct", "limit", "whole_label"),
    wording=Wording("RULE_SHARE", "各项共{part}，占“{whole_label}”{whole}的{pct}%，超过{limit}%，请核实",
                    "the parts add up to {part} of “{whole_label}” {whole} ({pct}%), above {limit}%",
                    "核实这几项数字。")))
