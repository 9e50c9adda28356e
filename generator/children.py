"""Child processes that die with the `briefing` process that started them.

A `briefing` killed with SIGKILL cannot stop its children: the MkDocs build it runs, the worker
processes of `fmt` and of the PDF briefings. Left alone, they would go on writing (MkDocs into
`site.building/`) or wait forever for work that never comes. On Linux each child asks the kernel,
as its first act, to be sent SIGKILL when its parent dies (`prctl(PR_SET_PDEATHSIG)`); it is
passed on through `exec`, so it holds for the MkDocs program too. Elsewhere this does nothing.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import signal
import sys
from typing import Any, Callable, ClassVar, Self

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


#: The environment variable that, set to 1, keeps a build to one process at a time (split.py's
#: pages, mkdocs_split.py's MkDocs pages, site.py's MkDocs started ahead).
JOBS = "BRIEFING_JOBS"


def one_process_asked() -> bool:
    """Whether the environment asks for one process at a time (`BRIEFING_JOBS=1`)."""
    return os.environ.get(JOBS, "").strip() == "1"


def cpus_allowed() -> int:
    """How many processes a build may keep busy at once: the CPUs this process may use, or 1 when
    the environment asks for one process at a time (`BRIEFING_JOBS=1`: the page families, MkDocs,
    the validation workers and the PDF workers alike)."""
    if one_process_asked():
        return 1
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):  # not Linux, or a sandbox refusing the call (seccomp)
        return os.cpu_count() or 1


def two_processes_possible() -> bool:
    """Whether a forked worker may share a build's work: not when one process is asked for, only
    on Linux (with fork) and with two CPUs or more for this process."""
    return hasattr(os, "fork") and sys.platform.startswith("linux") and cpus_allowed() >= 2


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


class Forked:
    """A forked process running one job (a function returning bytes), whose result comes back
    through a pipe; started with `start`, read with `reply`, ended early with `stop`.

    A child forked later (another `Forked`, say) closes the read ends of the pipes of those
    already running: it has no use for them, and it cannot then keep one open by mistake."""

    #: The read ends of the pipes of the workers this process started and has not read yet.
    _open: ClassVar[set[int]] = set()

    def __init__(self, pid: int, pipe: int) -> None:
        self.pid = pid
        self.pipe = pipe
        Forked._open.add(pipe)

    @classmethod
    def start(cls, job: Callable[[], bytes]) -> Self | None:
        """Fork a process that runs `job` and writes what it returns into a pipe; None when no
        process can be started (the caller then does the job itself). The job's errors are not
        printed: the caller does the job again itself, and so raises them as it would alone."""
        parent = os.getpid()
        try:
            read, write = os.pipe()
        except OSError:
            return None
        # A Ctrl-C during the fork would be raised in one of Python's at-fork hooks, which ignore
        # it: it is held until the child exists, then raised here (as validate.check_many does).
        held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            pid = os.fork()
        except OSError:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
            os.close(read)
            os.close(write)
            return None
        if pid == 0:  # the worker: never returns
            code = 1
            try:
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to answer
                signal.pthread_sigmask(signal.SIG_SETMASK, held)
                die_with_parent(parent)  # a killed build leaves no worker writing behind it
                os.close(read)
                for other in Forked._open:  # the pipes of the workers forked before this one
                    os.close(other)
                Forked._open.clear()
                left = memoryview(job())
                while left:  # into the pipe (not a file): as much as it takes at a time
                    left = left[os.write(write, left):]
                os.close(write)
                code = 0
            finally:
                # Nothing of the parent's (atexit, buffers, its finally blocks) runs here, and an
                # error is not printed: the parent does the same job and raises it itself.
                os._exit(code)
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        os.close(write)
        return cls(pid, read)

    def _forget_pipe(self) -> None:
        Forked._open.discard(self.pipe)
        self.pipe = -1

    def reply(self) -> bytes | None:
        """What the job returned, once the worker has ended; None when it failed in any way."""
        chunks = []
        with os.fdopen(self.pipe, "rb") as pipe:
            self._forget_pipe()  # closed with the file object, whatever happens
            while chunk := pipe.read(1 << 20):
                chunks.append(chunk)
        _, status = os.waitpid(self.pid, 0)  # the pipe's end: the worker has written all or died
        self.pid = 0
        if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
            return None
        return b"".join(chunks)

    def stop(self) -> None:
        """End the worker at once (this process is stopping: an error or Ctrl-C)."""
        if self.pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = 0
        if self.pipe >= 0:
            os.close(self.pipe)
            self._forget_pipe()
