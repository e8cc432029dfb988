"""nianbao parse on a file holding more than one report: only the first is read, and an error
says so — the second one's tables and text never end up inside the first one's last section."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from helpers.published import parse_json
from helpers.reports import clean_report
from nianbao.cli import app
from nianbao.document import render

CORPUS = Path(__file__).parent / "files" / "corpus"
GAJ, SPP = CORPUS / "16_pingtan_gaj_2022.txt", CORPUS / "26_pingtan_spp_2022.txt"


def _more(report) -> list[dict]:
    return [f for f in report["findings"] if f["code"] == "PUBLISHED_MORE_REPORTS"]


def test_two_copied_reports_in_one_text_file_read_the_first_and_say_so():
    alone = parse_json(GAJ.read_bytes(), GAJ.name)
    both = parse_json(GAJ.read_bytes() + SPP.read_bytes(), "two.txt")
    [more] = _more(both)
    assert more["severity"] == "error"
    assert "不止一份" in more["message"] and "平潭综合实验区苏平片区管理局" in more["message"]
    assert "只读取了第一份（“平潭综合实验区公安局2022年”的报告" in more["message"]
    assert both["values"] == alone["values"]
    assert both["texts"]["s6.processing_fees"] == alone["texts"]["s6.processing_fees"]
    assert not any("苏平片区管理局认真贯彻" in t or "结果维持" in t for t in both["texts"].values())
    assert not _more(alone)


def test_two_reports_in_one_html_page():
    page = render(clean_report(), "html").decode("utf-8")
    article = page[page.index("<article"):page.index("</article>") + len("</article>")]
    doubled = page.replace("</article>", "</article>\n" + article.replace("2022", "2021"), 1)
    alone = parse_json(page.encode("utf-8"), "one.html")
    both = parse_json(doubled.encode("utf-8"), "two.html")
    [more] = _more(both)
    assert "共发现2份" in more["message"]
    assert both["values"] == alone["values"]
    assert both["texts"] == alone["texts"]  # the fee sentence once, not twice


def test_run_together_text_of_two_reports_on_one_line():
    text = render(clean_report(), "text").decode("utf-8")
    one_line = "".join(text.split())  # a page copied with no line breaks nor cell separators
    both = parse_json((one_line + one_line).encode("utf-8"), "two.txt")
    assert len(_more(both)) == 1
    alone = parse_json(one_line.encode("utf-8"), "one.txt")
    assert both["values"] == alone["values"]


def test_a_folder_board_marks_the_file_with_two_reports(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "two.txt").write_bytes(GAJ.read_bytes() + SPP.read_bytes())
    result = CliRunner().invoke(app, ["parse", str(folder), "--board", str(tmp_path / "b")])
    assert result.exit_code == 1, result.output
    board = (tmp_path / "b" / "board.csv").read_text(encoding="utf-8-sig")
    assert "有错误" in board


def _text(year: int = 2022) -> str:
    report = clean_report()
    report.year = year
    return render(report, "text").decode("utf-8")


def test_a_second_report_without_section_one_or_without_headings():
    first = _text()
    alone = parse_json(first.encode("utf-8"), "one.txt")
    second = _text(2021)
    lines = second.splitlines()
    from_two = "\n".join(lines[:1] + lines[lines.index("二、主动公开政府信息情况"):])
    tables_only = "\n".join(x for x in lines if x == lines[0] or "\t" in x)
    for tail in (from_two, tables_only):
        both = parse_json((first + "\n" + tail).encode("utf-8"), "two.txt")
        assert len(_more(both)) == 1, tail[:200]
        assert both["values"] == alone["values"] and both["texts"] == alone["texts"]


def test_a_table_of_contents_or_a_running_title_is_no_second_report():
    text = _text()
    title, rest = text.split("\n", 1)
    contents = "目录\n" + "\n".join(("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                                     "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况",
                                     "六、其他需要报告的事项")) + "\n"
    assert not _more(parse_json(f"{title}\n{contents}{rest}".encode("utf-8"), "toc.txt"))
    running = f"{text}\n{title}\n2023年1月20日\n"  # a page header repeated at the end
    assert not _more(parse_json(running.encode("utf-8"), "running.txt"))


def test_a_table_of_contents_at_the_top_is_left_out_and_the_report_read_in_full():
    text = _text()
    title, rest = text.split("\n", 1)
    contents = "目录\n" + "\n".join(f"{h}…………{n}" for n, h in enumerate((
        "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"), 1)) + "\n"
    alone = parse_json(text.encode("utf-8"), "one.txt")
    back = parse_json(f"{title}\n{contents}{rest}".encode("utf-8"), "toc.txt")
    assert back["values"] == alone["values"] and back["texts"] == alone["texts"]
    [note] = [f for f in back["findings"] if f["code"] == "PUBLISHED_CONTENTS"]
    assert note["severity"] == "info" and note["message"].startswith("报告开头的目录（6行：一、总体情况…………1 二、")


def test_a_web_page_saved_twice_into_one_file():
    """Two saved pages one after the other: the second one's opening paragraph (after the first
    one's closing date) is not read into the first one's 六; places are paragraphs of the text."""
    page = (CORPUS / "14_pingtan_zrz_2023.html").read_bytes()
    alone = parse_json(page, "one.html")
    both = parse_json(page + page, "two.html")
    [more] = _more(both)
    assert "正文第" in more["message"] and "位置不详" not in more["message"]
    assert both["values"] == alone["values"] and both["texts"] == alone["texts"]
