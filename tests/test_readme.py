"""The README stays true: its two fresh-machine commands are the ones CI and the demo run, and
every ``console`` example in it runs and prints what the README shows."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _fresh_machine_commands() -> list[str]:
    block = README.split("## Two commands on a fresh machine", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line and not line.startswith("#")]


def _examples() -> list[tuple[str, list[str]]]:
    out = []
    for block in re.findall(r"```console\n(.*?)```", README, re.S):
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, *expected = chunk.rstrip("\n").split("\n")
            out.append((command, expected))
    return out


def _normal(lines) -> list[str]:
    return [re.sub(r"用时[\d.]+秒", "用时N秒", line.rstrip()) for line in lines]


def test_ci_runs_exactly_the_readme_test_command():
    main, tests = _fresh_machine_commands()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert tests in ci.splitlines()
    assert main.startswith("bash scripts/setup.sh && ")
    subprocess.run(["bash", "-n", str(ROOT / "scripts" / "setup.sh")], check=True)


def test_the_main_command_is_among_the_checked_examples():
    main, _ = _fresh_machine_commands()
    assert main.split(" && ", 1)[1] in [c for c, _ in _examples()]


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    """A folder laid out like the repository root (and, like a newcomer's clone, with no
    ../shared beside it), with the inputs linked in read-only fashion."""
    top = tmp_path_factory.mktemp("readme")
    work = top / "repo"
    work.mkdir()
    for name in ("samples", "templates"):
        (work / name).symlink_to(ROOT / name)
    return work


def test_every_console_example_prints_what_the_readme_shows(sandbox):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("COLUMNS", None)
    nianbao = str(Path(sys.executable).with_name("nianbao"))
    examples = _examples()
    assert len(examples) >= 8
    for command, expected in examples:
        assert command.startswith("nianbao ")
        run = subprocess.run(command.replace("nianbao", nianbao, 1), shell=True, cwd=sandbox, env=env,
                             capture_output=False, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True, timeout=300)
        assert run.returncode in (0, 1), f"{command}\n{run.stdout}"
        assert _normal(run.stdout.rstrip("\n").split("\n")) == _normal(expected), command


def test_the_examples_write_only_under_out(sandbox):
    """Run after the examples (pytest keeps file order): a newcomer who tries them finds their
    outputs in out/ (ignored by git), nothing new in the repository root."""
    assert sorted(p.name for p in sandbox.iterdir()) == ["out", "samples", "templates"]

