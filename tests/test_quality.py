"""The code is typed (mypy: the whole library, its core strictly — see pyproject.toml) and
lint-clean (ruff), and the package says it is typed (py.typed), so that a program using
nianbao as a library is type-checked against it."""

from __future__ import annotations

import subprocess
import sys

from helpers import ROOT


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_mypy_is_clean():
    run = _run("mypy")
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]


def test_ruff_is_clean():
    run = _run("ruff", "check", "src", "tests", "scripts", "benchmarks")
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]


def test_the_package_is_marked_typed():
    assert (ROOT / "src" / "nianbao" / "py.typed").is_file()
    assert 'nianbao = ["py.typed"' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")
