"""Interactive HTML views of the graph: one self-contained, offline, safe page.

:func:`render` draws the entity network (:func:`cnai_kg.network.to_networkx`,
with partnerships, opportunities, risks, claims and market figures kept as
nodes) or a part of it (an ego network, a path in its context, some classes or
relations) as a :class:`GraphView`. The view shows itself inline in Jupyter and
saves as one HTML file that:

* works from ``file://`` with the network off: vis-network's JavaScript is read
  from the installed ``pyvis`` package and inlined; Bootstrap and every CDN are
  left out, so the page makes no request at all;
* treats every label, quote and note as text: the data travels as JSON in a
  ``<script type="application/json">`` block with ``<``, ``>``, ``&``, U+2028 and
  U+2029 escaped, and the page's script builds tooltips and the details panel
  with ``textContent`` (vis-network's HTML tooltips are not used);
* carries a Content-Security-Policy that allows exactly its two inline scripts
  and its stylesheet (by SHA-256 hash) and nothing else: no request, no eval;
* stays usable when large: node and edge records are built directly (not with
  pyvis's one-by-one ``add_node``), and beyond ``layout_threshold`` nodes the
  layout is computed beforehand (:func:`community_layout`) with physics off.
  Smaller views let physics settle once, then switch it off.

Examples
--------
>>> import cnai_kg
>>> kg = cnai_kg.load()
>>> view = kg.render(focus="닝더스다이", hops=1, lang="ko")
>>> view
<GraphView 'CATL': 5 nodes, 6 edges, lang=ko>
>>> "kg:CATL" in view.node_ids
True
"""

from __future__ import annotations

import base64
import hashlib
import html
import importlib.util
import json
import math
import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources as importlib_resources
from pathlib import Path

import networkx as nx
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS
from rdflib.term import Node

from .errors import CnaiKgError, UsageError
from .io import atomic_write
from .kg import _LABEL_PREDICATES, LANGS, KnowledgeGraph, default_lang
from .namespaces import CNAI, ORG
from .network import (
    PARTNERSHIP_MODES,
    find_node,
    gc_paused,
    index_for,
    shared_index,
    to_networkx,
)
from .progress import task
from .store.base import Lex, LexTerm, from_lexical

__all__ = [
    "COLOR_BY",
    "KINDS",
    "LAYOUTS",
    "SIZE_BY",
    "STORY_CLASSES",
    "STORY_HIDDEN",
    "VIEW_CLASSES",
    "AssetMissing",
    "GraphView",
    "Kind",
    "build_page",
    "community_layout",
    "content_security_policy",
    "render",
    "safe_json",
    "vis_network_assets",
]

SIZE_BY = ("degree", "pagerank", "betweenness")
COLOR_BY = ("class", "hub", "sector")
LAYOUTS = ("auto", "physics", "precomputed")

#: Above this many nodes, ``layout="auto"`` precomputes positions and turns physics off.
LAYOUT_THRESHOLD = 1000
#: Betweenness on views larger than LAYOUT_THRESHOLD samples this many sources (networkx ``k``).
BETWEENNESS_SAMPLE = 256
#: Iterations of each Fruchterman-Reingold layout in :func:`community_layout`.
FR_ITERATIONS = 200
#: Labels drawn on the canvas are cut to this length (the details panel has the full text).
MAX_LABEL = 42


class AssetMissing(CnaiKgError):
    """vis-network's files were not found in the installed pyvis package."""


# --------------------------------------------------------------------------- kinds


@dataclass(frozen=True)
class Kind:
    """How one class of node looks: colour and vis-network shape (label outside)."""

    key: str
    color: str
    shape: str

    @property
    def curie(self) -> str:
        return f"cnai:{self.key}"

    @property
    def iri(self) -> URIRef:
        return CNAI[self.key]


#: Node kinds, most specific first: a node takes the first kind among its classes.
KINDS: tuple[Kind, ...] = tuple(
    Kind(*row)
    for row in (
        ("Company", "#1f77b4", "dot"),
        ("ResearchUnit", "#6baed6", "dot"),
        ("GovernmentAgency", "#393b79", "dot"),
        ("InternationalBody", "#17becf", "dot"),
        ("ActorGroup", "#9ecae1", "hexagon"),
        ("AIModel", "#8c564b", "triangle"),
        ("Platform", "#98df8a", "triangle"),
        ("Service", "#2ca02c", "triangle"),
        ("Product", "#bcbd22", "triangle"),
        ("Offering", "#7f7f40", "triangle"),
        ("City", "#ff9896", "square"),
        ("AIHub", "#ff7f0e", "square"),
        ("EconomicZone", "#ffbb78", "square"),
        ("Country", "#d62728", "square"),
        ("WorldRegion", "#e377c2", "square"),
        ("Sector", "#9467bd", "diamond"),
        ("Technology", "#c5b0d5", "diamond"),
        ("Law", "#7f7f7f", "diamond"),
        ("Partnership", "#e6550d", "hexagon"),
        ("Opportunity", "#31a354", "star"),
        ("Risk", "#a50f15", "star"),
        ("Mitigation", "#fd8d3c", "star"),
        ("MarketFigure", "#637939", "triangleDown"),
        ("Claim", "#969696", "triangleDown"),
    )
)
OTHER = Kind("Other", "#b0b0b0", "dot")
_KIND_BY_CURIE = {k.curie: k for k in KINDS}
#: What the default view keeps: every kind above (sources and attribute values
#: such as statuses or partner roles appear in the details panel instead).
VIEW_CLASSES: tuple[URIRef, ...] = tuple(k.iri for k in KINDS)
_FACT_KINDS = {"Partnership", "Opportunity", "Risk", "Mitigation", "MarketFigure", "Claim"}
#: With ``partnerships="collapse"`` the n-ary facts are edges, not nodes.
_COLLAPSED_VIEW_CLASSES = tuple(k.iri for k in KINDS if k.key not in _FACT_KINDS)
#: The first view (``render()`` with no focus, path, class or relation): the companies,
#: groups, offerings, hubs, cities, countries and partnerships with their roles, the
#: story the article tells. Claims and figures are in it but hidden until their legend
#: entry is clicked (:data:`STORY_HIDDEN`); ``scope="all"`` draws every kind.
STORY_CLASSES: tuple[URIRef, ...] = tuple(
    CNAI[key]
    for key in (
        "Company",
        "ResearchUnit",
        "GovernmentAgency",
        "InternationalBody",
        "ActorGroup",
        "AIModel",
        "Platform",
        "Service",
        "Product",
        "City",
        "AIHub",
        "Country",
        "Partnership",
        "MarketFigure",
        "Claim",
    )
)
#: Kinds of the first view hidden at start, one click away in the legend.
STORY_HIDDEN = ("MarketFigure", "Claim")
#: Scopes of :func:`render` without focus or path: the story, or every kind.
SCOPES = ("story", "all")

#: Categorical colours for --color-by hub|sector.
PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#393b79",
    "#637939",
    "#843c39",
    "#7b4173",
    "#3182bd",
    "#e6550d",
    "#31a354",
    "#756bb1",
    "#636363",
)
NONE_COLOR = "#cfcfcf"
PATH_COLOR = "#d62728"

#: Predicates that are neither edges nor attributes in the details panel.
_NOT_ATTRIBUTES = {
    RDF.type,
    RDFS.label,
    SKOS.prefLabel,
    SKOS.altLabel,
    CNAI.hasParticipation,
    PROV.wasDerivedFrom,
    RDF.subject,
    RDF.predicate,
    RDF.object,
    OWL.sameAs,
    CNAI.caveat,
    RDFS.comment,
}
#: The same terms in lexical form, for the index the projection read.
_NOT_ATTRIBUTE_IRIS = frozenset(str(p) for p in _NOT_ATTRIBUTES)
_LABEL_PREDICATE_IRIS = tuple(str(p) for p in _LABEL_PREDICATES)
_ALT_LABEL_IRI = str(SKOS.altLabel)
_HAS_PARTICIPATION_IRI = str(CNAI.hasParticipation)
_ORGANIZATION_IRI = str(ORG.organization)

#: A term looked up for every node (rdflib namespaces build a term on each access).
_HAS_PARTICIPATION = CNAI.hasParticipation
#: Node attributes of the projection shown first in the details, with their term.
_PLACED = (("sector", CNAI.Sector), ("region", CNAI.region), ("hub", CNAI.AIHub))

#: Interface strings, by language.
UI = {
    "en": {
        "search": "Find a node (any language)…",
        "legend": "Legend",
        "details": "Details",
        "nomatch": "No match",
        "source": "Source",
        "caveat": "Caveat",
        "definitional": "Definitional (not from the source)",
        "relations": "Relations",
        "labels": "Label",
        "aliases": "Alias",
        "file": "File",
        "role": "Role",
        "settling": "Laying out…",
        "nodes": "nodes",
        "edges": "edges",
        "hint": "Click a node or an edge for its details and sources; the legend "
        "hides or shows a kind.",
        "shape": "Shape = kind",
        "color": "Colour",
        "none": "none",
        "several": "several",
        "path": "Path",
        "proposed": "Proposed (recommended, not reported)",
        "degree": "Degree",
        "pagerank": "PageRank",
        "betweenness": "Betweenness",
    },
    "ko": {
        "search": "노드 찾기 (모든 언어)…",
        "legend": "범례",
        "details": "상세 정보",
        "nomatch": "일치하는 항목 없음",
        "source": "출처",
        "caveat": "유의 사항",
        "definitional": "정의적 사실 (원문에 없음)",
        "relations": "관계",
        "labels": "이름",
        "aliases": "별칭",
        "file": "파일",
        "role": "역할",
        "settling": "배치 중…",
        "nodes": "노드",
        "edges": "엣지",
        "hint": "노드나 엣지를 누르면 상세 정보와 출처가 나옵니다. 범례를 누르면 그 종류를 "
        "숨기거나 보입니다.",
        "shape": "모양 = 종류",
        "color": "색",
        "none": "없음",
        "several": "여럿",
        "path": "경로",
        "proposed": "제안 (권고일 뿐 보도된 사실 아님)",
        "degree": "연결 수",
        "pagerank": "PageRank",
        "betweenness": "매개 중심성",
    },
    "zh": {
        "search": "查找节点（任何语言）…",
        "legend": "图例",
        "details": "详细信息",
        "nomatch": "无匹配",
        "source": "来源",
        "caveat": "注意事项",
        "definitional": "定义性事实（非出自原文）",
        "relations": "关系",
        "labels": "名称",
        "aliases": "别名",
        "file": "文件",
        "role": "角色",
        "settling": "正在布局…",
        "nodes": "节点",
        "edges": "边",
        "hint": "点击节点或边查看详细信息和来源；点击图例可隐藏或显示该类别。",
        "shape": "形状 = 类别",
        "color": "颜色",
        "none": "无",
        "several": "多个",
        "path": "路径",
        "proposed": "建议（仅为建议，并非报道的事实）",
        "degree": "连接数",
        "pagerank": "PageRank",
        "betweenness": "介数中心性",
    },
}
_OTHER_LABEL = {"en": "Other", "ko": "기타", "zh": "其他"}
_DEFAULT_TITLE = {"en": "China's AI industry", "ko": "중국 AI 산업", "zh": "中国人工智能产业"}

#: Canvas font stacks: the chosen language's CJK face first, so Han characters
#: take that language's forms; only installed fonts, nothing is fetched.
FONTS = {
    "en": 'system-ui, "Segoe UI", Roboto, "Noto Sans", "Noto Sans CJK KR", "Noto Sans CJK SC", '
    '"Apple SD Gothic Neo", "Malgun Gothic", "Microsoft YaHei", sans-serif',
    "ko": '"Noto Sans CJK KR", "Noto Sans KR", "Apple SD Gothic Neo", "Malgun Gothic", '
    '"Noto Sans CJK SC", system-ui, sans-serif',
    "zh": '"Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", '
    '"Noto Sans CJK KR", system-ui, sans-serif',
}


# --------------------------------------------------------------------------- the view


@dataclass
class GraphView:
    """A rendered view: node and edge records, vis-network options, and the page.

    Returned by :func:`render`. ``view.html`` is the page; :meth:`save` writes it
    atomically; in Jupyter the view displays itself in an ``<iframe srcdoc>``,
    so nothing depends on a file beside the notebook, on the notebook trusting
    its outputs, or on the network.

    Attributes
    ----------
    title : heading and ``<title>`` of the page
    lang : label language
    nodes : vis-network node records: ``id`` (the entity's CURIE), ``label``,
        ``kind``, ``group`` (its style in ``options["groups"]``), ``value``, ``x``, ``y``
    edges : vis-network edge records: ``id``, ``from``, ``to``, ``relation``
        (CURIE), ``label``, and ``fact`` (CURIE of the fact behind it) and ``role``
        when there is one
    node_info : what the details panel shows about each node, by id
    facts : quotes, documents, caveats of every fact, by CURIE (shared by the
        edges and nodes that refer to it)
    relations : label of each relation, by CURIE
    options : vis-network options
    legend : kinds (and hub/sector colours) with their counts
    focus : the focused entity, path : the highlighted path (CURIEs)
    hops : the evidence chain along ``path``
    """

    title: str
    lang: str
    nodes: list[dict]
    edges: list[dict]
    node_info: dict[str, dict]
    facts: dict[str, dict]
    relations: dict[str, str]
    options: dict
    legend: dict
    focus: str | None = None
    path: list[str] | None = None
    hops: list[dict] | None = None
    height: int = 640
    meta: dict = field(default_factory=dict)

    @property
    def node_ids(self) -> set[str]:
        """CURIEs of the nodes in the view."""
        return {n["id"] for n in self.nodes}

    @property
    def edge_triples(self) -> set[tuple[str, str, str]]:
        """``(from, relation, to)`` of every edge."""
        return {(e["from"], e["relation"], e["to"]) for e in self.edges}

    @property
    def edge_info(self) -> dict[str, dict]:
        """What the details panel shows about each edge, by id (references resolved)."""
        out = {}
        for e in self.edges:
            info = {
                "relation": self.relations[e["relation"]],
                "relationCurie": e["relation"],
                "from": self.node_info[e["from"]]["label"],
                "to": self.node_info[e["to"]]["label"],
                "fromId": e["from"],
                "toId": e["to"],
            }
            if e.get("role"):
                info["role"] = e["role"]
            if e.get("fact"):
                info["fact"] = {"curie": e["fact"], **self.facts[e["fact"]]}
            out[e["id"]] = info
        return out

    def data(self) -> dict:
        """Everything the page's script receives, as JSON-able data."""
        return {
            "title": self.title,
            "lang": self.lang,
            "ui": UI[self.lang],
            "nodes": self.nodes,
            "edges": self.edges,
            "nodeInfo": self.node_info,
            "facts": self.facts,
            "relations": self.relations,
            "options": self.options,
            "legend": self.legend,
            "focus": self.focus,
            "path": self.path,
            "hops": self.hops,
            "meta": self.meta,
        }

    @property
    def html(self) -> str:
        """The self-contained page."""
        return build_page(self.data(), title=self.title, lang=self.lang)

    def save(self, path: str | Path) -> Path:
        """Write the page to ``path`` atomically (temp file + rename); return the path."""
        return atomic_write(path, self.html)

    def _repr_html_(self) -> str:
        # The page runs in its own document, sandboxed to an opaque origin.
        return (
            f'<iframe title="{html.escape(self.title)}" sandbox="allow-scripts" '
            f'style="width:100%;height:{int(self.height)}px;border:1px solid #ddd" '
            f'srcdoc="{html.escape(self.html, quote=True)}"></iframe>'
        )

    def __repr__(self) -> str:
        return (
            f"<GraphView {self.title!r}: {len(self.nodes)} nodes, {len(self.edges)} edges, "
            f"lang={self.lang}>"
        )


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
        G = to_networkx(
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
            from .algorithms.paths import evidence_paths

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


def _walkable(G: nx.Graph) -> nx.Graph:
    from .algorithms.paths import walkable

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
    import igraph

    nodes = sorted(G, key=str)
    if not nodes:
        return {}
    index = {n: i for i, n in enumerate(nodes)}
    g = igraph.Graph(n=len(nodes), edges=[(index[u], index[v]) for u, v in G.edges() if u != v])
    g.simplify()
    rng = random.Random(seed)
    # igraph draws from Python's random module unless told otherwise
    igraph.set_random_number_generator(rng)
    try:
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
    finally:
        igraph.set_random_number_generator(random)
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
    import igraph

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


# --------------------------------------------------------------------------- assembling


def _kind(attrs: dict) -> Kind:
    if attrs.get("class") in _KIND_BY_CURIE:
        return _KIND_BY_CURIE[attrs["class"]]
    types = set(attrs.get("types", "").split())
    return next((k for k in KINDS if k.curie in types), OTHER)


def _groups(G: nx.Graph, color_by: str, ui: dict) -> tuple[dict, dict]:
    """Colour group of each node (hub or sector label) and the colour of each group."""
    attr = "hub" if color_by == "hub" else "sector"
    of_node = {}
    for node, d in G.nodes(data=True):
        value = d.get(attr, "")
        of_node[node] = (
            (ui["several"], True)
            if "; " in value
            else (value, False)
            if value
            else (ui["none"], True)
        )
    values = sorted({v for v, grey in of_node.values() if not grey})
    colors = {v: PALETTE[i % len(PALETTE)] for i, v in enumerate(values)}
    colors.update({v: NONE_COLOR for v, grey in of_node.values() if grey})
    return {n: v for n, (v, _) in of_node.items()}, colors


def _assemble(
    kg: KnowledgeGraph,
    G: nx.MultiDiGraph,
    *,
    lang,
    scores,
    size_by,
    color_by,
    positions,
    physics,
    path,
    focus,
    seed,
    hidden=(),
    progress=None,
) -> GraphView:
    ui = UI[lang]
    terms = _Terms(kg)
    index = index_for(kg)  # the projection's, when shared (see render)
    path_set = set(path or ())
    path_pairs = {frozenset(p) for p in zip(path, path[1:], strict=False)} if path else set()
    group_of, group_color = _groups(G, color_by, ui) if color_by != "class" else ({}, {})
    color_index = {g: i for i, g in enumerate(sorted(group_color))}

    styles: dict[str, dict] = {}  # vis-network groups: one per kind (and colour)
    kind_count: Counter[Kind] = Counter()
    group_count: Counter[str] = Counter()
    nodes, node_info, facts = [], {}, {}
    step, total = progress, G.number_of_nodes()
    for done, node in enumerate(sorted(G)):
        if done % 500 == 0:
            step(done, total, "details")
        d = G.nodes[node]
        kind = _kind(d)
        kind_count[kind] += 1
        color, style = kind.color, kind.key
        if group_of:
            color = group_color[group_of[node]]
            style = f"{kind.key}|{color_index[group_of[node]]}"
            group_count[group_of[node]] += 1
        if style not in styles:
            styles[style] = {"shape": kind.shape, "color": _node_color(color)}
            if kind.key == "ActorGroup":  # a collectively named group, not one actor
                styles[style]["shapeProperties"] = {"borderDashes": [4, 3]}
                styles[style]["borderWidth"] = 2
        x, y = positions[node]
        record = {
            "id": node,
            "label": _shorten(d["label"]),
            "kind": kind.key,
            "group": style,
            "value": round(float(scores.get(node, 0.0)), 6),
            "x": x,
            "y": y,
        }
        if node in path_set or node == focus:
            record["color"] = _node_color(color, marked=True)
            record["borderWidth"] = 4
            record["font"] = {"size": 18}
        nodes.append(record)
        info = _node_info(terms, d, lang, G, index)
        info["measure"] = [ui[size_by], round(float(scores.get(node, 0.0)), 4)]
        if group_of:
            info["group"] = group_of[node]
        if kind.key in _FACT_KINDS:
            facts[node] = _fact_info(terms, URIRef(d["iri"]), lang)
            info["fact"] = node
        node_info[node] = info

    step(total, total, "details")
    edges, relations = [], {}
    for i, (u, v, d) in enumerate(G.edges(data=True)):
        rel = d["relation"]
        relations.setdefault(rel, d.get("relation_label") or rel)
        role = d.get("subject_role") if rel == "cnai:Participation" else ""
        record = {
            "id": f"e{i}",
            "from": u,
            "to": v,
            "relation": rel,
            "label": _shorten(role or relations[rel], 28),
        }
        if role:
            record["role"] = role
        if d.get("fact_status") == "proposed":  # recommended by the article, not reported
            record["dashes"] = True
            record["status"] = "proposed"
        if d.get("fact"):
            fact = terms.curie(URIRef(d["fact"]))
            record["fact"] = fact
            if fact not in facts:
                facts[fact] = _edge_fact(d)
        if frozenset((u, v)) in path_pairs:
            record["color"] = {"color": PATH_COLOR, "highlight": PATH_COLOR, "hover": PATH_COLOR}
            record["width"] = 4
        edges.append(record)

    options = _options(lang, big=not physics, n=len(nodes), seed=seed)
    options["groups"] = styles
    legend = _legend(kg, lang, kind_count, group_count, group_color, color_by, bool(path))
    for k in legend["kinds"]:
        k["hidden"] = k["key"] in hidden
    if any(e.get("dashes") for e in edges):
        legend["proposed"] = True
    return GraphView(
        title="",
        lang=lang,
        nodes=nodes,
        edges=edges,
        node_info=node_info,
        facts=facts,
        relations=relations,
        options=options,
        legend=legend,
        focus=focus,
        path=list(path) if path else None,
        meta={
            "sizeBy": size_by,
            "colorBy": color_by,
            "layout": "physics" if physics else "precomputed",
            "projection": {k: v for k, v in G.graph.items() if k != "name"},
        },
    )


def _shorten(text: str, limit: int = MAX_LABEL) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _node_color(color: str, *, marked: bool = False) -> dict:
    return {
        "background": color,
        "border": PATH_COLOR if marked else "#ffffff",
        "highlight": {"background": color, "border": "#000000"},
        "hover": {"background": color, "border": "#333333"},
    }


class _Terms:
    """The knowledge graph as one render asks it: the label and CURIE of each term
    are looked up once (a view repeats the same predicates, cities and sectors on
    thousands of nodes); everything else goes to the graph itself."""

    def __init__(self, kg: KnowledgeGraph):
        self.kg = kg
        self._labels: dict[tuple[Node, str | None], str] = {}
        self._curies: dict[Node, str] = {}

    def label(self, node: Node, lang: str | None = None) -> str:
        key = (node, lang)
        found = self._labels.get(key)
        if found is None:
            found = self._labels[key] = self.kg.label(node, lang)
        return found

    def curie(self, node: Node) -> str:
        found = self._curies.get(node)
        if found is None:
            found = self._curies[node] = self.kg.curie(node)
        return found

    def __contains__(self, triple) -> bool:
        return triple in self.kg

    def __getattr__(self, name: str):
        return getattr(self.kg, name)


def _node_info(kg: _Terms, d: dict, lang: str, G: nx.Graph, index) -> dict:
    iri = URIRef(d["iri"])
    # the node's own triples (labels, aliases and attributes), from the index the
    # projection read: no store call per node, rdflib terms only for the attributes
    pairs = index.outgoing(d["iri"])
    objects: dict[str, set[LexTerm]] = defaultdict(set)
    for p, o in pairs:
        objects[p].add(o)
    labels: dict[str, list[str]] = defaultdict(list)  # as KnowledgeGraph.labels
    for pred in _LABEL_PREDICATE_IRIS:
        for lit in sorted(o for o in objects.get(pred, ()) if type(o) is Lex):
            if lit.value not in labels[lit.language]:
                labels[lit.language].append(lit.value)
    aliases: dict[str, list[str]] = defaultdict(list)  # as KnowledgeGraph.aliases
    for alias in objects.get(_ALT_LABEL_IRI, ()):
        aliases[alias.language if type(alias) is Lex else ""].append(
            alias.value if type(alias) is Lex else alias
        )
    own = [
        (iri, URIRef(p), from_lexical(o))
        for p, o in pairs
        if p not in _NOT_ATTRIBUTE_IRIS or p == _HAS_PARTICIPATION_IRI
    ]
    organized = [from_lexical(m) for m in index.subjects(_ORGANIZATION_IRI, d["iri"])]
    info = {
        "label": d["label"],
        "iri": d["iri"],
        "kind": d.get("class_label") or _OTHER_LABEL[lang],
        "labels": {code: labels[code] for code in (*LANGS, "") if labels.get(code)},
        "aliases": {k: sorted(v) for k, v in aliases.items()},
        "attrs": _attributes(kg, G, iri, lang, own, organized),
        "file": kg.file_of(iri),
    }
    for key, term in _PLACED:
        if d.get(key):
            name = _pred_label(kg, term, lang)
            info["attrs"].insert(0, [name[:1].upper() + name[1:], d[key]])
    return info


def _attributes(
    kg: _Terms,
    G: nx.Graph,
    iri: URIRef,
    lang: str,
    own: list[tuple[Node, Node, Node]],
    organized: list[Node],
) -> list[list[str]]:
    """Values of ``iri`` (its triples ``own``) that are not edges of the view:
    literals, blank nodes (a quantity), and terms that are not nodes (a status, a
    partner role)."""
    by_pred: dict[URIRef, list[Node]] = defaultdict(list)
    for _, p, o in own:
        if p in _NOT_ATTRIBUTES or (isinstance(o, URIRef) and kg.curie(o) in G):
            continue
        by_pred[p].append(o)
    out = []
    for p in sorted(by_pred, key=str):
        values = by_pred[p]
        literals = _in_lang([v for v in values if isinstance(v, Literal)], lang)
        others = sorted(
            (_flatten(kg, v, lang) if isinstance(v, BNode) else kg.label(v, lang))
            for v in values
            if not isinstance(v, Literal)
        )
        for value in literals + others:
            out.append([_pred_label(kg, p, lang), value])
    participations = {o for _, p, o in own if p == _HAS_PARTICIPATION}
    if participations or organized:
        for m in sorted(participations | set(organized), key=str):
            member, role = kg.value(m, ORG.member), kg.value(m, ORG.role)
            if member is not None:
                who = kg.label(member, lang)
                out.append(
                    [
                        UI[lang]["role"],
                        f"{who}: {kg.label(role, lang)}" if role is not None else who,
                    ]
                )
    return out


def _pred_label(kg: KnowledgeGraph, pred: URIRef, lang: str) -> str:
    label = kg.label(pred, lang)
    if label != kg.curie(pred):
        return label
    local = re.split(r"[#/:]", str(pred))[-1]
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", local).lower()


def _flatten(kg: KnowledgeGraph, node: BNode, lang: str) -> str:
    """A blank node (a quantity, say) as ``label: value; ...``."""
    parts = []
    for p, o in sorted((p, o) for _, p, o in kg.triples((node, None, None))):
        if p != RDF.type:
            value = str(o) if isinstance(o, Literal) else kg.label(o, lang)
            parts.append(f"{_pred_label(kg, p, lang)}: {value}")
    return "; ".join(parts)


def _in_lang(values: list[Literal], lang: str) -> list[str]:
    """Untagged literals, plus tagged ones in ``lang`` (else English, else all)."""
    plain = sorted(str(v) for v in values if not v.language)
    tagged = [v for v in values if v.language]
    for code in (lang, "en"):
        picked = [str(v) for v in tagged if v.language == code]
        if picked:
            return plain + sorted(picked)
    return plain + sorted(str(v) for v in tagged)


def _fact_info(kg: KnowledgeGraph, fact: URIRef, lang: str) -> dict:
    """Quotes, documents and caveats of an n-ary fact."""
    rdf = kg  # objects() and `in` over the store
    quotes, docs = [], []
    for excerpt in sorted(rdf.objects(fact, PROV.wasDerivedFrom), key=str):
        for quote in rdf.objects(excerpt, CNAI.quote):
            if str(quote) not in quotes:
                quotes.append(str(quote))
        for doc in rdf.objects(excerpt, DCTERMS.isPartOf):
            for source in (doc, *rdf.objects(doc, PROV.wasDerivedFrom)):
                name = kg.label(source, lang)
                if name not in docs and (source, RDF.type, None) in rdf:
                    docs.append(name)
    definitional = (fact, RDF.type, CNAI.DefinitionalFact) in rdf
    out = {
        "quotes": quotes,
        "documents": docs,
        "definitional": definitional,
        "caveats": _in_lang(
            [c for c in rdf.objects(fact, CNAI.caveat) if isinstance(c, Literal)], lang
        ),
    }
    why = _in_lang([c for c in rdf.objects(fact, RDFS.comment) if isinstance(c, Literal)], lang)
    if definitional and why:
        out["why"] = why[0]
    return out


def _edge_fact(d: dict) -> dict:
    """The evidence :func:`~cnai_kg.network.to_networkx` put on an edge, as a fact record."""
    fact = {
        "quotes": [q for q in d.get("quote", "").split("\n") if q],
        "documents": [x for x in (d.get("document"), d.get("report")) if x],
        "definitional": d.get("evidence") == "definitional",
        "caveats": [d["caveat"]] if d.get("caveat") else [],
    }
    if d.get("why"):
        fact["why"] = d["why"]
    return fact


def _legend(kg, lang, kind_count, group_count, group_color, color_by, has_path) -> dict:
    kinds = [k for k in (*KINDS, OTHER) if kind_count.get(k)]
    return {
        "kinds": [
            {
                "key": k.key,
                "label": _kind_label(kg, k, lang),
                "shape": k.shape,
                "color": k.color if color_by == "class" else NONE_COLOR,
                "count": kind_count[k],
            }
            for k in kinds
        ],
        "groups": [
            {"label": g, "color": group_color[g], "count": n}
            for g, n in sorted(
                group_count.items(), key=lambda gn: (group_color[gn[0]] == NONE_COLOR, gn[0])
            )
        ],
        "colorBy": color_by,
        "path": has_path,
    }


def _kind_label(kg: KnowledgeGraph, kind: Kind, lang: str) -> str:
    if kind is OTHER:
        return _OTHER_LABEL[lang]
    label = kg.label(kind.iri, lang)
    return kind.key if label == kind.curie else label


def _options(lang: str, *, big: bool, n: int, seed: int) -> dict:
    font = FONTS[lang]
    options = {
        "autoResize": True,
        "nodes": {
            "font": {
                "face": font,
                "size": 14,
                "color": "#222222",
                "strokeWidth": 3,
                "strokeColor": "#ffffff",
            },
            "borderWidth": 1,
            "scaling": {"min": 8, "max": 36, "label": {"enabled": False}},
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "color": {
                "color": "#a0a0a0",
                "highlight": "#333333",
                "hover": "#555555",
                "inherit": False,
            },
            "font": {
                "face": font,
                "size": 10,
                "color": "#555555",
                "strokeWidth": 0,
                "background": "rgba(255,255,255,0.85)",
                "align": "middle",
            },
            "width": 1,
            "smooth": False if big else {"enabled": True, "type": "continuous", "roundness": 0.3},
        },
        "interaction": {
            "hover": True,
            "tooltipDelay": 150,
            "navigationButtons": False,
            "keyboard": {"enabled": True, "bindToWindow": False},
            "hideEdgesOnDrag": big,
            "hideEdgesOnZoom": big,
            "multiselect": False,
        },
        "layout": {"randomSeed": seed, "improvedLayout": False},
    }
    if big:
        options["physics"] = {"enabled": False}
        options["edges"]["font"]["size"] = 0  # relation names stay in the details panel
    else:
        options["physics"] = {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "gravitationalConstant": -60,
                "centralGravity": 0.008,
                "springLength": 110,
                "springConstant": 0.06,
                "damping": 0.5,
                "avoidOverlap": 0.4,
            },
            "minVelocity": 1.0,
            "maxVelocity": 60,
            "stabilization": {
                "enabled": True,
                "iterations": 200 if n <= 300 else 120,
                "updateInterval": 25,
                "fit": True,
            },
        }
    return options


# --------------------------------------------------------------------------- the page


_JSON_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def safe_json(value) -> str:
    """JSON that can sit inside ``<script>`` in HTML: no ``<``, ``>``, ``&``, U+2028/9.

    Examples
    --------
    >>> print(safe_json({"label": "</script><b>&"}))
    {"label": "\\u003c/script\\u003e\\u003cb\\u003e\\u0026"}
    """
    text = json.dumps(value, ensure_ascii=False)
    # str.replace per character: far faster than str.translate on a page of megabytes
    for char, escape in _JSON_ESCAPES.items():
        text = text.replace(chr(char), escape)
    return text


def _package_dir(name: str) -> Path | None:
    """The folder of an installed package, found without importing it (importing
    pyvis imports IPython, half a second); None when it is not installed."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    locations = spec.submodule_search_locations if spec is not None else None
    return Path(next(iter(locations))) if locations else None


@cache
def vis_network_assets() -> tuple[str, str]:
    """vis-network's JavaScript and its version, from the installed pyvis package.

    pyvis ships vis-network's standalone build under ``pyvis/lib/vis-<version>/``;
    the newest one found is used. Nothing of it is copied into cnai-kg.
    """
    try:
        lib = _package_dir("pyvis") / "lib"
        folders = [p for p in lib.iterdir() if p.name.startswith("vis-")]
    except (TypeError, FileNotFoundError, NotADirectoryError):
        folders = []

    def version(p) -> tuple[int, ...]:
        return tuple(int(x) for x in re.findall(r"\d+", p.name))

    for folder in sorted(folders, key=version, reverse=True):
        js = folder / "vis-network.min.js"
        if js.is_file():
            code = js.read_text(encoding="utf-8")
            if re.search(r"</script|<!--", code, re.IGNORECASE):
                continue  # cannot be inlined safely
            return code, folder.name.removeprefix("vis-")
    raise AssetMissing(
        "vis-network not found in the pyvis package (pyvis/lib/vis-*/"
        "vis-network.min.js); reinstall pyvis>=0.3.2"
    )


@cache
def _own_asset(name: str) -> str:
    return (importlib_resources.files("cnai_kg") / "view" / name).read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    return (
        "'sha256-"
        + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
        + "'"
    )


def content_security_policy(scripts: Sequence[str], styles: Sequence[str]) -> str:
    """The page's CSP: only these inline scripts and styles (by hash), nothing fetched."""
    return "; ".join(
        [
            "default-src 'none'",
            "script-src " + " ".join(_sha256(s) for s in scripts),
            "style-src " + " ".join(_sha256(s) for s in styles),
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )


def build_page(data: dict, *, title: str, lang: str) -> str:
    """The HTML page for view ``data`` (see :meth:`GraphView.data`)."""
    vis_js, vis_version = vis_network_assets()
    view_js, css = _own_asset("view.js"), _own_asset("view.css")
    template = _own_asset("template.html")
    csp = content_security_policy([vis_js, view_js], [css])
    fields = {
        "lang": html.escape(lang, quote=True),
        "csp": html.escape(csp, quote=True),
        "title": html.escape(title),
        "vis_version": html.escape(vis_version),
        "css": css,
        "data": safe_json(data),
        "vis_js": vis_js,
        "view_js": view_js,
    }
    # One pass over the template: values are never scanned for placeholders.
    return re.sub(r"\{\{(\w+)\}\}", lambda m: fields[m.group(1)], template)
