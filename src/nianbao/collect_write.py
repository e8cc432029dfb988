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
    """Relative path -> bytes of every output file (what :func:`write_outputs` writes)."""
    return dict(sorted(_produce(col, None, jobs).items()))


def write_outputs(col: Collection, out: Path, jobs: int | None = None) -> list[str]:
    """Write every output into ``out`` (each file atomically, only when its bytes change) and
    remove stale per-body files; returns the relative paths written or kept."""
    out = Path(out)
    names = sorted(_produce(col, out, jobs))
    kept = set(names)
    for folder, pattern in ((FEEDBACK_DIR, "*.xlsx"), (REPORTS_DIR, "*.json")):
        for stale in (out / folder).glob(pattern):
            if f"{folder}/{stale.name}" not in kept:
                stale.unlink()
    return names


PARALLEL_FROM = 50  # bodies; below this, forking costs more than it saves
_SHARED: Collection | None = None
_CHUNK = 100


def _produce(col: Collection, out: Path | None, jobs: int | None) -> dict:
    """Make (and, with ``out``, write) every file. The workbooks are made in ``jobs`` forked
    processes when there are many bodies: each worker reads the collection inherited at fork,
    so nothing large is pickled, and writes its own files; the main process meanwhile makes
    the board and the JSONs. The bytes are the same either way."""
    tasks = [("summary", None)] + [("feedback", k) for k in _chunks(col)]
    jobs = jobs or os.cpu_count() or 1
    if jobs < 2 or len(col.bodies) < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        files = _main_files(col, out)
        for t in tasks:
            files.update(_make(col, t, out))
        return files
    global _SHARED
    _SHARED = col
    try:
        ctx = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(min(jobs, len(tasks)), mp_context=ctx) as pool:
            futures = [pool.submit(_task, t, out) for t in tasks]
            files = _main_files(col, out)
            for f in futures:
                files.update(f.result())
    finally:
        _SHARED = None
    return files


def _main_files(col: Collection, out: Path | None) -> dict:
    files = {"status.csv": status_csv(col), "status.xlsx": status_xlsx(col)}
    for b in col.bodies:
        if b.used is not None:
            files[f"{REPORTS_DIR}/{b.org['code']}.json"] = dumps(b.used.report).encode("utf-8")
    files["summary.json"] = dumps(col.summary).encode("utf-8")
    return _store(files, out)


def _chunks(col: Collection) -> list[range]:
    return [range(i, min(i + _CHUNK, len(col.bodies))) for i in range(0, len(col.bodies), _CHUNK)]


def _task(task, out) -> dict:
    return _make(_SHARED, task, out)


def _make(col: Collection, task, out: Path | None) -> dict:
    what, rows = task
    if what == "summary":
        files = {"summary.xlsx": summary_xlsx(col.summary, summed_reports(col),
                                              summed_reports(col, False))}
    else:
        files = {f"{FEEDBACK_DIR}/{file_name(b.org)}": feedback_xlsx(b, col.year)
                 for b in (col.bodies[i] for i in rows) if b.submitted}
    return _store(files, out)


def _store(files: dict[str, bytes], out: Path | None) -> dict:
    """With ``out``: write the files that changed and return their names only (so no bytes
    travel back from a worker); without: return the bytes."""
    if out is None:
        return files
    from .files import atomic_write_bytes

    for rel, data in files.items():
        path = out / rel
        if not path.exists() or path.read_bytes() != data:
            atomic_write_bytes(path, data)
    return dict.fromkeys(files)
