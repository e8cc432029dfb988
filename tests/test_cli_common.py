"""The helpers every command shares: the guard against tracebacks, the progress bar, the
counts line, and that every command offers the same options with Chinese help."""

from __future__ import annotations

import io
import re
import sys

import pytest
import typer
from typer.main import get_command
from typer.testing import CliRunner

from nianbao.cli import app
from nianbao.cli.common import check_format, counts, guard, progress, track
from nianbao.previous import PREVIOUS_YEAR

runner = CliRunner()


def test_guard_turns_an_error_into_one_line_exit_2(capsys):
    with pytest.raises(typer.Exit) as stop:
        with guard(False):
            raise ValueError("坏了")
    assert stop.value.exit_code == 2
    assert capsys.readouterr().err == "错误：内部错误（ValueError: 坏了）；请加 --debug 重试，并把输出发给维护人员\n"


def test_guard_with_debug_prints_the_traceback_above_the_line(capsys):
    with pytest.raises(typer.Exit):
        with guard(True):
            raise ValueError("坏了")
    err = capsys.readouterr().err
    assert err.startswith("Traceback") and err.rstrip().splitlines()[-1].startswith("错误：内部错误（ValueError")


@pytest.mark.parametrize("exc", [typer.Exit(1), typer.Abort(), KeyboardInterrupt()])
def test_guard_lets_exits_through(exc):
    with pytest.raises(type(exc)):
        with guard(False):
            raise exc


def test_counts_of_findings_and_their_json_forms():
    found = [PREVIOUS_YEAR(file=f"{n}.json", found=2020, want=2025) for n in (1, 2)]
    assert counts(found) == "错误 0 条，警告 2 条，提示 0 条"
    assert counts([f.to_dict() for f in found] + [{"severity": "error"}]) == "错误 1 条，警告 2 条，提示 0 条"
    assert counts(found, "en") == "0 errors, 2 warnings, 0 notes"


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_without_a_terminal_draws_nothing_and_notes_plainly(capsys):
    with progress(3, "导入中") as bar:
        bar.advance()
        bar.note("甲.xlsx：无法读取")
    assert capsys.readouterr().err == "甲.xlsx：无法读取\n"


def test_progress_on_a_terminal_draws_a_bar_and_notes_above_it(monkeypatch):
    tty = _Tty()
    monkeypatch.setattr(sys, "stderr", tty)
    assert list(track(iter("abc"), 3, "生成模板")) == ["a", "b", "c"]
    with progress(2, "导入中") as bar:
        bar.note("甲.xlsx：错误 1 条")
        bar.advance()
    out = tty.getvalue()
    assert "生成模板" in out and "3/3" in out and "甲.xlsx：错误 1 条" in out
    quiet = _Tty()
    monkeypatch.setattr(sys, "stderr", quiet)
    assert list(track(iter("ab"), 2, "校验", quiet=True)) == ["a", "b"] and quiet.getvalue() == ""


def test_unknown_format_is_exit_2_everywhere():
    for args in (["spec-lint"], ["schema"], ["template", "--year", "2026"], ["import", "."], ["check", "."]):
        r = runner.invoke(app, args + ["--format", "gb1999"])
        assert r.exit_code == 2 and "不认识的格式“gb1999”" in r.stderr, (args, r.output)
    with pytest.raises(typer.Exit):
        check_format("gb1999")


_CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_command_has_chinese_help_and_the_shared_options():
    group = get_command(app)
    for name, command in group.commands.items():
        assert _CJK.search(command.help or ""), name
        options = {o: p for p in command.params for o in p.opts}
        assert "--debug" in options, name
        for p in command.params:
            assert _CJK.search(p.help or ""), (name, p.name)
        if "--jobs" in options:
            assert options["--jobs"].opts == ["-j", "--jobs"] and options["--jobs"].help == "并行进程数（0 = 自动）"
        shown = runner.invoke(app, [name, "--help"]).output
        assert "--help  " in shown and "显示本帮助并退出" in shown and "Show this message" not in shown, name
    assert "显示本帮助并退出" in runner.invoke(app, ["--help"]).output


def test_render_makes_the_page_and_exits_1_when_the_report_has_errors(tmp_path):
    from pathlib import Path

    from nianbao.report import dumps, load_json

    samples = Path(__file__).resolve().parent.parent / "samples"
    report = load_json(samples / "zhongcun-2022.json")
    clean = runner.invoke(app, ["render", str(samples / "zhongcun-2022.json"), "-o", str(tmp_path / "a.html")])
    assert clean.exit_code == 0 and clean.stderr == f"已生成 {tmp_path / 'a.html'}\n"
    report["findings"].append({**report["findings"][0], "severity": "error"})
    (tmp_path / "bad.json").write_text(dumps(report), encoding="utf-8")
    bad = runner.invoke(app, ["render", str(tmp_path / "bad.json"), "-o", str(tmp_path / "b.html")])
    assert bad.exit_code == 1 and "bad.json：报告中有 1 条错误，仍按报告内容生成" in bad.stderr
    assert (tmp_path / "b.html").stat().st_size > 1000
    book = next((samples / "inbox").rglob("中村镇人民政府年报.xlsx"))
    from_book = runner.invoke(app, ["render", str(book), "-o", str(tmp_path / "c.md")])
    assert from_book.exit_code == 1 and "填报表有 2 条错误" in from_book.stderr and (tmp_path / "c.md").exists()
