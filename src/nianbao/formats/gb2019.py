"""The 2019 trial format (国办公开办函〔2019〕60号, report years 2019–2020), as data.

Same shape as :mod:`nianbao.formats.gb2021`; nianbao only reads it (``nianbao parse`` of old
published reports). Spec §8: the sections, the table 三 columns and table 四 are those of 2021;
table 二 has other columns (and a block （九）), table 三 has a single ``（六）其他处理`` row.
Ids are new only where the tables differ: ``t2.regulations.made`` …, ``t2.procurement.*``.

Decisions where the notice is silent:

* ``本年增/减`` is a change and may be negative: kind ``signed``;
* ``采购总金额`` is an amount in 万元 like the 2021 fee amount (the notice names no unit);
* 六 keeps the two text ids of 2021, but the 信息处理费 statement is not required (the 信息处理费
  rules took effect in 2021), so R14 does not apply; R11 has no ``fee_unpaid`` row to watch;
  R8/R9 do not apply (``对外公开总数量`` is not a stock of documents in force).
"""

from __future__ import annotations

import copy

from . import gb2021
from .gb2021 import APPLICANT_COLUMNS, TABLE4, node

_T3_ROWS = copy.deepcopy(gb2021.REQUEST_ROWS)
_RESULTS = _T3_ROWS[2]["children"]
_OTHER = next(i for i, n in enumerate(_RESULTS) if n["key"] == "other")
_RESULTS[_OTHER] = node("（六）其他处理", "other", tags=["result", "other_handling"])

_ITEMS = [node("上一年项目数量", "items_last_year"),
          node("本年增/减", "items_change", kind="signed"),
          node("处理决定数量", "decisions")]

TABLE2 = {
    "id": "t2",
    "number": "二",
    "title": "二、主动公开政府信息情况",
    "sheet": "二、主动公开",
    "blocks": [
        {"title": "第二十条第（一）项", "corner": "信息内容", "kind": "count",
         "columns": [node("本年新制作数量", "made"),
                     node("本年新公开数量", "published"),
                     node("对外公开总数量", "published_total")],
         "rows": [node("规章", "regulations", tags=["rules_made"]),
                  node("规范性文件", "normative_documents", aliases=["行政规范性文件"])]},
        {"title": "第二十条第（五）项", "corner": "信息内容", "kind": "count",
         "columns": copy.deepcopy(_ITEMS),
         "rows": [node("行政许可", "licensing"),
                  node("其他对外管理服务事项", "other_services")]},
        {"title": "第二十条第（六）项", "corner": "信息内容", "kind": "count",
         "columns": copy.deepcopy(_ITEMS),
         "rows": [node("行政处罚", "penalties"), node("行政强制", "coercive_measures")]},
        {"title": "第二十条第（八）项", "corner": "信息内容", "kind": "count",
         "columns": copy.deepcopy(_ITEMS[:2]),
         "rows": [node("行政事业性收费", "fees")]},
        {"title": "第二十条第（九）项", "corner": "信息内容", "kind": "count",
         "columns": [node("采购项目数量", "items"),
                     node("采购总金额", "amount", kind="amount")],
         "rows": [node("政府集中采购", "procurement")]},
    ],
}

TABLE3 = {**copy.deepcopy(gb2021.TABLE3)}
TABLE3["blocks"][0]["rows"] = _T3_ROWS
TABLE3["blocks"][0]["columns"] = copy.deepcopy(APPLICANT_COLUMNS)

SECTIONS = copy.deepcopy(gb2021.SECTIONS)
for _s in SECTIONS:
    for _f in _s.get("fields", ()):
        if _f["id"] == "s6.processing_fees":
            _f["required"] = False
            _f["label"] = "六（1）信息处理费收取情况"

_BY_ID = {r["id"]: r for r in gb2021.RULES}
RULES = [copy.deepcopy(_BY_ID[i]) for i in ("R1", "R2", "R3", "R4", "R5", "R6", "R7", "R10", "R12",
                                            "R13")]
RULES += [
    {"id": "R15", "severity": "warning", "kind": "format_year",
     "title": "2021年及以后的报告应使用2021年格式", "max_year": 2020, "code": "RULE_OLD_FORMAT",
     "message": "{year}年度报告使用了2019年试行格式，应使用2021年格式（国办公开办函〔2021〕30号）",
     "message_en": "a {year} report laid out in the 2019 trial format; use the 2021 format",
     "hint": "按2021年格式重新编制表格。"},
    copy.deepcopy(_BY_ID["R16"]),
    {**copy.deepcopy(_BY_ID["R17"]),
     "values": ["t2.regulations.made", "t2.regulations.published", "t2.regulations.published_total"]},
    {**copy.deepcopy(_BY_ID["R18"]), "parts": "t3.other.total", "over": {}},
    copy.deepcopy(_BY_ID["R19"]),
    copy.deepcopy(_BY_ID["R20"]),
]

FORMAT = {
    "id": "gb2019",
    "name": "中华人民共和国政府信息公开工作年度报告格式（试行）",
    "notice": "国办公开办函〔2019〕60号",
    "first_year": 2019,
    "last_year": 2020,
    "detect": {"t2_headers": ["本年新制作数量"], "t3_result_rows": 19},
    "org_kinds": list(gb2021.FORMAT["org_kinds"]),
    "kinds": {**copy.deepcopy(gb2021.FORMAT["kinds"]),
              "signed": {"unit": "项", "label": "增减数", "signed": True, "below": 10**9,
                         "below_text": "10亿",
                         "validation": {
                             "input_title": "填写增减数",
                             "input_message": "请填写整数，减少的填负数。",
                             "error_message": "这里只能填写整数（减少的填负数），不能填小数或文字。"}}},
    "sections": SECTIONS,
    "tables": [TABLE2, TABLE3, copy.deepcopy(TABLE4)],
    "rules": RULES,
}

__all__ = ["FORMAT"]
