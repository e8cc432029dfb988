"""The finding-code catalogue: complete, documented, and docs/finding-codes.md up to date."""

from __future__ import annotations

import re
from pathlib import Path

from nianbao.findings import catalogue, catalogue_markdown

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "finding-codes.md"
_DECLARED = re.compile(r"""\bcode\(\s*["']([A-Z][A-Z0-9_]*)["']""")
_BUILT = re.compile(r"""Finding\(\s*code\s*=\s*["']([A-Z][A-Z0-9_]*)["']""")


def test_doc_is_current():
    assert DOC.read_text(encoding="utf-8") == catalogue_markdown(), \
        "docs/finding-codes.md is stale: run  nianbao codes --markdown > docs/finding-codes.md"


def test_every_code_in_the_source_is_in_the_catalogue():
    cat = catalogue()
    found = set()
    for py in (ROOT / "src" / "nianbao").rglob("*.py"):
        text = py.read_text(encoding="utf-8")
        found |= set(_DECLARED.findall(text)) | set(_BUILT.findall(text))
    assert found, "no finding codes found in the source"
    assert sorted(found - set(cat)) == []


def test_every_code_is_explained():
    """A message in both languages; errors and warnings also say what to do, in Chinese."""
    for c in catalogue().values():
        assert c.zh and c.en and re.search(r"[\u4e00-\u9fff]", c.zh), c.code
        if c.severity != "info":
            assert re.search(r"[\u4e00-\u9fff]", c.hint), c.code


def test_importer_codes_catalogued():
    from nianbao import importer, importer_cells, reader

    cat = catalogue()
    for module in (reader, importer, importer_cells):
        for value in vars(module).values():
            if type(value).__name__ == "Code":
                assert cat[value.code] == value and value.hint, value.code
