#!/usr/bin/env python3
"""Benchmark the portal (``nianbao serve``, SQLite) over loopback.

    python3 benchmarks/bench_portal.py                 # 200 bodies, 20 at a time; board of 1,000; 2,000 uploads
    python3 benchmarks/bench_portal.py --tiny          # a few of each (what CI runs)
    python3 benchmarks/bench_portal.py --database postgresql://…/db   # on PostgreSQL

1. A collection of ``--board`` bodies is created from a roster. ``--bodies`` of them sign in and
   upload one filled workbook each, ``--concurrency`` at a time: each upload is timed from the
   POST to the page with its findings (the redirect followed), as a body sees it.
2. More uploads (cycling over all bodies) until ``--uploads`` in all, sampling the server's
   memory (RSS of the server process and of its import workers) as they go.
3. The county's board (every body submitted) is fetched ``--renders`` times and timed.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
YEAR = 2026


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


kit = _load(ROOT / "tests" / "portal" / "portal_kit.py", "portal_kit")  # the tests' server and client
ms = kit.samples()


def org(i: int) -> dict:
    return {"code": f"9{i:08d}", "name": f"基准测试单位{i:04d}", "kind": ("乡镇", "街道", "部门")[i % 3]}


def roster(n: int) -> bytes:
    lines = ["code,name,kind"] + [",".join(org(i).values()) for i in range(n)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def workbooks(n: int) -> list[bytes]:
    """n filled workbooks (every fifth with an R1 error, so findings are shown too)."""
    out = []
    for i in range(n):
        vals = ms.body_values(i)
        if i % 5 == 0:
            vals["t3.received.natural_person"] += 1
            vals.update(ms.recompute_totals(ms.FMT, vals))
        out.append(ms.filled_workbook(year=YEAR, org=org(i), values=vals, texts=ms.body_texts(org(i), YEAR)))
    return out


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cpu_s(pids) -> float:
    """CPU seconds (user + system) used so far by these processes."""
    import os

    tick, total = os.sysconf("SC_CLK_TCK"), 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError):
            pass
    return total / tick


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


FAILURES: list[str] = []  # what went wrong, for the first few failed uploads


def upload_one(client, data: bytes, name: str) -> tuple[float, bool]:
    started = time.perf_counter()
    try:
        r = client.post("/my/upload/", files={"workbook": (name, data)})
        ok = r.status == 302
        if ok:
            page = client.get(r.location)
            ok = page.status == 200 and "class=\"verdict" in page.text
            r = page
    except OSError as exc:
        ok, r = False, exc
    if not ok and len(FAILURES) < 5:
        FAILURES.append(repr(r) if isinstance(r, OSError) else f"HTTP {r.status}: {kit.text_of(r.text).split()[-12:]}")
    return time.perf_counter() - started, ok


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bodies", type=int, default=200)
    ap.add_argument("--concurrency", type=int, default=20)
    ap.add_argument("--board", type=int, default=1000)
    ap.add_argument("--uploads", type=int, default=2000)
    ap.add_argument("--renders", type=int, default=20)
    ap.add_argument("--database", default="")
    ap.add_argument("--tiny", action="store_true", help="a few of each: checks that the benchmark runs")
    a = ap.parse_args()
    if a.tiny:
        a.bodies, a.concurrency, a.board, a.uploads, a.renders = 6, 3, 10, 16, 3
    a.board = max(a.board, a.bodies)
    n_books = min(a.board, 200)
    print(f"generating {n_books} workbooks …", flush=True)
    books = workbooks(n_books)
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-portal-") as tmp:
        portal = kit.Portal(Path(tmp) / "data", a.database).start()
        try:
            run(a, portal, books)
        finally:
            portal.stop()


def run(a, portal, books: list[bytes]) -> None:
    county = portal.county()
    t = time.perf_counter()
    codes = kit.create_collection(county, roster(a.board))
    print(f"collection of {a.board} bodies created (codes hashed and shown) in {time.perf_counter() - t:.1f} s")
    clients: dict[int, object] = {}

    def sign_in(i: int):
        c = portal.client()
        c.sign_in(org(i)["code"], codes[org(i)["code"]])
        c.get("/my/")
        clients[i] = c

    with ThreadPoolExecutor(a.concurrency) as pool:
        list(pool.map(sign_in, range(a.board)))
    server = portal.proc.pid
    print(f"server RSS after sign-in: {rss_mb(server):.0f} MB")

    # 1. the bodies upload, concurrency at a time
    lock = threading.Lock()
    times, errors = [], 0

    def first(i: int):
        nonlocal errors
        dt, ok = upload_one(clients[i], books[i % len(books)], f"{org(i)['name']}.xlsx")
        with lock:
            times.append(dt)
            errors += not ok

    t, cpu0, mine0 = time.perf_counter(), cpu_s([server, *children(server)]), time.process_time()
    with ThreadPoolExecutor(a.concurrency) as pool:
        list(pool.map(first, range(a.bodies)))
    wall = time.perf_counter() - t
    cpu = cpu_s([server, *children(server)]) - cpu0
    client = time.process_time() - mine0
    print(f"\n{a.bodies} bodies uploading one workbook each, {a.concurrency} at a time (POST → findings page):")
    print(f"  p50 {1000 * statistics.median(times):.0f} ms   p95 {1000 * pct(times, 95):.0f} ms   "
          f"max {1000 * max(times):.0f} ms   errors {errors}   ({a.bodies / wall:.1f} uploads/s, {wall:.1f} s)")
    for failure in FAILURES:
        print(f"    {failure}")
    print(f"  server CPU (server + import workers): {1000 * cpu / a.bodies:.0f} ms an upload, "
          f"the benchmark's own (its {a.concurrency} clients, on the same cores) {1000 * client / a.bodies:.0f} ms; "
          f"load average {Path('/proc/loadavg').read_text().split()[0]} (other work on the machine slows every figure)")

    # 2. more uploads, memory sampled
    done, samples = a.bodies, []
    marks = sorted({m for m in (a.bodies, a.uploads // 4, a.uploads // 2, 3 * a.uploads // 4, a.uploads) if m >= a.bodies})

    def more(k: int):
        nonlocal errors
        i = k % a.board
        _, ok = upload_one(clients[i], books[i % len(books)], "再次上传.xlsx")
        with lock:
            errors += not ok

    samples.append((done, rss_mb(server), max([rss_mb(p) for p in children(server)] or [0])))
    with ThreadPoolExecutor(a.concurrency) as pool:
        for lo, hi in zip(marks, marks[1:]):
            list(pool.map(more, range(lo, hi)))
            samples.append((hi, rss_mb(server), max([rss_mb(p) for p in children(server)] or [0])))
    print(f"\nserver memory over {a.uploads} uploads (RSS: server process / largest import worker):")
    for n, main, worker in samples:
        print(f"  after {n:5d} uploads: {main:6.0f} MB / {worker:4.0f} MB")
    print(f"  errors in all uploads: {errors}")
    for failure in FAILURES:
        print(f"    {failure}")

    # 3. the county's board (every body has submitted when --uploads >= --board)
    county.get("/county/")
    render = []
    for _ in range(a.renders):
        t = time.perf_counter()
        r = county.get("/county/")
        render.append(time.perf_counter() - t)
        assert r.status == 200 and r.text.count("/county/bodies/") >= a.board
    print(f"\nboard of {a.board} bodies: median {1000 * statistics.median(render):.0f} ms, "
          f"p95 {1000 * pct(render, 95):.0f} ms ({len(r.body) // 1024} KB)")


if __name__ == "__main__":
    main()
