"""Imports run in worker processes with time and memory limits, so that a hostile upload cannot
take the portal down or hold other bodies up.

The importer refuses an enormous workbook itself within milliseconds (the reader's limits on
cells, parts and inflated size: tests/test_badfiles.py), so no file it accepts comes near the
limits here. They are a second line of defence, tested by setting them below what any import
needs: the worker is stopped and replaced, the upload gets a finding saying why, the next
import works. A worker that hangs (stopped with SIGSTOP) holds up only its own upload."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest
from portal_kit import ROOT, ROSTER, create_collection, sample_orgs, text_of, workbook

from nianbao.portal.workers import ImportPool

NORMAL = str(ROOT / "samples" / "zhongcun-2022.xlsx")
pytestmark = pytest.mark.engine  # real import workers, killed and limited

POSIX = pytest.mark.skipif(os.name != "posix", reason="memory limits and SIGSTOP are POSIX only")


def test_time_limit_stops_the_import_and_replaces_the_worker():
    pool = ImportPool(1, memory_limit=0, time_limit=0.001)
    try:
        first = pool.workers[0]
        first.wait_ready()
        result, why = pool.run(NORMAL)
        assert why == "time" and result["readable"] is False
        assert "检查超过0.001秒仍未完成" in result["findings"][0]["message"]
        assert not first.process.is_alive() and pool.workers[0] is not first
        pool.time_limit = 30
        result, why = pool.run(NORMAL)  # the new worker works
        assert why == "" and result["readable"]
    finally:
        pool.close()


def _vm_peak(pid: int) -> int:
    return int(Path(f"/proc/{pid}/status").read_text().split("VmPeak:")[1].split()[0]) * 1024


@pytest.fixture(scope="module")
def heavy(tmp_path_factory) -> Path:
    """A filled workbook with thousands of extra text cells on a sheet: the largest of a few
    sizes the importer still accepts (about half a second and tens of MB to read)."""
    import io
    import zipfile

    from nianbao.importer import import_workbook

    data = workbook(sample_orgs()[2])
    z = zipfile.ZipFile(io.BytesIO(data))
    cell = '<c r="{c}{r}" t="inlineStr"><is><t>' + "x" * 60 + "</t></is></c>"
    folder = tmp_path_factory.mktemp("heavy")
    for rows in (7000, 5000, 3000, 1000):
        extra = "".join(f'<row r="{r}">' + "".join(cell.format(c=c, r=r) for c in ("AA", "AB", "AC", "AD"))
                        + "</row>" for r in range(200, 200 + rows)).encode()
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as w:
            for info in z.infolist():
                body = z.read(info.filename)
                if info.filename == "xl/worksheets/sheet3.xml":
                    body = body.replace(b"</sheetData>", extra + b"</sheetData>")
                w.writestr(info, body)
        path = folder / f"heavy{rows}.xlsx"
        path.write_bytes(out.getvalue())
        if import_workbook(path).readable:
            return path
    raise AssertionError("the importer accepts no heavy workbook")


@POSIX
def test_memory_limit_stops_the_import_and_replaces_the_worker(heavy):
    probe = ImportPool(1, memory_limit=0)
    try:
        probe.workers[0].wait_ready()
        ready = _vm_peak(probe.workers[0].process.pid)  # a worker that has loaded the importer
    finally:
        probe.close()
    pool = ImportPool(1, memory_limit=ready + 2 * 2**20, time_limit=60)  # 2 MB more than that
    try:
        first = pool.workers[0].process
        pool.memory_limit = 0  # the replacement may use what it needs
        result, why = pool.run(str(heavy))
        assert why == "memory" and "内存超过" in result["findings"][0]["message"]
        first.join(5)
        assert not first.is_alive()
        result, why = pool.run(NORMAL)
        assert why == "" and result["readable"]
    finally:
        pool.close()


@POSIX
def test_a_hung_import_does_not_hold_up_other_uploads():
    pool = ImportPool(2, memory_limit=0, time_limit=3)
    try:
        for w in pool.workers:
            w.wait_ready()
        os.kill(pool.workers[0].process.pid, signal.SIGSTOP)  # this one will never answer
        took = {}

        def run(name):
            started = time.monotonic()
            took[name] = (pool.run(NORMAL)[1], time.monotonic() - started)

        threads = [threading.Thread(target=run, args=(n,)) for n in "ab"]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        (fast_why, fast), (slow_why, slow) = sorted(took.values(), key=lambda x: x[1])
        assert fast_why == "" and fast < 1.0, took  # answered while the other hung
        assert slow_why == "time" and slow >= 3, took
        assert pool.run(NORMAL)[1] == ""  # the hung worker was replaced
    finally:
        pool.close()


def test_the_page_says_what_happened(portal_factory):
    portal = portal_factory(env={"NIANBAO_PORTAL_IMPORT_SECONDS": "0.001"})
    codes = create_collection(portal.county(), ROSTER)
    c = portal.client()
    c.sign_in("140521102", codes["140521102"])
    org = next(o for o in sample_orgs() if o["code"] == "140521102")
    page = text_of(c.upload("年报.xlsx", workbook(org)).text)
    assert "检查超过0.001秒仍未完成" in page and "有 1 处错误" in page
    assert c.get("/my/").status == 200  # the portal goes on


def test_a_worker_killed_while_idle_does_not_fail_the_next_upload():
    """A worker that died between uploads (the system's OOM killer, an administrator) is
    replaced without the next body's upload paying for it with a false finding."""
    pool = ImportPool(2, memory_limit=0)
    try:
        for w in pool.workers:
            w.wait_ready()
        for _ in range(2):
            for w in list(pool.workers):
                w.process.kill()
                w.process.join(5)
            result, why = pool.run(NORMAL)
            assert why == "" and result["readable"], result["findings"][:1]
    finally:
        pool.close()


@POSIX
def test_a_worker_killed_during_an_import_is_retried_once(heavy):
    pool = ImportPool(1, memory_limit=0)
    try:
        victim = pool.workers[0]
        victim.wait_ready()
        threading.Timer(0.05, victim.process.kill).start()
        result, why = pool.run(str(heavy))
        assert why == "" and result["readable"], result["findings"][:1]
        assert not victim.process.is_alive() and pool.workers[0] is not victim
    finally:
        pool.close()


def test_the_pool_after_many_killed_workers():
    """Twenty-odd workers killed while idle: every import still answers, the pool keeps its size,
    and nothing piles up (processes, pipes)."""
    import multiprocessing

    pool = ImportPool(2, memory_limit=0)
    try:
        for w in pool.workers:
            w.wait_ready()
        fds = len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else 0
        for n in range(15):
            for w in list(pool.workers):
                if n % 2 or w is pool.workers[0]:
                    w.process.kill()
            results = []
            threads = [threading.Thread(target=lambda: results.append(pool.run(NORMAL))) for _ in range(3)]  # noqa: B023 (called at once)
            for t in threads:
                t.start()
            for t in threads:
                t.join(120)
            assert [why for _, why in results] == ["", "", ""], results
        assert len(pool.workers) == 2 and all(w.process.is_alive() for w in pool.workers)
        alive = [p for p in multiprocessing.active_children() if p.name == "nianbao-import"]
        assert len(alive) == 2
        if fds:
            assert len(os.listdir("/proc/self/fd")) <= fds + 2
    finally:
        pool.close()


def _bomb() -> bytes:
    """A workbook whose sheet inflates to 40 MB of spaces (under 100 KB as uploaded)."""
    import io
    import zipfile

    z = zipfile.ZipFile(io.BytesIO(workbook(sample_orgs()[0])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as w:
        for info in z.infolist():
            body = z.read(info.filename)
            if info.filename == "xl/worksheets/sheet3.xml":
                body = b"<worksheet>" + b" " * (40 * 2**20) + b"</worksheet>"
            w.writestr(info.filename, body)
    return out.getvalue()


def test_hostile_uploads_do_not_hold_up_other_bodies(portal_factory, heavy):
    """One body sends zip bombs and the heaviest workbooks the importer accepts, eight at a
    time, for as long as the others upload: it gets one import at a time (the rest are refused
    at once, with a message), and the others are answered as if it were not there."""
    portal = portal_factory()
    codes = create_collection(portal.county(), ROSTER)
    orgs = sample_orgs()
    hostile_org, others = orgs[0], orgs[1:5]
    files = [heavy.read_bytes(), _bomb()]
    stop, statuses, pages, took = threading.Event(), [], [], []

    def hostile(i):
        c = portal.client()
        c.sign_in(hostile_org["code"], codes[hostile_org["code"]])
        c.get("/my/")
        while not stop.is_set():
            r = c.post("/my/upload/", files={"workbook": (f"攻击{i}.xlsx", files[i % 2])})
            statuses.append(r.status)
            if r.status == 429:
                pages.append(text_of(r.text))

    def normal(org):
        c = portal.client()
        c.sign_in(org["code"], codes[org["code"]])
        c.get("/my/")
        data = workbook(org)
        for _ in range(5):
            started = time.monotonic()
            r = c.post("/my/upload/", files={"workbook": ("年报.xlsx", data)})
            assert r.status == 302 and "全部校验通过" in text_of(c.get(r.location).text)
            took.append(time.monotonic() - started)

    attackers = [threading.Thread(target=hostile, args=(i,)) for i in range(8)]
    for t in attackers:
        t.start()
    time.sleep(1)
    bodies = [threading.Thread(target=normal, args=(o,)) for o in others]
    for t in bodies:
        t.start()
    for t in bodies:
        t.join(300)
    stop.set()
    for t in attackers:
        t.join(60)
    took.sort()
    assert len(took) == 20
    assert statuses.count(429) > statuses.count(302) > 0
    assert "上一份文件还在检查" in pages[0]
    median, worst = took[len(took) // 2], took[-1]
    assert median < 1.0 and worst < 2.5, f"median {median:.2f} s, worst {worst:.2f} s"
