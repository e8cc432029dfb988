#!/usr/bin/env python3
"""Benchmark ``nianbao collect`` over 1,000 filled workbooks, beside a plain
``openpyxl.load_workbook`` loop over the same files, in the same run.

    python3 benchmarks/bench_collect.py [--n 1000] [--jobs 2] [--dir /tmp/nianbao-bench-collect] [--tiny]

``--tiny`` (4 workbooks in a temporary folder) only proves that the benchmark runs (tests use it).

The workbooks (one per roster body, filled with plausible values) are generated once into
``--dir`` and reused. ``collect`` runs as the real command (a fresh process, progress bar on a
terminal); its peak memory (main process and, separately, the largest worker) is measured at
a quarter, a half and all of the files to show whether it grows with the number of files.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("make_samples", ROOT / "scripts" / "make_samples.py")
ms = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ms)
YEAR = 2026

RUN = """
import resource, sys
from nianbao.cli import app
try:
    app(sys.argv[1:])
except SystemExit:
    pass
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
print("RSS", me.ru_maxrss, kids.ru_maxrss, cpu, file=sys.stderr)
"""


def org(i: int) -> dict:
    return {"code": f"9{i:08d}", "name": f"基准测试单位{i:04d}", "kind": ("乡镇", "街道", "部门")[i % 3]}


def _make(args) -> None:
    i, folder = args
    o = org(i)
    path = Path(folder) / f"{i // 100:02d}" / f"{o['code']}.xlsx"
    if not path.exists():
        ms.write(path, ms.filled_workbook(year=YEAR, org=o, values=ms.body_values(i),
                                          texts=ms.body_texts(o, YEAR)))


def prepare(folder: Path, sizes: list[int], jobs: int) -> None:
    """Generate the largest set once; smaller inboxes are hard links to its first files."""
    from nianbao import __version__
    from nianbao.layout import layout_for

    # workbooks of another template version would be timed as layout errors: key the cache on it
    books, n = folder / f"books-{__version__}-{layout_for('gb2021').fingerprint}", max(sizes)
    t = time.perf_counter()
    with ProcessPoolExecutor(jobs) as pool:
        list(pool.map(_make, [(i, str(books)) for i in range(n)], chunksize=20))
    print(f"workbooks ready: {n} in {books} ({time.perf_counter() - t:.1f} s)")
    files = sorted(books.rglob("*.xlsx"))[:n]
    for size in sizes:
        inbox = folder / f"inbox{size}"
        shutil.rmtree(inbox, ignore_errors=True)  # hard links to this run's workbooks only
        for f in files[:size]:
            link = inbox / f.relative_to(books)
            link.parent.mkdir(parents=True, exist_ok=True)
            os.link(f, link)
        (folder / f"roster{size}.csv").write_text("code,name,kind\n" + "".join(
            f"{o['code']},{o['name']},{o['kind']}\n" for o in map(org, range(size))), encoding="utf-8")


def collect(folder: Path, n: int, jobs: int) -> tuple[float, int, int, float]:
    inbox, out = folder / f"inbox{n}", folder / f"out{n}"
    cmd = [sys.executable, "-c", RUN, "collect", str(inbox), "--roster", str(folder / f"roster{n}.csv"),
           "--year", str(YEAR), "-o", str(out), "-q", "-j", str(jobs)]
    t = time.perf_counter()
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    dt = time.perf_counter() - t
    rss = [line for line in res.stderr.splitlines() if line.startswith("RSS")]
    if not rss:
        raise SystemExit(res.stderr)
    _, me, kids, cpu = rss[-1].split()
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert len(summary["members"]) == n, (len(summary["members"]), res.stdout[-500:])
    return dt, int(me), int(kids), float(cpu)


def openpyxl_loop(files) -> float:
    import openpyxl

    t = time.perf_counter()
    for f in files:
        openpyxl.load_workbook(f)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/nianbao-bench-collect"))
    ap.add_argument("--tiny", action="store_true", help="4 workbooks in a temporary folder")
    a = ap.parse_args()
    if a.tiny:
        import tempfile

        with tempfile.TemporaryDirectory(prefix="nb-bench-collect-") as tmp:
            run(a.n if a.n != 1000 else 4, a.jobs, Path(tmp))
        return
    run(a.n, a.jobs, a.dir)


def run(n: int, jobs: int, folder: Path) -> None:
    a = argparse.Namespace(n=n, jobs=jobs, dir=folder)
    a.dir.mkdir(parents=True, exist_ok=True)
    sizes = sorted({max(a.n // 4, 1), max(a.n // 2, 1), a.n})
    prepare(a.dir, sizes, a.jobs)
    print(f"\ncollect, {a.jobs} processes (peak RSS: main process / largest worker):")
    for n in sizes:
        dt, me, kids, cpu = collect(a.dir, n, a.jobs)
        print(f"  {n:5d} workbooks: {dt:6.2f} s wall, {cpu:6.2f} s CPU ({dt / n * 1000:.2f} ms/workbook)  "
              f"RSS {me / 1024:.0f} MB / {kids / 1024:.0f} MB")
    files = sorted((a.dir / f"inbox{a.n}").rglob("*.xlsx"))
    plain = openpyxl_loop(files)
    print(f"  (load average while running: {os.getloadavg()[0]:.1f})")
    print(f"\nplain openpyxl.load_workbook loop, 1 process: {len(files)} workbooks in {plain:.2f} s "
          f"({plain / len(files) * 1000:.2f} ms/workbook)")
    print(f"collect is {plain / dt:.1f}x faster than the openpyxl loop (target: < 5 s, >= 5x)")


if __name__ == "__main__":
    main()
