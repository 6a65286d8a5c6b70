"""``cnai-kg publish`` against a real Oxigraph server, and its errors against stand-ins."""

from __future__ import annotations

import base64
import json
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner

import cnai_kg
from cnai_kg.cli import cli
from cnai_kg.publish import publish
from cnai_kg.remote import FILE_GRAPHS, graph_iri


def run(*args, env=None):
    return CliRunner().invoke(cli, list(args), env=env)


def sparql(server, query: str) -> list[dict]:
    """Ask the server directly (plain HTTP, not through cnai-kg)."""
    body = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(
        server.query_url, data=body, headers={"Accept": "application/sparql-results+json"}
    )
    with urllib.request.urlopen(request, timeout=10) as r:
        return json.load(r)["results"]["bindings"]


def graph_counts(server) -> dict[str, int]:
    rows = sparql(server, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return {r["g"]["value"]: int(r["n"]["value"]) for r in rows}


def quads(server) -> int:
    rows = sparql(server, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    return int(rows[0]["n"]["value"])


def test_publish_twice_leaves_the_same_store(fresh_oxigraph, make_ttl):
    extra = make_ttl('kg:Mine a cnai:Company ; rdfs:label "Mine"@en .\n')
    kg = cnai_kg.load(extra)
    first = run("--data", str(extra), "publish", "--to", fresh_oxigraph.store_url)
    assert first.exit_code == 0, first.output
    counts = graph_counts(fresh_oxigraph)
    # one named graph per file, each holding exactly that file's triples
    assert len(counts) == len(kg.parts) == 13
    assert counts[FILE_GRAPHS + "graph/hubs.ttl"] == len(kg.parts["graph/hubs.ttl"])
    assert counts[graph_iri(str(extra))] == 2
    assert quads(fresh_oxigraph) == sum(len(p) for p in kg.parts.values())
    lines = first.output.splitlines()
    assert lines[-1] == (
        f"published 13 files ({quads(fresh_oxigraph):,} triples) to {fresh_oxigraph.store_url}"
    )
    assert lines[0].split() == [
        "ontology/cnai.ttl",
        str(len(kg.parts["ontology/cnai.ttl"])),
        "triples",
        f"<{FILE_GRAPHS}ontology/cnai.ttl>",
    ]

    second = run("--data", str(extra), "publish", "--to", fresh_oxigraph.store_url)
    assert second.exit_code == 0, second.output
    assert second.output == first.output
    assert graph_counts(fresh_oxigraph) == counts


def test_publish_replaces_a_changed_file(fresh_oxigraph, make_ttl):
    extra = make_ttl('kg:Mine a cnai:Company ; rdfs:label "Old"@en .\n', name="mine.ttl")
    publish(fresh_oxigraph.store_url, extra, shipped=False)
    extra.write_text(
        extra.read_text().replace('"Old"@en', '"New"@en ; rdfs:comment "x"'), encoding="utf-8"
    )
    done = publish(fresh_oxigraph.store_url, extra, shipped=False)
    assert [p.file for p in done] == ["ontology/cnai.ttl", str(extra)]
    rows = sparql(
        fresh_oxigraph,
        "SELECT ?l WHERE { GRAPH ?g { <https://w3id.org/cnai-kg/resource/Mine> "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?l } }",
    )
    assert [r["l"]["value"] for r in rows] == ["New"]
    assert graph_counts(fresh_oxigraph)[graph_iri(str(extra))] == 3


def test_a_triple_in_two_files_is_published_once(fresh_oxigraph, make_ttl):
    one = make_ttl('kg:Mine a cnai:Company ; rdfs:label "Mine"@en .\n')
    two = make_ttl('kg:Mine rdfs:label "Mine"@en ; rdfs:label "Mien"@ko .\n')
    done = publish(fresh_oxigraph.store_url, one, two, shipped=False)
    assert [p.triples for p in done[1:]] == [2, 1]
    assert graph_counts(fresh_oxigraph)[graph_iri(str(two))] == 1
    assert quads(fresh_oxigraph) == len(cnai_kg.load(one, two, shipped=False))


def test_broken_file_sends_nothing(fresh_oxigraph, make_ttl):
    bad = make_ttl('kg:a rdfs:label "open .\n')
    result = run("--data", str(bad), "publish", "--to", fresh_oxigraph.store_url)
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: {bad}:")
    assert len(result.output.splitlines()) == 1
    assert quads(fresh_oxigraph) == 0


def test_unreachable_store():
    with socket_port() as port:
        pass  # the port is free again: nothing listens there
    url = f"http://127.0.0.1:{port}/store"
    result = run("publish", "--to", url)
    assert result.exit_code == 5
    assert result.output == f"Error: cannot reach {url}: Connection refused\n"


def test_query_url_instead_of_store_url(fresh_oxigraph):
    result = run("publish", "--to", fresh_oxigraph.query_url)
    assert result.exit_code == 5
    assert result.output.startswith(f"Error: {fresh_oxigraph.query_url} answered 4")
    assert "Graph Store Protocol URL? (Oxigraph: http://HOST:7878/store" in result.output
    assert len(result.output.splitlines()) == 1


def test_not_a_url():
    result = run("publish", "--to", "localhost:7878/store")
    assert result.exit_code == 5
    assert result.output == (
        "Error: the Graph Store URL must be an http:// or https:// URL, not "
        "'localhost:7878/store'\n"
    )


# ---------------------------------------------------------------- stand-in servers


class socket_port:
    """A free loopback port (reserved while the block runs)."""

    def __enter__(self):
        import socket

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        return self.sock.getsockname()[1]

    def __exit__(self, *exc):
        self.sock.close()


@pytest.fixture
def stand_in():
    """A tiny loopback HTTP server whose PUT handling a test chooses."""
    state = {"behaviour": None, "puts": []}

    class Handler(BaseHTTPRequestHandler):
        def do_PUT(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            code = state["behaviour"](self)
            if code is None:
                return
            if code < 300:
                state["puts"].append((self.path, body))
            self.send_response(code)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = _QuietServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state["url"] = f"http://127.0.0.1:{server.server_address[1]}/store"
    yield state
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_basic_auth(stand_in):
    wanted = "Basic " + base64.b64encode(b"ana:s3cret").decode()
    stand_in["behaviour"] = lambda h: 204 if h.headers.get("Authorization") == wanted else 401
    url = stand_in["url"]

    result = run("--no-shipped", "publish", "--to", url, env={"CNAI_KG_ENDPOINT_AUTH": ""})
    assert result.exit_code == 5
    assert result.output == (
        f"Error: {url} answered 401 Unauthorized; set CNAI_KG_ENDPOINT_AUTH=user:password\n"
    )
    result = run("--no-shipped", "publish", "--to", url, env={"CNAI_KG_ENDPOINT_AUTH": "ana:no"})
    assert result.output == (
        f"Error: {url} answered 401 Unauthorized; the credentials in CNAI_KG_ENDPOINT_AUTH "
        "were refused\n"
    )
    assert stand_in["puts"] == []
    result = run(
        "--no-shipped", "publish", "--to", url, env={"CNAI_KG_ENDPOINT_AUTH": "ana:s3cret"}
    )
    assert result.exit_code == 0, result.output
    path, body = stand_in["puts"][0]
    assert path == "/store?graph=" + urllib.parse.quote(FILE_GRAPHS + "ontology/cnai.ttl", safe="")
    assert body.count(b" .\n") == len(cnai_kg.load(shipped=False))


def test_server_error_is_one_line(stand_in):
    def fail(handler):
        handler.send_response(500)
        message = b"disk full\nat line 2\n"
        handler.send_header("Content-Length", str(len(message)))
        handler.end_headers()
        handler.wfile.write(message)

    stand_in["behaviour"] = fail
    result = run("--no-shipped", "publish", "--to", stand_in["url"])
    assert result.exit_code == 5
    assert result.output == (
        f"Error: {stand_in['url']} answered 500 Internal Server Error: disk full at line 2\n"
    )


def test_slow_store_times_out(stand_in):
    stand_in["behaviour"] = lambda h: time.sleep(2) or 204
    result = run("--no-shipped", "publish", "--to", stand_in["url"], "--timeout", "0.3")
    assert result.exit_code == 5
    assert result.output == f"Error: {stand_in['url']} did not answer within 0.3 s\n"


def test_doctests():
    import doctest

    import cnai_kg.remote

    result = doctest.testmod(cnai_kg.remote, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 4
    assert result.failed == 0


class _QuietServer(ThreadingHTTPServer):
    """A stand-in that finishes its requests before it closes and prints nothing (a client
    that gave up leaves a broken pipe behind)."""

    daemon_threads = False

    def handle_error(self, request, client_address):
        pass


def test_the_store_url_is_guessed_from_the_endpoint(fresh_oxigraph):
    result = run("--no-shipped", "--endpoint", fresh_oxigraph.query_url, "publish")
    assert result.exit_code == 0, result.output
    n = len(cnai_kg.load(shipped=False))
    assert result.output.endswith(f"published 1 file ({n} triples) to {fresh_oxigraph.store_url}\n")
    assert quads(fresh_oxigraph) == n
    result = run("publish", env={"CNAI_KG_ENDPOINT": ""})
    assert result.exit_code == 2
    assert result.output == (
        "Error: give the store's Graph Store URL with --to URL (or its query URL with "
        "--endpoint URL or CNAI_KG_ENDPOINT, to guess it)\n"
    )
    result = run("--endpoint", "http://127.0.0.1:9/qlever", "publish")
    assert result.exit_code == 5
    assert result.output.startswith(
        "Error: cannot guess the Graph Store URL from http://127.0.0.1:9/qlever; give it with --to"
    )
