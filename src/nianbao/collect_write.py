"""Everything ``nianbao collect`` writes into OUT, as bytes first, then written atomically.

OUT/status.xlsx, OUT/status.csv, OUT/summary.json, OUT/summary.xlsx, OUT/反馈/<code>_<name>.xlsx
and OUT/reports/<code>.json (each body's used report, which ``nianbao template --previous OUT/``
reads next year). Files in 反馈/ and reports/ that this run did not produce (a body whose file
left the inbox) are removed, so OUT always describes the inbox as it is now.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .collect import Collection
from .feedback import feedback_xlsx, file_name
from .report import dumps
from .status import status_csv, status_xlsx
from .summary_workbook import summary_xlsx

FEEDBACK_DIR, REPORTS_DIR = "反馈", "reports"


def summed_reports(col: Collection, summed: bool = True) -> list[dict]:
    """The used reports that are (or, with ``summed=False``, are not) in the summary."""
    members = {m["code"] for m in col.summary.get("members", ())}
    return [r for r in col.used_reports() if (r["org"]["code"] in members) == summed]


def outputs(col: Collection, jobs: int | None = None) -> dict[str, bytes]:
    """Relative path -> bytes of every output file. The workbooks are made in ``jobs`` forked
    processes when there are many (each reads the collection inherited at fork, so nothing
    large is pickled); the result is the same bytes either way."""
    files = {"status.csv": status_csv(col), "status.xlsx": status_xlsx(col)}
    for b in col.bodies:
        if b.used is not None:
            files[f"{REPORTS_DIR}/{b.org['code']}.json"] = dumps(b.used.report).encode("utf-8")
    files["summary.json"] = dumps(col.summary).encode("utf-8")
    tasks = [("summary", None)] + [("feedback", k) for k in _chunks(col)]
    jobs = jobs or os.cpu_count() or 1
    if jobs > 1 and len(col.bodies) >= PARALLEL_FROM and "fork" in multiprocessing.get_all_start_methods():
        global _SHARED
        _SHARED = col
        try:
            with ProcessPoolExecutor(min(jobs, len(tasks)), mp_context=multiprocessing.get_context("fork")) as pool:
                parts = list(pool.map(_task, tasks))
        finally:
            _SHARED = None
    else:
        parts = [_make(col, t) for t in tasks]
    for part in parts:
        files.update(part)
    return dict(sorted(files.items()))


PARALLEL_FROM = 50  # bodies; below this, forking costs more than it saves
_SHARED: Collection | None = None
_CHUNK = 100


def _chunks(col: Collection) -> list[range]:
    return [range(i, min(i + _CHUNK, len(col.bodies))) for i in range(0, len(col.bodies), _CHUNK)]


def _task(task) -> dict[str, bytes]:
    return _make(_SHARED, task)


def _make(col: Collection, task) -> dict[str, bytes]:
    what, rows = task
    if what == "summary":
        return {"summary.xlsx": summary_xlsx(col.summary, summed_reports(col), summed_reports(col, False))}
    return {f"{FEEDBACK_DIR}/{file_name(b.org)}": feedback_xlsx(b, col.year)
            for b in (col.bodies[i] for i in rows) if b.used is not None}


def write_outputs(col: Collection, out: Path, jobs: int | None = None) -> dict[str, bytes]:
    from .cli.common import atomic_write_bytes

    out = Path(out)
    files = outputs(col, jobs)
    for rel, data in files.items():
        path = out / rel
        if not path.exists() or path.read_bytes() != data:
            atomic_write_bytes(path, data)
    for folder, pattern in ((FEEDBACK_DIR, "*.xlsx"), (REPORTS_DIR, "*.json")):
        for stale in (out / folder).glob(pattern):
            if f"{folder}/{stale.name}" not in files:
                stale.unlink()
    return files
