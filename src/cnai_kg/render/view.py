"""render(): choose what a view shows, measure, lay out and assemble it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import networkx as nx
from rdflib import URIRef
from rdflib.term import Node

from ..errors import UsageError
from ..kg import LANGS, KnowledgeGraph, default_lang
from ..network import (
    PARTNERSHIP_MODES,
    CompiledNetwork,
    find_node,
    gc_paused,
    shared_index,
    to_networkx,
)
from ..progress import task
from .data import _assemble
from .layout import _measure, community_layout
from .options import (
    _COLLAPSED_VIEW_CLASSES,
    _DEFAULT_TITLE,
    COLOR_BY,
    LAYOUT_THRESHOLD,
    LAYOUTS,
    SCOPES,
    SIZE_BY,
    STORY_CLASSES,
    STORY_HIDDEN,
    VIEW_CLASSES,
)
from .page import GraphView

# --------------------------------------------------------------------------- render


def render(
    kg: KnowledgeGraph,
    *,
    focus: str | Node | None = None,
    hops: int | None = None,
    path: Sequence[str | Node] | None = None,
    classes: Iterable[str | URIRef] | None = None,
    relations: Iterable[str] | None = None,
    lang: str | None = None,
    size_by: str = "degree",
    color_by: str = "class",
    title: str | None = None,
    partnerships: str = "nodes",
    scope: str = "story",
    status: str | Iterable[str] | None = None,
    layout: str = "auto",
    layout_threshold: int = LAYOUT_THRESHOLD,
    seed: int = 7,
    height: int = 640,
) -> GraphView:
    """An interactive view of ``kg``, or of part of it.

    Parameters
    ----------
    kg : the knowledge graph
    focus : an entity (any label or alias in any language, CURIE or IRI); the
        view keeps the entities within ``hops`` of it
    hops : radius around ``focus`` (default 1), or of the context kept around
        ``path`` (default 1; 0 shows the path alone)
    path : two entities; the shortest path between them (an evidence chain,
        :func:`cnai_kg.algorithms.evidence_paths`) is highlighted in its context
    classes : keep nodes of these classes and their subclasses (CURIE, local
        name or label in any language); default :data:`VIEW_CLASSES` (less the
        n-ary facts when partnerships are collapsed)
    relations : keep edges of these relations (CURIE, local name or label), and
        the nodes they link
    lang : label language, ``en``, ``ko`` or ``zh`` (default ``$CNAI_KG_LANG`` or en)
    size_by : node size by ``degree``, ``pagerank`` or ``betweenness`` in the
        view's graph (betweenness is sampled beyond ``layout_threshold`` nodes)
    color_by : ``class``, ``hub`` (the AI hub a node lies in) or ``sector``
    title : page title (default: the focus, the path ends, or the graph's name)
    partnerships : ``nodes`` (partnerships and other n-ary facts are nodes) or
        ``collapse`` (partner--partner edges); see :func:`~cnai_kg.network.to_networkx`
    scope : without ``focus``, ``path``, ``classes`` or ``relations``: ``story``
        (:data:`STORY_CLASSES`: companies, groups, offerings, hubs, cities,
        countries and partnerships with their roles; claims and figures hidden
        until their legend entry is clicked) or ``all`` (every kind, every status
        unless ``status`` says otherwise)
    status : which facts are drawn (see :func:`~cnai_kg.network.to_networkx`):
        default ``reported,active``, or ``all`` with ``scope="all"``; proposed
        facts are drawn dashed and groups of actors with a dashed border
    layout : ``auto`` (physics up to ``layout_threshold`` nodes, precomputed
        beyond), ``physics`` or ``precomputed``; physics starts from the
        precomputed positions (:func:`community_layout`), settles, then stops
    seed : seed of both layouts, so a view is reproducible
    height : pixel height of the inline notebook display

    Returns
    -------
    GraphView

    Raises
    ------
    EntityNotFound
        when ``focus`` or an end of ``path`` names no entity
    NoPath
        when the ends of ``path`` are not connected in the view
    UsageError
        for an unknown class, relation, measure, colouring or layout, an
        entity that is not in the view, or a view with nothing in it

    Examples
    --------
    >>> import cnai_kg
    >>> view = render(cnai_kg.load(), path=("Pony.ai", "WeRide"), hops=0)
    >>> [view.node_info[n]["label"] for n in view.path]
    ['Pony.ai', 'Chinese autonomous-driving companies', 'WeRide']
    """
    lang = lang or default_lang()
    for value, allowed, what in (
        (lang, LANGS, "language"),
        (size_by, SIZE_BY, "size measure"),
        (color_by, COLOR_BY, "colouring"),
        (layout, LAYOUTS, "layout"),
        (partnerships, PARTNERSHIP_MODES, "partnerships mode"),
        (scope, SCOPES, "scope"),
    ):
        if value not in allowed:
            raise UsageError(f"unknown {what} {value!r}; choose one of: {', '.join(allowed)}")
    if focus is not None and path is not None:
        raise UsageError("give either --focus or --path, not both")
    if hops is not None and hops < 0:
        raise UsageError(f"--hops must be 0 or more, not {hops}")
    if hops is not None and focus is None and path is None:
        raise UsageError("--hops needs --focus or --path")
    if path is not None and len(path) != 2:
        raise UsageError("a path needs exactly two entities")

    default = VIEW_CLASSES if partnerships == "nodes" else _COLLAPSED_VIEW_CLASSES
    story = scope == "story" and not (focus or path or classes or relations)
    if story:
        default = tuple(c for c in STORY_CLASSES if partnerships == "nodes" or c in default)
    if status is None and scope == "all":
        status = "all"
    # one lexical index for the projection and the node details, and no garbage collector
    # pass rescanning its millions of objects while the view is built
    with task("rendering") as step, shared_index(kg), gc_paused():
        step(0, None, "projecting")
        G = _view_network(
            kg,
            partnerships=partnerships,
            claims=True,
            lang=lang,
            classes=list(classes) if classes else default,
            relations=list(relations) if relations else None,
            status=status,
        )
        if story:  # what the story's edges leave unconnected is not part of it
            G.remove_nodes_from([n for n in list(G) if G.degree(n) == 0])
        named = [
            find_node(G, name, kg)
            for name in ([focus] if focus is not None else list(path) if path is not None else [])
        ]
        if relations:
            G.remove_nodes_from([n for n in list(G) if G.degree(n) == 0 and n not in named])

        hop_records = None
        if focus is not None:
            around = _walkable(G)
            G = G.subgraph(
                nx.ego_graph(around, named[0], radius=1 if hops is None else hops)
            ).copy()
        elif path is not None:
            from ..algorithms.paths import evidence_paths

            (found,) = evidence_paths(G, named[0], named[1])
            hop_records = [_hop_record(h) for h in found.hops]
            radius = 1 if hops is None else hops
            around = _walkable(G)
            keep = set(found.nodes)
            for node in found.nodes:
                keep |= set(nx.ego_graph(around, node, radius=radius))
            G = G.subgraph(keep).copy()
            named = list(found.nodes)
        if G.number_of_nodes() == 0:
            raise UsageError(
                "nothing to render: no entity of the chosen classes"
                + (" and relations" if relations else "")
            )

        n = G.number_of_nodes()
        step(0, n, "measuring")
        scores = _measure(G, size_by, layout_threshold)
        step(0, n, "laying out")
        big = layout == "precomputed" or (
            layout == "auto" and G.number_of_nodes() > layout_threshold
        )
        # physics starts from the precomputed layout too, so it settles in fewer iterations
        positions = community_layout(G, seed=seed)
        view = _assemble(
            kg,
            G,
            lang=lang,
            scores=scores,
            size_by=size_by,
            color_by=color_by,
            positions=positions,
            physics=not big,
            path=named if path is not None else None,
            focus=named[0] if focus is not None else None,
            seed=seed,
            hidden=STORY_HIDDEN if story else (),
            progress=step,
        )
        view.title = title or _default_title(G, lang, view)
        view.hops = hop_records
        view.height = height
        return view


def _view_network(kg: KnowledgeGraph, **projection) -> nx.MultiDiGraph | nx.MultiGraph:
    """The projection a view starts from: on a cached store, the compiled one kept beside it
    (:func:`~cnai_kg.network.compiled.compiled_network`, written by the first view or
    analysis with these options) read back whole, without reading the store; else built."""
    from ..network.compiled import compiled_network

    folder = getattr(kg.store, "cache_folder", None)
    if folder is None:
        return to_networkx(kg, **projection)
    net = compiled_network(kg, Path(folder), **projection)
    return net.to_networkx() if isinstance(net, CompiledNetwork) else net


def _walkable(G: nx.Graph) -> nx.Graph:
    from ..algorithms.paths import walkable

    return walkable(G)


def _hop_record(hop) -> dict:
    return {
        "from": hop.source,
        "fromLabel": hop.source_label,
        "to": hop.target,
        "toLabel": hop.target_label,
        "relation": hop.relation_label,
        "forward": hop.forward,
        "symmetric": hop.symmetric,
        "quotes": [q for q in hop.quote.split("\n") if q],
        "documents": [d for d in (hop.document, hop.report) if d],
        "why": hop.why,
        "definitional": hop.evidence == "definitional",
        "caveats": [hop.caveat] if hop.caveat else [],
    }


def _default_title(G: nx.Graph, lang: str, view: GraphView) -> str:
    if view.path:
        return f"{G.nodes[view.path[0]]['label']} → {G.nodes[view.path[-1]]['label']}"
    if view.focus:
        return G.nodes[view.focus]["label"]
    return _DEFAULT_TITLE[lang]
