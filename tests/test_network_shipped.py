"""The network of the shipped graph answers what the source text states.

Assertions follow the source (shared/seeds/000_bd8c0458ed4da66e.txt), not the
way the data happens to be written: Pony.ai and WeRide each partner with Uber
for the UAE (technology from the Chinese firm, the platform from Uber); ROKAE
demands Korean vision cameras and grippers; Korean firms can enter third
markets with Chinese partners.
"""

from __future__ import annotations

import pytest

from cnai_kg.algorithms import centrality, communities, evidence_paths, neighbors
from cnai_kg.errors import NoPath
from cnai_kg.namespaces import CNAI


@pytest.fixture(scope="module")
def G(kg):
    return kg.to_networkx()


def quotes_of(hop) -> list[str]:
    """The quotes of a hop or an edge (several are joined by newlines)."""
    text = hop["quote"] if isinstance(hop, dict) else hop.quote
    return [q for q in text.split("\n") if q]


def test_every_edge_is_backed_by_a_verbatim_quote_or_a_definition(G, source_text):
    unsourced = []
    for u, v, d in G.edges(data=True):
        if d["evidence"] == "quote":
            for quote in quotes_of(d):
                assert quote in source_text, (u, v, d["relation"], quote)
        elif d["evidence"] == "definitional":
            assert d["why"], (u, v, d["relation"])
        else:
            unsourced.append((u, d["relation"], v))
    assert unsourced == []


def test_pony_ai_and_weride_each_partner_with_uber_for_the_uae(kg, source_text):
    uae = kg.label(kg.resolve("UAE"))
    (path,) = evidence_paths(kg, "Pony.ai", "WeRide", via=["Partnership"])
    assert path.labels == ("Pony.ai", "Uber", "WeRide")
    for hop in path.hops:
        assert hop.relation == "cnai:Partnership" and hop.symmetric
        assert hop.target_market == uae
        assert "우버(Uber)와 손잡고 중동(UAE) 시장에 진출했습니다" in hop.quote
        assert all(q in source_text for q in quotes_of(hop))
        roles = dict(part.split(": ", 1) for part in hop.roles.split("; "))
        assert "platform" in roles["Uber"].lower()
        chinese = hop.source_label if hop.source_label != "Uber" else hop.target_label
        assert "technolog" in roles[chinese].lower()


def test_uber_partners_are_exactly_pony_ai_and_weride(kg):
    assert [n.label for n in neighbors(kg, "우버", via=["Partnership"])] == ["Pony.ai", "WeRide"]


def test_uber_is_the_broker_between_the_robotaxi_firms(kg):
    result = centrality(kg, "betweenness", relations=["Partnership"], classes=["Company"], top=1)
    assert [s.label for s in result.scores] == ["Uber"]


def test_rokae_demands_vision_cameras_and_grippers(kg, G):
    demands = sorted(
        G.nodes[v]["label_ko"]
        for _, v, d in G.out_edges("kg:ROKAE", data=True)
        if d["relation"] == "cnai:demands"
    )
    assert any("비전 카메라" in x for x in demands)
    assert any("그리퍼" in x for x in demands)


def test_korean_vision_camera_and_gripper_makers_reach_rokae(kg, source_text):
    rokae = kg.resolve("ROKAE")
    # the Korean side of the robot-parts opportunity, whatever its label
    (opportunity,) = set(kg.rdf.subjects(CNAI.counterparty, rokae))
    (korean,) = set(kg.rdf.objects(opportunity, CNAI.beneficiary))
    # the direct link is the proposed partnership: only with every status, marked as such
    paths = evidence_paths(kg, korean, rokae, k=3, status="all")
    assert paths[0].length == 1
    hop = paths[0].hops[0]
    assert "ROKAE" in hop.quote and "비전 카메라" in hop.quote
    assert (hop.fact_status, hop.source_group) == ("proposed", True)
    # by default they meet through what the source reports: both name the same technology
    (reported,) = evidence_paths(kg, korean, rokae)
    assert reported.length == 2 and reported.nodes[1] in {
        "kg:tech-vision-camera",
        "kg:tech-gripper",
    }
    assert {h.fact_status for h in reported.hops} == {"reported"}
    assert all(q in source_text for p in paths for h in p.hops for q in quotes_of(h))


def test_korean_firms_reach_the_uae_through_a_chinese_partner(kg, G, source_text):
    paths = evidence_paths(
        kg, "한국 기업", "UAE", via=["Partnership", "inGroup", "targetMarket"], k=3, status="all"
    )
    for path in paths:
        assert path.labels[0] == "Korean firms"
        middle = path.nodes[1:-1]
        assert any(
            "Chinese" in G.nodes[n]["label_en"] or n in {"kg:PonyAI", "kg:WeRide"} for n in middle
        ), path.labels
        assert all(h.evidence in ("quote", "definitional") for h in path.hops)
        assert all(q in source_text for h in path.hops for q in quotes_of(h))


def test_apollo_go_belongs_to_baidu_by_definition_only(kg):
    with pytest.raises(NoPath):  # no source says so: out of the analyses by default
        evidence_paths(kg, "萝卜快跑", "百度", max_hops=1)
    (path,) = evidence_paths(kg, "萝卜快跑", "百度", max_hops=1, status="all")
    assert path.hops[0].evidence == "definitional" and path.hops[0].why
    assert path.hops[0].fact_status == "definitional"


def test_the_robotaxi_partners_share_a_community(kg):
    found = communities(kg, seed=0)
    (home,) = [c for c in found.communities if "kg:Uber" in {m.node for m in c.members}]
    assert {"kg:PonyAI", "kg:WeRide"} <= {m.node for m in home.members}
