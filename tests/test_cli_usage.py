"""Command-line misuse is answered in Chinese with exit code 2, never with click's English or a
traceback (the whole process, as a user runs it)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

NIANBAO = str(Path(sys.executable).with_name("nianbao"))


@pytest.mark.parametrize("args, says", [
    (["check"], "缺少参数 文件"),
    (["import", "--foo", "x"], "没有选项 --foo"),
    (["template", "--year", "abc"], "--year 的值不对：应为整数"),
    (["render", "x.json"], "缺少选项 -o / --out"),
    (["chek"], "没有命令 chek"),
    (["collect", "a", "b", "--year", "2026", "--roster", "r.csv", "-o", "o"], "多了参数 b"),
])
def test_usage_errors_in_chinese(args, says, tmp_path):
    run = subprocess.run([NIANBAO, *args], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert run.returncode == 2
    assert run.stderr.startswith("错误：") and says in run.stderr
    assert "--help 查看用法" in run.stderr
    assert "Traceback" not in run.stderr and "Usage:" not in run.stderr and "Error:" not in run.stderr


def test_plain_nianbao_shows_the_help():
    run = subprocess.run([NIANBAO], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and "collect" in run.stdout and run.stderr == ""


def test_merge_to_a_workbook_of_a_year_outside_the_format_says_why(tmp_path):
    import json

    from helpers import ROOT

    report = json.loads((ROOT / "samples" / "zhongcun-2022.json").read_text("utf-8"))
    report["year"] = 2019  # gb2021 applies from report year 2021
    (tmp_path / "r.json").write_text(json.dumps(report, ensure_ascii=False), "utf-8")
    run = subprocess.run([NIANBAO, "merge", "r.json", "-o", "s.xlsx", "--name", "某县"], capture_output=True, text=True,
                         cwd=tmp_path, timeout=60)
    assert run.returncode == 2 and "年度“2019”不在" in run.stderr and "内部错误" not in run.stderr


def _run(args, cwd, **kw):
    return subprocess.run([NIANBAO, *args], capture_output=True, text=True, cwd=cwd, timeout=120, **kw)


def _next_year() -> int:
    from datetime import datetime, timedelta, timezone

    return datetime.now(timezone(timedelta(hours=8))).year + 1


# Every command with --year, with what else it needs to get as far as reading the year.
YEAR_COMMANDS = [["template"], ["collect", ".", "--roster", "r.csv", "-o", "o"], ["merge", ".", "-o", "s.json"],
                 ["import", "x.xlsx"], ["check", "x.xlsx"], ["parse", "x.txt"]]


@pytest.mark.parametrize("command", YEAR_COMMANDS, ids=lambda c: c[0])
def test_every_year_option_asks_for_four_digits_and_no_later_than_next_year(command, tmp_path):
    run = _run([*command, "--year", "26"], tmp_path)
    assert run.returncode == 2 and "请填写四位年份" in run.stderr, run.stderr
    late = _next_year() + 1
    run = _run([*command, "--year", str(late)], tmp_path)
    assert run.returncode == 2 and f"{late}年度还没有到，最晚只能填{late - 1}年" in run.stderr, run.stderr


def test_next_year_is_still_accepted(tmp_path):
    run = _run(["template", "--year", str(_next_year()), "-o", "t.xlsx"], tmp_path)
    assert run.returncode == 0, run.stderr


@pytest.mark.parametrize("args", [["codes"], ["codes", "--markdown"], ["--help"], ["check", "--help"],
                                  ["check", "samples/inbox"], ["import", "samples/zhongcun-2022.xlsx"]],
                         ids=" ".join)
def test_a_closed_pipe_ends_quietly(args):
    """`nianbao codes | head -2`: the reader has gone before anything is written. No error text,
    and 141 (128 + SIGPIPE) as the shell reports for any program a closed pipe stops."""
    from helpers import ROOT

    proc = subprocess.Popen([NIANBAO, *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141 and err == ""


def test_a_closed_pipe_after_some_output_ends_quietly():
    """As a shell runs `nianbao check samples/inbox | head -2` (several files, the pipe closes
    after the first lines)."""
    from helpers import ROOT

    run = subprocess.run(f"set -o pipefail; {NIANBAO} check samples/inbox | head -2", shell=True,
                         executable="/bin/bash", cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 141 and run.stderr == "" and len(run.stdout.splitlines()) == 2
