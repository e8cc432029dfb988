"""Writing output files: whole or not at all, readable like any other file the user makes."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class CannotWrite(Exception):
    """An output file could not be written; the message (Chinese) says why and what to do."""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_bytes(path, data: bytes) -> None:
    """Write a temp file in the same folder, then rename it over ``path``: a reader never sees
    half a file, and an interrupted run leaves the old file. The file gets the usual
    permissions (mkstemp's are owner-only)."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".~" + path.name, dir=path.parent)
    except OSError as exc:
        raise CannotWrite(f"无法在 {path.parent} 中写入文件（{exc.strerror or exc}）") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(exc, PermissionError):  # on Windows: the file is open in Excel or WPS
            raise CannotWrite(f"无法写入 {path}：文件可能正在 Excel 或 WPS 中打开，请关闭后重试") from None
        raise


def atomic_write_text(path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))
