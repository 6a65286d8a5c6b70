"""cnai-kg against pyoxigraph and igraph called directly, side by side in one run.

Run on demand (not part of the tests; bound it with ``timeout``)::

    timeout 3h .venv/bin/python benchmarks/run.py [--sizes 1k,10k,100k] [--repeat 3]

For each size it writes a synthetic graph of that many companies in the
project's vocabulary (``benchmarks/generate.py``: en/ko/zh labels, cities in the
three hubs, sectors, a sourced ``cnai:Statement`` per relation, skewed
partnerships with roles; it passes the SHACL shapes) and measures, each step
in fresh processes so that memory and caches do not leak between tools:

==========================  ===============================================  =====================
step                        cnai-kg                                          called directly
==========================  ===============================================  =====================
first load (API)            ``cnai_kg.load(file, shipped=False)``            ``Store().load``
peak memory while loading   peak RSS of that process                         the same
warm ``show``, ``query``    ``cnai-kg --data F show``, ``query --name hubs``
                            (subprocess wall time, after one run)
named queries               ``kg.query(text)``: group-by, two-hop join,      ``store.query(text)``
                            label lookup
projection                  ``kg.to_networkx()``                             ``Graph.TupleList``
sampled betweenness         ``centrality(G, "betweenness", sample=K)``       ``Graph.betweenness``
A-to-B shortest path        ``evidence_paths(G, A, B)``                      ``get_shortest_paths``
render (10k-node view)      ``kg.render(classes=["Company"]).save(f)``
``cnai-kg --help``          subprocess wall time
==========================  ===============================================  =====================

Each query and the path search run at least three times when a run takes under 5 s,
on both sides (a single first call after a heavy step measures the machine settling), a
warm-up query opens both sessions, and the first path search on a projection (which
also builds its igraph graph) is reported apart. It prints the medians and the ratio
against the direct tool, and writes
``benchmarks/RESULTS.md`` (machine, versions, medians, ratios, the targets of
issue 8 met or not) and ``benchmarks/results.png`` (time against size, log-log).
A step that exceeds ``--timeout`` is stopped and reported as such.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import write_graph  # noqa: E402

PREFIXES = """PREFIX cnai: <https://w3id.org/cnai-kg/ontology#>
PREFIX kg: <https://w3id.org/cnai-kg/resource/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
PREFIX org: <http://www.w3.org/ns/org#>
"""
QUERIES = {
    "group-by": """SELECT ?city (COUNT(?c) AS ?n) WHERE { ?c a cnai:Company ; cnai:basedIn ?city }
GROUP BY ?city ORDER BY DESC(?n)""",
    "two-hop join": """SELECT (COUNT(*) AS ?n) WHERE {
  ?p1 cnai:hasParticipation/org:member ?a , ?b . FILTER (?a != ?b)
  ?p2 cnai:hasParticipation/org:member ?b , ?c . FILTER (?c != ?a && ?p2 != ?p1)
}""",
    "label lookup": """SELECT ?e WHERE { ?e rdfs:label "Company {half}"@en }""",
}
#: The edges of the collapsed projection, for igraph direct.
EDGES = """SELECT ?s ?o WHERE {
  { ?s cnai:basedIn|cnai:inSector|schema:containedInPlace ?o }
  UNION { ?p a cnai:Partnership ; cnai:hasParticipation/org:member ?s , ?o .
          FILTER (STR(?s) < STR(?o)) }
  UNION { ?p a cnai:Partnership ; cnai:hasParticipation/org:member ?s ;
             cnai:targetMarket|cnai:sector ?o }
}"""
#: Sampled sources for betweenness, on both sides.
SAMPLE = 500
#: Views are rendered up to this many companies (the 10k-node view).
RENDER_UP_TO = 10_000

#: step -> (what it compares against, target at the largest size)
STEPS = {
    "first load (API)": ("pyoxigraph Store.load", "<= 1.5x pyoxigraph"),
    "peak memory while loading (MB)": ("pyoxigraph", "<= 1.5x pyoxigraph"),
    "warm `show` (CLI)": (None, "<= 0.5 s wall"),
    "warm `query --name hubs` (CLI)": (None, "<= 0.5 s wall"),
    "query: group-by": ("pyoxigraph", "<= 1.5x pyoxigraph"),
    "query: two-hop join": ("pyoxigraph", "<= 1.5x pyoxigraph"),
    "query: label lookup": ("pyoxigraph", "<= 1.5x pyoxigraph"),
    "projection": ("pyoxigraph SELECT + igraph.Graph", "<= 3 s"),
    f"betweenness ({SAMPLE} sampled sources)": ("igraph", "<= 2x igraph"),
    "A-to-B shortest path": ("igraph", "<= 2x igraph"),
    "render, companies view": (None, "<= 2 s (10k nodes)"),
    "`cnai-kg --help`": (None, "<= 0.3 s wall"),
}


# --------------------------------------------------------------------------- children


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _emit(**record) -> None:
    print(json.dumps(record), flush=True)


def _timed(fn, repeat: int) -> tuple[list[float], object]:
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return times, value


#: A step whose first run takes less than this many seconds is run at least
#: :data:`QUICK_RUNS` times, whatever ``--repeat`` says: one first call after a heavy step
#: measures the machine settling more than the step (both sides alike).
QUICK_SECONDS, QUICK_RUNS = 5.0, 3


def _timed_quick(fn, repeat: int) -> tuple[list[float], object]:
    times, value = _timed(fn, 1)
    more = max(repeat, QUICK_RUNS if times[0] < QUICK_SECONDS else 1) - 1
    if more > 0:
        extra, value = _timed(fn, more)
        times += extra
    return times, value


def _load_kwargs() -> dict:
    """``cache=False`` when this cnai-kg has a store cache: a first load parses."""
    import inspect

    import cnai_kg

    return {"cache": False} if "cache" in inspect.signature(cnai_kg.load).parameters else {}


def child_load_cnai(path: str) -> None:
    start = time.perf_counter()
    import cnai_kg

    kg = cnai_kg.load(path, shipped=False, **_load_kwargs())
    n = len(kg)
    _emit(seconds=time.perf_counter() - start, peak_mb=_peak_mb(), triples=n)


def child_load_oxigraph(path: str) -> None:
    start = time.perf_counter()
    import pyoxigraph

    store = pyoxigraph.Store()
    store.load(path=path, format=pyoxigraph.RdfFormat.TURTLE)
    n = len(store)
    _emit(seconds=time.perf_counter() - start, peak_mb=_peak_mb(), triples=n)


def child_api_cnai(path: str, size: int, repeat: int, view: str) -> None:
    import igraph  # noqa: F401 - imported before timing, as in the direct session

    import cnai_kg
    from cnai_kg.algorithms import centrality, evidence_paths

    kg = cnai_kg.load(path, shipped=False)
    extra = {"timeout": None, "max_rows": None}  # no limits: the benchmark wants the work done
    list(kg.query("ASK {}", **extra))  # warm-up, as on the direct side: imports, first parse
    for name, text in QUERIES.items():
        sparql = PREFIXES + text.replace("{half}", str(size // 2))
        times, rows = _timed_quick(lambda s=sparql: list(kg.query(s, **extra)), repeat)
        _emit(step=f"query: {name}", times=times, rows=len(rows))
    times, G = _timed(kg.to_networkx, repeat)
    _emit(step="projection", times=times, nodes=G.number_of_nodes(), edges=G.number_of_edges())
    times, result = _timed(
        lambda: centrality(G, "betweenness", sample=min(SAMPLE, len(G) - 1), engine="igraph"),
        repeat,
    )
    _emit(step=f"betweenness ({SAMPLE} sampled sources)", times=times, estimated=result.estimated)
    a, b = "kg:bench-co-1", f"kg:bench-co-{size - 1}"
    # the first search on a projection also builds its igraph graph (kept for later ones)
    first, _ = _timed(lambda: evidence_paths(G, a, b, engine="igraph"), 1)
    times, paths = _timed_quick(lambda: evidence_paths(G, a, b, engine="igraph"), repeat)
    _emit(step="A-to-B shortest path", times=times, hops=paths[0].length, first_call=first[0])
    if size <= RENDER_UP_TO:

        def draw():
            view_ = kg.render(classes=["Company"], partnerships="collapse")
            view_.save(view)
            return view_

        times, v = _timed(draw, repeat)
        _emit(step="render, companies view", times=times, nodes=len(v.node_ids))


def child_api_direct(path: str, size: int, repeat: int) -> None:
    import igraph
    import pyoxigraph

    store = pyoxigraph.Store()
    store.load(path=path, format=pyoxigraph.RdfFormat.TURTLE)
    store.query("ASK {}")  # warm-up, as on the cnai-kg side
    for name, text in QUERIES.items():
        sparql = PREFIXES + text.replace("{half}", str(size // 2))
        times, rows = _timed_quick(lambda s=sparql: list(store.query(s)), repeat)
        _emit(step=f"query: {name}", times=times, rows=len(rows))

    def project():
        edges = [(s.value, o.value) for s, o in store.query(PREFIXES + EDGES)]
        return igraph.Graph.TupleList(edges, directed=False).simplify()

    times, g = _timed(project, repeat)
    _emit(step="projection", times=times, nodes=g.vcount(), edges=g.ecount())
    k = min(SAMPLE, g.vcount() - 1)

    def betweenness():
        sources = random.Random(0).sample(range(g.vcount()), k)
        return g.betweenness(directed=False, sources=sources)

    times, _ = _timed(betweenness, repeat)
    _emit(step=f"betweenness ({SAMPLE} sampled sources)", times=times)
    names = {v: i for i, v in enumerate(g.vs["name"])}
    base = "https://w3id.org/cnai-kg/resource/"
    a, b = names[f"{base}bench-co-1"], names[f"{base}bench-co-{size - 1}"]
    times, paths = _timed_quick(lambda: g.get_shortest_paths(a, to=b, output="vpath"), repeat)
    _emit(step="A-to-B shortest path", times=times, hops=len(paths[0]) - 1)


# --------------------------------------------------------------------------- parent


def _run_child(args: list[str], timeout: float) -> tuple[list[dict], str | None]:
    """Run this script as a child; its JSON lines, and why it stopped early (or None)."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", *args]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        out, problem = done.stdout, None
        if done.returncode:
            tail = (done.stderr.strip().splitlines() or ["?"])[-1]
            problem = f"failed: {tail[:160]}"
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        problem = f"stopped after {timeout:.0f} s"
    records = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return records, problem


def _wall(
    cmd: list[str], repeat: int, timeout: float, env: dict | None = None
) -> tuple[list[float], str | None]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        try:
            done = subprocess.run(
                cmd, capture_output=True, timeout=timeout, env={**os.environ, **(env or {})}
            )
        except subprocess.TimeoutExpired:
            return times, f"stopped after {timeout:.0f} s"
        if done.returncode:
            tail = (done.stderr.decode().strip().splitlines() or ["?"])[-1]
            return times, f"failed: {tail[:160]}"
        times.append(time.perf_counter() - start)
    return times, None


def parse_size(text: str) -> int:
    text = text.strip().lower()
    if text.endswith("k"):
        return int(float(text[:-1]) * 1000)
    return int(text)


def label(n: int) -> str:
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else str(n)


def measure_size(n: int, folder: Path, repeat: int, timeout: float) -> dict:
    """Every step at one size: {step: {"cnai": [s...], "direct": [s...], "note": str}}.

    ``repeat`` runs of each step (fewer at the largest sizes: see ``--large-repeat``).
    """
    path = folder / f"bench-{label(n)}.ttl"
    start = time.perf_counter()
    write_graph(n, path)
    print(
        f"\n== {label(n)} companies: {path.stat().st_size / 1e6:.1f} MB of Turtle "
        f"(generated in {time.perf_counter() - start:.1f} s)",
        flush=True,
    )
    out: dict[str, dict] = {step: {"cnai": [], "direct": [], "note": ""} for step in STEPS}
    info: dict = {}

    def note(step, text):
        if text:
            out[step]["note"] = (out[step]["note"] + "; " if out[step]["note"] else "") + text

    # first load and its peak memory, one fresh process per run
    for _ in range(repeat):
        for tool, kind in (("direct", "load-oxigraph"), ("cnai", "load-cnai")):
            recs, problem = _run_child([kind, str(path)], timeout)
            note("first load (API)", problem and f"{tool}: {problem}")
            for r in recs:
                out["first load (API)"][tool].append(r["seconds"])
                out["peak memory while loading (MB)"][tool].append(r["peak_mb"])
                info[f"triples ({tool})"] = r["triples"]
    # the API session of each tool: queries, projection, betweenness, path, render
    recs, problem = _run_child(["api-direct", str(path), str(n), str(repeat)], timeout)
    for r in recs:
        out[r["step"]]["direct"] += r["times"]
        info.update(
            {f"{r['step']} {k} (direct)": v for k, v in r.items() if k not in ("step", "times")}
        )
    if problem:
        info["direct session"] = problem
    view = folder / f"view-{label(n)}.html"
    recs, problem = _run_child(["api-cnai", str(path), str(n), str(repeat), str(view)], timeout)
    for r in recs:
        out[r["step"]]["cnai"] += r["times"]
        info.update({f"{r['step']} {k}": v for k, v in r.items() if k not in ("step", "times")})
    session = set(list(STEPS)[4:11]) - ({"render, companies view"} if n > RENDER_UP_TO else set())
    if problem:
        for step in session:
            if not out[step]["cnai"]:
                note(step, f"cnai-kg: {problem}")
    if n > RENDER_UP_TO:
        note("render, companies view", f"measured up to {label(RENDER_UP_TO)} companies")
    # warm commands: once to warm any cache, then timed
    exe = shutil.which("cnai-kg") or str(Path(sys.executable).parent / "cnai-kg")
    base = [exe, "--data", str(path), "--no-shipped"]
    cache = {"CNAI_KG_CACHE_DIR": str(folder / "cache")}  # removed with the folder
    for step, cmd in (
        ("warm `show` (CLI)", [*base, "show", f"Company {n // 2}"]),
        ("warm `query --name hubs` (CLI)", [*base, "query", "--name", "hubs"]),
    ):
        _, problem = _wall(cmd, 1, timeout, cache)
        if problem:
            note(step, f"cnai-kg: {problem}")
            continue
        times, problem = _wall(cmd, repeat, timeout, cache)
        out[step]["cnai"] += times
        note(step, problem and f"cnai-kg: {problem}")
    times, problem = _wall([exe, "--help"], repeat, 60)
    out["`cnai-kg --help`"]["cnai"] += times
    note("`cnai-kg --help`", problem)
    out["_info"] = info
    for step in STEPS:
        c, d = out[step]["cnai"], out[step]["direct"]
        unit = "MB" if "MB" in step else "s"
        cs = f"{statistics.median(c):9.3f} {unit}" if c else "        -  "
        ds = f"{statistics.median(d):9.3f} {unit}" if d else "        -  "
        ratio = f"{statistics.median(c) / statistics.median(d):6.2f}x" if c and d else ""
        print(f"  {step:<36} cnai-kg {cs}   direct {ds}  {ratio}  {out[step]['note']}", flush=True)
    return out


# --------------------------------------------------------------------------- report


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "MB":
        return f"{value:,.0f} MB"
    if value >= 10:
        return f"{value:,.1f} s"
    if value >= 0.1:
        return f"{value:.2f} s"
    return f"{value * 1000:.1f} ms"


def machine() -> dict[str, str]:
    import igraph
    import networkx
    import pyoxigraph
    import rdflib

    import cnai_kg

    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.0f} GB"
    except OSError:
        pass
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        commit = subprocess.run(
            ["git", "-C", str(Path(cnai_kg.__file__).parent), "log", "-1", "--format=%h %s"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return {
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu}), "
        f"{mem} RAM",
        "python": platform.python_version(),
        "cnai-kg": cnai_kg.__version__ + (f" (commit {commit})" if commit else ""),
        "pyoxigraph": pyoxigraph.__version__,
        "igraph": igraph.__version__,
        "networkx": networkx.__version__,
        "rdflib": rdflib.__version__,
    }


def verdict(step: str, results: dict, sizes: list[int]) -> tuple[str, str]:
    """Met / not met at the largest size measured, and the figure it rests on."""
    n = sizes[-1]
    d = results[n][step]
    c, x = _median(d["cnai"]), _median(d["direct"])
    if step == "render, companies view":
        n = max((s for s in sizes if s <= RENDER_UP_TO), default=None)
        if n is None:
            return "not measured", "no size up to 10k"
        c = _median(results[n][step]["cnai"])
        limit = 2.0
    else:
        limit = {
            "warm `show` (CLI)": 0.5,
            "warm `query --name hubs` (CLI)": 0.5,
            "projection": 3.0,
            "`cnai-kg --help`": 0.3,
        }.get(step)
    if c is None:
        return "not met", results[n][step]["note"] or "not measured"
    if limit is not None:
        return ("met" if c <= limit else "not met"), f"{_fmt(c, 's')} at {label(n)}"
    if x is None:
        return "not measured", "no direct figure"
    ratio = c / x
    bound = 2.0 if "betweenness" in step or "path" in step else 1.5
    return ("met" if ratio <= bound else "not met"), f"{ratio:.2f}x at {label(n)}"


def write_report(
    results: dict,
    sizes: list[int],
    repeat: int,
    out: Path,
    plot: Path,
    took: float,
    why: dict,
    large_repeat: int = 1,
    machine_info: dict | None = None,
) -> None:
    from cnai_kg.io import atomic_write

    m = machine_info or machine()
    lines = [
        "# Benchmark results",
        "",
        "Written by `benchmarks/run.py` "
        f"(`--sizes {','.join(label(s) for s in sizes)} --repeat {repeat} "
        f"--large-repeat {large_repeat}`) on "
        f"{datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}, in {took / 60:.0f} minutes. "
        "Re-run it to reproduce; everything here is written by the script, the last column of "
        "the targets table from `benchmarks/notes.json` (our analysis of the figures).",
        "",
        "**Noise.** The machine (two cores in all) is shared with other work, so single figures "
        "can be off by tens of percent: read the ratios and the orders of magnitude, not the "
        "digits. Each figure is the median of "
        f"{repeat} runs ({large_repeat} from 100k companies on, where a step takes minutes); "
        f"the queries and the path search run at least {QUICK_RUNS} times when a run takes under "
        f"{QUICK_SECONDS:.0f} s, on both sides.",
        "",
        "## Machine and versions",
        "",
        *[f"- {k}: {v}" for k, v in m.items()],
        "",
        "## Data",
        "",
        "Synthetic graphs from `benchmarks/generate.py` (they pass the project's SHACL shapes; "
        "`tests/test_bench_generator.py` checks the 1k one): companies with en/ko/zh labels, 12 "
        "cities in the three hubs, 12 sectors, a `cnai:Statement` with its own source excerpt per "
        "relation, 0.65 partnerships per company, skewed (the first partner is drawn from a "
        "heavy-tailed distribution: a few companies take part in hundreds, most in one or two; "
        "two or three partners each, with roles, type, status, target market, sector).",
        "",
        "| companies | triples | network (nodes / edges, cnai-kg projection) |",
        "|---:|---:|---|",
    ]
    for n in sizes:
        info = results[n]["_info"]
        tri = info.get("triples (direct)") or info.get("triples (cnai)") or "?"
        net = (
            f"{info['projection nodes']:,} / {info['projection edges']:,}"
            if "projection nodes" in info
            else "–"
        )
        lines.append(
            f"| {n:,} | {tri:,} | {net} |" if isinstance(tri, int) else f"| {n:,} | {tri} | {net} |"
        )
    lines += [
        "",
        "## Medians",
        "",
        "Ratio = cnai-kg / the tool called directly (below 1: cnai-kg is faster).",
        "",
        "| step | compared with | "
        + " | ".join(f"{label(n)} cnai-kg | {label(n)} direct | ratio" for n in sizes)
        + " |",
        "|---|---|" + "---:|---:|---:|" * len(sizes),
    ]
    for step, (against, _) in STEPS.items():
        unit = "MB" if "MB" in step else "s"
        cells = []
        for n in sizes:
            d = results[n][step]
            c, x = _median(d["cnai"]), _median(d["direct"])
            ratio = f"{c / x:.2f}x" if c is not None and x else "–"
            cs = _fmt(c, unit) if c is not None else ("(" + d["note"] + ")" if d["note"] else "–")
            cells += [cs, _fmt(x, unit), ratio]
        lines.append(f"| {step} | {against or '–'} | " + " | ".join(cells) + " |")
    lines += [
        "",
        f"![time against size, log-log]({plot.name})",
        "",
        f"## Targets of issue 8 (at the largest size measured, {label(sizes[-1])} companies)",
        "",
        "| step | target | result | figure | why, and what would close it |",
        "|---|---|---|---|---|",
    ]
    for step, (_, target) in STEPS.items():
        state, figure = verdict(step, results, sizes)
        lines.append(f"| {step} | {target} | {state} | {figure} | {why.get(step, '')} |")
    firsts = [
        f"- {label(n)}: {k.removesuffix(' first_call')}: {_fmt(v, 's')} for the first search on "
        "a projection (it also builds the igraph graph the later ones reuse)"
        for n in sizes
        for k, v in results[n]["_info"].items()
        if k.endswith(" first_call")
    ]
    if firsts:
        lines += ["", "## First calls", "", *firsts]
    notes = [
        f"- {label(n)}: {k}: {v}"
        for n in sizes
        for k, v in results[n]["_info"].items()
        if "session" in k
    ]
    if notes:
        lines += ["", "## Sessions stopped", "", *notes]
    atomic_write(out, "\n".join(lines) + "\n")


def write_plot(results: dict, sizes: list[int], path: Path) -> None:
    """One log-log panel per step: cnai-kg (solid) and the direct tool (dashed) against size."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    steps = list(STEPS)
    cols = 4
    rows = -(-len(steps) // cols)
    fig = Figure(figsize=(4 * cols, 3.1 * rows), dpi=100)
    FigureCanvasAgg(fig)
    for i, step in enumerate(steps):
        ax = fig.add_subplot(rows, cols, i + 1)
        drawn: list[float] = []
        for tool, style, name in (("cnai", "-o", "cnai-kg"), ("direct", "--s", "direct")):
            points = [(n, _median(results[n][step][tool])) for n in sizes]
            points = [(n, m) for n, m in points if m is not None]
            if points:
                xs, ys = zip(*points, strict=True)
                ax.plot(xs, ys, style, label=name)
                drawn += ys
        ax.set_xscale("log")
        ax.set_yscale("log")
        if drawn and max(drawn) < 10 * min(drawn):  # at least a decade: flat looks flat
            middle = (min(drawn) * max(drawn)) ** 0.5
            ax.set_ylim(middle / 10, middle * 10)
        ax.set_title(step.replace("`", ""), fontsize=9)
        ax.set_xlabel("companies", fontsize=8)
        ax.set_ylabel("MB" if "MB" in step else "seconds", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
    fig.suptitle("cnai-kg against pyoxigraph / igraph called directly (medians, log-log)")
    fig.tight_layout()
    fig.savefig(path)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        kind, *rest = argv[1:]
        if kind == "load-cnai":
            child_load_cnai(rest[0])
        elif kind == "load-oxigraph":
            child_load_oxigraph(rest[0])
        elif kind == "api-cnai":
            child_api_cnai(rest[0], int(rest[1]), int(rest[2]), rest[3])
        elif kind == "api-direct":
            child_api_direct(rest[0], int(rest[1]), int(rest[2]))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--sizes", default="1k,10k,100k", help="companies, e.g. 1k,10k (default 1k,10k,100k)"
    )
    ap.add_argument("--repeat", type=int, default=3, help="runs per step (median reported)")
    ap.add_argument(
        "--large-repeat",
        type=int,
        default=1,
        help="runs per step from 100k companies on (each takes minutes)",
    )
    ap.add_argument(
        "--timeout", type=float, default=1800, help="seconds before a session is stopped"
    )
    ap.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    ap.add_argument(
        "--notes",
        type=Path,
        default=HERE / "notes.json",
        help="JSON {step: why} for the targets table (the analysis, written by us)",
    )
    ap.add_argument("--keep", type=Path, help="keep the generated files in this folder")
    ap.add_argument(
        "--report-only",
        action="store_true",
        help="write RESULTS.md and the plot again from the figures of the last run "
        "(results.json beside it), e.g. after editing the notes",
    )
    args = ap.parse_args(argv)
    raw = args.out.with_name("results.json")
    plot = args.out.with_name("results.png")
    if args.report_only:
        saved = json.loads(raw.read_text(encoding="utf-8"))
        results = {int(n): r for n, r in saved["results"].items()}
        sizes = sorted(results)
        why = json.loads(args.notes.read_text(encoding="utf-8")) if args.notes.exists() else {}
        write_plot(results, sizes, plot)
        write_report(
            results,
            sizes,
            saved["repeat"],
            args.out,
            plot,
            saved["took"],
            why,
            saved["large_repeat"],
        )
        print(f"wrote {args.out} and {plot} from {raw}")
        return 0
    sizes = sorted(parse_size(s) for s in args.sizes.split(","))
    start = time.perf_counter()
    results = {}
    with tempfile.TemporaryDirectory(prefix="cnai-kg-bench-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for n in sizes:
            runs = args.repeat if n < 100_000 else args.large_repeat
            results[n] = measure_size(n, folder, runs, args.timeout)
            results[n]["_info"]["runs"] = runs
    took = time.perf_counter() - start
    from cnai_kg.io import atomic_write

    saved = {
        "results": results,
        "repeat": args.repeat,
        "large_repeat": args.large_repeat,
        "took": took,
        "machine": machine(),
    }
    atomic_write(raw, json.dumps(saved, indent=1, ensure_ascii=False) + "\n")
    write_plot(results, sizes, plot)
    why = json.loads(args.notes.read_text(encoding="utf-8")) if args.notes.exists() else {}
    write_report(
        results, sizes, args.repeat, args.out, plot, took, why, args.large_repeat, saved["machine"]
    )
    print(f"\nwrote {args.out} and {plot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
