"""The HTML view without a browser: what it shows, how it is built, and how the page is made safe.

Views are compared by their node and edge sets (never raw bytes); the page is
checked by parsing it. Browser behaviour is in ``test_browser_render.py``.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import re
from functools import partial
from html.parser import HTMLParser

import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cnai_kg import render as render_mod
from cnai_kg.errors import EntityNotFound, MissingFile, NoPath, UsageError
from cnai_kg.network import to_networkx
from cnai_kg.render import (
    PATH_COLOR,
    UI,
    VIEW_CLASSES,
    AssetMissing,
    GraphView,
    community_layout,
    safe_json,
    vis_network_assets,
)

# These tests check how the whole graph is drawn (scope="all"); the first view, the
# story, has its own tests in tests/test_story_view.py.
render = partial(render_mod.render, scope="all")

# A small graph in the project's model: two hubs' worth of places, a robotaxi
# service, and two partnerships of Uber, every relation with its statement.
MINI = """
kg:Article a cnai:Article ; rdfs:label "Test article"@en , "시험 기사"@ko .
kg:ex-wuhan a cnai:SourceExcerpt ; cnai:quote "우한은 세계 최대 무인 택시 운영 지역으로"@ko ;
    dcterms:isPartOf kg:Article .
kg:ex-beijing a cnai:SourceExcerpt ; cnai:quote "바이두 등 빅테크와 명문대가 밀집해"@ko ;
    dcterms:isPartOf kg:Article .
kg:ex-uae a cnai:SourceExcerpt ; cnai:quote "Pony.ai와 WeRide는 우버(Uber)와 손잡고"@ko ;
    dcterms:isPartOf kg:Article .

kg:China a cnai:Country ; rdfs:label "China"@en , "중국"@ko , "中国"@zh .
kg:JJJ a cnai:AIHub ; rdfs:label "Jing-Jin-Ji"@en , "징진지"@ko , "京津冀"@zh .
kg:Beijing a cnai:City ; rdfs:label "Beijing"@en , "베이징"@ko , "北京"@zh .
kg:Wuhan a cnai:City ; rdfs:label "Wuhan"@en , "우한"@ko , "武汉"@zh .
kg:UAE a cnai:Country ; rdfs:label "United Arab Emirates"@en , "아랍에미리트"@ko ;
    skos:altLabel "UAE"@en .
kg:Baidu a cnai:Company ; rdfs:label "Baidu"@en , "바이두"@ko , "百度"@zh .
kg:ApolloGo a cnai:Service ; rdfs:label "Apollo Go"@en , "아폴로 고"@ko , "萝卜快跑"@zh ;
    skos:altLabel "뤄버콰이파오"@ko .
kg:Uber a cnai:Company ; rdfs:label "Uber"@en , "우버"@ko , "优步"@zh .
kg:PonyAI a cnai:Company ; rdfs:label "Pony.ai"@en , "포니에이아이"@ko , "小马智行"@zh .
kg:WeRide a cnai:Company ; rdfs:label "WeRide"@en , "위라이드"@ko , "文远知行"@zh .
kg:Lonely a cnai:Company ; rdfs:label "Lonely"@en .
kg:robotaxi a cnai:Sector ; rdfs:label "Robotaxi"@en , "로보택시"@ko .
kg:role-tech a cnai:PartnerRole ; rdfs:label "technology provider"@en , "기술 제공자"@ko .
kg:role-platform a cnai:PartnerRole ; rdfs:label "platform operator"@en , "플랫폼 운영자"@ko .
kg:status-active a cnai:Status ; rdfs:label "active"@en , "진행 중"@ko .

kg:Beijing schema:containedInPlace kg:JJJ .
kg:JJJ schema:containedInPlace kg:China .
kg:Wuhan schema:containedInPlace kg:China .
kg:Baidu cnai:basedIn kg:Beijing .
kg:ApolloGo cnai:providedBy kg:Baidu ; cnai:operatesIn kg:Wuhan ; cnai:inSector kg:robotaxi .

kg:st-beijing-jjj a cnai:Statement , cnai:DefinitionalFact ;
    rdf:subject kg:Beijing ; rdf:predicate schema:containedInPlace ; rdf:object kg:JJJ ;
    rdfs:comment "Beijing is the core of Jing-Jin-Ji."@en .
kg:st-jjj-china a cnai:Statement , cnai:DefinitionalFact ;
    rdf:subject kg:JJJ ; rdf:predicate schema:containedInPlace ; rdf:object kg:China ;
    rdfs:comment "Jing-Jin-Ji lies in China."@en .
kg:st-wuhan-china a cnai:Statement , cnai:DefinitionalFact ;
    rdf:subject kg:Wuhan ; rdf:predicate schema:containedInPlace ; rdf:object kg:China ;
    rdfs:comment "Wuhan lies in China."@en .
kg:st-baidu-beijing a cnai:Statement ; rdf:subject kg:Baidu ; rdf:predicate cnai:basedIn ;
    rdf:object kg:Beijing ; prov:wasDerivedFrom kg:ex-beijing .
kg:st-apollo-baidu a cnai:Statement , cnai:DefinitionalFact ;
    rdf:subject kg:ApolloGo ; rdf:predicate cnai:providedBy ; rdf:object kg:Baidu ;
    rdfs:comment "Apollo Go is Baidu's robotaxi service."@en .
kg:st-apollo-wuhan a cnai:Statement ; rdf:subject kg:ApolloGo ; rdf:predicate cnai:operatesIn ;
    rdf:object kg:Wuhan ; prov:wasDerivedFrom kg:ex-wuhan .
kg:st-apollo-robotaxi a cnai:Statement ; rdf:subject kg:ApolloGo ; rdf:predicate cnai:inSector ;
    rdf:object kg:robotaxi ; prov:wasDerivedFrom kg:ex-wuhan .

kg:P1 a cnai:Partnership ; rdfs:label "Uber–Pony.ai partnership"@en ;
    cnai:hasParticipation [ a cnai:Participation ; org:member kg:PonyAI ; org:role kg:role-tech ] ,
                      [ a cnai:Participation ; org:member kg:Uber ; org:role kg:role-platform ] ;
    cnai:targetMarket kg:UAE ; cnai:status kg:status-active ; cnai:sector kg:robotaxi ;
    cnai:caveat "The source gives no start date."@en ;
    prov:wasDerivedFrom kg:ex-uae .
kg:P2 a cnai:Partnership ; rdfs:label "Uber–WeRide partnership"@en ;
    cnai:hasParticipation [ a cnai:Participation ; org:member kg:WeRide ; org:role kg:role-tech ] ,
                      [ a cnai:Participation ; org:member kg:Uber ; org:role kg:role-platform ] ;
    cnai:status kg:status-active ;
    prov:wasDerivedFrom kg:ex-uae .
"""

MINI_NODES = {
    "kg:ApolloGo",
    "kg:Baidu",
    "kg:Beijing",
    "kg:China",
    "kg:JJJ",
    "kg:Lonely",
    "kg:P1",
    "kg:P2",
    "kg:PonyAI",
    "kg:UAE",
    "kg:Uber",
    "kg:WeRide",
    "kg:Wuhan",
    "kg:robotaxi",
}
MINI_EDGES = {
    ("kg:ApolloGo", "cnai:inSector", "kg:robotaxi"),
    ("kg:ApolloGo", "cnai:operatesIn", "kg:Wuhan"),
    ("kg:ApolloGo", "cnai:providedBy", "kg:Baidu"),
    ("kg:Baidu", "cnai:basedIn", "kg:Beijing"),
    ("kg:Beijing", "schema:containedInPlace", "kg:JJJ"),
    ("kg:JJJ", "schema:containedInPlace", "kg:China"),
    ("kg:Wuhan", "schema:containedInPlace", "kg:China"),
    ("kg:P1", "cnai:targetMarket", "kg:UAE"),
    ("kg:P1", "cnai:sector", "kg:robotaxi"),
    ("kg:PonyAI", "cnai:Participation", "kg:P1"),
    ("kg:Uber", "cnai:Participation", "kg:P1"),
    ("kg:Uber", "cnai:Participation", "kg:P2"),
    ("kg:WeRide", "cnai:Participation", "kg:P2"),
}


@pytest.fixture
def mini(make_kg):
    return make_kg(MINI)


def labels(view: GraphView) -> dict[str, str]:
    return {n["id"]: n["label"] for n in view.nodes}


def edge(view: GraphView, source: str, relation: str, target: str) -> dict:
    (found,) = [
        e for e in view.edges if (e["from"], e["relation"], e["to"]) == (source, relation, target)
    ]
    return found


# --------------------------------------------------------------------------- what is shown


def test_whole_graph_nodes_and_edges(mini):
    view = render(mini)
    assert view.node_ids == MINI_NODES
    assert view.edge_triples == MINI_EDGES
    assert len(view.edges) == len(MINI_EDGES)
    assert {n["id"]: n["kind"] for n in view.nodes if n["id"] in {"kg:P1", "kg:UAE", "kg:JJJ"}} == {
        "kg:P1": "Partnership",
        "kg:UAE": "Country",
        "kg:JJJ": "AIHub",
    }


def test_shipped_view_is_the_network_projection(kg):
    G = to_networkx(kg, partnerships="nodes", claims=True, classes=VIEW_CLASSES, status="all")
    view = kg.render(scope="all")
    assert view.node_ids == set(G)
    assert view.edge_triples == {(u, d["relation"], v) for u, v, d in G.edges(data=True)}
    assert len(view.edges) == G.number_of_edges()
    assert {"kg:CATL", "kg:ApolloGo", "kg:Uber", "kg:PonyAI"} <= view.node_ids
    # sources and attribute values are details, not nodes
    kinds = {n["kind"] for n in view.nodes}
    assert not kinds & {"Report", "Article", "Status", "PartnerRole", "Other"}


def test_labels_in_the_chosen_language(mini):
    assert labels(render(mini, lang="ko"))["kg:ApolloGo"] == "아폴로 고"
    assert labels(render(mini, lang="zh"))["kg:ApolloGo"] == "萝卜快跑"
    assert labels(render(mini, lang="en"))["kg:ApolloGo"] == "Apollo Go"
    # no Chinese label: falls back to English
    assert labels(render(mini, lang="zh"))["kg:UAE"] == "United Arab Emirates"
    view = render(mini, lang="ko")
    assert edge(view, "kg:Baidu", "cnai:basedIn", "kg:Beijing")["label"] == "소재지"
    assert edge(view, "kg:PonyAI", "cnai:Participation", "kg:P1")["label"] == "기술 제공자"
    assert view.legend["kinds"][0] == {
        "key": "Company",
        "label": "기업",
        "shape": "dot",
        "color": "#1f77b4",
        "count": 5,
        "hidden": False,
    }
    assert view.title == "중국 AI 산업"
    assert render(mini, lang="zh").title == "中国人工智能产业"


def test_env_language_is_the_default(mini, monkeypatch):
    monkeypatch.setenv("CNAI_KG_LANG", "zh")
    assert render(mini).lang == "zh"


def test_every_label_and_alias_is_there_for_search(mini):
    info = render(mini, lang="en").node_info["kg:ApolloGo"]
    assert info["labels"] == {"en": ["Apollo Go"], "ko": ["아폴로 고"], "zh": ["萝卜快跑"]}
    assert info["aliases"] == {"ko": ["뤄버콰이파오"]}
    assert render(mini).node_info["kg:UAE"]["aliases"] == {"en": ["UAE"]}


def test_long_labels_are_shortened_on_the_canvas_only(make_kg):
    name = "A company with a very long descriptive name that goes on and on"
    view = render(make_kg(f'kg:X a cnai:Company ; rdfs:label "{name}"@en .'))
    assert view.nodes[0]["label"] == "A company with a very long descriptive na…"
    assert view.node_info["kg:X"]["label"] == name


# --------------------------------------------------------------------------- details


def test_edge_details_carry_quote_and_document(mini):
    view = render(mini, lang="ko")
    info = view.edge_info[edge(view, "kg:ApolloGo", "cnai:operatesIn", "kg:Wuhan")["id"]]
    assert info["fact"] == {
        "curie": "kg:st-apollo-wuhan",
        "quotes": ["우한은 세계 최대 무인 택시 운영 지역으로"],
        "documents": ["시험 기사"],
        "definitional": False,
        "caveats": [],
    }
    assert (info["from"], info["relation"], info["to"]) == ("아폴로 고", "운영 지역", "우한")
    definitional = view.edge_info[edge(view, "kg:ApolloGo", "cnai:providedBy", "kg:Baidu")["id"]]
    assert definitional["fact"]["definitional"] is True
    assert definitional["fact"]["quotes"] == []
    assert definitional["fact"]["why"] == "Apollo Go is Baidu's robotaxi service."


def test_fact_node_details(mini):
    view = render(mini, lang="en")
    info = view.node_info["kg:P1"]
    assert info["kind"] == "Partnership"
    assert info["fact"] == "kg:P1"
    assert view.facts["kg:P1"] == {
        "quotes": ["Pony.ai와 WeRide는 우버(Uber)와 손잡고"],
        "documents": ["Test article"],
        "definitional": False,
        "caveats": ["The source gives no start date."],
    }
    assert ["status", "active"] in info["attrs"]
    assert ["Role", "Pony.ai: technology provider"] in info["attrs"]
    assert ["Role", "Uber: platform operator"] in info["attrs"]
    # the partners' edges share the partnership's fact record
    link = edge(view, "kg:Uber", "cnai:Participation", "kg:P1")
    assert (link["fact"], link["role"]) == ("kg:P1", "platform operator")
    member = view.edge_info[link["id"]]
    assert member["role"] == "platform operator"
    assert member["fact"]["quotes"] == ["Pony.ai와 WeRide는 우버(Uber)와 손잡고"]


def test_node_details_carry_hub_file_and_measure(mini, make_ttl):
    view = render(mini, lang="en")
    info = view.node_info["kg:Baidu"]
    assert info["iri"] == "https://w3id.org/cnai-kg/resource/Baidu"
    assert ["AI hub", "Jing-Jin-Ji"] in info["attrs"]
    assert info["measure"] == ["Degree", 2.0]
    assert info["file"].endswith(".ttl")


# --------------------------------------------------------------------------- focus, path, filters


@pytest.mark.parametrize(
    "hops, expected",
    [
        (0, {"kg:ApolloGo"}),
        (1, {"kg:ApolloGo", "kg:Baidu", "kg:Wuhan", "kg:robotaxi"}),
        (
            2,
            {
                "kg:ApolloGo",
                "kg:Baidu",
                "kg:Wuhan",
                "kg:robotaxi",
                "kg:Beijing",
                "kg:China",
                "kg:P1",
            },
        ),
    ],
)
def test_focus_keeps_the_ego_network(mini, hops, expected):
    view = render(mini, focus="뤄버콰이파오", hops=hops)
    assert view.node_ids == expected
    assert view.focus == "kg:ApolloGo"
    assert view.title == "Apollo Go"
    assert view.edge_triples == {t for t in MINI_EDGES if {t[0], t[2]} <= expected}


def test_focus_agrees_with_networkx_on_the_shipped_graph(kg):
    # a focus view keeps every kind but, like the analyses, only reported and active facts
    G = to_networkx(kg, partnerships="nodes", claims=True, classes=VIEW_CLASSES)
    view = kg.render(focus="닝더스다이", hops=2)
    assert view.node_ids == set(nx.ego_graph(nx.Graph(G), "kg:CATL", radius=2))
    assert kg.render(focus="CATL").node_ids == set(nx.Graph(G)["kg:CATL"]) | {"kg:CATL"}


def test_path_is_highlighted_in_context(mini):
    view = render(mini, path=("小马智行", "위라이드"), hops=0)
    assert view.path == ["kg:PonyAI", "kg:P1", "kg:Uber", "kg:P2", "kg:WeRide"]
    assert view.node_ids == set(view.path)
    assert view.title == "Pony.ai → WeRide"
    highlighted = {(e["from"], e["to"]) for e in view.edges if e.get("width") == 4}
    assert highlighted == {
        ("kg:PonyAI", "kg:P1"),
        ("kg:Uber", "kg:P1"),
        ("kg:Uber", "kg:P2"),
        ("kg:WeRide", "kg:P2"),
    }
    assert all(e["color"]["color"] == PATH_COLOR for e in view.edges if e.get("width") == 4)
    assert [(h["fromLabel"], h["relation"], h["toLabel"], h["forward"]) for h in view.hops] == [
        ("Pony.ai", "Participation", "Uber–Pony.ai partnership", True),
        ("Uber–Pony.ai partnership", "Participation", "Uber", False),
        ("Uber", "Participation", "Uber–WeRide partnership", True),
        ("Uber–WeRide partnership", "Participation", "WeRide", False),
    ]
    assert view.hops[0]["quotes"] == ["Pony.ai와 WeRide는 우버(Uber)와 손잡고"]
    context = render(mini, path=("Pony.ai", "WeRide"))
    assert context.node_ids == set(view.path) | {"kg:UAE", "kg:robotaxi"}
    assert context.legend["path"] is True


def test_no_path(mini):
    with pytest.raises(NoPath, match="^no path from Lonely to Baidu$"):
        render(mini, path=("Lonely", "Baidu"))


def test_class_filter(mini):
    assert render(mini, classes=["Company"]).node_ids == {
        "kg:Baidu",
        "kg:Lonely",
        "kg:PonyAI",
        "kg:Uber",
        "kg:WeRide",
    }
    assert render(mini, classes=["Company"]).edges == []
    view = render(mini, classes=["기업", "cnai:City"])
    assert view.node_ids == {
        "kg:Baidu",
        "kg:Lonely",
        "kg:PonyAI",
        "kg:Uber",
        "kg:WeRide",
        "kg:Beijing",
        "kg:Wuhan",
    }
    assert view.edge_triples == {("kg:Baidu", "cnai:basedIn", "kg:Beijing")}
    # attribute values become nodes only when asked for
    assert "kg:status-active" in render(mini, classes=["Status"]).node_ids


def test_relation_filter_keeps_linked_nodes(mini):
    view = render(mini, relations=["basedIn", "운영 지역"])
    assert view.edge_triples == {
        ("kg:Baidu", "cnai:basedIn", "kg:Beijing"),
        ("kg:ApolloGo", "cnai:operatesIn", "kg:Wuhan"),
    }
    assert view.node_ids == {"kg:Baidu", "kg:Beijing", "kg:ApolloGo", "kg:Wuhan"}


def test_collapsed_partnerships(mini):
    view = render(mini, partnerships="collapse")
    assert ("kg:PonyAI", "cnai:Partnership", "kg:Uber") in view.edge_triples
    assert "kg:P1" not in view.node_ids


# --------------------------------------------------------------------------- size and colour


@pytest.mark.parametrize(
    "measure, func",
    [
        ("degree", lambda H: dict(H.degree())),
        ("pagerank", nx.pagerank),
        ("betweenness", nx.betweenness_centrality),
    ],
)
def test_sizes_are_networkx_measures(kg, measure, func):
    G = to_networkx(kg, partnerships="nodes", claims=True, classes=VIEW_CLASSES, status="all")
    expected = func(nx.Graph(G))
    view = kg.render(size_by=measure, scope="all")
    assert {n["id"]: n["value"] for n in view.nodes} == {
        n: round(float(v), 6) for n, v in expected.items()
    }
    assert view.meta["sizeBy"] == measure


def test_color_by_hub(mini):
    view = render(mini, color_by="hub", lang="en")
    colors = {
        n["id"]: view.options["groups"][n["group"]]["color"]["background"] for n in view.nodes
    }
    assert (
        colors["kg:Baidu"]
        == colors["kg:Beijing"]
        == colors["kg:JJJ"]
        == colors["kg:ApolloGo"]
        == render_mod.PALETTE[0]
    )
    assert colors["kg:Uber"] == render_mod.NONE_COLOR
    assert view.legend["groups"] == [
        {"label": "Jing-Jin-Ji", "color": "#1f77b4", "count": 4},
        {"label": "none", "color": "#cfcfcf", "count": 10},
    ]
    assert view.node_info["kg:Baidu"]["group"] == "Jing-Jin-Ji"


def test_color_by_sector(mini):
    view = render(mini, color_by="sector", lang="ko")
    groups = {g["label"]: g["count"] for g in view.legend["groups"]}
    assert groups == {"로보택시": 2, "없음": 12}
    assert {k["color"] for k in view.legend["kinds"]} == {render_mod.NONE_COLOR}


# --------------------------------------------------------------------------- layout


def test_small_views_settle_then_stop(mini):
    view = render(mini)
    physics = view.options["physics"]
    assert physics["enabled"] is True
    assert physics["stabilization"]["enabled"] is True
    assert physics["stabilization"]["iterations"] == 200
    # physics starts from the networkx layout, so it needs few iterations
    assert {n["id"]: (n["x"], n["y"]) for n in view.nodes} == community_layout(
        to_networkx(mini, partnerships="nodes", claims=True, classes=VIEW_CLASSES, status="all"),
        seed=7,
    )
    assert view.meta["layout"] == "physics"


def test_large_views_get_a_precomputed_layout(mini):
    view = render(mini, layout_threshold=5)
    assert view.options["physics"] == {"enabled": False}
    assert view.options["edges"]["smooth"] is False
    assert all(math.isfinite(n["x"]) and math.isfinite(n["y"]) for n in view.nodes)
    assert view.meta["layout"] == "precomputed"
    assert render(mini, layout="precomputed").meta["layout"] == "precomputed"
    assert render(mini, layout="physics", layout_threshold=5).meta["layout"] == "physics"


def test_community_layout_places_every_node_reproducibly():
    G = nx.connected_caveman_graph(30, 12)  # 360 nodes in 30 cliques
    pos = community_layout(G, seed=3)
    assert set(pos) == set(G)
    assert pos == community_layout(G, seed=3)
    assert len(set(pos.values())) == len(G)
    big = nx.barabasi_albert_graph(2500, 2, seed=1)
    assert set(community_layout(big, max_community=200)) == set(big)


def test_views_are_built_without_pyvis_add_node(mini, monkeypatch):
    import pyvis.network

    def refuse(*args, **kwargs):
        raise AssertionError("built node by node")

    monkeypatch.setattr(pyvis.network.Network, "add_node", refuse)
    monkeypatch.setattr(pyvis.network.Network, "add_edge", refuse)
    assert render(mini, layout_threshold=5).save  # builds fine


# --------------------------------------------------------------------------- the page


class Page(HTMLParser):
    """Tags, attributes and the text of every <script> and <style> of a page."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[tuple[dict, str]] = []
        self.styles: list[str] = []
        self._in: tuple[str, dict] | None = None
        self._buf: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._in, self._buf = (tag, dict(attrs)), []

    def handle_data(self, data):
        if self._in:
            self._buf.append(data)

    def handle_endtag(self, tag):
        if self._in and tag == self._in[0]:
            text = "".join(self._buf)
            if tag == "script":
                self.scripts.append((self._in[1], text))
            else:
                self.styles.append(text)
            self._in = None

    def meta_csp(self) -> str:
        (csp,) = [
            a["content"]
            for t, a in self.tags
            if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"
        ]
        return csp


def sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_page_loads_nothing_from_anywhere(mini):
    text = render(mini).html
    page = Page(text)
    assert [t for t, a in page.tags if "src" in a or "href" in a] == []
    assert not [t for t, _ in page.tags if t in ("link", "iframe", "img", "object", "embed")]
    assert "bootstrap" not in text.lower()
    assert "cdn" not in text.lower().replace("cdnjs", "")
    code, version = vis_network_assets()
    assert [s for _, s in page.scripts][1] == code
    assert f"vis-network {version}" in text


def test_content_security_policy_pins_every_script_and_style(mini):
    page = Page(render(mini).html)
    csp = dict(d.strip().split(" ", 1) for d in page.meta_csp().split(";"))
    executable = [text for attrs, text in page.scripts if attrs.get("type") != "application/json"]
    assert len(executable) == 2
    assert csp == {
        "default-src": "'none'",
        "script-src": " ".join(sha(s) for s in executable),
        "style-src": sha(page.styles[0]),
        "img-src": "data:",
        "base-uri": "'none'",
        "form-action": "'none'",
    }
    # the policy comes before anything it governs
    names = [t for t, _ in page.tags]
    assert names.index("meta") < names.index("style") < names.index("script")


HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(2)</script>",
    "<!--<script>alert(3)//",
    '"><svg onload=alert(4)>',
    "\u2028\u2029 & &amp; ' \" `${alert(5)}`",
]


def test_hostile_text_stays_data(make_kg):
    body = "".join(
        f"kg:H{i} a cnai:Company ; rdfs:label {json.dumps(text)}@en ; "
        f"cnai:caveat {json.dumps(text)}@en .\n"
        for i, text in enumerate(HOSTILE)
    )
    view = render(make_kg(body), title=HOSTILE[0])
    text = view.html
    page = Page(text)
    data_blocks = [s for a, s in page.scripts if a.get("type") == "application/json"]
    assert len(data_blocks) == 1 and len(page.scripts) == 3
    data = json.loads(data_blocks[0])
    assert sorted(n["label"] for n in data["nodes"]) == sorted(
        render_mod.data._shorten(t) for t in HOSTILE
    )
    for needle in ("<img", "<svg", "</script><script>", "<!--", "\u2028"):
        assert needle not in data_blocks[0]
    assert text.count("</script") == 3
    assert "<title>&lt;img src=x onerror=alert(1)&gt;</title>" in text
    assert [t for t, _ in page.tags if t in ("img", "svg")] == []


@given(
    st.recursive(
        st.text() | st.integers() | st.booleans() | st.none(),
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
        ),
        max_leaves=12,
    )
)
def test_safe_json_round_trips_and_never_closes_a_script(value):
    out = safe_json(value)
    assert json.loads(out) == value
    assert not set(out) & {"<", ">", "&", "\u2028", "\u2029"}


def test_vis_network_comes_from_the_pyvis_package():
    import pyvis

    code, version = vis_network_assets()
    path = pyvis.__path__[0] + f"/lib/vis-{version}/vis-network.min.js"
    with open(path, encoding="utf-8") as fh:
        assert fh.read() == code
    assert "</script" not in code.lower()


def test_missing_vis_network_is_one_clear_error(monkeypatch, tmp_path):
    (tmp_path / "lib").mkdir()
    monkeypatch.setattr(
        render_mod.page, "_package_dir", lambda package: tmp_path if package == "pyvis" else None
    )
    with pytest.raises(AssetMissing, match=r"^vis-network not found in the pyvis package"):
        vis_network_assets.__wrapped__()
    monkeypatch.setattr(render_mod.page, "_package_dir", lambda package: None)  # not installed
    with pytest.raises(AssetMissing, match=r"^vis-network not found in the pyvis package"):
        vis_network_assets.__wrapped__()


def test_notebook_display_is_a_sandboxed_srcdoc_iframe(mini):
    view = render(mini)
    out = view._repr_html_()
    match = re.fullmatch(
        r'<iframe title="([^"]*)" sandbox="allow-scripts" style="[^"]*" '
        r'srcdoc="([^"]*)"></iframe>',
        out,
    )
    assert match
    assert html.unescape(match.group(2)) == view.html
    assert repr(view) == '<GraphView "China\'s AI industry": 14 nodes, 13 edges, lang=en>'


def test_save_writes_atomically(mini, tmp_path, monkeypatch):
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "view.html"
    assert render(mini).save(target) == target
    assert Page(target.read_text(encoding="utf-8")).meta_csp().startswith("default-src 'none'")
    with pytest.raises(MissingFile, match="no such directory"):
        render(mini).save(folder / "nope" / "view.html")
    target.write_text("old", encoding="utf-8")

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.fsync", disk_full)
    with pytest.raises(OSError, match="No space left"):
        render(mini).save(target)
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in folder.iterdir()] == ["view.html"]


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (
            {"size_by": "closeness"},
            "unknown size measure 'closeness'; choose one of: degree, pagerank, betweenness",
        ),
        ({"color_by": "region"}, "unknown colouring 'region'; choose one of: class, hub, sector"),
        (
            {"layout": "circle"},
            "unknown layout 'circle'; choose one of: auto, physics, precomputed",
        ),
        ({"lang": "fr"}, "unknown language 'fr'; choose one of: en, ko, zh"),
        (
            {"partnerships": "edges"},
            "unknown partnerships mode 'edges'; choose one of: collapse, nodes",
        ),
        ({"focus": "Uber", "path": ("Uber", "Baidu")}, "give either --focus or --path, not both"),
        ({"hops": 2}, "--hops needs --focus or --path"),
        ({"focus": "Uber", "hops": -1}, "--hops must be 0 or more, not -1"),
        ({"path": ("Uber",)}, "a path needs exactly two entities"),
        ({"path": ("Uber", "우버")}, "Uber is both ends of the path"),
        ({"focus": "active"}, "active (cnai:Status) is not a node of the network"),
        ({"classes": ["Law"]}, "nothing to render: no entity of the chosen classes"),
    ],
)
def test_usage_errors(mini, kwargs, message):
    with pytest.raises(UsageError) as err:
        render(mini, **kwargs)
    assert str(err.value) == message


def test_unknown_entity(mini):
    with pytest.raises(EntityNotFound, match="^unknown entity 'Ubr'; closest matches: Uber"):
        render(mini, focus="Ubr")


def test_kg_render_door(mini):
    view = mini.render(focus="Uber")
    assert isinstance(view, GraphView)
    assert view.node_ids == {"kg:Uber", "kg:P1", "kg:P2"}


def test_interface_strings_exist_in_every_language():
    assert UI.keys() == {"en", "ko", "zh"}
    assert all(UI[lang].keys() == UI["en"].keys() for lang in UI)


def test_same_view_on_the_rdflib_store(kg):
    import cnai_kg

    other = cnai_kg.load(store="rdflib").render(lang="ko", scope="all")
    view = kg.render(lang="ko", scope="all")
    assert (other.node_ids, other.edge_triples) == (view.node_ids, view.edge_triples)
    assert (other.node_info, other.facts) == (view.node_info, view.facts)
