"""What the tests share besides fixtures: where the repository and its test data are, and helper
modules (``helpers.<module>``; test modules never import each other):

* ``lo`` -- LibreOffice headless with a profile that really recalculates (``needs_soffice``);
* ``import_kit`` -- a template to fill, values that balance, an import that validates its JSON;
* ``zipkit`` -- edits inside a workbook's zip (hidden identity, texts, hostile parts, bombs);
* ``county`` -- a fictional county of 30 bodies and its inbox, and ``scripts/make_samples.py``;
* ``reports`` -- reports made in memory (a body's, a clean one with every text);
* ``rule_cases`` -- a report breaking and one keeping each rule, per kind (the meta-test);
* ``formats`` -- a format that exists only in the tests; ``published``, ``wild`` -- parsing.

Test modules import these from here, never from ``conftest`` (a conftest is pytest's, and with
several of them in the tree ``import conftest`` finds whichever was imported first)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEED_TXT = ROOT / "samples" / "zhongcun-2022-published.txt"
