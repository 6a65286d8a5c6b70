"""The networkx and igraph engines agree (cnai_kg.algorithms.engine), and sampling says so."""

from __future__ import annotations

import gc
import itertools
import json
import random

import networkx as nx
import pytest
from click.testing import CliRunner

from cnai_kg.algorithms import MEASURES, centrality, communities, evidence_paths, format_path
from cnai_kg.algorithms.engine import (
    AUTO_IGRAPH_ABOVE,
    DEFAULT_SAMPLE,
    SAMPLE_ABOVE,
    SimpleNetwork,
    _closeness_estimate,
    choose_engine,
    default_sample,
    get_engine,
    k_shortest_paths,
)
from cnai_kg.cli import cli
from cnai_kg.errors import NoPath, UsageError

#: Measures both engines compute the same way (PageRank: two solvers, each to a tolerance).
EXACT = {"degree", "betweenness", "closeness", "harmonic", "eigenvector"}


def tolerance(measure: str, nodes: int) -> float:
    """Rounding, except PageRank: networkx stops iterating when the scores move by less than
    ``n * 1e-6`` in total, so it is only that close to the limit igraph's PRPACK solves for."""
    return 1e-9 if measure in EXACT else nodes * 1e-6


@pytest.fixture(scope="module")
def shipped(kg):
    return kg.to_networkx()


def generated_network(n: int = 2_500, *, seed: int = 7) -> nx.MultiDiGraph:
    """A skewed (preferential-attachment) network with clustering, as a projection would be."""
    simple = nx.powerlaw_cluster_graph(n, 2, 0.3, seed=seed)
    rng = random.Random(seed)
    G = nx.MultiDiGraph()
    G.add_nodes_from((f"n{i:05d}", {"label": f"node {i}"}) for i in simple)
    for u, v in simple.edges():
        if rng.random() < 0.5:
            u, v = v, u
        G.add_edge(f"n{u:05d}", f"n{v:05d}", key=f"f{u}-{v}", relation="cnai:Partnership")
    return G


@pytest.fixture(scope="module")
def generated():
    return generated_network()


def scores(result) -> dict[str, float]:
    return {s.node: s.score for s in result.scores}


# --------------------------------------------------------------------------- centrality


@pytest.mark.parametrize("measure", list(MEASURES))
@pytest.mark.parametrize("directed", [False, True])
def test_engines_agree_on_the_shipped_graph(shipped, measure, directed):
    on_nx = centrality(shipped, measure, directed=directed, engine="networkx")
    on_ig = centrality(shipped, measure, directed=directed, engine="igraph")
    assert (on_nx.engine, on_ig.engine) == ("networkx", "igraph")
    assert scores(on_ig) == pytest.approx(scores(on_nx), abs=tolerance(measure, on_nx.nodes))
    assert (on_ig.nodes, on_ig.edges) == (on_nx.nodes, on_nx.edges)
    assert not on_ig.parameters["function"].startswith("networkx.")


@pytest.mark.parametrize("measure", list(MEASURES))
def test_engines_agree_on_a_generated_graph(generated, measure):
    on_nx = centrality(generated, measure, engine="networkx", sample=0)
    on_ig = centrality(generated, measure, engine="igraph", sample=0)
    assert scores(on_ig) == pytest.approx(scores(on_nx), abs=tolerance(measure, on_nx.nodes))
    # the same leaders, in the same order, where scores are not tied
    assert [s.node for s in on_ig.scores[:5]] == [s.node for s in on_nx.scores[:5]]


def test_auto_picks_igraph_above_the_documented_size(shipped, generated):
    assert generated.number_of_nodes() > AUTO_IGRAPH_ABOVE >= shipped.number_of_nodes()
    assert centrality(shipped, "degree").engine == "networkx"
    assert centrality(generated, "degree").engine == "igraph"
    assert choose_engine("auto", AUTO_IGRAPH_ABOVE).name == "networkx"
    assert choose_engine("auto", AUTO_IGRAPH_ABOVE + 1).name == "igraph"
    with pytest.raises(UsageError, match="unknown engine 'rustworkx'"):
        centrality(shipped, "degree", engine="rustworkx")


@pytest.mark.parametrize("measure", ["betweenness", "closeness"])
def test_sampled_estimates_are_close_to_exact(generated, measure):
    exact = scores(centrality(generated, measure, engine="igraph", sample=0))
    result = centrality(generated, measure, engine="igraph", sample=400, seed=1)
    assert result.estimated and result.sample == 400
    estimate = scores(result)
    # mean absolute error small against the spread of the scores, top nodes found
    spread = max(exact.values()) - min(exact.values())
    error = sum(abs(estimate[n] - exact[n]) for n in exact) / len(exact)
    assert error < 0.05 * spread
    top_exact = sorted(exact, key=exact.get, reverse=True)[:10]
    top_estimate = sorted(estimate, key=estimate.get, reverse=True)[:20]
    assert len(set(top_exact) & set(top_estimate)) >= 8


@pytest.mark.parametrize("measure", ["betweenness", "closeness"])
@pytest.mark.parametrize("directed", [False, True])
def test_both_engines_draw_the_same_sample(generated, measure, directed):
    kw = {"directed": directed, "sample": 60, "seed": 3}
    on_nx = centrality(generated, measure, engine="networkx", **kw)
    on_ig = centrality(generated, measure, engine="igraph", **kw)
    assert scores(on_ig) == pytest.approx(scores(on_nx), abs=1e-9)
    if measure == "betweenness":  # networkx's own estimator, same sources
        H = nx.DiGraph(generated) if directed else nx.Graph(generated)
        expected = nx.betweenness_centrality(H, k=60, seed=3)
        assert scores(on_ig) == pytest.approx(expected, abs=1e-9)


def test_closeness_estimate_from_every_node_is_exact(shipped):
    exact = scores(centrality(shipped, "closeness", sample=0))
    net = SimpleNetwork.from_networkx(nx.Graph(shipped))
    dists = [nx.single_source_shortest_path_length(net.graph, p) for p in net.nodes]
    assert _closeness_estimate(net.nodes, net.nodes, dists) == pytest.approx(exact, abs=1e-12)
    # a sample as large as the graph is the exact computation
    assert centrality(shipped, "closeness", sample=len(net)).sample is None


def test_default_sample_by_size():
    assert default_sample("betweenness", SAMPLE_ABOVE, None) is None
    assert default_sample("betweenness", SAMPLE_ABOVE + 1, None) == DEFAULT_SAMPLE
    assert default_sample("closeness", SAMPLE_ABOVE + 1, 0) is None
    assert default_sample("pagerank", SAMPLE_ABOVE + 1, None) is None
    with pytest.raises(UsageError, match="--sample applies to betweenness and closeness only"):
        default_sample("pagerank", 10, 5)


# --------------------------------------------------------------------------- paths


def test_shortest_path_lengths_agree_on_the_shipped_graph(shipped):
    H = nx.Graph(shipped)
    net = SimpleNetwork.from_networkx(H)
    nodes = sorted(H)
    rng = random.Random(0)
    pairs = [tuple(rng.sample(nodes, 2)) for _ in range(150)]
    for s, t in pairs:
        a = get_engine("networkx").shortest_path(net, s, t)
        b = get_engine("igraph").shortest_path(net, s, t)
        assert a == b
        if nx.has_path(H, s, t):
            assert len(a) - 1 == nx.shortest_path_length(H, s, t)
            assert a == min(nx.all_shortest_paths(H, s, t))
        else:
            assert a is None


def test_evidence_chains_are_the_same_on_both_engines(kg):
    G = kg.to_networkx()
    companies = sorted(n for n, d in G.nodes(data=True) if d["class"] == "cnai:Company")
    for s, t in itertools.combinations(companies[:8], 2):
        for k in (1, 3):
            try:
                on_nx = evidence_paths(kg, s, t, k=k, engine="networkx")
            except Exception as e:  # noqa: BLE001 - the same error on both
                with pytest.raises(type(e)):
                    evidence_paths(kg, s, t, k=k, engine="igraph")
                continue
            on_ig = evidence_paths(kg, s, t, k=k, engine="igraph")
            assert [format_path(p) for p in on_ig] == [format_path(p) for p in on_nx]


@pytest.mark.parametrize("engine", ["networkx", "igraph"])
def test_the_path_graph_is_built_once_per_projection_and_rebuilt_when_it_changes(kg, engine):
    G = kg.to_networkx(status="reported,active,definitional")
    (first,) = evidence_paths(G, "CATL", "Uber", engine=engine)
    kept = dict(G.__networkx_cache__["cnai_kg"])
    assert len(kept) == 1
    (again,) = evidence_paths(G, "CATL", "Uber", engine=engine)
    assert format_path(again) == format_path(first)
    assert G.__networkx_cache__["cnai_kg"] == kept  # the same network object, not rebuilt
    # cut the first hop (every edge between its two ends): the next path must go round it
    hop = first.hops[0]
    for u, v in ((hop.source, hop.target), (hop.target, hop.source)):
        while G.has_edge(u, v):
            G.remove_edge(u, v)
    assert "cnai_kg" not in G.__networkx_cache__
    try:
        (detour,) = evidence_paths(G, "CATL", "Uber", engine=engine)
    except NoPath:
        return
    pairs = {frozenset((h.source, h.target)) for h in detour.hops}
    assert frozenset((hop.source, hop.target)) not in pairs


def test_a_projection_leaves_the_garbage_collector_as_it_found_it(kg):
    assert gc.isenabled()
    kg.to_networkx()
    assert gc.isenabled()
    gc.disable()
    try:
        kg.to_networkx()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_k_shortest_paths_agree_on_a_generated_graph(generated):
    for directed in (False, True):
        H = nx.DiGraph(generated) if directed else nx.Graph(generated)
        net = SimpleNetwork.from_networkx(H)
        rng = random.Random(5)
        for _ in range(10):
            s, t = rng.sample(net.nodes, 2)
            a = list(k_shortest_paths(get_engine("networkx"), net, s, t, 4))
            b = list(k_shortest_paths(get_engine("igraph"), net, s, t, 4))
            assert a == b
            want = list(itertools.islice(nx.shortest_simple_paths(H, s, t), 4)) if a else []
            assert [len(p) for p in a] == [len(p) for p in want]


# --------------------------------------------------------------------------- communities


def clear_cut(cliques: int = 6, size: int = 8) -> nx.MultiDiGraph:
    """Cliques in a chain, each joined to the next by one edge."""
    G = nx.MultiDiGraph()
    for c in range(cliques):
        members = [f"c{c}-{i}" for i in range(size)]
        G.add_nodes_from(members)
        G.add_edges_from(itertools.combinations(members, 2))
        if c + 1 < cliques:
            G.add_edge(f"c{c}-{size - 1}", f"c{c + 1}-{size - 2}")
    return G


@pytest.mark.parametrize("method", ["louvain", "greedy", "label-propagation"])
def test_engines_find_the_same_communities_on_a_clear_cut_graph(method):
    G = clear_cut()
    cliques = sorted(frozenset(n for n in G if n.startswith(f"c{c}-")) for c in range(6))
    found = {}
    for engine in ("networkx", "igraph"):
        result = communities(G, method=method, seed=0, engine=engine)
        found[engine] = sorted(frozenset(m.node for m in c.members) for c in result.communities)
        assert result.engine == engine
    assert found["networkx"] == found["igraph"] == cliques
    on_nx = communities(G, method=method, engine="networkx").modularity
    assert communities(G, method=method, engine="igraph").modularity == pytest.approx(on_nx)


def test_igraph_greedy_has_no_resolution():
    with pytest.raises(UsageError, match="greedy method has no --resolution"):
        communities(clear_cut(), method="greedy", resolution=2.0, engine="igraph")


# --------------------------------------------------------------------------- CLI


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_cli_sampled_centrality_says_so_in_every_format():
    table = run("centrality", "--measure", "betweenness", "--engine", "igraph", "--sample", "20")
    assert table.exit_code == 0, table.output
    head = table.output.splitlines()
    assert head[0].endswith("partnerships collapsed; status reported, active; igraph engine)")
    assert head[1] == "estimated from 20 sampled source nodes (seed 0); --sample 0 for exact scores"
    data = json.loads(
        run("centrality", "--measure", "closeness", "--sample", "20", "--format", "json").output
    )
    assert (data["estimated"], data["sample"], data["engine"]) == (True, 20, "networkx")
    assert data["parameters"]["sample"] == 20
    csv = run("centrality", "--measure", "closeness", "--sample", "20", "--format", "csv").output
    assert csv.splitlines()[0] == "rank,entity,label,class,group,score,sampled_sources"
    exact = run("centrality", "--measure", "closeness", "--format", "json").output
    assert json.loads(exact)["estimated"] is False


def test_cli_sample_refused_for_other_measures():
    result = CliRunner().invoke(cli, ["centrality", "--measure", "pagerank", "--sample", "5"])
    assert result.exit_code != 0
    assert "--sample applies to betweenness and closeness only, not pagerank" in result.output


def test_ties_rank_the_same_whatever_the_string_hashing():
    """Pony.ai and WeRide tie on harmonic centrality up to the last bits of a float sum,
    whose order follows Python's per-process string hashing: their order must not."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    outputs = set()
    for seed in map(str, range(5, 13)):  # 10 ordered them the other way before the fix
        done = subprocess.run(
            [
                str(Path(sys.executable).parent / "cnai-kg"),
                "centrality",
                "--measure",
                "harmonic",
                "--top",
                "6",
                "--engine",
                "networkx",
            ],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        assert done.returncode == 0, done.stderr
        outputs.add(done.stdout)
    assert len(outputs) == 1


@pytest.mark.parametrize(
    "args",
    [
        ["path", "Pony.ai", "WeRide", "--k", "2"],
        ["path", "Korean firms", "UAE"],
        ["centrality", "--measure", "harmonic", "--top", "5"],
    ],
)
def test_cli_engines_print_the_same(args):
    on_nx = run(*args, "--engine", "networkx").output
    on_ig = run(*args, "--engine", "igraph").output
    assert on_ig.replace("; igraph engine", "") == on_nx
