"""The county's January through the portal over HTTP, on SQLite and on PostgreSQL: the demo
county's workbooks (samples/inbox) uploaded by their bodies, findings on the upload page, the
board, and every download equal to what ``nianbao collect`` writes on the export of the stored
files."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
from portal_kit import ROOT, ROSTER, YEAR, create_collection, sample_orgs, text_of, workbook

INBOX = ROOT / "samples" / "inbox"


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from nianbao.cli import main; main()", *args],
                          capture_output=True, text=True, cwd=cwd, timeout=300)


def inbox_files() -> list[tuple[str, Path]]:
    """(body code, file) of every workbook of the demo inbox, the older of a pair first."""
    from nianbao.importer import find_workbooks, import_workbook

    out = []
    for p in find_workbooks([INBOX]):
        r = import_workbook(p)
        code = r.meta.get("org_code") or r.report.to_json()["org"]["code"]
        out.append((r.saved_at or "", code, p))
    return [(code, p) for _, code, p in sorted(out)]


def upload_all(portal, codes: dict[str, str]) -> dict[str, object]:
    clients = {}
    for code, path in inbox_files():
        c = clients.get(code)
        if c is None:
            c = clients[code] = portal.client()
            assert c.sign_in(code, codes[code]).status == 302
        r = c.upload(path.name, path.read_bytes())
        assert r.status == 200, text_of(r.text)[:1000]
    return clients


def download(client, name: str) -> bytes:
    r = client.get(f"/county/download/{name}")
    assert r.status == 200, (name, r.status)
    return r.body


def test_demo_county_through_the_portal(portal, tmp_path):
    county = portal.county()
    codes = create_collection(county, ROSTER)
    assert len(codes) == 13
    clients = upload_all(portal, codes)

    # a body with errors sees them on the page: sheet, cell, message, how to fix
    office = clients["140521010"]
    page = text_of(office.get("/my/").text)
    assert "有错误" in page and "三、依申请公开" in page and "R1" not in page.split("怎么改")[0][:0]
    assert re.search(r"错误\s+三、依申请公开\s+[A-Z]+\d+", page)
    # 中村镇 sent twice: the later upload counts
    zc = text_of(clients["140521100"].get("/my/").text)
    assert "采用的是" in zc and "第2次提交" in zc

    # the board: statuses as collect gives them on the same files
    out = tmp_path / "collect-samples"
    run_cli("collect", str(INBOX), "--roster", str(ROOT / "samples" / "roster.csv"), "--year", str(YEAR),
            "-o", str(out))
    expected = {row[1]: row[4] for row in _csv_rows((out / "status.csv").read_bytes())[1:14]}
    board = county.get("/county/").text
    for code, status in expected.items():
        assert re.search(rf"<td>{code}</td>.*?<td class=\"st st-{status}\">", board, re.S), (code, status)
    assert "汇总计入11个" in text_of(board)

    # every download equals collect's output on the export of the stored files
    export = tmp_path / "export"
    r = run_cli("serve", "--data", str(portal.data), "--database", portal.database, "--export", str(export))
    assert r.returncode == 0, r.stderr
    readme = (export / "说明.txt").read_text(encoding="utf-8")
    command = re.search(r"^    (nianbao collect .*)$", readme, re.M).group(1).split()
    res = run_cli(*command[1:], cwd=export)
    assert res.returncode == 1, res.stderr  # one body has errors
    collected = export / "收集结果"
    assert download(county, "status.xlsx") == (collected / "status.xlsx").read_bytes()
    assert download(county, "status.csv") == (collected / "status.csv").read_bytes()
    assert download(county, "summary.json") == (collected / "summary.json").read_bytes()
    assert download(county, "summary.xlsx") == (collected / "summary.xlsx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(download(county, "feedback.zip"))) as z:
        assert sorted(z.namelist()) == sorted(f"反馈/{p.name}" for p in (collected / "反馈").iterdir())
        for name in z.namelist():
            assert z.read(name) == (collected / name).read_bytes()
    # the summary is the one collect gives on the original inbox: same members, same values
    ours, theirs = (json.loads(download(county, "summary.json")), json.loads((out / "summary.json").read_bytes()))
    assert ours["values"] == theirs["values"] and ours["members"] == theirs["members"]
    # what nianbao export makes of it
    db = tmp_path / "ours.sqlite"
    db.write_bytes(download(county, "export.sqlite"))
    assert run_cli("export", str(collected), "--sqlite", str(tmp_path / "theirs.sqlite")).returncode == 0
    assert _rows(db) == _rows(tmp_path / "theirs.sqlite")
    # the zip holds the same files as the export folder
    with zipfile.ZipFile(io.BytesIO(download(county, "files.zip"))) as z:
        for name in z.namelist():
            if name != "说明.txt":
                assert z.read(name) == (export / name).read_bytes(), name

    # the body fixes its workbook and uploads again: the board and the summary follow
    org = next(o for o in sample_orgs() if o["code"] == "140521010")
    r = office.upload("改正后.xlsx", workbook(org, seed=7))
    assert "全部校验通过" in text_of(r.text)
    board = text_of(county.get("/county/").text)
    assert "汇总计入12个" in board
    summary = json.loads(download(county, "summary.json"))
    assert "140521010" in {m["code"] for m in summary["members"]}


def test_templates_for_every_body(portal):
    county = portal.county()
    create_collection(county, ROSTER)
    with zipfile.ZipFile(io.BytesIO(download(county, "templates.zip"))) as z:
        names = z.namelist()
    assert len(names) == 13 and f"{YEAR}年度模板/{YEAR}_140521100_中村镇人民政府.xlsx" in names


def test_later_upload_counts_even_when_saved_earlier(portal, tmp_path):
    """A body uploads a workbook saved later, then one saved earlier: the last upload counts; the
    export sets the other aside so that collect chooses the same."""
    county = portal.county()
    codes = create_collection(county, ROSTER)
    org = next(o for o in sample_orgs() if o["code"] == "140521100")
    c = portal.client()
    c.sign_in(org["code"], codes[org["code"]])
    late = datetime(YEAR + 1, 1, 20, tzinfo=timezone.utc)
    early = datetime(YEAR + 1, 1, 10, tzinfo=timezone.utc)
    assert "有 2 处错误" in text_of(c.upload("新.xlsx", workbook(org, error=True, saved_at=late)).text)
    page = text_of(c.upload("旧.xlsx", workbook(org, saved_at=early)).text)
    assert "全部校验通过" in page and "已报送" in page  # the counted one, said plainly
    export = tmp_path / "export"
    assert run_cli("serve", "--data", str(portal.data), "--database", portal.database,
                   "--export", str(export)).returncode == 0
    assert len(list((export / "其他上传").rglob("*.xlsx"))) == 1
    res = run_cli("collect", "收件箱", "--roster", "名册.csv", "--year", str(YEAR), "-o", "out",
                  "--name", "青山县", "--code", "140521", cwd=export)
    assert res.returncode == 0, res.stdout + res.stderr
    assert download(county, "status.xlsx") == (export / "out" / "status.xlsx").read_bytes()


def test_uploads_that_do_not_count(portal):
    """Another body's workbook, a file that is not a workbook, and an unreadable one: stored,
    listed in the history, with one clear message each."""
    county = portal.county()
    codes = create_collection(county, ROSTER)
    orgs = {o["code"]: o for o in sample_orgs()}
    c = portal.client()
    c.sign_in("140521100", codes["140521100"])
    page = text_of(c.upload("东岭镇.xlsx", workbook(orgs["140521101"])).text)
    assert "这份文件未采用" in page and "东岭镇人民政府（140521101）的报表" in page
    page = text_of(c.upload("说明.pdf", b"%PDF-1.4 not a workbook").text)
    assert "不是 Excel 工作簿" in page
    page = text_of(c.upload("旧版.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 600).text)
    assert "有 1 处错误" in page
    board = county.get("/county/").text
    assert re.search(r"<td>140521100</td>.*?<td class=\"st st-有错误\">", board, re.S)
    assert re.search(r"<td>140521101</td>.*?<td class=\"st st-未提交\">", board, re.S)


def _csv_rows(data: bytes) -> list[list[str]]:
    import csv

    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _rows(db: Path) -> list:
    import sqlite3

    con = sqlite3.connect(db)
    try:
        return [sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr)
                for t in ("report_values", "report_findings")]
    finally:
        con.close()


@pytest.fixture
def database():
    """These scenarios run on SQLite; test_portal_db runs the database-dependent ones on both."""
    return ""
