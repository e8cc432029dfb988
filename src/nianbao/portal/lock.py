"""One server per data folder: ``serve.lock`` in the folder holds an OS lock (``flock``;
``msvcrt.locking`` on Windows) for as long as the server runs, and says who holds it.

Two servers on one folder would share its database and file store, and each empties ``tmp/``
and ``work/`` at start — under the other's uploads. The OS drops the lock when the process ends
however it ends (a kill, a power cut), so a lock left behind never blocks the next start. The
lock itself is the library's (``nianbao.oslock``, which collect's output folder uses too); the
messages speak of the portal.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from ..oslock import elsewhere, read_holder, try_lock, write_holder

NAME = "serve.lock"


class Held(Exception):
    """Another live server holds the folder; the message says which, in Chinese."""


def hold(data: Path, url: str) -> int:
    """Take the folder's lock for the life of this process; returns its descriptor (kept open:
    closing it, or the process ending, releases the lock)."""
    path = Path(data) / NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)
    if not try_lock(fd):
        holder = _holder(fd)
        os.close(fd)
        raise Held(f"数据文件夹 {data} 已有一个报送平台在运行{holder}。同一个数据文件夹只能运行一个平台："
                   "请直接使用它，或先在它的窗口中按 Ctrl+C 停止后再启动。")
    write_holder(fd, datetime.now().astimezone().strftime("%Y-%m-%d %H:%M"), url)
    return fd


def _holder(fd: int) -> str:
    """（进程 1234，2026-01-20 10:00 启动，http://…/） from the lock file, when it says."""
    said = read_holder(fd, 4)
    if said is None:
        return ""
    pid, host, started, url = said
    return f"（进程 {pid}{elsewhere(host)}，{started} 启动{('，' + url) if url else ''}）"
