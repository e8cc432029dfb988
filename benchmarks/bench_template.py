"""Benchmark: templates for a 1,000-body roster, beside a plain xlsxwriter script.

Run: ``python3 benchmarks/bench_template.py [N]`` (N bodies, default 1000; ``--tiny``: 5 bodies,
only to prove the benchmark runs). Reports, in one run:

* plain    — xlsxwriter writing the same cells (labels, identity, totals as plain numbers) with
             no styles, validation, formulas, names or protection, one process;
* nianbao  — ``write_templates`` with 1 process and with 2 processes (bodies' templates are the
             placeholder workbook patched per body), and with last year's reports for every body
             (``--previous``: each workbook written in full, pre-filled) with 1 process (the
             per-core figure, which a busy second core does not blur) and with 2;
* the ratio nianbao/plain per core, and the time of ``nianbao --help``.

Targets (issue 2): within 2x of the plain script, >= 100 workbooks/s per core, --help < 0.25 s.
"""

from __future__ import annotations

import io
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from nianbao import layout as L
from nianbao.report import Report
from nianbao.template_workbook import template_filename, write_templates


def roster(n: int) -> list[dict]:
    kinds = ("乡镇", "街道", "部门", "县级政府", "政府办公室")
    return [{"code": f"1405{i:05d}", "name": f"第{i}号单位人民政府", "kind": kinds[i % len(kinds)]}
            for i in range(n)]


def plain_bytes(year: int, org: dict) -> bytes:
    """The same cells as the template, written as plainly as xlsxwriter allows."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    layout = L.layout_for("gb2021")
    wb.add_worksheet(L.INSTRUCTIONS_SHEET).write_string(0, 0, f"{year}年度填报说明")
    for s in layout.sheets:
        ws = wb.add_worksheet(s.name)
        for p in s.places:
            if p.text:
                ws.write_string(p.row, p.col, p.text)
            elif p.role == "total":
                ws.write_number(p.row, p.col, 0)
            elif p.role == "cover" and p.kind == "org":
                ws.write_string(p.row, p.col, org[p.id.split(".")[1]])
    meta = wb.add_worksheet(L.META_SHEET)
    meta.write_string(0, 0, org["code"])
    wb.close()
    return buf.getvalue()


def run_plain(orgs, outdir: Path, year: int) -> float:
    start = time.perf_counter()
    for org in orgs:
        (outdir / template_filename(year, org)).write_bytes(plain_bytes(year, org))
    return time.perf_counter() - start


def run_nianbao(orgs, outdir: Path, year: int, workers: int, previous=None) -> float:
    start = time.perf_counter()
    n = sum(1 for _ in write_templates(orgs, outdir, year=year, workers=workers, previous=previous))
    assert n == len(orgs)
    return time.perf_counter() - start


def _burn(n: int) -> int:
    s = 0
    for i in range(n):
        s += i * i
    return s


def free_cores() -> float:
    """Speed-up of a pure CPU loop on 2 processes: what the machine offers right now (other
    processes on a shared machine make the 2-process figures above meaningless without it)."""
    from concurrent.futures import ProcessPoolExecutor

    n = 3_000_000
    start = time.perf_counter()
    _burn(n), _burn(n)
    serial = time.perf_counter() - start
    with ProcessPoolExecutor(2) as pool:
        start = time.perf_counter()
        list(pool.map(_burn, [n, n]))
        return serial / (time.perf_counter() - start)


def help_time(runs: int = 5) -> float:
    exe = shutil.which("nianbao")
    cmd = [exe, "--help"] if exe else [sys.executable, "-m", "nianbao", "--help"]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(n: int = 1000, year: int = 2026) -> None:
    orgs = roster(n)
    # last year's reports for every body: each template is then written in full (pre-filled)
    last = {o["code"]: Report.from_json({"format": "gb2021", "year": year - 1, "org": o, "values": {
        "t3.carried_forward.natural_person": 1, "t2.regulations.in_force": 0}}) for o in orgs}
    plain_bytes(year, orgs[0])  # warm imports and layout caches in this process
    with tempfile.TemporaryDirectory() as tmp:
        results = {}
        for name, fn in (("plain", lambda d: run_plain(orgs, d, year)),
                         ("nianbao 1 process", lambda d: run_nianbao(orgs, d, year, 1)),
                         ("nianbao 2 processes", lambda d: run_nianbao(orgs, d, year, 2)),
                         ("with --previous, 1 p.", lambda d: run_nianbao(orgs, d, year, 1, last)),
                         ("with --previous, 2 p.", lambda d: run_nianbao(orgs, d, year, 2, last))):
            d = Path(tmp) / name.replace(" ", "_")
            d.mkdir()
            results[name] = fn(d)
            size = sum(p.stat().st_size for p in d.iterdir()) / n
            secs = results[name]
            print(f"{name:20s} {n / secs:8.1f} workbooks/s  {secs / n * 1000:6.2f} ms/workbook  "
                  f"{size / 1024:5.1f} KiB each")
    ratio = results["nianbao 1 process"] / results["plain"]
    print(f"nianbao / plain (1 process): {ratio:.2f}x   (target <= 2x)")
    print(f"2 processes speed-up:        {results['nianbao 1 process'] / results['nianbao 2 processes']:.2f}x"
          f"   (a pure CPU loop gets {free_cores():.2f}x on this machine right now)")
    print(f"nianbao --help:              {help_time():.3f} s (median of 5; target < 0.25 s)")


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser()
    ap.add_argument("n", nargs="?", type=int, default=1000, help="bodies")
    ap.add_argument("--tiny", action="store_true", help="5 bodies: proves it runs (tests use it)")
    a = ap.parse_args()
    main(5 if a.tiny else a.n)
