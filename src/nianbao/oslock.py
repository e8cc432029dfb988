"""An OS lock on an open lock file, and the lines in it that say who holds it: collect's output
folder (``nianbao.outdir``) and the portal's data folder (``nianbao.portal.lock``) both use it.

The OS drops the lock when its process ends however it ends (a kill, a power cut), so a lock
file left behind never blocks the next run: no stale-lock guessing.
"""

from __future__ import annotations

import os
import socket
import sys

LOCK_AT = 4096  # Windows locks a byte range: one past what the file says, so others can read it


def try_lock(fd: int) -> bool:
    """Lock ``fd`` for this process without waiting; False when another process holds it."""
    try:
        if sys.platform == "win32":
            import msvcrt

            os.lseek(fd, LOCK_AT, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False


def write_holder(fd: int, started: str, *more: str) -> None:
    """Say in the locked file who holds it: process id, computer, when it started, ``more``."""
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, "".join(f"{line}\n" for line in (os.getpid(), socket.gethostname(), started, *more)).encode("utf-8"))


def read_holder(fd: int, lines: int) -> list[str] | None:
    """The first ``lines`` lines :func:`write_holder` wrote (process id, computer, start, …), or
    None when the file does not say (being written, or not by nianbao)."""
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        said = (os.read(fd, 1000).decode("utf-8", "replace").split("\n") + [""] * lines)[:lines]
    except OSError:
        return None
    return said if said[0].strip().isdigit() else None


def elsewhere(host: str) -> str:
    """"，在电脑 X 上" when the holder runs on another computer (a folder on a network share)."""
    return f"，在电脑 {host} 上" if host and host != socket.gethostname() else ""
