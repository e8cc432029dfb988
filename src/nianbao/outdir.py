"""The output folder of a collect run, replaced whole: locked, rebuilt beside, swapped in.

Writing each file of OUT in place left a mix of two runs' files after a kill (the status board
of one run beside the summary of another), and two runs into one OUT interleaved. Instead:

1. **Lock.** ``.<OUT>.nianbao-lock`` beside OUT holds the PID, host and start time of the run
   and an OS lock (``flock``; ``msvcrt.locking`` on Windows) for as long as the run lasts. The
   OS drops the lock when the process dies however it dies, so a lock left by a killed run is
   stale by construction and the next run takes it; a live one makes a second run stop with a
   Chinese message naming the first.
2. **Recover** what a killed run left beside OUT (under the lock): half-built folders are
   removed; a complete new OUT whose swap was cut short is put in place.
3. **Build** the new OUT in ``.<OUT>.nianbao-new-<pid>`` (same parent, so the same disk), carry
   over what the user put in its subfolders, and mark it complete by renaming it to
   ``.<OUT>.nianbao-ready-<pid>``.
4. **Swap**, whole: on Linux one ``renameat2(RENAME_EXCHANGE)`` exchanges the two folders
   atomically — OUT is never absent and never mixed. Elsewhere (Windows, macOS, file systems
   without it) two renames: OUT aside, the new folder in; a kill between them leaves no OUT but
   a complete ready folder, which step 2 of the next run puts in place. On Windows a file of OUT
   open in Excel or WPS stops the first rename: OUT stays as it was and the run says which
   program to close.

   OUT is swapped whole only when it is nianbao's own folder. When it also holds other things
   (``-o out/`` beside one's templates), the current folder, or a mount point, OUT itself is
   left in place and nianbao's entries in it (status.*, summary.*, 反馈/, reports/) are swapped
   one by one from ``.<OUT>.nianbao-entries-<pid>``, a complete copy made first: the commit
   point is that folder's rename, and a kill among the few renames that follow is completed
   (rolled forward) by the next run's step 2. What else OUT holds is never touched.

A file that has not changed keeps its time (copied from the old OUT), so re-running on the same
inbox gives byte-identical files with unchanged times.
"""

from __future__ import annotations

import errno
import os
import shutil
import sys
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from .files import CannotWrite, write_error
from .oslock import elsewhere, read_holder, try_lock, write_holder

OWN_TOP = ("status.xlsx", "status.csv", "summary.json", "summary.xlsx", "反馈", "reports")
OWN_SUB = {"反馈": ".xlsx", "reports": ".json"}  # per-body files: those of bodies gone are dropped


class Busy(CannotWrite):
    """Another run is writing the same OUT."""


def _beside(out: Path, what: str) -> Path:
    return out.parent / f".{out.name}.nianbao-{what}"


def _temporary(name: str) -> bool:
    """A temp file of an interrupted write, or an Office lock file (stale once OUT is new)."""
    return name.startswith((".~", "~$")) or (name.startswith(".~lock.") and name.endswith("#"))


def usable(out: Path) -> None:
    """Raise CannotWrite unless OUT is a folder or does not exist yet (a file named like it is
    never replaced: its content is the user's)."""
    out = Path(out)
    if os.path.lexists(out) and not os.path.isdir(out):
        raise CannotWrite(f"无法写入 {out}：{out} 是文件，不是文件夹；请换一个文件夹")


def whole(out: Path) -> bool:
    """Whether OUT can be swapped whole: it is not (above) the current folder, not a mount
    point, and holds nothing but nianbao's entries (and temp or Office lock files)."""
    out = Path(out)
    if os.path.islink(out):  # the link is the user's: what it leads to is updated, not replaced
        return False
    try:
        here, full = Path.cwd().resolve(), out.resolve()
        if full == here or full in here.parents:
            return False
        if not out.is_dir():
            return True
        if os.path.ismount(out):
            return False
        return all(p.name in OWN_TOP or _temporary(p.name) for p in out.iterdir())
    except OSError:
        return False


# ---- the lock ------------------------------------------------------------------------------

_HELD: dict[str, int] = {}  # lock file -> its descriptor, for the locks this process holds


@contextmanager
def locked(out: Path):
    """Hold OUT's lock for the block (a no-op when this process holds it already); raises Busy
    when another live run holds it."""
    lock = _beside(Path(out), "lock")
    if os.path.abspath(lock) in _HELD:
        yield
        return
    hold(out)
    try:
        yield
    finally:
        _release(_HELD.pop(os.path.abspath(lock)), lock)


def hold(out: Path) -> None:
    """Take OUT's lock until this process ends (``collect`` takes it before reading the inbox,
    so that a second run stops at once). Raises Busy when another live run holds it."""
    import atexit

    out = Path(out)
    lock = _beside(out, "lock")
    key = os.path.abspath(lock)
    if key in _HELD:
        return
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_error(lock, exc) from None
    _HELD[key] = _acquire(lock, out)
    atexit.register(_release_at_exit, key, lock)


def forget_inherited() -> None:
    """In a forked child: close its copies of the lock descriptors (the parent keeps the lock;
    it is released when the parent's copy closes, however the parent ends)."""
    for fd in _HELD.values():
        try:
            os.close(fd)
        except OSError:
            pass
    _HELD.clear()


def _release_at_exit(key: str, lock: Path) -> None:
    if key in _HELD:
        _release(_HELD.pop(key), lock)


def _acquire(lock: Path, out: Path) -> int:
    for _ in range(20):
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o644)
        except OSError as exc:
            raise write_error(lock, exc) from None
        if not try_lock(fd):
            holder = _holder(fd)
            os.close(fd)
            raise Busy(f"另一个 nianbao collect{holder}正在写入 {out}；请等它结束后再运行")
        try:  # the file may have been removed and recreated by a run that just ended
            same = os.path.samestat(os.fstat(fd), os.stat(lock))
        except OSError:
            same = False
        if same:
            write_holder(fd, datetime.now().astimezone().isoformat(timespec="seconds"))
            return fd
        os.close(fd)
    raise Busy(f"无法锁定输出文件夹 {out}（锁文件 {lock} 一直在变）；请稍后再运行")


def _holder(fd: int) -> str:
    """（进程 1234，2026-01-20T10:00:00+08:00 开始） from the lock file, when it says."""
    said = read_holder(fd, 3)
    if said is None:
        return ""
    pid, host, started = said
    return f"（进程 {pid.strip()}{elsewhere(host)}，{started} 开始）"


def _release(fd: int, lock: Path) -> None:
    if sys.platform == "win32":  # an open file cannot be removed there: close first
        os.close(fd)
        try:
            os.unlink(lock)
        except OSError:
            pass
        return
    try:
        os.unlink(lock)  # while still locked: a run waiting on this file sees it replaced
    except OSError:
        pass
    os.close(fd)


# ---- recover, build, swap ------------------------------------------------------------------

def recover(out: Path) -> None:
    """Under the lock: finish what a killed run left beside OUT — entries of a per-entry swap
    are moved in (rolled forward), a complete new OUT whose whole swap was cut short is put in
    place (else the set-aside old one back) — and remove every other folder it left."""
    out = Path(out)
    prefix = f".{out.name}.nianbao-"
    try:
        left = sorted(p for p in out.parent.iterdir() if p.name.startswith(prefix) and p.is_dir())
    except OSError:
        return
    for p in left:
        if p.name.startswith(prefix + "entries-"):
            _move_entries(p, out)
    for kind in ("ready", "old"):  # a complete new OUT first; else the old one back
        for p in left:
            if p.name.startswith(prefix + kind) and p.exists() and not os.path.lexists(out):
                os.rename(p, out)
    for p in left:
        _remove(p)


def building(out: Path) -> Path:
    """A fresh folder beside OUT to build the new OUT in."""
    new = _beside(Path(out), f"new-{os.getpid()}")
    _remove(new)
    try:
        new.mkdir(parents=True)
    except OSError as exc:
        raise write_error(new / "status.csv", exc) from None
    return new


def carry_over(out: Path, new: Path, produced: set[str]) -> None:
    """Files the user put in OUT's subfolders (not nianbao's per-body files, temp files or
    Office lock files) go into the new OUT too, linked where the disk allows (else copied)."""
    for folder, suffix in OWN_SUB.items():
        old = Path(out) / folder
        if not old.is_dir():
            continue
        for p in old.rglob("*"):
            rel = p.relative_to(out).as_posix()
            if not p.is_file() or rel in produced or _temporary(p.name) \
                    or (p.parent == old and p.suffix.lower() == suffix):
                continue
            target = new / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(p, target)
            except OSError:
                shutil.copy2(p, target)


def swap_in(new: Path, out: Path) -> None:
    """Put the new OUT in place: whole when OUT is nianbao's own folder, else entry by entry
    (see the module's description)."""
    out = Path(out)
    if not whole(out):
        entries = _beside(out, f"entries-{os.getpid()}")
        try:
            os.rename(new, entries)  # the commit point: from here on, the next run completes it
        except OSError as exc:
            _remove(new)
            raise _swap_error(out, exc) from None
        try:
            _move_entries(entries, out)
        except OSError as exc:
            raise _swap_error(out, exc) from None
        _remove(entries)
        return
    ready = _beside(out, f"ready-{os.getpid()}")
    if os.path.lexists(out) and not os.path.isdir(out):  # became a file meanwhile: never swapped
        _remove(new)
        usable(out)
    try:
        os.rename(new, ready)
        if not os.path.lexists(out):
            os.rename(ready, out)
            return
        if _exchange(ready, out):  # now ``ready`` holds the old OUT
            _remove(ready)
            return
        old = _beside(out, f"old-{os.getpid()}")
        os.rename(out, old)
    except OSError as exc:
        _remove(new)
        _remove(ready)
        raise _swap_error(out, exc) from None
    try:
        os.rename(ready, out)
    except OSError as exc:
        os.rename(old, out)  # the old OUT back as it was
        _remove(ready)
        raise _swap_error(out, exc) from None
    _remove(old)


def _move_entries(entries: Path, out: Path) -> None:
    """Move every entry of ``entries`` into OUT, replacing OUT's: files in one rename each,
    folders set aside first. Idempotent, so a kill anywhere is completed by doing it again."""
    out.mkdir(parents=True, exist_ok=True)
    aside = _beside(out, f"old-{os.getpid()}")
    for name in sorted(os.listdir(entries)):
        src, dst = entries / name, out / name
        if src.is_dir() and os.path.lexists(dst):
            aside.mkdir(exist_ok=True)
            _remove(aside / name)
            os.rename(dst, aside / name)
        os.replace(src, dst)
    _remove(aside)


def _swap_error(out: Path, exc: OSError) -> CannotWrite:
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EBUSY) and sys.platform == "win32":
        return CannotWrite(f"无法更新输出文件夹 {out}：其中有文件正被其他程序（如 Excel 或 WPS）打开，"
                           "请关闭 status.xlsx、summary.xlsx 和反馈表后重试")
    return write_error(out, exc)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2`` with ``RENAME_EXCHANGE``); False where
    the system or the file system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    at_fdcwd, exchange = -100, 2
    src, dst = os.fsencode(a), os.fsencode(b)
    try:
        fn = libc.renameat2
        fn.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
        return fn(at_fdcwd, src, at_fdcwd, dst, exchange) == 0
    except AttributeError:  # a C library without the wrapper: the system call itself
        number = {"x86_64": 316, "aarch64": 276}.get(os.uname().machine)
        if number is None:
            return False
        return libc.syscall(number, at_fdcwd, src, at_fdcwd, dst, exchange) == 0


def _remove(path: Path) -> None:
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path, ignore_errors=True)
    elif os.path.lexists(path):
        try:
            os.unlink(path)
        except OSError:
            pass
