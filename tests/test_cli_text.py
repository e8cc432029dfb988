"""What a hostile cell or file name holds never reaches the terminal raw (issue 8, item 27):
escape sequences, other control characters and bidirectional overrides are shown as visible
escapes in the CLI's text output, rich's markup is never interpreted in them, and the JSON
output keeps the exact text."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from helpers import ROOT
from helpers import zipkit as zk

NIANBAO = str(Path(sys.executable).with_name("nianbao"))
HOSTILE = "_x001B_[2J_x001B_[31m红[/]_x0007__x202E_"
RAW = "\x1b[2J\x1b[31m红[/]\x07\u202e"
BAD = ("\x1b", "\x07", "\u202e")


def _run(*args, cwd=None):
    return subprocess.run([NIANBAO, *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_check_shows_control_characters_as_escapes(tmp_path):
    path = tmp_path / "hostile.xlsx"
    path.write_bytes(zk.set_text(zk.SEED.read_bytes(), "t2.regulations.issued", HOSTILE))
    run = _run("check", str(path))
    assert run.returncode == 1, run.stderr
    assert not any(c in run.stdout + run.stderr for c in BAD), repr(run.stdout)
    assert "\\x1b[2J\\x1b[31m红[/]\\x07\\u202e" in run.stdout, run.stdout
    listed = json.loads(_run("check", "--json", str(path)).stdout)
    assert any(RAW in f["message"] for f in listed)  # the JSON keeps the exact text


def test_collect_board_shows_a_hostile_file_name_as_escapes(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a\x1b[31mb\u202e.xlsx").write_bytes(b"not a workbook")
    roster = ROOT / "samples" / "roster.csv"
    run = _run("collect", str(inbox), "--roster", str(roster), "--year", "2026", "-o", str(tmp_path / "out"))
    assert run.returncode in (0, 1), run.stderr
    assert not any(c in run.stdout + run.stderr for c in BAD), repr(run.stdout)
    assert "a\\x1b[31mb\\u202e.xlsx" in run.stdout
    status = (tmp_path / "out" / "status.csv").read_text(encoding="utf-8-sig")
    assert "a\x1b[31mb\u202e.xlsx" in status  # the files keep the name as it is
    assert os.path.exists(inbox / "a\x1b[31mb\u202e.xlsx")
