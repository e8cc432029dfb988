"""What the tests share besides fixtures: where the repository and its test data are, and helper
modules (``helpers.<module>``; test modules never import each other).

Test modules import these from here, never from ``conftest`` (a conftest is pytest's, and with
several of them in the tree ``import conftest`` finds whichever was imported first)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEED_TXT = ROOT / "samples" / "zhongcun-2022-published.txt"
