"""nianbao render: the document model, the HTML / Markdown / text / .docx writers, the command."""

from __future__ import annotations

import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from typer.testing import CliRunner

from helpers import ROOT
from helpers.reports import SAMPLE_JSON, clean_report
from nianbao.cli import app
from nianbao.document import document, grid_of, md_escape, render, title_of
from nianbao.report import Member, dumps
from nianbao.rules import Context, evaluate
from nianbao.spec import get_format


class _Cells(HTMLParser):
    """Rows of (tag, text, rowspan, colspan) per table, from HTML."""

    def __init__(self):
        super().__init__()
        self.tables, self.cell = [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self.cell = [tag, "", int(a.get("rowspan", 1)), int(a.get("colspan", 1))]

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[1] += data

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell:
            self.tables[-1][-1].append(tuple(self.cell))
            self.cell = None


def html_tables(html: str):
    p = _Cells()
    p.feed(html)
    return p.tables


def test_a_clean_report_has_no_rule_findings():
    for fid in ("gb2021", "gb2019"):
        r = clean_report(fid, year=2022 if fid == "gb2021" else 2020)
        fmt = get_format(fid)
        ctx = Context(r.values, r.texts, r.year, "乡镇")
        assert evaluate(fmt, ctx) == []


def test_title_sections_and_sub_headings_in_order():
    blocks = document(clean_report())
    assert blocks[0].text == "中村镇人民政府2022年政府信息公开工作年度报告"
    heads = [b.text for b in blocks if b.kind == "heading"]
    assert heads == ["一、总体情况", "（一）主动公开", "（二）依申请公开", "（三）政府信息管理",
                     "（四）政府信息公开平台建设", "（五）监督保障", "二、主动公开政府信息情况",
                     "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况",
                     "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    six = [b.text for b in blocks[blocks.index(next(b for b in blocks if b.text.startswith("六、"))):]]
    assert six[1:] == ["本年度未收取信息处理费。", "无其他需要报告的事项。"]


def test_table_grids_match_the_official_merges(fmt):
    values = clean_report().values
    t3 = grid_of(fmt, "t3", values)
    assert t3.width == 10 and len(t3.rows) == 3 + 25
    corner = t3.rows[0][0][1]
    assert (corner.role, corner.rows, corner.cols) == ("corner", 3, 3)
    result = next(c for row in t3.rows for _, c in row if c.text == "三、本年度办理结果")
    assert (result.rows, result.cols) == (22, 1)
    withheld = next(c for row in t3.rows for _, c in row if c.text == "（三）不予公开")
    assert withheld.rows == 8
    t2 = grid_of(fmt, "t2", values)
    licensing = next(row for row in t2.rows if row[0][1].text == "行政许可")
    assert [(c.cols, c.id) for _, c in licensing[1:]] == [(3, "t2.licensing.decisions")]
    t4 = grid_of(fmt, "t4", values)
    assert [len(r) for r in t4.rows] == [2, 7, 10, 15]


def test_every_data_point_appears_once_with_its_value(fmt):
    r = clean_report()
    seen = [c.id for b in document(r) if b.kind == "table" for row in b.grid.rows for _, c in row if c.id]
    assert sorted(seen) == sorted(fmt.datapoints)
    html = render(r, "html").decode()
    for i, v in r.to_json()["values"].items():
        assert f'data-id="{i}">{v}</td>' in html


def test_html_is_self_contained_escaped_and_printable():
    r = clean_report()
    r.texts["s1.intro"] = '第一行<script>alert("x")</script> & 更多\n第二行'
    r.org.name = "<b>某&镇</b>"
    html = render(r, "html").decode()
    assert "<script>" not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 更多" in html
    assert "<title>&lt;b&gt;某&amp;镇&lt;/b&gt;2022年政府信息公开工作年度报告</title>" in html
    assert "@page { size: A4" in html
    assert not re.search(r"(src|href)=|@import|url\(", html)
    assert html.count("<table") == 3
    assert "<p data-id=\"s1.intro\">第二行</p>" in html


def test_fee_amount_exactly_as_entered():
    r = clean_report()
    r.values["t2.fees.amount"] = Decimal("9116.360001")
    html = render(r, "html").decode()
    assert 'data-id="t2.fees.amount">9116.360001</td>' in html
    assert "9116.360001" in render(r, "text").decode()


def test_summary_renders_as_the_county_report():
    r = clean_report(name="沁水县", kind="汇总")
    r.members = [Member("1", "中村镇人民政府", "乡镇", "x"), Member("2", "郑庄镇人民政府", "乡镇", "y")]
    html = render(r, "html").decode()
    assert "<h1>沁水县2022年政府信息公开工作年度报告</h1>" in html
    assert "汇总了以下2个单位的年度报告：中村镇人民政府、郑庄镇人民政府" in html
    assert html.count("<table") == 3


def test_markdown_escapes_markup():
    assert md_escape("1. 一项") == "1\\. 一项"
    assert md_escape("a|b <c> & *d*") == "a\\|b \\<c\\> \\& \\*d\\*"
    assert md_escape("12.5") == "12.5" and md_escape("1.属于国家秘密") == "1.属于国家秘密"
    md = render(clean_report(), "markdown").decode()
    assert md.startswith("# 中村镇人民政府2022年政府信息公开工作年度报告\n")
    assert "\n## 三、收到和处理政府信息公开申请情况\n" in md and "\n### （五）监督保障\n" in md


def test_docx_has_real_merged_cells(tmp_path):
    import docx

    path = tmp_path / "r.docx"
    path.write_bytes(render(clean_report(), "docx"))
    d = docx.Document(str(path))
    assert [(len(t.rows), len(t.columns)) for t in d.tables] == [(14, 4), (28, 10), (4, 15)]
    t3 = d.tables[1]
    # a vertically merged cell is the same cell object in every row it spans
    assert t3.cell(5, 0)._tc is t3.cell(26, 0)._tc and t3.cell(5, 0).text == "三、本年度办理结果"
    assert t3.cell(0, 0)._tc is t3.cell(2, 2)._tc
    assert t3.cell(5, 3).text == str(clean_report().values["t3.granted.natural_person"])
    assert d.paragraphs[0].text == title_of(clean_report())


def test_render_command_from_json(tmp_path):
    src = tmp_path / "r.json"
    src.write_text(dumps(clean_report()), encoding="utf-8")
    for ext in ("html", "md", "txt", "docx"):
        res = CliRunner().invoke(app, ["render", str(src), "-o", str(tmp_path / f"out.{ext}")])
        assert res.exit_code == 0, res.output
        assert (tmp_path / f"out.{ext}").stat().st_size > 1000
    res = CliRunner().invoke(app, ["render", str(src), "-o", str(tmp_path / "out.pdf")])
    assert res.exit_code == 2 and "不支持的输出格式" in res.output
    res = CliRunner().invoke(app, ["render", str(tmp_path / "none.json"), "-o", str(tmp_path / "x.html")])
    assert res.exit_code == 2 and "找不到文件" in res.output


def test_render_command_from_a_workbook(tmp_path):
    inbox = sorted((ROOT / "samples" / "inbox").rglob("*.xlsx"))
    if not inbox:
        pytest.skip("no sample workbook in samples/inbox")
    from nianbao.importer import import_workbook

    result = import_workbook(inbox[0])
    assert result.report is not None
    out = tmp_path / "w.html"
    res = CliRunner().invoke(app, ["render", str(inbox[0]), "-o", str(out)])
    assert res.exit_code == 0, res.output
    html = out.read_text(encoding="utf-8")
    assert f"<h1>{title_of(result.report)}</h1>" in html
    tables = html_tables(html)
    assert [len(t) for t in tables] == [14, 28, 4]


def test_render_the_seed_sample_json(tmp_path):
    out = tmp_path / "seed.html"
    res = CliRunner().invoke(app, ["render", str(SAMPLE_JSON), "-o", str(out)])
    assert res.exit_code == 0
    html = out.read_text(encoding="utf-8")
    assert "<h1>中村镇人民政府2022年政府信息公开工作年度报告</h1>" in html
    assert "<p data-id=\"s6.other_matters\">无其他需要报告的事项。</p>" in html


def test_a_merged_county_summary_renders_and_parses_back(tmp_path):
    from nianbao.published import parse_published
    from nianbao.summing import merge_reports

    reports = [clean_report(seed=s, name=n) for s, n in ((1, "中村镇人民政府"), (2, "郑庄镇人民政府"))]
    reports[1].org.code = "140521101"
    summary, _ = merge_reports(reports, org={"name": "沁水县", "code": "140521", "kind": "汇总"})
    html = render(summary, "html")
    assert "汇总了以下2个单位的年度报告：中村镇人民政府、郑庄镇人民政府" in html.decode()
    back = parse_published(html, "summary.html", org={"kind": "汇总"})
    assert back.values == summary.values and back.org.name == "沁水县"
    assert not any(back.texts.values())  # "the county writes these" is not read as text
    assert [f.code for f in back.findings
            if f.code.startswith("PUBLISHED_")] == ["PUBLISHED_PREAMBLE"]  # the members note
