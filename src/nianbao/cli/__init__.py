"""The ``nianbao`` command: a thin typer shell over the library.

Commands only resolve paths, call library functions, print, and set the exit code:
0 clean, 1 findings of severity error, 2 cannot run. Heavy libraries (openpyxl, xlsxwriter)
are imported inside the commands so that ``nianbao --help`` stays fast.
"""

from __future__ import annotations

import importlib
import re
import sys
import unicodedata

import typer
from typer.core import TyperCommand, TyperGroup

# Exit code of a command whose output pipe was closed (`nianbao codes | head -2`): 128 + SIGPIPE,
# what the shell reports for any program a closed pipe stops. Nothing is printed.
EXIT_PIPE = 141


def _width(text: str) -> int:
    """Columns a string takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


_NO_LINE_START = set("、，。；：！？）》」』”’")  # punctuation a line never starts with


def _tokens(para: str) -> list[str]:
    """Unbreakable pieces of a line: a bracketed note ``[默认：0]``, a run of spaces, a run of
    narrow characters (a word, ``R7–R9``, ``--year``), or one wide (CJK) character."""
    out, word = [], ""
    for piece in re.findall(r"\[[^\]]*\]|\s+|.", para):
        if len(piece) == 1 and not piece.isspace() and _width(piece) == 1:
            word += piece
            continue
        out += [word, piece] if word else [piece]
        word = ""
    return out + ([word] if word else [])


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` columns, breaking between CJK characters or between words
    (click's wrapper counts a CJK character as one column and breaks only at spaces)."""
    lines = []
    for para in text.splitlines() or [""]:
        line: list[str] = []
        for token in _tokens(para):
            if line and _width("".join(line) + token) > width:
                # a closing mark never starts a line: the last piece goes down with it
                carry = [line.pop()] if token[0] in _NO_LINE_START and len(line) > 1 else []
                lines.append("".join(line).rstrip())
                line = carry + ([] if token.isspace() else [token])
            else:
                line.append(token)
        lines.append("".join(line).rstrip())
    return lines


class _Formatter(typer.core._click.HelpFormatter):
    """Help in Chinese: headings, the usage line, defaults and the type of a value. Typer and
    click write these in English; the texts of the options are ours and already Chinese."""

    HEADINGS = {"Usage": "用法", "Options": "选项", "Arguments": "参数", "Commands": "命令"}
    TYPES = {"int": "整数", "integer": "整数", "str": "文字", "text": "文字", "path": "路径",
             "float": "数", "bool": "是否"}

    def write_usage(self, prog, args="", prefix=None):
        args = re.sub(r"\{([^{}]+)\}", r"\1", args)  # typer's {required} argument marks
        args = args.replace("[OPTIONS]", "[选项]").replace("COMMAND [ARGS]...", "命令 [参数]...")
        self.write(f"{'':>{self.current_indent}}用法：{prog} {args}\n")

    def write_heading(self, heading):
        self.write(f"{'':>{self.current_indent}}{self.HEADINGS.get(heading, heading)}：\n")

    def write_text(self, text):
        indent = " " * self.current_indent
        paras = [_wrap(" ".join(p.split()), self.width - len(indent)) for p in text.split("\n\n")]
        self.write("\n".join("".join(f"{indent}{line}\n" for line in p) for p in paras))

    def write_dl(self, rows, col_max=30, col_spacing=2):
        rows = [(self._term(a), self._extra(b)) for a, b in rows]
        first = min(max((_width(a) for a, _ in rows), default=0), col_max) + col_spacing
        indent = " " * self.current_indent
        for term, text in rows:
            lines = _wrap(text, max(self.width - first - self.current_indent, 20)) if text else []
            pad = first - _width(term)
            if pad < col_spacing and lines:  # a long term: its text starts on the next line
                self.write(f"{indent}{term}\n")
                pad, term = first, ""
            self.write(f"{indent}{term}{' ' * pad if lines else ''}{lines[0] if lines else ''}\n")
            for line in lines[1:]:
                self.write(f"{indent}{' ' * first}{line}\n")

    def _term(self, term: str) -> str:
        """An option's value type in Chinese (``--jobs <int>`` → ``--jobs 整数``); an argument
        without it (``文件 <list[Path]>`` → ``文件...``: its name says what it is)."""
        def zh(m):
            kind = m.group(1)
            if not term.startswith("-"):
                return "..." if kind.startswith("list[") else ""
            return " " + self.TYPES.get(kind.lower(), kind)
        return re.sub(r" ?<([^<>]+)>", zh, term)

    @staticmethod
    def _extra(text: str) -> str:
        text = re.sub(r"\[default: ([^\];]*)", r"[默认：\1", text)
        return text.replace("; required]", "；必填]").replace("[required]", "[必填]")


class _ChineseHelp:
    """The ``--help`` option explains itself in Chinese like every other option, and the help is
    laid out by :class:`_Formatter`."""

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = "显示本帮助并退出"
        return option

    context_class = type("Context", (TyperCommand.context_class,), {"formatter_class": _Formatter})


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
COMMAND_MODULES = ("spec_cmds", "template_cmds", "import_cmds", "collect_cmds", "publish_cmds", "serve_cmds")

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
        try:
            print(exc.ctx.get_help())
            code = 0
        except BrokenPipeError:
            code = _closed_pipe()
    except SystemExit as exc:  # typer ends a closed pipe outside our commands with exit 1
        wrapper = getattr(sys.modules.get(errors.__name__.rpartition(".")[0] + ".utils"), "PacifyFlushWrapper", ())
        code = _closed_pipe() if isinstance(sys.stdout, wrapper) else exc.code
    except errors.UsageError as exc:  # click words these in English: say it in Chinese
        print(f"错误：{usage_message(exc)}", file=sys.stderr)
        command = exc.ctx.command_path if exc.ctx else "nianbao"
        print(f"运行 {command} --help 查看用法。", file=sys.stderr)
        code = 2
    except (typer.Abort, KeyboardInterrupt):
        print("已中断。", file=sys.stderr)
        code = 2
    raise SystemExit(code if isinstance(code, int) else 0)


def _closed_pipe() -> int:
    from .common import closed_pipe

    return closed_pipe()


def usage_message(exc) -> str:
    """A Chinese sentence for a command-line usage error (missing, unknown or bad option)."""
    click = _click_errors()
    param = getattr(exc, "param", None)
    name = " / ".join(getattr(param, "opts", ()) or ()) or getattr(param, "name", "") or ""
    if isinstance(exc, click.MissingParameter):
        if getattr(param, "param_type_name", "") == "argument":
            what = getattr(param, "help", None)
            shown = getattr(param, "metavar", None) or name.upper()  # as the help names it
            return f"缺少参数 {shown}" + (f"（{what}）" if what else "")
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
