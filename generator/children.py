"""Child processes that die with the `briefing` process that started them.

A `briefing` killed with SIGKILL cannot stop its children: the MkDocs build it runs, the worker
processes of `fmt` and of the PDF briefings. Left alone, they would go on writing (MkDocs into
`site.building/`) or wait forever for work that never comes. On Linux each child asks the kernel,
as its first act, to be sent SIGKILL when its parent dies (`prctl(PR_SET_PDEATHSIG)`); it is
passed on through `exec`, so it holds for the MkDocs program too. Elsewhere this does nothing.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import sys
from typing import Any, Callable

_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>

# Looked up now, in the parent: a child between fork and exec should only make the call.
_prctl: Callable[..., int] | None
try:
    _prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform.startswith("linux") else None
except (OSError, AttributeError):  # no C library to be had: the children outlive a killed parent
    _prctl = None


def die_with_parent(parent: int | None) -> None:
    """In a child process: be killed when its parent dies. With `parent` (the pid it was started
    by), exit at once when that process has already died (its child now has another parent)."""
    if _prctl is None:
        return
    _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if parent is not None and os.getppid() != parent:  # died before the call: no signal will come
        os._exit(1)


#: glibc's `malloc_trim`, which gives the free memory at the top of the heap and in its free
#: pages back to the system; None elsewhere (musl, macOS: nothing to call).
_malloc_trim: Callable[[int], int] | None
try:
    _malloc_trim = ctypes.CDLL(None).malloc_trim if sys.platform.startswith("linux") else None
except (OSError, AttributeError):
    _malloc_trim = None


def release_memory() -> None:
    """Before forking: collect the garbage and give the free memory back to the system, so that
    a child starts from what this process really holds. A forked child's resident size (and
    the peak the system reports for it) counts every page of its parent it maps, freed or not."""
    gc.collect()
    if _malloc_trim is not None:
        _malloc_trim(0)


def preexec_die_with_parent() -> Callable[[], None]:
    """A `preexec_fn` for subprocess: the program it starts dies with this process."""
    parent = os.getpid()
    return lambda: die_with_parent(parent)


def pool_options() -> dict[str, Any]:
    """Keyword arguments for ProcessPoolExecutor: each worker dies with the process that made it
    (this one when workers are forked; under the "forkserver" and "spawn" methods, the helper
    process that starts them, which itself ends when this process does)."""
    forked = multiprocessing.get_start_method() == "fork"
    return {"initializer": die_with_parent, "initargs": (os.getpid() if forked else None,)}
