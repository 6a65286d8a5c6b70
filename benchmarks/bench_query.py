"""Query-layer timings on the shipped graph (run on demand, not in the test suite).

    .venv/bin/python benchmarks/bench_query.py [--repeat 7]

Prints medians for every named query under the three ways a query can run
(no time limit; SIGALRM in the main thread; a worker thread with an async
exception), the cost of the reasoning closures, and of each result format.
The ratios show what the time limit costs.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time

import cnai_kg
from cnai_kg import query as q
from cnai_kg.reason import _CACHE, closure

PARAMS = {"facts-about": {"entity": "Uber"}, "names": {"entity": "CATL"}}


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def in_thread(fn):
    def run():
        box = {}
        t = threading.Thread(target=lambda: box.setdefault("v", fn()))
        t.start()
        t.join()
        return box["v"]

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    kg = cnai_kg.load()
    print(f"graph: {len(kg)} triples; median of {args.repeat} runs, milliseconds\n")

    print(
        f"{'named query':<22}{'no limit':>10}{'alarm':>10}{'thread':>10}{'alarm/none':>12}"
        f"{'thread/none':>12}"
    )
    ratios_alarm, ratios_thread = [], []
    for name in q.named_queries():
        params = PARAMS.get(name, {})
        base = median_ms(lambda: kg.query(name, timeout=None, **params), args.repeat)  # noqa: B023
        alarm = median_ms(lambda: kg.query(name, timeout=30, **params), args.repeat)  # noqa: B023
        # a query started off the main thread uses the worker-thread mechanism
        threaded = median_ms(
            in_thread(lambda: kg.query(name, timeout=30, **params)),  # noqa: B023
            args.repeat,
        )
        base_t = median_ms(
            in_thread(lambda: kg.query(name, timeout=None, **params)),  # noqa: B023
            args.repeat,
        )
        ratios_alarm.append(alarm / base)
        ratios_thread.append(threaded / base_t)
        print(
            f"{name:<22}{base:>10.1f}{alarm:>10.1f}{threaded:>10.1f}{alarm / base:>12.2f}"
            f"{threaded / base_t:>12.2f}"
        )
    print(
        f"{'median ratio':<52}{statistics.median(ratios_alarm):>12.2f}"
        f"{statistics.median(ratios_thread):>12.2f}\n"
    )

    for profile in ("rdfs", "owl-rl"):
        _CACHE.pop(kg, None)
        start = time.perf_counter()
        size = len(closure(kg, profile))
        first = (time.perf_counter() - start) * 1000
        cached = median_ms(lambda: closure(kg, profile), args.repeat)  # noqa: B023
        print(f"closure {profile:<7} {size:>6} triples: first {first:8.1f}  cached {cached:6.3f}")
    print()

    rows = kg.query("SELECT * WHERE { ?s ?p ?o }", timeout=None)
    print(f"formats for {len(rows)} rows:")
    for fmt in ("csv", "tsv", "json", "xml", "table"):
        ms = median_ms(lambda: rows.serialize(fmt), args.repeat)  # noqa: B023
        print(f"  {fmt:<6}{ms:>10.1f}")


if __name__ == "__main__":
    main()
