"""``python -m nianbao`` works (how people run a tool whose script folder is not on PATH, as on
Windows), and every benchmark runs, at a tiny size, so that none can rot: a benchmark that
crashes is not a figure.

Every ``benchmarks/bench_*.py`` must accept ``--tiny`` (a handful of inputs, a few seconds) and
exit 0 with it; this test finds them all, so a new benchmark is covered when it is added."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from helpers import ROOT

BENCHMARKS = sorted((ROOT / "benchmarks").glob("bench_*.py"))


def test_python_dash_m_nianbao():
    run = subprocess.run([sys.executable, "-m", "nianbao", "--help"], capture_output=True, text=True,
                         cwd=ROOT, timeout=60)
    assert run.returncode == 0, run.stderr
    assert "nianbao（年报）" in run.stdout and "collect" in run.stdout
    run = subprocess.run([sys.executable, "-m", "nianbao", "codes"], capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0 and "FILE_EMPTY" in run.stdout


def test_there_are_benchmarks():
    assert len(BENCHMARKS) >= 3, BENCHMARKS


@pytest.mark.engine  # each benchmark, in a process of its own
@pytest.mark.parametrize("bench", BENCHMARKS, ids=lambda p: p.name)
def test_benchmark_runs_tiny(bench, tmp_path):
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    run = subprocess.run([sys.executable, str(bench), "--tiny"], capture_output=True, text=True,
                         cwd=tmp_path, env=env, timeout=120)
    assert run.returncode == 0, (run.stdout[-2000:], run.stderr[-3000:])
    assert "Traceback" not in run.stderr
