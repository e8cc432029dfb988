"""Helpers shared by the command modules: messages, exit codes, atomic writes."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import typer

EXIT_CLEAN, EXIT_FINDINGS, EXIT_CANNOT_RUN = 0, 1, 2


def fail(message: str, code: int = EXIT_CANNOT_RUN):
    """Stop with a Chinese message on stderr (never a traceback)."""
    typer.echo(f"错误：{message}", err=True)
    raise typer.Exit(code)


def say(message: str = "") -> None:
    typer.echo(message)


def note(message: str) -> None:
    typer.echo(message, err=True)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write a whole file or nothing: a temp file in the same folder, then rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".~" + path.name, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def stdout_is_tty() -> bool:
    return sys.stdout.isatty()
