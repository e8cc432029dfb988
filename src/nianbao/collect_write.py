"""Everything ``nianbao collect`` writes into OUT, as bytes first, then written atomically.

OUT/status.xlsx, OUT/status.csv, OUT/summary.json, OUT/summary.xlsx, OUT/反馈/<code>_<name>.xlsx
and OUT/reports/<code>.json (each body's used report, which ``nianbao template --previous OUT/``
reads next year). Files in 反馈/ and reports/ that this run did not produce (a body whose file
left the inbox) are not carried over, so OUT always describes the inbox as it is now.

OUT is replaced whole (:mod:`nianbao.outdir`): locked against a second run, built beside the
old one, swapped in at once, so a kill at any moment leaves one run's OUT, never a mix.
"""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

from . import workers
from .collection import Collection
from .feedback import feedback_xlsx, file_name
from .report import dumps
from .status import status_csv, status_xlsx
from .summary_workbook import summary_xlsx

FEEDBACK_DIR, REPORTS_DIR = "反馈", "reports"


def outputs(col: Collection, jobs: int | None = None) -> dict[str, bytes]:
    """Relative path -> bytes of every output file (what :func:`write_outputs` writes)."""
    return dict(sorted(_produce(col, None, jobs).items()))


def write_outputs(col: Collection, out: Path, jobs: int | None = None) -> list[str]:
    """Replace ``out`` with every output of ``col`` (:mod:`nianbao.outdir`: locked, built
    beside, swapped in whole; a file whose bytes did not change keeps its time); returns the
    relative paths written. Raises files.CannotWrite (outdir.Busy when another run holds OUT)."""
    from . import outdir

    out = Path(out)
    outdir.usable(out)
    with outdir.locked(out):
        outdir.recover(out)
        new = outdir.building(out)
        try:
            names = sorted(_produce(col, (new, out), jobs))
            outdir.carry_over(out, new, set(names))
        except BaseException:
            outdir._remove(new)
            raise
        outdir.swap_in(new, out)
    return names


PARALLEL_FROM = 50  # bodies; below this, forking costs more than it saves
_SHARED: Collection | None = None
_CHUNK = 100


def _produce(col: Collection, out: tuple[Path, Path] | None, jobs: int | None) -> dict:
    """Make (and, with ``out`` = (new folder, old OUT), write) every file. The workbooks are made in ``jobs`` forked
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
        with workers.pool(min(jobs, len(tasks)), mp_context=ctx) as pool:
            futures = [pool.submit(_task, t, out) for t in tasks]
            files = _main_files(col, out)
            for f in futures:
                files.update(f.result())
    finally:
        _SHARED = None
    return files


def _main_files(col: Collection, out: tuple[Path, Path] | None) -> dict:
    files = {"status.csv": status_csv(col), "status.xlsx": status_xlsx(col)}
    for b in col.bodies:
        if b.used is not None and b.used.report is not None:
            files[f"{REPORTS_DIR}/{b.org.code}.json"] = dumps(b.used.report).encode("utf-8")
    files["summary.json"] = dumps(col.summary).encode("utf-8")
    return _store(files, out)


def _chunks(col: Collection) -> list[range]:
    return [range(i, min(i + _CHUNK, len(col.bodies))) for i in range(0, len(col.bodies), _CHUNK)]


def _task(task, out) -> dict:
    assert _SHARED is not None  # set before the pool forks
    return _make(_SHARED, task, out)


def _make(col: Collection, task, out: tuple[Path, Path] | None) -> dict:
    what, rows = task
    if what == "summary":
        files = {"summary.xlsx": summary_xlsx(col.summary, col.summed_reports(),
                                              col.summed_reports(False))}
    else:
        files = {f"{FEEDBACK_DIR}/{file_name(b.org)}": feedback_xlsx(b, col.year)
                 for b in (col.bodies[i] for i in rows) if b.submitted}
    return _store(files, out)


def _store(files: dict[str, bytes], out: tuple[Path, Path] | None) -> dict:
    """With ``out`` = (new folder, old OUT): write the files into the new folder, a file the
    old OUT has with the same bytes keeping that one's time, and return their names only (so
    no bytes travel back from a worker); without: return the bytes."""
    if out is None:
        return files
    from .files import atomic_write_bytes

    new, old = out
    for rel, data in files.items():
        atomic_write_bytes(new / rel, data)
        try:
            st = os.stat(old / rel)
            if st.st_size == len(data) and (old / rel).read_bytes() == data:
                os.utime(new / rel, ns=(st.st_atime_ns, st.st_mtime_ns))
        except OSError:  # not in the old OUT (or unreadable): a new file
            pass
    return dict.fromkeys(files)
