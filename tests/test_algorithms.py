"""Centrality, evidence paths, neighbours and communities (cnai_kg.algorithms)."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime
from functools import partial

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph
from rdflib.compare import isomorphic
from test_network_fixture import MINI_QUOTES, load_mini

from cnai_kg import algorithms
from cnai_kg.algorithms import MEASURES, centrality_chart, centrality_rdf
from cnai_kg.algorithms.centrality import cjk_font_family
from cnai_kg.errors import NoPath, UsageError
from cnai_kg.namespaces import CNAI

# These tests check the algorithms' mechanics on MINI, whose proposed partnership (P2) and
# opportunity (O1) are part of the expected answers: they project with status="all". What
# the default status keeps and drops is tested in tests/test_status.py.
centrality = partial(algorithms.centrality, status="all")
communities = partial(algorithms.communities, status="all")
evidence_paths = partial(algorithms.evidence_paths, status="all")
neighbors = partial(algorithms.neighbors, status="all")


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    """The MINI graph, loaded once for this module (do not mutate)."""
    return load_mini(tmp_path_factory.mktemp("mini"))


# --------------------------------------------------------------------------- centrality


@pytest.mark.parametrize("measure", list(MEASURES))
@pytest.mark.parametrize("directed", [False, True])
def test_measures_agree_with_networkx_on_the_shipped_projection(kg, measure, directed):
    G = kg.to_networkx()
    result = centrality(G, measure, directed=directed)
    func, params = MEASURES[measure]
    simple = nx.DiGraph(G) if directed else nx.Graph(G)
    expected = getattr(nx, func.__name__)(simple, **params)
    assert {s.node: s.score for s in result.scores} == pytest.approx(expected, abs=1e-12)
    assert len(result.scores) == G.number_of_nodes()
    assert (result.nodes, result.edges) == (simple.number_of_nodes(), simple.number_of_edges())


@pytest.mark.parametrize("measure", list(MEASURES))
def test_measures_agree_with_networkx_on_the_bipartite_view(mini, measure):
    G = mini.to_networkx(partnerships="nodes", claims=True, status="all")
    result = centrality(mini, measure, partnerships="nodes", claims=True)
    func, params = MEASURES[measure]
    expected = func(nx.Graph(G), **params)
    assert {s.node: s.score for s in result.scores} == pytest.approx(expected, abs=1e-12)


def test_degree_ranks_with_ties(mini):
    result = centrality(mini, "degree")
    assert [(s.label, s.rank, s.score) for s in result.scores] == [
        ("Alpha", 1, 4 / 11),
        ("Beta", 1, 4 / 11),
        ("Gamma", 3, 3 / 11),
        ("Korean makers", 3, 3 / 11),
        ("Market", 3, 3 / 11),
        ("Camera", 6, 2 / 11),
        ("Hub", 6, 2 / 11),
        ("Land", 6, 2 / 11),
        ("Metro", 6, 2 / 11),
        ("Delta", 10, 1 / 11),
        ("Robotics", 10, 1 / 11),
        ("Svc", 10, 1 / 11),
    ]


def test_class_filter_and_top(mini):
    result = centrality(mini, "degree", classes=["기업"], top=3, lang="ko")
    assert [(s.node, s.label, s.class_label, s.rank) for s in result.scores] == [
        ("kg:Beta", "베타", "기업", 1),
        ("kg:Alpha", "알파", "기업", 1),  # ties by Korean label
        ("kg:Gamma", "감마", "기업", 3),
    ]
    # scores are computed on the whole network, not a company-only one
    assert result.scores[0].score == 4 / 11
    assert result.parameters["classes"] == ["기업"]


def test_class_filter_on_a_bare_network(mini):
    G = mini.to_networkx()
    assert [s.node for s in centrality(G, "degree", classes=["Offering"]).scores] == ["kg:Svc"]
    with pytest.raises(UsageError, match=r"^unknown class 'Firm'; choose from: "):
        centrality(G, "degree", classes=["Firm"])


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (
            ("closeness-ish",),
            {},
            "unknown measure 'closeness-ish'; choose one of: degree, betweenness, closeness, "
            "pagerank, eigenvector, harmonic",
        ),
        (("degree",), {"top": 0}, "--top must be at least 1, not 0"),
    ],
)
def test_centrality_bad_options(mini, args, kwargs, message):
    with pytest.raises(UsageError) as e:
        centrality(mini, *args, **kwargs)
    assert str(e.value) == message


def test_directed_needs_a_directed_network(mini):
    with pytest.raises(UsageError, match="^the network is undirected"):
        centrality(mini.to_networkx(directed=False), "pagerank", directed=True)


def test_scores_as_rdf(mini):
    result = centrality(mini, "degree", top=2)
    when = datetime(2025, 10, 1, 12, 0, tzinfo=UTC)
    got = centrality_rdf(result, mini, generated=when)
    stored = {str(o) for o in got.objects(None, CNAI.parameters)}
    assert len(stored) == 1
    assert json.loads(stored.pop()) == {
        "measure": "degree",
        "directed": False,
        "function": "networkx.degree_centrality",
        "graph": "Graph",
        "projection": {
            "lang": "en",
            "partnerships": "collapse",
            "directed": "true",
            "relations": "all",
            "classes": "default",
            "claims": "false",
            "status": "reported active proposed definitional",
        },
    }
    value = repr(4 / 11)
    want = Graph().parse(
        data=f"""
        @prefix cnai: <https://w3id.org/cnai-kg/ontology#> .
        @prefix kg: <https://w3id.org/cnai-kg/resource/> .
        @prefix prov: <http://www.w3.org/ns/prov#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix schema: <https://schema.org/> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <https://w3id.org/cnai-kg/resource/centrality/degree/Alpha> a cnai:CentralityScore ;
            cnai:scoreOf kg:Alpha ;
            cnai:measure "degree" ; schema:value "{value}"^^xsd:double ; cnai:parameters "P" ;
            prov:generatedAtTime "2025-10-01T12:00:00+00:00"^^xsd:dateTime ;
            rdfs:label "degree centrality of Alpha"@en .
        <https://w3id.org/cnai-kg/resource/centrality/degree/Beta> a cnai:CentralityScore ;
            cnai:scoreOf kg:Beta ;
            cnai:measure "degree" ; schema:value "{value}"^^xsd:double ; cnai:parameters "P" ;
            prov:generatedAtTime "2025-10-01T12:00:00+00:00"^^xsd:dateTime ;
            rdfs:label "degree centrality of Beta"@en .
    """,
        format="turtle",
    )
    got.remove((None, CNAI.parameters, None))
    want.remove((None, CNAI.parameters, None))
    assert isomorphic(got, want)


def test_scores_load_back_into_the_graph(mini, tmp_path):
    path = tmp_path / "scores.ttl"
    path.write_bytes(
        centrality_rdf(centrality(mini, "pagerank"), mini).serialize(
            format="turtle", encoding="utf-8"
        )
    )
    again = mini.with_files(path)
    assert len(set(again.rdf.subjects(predicate=CNAI.scoreOf))) == 12
    assert again.to_networkx().number_of_nodes() == 12  # scores are not entities


def test_cjk_font_is_found():
    assert cjk_font_family("ko")[0] == "Noto Sans CJK KR"
    assert cjk_font_family("zh")[0] == "Noto Sans CJK SC"


@pytest.mark.parametrize("lang", ["en", "ko", "zh"])
def test_chart_is_a_png(mini, lang):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph warns in matplotlib: make it fail
        png = centrality_chart(centrality(mini, "pagerank", lang=lang), lang=lang, top=5)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


# --------------------------------------------------------------------------- paths


def test_partners_of_a_partner(mini):
    (path,) = evidence_paths(mini, "Alpha", "감마")
    assert path.nodes == ("kg:Alpha", "kg:Beta", "kg:Gamma")
    assert path.labels == ("Alpha", "Beta", "Gamma")
    first, second = path.hops
    assert (
        first.relation,
        first.symmetric,
        first.fact_id,
        first.quote,
        first.document,
        first.report,
        first.status,
        first.roles,
    ) == (
        "cnai:Partnership",
        True,
        "kg:P1",
        "알파와 베타가 손잡았다",
        "Mini article",
        "Mini report",
        "Active",
        "Alpha: Technology provider; Beta: Platform operator",
    )
    assert first.arrow == "—Partnership—"
    assert (second.fact_id, second.status, second.caveat) == ("kg:P2", "Proposed", "Only proposed.")


def test_k_shortest_paths(mini):
    paths = evidence_paths(mini, "Alpha", "Gamma", k=3)
    assert [p.labels for p in paths] == [
        ("Alpha", "Beta", "Gamma"),
        ("Alpha", "Market", "Beta", "Gamma"),
        ("Alpha", "Metro", "Hub", "Land", "Korean makers", "Gamma"),
    ]
    assert [h.arrow for h in paths[1].hops] == [
        "—target market→",
        "←target market—",
        "—Partnership—",
    ]
    assert [p.length for p in paths] == [2, 3, 5]


def test_max_hops_stops_the_search(mini):
    assert len(evidence_paths(mini, "Alpha", "Gamma", k=3, max_hops=3)) == 2


def test_avoid(mini):
    (path,) = evidence_paths(mini, "Alpha", "Gamma", avoid=["베타"])
    assert path.labels == ("Alpha", "Metro", "Hub", "Land", "Korean makers", "Gamma")
    hops = path.hops
    assert [(h.evidence, h.why) for h in hops[1:3]] == [
        ("definitional", "Metro lies in Hub."),
        ("definitional", "Hub lies in Land."),
    ]
    assert hops[4].arrow == "—Opportunity for Korean firms→"


def test_via_restricts_relations(mini):
    (path,) = evidence_paths(mini, "Korean makers", "Alpha", via=["Opportunity", "파트너십"])
    assert path.labels == ("Korean makers", "Gamma", "Beta", "Alpha")
    assert {h.relation for h in path.hops} == {"cnai:Opportunity", "cnai:Partnership"}


def test_via_picks_the_allowed_fact_between_a_pair(mini):
    (path,) = evidence_paths(mini, "Korean makers", "Camera")
    assert (path.hops[0].relation, path.hops[0].alternatives) == ("cnai:specializesIn", 1)
    (path,) = evidence_paths(mini, "Korean makers", "Camera", via=["technology"])
    assert (path.hops[0].relation, path.hops[0].fact_id) == ("cnai:technology", "kg:O1")


def test_directed_paths_follow_relations(mini):
    assert evidence_paths(mini, "Alpha", "Land", directed=True)[0].labels == (
        "Alpha",
        "Metro",
        "Hub",
        "Land",
    )
    with pytest.raises(NoPath) as e:
        evidence_paths(mini, "Land", "Alpha", directed=True)
    assert str(e.value) == "no path from Land to Alpha (following relation direction)"


def test_unsourced_hop_says_so(mini):
    hop = evidence_paths(mini, "Delta", "Market")[0].hops[0]
    assert (hop.evidence, hop.fact, hop.fact_id, hop.quote) == ("none", "", "", "")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"via": ["basedIn"]}, "no path from Alpha to Gamma (via basedIn)"),
        (
            {"avoid": ["Beta"], "max_hops": 4},
            "no path from Alpha to Gamma (within 4 hops; avoiding Beta)",
        ),
        ({"avoid": ["Beta", "Land"]}, "no path from Alpha to Gamma (avoiding Beta, Land)"),
    ],
)
def test_no_path(mini, kwargs, message):
    with pytest.raises(NoPath) as e:
        evidence_paths(mini, "Alpha", "Gamma", **kwargs)
    assert str(e.value) == message
    assert e.value.exit_code == 1


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (("Alpha", "알파"), {}, "Alpha is both ends of the path"),
        (("Alpha", "Gamma"), {"k": 0}, "--k must be at least 1, not 0"),
        (("Alpha", "Gamma"), {"max_hops": 0}, "--max-hops must be at least 1, not 0"),
        (("Alpha", "Gamma"), {"avoid": ["Gamma"]}, "cannot avoid an end of the path"),
        (("Alpha", "Mini report"), {}, "Mini report (cnai:Report) is not a node of the network"),
    ],
)
def test_path_usage_errors(mini, args, kwargs, message):
    with pytest.raises(UsageError) as e:
        evidence_paths(mini, *args, **kwargs)
    assert str(e.value) == message


def test_every_hop_carries_a_quote_or_definition(mini):
    G = mini.to_networkx(status="all")
    for a, b in itertools.permutations(["kg:Alpha", "kg:Gamma", "kg:Svc", "kg:Land"], 2):
        for path in evidence_paths(G, a, b, k=3):
            for hop in path.hops:
                assert hop.quote in MINI_QUOTES or hop.evidence == "definitional"


# random graphs: the evidence paths are exactly networkx's shortest simple paths
@st.composite
def random_networks(draw):
    n = draw(st.integers(2, 8))
    edges = draw(
        st.lists(
            st.tuples(
                st.integers(0, n - 1),
                st.integers(0, n - 1),
                st.sampled_from(["cnai:basedIn", "cnai:Partnership"]),
            ),
            max_size=16,
        )
    )
    G = nx.MultiDiGraph()
    for i in range(n):
        G.add_node(f"n{i}", label=f"N{i}")
    for i, (u, v, rel) in enumerate(edges):
        if u != v:
            G.add_edge(
                f"n{u}",
                f"n{v}",
                key=f"f{i}",
                relation=rel,
                relation_label=rel,
                subject=f"n{u}",
                object=f"n{v}",
                fact=f"f{i}",
                evidence="quote",
                quote=f"q{i}",
            )
    return G


@settings(max_examples=100, deadline=None)
@given(G=random_networks(), k=st.integers(1, 4), directed=st.booleans())
def test_paths_are_canonical_shortest_paths_on_random_graphs(G, k, directed):
    s, t = "n0", f"n{G.number_of_nodes() - 1}"
    simple = nx.DiGraph(G) if directed else nx.Graph(G)
    if not nx.has_path(simple, s, t):
        with pytest.raises(NoPath):
            evidence_paths(G, s, t, k=k, directed=directed)
        return
    paths = evidence_paths(G, s, t, k=k, directed=directed)
    want = list(itertools.islice(nx.shortest_simple_paths(simple, s, t), k))
    found = [list(p.nodes) for p in paths]
    # the k shortest lengths, distinct simple paths along real edges ...
    assert [len(p) for p in found] == [len(p) for p in want]
    assert len({tuple(p) for p in found}) == len(found)
    for p in found:
        assert len(set(p)) == len(p)
        assert all(simple.has_edge(a, b) for a, b in itertools.pairwise(p))
    # ... the first the shortest with the smallest node ids, the same on both engines
    assert found[0] == min(nx.all_shortest_paths(simple, s, t))
    on_igraph = evidence_paths(G, s, t, k=k, directed=directed, engine="igraph")
    assert [list(p.nodes) for p in on_igraph] == found
    for p in paths:
        for hop in p.hops:
            ends = (hop.source, hop.target) if hop.forward else (hop.target, hop.source)
            assert hop.quote == G.edges[(*ends, hop.fact_id)]["quote"]


# --------------------------------------------------------------------------- neighbours


def test_neighbors_within_two_hops(mini):
    found = neighbors(mini, "Beta", hops=2)
    assert [(n.distance, n.label) for n in found] == [
        (1, "Alpha"),
        (1, "Gamma"),
        (1, "Market"),
        (1, "Svc"),
        (2, "Camera"),
        (2, "Delta"),
        (2, "Korean makers"),
        (2, "Metro"),
        (2, "Robotics"),
    ]
    svc = found[3]
    assert (svc.cls, svc.path.hops[0].arrow) == ("cnai:Service", "←provided by—")


def test_neighbors_agree_with_networkx(kg):
    G = kg.to_networkx()
    found = neighbors(G, "kg:Uber", hops=3)
    want = nx.single_source_shortest_path_length(nx.Graph(G), "kg:Uber", cutoff=3)
    assert {n.node: n.distance for n in found} == {k: v for k, v in want.items() if k != "kg:Uber"}


def test_neighbors_via_and_class(mini):
    assert [n.label for n in neighbors(mini, "Beta", hops=3, via=["Partnership"])] == [
        "Alpha",
        "Gamma",
    ]
    assert [n.label for n in neighbors(mini, "Beta", hops=2, classes=["Company"])] == [
        "Alpha",
        "Gamma",
        "Delta",
    ]
    with pytest.raises(UsageError) as e:
        neighbors(mini, "Beta", hops=0)
    assert str(e.value) == "--hops must be at least 1, not 0"


# --------------------------------------------------------------------------- communities


@pytest.mark.parametrize("method", ["louvain", "greedy", "label-propagation"])
def test_communities_partition_the_network(kg, method):
    G = kg.to_networkx()
    found = communities(G, method=method)
    members = [m.node for c in found.communities for m in c.members]
    assert sorted(members) == sorted(G)  # every node exactly once
    parts = [{m.node for m in c.members} for c in found.communities]
    assert found.modularity == pytest.approx(nx.community.modularity(nx.Graph(G), parts))
    sizes = [c.size for c in found.communities]
    assert sizes == sorted(sizes, reverse=True)


def test_louvain_on_mini(mini):
    found = communities(mini, seed=0)
    assert [c.labels for c in found.communities] == [
        ["Alpha", "Beta", "Market", "Delta", "Robotics", "Svc"],
        ["Gamma", "Korean makers", "Camera"],
        ["Hub", "Land", "Metro"],
    ]
    assert found.modularity == pytest.approx(0.4081632653061224)
    assert communities(mini, seed=0).to_dict() == found.to_dict()  # seeded: repeatable


def test_unknown_method(mini):
    with pytest.raises(UsageError) as e:
        communities(mini, method="leiden")
    assert str(e.value) == (
        "unknown method 'leiden'; choose one of: louvain, greedy, label-propagation"
    )


@pytest.mark.parametrize("module", ["centrality", "paths", "neighbors", "communities"])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    mod = importlib.import_module(f"cnai_kg.algorithms.{module}")
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
    assert (result.failed, result.attempted > 0) == (0, True)
