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


def _click_errors():
    """Click's exception classes as this typer has them (recent typer vendors its own click)."""
    return sys.modules[typer.BadParameter.__module__]


def main() -> None:
    errors = _click_errors()
    try:
        code = app(standalone_mode=False)
    except getattr(errors, "NoArgsIsHelpError", ()) as exc:  # plain `nianbao`: the help
        print(exc.ctx.get_help())
        code = 0
    except errors.UsageError as exc:  # click words these in English: say it in Chinese
        print(f"错误：{usage_message(exc)}", file=sys.stderr)
        command = exc.ctx.command_path if exc.ctx else "nianbao"
        print(f"运行 {command} --help 查看用法。", file=sys.stderr)
        code = 2
    except (typer.Abort, KeyboardInterrupt):
        print("已中断。", file=sys.stderr)
        code = 2
    raise SystemExit(code if isinstance(code, int) else 0)


def usage_message(exc) -> str:
    """A Chinese sentence for a command-line usage error (missing, unknown or bad option)."""
    click = _click_errors()
    param = getattr(exc, "param", None)
    name = " / ".join(getattr(param, "opts", ()) or ()) or getattr(param, "name", "") or ""
    if isinstance(exc, click.MissingParameter):
        if getattr(param, "param_type_name", "") == "argument":
            what = getattr(param, "help", None)
            return f"缺少参数 {name.upper()}" + (f"（{what}）" if what else "")
        return f"缺少选项 {name}".rstrip()
    if isinstance(exc, click.NoSuchOption):
        guess = f"（是不是 {'、'.join(exc.possibilities)}？）" if exc.possibilities else ""
        return f"没有选项 {exc.option_name}{guess}"
    if isinstance(exc, click.BadParameter):
        return f"{name} 的值不对：{_detail(exc.message)}"
    if isinstance(exc, click.BadOptionUsage):
        return f"选项 {exc.option_name} 用法不对：{_detail(exc.message)}"
    return f"命令用法不对：{_detail(exc.format_message())}"


# Click's English details we know, as (pattern, Chinese with the pattern's groups).
_DETAILS = (
    (r"valid integer", "应为整数"), (r"does not exist", "不存在"),
    (r"is a directory", "是文件夹，应为文件"), (r"is a file", "是文件，应为文件夹"),
    (r"not one of (.*)", r"应为以下之一：\1"), (r"requires an argument", "后面缺少取值"),
    (r"unexpected extra argument\S* \((.*)\)", r"多了参数 \1"),
    (r"No such command '(.+?)'\.(?: Did you mean (.+)\?)?", r"没有命令 \1（相近的有：\2）"),
)


def _detail(message: str) -> str:
    """Click's English detail, in Chinese where we know the case; else kept as it is."""
    import re

    for pattern, zh in _DETAILS:
        m = re.search(pattern, message)
        if m:
            return m.expand(zh).replace("（相近的有：）", "")
    return message
