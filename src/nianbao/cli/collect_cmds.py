"""``nianbao collect``, ``nianbao merge`` and ``nianbao export``."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from ..files import atomic_write_bytes
from . import app
from .common import (
    DEBUG,
    EXIT_CLEAN,
    EXIT_FINDINGS,
    JOBS,
    ROSTER_HELP,
    SEVERITY_ZH,
    fail,
    guard,
    last_year,
    note,
    read_roster,
    say,
    track,
    year_option,
)

# The summary options collect and merge share.
_INCLUDE_INVALID = typer.Option(False, "--include-invalid",
                                help="有错误或缺数的报告也计入汇总（缺失按0计，并在汇总中注明）")
_NAME = typer.Option(None, "--name", metavar="名称",
                     help="汇总单位名称，如“青山县”（默认取名册或报告中唯一的县级政府，去掉“人民政府”）")
_CODE = typer.Option("", "--code", metavar="代码", help="汇总单位代码")


def _bar(label: str, quiet: bool = False):
    """Results as they come (order kept, none kept longer than its caller needs it), with a
    progress bar labelled ``label`` (``{n}``: how many)."""
    return lambda results, n: track(results, n, label.format(n=n), quiet)


@app.command("collect")
def collect_cmd(
    inbox: Path = typer.Argument(..., metavar="收件文件夹", help="收件文件夹（含子文件夹），只读不改"),
    roster: Path = typer.Option(..., "--roster", metavar="名册文件", help=ROSTER_HELP),
    year: int = year_option("报告年度，如 2026"),
    out: Path = typer.Option(..., "-o", "--out", metavar="文件夹", help="输出文件夹"),
    include_invalid: bool = _INCLUDE_INVALID,
    name: Optional[str] = _NAME,
    code: str = _CODE,
    previous: Optional[List[Path]] = typer.Option(
        None, "--previous", metavar="路径", help="上年 collect 的输出文件夹（读 reports/*.json）或上年报告 JSON，用于跨年度校验，可重复"),
    jobs: int = JOBS,
    quiet: bool = typer.Option(False, "-q", "--quiet", help="不打印收集情况表"),
    debug: bool = DEBUG,
) -> None:
    """收集各单位报送的工作簿：逐个校验、对应名册、生成收集情况表、反馈和汇总。"""
    with guard(debug):
        raise typer.Exit(_collect(inbox, roster, year, out, include_invalid, name, code, jobs, quiet,
                                  previous or [], debug))


def _same_year_output(out: Path, year: int) -> None:
    """collect replaces what it wrote before in OUT: refuse a folder holding another year's
    results (last year's reports/ are what next year's --previous reads)."""
    import json

    try:
        found = json.loads((out / "summary.json").read_text(encoding="utf-8")).get("year")
    except (OSError, ValueError, AttributeError):
        return
    if found not in (None, year):
        fail(f"输出文件夹 {out} 中是{found}年度的收集结果，收集{year}年度会覆盖它；请换一个输出文件夹")


def _format_of(year: int):
    from ..spec import format_for_year

    try:
        return format_for_year(year)
    except KeyError:
        fail(f"没有适用于{year}年度的报告格式")


def _collect(inbox, roster, year, out, include_invalid, name, code, jobs, quiet, previous, debug) -> int:
    from .. import api
    from ..status import board_text

    if not inbox.is_dir():
        fail(f"收件文件夹 {inbox} 不存在")
    if out.resolve() == inbox.resolve() or inbox.resolve() in out.resolve().parents:
        fail("输出文件夹不能放在收件文件夹里面（否则下次会把汇总当作报送文件）")
    _same_year_output(out, year)
    from ..outdir import hold, usable

    usable(out)  # a file named like OUT: said before reading anything
    hold(out)  # a second collect into OUT stops here, before reading anything, while this one runs
    rows, roster_findings = read_roster(roster, _format_of(year), "未收集")
    name = _summary_name(name, rows, "名册")
    if name is None:
        note(f"警告：{NO_NAME.format(where='名册')}，汇总表的单位名称空着；请加 --name 指定，如 --name 青山县")
    last = {c: x.report for c, x in last_year(previous, year).items()}
    col = api.collect(inbox, api.Roster([api.Org.of(r) for r in rows], roster_findings), year,
                      previous=last, include_invalid=include_invalid,
                      summary_org={"code": code, "name": name or ""}, jobs=jobs, debug=debug,
                      each=_bar("校验 {n} 个工作簿", quiet))
    if not col.entries:
        say(f"收件文件夹中没有任何文件：{inbox}（名册中的单位都列为未提交）")
    if not quiet:
        note(f"正在生成收集情况表、{sum(b.submitted for b in col.bodies)}份反馈和汇总……")
    files = api.write_collection(col, out, jobs=jobs)
    if not quiet:
        say(board_text(col).rstrip("\n"))
    elif col.wrong_year():  # the board's first line; said even when the board is not printed
        note(f"错误：{col.wrong_year()}")
    n_fb = sum(1 for f in files if f.startswith("反馈/"))
    n_rep = sum(1 for f in files if f.startswith("reports/"))
    say(f"已写入 {out}：status.xlsx、status.csv、summary.xlsx、summary.json、反馈/（{n_fb}个）、reports/（{n_rep}个）")
    return EXIT_FINDINGS if col.has_errors else EXIT_CLEAN


def _summary_name(given: str | None, orgs, where: str) -> str | None:
    """The summary's name: ``--name``, else the one 县级政府 among ``orgs`` (said, so that a
    wrong guess is seen), else None."""
    from ..roster import GOVERNMENT_KIND, summary_name

    if given and given.strip():
        return given.strip()
    found = summary_name(orgs)
    if found is None:
        return None
    short, gov = found
    note(f"汇总单位名称：{short}（取自{where}中的{GOVERNMENT_KIND}“{gov['name']}”；另定请用 --name）")
    return short


NO_NAME = "不知道汇总单位的名称（{where}中没有或有多个县级政府）"


def _load_inputs(files: list[Path], jobs, debug) -> list:
    from .. import api
    from ..importer import InputError

    try:
        reports, skipped = api.read_reports(files, jobs=jobs, debug=debug, each=_bar("读取 {n} 个工作簿"))
    except InputError as exc:
        fail(str(exc))
    if skipped:
        note(f"已跳过{len(skipped)}个不是填报表或汇总表的工作簿（如 {skipped[0]}）")
    return reports


@app.command("merge")
def merge_cmd(
    files: List[Path] = typer.Argument(..., metavar="文件", help="工作簿或报告 JSON（也可以是汇总），或其所在文件夹"),
    out: Path = typer.Option(..., "-o", "--out", metavar="文件", help="summary.xlsx 或 summary.json"),
    include_invalid: bool = _INCLUDE_INVALID,
    year: Optional[int] = year_option("报告年度（默认：输入中最多的年度）", required=False),
    name: Optional[str] = _NAME,
    code: str = _CODE,
    jobs: int = JOBS,
    debug: bool = DEBUG,
) -> None:
    """把多份报告或汇总逐项相加为一份汇总（不需要名册），如市汇总各县的汇总。"""
    with guard(debug):
        raise typer.Exit(_merge(files, out, include_invalid, year, name, code, jobs, debug))


def _merge(files, out, include_invalid, year, name, code, jobs, debug) -> int:
    from .. import api
    from ..summing import NO_MEMBERS

    suffix = out.suffix.lower()
    if suffix not in (".xlsx", ".json"):
        fail("-o 应为 .xlsx 或 .json 文件")
    reports = _load_inputs(files, jobs, debug)
    if not reports:
        fail(f"{'、'.join(map(str, files))} 中没有报告 JSON 或填报表，未写入 {out}")
    name = _summary_name(name, [r.org.to_json() for r in reports if not r.is_summary], "所汇总的报告")
    summary, findings = api.merge(reports, include_invalid=include_invalid, year=year,
                                  org={"code": code, "name": name or ""})
    for f in findings:
        if f.code != NO_MEMBERS.code:  # said once, below
            say(f"{SEVERITY_ZH[f.severity]}：{f.message()}")
    if not summary.members:
        fail(f"没有可汇总的报告（{len(reports)}份都未计入，原因见上），未写入 {out}", EXIT_FINDINGS)
    if name is None:
        fail(f"{NO_NAME.format(where='所汇总的报告')}：请用 --name 写明，如 --name 某某市；"
             "它写在汇总表封面和报告标题上")
    if suffix == ".json":
        atomic_write_bytes(out, summary.dumps().encode("utf-8"))
    else:
        fmt, y = summary.fmt, summary.year
        if not isinstance(y, int) or not fmt.covers_year(y):
            fail(f"汇总的年度“{y}”不在{fmt.name}适用的年度内，无法写成工作簿；"
                 "请用 --year 指定年度，或写成 .json")
        atomic_write_bytes(out, api.summary_xlsx(summary, reports))
    say(f"已汇总{len(summary.members or ())}个单位，写入 {out}")
    bad = any(f.severity == "error" for f in findings) or any(
        r.errors for r in reports)
    return EXIT_FINDINGS if bad else EXIT_CLEAN


@app.command("export")
def export_cmd(
    paths: List[Path] = typer.Argument(..., metavar="路径", help="collect 的输出文件夹或报告 JSON（可多个年度）"),
    sqlite: Optional[Path] = typer.Option(None, "--sqlite", metavar="文件", help="写入（或更新）SQLite 数据库"),
    csv: Optional[Path] = typer.Option(None, "--csv", metavar="文件", help="写入 CSV（另写 <名>.findings.csv）"),
    debug: bool = DEBUG,
) -> None:
    """把报告 JSON 导出为长表（年度、单位代码、单位名称、数据项、数值）和校验结果，便于分析。"""
    with guard(debug):
        raise typer.Exit(_export(paths, sqlite, csv))


def _export(paths, sqlite, csv) -> int:
    from .. import api
    from ..export import find_reports, findings_csv_path, latest_by_key

    if sqlite is None and csv is None:
        fail("请用 --sqlite 或 --csv 指定导出到哪里")
    for p in paths:
        if not p.exists():
            fail(f"找不到 {p}")
    found, notes = find_reports(paths)
    reports, dup = latest_by_key(found)
    for line in notes + dup:
        note(line)
    if not reports:
        fail("没有找到报告 JSON")
    if sqlite is not None:
        n = api.export_sqlite(reports, sqlite)
        say(f"已写入 {sqlite}：{len(reports)}份报告，{n}行数据")
    if csv is not None:
        values, findings = api.export_csv(reports)
        atomic_write_bytes(csv, values)
        atomic_write_bytes(findings_csv_path(csv), findings)
        say(f"已写入 {csv} 和 {findings_csv_path(csv)}：{len(reports)}份报告")
    return EXIT_CLEAN
