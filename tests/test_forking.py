"""A timed query's worker is forked while no other thread is inside Oxigraph.

Oxigraph lets go of the interpreter lock while it evaluates and takes locks of its own
then; a worker forked at that moment inherited a lock that nobody would release and
waited for it until its deadline: a query of a few milliseconds was stopped by its
time limit (a 503 in ``serve``), about 1.5 % of them with three threads querying in
process beside three threads of timed queries (:func:`cnai_kg.store.oxigraph.forking`).
"""

from __future__ import annotations

import collections
import threading
import time

import cnai_kg
from cnai_kg.errors import QueryTimeout


def test_timed_queries_beside_queries_in_process_all_answer():
    kg = cnai_kg.load(cache=True)  # on disk, as `serve` opens it
    stop = time.monotonic() + 12
    counts: collections.Counter = collections.Counter()
    slow: list[float] = []

    def in_process():
        while time.monotonic() < stop:
            kg.store.select("SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 2000")
            counts["in process"] += 1

    def timed():
        while time.monotonic() < stop:
            started = time.monotonic()
            try:
                kg.query("SELECT ?s WHERE { ?s a cnai:Company } LIMIT 5", timeout=4)
                counts["answered"] += 1
            except QueryTimeout:
                slow.append(round(time.monotonic() - started, 2))

    threads = [threading.Thread(target=in_process) for _ in range(3)]
    threads += [threading.Thread(target=timed) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert counts["answered"] > 100 and counts["in process"] > 20
    assert slow == [], f"{len(slow)} timed queries waited for their whole limit: {slow[:5]}"


def test_a_fork_waits_for_the_calls_inside_oxigraph_and_holds_new_ones_back():
    from cnai_kg.store import oxigraph

    gate = oxigraph._GATE
    gate.enter()  # a call inside Oxigraph
    entered = threading.Event()
    forked = threading.Event()

    def fork():
        with oxigraph.forking():
            forked.set()
            time.sleep(0.3)

    def call():
        gate.enter()
        entered.set()
        gate.leave()

    forker = threading.Thread(target=fork)
    forker.start()
    time.sleep(0.2)
    assert not forked.is_set()  # waits for the call
    gate.leave()
    assert forked.wait(5)
    caller = threading.Thread(target=call)
    caller.start()
    time.sleep(0.1)
    assert not entered.is_set()  # held back while the fork runs
    forker.join(5)
    assert entered.wait(5)
    caller.join(5)


def test_a_fork_that_cannot_wait_any_longer_is_a_time_limit():
    import pytest

    from cnai_kg.store import oxigraph

    oxigraph._GATE.enter()
    try:
        with pytest.raises(TimeoutError), oxigraph.forking(time.monotonic() + 0.2):
            pass
    finally:
        oxigraph._GATE.leave()
    with oxigraph.forking(time.monotonic() + 0.2):  # nothing left waiting
        pass
