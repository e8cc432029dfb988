"""Helpers shared by the command modules: messages, exit codes, shared options, the guard
against tracebacks, the progress bar, atomic writes. Imports stay light (rich only when a bar
is drawn) so that ``nianbao --help`` stays fast."""

from __future__ import annotations

import os
import re
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

import typer
from typer.exceptions import TyperException

from ..files import CannotWrite, os_reason
from ..findings import SEVERITY_ZH

EXIT_CLEAN, EXIT_FINDINGS, EXIT_CANNOT_RUN = 0, 1, 2

SEVERITY_EN = {"error": "error", "warning": "warning", "info": "info"}

# Options every command spells the same way (typer option objects may be shared).
DEBUG = typer.Option(False, "--debug", help="出现内部错误时显示完整的错误跟踪")
JOBS = typer.Option(0, "-j", "--jobs", metavar="进程数", help="并行进程数（0 = 自动）")
FORMAT_METAVAR = "格式编号"
ROSTER_HELP = "名册：.csv、.xlsx 或制表符分隔的文本（Excel 另存为“Unicode 文本”）；第1行为表头 单位代码,单位名称,单位类型（也认 code,name,kind）"


def this_year() -> int:
    """The current year in Beijing time, whatever the machine's zone."""
    from datetime import datetime, timedelta, timezone

    return datetime.now(timezone(timedelta(hours=8))).year


def check_year(value: Optional[int]) -> Optional[int]:
    """``--year`` of every command: a four-digit year, not past next year (a template for next
    year can be made in December; anything later is a typo)."""
    if value is None:
        return value
    if not 1000 <= value <= 9999:
        raise typer.BadParameter(f"请填写四位年份，例如 {this_year()}（填的是 {value}）")
    if value > this_year() + 1:
        raise typer.BadParameter(f"{value}年度还没有到，最晚只能填{this_year() + 1}年")
    return value


def year_option(help: str, required: bool = True):
    """The ``--year`` option, checked by :func:`check_year` (one rule for every command)."""
    return typer.Option(... if required else None, "--year", metavar="年份", help=help,
                        callback=check_year, show_default=False)


def closed_pipe() -> int:
    """Stop writing to a closed pipe quietly: what is still buffered goes nowhere (Python would
    print an error when it flushes at exit). Returns the exit code to use."""
    from . import EXIT_PIPE

    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        try:
            os.dup2(devnull, stream.fileno())
        except (OSError, ValueError, AttributeError):  # not a real file (a test runner's stream)
            pass
    os.close(devnull)
    return EXIT_PIPE


def console(**kwargs):
    """A rich console whose closed pipe ends like any other output's (:func:`guard`): rich's own
    handler exits with 1, which would read as "findings"."""
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            self.quiet = True
            raise BrokenPipeError

    return _Console(**kwargs)


# What a cell or a file name may hold that a terminal would act on: control characters (escape
# sequences, bell, carriage return), bidirectional overrides, lone surrogates (undecodable
# file names). Line breaks and tabs stay.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def printable(text) -> str:
    """Text for the terminal: what it would act on shown as a visible escape (``\\x1b``)."""
    return _UNPRINTABLE.sub(lambda m: ascii(m.group())[1:-1], str(text))


def fail(message: str, code: int = EXIT_CANNOT_RUN):
    """Stop with a Chinese message on stderr (never a traceback)."""
    typer.echo(printable(f"错误：{message}"), err=True)
    raise typer.Exit(code)


def say(message: str = "") -> None:
    typer.echo(printable(message))


def note(message: str) -> None:
    typer.echo(printable(message), err=True)


def severity(finding) -> str:
    """The severity of a ``Finding`` or of its JSON form (a dict)."""
    return finding["severity"] if isinstance(finding, dict) else finding.severity


def counts(findings, lang: str = "zh") -> str:
    """``错误 N 条，警告 N 条，提示 N 条`` for findings or their JSON forms."""
    n = {s: 0 for s in SEVERITY_ZH}
    for f in findings:
        n[severity(f)] += 1
    if lang == "en":
        return f"{n['error']} errors, {n['warning']} warnings, {n['info']} notes"
    return f"错误 {n['error']} 条，警告 {n['warning']} 条，提示 {n['info']} 条"


@contextmanager
def guard(debug: bool):
    """An unexpected error in a command becomes one Chinese line and exit 2; the traceback is
    printed above it only with ``--debug``. Typer's own exits and usage errors pass through."""
    try:
        yield
    except (typer.Exit, typer.Abort, TyperException):
        raise
    except BrokenPipeError:  # the reader went away (`| head`): not an error of ours
        raise typer.Exit(closed_pipe()) from None
    except CannotWrite as exc:
        fail(str(exc))
    except OSError as exc:  # a read or write the command did not expect to fail: in Chinese
        fail(os_message(exc))
    except Exception as exc:  # noqa: BLE001 - no traceback reaches a user
        what = f"内部错误（{type(exc).__name__}: {exc}）"
        if debug:
            import traceback

            traceback.print_exc(file=sys.stderr)
            fail(f"{what}；请把以上输出发给维护人员")
        fail(f"{what}；请加 --debug 重试，并把输出发给维护人员")


def not_a_file(path) -> str:
    """What a path that exists but is no regular file is (文件夹, 命名管道（FIFO）…)."""
    from ..files import kind_of

    try:
        return kind_of(path) or "文件"
    except OSError as exc:
        return os_reason(exc, "读取")


def os_message(exc: OSError) -> str:
    """``无法读写 <file>：<reason>`` for an OSError (never the system's English text)."""
    name = exc.filename
    return f"无法读写 {name}：{os_reason(exc)}" if name else f"无法读写文件：{os_reason(exc)}"


class _Bar:
    """The rich bar; notes are printed above it (the bar is redrawn below)."""

    def __init__(self, bar, task):
        self.bar, self.task = bar, task

    def advance(self) -> None:
        self.bar.advance(self.task)

    def note(self, message: str) -> None:
        self.bar.console.print(printable(message), markup=False, highlight=False)


class _NoBar:
    """No terminal (or quiet): nothing drawn, notes are plain lines on stderr."""

    def advance(self) -> None:
        pass

    def note(self, message: str) -> None:
        note(message)


@contextmanager
def progress(total: int, label: str, quiet: bool = False):
    """A progress bar on stderr, only when stderr is a terminal; yields an object with
    ``advance()`` and ``note(message)``. The bar disappears when done (transient)."""
    if quiet or total < 1 or not sys.stderr.isatty():
        yield _NoBar()
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}", markup=False), BarColumn(), MofNCompleteColumn(),
               TimeRemainingColumn())
    with Progress(*columns, console=console(stderr=True, highlight=False), transient=True) as bar:
        yield _Bar(bar, bar.add_task(label, total=total))


def track(items, total: int, label: str, quiet: bool = False):
    """Yield ``items`` one by one (none kept), advancing a ``progress`` bar after each."""
    with progress(total, label, quiet) as bar:
        for item in items:
            yield item
            bar.advance()


def check_format(fmt: str | None) -> None:
    """Stop (exit 2) on a ``--format`` that names no known format."""
    from ..spec import available_formats

    if fmt is not None and fmt not in available_formats():
        fail(f"不认识的格式“{fmt}”；可用的格式：{'、'.join(available_formats())}")


def read_roster(path: Path, fmt, stopped: str):
    """The roster's usable rows and its findings, for template and collect alike. Bad rows are
    named (``名册 r.csv 第3行：…，该行已跳过``) and the others used; a roster with no usable row
    stops the command with one message ending in ``stopped`` (what was not done)."""
    from ..roster import read_roster as read
    from ..roster import skipped

    if not path.is_file():
        fail(f"找不到名册文件 {path}" if not path.exists() else f"名册 {path} 不是文件，而是{not_a_file(path)}，应为 .csv 或 .xlsx 文件")
    rows, findings = read(path, fmt)
    for f in findings:
        if "row" in f.params:
            note(f"{SEVERITY_ZH[f.severity]}：名册 {path.name} {f.message()}{skipped(f)}")
    if not rows:
        whole = [f.message() for f in findings if "row" not in f.params]
        fail(f"{whole[0] if whole else f'名册“{path.name}”中没有可用的单位（各行都有错误，见上）'}，{stopped}")
    return rows, findings


def last_year(paths, year: int) -> dict:
    """``--previous`` of collect and template: last year's reports by org code, each with its
    file and whether it can pre-fill (:class:`nianbao.previous.LastYear`). A path that does not
    exist stops the command; a file that cannot be used is named and skipped."""
    if not paths:
        return {}
    from ..previous import last_year as load

    missing = [str(p) for p in paths if not Path(p).exists()]
    if missing:
        fail(f"找不到上年报告：{'、'.join(missing)}")
    found, findings = load(paths, year)
    for f in findings:
        note(f"{SEVERITY_ZH[f.severity]}：{f.message()}")
    return found

