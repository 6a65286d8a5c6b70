"""The compiled network (cnai_kg.network.compiled) answers every analysis as the projection
it was compiled from does, on the shipped graph and on a generated one; the CLI's cached
store keeps it and reads it back; igraph comes without matplotlib."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest

import cnai_kg
from cnai_kg.algorithms import centrality, communities, evidence_paths, neighbors
from cnai_kg.errors import NoPath
from cnai_kg.network import CompiledNetwork, analysis_network
from cnai_kg.network.compiled import write_compiled

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from generate import write_graph  # noqa: E402

PROJECTIONS = [
    {},
    {"partnerships": "nodes", "claims": True, "status": "all"},
    {"directed": False, "lang": "ko"},
]


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> cnai_kg.KnowledgeGraph:
    path = write_graph(300, tmp_path_factory.mktemp("gen") / "gen.ttl")
    return cnai_kg.load(path, shipped=False)


def _pair(kg, tmp_path, name, **projection):
    G = kg.to_networkx(**projection)
    return G, CompiledNetwork(write_compiled(G, tmp_path / f"{name}.sqlite"))


def _paths(graph, s, t, **options):
    try:
        return [p.to_dict() for p in evidence_paths(graph, s, t, **options)]
    except NoPath as e:
        return str(e)


@pytest.mark.parametrize("projection", PROJECTIONS, ids=["default", "nodes", "undirected-ko"])
@pytest.mark.parametrize("which", ["shipped", "generated"])
def test_the_compiled_network_gives_the_same_answers(which, projection, kg, generated, tmp_path):
    graph = kg if which == "shipped" else generated
    G, net = _pair(graph, tmp_path, which, **projection)
    assert list(net) == list(G) and net.graph == G.graph
    assert net.edges() == list(G.edges())
    assert all(net.nodes[n] == G.nodes[n] for n in G)
    directed = projection.get("directed", True)
    for measure in ("degree", "betweenness", "pagerank", "harmonic"):
        for classes in (None, ["Company"]):
            a = centrality(G, measure, classes=classes, top=15, directed=directed)
            b = centrality(net, measure, classes=classes, top=15, directed=directed)
            assert a.to_dict() == b.to_dict()
    assert communities(G).communities == communities(net).communities
    nodes = sorted(G)
    rng = random.Random(17)
    for _ in range(40):
        s, t = rng.sample(nodes, 2)
        for options in ({}, {"k": 3}, {"directed": directed, "k": 2}):
            assert _paths(G, s, t, **options) == _paths(net, s, t, **options)
        assert [n.to_dict() for n in neighbors(G, s, hops=2)] == [
            n.to_dict() for n in neighbors(net, s, hops=2)
        ]


def test_a_cached_store_keeps_the_compiled_network(tmp_path, monkeypatch):
    monkeypatch.setenv("CNAI_KG_CACHE_DIR", str(tmp_path / "cache"))
    path = write_graph(200, tmp_path / "g.ttl")
    cold = cnai_kg.load(path, cache=True)
    first = centrality(cold, "pagerank", classes=["Company"], top=10)
    folder = Path(cold.store.cache_folder) / "networks"
    assert len(list(folder.glob("*.sqlite"))) == 1
    warm = cnai_kg.load(path, cache=True)
    assert isinstance(analysis_network(warm), CompiledNetwork)
    assert centrality(warm, "pagerank", classes=["Company"], top=10).to_dict() == first.to_dict()
    # other options, another compiled network; the answers those of the projection
    got = evidence_paths(warm, "Company 3", "Company 150", k=2, status="all")
    want = evidence_paths(warm.to_networkx(status="all"), "kg:bench-co-3", "kg:bench-co-150", k=2)
    assert [p.to_dict() for p in got] == [p.to_dict() for p in want]
    assert len(list(folder.glob("*.sqlite"))) == 2


def test_a_damaged_compiled_network_is_built_again(tmp_path, monkeypatch):
    monkeypatch.setenv("CNAI_KG_CACHE_DIR", str(tmp_path / "cache"))
    path = write_graph(100, tmp_path / "g.ttl")
    kg = cnai_kg.load(path, cache=True)
    want = centrality(kg, "degree", top=5).to_dict()
    (compiled,) = (Path(kg.store.cache_folder) / "networks").glob("*.sqlite")
    compiled.write_bytes(b"not a database")
    again = cnai_kg.load(path, cache=True)
    assert centrality(again, "degree", top=5).to_dict() == want


def test_igraph_comes_without_matplotlib():
    code = (
        "import sys; from cnai_kg.network._igraph import igraph; g = igraph().Graph(3); "
        "print('matplotlib' in sys.modules, g.vcount())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.split() == ["False", "3"]


MISSPELT = ["catle", "Tencnet", "Ubr", "Alibab", "바이두우", "百渡", "kg:Baidoo", "Pony", "x"]


def test_closest_names_from_the_name_index_are_the_resolvers(tmp_path, monkeypatch):
    from cnai_kg.errors import EntityNotFound

    monkeypatch.setenv("CNAI_KG_CACHE_DIR", str(tmp_path / "cache"))
    path = write_graph(100, tmp_path / "g.ttl")
    for files in ((), (path,)):
        indexed = cnai_kg.load(*files, cache=True)
        plain = cnai_kg.load(*files)
        for name in [*MISSPELT, "Compnay 17", "긱업 17"]:
            with pytest.raises(EntityNotFound) as by_index:
                indexed.resolve(name)
            with pytest.raises(EntityNotFound) as by_resolver:
                plain.resolve(name)
            assert str(by_index.value) == str(by_resolver.value)
            assert by_index.value.matches == by_resolver.value.matches
        assert "resolver" not in indexed.__dict__  # the index answered, not every name


@pytest.mark.parametrize("directed", [False, True], ids=["undirected", "directed"])
def test_the_shortest_path_dag_walk_gives_yens_shortest_paths(generated, directed):
    from cnai_kg.algorithms.engine import get_engine, k_shortest_paths, shortest_paths
    from cnai_kg.algorithms.paths import _walkable_network

    G = generated.to_networkx(status="all")
    net = _walkable_network(G, directed=directed)
    nodes = sorted(G)
    rng = random.Random(5)
    compared = ties = 0
    for _ in range(150):
        s, t = rng.sample(nodes, 2)
        for name in ("networkx", "igraph"):
            engine = get_engine(name)
            yen = list(k_shortest_paths(engine, net, s, t, 9))
            shortest = [p for p in yen if yen and len(p) == len(yen[0])]
            assert shortest_paths(engine, net, s, t, 9) == shortest
            assert shortest_paths(engine, net, s, t, 1) == shortest[:1]
            compared += 1
            ties += len(shortest) > 1
    assert compared == 300 and ties > 20  # many pairs have several shortest paths


def _stats_by_walking(kg) -> dict:
    """stats() as it was computed before the SPARQL aggregates: walking the triples."""
    from collections import Counter, defaultdict

    from rdflib import Literal, URIRef
    from rdflib.namespace import RDF, RDFS, SKOS

    from cnai_kg.namespaces import CNAI

    entities = kg._entity_set
    per_class = Counter(kg.curie(t) for _, t in kg._entity_types if isinstance(t, URIRef))
    languages = defaultdict(set)
    for pred in (SKOS.prefLabel, RDFS.label):
        for e, _, lit in kg.store.triples((None, pred, None)):
            if e in entities and isinstance(lit, Literal):
                languages[e].add(lit.language or "")
    total = len(entities)
    sources = {
        kg.curie(c): len(kg.subjects(RDF.type, c))
        for c in (CNAI.Report, CNAI.Article, CNAI.SourceExcerpt)
    }
    return {
        "entities": total,
        "entities_per_class": dict(per_class),
        "sources": sources,
        "label_coverage": {
            code: (sum(code in languages[e] for e in entities), total)
            for code in ("en", "ko", "zh")
        },
    }


def test_stats_from_aggregates_count_what_walking_the_triples_counts(kg, generated, make_ttl):
    odd = make_ttl(
        "kg:NoLabel a cnai:Company .\n"
        'kg:Untagged a cnai:Company ; rdfs:label "plain" ; skos:prefLabel "x"@en .\n'
        'kg:TwoTypes a cnai:Company, cnai:Platform ; rdfs:label "둘"@ko .\n'
        "_:b a cnai:SourceExcerpt .\n"
    )
    for graph in (kg, generated, cnai_kg.load(odd)):
        got = graph.stats()
        want = _stats_by_walking(graph)
        assert {k: got[k] for k in want} == {
            **want,
            "entities_per_class": got["entities_per_class"],
        }
        assert got["entities_per_class"] == dict(
            sorted(want["entities_per_class"].items(), key=lambda kv: (-kv[1], kv[0]))
        )


def test_the_same_view_rendered_from_four_threads_at_once_has_the_same_positions(generated):
    from concurrent.futures import ThreadPoolExecutor

    from cnai_kg.algorithms import communities as find_communities
    from cnai_kg.render import render

    def positions():
        view = render(generated, layout="precomputed")
        return {n["id"]: (n["x"], n["y"]) for n in view.nodes}

    def louvain():
        return find_communities(generated, engine="igraph", seed=3).communities

    alone, parts = positions(), louvain()
    assert len(alone) > 300
    with ThreadPoolExecutor(max_workers=8) as pool:
        views = [pool.submit(positions) for _ in range(4)]
        searches = [pool.submit(louvain) for _ in range(4)]  # igraph's generator, meanwhile
        assert all(v.result() == alone for v in views)
        assert all(s.result() == parts for s in searches)


VIEWS = [
    {"classes": ["Company"], "partnerships": "collapse"},
    {},
    {"focus": "Company 7", "hops": 2, "lang": "ko"},
    {"scope": "all", "color_by": "hub"},
]


@pytest.mark.parametrize("which", ["shipped", "generated"])
def test_a_view_from_the_compiled_network_is_the_view_from_the_store(which, tmp_path, monkeypatch):
    """On a cached store a view reads the compiled network and asks the store for the
    details of the nodes it draws; every record is what the uncached view gives."""
    monkeypatch.setenv("CNAI_KG_CACHE_DIR", str(tmp_path / "cache"))
    if which == "shipped":
        plain, views = cnai_kg.load(), [v for v in VIEWS if "focus" not in v]
        views.append({"focus": "Pony.ai", "hops": 1})
        load = lambda: cnai_kg.load(cache=True)  # noqa: E731
    else:
        path = write_graph(150, tmp_path / "g.ttl")
        plain, views = cnai_kg.load(path, shipped=False), VIEWS
        load = lambda: cnai_kg.load(path, shipped=False, cache=True)  # noqa: E731

    def records(view):
        return (view.nodes, view.edges, view.node_info, view.facts, view.legend, view.meta)

    for options in views:
        want = records(plain.render(**options))
        assert records(load().render(**options)) == want, options  # compiles
        warm = load()
        assert records(warm.render(**options)) == want, options  # reads it back
        folder = Path(warm.store.cache_folder) / "networks"
        assert list(folder.glob("*.sqlite"))


@pytest.mark.parametrize("directed", [True, False])
def test_walks_by_length_give_yens_paths(generated, directed):
    """paths_by_length lists the k shortest simple paths in Yen's order, longer ones too,
    and hands over to Yen's algorithm with the same answers when its budget runs out."""
    from cnai_kg.algorithms.engine import get_engine, k_shortest_paths, paths_by_length
    from cnai_kg.algorithms.paths import _walkable_network

    G = generated.to_networkx(status="all")
    net = _walkable_network(G, directed=directed)
    nodes = sorted(G)
    rng = random.Random(11)
    longer = 0
    for _ in range(60):
        s, t = rng.sample(nodes, 2)
        for name in ("networkx", "igraph"):
            engine = get_engine(name)
            yen = list(k_shortest_paths(engine, net, s, t, 11))
            assert list(paths_by_length(engine, net, s, t, 11)) == yen
            assert list(paths_by_length(engine, net, s, t, 11, budget=50)) == yen
            longer += bool(yen) and len(yen[-1]) > len(yen[0])
    assert longer > 30  # most pairs need paths longer than the shortest
