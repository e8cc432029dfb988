"""Reading published reports: files per second and peak memory of ``nianbao parse DIR``.

    python3 benchmarks/bench_parse.py [--n 1000] [--jobs 2] [--dir /tmp/nianbao-bench-parse]

Makes N mixed files as they are found on government sites — 40 % HTML pages (CMS chrome, a
table split in two, ``&nbsp;`` padding, typos), 40 % text (tab-separated, space-separated,
cells run together, the whole page on one line), 20 % PDF (the corpus's real WPS PDF and pages
printed by headless Chromium when it is installed; each PDF file a copy under its own name) —
from random reports whose tables keep their identities, then runs ``nianbao parse DIR -o OUT
--board OUT -j JOBS`` in a fresh process, and the same with ``-j 1``. Prints files/s, the
share of values read, and the peak resident memory of the run (the largest process).
``--tiny`` (12 files in a temporary folder) is the size CI runs so the benchmark cannot rot.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

from helpers.wild import degrade_html, degrade_text, wild_report  # noqa: E402
from nianbao.document import render  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CORPUS_PDF = ROOT / "tests" / "files" / "corpus" / "11_hongze_qu_2023.pdf"


def _pdfs(work: Path, count: int) -> list[bytes]:
    """A few distinct PDFs: the real one of the corpus and pages printed by Chromium."""
    out = [CORPUS_PDF.read_bytes()]
    for seed in range(min(count, 3) if CHROMIUM else 0):
        page = work / f"print{seed}.html"
        page.write_bytes(degrade_html(render(wild_report(seed, "gb2021", 0), "html").decode(),
                                      random.Random(seed)).encode())
        pdf = work / f"print{seed}.pdf"
        subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                        f"--user-data-dir={work / 'profile'}", "--no-pdf-header-footer",
                        f"--print-to-pdf={pdf}", page.as_uri()], capture_output=True, timeout=120)
        if pdf.is_file():
            out.append(pdf.read_bytes())
    return out


def make_files(folder: Path, n: int) -> dict:
    folder.mkdir(parents=True)
    pdfs = _pdfs(folder.parent, max(1, n // 5))
    kinds = {"html": 0, "text": 0, "pdf": 0}
    for i in range(n):
        rnd = random.Random(i)
        r = rnd.random()
        if r < 0.2:
            (folder / f"{i:05d}.pdf").write_bytes(pdfs[i % len(pdfs)])
            kinds["pdf"] += 1
            continue
        report = wild_report(i, rnd.choice(["gb2021", "gb2021", "gb2021", "gb2019"]), 0)
        report.org.name = f"第{i}号单位"
        if r < 0.6:
            html = degrade_html(render(report, "html").decode(), rnd)
            (folder / f"{i:05d}.html").write_text(html, encoding="utf-8")
            kinds["html"] += 1
        else:
            how = rnd.choice(["tabs", "spaces", "run_together", "page"])
            (folder / f"{i:05d}.txt").write_text(degrade_text(render(report, "text").decode(), rnd, how),
                                                 encoding="utf-8")
            kinds["text"] += 1
    return kinds


def run(folder: Path, out: Path, jobs: int) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak RSS in MB of the largest process) of one run of
    ``nianbao parse``. The CPU time is the honest figure on a shared machine."""
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-c", "from nianbao.cli import main; main()", "parse", str(folder),
           "-o", str(out / "json"), "--board", str(out), "-j", str(jobs)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    seconds = time.perf_counter() - t0
    if res.returncode not in (0, 1):
        raise SystemExit(res.stderr[-2000:])
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return seconds, cpu, max(after.ru_maxrss, before.ru_maxrss) / 1024


def per_form(folder: Path, sample: int) -> dict:
    """CPU milliseconds per file of each form, parsing up to ``sample`` files of each here."""
    from nianbao.published import parse_file

    out = {}
    for suffix in (".html", ".txt", ".pdf"):
        files = sorted(folder.glob("*" + suffix))[:sample]
        if files:
            t0 = time.process_time()
            for f in files:
                parse_file(f)
            out[suffix[1:]] = 1000 * (time.process_time() - t0) / len(files)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/nianbao-bench-parse"))
    ap.add_argument("--tiny", action="store_true", help="12 files in a temporary folder (what CI runs)")
    args = ap.parse_args()
    if args.tiny:
        import atexit
        import tempfile

        args.n, args.dir = 12, Path(tempfile.mkdtemp(prefix="nb-bench-parse-"))
        atexit.register(shutil.rmtree, args.dir, True)
    shutil.rmtree(args.dir, ignore_errors=True)
    t0 = time.perf_counter()
    kinds = make_files(args.dir / "files", args.n)
    print(f"made {args.n} files ({kinds['html']} HTML, {kinds['text']} text, {kinds['pdf']} PDF) "
          f"in {time.perf_counter() - t0:.1f} s")
    for jobs in sorted({args.jobs, 1}, reverse=True):
        seconds, cpu, peak = run(args.dir / "files", args.dir / f"out-j{jobs}", jobs)
        print(f"nianbao parse DIR -j {jobs}: {seconds:.1f} s wall, {args.n / seconds:.1f} files/s; "
              f"{cpu:.1f} s CPU ({args.n / cpu:.1f} files per CPU-second); "
              f"peak memory {peak:.0f} MB (largest process)")
    forms = per_form(args.dir / "files", max(3, min(50, args.n // 10)))
    print("CPU per file: " + ", ".join(f"{k} {v:.0f} ms" for k, v in forms.items()))
    import csv

    with open(args.dir / f"out-j{args.jobs}" / "board.csv", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    read = [r["读出数字"].split("/") for r in rows if r["读出数字"]]
    share = sum(int(a) for a, _ in read) / max(1, sum(int(b) for _, b in read))
    print(f"values read: {share:.1%} of {sum(int(b) for _, b in read)}; unreadable files: "
          f"{sum(1 for r in rows if r['状态'] == '无法读取')}")


if __name__ == "__main__":
    main()
