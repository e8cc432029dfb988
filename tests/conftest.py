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


# ``engine``: a test that needs a real engine (it skips itself without one: what it says then
# names the engine) or runs a real server (the ``portal_factory`` fixture: ``nianbao serve``
# over HTTP) is marked ``engine`` here; those that kill processes or run the benchmarks are
# marked in their modules. ``pytest -m "not engine"`` is the quick loop; CI runs everything.
ENGINES = ("LibreOffice", "soffice", "Chromium", "chromium", "Gnumeric", "ssconvert", "PostgreSQL",
           "pdftohtml", "poppler")


def pytest_collection_modifyitems(items):
    engine = pytest.mark.engine
    for item in items:
        reasons = [str(m.kwargs.get("reason", "")) for m in item.iter_markers("skipif")]
        if any(name in reason for reason in reasons for name in ENGINES) \
                or "portal_factory" in getattr(item, "fixturenames", ()):
            item.add_marker(engine)
