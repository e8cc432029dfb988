"""Rule kinds about the texts a body writes (sections 一, 五, 六) and the sections a published
report has. None of them applies to a summary, whose texts are empty by design."""

from __future__ import annotations

import re
from typing import Iterable

from ..findings import Finding
from ..spec import Check, Format
from .engine import Context, finding, text_where
from .registry import Param, RuleKind, Wording, register


def _joined(ctx: Context, ids: Iterable[str]) -> list[tuple[str, str]]:
    return [(i, ctx.texts.get(i) or "") for i in ids]


def _quote(m: re.Match[str]) -> str:
    return str(m.group(0))[:40]


def _text_numbers(fmt: Format, check: Check, ctx: Context) -> list[Finding]:
    out = []
    for pat in check.rule.params["patterns"]:
        value = ctx.values.get(pat["value"])
        if value is None:
            continue
        dp = fmt.datapoints[pat["value"]]
        for tid, text in _joined(ctx, check.rule.params["texts"]):
            for m in re.finditer(pat["regex"], text):
                stated = int(m.group(1))
                if stated != value:
                    out.append(finding(check, ctx, at=tid, datapoints=[pat["value"], tid],
                                       values={"text": stated, "table": value},
                                       where=text_where(fmt, tid), quote=_quote(m), stated=stated,
                                       label=dp.label, value=value, unit=dp.unit))
    return out


register(RuleKind(
    "text_numbers", _text_numbers, "a number a text states (each of ``patterns``: a regex whose "
    "group is the number, and the data point it speaks of) equals the table's",
    params={"texts": Param("texts"), "patterns": Param("patterns")},
    fields=("where", "quote", "stated", "label", "value", "unit"),
    wording=Wording("RULE_TEXT_NUMBER", "{where}写“{quote}”（{stated}{unit}），但表格中“{label}”为{value}{unit}",
                    "{where} says “{quote}” ({stated}), but the table's “{label}” is {value}",
                    "使正文数字与表格一致。"),
    text_rule=True))


def _text_mentions(fmt: Format, check: Check, ctx: Context) -> list[Finding]:
    p = check.rule.params
    value = ctx.values.get(p["when"])
    if not value:
        return []
    text = "".join(t for _, t in _joined(ctx, p["texts"]))
    if any(w in text for w in p["words"]):
        return []
    return [finding(check, ctx, at=p["texts"][0], datapoints=[p["when"]], values={p["when"]: value},
                    value=value, label=fmt.datapoints[p["when"]].label,
                    where=text_where(fmt, p["texts"][0]), words="、".join(p["words"]))]


register(RuleKind(
    "text_mentions", _text_mentions, "when ``when`` is not 0, one of ``texts`` mentions one of "
    "``words``",
    params={"when": Param("datapoint"), "texts": Param("texts"), "words": Param("words")},
    fields=("value", "label", "where", "words"),
    wording=Wording("RULE_TEXT_MENTION", "“{label}”为{value}，但{where}未提到“{words}”",
                    "“{label}” is {value}, but {where} does not mention “{words}”",
                    "在文字部分说明。"),
    text_rule=True))


def _text_none(fmt: Format, check: Check, ctx: Context) -> list[Finding]:
    p = check.rule.params
    value = ctx.values.get(p["value"])
    if value is None:
        return []
    out = []
    for tid, text in _joined(ctx, p["texts"]):
        m = re.search(p["none_regex"], text) if value > 0 else re.search(p["some_regex"], text)
        if m:
            out.append(finding(check, ctx, at=tid, datapoints=[p["value"], tid], values={"table": value},
                               where=text_where(fmt, tid), quote=_quote(m), value=value,
                               label=fmt.datapoints[p["value"]].label))
    return out


register(RuleKind(
    "text_none", _text_none, "a text that says there was none (``none_regex``) while ``value`` is "
    "not 0, or says there were some (``some_regex``) while it is 0",
    params={"value": Param("role"), "texts": Param("texts"), "none_regex": Param("regex"),
            "some_regex": Param("regex")},
    fields=("where", "quote", "value", "label"),
    wording=Wording("RULE_TEXT_NONE", "{where}写“{quote}”，但表格中“{label}”为{value}",
                    "{where} says “{quote}”, but the table's “{label}” is {value}",
                    "使正文与表格一致。"),
    text_rule=True))


def _sections_present(fmt: Format, check: Check, ctx: Context) -> list[Finding]:
    if ctx.sections_found is None:
        return []
    # a section with text fields points at its first one (where a workbook's text goes)
    return [finding(check, ctx, at=s.fields[0].id if s.fields else None, locate=bool(s.fields),
                    heading=s.heading)
            for s in fmt.sections if s.number not in ctx.sections_found]


register(RuleKind(
    "sections_present", _sections_present, "every section 一…六 is there (a published report; a "
    "workbook's text section whose texts are all blank)",
    fields=("heading",),
    wording=Wording("RULE_SECTION_MISSING", "报告缺少“{heading}”部分", "the report has no section “{heading}”",
                    "补上该部分。"),
    text_rule=True))


def _text_required(fmt: Format, check: Check, ctx: Context) -> list[Finding]:
    tid = check.rule.params["text"]
    if (ctx.texts.get(tid) or "").strip():
        return []
    return [finding(check, ctx, at=tid, datapoints=[tid], where=text_where(fmt, tid),
                    label=fmt.texts[tid].label)]


register(RuleKind(
    "text_required", _text_required, "the text ``text`` is not blank",
    params={"text": Param("text")},
    fields=("where", "label"),
    wording=Wording("RULE_TEXT_REQUIRED", "{where}的“{label}”未填写", "{where}: “{label}” is blank",
                    "填写该部分。"),
    text_rule=True))


def _text_length(fmt: Format, check: Check, ctx: Context) -> list[Finding]:
    p = check.rule.params
    n = sum(len((ctx.texts.get(t) or "").strip()) for t in p["texts"])
    if n <= p["limit"]:
        return []
    return [finding(check, ctx, at=p["texts"][0], datapoints=list(p["texts"]), values={"length": n},
                    n=n, limit=p["limit"], where=text_where(fmt, p["texts"][0]))]


register(RuleKind(
    "text_length", _text_length, "``texts`` together are at most ``limit`` characters",
    params={"texts": Param("texts"), "limit": Param("int")},
    fields=("n", "limit", "where"),
    wording=Wording("RULE_TEXT_LENGTH", "{where}等共{n}字，原则上不超过{limit}字",
                    "{where} and the rest have {n} characters; the guideline is {limit}",
                    "精简文字。"),
    text_rule=True))
