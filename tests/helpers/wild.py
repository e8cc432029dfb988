"""Published pages as the wild makes them, for the parse tests and the parse benchmark.

:func:`wild_report` makes a report whose tables keep R1–R4 (then breaks a few numbers, as real
reports do); :func:`degrade_text` and :func:`degrade_html` damage nianbao's own rendering of it
the way web pages, archives and copy-paste damage published reports; :func:`exact_or_flagged`
is the property every parse must keep: each value exact, or ``None`` with a finding naming it.
"""

from __future__ import annotations

import dataclasses
import random
import re
from decimal import Decimal

from nianbao.report import build_report
from nianbao.rules import recompute_totals
from nianbao.spec import get_format

TYPOS = [("现行有效件数", "先行有效件数"), ("2.其他法律行政法规禁止公开", "2.其他法律行政止公开"),
         ("（三）不予公开", "（三）不子公开"), ("行政规范性文件", "规范性文件"), ("本年废止件数", "本年度止件数"),
         ("本年 废止件数", "本年废止件数")]
CHROME_TOP = ["当前位置：首页 > 政务公开 > 政府信息公开年报", "来源：本站 发布时间：2024-01-05 16:41 浏览次数：1024",
              "【字体：大 中 小】 打印本页 关闭窗口"]
CHROME_END = ["主办单位：某县人民政府办公室 网站标识码：3505000001", "闽ICP备05000000号 政府网站找错"]
def _small(rnd: random.Random) -> int:
    """Counts as real reports have them: mostly 0 and single digits, sometimes more."""
    r = rnd.random()
    return 0 if r < 0.45 else rnd.randint(1, 9) if r < 0.8 else rnd.randint(10, 120) if r < 0.97 \
        else rnd.randint(121, 5000)


def wild_report(seed: int, format_id: str, broken: int):
    """A report whose tables keep R1–R4, then ``broken`` numbers changed (breaking them)."""
    fmt = get_format(format_id)
    rnd = random.Random(seed)
    values: dict = {}
    for i, dp in fmt.datapoints.items():
        if dp.kind == "amount":
            values[i] = Decimal(rnd.choice(["0", "12.5", "7730.28", "0.35", str(rnd.randint(0, 900))]))
        elif dp.kind == "signed":
            values[i] = rnd.randint(-20, 20)
        else:
            values[i] = _small(rnd)
    cols = [c.key for c in fmt.table("t3").blocks[0].column_leaves if "applicant" in c.tags]
    values.update(recompute_totals(fmt, values))
    for c in cols:  # 一 + 二 = 三（七）+ 四: choose 结转, derive 新收
        total = values[f"t3.total.{c}"]
        values[f"t3.carried_over.{c}"] = min(values[f"t3.carried_over.{c}"], total)
        values[f"t3.received.{c}"] = total + values[f"t3.carried_forward.{c}"] - values[f"t3.carried_over.{c}"]
    values.update(recompute_totals(fmt, values))
    counts = [i for i, dp in fmt.datapoints.items() if dp.kind == "count"]
    for i in rnd.sample(counts, broken):
        values[i] = max(0, values[i] + rnd.choice([-3, -1, 1, 2, 10]))
    texts = {i: "" for i in fmt.texts}
    texts.update({"s1.intro": "本年度按要求做好政府信息公开工作。", "s5.problems_and_improvements": "队伍有待加强。",
                  "s6.processing_fees": "本年度未收取信息处理费。"})
    return build_report(fmt, year=2021 + rnd.randint(0, 3) if format_id == "gb2021" else 2020,
                        org={"name": "某县某局", "kind": "部门"}, values=values, texts=texts)


def blank_zeros(report, rnd: random.Random, share: float = 0.5):
    """The report as bodies publish it that leave a 0 blank: about ``share`` of the zero cells
    of tables 三 and 四 empty (rows mixing blank cells and numbers, as a real 2019 table of
    上海市人民政府办公厅 does); those data points are ``None`` in the returned report."""
    values = dict(report.values)
    for i, v in values.items():
        if i.startswith(("t3.", "t4.")) and v == 0 and rnd.random() < share:
            values[i] = None
    return dataclasses.replace(report, values=values)


def exact_or_flagged(report, back) -> None:
    """A parsed report (``back``) has every value of ``report`` it read right, and a finding for
    each it could not read (both compared as their JSON)."""
    report, back = report.to_json(), back.to_json()
    assert back["format"] == report["format"]
    flagged = {d for f in back["findings"] for d in f.get("datapoints") or ()
               if f["severity"] in ("error", "warning") or f["code"] == "PUBLISHED_GROUP_ROW"}
    wrong = {i: (v, back["values"][i]) for i, v in report["values"].items()
             if back["values"][i] is not None and back["values"][i] != v}
    assert not wrong, f"wrong values: {wrong}"
    silent = [i for i, v in back["values"].items() if v is None and i not in flagged]
    assert not silent, f"missing without a finding: {silent}"


# ---- how the wild damages a page's text ------------------------------------------------------

def _table_lines(lines: list[str]) -> range:
    start = next(i for i, x in enumerate(lines) if x.startswith("二、主动公开"))
    end = next(i for i, x in enumerate(lines) if x.startswith("五、"))
    return range(start, end)


def degrade_text(text: str, rnd: random.Random, how: str) -> str:
    lines = text.split("\n")
    for a, b in rnd.sample(TYPOS, rnd.randint(0, 3)):
        lines = [x.replace(a, b) for x in lines]
    table = _table_lines(lines)
    if how == "run_together":  # cells glued, now and then a stray space between two of them
        for i in table:
            cells = lines[i].split("\t")
            lines[i] = "".join(c + (" " if rnd.random() < 0.15 else "") for c in cells)
    elif how == "spaces":
        lines = [re.sub(r"\t+", " ", x) if i in table else x for i, x in enumerate(lines)]
    elif how == "page":  # the archive's page.txt: the whole page on one line
        lines = ["".join(x.replace("\t", "") for x in lines if x.strip())]
    if how != "page":
        cut = rnd.choice(list(table))
        lines[cut:cut] = ["", "-3-", "\f"]
        lines = CHROME_TOP + lines + CHROME_END
    else:
        lines = [" ".join(CHROME_TOP) + lines[0] + " ".join(CHROME_END)]
    return "\n".join(lines)


def degrade_html(html: str, rnd: random.Random) -> str:
    for a, b in rnd.sample(TYPOS, rnd.randint(0, 3)):
        html = html.replace(a, b)
    html = re.sub(r"(<td[^>]*>)(\d+)(</td>)", lambda m: m[1] + rnd.choice(["", "&nbsp;", "&nbsp; "]) + m[2]
                  + rnd.choice(["", "&nbsp;&nbsp;"]) + m[3], html)
    # table 三 split in two after a random row, its header rows repeated (a page break in a CMS)
    m = re.search(r'(<table class="t3".*?</table>)', html, re.S)
    if m:
        rows = re.findall(r"<tr>.*?</tr>", m[1], re.S)
        head = "".join(rows[:3])
        cut = rnd.randint(4, len(rows) - 2)
        opening = m[1][:m[1].index("<tr>")]
        split = opening + "".join(rows[:cut]) + "</table><p>&nbsp;</p>" + opening + head + "".join(rows[cut:]) + "</table>"
        html = html.replace(m[1], split)
    chrome = "<div class='crumb'>" + "</div><div>".join(CHROME_TOP) + "</div>"
    html = html.replace("<body>", "<body><table width='100%'><tr><td>" + chrome, 1)
    return html.replace("</body>", "</td></tr></table><div class='foot'>" + "<br>".join(CHROME_END) + "</div></body>", 1)
