"""The text of the ``填报说明`` sheet: what to fill, by when, the rules, where to send it — or,
in a summary workbook, what the summary is, what its sheets hold, by when it goes up a level.

The sheet list and the rule lines are generated from the layout and the Format's rules (for a
summary, the rules that apply to a summary, :func:`nianbao.rules.summary_rules`), so the
instructions always match the tables and checks of the workbook they are in.
"""

from __future__ import annotations

from . import layout as L
from .identity import SUMMARY_KIND
from .rules import checks_with, kind_of, summary_rules
from .workbook_formulas import cover_texts
from .workbook_styles import PREFILL_WORD

SEVERITY_WORDS = {
    "error": "必须满足",
    "warning": "应当满足，不满足时请核实，必要时在文字部分说明",
    "info": "提示，请核实",
}
# How a rule shows up in the workbook itself, by its kind's ``live`` trait (the others are
# checked when the file is imported).
LIVE_WORDS = {"mark": "（本表实时校验）", "formula": "（由公式自动计算，无需填写）",
              "validation": "（填写时即校验）"}
SUMMARY_LIVE_WORDS = {"mark": "（本表实时校验）", "formula": "（由公式自动计算）"}
# Spec §1: a body reports by 1月31日; the summaries go up a level by these dates.
BODY_DEADLINE = "1月31日"
SUMMARY_DEADLINES = (("县级", "2月20日"), ("设区的市级", "3月10日"), ("省级", "3月31日"))


def _sheet_line(layout, sl) -> str:
    fmt = layout.format
    if sl.name == L.COVER_SHEET:
        return "单位名称、单位代码、单位类型、报告年度，以及填报人、联系电话、填报日期"
    if sl.table:
        return fmt.table(sl.table).title
    return "、".join(s.heading for s in fmt.sections if s.sheet == sl.name) + "（文字）"


def _rule_lines(rules, live: dict) -> list[tuple[str, str]]:
    return [("para", f"{r.id}　{r.title}——{SEVERITY_WORDS[r.severity]}{live.get(kind_of(r).live or '', '')}")
            for r in rules]


def _basis(fmt) -> tuple[str, str]:
    return ("note", f"本表按《{fmt.name}》（{fmt.notice}）编制，由 nianbao 生成。")


def _prefilled_line(layout, year: int) -> str:
    """What the pre-filled fill means: which rows carry what from last year (the R7 pairs)."""
    fmt = layout.format
    c = checks_with(fmt, "prefill")[0]
    this, last = (fmt.datapoints[c.ids[k]].label.partition("·")[0] for k in ("this", "last"))
    return (f"{PREFILL_WORD}格子已按本单位{year - 1}年度报告预填：“{layout.by_id[c.ids['this']].sheet}”的“{this}”"
            f"即上年的“{last}”（选中格子时有提示）。请核对，有出入的直接改正。")


def instruction_lines(layout, year: int, org: dict | None, prefilled: bool = False) -> list[tuple[str, str]]:
    """(style, text) lines of the instructions sheet; ``prefilled``: some inputs were pre-filled
    from the body's last-year report (and have their own fill)."""
    fmt = layout.format
    out = [("title", f"{year}年度政府信息公开工作年度报告数据填报说明")]
    if org:
        out.append(("org_line", f"填报单位：{org.get('name', '')}（单位代码 {org.get('code', '')}，"
                            f"单位类型 {org.get('kind', '')}）"))
    else:
        out.append(("para", "本表为空白模板：请先在“封面”工作表填写本单位名称、单位代码，"
                            "并从下拉列表选择单位类型。"))
    out.append(_basis(fmt))
    out += [("para", ""), ("para_bold", "一、填什么")]
    for sl in layout.sheets:
        out.append(("para", f"·“{sl.name}”：{_sheet_line(layout, sl)}"))
    texts = "、".join(f"“{name}”" for name, _ in cover_texts(fmt))  # R13's and R14's, as the cover checks
    out += [
        ("para", "浅黄色格子是要填写的；灰色格子（总计）由公式自动计算；标题和栏目名称已锁定，不能修改。"
                 "按 Tab 键可在要填写的格子之间依次跳转。各表已设保护（没有密码），请不要撤销保护、"
                 "插入或删除行列。"),
    ]
    if prefilled:
        out.append(("para", _prefilled_line(layout, year)))
    out += [
        ("para", ""), ("para_bold", "二、什么时候交"),
        ("para", f"请于{year + 1}年{BODY_DEADLINE}前填好本表，与本单位{year}年度政府信息公开工作年度报告"
                 "一并报送本县（市、区）政府信息公开工作主管部门。"),
        ("para", ""), ("para_bold", "三、怎样填"),
    ]
    # how to fill in this format's tables and texts: the format's own words (its data)
    out += [("para", f"{n}. {line.format(year=year)}")
            for n, line in enumerate(fmt.instructions.get("how", ()), 1)]
    out += [
        ("para", ""), ("para_bold", "四、校验规则（勾稽关系）"),
        ("para", "表格顶部和“封面”显示校验状态：绿色“√”为通过，红色“×”为未通过，灰色“待填写”表示还有格子没填。"
                 f"“封面”还会指出尚未填写的文字部分（{texts}）。"
                 "从别处复制粘贴来的格子不再检查输入，填了负数、带小数的件数或文字的格子会变成红色，"
                 "校验状态也会显示“×”，请改正。"
                 "请在“封面”显示“√ 全部校验通过”后再报送。以下规则在汇总导入时逐条检查："),
    ]
    out += _rule_lines(fmt.rules, LIVE_WORDS)
    out += [
        ("para", ""), ("para_bold", "五、报送"),
        ("para", "填好后直接保存本文件（.xlsx 格式），不要改文件名，不要另存为其他格式，"
                 "报送本县（市、区）政府信息公开工作主管部门。填报中有疑问，请与主管部门联系。"),
    ]
    return out


def _summary_sheet_line(layout, sl) -> str:
    if sl.name == L.COVER_SHEET:
        return "汇总单位名称、单位代码、报告年度和全表校验状态"
    if sl.table:
        return f"{_sheet_line(layout, sl)}（各单位数值之和）"
    return f"{_sheet_line(layout, sl)}，汇总表中为空"


def summary_instruction_lines(layout, year: int, org: dict | None, members: int,
                              extra_sheets=()) -> list[tuple[str, str]]:
    """(style, text) lines of a summary workbook's instructions sheet. ``members``: how many
    bodies were summed; ``extra_sheets``: ((sheet, what it holds), …) added beside the tables."""
    fmt, o = layout.format, org or {}
    name = o.get("name") if o.get("name") not in (None, "", SUMMARY_KIND) else ""
    code = f"（单位代码 {o['code']}）" if o.get("code") else ""
    rules = summary_rules(fmt)
    skipped = [r for r in fmt.rules if r not in rules]
    (county, day), *higher = SUMMARY_DEADLINES
    out = [("title", f"{year}年度政府信息公开工作年度报告数据汇总表说明")]
    if name or code:  # a summary made without a name (nianbao asks for one) says nothing here
        out.append(("org_line", f"汇总单位：{name}{code}"))
    out += [_basis(fmt),
           ("para", ""), ("para_bold", "一、这是什么"),
           ("para", f"本表是{name}{year}年度政府信息公开工作年度报告数据的汇总表，由 nianbao 将{members}个单位"
                    "的报告逐项相加生成：各表每个格子的数值都是所列各单位该格数值之和，总计仍为公式。"
                    "本表不需要填写。"),
           ("para", ""), ("para_bold", "二、各工作表")]
    out += [("para", f"·“{sl.name}”：{_summary_sheet_line(layout, sl)}") for sl in layout.sheets]
    out += [("para", f"·“{sheet}”：{what}") for sheet, what in extra_sheets]
    out += [
        ("para", ""), ("para_bold", "三、文字部分"),
        ("para", "文字不汇总：一至六的文字由汇总单位根据各单位报告另行撰写本级年度报告，汇总表中的文字格为空。"),
        ("para", ""), ("para_bold", "四、什么时候报"),
        ("para", f"{county}政府信息公开工作主管部门汇总本县各部门、乡镇（街道）的报告，于{year + 1}年{day}前"
                 "报送上一级政府信息公开工作主管部门；"
                 + "、".join(f"{level}于{year + 1}年{d}前" for level, d in higher) + "报送。"),
        ("para", ""), ("para_bold", "五、校验规则"),
        ("para", "表格顶部和“封面”实时显示勾稽关系的校验状态；以下规则在导入本表（如再次汇总）时逐条检查：")]
    out += _rule_lines(rules, SUMMARY_LIVE_WORDS)
    if skipped:
        out.append(("para", "以下规则针对单位自己撰写的文字或特定类型的单位，不适用于汇总表："
                            + "、".join(f"{r.id}（{r.title}）" for r in skipped) + "。"))
    out += [
        ("para", ""), ("para_bold", "六、修改和再次汇总"),
        ("para", "各表已锁定（没有密码），数值不能修改。某个单位的数据有误时，请该单位改正后重新汇总"
                 "（nianbao collect 或 nianbao merge），不要在本表中直接改数字。"),
        ("para", "本文件记录了所汇总的单位名单：上一级用 nianbao merge 再次汇总本文件时，按其中各单位"
                 "逐一计入，同一单位不会重复计算；请直接报送本文件，不要复制到新文件。"),
    ]
    return out
