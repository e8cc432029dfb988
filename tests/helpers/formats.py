"""A format that exists only in the tests: the proof that a new format is data only.

``TRIAL`` is declared as the 2021 format plus one row in table 三 (``（六）其他处理·4.申请人撤回申请``,
a result row: R1–R3 and the workbook's totals take it in by its tags) and one rule of an existing
kind (R21: a withdrawn request must be mentioned in 一（二）). Nothing in ``src/`` names it;
:func:`registered` adds it for the time of a test.
"""

from __future__ import annotations

from contextlib import contextmanager
from decimal import Decimal

from nianbao.formats import register, unregister
from nianbao.formats.gb2021 import node

TRIAL = {
    "extends": "gb2021",
    "id": "trial2027",
    "name": "政府信息公开工作年度报告格式（测试用）",
    "notice": "测试用格式",
    "first_year": 2027,
    "insert": {"t3.rows.other.other": [node("4.申请人撤回申请", "withdrawn")]},
    "rules": {
        "R21": {"severity": "warning", "kind": "text_mentions", "title": "有撤回的申请时，一（二）应说明",
                "when": "t3.other.withdrawn.total", "texts": ["s1.requests"], "words": ["撤回"],
                "code": "RULE_WITHDRAWN_TEXT",
                "message": "有{value}件申请被申请人撤回，但一、总体情况（二）依申请公开未提到撤回",
                "message_en": "{value} requests were withdrawn, but section 一（二） does not say so",
                "hint": "在“（二）依申请公开”中说明撤回的申请。"},
    },
}


@contextmanager
def registered(data=TRIAL):
    """The format ``data`` known to nianbao for the time of the ``with`` block."""
    format_id = register(data)
    try:
        yield format_id
    finally:
        unregister(format_id)


def quiet_values(fmt, seed: int = 1) -> dict:
    """Typed values every rule of ``fmt`` keeps (no previous year): the tables 二 and 四 inputs
    vary with ``seed``, table 三 is all 0, a kind of body's forbidden values are 0."""
    forbidden = {i for r in fmt.rules if r.kind == "kind_forbidden" for i in r.params["values"]}
    out = {}
    for n, i in enumerate(fmt.inputs):
        kind = fmt.datapoints[i].value_kind
        v = 0 if i.startswith("t3.") or i in forbidden else (seed * 7 + n) % 13
        out[i] = Decimal(v) / 4 if kind.decimal else v
    return out


def quiet_texts(fmt) -> dict:
    return {i: f"{f.label}：本年度按规定办理。" for i, f in fmt.texts.items()}
