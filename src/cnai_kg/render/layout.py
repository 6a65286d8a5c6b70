"""Node sizes and positions: measures and a community layout in igraph."""

from __future__ import annotations

import math
import random
from collections import defaultdict

import networkx as nx

from ..network._igraph import igraph as _load_igraph
from ..network._igraph import seeded
from .options import BETWEENNESS_SAMPLE, FR_ITERATIONS

# --------------------------------------------------------------------------- measures, layout


def _measure(G: nx.Graph, size_by: str, threshold: int) -> dict[str, float]:
    """Node sizes: the degree (distinct neighbours), PageRank or betweenness."""
    if size_by == "degree":
        if G.is_directed():
            return {n: float(len((G.succ[n].keys() | G.pred[n].keys()) - {n})) for n in G}
        return {n: float(len(G.adj[n].keys() - {n})) for n in G}
    simple = nx.Graph()  # the links alone: copying every edge's attributes costs seconds
    simple.add_nodes_from(G)
    simple.add_edges_from((u, v) for u, v in G.edges() if u != v)
    if simple.number_of_edges() == 0:
        return dict.fromkeys(simple, 0.0)
    if size_by == "pagerank":
        return nx.pagerank(simple)
    k = (
        BETWEENNESS_SAMPLE
        if simple.number_of_nodes() > max(threshold, BETWEENNESS_SAMPLE)
        else None
    )
    return nx.betweenness_centrality(simple, k=k, seed=0)


def community_layout(
    G: nx.Graph, *, seed: int = 7, max_community: int = 400, spacing: float = 80.0
) -> dict:
    """Positions (in pixels) for a large graph, in close to linear time, in igraph's C code.

    Up to ``max_community`` nodes the graph gets one Fruchterman-Reingold layout
    (:meth:`igraph.Graph.layout_fruchterman_reingold`); beyond, it is cut into
    communities by Louvain (:meth:`igraph.Graph.community_multilevel`; a
    community still larger than ``max_community`` is cut again), each community gets its own
    layout in a disc that grows with its size, and the discs are placed by a
    layout of the graph of communities, whose edges are weighted by the links
    between them. igraph draws from a ``random.Random(seed)`` meanwhile, so the
    positions depend only on the graph and ``seed``.

    Examples
    --------
    >>> pos = community_layout(nx.path_graph(5))
    >>> sorted(pos) == list(range(5))
    True
    """
    igraph = _load_igraph()

    nodes = sorted(G, key=str)
    if not nodes:
        return {}
    index = {n: i for i, n in enumerate(nodes)}
    g = igraph.Graph(n=len(nodes), edges=[(index[u], index[v]) for u, v in G.edges() if u != v])
    g.simplify()
    rng = random.Random(seed)
    # igraph draws from Python's random module unless told otherwise; from this layout's
    # own generator here, and no other thread's meanwhile
    with seeded(rng):
        if len(nodes) <= max_community:
            pending = [list(range(len(nodes)))]
        else:
            pending = _members(g.community_multilevel().membership)
        communities: list[list[int]] = []
        while pending:
            comm = pending.pop()
            if len(comm) > max_community:
                parts = _members(g.induced_subgraph(comm).community_multilevel().membership)
                if len(parts) > 1:
                    pending.extend([comm[i] for i in p] for p in parts)
                    continue
            communities.append(sorted(comm))  # induced_subgraph keeps vertex order
        communities.sort(key=lambda c: (-len(c), min(str(nodes[i]) for i in c)))
        where = [0] * len(nodes)
        for i, comm in enumerate(communities):
            for v in comm:
                where[v] = i
        links = {
            (min(where[a], where[b]), max(where[a], where[b]))
            for a, b in g.get_edgelist()
            if where[a] != where[b]
        }
        radii = [max(2.0, math.sqrt(len(c))) * spacing for c in communities]
        spread = 3 * sum(radii) / math.sqrt(len(communities))
        centers = _place_communities(len(communities), sorted(links), radii, rng)
        positions = {}
        for i, comm in enumerate(communities):
            cx, cy = centers[i][0] * spread, centers[i][1] * spread
            if len(comm) == 1:
                positions[nodes[comm[0]]] = (cx, cy)
                continue
            local = _fr_unit(g.induced_subgraph(comm) if len(comm) < len(nodes) else g, rng)
            for v, (x, y) in zip(comm, local, strict=True):
                positions[nodes[v]] = (cx + x * radii[i], cy + y * radii[i])
    return {n: (round(float(x)), round(float(y))) for n, (x, y) in positions.items()}


def _members(membership: list[int]) -> list[list[int]]:
    """The vertices of each community, from igraph's membership vector (iterating
    igraph's clustering rescans every vertex for each community)."""
    out: dict[int, list[int]] = defaultdict(list)
    for v, c in enumerate(membership):
        out[c].append(v)
    return [out[c] for c in sorted(out)]


def _place_communities(
    count: int, links: list[tuple[int, int]], radii: list[float], rng: random.Random
) -> list[tuple[float, float]]:
    """Centres of the communities, within the unit disc: those linked to others laid
    out together in the middle (an area in proportion to theirs), the rest (often
    single nodes) on a sunflower spiral around them, the largest nearest."""
    igraph = _load_igraph()

    if count == 1:
        return [(0.0, 0.0)]
    linked = sorted({i for pair in links for i in pair})
    alone = [i for i in range(count) if i not in set(linked)]
    centers: list[tuple[float, float]] = [(0.0, 0.0)] * count
    core = 0.0
    if linked:
        if alone:
            area = sum(radii[i] ** 2 for i in linked) / sum(r**2 for r in radii)
            core = max(0.3, math.sqrt(area))
        else:
            core = 1.0
        at = {c: i for i, c in enumerate(linked)}
        graph = igraph.Graph(n=len(linked), edges=[(at[a], at[b]) for a, b in links])
        for c, (x, y) in zip(linked, _fr_unit(graph, rng), strict=True):
            centers[c] = (x * core, y * core)
    golden = math.pi * (3 - math.sqrt(5))
    for j, c in enumerate(alone):  # equal area each, outward from the core
        r = math.sqrt(core**2 + (1 - core**2) * (j + 0.5) / len(alone))
        centers[c] = (r * math.cos(j * golden), r * math.sin(j * golden))
    return centers


def _fr_unit(g, rng: random.Random) -> list[tuple[float, float]]:
    """A Fruchterman-Reingold layout of ``g`` from seeded start positions,
    centred on 0 and scaled so the largest coordinate is 1 (as networkx's)."""
    half = math.sqrt(g.vcount()) / 2  # the spread of igraph's own random start
    start = [[rng.uniform(-half, half), rng.uniform(-half, half)] for _ in range(g.vcount())]
    # the grid variant (repulsion from nearby nodes only) is close to linear but
    # packs dense groups onto each other: only for what would take seconds without
    coords = g.layout_fruchterman_reingold(
        seed=start, grid=g.vcount() > 1000, niter=FR_ITERATIONS
    ).coords
    mx = sum(x for x, _ in coords) / len(coords)
    my = sum(y for _, y in coords) / len(coords)
    scale = max(max(abs(x - mx), abs(y - my)) for x, y in coords) or 1.0
    return [((x - mx) / scale, (y - my) / scale) for x, y in coords]
