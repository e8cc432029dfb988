"""Imports run in worker processes with time and memory limits: a hostile upload (an enormous
sheet within the reader's own limits) is stopped, its worker replaced, and other bodies'
uploads are answered meanwhile."""

from __future__ import annotations

import io
import threading
import time
import zipfile
from pathlib import Path

import pytest
from portal_kit import ROOT, ROSTER, create_collection, sample_orgs, text_of, workbook

from nianbao.portal.workers import ImportPool

NORMAL = str(ROOT / "samples" / "zhongcun-2022.xlsx")


@pytest.fixture(scope="module")
def enormous(tmp_path_factory) -> Path:
    """A filled workbook whose 二、主动公开 sheet carries 136,000 extra cells of text: under every
    limit of the reader (16 MB a part, 200,000 cells), about a second and 100 MB to read."""
    data = workbook(sample_orgs()[2])
    z = zipfile.ZipFile(io.BytesIO(data))
    target = "xl/worksheets/sheet3.xml"
    cell = '<c r="{c}{r}" t="inlineStr"><is><t>' + "x" * 60 + "</t></is></c>"
    rows = "".join(f'<row r="{r}">' + "".join(cell.format(c=c, r=r) for c in ("AA", "AB", "AC", "AD")) + "</row>"
                   for r in range(200, 34200))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as w:
        for info in z.infolist():
            body = z.read(info.filename)
            if info.filename == target:
                body = body.replace(b"</sheetData>", rows.encode() + b"</sheetData>")
            w.writestr(info, body)
    path = tmp_path_factory.mktemp("hostile") / "enormous.xlsx"
    path.write_bytes(out.getvalue())
    return path


def test_time_limit_stops_the_import_and_replaces_the_worker(enormous):
    pool = ImportPool(1, memory_limit=0, time_limit=0.2)
    try:
        first = pool.workers[0].process
        result, why = pool.run(str(enormous))
        assert why == "time" and result["readable"] is False
        assert "检查超过0.2秒仍未完成" in result["findings"][0]["message"]
        assert not first.is_alive() and pool.workers[0].process is not first
        result, why = pool.run(NORMAL)  # the new worker works
        assert why == "" and result["readable"]
    finally:
        pool.close()


@pytest.mark.skipif(not hasattr(__import__("os"), "sysconf") or __import__("os").name != "posix",
                    reason="memory limits are POSIX only")
def test_memory_limit_stops_the_import_and_replaces_the_worker(enormous):
    probe = ImportPool(1, memory_limit=0)
    try:
        probe.run(NORMAL)
        pid = probe.workers[0].process.pid
        baseline = int(Path(f"/proc/{pid}/status").read_text().split("VmPeak:")[1].split()[0]) * 1024
    finally:
        probe.close()
    pool = ImportPool(1, memory_limit=baseline + 40 * 2**20, time_limit=60)
    try:
        first = pool.workers[0].process
        assert pool.run(NORMAL)[1] == ""  # an ordinary workbook fits
        result, why = pool.run(str(enormous))
        assert why == "memory" and "内存超过" in result["findings"][0]["message"]
        first.join(5)
        assert not first.is_alive()
        assert pool.run(NORMAL)[1] == ""
    finally:
        pool.close()


def test_other_uploads_are_answered_while_one_is_stuck(enormous):
    pool = ImportPool(2, memory_limit=0, time_limit=30)
    try:
        pool.run(NORMAL)  # both workers up
        slow = threading.Thread(target=pool.run, args=(str(enormous),))
        slow.start()
        time.sleep(0.1)
        started = time.monotonic()
        result, why = pool.run(NORMAL)
        took = time.monotonic() - started
        slow.join()
        assert why == "" and result["readable"] and took < 0.5, took
    finally:
        pool.close()


def test_the_page_says_what_happened(portal_factory, enormous):
    portal = portal_factory(env={"NIANBAO_PORTAL_IMPORT_SECONDS": "0.2"})
    codes = create_collection(portal.county(), ROSTER)
    c = portal.client()
    c.sign_in("140521102", codes["140521102"])
    page = text_of(c.upload("巨大.xlsx", enormous.read_bytes()).text)
    assert "检查超过0.2秒仍未完成" in page and "有 1 处错误" in page
    org = next(o for o in sample_orgs() if o["code"] == "140521102")
    assert "全部校验通过" in text_of(c.upload("正常.xlsx", workbook(org)).text)
