"""Time limits for work besides query evaluation: a whole ``query`` run, loading, validation.

Query evaluation has its own limit (``--timeout``, :mod:`cnai_kg.query`); the
``query`` command also runs parsing, evaluation and output together under
:func:`within`, so its ``--timeout`` covers all three. Loading and validation run
under it too. In the main thread a ``SIGALRM`` timer raises inside the work
(rdflib's parsers, pyparsing and pyshacl are Python, so they stop at their next
step) and the caller gets one line. Elsewhere (another thread, or when
``SIGALRM`` is taken) the work runs without this limit, since nothing can stop
it safely there.
"""

from __future__ import annotations

import math
import os
import signal
import threading
from collections.abc import Callable
from typing import TypeVar

from .errors import CnaiKgError, TimeLimit, UsageError

__all__ = [
    "DEFAULT_LOAD_TIMEOUT",
    "DEFAULT_VALIDATE_TIMEOUT",
    "LOAD_TIMEOUT_ENV",
    "load_timeout",
    "within",
]

T = TypeVar("T")

#: Environment variable: seconds loading the files may take (0: no limit).
LOAD_TIMEOUT_ENV = "CNAI_KG_LOAD_TIMEOUT"
#: Seconds loading may take when ``$CNAI_KG_LOAD_TIMEOUT`` is unset.
DEFAULT_LOAD_TIMEOUT = 600.0
#: Seconds ``validate`` may take by default (``--timeout``).
DEFAULT_VALIDATE_TIMEOUT = 300.0
#: Longest limit accepted (a day).
MAX_SECONDS = 86_400.0


class _Expired(BaseException):
    """Raised by the alarm inside the work; a BaseException, so that no ``except
    Exception`` in a parser swallows it."""


def check_seconds(seconds: float | None, *, what: str) -> float | None:
    """``seconds`` if it is a usable limit (0 or None: no limit), else :class:`UsageError`."""
    if seconds is None:
        return None
    if not (isinstance(seconds, (int, float)) and math.isfinite(seconds)) or not (
        0 <= seconds <= MAX_SECONDS
    ):
        raise UsageError(
            f"{what} must be a number of seconds from 0 (no limit) to {MAX_SECONDS:g}, "
            f"got {seconds}"
        )
    return float(seconds) or None


def load_timeout() -> float | None:
    """Seconds loading may take: ``$CNAI_KG_LOAD_TIMEOUT`` or 600; None for no limit.

    Examples
    --------
    >>> import os
    >>> os.environ.pop("CNAI_KG_LOAD_TIMEOUT", None) and None
    >>> load_timeout()
    600.0
    """
    raw = os.environ.get(LOAD_TIMEOUT_ENV, "").strip()
    if not raw:
        return DEFAULT_LOAD_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    return check_seconds(value, what=LOAD_TIMEOUT_ENV)


def _alarm_free() -> bool:
    if threading.current_thread() is not threading.main_thread():
        return False
    if signal.getsignal(signal.SIGALRM) not in (signal.SIG_DFL, signal.SIG_IGN, None):
        return False
    return signal.getitimer(signal.ITIMER_REAL)[0] == 0


def within(
    fn: Callable[[], T],
    seconds: float | None,
    *,
    what: str = "the work",
    hint: str = "",
    error: Callable[[], CnaiKgError] | None = None,
) -> T:
    """Run ``fn`` and stop it after ``seconds`` (None or 0: no limit).

    Raises ``error()`` when given, else :class:`~cnai_kg.errors.TimeLimit` ("``what``
    stopped after its time limit of N s; ``hint``"). Only in the main thread with
    ``SIGALRM`` free; elsewhere ``fn`` runs without the limit.

    Examples
    --------
    >>> import time
    >>> try:
    ...     within(lambda: time.sleep(5), 0.2, what="napping", hint="sleep less")
    ... except TimeLimit as e:
    ...     print(e)
    napping stopped after its time limit of 0.2 s; sleep less
    """
    if not seconds or not hasattr(signal, "SIGALRM") or not _alarm_free():
        return fn()

    def on_alarm(signum, frame):
        # fires again until the work has unwound (a parser may be deep in C for a while)
        raise _Expired

    previous = signal.signal(signal.SIGALRM, on_alarm)
    try:
        try:
            signal.setitimer(signal.ITIMER_REAL, seconds, 0.05)
            return fn()
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _Expired:
        signal.signal(signal.SIGALRM, signal.SIG_IGN)  # a late alarm does nothing now
        if error is not None:
            raise error() from None
        raise TimeLimit(f"{what} stopped after its time limit of {seconds:g} s; {hint}") from None
    finally:
        signal.signal(signal.SIGALRM, previous)
