"""nianbao parse: the seed, every variant seen in real published reports, gb2019, the command.

The inputs under ``files/published/`` are the report of ``test_render.make_report()`` (values
that satisfy R1–R4, all different) as a web page gives it, each with one kind of variant.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from helpers import SEED_TXT
from helpers.published import parse_file_json, parse_json
from helpers.reports import FILES, SAMPLE_JSON, clean_report
from nianbao.cli import app
from nianbao.document import render
from nianbao.report import schema

EXPECTED = clean_report().to_json()


def _codes(report) -> list[tuple[str, str | None]]:
    return [(f["code"], f["rule"]) for f in report["findings"]]


def _same_as_expected(report, expected=EXPECTED):
    assert report["format"] == expected["format"]
    assert report["values"] == expected["values"]
    assert report["texts"] == expected["texts"]
    assert (report["year"], report["org"]["name"]) == (expected["year"], expected["org"]["name"])


def test_the_seed_gives_the_expected_json():
    report = parse_file_json(SEED_TXT)
    expected = json.loads(SAMPLE_JSON.read_text(encoding="utf-8"))
    assert report == expected
    assert len(report["values"]) == 200
    assert all(v == 0 for k, v in report["values"].items() if k != "t2.fees.amount")
    assert report["values"]["t2.fees.amount"] == "0"
    assert (report["year"], report["org"]["name"]) == (2022, "中村镇人民政府")
    assert _codes(report) == [("PUBLISHED_LABEL_VARIANT", None), ("RULE_FEE_STATEMENT", "R14")]


def test_the_seed_texts():
    t = parse_file_json(SEED_TXT)["texts"]
    assert t["s1.intro"].startswith("2022年，中村镇认真贯彻落实") and t["s1.intro"].endswith("得到了顺利开展。")
    assert t["s1.active_disclosure"].endswith("2022年我镇主动公开信息共45条。")
    assert t["s1.requests"] == "2022年，我镇未收到要求公开政府信息的申请。"
    assert t["s1.information_management"].startswith("根据上级有关文件规定")
    assert t["s1.platforms"].startswith("按照“明确行政权责")
    assert t["s1.oversight"].endswith("没有发生不良舆情。")
    five = t["s5.problems_and_improvements"].split("\n")
    assert len(five) == 6 and five[2].startswith("（一）规范提升主动公开工作。")
    assert t["s6.other_matters"] == "无其他需要报告的事项。" and t["s6.processing_fees"] == ""


def test_seed_through_the_command_validates_against_the_schema():
    import jsonschema

    run = CliRunner().invoke(app, ["parse", str(SEED_TXT), "--org-kind", "乡镇", "--org-code", "140521100"])
    assert run.exit_code == 0, run.output
    report = json.loads(run.stdout)
    jsonschema.validate(report, schema())
    assert report["org"] == {"code": "140521100", "name": "中村镇人民政府", "kind": "乡镇"}
    assert "警告 R14" in run.stderr and "错误 0 条，警告 1 条，提示 1 条" in run.stderr


@pytest.mark.parametrize("name", ["halfwidth-spaces-ocr.txt", "label-line-breaks.txt",
                                  "space-separated.txt", "cms-word-export.html",
                                  "pipes-notice-wording.txt"])
def test_variants_read_every_value_and_text(name):
    report = parse_file_json(FILES / name)
    _same_as_expected(report)
    assert not [c for c in _codes(report) if c[0].startswith("RULE_")]


def test_ocr_and_bracket_variants_are_reported():
    report = parse_file_json(FILES / "halfwidth-spaces-ocr.txt")
    variant = [f for f in report["findings"] if f["code"] == "PUBLISHED_LABEL_VARIANT"]
    assert [f["params"]["found"] for f in variant] == ["本年度止件数"]
    assert variant[0]["datapoints"] == ["t2.regulations.repealed", "t2.normative_documents.repealed"]


def test_renamed_and_arabic_headings_preamble_and_signature():
    report = parse_file_json(FILES / "renamed-headings.txt")
    _same_as_expected(report)
    codes = [c for c, _ in _codes(report)]
    assert codes.count("PUBLISHED_HEADING_VARIANT") == 6
    assert "PUBLISHED_PREAMBLE" in codes and "PUBLISHED_SIGNATURE" in codes
    assert not [c for c in codes if c.startswith("RULE_")]


def test_html_page_chrome_is_left_out():
    report = parse_file_json(FILES / "cms-word-export.html")
    assert "主办单位" not in json.dumps(report["texts"], ensure_ascii=False)
    assert [c for c, _ in _codes(report)] == ["PUBLISHED_PREAMBLE", "PUBLISHED_LABEL_VARIANT"]


def test_what_cannot_be_placed_is_a_finding_never_a_guess():
    report = parse_file_json(FILES / "broken.txt")
    codes = _codes(report)
    assert ("PUBLISHED_TABLE_MISSING", None) in codes and ("RULE_SECTION_MISSING", "R13") in codes
    assert ("PUBLISHED_ROW_CELLS", None) in codes and ("PUBLISHED_UNPLACED", None) in codes
    assert ("RULE_INCOMPLETE", "R6") in codes
    missing = {k for k, v in report["values"].items() if v is None}
    assert missing == {k for k in EXPECTED["values"] if k.startswith("t4.")
                       or k.startswith("t3.not_processed.repeated.")}
    assert all(report["values"][k] == v for k, v in EXPECTED["values"].items() if k not in missing)
    run = CliRunner().invoke(app, ["parse", str(FILES / "broken.txt")])
    assert run.exit_code == 1


def test_the_2019_trial_format_is_detected_with_r15():
    report = parse_file_json(FILES / "trial-2019-for-2021.txt")
    _same_as_expected(report, clean_report("gb2019", year=2021).to_json())
    assert report["values"]["t2.other_services.items_change"] == -6  # a signed value, read as such
    assert ("RULE_OLD_FORMAT", "R15") in _codes(report)
    in_time = parse_file_json(FILES / "trial-2019-for-2021.txt", year=2020)
    assert in_time["format"] == "gb2019" and ("RULE_OLD_FORMAT", "R15") not in _codes(in_time)


def test_sub_headings_running_into_their_paragraph():
    text = ("某局2023年政府信息公开工作年度报告\n一、总体情况\n（一）主动公开。本年主动公开信息12条。\n"
            "（二）依申请公开：本年未收到申请。\n（三）政府信息管理方面\n规范管理。\n(四)平台建设\n网站。\n"
            "（五）监督保障\n考核。\n五、存在的主要问题及改进情况\n无。\n六、其他需要报告的事项\n"
            "本机关未收取信息处理费。\n无其他事项。\n")
    report = parse_json(text.encode(), "x.txt")
    t = report["texts"]
    assert t["s1.active_disclosure"] == "本年主动公开信息12条。"
    assert t["s1.requests"] == "本年未收到申请。" and t["s1.platforms"] == "网站。"
    assert (t["s6.processing_fees"], t["s6.other_matters"]) == ("本机关未收取信息处理费。", "无其他事项。")
    assert (report["year"], report["org"]["name"]) == (2023, "某局")
    codes = [c for c, _ in _codes(report)]
    assert codes.count("PUBLISHED_TABLE_MISSING") == 3 and codes.count("RULE_SECTION_MISSING") == 3


def test_no_title_needs_the_options():
    text = "一、总体情况\n内容。\n"
    report = parse_json(text.encode(), "x.txt")
    assert "PUBLISHED_NO_TITLE" in [c for c, _ in _codes(report)]
    named = parse_json(text.encode(), "x.txt", year=2023, org={"name": "某局"})
    assert "PUBLISHED_NO_TITLE" not in [c for c, _ in _codes(named)]
    assert (named["year"], named["org"]["name"]) == (2023, "某局")


def test_parse_command_errors(tmp_path):
    run = CliRunner().invoke(app, ["parse", str(tmp_path / "none.txt")])
    assert run.exit_code == 2 and "找不到文件" in run.output
    run = CliRunner().invoke(app, ["parse", str(SEED_TXT), "--org-kind", "村"])
    assert run.exit_code == 2 and "--org-kind" in run.output
    out = tmp_path / "seed.json"
    run = CliRunner().invoke(app, ["parse", str(SEED_TXT), "-o", str(out)])
    assert run.exit_code == 0 and json.loads(out.read_text(encoding="utf-8"))["year"] == 2022


def _base_text() -> str:
    return (FILES / "label-line-breaks.txt").read_text(encoding="utf-8")


def test_mixed_formats_unknown_headers_repeated_rows_and_prose_are_reported():
    t2019 = (FILES / "trial-2019-for-2021.txt").read_text(encoding="utf-8")
    base = _base_text()
    cut = slice(base.index("二、主动公开"), base.index("三、收到和处理"))
    mixed = base[:cut.start] + t2019[t2019.index("二、主动公开"):t2019.index("三、收到和处理")] + base[cut.stop:]
    report = parse_json(mixed.encode(), "mixed.txt")
    assert report["format"] == "gb2019" and ("PUBLISHED_FORMAT_MIXED", None) in _codes(report)
    odd = (base.replace("本年制发件数", "本年发文件数")
           .replace("行政强制\t6", "行政强制\t6\n行政强制\t9")
           .replace("三、收到和处理政府信息公开申请情况\n", "三、收到和处理政府信息公开申请情况\n\n注：截至2022年12月31日。\n"))
    report = parse_json(odd.encode(), "odd.txt")
    codes = [c for c, _ in _codes(report)]
    assert codes.count("PUBLISHED_HEADER_UNKNOWN") == 1 and codes.count("PUBLISHED_ROW_TWICE") == 1
    assert "PUBLISHED_TABLE_TEXT" in codes
    assert report["values"]["t2.coercive_measures.decisions"] == EXPECTED["values"]["t2.coercive_measures.decisions"]
    assert report["values"] == EXPECTED["values"]  # the unknown header is read in column order


def test_notice_wording_of_headings_year_first_title_and_prose_beside_a_table():
    report = parse_file_json(FILES / "pipes-notice-wording.txt")
    assert [f["params"]["found"] for f in report["findings"] if f["code"] == "PUBLISHED_HEADING_VARIANT"] == [
        "二、行政机关主动公开政府信息情况", "四、因政府信息公开工作被申请行政复议提起行政诉讼情况",
        "五、政府信息公开工作存在的主要问题及改进情况"]
    prose = [f for f in report["findings"] if f["code"] == "PUBLISHED_TABLE_TEXT"]
    assert [f["params"]["text"] for f in prose] == ["2022 年,我镇未出现申请行政复议、提起行政诉讼的情况。"]


def test_a_2019_word_table_with_blank_cells_and_a_wrong_unit():
    """Shaped like real 2019 pages: Word cells, <br> in headers, &nbsp; for nothing, 元 amounts."""
    report = parse_file_json(FILES / "trial-2019-word-table.html")
    expected = clean_report("gb2019", year=2019, name="某市人民政府办公厅", kind="政府办公室").to_json()
    assert (report["format"], report["year"], report["org"]["name"]) == ("gb2019", 2019, "某市人民政府办公厅")
    blank = {k for k in expected["values"] if k.endswith(".research") and k.startswith("t3.")
             or k.startswith("t4.suit_after_review.")}
    assert {k for k, v in report["values"].items() if v is None} == blank | {"t2.procurement.amount"}
    assert all(report["values"][k] == v for k, v in expected["values"].items()
               if k not in blank and k != "t2.procurement.amount")
    codes = _codes(report)
    assert codes.count(("VALUE_BLANK", "R16")) == len(blank) == 28
    assert ("VALUE_WRONG_UNIT", "R5") in codes and ("RULE_INCOMPLETE", "R6") in codes
    assert ("RULE_OLD_FORMAT", "R15") not in codes
    assert report["texts"]["s5.problems_and_improvements"].startswith("（一）主要问题\n")


@pytest.mark.parametrize("sep", [" ", " | ", "\t"])
def test_a_group_label_sharing_its_first_sub_rows_line(sep):
    """``三、本年度办理结果 | （一）予以公开 | 0 | 0 | 8 …``: the group label is not a section
    heading and the rows after it are read (it once lost every row after it)."""
    base = (FILES / "label-line-breaks.txt").read_text(encoding="utf-8")
    lines = []
    for line in base.split("\n"):
        cells = [c for c in line.split("\t")]
        lines.append(sep.join(c for c in cells if c) if sep != "\t" else line)
    report = parse_json("\n".join(lines).encode("utf-8"), "x.txt")
    assert report["values"] == EXPECTED["values"]


def test_places_say_where_each_value_is():
    report = parse_file_json(FILES / "cms-word-export.html")
    place = report["source"]["places"]["t3.granted.research"]
    assert place["raw"] == "8" and place["where"].endswith("格") and place["row"] > 1
    text = parse_file_json(FILES / "space-separated.txt")["source"]["places"]["t2.licensing.decisions"]
    assert text["where"] == f"第{text['line']}行第{text['offset'] + 1}字"


@pytest.mark.parametrize("style", ["blank lines", "border lines", "cell borders"])
def test_a_table_written_one_cell_a_line(style):
    """Page text as converters write a table: one cell a line, between blank lines (太平镇),
    with ``|`` border lines between the cells (a 新疆 town's page), or ``0 |`` with the cells
    a merged cell covers as ``||`` lines (a 区统计局's page). Every value is read; a row whose
    blank cell is a bare ``|`` comes out short and is refused, never shifted."""
    text = render(clean_report(), "text").decode("utf-8")
    out = []
    for line in text.split("\n"):
        if "\t" not in line:
            out.append(line)
            continue
        cells = [c for c in line.split("\t") if c]
        if style == "blank lines":
            out += [x for c in cells for x in (c, "")]
        elif style == "border lines":
            out += [x for c in cells for x in (c, "|")]
        else:
            out += [f"{c} |" for c in cells] + ["||"]
    back = parse_json("\n".join(out).encode("utf-8"), "page.txt")
    _same_as_expected(back)


def test_a_blank_cell_written_as_a_border_line_refuses_its_row():
    text = render(clean_report(), "text").decode("utf-8")
    line = next(x for x in text.split("\n") if x.startswith("一、本年新收政府信息公开申请数量"))
    cells = [c for c in line.split("\t") if c]
    blanked = [cells[0]] + ["|"] * 6 + [f"{cells[-1]} |", "||"]  # six blank cells and the 总计
    back = parse_json(text.replace(line, "\n".join(blanked)).encode("utf-8"), "page.txt")
    received = [k for k in back["values"] if k.startswith("t3.received.")]
    assert all(back["values"][k] is None for k in received)
    assert any(f["code"] == "PUBLISHED_ROW_CELLS" and received[0] in f["datapoints"] for f in back["findings"])
    assert sum(v is None for v in back["values"].values()) == len(received)


def test_a_title_without_the_name_then_the_bodys_own_title():
    """A CMS page shows its article title (no name), then the report's own title on two lines
    (桃江县松木塘镇's page): the name comes from the report's title."""
    text = render(clean_report(), "text").decode("utf-8")
    title = text.split("\n", 1)[0]
    page = text.replace(title, "2022年政府信息公开工作年度报告\n中村镇人民政府\n2022年政府信息公开工作年度报告", 1)
    back = parse_json(page.encode("utf-8"), "page.txt")
    assert (back["year"], back["org"]["name"]) == (2022, "中村镇人民政府")
