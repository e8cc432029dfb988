"""Process pools whose workers die with their parent.

When a parent is killed (``kill -9``, the OOM killer), the workers of a plain
``ProcessPoolExecutor`` wait forever on a queue that no one feeds any more — and hold the
parent's stdout open, so that ``out=$(nianbao collect …)`` never returns. Each worker made
here ends itself when its parent is gone, two ways:

* on Linux, ``prctl(PR_SET_PDEATHSIG, SIGKILL)`` (via ctypes): the kernel kills the worker as
  its parent dies;
* everywhere, a thread that waits on multiprocessing's parent sentinel (a pipe, or a process
  handle on Windows, that becomes ready when the parent is gone) and then exits the worker.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
from concurrent.futures import ProcessPoolExecutor

_PR_SET_PDEATHSIG = 1


def pool(max_workers: int, mp_context=None) -> ProcessPoolExecutor:
    """A ProcessPoolExecutor whose workers exit when this process dies."""
    return ProcessPoolExecutor(max_workers, mp_context=mp_context, initializer=die_with_parent)


def die_with_parent() -> None:
    """Run in a worker (a pool initializer): end this process when its parent ends, and let
    go of the output folder's lock a forked worker inherits (it must end with the parent)."""
    held = sys.modules.get("nianbao.outdir")
    if held is not None:
        held.forget_inherited()
    parent = multiprocessing.parent_process()
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
        if parent is not None and os.getppid() != parent.pid:  # it died before prctl took hold
            os._exit(1)
    if parent is not None and parent.sentinel is not None:
        threading.Thread(target=_watch, args=(parent.sentinel,), daemon=True,
                         name="nianbao-parent-watch").start()


def _watch(sentinel) -> None:
    from multiprocessing.connection import wait

    wait([sentinel])
    os._exit(1)
