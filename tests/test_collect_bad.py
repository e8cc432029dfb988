"""collect with the inputs a county office really gets: a roster with a bad row, files the tool
cannot read (attributed to the body that sent them by the file name), an empty inbox."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from typer.testing import CliRunner

from helpers.county import YEAR, at, ms
from nianbao.cli import app

FILES = Path(__file__).parent / "files"
ROSTER = [("140521100", "中村镇人民政府", "乡镇"), ("140521101", "东岭镇人民政府", "乡镇"),
          ("140521102", "西河乡人民政府", "乡镇")]


def _roster(path: Path, rows=ROSTER, encoding="utf-8") -> Path:
    path.write_text("单位代码,单位名称,单位类型\n" + "".join(f"{c},{n},{k}\n" for c, n, k in rows),
                    encoding=encoding)
    return path


def _collect(inbox: Path, roster: Path, out: Path):
    return CliRunner().invoke(app, ["collect", str(inbox), "--roster", str(roster), "--year", str(YEAR),
                                    "-o", str(out), "-q"])


def _board(out: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO((out / "status.csv").read_text(encoding="utf-8-sig"))))


def _good(inbox: Path, n: int, name: str) -> None:
    code, org_name, kind = ROSTER[n]
    org = {"code": code, "name": org_name, "kind": kind}
    ms.write(inbox / name, ms.filled_workbook(year=YEAR, org=org, values=ms.body_values(n),
                                              texts=ms.body_texts(org, YEAR)))


def ods_bytes() -> bytes:
    """An OpenDocument spreadsheet as LibreOffice saves one: ``mimetype`` first, stored."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>", zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def test_bad_roster_row_is_skipped_listed_and_exit_1(tmp_path):
    """A GBK roster with one code twice: both rows are skipped and listed (printed, on the
    board), the good row is collected, exit 1."""
    inbox = tmp_path / "inbox"
    _good(inbox, 0, "中村镇.xlsx")
    roster = _roster(tmp_path / "名册.csv", ROSTER + [("140521101", "北山镇人民政府", "乡镇")], "gbk")
    res = CliRunner().invoke(app, ["collect", str(inbox), "--roster", str(roster), "--year", str(YEAR),
                                   "-o", str(tmp_path / "out")])
    assert res.exit_code == 1, res.output
    assert "第5行：单位代码“140521101”与第3行重复，这两行都已跳过" in res.output
    rows = _board(tmp_path / "out")
    assert [(r["单位代码"], r["状态"]) for r in rows] == [
        ("140521100", "已通过"), ("140521102", "未提交"), ("", "名册有误")]
    assert rows[-1]["说明"] == "第5行：单位代码“140521101”与第3行重复，这两行都已跳过"
    assert rows[-1]["文件"] == "名册.csv"
    assert "名册有1处错误" in res.output


def test_roster_without_usable_rows_still_cannot_run(tmp_path):
    (tmp_path / "inbox").mkdir()
    roster = _roster(tmp_path / "r.csv", [("1", "甲镇人民政府", "乡镇"), ("1", "乙镇人民政府", "乡镇")])
    res = _collect(tmp_path / "inbox", roster, tmp_path / "out")
    assert res.exit_code == 2 and "没有可用的单位" in res.output and "这两行都已跳过" in res.output
    assert not (tmp_path / "out").exists()


def test_unreadable_files_are_attributed_by_name_on_the_board(tmp_path):
    """中村镇 sends an .ods, an encrypted workbook and a legacy .xls: it did submit, and the
    board says its files cannot be read and why; a name matching no body (or two) stays under
    the other files; an .ods is a refused submission, not an ignored file."""
    inbox = tmp_path / "inbox"
    ms.write(inbox / "中村镇人民政府年报.ods", ods_bytes(), at(5))
    ms.write(inbox / "邮件/140521100/年报.xlsx", (FILES / "encrypted.xlsx").read_bytes(), at(6))
    ms.write(inbox / "中村镇人民政府 旧版.xls", (FILES / "legacy.xls").read_bytes(), at(7))
    ms.write(inbox / "东岭镇人民政府 西河乡人民政府.ods", ods_bytes(), at(8))  # two bodies: not guessed
    ms.write(inbox / "年报.ods", ods_bytes(), at(8))  # none
    ms.write(inbox / "1405211001.ods", ods_bytes(), at(8))  # a longer number is not the code
    _good(inbox, 1, "东岭镇人民政府.xlsx")
    out = tmp_path / "out"
    res = _collect(inbox, _roster(tmp_path / "r.csv"), out)
    assert res.exit_code == 1, res.output
    rows = _board(out)
    zc = rows[0]
    assert (zc["单位代码"], zc["状态"], zc["文件"]) == ("140521100", "有错误", "中村镇人民政府 旧版.xls")
    assert zc["说明"].startswith("已收到文件但无法读取：")
    assert "请该单位" in zc["说明"] and ".xlsx" in zc["说明"]
    assert rows[2]["状态"] == "未提交"
    others = {r["文件"]: r for r in rows[3:]}
    assert {k: r["状态"] for k, r in others.items()} == {
        "中村镇人民政府年报.ods": "无法读取", "邮件/140521100/年报.xlsx": "无法读取",
        "东岭镇人民政府 西河乡人民政府.ods": "无法读取", "年报.ods": "无法读取", "1405211001.ods": "无法读取"}
    assert "LibreOffice" in others["年报.ods"]["说明"] and "另存为 .xlsx" in others["年报.ods"]["说明"]
    assert others["中村镇人民政府年报.ods"]["单位代码"] == "140521100"
    assert others["年报.ods"]["单位代码"] == "" and others["东岭镇人民政府 西河乡人民政府.ods"]["单位代码"] == ""
    assert others["1405211001.ods"]["单位代码"] == ""
    fb = out / "反馈" / "140521100_中村镇人民政府.xlsx"
    assert fb.exists()
    import openpyxl

    text = " ".join(str(c.value) for row in openpyxl.load_workbook(fb).active.iter_rows() for c in row
                    if c.value is not None)
    assert "打开密码" in text and "97-2003" in text and "LibreOffice" in text
    assert (out / "反馈" / "140521101_东岭镇人民政府.xlsx").exists()
    assert not (out / "reports" / "140521100.json").exists()  # nothing read: no data, no summary
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert _collect(inbox, _roster(tmp_path / "r.csv"), out).exit_code == 1
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_empty_inbox_says_so_and_writes_the_board(tmp_path):
    (tmp_path / "inbox").mkdir()
    res = CliRunner().invoke(app, ["collect", str(tmp_path / "inbox"), "--roster",
                                   str(_roster(tmp_path / "r.csv")), "--year", str(YEAR),
                                   "-o", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    assert "收件文件夹中没有任何文件" in res.output
    assert [r["状态"] for r in _board(tmp_path / "out")] == ["未提交"] * 3


def test_board_is_readable_at_a_glance(tmp_path):
    """status.xlsx opens with 说明 on screen (the columns fit about 165 characters: a 1366-pixel screen), section
    headings in rows tall enough for their font, the header row and the names frozen, long
    cells wrapped; the roster's bad rows have their own section."""
    import openpyxl

    inbox = tmp_path / "inbox"
    _good(inbox, 0, "中村镇.xlsx")
    ms.write(inbox / "年报.ods", ods_bytes())
    roster = _roster(tmp_path / "r.csv", ROSTER + [("140521101", "北山镇人民政府", "乡镇")])
    _collect(inbox, roster, tmp_path / "out")
    ws = openpyxl.load_workbook(tmp_path / "out" / "status.xlsx")["收集情况"]
    widths = {c: d.width for d in ws.column_dimensions.values() for c in range(d.min, d.max + 1)}
    assert sorted(widths) == list(range(1, 12)) and sum(widths.values()) <= 165, widths
    col_a = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
    for heading in ("名册中有问题的行（已跳过，请改正名册）", "其他文件（未采用、未对应名册、其他年度、无法读取或已忽略）"):
        r = col_a[heading]
        font = ws.cell(r, 1).font.sz
        assert ws.row_dimensions[r].height >= 1.5 * font, (heading, ws.row_dimensions[r].height, font)
    header = min(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "序号")
    assert ws.freeze_panes == f"D{header + 1}"
    assert all(ws.cell(header + 1, c).alignment.wrap_text for c in range(1, 12))
    assert ws.cell(col_a["名册中有问题的行（已跳过，请改正名册）"] + 2, 5).value == "名册有误"


def test_an_inbox_of_another_year_is_said_plainly_and_exits_1(tmp_path):
    """`--year 2025` on January's inbox of 2026 reports: not 13 bodies 未提交 and exit 0, but one
    sentence naming the year the files are for (printed, and first on the board)."""
    from helpers import ROOT

    samples = ROOT / "samples"
    says = "收件文件夹中没有2025年度的报告：收到的13份报告都是2026年度的。请检查 --year 是否写错（例如 --year 2026）。"
    for quiet in ((), ("-q",)):
        out = tmp_path / f"out{len(quiet)}"
        res = CliRunner().invoke(app, ["collect", str(samples / "inbox"), "--roster", str(samples / "roster.csv"),
                                       "--year", "2025", "-o", str(out), *quiet])
        assert res.exit_code == 1
        assert says in res.output
    assert _board(out) and (out / "status.csv").read_text("utf-8-sig")  # the board is still written
    import openpyxl

    assert openpyxl.load_workbook(out / "status.xlsx").active["A2"].value == says
    # the right year is not touched by it
    res = CliRunner().invoke(app, ["collect", str(samples / "inbox"), "--roster", str(samples / "roster.csv"),
                                   "--year", "2026", "-o", str(tmp_path / "right"), "-q"])
    assert "收件文件夹中没有" not in res.output
