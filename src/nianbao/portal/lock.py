"""One server per data folder: ``serve.lock`` in the folder holds an OS lock (``flock``;
``msvcrt.locking`` on Windows) for as long as the server runs, and says who holds it.

Two servers on one folder would share its database and file store, and each empties ``tmp/``
and ``work/`` at start — under the other's uploads. The OS drops the lock when the process ends
however it ends (a kill, a power cut), so a lock left behind never blocks the next start. The
library's lock of collect's output folder (``nianbao.outdir``) is the same idea; its messages
speak of collect, and the portal keeps this one beside its own start-up.
"""

from __future__ import annotations

import os
import socket
import sys
from datetime import datetime
from pathlib import Path

NAME = "serve.lock"
_LOCK_AT = 4096  # Windows locks a byte range: one past what the file says, so others can read it


class Held(Exception):
    """Another live server holds the folder; the message says which, in Chinese."""


def hold(data: Path, url: str) -> int:
    """Take the folder's lock for the life of this process; returns its descriptor (kept open:
    closing it, or the process ending, releases the lock)."""
    path = Path(data) / NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)
    if not _lock(fd):
        holder = _holder(fd)
        os.close(fd)
        raise Held(f"数据文件夹 {data} 已有一个报送平台在运行{holder}。同一个数据文件夹只能运行一个平台："
                   "请直接使用它，或先在它的窗口中按 Ctrl+C 停止后再启动。")
    started = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, f"{os.getpid()}\n{socket.gethostname()}\n{started}\n{url}\n".encode("utf-8"))
    return fd


def _lock(fd: int) -> bool:
    try:
        if sys.platform == "win32":
            import msvcrt

            os.lseek(fd, _LOCK_AT, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False


def _holder(fd: int) -> str:
    """（进程 1234，2026-01-20 10:00 启动，http://…/） from the lock file, when it says."""
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        pid, host, started, url = (os.read(fd, 1000).decode("utf-8", "replace").split("\n") + [""] * 4)[:4]
    except OSError:
        return ""
    if not pid.strip().isdigit():
        return ""
    where = f"，在电脑 {host} 上" if host and host != socket.gethostname() else ""
    return f"（进程 {pid}{where}，{started} 启动{('，' + url) if url else ''}）"
