"""Communities of the entity network: Louvain, greedy modularity or label propagation.

All methods run on the undirected simple graph ``nx.Graph(G)``, in networkx or
(``engine="igraph"``, or ``auto`` on large networks) in igraph: Louvain is
``community_multilevel``, greedy ``community_fastgreedy`` (resolution 1 only),
label propagation ``community_label_propagation``. Both find the same
communities where the structure is clear-cut; on fuzzy structure the two
libraries' heuristics may split differently.

Examples
--------
>>> import cnai_kg
>>> found = communities(cnai_kg.load(), seed=0)
>>> any({"Pony.ai", "Uber", "WeRide"} <= {m.label for m in c.members} for c in found.communities)
True
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ..errors import UsageError
from ..network import analysis_network
from .engine import SimpleNetwork, cached, choose_engine

__all__ = ["METHODS", "Communities", "Community", "Member", "communities"]

#: Community-detection methods.
METHODS = ("louvain", "greedy", "label-propagation")


@dataclass(frozen=True)
class Member:
    """An entity in a community, with its degree in the simple graph."""

    node: str
    label: str
    cls: str
    class_label: str
    degree: int
    group: bool = False  # a collectively named group (cnai:ActorGroup), not one actor


@dataclass(frozen=True)
class Community:
    """One community: members by degree (highest first), then label."""

    index: int
    members: tuple[Member, ...]

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def labels(self) -> list[str]:
        return [m.label for m in self.members]


@dataclass
class Communities:
    """A partition of the network, largest community first."""

    method: str
    parameters: dict
    modularity: float
    communities: list[Community] = field(default_factory=list)
    nodes: int = 0
    edges: int = 0
    engine: str = "networkx"

    def to_dict(self) -> dict:
        return {
            "method": self.method,
            "engine": self.engine,
            "parameters": self.parameters,
            "modularity": self.modularity,
            "nodes": self.nodes,
            "edges": self.edges,
            "communities": [
                {"index": c.index, "size": c.size, "members": [asdict(m) for m in c.members]}
                for c in self.communities
            ],
        }


def communities(
    graph,
    *,
    method: str = "louvain",
    resolution: float = 1.0,
    seed: int | None = 0,
    lang: str | None = None,
    engine: str = "auto",
    **projection,
) -> Communities:
    """Partition the entities into communities.

    Parameters
    ----------
    graph : a KnowledgeGraph or a network from :func:`~cnai_kg.network.to_networkx`
    method : ``louvain`` (:func:`networkx.community.louvain_communities`),
        ``greedy`` (:func:`~networkx.community.greedy_modularity_communities`) or
        ``label-propagation`` (:func:`~networkx.community.label_propagation_communities`)
    resolution : above 1 favours smaller communities (louvain, greedy)
    seed : random seed for louvain, so runs repeat
    engine : ``auto`` (igraph above
        :data:`~cnai_kg.algorithms.engine.AUTO_IGRAPH_ABOVE` nodes), ``networkx``
        or ``igraph``
    lang, projection : passed to :func:`~cnai_kg.network.to_networkx` for a KnowledgeGraph
    """
    if method not in METHODS:
        raise UsageError(f"unknown method {method!r}; choose one of: {', '.join(METHODS)}")
    G = analysis_network(graph, lang=lang, **projection)
    net = cached(G, ("simple", False), lambda: SimpleNetwork.from_multigraph(G, directed=False))
    runner = choose_engine(engine, len(net))
    parts, _ = runner.communities(net, method, resolution=resolution, seed=seed)
    if method == "louvain":
        params = {"resolution": resolution, "seed": seed}
    elif method == "greedy":
        params = {"resolution": resolution}
    else:
        params = {}
    modularity = runner.modularity(net, parts)

    def member(n):
        d = G.nodes[n]
        return Member(
            node=n,
            label=d.get("label", n),
            cls=d.get("class", ""),
            class_label=d.get("class_label", ""),
            degree=degree[n],
            group=d.get("group") == "true",
        )

    degree = net.degrees()
    groups = [
        sorted((member(n) for n in part), key=lambda m: (-m.degree, m.label.casefold(), m.node))
        for part in parts
    ]
    groups.sort(key=lambda ms: (-len(ms), ms[0].label.casefold()))
    return Communities(
        method=method,
        parameters=params,
        modularity=float(modularity),
        communities=[Community(index=i + 1, members=tuple(ms)) for i, ms in enumerate(groups)],
        nodes=len(net),
        edges=net.edges,
        engine=runner.name,
    )
