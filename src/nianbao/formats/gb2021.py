"""The 2021 official format (国办公开办函〔2021〕30号), as data.

Everything nianbao knows about the format is here: sections, the three tables with every label
verbatim, the data-point ids and the rules R1–R20 with their parameters. The layout of the
workbook, the defined names, the formulas, the reader, the rules engine, the merge and the
renderer are all derived from this one structure (see ``nianbao.spec``).

Conventions of the data:

* a table has blocks; a block has a tree of column headers and a tree of row headers;
* a node's ``key`` contributes to the data-point id (``t3`` + row keys + column keys joined by
  dots); a node without key (a header group like ``申请人情况``) only labels;
* ``tags`` mark leaves for rules (``"@t3.rows[result]"`` is the rows tagged ``result``);
  a leaf inherits its ancestors' tags;
* ``aliases`` are label variants seen in published reports (for ``nianbao parse``).
"""

from __future__ import annotations


def node(label, key=None, children=(), **extra):
    return {"label": label, "key": key, "children": list(children), **extra}


APPLICANT_COLUMNS = [
    node("申请人情况", None, [
        node("自然人", "natural_person", tags=["applicant"]),
        node("法人或其他组织", None, [
            node("商业企业", "commercial", tags=["applicant"]),
            node("科研机构", "research", tags=["applicant"]),
            node("社会公益组织", "public_interest", tags=["applicant"]),
            node("法律服务机构", "legal_services", tags=["applicant"]),
            node("其他", "other_org", tags=["applicant"]),
        ]),
        node("总计", "total", tags=["total"]),
    ]),
]

REQUEST_ROWS = [
    node("一、本年新收政府信息公开申请数量", "received"),
    node("二、上年结转政府信息公开申请数量", "carried_over"),
    node("三、本年度办理结果", None, [
        node("（一）予以公开", "granted", tags=["result"]),
        node("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "partially_granted",
             tags=["result"]),
        node("（三）不予公开", "withheld", [
            node("1.属于国家秘密", "state_secret"),
            node("2.其他法律行政法规禁止公开", "prohibited_by_law"),
            node("3.危及“三安全一稳定”", "security_stability"),
            node("4.保护第三方合法权益", "third_party_rights"),
            node("5.属于三类内部事务信息", "internal_affairs"),
            node("6.属于四类过程性信息", "process_information"),
            node("7.属于行政执法案卷", "enforcement_files"),
            node("8.属于行政查询事项", "inquiry_matters"),
        ], tags=["result"]),
        node("（四）无法提供", "unavailable", [
            node("1.本机关不掌握相关政府信息", "not_held"),
            node("2.没有现成信息需要另行制作", "needs_creation"),
            node("3.补正后申请内容仍不明确", "still_unclear"),
        ], tags=["result"]),
        node("（五）不予处理", "not_processed", [
            node("1.信访举报投诉类申请", "petition_or_complaint"),
            node("2.重复申请", "repeated"),
            node("3.要求提供公开出版物", "publications"),
            node("4.无正当理由大量反复申请", "excessive"),
            node("5.要求行政机关确认或重新出具已获取信息", "reconfirmation"),
        ], tags=["result"]),
        node("（六）其他处理", "other", [
            node("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                 "no_correction"),
            node("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
                 "fee_unpaid"),
            node("3.其他", "other"),
        ], tags=["result", "other_handling"]),
        node("（七）总计", "total", tags=["total"]),
    ]),
    node("四、结转下年度继续办理", "carried_forward"),
]

OUTCOMES = [
    node("结果维持", "upheld", tags=["part"]),
    node("结果纠正", "corrected", tags=["part"]),
    node("其他结果", "other", tags=["part"]),
    node("尚未审结", "pending", tags=["part"]),
    node("总计", "total", tags=["total"]),
]

TABLE2 = {
    "id": "t2",
    "number": "二",
    "title": "二、主动公开政府信息情况",
    "sheet": "二、主动公开",
    "blocks": [
        {"title": "第二十条第（一）项", "corner": "信息内容", "kind": "count",
         "columns": [node("本年制发件数", "issued"),
                     node("本年废止件数", "repealed", aliases=["本年度止件数"]),
                     node("现行有效件数", "in_force")],
         "rows": [node("规章", "regulations", tags=["rules_made"]),
                  node("行政规范性文件", "normative_documents")]},
        {"title": "第二十条第（五）项", "corner": "信息内容", "kind": "count",
         "columns": [node("本年处理决定数量", "decisions")],
         "rows": [node("行政许可", "licensing")]},
        {"title": "第二十条第（六）项", "corner": "信息内容", "kind": "count",
         "columns": [node("本年处理决定数量", "decisions")],
         "rows": [node("行政处罚", "penalties"), node("行政强制", "coercive_measures")]},
        {"title": "第二十条第（八）项", "corner": "信息内容", "kind": "amount",
         "columns": [node("本年收费金额（单位：万元）", "amount")],
         "rows": [node("行政事业性收费", "fees")]},
    ],
}

TABLE3 = {
    "id": "t3",
    "number": "三",
    "title": "三、收到和处理政府信息公开申请情况",
    "sheet": "三、依申请公开",
    "blocks": [
        {"title": None,
         "corner": "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
         "kind": "count", "columns": APPLICANT_COLUMNS, "rows": REQUEST_ROWS},
    ],
}

TABLE4 = {
    "id": "t4",
    "number": "四",
    "title": "四、政府信息公开行政复议、行政诉讼情况",
    "sheet": "四、复议诉讼",
    "blocks": [
        {"title": None, "corner": None, "kind": "count",
         "columns": [
             node("行政复议", "review", OUTCOMES),
             node("行政诉讼", None, [
                 node("未经复议直接起诉", "suit_direct", OUTCOMES),
                 node("复议后起诉", "suit_after_review", OUTCOMES),
             ]),
         ],
         "rows": [node(None, None)]},
    ],
}

SECTIONS = [
    {"number": "一", "heading": "一、总体情况", "sheet": "一、总体情况",
     "aliases": ["一、概述"],
     "fields": [
         {"id": "s1.intro", "heading": None, "label": "总体情况（开头段落，可不填）",
          "optional": True},
         {"id": "s1.active_disclosure", "heading": "（一）主动公开", "label": "（一）主动公开"},
         {"id": "s1.requests", "heading": "（二）依申请公开", "label": "（二）依申请公开"},
         {"id": "s1.information_management", "heading": "（三）政府信息管理",
          "label": "（三）政府信息管理"},
         {"id": "s1.platforms", "heading": "（四）政府信息公开平台建设",
          "label": "（四）政府信息公开平台建设"},
         {"id": "s1.oversight", "heading": "（五）监督保障", "label": "（五）监督保障"},
     ]},
    # aliases of 二 三 四: the wording of the notice's own list of contents (国办公开办函〔2019〕60号),
    # which published reports use as headings (e.g. 四 in 威海市文登区信访局2022年报告)
    {"number": "二", "heading": "二、主动公开政府信息情况", "table": "t2",
     "aliases": ["二、行政机关主动公开政府信息情况"]},
    {"number": "三", "heading": "三、收到和处理政府信息公开申请情况", "table": "t3",
     "aliases": ["三、行政机关收到和处理政府信息公开申请情况"]},
    {"number": "四", "heading": "四、政府信息公开行政复议、行政诉讼情况", "table": "t4",
     "aliases": ["四、因政府信息公开工作被申请行政复议、提起行政诉讼情况"]},
    {"number": "五", "heading": "五、存在的主要问题及改进情况", "sheet": "五六、问题及其他",
     "aliases": ["五、存在问题及改进情况", "五、存在的主要问题和改进情况",
                 "五、政府信息公开工作存在的主要问题及改进情况"],
     "fields": [
         {"id": "s5.problems_and_improvements", "heading": None,
          "label": "存在的主要问题及改进情况（文字描述）"},
     ]},
    {"number": "六", "heading": "六、其他需要报告的事项", "sheet": "五六、问题及其他",
     "aliases": ["六、其他事项", "六、其他需要说明的事项"],
     "fields": [
         {"id": "s6.processing_fees", "heading": None,
          "label": "六（1）信息处理费收取情况（必填：收取信息处理费情况在此处报告）",
          "required": True},
         {"id": "s6.other_matters", "heading": None,
          "label": "六（2）其他需要报告的事项"},
     ]},
]

# Rule parameters. Each rule has a ``kind`` that the engine in ``nianbao.rules`` implements once;
# ``each`` binds placeholders of the id patterns to lists (a literal list, or an axis reference
# such as ``@t3.columns`` / ``@t3.rows[result]``). A rule's finding is worded by its kind unless
# the rule says otherwise: ``message`` / ``message_en`` (templates of the kind's fields), ``hint``
# (what to do) and ``code`` (the finding code; one code has one wording).
RULES = [
    {"id": "R1", "severity": "error", "kind": "balance",
     "title": "申请数量勾稽关系（一+二=三（七）总计+四）",
     "each": {"c": "@t3.columns"}, "label": "{c}列",
     "lhs": ["t3.received.{c}", "t3.carried_over.{c}"],
     "rhs": ["t3.total.{c}", "t3.carried_forward.{c}"],
     "anchor": "t3.carried_forward.{c}", "lhs_text": "一+二", "rhs_text": "三（七）总计+四",
     "hint": "核对本年新收、上年结转、办理结果和结转下年度的数字，使两边相等。"},
    {"id": "R2", "severity": "error", "kind": "sum",
     "title": "（七）总计等于各办理结果之和",
     "each": {"c": "@t3.columns"}, "label": "{c}列",
     "total": "t3.total.{c}", "parts": "t3.{r}.{c}", "over": {"r": "@t3.rows[result]"}},
    {"id": "R3", "severity": "error", "kind": "sum",
     "title": "总计列等于各类申请人之和",
     "each": {"r": "@t3.rows"}, "label": "{r}行",
     "total": "t3.{r}.total", "parts": "t3.{r}.{c}", "over": {"c": "@t3.columns[applicant]"}},
    {"id": "R4", "severity": "error", "kind": "sum",
     "title": "复议诉讼总计等于各结果之和",
     "each": {"g": "@t4.columns.0"}, "label": "{g}",
     "total": "t4.{g}.total", "parts": "t4.{g}.{o}", "over": {"o": "@t4.columns.1[part]"}},
    {"id": "R5", "severity": "error", "kind": "value_type",
     "title": "件数为不小于0的整数，金额为不小于0的数"},
    {"id": "R6", "severity": "error", "kind": "complete",
     "title": "全部数据项均已填写"},
    {"id": "R7", "severity": "warning", "kind": "carry",
     "title": "上年结转等于上年报告的结转下年度",
     "each": {"c": "@t3.columns"}, "label": "{c}列",
     "this": "t3.carried_over.{c}", "last": "t3.carried_forward.{c}",
     "message": "{label}：上年结转{this}件，与上年报告的“结转下年度继续办理”{last}件不一致，相差{diff}",
     "message_en": "{label}: carried over {this}, but last year's report carried forward {last}; off by {diff}",
     "hint": "核对上年报告的结转数，如有调整请在六、其他需要报告的事项中说明。"},
    {"id": "R8", "severity": "warning", "kind": "stock",
     "title": "现行有效件数=上年现行有效+本年制发−本年废止",
     "each": {"r": ["regulations", "normative_documents"]}, "label": "{r}",
     "this": "t2.{r}.in_force", "last": "t2.{r}.in_force",
     "plus": "t2.{r}.issued", "minus": "t2.{r}.repealed",
     "message": "{label}：现行有效件数{this}，按上年现行有效{last}+本年制发{plus}−本年废止{minus}应为{expected}，相差{diff}",
     "message_en": "{label}: in force {this}; last year's {last} + issued {plus} − repealed {minus} gives {expected}; off by {diff}",
     "hint": "核对现行有效件数；如有清理、失效等情况请在文字部分说明。"},
    {"id": "R9", "severity": "warning", "kind": "bound",
     "title": "本年废止件数不超过上年现行有效件数与本年制发件数之和",
     "each": {"r": ["regulations", "normative_documents"]}, "label": "{r}",
     "value": "t2.{r}.repealed", "last": "t2.{r}.in_force", "plus": "t2.{r}.issued",
     "message": "{label}：本年废止{value}件，多于上年现行有效{last}件与本年制发{plus}件之和{limit}件",
     "message_en": "{label}: repealed {value}, more than last year's in force {last} plus issued {plus} = {limit}",
     "hint": "核对本年废止件数。"},
    {"id": "R10", "severity": "warning", "kind": "text_numbers",
     "title": "正文中的数字与表格一致",
     "texts": ["s1.intro", "s1.active_disclosure", "s1.requests", "s1.information_management",
               "s1.platforms", "s1.oversight"],
     "patterns": [
         {"regex": r"(?:新)?收到(?:各类)?(?:(?:政府信息公开|依申请公开)?申请|依申请公开)(?:共计|共)?(\d+)(?:件|个|份|条)",
          "value": "t3.received.total"},
         {"regex": r"(?:新收|受理)(?:政府信息公开|依申请公开)?申请(?:共计|共)?(\d+)(?:件|个|份|条)",
          "value": "t3.received.total"},
         {"regex": r"上年结转(?:政府信息公开)?申请(?:共计|共)?(\d+)(?:件|个|份|条)",
          "value": "t3.carried_over.total"},
         {"regex": r"(?:发生|收到|涉及)?(?:政府信息公开)?行政复议(?:案件)?(?:共计|共)?(\d+)(?:件|起)",
          "value": "t4.review.total"},
     ],
     "message": "{where}写“{quote}”（{stated}件），但表格中“{label}”为{value}件"},
    {"id": "R11", "severity": "warning", "kind": "text_mentions",
     "title": "有因逾期未缴费不再处理的申请时，六应说明信息处理费",
     "when": "t3.other.fee_unpaid.total", "texts": ["s6.processing_fees", "s6.other_matters"],
     "words": ["信息处理费"], "code": "RULE_FEE_TEXT",
     "message": "有{value}件申请因逾期未缴费不再处理，但六、其他需要报告的事项未提到信息处理费",
     "message_en": "{value} requests were closed for unpaid fees, but section 六 does not mention 信息处理费",
     "hint": "在六中说明信息处理费收取情况。"},
    {"id": "R12", "severity": "warning", "kind": "text_none",
     "title": "正文所说有无申请与表格一致",
     "value": "t3.received.total", "texts": ["s1.intro", "s1.requests"],
     "none_regex": r"未(?:收到|接到|受理)(?:任何)?(?:要求公开政府信息的|政府信息公开|依申请公开)?申请|没有(?:收到|接到)(?:政府信息公开|依申请公开)?申请|(?:收到|受理)(?:政府信息公开|依申请公开)?申请(?:共)?0件",
     "some_regex": r"(?:新)?收到(?:各类)?(?:政府信息公开|依申请公开)?申请(?:共计|共)?([1-9]\d*)(?:件|个|份|条)",
     "message": "{where}写“{quote}”，但表格中本年新收申请为{value}件",
     "message_en": "{where} says “{quote}”, but the table has {value} new requests"},
    {"id": "R13", "severity": "error", "kind": "sections_present",
     "title": "一至六各部分齐全（已发布报告）"},
    {"id": "R14", "severity": "warning", "kind": "text_required",
     "title": "六须报告信息处理费收取情况", "text": "s6.processing_fees", "code": "RULE_FEE_STATEMENT",
     "message": "六、其他需要报告的事项中未报告信息处理费收取情况（2021年格式要求必须报告，没有收取的也应写明）",
     "message_en": "section 六 has no 信息处理费 statement (required by the 2021 format, even when none was charged)",
     "hint": "在“信息处理费收取情况”处填写，例如“本年度未收取信息处理费。”"},
    {"id": "R16", "severity": "warning", "kind": "blank_values",
     "title": "应填数字处为空白、“/”、“—”、“-”或“无”"},
    {"id": "R17", "severity": "info", "kind": "kind_forbidden",
     "title": "本类单位无权制定规章",
     "values": ["t2.regulations.issued", "t2.regulations.repealed", "t2.regulations.in_force"],
     "kinds": ["乡镇", "街道", "县级政府", "政府办公室", "部门"],
     "message": "{kind}无权制定规章，但“{label}”为{value}，请核实",
     "message_en": "a {kind} cannot make 规章, but “{label}” is {value}; please verify",
     "hint": "规章只由国务院部门和省级、设区的市级政府制定；如系规范性文件请填入下一行。"},
    {"id": "R18", "severity": "info", "kind": "share",
     "title": "（六）其他处理占比偏高",
     "parts": "t3.other.{r}.total", "over": {"r": ["no_correction", "fee_unpaid", "other"]},
     "whole": "t3.total.total", "limit": "0.2", "code": "RULE_OTHER_SHARE",
     "message": "（六）其他处理共{part}件，占办理结果总计{whole}件的{pct}%，超过{limit}%，请核实",
     "message_en": "（六）其他处理 is {part} of {whole} ({pct}%), above {limit}%",
     "hint": "原则上申请都应按法定方式处理，请核实“其他处理”的数字。"},
    {"id": "R19", "severity": "info", "kind": "text_length",
     "title": "总体情况篇幅原则上不超过一千字",
     "texts": ["s1.intro", "s1.active_disclosure", "s1.requests", "s1.information_management",
               "s1.platforms", "s1.oversight"], "limit": 1000,
     "message": "一、总体情况共{n}字，原则上不超过{limit}字",
     "message_en": "section 一 has {n} characters; the guideline is {limit}", "hint": "精简总体情况。"},
    {"id": "R20", "severity": "info", "kind": "text_repeat",
     "title": "存在问题及改进情况与上年雷同", "text": "s5.problems_and_improvements",
     "message": "五、存在的主要问题及改进情况与上年报告完全相同",
     "message_en": "section 五 is identical to last year's", "hint": "结合本年实际重新撰写，不得年年雷同。"},
]

# The kinds of value: the unit, how a value may be typed (unit suffixes read away, units refused),
# its bounds (a sane upper bound: a count of 100亿 is an ID number pasted into the cell, and a
# county's or a province's sums stay far below it and exact in a spreadsheet's 15 digits) and the
# workbook's data validation texts.
KINDS = {
    "count": {
        "unit": "件", "label": "件数", "below": 10**10, "below_text": "100亿",
        "suffixes": ["件", "个", "条", "份", "起", "次"],
        "validation": {
            "input_title": "填写件数",
            "input_message": "请填写不小于0的整数（件）。没有的填0，不要空着，也不要填“/”或“无”。",
            "error_message": "这里只能填写不小于0的整数（件），不能填负数、小数或文字，也不能大于100亿。没有的请填0。"}},
    "amount": {
        "unit": "万元", "label": "金额", "decimal": True, "max_decimals": 6,
        "below": 10**9, "below_text": "10亿", "suffixes": ["万元"], "wrong_units": ["元"],
        "validation": {
            "input_title": "填写金额（万元）",
            "input_message": "请填写不小于0的数，单位为万元，可带小数（最多6位，例如 25.1 表示25.1万元）。没有的填0。",
            "error_message": "这里只能填写不小于0的数（单位：万元，小于10亿），不能填负数或文字，也不要带“元”“万元”等单位。"}},
    "text": {
        "max_length": 30000,
        "validation": {
            "input_title": "填写文字",
            "input_message": "直接在此格输入或粘贴文字，不超过{max_length}字；格内换行请按 Alt+Enter。",
            "error_message": "文字超过{max_length}字，请精简后再填。"}},
}

# The 填报说明 sheet's "三、怎样填": how to fill in this format's tables and texts ({year}: the
# report year). The rest of the sheet is generated from the layout and the rules.
INSTRUCTIONS = {
    "how": [
        "件数只填不小于0的整数（单位：件）。没有的填0，不要空着，也不要填“/”“—”“无”。",
        "行政事业性收费金额的单位是万元，可带小数（例如 25.1 表示25.1万元），不要带“元”字。",
        "表二的数字为截至{year}年12月31日的情况；（五）（六）的处理决定数量包括公开的和依法不公开的。",
        "表三中每件办结的申请只计入一种办理结果；“部分公开”的只计部分公开，不计其他情形。",
        "表四中复议机关作为共同被告的行政诉讼案件，只由原行为机关统计。",
        "文字部分直接在浅黄色大格内输入或粘贴，格内换行按 Alt+Enter。"
        "文字较长、格内显示不全时，双击该行行号的下边线即可自动调整行高（打印前请调整，以免打印不全）。"
        "六、其他需要报告的事项必须写明信息处理费收取情况，没有收取的也要写明。",
    ],
}

FORMAT = {
    "id": "gb2021",
    "name": "中华人民共和国政府信息公开工作年度报告格式",
    "notice": "国办公开办函〔2021〕30号",
    "first_year": 2021,
    "last_year": None,
    "detect": {"t2_headers": ["本年制发件数"], "t3_result_rows": 21},
    "org_kinds": ["乡镇", "街道", "县级政府", "政府办公室", "部门", "汇总"],
    "kinds": KINDS,
    "sections": SECTIONS,
    "tables": [TABLE2, TABLE3, TABLE4],
    "rules": RULES,
    "instructions": INSTRUCTIONS,
}
