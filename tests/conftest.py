"""Shared fixtures: the format, the layout, and where the repository's own test data is.

Nothing here (or anywhere in the tests) reads ``../shared``: a newcomer's clone has only the
repository, so the seed report, the real published reports and the official notices the tests
use are all copies inside it."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def fmt():
    from nianbao.spec import get_format

    return get_format("gb2021")


@pytest.fixture(scope="session")
def layout():
    from nianbao.layout import layout_for

    return layout_for("gb2021")
