"""Command-line misuse is answered in Chinese with exit code 2, never with click's English or a
traceback (the whole process, as a user runs it)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

NIANBAO = str(Path(sys.executable).with_name("nianbao"))


@pytest.mark.parametrize("args, says", [
    (["check"], "缺少参数 FILES"),
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

    from conftest import ROOT

    report = json.loads((ROOT / "samples" / "zhongcun-2022.json").read_text("utf-8"))
    report["year"] = 2019  # gb2021 applies from report year 2021
    (tmp_path / "r.json").write_text(json.dumps(report, ensure_ascii=False), "utf-8")
    run = subprocess.run([NIANBAO, "merge", "r.json", "-o", "s.xlsx"], capture_output=True, text=True,
                         cwd=tmp_path, timeout=60)
    assert run.returncode == 2 and "年度“2019”不在" in run.stderr and "内部错误" not in run.stderr
