"""Commands about the format itself: ``spec-lint``, ``codes``, ``schema``."""

from __future__ import annotations

import json

import typer

from . import app
from .common import DEBUG, EXIT_FINDINGS, FORMAT_METAVAR, check_format, guard, say


@app.command("spec-lint")
def spec_lint(fmt: str = typer.Option(None, "--format", metavar=FORMAT_METAVAR,
                                      help="格式编号（默认：全部格式）"),
              debug: bool = DEBUG) -> None:
    """检查格式定义（数据项编号、规则、版面）本身是否自洽。"""
    from ..lint import lint
    from ..spec import available_formats

    check_format(fmt)
    bad = 0
    for f in [fmt] if fmt else available_formats():
        with guard(debug):
            problems = lint(f)
        for p in problems:
            say(f"- {p}")
        say(f"{f}：{'发现' + str(len(problems)) + '个问题' if problems else '格式定义无问题'}")
        bad += len(problems)
    if bad:
        raise typer.Exit(EXIT_FINDINGS)


@app.command("codes")
def codes(markdown: bool = typer.Option(False, "--markdown", help="输出 Markdown 表格"),
          debug: bool = DEBUG) -> None:
    """列出全部校验结果代码（finding codes）及其含义。"""
    from ..findings import catalogue, catalogue_markdown

    with guard(debug):
        if markdown:
            typer.echo(catalogue_markdown(), nl=False)
            return
        for c in catalogue().values():
            say(f"{c.code}\t{c.severity}\t{c.rule or ''}\t{c.zh}")


@app.command("schema")
def schema(fmt: str = typer.Option(None, "--format", metavar=FORMAT_METAVAR, help="只输出某一格式的 JSON Schema（默认：全部格式）"),
           debug: bool = DEBUG) -> None:
    """输出报告 JSON 的 JSON Schema。"""
    from ..report import schema as make_schema
    from ..spec import get_format

    check_format(fmt)
    with guard(debug):
        typer.echo(json.dumps(make_schema(get_format(fmt) if fmt else None), ensure_ascii=False, indent=2))


@app.command("format-doc")
def format_doc(debug: bool = DEBUG) -> None:
    """以 Markdown 输出各格式的表格、标签、数据项编号和规则（docs/format.md 的生成部分）。"""
    from ..format_doc import document
    from ..spec import available_formats, get_format

    with guard(debug):
        typer.echo(document([get_format(f) for f in available_formats()]), nl=False)
