"""How a view looks: node kinds, colours, interface strings, fonts, vis-network options."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS

from ..kg import _LABEL_PREDICATES
from ..namespaces import CNAI, ORG

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
