"""The rules engine: every rule of spec §6, driven by the rule data of the format.

Each rule ``kind`` is implemented once here; the format's data says which ids it applies to
(already expanded into :class:`~nianbao.spec.Check` objects). :func:`evaluate` runs all of them
on a report's values and texts and returns findings, located through ``locate`` when the report
came from a workbook. A check whose values are missing is skipped: R6 reports the gap once,
and nothing is computed on a guessed 0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable

from .findings import Finding, code
from .spec import Check, Format

BALANCE = code("RULE_BALANCE", "error", "{label}：{lhs_text}（{lhs_expr}={lhs}）应等于{rhs_text}（{rhs_expr}={rhs}），相差{diff}",
               "{label}: {lhs_text} ({lhs_expr}={lhs}) must equal {rhs_text} ({rhs_expr}={rhs}); off by {diff}",
               "核对本年新收、上年结转、办理结果和结转下年度的数字，使两边相等。")
SUM = code("RULE_SUM", "error", "{label}：{title}——总计为{total}，各项之和为{sum}，相差{diff}",
           "{label}: {title_en}: total is {total} but the parts add up to {sum}; off by {diff}",
           "核对各项数字和总计，使总计等于各项之和。")
INCOMPLETE = code("RULE_INCOMPLETE", "error", "有{n}项数据未填写或无法读取（如“{first}”），报表不完整",
                  "{n} data points are blank or unreadable (e.g. “{first}”); the report is incomplete",
                  "逐项填写所有数字，没有的填 0。", "R6")
CARRY = code("RULE_CARRY", "warning", "{label}：上年结转{this}件，与上年报告的“结转下年度继续办理”{last}件不一致，相差{diff}",
             "{label}: carried over {this}, but last year's report carried forward {last}; off by {diff}",
             "核对上年报告的结转数，如有调整请在六、其他需要报告的事项中说明。", "R7")
STOCK = code("RULE_STOCK", "warning", "{label}：现行有效件数{this}，按上年现行有效{last}+本年制发{plus}−本年废止{minus}应为{expected}，相差{diff}",
             "{label}: in force {this}; last year's {last} + issued {plus} − repealed {minus} gives {expected}; off by {diff}",
             "核对现行有效件数；如有清理、失效等情况请在文字部分说明。", "R8")
BOUND = code("RULE_BOUND", "warning", "{label}：本年废止{value}件，多于上年现行有效{last}件与本年制发{plus}件之和{limit}件",
             "{label}: repealed {value}, more than last year's in force {last} plus issued {plus} = {limit}",
             "核对本年废止件数。", "R9")
TEXT_NUMBER = code("RULE_TEXT_NUMBER", "warning", "{where}写“{quote}”（{stated}件），但表格中“{label}”为{value}件",
                   "{where} says “{quote}” ({stated}), but the table's “{label}” is {value}",
                   "使正文数字与表格一致。", "R10")
FEE_TEXT = code("RULE_FEE_TEXT", "warning", "有{value}件申请因逾期未缴费不再处理，但六、其他需要报告的事项未提到信息处理费",
                "{value} requests were closed for unpaid fees, but section 六 does not mention 信息处理费",
                "在六中说明信息处理费收取情况。", "R11")
TEXT_NONE = code("RULE_TEXT_NONE", "warning", "{where}写“{quote}”，但表格中本年新收申请为{value}件",
                 "{where} says “{quote}”, but the table has {value} new requests",
                 "使正文与表格一致。", "R12")
SECTION_MISSING = code("RULE_SECTION_MISSING", "error", "报告缺少“{heading}”部分",
                       "the report has no section “{heading}”", "补上该部分。", "R13")
FEE_STATEMENT = code("RULE_FEE_STATEMENT", "warning", "六、其他需要报告的事项中未报告信息处理费收取情况（2021年格式要求必须报告，没有收取的也应写明）",
                     "section 六 has no 信息处理费 statement (required by the 2021 format, even when none was charged)",
                     "在“信息处理费收取情况”处填写，例如“本年度未收取信息处理费。”", "R14")
OLD_FORMAT = code("RULE_OLD_FORMAT", "warning", "{year}年度报告使用了2019年试行格式，应使用2021年格式（国办公开办函〔2021〕30号）",
                  "a {year} report laid out in the 2019 trial format; use the 2021 format",
                  "按2021年格式重新编制表格。", "R15")
KIND = code("RULE_KIND", "info", "{kind}无权制定规章，但“{label}”为{value}，请核实",
            "a {kind} cannot make 规章, but “{label}” is {value}; please verify",
            "规章只由国务院部门和省级、设区的市级政府制定；如系规范性文件请填入下一行。", "R17")
OTHER_SHARE = code("RULE_OTHER_SHARE", "info", "（六）其他处理共{part}件，占办理结果总计{whole}件的{pct}%，超过{limit}%，请核实",
                   "（六）其他处理 is {part} of {whole} ({pct}%), above {limit}%",
                   "原则上申请都应按法定方式处理，请核实“其他处理”的数字。", "R18")
TEXT_LENGTH = code("RULE_TEXT_LENGTH", "info", "一、总体情况共{n}字，原则上不超过{limit}字",
                   "section 一 has {n} characters; the guideline is {limit}", "精简总体情况。", "R19")
TEXT_REPEAT = code("RULE_TEXT_REPEAT", "info", "五、存在的主要问题及改进情况与上年报告完全相同",
                   "section 五 is identical to last year's", "结合本年实际重新撰写，不得年年雷同。", "R20")


@dataclass
class Context:
    """What the rules look at."""

    values: dict  # id -> int | Decimal | None
    texts: dict  # id -> str
    year: int | None = None
    org_kind: str = ""
    previous: dict | None = None  # last year's report JSON (values already from_json'd)
    sections_found: set | None = None  # section numbers found in a published report
    locate: Callable[[str], tuple[str, str] | None] = field(default=lambda i: None)


def _fmt(v) -> str:
    return format(v, "f") if isinstance(v, Decimal) else str(v)


def _at(ctx: Context, check: Check, item: str | None = None) -> dict:
    where = ctx.locate(item or check.anchor) if (item or check.anchor) else None
    return {"sheet": where[0], "cell": where[1]} if where else {}


def _get(ctx, ids):
    vals = [ctx.values.get(i) for i in ids]
    return None if any(v is None for v in vals) else vals


def _balance(fmt, check: Check, ctx):
    lhs, rhs = _get(ctx, check.ids["lhs"]), _get(ctx, check.ids["rhs"])
    if lhs is None or rhs is None or sum(lhs) == sum(rhs):
        return []
    p = check.rule.params
    ids = check.ids["lhs"] + check.ids["rhs"]
    return [BALANCE(rule=check.rule.id, datapoints=ids, **_at(ctx, check),
                    values=dict(zip(ids, lhs + rhs)), label=check.label,
                    lhs_text=p.get("lhs_text", "左边"), rhs_text=p.get("rhs_text", "右边"),
                    lhs_expr="+".join(map(_fmt, lhs)), rhs_expr="+".join(map(_fmt, rhs)),
                    lhs=_fmt(sum(lhs)), rhs=_fmt(sum(rhs)), diff=_fmt(abs(sum(lhs) - sum(rhs))))]


def _sum(fmt, check, ctx):
    total, parts = ctx.values.get(check.ids["total"]), _get(ctx, check.ids["parts"])
    if total is None or parts is None or total == sum(parts):
        return []
    ids = (check.ids["total"],) + check.ids["parts"]
    return [SUM(rule=check.rule.id, datapoints=ids, **_at(ctx, check),
                values={check.ids["total"]: total, "sum": sum(parts)}, label=check.label,
                title=check.rule.title, title_en=check.rule.id, total=_fmt(total),
                sum=_fmt(sum(parts)), diff=_fmt(abs(total - sum(parts))))]


def _complete(fmt, check, ctx):
    # a total left empty only because one of its parts is missing is not a gap of its own
    computed = fmt.computed
    missing = [i for i in fmt.datapoints if ctx.values.get(i) is None and not (
        i in computed and any(ctx.values.get(p) is None for p in computed[i]))]
    if not missing:
        return []
    first = fmt.datapoints[missing[0]].label
    return [INCOMPLETE(rule=check.rule.id, datapoints=missing, n=len(missing), first=first,
                       **_at(ctx, check, missing[0]))]


def _previous_values(ctx):
    return (ctx.previous or {}).get("values") if ctx.previous else None


def _carry(fmt, check, ctx):
    last = _previous_values(ctx)
    if last is None:
        return []
    this, prev = ctx.values.get(check.ids["this"]), last.get(check.ids["last"])
    if this is None or prev is None or this == prev:
        return []
    return [CARRY(rule=check.rule.id, datapoints=[check.ids["this"]], **_at(ctx, check),
                  values={"this": this, "last": prev}, label=check.label, this=_fmt(this),
                  last=_fmt(prev), diff=_fmt(abs(this - prev)))]


def _stock(fmt, check, ctx):
    last = _previous_values(ctx)
    if last is None:
        return []
    ids = check.ids
    vals = _get(ctx, (ids["this"], ids["plus"], ids["minus"]))
    prev = last.get(ids["last"])
    if vals is None or prev is None:
        return []
    this, plus, minus = vals
    expected = prev + plus - minus
    if this == expected:
        return []
    return [STOCK(rule=check.rule.id, datapoints=[ids["this"], ids["plus"], ids["minus"]],
                  **_at(ctx, check), values={"this": this, "last": prev, "plus": plus, "minus": minus},
                  label=check.label, this=this, last=prev, plus=plus, minus=minus,
                  expected=expected, diff=abs(this - expected))]


def _bound(fmt, check, ctx):
    last = _previous_values(ctx)
    if last is None:
        return []
    ids = check.ids
    vals = _get(ctx, (ids["value"], ids["plus"]))
    prev = last.get(ids["last"])
    if vals is None or prev is None or vals[0] <= prev + vals[1]:
        return []
    return [BOUND(rule=check.rule.id, datapoints=[ids["value"]], **_at(ctx, check),
                  values={"value": vals[0], "last": prev, "plus": vals[1]}, label=check.label,
                  value=vals[0], last=prev, plus=vals[1], limit=prev + vals[1])]


def _joined(ctx, ids) -> list[tuple[str, str]]:
    return [(i, ctx.texts.get(i) or "") for i in ids]


def _text_where(fmt, text_id):
    """Where a text sits, as a reader of the report says it: "一、总体情况（二）依申请公开"."""
    f = fmt.texts.get(text_id)
    if f is None:
        return text_id
    section = next(s.heading for s in fmt.sections if s.number == f.section)
    return section + (f.heading or "")


def _quote(m: re.Match) -> str:
    return m.group(0)[:40]


def _text_numbers(fmt, check, ctx):
    out = []
    for pat in check.rule.params["patterns"]:
        value = ctx.values.get(pat["value"])
        if value is None:
            continue
        for tid, text in _joined(ctx, check.rule.params["texts"]):
            for m in re.finditer(pat["regex"], text):
                stated = int(m.group(1))
                if stated != value:
                    out.append(TEXT_NUMBER(rule=check.rule.id, datapoints=[pat["value"], tid],
                                           **_at(ctx, check, tid), values={"text": stated, "table": value},
                                           where=_text_where(fmt, tid), quote=_quote(m), stated=stated,
                                           label=fmt.datapoints[pat["value"]].label, value=value))
    return out


def _text_mentions(fmt, check, ctx):
    p = check.rule.params
    value = ctx.values.get(p["when"])
    if not value:
        return []
    text = "".join(t for _, t in _joined(ctx, p["texts"]))
    if any(w in text for w in p["words"]):
        return []
    return [FEE_TEXT(rule=check.rule.id, datapoints=[p["when"]], **_at(ctx, check, p["texts"][0]),
                     values={p["when"]: value}, value=value)]


def _text_none(fmt, check, ctx):
    p = check.rule.params
    value = ctx.values.get(p["value"])
    if value is None:
        return []
    out = []
    for tid, text in _joined(ctx, p["texts"]):
        m = re.search(p["none_regex"], text) if value > 0 else re.search(p["some_regex"], text)
        if m:
            out.append(TEXT_NONE(rule=check.rule.id, datapoints=[p["value"], tid], **_at(ctx, check, tid),
                                 values={"table": value}, where=_text_where(fmt, tid),
                                 quote=_quote(m), value=value))
    return out


def text_sections(fmt) -> tuple:
    """The sections R13 reports missing when all their text is blank: those with text fields
    and no required one (a required field's blank is its own rule -- 六's fee statement is R14,
    a warning as the spec makes it, not a second finding for the same blank). The tables are
    always present in a workbook (their blanks are R6/R16). The importer and the workbook's
    cover status both derive from this, so they cannot disagree."""
    return tuple(s for s in fmt.sections if s.fields and not any(f.required for f in s.fields))


def sections_present(fmt, texts: dict) -> set[str]:
    """The sections of 一…六 a workbook has, for R13: all but a text section of
    :func:`text_sections` whose fields are all blank."""
    need = text_sections(fmt)
    return {s.number for s in fmt.sections
            if s not in need or any((texts.get(f.id) or "").strip() for f in s.fields)}


def _sections_present(fmt, check, ctx):
    if ctx.sections_found is None:
        return []
    # a section with text fields points at its first one (where a workbook's text goes)
    return [SECTION_MISSING(rule=check.rule.id, heading=s.heading,
                            **(_at(ctx, check, s.fields[0].id) if s.fields else {}))
            for s in fmt.sections if s.number not in ctx.sections_found]


def _text_required(fmt, check, ctx):
    tid = check.rule.params["text"]
    if (ctx.texts.get(tid) or "").strip():
        return []
    return [FEE_STATEMENT(rule=check.rule.id, datapoints=[tid], **_at(ctx, check, tid))]


def _format_year(fmt, check, ctx):
    limit = check.rule.params["max_year"]
    if ctx.year is None or ctx.year <= limit:
        return []
    return [OLD_FORMAT(rule=check.rule.id, year=ctx.year)]


def _kind_forbidden(fmt, check, ctx):
    p = check.rule.params
    if ctx.org_kind not in p["kinds"]:
        return []
    return [KIND(rule=check.rule.id, datapoints=[i], **_at(ctx, check, i), values={i: ctx.values[i]},
                 kind=ctx.org_kind, label=fmt.datapoints[i].label, value=ctx.values[i])
            for i in p["values"] if ctx.values.get(i)]


def _share(fmt, check, ctx):
    parts, whole = _get(ctx, check.ids["parts"]), ctx.values.get(check.rule.params["whole"])
    limit = Decimal(check.rule.params["limit"])
    if parts is None or not whole or Decimal(sum(parts)) <= limit * whole:
        return []
    pct = (Decimal(sum(parts)) * 100 / whole).quantize(Decimal("0.1"))
    return [OTHER_SHARE(rule=check.rule.id, datapoints=list(check.ids["parts"]),
                        **_at(ctx, check, check.ids["parts"][0]),
                        values={"part": sum(parts), "whole": whole}, part=sum(parts), whole=whole,
                        pct=pct, limit=int(limit * 100))]


def _text_length(fmt, check, ctx):
    p = check.rule.params
    n = sum(len((ctx.texts.get(t) or "").strip()) for t in p["texts"])
    if n <= p["limit"]:
        return []
    return [TEXT_LENGTH(rule=check.rule.id, datapoints=list(p["texts"]), **_at(ctx, check, p["texts"][0]),
                        values={"length": n}, n=n, limit=p["limit"])]


def _text_repeat(fmt, check, ctx):
    tid = check.rule.params["text"]
    if not ctx.previous:
        return []
    this, last = (ctx.texts.get(tid) or "").strip(), ((ctx.previous.get("texts") or {}).get(tid) or "").strip()
    if not this or this != last:
        return []
    return [TEXT_REPEAT(rule=check.rule.id, datapoints=[tid], **_at(ctx, check, tid))]


def _none(fmt, check, ctx):  # enforced while reading values (R5, R16)
    return []


KINDS = {
    "balance": _balance, "sum": _sum, "complete": _complete, "carry": _carry, "stock": _stock,
    "bound": _bound, "text_numbers": _text_numbers, "text_mentions": _text_mentions,
    "text_none": _text_none, "sections_present": _sections_present,
    "text_required": _text_required, "format_year": _format_year,
    "kind_forbidden": _kind_forbidden, "share": _share, "text_length": _text_length,
    "text_repeat": _text_repeat, "value_type": _none, "blank_values": _none,
}


def evaluate(fmt: Format, ctx: Context, only: set[str] | None = None) -> list[Finding]:
    """Run every rule of the format (or only the rule ids in ``only``) and return findings."""
    out: list[Finding] = []
    for check in fmt.checks:
        if only is not None and check.rule.id not in only:
            continue
        found = KINDS[check.rule.kind](fmt, check, ctx)
        for f in found:
            f.severity = check.rule.severity
        out += found
    return out


def recompute_totals(fmt: Format, values: dict) -> dict:
    """Totals computed from the inputs (None where an input is missing)."""
    computed = fmt.computed
    out: dict = {}
    pending = list(computed)
    while pending:  # totals of totals (t3.total.total) wait for the totals they sum
        later = []
        for total in pending:
            parts = computed[total]
            if any(p in computed and p not in out for p in parts):
                later.append(total)
                continue
            vals = [out[p] if p in computed else values.get(p) for p in parts]
            out[total] = None if any(v is None for v in vals) else sum(vals)
        if len(later) == len(pending):
            raise ValueError(f"circular totals: {later}")
        pending = later
    return out
