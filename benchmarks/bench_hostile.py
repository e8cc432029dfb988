#!/usr/bin/env python3
"""Time and peak memory of importing one hostile workbook, each in a fresh process.

    python3 benchmarks/bench_hostile.py [--tiny] [--keep DIR]

The cases of issue 8 (item 21), built from the committed seed workbook:

* ``deflate-bomb`` — a worksheet member whose header declares 100 KB, deflated from 1 GB of
  spaces (~1 MB in the file): a reader that trusts ``zipfile`` inflates far past the header;
* ``bzip2-bomb`` — a member compressed with bzip2 (method 12, which Excel and WPS never write),
  400 MB of zeros in a few hundred bytes, its header declaring 100 KB;
* ``big-workbook`` — ~36 MB: every sheet padded with random text in cells outside the layout;
* ``many-cells`` — 1.2 M cells: 199,000 numbers added to each of six sheets;
* ``seed`` — the seed workbook itself, for scale.

Each is imported by ``import_workbook`` in a new interpreter; the table gives wall time, peak
RSS of that process (``ru_maxrss``) and the first finding. The target: every file under ~200 MB
and 5 s. ``--tiny`` builds each case at a few hundredths of its size (proves the benchmark runs).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from helpers import zipkit as zk  # noqa: E402
from helpers.zipkit import big_workbook, bzip2_bomb, deflate_bomb, many_cells  # noqa: E402

RUN = """
import json, resource, sys, time
t = time.perf_counter()
from nianbao.importer import import_workbook
r = import_workbook(sys.argv[1])
dt = time.perf_counter() - t
try:  # this process's own peak (ru_maxrss would include the parent's, kept across exec)
    with open("/proc/self/status") as fh:
        rss = int(next(line for line in fh if line.startswith("VmHWM")).split()[1])
except OSError:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"s": dt, "rss_kb": rss,
                  "readable": r.readable, "first": r.findings[0].code if r.findings else "",
                  "message": r.findings[0].message() if r.findings else ""}, ensure_ascii=False))
"""


CASES = {"seed": lambda s: zk.SEED.read_bytes(), "deflate-bomb": deflate_bomb, "bzip2-bomb": bzip2_bomb,
         "big-workbook": big_workbook, "many-cells": many_cells}


def measure(path: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", RUN, str(path)], capture_output=True, text=True,
                         timeout=600)
    if out.returncode:
        return {"s": float("nan"), "rss_kb": 0, "readable": False, "first": "CRASH",
                "message": out.stderr.strip().splitlines()[-1][:120]}
    return json.loads(out.stdout)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tiny", action="store_true", help="each case at ~1/50 of its size")
    ap.add_argument("--keep", type=Path, help="write the cases into this folder and keep them")
    a = ap.parse_args()
    scale = 0.02 if a.tiny else 1.0
    with tempfile.TemporaryDirectory(prefix="nb-hostile-") as tmp:
        folder = a.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        print(f"{'case':14} {'file':>9} {'time':>8} {'peak RSS':>9}  first finding")
        for name, make in CASES.items():
            path = folder / f"{name}.xlsx"
            path.write_bytes(make(scale))
            m = measure(path)
            size = os.path.getsize(path)
            print(f"{name:14} {size / 2**20:7.2f}MB {m['s']:7.2f}s {m['rss_kb'] / 1024:7.0f}MB  "
                  f"{m['first']} {m['message'][:60]}")


if __name__ == "__main__":
    main()
