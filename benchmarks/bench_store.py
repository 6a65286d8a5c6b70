"""Loading and querying on each store behind KnowledgeGraph: rdflib in memory vs Oxigraph.

Run on demand (not part of the tests)::

    .venv/bin/python benchmarks/bench_store.py [--repeat 3] [--sizes 10000,100000]

For synthetic graphs of N companies (about 14 triples each: labels, a city, a
sector, a sourced statement) it times, side by side in one run: ``load`` (parse
and build the store), a selective lookup (the facts about one company through
``kg.facts_about``), a scan query (count companies per city through
``kg.query``) and ``stats``. It prints the median of ``--repeat`` runs per store
and the ratio oxigraph / memory (below 1 means Oxigraph is faster).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

import cnai_kg
from cnai_kg.namespaces import PREFIXES

SCAN = """SELECT ?city (COUNT(?c) AS ?n) WHERE { ?c a cnai:Company ; cnai:basedIn ?city }
GROUP BY ?city ORDER BY DESC(?n) LIMIT 5"""


def synthetic(n: int, folder: Path) -> Path:
    rnd = random.Random(n)
    cities = max(2, n // 50)
    out = ["".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())]
    out.append('kg:art a cnai:Article ; rdfs:label "Synthetic"@en ; dcterms:language "en" .')
    out.append('kg:ex a cnai:SourceExcerpt ; dcterms:isPartOf kg:art ; cnai:quote "q"@en .')
    for c in range(cities):
        out.append(f'kg:city{c} a cnai:City ; rdfs:label "City {c}"@en , "도시 {c}"@ko .')
    for i in range(n):
        city = rnd.randrange(cities)
        out.append(
            f'kg:co{i} a cnai:Company ; rdfs:label "Company {i}"@en , "회사 {i}"@ko ; '
            f"cnai:basedIn kg:city{city} ; cnai:inSector kg:sector-ai .\n"
            f"kg:st{i} a cnai:Statement ; rdf:subject kg:co{i} ; rdf:predicate cnai:basedIn ; "
            f"rdf:object kg:city{city} ; prov:wasDerivedFrom kg:ex ."
        )
    path = folder / f"synthetic-{n}.ttl"
    path.write_text("\n".join(out), encoding="utf-8")
    return path


def timed(fn, repeat: int) -> tuple[float, object]:
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--sizes", default="10000,100000")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    head = ("companies", "triples", "step", "memory s", "oxigraph s", "ratio")
    print("{:>9} {:>8} {:<12} {:>9} {:>11} {:>6}".format(*head))
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = synthetic(n, Path(tmp))
            results = {}
            for store in ("memory", "oxigraph"):
                t_load, kg = timed(lambda s=store, p=path: cnai_kg.load(p, store=s), args.repeat)
                t_card, _ = timed(
                    lambda kg=kg, n=n: kg.facts_about(f"Company {n // 2}"), args.repeat
                )
                t_scan, _ = timed(lambda kg=kg: list(kg.query(SCAN, timeout=None)), args.repeat)
                t_stats, _ = timed(kg.stats, 1)
                results[store] = {
                    "load": t_load,
                    "facts_about": t_card,
                    "scan query": t_scan,
                    "stats": t_stats,
                    "triples": len(kg),
                }
            for step in ("load", "facts_about", "scan query", "stats"):
                m, o = results["memory"][step], results["oxigraph"][step]
                print(
                    f"{n:>9} {results['memory']['triples']:>8} {step:<12} {m:>9.3f} {o:>11.3f} "
                    f"{o / m:>6.2f}"
                )


if __name__ == "__main__":
    main()
