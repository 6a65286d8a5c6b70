"""Progress of long library work, shown by whoever asks to show it.

Long work in the library (building a network projection, validating) runs inside
:func:`task` and reports its steps; nothing is shown unless an application has
registered a display with :func:`show_with`. The command line registers its
terminal progress bar (``cnai_kg.cli._progress.activity``), which appears only on
a terminal and only once the work has taken a moment; notebooks and the server
register nothing and see nothing.

Examples
--------
>>> with task("counting", total=2) as step:
...     step(1, note="one")
...     step(2, note="two")
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

__all__ = ["Step", "show_with", "task"]

#: ``step(done, total=None, note="")``: report ``done`` of ``total`` steps.
Step = Callable[..., None]
#: ``display(description, total)``: a context manager giving a :data:`Step`.
Display = Callable[[str, int | None], AbstractContextManager[Step]]

_display: Display | None = None
#: The step of the task being shown: a task started inside it reports through it.
_shown: Step | None = None


def _nothing(done: int, total: int | None = None, note: str = "") -> None:
    pass


@contextmanager
def task(description: str, total: int | None = None) -> Iterator[Step]:
    """A block of long work: ``with task("validating", total=3) as step: step(1, note=...)``.

    A task started inside another (the projection inside a rendering) is shown on the
    outer one's line, its description before its notes: one display at a time."""
    global _shown
    display, outer = _display, _shown
    if display is None:
        yield _nothing
        return
    if outer is not None:

        def inner(done: int, total: int | None = None, note: str = "") -> None:
            outer(done, total, f"{description}: {note}" if note else description)

        yield inner
        return
    with display(description, total) as step:
        _shown = step
        try:
            yield step
        finally:
            _shown = None


def show_with(display: Display | None) -> Display | None:
    """Show every later :func:`task` with ``display`` (None: show nothing); gives the
    display it replaces."""
    global _display
    previous, _display = _display, display
    return previous
