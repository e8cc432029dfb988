"""``nianbao render`` (report → publishable page) and ``nianbao parse`` (published page → report)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from . import app
from ..files import atomic_write_bytes, atomic_write_text, os_reason
from .common import (DEBUG, EXIT_CLEAN, EXIT_FINDINGS, SEVERITY_ZH, counts, fail, guard, note,
                     severity, year_option)


def _load_report(path: Path) -> dict:
    """A report JSON, or a filled workbook through the importer."""
    from ..importer import WORKBOOK_SUFFIXES
    from ..report import load
    from ..spec import available_formats

    if not path.is_file():
        fail(f"找不到文件 {path}")
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        from ..importer import import_workbook

        result = import_workbook(path)
        if result.report is None:
            fail(f"{path}：{result.findings[0].message()}")
        return result.report
    try:
        report = load(path)
    except OSError as exc:
        fail(f"无法读取报告 JSON {path}：{os_reason(exc, '读取')}")
    except ValueError as exc:
        fail(f"无法读取报告 JSON {path}：{exc}")
    if not isinstance(report, dict) or report.get("format") not in available_formats():
        fail(f"{path} 不是 nianbao 的报告 JSON（缺少或不认识 format）")
    return report


def _errors(report: dict) -> int:
    return sum(1 for f in report.get("findings") or () if severity(f) == "error")


@app.command("render")
def render_cmd(report: Path = typer.Argument(..., metavar="报告", help="报告 JSON（nianbao import/merge/parse 的输出）或填好的填报表"),
               out: Path = typer.Option(..., "-o", "--out",
                                        help="输出文件：.html、.md、.txt 或 .docx（按扩展名决定格式）"),
               debug: bool = DEBUG) -> None:
    """生成可发布的年度报告（标题、一至六部分、三张表格按官方格式合并单元格）。"""
    with guard(debug):
        from ..render import kind_for, render

        kind = kind_for(out)
        if kind is None:
            fail(f"不支持的输出格式“{out.suffix or out.name}”：请用 .html、.md、.txt 或 .docx")
        data = _load_report(report)
        errors = _errors(data)
        if errors:  # the page is still made (as import still writes the JSON); exit 1 says so
            note(f"{report.name}：填报表有 {errors} 条错误（用 nianbao check 查看），仍按填写内容生成"
                 if report.suffix.lower() != ".json" else f"{report.name}：报告中有 {errors} 条错误，仍按报告内容生成")
        atomic_write_bytes(out, render(data, kind))
        note(f"已生成 {out}")
    raise typer.Exit(EXIT_FINDINGS if errors else EXIT_CLEAN)


@app.command("parse")
def parse_cmd(file: Path = typer.Argument(..., metavar="文件", help="已发布的年度报告：网页文字 .txt、网页 .html 或 .md"),
              out: Optional[Path] = typer.Option(None, "-o", "--out", help="写入报告 JSON 文件（默认输出到屏幕）"),
              year: Optional[int] = year_option("报告年度（默认从标题读出）", required=False),
              org_name: Optional[str] = typer.Option(None, "--org-name", help="单位名称（默认从标题读出）"),
              org_code: Optional[str] = typer.Option(None, "--org-code", help="单位代码"),
              org_kind: Optional[str] = typer.Option(None, "--org-kind",
                                                     help="单位类型：乡镇、街道、县级政府、政府办公室、部门、汇总"),
              debug: bool = DEBUG) -> None:
    """读取已发布的年度报告（文字或网页），输出报告 JSON 和校验结果。"""
    with guard(debug):
        from ..published import parse_file
        from ..report import ORG_KINDS, dumps

        if not file.is_file():
            fail(f"找不到文件 {file}")
        if org_kind is not None and org_kind not in ORG_KINDS:
            fail(f"--org-kind 只能是 {'、'.join(k for k in ORG_KINDS if k)}，不能是“{org_kind}”")
        report = parse_file(file, year=year,
                            org={"name": org_name, "code": org_code, "kind": org_kind})
        if out is None:
            sys.stdout.write(dumps(report))
        else:
            atomic_write_text(out, dumps(report))
        for f in report["findings"]:
            note(f"{SEVERITY_ZH[f['severity']]}{' ' + f['rule'] if f['rule'] else ''}：{f['message']}")
        tail = f"；已写入 {out}" if out else ""
        note(f"{file.name}：{report['org']['name'] or '（单位名称未知）'} {report['year'] or '（年度未知）'}年，"
             f"格式 {report['format']}；{counts(report['findings'])}{tail}")
    raise typer.Exit(EXIT_FINDINGS if _errors(report) else EXIT_CLEAN)

