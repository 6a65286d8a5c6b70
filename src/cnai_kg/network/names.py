"""Finding nodes of a projection: by name, by class; a graph or its projection."""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from ..errors import EntityNotFound, UsageError
from ..kg import LANGS, KnowledgeGraph
from ..resolve import normalize
from .projection import to_networkx
from .vocabulary import resolve_classes

# --------------------------------------------------------------------------- helpers for callers


def as_network(graph, **projection) -> nx.MultiDiGraph | nx.MultiGraph:
    """``graph`` itself when it is a networkx graph, else its projection.

    Algorithms accept either a :class:`~cnai_kg.kg.KnowledgeGraph` (projected
    with ``projection``) or a graph from :func:`to_networkx`.
    """
    if isinstance(graph, nx.Graph):
        return graph
    if isinstance(graph, KnowledgeGraph):
        return to_networkx(graph, **{k: v for k, v in projection.items() if v is not None})
    raise UsageError(f"expected a KnowledgeGraph or a networkx graph, not {type(graph).__name__}")


def find_node(G: nx.Graph, name: str, kg: KnowledgeGraph | None = None) -> str:
    """The node of ``G`` that ``name`` stands for.

    With ``kg``, any label or alias in any language, CURIE or IRI (through
    :meth:`KnowledgeGraph.resolve`); without, a node id, an IRI or one of the
    node's labels.

    Raises
    ------
    EntityNotFound
        when nothing matches
    UsageError
        when the entity exists but is not a node of this projection
    """
    if kg is not None:
        iri = kg.resolve(name)
        node = kg.curie(iri)
        if node not in G:
            classes = ", ".join(kg.curie(t) for t in kg.types(iri)) or "untyped"
            raise UsageError(
                f"{kg.label(iri, G.graph.get('lang'))} ({classes}) is not a node of the network"
            )
        return node
    if name in G:
        return name
    key = normalize(str(name))
    hits = sorted(
        {
            n
            for n, d in G.nodes(data=True)
            if key in {normalize(d.get(a, "")) for a in ("iri", *(f"label_{c}" for c in LANGS))}
        }
    )
    if len(hits) == 1:
        return hits[0]
    if len(hits) > 1:
        from ..errors import AmbiguousEntity

        raise AmbiguousEntity(name, hits)
    raise EntityNotFound(name)


def nodes_of_classes(
    G: nx.Graph, classes: Iterable[str], kg: KnowledgeGraph | None = None
) -> set[str]:
    """Nodes of ``G`` that belong to any of ``classes`` (or a subclass).

    With ``kg`` a class is any CURIE, local name or label in any language (see
    :func:`resolve_classes`); without, a CURIE, a local name or the
    ``class_label`` of some node.
    """
    if kg is not None:
        wanted = {kg.curie(c) for c in resolve_classes(kg, classes)}
    else:
        index: dict[str, str] = {}
        for _, d in G.nodes(data=True):
            for curie in d.get("types", "").split():
                index.setdefault(normalize(curie), curie)
                index.setdefault(normalize(curie.split(":", 1)[-1]), curie)
            if d.get("class_label"):
                index.setdefault(normalize(d["class_label"]), d["class"])
        wanted = set()
        for name in classes:
            key = normalize(str(name))
            if key not in index:
                choices = sorted({c.split(":", 1)[-1] for c in index.values()})
                raise UsageError(f"unknown class {name!r}; choose from: {', '.join(choices)}")
            wanted.add(index[key])
    return {n for n, types in G.nodes(data="types") if wanted & set((types or "").split())}
