"""A soak test of ``cnai-kg serve``: many clients for minutes, every route, runaway queries.

Run on demand (not part of the tests); loopback only, stops by itself::

    .venv/bin/python benchmarks/soak.py [--companies 0] [--clients 16] [--minutes 10]

It starts the real command (``cnai-kg serve --port 0``) as a subprocess on 127.0.0.1,
on the shipped graph (``--companies 0``) or on a synthetic graph of that many companies
(``benchmarks/generate.py``, served with ``--no-shipped``), in a scratch cache folder.
Then, for ``--minutes``:

* ``--clients`` client threads, each with its own keep-alive connection, go round every
  route in turn: the explorer's pages (home, entity, path, search, query page, downloads,
  the graph views, a static file) in ko/en/zh, the JSON API (entity, path, search,
  healthz) and ``/sparql`` (the shipped named queries that need no argument, as SPARQL
  JSON, and an ``ASK`` as CSV by GET);
* one more client sends a runaway query (a counted three-way cartesian product) every
  ``--runaway-every`` seconds; the server's ``--timeout`` stops each one.

Every five seconds it samples the server's resident memory (with its children: a timed
query runs in a forked worker) and its CPU. It reports requests, the answers by status
(each 503 sorted by its cause: the full queue, a time limit, or anything else, shown),
p50/p99 latency of the answers, peak RSS and its growth per minute after the first
minute (least squares; a leak shows as a steady climb), the server's CPU in the
seconds after each runaway query was stopped (a query left running would hold a core),
and processes left behind. Exit status 1 when a regular request got a 5xx, a connection
failed, a runaway query was not stopped at the time limit, or a process was left behind.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import psutil

import cnai_kg

sys.path.insert(0, str(Path(__file__).parent))
from generate import write_graph  # noqa: E402

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
LANGS = ("ko", "en", "zh")
CSV = urllib.parse.urlencode({"query": "SELECT ?c WHERE { ?c a cnai:Company } LIMIT 20"})
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def start_server(args, folder: Path) -> tuple[subprocess.Popen, int]:
    exe = Path(sys.executable).parent / "cnai-kg"
    data = []
    if args.companies:
        path = folder / f"synthetic-{args.companies}.ttl"
        write_graph(args.companies, path)
        data = ["--data", str(path), "--no-shipped"]
    env = {**os.environ, "CNAI_KG_CACHE_DIR": str(folder / "cache")}
    proc = subprocess.Popen(
        [exe, *data, "serve", "--host", "127.0.0.1", "--port", "0"]
        + ["--timeout", str(args.timeout), "--workers", str(args.workers)]
        + ["--backlog", str(args.backlog)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    line = proc.stdout.readline()
    if " at http://127.0.0.1:" not in line:
        proc.kill()
        raise SystemExit(f"the server did not start: {line}{proc.stderr.read()}")
    url = line.split(" at ")[1].split()[0]
    return proc, int(url.rsplit(":", 1)[1].strip("/"))


class Client:
    """One keep-alive connection; ``get``/``post`` return (status, body, seconds)."""

    def __init__(self, port: int, timeout: float = 300.0):
        self.port, self.timeout = port, timeout
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def send(self, method: str, path: str, body: str | None = None, headers=None):
        t0 = time.monotonic()
        try:
            self.conn.request(method, path, body=body, headers=headers or {})
            r = self.conn.getresponse()
            data = r.read()
            status = r.status
        except (OSError, http.client.HTTPException) as e:
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            status, data = type(e).__name__, b""
        return status, data, time.monotonic() - t0

    def get_json(self, path: str):
        status, data, _ = self.send("GET", path)
        if status != 200:
            raise SystemExit(f"{path}: {status} {data[:200]!r}")
        return json.loads(data)


def sparql_rows(client: Client, query: str) -> list[dict]:
    status, data, _ = client.send(
        "POST",
        "/sparql",
        urllib.parse.urlencode({"query": query}),
        {**FORM, "Accept": "application/sparql-results+json"},
    )
    if status != 200:
        raise SystemExit(f"setup query: {status} {data[:300]!r}")
    return json.loads(data)["results"]["bindings"]


def plan(client: Client) -> list[tuple[str, str, str, str | None, dict]]:
    """The requests the clients go round: (route, method, path, body, headers)."""
    prefix = "https://w3id.org/cnai-kg/resource/"
    rows = sparql_rows(
        client,
        "SELECT DISTINCT ?e WHERE { ?e a ?t ; rdfs:label ?l "
        f'FILTER (STRSTARTS(STR(?e), "{prefix}")) }} ORDER BY ?e LIMIT 400',
    )
    ids = ["kg:" + r["e"]["value"][len(prefix) :] for r in rows]
    rng = random.Random(18)
    entities = rng.sample(ids, min(60, len(ids)))
    # pairs with a path between them (asked once here)
    pairs = []
    for a, b in zip(entities[::2], entities[1::2], strict=False):
        q = urllib.parse.urlencode({"from": a, "to": b})
        status, _, _ = client.send("GET", f"/api/path?{q}")
        if status == 200:
            pairs.append((a, b))
        if len(pairs) == 8:
            break
    home = client.send("GET", "/")[1].decode("utf-8", "replace")
    statics = sorted(set(re.findall(r"/static/([\w.-]+)", home)))[:3]
    named = [
        (name, q.text)
        for name, q in cnai_kg.named_queries().items()
        if all(p.optional or p.kind == "lang" for p in q.params)
    ]
    words = ["AI", "Company", "기업", "企业", "Shanghai", "battery"]
    out = []
    for i, entity in enumerate(entities):
        lang = LANGS[i % 3]
        e = urllib.parse.quote(entity, safe="")
        name, text = named[i % len(named)]
        a, b = pairs[i % len(pairs)] if pairs else (entity, entity)
        pq = urllib.parse.urlencode({"from": a, "to": b, "lang": lang})
        word = urllib.parse.quote(words[i % len(words)])
        out += [
            ("page /", "GET", f"/?lang={lang}", None, {}),
            ("page /entity", "GET", f"/entity/{e}?lang={lang}", None, {}),
            ("page /path", "GET", f"/path?{pq}", None, {}),
            ("page /search", "GET", f"/search?q={word}&lang={lang}", None, {}),
            ("page /query", "GET", f"/query?name={name}&lang={lang}", None, {}),
            ("page /query/download", "GET", f"/query/download?name={name}&format=csv", None, {}),
            ("view home", "GET", f"/view/home?lang={lang}", None, {}),
            ("view entity", "GET", f"/view/entity/{e}?lang={lang}", None, {}),
            ("view path", "GET", f"/view/path?{pq}", None, {}),
            ("json /api/entity", "GET", f"/api/entity/{e}?lang={lang}", None, {}),
            ("json /api/path", "GET", f"/api/path?{pq}", None, {}),
            ("json /api/search", "GET", f"/api/search?q={word}&lang={lang}", None, {}),
            ("json /healthz", "GET", "/healthz", None, {}),
            (
                "sparql POST json",
                "POST",
                "/sparql",
                urllib.parse.urlencode({"query": text}),
                {**FORM, "Accept": "application/sparql-results+json"},
            ),
            ("sparql GET csv", "GET", f"/sparql?{CSV}", None, {"Accept": "text/csv"}),
        ]
        if statics:
            out.append(("static", "GET", f"/static/{statics[i % len(statics)]}", None, {}))
    return out


def regular(port: int, requests, stop: float, out: list, offset: int) -> None:
    client = Client(port)
    i = offset
    while time.monotonic() < stop:
        route, method, path, body, headers = requests[i % len(requests)]
        i += 7  # clients walk the plan in different orders
        status, data, seconds = client.send(method, path, body, headers)
        cause = _cause(status, data)
        out.append((route, status, cause, seconds))


def _cause(status, data: bytes) -> str | None:
    if status != 503:
        return None
    text = data.decode("utf-8", "replace")
    if "busy" in text:
        return "full queue"
    if "time limit" in text:
        return "time limit"
    return "other: " + " ".join(text.split())[:200]


def runaway(port: int, every: float, stop: float, out: list, stopped: list) -> None:
    next_at = time.monotonic() + 5
    while next_at < stop:
        time.sleep(max(0.0, next_at - time.monotonic()))
        client = Client(port)  # a fresh connection: a kept one is closed when idle
        status, data, seconds = client.send(
            "POST",
            "/sparql",
            urllib.parse.urlencode({"query": RUNAWAY}),
            {**FORM, "Accept": "application/sparql-results+json"},
        )
        out.append((status, _cause(status, data), seconds))
        stopped.append(time.monotonic())
        next_at += every


def tree(proc: psutil.Process) -> list[psutil.Process]:
    try:
        return [proc, *proc.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def sample(pid: int, stop: float, out: list) -> None:
    """(time, RSS of the server and its children, CPU seconds so far, children) every 5 s."""
    proc = psutil.Process(pid)
    t0 = time.monotonic()
    while time.monotonic() < stop:
        rss = cpu = 0.0
        procs = tree(proc)
        for p in procs:
            try:
                rss += p.memory_info().rss
                times = p.cpu_times()
                cpu += times.user + times.system
            except psutil.NoSuchProcess:
                pass
        try:
            main = proc.memory_info().rss
        except psutil.NoSuchProcess:
            main = 0
        out.append((time.monotonic() - t0, rss, cpu, len(procs) - 1, main))
        time.sleep(5)


def slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of (x, y)."""
    if len(points) < 2:
        return float("nan")
    mx = statistics.fmean(x for x, _ in points)
    my = statistics.fmean(y for _, y in points)
    den = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / den if den else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--companies", type=int, default=0, help="0: the shipped graph")
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--runaway-every", type=float, default=30.0)
    ap.add_argument("--timeout", type=float, default=10.0, help="the server's --timeout")
    ap.add_argument("--workers", type=int, default=4, help="the server's --workers")
    ap.add_argument("--backlog", type=int, default=16, help="the server's --backlog")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="cnai-kg-soak-") as scratch:
        folder = Path(scratch)
        t_load = time.monotonic()
        proc, port = start_server(args, folder)
        load_s = time.monotonic() - t_load
        try:
            requests = plan(Client(port))
            results: list[list] = [[] for _ in range(args.clients)]
            runaways: list = []
            stopped_at: list[float] = []
            samples: list = []
            t_start = time.monotonic()
            stop = t_start + args.minutes * 60
            threads = [
                threading.Thread(target=regular, args=(port, requests, stop, results[k], k))
                for k in range(args.clients)
            ]
            threads.append(
                threading.Thread(
                    target=runaway, args=(port, args.runaway_every, stop, runaways, stopped_at)
                )
            )
            threads.append(threading.Thread(target=sample, args=(proc.pid, stop, samples)))
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.monotonic() - t_start
            time.sleep(3)
            server = psutil.Process(proc.pid)
            before = sum(p.cpu_times().user + p.cpu_times().system for p in tree(server))
            time.sleep(5)
            after = sum(p.cpu_times().user + p.cpu_times().system for p in tree(server))
            idle_cpu = (after - before) / 5
            left = len(tree(server)) - 1
        finally:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()

    report(args, load_s, elapsed, requests, results, runaways, stopped_at, samples, idle_cpu, left)


def report(args, load_s, elapsed, requests, results, runaways, stopped_at, samples, idle, left):
    done = [r for rs in results for r in rs]
    ok = sorted(s for _, status, _, s in done if isinstance(status, int) and status < 500)
    by_status: dict = {}
    for route, status, cause, _ in done:
        key = (status, cause)
        by_status.setdefault(key, {}).setdefault(route, 0)
        by_status[key][route] += 1

    def pct(values, p):
        return values[min(len(values) - 1, int(p * len(values)))] * 1000 if values else 0.0

    graph = f"{args.companies:,} synthetic companies" if args.companies else "the shipped graph"
    print(
        f"cnai-kg serve on {graph} (--timeout {args.timeout:g} --workers {args.workers} "
        f"--backlog {args.backlog}), {os.cpu_count()} CPUs; started in {load_s:.1f} s"
    )
    routes = sorted({r[0] for r in requests})
    print(
        f"{args.clients} clients for {elapsed / 60:.1f} min over {len(routes)} routes "
        f"({len(requests)} distinct requests), a runaway query every {args.runaway_every:g} s"
    )
    print(f"requests          {len(done):>9,}  ({len(done) / elapsed:.1f}/s)")
    for (status, cause), per_route in sorted(by_status.items(), key=lambda kv: str(kv[0])):
        total = sum(per_route.values())
        label = f"{status}" + (f" ({cause})" if cause else "")
        detail = ""
        if status != 200:
            detail = "  " + ", ".join(f"{r} x{n}" for r, n in sorted(per_route.items()))
        print(f"  {label:<16}{total:>9,}{detail}")
    print(f"p50 latency       {pct(ok, 0.50):>9.1f} ms")
    print(f"p99 latency       {pct(ok, 0.99):>9.1f} ms")
    per_route: dict[str, list[float]] = {}
    for route, status, _, s in done:
        if status == 200:
            per_route.setdefault(route, []).append(s)
    slowest = sorted(per_route.items(), key=lambda kv: -statistics.median(kv[1]))[:3]
    print(
        "slowest routes (p50): "
        + ", ".join(f"{r} {statistics.median(v) * 1000:.0f} ms" for r, v in slowest)
    )
    rss = [(t / 60, b / 2**20) for t, b, *_ in samples]
    warm = [(t / 60, m / 2**20) for t, *_, m in samples if t >= 60]
    print(f"peak RSS          {max(m for _, m in rss):>9.1f} MB (server and its workers)")
    print(
        f"RSS growth        {slope(warm):>+9.2f} MB/min after the first minute, server process "
        f"({warm[0][1]:.1f} -> {warm[-1][1]:.1f} MB)"
        if warm
        else "RSS growth        (run shorter than a minute)"
    )
    if runaways:
        kinds = sorted({(s, c) for s, c, _ in runaways}, key=str)
        times = [t for *_, t in runaways]
        print(
            f"runaway queries   {len(runaways)}: "
            + ", ".join(f"{s} ({c})" if c else str(s) for s, c in kinds)
            + f"; answered after {min(times):.1f}-{max(times):.1f} s"
        )
    else:
        print("runaway queries   none")
    cpu = [(t, c) for t, _, c, *_ in samples]
    rates = [
        (b[1] - a[1]) / (b[0] - a[0]) for a, b in zip(cpu, cpu[1:], strict=False) if b[0] > a[0]
    ]
    print(
        f"server CPU        {statistics.fmean(rates) if rates else 0:.2f} cores on average "
        f"under load; {idle:.2f} cores in the 5 s after the run"
    )
    workers = max((n for _, _, _, n, _ in samples), default=0)
    print(f"child processes   at most {workers} at once (forked query workers)")
    print(f"left behind       {left} child process(es) after the run")
    bad = [
        (route, status, cause)
        for route, status, cause, _ in done
        if not isinstance(status, int)
        or (status >= 500 and cause not in ("full queue", "time limit"))
    ]
    not_stopped = [s for s, c, _ in runaways if (s, c) != (503, "time limit")]
    if bad or not_stopped or left or idle > 0.5:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
