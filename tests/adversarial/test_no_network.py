"""No outbound request, ever: every path that reads data or runs a query is pointed at a
loopback listener (127.0.0.1, a free port) that must get zero connections.

Each hostile file or query names the listener where a fetching implementation would
connect: a JSON-LD context or import, an RDF/XML external entity, ``owl:imports``, a
SPARQL ``SERVICE``, ``FROM``, ``FROM NAMED`` or ``LOAD``, and links in labels of a view.
"""

from __future__ import annotations

import pytest

import cnai_kg
from cnai_kg.errors import CnaiKgError

from .conftest import cnai

PREFIXES = (
    "@prefix kg: <https://w3id.org/cnai-kg/resource/> .\n"
    "@prefix cnai: <https://w3id.org/cnai-kg/ontology#> .\n"
    "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
    "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
)


def hostile_files(tmp_path, url):
    """name -> text of files that would make a fetching loader connect to ``url``."""
    files = {
        "remote.jsonld": f'{{"@context": "{url}/ctx.jsonld", "@id": "http://ex/a"}}',
        "list.jsonld": f'{{"@context": ["{url}/a", {{"ex": "http://ex/"}}], "@id": "ex:a"}}',
        "import.jsonld": f'{{"@context": {{"@import": "{url}/i"}}, "@id": "http://ex/a"}}',
        "scoped.jsonld": (
            f'{{"@context": {{"p": {{"@id": "http://ex/p", "@context": "{url}/s"}}}}, '
            '"@id": "http://ex/a", "p": {"@id": "http://ex/b"}}'
        ),
        "entity.rdf": (
            f'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY e SYSTEM "{url}/e">]>\n'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            '<rdf:Description rdf:about="http://ex/a"><rdf:value>&e;</rdf:value>'
            "</rdf:Description></rdf:RDF>\n"
        ),
        "dtd.rdf": (
            f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF SYSTEM "{url}/x.dtd">\n'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n'
        ),
        "imports.ttl": PREFIXES
        + f"<{url}/me> a owl:Ontology ; owl:imports <{url}/onto.ttl> .\n"
        + f'kg:Hostile a cnai:Company ; skos:prefLabel "<img src={url}/img>"@en ;\n'
        + f'  skos:altLabel "<script src={url}/s.js></script>"@en ;\n'
        + f"  rdfs:seeAlso <{url}/site> .\n",
    }
    paths = {}
    for name, text in files.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        paths[name] = path
    return paths


def hostile_queries(url):
    return [
        f"SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{url}/sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * FROM <{url}/g> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{url}/g> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"LOAD <{url}/data.ttl>",
        f"SELECT * WHERE {{ GRAPH <{url}/g> {{ ?s ?p ?o }} }}",
        f"DESCRIBE <{url}/thing>",
        f'SELECT ?x WHERE {{ BIND(IRI("{url}/x") AS ?x) }}',
    ]


def test_api_loads_queries_validates_and_renders_without_a_connection(tmp_path, listener):
    paths = hostile_files(tmp_path, listener.url)
    for path in paths.values():
        try:
            cnai_kg.load(path, shipped=False)
        except CnaiKgError as e:
            assert "\n" not in str(e)
    kg = cnai_kg.load(paths["imports.ttl"])
    for text in hostile_queries(listener.url):
        try:
            kg.query(text, timeout=10)
        except CnaiKgError as e:
            assert "\n" not in str(e)
    kg.query("SELECT * WHERE { ?s ?p ?o } LIMIT 1", reason="owl-rl", timeout=60)
    kg.validate()
    view = kg.render(focus="kg:Hostile")
    view.save(tmp_path / "view.html")
    kg.card("kg:Hostile")
    assert listener.connections == []


def test_cli_paths_make_no_connection(tmp_path, listener):
    paths = hostile_files(tmp_path, listener.url)
    for name, path in paths.items():
        code, _, err = cnai("--no-shipped", "--data", str(path), "stats", timeout=60)
        assert "Traceback" not in err, name
        code, _, err = cnai("validate", str(path), timeout=120)
        assert "Traceback" not in err, name
    data = str(paths["imports.ttl"])
    for text in hostile_queries(listener.url):
        code, _, err = cnai("--data", data, "query", "--timeout", "10", text, timeout=60)
        assert "Traceback" not in err
    for args in (
        ["show", "kg:Hostile"],
        ["render", "--focus", "kg:Hostile", "-o", str(tmp_path / "v.html")],
        ["export", "--format", "jsonld", "-o", str(tmp_path / "out.jsonld")],
        ["neighbors", "kg:Hostile"],
    ):
        code, _, err = cnai("--data", data, *args, timeout=120)
        assert code in (0, 1), err
    assert listener.connections == []


@pytest.mark.parametrize("listener_check", ["self-test"])
def test_the_listener_counts_connections(listener, listener_check):
    # the listener is a real one: a client that connects is counted
    import socket
    import time

    with socket.create_connection(("127.0.0.1", listener.port), timeout=2):
        pass
    for _ in range(50):
        if listener.connections:
            break
        time.sleep(0.05)
    assert len(listener.connections) == 1


def test_server_answers_hostile_requests_without_a_connection(tmp_path, listener):
    import urllib.error
    import urllib.parse
    import urllib.request

    from cnai_kg.server import Limits, start

    paths = hostile_files(tmp_path, listener.url)
    kg = cnai_kg.load(paths["imports.ttl"])

    def get(url: str) -> int:
        try:
            with urllib.request.urlopen(url, timeout=30) as r:
                r.read()
                return r.status
        except urllib.error.HTTPError as e:
            return e.code

    with start(kg, limits=Limits(timeout=5.0, max_rows=500)) as running:
        base = running.url.rstrip("/")
        statuses = []
        for text in hostile_queries(listener.url):
            enc = urllib.parse.urlencode({"query": text})
            statuses.append(get(f"{base}/sparql?{enc}"))
            statuses.append(get(f"{base}/query?{enc}"))
        for page in (
            "/",
            "/entity/kg:Hostile",
            "/api/entity/kg:Hostile",
            "/view/entity/kg:Hostile",
            "/search?q=" + urllib.parse.quote(f"{listener.url}/x"),
        ):
            statuses.append(get(base + page))
    assert all(s < 500 for s in statuses), statuses
    assert listener.connections == []
