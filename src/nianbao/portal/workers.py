"""Imports run in separate worker processes with memory and time limits, so that a hostile
upload (a zip bomb, an enormous sheet) cannot take the portal down or hold it up.

A few long-lived workers (started at server start: starting Python for each upload would cost
more than the import) each import one file at a time. A request borrows an idle worker, sends
it the file's path and waits at most ``timeout`` seconds: a worker that takes longer is killed
and replaced, and the upload gets a finding saying so. On POSIX each worker's address space is
limited (``RLIMIT_AS``): an import that needs more fails with MemoryError inside the worker,
which reports it and is replaced. On Windows there is no such limit (the importer's own size
checks remain, and the time limit still applies). The workers use the "spawn" start method on
every platform: never a fork of the threaded server.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import threading
import time

log = logging.getLogger("nianbao.portal")

MEMORY_LIMIT = 1024 * 2**20  # address space of a worker
TIME_LIMIT = 30.0  # seconds for one import
WAIT_LIMIT = 120.0  # seconds a request waits for a free worker before giving up


def _serve(conn, memory_limit: int) -> None:
    """A worker: import the paths it is sent until told to stop."""
    if memory_limit and os.name == "posix":
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    from . import library

    library.load_importer()  # before "ready": the first upload does not wait for it
    conn.send(("ready", None))  # the time limit counts from here, not from Python's start
    while True:
        try:
            path = conn.recv()
        except EOFError:
            return
        if path is None:
            return
        try:
            result = library.import_file(path)
            if library.ran_out_of_memory(result):  # the importer reports it as the file's problem
                conn.send(("memory", None))
                return
            conn.send(("ok", result))
        except MemoryError:
            conn.send(("memory", None))
            return  # a worker that ran out of memory is not trusted again
        except Exception as exc:  # noqa: BLE001 - the importer catches what it knows; anything else is reported
            conn.send(("error", f"{type(exc).__name__}: {exc}"[:200]))


class _Worker:
    def __init__(self, ctx, memory_limit: int):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child, memory_limit), daemon=True,
                                   name="nianbao-import")
        self.process.start()
        child.close()
        self.ready = False
        self.born = time.monotonic()

    def wait_ready(self, timeout: float = 120) -> bool:
        try:
            if not self.ready and self.conn.poll(timeout):
                self.ready = self.conn.recv()[0] == "ready"
        except (EOFError, OSError):  # it died while starting
            return False
        return self.ready

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:
                pass
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5)
        self.conn.close()


class ImportPool:
    """``size`` worker processes; :meth:`run` imports one file and returns import_file's result
    (or a stored failure result when the worker ran out of time or memory)."""

    def __init__(self, size: int = 2, memory_limit: int = MEMORY_LIMIT, time_limit: float = TIME_LIMIT):
        self.ctx = multiprocessing.get_context("spawn")
        self.memory_limit, self.time_limit = memory_limit, time_limit
        self.idle: queue.Queue = queue.Queue()
        self.lock = threading.Lock()
        self.workers: list[_Worker] = []
        for _ in range(max(1, size)):
            self._add()

    def _add(self) -> None:
        w = _Worker(self.ctx, self.memory_limit)
        with self.lock:
            self.workers.append(w)
        self.idle.put(w)

    def _replace(self, w: _Worker, kill: bool) -> None:
        with self.lock:
            if w in self.workers:
                self.workers.remove(w)
        w.stop(kill=kill)
        self._add()

    def run(self, path: str) -> tuple[dict | None, str]:
        """(result, "") or (None, why it failed: "time", "memory", "busy" or an error).

        A worker found dead before it had the file (killed while idle: the system's OOM killer,
        an administrator) is replaced and the file goes to another, at no cost to the upload. So
        is one that dies during the import when it was started before this import began (it may
        have been killed while idle, just now); the file is to blame only when it kills two
        workers started for it, and then gets a finding."""
        from . import library

        began, deaths = time.monotonic(), 0
        for _ in range(4 + 2 * len(self.workers)):  # bounded, even if every worker dies at birth
            try:
                w = self.idle.get(timeout=WAIT_LIMIT)
            except queue.Empty:
                return None, "busy"
            kind, payload = self._attempt(w, path)
            if kind == "dead":
                continue
            if kind == "died":
                deaths += w.born > began
                if deaths < 2:
                    continue
                return library.failed_import("检查进程意外退出（文件可能过大或已损坏）"), "died"
            if kind == "time":
                return library.failed_import(f"检查超过{self.time_limit:g}秒仍未完成，已停止；文件可能过于庞大"), "time"
            if kind == "memory":
                return library.failed_import(f"检查所需内存超过{self.memory_limit // 2**20} MB 的上限，文件可能过于庞大"), "memory"
            if kind == "error":
                return library.failed_import(str(payload)), "error"
            return payload if isinstance(payload, dict) else None, ""
        return library.failed_import("检查进程无法启动"), "died"

    def _attempt(self, w: _Worker, path: str) -> tuple[str, object]:
        """Import on worker ``w`` (taken from the idle queue; given back or replaced here):
        ("ok", result), ("error", why), ("memory"|"time"|"died"|"dead", None)."""
        started = time.monotonic()
        if not w.process.is_alive() or not w.wait_ready():
            self._replace(w, kill=True)
            return "dead", None
        try:
            w.conn.send(path)
        except OSError:  # it died since: it never had the file
            self._replace(w, kill=True)
            return "dead", None
        try:
            if not w.conn.poll(self.time_limit):
                log.warning("import of %s took over %.0f s: worker killed", path, self.time_limit)
                self._replace(w, kill=True)
                return "time", None
            kind, payload = w.conn.recv()
        except (EOFError, OSError):  # it died during the import (killed, crashed)
            log.warning("import worker died during %s: replaced", path)
            self._replace(w, kill=True)
            return "died", None
        if kind == "memory":
            self._replace(w, kill=False)
            return "memory", None
        self.idle.put(w)
        log.debug("imported %s in %.0f ms", path, 1000 * (time.monotonic() - started))
        return kind, payload

    def close(self) -> None:
        with self.lock:
            workers, self.workers = list(self.workers), []
        for w in workers:
            w.stop()


_POOL: ImportPool | None = None


def pool() -> ImportPool:
    """The server's pool (started by ``nianbao serve``; started on first use elsewhere)."""
    if _POOL is None:
        return start(2)
    return _POOL


def start(size: int) -> ImportPool:
    """Start the server's pool. The limits can be changed with NIANBAO_PORTAL_IMPORT_SECONDS and
    NIANBAO_PORTAL_IMPORT_MEMORY_MB (the tests use small ones)."""
    global _POOL
    seconds = float(os.environ.get("NIANBAO_PORTAL_IMPORT_SECONDS") or TIME_LIMIT)
    memory = int(float(os.environ.get("NIANBAO_PORTAL_IMPORT_MEMORY_MB") or MEMORY_LIMIT / 2**20) * 2**20)
    _POOL = ImportPool(size, memory_limit=memory, time_limit=seconds)
    return _POOL


def stop() -> None:
    global _POOL
    if _POOL is not None:
        _POOL.close()
        _POOL = None
