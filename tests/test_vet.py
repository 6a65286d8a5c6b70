"""The fast check (:func:`cnai_kg.sparql.safety.vet`): a refused word in a comment, a
string or an IRI no longer sends a query through rdflib's parser, and nothing it lets
through is refused by the full check or reaches the network or another graph.

A 63 KB ``VALUES`` query with "graph" in a comment took rdflib's full check: 10-15 s of
CPU each; six of them held every ``serve`` worker for 55 s.
"""

from __future__ import annotations

import urllib.request

import pyoxigraph as ox
import pytest
from _listener import Listener
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cnai_kg.sparql.run as run_module
from cnai_kg.errors import QueryError, QueryRefused
from cnai_kg.sparql.safety import VET_MAX_CHARS, prepare, vet


def values_query(rows: int = 3_000) -> str:
    """A VALUES query of about 63 KB with refused words in a comment, a string and an IRI."""
    block = " ".join(f'("company {i}" {i})' for i in range(rows))
    return (
        "# the graph of companies FROM the 2025 list, loaded with SERVICE\n"
        "SELECT ?name ?n ?note WHERE {\n"
        f"  VALUES (?name ?n) {{ {block} }}\n"
        "  BIND('copied from the graph' AS ?note)\n"
        "  FILTER(?n != <https://example.org/graph/drop>)\n"
        "} ORDER BY ?n"
    )


@pytest.fixture
def no_full_check(monkeypatch):
    """rdflib's parser must not run: prepare() fails the test if it is called."""

    def refuse(text):
        raise AssertionError("prepare() was called")

    monkeypatch.setattr(run_module, "prepare", refuse)
    import cnai_kg.server.app as app

    monkeypatch.setattr(app, "prepare", refuse)


def test_a_large_values_query_with_refused_words_in_comments_strings_iris_is_vetted(
    kg, no_full_check
):
    text = values_query()
    assert 60_000 < len(text) <= VET_MAX_CHARS
    checked = vet(text)
    assert checked is not None and checked.kind == "SELECT"
    for timeout in (None, 30):  # in this process and in the worker
        rows = kg.query(text, timeout=timeout)
        assert len(rows) == 3_000 and rows.vars == ("name", "n", "note")
        assert str(rows.tuples[0][2]) == "copied from the graph"


def test_serve_answers_it_without_the_full_check(kg, no_full_check):
    from cnai_kg.server import Limits, start

    text = values_query(1_500)  # under serve's request limit of 64 KiB once encoded
    with start(kg, limits=Limits(workers=2, backlog=8)) as running:
        request = urllib.request.Request(
            running.endpoint,
            data=text.encode(),
            headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"},
        )
        with urllib.request.urlopen(request, timeout=60) as answer:
            lines = answer.read().decode().splitlines()
    assert lines[0] == "name,n,note" and len(lines) == 1_501


@pytest.mark.parametrize(
    "query",
    [
        # a keyword in code, whatever else the text holds
        "SELECT * WHERE { ?s ?p ?o } # a comment\nSERVICE <http://127.0.0.1:9/> { }",
        "SELECT * WHERE { ?s ?p true SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p trueSERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICEkg:x { ?s ?p ?o } }",
        "SELECT * FROM<urn:g> WHERE { ?s ?p ?o }",
        # an IRI with parentheses is not read as one: its '#' is not taken for a comment
        "SELECT * WHERE { <http://x/(a)#> ?p ?o . SERVICE <http://127.0.0.1:9/> {} }",
        # a comment or string holding '>' is read as code
        "SELECT * WHERE { ?s ?p 'a > b' SERVICE <http://127.0.0.1:9/> {} }",
        # escapes: a codepoint anywhere, a backslash outside a string
        "SELECT * WHERE { ?s ?p '\\u0022' . \\u0053ERVICE <http://127.0.0.1:9/> {} }",
        "SELECT * WHERE { ?s kg:a\\#b ?o }",
    ],
)
def test_what_the_fast_check_cannot_vouch_for_takes_the_full_one(query):
    assert vet(query) is None


# Fragments of hostile queries: refused clauses, clauses that hold '<', '>', '#' and quotes
# in the places where a reader could lose track of comments, strings and IRIs, and loose
# pieces that open or close them.
_PORT = {"value": 9}


def _fragments() -> list[str]:
    service = f"SERVICE <http://127.0.0.1:{_PORT['value']}/sparql> {{ ?s ?p ?o }}"
    return [
        service,
        "GRAPH <urn:g> { ?s ?p ?o }",
        "GRAPH ?g { ?s ?p ?o }",
        "FILTER(1 < 2)",
        "FILTER(2 > 1)",
        "FILTER(1<2)",
        "FILTER(?o != <http://x/(a)#>)",
        "BIND(<http://x/(a)#> AS ?i)",
        "BIND(<http://x/a#b> AS ?j)",
        "BIND('a > b' AS ?k)",
        'BIND("graph" AS ?l)',
        "BIND('''it's''' AS ?m)",
        'BIND("""a "" b""" AS ?n)',
        "BIND(kg:graph AS ?q)",
        "OPTIONAL { ?graph ?p ?o }",
        "#",
        "# SERVICE",
        "\n",
        " ",
        " . ",
        '"',
        "'",
        '"""',
        "\\",
        '\\"',
        "<",
        ">",
        "<<",
        "(",
        ")",
        "{",
        "}",
        "kg:",
        "true",
        "SERVICE",
        "FROM",
        "GRAPH",
    ]


_HEADS = ["", "FROM <urn:g>", "# FROM <urn:g>\n", "#", "<urn:x>", "'", "FROM", "\n"]


def _secret_store() -> ox.Store:
    """A store whose only triple is in a named graph: a query that sees it used FROM or
    GRAPH (its default graph is empty)."""
    store = ox.Store()
    store.add(
        ox.Quad(
            ox.NamedNode("urn:secret"),
            ox.NamedNode("urn:p"),
            ox.NamedNode("urn:o"),
            ox.NamedNode("urn:g"),
        )
    )
    return store


@pytest.fixture(scope="module")
def listener():
    found = Listener()
    _PORT["value"] = found.port
    yield found
    found.close()


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    head=st.lists(st.sampled_from(range(len(_HEADS))), max_size=3),
    body=st.lists(st.sampled_from(range(64)), max_size=8),
)
def test_nothing_the_fast_check_passes_is_refused_or_reaches_out(listener, head, body):
    pieces = _fragments()
    text = "SELECT * {} WHERE {{ {} }}".format(
        " ".join(_HEADS[i] for i in head), " ".join(pieces[i % len(pieces)] for i in body)
    )
    if vet(text) is None:
        return
    # the full check does not refuse it (a syntax error is fine: it never runs)
    try:
        prepare(text)
    except QueryRefused as e:
        raise AssertionError(f"vetted, then refused: {text!r}: {e}") from None
    except QueryError as e:
        assert "GRAPH patterns" not in str(e), text
    # and Oxigraph, which runs it, neither sees the named graph nor calls anyone
    before = len(listener.connections)
    try:
        answer = _secret_store().query(text)
        rows = [tuple(solution) for solution in answer] if hasattr(answer, "variables") else []
    except (SyntaxError, OSError, RuntimeError, ValueError):
        rows = []
    assert all("urn:secret" not in str(row) for row in rows), text
    assert len(listener.connections) == before, text


def test_the_fuzzed_fragments_do_reach_out_when_not_hidden(listener):
    """The oracle of the test above can fail: the same pieces, in code, are caught."""
    pieces = _fragments()
    store = _secret_store()
    text = "SELECT * FROM <urn:g> WHERE { ?s ?p ?o }"
    assert any("urn:secret" in str(tuple(r)) for r in store.query(text))
    before = len(listener.connections)
    with pytest.raises(OSError):
        list(store.query(f"SELECT * WHERE {{ {pieces[0]} }}"))
    assert len(listener.connections) > before
    assert vet(text) is None


def test_twenty_thousand_hostile_texts_vetted_never_reach_out(listener):
    """The same oracle over many more texts than hypothesis draws (seeded, so a failure
    repeats): a reading that took an IRI with parentheses for a comment, or a comparison
    ``1 < 2) GRAPH <urn:g>`` for an IRI, fails here within the first few thousand."""
    import random

    pieces = _fragments()
    draw = random.Random(18)
    vetted = ran = 0
    for _ in range(20_000):
        head = " ".join(draw.choice(_HEADS) for _ in range(draw.randint(0, 3)))
        body = " ".join(draw.choice(pieces) for _ in range(draw.randint(0, 8)))
        text = f"SELECT * {head} WHERE {{ {body} }}"
        if vet(text) is None:
            continue
        vetted += 1
        before = len(listener.connections)
        try:
            rows = [tuple(solution) for solution in _secret_store().query(text)]
            ran += 1
        except (SyntaxError, OSError, RuntimeError, ValueError):
            rows = []
        assert all("urn:secret" not in str(row) for row in rows), text
        assert len(listener.connections) == before, text
    assert vetted > 3_000 and ran > 200  # the texts do reach Oxigraph
