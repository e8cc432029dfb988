"""Reviewable goldens, beside the byte goldens (``templates/``, ``samples/``): the blank template's
parts as pretty-printed XML, and the seed report rendered as HTML and Markdown, in
``tests/goldens/``. A change to what nianbao writes shows in a review as a readable diff of
these files; the byte goldens then say the bytes changed on purpose.

Regenerate (after a deliberate change, with the byte goldens)::

    python3 tests/test_goldens.py
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path
from xml.dom import minidom

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a script: helpers

from helpers import ROOT  # noqa: E402

GOLDENS = ROOT / "tests" / "goldens"
TEMPLATE = GOLDENS / "template-2026"
SEED = ROOT / "samples" / "zhongcun-2022.json"
# the parts a reviewer reads: every sheet, the workbook (sheets, defined names), the shared strings
# and the identity; styles.xml and the theme are format plumbing (the byte golden covers them)
PARTS = ("xl/workbook.xml", "xl/sharedStrings.xml", "docProps/custom.xml")


def pretty(xml: bytes, strings: list[str] | None = None) -> str:
    """XML indented one element a line (text and attribute values untouched), except that a
    sheet's shared-string cells show their text in place of its index in the shared strings:
    a diff then shows what changed where, not every index after a new string."""
    doc = minidom.parseString(xml)
    for c in doc.getElementsByTagName("c") if strings else ():
        v = c.getElementsByTagName("v")
        if c.getAttribute("t") == "s" and v and v[0].firstChild is not None:
            v[0].firstChild.data = strings[int(v[0].firstChild.data)]
    text = doc.toprettyxml(indent="  ")
    return "\n".join(line for line in text.splitlines() if line.strip()) + "\n"


def shared_strings(z: zipfile.ZipFile) -> list[str]:
    doc = minidom.parseString(z.read("xl/sharedStrings.xml"))
    return ["".join(t.firstChild.data for t in si.getElementsByTagName("t") if t.firstChild is not None)
            for si in doc.getElementsByTagName("si")]


def template_parts() -> dict[str, str]:
    """File name in the golden folder -> pretty XML, for the blank 2026 template."""
    import nianbao

    data = nianbao.template(2026)
    out = {}
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = sorted(n for n in z.namelist() if n.startswith("xl/worksheets/sheet") or n in PARTS)
        strings = shared_strings(z)
        for name in names:
            out[name.replace("/", "__")] = pretty(z.read(name), strings if "worksheets" in name else None)
    return out


def seed_renders() -> dict[str, str]:
    import nianbao

    report = nianbao.load(SEED)
    return {"zhongcun-2022.html": nianbao.render(report, "html").decode("utf-8"),
            "zhongcun-2022.md": nianbao.render(report, "markdown").decode("utf-8")}


def goldens() -> dict[Path, str]:
    return {**{TEMPLATE / k: v for k, v in template_parts().items()},
            **{GOLDENS / k: v for k, v in seed_renders().items()}}


@pytest.mark.parametrize("path", sorted(goldens()), ids=lambda p: p.relative_to(GOLDENS).as_posix())
def test_golden(path):
    assert path.exists(), f"{path} missing: python3 tests/test_goldens.py"
    assert goldens()[path] == path.read_text(encoding="utf-8"), f"{path} differs: review, then python3 tests/test_goldens.py"


def test_no_stale_golden():
    on_disk = {p for p in GOLDENS.rglob("*") if p.is_file()}
    assert on_disk == set(goldens())


def test_the_byte_golden_is_what_the_readable_one_shows():
    """templates/ (the byte golden) pretty-prints to the same sheets."""
    blank = ROOT / "templates" / "2026_政府信息公开工作年度报告_空白模板.xlsx"
    with zipfile.ZipFile(blank) as z:
        strings = shared_strings(z)
        for name, text in template_parts().items():
            assert pretty(z.read(name.replace("__", "/")), strings if "worksheets" in name else None) == text, name


if __name__ == "__main__":
    for p in GOLDENS.rglob("*"):
        if p.is_file():
            p.unlink()
    for path, text in goldens().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(path.relative_to(ROOT))
