"""``EndpointStore`` against a real Oxigraph server: the Store contract, as the embedded store."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from oxigraph_server import start_oxigraph
from rdflib import BNode, Graph, Literal
from rdflib.compare import isomorphic

import cnai_kg
from cnai_kg.errors import EndpointError, QueryError
from cnai_kg.namespaces import CNAI, KG, RDF, SCHEMA, SKOS
from cnai_kg.publish import publish
from cnai_kg.store.base import TooManyRows
from cnai_kg.store.endpoint import EndpointStore, connect

EXTRA = """\
@prefix kg: <https://w3id.org/cnai-kg/resource/> .
@prefix cnai: <https://w3id.org/cnai-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
kg:StoreTest a cnai:Company ; rdfs:label "Store test"@en , "plain" .
"""


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    """(embedded KnowledgeGraph, EndpointStore) over the same files, on a server of their own."""
    folder = tmp_path_factory.mktemp("endpoint-store")
    extra = folder / "extra.ttl"
    extra.write_text(EXTRA, encoding="utf-8")
    server = start_oxigraph(folder / "store")
    try:
        publish(server.store_url, extra)
        yield cnai_kg.load(extra), EndpointStore(server.query_url), server
    finally:
        server.stop()


def test_files_and_size(stores):
    kg, remote, _ = stores
    assert remote.name == "endpoint"
    assert remote.files() == kg.files
    assert remote.files()[0] == "ontology/cnai.ttl"
    assert len(remote) == len(kg) > 2000


@pytest.mark.parametrize(
    "pattern",
    [
        (KG.CATL, None, None),
        (None, RDF.type, CNAI.Company),
        (None, SKOS.prefLabel, None),
        (KG.StoreTest, None, Literal("plain")),
        (KG.CATL, RDF.type, CNAI.Company),
        (KG.Nothing, None, None),
    ],
    ids=str,
)
def test_triples_as_embedded(stores, pattern):
    kg, remote, _ = stores
    assert set(remote.triples(pattern)) == set(kg.store.triples(pattern))


def test_blank_nodes_are_found_again(stores):
    kg, remote, _ = stores
    (quantity,) = [
        o
        for _, _, o in remote.triples((KG["fig-catl-productivity"], None, None))
        if isinstance(o, BNode)
    ]
    mine = {(p, o) for _, p, o in remote.triples((quantity, None, None))}
    assert (SCHEMA.unitText, Literal("percent")) in mine
    (embedded_quantity,) = [
        o
        for _, _, o in kg.store.triples((KG["fig-catl-productivity"], None, None))
        if isinstance(o, BNode)
    ]
    assert mine == {(p, o) for _, p, o in kg.store.triples((embedded_quantity, None, None))}


def test_file_triples_as_embedded(stores):
    kg, remote, _ = stores
    for name in kg.files:
        mine, theirs = Graph(), Graph()
        for triple in remote.file_triples(name):
            mine.add(triple)
        for triple in kg.store.file_triples(name):
            theirs.add(triple)
        assert len(mine) > 0
        assert isomorphic(mine, theirs), name
    assert remote.files_with((KG.StoreTest, None, None)) == [kg.files[-1]]
    assert remote.files_with((KG.CATL, RDF.type, None)) == kg.store.files_with(
        (KG.CATL, RDF.type, None)
    )
    with pytest.raises(QueryError, match="no file 'nope.ttl' in the store"):
        remote.file_triples("nope.ttl")


def test_sparql_with_bindings(stores):
    kg, remote, _ = stores
    query = "SELECT ?l WHERE { ?x rdfs:label ?l } ORDER BY ?l"
    variables, rows = remote.select(query, {"x": KG.StoreTest})
    assert variables == ["l"]
    assert rows == [(Literal("Store test", lang="en"),), (Literal("plain"),)]
    assert rows == kg.store.select(query, {"x": KG.StoreTest})[1]
    assert remote.ask("ASK { ?x a cnai:Company }", {"x": KG.StoreTest}) is True
    assert remote.ask("ASK { ?x a cnai:Company }", {"x": KG.Nothing}) is False
    construct = "CONSTRUCT { ?x ?p ?o } WHERE { ?x ?p ?o }"
    assert isomorphic(
        remote.construct(construct, {"x": KG.CATL}), kg.store.construct(construct, {"x": KG.CATL})
    )


def test_row_cap(stores):
    _, remote, _ = stores
    with pytest.raises(TooManyRows):
        remote.select("SELECT ?s WHERE { ?s ?p ?o }", max_rows=10)


def test_a_query_the_store_refuses_is_a_query_error(stores):
    _, remote, _ = stores
    with pytest.raises(QueryError, match=r"^query failed: error at 1:"):
        remote.select("SELECT ?x WHERE { ?x ?p ?o } GROUP BY ?y")


def test_union_default_graph_mode(tmp_path, stores):
    """A store whose default graph is already the union (oxigraph --union-default-graph)."""
    kg, _, _ = stores
    server = start_oxigraph(tmp_path / "union", "--union-default-graph")
    try:
        publish(server.store_url)
        assert len(EndpointStore(server.query_url, union_default_graph=True)) == len(cnai_kg.load())
    finally:
        server.stop()


def test_answers_are_reused_for_cache_seconds(tmp_path, make_ttl):
    server = start_oxigraph(tmp_path / "fresh")
    try:
        extra = make_ttl('kg:Later rdfs:label "later"@en .\n', name="later.ttl")
        publish(server.store_url, shipped=False)
        cached, fresh = (
            EndpointStore(server.query_url),
            EndpointStore(server.query_url, cache_seconds=0),
        )
        assert list(cached.triples((KG.Later, None, None))) == []
        assert list(fresh.triples((KG.Later, None, None))) == []
        publish(server.store_url, extra, shipped=False)
        assert list(cached.triples((KG.Later, None, None))) == []
        assert len(list(fresh.triples((KG.Later, None, None)))) == 1
        assert fresh.files() == ["ontology/cnai.ttl", str(extra)]
    finally:
        server.stop()


def test_connect_fails_early_in_one_line():
    with pytest.raises(EndpointError, match=r"^cannot reach http://127\.0\.0\.1:9/query: "):
        connect("http://127.0.0.1:9/query")


@pytest.fixture
def slow_or_html():
    """A loopback server answering queries slowly (/slow) or with an HTML page (/html)."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if self.path == "/slow":
                time.sleep(1.5)
            body = b"<html><body>Welcome</body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = _QuietServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_timeout_and_not_an_endpoint(slow_or_html):
    with pytest.raises(EndpointError) as e:
        EndpointStore(f"{slow_or_html}/slow", timeout=0.3).files()
    assert str(e.value) == f"{slow_or_html}/slow did not answer within 0.3 s"
    with pytest.raises(EndpointError) as e:
        EndpointStore(f"{slow_or_html}/html").files()
    assert str(e.value) == (
        f"{slow_or_html}/html answered text/html, not application/sparql-results+json: "
        "is this a SPARQL endpoint?"
    )


class _QuietServer(ThreadingHTTPServer):
    """A stand-in that finishes its requests before it closes and prints nothing (a client
    that gave up leaves a broken pipe behind)."""

    daemon_threads = False

    def handle_error(self, request, client_address):
        pass
