"""Hostile inboxes never stop a county's batch (issue 8, items 19 and 22): each odd input becomes
that file's line on the board with a Chinese reason, and collect writes OUT."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import zipkit as zk
from helpers.county import YEAR, ms

ROSTER = [("140521100", "中村镇人民政府", "乡镇"), ("140521101", "东岭镇人民政府", "乡镇"),
          ("140521102", "西河乡人民政府", "乡镇")]


def _roster(path: Path) -> Path:
    path.write_text("单位代码,单位名称,单位类型\n" + "".join(f"{c},{n},{k}\n" for c, n, k in ROSTER), encoding="utf-8")
    return path


NIANBAO = str(Path(sys.executable).with_name("nianbao"))


def _book(n: int, **cells) -> bytes:
    """Body n's workbook for YEAR, with raw cells set: data point id -> cell XML."""
    code, name, kind = ROSTER[n]
    org = {"code": code, "name": name, "kind": kind}
    data = ms.filled_workbook(year=YEAR, org=org, values=ms.body_values(n), texts=ms.body_texts(org, YEAR))
    for item, inner in cells.items():
        data = zk.set_cell(data, item.replace("__", "."), inner)
    return data


def _collect(inbox, tmp_path, *extra, out=None):
    out = out or tmp_path / "out"
    run = subprocess.run([NIANBAO, "collect", os.fsdecode(inbox), "--roster", str(_roster(tmp_path / "r.csv")),
                          "--year", str(YEAR), "-o", str(out), *extra], capture_output=True, timeout=300)
    stdout, stderr = run.stdout.decode("utf-8"), run.stderr.decode("utf-8")  # strict: valid UTF-8
    assert run.returncode in (0, 1), (run.returncode, stdout[-1500:], stderr[-2500:])
    assert "内部错误" not in stderr and "Traceback" not in stderr, stderr
    return stdout, stderr, out


def _board(out: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO((out / "status.csv").read_text(encoding="utf-8-sig"))))


def _row(out: Path, file: str) -> dict:
    rows = [r for r in _board(out) if r["文件"] == file]
    assert len(rows) == 1, (file, [r["文件"] for r in _board(out)])
    return rows[0]


def test_lone_surrogate_escape_in_a_text(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    data = zk.set_text(_book(0), "s1.intro", "abc_xD800_def 和 _xD83D__xDE00_")
    (inbox / "a.xlsx").write_bytes(data)
    _, _, out = _collect(inbox, tmp_path)
    report = json.loads((out / "reports" / f"{ROSTER[0][0]}.json").read_text("utf-8"))
    assert report["texts"]["s1.intro"] == "abc_xD800_def 和 \U0001F600"  # kept, never guessed
    run = subprocess.run([NIANBAO, "import", str(inbox / "a.xlsx"), "-o", str(tmp_path / "json")],
                         capture_output=True, text=True)
    assert run.returncode in (0, 1) and (tmp_path / "json" / "a.json").exists(), run.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="names are Unicode on Windows")
def test_gbk_file_and_folder_names_show_readably(tmp_path):
    """A zip made on Chinese Windows unpacks on Linux with GBK bytes as names: the board, the
    JSON and the terminal show the Chinese name; bytes that are no encoding show as escapes."""
    inbox = tmp_path / "inbox"
    folder = os.fsencode(inbox) + b"/" + "财政局来件".encode("gbk")
    os.makedirs(folder)
    with open(folder + b"/" + "中村镇人民政府年报.xlsx".encode("gbk"), "wb") as fh:
        fh.write(_book(0))
    with open(os.fsencode(inbox) + b"/\xff\xfe.xlsx", "wb") as fh:
        fh.write(b"junk")
    stdout, _, out = _collect(inbox, tmp_path)
    assert "财政局来件/中村镇人民政府年报.xlsx" in stdout
    assert _row(out, "财政局来件/中村镇人民政府年报.xlsx")["状态"] == "已通过"
    assert _row(out, "\\xff\\xfe.xlsx")["状态"] == "无法读取"
    report = json.loads((out / "reports" / f"{ROSTER[0][0]}.json").read_text("utf-8"))
    assert report["source"]["file"] == "中村镇人民政府年报.xlsx"
    with open(folder + b"/" + "坏文件.xlsx".encode("gbk"), "wb") as fh:
        fh.write(b"junk")
    run = subprocess.run([NIANBAO, "check", os.fsdecode(folder)], capture_output=True)
    assert "财政局来件/中村镇人民政府年报.xlsx" in run.stdout.decode("utf-8")
    run = subprocess.run([NIANBAO, "check", "--json", os.fsdecode(folder)], capture_output=True)
    listed = json.loads(run.stdout.decode("utf-8"))
    assert [f["file"].rsplit("/", 2)[-2:] for f in listed] == [["财政局来件", "坏文件.xlsx"]]


def test_numbers_beyond_a_double_never_stop_the_batch(tmp_path):
    """1E+308 in two bodies (their sum would be past a double), 1E+309 and a fee of 1E+400 (no
    spreadsheet holds them): 1E+308 is above the format's bound for a count (issue 8 item 20), so
    it is an error on its cell and, with --include-invalid, counted as 0; the others are their
    files' findings; the summary is written."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    item = "t3__granted__natural_person"
    (inbox / "a.xlsx").write_bytes(_book(0, **{item: "<v>1E+308</v>"}))
    (inbox / "b.xlsx").write_bytes(_book(1, **{item: "<v>1E+308</v>"}))
    (inbox / "c.xlsx").write_bytes(_book(2, **{item: "<v>1E+309</v>"}))
    (inbox / "d.xlsx").write_bytes(_book(2, t2__fees__amount="<v>1E+400</v>"))
    _, _, out = _collect(inbox, tmp_path, "--include-invalid")
    for f in ("c.xlsx", "d.xlsx"):
        row = _row(out, f)
        assert row["状态"] == "无法读取" and "超出了电子表格能保存的范围" in row["说明"], row
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert {m["code"] for m in summary["members"]} == {ROSTER[0][0], ROSTER[1][0]}
    assert summary["values"][item.replace("__", ".")] == 0
    report = json.loads((out / "reports" / f"{ROSTER[0][0]}.json").read_text("utf-8"))
    assert "VALUE_TOO_LARGE" in {f["code"] for f in report["findings"]}
    import openpyxl

    wb = openpyxl.load_workbook(out / "summary.xlsx")  # written, and readable
    assert wb.sheetnames


def test_files_removed_while_collect_runs(tmp_path, monkeypatch):
    """One file disappears before it is read, another after it was read (before its time is
    taken): both are listed, the run goes on."""
    from typer.testing import CliRunner

    from nianbao import importer
    from nianbao.cli import app

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.xlsx").write_bytes(_book(0))
    (inbox / "b.xlsx").write_bytes(_book(1))
    (inbox / "c.xlsx").write_bytes(_book(2))
    real = importer.import_workbook

    def racing(path, **kw):
        if Path(path).name == "a.xlsx":
            (inbox / "b.xlsx").unlink()  # gone before it is read
        result = real(path, **kw)
        if Path(path).name == "c.xlsx":
            Path(path).unlink()  # gone after it was read
        return result

    monkeypatch.setattr(importer, "import_workbook", racing)
    res = CliRunner().invoke(app, ["collect", str(inbox), "--roster", str(_roster(tmp_path / "r.csv")),
                                   "--year", str(YEAR), "-o", str(tmp_path / "out"), "-q", "-j", "1"])
    assert res.exit_code in (0, 1), res.output
    out = tmp_path / "out"
    assert _row(out, "b.xlsx")["状态"] == "无法读取" and "不存在" in _row(out, "b.xlsx")["说明"]
    assert _row(out, "c.xlsx")["状态"] == "已通过"


def test_a_folder_path_over_4096_bytes(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.xlsx").write_bytes(_book(0))
    here = os.open(inbox, os.O_RDONLY)
    depth = 0
    try:
        while depth * 201 < 4200:  # make each level relative to the last: no syscall sees the whole path
            os.mkdir("长" * 67, dir_fd=here)
            nxt = os.open("长" * 67, os.O_RDONLY, dir_fd=here)
            os.close(here)
            here, depth = nxt, depth + 1
        fd = os.open("深.xlsx", os.O_WRONLY | os.O_CREAT, dir_fd=here)
        os.write(fd, _book(1))
        os.close(fd)
    finally:
        os.close(here)
    _, _, out = _collect(inbox, tmp_path)
    assert _row(out, "a.xlsx")["状态"] == "已通过"
    long_rows = [r for r in _board(out) if r["文件"].startswith("长")]
    assert len(long_rows) == 1 and "太长" in long_rows[0]["说明"], long_rows


def test_fifo_given_as_a_file_does_not_block(tmp_path):
    fifo = tmp_path / "年报.xlsx"
    os.mkfifo(fifo)
    run = subprocess.run([NIANBAO, "check", str(fifo)], capture_output=True, text=True, timeout=30)
    assert run.returncode == 2 and "命名管道" in run.stdout, (run.stdout, run.stderr)


def test_odd_entries_in_the_inbox_are_listed_with_a_reason(tmp_path):
    """A FIFO, a dangling link, a link to a device, a folder named like a workbook (an unpacked
    one) and a link to a folder: each is on the board with a Chinese reason; nothing blocks."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.xlsx").write_bytes(_book(0))
    os.mkfifo(inbox / "管道.xlsx")
    os.symlink(tmp_path / "nowhere.xlsx", inbox / "断开的链接.xlsx")
    os.symlink("/dev/zero", inbox / "设备.xlsx")
    unpacked = inbox / "东岭镇人民政府.xlsx"
    unpacked.mkdir()
    for info, body in zk.members(_book(1)):
        (unpacked / info.filename).parent.mkdir(parents=True, exist_ok=True)
        (unpacked / info.filename).write_bytes(body)
    os.symlink(tmp_path, inbox / "链接到文件夹")
    os.mkfifo(inbox / "说明.txt")
    _, _, out = _collect(inbox, tmp_path)
    expect = {"管道.xlsx": "命名管道", "断开的链接.xlsx": "不存在", "设备.xlsx": "设备",
              "东岭镇人民政府.xlsx": "文件夹", "链接到文件夹": "文件夹", "说明.txt": "命名管道"}
    for name, word in expect.items():
        row = _row(out, name)
        assert word in row["说明"], row
    assert _row(out, "东岭镇人民政府.xlsx")["单位代码"] == ROSTER[1][0]  # attributed by its name
    assert not [r for r in _board(out) if r["文件"].startswith("东岭镇人民政府.xlsx/")]  # not its parts
    run = subprocess.run([NIANBAO, "check", str(inbox)], capture_output=True, text=True, timeout=60)
    for name in ("管道.xlsx", "断开的链接.xlsx", "设备.xlsx", "东岭镇人民政府.xlsx"):
        assert name in run.stdout, run.stdout


@pytest.mark.parametrize("args", [
    ["collect", "{inbox}", "--roster", "{fifo}.csv", "--year", "2026", "-o", "{tmp}/o1", "-q"],
    ["collect", "{inbox}", "--roster", "{roster}", "--year", "2026", "-o", "{tmp}/o2", "-q", "--previous", "{fifo}.json"],
    ["template", "--year", "2026", "--roster", "{fifo}.csv", "-o", "{tmp}/t/"],
    ["check", "{seed}", "--previous", "{fifo}.json"],
    ["merge", "{fifo}.json", "-o", "{tmp}/m.json"],
    ["export", "{fifo}.json", "--csv", "{tmp}/e.csv"],
    ["render", "{fifo}.json", "-o", "{tmp}/x.html"],
    ["parse", "{fifo}.txt"],
], ids=lambda a: " ".join(a[:1] + [x for x in a if x.startswith("--") and x not in ("--year",)][:1]))
def test_a_named_pipe_never_blocks_a_command(tmp_path, args):
    """Every file a command reads is refused before it is opened when it is not a regular file
    (a reader of a named pipe waits forever for a writer)."""
    root = Path(__file__).resolve().parents[1]
    for suffix in (".csv", ".json", ".txt"):
        os.mkfifo(tmp_path / f"管道{suffix}")
    subst = {"inbox": str(root / "samples" / "inbox"), "roster": str(root / "samples" / "roster.csv"),
             "seed": str(root / "samples" / "zhongcun-2022.xlsx"), "fifo": str(tmp_path / "管道"), "tmp": str(tmp_path)}
    run = subprocess.run([NIANBAO, *(a.format(**subst) for a in args)], capture_output=True, text=True, timeout=60)
    assert run.returncode in (1, 2), run.stderr
    assert "命名管道" in run.stderr, run.stderr
    assert "内部错误" not in run.stderr
