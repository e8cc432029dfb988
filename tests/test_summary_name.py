"""A county's summary goes by the county's name (issue 8, item 14): taken from the roster's one
县级政府 (said on screen) or given with --name; never the placeholder 汇总, never "（未指定）",
and the rendered summary has no bare headings."""

from __future__ import annotations

import json
import re

import openpyxl
import pytest
from typer.testing import CliRunner

from helpers import ROOT
from nianbao.cli import app
from nianbao.layout import layout_for

runner = CliRunner()
SAMPLES = ROOT / "samples"


def _collect(tmp_path, roster, *extra):
    out = tmp_path / "out"
    res = runner.invoke(app, ["collect", str(SAMPLES / "inbox"), "--roster", str(roster), "--year", "2026",
                              "-o", str(out), "-q", *extra])
    assert res.exit_code in (0, 1), res.output
    return out, res


def _cover_name(path) -> str | None:
    sheet, cell = layout_for("gb2021").where("org.name")
    return openpyxl.load_workbook(path)[sheet][cell].value


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    return _collect(tmp_path_factory.mktemp("name"), SAMPLES / "roster.csv")


def test_the_name_comes_from_the_rosters_county_government(county):
    out, res = county
    assert "汇总单位名称：青山县（取自名册中的县级政府“青山县人民政府”；另定请用 --name）" in res.stderr
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert summary["org"]["name"] == "青山县"
    assert _cover_name(out / "summary.xlsx") == "青山县"
    notes = [c.value for c in openpyxl.load_workbook(out / "summary.xlsx")["填报说明"]["A"] if c.value]
    assert "汇总单位：青山县" in notes and not any("未指定" in n for n in notes)


def test_the_rendered_summary_has_the_name_and_no_bare_headings(county, tmp_path):
    out, _ = county
    page = tmp_path / "s.html"
    assert runner.invoke(app, ["render", str(out / "summary.json"), "-o", str(page)]).exit_code == 0
    html = page.read_text("utf-8")
    assert "<title>青山县2026年政府信息公开工作年度报告</title>" in html and "汇总2026" not in html
    body = re.sub(r"\s+", "", html.split("<body>", 1)[1])
    headings = re.findall(r"<h([23])>(.*?)</h\1>(<[a-z0-9]+)", body + "<end")
    bare = [text for _, text, after in headings if after in ("<h2", "<h3", "</article")]
    assert not bare, bare
    for section in ("一、总体情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"):
        assert f"<h2>{section}</h2><pclass=\"note\">（汇总报告只汇总各表数据" in body


def test_name_given_wins_and_no_county_government_asks_for_it(tmp_path):
    roster = tmp_path / "r.csv"
    lines = (SAMPLES / "roster.csv").read_text("utf-8").splitlines()
    roster.write_text("\n".join(x for x in lines if "县级政府" not in x) + "\n", "utf-8")
    out, res = _collect(tmp_path, roster)
    assert "警告：不知道汇总单位的名称（名册中没有或有多个县级政府），汇总表的单位名称空着；请加 --name 指定" in res.stderr
    assert json.loads((out / "summary.json").read_text("utf-8"))["org"]["name"] == ""
    assert not _cover_name(out / "summary.xlsx")  # blank, not 汇总
    out, res = _collect(tmp_path, roster, "--name", "青山县")
    assert "汇总单位名称" not in res.stderr and _cover_name(out / "summary.xlsx") == "青山县"


def test_merge_without_a_name_it_can_derive_stops(tmp_path):
    report = json.loads((SAMPLES / "zhongcun-2022.json").read_text("utf-8"))  # a 乡镇
    (tmp_path / "r.json").write_text(json.dumps(report, ensure_ascii=False), "utf-8")
    res = runner.invoke(app, ["merge", str(tmp_path / "r.json"), "-o", str(tmp_path / "s.json")])
    assert res.exit_code == 2 and "请用 --name 写明" in res.stderr and not (tmp_path / "s.json").exists()
    res = runner.invoke(app, ["merge", str(tmp_path / "r.json"), "-o", str(tmp_path / "s.json"), "--name", "沁水县"])
    assert res.exit_code == 0 and json.loads((tmp_path / "s.json").read_text("utf-8"))["org"]["name"] == "沁水县"
