"""How long the network layer takes: projection, measures, paths, communities.

Run on demand (not part of the tests)::

    .venv/bin/python benchmarks/bench_network.py [--repeat 5] [--sizes 1000,10000]

Prints the median of ``--repeat`` runs for the shipped graph and for synthetic
graphs of N companies (each based in a city, a sourced statement per triple,
one partnership per two companies), and the ratio between sizes: a ratio near
the size ratio means the step scales linearly.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import cnai_kg
from cnai_kg.algorithms import centrality, communities, evidence_paths
from cnai_kg.namespaces import PREFIXES


def synthetic(n: int, folder: Path) -> Path:
    """A Turtle file with ``n`` companies, ``n // 20`` cities, ``n // 2`` partnerships."""
    rnd = random.Random(n)
    cities = max(2, n // 20)
    lines = [
        "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items()),
        'kg:art a cnai:Article ; rdfs:label "Synthetic article"@en .',
        'kg:ex a cnai:SourceExcerpt ; dcterms:isPartOf kg:art ; cnai:quote "인용"@ko .',
        'kg:role a cnai:PartnerRole ; rdfs:label "Partner"@en .',
    ]
    for c in range(cities):
        lines.append(f'kg:city{c} a cnai:City ; rdfs:label "City {c}"@en , "도시 {c}"@ko .')
    for i in range(n):
        c = rnd.randrange(cities)
        lines.append(
            f'kg:co{i} a cnai:Company ; rdfs:label "Company {i}"@en , "기업 {i}"@ko ; '
            f"cnai:basedIn kg:city{c} ."
        )
        lines.append(
            f"kg:st{i} a cnai:Statement ; rdf:subject kg:co{i} ; "
            f"rdf:predicate cnai:basedIn ; rdf:object kg:city{c} ; "
            f"prov:wasDerivedFrom kg:ex ."
        )
    for j in range(n // 2):
        a, b = rnd.sample(range(n), 2)
        lines.append(
            f'kg:p{j} a cnai:Partnership ; rdfs:label "Partnership {j}"@en ; '
            f"org:hasMembership kg:p{j}a , kg:p{j}b ; prov:wasDerivedFrom kg:ex ."
        )
        lines.append(f"kg:p{j}a a cnai:Participation ; org:member kg:co{a} ; org:role kg:role .")
        lines.append(f"kg:p{j}b a cnai:Participation ; org:member kg:co{b} ; org:role kg:role .")
    path = folder / f"synthetic-{n}.ttl"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def median_time(func, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench(
    label: str, kg: cnai_kg.KnowledgeGraph, source: str, target: str, repeat: int, heavy: bool
) -> dict[str, float]:
    G = kg.to_networkx()
    steps = {
        "to_networkx": lambda: kg.to_networkx(),
        "export graphml": lambda: cnai_kg.network.export_network(kg, "graphml"),
        "degree": lambda: centrality(G, "degree"),
        "pagerank": lambda: centrality(G, "pagerank"),
        "path (k=3)": lambda: evidence_paths(G, source, target, k=3),
        "louvain": lambda: communities(G, seed=0),
    }
    if heavy:
        steps["betweenness"] = lambda: centrality(G, "betweenness")
    out = {}
    print(
        f"\n{label}: {G.number_of_nodes()} nodes, {G.number_of_edges()} edges (median of {repeat})"
    )
    for name, func in steps.items():
        out[name] = median_time(func, repeat)
        print(f"  {name:<16} {out[name] * 1000:10.1f} ms")
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sizes", default="1000,10000")
    args = parser.parse_args(argv)
    import cnai_kg.network  # noqa: F401  (export_network above)

    bench("shipped graph", cnai_kg.load(), "kg:PonyAI", "kg:WeRide", args.repeat, heavy=True)
    sizes = [int(s) for s in args.sizes.split(",")]
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            kg = cnai_kg.load(synthetic(n, Path(tmp)), shipped=False)
            results[n] = bench(
                f"synthetic n={n}",
                kg,
                "kg:co0",
                f"kg:co{n - 1}",
                max(1, args.repeat // (2 if n > 5000 else 1)),
                heavy=n <= 2000,
            )
    if len(sizes) > 1:
        small, big = sizes[0], sizes[-1]
        print(f"\nratio n={big} / n={small} (size ratio {big / small:.0f}):")
        for name in results[big]:
            if name in results[small]:
                print(f"  {name:<16} {results[big][name] / results[small][name]:8.1f}x")


if __name__ == "__main__":
    sys.exit(main())
