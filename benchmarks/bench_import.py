"""Import speed and memory: nianbao's whole import beside plain readers of the same cells.

    python3 benchmarks/bench_import.py [--files 1000] [--baseline 200] [--tiny]

Makes N filled workbooks (distinct random consistent values and texts, real templates), then
times per workbook, in the same run:

* nianbao ``import_workbook`` + JSON (read, normalise, layout check, totals, rules, report);
* ``openpyxl.load_workbook(data_only=True)`` and reading the same cells (what comparable tools do);
* ``openpyxl.load_workbook(read_only=True, data_only=True)`` and the same cells;
* python-calamine: open and read the same sheets' cells (the fastest raw read; no formulas,
  names, properties or protection);
* ``import_many(jobs=2)`` over all N files (wall time per workbook);

and the peak memory (``ru_maxrss``) of a fresh process importing N/10 and N files with
``import_many(jobs=2)``, which must be flat in N. The openpyxl baselines run on the first
``--baseline`` files only (they take ~50 ms each).
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from nianbao.importer import import_many, import_workbook  # noqa: E402
from nianbao.layout import layout_for  # noqa: E402
from nianbao.report import dumps  # noqa: E402
from nianbao.template_workbook import template_bytes  # noqa: E402

LAYOUT = layout_for("gb2021")
FMT = LAYOUT.format
SHEETS = [s.name for s in LAYOUT.sheets]


def _values(rng: random.Random) -> dict:
    vals = {i: rng.randint(0, 40) for i in FMT.inputs}
    vals["t2.fees.amount"] = Decimal(rng.randint(0, 10**7)) / 100
    for col in ("natural_person", "commercial", "research", "public_interest", "legal_services", "other_org"):
        total = sum(vals[i] for i in FMT.computed[f"t3.total.{col}"])
        vals[f"t3.carried_over.{col}"] = min(vals[f"t3.carried_over.{col}"], total)
        vals[f"t3.received.{col}"] = total + vals[f"t3.carried_forward.{col}"] - vals[f"t3.carried_over.{col}"]
    texts = {t: "本年度" + "认真贯彻落实条例，" * rng.randint(5, 40) for t in FMT.texts}
    return {**vals, **texts}


def _make(args) -> None:
    i, folder = args
    rng = random.Random(i)
    org = {"code": f"1405{i:05d}", "name": f"第{i}镇人民政府", "kind": "乡镇"}
    Path(folder, f"{i:04d}.xlsx").write_bytes(template_bytes(year=2022, org=org, prefill=_values(rng)))


def make_files(folder: Path, n: int) -> list[Path]:
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_make, [(i, str(folder)) for i in range(n)], chunksize=20))
    return sorted(folder.glob("*.xlsx"))


def _per_file(fn, files) -> float:
    t = time.perf_counter()
    for f in files:
        fn(f)
    return (time.perf_counter() - t) / len(files) * 1000


def nianbao_import(f):
    dumps(import_workbook(f).report)


def openpyxl_default(f):
    import openpyxl

    wb = openpyxl.load_workbook(f, data_only=True)
    return [wb[p.sheet][p.ref].value for p in LAYOUT.places if p.id]


def openpyxl_read_only(f):
    import openpyxl

    wb = openpyxl.load_workbook(f, read_only=True, data_only=True)
    out = [list(wb[s].iter_rows(values_only=True)) for s in SHEETS]
    wb.close()
    return out


def calamine(f):
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(f))
    return [wb.get_sheet_by_name(s).to_python() for s in SHEETS]


def _memory(folder: Path, n: int) -> int:
    """Peak RSS (KB) of a fresh process importing the first n files with jobs=2."""
    code = (f"import sys, resource; sys.path.insert(0, {str(ROOT / 'src')!r});"
            "from pathlib import Path; from nianbao.importer import import_many;"
            f"files = sorted(Path({str(folder)!r}).glob('*.xlsx'))[:{n}];"
            "k = sum(1 for r in import_many(files, jobs=2) if r.readable);"
            "print(k, max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
            " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    done, rss = map(int, out.stdout.split())
    assert done == n, (done, n)
    return rss


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--baseline", type=int, default=200, help="files timed with openpyxl")
    ap.add_argument("--tiny", action="store_true", help="10 files: proves it runs (tests use it)")
    args = ap.parse_args()
    if args.tiny:
        args.files, args.baseline = 10, 5
    with tempfile.TemporaryDirectory(prefix="nb-bench-") as tmp:
        folder = Path(tmp)
        t = time.perf_counter()
        files = make_files(folder, args.files)
        print(f"made {len(files)} filled workbooks in {time.perf_counter() - t:.1f} s "
              f"({files[0].stat().st_size // 1024} KB each)")
        sample = files[: args.baseline]
        for f in sample[:5]:  # warm caches and imports
            nianbao_import(f), calamine(f), openpyxl_read_only(f), openpyxl_default(f)
        rows = [
            ("nianbao import + JSON (1 process)", _per_file(nianbao_import, files), len(files)),
            ("openpyxl load_workbook(data_only=True)", _per_file(openpyxl_default, sample), len(sample)),
            ("openpyxl read_only=True", _per_file(openpyxl_read_only, sample), len(sample)),
            ("python-calamine raw read", _per_file(calamine, files), len(files)),
        ]
        t = time.perf_counter()
        n = sum(1 for r in import_many(files, jobs=2) if r.readable)
        assert n == len(files)
        rows.append(("nianbao import_many(jobs=2), wall", (time.perf_counter() - t) / len(files) * 1000,
                     len(files)))
        base = rows[1][1]
        print(f"\n{'what':44} {'ms/workbook':>12} {'vs openpyxl':>12} {'files':>6}")
        for name, ms, k in rows:
            print(f"{name:44} {ms:12.2f} {base / ms:11.1f}x {k:6}")
        small, big = max(len(files) // 10, 1), len(files)
        m_small, m_big = _memory(folder, small), _memory(folder, big)
        print(f"\npeak RSS importing {small} files: {m_small / 1024:.0f} MB; {big} files: "
              f"{m_big / 1024:.0f} MB (ratio {m_big / m_small:.2f})")
        print(json.dumps({"ms": {name: round(ms, 3) for name, ms, _ in rows},
                          "rss_kb": {small: m_small, big: m_big}}))


if __name__ == "__main__":
    main()
