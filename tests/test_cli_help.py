"""Every command's help is Chinese: headings, the usage line, defaults, what a value is. Typer and
click write these in English; the help of the options is ours (issue 8, item 9)."""

from __future__ import annotations

import re
import unicodedata

import pytest
from typer.testing import CliRunner

from nianbao.cli import app

runner = CliRunner()
COMMANDS = sorted(c.name for c in app.registered_commands)
ENGLISH = re.compile(
    r"Usage:|Options:|Arguments:|Commands:|\[OPTIONS\]|COMMAND|ARGS|\[required\]|default:"
    r"|<[A-Za-z][\w\[\], ]*>"  # a type placeholder: <int>, <list[Path]>
    r"|\{\w+\}")  # typer's mark of a required argument: {files}


def _help(*args) -> str:
    res = runner.invoke(app, [*args, "--help"], prog_name="nianbao", terminal_width=80)
    assert res.exit_code == 0, res.output
    return res.output


def _width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def test_every_command_is_walked():
    assert {"template", "import", "check", "collect", "merge", "render", "parse", "codes"} <= set(COMMANDS)


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_has_no_english_heading_or_type_placeholder(command):
    text = _help(*([command] if command else []))
    assert text.startswith("用法：nianbao"), text
    assert not [m.group(0) for m in ENGLISH.finditer(text)], text
    assert "选项：" in text
    arguments = text.partition("参数：\n")[2].partition("\n\n")[0].splitlines()
    assert not [a for a in arguments if re.match(r"\s+[a-z]", a)], text  # named in Chinese
    assert all(_width(line) <= 80 for line in text.splitlines()), text  # CJK counted double


def test_import_and_check_usage_name_their_files():
    for command in ("import", "check"):
        text = _help(command)
        assert text.startswith(f"用法：nianbao {command} [选项] 文件...\n"), text
        assert "\n  文件...  填报表文件或文件夹" in text


@pytest.mark.parametrize("command", ["template", "collect"])
def test_roster_columns_as_the_quick_start_names_them(command):
    text = re.sub(r"\s+", "", _help(command))
    assert "单位代码,单位名称,单位类型" in text and "code,name,kind" in text
    assert "制表符" in text  # Excel's "Unicode 文本" is read too
