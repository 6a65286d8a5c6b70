"""Safe execution: no network, no files, no updates, and runaway queries stop."""

from __future__ import annotations

import signal
import socket
import threading
import urllib.request

import pytest
import rdflib
import rdflib.plugins.sparql.evaluate
from _listener import Listener
from click.testing import CliRunner

import cnai_kg
from cnai_kg.cli import cli
from cnai_kg.errors import QueryError, QueryRefused, QueryTimeout
from cnai_kg.namespaces import CNAI
from cnai_kg.query import prepare


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


def _outside_queries(url: str, path: str) -> list[tuple[str, str]]:
    """(query, expected message start) for every way a query could reach outside."""
    file_url = f"file://{path}"
    return [
        (
            f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
            f"refused: SERVICE <{url}> would send a query over the network",
        ),
        (
            f"SELECT * WHERE {{ SERVICE SILENT <{url}sparql> {{ ?s ?p ?o }} }}",
            f"refused: SERVICE <{url}sparql> would send a query over the network",
        ),
        (
            f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
            f"refused: SERVICE <{url}> would",
        ),
        (
            f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
            f"refused: SERVICE <{url}> would",
        ),
        (
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ OPTIONAL {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
            f"refused: SERVICE <{url}> would",
        ),
        (
            f"SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}",
            f"refused: FROM <{url}> would load a graph from outside",
        ),
        (
            f"SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
            f"refused: FROM NAMED <{url}> would load a graph from outside",
        ),
        (
            f"ASK FROM <{file_url}> {{ ?s ?p ?o }}",
            f"refused: FROM <{file_url}> would load a graph from outside",
        ),
        (f"LOAD <{url}>", f"refused: LOAD <{url}> would fetch a document from outside"),
        (
            f"LOAD SILENT <{file_url}> INTO GRAPH <{url}g>",
            f"refused: LOAD <{file_url}> would fetch a document from outside",
        ),
        (
            f"INSERT DATA {{ <{url}a> <{url}b> <{url}c> }}",
            "refused: SPARQL Update (INSERT DATA) would change the graph",
        ),
        ("DELETE WHERE { ?s ?p ?o }", "refused: SPARQL Update (DELETE WHERE) would change"),
        (f"CLEAR ALL ; DROP GRAPH <{url}>", "refused: SPARQL Update (CLEAR, DROP) would change"),
        (
            f"WITH <{url}> DELETE {{ ?s ?p ?o }} INSERT {{ ?o ?p ?s }} WHERE {{ ?s ?p ?o }}",
            "refused: SPARQL Update (DELETE/INSERT) would change the graph",
        ),
    ]


@pytest.fixture
def spies(monkeypatch):
    """Fail loudly if rdflib tries to open a URL or parse a document during a query."""
    calls = []

    def no_urlopen(*args, **kwargs):
        calls.append(("urlopen", args))
        raise AssertionError("urlopen called")

    def no_parse(self, *args, **kwargs):
        calls.append(("parse", args))
        raise AssertionError("Graph.parse called")

    monkeypatch.setattr(urllib.request, "urlopen", no_urlopen)
    monkeypatch.setattr(rdflib.plugins.sparql.evaluate, "urlopen", no_urlopen)
    monkeypatch.setattr(rdflib.Graph, "parse", no_parse)
    return calls


def test_api_refuses_everything_that_reaches_outside(kg, listener, spies, tmp_path):
    secret = tmp_path / "secret.ttl"
    secret.write_text("<urn:a> <urn:b> <urn:c> .\n")
    before = len(kg.rdf)
    for query, message in _outside_queries(listener.url + "/", str(secret)):
        with pytest.raises(QueryRefused) as err:
            kg.query(query)
        assert str(err.value).startswith(message), query
        assert err.value.exit_code == 3
    assert len(kg.rdf) == before
    assert spies == []
    assert listener.connections == []
    # the listener was live all along: a real connection is seen
    with socket.create_connection(("127.0.0.1", listener.port), timeout=2) as s:
        s.sendall(b"ping")
    for _ in range(100):
        if listener.connections:
            break
        threading.Event().wait(0.02)
    assert listener.connections == [b"ping"]


def test_cli_refuses_everything_that_reaches_outside(listener, tmp_path):
    runner = CliRunner()
    for query, message in _outside_queries(listener.url + "/", str(tmp_path / "x.ttl")):
        result = runner.invoke(cli, ["query", query])
        assert result.exit_code == 3, (query, result.output)
        assert result.stderr.startswith(f"Error: {message}")
        assert result.stderr.count("\n") == 1
    assert listener.connections == []


def test_refusal_is_made_on_the_algebra_not_the_text(kg):
    # the words may appear anywhere a query is harmless ...
    rows = kg.query('SELECT ("SERVICE <http://x/> LOAD INSERT DATA FROM" AS ?text) WHERE {} ')
    assert str(rows[0].text).startswith("SERVICE")
    assert kg.query("# LOAD <http://example.org/>\nASK { ?s ?p ?o }")
    # ... and a keyword in any case is still refused
    with pytest.raises(QueryRefused):
        prepare("select * where { service <http://127.0.0.1:9/> { ?s ?p ?o } }")
    with pytest.raises(QueryRefused):
        prepare("load <http://127.0.0.1:9/>")


def test_update_with_a_syntax_error_is_a_syntax_error(kg):
    with pytest.raises(QueryError) as err:
        kg.query("INSERT DATA { kg:a kg:b }")
    assert not isinstance(err.value, QueryRefused)
    assert str(err.value) == "syntax error at line 1, column 1: unexpected 'INSERT'"


# --------------------------------------------------------------------- timeouts

CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
PATH = (
    "SELECT ?x ?y WHERE { ?x (schema:containedInPlace|^schema:containedInPlace|"
    "rdfs:subClassOf|^rdfs:subClassOf|rdf:type|^rdf:type)* ?y }"
)
ORDERED = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"
REGEX_BOMB = 'SELECT ?x WHERE { BIND (REGEX("' + "a" * 60 + '!", "^(a|aa)*$") AS ?x) }'
TIMEOUT_MESSAGE = (
    "query stopped after its time limit of 0.5 s; narrow it (connect the patterns, bound the "
    "property paths, add LIMIT) or raise the limit with --timeout"
)
PRD = "SELECT ?c WHERE { ?c cnai:basedIn kg:PearlRiverDelta } ORDER BY ?c"


def _assert_graph_usable(kg, size):
    assert len(kg.rdf) == size
    assert [kg.label(r.c) for r in kg.query(PRD)] == ["Huawei", "Tencent"]
    assert signal.getsignal(signal.SIGALRM) == signal.SIG_DFL
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


@pytest.fixture(scope="module")
def rdflib_kg():
    return cnai_kg.load(store="rdflib")


@pytest.mark.parametrize("store", ["oxigraph", "rdflib"])
@pytest.mark.parametrize("query", [CARTESIAN, PATH, ORDERED], ids=["cartesian", "path", "order-by"])
def test_runaway_query_stops_in_the_main_thread(kg, rdflib_kg, store, query):
    kg = kg if store == "oxigraph" else rdflib_kg
    size = len(kg.rdf)
    with pytest.raises(QueryTimeout) as err:
        kg.query(query, timeout=0.5, max_rows=None)
    assert str(err.value) == TIMEOUT_MESSAGE
    assert err.value.exit_code == 4
    _assert_graph_usable(kg, size)


def test_regex_with_catastrophic_backtracking_stops_on_rdflib(rdflib_kg):
    """rdflib evaluates REGEX with Python's backtracking engine: the time limit stops it."""
    size = len(rdflib_kg.rdf)
    with pytest.raises(QueryTimeout) as err:
        rdflib_kg.query(REGEX_BOMB, timeout=0.5, max_rows=None)
    assert str(err.value) == TIMEOUT_MESSAGE
    _assert_graph_usable(rdflib_kg, size)


def test_regex_bomb_is_no_bomb_on_oxigraph(kg):
    """Oxigraph's regular expressions run in linear time: the same REGEX answers at once."""
    rows = kg.query(REGEX_BOMB, timeout=5, max_rows=None)
    assert [str(r.x) for r in rows] == ["false"]


@pytest.mark.parametrize("query", [CARTESIAN, PATH, ORDERED], ids=["cartesian", "path", "order"])
def test_runaway_query_stops_in_another_thread(kg, query):
    size = len(kg.rdf)
    outcome = {}

    def work():
        try:
            kg.query(query, timeout=0.5, max_rows=None)
        except Exception as e:  # noqa: BLE001 - recorded for the assertion
            outcome["error"] = e

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(60)
    assert not thread.is_alive()
    assert isinstance(outcome.get("error"), QueryTimeout)
    assert str(outcome["error"]) == TIMEOUT_MESSAGE
    assert not any(t.name == "cnai-kg-query" and t.is_alive() for t in threading.enumerate())
    _assert_graph_usable(kg, size)


def test_a_busy_alarm_falls_back_to_a_worker_thread(kg):
    fired = []
    previous = signal.signal(signal.SIGALRM, lambda *a: fired.append(a))
    try:
        with pytest.raises(QueryTimeout):
            kg.query(CARTESIAN, timeout=0.5)
        assert signal.getsignal(signal.SIGALRM) is not signal.SIG_DFL
        assert fired == []
    finally:
        signal.signal(signal.SIGALRM, previous)


def test_timeout_zero_means_no_limit(kg):
    assert [kg.label(r.c) for r in kg.query(PRD, timeout=0)] == ["Huawei", "Tencent"]
    assert [kg.label(r.c) for r in kg.query(PRD, timeout=None)] == ["Huawei", "Tencent"]


def test_interrupted_reasoning_is_not_cached(make_kg):
    from cnai_kg import reason

    small = make_kg('kg:Acme a cnai:Company ; rdfs:label "Acme"@en .', shipped=True)
    with pytest.raises(QueryTimeout):
        small.query("ASK { kg:Acme a org:Organization }", reason="owl-rl", timeout=0.05)
    assert "owl-rl" not in reason._CACHE.get(small, {})
    assert small.query("ASK { kg:Acme a org:Organization }", reason="owl-rl")
    assert not small.query("ASK { kg:Acme a org:Organization }")


def test_row_limit_stops_a_cartesian_product(kg):
    with pytest.raises(QueryError) as err:
        kg.query("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }", max_rows=1000)
    assert str(err.value) == (
        "the query gives more than 1,000 rows and was stopped; add LIMIT or connect its "
        "patterns (a cartesian product grows fast), or raise --max-rows"
    )


def test_cli_timeout_exit_code_and_message():
    result = CliRunner().invoke(cli, ["query", "--timeout", "0.5", CARTESIAN])
    assert result.exit_code == 4
    assert result.stderr == f"Error: {TIMEOUT_MESSAGE}\n"
    assert result.stdout == ""
    assert signal.getsignal(signal.SIGALRM) == signal.SIG_DFL


def test_cli_regex_bomb_stops():
    result = CliRunner().invoke(cli, ["--store", "rdflib", "query", "--timeout", "0.5", REGEX_BOMB])
    assert (result.exit_code, result.stderr) == (4, f"Error: {TIMEOUT_MESSAGE}\n")


def test_an_interrupt_swallowed_by_a_finaliser_is_repeated_quietly(kg, capsys):
    """An interrupt that lands in ``__del__`` cannot propagate: the next one stops the query,
    and the lost one is not reported on stderr."""
    import gc
    import sys

    seen = []
    previous = sys.unraisablehook
    sys.unraisablehook = lambda u: seen.append(u.exc_type)

    def slow_callback(phase, info):
        if phase == "start":
            threading.Event().wait(0.001)

    gc.callbacks.append(slow_callback)
    old_threshold = gc.get_threshold()
    gc.set_threshold(50)
    try:
        with pytest.raises(QueryTimeout):
            kg.query(ORDERED, timeout=0.5, max_rows=None)
    finally:
        gc.callbacks.remove(slow_callback)
        gc.set_threshold(*old_threshold)
        sys.unraisablehook = previous
    assert seen == []
    assert sys.unraisablehook is previous
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SeRvIcE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "SELECT * FrOm <http://127.0.0.1:9/x> WHERE { ?s ?p ?o }",
        "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }",
        "LOAD <http://127.0.0.1:9/x>",
        "CLEAR ALL",
        "DESCRIBE <urn:x>",
    ],
)
def test_only_queries_that_cannot_be_refused_skip_rdflib(query):
    from cnai_kg.sparql.safety import vet

    assert vet(query) is None


def test_a_query_checked_by_oxigraph_alone_answers_as_after_the_full_check(kg):
    from cnai_kg.sparql.safety import vet

    text = "SELECT ?c ?l WHERE { ?c a cnai:Company ; rdfs:label ?l } ORDER BY ?c ?l"
    assert vet(text) is not None
    rows = kg.query(text)
    assert rows.vars == ("c", "l") and len(rows) > 10
    assert rows.tuples == kg.store.select(prepare(text).text)[1]
    for timeout in (None, 30):  # in this process, and in the worker
        assert bool(kg.query("ASK { kg:CATL a cnai:Company }", timeout=timeout))
        query = "CONSTRUCT { ?s a cnai:Company } WHERE { ?s a cnai:Company }"
        triples = kg.query(query, timeout=timeout)
        assert triples.kind == "CONSTRUCT" and len(triples) == len(kg.entities(CNAI.Company))
    # a syntax error is still reported by the full check, the same way (worker too)
    with pytest.raises(QueryError, match="^syntax error at line 3, column 3: unexpected 'FILTR'"):
        kg.query("SELECT ?s WHERE {\n  ?s a cnai:Company\n  FILTR(?s)\n}", timeout=30)
    with pytest.raises(QueryError, match="^syntax error at line 3, column 3: unexpected 'FILTR'"):
        kg.query("SELECT ?s WHERE {\n  ?s a cnai:Company\n  FILTR(?s)\n}")


def test_every_internal_query_passes_the_full_check():
    from cnai_kg.resources import query_dir

    files = sorted((query_dir() / "internal").glob("*.rq"))
    assert len(files) >= 5
    for path in files:
        assert prepare(path.read_text(encoding="utf-8")).kind in ("SELECT", "ASK"), path.name


@pytest.mark.parametrize("store", ["oxigraph", "rdflib"])
def test_internal_queries_answer_as_through_run_query(store):
    from cnai_kg.kg import _internal_query
    from cnai_kg.query import run_query

    kg = cnai_kg.load(store=store)
    for entity in ("CATL", "Huawei", "Pearl River Delta", "kg:Wuhan"):
        iri = kg.resolve(entity)
        text = _internal_query("facts-about")
        expected = [r.asdict() for r in run_query(kg, text, timeout=None, entity=iri)]
        got = kg._select("facts-about", entity=iri)
        assert got == expected and got, entity
    expected = [r.asdict() for r in run_query(kg, _internal_query("entity-types"), timeout=None)]
    assert kg._select("entity-types") == expected
