"""Fixtures of the portal tests: a portal server per database (SQLite, and PostgreSQL: the
server ``.ci/run`` starts, named by NIANBAO_TEST_DATABASE_URL, else one started here when the
binaries are installed), sample workbooks, the county's roster."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from portal_kit import Portal, fresh_database, load_script  # noqa: E402

pytest.importorskip("django", reason="the portal needs pip install '.[portal]'")
pg = load_script("test_postgres")


@pytest.fixture(scope="session")
def pg_url():
    """The address of a PostgreSQL server for tests (None: none available)."""
    url = os.environ.get("NIANBAO_TEST_DATABASE_URL")
    if url:
        yield url
        return
    if pg.bin_dir() is None:
        yield None
        return
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="nianbao-pg-"))  # not under pytest's folder: the server's user must reach it
    try:
        url = pg.start(folder)
        pg.wait_ready(url)
        yield url
    finally:
        pg.stop(folder)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.engine)])
def database(request):
    """"" (SQLite in the data folder) or the address of a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return ""
    pg_url = request.getfixturevalue("pg_url")
    if pg_url is None:
        pytest.skip("no PostgreSQL server (bash scripts/setup.sh --test installs one; .ci/run starts it)")
    return fresh_database(pg_url)


@pytest.fixture
def portal_factory(tmp_path):
    started = []

    def make(database: str = "", env: dict | None = None, data: Path | None = None, args=()) -> Portal:
        p = Portal(data or tmp_path / f"data{len(started)}", database, env, args).start()
        started.append(p)
        return p

    yield make
    for p in started:
        p.stop()


@pytest.fixture
def portal(portal_factory, database):
    return portal_factory(database)
