"""``nianbao parse`` as a user meets it: forms detected, files that are not reports named,
folders with a board and rules across years, ``--explain``; ``render`` of a broken JSON; and
format detection that keeps working when a format is added as data."""

from __future__ import annotations

import copy
import json
import random
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nianbao.cli import app
from nianbao.document import render
from nianbao.published import NotAReport, parse_published
from nianbao.published.detect import sniff
from nianbao.report import build_report, dumps, load
from nianbao.spec import get_format

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).parent / "files" / "corpus"
TEMPLATE = ROOT / "templates" / "2026_政府信息公开工作年度报告_空白模板.xlsx"


def _run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def _report(year=2022, name="某县某局", seed=1, fmt_id="gb2021", **changes) -> dict:
    sys.path.insert(0, str(Path(__file__).parent))
    from helpers.wild import wild_report

    r = wild_report(seed, fmt_id, 0)
    r.year, r.org.name = year, name
    values = {**r.values, **changes}
    return build_report(r.fmt, year=year, org=r.org, values=values, texts=r.texts)


# ---- files that are not reports --------------------------------------------------------------

def _docx_letter(path: Path) -> Path:
    import docx

    d = docx.Document()
    d.add_paragraph("关于报送材料的通知")
    d.add_paragraph("请各单位于1月31日前报送。")
    d.save(path)
    return path


@pytest.mark.parametrize("make, says", [
    (lambda p: p.write_bytes(TEMPLATE.read_bytes()) or p.with_suffix(".xlsx"), "Excel"),
    (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200)), "图片"),
    (lambda p: p.write_bytes(random.Random(1).randbytes(4000)), "无法读取"),
    (lambda p: p.write_bytes(b""), "空的"),
    (lambda p: p.write_text('{"format": "gb2021"}', encoding="utf-8"), "JSON"),
    (lambda p: p.write_bytes((Path(__file__).parent / "files" / "legacy.xls").read_bytes()), "旧版 Excel"),
])
def test_a_file_that_is_not_a_report_is_named_and_nothing_is_written(tmp_path, make, says):
    path = tmp_path / "报告.dat"
    make(path)
    out = tmp_path / "out.json"
    run = _run("parse", path, "-o", out)
    assert run.exit_code == 2 and says in run.output and "错误：报告.dat：" in run.output
    assert not out.exists()


def test_a_word_file_that_is_not_a_report_and_a_zip(tmp_path):
    run = _run("parse", _docx_letter(tmp_path / "通知.docx"))
    assert run.exit_code == 2 and "不像是政府信息公开工作年度报告" in run.output
    z = tmp_path / "a.zip"
    with zipfile.ZipFile(z, "w") as f:
        f.writestr("a.txt", "x")
    assert "压缩包" in _run("parse", z).output
    with pytest.raises(NotAReport, match="PowerPoint"):
        buf = tmp_path / "p.pptx"
        with zipfile.ZipFile(buf, "w") as f:
            f.writestr("ppt/presentation.xml", "<p/>")
        sniff(buf.read_bytes(), "p.pptx")


def test_forms_are_detected_from_the_bytes_not_the_name(tmp_path):
    report = _report()
    for kind in ("html", "docx", "text", "markdown"):
        path = tmp_path / f"report-{kind}.bin"  # a name that says nothing
        path.write_bytes(render(report, kind))
        back = json.loads(_run("parse", path).stdout)
        assert back["values"] == report.to_json()["values"], kind
        assert back["source"]["form"] == kind


def test_render_of_a_broken_json_says_so_in_chinese(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "gb2021", "values": {', encoding="utf-8")
    run = _run("render", broken, "-o", tmp_path / "x.html")
    assert run.exit_code == 2 and "不是有效的 JSON：第1行" in run.output and "Expecting" not in run.output
    gbk = tmp_path / "gbk.json"
    gbk.write_bytes("{\"名\": 1}".encode("gb18030"))
    assert "不是 UTF-8" in _run("render", gbk, "-o", tmp_path / "x.html").output
    odd = tmp_path / "odd.json"
    odd.write_text(json.dumps({**_report().to_json(), "values": {"t2.regulations.issued": "many"}}), encoding="utf-8")
    assert "不能用来生成报告" in _run("render", odd, "-o", tmp_path / "x.html").output


# ---- a folder --------------------------------------------------------------------------------

def test_a_folder_gives_one_json_each_a_board_and_the_rules_across_years(tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / "2023").mkdir(parents=True)
    last = _report(2022, seed=4)
    this = _report(2023, seed=5)
    values = dict(this.values)
    for c in ("natural_person", "commercial", "research", "public_interest", "legal_services", "other_org"):
        values[f"t3.carried_over.{c}"] = last.values[f"t3.carried_forward.{c}"] + (c == "natural_person")
        values[f"t3.carried_forward.{c}"] = values[f"t3.carried_over.{c}"] + values[f"t3.received.{c}"] \
            - values[f"t3.total.{c}"]  # R1 holds; R7 does not: one more carried over than last year carried forward
    from nianbao.rules import recompute_totals

    fmt = get_format("gb2021")
    values.update(recompute_totals(fmt, values))
    this = build_report(fmt, year=2023, org=this.org, values=values, texts=this.texts)
    (inbox / "某县某局2022年报.html").write_bytes(render(last, "html"))
    (inbox / "2023" / "某县某局2023年报.txt").write_bytes(render(this, "text"))
    (inbox / "2023" / "填报表.xlsx").write_bytes(TEMPLATE.read_bytes())
    for name in ("15_pingtan_zrz_2021.txt", "11_hongze_qu_2023.pdf"):
        (inbox / name).write_bytes((CORPUS / name).read_bytes())
    out = tmp_path / "out"
    run = _run("parse", inbox, "-o", out / "json", "--board", out, "-j", "2")
    assert run.exit_code == 1, run.output
    assert "共 5 个文件：已读取 4 个" in run.output and "无法读取  2023/填报表.xlsx：这是 Excel 工作簿" in run.output
    names = sorted(p.name for p in (out / "json").iterdir())
    assert names == ["11_hongze_qu_2023.pdf.json", "15_pingtan_zrz_2021.txt.json",
                     "2023_某县某局2023年报.txt.json", "某县某局2022年报.html.json"]
    r2023 = json.loads((out / "json" / "2023_某县某局2023年报.txt.json").read_text(encoding="utf-8"))
    assert [f["params"]["label"] for f in r2023["findings"] if f["rule"] == "R7"] == ["自然人列", "总计列"]
    board = (out / "board.csv").read_bytes().decode("utf-8-sig").splitlines()
    assert board[0].split(",")[:8] == ["序号", "单位名称", "年度", "格式", "文件", "形式", "读出数字", "状态"]
    row = next(x for x in board if "某县某局2023年报" in x)
    # 勾稽关系 0; 跨年度 6 (R7 ×2, R8, R9 ×2, R20: against last year's page); 正文与表格 0
    assert ",0,6,0," in row and "R7：自然人列：上年结转9件" in row and "R20：" in row
    pdf_row = next(x for x in board if "11_hongze" in x)
    assert "PDF" in pdf_row and "R4：" in pdf_row and "179/200" in pdf_row
    unreadable = next(x for x in board if "填报表" in x)
    assert "无法读取" in unreadable
    from openpyxl import load_workbook

    wb = load_workbook(out / "board.xlsx")
    assert wb.sheetnames == ["报告一览", "问题清单"]
    issues = [[c.value for c in r] for r in wb["问题清单"].iter_rows(min_row=4)]
    located = [r for r in issues if r[2] == "15_pingtan_zrz_2021.txt" and r[4] == "R1"]
    assert located and all(r[6].startswith("第12行第") for r in located)


def test_explain_says_how_each_ambiguous_row_was_settled(tmp_path):
    run = _run("parse", CORPUS / "15_pingtan_zrz_2021.txt", "-o", tmp_path / "x.json", "--explain")
    assert run.exit_code == 1
    out = run.output
    assert "拆分说明（5行）" in out
    assert "原文“5066”" in out and "5/0/66；50/6/6" in out and "无法确定，未读入" in out
    assert "原文“160 02 0 018”" in out and "按R3只有 16/0/0/2/0/0/18 成立" in out
    assert "第12行第" in out


def test_board_needs_a_folder_and_an_empty_folder_cannot_run(tmp_path):
    assert _run("parse", CORPUS / "16_pingtan_gaj_2022.txt", "--board", tmp_path).exit_code == 2
    (tmp_path / "empty").mkdir()
    run = _run("parse", tmp_path / "empty", "--board", tmp_path)
    assert run.exit_code == 2 and "没有任何文件" in run.output


# ---- a format added as data ------------------------------------------------------------------

@pytest.fixture
def third_format():
    """A test-only format (from 2027, one more row in table 三) registered as data only."""
    from nianbao.formats import gb2021, register, unregister

    data = copy.deepcopy(gb2021.FORMAT)
    data.update(id="gbtest", name="测试格式", notice="测试〔2027〕1号", first_year=2027, last_year=None)
    results = next(t for t in data["tables"] if t["id"] == "t3")["blocks"][0]["rows"][2]["children"]
    results.insert(len(results) - 1, gb2021.node("（八）移送其他机关处理", "transferred", tags=["result"]))
    register(data)
    yield get_format("gbtest")
    unregister("gbtest")


def test_the_format_is_chosen_by_its_distinguishing_labels_with_a_third_format(third_format):
    from nianbao.layout import layout_for

    layout_for.cache_clear()
    try:
        new = build_report(third_format, year=2027, org={"name": "某局"},
                           values={i: 1 for i in third_format.datapoints}, texts={})
        back = parse_published(render(new, "html"), "r.html")
        assert back.format == "gbtest" and back.values == new.values
        old = _report(2022)
        for kind in ("html", "text"):
            assert parse_published(render(old, kind), "r." + kind).format == "gb2021"
        trial = _report(2020, fmt_id="gb2019")
        assert parse_published(render(trial, "text"), "r.txt").format == "gb2019"
        # a 2027 report without the new row: no label tells, the year does
        plain = parse_published(render(_report(2027), "text"), "r.txt")
        assert plain.format == "gbtest"
        assert any(f.code == "PUBLISHED_ROW_MISSING" and "移送其他机关处理" in f.message()
                   for f in plain.findings)
    finally:
        layout_for.cache_clear()


def test_the_seed_text_through_the_command_matches_the_sample(tmp_path):
    sample = load(ROOT / "samples" / "zhongcun-2022-published.json")
    rendered = tmp_path / "zhongcun.txt"
    rendered.write_bytes(render(sample, "text"))
    back = json.loads(_run("parse", rendered).stdout)
    assert back["values"] == sample.to_json()["values"]
    assert dumps(back)  # serialisable with its places


def test_options_of_one_report_are_refused_for_a_folder(tmp_path):
    run = _run("parse", CORPUS, "--year", "2022", "--org-name", "某局")
    assert run.exit_code == 2 and "--year、--org-name 只用于单个文件" in run.output


def test_a_pipe_is_named_not_read(tmp_path):
    import os

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    run = _run("parse", fifo)
    assert run.exit_code == 2 and "命名管道" in run.output
    (tmp_path / "folder").mkdir()
    os.mkfifo(tmp_path / "folder" / "pipe.html")
    (tmp_path / "folder" / "r.txt").write_bytes((CORPUS / "16_pingtan_gaj_2022.txt").read_bytes())
    run = _run("parse", tmp_path / "folder", "--board", tmp_path / "out")
    assert run.exit_code == 1 and "无法读取  pipe.html：不是文件，而是命名管道（FIFO）" in run.output


def test_a_second_run_does_not_read_its_own_board_nor_json(tmp_path):
    """parse DIR --board DIR/b -o DIR/out, twice: the board and the JSON of the first run are
    left out (the output folders inside DIR, and nianbao's own files copied elsewhere)."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "某县某局2022年报.html").write_bytes(render(_report(2022), "html"))
    first = _run("parse", inbox, "--board", inbox / "b", "-o", inbox / "out")
    assert first.exit_code in (0, 1), first.output
    (inbox / "copied").mkdir()
    for name in ("board.csv", "board.xlsx"):
        (inbox / "copied" / name).write_bytes((inbox / "b" / name).read_bytes())
    (inbox / "copied" / "r.json").write_bytes(next((inbox / "out").iterdir()).read_bytes())
    second = _run("parse", inbox, "--board", inbox / "b", "-o", inbox / "out")
    assert second.exit_code == first.exit_code, second.output
    assert "共 1 个文件" in second.output and "跳过 3 个 nianbao 生成的文件" in second.output
    board = (inbox / "b" / "board.csv").read_text(encoding="utf-8-sig")
    assert len(board.strip().splitlines()) == 2 and "board" not in board


# ---- damaged PDFs ----------------------------------------------------------------------------

def _damaged_pdfs(tmp_path: Path) -> dict[str, bytes]:
    whole = (CORPUS / "11_hongze_qu_2023.pdf").read_bytes()
    rng = random.Random(11)
    out = {f"cut{n}.pdf": whole[:n] for n in (100_000, 3_000, len(whole) // 2, len(whole) - 200)}
    out["noise.pdf"] = b"%PDF-1.7\n" + bytes(rng.randrange(256) for _ in range(5000))
    out["no_pages.pdf"] = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
                           b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
    gs = shutil.which("gs")
    if gs:  # Ghostscript writes a PDF locked with an open password
        subprocess.run([gs, "-q", "-sDEVICE=pdfwrite", "-sOwnerPassword=o", "-sUserPassword=u", "-dEncryptionR=3",
                        "-dKeyLength=128", "-o", str(tmp_path / "locked.pdf"), str(CORPUS / "11_hongze_qu_2023.pdf")],
                       check=True, capture_output=True, timeout=120)
        out["locked.pdf"] = (tmp_path / "locked.pdf").read_bytes()
    return out


def test_a_damaged_or_locked_pdf_is_one_chinese_message_and_the_batch_goes_on(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    damaged = _damaged_pdfs(tmp_path)
    for name, data in damaged.items():
        (inbox / name).write_bytes(data)
        result = _run("parse", inbox / name)
        assert result.exit_code == 2, (name, result.output)
        said = [line for line in result.output.splitlines() if line.strip()]
        assert len(said) == 1 and "内部错误" not in said[0] and "Exception" not in said[0], (name, said)
        expected = "设有打开密码" if name == "locked.pdf" else "没有任何页面" if name == "no_pages.pdf" else "已损坏或不完整"
        assert expected in said[0], (name, said)
    (inbox / "good.html").write_bytes(render(_report(2022), "html"))
    result = _run("parse", inbox, "--board", tmp_path / "b")
    board = (tmp_path / "b" / "board.csv").read_text(encoding="utf-8-sig")
    assert board.count(",无法读取,") == len(damaged) and "意外错误" not in board
    assert "已读取 1 个" in result.output


# ---- traditional characters ------------------------------------------------------------------

_TRADITIONAL = dict(zip("报资与处请开数个机关务经条规范动项说体实区县总结决议诉讼为发现无费维纠审权护门类单进业内计会时间国许罚强废",
                        "報資與處請開數個機關務經條規範動項說體實區縣總結決議訴訟為發現無費維糾審權護門類單進業內計會時間國許罰強廢"))


def test_a_report_in_traditional_characters_is_said_plainly(tmp_path):
    """Labels in traditional characters match none of the format's: one plain message, not
    "sections missing" and "no table found"; the same page in simplified reads in full."""
    page = render(_report(2022), "html").decode("utf-8")
    assert len(_TRADITIONAL) == 53
    (tmp_path / "繁体.html").write_text("".join(_TRADITIONAL.get(ch, ch) for ch in page), encoding="utf-8")
    result = _run("parse", tmp_path / "繁体.html")
    assert result.exit_code == 2, result.output
    said = [line for line in result.output.splitlines() if line.strip()]
    assert len(said) == 1 and "这份报告使用繁体字（如“" in said[0] and "R13" not in said[0], said
    (tmp_path / "简体.html").write_text(page, encoding="utf-8")
    assert _run("parse", tmp_path / "简体.html").exit_code == 0


# ---- the words of the summary and the board ------------------------------------------------

def test_summary_and_board_name_the_format_and_what_was_not_read(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("11_hongze_qu_2023.pdf", "15_pingtan_zrz_2021.txt"):
        (inbox / name).write_bytes((CORPUS / name).read_bytes())
    (inbox / "无标题.txt").write_text("一、总体情况\n本年度无。\n", encoding="utf-8")
    run = _run("parse", inbox, "--board", tmp_path / "b")
    assert "洪泽区人民政府 2023年，2021年格式；" in run.output and "gb2021" not in run.output
    assert "无标题.txt：（单位名称和年度均未读出），2021年格式；" in run.output and "未知" not in run.output
    board = (tmp_path / "b" / "board.csv").read_text(encoding="utf-8-sig")
    hongze = next(x for x in board.splitlines() if "11_hongze" in x)
    assert ",2021年格式," in hongze
    # the board's count of numbers not read and R6's count agree, or the words say why not
    assert "有21个数字未能读出（其中18个计入R6" in hongze and "179/200" in hongze
    from openpyxl import load_workbook

    issues = [[c.value for c in r] for r in load_workbook(tmp_path / "b" / "board.xlsx")["问题清单"].iter_rows(min_row=4)]
    splits = [r for r in issues if r[2] == "15_pingtan_zrz_2021.txt" and "拆" in (r[5] or "")]
    assert splits and all((r[6] or "").startswith("第12行第") for r in splits), splits


def test_a_year_no_format_covers_is_refused():
    run = _run("parse", CORPUS / "16_pingtan_gaj_2022.txt", "--year", "1850")
    assert run.exit_code == 2 and "没有适用于1850年度的报告格式" in run.output
