"""A bounded load test of ``cnai-kg serve``: N clients for a fixed time, with one slow query.

Run on demand (not part of the tests); loopback only, stops by itself::

    .venv/bin/python benchmarks/bench_serve.py [--clients 8] [--duration 30] [--timeout 5]
    .venv/bin/python benchmarks/bench_serve.py --data bench-100k.ttl --companies 100000 \
        --routes entity,path,search --no-slow

It starts the real command (``cnai-kg serve --port 0``, on the shipped graph or on
``--data FILE`` alone) as a subprocess on 127.0.0.1, then runs, for ``--duration`` seconds:

* ``--clients`` client threads, each with its own keep-alive connection, sending
  requests one after another, in turn over the ``--routes``:

  - ``sparql``: the shipped named queries that need no argument (their SPARQL text, as
    any client would) to ``/sparql``, asking for SPARQL JSON;
  - ``entity``: entity pages (``/entity/ID``) of companies drawn at random;
  - ``path``: ``/api/path?from=A&to=B`` between two companies drawn at random;
  - ``search``: ``/api/search?q=...``, a company's name or a part of it;

  (``entity``, ``path`` and ``search`` on a graph of ``benchmarks/generate.py``, whose
  companies are ``kg:bench-co-0`` ... ``kg:bench-co-N-1``, N from ``--companies``; on the
  shipped graph they draw from its companies);
* unless ``--no-slow``, one more client sending a query that cannot finish (a three-way
  cartesian product, counted) over and over, so that a worker is always busy with it until
  the server's time limit (``--timeout``) stops it.

One request per route is sent before the clock starts (the server's first answers build
what later ones reuse: the compiled network, the name index), and reported apart. It
reports requests per second, p50/p99/max latency overall and per route, and the errors of
the regular clients (any answer but 200), and what the slow client got (each should be a
503 at the time limit). Then it stops the server.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import cnai_kg

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def mix() -> list[tuple[str, str]]:
    """Named queries whose parameters are all optional: (name, text)."""
    out = []
    for name, q in cnai_kg.named_queries().items():
        if all(p.optional or p.kind == "lang" for p in q.params):
            out.append((name, q.text))
    return out


def start_server(
    timeout: float, workers: int, backlog: int, data: Path | None = None, env: dict | None = None
) -> tuple[subprocess.Popen, str, int]:
    exe = Path(sys.executable).parent / "cnai-kg"
    graph = ["--data", str(data), "--no-shipped"] if data else []
    proc = subprocess.Popen(
        [
            str(exe),
            *graph,
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--timeout",
            str(timeout),
            "--workers",
            str(workers),
            "--backlog",
            str(backlog),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    line = proc.stdout.readline()
    if " at http://127.0.0.1:" not in line:
        proc.kill()
        raise SystemExit(f"the server did not start: {line}{proc.stderr.read()}")
    url = line.split(" at ")[1].split()[0]
    port = int(url.rsplit(":", 1)[1].strip("/"))
    return proc, url, port


def requests_for(route: str, companies: list[str], seed: int) -> list[tuple[str, str, str]]:
    """(name, method, target) of the requests a client sends on ``route``, in turn."""
    rng = random.Random(seed)
    quote = urllib.parse.quote
    if route == "sparql":
        return [(n, "POST", text) for n, text in mix()]
    out = []
    for _ in range(500):
        a, b = rng.choice(companies), rng.choice(companies)
        if route == "entity":
            out.append(("entity", "GET", f"/entity/{quote(a)}"))
        elif route == "path":
            out.append(("path", "GET", f"/api/path?from={quote(a)}&to={quote(b)}"))
        elif route == "search":
            number = a.rsplit("-", 1)[-1]
            words = rng.choice((f"Company {number}", f"{number}", f"company {number[:2]}"))
            out.append(("search", "GET", f"/api/search?q={quote(words)}"))
        else:
            raise SystemExit(f"unknown route {route!r}: sparql, entity, path or search")
    return out


def _send(conn: http.client.HTTPConnection, method: str, target: str) -> int:
    if method == "POST":
        conn.request(
            "POST",
            "/sparql",
            body=urllib.parse.urlencode({"query": target}),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/sparql-results+json",
            },
        )
    else:
        conn.request("GET", target)
    r = conn.getresponse()
    r.read()
    return r.status


def client(port: int, requests, stop: float, out: list, offset: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    i = offset
    while time.monotonic() < stop:
        name, method, target = requests[i % len(requests)]
        i += 1
        t0 = time.monotonic()
        try:
            status = _send(conn, method, target)
        except (OSError, http.client.HTTPException) as e:
            status = type(e).__name__
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        out.append((name, status, time.monotonic() - t0))
    conn.close()


def _companies(data: Path | None, n: int) -> list[str]:
    if data is not None:
        return [f"kg:bench-co-{i}" for i in range(n)]
    from cnai_kg.namespaces import CNAI

    kg = cnai_kg.load()
    return sorted(kg.curie(c) for c in kg.entities(CNAI.Company))


def _pct(lat: list[float], p: float) -> float:
    return lat[min(len(lat) - 1, int(p * len(lat)))] * 1000 if lat else float("nan")


def run(
    *,
    clients: int = 8,
    duration: float = 30.0,
    timeout: float = 5.0,
    workers: int = 4,
    backlog: int = 8,
    routes: tuple[str, ...] = ("sparql",),
    slow: bool = True,
    data: Path | None = None,
    companies: int = 0,
    env: dict | None = None,
) -> dict:
    """The load test; its figures as a dict (also what ``--json`` prints)."""
    names = _companies(data, companies) if set(routes) - {"sparql"} else []
    mixed = [requests_for(route, names, seed) for seed, route in enumerate(routes)]
    # each client takes the routes in turn: request i of client k is route (i + k) % R
    per_client = [
        [mixed[(i + k) % len(mixed)][i % len(mixed[(i + k) % len(mixed)])] for i in range(500)]
        for k in range(clients)
    ]
    start = time.monotonic()
    proc, url, port = start_server(timeout, workers, backlog, data, env)
    started = time.monotonic() - start
    first: dict[str, tuple] = {}
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        for route, requests in zip(routes, mixed, strict=True):
            t0 = time.monotonic()
            first[route] = (_send(conn, requests[0][1], requests[0][2]), time.monotonic() - t0)
        conn.close()
        results: list[list] = [[] for _ in range(clients)]
        slow_out: list = []
        t_start = time.monotonic()
        stop = t_start + duration
        threads = [
            threading.Thread(target=client, args=(port, per_client[k], stop, results[k], k))
            for k in range(clients)
        ]
        if slow:
            threads.append(
                threading.Thread(
                    target=client, args=(port, [("slow", "POST", SLOW)], stop, slow_out, 0)
                )
            )
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - t_start
    finally:
        proc.terminate()
        proc.wait(15)

    done = [r for rs in results for r in rs]
    lat = sorted(t for _, status, t in done if status == 200)
    errors = [(name, status) for name, status, _ in done if status != 200]
    by_route: dict[str, dict] = {}
    for route in routes:
        mine = [
            (n, s, t)
            for n, s, t in done
            if (n == route) or (route == "sparql" and n in {q for q, _ in mix()})
        ]
        ok = sorted(t for _, s, t in mine if s == 200)
        by_route[route] = {
            "requests": len(mine),
            "errors": sum(1 for _, s, _ in mine if s != 200),
            "p50_ms": _pct(ok, 0.5),
            "p99_ms": _pct(ok, 0.99),
            "max_ms": max(ok) * 1000 if ok else float("nan"),
            "first_status": first[route][0],
            "first_s": first[route][1],
        }
    per_query: dict[str, list[float]] = {}
    for name, status, t in done:
        if status == 200:
            per_query.setdefault(name, []).append(t * 1000)
    return {
        "url": url,
        "server_start_s": started,
        "clients": clients,
        "seconds": elapsed,
        "requests": len(done),
        "per_second": len(done) / elapsed,
        "p50_ms": _pct(lat, 0.5),
        "p99_ms": _pct(lat, 0.99),
        "max_ms": max(lat) * 1000 if lat else float("nan"),
        "errors": len(errors),
        "errors_by": {f"{n}: {s}": c for (n, s), c in sorted(_count(errors).items())},
        "routes": by_route,
        "slowest": sorted(
            ((n, statistics.median(ts)) for n, ts in per_query.items()), key=lambda kv: -kv[1]
        )[:3],
        "slow": {
            "answers": len(slow_out),
            "statuses": {str(k): v for k, v in _count([s for _, s, _ in slow_out]).items()},
            "after_s": [round(t, 1) for _, _, t in slow_out],
        }
        if slow
        else None,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--duration", type=float, default=30.0)
    ap.add_argument("--timeout", type=float, default=5.0, help="the server's --timeout")
    ap.add_argument("--workers", type=int, default=4, help="the server's --workers")
    ap.add_argument("--backlog", type=int, default=8, help="the server's --backlog")
    ap.add_argument(
        "--routes", default="sparql", help="comma-separated: sparql, entity, path, search"
    )
    ap.add_argument("--data", type=Path, help="serve this file alone (a generated graph)")
    ap.add_argument(
        "--companies", type=int, default=0, help="companies in --data (benchmarks/generate.py)"
    )
    ap.add_argument(
        "--no-slow", action="store_true", help="leave the slow query out (for comparison)"
    )
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args()
    if args.data is not None and not args.companies:
        raise SystemExit("--data needs --companies (how many benchmarks/generate.py wrote)")
    routes = tuple(r.strip() for r in args.routes.split(",") if r.strip())
    r = run(
        clients=args.clients,
        duration=args.duration,
        timeout=args.timeout,
        workers=args.workers,
        backlog=args.backlog,
        routes=routes,
        slow=not args.no_slow,
        data=args.data,
        companies=args.companies,
    )
    if args.json:
        print(json.dumps(r, indent=1))
        raise SystemExit(1 if r["errors"] else 0)
    print(
        f"cnai-kg serve at {r['url']} (--timeout {args.timeout:g} --workers {args.workers} "
        f"--backlog {args.backlog}); {os.cpu_count()} CPUs; started in "
        f"{r['server_start_s']:.1f} s"
    )
    print(
        f"{args.clients} clients for {r['seconds']:.1f} s, routes {', '.join(routes)} in turn, "
        + ("no slow query" if args.no_slow else "one slow query running throughout")
    )
    print(f"requests      {r['requests']:>8,}")
    print(f"requests/s    {r['per_second']:>8.1f}")
    print(f"p50 latency   {r['p50_ms']:>8.1f} ms")
    print(f"p99 latency   {r['p99_ms']:>8.1f} ms")
    print(f"max latency   {r['max_ms']:>8.1f} ms")
    print(f"errors        {r['errors']:>8,}")
    for what, n in r["errors_by"].items():
        print(f"  {what} x{n}")
    for route, f in r["routes"].items():
        print(
            f"  {route:<8} {f['requests']:>6,} requests, p50 {f['p50_ms']:.1f} ms, "
            f"p99 {f['p99_ms']:.1f} ms, max {f['max_ms']:.1f} ms, {f['errors']} errors; "
            f"first answer {f['first_status']} in {f['first_s']:.2f} s"
        )
    print(
        "slowest requests (median): "
        + ", ".join(f"{name} {ms:.0f} ms" for name, ms in r["slowest"])
    )
    if r["slow"] is not None:
        s = r["slow"]
        print(
            f"slow query    {s['answers']} answer(s) {s['statuses']}, after "
            f"{', '.join(map(str, s['after_s']))} s"
        )
    if r["errors"]:
        raise SystemExit(1)


def _count(items) -> dict:
    out: dict = {}
    for x in items:
        out[x] = out.get(x, 0) + 1
    return out


if __name__ == "__main__":
    main()
