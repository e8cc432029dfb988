"""The rendered HTML in a real browser engine (headless Debian chromium): laid out, printable.

A small script appended to a copy of the page measures every table cell after layout and writes
the measures into the DOM, which ``--dump-dom`` reads back: row counts, spans, texts and the
geometry (a merged cell is exactly as tall / wide as the rows / columns it spans, no table is
wider than the page). Then the page is printed to PDF (A4) and captured as PNG.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from helpers.reports import clean_report
from nianbao.document import render

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")

_MEASURE = """
<script>
const out = [...document.querySelectorAll("table")].map(t => ({
  cls: t.className, width: t.getBoundingClientRect().width,
  rows: [...t.rows].map(r => [...r.cells].map(c => {
    const b = c.getBoundingClientRect();
    return {text: c.textContent, rs: c.rowSpan, cs: c.colSpan,
            top: b.top, bottom: b.bottom, left: b.left, right: b.right};
  }))}));
const pre = document.createElement("pre");
pre.id = "measured";
pre.textContent = JSON.stringify({body: document.body.getBoundingClientRect().width, tables: out});
document.body.appendChild(pre);
</script>
"""


def _chromium(tmp: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp / "profile"
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run",
           f"--user-data-dir={profile}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def measured(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("chromium")
    report = clean_report()
    page = tmp / "report.html"
    page.write_bytes(render(report, "html").replace(b"</body>", _MEASURE.encode() + b"</body>"))
    res = _chromium(tmp, "--window-size=1000,1400", "--dump-dom", page.as_uri())
    m = re.search(r'<pre id="measured">(.*?)</pre>', res.stdout, re.S)
    assert m, res.stderr[-2000:]
    import html

    return report, json.loads(html.unescape(m.group(1)))


def test_tables_have_the_official_rows_and_cells(measured):
    report, m = measured
    tables = m["tables"]
    assert [t["cls"] for t in tables] == ["t2", "t3", "t4"]
    assert [len(t["rows"]) for t in tables] == [14, 28, 4]
    t3 = tables[1]["rows"]
    assert [c["text"] for c in t3[5][:3]] == ["三、本年度办理结果", "（一）予以公开",
                                              str(report.values["t3.granted.natural_person"])]
    assert (t3[5][0]["rs"], t3[0][0]["rs"], t3[0][0]["cs"]) == (22, 3, 3)
    assert [c["text"] for c in t3[27]][-1] == str(report.values["t3.carried_forward.total"])
    t4 = tables[2]["rows"]
    assert [c["text"] for c in t4[3]] == [str(report.values[f"t4.{g}.{o}"])
                                          for g in ("review", "suit_direct", "suit_after_review")
                                          for o in ("upheld", "corrected", "other", "pending", "total")]


def test_merged_cells_span_exactly_their_rows_and_columns(measured):
    _, m = measured
    for table in m["tables"]:
        rows = table["rows"]
        tops = [min(c["top"] for c in r) for r in rows]
        bottoms = [max(c["bottom"] for c in r if c["rs"] == 1) if any(c["rs"] == 1 for c in r)
                   else None for r in rows]
        for i, row in enumerate(rows):
            for c in row:
                if c["rs"] > 1:
                    end = bottoms[i + c["rs"] - 1]
                    assert abs(c["top"] - tops[i]) < 1.5 and abs(c["bottom"] - end) < 1.5, c["text"]
        left = min(c["left"] for r in rows for c in r)
        right = max(c["right"] for r in rows for c in r)
        assert right - left <= m["body"] + 1  # nothing sticks out of the page column


def test_print_to_pdf_is_a4_and_screenshot(tmp_path):
    page = tmp_path / "report.html"
    page.write_bytes(render(clean_report(), "html"))
    pdf, png = tmp_path / "report.pdf", tmp_path / "report.png"
    _chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    _chromium(tmp_path, "--hide-scrollbars", "--window-size=900,1300", f"--screenshot={png}", page.as_uri())
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    sizes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    assert sizes and all(abs(float(w) - 595.3) < 2 and abs(float(h) - 841.9) < 2 for w, h in sizes)
    assert 2 <= len(sizes) <= 6  # a short report: a few A4 pages
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20000
