"""Reading rosters: encodings, .xlsx, Chinese headers, and every bad row named by its number."""

from __future__ import annotations

from pathlib import Path

import pytest
import xlsxwriter

from nianbao.findings import catalogue
from nianbao.previous import load_previous
from nianbao.roster import read_roster
from nianbao.spec import get_format

ROOT = Path(__file__).resolve().parents[1]
TEXT = "code,name,kind\n140521100,中村镇人民政府,乡镇\n140521011,青山县教育局,部门\n"


def codes(findings):
    return [(f.code, f.params.get("row")) for f in findings]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_encodings(tmp_path, encoding):
    p = tmp_path / "r.csv"
    p.write_bytes(TEXT.replace("\n", "\r\n").encode(encoding))
    rows, findings = read_roster(p, get_format("gb2021"))
    assert findings == []
    assert [(r["row"], r["code"], r["name"], r["kind"]) for r in rows] == [
        (2, "140521100", "中村镇人民政府", "乡镇"), (3, "140521011", "青山县教育局", "部门")]


def test_chinese_headers_any_column_order_and_blank_lines(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text("单位类型,单位名称,单位代码,备注\n乡镇, 中村镇人民政府 ,140521100,x\n,,,\n部门,青山县教育局,140521011,\n",
                 encoding="utf-8")
    rows, findings = read_roster(p, get_format("gb2021"))
    assert findings == []
    assert [(r["row"], r["code"], r["name"]) for r in rows] == [
        (2, "140521100", "中村镇人民政府"), (4, "140521011", "青山县教育局")]


def test_xlsx_roster_with_numeric_codes(tmp_path):
    p = tmp_path / "r.xlsx"
    wb = xlsxwriter.Workbook(str(p))
    ws = wb.add_worksheet()
    for r, row in enumerate([["单位代码", "单位名称", "单位类型"], [140521100, "中村镇人民政府", "乡镇"],
                             [140521001.0, "城关街道办事处", "街道"]]):
        ws.write_row(r, 0, row)
    wb.close()
    rows, findings = read_roster(p, get_format("gb2021"))
    assert findings == []
    assert [r["code"] for r in rows] == ["140521100", "140521001"]


def test_bad_rows_named_and_left_out(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text("code,name,kind\n"
                 "1,甲镇人民政府,乡镇\n"      # 2: duplicate code with row 3
                 "1,乙镇人民政府,乡镇\n"      # 3
                 "2,a/b,部门\n"              # 4: bad character
                 "3,,部门\n"                 # 5: empty name
                 ",丁局,部门\n"              # 6: empty code
                 "4,戊局,汇总\n"             # 7: not a body kind
                 "5,己局,\n"                 # 8: no kind: warning, still made
                 "6,庚局 ,部门\n"            # 9: trailing space is stripped: fine
                 "7,辛局?,部门\n"            # 10: bad character
                 "8," + "长" * 61 + ",部门\n",  # 11: too long
                 encoding="utf-8")
    rows, findings = read_roster(p, get_format("gb2021"))
    assert [r["row"] for r in rows] == [8, 9]
    assert codes(findings) == [
        ("ROSTER_DUPLICATE_CODE", 3), ("ROSTER_BAD_NAME", 4), ("ROSTER_EMPTY_FIELD", 5),
        ("ROSTER_EMPTY_FIELD", 6), ("ROSTER_UNKNOWN_KIND", 7), ("ROSTER_NO_KIND", 8),
        ("ROSTER_BAD_NAME", 10), ("ROSTER_NAME_TOO_LONG", 11)]
    msgs = [f.message() for f in findings]
    assert msgs[0] == "第3行：单位代码“1”与第2行重复，这两行都已跳过"
    assert msgs[1].startswith("第4行：单位名称“a/b”含有文件名不能使用的字符（/）")
    assert all(f.file == "r.csv" for f in findings)
    assert findings[5].severity == "warning" and all(f.severity == "error" for f in findings[:5])


@pytest.mark.parametrize("content,code", [
    (b"", "ROSTER_EMPTY"),
    ("code,name,kind\n".encode(), "ROSTER_EMPTY"),
    ("名称,类型\n甲,乡镇\n".encode(), "ROSTER_NO_COLUMNS"),
    (b"\xff\xfe\x00\x00garbage\x81", "ROSTER_UNREADABLE"),
])
def test_unusable_rosters(tmp_path, content, code):
    p = tmp_path / "r.csv"
    p.write_bytes(content)
    rows, findings = read_roster(p, get_format("gb2021"))
    assert rows == [] and [f.code for f in findings] == [code]
    assert findings[0].severity == "error"


def test_unreadable_xlsx_and_old_xls(tmp_path):
    for name in ("r.xlsx", "r.xls"):
        p = tmp_path / name
        p.write_bytes(b"not a workbook")
        rows, findings = read_roster(p, get_format("gb2021"))
        assert rows == [] and findings[0].code == "ROSTER_UNREADABLE"
    assert "另存为" in findings[0].message()


def test_sample_roster_is_clean():
    rows, findings = read_roster(ROOT / "samples" / "roster.csv", get_format("gb2021"))
    assert findings == [] and 10 <= len(rows) <= 15
    assert {"code": "140521100", "name": "中村镇人民政府", "kind": "乡镇"}.items() <= rows[2].items() or \
        any(r["code"] == "140521100" and r["name"] == "中村镇人民政府" for r in rows)
    assert len({r["kind"] for r in rows}) >= 4


def test_codes_in_catalogue():
    cat = catalogue()
    assert {"ROSTER_DUPLICATE_CODE", "ROSTER_BAD_NAME", "ROSTER_UNKNOWN_KIND", "ROSTER_EMPTY_FIELD"} <= set(cat)


def test_load_previous(tmp_path):
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "a.json").write_text('{"format": "gb2021", "year": 2025, "org": {"code": "1"}, "values": {}}')
    (tmp_path / "reports" / "b.json").write_text("{broken")
    (tmp_path / "c.json").write_text('{"format": "gb2021", "year": 2025, "org": {"code": "1"}, "values": {}}')
    (tmp_path / "d.json").write_text('{"format": "gb2021", "year": 2025, "org": {"code": "2"}, "values": {}}')
    # a folder means its reports/*.json (c.json beside it is not read); a file given twice counts once
    found, findings = load_previous([tmp_path, tmp_path / "d.json", tmp_path / "reports" / "a.json"], 2026)
    assert sorted(found) == ["1", "2"]
    assert [f.code for f in findings] == ["ROSTER_PREVIOUS_UNREADABLE"]
    found, findings = load_previous([tmp_path / "reports" / "a.json", tmp_path / "c.json"], 2026)
    assert found == {} and findings[0].code == "ROSTER_PREVIOUS_DUPLICATE"  # not guessed


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8", "gbk"])
def test_tab_separated_rosters(tmp_path, encoding):
    """Excel's "Unicode 文本" (UTF-16 with BOM, tabs, CRLF) and plain TSV in UTF-8 or GBK; a
    comma inside a name is only a character."""
    p = tmp_path / "名册.txt"
    text = "单位代码\t单位名称\t单位类型\r\n140521100\t中村镇人民政府\t乡镇\r\n140521011\t青山县教育局,体育局\t部门\r\n"
    p.write_bytes(text.encode(encoding))
    if encoding == "utf-16":
        assert p.read_bytes()[:2] == b"\xff\xfe"
    rows, findings = read_roster(p, get_format("gb2021"))
    assert findings == []
    assert [(r["code"], r["name"], r["kind"]) for r in rows] == [
        ("140521100", "中村镇人民政府", "乡镇"), ("140521011", "青山县教育局,体育局", "部门")]


# What a clerk reads when the roster cannot be used: one line that names the file and says what
# was not done; a bad row: its number and that it was skipped.
UNUSABLE = [
    (b"", "错误：名册“r.csv”中没有任何单位，{stopped}\n"),
    ("code,name,kind\n".encode(), "错误：名册“r.csv”中没有任何单位，{stopped}\n"),
    ("名称,类型\n甲,乡镇\n".encode(),
     "错误：名册“r.csv”缺少“单位代码”列（第1行应为表头：单位代码,单位名称,单位类型），{stopped}\n"),
    ("单位代码,单位名称,单位类型\n1,甲/乙,乡镇\n".encode(),
     "错误：名册 r.csv 第2行：单位名称“甲/乙”含有文件名不能使用的字符（/），该行已跳过\n"
     "错误：名册“r.csv”中没有可用的单位（各行都有错误，见上），{stopped}\n"),
]


@pytest.mark.parametrize("content, says", UNUSABLE, ids=["empty", "header-only", "no-code-column", "all-rows-bad"])
@pytest.mark.parametrize("command, stopped", [("template", "未生成任何模板"), ("collect", "未收集")])
def test_roster_messages_read_right_in_context(tmp_path, content, says, command, stopped):
    from typer.testing import CliRunner

    from nianbao.cli import app

    (tmp_path / "r.csv").write_bytes(content)
    (tmp_path / "inbox").mkdir()
    args = {"template": ["template", "--year", "2026", "--roster", str(tmp_path / "r.csv"), "-o", str(tmp_path / "t")],
            "collect": ["collect", str(tmp_path / "inbox"), "--roster", str(tmp_path / "r.csv"), "--year", "2026",
                        "-o", str(tmp_path / "out")]}[command]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 2
    assert res.stderr == says.format(stopped=stopped)
    assert res.stdout == ""
