"""Progress on a terminal for long work (loading, projecting, validating, rendering), silent
everywhere else. Library work reports through :mod:`cnai_kg.progress`.

Nothing is shown when stderr is not a terminal (pipes, files, CI), when
``TERM`` is ``dumb``, or when ``CNAI_KG_PROGRESS=0``; and even on a terminal
the bar appears only once the work has taken :data:`DELAY` seconds
(``CNAI_KG_PROGRESS_DELAY``), so quick commands print exactly what they always
printed. The bar is transient: it is erased when the work ends.
"""

from __future__ import annotations

import os
import sys
import threading
from contextlib import contextmanager

__all__ = ["DELAY", "activity", "enabled"]

#: Seconds of work before a bar appears (``$CNAI_KG_PROGRESS_DELAY`` overrides it).
DELAY = 0.7


def _delay() -> float:
    try:
        return max(0.0, float(os.environ.get("CNAI_KG_PROGRESS_DELAY", DELAY)))
    except ValueError:
        return DELAY


def enabled() -> bool:
    """Whether progress may be shown: stderr is a terminal that can redraw a line."""
    if os.environ.get("CNAI_KG_PROGRESS", "").strip() == "0":
        return False
    if os.environ.get("TERM", "") == "dumb":
        return False
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


class _Activity:
    def __init__(self, description: str, total: int | None):
        self.description = description
        self.total = total
        self.done = 0
        self.note = ""
        self._progress = None
        self._task = None
        self._lock = threading.Lock()
        self._closed = False

    def show(self) -> None:
        with self._lock:
            if self._closed or self._progress is not None:
                return
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )

            # the bar pulses while the total is unknown, and fills once a step gives one
            columns = [
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
            ]
            self._progress = Progress(
                *columns, console=Console(stderr=True), transient=True, auto_refresh=True
            )
            self._progress.start()
            self._task = self._progress.add_task(
                self._text(), total=self.total, completed=self.done
            )

    def _text(self) -> str:
        return f"{self.description} {self.note}".strip()

    def __call__(self, done: int, total: int | None = None, note: str = "") -> None:
        """Report ``done`` of ``total`` steps (``note``: what is being worked on)."""
        with self._lock:
            self.done, self.note = done, note
            if total is not None:
                self.total = total
            if self._progress is not None:
                self._progress.update(
                    self._task, completed=done, total=self.total, description=self._text()
                )

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._progress is not None:
                self._progress.stop()


@contextmanager
def activity(description: str, total: int | None = None):
    """A progress reporter for a block of work: ``with activity("loading") as step: ...``.

    ``step(done, total, note)`` may be called from the work; the bar (if any)
    appears after :data:`DELAY` seconds and is erased at the end.
    """
    work = _Activity(description, total)
    timer = None
    if enabled():
        delay = _delay()
        if delay == 0:
            work.show()
        else:
            timer = threading.Timer(delay, work.show)
            timer.daemon = True
            timer.start()
    try:
        yield work
    finally:
        if timer is not None:
            timer.cancel()
        work.close()
