"""The same answers on every store: Oxigraph (the default) and rdflib."""

from __future__ import annotations

import os
import shlex
import time
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic

import cnai_kg
from cnai_kg.errors import DataError, QueryError, QueryTimeout, UsageError
from cnai_kg.namespaces import CNAI, KG, RDFS
from cnai_kg.query import named_queries
from cnai_kg.store import STORES
from cnai_kg.store.base import Blank, Lex, Store


@pytest.fixture(scope="module")
def rdf():
    return cnai_kg.load(store="rdflib")


def example_params(nq) -> dict[str, str]:
    """The parameters of the named query's first example (``--param k=v``)."""
    if not nq.examples:
        return {}
    words = shlex.split(nq.examples[0])
    return dict(w.split("=", 1) for i, w in enumerate(words) if i and words[i - 1] == "--param")


def rows(result) -> list[tuple]:
    return sorted(tuple(str(v) if v is not None else "" for v in row) for row in result)


def test_the_default_store_is_oxigraph(kg, rdf):
    assert kg.store.name == "oxigraph" and rdf.store.name == "rdflib"
    assert isinstance(kg.store, Store) and isinstance(rdf.store, Store)
    assert repr(kg).endswith("oxigraph store>")
    assert STORES == ("oxigraph", "rdflib")
    assert cnai_kg.load(store="memory").store.name == "rdflib"  # the older name


def test_same_triples_files_and_stats(kg, rdf):
    assert len(kg) == len(rdf)
    assert kg.files == rdf.files
    assert kg.stats() == rdf.stats()
    assert isomorphic(kg.to_rdflib(), rdf.to_rdflib())
    for name in kg.files:
        assert isomorphic(kg.parts[name], rdf.parts[name]), name


@pytest.mark.parametrize("name", sorted(named_queries()))
def test_named_queries_agree(kg, rdf, name):
    nq = named_queries()[name]
    params = example_params(nq)
    assert rows(kg.query(nq, **params)) == rows(rdf.query(nq, **params))


@pytest.mark.parametrize("name", sorted(named_queries()))
def test_named_queries_agree_in_korean(kg, rdf, name):
    nq = named_queries()[name]
    params = example_params(nq)
    assert rows(kg.query(nq, lang="ko", **params)) == rows(rdf.query(nq, lang="ko", **params))


def test_every_card_agrees(kg, rdf):
    entities = kg.entities()
    assert entities == rdf.entities() and len(entities) > 50
    for entity in entities:
        assert kg.card(entity, "ko") == rdf.card(entity, "ko"), entity
        assert kg.file_of(entity) == rdf.file_of(entity)


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"partnerships": "nodes", "status": "all"},
        {"directed": False, "claims": True, "lang": "ko"},
        {"classes": ["Company"], "relations": ["partnership", "basedIn"]},
    ],
    ids=["default", "nodes-all", "undirected-claims-ko", "companies"],
)
def test_network_agrees(kg, rdf, options):
    a, b = kg.to_networkx(**options), rdf.to_networkx(**options)
    assert a.graph == b.graph
    assert list(a.nodes(data=True)) == list(b.nodes(data=True))
    assert sorted(a.nodes) == sorted(b.nodes)
    assert sorted(a.edges(keys=True)) == sorted(b.edges(keys=True))
    for u, v, k, d in a.edges(keys=True, data=True):
        assert d == b.edges[u, v, k], (u, v, k)


def test_validation_agrees(kg, rdf, make_ttl):
    assert kg.validate().conforms and rdf.validate().conforms
    bad = make_ttl('kg:Nowhere a cnai:Company ; rdfs:label "Nowhere"@en , "Nirgends"@en .')
    a = cnai_kg.load(bad, store="oxigraph").validate()
    b = cnai_kg.load(bad, store="rdflib").validate()
    assert not a.conforms and a.violations == b.violations
    assert {v.file for v in a.violations} == {str(bad)}


CORNERS = {
    "empty group": "SELECT (COUNT(*) AS ?n) WHERE { ?s a cnai:NoSuchClass }",
    "empty group by": (
        "SELECT ?c (COUNT(*) AS ?n) WHERE { ?s a ?c FILTER (?c = cnai:Nothing) } GROUP BY ?c"
    ),
    "average": "SELECT (AVG(?x) AS ?a) (SUM(?x) AS ?s) WHERE { VALUES ?x { 1 2 3 } }",
    "language tags": "SELECT ?l (LANG(?l) AS ?t) WHERE { kg:CATL rdfs:label ?l }",
    "datatypes": "SELECT ?x (DATATYPE(?x) AS ?d) WHERE { VALUES ?x { 1 1.5 'a' true } }",
    "str of typed": "SELECT (STR(?y) AS ?s) WHERE { ?f cnai:year ?y } ORDER BY ?s LIMIT 3",
    "blank nodes": "SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE { ?s ?p ?b FILTER isBlank(?b) }",
    "distinct order": "SELECT DISTINCT ?c WHERE { ?s a ?c } ORDER BY ?c",
}


@pytest.mark.parametrize("query", CORNERS.values(), ids=CORNERS.keys())
def test_engines_agree_on_corner_cases(kg, rdf, query):
    a, b = kg.query(query), rdf.query(query)
    assert a.vars == b.vars
    assert rows(a) == rows(b)


def test_ordered_answers_keep_their_order(kg, rdf):
    query = (
        "SELECT ?c ?l WHERE { ?c a cnai:Company ; rdfs:label ?l FILTER (lang(?l) = 'en') } "
        "ORDER BY ?l"
    )
    assert list(kg.query(query).tuples) == list(rdf.query(query).tuples)


def test_parameters_reach_subqueries_and_nested_filters(kg, rdf):
    """Bound values replace the variable everywhere (rdflib's initBindings, SEP-0007)."""
    query = """
    SELECT ?c ?name WHERE {
      ?c a cnai:Company .
      { SELECT ?c (SAMPLE(?l) AS ?name) WHERE {
          ?c rdfs:label ?l FILTER (lang(?l) = ?lang) } GROUP BY ?c }
      OPTIONAL { { ?c rdfs:label ?x FILTER (lang(?x) = ?lang) } }
      FILTER (!BOUND(?hub) || EXISTS { ?c cnai:basedIn ?hub })
    }"""
    ko = Literal("ko")
    both = [x.query(query, bindings={"lang": ko, "hub": KG.PearlRiverDelta}) for x in (kg, rdf)]
    assert rows(both[0]) == rows(both[1])
    assert sorted(str(r.name) for r in both[0]) == ["텐센트", "화웨이"]


def test_a_triple_in_two_files_is_one_triple(make_ttl):
    one = make_ttl('kg:Acme a cnai:Company ; rdfs:label "Acme"@en .')
    two = make_ttl('kg:Acme rdfs:label "Acme"@en ; rdfs:comment "again" .')
    for store in STORES:
        kg = cnai_kg.load(one, two, shipped=False, store=store)
        n = kg.query("SELECT (COUNT(*) AS ?n) WHERE { kg:Acme ?p ?o }")
        assert int(n[0].n) == 3, store
        assert kg.labels(KG.Acme) == {"en": ["Acme"]}
        assert kg.file_of(KG.Acme) == str(one)
        assert kg.store.files_with((KG.Acme, RDFS.label, None)) == [str(one), str(two)] or (
            store == "oxigraph" and kg.store.files_with((KG.Acme, RDFS.label, None)) == [str(one)]
        )


def test_the_lexical_index_is_the_same_on_every_store(make_ttl):
    """Oxigraph's own bulk read (the projection's input) against the generic one built
    from rdflib terms: IRIs, blank nodes, tagged, plain and typed literals, a triple in two
    files once."""
    one = make_ttl(
        'kg:Acme a cnai:Company ; rdfs:label "Acme"@en, "애크미"@ko ;\n'
        '  cnai:founded "2001"^^xsd:gYear ; cnai:part [ rdfs:label "inner" ] .'
    )
    two = make_ttl('kg:Acme rdfs:label "Acme"@en ; rdfs:comment "again"^^xsd:string .')
    found = {}
    for store in STORES:
        kg = cnai_kg.load(one, two, shipped=False, store=store)
        index = kg.store.lexical_index()
        acme = str(KG.Acme)
        by_subject = {
            p: sorted(repr(o) if type(o) is not Blank else "a blank node" for o in objs[acme])
            for p, objs in index.items()
            if acme in objs
        }
        blank = index[str(RDFS.label)]
        inner = [s for s, labels in blank.items() if Lex("inner", "", "") in labels]
        assert len(inner) == 1 and type(inner[0]) is Blank, store
        assert index[str(CNAI.part)][acme] == inner, store
        assert blank[acme].count(Lex("Acme", "en", "")) == 1, store
        found[store] = by_subject
    assert found["oxigraph"] == found["rdflib"]
    labels = found["oxigraph"][str(RDFS.label)]
    assert labels == sorted([repr(Lex("Acme", "en", "")), repr(Lex("애크미", "ko", ""))])
    assert found["oxigraph"][str(RDFS.comment)] == [repr(Lex("again", "", ""))]
    assert found["oxigraph"]["https://w3id.org/cnai-kg/ontology#founded"] == [
        repr(Lex("2001", "", "http://www.w3.org/2001/XMLSchema#gYear"))
    ]


def test_parse_errors_read_the_same_on_every_store(make_ttl):
    bad = make_ttl('kg:a rdfs:label "oops .\nkg:b a cnai:Company .\n')
    messages = set()
    for store in STORES:
        with pytest.raises(DataError) as err:
            cnai_kg.load(bad, shipped=False, store=store)
        messages.add(str(err.value))
    assert len(messages) == 1
    assert messages.pop().startswith(f"{bad}:")


def test_graph_patterns_are_not_supported(kg):
    with pytest.raises(QueryError) as err:
        kg.query("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert "GRAPH patterns are not supported" in str(err.value)


def test_blank_nodes_round_trip_through_the_store(kg):
    bnode = next(o for _, _, o in kg.triples() if isinstance(o, BNode))
    assert (None, None, bnode) in kg
    assert any(True for _ in kg.triples((bnode, None, None)))
    nt = [len(kg.serialize("nt")) for _ in range(2)]
    assert nt[0] == nt[1] == len(cnai_kg.load().serialize("nt"))


def test_graphs_built_from_rdflib_parts(kg):
    g = Graph()
    g.add((KG.Zeta, RDFS.label, Literal("Zeta", lang="en")))
    for store in STORES:
        built = cnai_kg.KnowledgeGraph({**kg.parts, "zeta.ttl": g}, store=store)
        assert built.files[-1] == "zeta.ttl" and len(built) == len(kg) + 1
        assert built.label(URIRef(KG.Zeta)) == "Zeta"


def test_unknown_store():
    with pytest.raises(UsageError) as e:
        cnai_kg.load(store="fuseki")
    assert str(e.value) == "unknown store 'fuseki'; choose one of: oxigraph, rdflib"


# ------------------------------------------------------------- the query worker


def _children() -> list[int]:
    me = str(os.getpid())
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == me:
            out.append(int(stat.parent.name))
    return out


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_a_timed_out_query_leaves_no_busy_process(kg):
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    before = _children()
    cpu = time.process_time()
    start = time.monotonic()
    with pytest.raises(QueryTimeout):
        kg.query(runaway, timeout=0.5)
    assert time.monotonic() - start < 3
    # the worker was killed and reaped: no child left, and this process did not do the work
    assert _children() == before
    assert time.process_time() - cpu < 0.4
    children = os.times().children_user + os.times().children_system
    time.sleep(0.3)
    assert os.times().children_user + os.times().children_system == children


def test_the_worker_has_a_memory_ceiling(kg, monkeypatch):
    # sorting 7.8 million pairs of triples needs far more than 64 MB
    hungry = "SELECT * WHERE { ?a ?p ?b . ?c ?q ?d } ORDER BY DESC(?a) LIMIT 1"
    monkeypatch.setenv("CNAI_KG_MAX_MEMORY", "64")
    before = _children()
    with pytest.raises(QueryError) as err:
        kg.query(hungry, timeout=60, max_rows=None)
    assert str(err.value).startswith("query stopped: its worker ran out of memory (limit 64 MB")
    assert _children() == before
    assert len(kg.query("SELECT * WHERE { ?s a cnai:Company }", timeout=60)) > 10


def test_worker_answers_equal_in_process_answers(kg):
    query = "SELECT ?c ?l WHERE { ?c a cnai:Company ; rdfs:label ?l } ORDER BY ?c ?l"
    assert kg.query(query, timeout=10) == kg.query(query, timeout=None)
    construct = "CONSTRUCT { ?c rdfs:label ?l } WHERE { ?c a cnai:Company ; rdfs:label ?l }"
    assert isomorphic(kg.query(construct, timeout=10).graph, kg.query(construct, timeout=0).graph)
