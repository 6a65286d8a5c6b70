"""igraph, imported without its drawing back-end.

``import igraph`` imports ``matplotlib.pyplot`` when matplotlib is installed (its drawing
module looks for it at import time): about a second of a command's start-up, for commands
that draw nothing with igraph (cnai-kg draws its charts with matplotlib directly and its
views with vis-network). :func:`igraph` imports igraph with matplotlib hidden unless
matplotlib is already loaded; igraph's own ``plot`` then falls back to Cairo, which
cnai-kg does not use.
"""

from __future__ import annotations

import random
import sys
import threading
from contextlib import contextmanager
from types import ModuleType

__all__ = ["igraph", "seeded"]

_lock = threading.Lock()


def igraph() -> ModuleType:
    """The ``igraph`` module (imported on first call, without matplotlib)."""
    found = sys.modules.get("igraph")
    if found is not None:
        return found
    with _lock:
        if "igraph" in sys.modules or "matplotlib" in sys.modules:
            import igraph as module

            return module
        # a None entry makes ``import matplotlib`` raise ImportError, which igraph handles
        sys.modules["matplotlib"] = None  # type: ignore[assignment]
        try:
            import igraph as module
        finally:
            if sys.modules.get("matplotlib", 0) is None:
                del sys.modules["matplotlib"]
        return module


#: igraph's random number generator is one for the whole process: whoever sets it holds
#: this lock until it is set back, so that two layouts (or community searches) running in
#: two threads at once never draw from each other's generator.
_random_lock = threading.RLock()


@contextmanager
def seeded(rng: random.Random):
    """igraph draws from ``rng`` (its own generator) within the block, and from no one
    else's: blocks in other threads wait for it. Python's ``random`` afterwards."""
    module = igraph()
    with _random_lock:
        module.set_random_number_generator(rng)
        try:
            yield module
        finally:
            module.set_random_number_generator(random)
