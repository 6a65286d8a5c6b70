"""The neighbourhood of an entity: everything within N hops, with how it is reached.

Examples
--------
>>> import cnai_kg
>>> [n.label for n in neighbors(cnai_kg.load(), "Uber", via=["Partnership"])]
['Pony.ai', 'WeRide']
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from ..errors import UsageError
from ..kg import KnowledgeGraph
from ..network import analysis_network, find_node, nodes_of_classes, resolve_relations
from .paths import EvidencePath, path_of, walkable

__all__ = ["Neighbor", "neighbors"]


@dataclass(frozen=True)
class Neighbor:
    """An entity ``distance`` hops away, and one shortest path that reaches it."""

    node: str
    label: str
    cls: str
    class_label: str
    distance: int
    path: EvidencePath
    group: bool = False  # a collectively named group (cnai:ActorGroup), not one actor

    def to_dict(self) -> dict:
        return {
            "node": self.node,
            "label": self.label,
            "class": self.cls,
            "class_label": self.class_label,
            "group": self.group,
            "distance": self.distance,
            "path": self.path.to_dict(),
        }


def neighbors(
    graph,
    entity: str,
    *,
    hops: int = 1,
    via: Iterable[str] | None = None,
    classes: Iterable[str] | None = None,
    directed: bool = False,
    lang: str | None = None,
    **projection,
) -> list[Neighbor]:
    """Entities within ``hops`` of ``entity``, nearest first, then by label.

    Parameters
    ----------
    graph : a KnowledgeGraph or a network from :func:`~cnai_kg.network.to_networkx`
    entity : any label or alias in any language, CURIE or IRI (node id or label
        for a bare network)
    hops : how far to go (1 = direct neighbours)
    via : relations that may be followed (all when None)
    classes : list only neighbours of these classes (the walk goes through any)
    directed : follow relations only in their direction (outgoing)
    lang, projection : passed to :func:`~cnai_kg.network.to_networkx` for a KnowledgeGraph
    """
    if hops < 1:
        raise UsageError(f"--hops must be at least 1, not {hops}")
    kg = graph if isinstance(graph, KnowledgeGraph) else None
    G = analysis_network(graph, lang=lang, **projection)
    centre = find_node(G, entity, kg)
    via_set = resolve_relations(G, via, kg) if via else None
    H = walkable(G, via=via_set, directed=directed)
    found = nx.single_source_shortest_path(H, centre, cutoff=hops)
    keep = nodes_of_classes(G, classes, kg) if classes else None
    out = []
    for node, nodes in found.items():
        if node == centre or (keep is not None and node not in keep):
            continue
        d = G.nodes[node]
        out.append(
            Neighbor(
                node=node,
                label=d.get("label", node),
                cls=d.get("class", ""),
                class_label=d.get("class_label", ""),
                distance=len(nodes) - 1,
                path=path_of(G, nodes, via=via_set, directed=directed),
                group=d.get("group") == "true",
            )
        )
    return sorted(out, key=lambda n: (n.distance, n.label.casefold(), n.node))
