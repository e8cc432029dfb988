"""The 2019 trial format (国办公开办函〔2019〕60号, report years 2019–2020), as data.

Declared as the 2021 format and what differs (``extends``, see :mod:`nianbao.formats`); nianbao
reads old published reports in it (``nianbao parse``) and writes its workbooks for 2019–2020.
Spec §8: the sections, the table 三 columns and table 四 are those of 2021; table 二 has other
columns (and a block （九）), table 三 has a single ``（六）其他处理`` row.
Ids are new only where the tables differ: ``t2.regulations.made`` …, ``t2.procurement.*``.

Decisions where the notice is silent:

* ``本年增/减`` is a change and may be negative: kind ``signed``;
* ``采购总金额`` is an amount in 万元 like the 2021 fee amount (the notice names no unit);
* 六 keeps the two text ids of 2021, but the 信息处理费 statement is not required (the 信息处理费
  rules took effect in 2021), so R14 does not apply; R11 has no ``fee_unpaid`` row to watch;
  R8/R9 do not apply (``对外公开总数量`` is not a stock of documents in force).
"""

from __future__ import annotations

from .gb2021 import node

_ITEMS = [("上一年项目数量", "items_last_year"), ("本年增/减", "items_change"), ("处理决定数量", "decisions")]


def _items(n: int = 3) -> list:
    return [node(label, key, kind="signed") if key == "items_change" else node(label, key)
            for label, key in _ITEMS[:n]]


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
         "columns": _items(),
         "rows": [node("行政许可", "licensing"),
                  node("其他对外管理服务事项", "other_services")]},
        {"title": "第二十条第（六）项", "corner": "信息内容", "kind": "count",
         "columns": _items(),
         "rows": [node("行政处罚", "penalties"), node("行政强制", "coercive_measures")]},
        {"title": "第二十条第（八）项", "corner": "信息内容", "kind": "count",
         "columns": _items(2),
         "rows": [node("行政事业性收费", "fees")]},
        {"title": "第二十条第（九）项", "corner": "信息内容", "kind": "count",
         "columns": [node("采购项目数量", "items"),
                     node("采购总金额", "amount", kind="amount")],
         "rows": [node("政府集中采购", "procurement")]},
    ],
}

FORMAT = {
    "extends": "gb2021",
    "id": "gb2019",
    "name": "中华人民共和国政府信息公开工作年度报告格式（试行）",
    "notice": "国办公开办函〔2019〕60号",
    "first_year": 2019,
    "last_year": 2020,
    "detect": {"t2_headers": ["本年新制作数量"], "t3_result_rows": 19},
    "kinds": {
        "signed": {"unit": "项", "label": "增减数", "signed": True, "below": 10**9, "below_text": "10亿",
                   "validation": {
                       "input_title": "填写增减数",
                       "input_message": "请填写整数，减少的填负数。",
                       "error_message": "这里只能填写整数（减少的填负数），不能填小数或文字。"}},
    },
    # the 2021 words less what is new in 2021: the fee amount in 万元 and the 信息处理费 statement
    "instructions": {"how": [
        "件数只填不小于0的整数（单位：件）。没有的填0，不要空着，也不要填“/”“—”“无”。",
        "表二的“本年增/减”填本年比上一年增加或减少的项目数，减少的填负数；“采购总金额”的单位是万元，"
        "可带小数（例如 25.1 表示25.1万元），不要带“元”字。",
        "表二的数字为截至{year}年12月31日的情况。",
        "表三中每件办结的申请只计入一种办理结果；“部分公开”的只计部分公开，不计其他情形。",
        "表四中复议机关作为共同被告的行政诉讼案件，只由原行为机关统计。",
        "文字部分直接在浅黄色大格内输入或粘贴，格内换行按 Alt+Enter。"
        "文字较长、格内显示不全时，双击该行行号的下边线即可自动调整行高（打印前请调整，以免打印不全）。",
    ]},
    "tables": [TABLE2],
    # table 三: （六）其他处理 is one row
    "nodes": {"t3.rows.other": node("（六）其他处理", "other", tags=["result", "other_handling"])},
    "fields": {"s6.processing_fees": {"required": False, "label": "六（1）信息处理费收取情况"}},
    "rules": {
        "R8": None, "R9": None, "R11": None, "R14": None,
        "R15": {"severity": "warning", "kind": "format_year",
                "title": "2021年及以后的报告应使用2021年格式", "max_year": 2020, "code": "RULE_OLD_FORMAT",
                "message": "{year}年度报告使用了2019年试行格式，应使用2021年格式（国办公开办函〔2021〕30号）",
                "message_en": "a {year} report laid out in the 2019 trial format; use the 2021 format",
                "hint": "按2021年格式重新编制表格。"},
        "R17": {"values": ["t2.regulations.made", "t2.regulations.published",
                           "t2.regulations.published_total"]},
        "R18": {"parts": "t3.other.total", "over": {}},
    },
}
