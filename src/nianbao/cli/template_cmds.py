"""``nianbao template``: the locked workbook for one body, a whole roster, or the blank one.

Exit codes: 0 every workbook written; 1 the roster had bad rows (they are named and skipped,
every other body still gets its workbook); 2 nothing could be done (unreadable roster, bad
options, a body whose name cannot be a file name).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import List, Optional

import typer

from . import app
from .common import (
    DEBUG,
    EXIT_FINDINGS,
    FORMAT_METAVAR,
    JOBS,
    ROSTER_HELP,
    check_format,
    fail,
    guard,
    last_year,
    note,
    read_roster,
    say,
    track,
    year_option,
)


@app.command("template")
def template(
    year: int = year_option("报告年度，例如 2026（次年1月31日前报送）"),
    org_name: Optional[str] = typer.Option(None, "--org-name", metavar="名称", help="单位名称"),
    org_code: Optional[str] = typer.Option(None, "--org-code", metavar="代码", help="单位代码"),
    org_kind: Optional[str] = typer.Option(None, "--org-kind", metavar="类型",
                                           help="单位类型：乡镇、街道、县级政府、政府办公室、部门"),
    roster: Optional[Path] = typer.Option(None, "--roster", metavar="名册文件", help=ROSTER_HELP),
    output: Optional[str] = typer.Option(None, "-o", "--out", "--output", metavar="路径",
                                         help="输出文件，或以 / 结尾的文件夹；用名册时为输出文件夹"),
    previous: Optional[List[Path]] = typer.Option(
        None, "--previous", metavar="路径", help="上年报告：collect 输出文件夹（读其中 reports/*.json）或报告 JSON 文件，可重复；只用没有错误、没有缺数的报告"),
    fmt: Optional[str] = typer.Option(None, "--format", metavar=FORMAT_METAVAR,
                                      help="格式编号（默认：该年度适用的格式）"),
    jobs: int = JOBS,
    debug: bool = DEBUG,
) -> None:
    """生成锁定的填报模板：单个单位、整份名册，或不指定单位时生成空白模板。"""
    with guard(debug):
        _template(year, org_name, org_code, org_kind, roster, output, previous or [], fmt, jobs)


def _out(output: str | None) -> tuple[Path | None, bool]:
    """The -o path, and whether it names a folder: one that exists, or any path ending in a
    separator (typer's Path would drop the trailing "/", so the option is taken as text)."""
    if not output:
        return None, False
    path = Path(output)
    return path, output.endswith(("/", os.sep)) or path.is_dir()


def _template(year, org_name, org_code, org_kind, roster, output, previous, fmt, jobs) -> None:
    from ..spec import format_for_year, get_format

    check_format(fmt)
    if fmt is None:
        try:
            fmt = format_for_year(year).id
        except KeyError:
            fail(f"没有适用于{year}年度的报告格式")
    if not get_format(fmt).covers_year(year):
        fail(f"{fmt} 格式不适用于{year}年度")
    given = [x for x in (org_name, org_code, org_kind) if x is not None]
    if roster and given:
        fail("--roster 与 --org-name/--org-code/--org-kind 不能同时使用")
    if given and len(given) < 3:
        fail("生成单个单位的模板需同时提供 --org-name、--org-code 和 --org-kind")
    found = last_year(previous, year)
    output, folder = _out(output)
    if roster:
        _roster(roster, output, year, fmt, found if previous else None, jobs)
    else:
        org = {"code": org_code.strip(), "name": org_name.strip(), "kind": org_kind.strip()} if given else None
        _single(org, output, folder, year, fmt, found if previous else None)


def _usable(found: dict) -> dict:
    """The reports that may pre-fill: valid ones only (no errors, nothing missing)."""
    return {code: x.report for code, x in found.items() if x.problem is None}


def _why_not(x, year: int) -> str:
    return f"没有{year - 1}年度报告" if x is None else f"上年报告 {x.file} {x.problem}，未采用"


def _say_prefill(rows, found: dict, year: int) -> None:
    """Which bodies are pre-filled from which file, and which are not and why."""
    from ..report import Org

    def who(row) -> str:
        return Org.of(row).who

    used = [(r, found[r["code"]]) for r in rows if r["code"] in _usable(found)]
    left = [(r, found.get(r["code"])) for r in rows if r["code"] not in _usable(found)]
    say(f"按{year - 1}年度报告预填“上年结转”：{len(used)}个单位" + ("：" if used else ""))
    for r, x in used:
        say(f"  {who(r)} ← {x.file}")
    if left:
        say(f"未预填：{len(left)}个单位：")
        for r, x in left:
            say(f"  {who(r)}：{_why_not(x, year)}")
    extra = sorted(set(found) - {r["code"] for r in rows})
    if extra:
        say(f"另有{len(extra)}份上年报告的单位不在名册中（{'、'.join(extra[:5])}{'等' if len(extra) > 5 else ''}），未使用")


def _single(org, output, folder, year, fmt, found) -> None:
    from .. import api
    from ..files import atomic_write_bytes
    from ..roster import check_org
    from ..spec import get_format

    if org:
        problems = check_org(org, None, get_format(fmt))
        for f in problems:
            (fail if f.severity == "error" else lambda m: note(f"警告：{m}"))(f.message())
    path = output or Path(api.template_name(year, org))
    if folder:
        if path.exists() and not path.is_dir():
            fail(f"-o 以 / 结尾表示文件夹，但已有同名文件：{path}")
        path = path / api.template_name(year, org)
    if path.suffix.lower() != ".xlsx":
        fail(f"输出文件应以 .xlsx 结尾（或以 / 结尾表示文件夹）：{path}")
    if found is not None and not org:
        note("警告：空白模板不预填上年数据（不知道是哪个单位），已忽略 --previous")
    previous = _usable(found or {}).get(org["code"]) if org else None
    atomic_write_bytes(path, api.template(year, org, previous=previous, format=fmt))
    who = org["name"] if org else "空白模板（单位信息由填报单位自填）"
    extra = f"，已按上年报告 {found[org['code']].file} 预填上年结转" if previous else ""
    say(f"已生成{year}年度模板：{who} → {path}{extra}")
    if found is not None and org and not previous:
        note(f"未预填上年结转：{_why_not(found.get(org['code']), year)}")


def _roster(roster: Path, output, year, fmt, found, jobs) -> None:
    from .. import api
    from ..spec import get_format

    rows, findings = read_roster(roster, get_format(fmt), "未生成任何模板")
    if found is not None:
        _say_prefill(rows, found, year)
    prev = _usable(found or {})
    outdir = output or Path(f"{year}年度模板")
    if outdir.suffix.lower() == ".xlsx" or (outdir.exists() and not outdir.is_dir()):
        fail(f"用名册时 -o 应为文件夹：{outdir}")
    start = time.perf_counter()
    for _ in track(api.write_templates(rows, outdir, year, previous=prev, format=fmt, jobs=jobs or None),
                   len(rows), "生成模板"):
        pass
    secs = time.perf_counter() - start
    errors = sum(1 for f in findings if f.severity == "error")
    carried = sum(1 for r in rows if r["code"] in prev)
    line = f"已为{len(rows)}个单位生成{year}年度模板，保存在 {outdir}/（用时{secs:.1f}秒）"
    if carried:
        line += f"，其中{carried}个已按上年报告预填"
    say(line)
    if errors:
        note(f"名册有{errors}处错误，相关行未生成模板；改正后重新运行即可。")
        raise typer.Exit(EXIT_FINDINGS)
