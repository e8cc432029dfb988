"""Shared fixtures: the spec folder, the format, the layout."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SPEC_MD = SHARED / "spec" / "format-2021.md"
SEED_TXT = SHARED / "samples" / "zhongcun-2022-published.txt"


def pytest_sessionstart(session):
    # Many tests read the spec and the seed report: say so once instead of failing them one by one.
    if not SPEC_MD.is_file():
        pytest.exit(f"the tests need the shared spec folder beside the repository: {SHARED} "
                    "(see README, 'Where things are')", returncode=4)


@pytest.fixture(scope="session")
def fmt():
    from nianbao.spec import get_format

    return get_format("gb2021")


@pytest.fixture(scope="session")
def layout():
    from nianbao.layout import layout_for

    return layout_for("gb2021")
