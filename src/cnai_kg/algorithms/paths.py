"""Shortest paths between two entities as evidence chains.

A path is found on the simple graph behind the projection (direction ignored
unless asked for); each hop then carries the fact that links its two
entities: the relation, which way it runs, the verbatim quote and the
document it comes from (or why it is definitional). When several facts link
the same two entities the best-sourced one is shown (a quoted statement before
a definitional one, a direct relation before an n-ary fact) and the others are
counted in ``Hop.alternatives``.

Examples
--------
>>> import cnai_kg
>>> path, = evidence_paths(cnai_kg.load(), "Pony.ai", "Uber")
>>> hop, = path.hops
>>> hop.relation, "우버" in hop.quote
('cnai:Partnership', True)
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass

import networkx as nx

from ..errors import NoPath, UsageError
from ..kg import KnowledgeGraph
from ..network import SYMMETRIC_RELATIONS, analysis_network, find_node, resolve_relations
from ..words import plural, words
from .engine import SimpleNetwork, cached, choose_engine, paths_by_length, shortest_paths

__all__ = ["EvidencePath", "Hop", "evidence_paths", "format_path", "hop_between", "walkable"]


@dataclass(frozen=True)
class Hop:
    """One step of a path: two entities and the fact that links them.

    ``forward`` is True when the relation runs from ``source`` to ``target``
    (``source —relation→ target``), False when it runs back;
    ``symmetric`` when it runs both ways (a partnership).
    """

    source: str
    source_label: str
    target: str
    target_label: str
    relation: str
    relation_label: str
    forward: bool
    symmetric: bool
    fact: str
    fact_id: str
    fact_kind: str
    fact_label: str
    evidence: str
    quote: str
    document: str
    report: str
    why: str
    caveat: str
    roles: str
    status: str
    target_market: str
    alternatives: int
    fact_status: str = ""  # reported, active or proposed (cnai_kg.network.STATUSES)
    source_group: bool = False  # the entity is a collectively named group (cnai:ActorGroup)
    target_group: bool = False

    @property
    def arrow(self) -> str:
        """``—rel→``, ``←rel—`` or ``—rel—`` (symmetric)."""
        if self.symmetric:
            return f"—{self.relation_label}—"
        return f"—{self.relation_label}→" if self.forward else f"←{self.relation_label}—"


@dataclass(frozen=True)
class EvidencePath:
    """A path from the first node to the last, with one :class:`Hop` per edge."""

    nodes: tuple[str, ...]
    labels: tuple[str, ...]
    hops: tuple[Hop, ...]

    @property
    def length(self) -> int:
        return len(self.hops)

    def __str__(self) -> str:
        return format_path(self)

    def to_dict(self) -> dict:
        return {
            "length": self.length,
            "nodes": [
                {"id": n, "label": lab} for n, lab in zip(self.nodes, self.labels, strict=True)
            ],
            "hops": [{**asdict(h), "arrow": h.arrow} for h in self.hops],
        }


def walkable(
    G: nx.Graph, *, via: set[str] | None = None, avoid: Iterable[str] = (), directed: bool = False
) -> nx.Graph:
    """The simple graph paths are searched on: one edge per linked pair.

    Only edges whose relation is in ``via`` (all when None) count; nodes in
    ``avoid`` are left out. Undirected unless ``directed`` (then edges keep
    the direction of their relation).
    """
    return _walkable_network(G, via=via, avoid=avoid, directed=directed).graph


def _walkable_network(
    G: nx.Graph, *, via: set[str] | None = None, avoid: Iterable[str] = (), directed: bool = False
) -> SimpleNetwork:
    """:func:`walkable` as a :class:`SimpleNetwork`, not yet built for any engine."""
    if directed and not G.is_directed():
        raise UsageError("the network is undirected; project it with directed=True")
    avoid = set(avoid)
    nodes = [n for n in G if n not in avoid]
    if via is None:
        edges = [(u, v) for u, v in G.edges() if u != v and u not in avoid and v not in avoid]
    else:
        edges = [
            (u, v)
            for u, v, rel in G.edges(data="relation")
            if rel in via and u != v and u not in avoid and v not in avoid
        ]
    return SimpleNetwork(nodes, edges, directed=directed)


#: Which fact a hop shows when several link the same pair: direct statements
#: first, then partnerships (they carry roles), then the other n-ary facts.
_KIND_ORDER = {
    "cnai:Statement": 0,
    "cnai:Partnership": 1,
    "cnai:Opportunity": 2,
    "cnai:Risk": 3,
    "cnai:Mitigation": 3,
    "cnai:Claim": 5,
}


def _rank(hop_forward: bool, d: dict) -> tuple:
    return (
        {"quote": 0, "definitional": 1}.get(d.get("evidence"), 2),
        _KIND_ORDER.get(d.get("fact_kind"), 4),
        not hop_forward,
        d.get("relation", ""),
        d.get("fact", ""),
    )


def hop_between(
    G: nx.Graph, u: str, v: str, *, via: set[str] | None = None, directed: bool = False
) -> Hop:
    """The best-sourced fact linking ``u`` to ``v`` in ``G``, as a :class:`Hop`."""
    candidates: list[tuple[bool, dict, str]] = []
    if G.is_directed():
        pairs = [(u, v, True)] + ([] if directed else [(v, u, False)])
        for a, b, fwd in pairs:
            for key, d in G[a][b].items() if G.has_edge(a, b) else ():
                candidates.append((fwd, d, key))
    else:
        for key, d in G[u][v].items() if G.has_edge(u, v) else ():
            candidates.append((d.get("subject") == u, d, key))
    candidates = [c for c in candidates if via is None or c[1]["relation"] in via]
    if not candidates:
        raise NoPath(f"no edge between {u} and {v}")
    forward, best, key = min(candidates, key=lambda c: _rank(c[0], c[1]))
    facts = {(d.get("fact") or d.get("relation"), d.get("relation")) for _, d, _ in candidates}
    symmetric = best.get("relation") in SYMMETRIC_RELATIONS
    return Hop(
        source=u,
        source_label=G.nodes[u].get("label", u),
        target=v,
        target_label=G.nodes[v].get("label", v),
        relation=best["relation"],
        relation_label=best.get("relation_label", best["relation"]),
        forward=forward,
        symmetric=symmetric,
        fact_id=str(key).split("|")[0] if best.get("fact") else "",
        **{
            k: best.get(k, "")
            for k in (
                "fact",
                "fact_kind",
                "fact_label",
                "evidence",
                "quote",
                "document",
                "report",
                "why",
                "caveat",
                "roles",
                "status",
                "target_market",
            )
        },
        alternatives=len(facts) - 1,
        fact_status=best.get("fact_status", ""),
        source_group=G.nodes[u].get("group") == "true",
        target_group=G.nodes[v].get("group") == "true",
    )


def path_of(
    G: nx.Graph, nodes: list[str], *, via: set[str] | None = None, directed: bool = False
) -> EvidencePath:
    """An :class:`EvidencePath` along ``nodes``."""
    hops = tuple(
        hop_between(G, a, b, via=via, directed=directed) for a, b in itertools.pairwise(nodes)
    )
    return EvidencePath(
        nodes=tuple(nodes), labels=tuple(G.nodes[n].get("label", n) for n in nodes), hops=hops
    )


#: How many equally short paths beyond ``k`` compete for the last places (by evidence).
_TIES = 8


def evidence_paths(
    graph,
    source: str,
    target: str,
    *,
    k: int = 1,
    max_hops: int | None = None,
    via: Iterable[str] | None = None,
    avoid: Iterable[str] = (),
    directed: bool = False,
    lang: str | None = None,
    engine: str = "auto",
    **projection,
) -> list[EvidencePath]:
    """The ``k`` shortest simple paths from ``source`` to ``target``, as evidence chains.

    Among paths of equal length the one whose node ids (CURIEs) come first in
    order is taken, so the answer is the same on every engine; further paths
    follow Yen's algorithm (see :func:`~cnai_kg.algorithms.engine.k_shortest_paths`).

    Parameters
    ----------
    graph : a KnowledgeGraph (names are then any label or alias in any
        language, CURIE or IRI) or a network from :func:`~cnai_kg.network.to_networkx`
        (names are node ids or labels)
    source, target : the two entities
    k : how many paths, shortest first
    max_hops : longest path accepted
    via : relations a path may use (CURIE, local name or label, e.g.
        ``["Partnership", "inGroup"]``); all when None
    avoid : entities a path must not pass through
    directed : follow relations only in their direction
    lang, projection : passed to :func:`~cnai_kg.network.to_networkx` for a KnowledgeGraph
    engine : ``auto`` (igraph above
        :data:`~cnai_kg.algorithms.engine.AUTO_IGRAPH_ABOVE` nodes), ``networkx``
        or ``igraph``; every engine finds the same paths

    Raises
    ------
    NoPath
        when no path satisfies the restrictions
    EntityNotFound, UsageError
        for unknown names, relations, or entities that are not in the network

    Examples
    --------
    >>> import cnai_kg
    >>> kg = cnai_kg.load()
    >>> [p.labels for p in evidence_paths(kg, "小马智行", "위라이드", via=["partnership"])]
    [('Pony.ai', 'Uber', 'WeRide')]
    """
    if k < 1:
        raise UsageError(f"--k must be at least 1, not {k}")
    if max_hops is not None and max_hops < 1:
        raise UsageError(f"--max-hops must be at least 1, not {max_hops}")
    kg = graph if isinstance(graph, KnowledgeGraph) else None
    G = analysis_network(graph, lang=lang, **projection)
    s = find_node(G, source, kg)
    t = find_node(G, target, kg)
    if s == t:
        raise UsageError(f"{G.nodes[s]['label']} is both ends of the path")
    via_set = resolve_relations(G, via, kg) if via else None
    avoided = {find_node(G, a, kg) for a in avoid}
    if avoided & {s, t}:
        raise UsageError("cannot avoid an end of the path")
    # built once per projection and options (igraph's copy too): later paths on the same
    # graph only search
    net = cached(
        G,
        (
            "walkable",
            frozenset(via_set or ()) if via_set is not None else None,
            frozenset(avoided),
            directed,
        ),
        lambda: _walkable_network(G, via=via_set, avoid=avoided, directed=directed),
    )
    runner = choose_engine(engine, len(net))
    # the shortest paths in canonical order from two searches; longer ones only when more
    # paths are asked for than there are shortest ones, from bounded walks (Yen's order)
    found = shortest_paths(runner, net, s, t, k + _TIES)
    if len(found) < k:
        found = paths_by_length(runner, net, s, t, k + _TIES)
    paths: list[EvidencePath] = []
    for nodes in found:
        if max_hops is not None and len(nodes) - 1 > max_hops:
            break
        # past k, only paths as short as the k-th compete for its place (bounded)
        if len(paths) >= k and len(nodes) - 1 > paths[-1].length:
            break
        paths.append(path_of(G, nodes, via=via_set, directed=directed))
    # equally short paths: those resting on more quoted facts (fewer definitional or
    # unsourced hops) first; the sort is stable, so the engine's order breaks the other ties
    paths.sort(key=lambda p: (p.length, sum(h.evidence != "quote" for h in p.hops)))
    paths = paths[:k]
    if not paths:
        raise _no_path(G, s, t, max_hops=max_hops, via=via_set, avoid=avoided, directed=directed)
    return paths


def format_path(path: EvidencePath, *, title: str | None = None, lang: str | None = None) -> str:
    """An evidence chain as text: one numbered hop per edge with its fact, quote and source.

    ``lang`` chooses the words around the data (``fact:``, ``source:``; see
    :mod:`cnai_kg.words`); the labels are those the path was found with.

    Examples
    --------
    >>> import cnai_kg
    >>> (path,) = evidence_paths(cnai_kg.load(), "Pony.ai", "Uber")
    >>> print(format_path(path).splitlines()[1])
      1. Pony.ai —Partnership— Uber
    """
    w = words(lang)
    hops = plural(w, "n_hops", path.length)
    names = list(path.labels)
    for i, hop in enumerate(path.hops):  # collectively named groups are marked
        names[i] = _named(hop.source_label, hop.source_group, w)
        names[i + 1] = _named(hop.target_label, hop.target_group, w)
    lines = [f"{title or w['path']} ({hops}): {' → '.join(names)}"]
    for i, hop in enumerate(path.hops, 1):
        lines.append(
            f"  {i}. {_named(hop.source_label, hop.source_group, w)} {hop.arrow} "
            f"{_named(hop.target_label, hop.target_group, w)}"
        )
        pad = " " * (len(str(i)) + 4)
        proposed = w["proposed"] if hop.fact_status == "proposed" and not hop.status else ""
        if hop.fact_label:
            extra = ", ".join(x for x in (hop.fact_id, hop.status, proposed) if x)
            lines.append(f"{pad}{w['fact']}: {hop.fact_label} [{extra}]")
        elif hop.fact_id:
            lines.append(f"{pad}{w['fact']}: {hop.fact_id}")
        if hop.roles:
            lines.append(f"{pad}{w['roles']}: {hop.roles}")
        if hop.evidence == "quote":
            lead = f"{w['quote']}: "
            for j, quote in enumerate(hop.quote.split("\n")):
                lines.append(f"{pad}{lead if j == 0 else ' ' * _width(lead)}“{quote}”")
            lines.append(
                f"{pad}{w['source']}: {hop.document}" + (f" ← {hop.report}" if hop.report else "")
            )
        elif hop.evidence == "definitional":
            lines.append(f"{pad}{w['definitional']}: {hop.why or w['background']}")
        else:
            lines.append(f"{pad}{w['no_evidence']}")
        if hop.caveat:
            lines.append(f"{pad}{w['caveat']}: {hop.caveat}")
        if hop.alternatives:
            lines.append(f"{pad}{plural(w, 'alternatives', hop.alternatives)}")
    return "\n".join(lines)


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal (Hangul and Hanzi count double)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _named(label: str, group: bool, w: dict[str, str] | None = None) -> str:
    """A label, marked when it names a group of actors rather than one actor."""
    return f"{label} {(w or words(None))['group_mark']}" if group else label


def _no_path(G, s, t, *, max_hops, via, avoid, directed) -> NoPath:
    """The error for no path from ``s`` to ``t``, its restrictions kept for translation."""

    def label(n):
        return G.nodes[n].get("label", n)

    limits: list[tuple[str, object]] = []
    if max_hops is not None:
        limits.append(("within", max_hops))
    if via:
        limits.append(("via", ", ".join(sorted(r.split(":", 1)[-1] for r in via))))
    if avoid:
        limits.append(("avoiding", ", ".join(sorted(label(a) for a in avoid))))
    if directed:
        limits.append(("directed", None))
    said = {
        "within": lambda n: f"within {n} hop{'s' if n != 1 else ''}",
        "via": lambda v: f"via {v}",
        "avoiding": lambda v: f"avoiding {v}",
        "directed": lambda _: "following relation direction",
    }
    tail = "; ".join(said[k](v) for k, v in limits)
    return NoPath(
        f"no path from {label(s)} to {label(t)}" + (f" ({tail})" if tail else ""),
        ends=(label(s), label(t)),
        limits=limits,
    )
