"""``nianbao import`` (workbooks → report JSON) and ``nianbao check`` (findings for a person)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer

from ..files import atomic_write_text, display_name, os_reason
from . import app
from .common import (
    DEBUG,
    EXIT_CANNOT_RUN,
    EXIT_CLEAN,
    EXIT_FINDINGS,
    FORMAT_METAVAR,
    JOBS,
    SEVERITY_EN,
    SEVERITY_ZH,
    check_format,
    counts,
    fail,
    guard,
    note,
    printable,
    progress,
    year_option,
)
from .common import console as make_console  # a name of its own: _print_file's local is "console"

SEVERITY = {"zh": SEVERITY_ZH, "en": SEVERITY_EN}
_FILES = typer.Argument(..., metavar="文件", help="填报表文件或文件夹（文件夹内的 .xlsx 等逐级查找）", show_default=False)
_FORMAT = typer.Option(None, "--format", metavar=FORMAT_METAVAR, help="要求的格式编号（如 gb2021），不符的文件不导入")
_YEAR = year_option("要求的报告年度，不符的文件报错", required=False)
_PREVIOUS = typer.Option(None, "--previous", metavar="路径", help="同一单位上年度的报告（JSON 或填报表），用于跨年度核对 R7–R9、R20")
_LANG = typer.Option("zh", "--lang", metavar="zh|en", help="说明文字的语言：zh 或 en")


def _options(fmt, year, previous, lang, debug) -> dict:
    from .. import api
    from ..reader import ReadError

    if lang not in SEVERITY:
        fail(f"--lang 只能是 zh 或 en，不能是“{lang}”")
    check_format(fmt)
    kw = {"format": fmt, "year": year, "lang": lang, "debug": debug}
    if previous is not None:
        try:
            kw["previous"] = api.read_previous(previous, fmt_id=fmt, debug=debug)
        except ReadError as exc:
            fail(f"上年报告 {previous}：{exc.finding.message()}")
        except OSError as exc:
            fail(f"无法读取上年报告 {previous}：{os_reason(exc, '读取')}")
        except ValueError as exc:
            fail(f"无法读取上年报告 {previous}：{exc}")
    return kw


def _files(paths) -> list[Path]:
    from ..importer import WORKBOOK_SUFFIXES, find_workbooks

    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        fail(f"找不到文件或文件夹：{missing[0]}")
    files = find_workbooks(paths)
    if not files:
        fail(f"给出的文件夹中没有找到填报表（{'、'.join(WORKBOOK_SUFFIXES)}）")
    return files


def _exit_code(results) -> int:
    if not any(r.readable for r in results):
        return EXIT_CANNOT_RUN
    if any(not r.readable or r.errors for r in results):
        return EXIT_FINDINGS
    return EXIT_CLEAN


@app.command("import")
def import_cmd(files: List[Path] = _FILES,
               out: Optional[Path] = typer.Option(None, "-o", "--out", metavar="文件夹", help="输出文件夹：每个文件写成 <文件名>.json"),
               jobs: int = JOBS, fmt: Optional[str] = _FORMAT, year: Optional[int] = _YEAR,
               previous: Optional[Path] = _PREVIOUS, lang: str = _LANG,
               as_json: bool = typer.Option(True, "--json", help="输出报告 JSON（默认）", show_default=False),
               debug: bool = DEBUG) -> None:
    """导入填好的填报表，输出报告 JSON（单个文件输出到屏幕，多个文件用 -o 写入文件夹）。"""
    with guard(debug):
        code = _import(files, out, jobs, _options(fmt, year, previous, lang, debug))
    raise typer.Exit(code)


def _import(paths, out, jobs, kw) -> int:
    from .. import api

    files = _files(paths)
    if out is None:
        if len(files) > 1:
            fail(f"共 {len(files)} 个文件：导入多个文件时请用 -o 指定输出文件夹")
        result = api.check(files[0], **kw)
        if result.report is None:
            note(f"{files[0]}：{result.findings[0].message(kw['lang'])}")
            return EXIT_CANNOT_RUN
        sys.stdout.write(result.report.dumps())
        note(f"{files[0].name}：{counts(result.findings, kw['lang'])}")
        return _exit_code([result])
    names = _json_names(files)
    results = []
    with progress(len(files), "导入中") as bar:
        for result in api.check_many(files, jobs=jobs, **kw):
            if result.report is not None:
                atomic_write_text(out / names[result.path], result.report.dumps())
            results.append(_light(result))
            if not result.readable or result.errors:
                bar.note(f"{result.path}：" + (result.findings[0].message(kw["lang"]) if not result.readable
                                             else counts(result.findings, kw["lang"])))
            bar.advance()
    read = [r for r in results if r.readable]
    clean = sum(1 for r in read if not r.errors)
    note(f"共 {len(results)} 个文件：已读取 {len(read)} 个（无错误 {clean} 个，有错误 {len(read) - clean} 个），"
         f"无法读取 {len(results) - len(read)} 个；JSON 已写入 {out}")
    return _exit_code(results)


def _light(result):
    """Keep only what the closing line needs (memory flat over many files)."""
    from ..report import Report

    if result.report is not None:  # the name is all the listing needs
        result.report = Report(result.report.format, result.report.year, result.report.org, {}, {})
    return result


def _json_names(files) -> dict:
    """``<stem>.json`` per file; a stem seen twice (same name in two folders) gets ``~2``, ``~3``."""
    seen: dict[str, int] = {}
    out = {}
    for f in files:
        n = seen.get(f.stem.lower(), 0) + 1
        seen[f.stem.lower()] = n
        out[f] = f"{f.stem}.json" if n == 1 else f"{f.stem}~{n}.json"
    return out


@app.command("check")
def check_cmd(files: List[Path] = _FILES,
              as_json: bool = typer.Option(False, "--json", help="以 JSON 输出全部校验结果"),
              jobs: int = JOBS, fmt: Optional[str] = _FORMAT, year: Optional[int] = _YEAR,
              previous: Optional[Path] = _PREVIOUS, lang: str = _LANG, debug: bool = DEBUG) -> None:
    """检查填报表：逐个文件列出问题（严重程度、规则、单元格、说明），最后汇总。"""
    with guard(debug):
        code = _check(files, as_json, jobs, _options(fmt, year, previous, lang, debug))
    raise typer.Exit(code)


def _check(paths, as_json, jobs, kw) -> int:
    from .. import api

    files = _files(paths)
    lang = kw["lang"]
    results, listed = [], []
    for result in api.check_many(files, jobs=jobs, **kw):
        for f in result.findings:
            f.file = display_name(str(result.path))
        if as_json:
            listed += [f.to_dict(lang) for f in result.findings]
        else:
            _print_file(result, lang)
        results.append(_light(result))
    if as_json:
        sys.stdout.write(json.dumps(listed, ensure_ascii=False, indent=2) + "\n")
        return _exit_code(results)
    read = [r for r in results if r.readable]
    clean = sum(1 for r in read if not r.errors)
    if lang == "en":
        typer.echo(f"{len(results)} files checked: {clean} without errors, {len(read) - clean} with "
                   f"errors, {len(results) - len(read)} unreadable")
    else:
        typer.echo(f"共检查 {len(results)} 个文件：无错误 {clean} 个，有错误 {len(read) - clean} 个，"
                   f"无法读取 {len(results) - len(read)} 个")
    return _exit_code(results)


_ORDER = {"error": 0, "warning": 1, "info": 2}


def _print_file(result, lang: str) -> None:
    from rich.table import Table, box

    # what a file holds is shown, never interpreted: no markup, no control characters
    console = make_console(highlight=False, emoji=False, markup=False,
                           width=None if sys.stdout.isatty() else 160)
    name = result.report.org.name if result.report is not None else ""
    who = f"（{name}）" if name else ""
    console.print(printable(f"{display_name(str(result.path))}{who}"), markup=False)
    findings = sorted(result.findings, key=lambda f: _ORDER[f.severity])
    if findings:
        heads = ("severity", "rule", "cell", "message") if lang == "en" else ("严重程度", "规则", "位置", "说明")
        table = Table(box=box.SIMPLE, show_edge=False, pad_edge=False)
        for i, head in enumerate(heads):
            table.add_column(head, no_wrap=i < 3, overflow="fold")
        for f in findings:
            where = f"{f.sheet} {f.cell}" if f.sheet and f.cell else (f.sheet or "")
            table.add_row(SEVERITY[lang][f.severity], f.rule or "", printable(where),
                          printable(f.message(lang)))
        console.print(table)
        if lang == "zh":
            _print_hints(console, findings)
    if not result.readable:
        console.print("  无法读取，未导入。" if lang == "zh" else "  unreadable, not imported.")
    elif lang == "en":
        console.print(f"  {counts(findings, lang)}", markup=False)
    else:
        console.print(f"  {'没有发现问题。' if not findings else counts(findings, lang)}", markup=False)
    console.print()


def _print_hints(console, findings) -> None:
    """What to do, once per kind of problem (errors and warnings), from the code catalogue."""
    from ..findings import catalogue

    cat, seen = catalogue(), []
    for f in findings:
        c = cat.get(f.code)
        if f.severity != "info" and c is not None and c.hint and c.hint not in seen:
            seen.append(c.hint)
    if seen:
        console.print("  怎么改：", markup=False)
        for hint in seen:
            console.print(f"  · {hint}", markup=False)
