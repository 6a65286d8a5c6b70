"""Graph engines: the same analyses on networkx (small networks) or igraph (large ones).

An :class:`Engine` answers three questions about the simple graph behind a
projection: centrality scores, the shortest path between two nodes (with
nodes or edges left out, for Yen's k shortest paths) and a partition into
communities. :class:`NetworkxEngine` calls networkx as the analyses always
did; :class:`IgraphEngine` calls igraph's C core on the same graph and
converts its results to networkx's conventions (normalisation, direction of
closeness and harmonic centrality, eigenvector norm), so the two agree:
exact measures within floating-point or convergence tolerance, identical
shortest paths, the same partitions on clear-cut graphs.

``auto`` picks igraph when the simple graph has more than
:data:`AUTO_IGRAPH_ABOVE` nodes. Betweenness and closeness are *estimated*
from :data:`DEFAULT_SAMPLE` sampled source nodes when the graph has more than
:data:`SAMPLE_ABOVE` nodes (``sample=0`` asks for the exact values). Both
engines draw the same sources for the same seed, so their estimates agree too.

Shortest paths are canonical: among the paths of the shortest length the one
whose sequence of node ids is smallest is taken, and further paths (``k``)
come from Yen's algorithm over that choice, ordered by (length, node ids). The
answer therefore depends neither on the engine nor on the order edges were
added in.

Examples
--------
>>> import networkx as nx
>>> G = nx.Graph([("a", "b"), ("b", "c"), ("a", "d"), ("d", "c")])
>>> net = SimpleNetwork.from_networkx(G)
>>> get_engine("networkx").shortest_path(net, "a", "c")
['a', 'b', 'c']
>>> get_engine("igraph").shortest_path(net, "a", "c")
['a', 'b', 'c']
"""

from __future__ import annotations

import heapq
import math
import random
import warnings
from abc import ABC, abstractmethod
from collections.abc import Iterable

import networkx as nx

from ..errors import CnaiKgError, UsageError
from ..network._igraph import igraph as _load_igraph
from ..network._igraph import seeded

__all__ = [
    "AUTO_IGRAPH_ABOVE",
    "DEFAULT_SAMPLE",
    "ENGINES",
    "MEASURES",
    "SAMPLE_ABOVE",
    "SAMPLED_MEASURES",
    "Engine",
    "IgraphEngine",
    "NetworkxEngine",
    "SimpleNetwork",
    "cached",
    "choose_engine",
    "default_sample",
    "get_engine",
    "k_shortest_paths",
    "paths_by_length",
    "shortest_paths",
]

#: Engine names ``--engine`` accepts.
ENGINES = ("auto", "networkx", "igraph")
#: ``auto`` uses igraph when the simple graph has more nodes than this.
AUTO_IGRAPH_ABOVE = 2_000
#: Betweenness and closeness are sampled by default above this many nodes.
SAMPLE_ABOVE = 5_000
#: Sampled source nodes used by default above :data:`SAMPLE_ABOVE`.
DEFAULT_SAMPLE = 500
#: Measures that can be estimated from sampled sources.
#: The centrality measures: name -> (the networkx function, its parameters). The
#: networkx engine calls them; the igraph engine computes the same scores.
MEASURES: dict[str, tuple] = {
    "degree": (nx.degree_centrality, {}),
    "betweenness": (nx.betweenness_centrality, {"normalized": True}),
    "closeness": (nx.closeness_centrality, {}),
    "pagerank": (nx.pagerank, {"alpha": 0.85}),
    "eigenvector": (nx.eigenvector_centrality, {"max_iter": 1000, "tol": 1e-06}),
    "harmonic": (nx.harmonic_centrality, {}),
}
SAMPLED_MEASURES = ("betweenness", "closeness")


class SimpleNetwork:
    """The simple graph an analysis runs on: nodes in order and the edges between them.

    Built from a list of (possibly repeated) edges; parallel edges merge, as in
    ``nx.Graph(G)``. Each engine builds its own copy on first use, once:
    :attr:`graph` (``nx.Graph`` or ``nx.DiGraph``, edges added in the order
    given, so networkx behaves exactly as on ``nx.Graph(G)``) or
    :meth:`igraph` (vertex ``i`` is ``nodes[i]``).
    """

    def __init__(
        self,
        nodes: list[str],
        edges: list[tuple[str, str]] | None,
        *,
        directed: bool,
        graph: nx.Graph | None = None,
    ):
        self.nodes = nodes
        self.index = {n: i for i, n in enumerate(nodes)}
        self.directed = directed
        self._edges = edges
        self._graph = graph
        self._igraph = None

    @classmethod
    def from_networkx(cls, H: nx.Graph) -> SimpleNetwork:
        """Wrap a simple networkx graph (``nx.Graph(G)`` or ``nx.DiGraph(G)``)."""
        return cls(list(H), None, directed=H.is_directed(), graph=H)

    @classmethod
    def from_multigraph(cls, G: nx.Graph, *, directed: bool) -> SimpleNetwork:
        """The simple graph behind a projection: ``nx.DiGraph(G)`` or ``nx.Graph(G)``, unbuilt."""
        return cls(list(G), list(G.edges()), directed=directed)

    def __len__(self) -> int:
        return len(self.nodes)

    @property
    def graph(self) -> nx.Graph:
        """The networkx graph (built on first use)."""
        if self._graph is None:
            H = nx.DiGraph() if self.directed else nx.Graph()
            H.add_nodes_from(self.nodes)
            H.add_edges_from(self._edges)
            self._graph = H
        return self._graph

    @property
    def edges(self) -> int:
        """Number of edges of the simple graph."""
        if self._graph is not None:
            return self._graph.number_of_edges()
        return self.igraph().ecount()

    def degrees(self) -> dict[str, int]:
        """The degree of every node, from whichever copy is built."""
        if self._graph is not None:
            return dict(self._graph.degree())
        return dict(zip(self.nodes, self.igraph().degree(), strict=True))

    def igraph(self):
        """The same graph as an ``igraph.Graph`` (built on first use)."""
        if self._igraph is None:
            igraph = _load_igraph()

            index = self.index
            pairs = self._graph.edges() if self._edges is None else self._edges
            g = igraph.Graph(
                n=len(self.nodes),
                edges=[(index[u], index[v]) for u, v in pairs],
                directed=self.directed,
            )
            g.simplify(multiple=True, loops=False)
            self._igraph = g
        return self._igraph


def cached(G: nx.Graph, key: tuple, build):
    """``build()``, computed once per graph ``G`` and ``key``.

    Kept in ``G.__networkx_cache__``, which networkx empties whenever nodes or edges are
    added or removed, so a changed graph is never answered from a stale copy. As with
    networkx's own cache, changing an edge's attributes in place is not seen: call
    ``G.__networkx_cache__.clear()`` after doing so.
    """
    cache = getattr(G, "__networkx_cache__", None)
    if cache is None:  # a graph class without the cache: nothing to keep
        return build()
    ours = cache.setdefault("cnai_kg", {})
    if key not in ours:
        ours[key] = build()
    return ours[key]


def default_sample(measure: str, nodes: int, sample: int | None) -> int | None:
    """How many sources a measure is estimated from, or None for the exact value.

    ``sample`` None means the default: :data:`DEFAULT_SAMPLE` sources for
    betweenness and closeness on graphs of more than :data:`SAMPLE_ABOVE`
    nodes, exact otherwise. ``sample`` 0 means exact. A sample as large as the
    graph is exact too.

    >>> default_sample("betweenness", 10_000, None), default_sample("degree", 10_000, 50)
    (500, None)
    """
    if measure not in SAMPLED_MEASURES:
        if sample:
            raise UsageError(
                f"--sample applies to {' and '.join(SAMPLED_MEASURES)} only, not {measure}"
            )
        return None
    if sample is None:
        sample = DEFAULT_SAMPLE if nodes > SAMPLE_ABOVE else 0
    if sample < 0:
        raise UsageError(f"--sample must be 0 (exact) or more, not {sample}")
    if sample == 0 or sample >= nodes:
        return None
    return sample


def choose_engine(name: str, nodes: int) -> Engine:
    """The engine ``name`` stands for on a graph of ``nodes`` nodes (``auto``: by size)."""
    if name not in ENGINES:
        raise UsageError(f"unknown engine {name!r}; choose one of: {', '.join(ENGINES)}")
    if name == "auto":
        name = "igraph" if nodes > AUTO_IGRAPH_ABOVE else "networkx"
    return get_engine(name)


def get_engine(name: str) -> Engine:
    """The engine called ``name`` (``networkx`` or ``igraph``)."""
    if name == "networkx":
        return NetworkxEngine()
    if name == "igraph":
        return IgraphEngine()
    raise UsageError(f"unknown engine {name!r}; choose one of: networkx, igraph")


def _sources(net: SimpleNetwork, k: int, seed: int | None) -> list[str]:
    """The sampled source nodes: what networkx's ``betweenness_centrality(k=, seed=)`` draws."""
    return random.Random(seed).sample(net.nodes, k)


def _closeness_estimate(
    nodes: list[str], pivots: list[str], distances: Iterable[dict[str, int]]
) -> dict[str, float]:
    """Closeness from the distances of sampled pivots to every node.

    For a node ``v``: of the pivots other than ``v``, the share that reach it
    estimates the share of all nodes that reach it, and their mean distance
    estimates its mean distance; the product follows networkx's
    Wasserman-Faust closeness, ``(r-1)/(n-1) * (r-1)/sum(d)``. With every node
    a pivot it is exactly that.
    """
    total = dict.fromkeys(nodes, 0)
    reached = dict.fromkeys(nodes, 0)
    for dist in distances:
        for v, d in dist.items():
            if d > 0:
                total[v] += d
                reached[v] += 1
    pivot_set = set(pivots)
    k = len(pivots)
    out = {}
    for v in nodes:
        others = k - 1 if v in pivot_set else k
        out[v] = reached[v] * reached[v] / (others * total[v]) if total[v] and others else 0.0
    return out


class Engine(ABC):
    """What an analysis asks of a graph library."""

    name: str

    @abstractmethod
    def centrality(
        self, net: SimpleNetwork, measure: str, *, sample: int | None = None, seed: int | None = 0
    ) -> tuple[dict[str, float], str]:
        """Scores of ``measure`` for every node (networkx's conventions), and the function used.

        ``sample`` (betweenness, closeness): estimate from that many sampled sources.
        """

    @abstractmethod
    def shortest_path(
        self,
        net: SimpleNetwork,
        source: str,
        target: str,
        *,
        banned_nodes: frozenset[str] = frozenset(),
        banned_edges: frozenset[tuple[str, str]] = frozenset(),
    ) -> list[str] | None:
        """The canonical shortest path (smallest node ids among the shortest), or None.

        ``banned_nodes`` and ``banned_edges`` are left out of the graph.
        """

    @abstractmethod
    def distances(self, net: SimpleNetwork, node: str, *, to: bool = False) -> list[float]:
        """Hops from ``node`` to every node (``to``: from every node to ``node``), by
        :attr:`SimpleNetwork.index`; ``math.inf`` where there is no path."""

    @abstractmethod
    def successors(self, net: SimpleNetwork, i: int) -> list[int]:
        """The nodes an edge leads to from node ``i`` (any edge when undirected), by index."""

    @abstractmethod
    def communities(
        self, net: SimpleNetwork, method: str, *, resolution: float = 1.0, seed: int | None = 0
    ) -> tuple[list[set[str]], str]:
        """A partition of the nodes, and the function used."""

    def modularity(self, net: SimpleNetwork, parts: list[set[str]]) -> float:
        """Newman's modularity of ``parts`` (resolution 1)."""
        if not net.edges:
            return 0.0
        return float(nx.community.modularity(net.graph, parts))


class NetworkxEngine(Engine):
    """networkx: pure Python, every measure exactly as networkx documents it."""

    name = "networkx"

    def centrality(self, net, measure, *, sample=None, seed=0):
        func, params = MEASURES[measure]
        H = net.graph
        name = f"networkx.{func.__name__}"
        if len(net) == 0:
            return {}, name
        if sample and measure == "betweenness":
            return nx.betweenness_centrality(H, k=sample, seed=seed, **params), name
        if sample and measure == "closeness":
            pivots = _sources(net, sample, seed)
            dists = (nx.single_source_shortest_path_length(H, p) for p in pivots)
            return _closeness_estimate(net.nodes, pivots, dists), (
                "networkx.single_source_shortest_path_length"
            )
        try:
            return func(H, **params), name
        except nx.PowerIterationFailedConvergence:
            raise CnaiKgError(
                f"{measure} centrality did not converge in {params.get('max_iter')} iterations"
            ) from None

    def shortest_path(
        self, net, source, target, *, banned_nodes=frozenset(), banned_edges=frozenset()
    ):
        H = net.graph
        if source in banned_nodes or target in banned_nodes:
            return None
        succ = H.succ if net.directed else H.adj
        pred = H.pred if net.directed else H.adj

        def allowed(u, v):
            return v not in banned_nodes and (u, v) not in banned_edges

        # distances to the target, walking edges backwards
        dist = {target: 0}
        frontier = [target]
        while frontier and source not in dist:
            nxt = []
            for v in frontier:
                for u in pred[v]:
                    if u not in dist and allowed(u, v) and u not in banned_nodes:
                        dist[u] = dist[v] + 1
                        nxt.append(u)
            frontier = nxt
        if source not in dist:
            return None
        path = [source]
        while path[-1] != target:
            u = path[-1]
            path.append(min(w for w in succ[u] if dist.get(w) == dist[u] - 1 and allowed(u, w)))
        return path

    def distances(self, net, node, *, to=False):
        H = net.graph
        if to and net.directed:
            H = H.reverse(copy=False)
        found = nx.single_source_shortest_path_length(H, node)
        return [found.get(n, math.inf) for n in net.nodes]

    def successors(self, net, i):
        index = net.index
        return [index[w] for w in net.graph[net.nodes[i]]]

    def communities(self, net, method, *, resolution=1.0, seed=0):
        H = net.graph
        if method == "louvain":
            parts = nx.community.louvain_communities(H, resolution=resolution, seed=seed)
            return parts, "networkx.community.louvain_communities"
        if method == "greedy":
            parts = nx.community.greedy_modularity_communities(H, resolution=resolution)
            return [set(p) for p in parts], "networkx.community.greedy_modularity_communities"
        parts = list(nx.community.label_propagation_communities(H))
        return [set(p) for p in parts], "networkx.community.label_propagation_communities"


class IgraphEngine(Engine):
    """igraph: the same analyses in compiled C, for networks of thousands of nodes and more."""

    name = "igraph"

    def centrality(self, net, measure, *, sample=None, seed=0):
        n = len(net)
        if n == 0:
            return {}, f"igraph.Graph.{measure}"
        g = net.igraph()
        nodes = net.nodes
        mode = "in" if net.directed else "all"
        with warnings.catch_warnings():
            # igraph warns on disconnected graphs (eigenvector) as networkx does not
            warnings.simplefilter("ignore", RuntimeWarning)
            if measure == "degree":
                scale = 1 / (n - 1) if n > 1 else 1.0
                values = [d * scale for d in g.degree()]
                name = "igraph.Graph.degree"
            elif measure == "betweenness":
                values, name = self._betweenness(net, sample, seed), "igraph.Graph.betweenness"
            elif measure == "closeness":
                if sample:
                    pivots = _sources(net, sample, seed)
                    rows = g.distances(source=[net.index[p] for p in pivots], mode="out")
                    dists = (
                        {nodes[i]: d for i, d in enumerate(row) if d != math.inf} for row in rows
                    )
                    return _closeness_estimate(nodes, pivots, dists), "igraph.Graph.distances"
                closeness = g.closeness(mode=mode, normalized=True)
                reach = g.neighborhood_size(order=n, mode=mode)
                values = [
                    0.0 if math.isnan(c) else c * (r - 1) / (n - 1)
                    for c, r in zip(closeness, reach, strict=True)
                ]
                name = "igraph.Graph.closeness"
            elif measure == "pagerank":
                values = g.pagerank(directed=net.directed, damping=0.85)
                name = "igraph.Graph.pagerank"
            elif measure == "eigenvector":
                values = _eigenvector(g, max_iter=1000, tol=1e-06)
                name = "scipy.sparse power iteration (as networkx.eigenvector_centrality)"
            elif measure == "harmonic":
                values = g.harmonic_centrality(mode=mode, normalized=False)
                name = "igraph.Graph.harmonic_centrality"
            else:
                raise UsageError(f"unknown measure {measure!r}")
        return dict(zip(nodes, (float(v) for v in values), strict=True)), name

    def _betweenness(self, net, sample, seed):
        n = len(net)
        if n < 3:
            return [0.0] * n
        g = net.igraph()
        if not sample:
            scale = (1 if net.directed else 2) / ((n - 1) * (n - 2))
            return [b * scale for b in g.betweenness(directed=net.directed)]
        # networkx counts ordered (source, target) pairs from each sampled source
        pivots = _sources(net, sample, seed)
        h = g if net.directed else g.as_directed("mutual")
        raw = h.betweenness(directed=True, sources=[net.index[p] for p in pivots])
        chosen = set(pivots)
        return [
            b / ((sample - 1 if v in chosen else sample) * (n - 2))
            if sample > 1 or v not in chosen
            # one source, and it is v: no pair to count v on (networkx says NaN)
            else math.nan
            for v, b in zip(net.nodes, raw, strict=True)
        ]

    def shortest_path(
        self, net, source, target, *, banned_nodes=frozenset(), banned_edges=frozenset()
    ):
        if source in banned_nodes or target in banned_nodes:
            return None
        g = net.igraph()
        index, nodes = net.index, net.nodes
        if banned_nodes or banned_edges:
            g = g.copy()
            drop = set()
            for a, b in banned_edges:
                eid = g.get_eid(index[a], index[b], directed=net.directed, error=False)
                if eid >= 0:
                    drop.add(eid)
            for v in banned_nodes:
                drop.update(g.incident(index[v], mode="all"))
            g.delete_edges(sorted(drop))
        (dist,) = g.distances(source=[index[target]], mode="in" if net.directed else "all")
        s = index[source]
        if dist[s] == math.inf:
            return None
        path = [s]
        mode = "out" if net.directed else "all"
        while path[-1] != index[target]:
            u = path[-1]
            step = [w for w in g.neighbors(u, mode=mode) if dist[w] == dist[u] - 1]
            path.append(min(step, key=nodes.__getitem__))
        return [nodes[i] for i in path]

    def distances(self, net, node, *, to=False):
        mode = ("in" if to else "out") if net.directed else "all"
        (row,) = net.igraph().distances(source=[net.index[node]], mode=mode)
        return row

    def successors(self, net, i):
        return net.igraph().neighbors(i, mode="out" if net.directed else "all")

    def communities(self, net, method, *, resolution=1.0, seed=0):
        g = net.igraph()
        if net.directed:
            g = g.as_undirected()
        # igraph draws from Python's random module unless told otherwise; from this
        # search's own generator here, and no other thread's meanwhile
        with seeded(random.Random(seed)):
            if method == "louvain":
                clusters = g.community_multilevel(resolution=resolution)
                name = "igraph.Graph.community_multilevel"
            elif method == "greedy":
                if resolution != 1.0:
                    raise UsageError("the igraph engine's greedy method has no --resolution")
                clusters = g.community_fastgreedy().as_clustering()
                name = "igraph.Graph.community_fastgreedy"
            else:
                clusters = g.community_label_propagation()
                name = "igraph.Graph.community_label_propagation"
        parts = [{net.nodes[i] for i in members} for members in clusters if members]
        return parts, name

    def modularity(self, net, parts):
        if not net.edges:
            return 0.0
        g = net.igraph()
        if net.directed:
            g = g.as_undirected()
        membership = [0] * len(net)
        for i, part in enumerate(parts):
            for node in part:
                membership[net.index[node]] = i
        return float(g.modularity(membership))


def _eigenvector(g, *, max_iter: int, tol: float) -> list[float]:
    """networkx's eigenvector centrality iteration on a sparse matrix.

    The same iterates as :func:`networkx.eigenvector_centrality` (multiply by
    ``A + I``, where a node collects from the nodes that point at it, then
    scale to unit length) and the same stopping rule, so the two agree to
    rounding. igraph's own ``eigenvector_centrality`` solves with ARPACK, which
    fails now and then on directed, disconnected graphs like ours.
    """
    import numpy as np
    from scipy import sparse

    n = g.vcount()
    edges = np.array(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    rows, cols = edges[:, 0], edges[:, 1]
    if not g.is_directed():
        both = rows != cols  # each undirected edge both ways, a self-loop once (as networkx)
        rows, cols = np.concatenate([rows, cols[both]]), np.concatenate([cols, rows[both]])
    # x[target] += x[source] for every edge source -> target: x' = x + A^T x
    collect = sparse.csr_matrix((np.ones(len(rows)), (cols, rows)), shape=(n, n))
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        last = x
        x = last + collect @ last
        norm = float(np.hypot.reduce(x)) if n else 0.0
        x = x / (norm or 1.0)
        if float(np.abs(x - last).sum()) < n * tol:
            return x.tolist()
    raise CnaiKgError(f"eigenvector centrality did not converge in {max_iter} iterations")


#: Neighbours looked at by :func:`paths_by_length` before it hands over to Yen's algorithm.
WALK_BUDGET = 200_000


class _OverBudget(Exception):
    pass


def paths_by_length(
    engine: Engine,
    net: SimpleNetwork,
    source: str,
    target: str,
    k: int,
    *,
    budget: int = WALK_BUDGET,
) -> Iterable[list[str]]:
    """Up to ``k`` simple paths, by (length, node ids): what :func:`k_shortest_paths`
    yields, from two searches and bounded walks instead of Yen's spur searches.

    The shortest come from :func:`shortest_paths`. Then, for each longer length ``L``, a
    depth-first walk from ``source`` with each node's next hops taken by id, which steps
    to ``w`` only when ``w`` is not on the path yet and the distance from ``w`` to
    ``target`` still fits in ``L``, lists the simple paths of length ``L`` in order. When
    the walks have looked at ``budget`` neighbours (a dense graph, long detours), the rest
    comes from :func:`k_shortest_paths`, which gives the same paths in the same order.
    """
    shortest = shortest_paths(engine, net, source, target, k)
    yield from shortest
    if len(shortest) >= k or not shortest:
        return
    count = len(shortest)
    before = engine.distances(net, target, to=True)
    s, t = net.index[source], net.index[target]
    nodes = net.nodes
    ahead: dict[int, list[int]] = {}
    left = budget

    def steps(u: int) -> list[int]:
        found = ahead.get(u)
        if found is None:
            found = [w for w in dict.fromkeys(engine.successors(net, u)) if before[w] != math.inf]
            found.sort(key=nodes.__getitem__)
            ahead[u] = found
        return found

    def walk(length: int) -> list[list[str]]:
        nonlocal left
        out: list[list[str]] = []
        path, on = [s], {s}
        todo = [iter(steps(s))]
        while todo:
            for w in todo[-1]:
                left -= 1
                if left < 0:
                    raise _OverBudget
                if w in on or len(path) + before[w] > length:
                    continue
                if w == t:
                    if len(path) == length:
                        out.append([nodes[i] for i in (*path, t)])
                        if count + len(out) >= k:
                            return out
                    continue
                path.append(w)
                on.add(w)
                todo.append(iter(steps(w)))
                break
            else:
                todo.pop()
                on.discard(path.pop())
        return out

    length = len(shortest[0])  # hops of the next length (the shortest have one fewer)
    try:
        while count < k and length < len(nodes):
            for p in walk(length):
                count += 1
                yield p
            length += 1
    except _OverBudget:
        for i, p in enumerate(k_shortest_paths(engine, net, source, target, k)):
            if i >= count:
                yield p


def k_shortest_paths(
    engine: Engine, net: SimpleNetwork, source: str, target: str, k: int
) -> Iterable[list[str]]:
    """Up to ``k`` simple paths, by (length, node ids): Yen's algorithm on ``engine``.

    Each spur path is the engine's canonical shortest path, so every engine
    yields the same paths.
    """
    first = engine.shortest_path(net, source, target)
    if first is None:
        return
    found = [first]
    yield first
    seen = {tuple(first)}
    candidates: list[tuple[int, tuple[str, ...]]] = []
    while len(found) < k:
        last = found[-1]
        for i in range(len(last) - 1):
            root = last[: i + 1]
            banned_edges = set()
            for p in found:
                if p[: i + 1] == root and len(p) > i + 1:
                    banned_edges.add((p[i], p[i + 1]))
                    if not net.directed:
                        banned_edges.add((p[i + 1], p[i]))
            spur = engine.shortest_path(
                net,
                last[i],
                target,
                banned_nodes=frozenset(root[:-1]),
                banned_edges=frozenset(banned_edges),
            )
            if spur is None:
                continue
            path = tuple(root[:-1] + spur)
            if path not in seen:
                seen.add(path)
                heapq.heappush(candidates, (len(path), path))
        if not candidates:
            return
        _, best = heapq.heappop(candidates)
        found.append(list(best))
        yield list(best)


def shortest_paths(
    engine: Engine, net: SimpleNetwork, source: str, target: str, limit: int
) -> list[list[str]]:
    """The shortest paths from ``source`` to ``target`` in canonical order (by their node
    ids), at most ``limit``: the first is :meth:`Engine.shortest_path`'s.

    Two searches (the distances from ``source`` and those to ``target``) mark the
    shortest-path DAG, the edges ``u -> w`` with ``d(source, w) = d(source, u) + 1`` and
    ``d(w, target) = d(u, target) - 1``; a depth-first walk of it, each node's next hops
    taken by id, then gives the paths in order, and every step it takes leads to
    ``target``. The same paths, in the same order, as the shortest ones
    :func:`k_shortest_paths` yields first, at the cost of two searches instead of Yen's
    spur searches on copies of the graph.
    """
    after = engine.distances(net, source)
    before = engine.distances(net, target, to=True)
    s, t = net.index[source], net.index[target]
    if after[t] == math.inf or limit < 1:
        return []
    nodes = net.nodes

    def steps(u: int) -> list[int]:
        ahead = [
            w
            for w in engine.successors(net, u)
            if after[w] == after[u] + 1 and before[w] == before[u] - 1
        ]
        ahead = list(dict.fromkeys(ahead))  # once each (an undirected pair may repeat)
        ahead.sort(key=nodes.__getitem__, reverse=True)  # popped smallest id first
        return ahead

    found: list[list[str]] = []
    path = [s]
    todo = [steps(s)]
    while todo:
        if path[-1] == t:
            found.append([nodes[i] for i in path])
            if len(found) >= limit:
                break
            path.pop()
            todo.pop()
            continue
        if not todo[-1]:
            path.pop()
            todo.pop()
            continue
        w = todo[-1].pop()
        path.append(w)
        todo.append(steps(w) if w != t else [])
    return found
