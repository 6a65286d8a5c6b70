"""A bounded pool of worker threads for queries and pages.

The event loop never evaluates SPARQL or builds a page itself: it hands the
work to :class:`WorkPool` and awaits it. The pool has ``workers`` threads and
room for ``backlog`` requests waiting for one; beyond that :meth:`WorkPool.run`
raises :class:`PoolFull` at once (the server answers 503 with Retry-After)
instead of queueing without end.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

__all__ = ["PoolFull", "WorkPool"]

T = TypeVar("T")


class PoolFull(Exception):
    """Every worker is busy and the backlog is full."""


class WorkPool:
    """``workers`` threads plus ``backlog`` waiting places; more is refused.

    Examples
    --------
    >>> import asyncio
    >>> pool = WorkPool(workers=1, backlog=0)
    >>> asyncio.run(pool.run(sum, [1, 2]))
    3
    >>> pool.close()
    """

    def __init__(self, *, workers: int = 4, backlog: int = 8):
        if workers < 1 or backlog < 0:
            raise ValueError("a pool needs at least one worker and a backlog of 0 or more")
        self.workers = workers
        self.backlog = backlog
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="cnai-kg-serve")
        self._slots = threading.BoundedSemaphore(workers + backlog)
        self._lock = threading.Lock()
        self._busy = 0

    @property
    def busy(self) -> int:
        """Requests running or waiting now."""
        return self._busy

    async def run(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Run ``fn(*args, **kwargs)`` in a worker; :class:`PoolFull` when there is no room."""
        if not self._slots.acquire(blocking=False):
            raise PoolFull()
        with self._lock:
            self._busy += 1

        def release(_future) -> None:
            with self._lock:
                self._busy -= 1
            self._slots.release()

        try:
            future = self._executor.submit(fn, *args, **kwargs)
        except BaseException:
            release(None)
            raise
        future.add_done_callback(release)
        return await asyncio.wrap_future(future)

    def close(self) -> None:
        """Stop taking work; running work finishes in the background."""
        self._executor.shutdown(wait=False, cancel_futures=True)
