"""A folder of published reports: each parsed (in parallel), then the rules across years.

A city's office audits every report its bodies published, over several years: each file is
parsed on its own (a file that is not a report, or that fails in an unexpected way, is that
file's note — the batch goes on); then reports of the same body (same name) a year apart are
compared with the rules that need last year's report (R7 结转, R8 现行有效, R9, R20 …) — found
by running the format's rules with and without last year's report, so a rule added to the
format data takes part without a change here.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..findings import Finding
from ..report import Report
from ..rules import Context, evaluate
from .detect import NotAReport
from .lines import norm

SUFFIXES = {".html", ".htm", ".shtml", ".txt", ".text", ".md", ".markdown", ".pdf", ".docx"}


@dataclass
class Entry:
    path: Path
    rel: str
    report: Report | None = None
    problem: str = ""  # why the file could not be read (Chinese), when report is None
    cross: list = field(default_factory=list)  # findings of the rules across years


def files_in(folder: Path, skip: tuple[Path, ...] = ()) -> list[tuple[Path, str]]:
    """(path, path relative to the folder) of every file under it, in a stable order;
    hidden files and the editors' lock files (``~$x.docx``, ``.~lock``) left out, and the
    folders in ``skip`` (the run's own output folders, ``-o`` and ``--board``, when they are
    inside the folder: a second run must not read the first one's board as a report). A named
    pipe or a link to nowhere is listed too: it gets its line on the board saying what it is."""
    skipped = [s.resolve() for s in skip]
    out = []
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder)
        if any(part.startswith((".", "~$")) for part in rel.parts) or p.is_dir():
            continue
        if any(p.resolve().is_relative_to(s) for s in skipped):
            continue
        out.append((p, rel.as_posix()))
    return out


BOARD_NAMES = ("board.csv", "board.xlsx")
OWN_MAX = 16 * 1024 * 1024


def is_own_output(path: Path) -> bool:
    """Whether a file is one nianbao wrote: a board of ``parse --board`` (its header row, its
    workbook title) or a report JSON (``parse -o``, ``import``, ``merge``)."""
    import json

    name = path.name.lower()
    try:
        if not path.is_file() or path.stat().st_size > OWN_MAX:
            return False
        if name in BOARD_NAMES:
            data = path.read_bytes()
            return data.startswith("\ufeff序号,单位名称".encode("utf-8")) or BOARD_TITLE.encode("utf-8") in _core(data)
        if name.endswith(".json"):
            doc = json.loads(path.read_bytes())
            return isinstance(doc, dict) and {"format", "values", "findings"} <= set(doc)
    except (OSError, ValueError):
        return False
    return False


BOARD_TITLE = "已发布年度报告检查情况"


def _core(data: bytes) -> bytes:
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return z.read("docProps/core.xml")
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return b""


def parse_one(path: Path, rel: str, year: int | None = None) -> Entry:
    """One file, never raising: a file that cannot be read gets its reason."""
    from .parse import parse_file

    entry = Entry(path, rel)
    try:
        entry.report = parse_file(path, year=year)
    except NotAReport as exc:
        entry.problem = str(exc)
    except OSError as exc:
        from ..files import NotRegular, os_reason

        entry.problem = (f"不是文件，而是{exc.what}" if isinstance(exc, NotRegular)
                         else f"无法读取文件（{os_reason(exc, '读取')}）")
    except Exception as exc:  # noqa: BLE001 — one bad file must not stop a city's batch
        entry.problem = f"读取时出现意外错误（{type(exc).__name__}），请把该文件发给技术人员"
    return entry


def _task(args) -> Entry:
    return parse_one(*args)


def parse_folder(files: list[tuple[Path, str]], jobs: int = 0, progress=None) -> list[Entry]:
    """Every file parsed, in ``jobs`` processes (0: one per core), in the files' order."""
    jobs = jobs or os.cpu_count() or 1
    tasks = [(p, rel, None) for p, rel in files]
    if jobs < 2 or len(tasks) < 4 or "fork" not in multiprocessing.get_all_start_methods():
        out = []
        for t in tasks:
            out.append(parse_one(*t))
            if progress:
                progress()
        return out
    ctx = multiprocessing.get_context("fork")
    out = []
    with ProcessPoolExecutor(min(jobs, len(tasks)), mp_context=ctx) as pool:
        for entry in pool.map(_task, tasks, chunksize=8):
            out.append(entry)
            if progress:
                progress()
    return out


def body_key(report: Report) -> str:
    return report.org.code or norm(report.org.name)


def across_years(entries: list[Entry]) -> None:
    """Run the rules that need last year's report on each report whose body has one."""
    by_body: dict[str, dict[int, Entry]] = {}
    for e in entries:
        r = e.report
        if r is None or r.year is None or not body_key(r):
            continue
        by_body.setdefault(body_key(r), {}).setdefault(r.year, e)
    for years in by_body.values():
        for year, e in years.items():
            last = years.get(year - 1)
            if last is not None and e.report is not None and last.report is not None:
                e.cross = previous_year_findings(e.report, last.report)
                e.report.findings = e.report.findings + e.cross


def previous_year_findings(report: Report, last: Report) -> list[Finding]:
    """The findings a report gets only when last year's report is known."""
    fmt = report.fmt
    base = dict(values=report.values, texts=report.texts, year=report.year, org_kind=report.org.kind)
    without = evaluate(fmt, Context(**base))
    with_last = evaluate(fmt, Context(**base, previous=last))
    seen = {_key(f) for f in without}
    out = []
    for f in with_last:
        if _key(f) not in seen:
            f.params.setdefault("last_file", last.source.get("file", ""))
            out.append(f)
    return out


def _key(f) -> tuple:
    return f.code, f.rule, tuple(f.datapoints), f.message()
