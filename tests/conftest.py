"""Shared fixtures: the spec folder, the format, the layout."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SPEC_MD = SHARED / "spec" / "format-2021.md"
SEED_TXT = SHARED / "samples" / "zhongcun-2022-published.txt"


@pytest.fixture(scope="session")
def fmt():
    from nianbao.spec import get_format

    return get_format("gb2021")


@pytest.fixture(scope="session")
def layout():
    from nianbao.layout import layout_for

    return layout_for("gb2021")
