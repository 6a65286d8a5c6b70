"""``cnai-kg serve`` as a SPARQL 1.1 Protocol endpoint, hit by a real client over loopback.

A server runs in a background thread on a free port of 127.0.0.1 (uvicorn, the
same code ``cnai-kg serve`` runs); SPARQLWrapper and plain ``urllib`` talk to it
over real sockets. Answers are compared with what ``kg.query`` gives for the
same query, term by term.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from SPARQLWrapper import CSV, JSON, JSONLD, N3, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

import cnai_kg
from cnai_kg.server import Limits, start

HUBS = "SELECT ?hub ?label WHERE { ?hub a cnai:AIHub ; rdfs:label ?label } ORDER BY ?hub ?label"
CONSTRUCT = "CONSTRUCT { ?c cnai:basedIn ?h } WHERE { ?c a cnai:Company ; cnai:basedIn ?h }"
# a three-way cartesian product: billions of solutions, counted (so no rows pile up)
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SR = "{http://www.w3.org/2005/sparql-results#}"
CNAI_KG = str(Path(sys.executable).parent / "cnai-kg")


@pytest.fixture(scope="module")
def server(kg):
    with start(kg, limits=Limits(timeout=1.0, max_rows=500, max_request=4096)) as running:
        yield running


def client(endpoint: str, query: str, fmt=JSON, method="GET") -> SPARQLWrapper:
    w = SPARQLWrapper(endpoint)
    w.setQuery(query)
    w.setReturnFormat(fmt)
    w.setMethod(method)
    w.setTimeout(30)
    return w


def http(url: str, *, data: bytes | None = None, headers: dict | None = None):
    """(status, headers, body) of one request, errors included."""
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def q(query: str) -> str:
    return urllib.parse.urlencode({"query": query})


# --------------------------------------------------------------------------- result formats


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_select_json_matches_the_library(server, kg, method):
    res = client(server.endpoint, HUBS, JSON, method).query().convert()
    want = kg.query(HUBS)
    assert res["head"]["vars"] == ["hub", "label"]
    got = [
        (URIRef(b["hub"]["value"]), Literal(b["label"]["value"], lang=b["label"]["xml:lang"]))
        for b in res["results"]["bindings"]
    ]
    assert got == [tuple(r) for r in want.tuples]
    assert len(got) == 9  # three hubs, a label in each of three languages


def test_select_xml(server, kg):
    doc = client(server.endpoint, HUBS, XML).query().convert()  # an xml.dom Document
    root = ET.fromstring(doc.toxml())
    names = [v.get("name") for v in root.iter(f"{SR}variable")]
    uris = [u.text for u in root.iter(f"{SR}uri")]
    assert names == ["hub", "label"]
    assert uris == [str(r.hub) for r in kg.query(HUBS)]


def test_select_csv_and_tsv(server, kg):
    want = kg.query(HUBS)
    text = client(server.endpoint, HUBS, CSV).query().convert().decode("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["hub", "label"]
    assert [tuple(r) for r in rows[1:]] == [(str(a), str(b)) for a, b in want.tuples]
    tsv = client(server.endpoint, HUBS, TSV).query().convert().decode("utf-8")
    assert tsv == want.serialize("tsv").decode("utf-8")
    assert "\t" in tsv.splitlines()[1] and "@ko" in tsv


def test_ask(server):
    w = client(server.endpoint, "ASK { kg:Tencent cnai:basedIn kg:PearlRiverDelta }", JSON)
    assert w.query().convert()["boolean"] is True
    w = client(server.endpoint, "ASK { kg:Tencent cnai:basedIn kg:JingJinJi }", XML)
    root = ET.fromstring(w.query().convert().toxml())
    assert root.find(f"{SR}boolean").text == "false"


@pytest.mark.parametrize(
    ("fmt", "rdflib_format", "media"),
    [
        (TURTLE, "turtle", "text/turtle"),
        (N3, "turtle", "text/turtle"),
        (JSONLD, "json-ld", "application/ld+json"),
    ],
)
def test_construct_formats(server, kg, fmt, rdflib_format, media):
    answer = client(server.endpoint, CONSTRUCT, fmt).query()
    assert answer.info()["content-type"].startswith(media)
    got = Graph().parse(data=answer.response.read(), format=rdflib_format)
    assert len(got) >= 3
    assert isomorphic(got, kg.query(CONSTRUCT).graph)


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("text/csv;q=0.2, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        ("*/*", "application/sparql-results+json"),
    ],
)
def test_content_negotiation_for_rows(server, accept, media):
    status, headers, _ = http(f"{server.endpoint}?{q(HUBS)}", headers={"Accept": accept})
    assert status == 200
    assert headers["Content-Type"].startswith(media)


def test_n_triples_and_the_sparql_query_body(server, kg):
    status, headers, body = http(
        server.endpoint,
        data=CONSTRUCT.encode("utf-8"),
        headers={"Content-Type": "application/sparql-query", "Accept": "application/n-triples"},
    )
    assert status == 200 and headers["Content-Type"].startswith("application/n-triples")
    assert isomorphic(Graph().parse(data=body, format="nt"), kg.query(CONSTRUCT).graph)


def test_406_when_no_format_fits(server):
    status, _, body = http(f"{server.endpoint}?{q(CONSTRUCT)}", headers={"Accept": "text/csv"})
    assert status == 406
    assert b"text/turtle" in body


def test_service_description(server):
    status, headers, body = http(server.endpoint)
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    g = Graph().parse(data=body, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    endpoint = URIRef(server.endpoint)
    assert (endpoint, URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Query")) in g
    formats = set(g.objects(endpoint, URIRef(sd + "resultFormat")))
    assert URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON") in formats
    assert len(formats) == 7


def test_cors(server):
    status, headers, _ = http(
        f"{server.endpoint}?{q('ASK {}')}", headers={"Origin": "http://yasgui.example"}
    )
    assert status == 200 and headers["Access-Control-Allow-Origin"] == "*"
    req = urllib.request.Request(
        server.endpoint,
        method="OPTIONS",
        headers={
            "Origin": "http://yasgui.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.status == 200
        assert "POST" in r.headers["Access-Control-Allow-Methods"]


# --------------------------------------------------------------------------- refusals and limits


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { kg:x kg:y kg:z }",
        "DELETE WHERE { ?s ?p ?o }",
        "CLEAR ALL",
        "LOAD <http://example.org/data.ttl>",
    ],
)
def test_updates_are_refused_and_change_nothing(server, kg, update):
    before = len(kg)
    w = SPARQLWrapper(server.endpoint, updateEndpoint=server.endpoint)
    w.setQuery(update)
    w.setMethod("POST")
    with pytest.raises(urllib.error.HTTPError) as e:
        w.query()
    assert e.value.code == 403
    assert b"read-only" in e.value.read()
    # as a query, and as the protocol's update form field
    status, _, body = http(f"{server.endpoint}?{q(update)}")
    assert status == 403 and body.startswith(b"refused:")
    status, _, body = http(
        server.endpoint, data=urllib.parse.urlencode({"update": update}).encode()
    )
    assert status == 403 and b"read-only" in body
    assert len(kg) == before


@pytest.mark.parametrize(
    ("query", "word"),
    [
        ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", b"SERVICE"),
        ("SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }", b"FROM"),
    ],
)
def test_reaching_outside_is_refused(server, query, word):
    status, _, body = http(f"{server.endpoint}?{q(query)}")
    assert status == 403 and word in body and body.count(b"\n") == 1


def test_syntax_error_is_400_with_the_position(server):
    with pytest.raises(QueryBadFormed) as e:
        client(server.endpoint, "SELECT ?s WHERE {\n  ?s a cnai:Company\n  FILTR(?s)\n}").query()
    assert "line 3, column 3" in str(e.value)


def test_time_limit(server):
    t0 = time.monotonic()
    status, headers, body = http(f"{server.endpoint}?{q(SLOW)}")
    took = time.monotonic() - t0
    assert status == 503 and b"time limit of 1 s" in body
    assert "Retry-After" not in headers
    assert took < 8
    # the server is free again
    assert http(f"{server.endpoint}?{q('ASK {}')}")[0] == 200


def test_row_cap(server):
    status, _, body = http(f"{server.endpoint}?{q('SELECT * WHERE { ?s ?p ?o }')}")
    assert status == 400 and b"more than 500 rows" in body
    status, _, body = http(f"{server.endpoint}?{q('SELECT * WHERE { ?s ?p ?o } LIMIT 500')}")
    assert status == 200 and len(json.loads(body)["results"]["bindings"]) == 500


def test_request_size_cap(server):
    big = "ASK {} " + "#" * 5000
    status, _, body = http(
        server.endpoint, data=big.encode(), headers={"Content-Type": "application/sparql-query"}
    )
    assert status == 413 and b"4,096" in body
    status, _, _ = http(f"{server.endpoint}?{q(big)}")
    assert status == 414
    small = "ASK {} " + "#" * 3000
    assert (
        http(
            server.endpoint,
            data=small.encode(),
            headers={"Content-Type": "application/sparql-query"},
        )[0]
        == 200
    )


def test_a_full_pool_answers_503_with_retry_after(kg):
    """One worker, no backlog: while the slow query holds it, others are turned away at once."""
    limits = Limits(timeout=3.0, workers=1, backlog=0)
    with start(kg, limits=limits) as running:
        slow = threading.Thread(target=http, args=(f"{running.endpoint}?{q(SLOW)}",))
        slow.start()
        deadline = time.monotonic() + 5
        while json.loads(http(running.url + "healthz")[2])["busy"] == 0:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        t0 = time.monotonic()
        status, headers, body = http(f"{running.endpoint}?{q('ASK {}')}")
        assert status == 503 and headers["Retry-After"] == "2" and b"busy" in body
        assert time.monotonic() - t0 < 1  # refused at once, not queued
        assert http(running.url + "healthz")[0] == 200  # the event loop still answers
        slow.join(15)
        assert http(f"{running.endpoint}?{q('ASK {}')}")[0] == 200


def test_a_slow_query_does_not_stall_others(kg):
    with start(kg, limits=Limits(timeout=2.0, workers=2, backlog=0)) as running:
        slow = threading.Thread(target=http, args=(f"{running.endpoint}?{q(SLOW)}",))
        slow.start()
        time.sleep(0.2)
        t0 = time.monotonic()
        status, _, body = http(f"{running.endpoint}?{q(HUBS)}")
        assert status == 200 and len(json.loads(body)["results"]["bindings"]) == 9
        assert time.monotonic() - t0 < 1.5
        slow.join(15)


# --------------------------------------------------------------------------- JSON API


def test_api(server):
    status, _, body = http(server.url + "api/entity/kg:CATL?lang=zh")
    card = json.loads(body)
    assert status == 200 and card["label"] == "宁德时代" and card["labels"]["ko"] == ["CATL"]
    assert any(f["quotes"] for f in card["facts"])
    status, _, body = http(server.url + "api/entity/" + urllib.parse.quote("닝더스다이"))
    assert status == 200 and json.loads(body)["id"] == "kg:CATL"
    status, _, body = http(server.url + "api/entity/Nonexistent%20Corp")
    assert status == 404 and json.loads(body)["error"].startswith("unknown entity")
    status, _, body = http(
        server.url + "api/path?" + urllib.parse.urlencode({"from": "小马智行", "to": "위라이드"})
    )
    paths = json.loads(body)["paths"]
    assert status == 200 and paths[0]["nodes"][0]["id"] == "kg:PonyAI"
    assert paths[0]["nodes"][-1]["id"] == "kg:WeRide" and paths[0]["hops"][0]["quote"]
    status, _, body = http(server.url + "api/search?q=" + urllib.parse.quote("텐센"))
    assert status == 200 and json.loads(body)["results"][0]["id"] == "kg:Tencent"
    health = json.loads(http(server.url + "healthz")[2])
    assert health["status"] == "ok" and health["triples"] == len(cnai_kg.load())


def test_every_page_has_a_csp_and_foreign_hosts_are_refused(server):
    for path in ["", "query", "path", "entity/kg:CATL", "search?q=x", "sparql", "healthz"]:
        status, headers, _ = http(server.url + path)
        assert status == 200, path
        assert "default-src 'none'" in headers["Content-Security-Policy"], path
    status, _, _ = http(server.url + "healthz", headers={"Host": "attacker.example"})
    assert status == 400  # DNS rebinding: a loopback server answers loopback names only


# --------------------------------------------------------------------------- the command


def test_cli_serve_prints_its_address_and_answers(tmp_path):
    proc = subprocess.Popen(
        [CNAI_KG, "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        assert line.startswith("cnai-kg serving ") and "http://127.0.0.1:" in line
        url = line.split(" at ")[1].split()[0]
        assert http(url + "healthz")[0] == 200
    finally:
        proc.terminate()
        proc.wait(10)


def test_cli_serve_port_taken(kg):
    with start(kg) as running:
        port = running.url.rsplit(":", 1)[1].strip("/")
        r = subprocess.run(
            [CNAI_KG, "serve", "--port", port],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert r.returncode == 2
    assert r.stderr == f"Error: port {port} on 127.0.0.1 is taken; choose another with --port\n"


def test_cli_serve_data_option_and_bad_data(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix kg: <https://w3id.org/cnai-kg/resource/> .\nkg:x kg:y .\n")
    r = subprocess.run(
        [CNAI_KG, "serve", "--data", str(bad), "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode != 0 and r.stdout == ""
    assert r.stderr.startswith("Error: ") and f"{bad}:2" in r.stderr
    assert r.stderr.count("\n") == 1
