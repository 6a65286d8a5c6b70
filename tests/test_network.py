"""The networkx projection (cnai_kg.network.to_networkx) and its exports."""

from __future__ import annotations

import io
import json

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_network_fixture import MINI, load_mini

from cnai_kg.errors import UsageError
from cnai_kg.namespaces import SCHEMA
from cnai_kg.network import (
    EDGE_ATTRIBUTES,
    NODE_ATTRIBUTES,
    export_network,
    find_node,
    resolve_relations,
    to_networkx,
    write_network,
    xml_safe,
)


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    """The MINI graph, loaded once for this module (do not mutate)."""
    return load_mini(tmp_path_factory.mktemp("mini"))


MINI_NODES = [
    "kg:Alpha",
    "kg:Beta",
    "kg:Delta",
    "kg:Gamma",
    "kg:Hub",
    "kg:KoreanMakers",
    "kg:Land",
    "kg:Market",
    "kg:Metro",
    "kg:Svc",
    "kg:sector-x",
    "kg:tech-cam",
]

MINI_EDGES = [  # (u, v, key, relation, evidence) of the default projection
    ("kg:Alpha", "kg:Beta", "kg:P1", "cnai:Partnership", "quote"),
    ("kg:Alpha", "kg:Market", "kg:P1", "cnai:targetMarket", "quote"),
    ("kg:Alpha", "kg:Metro", "kg:st1", "cnai:basedIn", "quote"),
    ("kg:Alpha", "kg:sector-x", "kg:st2", "cnai:inSector", "quote"),
    ("kg:Beta", "kg:Alpha", "kg:P1", "cnai:Partnership", "quote"),
    ("kg:Beta", "kg:Gamma", "kg:P2", "cnai:Partnership", "quote"),
    ("kg:Beta", "kg:Market", "kg:P1", "cnai:targetMarket", "quote"),
    ("kg:Delta", "kg:Market", "cnai:operatesIn", "cnai:operatesIn", "none"),
    ("kg:Gamma", "kg:Beta", "kg:P2", "cnai:Partnership", "quote"),
    ("kg:Gamma", "kg:tech-cam", "kg:st4", "cnai:demands", "quote"),
    ("kg:Hub", "kg:Land", "kg:def2", "schema:containedInPlace", "definitional"),
    ("kg:KoreanMakers", "kg:Gamma", "kg:O1", "cnai:Opportunity", "quote"),
    ("kg:KoreanMakers", "kg:Land", "kg:O1", "cnai:targetMarket", "quote"),
    ("kg:KoreanMakers", "kg:tech-cam", "kg:O1", "cnai:technology", "quote"),
    ("kg:KoreanMakers", "kg:tech-cam", "kg:st5", "cnai:specializesIn", "quote"),
    ("kg:Metro", "kg:Hub", "kg:def1", "schema:containedInPlace", "definitional"),
    ("kg:Svc", "kg:Beta", "kg:st3", "cnai:providedBy", "quote"),
]


def edge_set(G):
    return sorted(
        (u, v, k, d["relation"], d["evidence"]) for u, v, k, d in G.edges(keys=True, data=True)
    )


# --------------------------------------------------------------------------- projection


def test_default_projection_nodes_and_edges(mini):
    G = mini.to_networkx(status="all")
    assert isinstance(G, nx.MultiDiGraph)
    assert sorted(G) == MINI_NODES
    assert edge_set(G) == MINI_EDGES


def test_node_attributes(mini):
    G = mini.to_networkx(status="all", lang="ko")
    assert G.nodes["kg:Alpha"] == {
        "iri": "https://w3id.org/cnai-kg/resource/Alpha",
        "label": "알파",
        "label_en": "Alpha",
        "label_ko": "알파",
        "label_zh": "阿尔法",
        "class": "cnai:Company",
        "class_label": "기업",
        "types": "cnai:Company",
        "hub": "허브",
        "region": "랜드",
        "sector": "로봇",
        "group": "false",
    }
    assert G.nodes["kg:KoreanMakers"]["group"] == "true"  # a cnai:ActorGroup
    # a missing label is an empty string, the label falls back to English
    assert G.nodes["kg:Delta"]["label"] == "Delta"
    assert G.nodes["kg:Delta"]["label_ko"] == ""
    assert G.nodes["kg:Svc"]["types"] == "cnai:Offering cnai:Service"
    # places know their own hub and country
    assert (G.nodes["kg:Metro"]["hub"], G.nodes["kg:Metro"]["region"]) == ("허브", "랜드")
    assert G.nodes["kg:Land"]["region"] == "랜드"


def test_collapsed_partnership_keeps_partnership_roles_and_quote(mini):
    G = mini.to_networkx(status="all")
    d = G.edges["kg:Alpha", "kg:Beta", "kg:P1"]
    assert d["relation"] == "cnai:Partnership"
    assert d["fact"] == d["partnership"] == "https://w3id.org/cnai-kg/resource/P1"
    assert d["fact_label"] == "Alpha–Beta partnership"
    assert d["roles"] == "Alpha: Technology provider; Beta: Platform operator"
    assert (d["subject_role"], d["object_role"]) == ("Technology provider", "Platform operator")
    assert d["quote"] == "알파와 베타가 손잡았다"
    assert (d["document"], d["report"]) == ("Mini article", "Mini report")
    assert (d["status"], d["target_market"]) == ("Active", "Market")
    back = G.edges["kg:Beta", "kg:Alpha", "kg:P1"]
    assert (back["subject_role"], back["object_role"]) == (
        "Platform operator",
        "Technology provider",
    )
    assert G.edges["kg:Beta", "kg:Gamma", "kg:P2"]["caveat"] == "Only proposed."


def test_definitional_and_unsourced_edges(mini):
    G = mini.to_networkx(status="all")
    d = G.edges["kg:Metro", "kg:Hub", "kg:def1"]
    assert (d["evidence"], d["quote"], d["why"]) == ("definitional", "", "Metro lies in Hub.")
    assert (
        d["relation_label"]
        == mini.label(SCHEMA.containedInPlace, "en")
        != "schema:containedInPlace"
    )
    d = G.edges["kg:Delta", "kg:Market", "cnai:operatesIn"]
    assert (d["evidence"], d["fact"], d["quote"]) == ("none", "", "")


def test_every_attribute_is_a_string(mini):
    G = mini.to_networkx(status="all", partnerships="nodes", claims=True)
    for _, d in G.nodes(data=True):
        assert set(d) == set(NODE_ATTRIBUTES)
        assert all(isinstance(v, str) for v in d.values())
    for *_, d in G.edges(data=True):
        assert set(d) == set(EDGE_ATTRIBUTES)
        assert all(isinstance(v, str) for v in d.values())
    assert all(isinstance(v, str) for v in G.graph.values())


def test_bipartite_view(mini):
    G = mini.to_networkx(status="all", partnerships="nodes")
    assert sorted(G) == sorted([*MINI_NODES, "kg:O1", "kg:P1", "kg:P2"])
    assert G.nodes["kg:P1"]["class"] == "cnai:Partnership"
    participation = G.edges["kg:Alpha", "kg:P1", "kg:P1"]
    assert (participation["relation"], participation["subject_role"]) == (
        "cnai:Participation",
        "Technology provider",
    )
    assert sorted(
        (u, v, d["relation"])
        for u, v, d in G.edges(data=True)
        if "kg:P1" in (u, v) or "kg:O1" in (u, v)
    ) == [
        ("kg:Alpha", "kg:P1", "cnai:Participation"),
        ("kg:Beta", "kg:P1", "cnai:Participation"),
        ("kg:O1", "kg:Gamma", "cnai:counterparty"),
        ("kg:O1", "kg:KoreanMakers", "cnai:beneficiary"),
        ("kg:O1", "kg:Land", "cnai:targetMarket"),
        ("kg:O1", "kg:P2", "cnai:proposedPartnership"),
        ("kg:O1", "kg:tech-cam", "cnai:technology"),
        ("kg:P1", "kg:Market", "cnai:targetMarket"),
    ]
    assert G.number_of_edges() == 18


def test_undirected_has_one_edge_per_fact(mini):
    G = mini.to_networkx(status="all", directed=False)
    assert isinstance(G, nx.MultiGraph) and not G.is_directed()
    assert G.number_of_edges() == 15
    assert G.number_of_edges("kg:Alpha", "kg:Beta") == 1
    # the RDF direction is still on the edge
    d = G.edges["kg:Beta", "kg:Svc", "kg:st3"]
    assert (d["subject"], d["object"]) == ("kg:Svc", "kg:Beta")


RISKS = """
kg:Law1 a cnai:Law ; rdfs:label "Data law"@en , "데이터법"@ko .
kg:exR a cnai:SourceExcerpt ; dcterms:isPartOf kg:Art ; cnai:quote "데이터법 리스크"@ko .
kg:R1 a cnai:Risk ; rdfs:label "Data-law risk"@en ; cnai:affects kg:KoreanMakers ;
    cnai:concernsLaw kg:Law1 ; cnai:region kg:Land ; cnai:mitigatedBy kg:M1 ;
    prov:wasDerivedFrom kg:exR .
kg:M1 a cnai:Mitigation ; rdfs:label "Go with Delta"@en ; cnai:beneficiary kg:KoreanMakers ;
    cnai:involves kg:Delta ; prov:wasDerivedFrom kg:exR .
"""


def test_risks_and_mitigations(tmp_path):
    kg = load_mini(tmp_path, MINI + RISKS)
    G = kg.to_networkx(status="all")
    new = sorted(
        (u, v, k, d["relation"])
        for u, v, k, d in G.edges(keys=True, data=True)
        if k in ("kg:R1", "kg:M1")
    )
    assert new == [
        ("kg:KoreanMakers", "kg:Delta", "kg:M1", "cnai:Mitigation"),
        ("kg:KoreanMakers", "kg:Land", "kg:R1", "cnai:Risk"),
        ("kg:KoreanMakers", "kg:Law1", "kg:R1", "cnai:Risk"),
    ]
    # the region is the risk's: no edge says the makers are in Land
    assert G.edges["kg:KoreanMakers", "kg:Land", "kg:R1"]["label"] == "Risk"
    assert not any(d["relation"] == "cnai:region" for *_, d in G.edges(data=True))
    assert G.edges["kg:KoreanMakers", "kg:Law1", "kg:R1"]["quote"] == "데이터법 리스크"
    H = kg.to_networkx(partnerships="nodes", status="all")
    assert sorted((u, v, d["relation"]) for u, v, d in H.edges(data=True) if u == "kg:R1") == [
        ("kg:R1", "kg:KoreanMakers", "cnai:affects"),
        ("kg:R1", "kg:Land", "cnai:region"),
        ("kg:R1", "kg:Law1", "cnai:concernsLaw"),
        ("kg:R1", "kg:M1", "cnai:mitigatedBy"),
    ]


def test_claims_are_opt_in(mini):
    assert not any(
        d["relation"] == "cnai:Claim" for *_, d in mini.to_networkx(status="all").edges(data=True)
    )
    G = mini.to_networkx(status="all", claims=True)
    assert sorted((u, v) for u, v, d in G.edges(data=True) if d["relation"] == "cnai:Claim") == [
        ("kg:Alpha", "kg:Delta"),
        ("kg:Delta", "kg:Alpha"),
    ]
    assert "kg:C1" in mini.to_networkx(status="all", partnerships="nodes", claims=True)
    assert "kg:C1" not in mini.to_networkx(status="all", partnerships="nodes")


def test_relations_filter_by_curie_local_name_or_label(mini):
    G = mini.to_networkx(status="all", relations=["Partnership", "소재지", "cnai:demands"])
    assert sorted({d["relation"] for *_, d in G.edges(data=True)}) == [
        "cnai:Partnership",
        "cnai:basedIn",
        "cnai:demands",
    ]
    assert sorted(G) == MINI_NODES  # nodes stay, even when isolated
    assert G.graph["relations"] == "cnai:Partnership cnai:basedIn cnai:demands"


def test_classes_filter_keeps_subclasses(mini):
    G = mini.to_networkx(status="all", classes=["Company"])
    assert sorted(G) == ["kg:Alpha", "kg:Beta", "kg:Delta", "kg:Gamma"]
    assert sorted((u, v) for u, v in G.edges()) == [
        ("kg:Alpha", "kg:Beta"),
        ("kg:Beta", "kg:Alpha"),
        ("kg:Beta", "kg:Gamma"),
        ("kg:Gamma", "kg:Beta"),
    ]
    G = mini.to_networkx(
        status="all", classes=["제품·서비스", "EconomicZone"]
    )  # Offering (ko), AIHub ⊑ zone
    assert sorted(G) == ["kg:Hub", "kg:Svc"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"partnerships": "merge"},
            "unknown partnerships mode 'merge'; choose one of: collapse, nodes",
        ),
        ({"lang": "fr"}, "unknown language 'fr'; choose one of: en, ko, zh"),
    ],
)
def test_bad_options(mini, kwargs, message):
    with pytest.raises(UsageError) as e:
        mini.to_networkx(status="all", **kwargs)
    assert str(e.value) == message


def test_unknown_relation_and_class(mini):
    with pytest.raises(
        UsageError,
        match=r"^unknown relation 'partnerof'; choose from: .*"
        r"Partnership",
    ):
        mini.to_networkx(status="all", relations=["partnerof"])
    with pytest.raises(UsageError, match=r"^unknown class 'Firm'; choose from: .*Company"):
        mini.to_networkx(status="all", classes=["Firm"])


def test_projection_is_deterministic(mini):
    a, b = (
        mini.to_networkx(status="all"),
        mini.to_networkx(status="all"),
    )
    assert list(a.nodes) == list(b.nodes)
    assert list(a.edges(keys=True)) == list(b.edges(keys=True))


def test_kg_door_is_the_network_function(mini):
    assert edge_set(mini.to_networkx(status="all", directed=False)) == edge_set(
        to_networkx(mini, directed=False, status="all")
    )


# --------------------------------------------------------------------------- names


def test_find_node(mini):
    G = mini.to_networkx(status="all")
    assert find_node(G, "G-Corp", mini) == "kg:Gamma"  # alias, through kg.resolve
    assert find_node(G, "감마") == "kg:Gamma"  # label, on the bare network
    assert find_node(G, "kg:Gamma") == "kg:Gamma"
    with pytest.raises(UsageError) as e:
        find_node(G, "Mini report", mini)
    assert str(e.value) == "Mini report (cnai:Report) is not a node of the network"


def test_resolve_relations_any_language(mini):
    G = mini.to_networkx(status="all")
    assert resolve_relations(G, ["partnership", "basedIn"]) == {"cnai:Partnership", "cnai:basedIn"}
    assert resolve_relations(G, ["파트너십", "소재지"], mini) == {
        "cnai:Partnership",
        "cnai:basedIn",
    }


# --------------------------------------------------------------------------- exports


def read_back(fmt: str, data: bytes) -> nx.Graph:
    if fmt == "graphml":
        return nx.read_graphml(io.BytesIO(data))
    if fmt == "gexf":
        return nx.read_gexf(io.BytesIO(data))
    return nx.node_link_graph(json.loads(data), edges="edges")


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "node-link"])
def test_export_round_trip_keeps_labels_and_evidence(mini, fmt):
    G = mini.to_networkx(status="all")
    H = read_back(fmt, export_network(mini, fmt))
    assert sorted(H) == sorted(G)
    assert H.number_of_edges() == G.number_of_edges()
    for node, d in G.nodes(data=True):
        for attr in NODE_ATTRIBUTES:
            assert H.nodes[node][attr] == d[attr], (node, attr)
    got = sorted(
        (u, v, d["relation"], d["fact"], d["quote"], d["roles"]) for u, v, d in H.edges(data=True)
    )
    want = sorted(
        (u, v, d["relation"], d["fact"], d["quote"], d["roles"]) for u, v, d in G.edges(data=True)
    )
    assert got == want


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "node-link"])
def test_export_shipped_graph_keeps_trilingual_labels(kg, fmt):
    H = read_back(fmt, export_network(kg, fmt))
    uber = H.nodes["kg:Uber"]
    assert (uber["label_en"], uber["label_ko"], uber["label_zh"]) == ("Uber", "우버", "优步")
    edges = [d for u, v, d in H.edges(data=True) if (u, v) == ("kg:PonyAI", "kg:Uber")]
    assert [d["relation"] for d in edges] == ["cnai:Partnership"]
    assert "우버(Uber)와 손잡고" in edges[0]["quote"]


def test_export_unknown_format(mini):
    with pytest.raises(UsageError) as e:
        export_network(mini, "dot")
    assert str(e.value) == "unknown network format 'dot'; choose one of: graphml, gexf, node-link"


def test_export_options_reach_the_projection(mini):
    H = read_back("graphml", export_network(mini, "graphml", partnerships="nodes", lang="ko"))
    assert H.nodes["kg:P1"]["label"] == "알파–베타 제휴"


def test_xml_exports_drop_characters_xml_cannot_hold(make_kg):
    kg = make_kg('kg:X a cnai:Company ; rdfs:label "A\\u0001B\\u0000C"@en .')
    for fmt in ("graphml", "gexf"):
        assert read_back(fmt, export_network(kg, fmt)).nodes["kg:X"]["label"] == "ABC"


_TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=30)


@settings(max_examples=60, deadline=None)
@given(en=_TEXT, ko=_TEXT, zh=_TEXT, quote=_TEXT)
def test_any_printable_text_survives_every_format(en, ko, zh, quote):
    G = nx.MultiDiGraph()
    G.add_node(
        "kg:X",
        **{
            **dict.fromkeys(NODE_ATTRIBUTES, ""),
            "label": en,
            "label_en": en,
            "label_ko": ko,
            "label_zh": zh,
        },
    )
    G.add_node("kg:Y", **dict.fromkeys(NODE_ATTRIBUTES, ""))
    G.add_edge("kg:X", "kg:Y", key="kg:f", **{**dict.fromkeys(EDGE_ATTRIBUTES, ""), "quote": quote})
    for fmt in ("graphml", "gexf", "node-link"):
        H = read_back(fmt, write_network(G, fmt))
        clean = (lambda t: t) if fmt == "node-link" else xml_safe  # U+FFFE/U+FFFF go in XML
        node = H.nodes["kg:X"]
        assert (node["label_en"], node["label_ko"], node["label_zh"]) == (
            clean(en),
            clean(ko),
            clean(zh),
        )
        ((_, _, d),) = H.edges(data=True)
        assert d["quote"] == clean(quote)


def test_cli_export_writes_network_file(tmp_path, make_ttl):
    from click.testing import CliRunner

    from cnai_kg.cli import cli

    out = tmp_path / "net.graphml"
    result = CliRunner().invoke(
        cli,
        [
            "--no-shipped",
            "--data",
            str(make_ttl(MINI)),
            "export",
            "--format",
            "graphml",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    H = nx.read_graphml(out)
    assert H.nodes["kg:Gamma"]["label_zh"] == "伽马"
    assert H.number_of_edges() == len(MINI_EDGES)


def test_docstring_examples_run():
    import doctest
    import importlib
    import pkgutil

    import cnai_kg.network

    modules = [cnai_kg.network] + [
        importlib.import_module(f"cnai_kg.network.{m.name}")
        for m in pkgutil.iter_modules(cnai_kg.network.__path__)
    ]
    failed = attempted = 0
    for module in modules:
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        failed, attempted = failed + result.failed, attempted + result.attempted
    assert (failed, attempted > 5) == (0, True)
