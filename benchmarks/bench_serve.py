"""A bounded load test of ``cnai-kg serve``: N clients for a fixed time, with one slow query.

Run on demand (not part of the tests); loopback only, stops by itself::

    .venv/bin/python benchmarks/bench_serve.py [--clients 8] [--duration 30] [--timeout 5]

It starts the real command (``cnai-kg serve --port 0``) as a subprocess on
127.0.0.1, then runs, for ``--duration`` seconds:

* ``--clients`` client threads, each with its own keep-alive connection, sending
  the shipped named queries that need no argument (their SPARQL text, as any
  client would) to ``/sparql`` one after another, asking for SPARQL JSON;
* one more client sending a query that cannot finish (a three-way cartesian
  product, counted) over and over, so that a worker is always busy with it until
  the server's time limit (``--timeout``) stops it.

It reports requests per second, p50/p99/max latency and the errors of the
regular clients (any answer but 200), and what the slow client got (each should
be a 503 at the time limit). Then it stops the server.
"""

from __future__ import annotations

import argparse
import http.client
import os
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


def start_server(timeout: float, workers: int, backlog: int) -> tuple[subprocess.Popen, str, int]:
    exe = Path(sys.executable).parent / "cnai-kg"
    proc = subprocess.Popen(
        [
            str(exe),
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
    )
    line = proc.stdout.readline()
    if " at http://127.0.0.1:" not in line:
        proc.kill()
        raise SystemExit(f"the server did not start: {line}{proc.stderr.read()}")
    url = line.split(" at ")[1].split()[0]
    port = int(url.rsplit(":", 1)[1].strip("/"))
    return proc, url, port


def client(port: int, queries, stop: float, out: list, offset: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    i = offset
    while time.monotonic() < stop:
        name, text = queries[i % len(queries)]
        i += 1
        body = urllib.parse.urlencode({"query": text})
        t0 = time.monotonic()
        try:
            conn.request(
                "POST",
                "/sparql",
                body=body,
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Accept": "application/sparql-results+json",
                },
            )
            r = conn.getresponse()
            r.read()
            status = r.status
        except (OSError, http.client.HTTPException) as e:
            status = type(e).__name__
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        out.append((name, status, time.monotonic() - t0))
    conn.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--duration", type=float, default=30.0)
    ap.add_argument("--timeout", type=float, default=5.0, help="the server's --timeout")
    ap.add_argument("--workers", type=int, default=4, help="the server's --workers")
    ap.add_argument("--backlog", type=int, default=8, help="the server's --backlog")
    ap.add_argument(
        "--no-slow", action="store_true", help="leave the slow query out (for comparison)"
    )
    args = ap.parse_args()

    queries = mix()
    proc, url, port = start_server(args.timeout, args.workers, args.backlog)
    try:
        results: list[list] = [[] for _ in range(args.clients)]
        slow: list = []
        t_start = time.monotonic()
        stop = t_start + args.duration
        threads = [
            threading.Thread(target=client, args=(port, queries, stop, results[k], k))
            for k in range(args.clients)
        ]
        threads.append(
            threading.Thread(target=client, args=(port, [("slow", SLOW)], stop, slow, 0))
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
    ok = [lat for _, status, lat in done if status == 200]
    errors = [(name, status) for name, status, _ in done if status != 200]
    lat = sorted(ok)

    def pct(p: float) -> float:
        return lat[min(len(lat) - 1, int(p * len(lat)))] * 1000 if lat else float("nan")

    print(
        f"cnai-kg serve at {url} (--timeout {args.timeout:g} --workers {args.workers} "
        f"--backlog {args.backlog}); {os.cpu_count()} CPUs"
    )
    print(
        f"{args.clients} clients for {elapsed:.1f} s, {len(queries)} named queries in turn, "
        + ("no slow query" if args.no_slow else "one slow query running throughout")
    )
    print(f"requests      {len(done):>8,}")
    print(f"requests/s    {len(done) / elapsed:>8.1f}")
    print(f"p50 latency   {pct(0.50):>8.1f} ms")
    print(f"p99 latency   {pct(0.99):>8.1f} ms")
    print(f"max latency   {max(lat) * 1000 if lat else float('nan'):>8.1f} ms")
    print(f"errors        {len(errors):>8,}")
    for (name, status), n in sorted(_count(errors).items()):
        print(f"  {name}: {status} x{n}")
    per_query: dict[str, list[float]] = {}
    for name, status, t in done:
        if status == 200:
            per_query.setdefault(name, []).append(t * 1000)
    slowest = sorted(per_query.items(), key=lambda kv: -statistics.median(kv[1]))[:3]
    print(
        "slowest named queries (median): "
        + ", ".join(f"{name} {statistics.median(ts):.0f} ms" for name, ts in slowest)
    )
    if args.no_slow:
        if errors:
            raise SystemExit(1)
        return
    slow_status = _count([s for _, s, _ in slow])
    slow_times = [f"{t:.1f}" for _, _, t in slow]
    print(
        f"slow query    {len(slow)} answer(s) {dict(slow_status)}, after {', '.join(slow_times)} s"
    )
    if errors:
        raise SystemExit(1)


def _count(items) -> dict:
    out: dict = {}
    for x in items:
        out[x] = out.get(x, 0) + 1
    return out


if __name__ == "__main__":
    main()
