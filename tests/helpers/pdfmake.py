"""PDF reports as real bodies make them, for the PDF tests and the parse benchmark.

Made at test time from a report nianbao renders (or a corpus page), by the programs bodies use:

* **Chromium's print to PDF** (a browser's "save as PDF"; Playwright drives Debian's chromium):
  A4, scale 80–100 %, with or without backgrounds, portrait or landscape;
* **LibreOffice Writer's PDF export** (``soffice --headless --convert-to pdf``) of a ``.docx``
  and of an ``.html`` page (its HTML import drops CSS borders: a table without any rule);
* page **styles** a CMS or an office gives a table (:data:`STYLES`): every rule, cell spacing
  (``border=1 cellspacing=1``: each cell its own box, no long border), horizontal rules only,
  a 三线表 (three rules), no rule at all (text aligned in columns), letter-spaced text (each
  character its own word in the text layer), tall rows (tables split over pages), the header
  not repeated on the next page;
* what happens to PDFs afterwards: **scanned** (pages as pictures, no text layer), **rotated**
  pages (``/Rotate``), radicals and compatibility ideographs in the text layer.
"""

from __future__ import annotations

import io
import random
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SOFFICE = shutil.which("soffice")
PDFTOTEXT = shutil.which("pdftotext")

STYLES = {
    "ruled": "",
    "cellspacing": "table { border-collapse: separate; border-spacing: 2px; border: 1px solid #000; }",
    "horizontal": "th, td { border-left: none; border-right: none; }",
    "three_line": "th, td { border: none; } table { border-top: 1.5px solid #000; border-bottom: 1.5px solid #000; }"
                  " thead { border-bottom: 1px solid #000; }",
    "none": "th, td, table { border: none; }",
    "letter_spaced": "body, td, th { letter-spacing: 0.3em; }",
    "tall_rows": "td, th { padding: 9px 4px; }",
    "landscape": "@page { size: A4 landscape; }",
}


def styled(html: str, *styles: str, repeat_header: bool = True) -> str:
    """The page with the styles' CSS added; ``repeat_header=False``: header rows in the body
    (a table broken over pages does not print them again)."""
    css = "".join(STYLES[s] for s in styles)
    html = html.replace("</style>", css + "\n</style>", 1)
    if not repeat_header:
        html = html.replace("<thead>", "<tbody>").replace("</thead>", "</tbody>")
    return html


class Printer:
    """Headless chromium through Playwright: ``print(html, scale=…, background=…)`` → PDF bytes."""

    def __enter__(self):
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        self._browser = self._pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        return self

    def __exit__(self, *exc):
        self._browser.close()
        self._pw.stop()

    def print(self, html: str, scale: float = 1.0, background: bool = False, landscape: bool = False) -> bytes:
        page = self._browser.new_page()
        try:
            page.set_content(html, wait_until="load")
            return page.pdf(format="A4", scale=scale, print_background=background, landscape=landscape,
                            prefer_css_page_size=True)
        finally:
            page.close()


def soffice_pdf(data: bytes, suffix: str, tmp: Path) -> bytes:
    """LibreOffice's PDF export of a ``.docx`` or ``.html`` (what an office does with "导出为 PDF")."""
    tmp.mkdir(parents=True, exist_ok=True)
    src = tmp / f"report{suffix}"
    src.write_bytes(data)
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{tmp / 'lo-profile'}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp), str(src)], capture_output=True, timeout=180)
    return (tmp / "report.pdf").read_bytes()


def scanned(pdf: bytes, dpi: int = 60) -> bytes:
    """The PDF as a scanner makes it: every page a picture, no text layer."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    images = [doc[i].render(scale=dpi / 72).to_pil().convert("L") for i in range(len(doc))]
    out = io.BytesIO()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=dpi)
    return out.getvalue()


def rotated(pdf: bytes, degrees: int = 90) -> bytes:
    """Every page turned by ``/Rotate`` (as a viewer's "rotate and save", or a scan of a
    landscape page)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    for i in range(len(doc)):
        doc[i].set_rotation(degrees)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _variants() -> dict[str, str]:
    """Ideograph → a code point some PDF writers put in the text layer for it: a Kangxi radical
    or CJK radical supplement form (NFKC or the reader's table gives it back) or a CJK
    compatibility ideograph (its canonical decomposition is the ideograph)."""
    out: dict[str, str] = {}
    for cp in list(range(0x2F00, 0x2FD6)) + list(range(0xF900, 0xFADA)):
        ch = chr(cp)
        base = unicodedata.normalize("NFKC", ch)
        if len(base) == 1 and base != ch and "\u4e00" <= base <= "\u9fff":
            out.setdefault(base, ch)
    return out


def odd_ideographs(html: str, share: float = 0.5, seed: int = 0) -> str:
    """Text (not markup) with about ``share`` of the ideographs that have one written as their
    radical or compatibility code point."""
    variants, rnd = _variants(), random.Random(seed)
    swap = {k: v for k, v in variants.items() if rnd.random() < share}

    def text(m: re.Match) -> str:
        return "".join(swap.get(ch, ch) for ch in m[0])
    head, body = html.split("<body", 1)
    return head + "<body" + re.sub(r"(?<=>)[^<]+", text, body)


def pdftotext(pdf: bytes, tmp: Path) -> bytes:
    """What a user copies out of the PDF: poppler's ``pdftotext -layout``."""
    tmp.mkdir(parents=True, exist_ok=True)
    src = tmp / "copy.pdf"
    src.write_bytes(pdf)
    return subprocess.run([PDFTOTEXT, "-layout", str(src), "-"], capture_output=True, timeout=60).stdout
