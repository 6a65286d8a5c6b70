"""How long an HTML view takes: to write it, and until it is interactive in Chromium.

Run on demand (not part of the tests)::

    .venv/bin/python benchmarks/bench_render.py [--repeat 3] [--sizes 1000,10000]

For synthetic graphs of N entities (companies in cities and sectors, every
relation backed by a sourced statement, labels in three languages) it prints,
as medians of ``--repeat`` runs measured side by side in one run:

* **write**: ``render(kg).save(path)``, the whole way from RDF to the file, and
  how much of it is the networkx projection and the layout;
* **records to HTML**: from the same node and edge records to a file, our page
  (``GraphView.save``) against pyvis fed them one by one (``add_node``/``add_edge``,
  then ``write_html``) as a directed and as an undirected network (pyvis checks
  every new edge against the node list, and, undirected, against every edge);
* **interactive**: from navigation start until the page is usable in headless
  Chromium (``performance.now()`` when the view marks itself ready: physics
  settled and stopped, or the first frame drawn with a precomputed layout).

The shipped graph is measured too. pyvis's own page is not timed in the
browser: it needs its CDNs (vis-network, Bootstrap) and the network is off.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from rdflib import Graph, Literal, Namespace
from rdflib.namespace import RDF, RDFS

import cnai_kg
from cnai_kg.kg import KnowledgeGraph
from cnai_kg.namespaces import CNAI, KG
from cnai_kg.network import to_networkx
from cnai_kg.render import VIEW_CLASSES, community_layout, render

PROV = Namespace("http://www.w3.org/ns/prov#")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def synthetic(n: int, seed: int = 1) -> KnowledgeGraph:
    """``n`` entities: companies (based in a city, in a sector, some challenging
    another), ``n // 20`` cities and ``n // 50`` sectors; every relation has a
    statement derived from one excerpt."""
    rng = random.Random(seed)
    g = Graph()
    cities = [KG[f"city{i}"] for i in range(max(2, n // 20))]
    sectors = [KG[f"sector{i}"] for i in range(max(2, n // 50))]
    companies = [KG[f"co{i}"] for i in range(n - len(cities) - len(sectors))]
    excerpt = KG["ex-synthetic"]
    g.add((excerpt, RDF.type, CNAI.SourceExcerpt))
    g.add((excerpt, CNAI.quote, Literal("합성 데이터의 인용문", lang="ko")))
    names = {
        CNAI.City: ("City", "도시", "城市"),
        CNAI.Sector: ("Sector", "산업", "行业"),
        CNAI.Company: ("Company", "기업", "公司"),
    }
    for kind, nodes in ((CNAI.City, cities), (CNAI.Sector, sectors), (CNAI.Company, companies)):
        for i, node in enumerate(nodes):
            g.add((node, RDF.type, kind))
            for lang, word in zip(("en", "ko", "zh"), names[kind], strict=True):
                g.add((node, RDFS.label, Literal(f"{word} {i}", lang=lang)))
    links = []
    for co in companies:
        links += [(co, CNAI.basedIn, rng.choice(cities)), (co, CNAI.inSector, rng.choice(sectors))]
        if rng.random() < 0.5:
            other = rng.choice(companies)
            if other != co:
                links.append((co, CNAI.challenges, other))
    for i, (s, p, o) in enumerate(links):
        g.add((s, p, o))
        st = KG[f"st{i}"]
        g.add((st, RDF.type, CNAI.Statement))
        g.add((st, RDF.subject, s))
        g.add((st, RDF.predicate, p))
        g.add((st, RDF.object, o))
        g.add((st, PROV.wasDerivedFrom, excerpt))
    base = cnai_kg.load(shipped=False)
    return KnowledgeGraph({**base.parts, f"synthetic-{n}.ttl": g})


def median_time(func, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def pyvis_one_by_one(view, path: Path, directed: bool = True) -> None:
    """pyvis as its documentation shows it: add_node/add_edge per item, then write_html."""
    from pyvis.network import Network

    net = Network(directed=directed, cdn_resources="remote")
    styles = view.options["groups"]
    for n in view.nodes:
        style = styles[n["group"]]
        net.add_node(
            n["id"],
            label=n["label"],
            shape=style["shape"],
            color=style["color"]["background"],
            value=n["value"],
            x=n["x"],
            y=n["y"],
        )
    for e in view.edges:
        net.add_edge(e["from"], e["to"], label=e["label"])
    net.write_html(str(path), notebook=False)


def time_to_interactive(browser, path: Path, repeat: int) -> float:
    """Median milliseconds from navigation start until the view is ready."""
    url = path.resolve().as_uri()
    times = []
    for run in range(repeat + 1):  # the first run warms the browser up and is not counted
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        context.route("**/*", lambda r: r.continue_() if r.request.url == url else r.abort())
        page = context.new_page()
        page.goto(url)
        page.wait_for_selector("body[data-ready='1']", state="attached", timeout=600_000)
        if run:
            times.append(page.evaluate("cnaiView.state.readyAt"))
        context.close()
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    folder = Path(tempfile.mkdtemp(prefix="bench-render-"))

    browser = playwright = None
    if not args.no_browser and shutil.which("chromium"):
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), headless=True, args=ARGS
        )

    graphs = [("shipped graph", cnai_kg.load())]
    graphs += [(f"synthetic {n:,}", synthetic(n)) for n in sizes]
    rows = []
    for name, kg in graphs:
        view = render(kg)
        page = folder / f"{name.replace(' ', '-')}.html"
        write = median_time(lambda kg=kg, page=page: render(kg).save(page), args.repeat)
        G = to_networkx(kg, partnerships="nodes", claims=True, classes=VIEW_CLASSES)
        projection = median_time(
            lambda kg=kg: to_networkx(kg, partnerships="nodes", claims=True, classes=VIEW_CLASSES),
            args.repeat,
        )
        layout = median_time(lambda G=G: community_layout(G), args.repeat)
        records = median_time(lambda view=view: view.save(folder / "ours.html"), args.repeat)
        directed = median_time(
            lambda view=view: pyvis_one_by_one(view, folder / "pyvis.html"), args.repeat
        )
        undirected = median_time(
            lambda view=view: pyvis_one_by_one(view, folder / "pyvis.html", directed=False),
            args.repeat,
        )
        size_kb = page.stat().st_size / 1024
        tti = time_to_interactive(browser, page, args.repeat) if browser else float("nan")
        rows.append(
            {
                "name": name,
                "nodes": len(view.nodes),
                "edges": len(view.edges),
                "layout": view.meta["layout"],
                "write": write,
                "projection": projection,
                "layout_s": layout,
                "records": records,
                "directed": directed,
                "undirected": undirected,
                "kb": size_kb,
                "tti": tti,
            }
        )
        print(f"{name}: {len(view.nodes)} nodes, {len(view.edges)} edges done", file=sys.stderr)

    print(f"\nWriting the view, RDF to file (median of {args.repeat} runs):\n")
    print(
        "| graph | nodes | edges | layout | render(kg).save() | of which projection "
        "| of which layout | page size |"
    )
    print("|---|---:|---:|---|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['name']} | {r['nodes']:,} | {r['edges']:,} | {r['layout']} | "
            f"{r['write']:.2f} s | {r['projection']:.2f} s | {r['layout_s']:.2f} s | "
            f"{r['kb'] / 1024:.1f} MB |"
        )
    print("\nSame node and edge records to an HTML file: ours against pyvis one by one:\n")
    print("| graph | ours (GraphView.save) | pyvis directed | ratio | pyvis undirected | ratio |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['name']} | {r['records']:.2f} s | {r['directed']:.2f} s | "
            f"{r['directed'] / r['records']:.1f}x | {r['undirected']:.2f} s | "
            f"{r['undirected'] / r['records']:.1f}x |"
        )
    print("\nUntil interactive in headless Chromium (navigation start to ready):\n")
    print("| graph | layout | interactive |")
    print("|---|---|---:|")
    for r in rows:
        print(f"| {r['name']} | {r['layout']} | {r['tti']:,.0f} ms |")
    if len(rows) >= 3:
        a, b = rows[-2], rows[-1]
        print(
            f"\n{b['nodes'] // a['nodes']}x the nodes: render(kg).save() "
            f"{b['write'] / a['write']:.1f}x the time, records to HTML "
            f"{b['records'] / a['records']:.1f}x, pyvis directed "
            f"{b['directed'] / a['directed']:.1f}x, undirected "
            f"{b['undirected'] / a['undirected']:.1f}x, interactive {b['tti'] / a['tti']:.1f}x"
        )
    if browser:
        browser.close()
        playwright.stop()
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
