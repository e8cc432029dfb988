"""For every kind of rule, a report that breaks a given rule and one that keeps it.

Each builder takes the format and one of its rules and returns ``(fires, quiet)``: the findings of
that rule on a report made to break it and on one made to keep it. The meta-test
(``test_rule_cases.py``) runs them for every rule of every format, so a new rule is tested as soon
as its kind has a builder here, and a new kind fails the meta-test until it has one.

Rules whose check reads the wording of a text (a number stated, "no requests") need an example of
that wording: :data:`PHRASES` maps a data point to a sentence stating ``{n}`` of it.
"""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from nianbao.rules import Context, evaluate, read_cell

# A sentence stating a number of a data point, as a body writes it (R10, R12).
PHRASES = {
    "t3.received.total": "本年度共收到政府信息公开申请{n}件。",
    "t3.carried_over.total": "上年结转政府信息公开申请{n}件。",
    "t4.review.total": "发生政府信息公开行政复议案件{n}件。",
}
NO_REQUESTS = "本年度未收到政府信息公开申请。"


def zeros(fmt) -> dict:
    """Every data point 0 (the totals too, so every identity holds)."""
    return {i: (Decimal(0) if dp.kind == "amount" else 0) for i, dp in fmt.datapoints.items()}


def _run(fmt, rule, values, texts=None, **kw):
    ctx = Context(values=values, texts=texts or {}, year=kw.pop("year", None), **kw)
    return [f for f in evaluate(fmt, ctx, only={rule.id}) if f.rule == rule.id]


def _first(rule, fmt):
    return next(c for c in fmt.checks if c.rule is rule)


def balance(fmt, rule):
    c = _first(rule, fmt)
    broken = {**zeros(fmt), c.ids["lhs"][0]: 1}
    return _run(fmt, rule, broken), _run(fmt, rule, zeros(fmt))


def sum_(fmt, rule):
    c = _first(rule, fmt)
    return _run(fmt, rule, {**zeros(fmt), c.ids["total"]: 1}), _run(fmt, rule, zeros(fmt))


def complete(fmt, rule):
    first = next(iter(fmt.inputs))
    return _run(fmt, rule, {**zeros(fmt), first: None}), _run(fmt, rule, zeros(fmt))


def _cell(fmt, rule, raw):
    dp = next(i for i, d in fmt.datapoints.items() if d.kind == "count" and not d.computed)
    found = read_cell(fmt, dp, raw)[1]
    return [found] if found is not None and found.rule == rule.id else []


def value_type(fmt, rule):
    return _cell(fmt, rule, "-3"), _cell(fmt, rule, "3")


def blank_values(fmt, rule):
    return _cell(fmt, rule, "无"), _cell(fmt, rule, "0")


def share(fmt, rule):
    c = _first(rule, fmt)
    whole = rule.params["whole"]
    return (_run(fmt, rule, {**zeros(fmt), whole: 1, c.ids["parts"][0]: 1}),
            _run(fmt, rule, {**zeros(fmt), whole: 1}))


def _previous(values, texts=None):
    """Last year's report as the rules read it (values and texts)."""
    return SimpleNamespace(values=values, texts=texts or {})


def carry(fmt, rule):
    c = _first(rule, fmt)
    last = {**zeros(fmt), c.ids["last"]: 1}
    return (_run(fmt, rule, zeros(fmt), previous=_previous(last)),
            _run(fmt, rule, zeros(fmt), previous=_previous(zeros(fmt))))


def stock(fmt, rule):
    c = _first(rule, fmt)
    last = {**zeros(fmt), c.ids["last"]: 1}
    return (_run(fmt, rule, zeros(fmt), previous=_previous(last)),
            _run(fmt, rule, zeros(fmt), previous=_previous(zeros(fmt))))


def bound(fmt, rule):
    c = _first(rule, fmt)
    return (_run(fmt, rule, {**zeros(fmt), c.ids["value"]: 1}, previous=_previous(zeros(fmt))),
            _run(fmt, rule, zeros(fmt), previous=_previous(zeros(fmt))))


def text_repeat(fmt, rule):
    tid = rule.params["text"]
    texts = {tid: "与去年一样的问题。"}
    return (_run(fmt, rule, zeros(fmt), texts, previous=_previous(zeros(fmt), texts)),
            _run(fmt, rule, zeros(fmt), texts, previous=_previous(zeros(fmt), {tid: "去年的问题。"})))


def text_numbers(fmt, rule):
    pattern = rule.params["patterns"][0]
    phrase = PHRASES[pattern["value"]]
    texts = {rule.params["texts"][0]: phrase.format(n=3)}
    return (_run(fmt, rule, zeros(fmt), texts),
            _run(fmt, rule, {**zeros(fmt), pattern["value"]: 3}, texts))


def text_mentions(fmt, rule):
    when = rule.params["when"]
    return _run(fmt, rule, {**zeros(fmt), when: 1}), _run(fmt, rule, zeros(fmt))


def text_none(fmt, rule):
    texts = {rule.params["texts"][0]: NO_REQUESTS}
    value = rule.params["value"]
    return _run(fmt, rule, {**zeros(fmt), value: 2}, texts), _run(fmt, rule, zeros(fmt), texts)


def sections_present(fmt, rule):
    every = {s.number for s in fmt.sections}
    return (_run(fmt, rule, zeros(fmt), sections_found=every - {fmt.sections[-1].number}),
            _run(fmt, rule, zeros(fmt), sections_found=every))


def text_required(fmt, rule):
    tid = rule.params["text"]
    return _run(fmt, rule, zeros(fmt), {tid: " "}), _run(fmt, rule, zeros(fmt), {tid: "已写明。"})


def text_length(fmt, rule):
    tid, limit = rule.params["texts"][0], rule.params["limit"]
    return (_run(fmt, rule, zeros(fmt), {tid: "字" * (limit + 1)}),
            _run(fmt, rule, zeros(fmt), {tid: "字" * limit}))


def kind_forbidden(fmt, rule):
    kind, value = rule.params["kinds"][0], rule.params["values"][0]
    return (_run(fmt, rule, {**zeros(fmt), value: 1}, org_kind=kind),
            _run(fmt, rule, zeros(fmt), org_kind=kind))


def format_year(fmt, rule):
    last = rule.params["max_year"]
    return _run(fmt, rule, zeros(fmt), year=last + 1), _run(fmt, rule, zeros(fmt), year=last)


CASES = {"balance": balance, "sum": sum_, "complete": complete, "value_type": value_type,
         "blank_values": blank_values, "share": share, "carry": carry, "stock": stock,
         "bound": bound, "text_repeat": text_repeat, "text_numbers": text_numbers,
         "text_mentions": text_mentions, "text_none": text_none,
         "sections_present": sections_present, "text_required": text_required,
         "text_length": text_length, "kind_forbidden": kind_forbidden, "format_year": format_year}
