"""The ``nianbao`` command: a thin typer shell over the library.

Commands only resolve paths, call library functions, print, and set the exit code:
0 clean, 1 findings of severity error, 2 cannot run. Heavy libraries (openpyxl, xlsxwriter)
are imported inside the commands so that ``nianbao --help`` stays fast.
"""

from __future__ import annotations

import importlib
import sys

import typer
from typer.core import TyperCommand, TyperGroup


class _ChineseHelp:
    """The ``--help`` option explains itself in Chinese like every other option."""

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = "显示本帮助并退出"
        return option


class _Group(_ChineseHelp, TyperGroup):
    pass


class _Command(_ChineseHelp, TyperCommand):
    pass


app = typer.Typer(
    cls=_Group,
    name="nianbao",
    help="nianbao（年报）：政府信息公开工作年度报告的模板生成、导入校验、汇总和发布。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

# Each module registers its commands on ``app`` when imported.
COMMAND_MODULES = ("spec_cmds", "template_cmds", "import_cmds", "collect_cmds", "publish_cmds")

for _name in COMMAND_MODULES:
    try:
        importlib.import_module(f"{__name__}.{_name}")
    except ModuleNotFoundError as exc:  # a command module not present in this build
        if exc.name != f"{__name__}.{_name}":
            raise
for _info in app.registered_commands:  # every command, without each module having to ask
    if _info.cls in (None, TyperCommand):
        _info.cls = _Command


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        raise SystemExit(2)
