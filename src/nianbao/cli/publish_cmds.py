"""``nianbao render`` (report → publishable page) and ``nianbao parse`` (published page → report)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from ..files import atomic_write_bytes, atomic_write_text, os_reason
from . import app
from .common import (
    DEBUG,
    EXIT_CLEAN,
    EXIT_FINDINGS,
    JOBS,
    SEVERITY_ZH,
    counts,
    fail,
    guard,
    not_a_file,
    note,
    progress,
    year_option,
)


def _load_report(path: Path, debug: bool = False):
    """A report JSON, or a filled workbook through the importer."""
    from ..importer import WORKBOOK_SUFFIXES
    from ..report import Report, load_json, problem
    from ..spec import available_formats

    if not path.is_file():
        fail(f"找不到文件 {path}" if not path.exists() else f"{path} 不是文件，而是{not_a_file(path)}")
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        from .. import api

        result = api.check(path, debug=debug)
        if result.report is None:
            fail(f"{path}：{result.findings[0].message()}")
        return result.report
    try:
        report = load_json(path)
    except json.JSONDecodeError as exc:
        fail(f"{path} 不是有效的 JSON：第{exc.lineno}行第{exc.colno}列有误（文件可能不完整，或被手工改坏）")
    except UnicodeDecodeError:
        fail(f"{path} 不是 UTF-8 编码的 JSON 文件（可能是别的文件改了扩展名）")
    except OSError as exc:
        fail(f"无法读取报告 JSON {path}：{os_reason(exc, '读取')}")
    if not isinstance(report, dict) or report.get("format") not in available_formats():
        fail(f"{path} 不是 nianbao 的报告 JSON（缺少或不认识 format）")
    why = problem(report)
    if why:
        fail(f"{path} 不能用来生成报告：{why}")
    return Report.from_json(report)


def _errors(report) -> int:
    return report.errors


@app.command("render")
def render_cmd(report: Path = typer.Argument(..., metavar="报告", help="报告 JSON（nianbao import/merge/parse 的输出）或填好的填报表"),
               out: Path = typer.Option(..., "-o", "--out",
                                        help="输出文件：.html、.md、.txt 或 .docx（按扩展名决定格式）"),
               debug: bool = DEBUG) -> None:
    """生成可发布的年度报告（标题、一至六部分、三张表格按官方格式合并单元格）。"""
    with guard(debug):
        from .. import api
        from ..document import kind_for

        kind = kind_for(out)
        if kind is None:
            fail(f"不支持的输出格式“{out.suffix or out.name}”：请用 .html、.md、.txt 或 .docx")
            return
        data = _load_report(report, debug)
        errors = _errors(data)
        if errors:  # the page is still made (as import still writes the JSON); exit 1 says so
            note(f"{report.name}：填报表有 {errors} 条错误（用 nianbao check 查看），仍按填写内容生成"
                 if report.suffix.lower() != ".json" else f"{report.name}：报告中有 {errors} 条错误，仍按报告内容生成")
        atomic_write_bytes(out, api.render(data, kind))
        note(f"已生成 {out}")
    raise typer.Exit(EXIT_FINDINGS if errors else EXIT_CLEAN)


@app.command("parse")
def parse_cmd(source: Path = typer.Argument(..., metavar="文件或文件夹", help="已发布的年度报告（网页 .html、PDF、Word .docx、文字 .txt、.md），或装有多份报告的文件夹"),
              out: Optional[Path] = typer.Option(None, "-o", "--out",
                                                 help="单个文件：写入报告 JSON 文件（默认输出到屏幕）；文件夹：写入 JSON 的文件夹"),
              board: Optional[Path] = typer.Option(None, "--board", help="文件夹：把检查情况表 board.xlsx、board.csv 写入此文件夹"),
              explain: bool = typer.Option(False, "--explain", help="列出数字连在一起的行是如何拆分的（或为何未读入）"),
              year: Optional[int] = year_option("报告年度（默认从标题读出）", required=False),
              org_name: Optional[str] = typer.Option(None, "--org-name", help="单位名称（默认从标题读出）"),
              org_code: Optional[str] = typer.Option(None, "--org-code", help="单位代码"),
              org_kind: Optional[str] = typer.Option(None, "--org-kind",
                                                     help="单位类型：乡镇、街道、县级政府、政府办公室、部门、汇总"),
              jobs: int = JOBS,
              debug: bool = DEBUG) -> None:
    """读取已发布的年度报告（网页、PDF、Word 或文字），输出报告 JSON 和校验结果；给文件夹时逐个读取，可生成检查情况表。"""
    with guard(debug):
        from ..spec import available_formats, get_format

        ORG_KINDS = tuple(dict.fromkeys(k for f in available_formats() for k in get_format(f).org_kinds))

        if not source.exists():
            fail(f"找不到文件 {source}")
        if org_kind is not None and org_kind not in ORG_KINDS:
            fail(f"--org-kind 只能是 {'、'.join(k for k in ORG_KINDS if k)}，不能是“{org_kind}”")
        if year is not None and not any(get_format(f).covers_year(year) for f in available_formats()):
            fail(f"没有适用于{year}年度的报告格式")  # as template and collect say
        if source.is_dir():
            given = [o for o, v in (("--year", year), ("--org-name", org_name), ("--org-code", org_code),
                                    ("--org-kind", org_kind)) if v is not None]
            if given:
                fail(f"{'、'.join(given)} 只用于单个文件：文件夹中各报告的单位和年度从各自的标题读出")
            code = _parse_folder(source, out, board, explain, jobs)
        elif not source.is_file():
            fail(f"{source} 不是文件，而是{not_a_file(source)}")
        else:
            if board is not None:
                fail("--board 只用于文件夹：请给出装有多份报告的文件夹")
            code = _parse_one_file(source, out, explain, year,
                                   {"name": org_name, "code": org_code, "kind": org_kind})
    raise typer.Exit(code)


def _parse_one_file(file: Path, out: Optional[Path], explain: bool, year, org: dict) -> int:
    from .. import api
    from ..published import NotAReport
    from ..report import dumps

    try:
        report = api.parse(file, year=year, org=org)
    except NotAReport as exc:
        fail(f"{file.name}：{exc}")
    except OSError as exc:
        fail(f"无法读取 {file}：{os_reason(exc, '读取')}")
    if out is None:
        sys.stdout.write(dumps(report))
    else:
        atomic_write_text(out, dumps(report))
    data = report.to_json()  # what is printed is what the JSON says
    for f in data["findings"]:
        note(f"{SEVERITY_ZH[f['severity']]}{' ' + f['rule'] if f['rule'] else ''}：{f['message']}")
    if explain:
        _explain(data)
    tail = f"；已写入 {out}" if out else ""
    note(f"{_summary(file.name, data)}{tail}")
    return EXIT_FINDINGS if _errors(report) else EXIT_CLEAN


def _summary(name: str, report: dict) -> str:
    from ..published.board import body_and_year, format_label

    return (f"{name}：{body_and_year(report['org']['name'], report['year'])}，"
            f"{format_label(report['format'])}；{counts(report['findings'])}")


def _explain(report: dict, prefix: str = "") -> None:
    """How each row of run-together numbers was settled (the PUBLISHED_SPLIT* findings)."""
    splits = [f for f in report["findings"] if f["code"].startswith("PUBLISHED_SPLIT")]
    if not splits and prefix:  # a folder: only the files that had something to settle
        return
    if not splits:
        note(f"{prefix}拆分说明：没有需要按勾稽关系拆分的行（数字连在一起、但只有一种拆法的行不列出）")
        return
    note(f"{prefix}拆分说明（{len(splits)}行）：")
    for f in splits:
        p = f.get("params") or {}
        cands = (f.get("values") or {}).get("candidates") or []
        if f["code"] == "PUBLISHED_SPLIT":
            verdict = f"按{p.get('rules')}只有 {p.get('chosen')} 成立，读作该值"
        elif f["code"] == "PUBLISHED_SPLIT_NONE":
            verdict = f"没有一种满足{p.get('rules')}（原表本身不平衡，或有单元格空白），未读入"
        elif f["code"] == "PUBLISHED_SPLIT_AMBIGUOUS":
            verdict = "不止一种满足表格的勾稽关系，无法确定，未读入"
        elif f["code"] == "PUBLISHED_SPLIT_CONFLICT":
            verdict = f"按{p.get('rules')}与按{p.get('other')}得出的拆法不同（原表有不平衡之处），无法确定，未读入"
        elif f["code"] == "PUBLISHED_SPLIT_WEAK":
            verdict = f"拆法较多，只有{p.get('rules')}一条勾稽关系支持其中一种，不足以确定，未读入"
        elif f["code"] == "PUBLISHED_SPLIT_IMPOSSIBLE":
            verdict = "无法拆成该行的列数，未读入"
        elif f["code"] == "PUBLISHED_SPLIT_BLANKS":
            verdict = "报告中有的行空着部分单元格，连在一起的数字看不出哪些格是空白，不拆分，未读入"
        else:
            verdict = "可能的拆法太多，未读入"
        note(f"{prefix}  {p.get('table', '')}“{p.get('label', '')}”（{p.get('where', '')}）：原文“{p.get('raw', '')}”")
        if cands:
            note(f"{prefix}    可能的拆法（{len(cands)}种）：{'；'.join(cands[:12])}{'……' if len(cands) > 12 else ''}")
        note(f"{prefix}    结论：{verdict}")


def _parse_folder(folder: Path, out: Optional[Path], board: Optional[Path], explain: bool, jobs: int) -> int:
    from ..published.board import board_csv, board_xlsx
    from ..published.folder import across_years, files_in, is_own_output, parse_folder
    from ..report import dumps

    listed = files_in(folder, tuple(p for p in (out, board) if p is not None))
    files = [(p, rel) for p, rel in listed if not is_own_output(p)]
    if len(files) < len(listed):
        note(f"跳过 {len(listed) - len(files)} 个 nianbao 生成的文件（检查情况表、报告 JSON）：" +
             "、".join(rel for p, rel in listed if (p, rel) not in files)[:300])
    if not files:
        fail(f"文件夹 {folder} 中没有任何文件" if not listed else f"文件夹 {folder} 中只有 nianbao 生成的文件，没有报告")
    with progress(len(files), "读取报告", quiet=False) as bar:
        entries = parse_folder(files, jobs, progress=bar.advance)
    across_years(entries)
    names = _json_names([e.rel for e in entries])
    for e in entries:
        if e.report is None:
            note(f"无法读取  {e.rel}：{e.problem}")
            continue
        note(f"{_summary(e.rel, e.report.to_json())}")
        if explain:
            _explain(e.report.to_json(), "  ")
        if out is not None:
            atomic_write_text(out / names[e.rel], dumps(e.report))
    if board is not None:
        atomic_write_bytes(board / "board.xlsx", board_xlsx(entries))
        atomic_write_bytes(board / "board.csv", board_csv(entries))
    read = [e for e in entries if e.report is not None]
    bad = len(entries) - len(read)
    with_errors = sum(1 for e in read if _errors(e.report))
    written = []
    if out is not None:
        written.append(f"JSON 已写入 {out}")
    if board is not None:
        written.append(f"检查情况表已写入 {board / 'board.xlsx'}")
    note(f"共 {len(entries)} 个文件：已读取 {len(read)} 个（无错误 {len(read) - with_errors} 个，"
         f"有错误 {with_errors} 个），无法读取 {bad} 个" + ("；" + "；".join(written) if written else ""))
    return EXIT_FINDINGS if with_errors or bad else EXIT_CLEAN


def _json_names(rels: list[str]) -> dict[str, str]:
    """One JSON name per file: its path inside the folder, folders joined by "_"."""
    return {rel: rel.replace("/", "_") + ".json" for rel in rels}
