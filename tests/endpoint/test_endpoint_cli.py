"""Every read command gives the same output embedded and with ``--endpoint`` (Oxigraph server).

The store is filled once by ``cnai-kg publish`` (the shipped data plus one extra file), then
each command runs twice in-process: on the embedded store and against the server.
"""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic

import cnai_kg
from cnai_kg.cli import cli

EXTRA = """\
@prefix cnai: <https://w3id.org/cnai-kg/ontology#> .
@prefix kg: <https://w3id.org/cnai-kg/resource/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

kg:TestLab a cnai:Company ;
    skos:prefLabel "Test Lab"@en , "테스트 연구소"@ko , "测试实验室"@zh ;
    skos:altLabel "TL"@en ;
    cnai:basedIn kg:PearlRiverDelta .
"""


def run(*args: str, env: dict | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env={"CNAI_KG_ENDPOINT": "", **(env or {})})
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def published(oxigraph_server, tmp_path_factory):
    """The Oxigraph server after ``cnai-kg --data EXTRA publish``; the extra file's path."""
    extra = tmp_path_factory.mktemp("endpoint-data") / "extra.ttl"
    extra.write_text(EXTRA, encoding="utf-8")
    code, output = run("--data", str(extra), "publish", "--to", oxigraph_server.store_url)
    assert code == 0, output
    return oxigraph_server, str(extra)


def both(published, *args: str) -> tuple[tuple[int, str], tuple[int, str]]:
    server, extra = published
    embedded = run("--data", extra, *args)
    remote = run("--endpoint", server.query_url, *args)
    return embedded, remote


READ_COMMANDS = [  # (arguments, the exit code both must give)
    (["stats"], 0),
    (["stats", "--format", "json"], 0),
    (["show", "CATL"], 0),
    (["show", "닝더스다이", "--lang", "ko"], 0),
    (["show", "Test Lab", "--lang", "zh"], 0),
    (["show", "catle"], 1),
    (["query", "SELECT ?c ?hub WHERE { ?c cnai:basedIn ?hub } ORDER BY ?c ?hub"], 0),
    (["query", "--name", "companies-by-hub", "--param", "hub=주강삼각주", "--format", "csv"], 0),
    (["query", "--name", "market-figures", "--format", "tsv"], 0),
    (["query", "ASK { kg:TestLab cnai:basedIn kg:PearlRiverDelta }"], 0),
    (["query", "SELECT (COUNT(*) AS ?n) WHERE { ?x a org:Organization }", "--reason", "rdfs"], 0),
    (["query", "SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }"], 3),
    (["validate"], 1),  # the extra file breaks two shapes: both name it
    (["centrality", "--top", "8"], 0),
    (["path", "Pony.ai", "WeRide"], 0),
    (["path", "Test Lab", "Tencent", "--k", "2"], 0),
    (["neighbors", "CATL", "--hops", "2"], 0),
    (["communities"], 0),
]


@pytest.mark.parametrize(
    ("args", "code"), READ_COMMANDS, ids=lambda x: " ".join(x) if isinstance(x, list) else str(x)
)
def test_same_output(published, args, code):
    embedded, remote = both(published, *args)
    assert embedded[0] == code, embedded[1]
    assert embedded[1].strip()
    assert remote == embedded


def test_the_extra_file_is_there(published):
    _, remote = both(published, "show", "TL")
    assert remote[0] == 0
    assert "Test Lab  (kg:TestLab)" in remote[1]


def test_construct_gives_the_same_triples(published):
    query = "CONSTRUCT { ?c ?p ?o } WHERE { ?c a cnai:Company ; ?p ?o }"
    embedded, remote = both(published, "query", query, "--format", "nt")
    assert embedded[0] == remote[0] == 0
    lines = sorted(embedded[1].splitlines())  # N-Triples: a set of lines, in no set order
    assert len(lines) > 10
    assert sorted(remote[1].splitlines()) == lines


def test_export_is_the_same_graph(published):
    embedded, remote = both(published, "export", "--format", "ttl")
    assert embedded[0] == remote[0] == 0
    a, b = Graph().parse(data=embedded[1]), Graph().parse(data=remote[1])
    assert len(a) > 2000
    assert isomorphic(a, b)


def test_export_trig_keeps_the_files(published):
    embedded, remote = both(published, "export", "--format", "trig")
    assert embedded[0] == remote[0] == 0
    a, b = (
        Dataset().parse(data=embedded[1], format="trig"),
        Dataset().parse(data=remote[1], format="trig"),
    )
    names = sorted(str(g.identifier) for g in a.graphs() if len(g))
    assert len(names) == 13
    assert sorted(str(g.identifier) for g in b.graphs() if len(g)) == names
    for name in names:
        assert isomorphic(a.graph(URIRef(name)), b.graph(URIRef(name))), name


@pytest.mark.parametrize("options", [[], ["--focus", "CATL", "--lang", "ko"]], ids=repr)
def test_render_draws_the_same_view(published, options):
    """The view's data (nodes, edges, labels, quotes, sizes) and its whole page agree."""
    embedded, remote = both(published, "render", *options)
    assert embedded[0] == remote[0] == 0
    data = _data_of(embedded[1])
    assert len(data["nodes"]) > (3 if options else 50)
    assert _data_of(remote[1]) == data
    assert remote[1] == embedded[1]


def _data_of(page: str) -> dict:
    (block,) = re.findall(
        r'<script type="application/json" id="cnai-data">(.*?)</script>', page, flags=re.S
    )
    return json.loads(block)


def test_environment_variable(published):
    server, _ = published
    by_option = run("--endpoint", server.query_url, "stats")
    by_env = run("stats", env={"CNAI_KG_ENDPOINT": server.query_url})
    assert by_env == by_option


def test_unreachable_endpoint_is_one_line():
    code, output = run("--endpoint", "http://127.0.0.1:9/query", "stats")
    assert code == 5
    assert output == "Error: cannot reach http://127.0.0.1:9/query: Connection refused\n"


def test_serve_answers_the_same(published):
    """``cnai-kg --endpoint URL serve``: the server on top of the remote store."""
    import urllib.parse
    import urllib.request

    from cnai_kg.server import start
    from cnai_kg.store.endpoint import connect

    server, extra = published
    query = "SELECT ?c ?l WHERE { ?c a cnai:Company ; rdfs:label ?l } ORDER BY ?c ?l"
    paths = [
        "api/entity/CATL",
        "api/path?" + urllib.parse.urlencode({"from": "Pony.ai", "to": "WeRide"}),
        "api/search?q=" + urllib.parse.quote("테스트"),
        "sparql?" + urllib.parse.urlencode({"query": query}),
    ]
    answers = []
    for kg in (cnai_kg.load(extra), connect(server.query_url)):
        with start(kg) as running:
            got = []
            for path in paths:
                request = urllib.request.Request(running.url + path, headers={"Accept": "text/csv"})
                with urllib.request.urlopen(request, timeout=30) as r:
                    got.append(r.read())
            answers.append(got)
    assert b"TestLab" in answers[0][2]
    assert answers[1] == answers[0]
