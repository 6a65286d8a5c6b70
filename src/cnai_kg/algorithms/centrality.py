"""Who is central: centrality measures on the entity network, as RDF and as a chart.

Each measure runs on the simple graph behind the projection: ``nx.Graph(G)``
(direction dropped, parallel edges merged) by default, ``nx.DiGraph(G)`` with
``directed=True``. On the networkx engine the scores are exactly what the
networkx function of the same name returns for that graph; the igraph engine
(:mod:`.engine`, chosen by ``auto`` above
:data:`~cnai_kg.algorithms.engine.AUTO_IGRAPH_ABOVE` nodes) returns the same
values within convergence tolerance. Betweenness and closeness are estimated
from sampled sources on large graphs, and the result says so (``sample``).

Examples
--------
>>> import cnai_kg
>>> result = centrality(cnai_kg.load(), "degree", classes=["Company"], top=1)
>>> result.measure, len(result.scores)
('degree', 1)
"""

from __future__ import annotations

import io
import json
import warnings
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from hashlib import sha1

import networkx as nx
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, XSD

from ..errors import UsageError
from ..kg import LANGS, KnowledgeGraph, default_lang
from ..namespaces import CNAI, KG, PREFIXES, SCHEMA
from ..network import analysis_network, nodes_of_classes
from .engine import MEASURES, SimpleNetwork, cached, choose_engine, default_sample

__all__ = [
    "MEASURES",
    "CentralityResult",
    "Score",
    "centrality",
    "centrality_chart",
    "centrality_rdf",
    "simple_graph",
]

_TITLES = {
    "degree": {"en": "Degree centrality", "ko": "연결 중심성", "zh": "度中心性"},
    "betweenness": {"en": "Betweenness centrality", "ko": "매개 중심성", "zh": "介数中心性"},
    "closeness": {"en": "Closeness centrality", "ko": "근접 중심성", "zh": "接近中心性"},
    "pagerank": {"en": "PageRank", "ko": "페이지랭크", "zh": "PageRank"},
    "eigenvector": {
        "en": "Eigenvector centrality",
        "ko": "고유벡터 중심성",
        "zh": "特征向量中心性",
    },
    "harmonic": {"en": "Harmonic centrality", "ko": "조화 중심성", "zh": "调和中心性"},
}
_CJK_FAMILIES = {"ko": "Noto Sans CJK KR", "zh": "Noto Sans CJK SC", "en": "Noto Sans CJK KR"}


@dataclass(frozen=True)
class Score:
    """One entity's score. ``rank`` is shared by ties (1, 2, 2, 4)."""

    node: str
    label: str
    cls: str
    class_label: str
    score: float
    rank: int
    group: bool = False  # a collectively named group (cnai:ActorGroup), not one actor


@dataclass
class CentralityResult:
    """Scores of one measure, best first, with what produced them.

    ``engine`` is the graph engine that computed them (``networkx`` or
    ``igraph``). ``sample`` is None for exact scores, else the number of
    sampled source nodes the scores are estimated from (``seed`` draws them).
    """

    measure: str
    directed: bool
    parameters: dict
    scores: list[Score]
    nodes: int
    edges: int
    projection: dict = field(default_factory=dict)
    engine: str = "networkx"
    sample: int | None = None
    seed: int | None = None

    @property
    def estimated(self) -> bool:
        """True when the scores are estimates from sampled sources."""
        return self.sample is not None

    def to_dict(self) -> dict:
        """Plain data for JSON."""
        return {
            "measure": self.measure,
            "directed": self.directed,
            "engine": self.engine,
            "estimated": self.estimated,
            "sample": self.sample,
            "parameters": self.parameters,
            "projection": self.projection,
            "nodes": self.nodes,
            "edges": self.edges,
            "scores": [asdict(s) for s in self.scores],
        }

    def to_frame(self):
        """The scores as a pandas DataFrame (rank, node, label, class, score); needs pandas."""
        import pandas as pd

        rows = [
            {
                "rank": s.rank,
                "node": s.node,
                "label": s.label,
                "class": s.class_label,
                "group": s.group,
                "score": s.score,
            }
            for s in self.scores
        ]
        return pd.DataFrame(rows, columns=["rank", "node", "label", "class", "group", "score"])


def simple_graph(G: nx.Graph, *, directed: bool = False) -> nx.Graph:
    """The simple graph a measure runs on: ``nx.Graph(G)`` or ``nx.DiGraph(G)``."""
    if directed:
        if not G.is_directed():
            raise UsageError("the network is undirected; project it with directed=True")
        return nx.DiGraph(G)
    return nx.Graph(G)


def centrality(
    graph,
    measure: str = "degree",
    *,
    directed: bool = False,
    classes: Iterable[str] | None = None,
    top: int | None = None,
    lang: str | None = None,
    engine: str = "auto",
    sample: int | None = None,
    seed: int | None = 0,
    **projection,
) -> CentralityResult:
    """Rank the entities by a centrality measure.

    Parameters
    ----------
    graph : a KnowledgeGraph, or a network from :func:`cnai_kg.network.to_networkx`
    measure : one of :data:`MEASURES` (degree, betweenness, closeness, pagerank,
        eigenvector, harmonic)
    directed : follow the direction of relations (``nx.DiGraph``) instead of
        ignoring it (``nx.Graph``)
    classes : rank only entities of these classes (e.g. ``["Company"]``); the
        scores are still computed on the whole network
    top : keep the best ``top`` scores
    lang : label language; ``projection`` (partnerships, relations, claims ...)
        goes to :func:`~cnai_kg.network.to_networkx` when ``graph`` is a
        KnowledgeGraph
    engine : ``auto`` (igraph above
        :data:`~cnai_kg.algorithms.engine.AUTO_IGRAPH_ABOVE` nodes, else
        networkx), ``networkx`` or ``igraph``
    sample : betweenness and closeness only: estimate from this many sampled
        source nodes; None for the default (exact up to
        :data:`~cnai_kg.algorithms.engine.SAMPLE_ABOVE` nodes, then
        :data:`~cnai_kg.algorithms.engine.DEFAULT_SAMPLE` sources), 0 for exact
    seed : draws the sampled sources

    Examples
    --------
    >>> import cnai_kg, networkx as nx
    >>> G = cnai_kg.load().to_networkx()
    >>> result = centrality(G, "betweenness")
    >>> nx.betweenness_centrality(nx.Graph(G))["kg:Uber"] == next(
    ...     s.score for s in result.scores if s.node == "kg:Uber")
    True
    """
    if measure not in MEASURES:
        raise UsageError(f"unknown measure {measure!r}; choose one of: {', '.join(MEASURES)}")
    if top is not None and top < 1:
        raise UsageError(f"--top must be at least 1, not {top}")
    kg = graph if isinstance(graph, KnowledgeGraph) else None
    G = analysis_network(graph, lang=lang, **projection)
    if directed and not G.is_directed():
        raise UsageError("the network is undirected; project it with directed=True")
    net = cached(
        G, ("simple", directed), lambda: SimpleNetwork.from_multigraph(G, directed=directed)
    )
    _, params = MEASURES[measure]
    k = default_sample(measure, len(net), sample)
    runner = choose_engine(engine, len(net))
    values, function = runner.centrality(net, measure, sample=k, seed=seed)
    keep = nodes_of_classes(G, classes, kg) if classes else set(G)
    labels = dict(G.nodes(data="label"))
    rows = sorted(
        ((n, v) for n, v in values.items() if n in keep),
        # scores equal but for the last bits of a float sum (its order follows Python's
        # per-process string hashing) are ties: ordered by label, the same in every run
        key=lambda nv: (-float(f"{nv[1]:.12g}"), _or(labels.get(nv[0]), nv[0]), nv[0]),
    )
    scores: list[Score] = []
    last: tuple[float, int] | None = None  # score and rank of the row before
    for i, (node, value) in enumerate(rows):
        rank = last[1] if last is not None and _same(last[0], value) else i + 1
        last = (float(value), rank)
        if top is not None and len(scores) >= top:
            break  # the attributes of what is shown only
        d = G.nodes[node]
        scores.append(
            Score(
                node=node,
                label=d.get("label", node),
                cls=d.get("class", ""),
                class_label=d.get("class_label", ""),
                score=float(value),
                rank=rank,
                group=d.get("group") == "true",
            )
        )
    if top is not None:
        scores = scores[:top]
    projection_info = {k: v for k, v in G.graph.items() if k != "name"}
    parameters = {
        "function": function,
        **params,
        "graph": "DiGraph" if directed else "Graph",
    }
    if k is not None:
        parameters.update({"sample": k, "seed": seed})
    if classes:
        parameters["classes"] = sorted(str(c) for c in classes)
    return CentralityResult(
        measure=measure,
        directed=directed,
        parameters=parameters,
        scores=scores,
        nodes=len(net),
        edges=net.edges,
        projection=projection_info,
        engine=runner.name,
        sample=k,
        seed=seed if k is not None else None,
    )


def _or(value: str | None, default: str) -> str:
    return default if value is None else value


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-12 * max(1.0, abs(a), abs(b))


# --------------------------------------------------------------------------- RDF


def centrality_rdf(
    result: CentralityResult, kg: KnowledgeGraph | None = None, *, generated: datetime | None = None
) -> Graph:
    """The scores as ``cnai:CentralityScore`` nodes.

    Each has ``cnai:scoreOf`` (the entity), ``cnai:measure``, ``schema:value``,
    ``cnai:parameters`` (the measure's parameters and the projection, JSON) and
    ``prov:generatedAtTime``. Load the file back with ``--data`` to query them.

    Examples
    --------
    >>> import cnai_kg
    >>> kg = cnai_kg.load()
    >>> g = centrality_rdf(centrality(kg, "degree", top=3), kg)
    >>> len(set(g.subjects(RDF.type, CNAI.CentralityScore)))
    3
    """
    generated = generated or datetime.now(UTC).replace(microsecond=0)
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, override=True)
    params = json.dumps(
        {
            "measure": result.measure,
            "directed": result.directed,
            **result.parameters,
            "projection": result.projection,
        },
        ensure_ascii=False,
        sort_keys=True,
    )
    stamp = Literal(generated.isoformat(), datatype=XSD.dateTime)
    for s in result.scores:
        iri = _entity_iri(s.node, kg)
        local = str(iri).rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        if not str(iri).startswith(str(KG)) or not local:
            local = sha1(str(iri).encode()).hexdigest()[:12]
        node = URIRef(f"{KG}centrality/{result.measure}/{local}")
        g.add((node, RDF.type, CNAI.CentralityScore))
        g.add((node, CNAI.scoreOf, iri))
        g.add((node, CNAI.measure, Literal(result.measure)))
        g.add((node, SCHEMA.value, Literal(s.score, datatype=XSD.double)))
        g.add((node, CNAI.parameters, Literal(params)))
        g.add((node, PROV.generatedAtTime, stamp))
        name = kg.label(iri, "en") if kg is not None else s.label
        g.add((node, RDFS.label, Literal(f"{result.measure} centrality of {name}", lang="en")))
    return g


def _entity_iri(node: str, kg: KnowledgeGraph | None) -> URIRef:
    if kg is not None:
        return kg.resolve(node)
    prefix, _, local = node.partition(":")
    if prefix in PREFIXES:
        return URIRef(PREFIXES[prefix] + local)
    return URIRef(node.strip("<>"))


# --------------------------------------------------------------------------- chart


def cjk_font_family(lang: str | None = None) -> list[str]:
    """Font families for a chart: a Noto Sans CJK face when installed, then DejaVu Sans.

    Warns (once per call) when no CJK font is installed: Korean and Chinese
    labels would show as boxes.
    """
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    want = _CJK_FAMILIES.get(lang or "en", "Noto Sans CJK KR")
    found = [want] if want in names else sorted(n for n in names if n.startswith("Noto Sans CJK"))
    if not found:
        warnings.warn(
            "no Noto Sans CJK font found (install fonts-noto-cjk): Korean and "
            "Chinese labels will not render",
            stacklevel=2,
        )
    return [*found[:1], "DejaVu Sans"]


def centrality_chart(
    result: CentralityResult,
    *,
    lang: str | None = None,
    title: str | None = None,
    top: int | None = 15,
) -> bytes:
    """A horizontal bar chart of the best scores, as PNG bytes.

    Labels are those of the result (the language it was computed with);
    ``lang`` picks the title's language and the CJK font. Bars are coloured by
    class.
    """
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    lang = lang or result.projection.get("lang") or default_lang()
    if lang not in LANGS:
        raise UsageError(f"unknown language {lang!r}; choose one of: {', '.join(LANGS)}")
    scores = result.scores[:top] if top else result.scores
    if not scores:
        raise UsageError("no scores to plot")
    title = title or f"{_TITLES[result.measure][lang]} — cnai-kg"
    classes = list(dict.fromkeys(s.class_label or s.cls for s in scores))
    from matplotlib import colormaps

    palette = colormaps["tab10"]
    colour = {c: palette(i % 10) for i, c in enumerate(classes)}
    with rc_context({"font.family": cjk_font_family(lang), "axes.unicode_minus": False}):
        fig = Figure(figsize=(8, 0.42 * len(scores) + 1.6), dpi=120)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        ordered = list(reversed(scores))
        ax.barh(
            [s.label for s in ordered],
            [s.score for s in ordered],
            color=[colour[s.class_label or s.cls] for s in ordered],
        )
        for i, s in enumerate(ordered):
            ax.text(s.score, i, f" {s.score:.3f}", va="center", fontsize=8)
        ax.set_title(title)
        ax.set_xlabel(_TITLES[result.measure][lang])
        ax.margins(x=0.15)
        ax.spines[["top", "right"]].set_visible(False)
        ax.legend(
            handles=[Patch(color=colour[c], label=c) for c in classes],
            loc="lower right",
            fontsize=8,
            frameon=False,
        )
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
    return buf.getvalue()
