"""The status dimension: reported facts, active partnerships and proposals (issue 9).

By default the analyses use what the source reports and the partnerships in place;
proposals (recommended partnerships, opportunities, mitigations) only when asked for.
Collectively named groups (cnai:ActorGroup) are marked in every output.
"""

from __future__ import annotations

import json

import networkx as nx
import pytest
from click.testing import CliRunner
from test_network_fixture import load_mini

import cnai_kg
from cnai_kg.algorithms import centrality, communities, evidence_paths, neighbors
from cnai_kg.cli import cli
from cnai_kg.errors import NoPath, UsageError
from cnai_kg.network import DEFAULT_STATUS, STATUSES, resolve_status


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    return load_mini(tmp_path_factory.mktemp("mini"))


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


# --------------------------------------------------------------------------- the option


def test_resolve_status():
    assert resolve_status(None) == DEFAULT_STATUS == ("reported", "active")
    assert resolve_status("all") == STATUSES
    assert resolve_status(["proposed", "Reported"]) == ("reported", "proposed")
    assert resolve_status(" active ") == ("active",)
    with pytest.raises(UsageError, match=r"^unknown status 'signed'; choose from: reported, "):
        resolve_status("reported,signed")
    with pytest.raises(UsageError, match="^no status given"):
        resolve_status(",")


def test_bad_status_is_one_line_and_exit_2():
    result = run("path", "CATL", "Uber", "--status", "signed")
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "Error: unknown status 'signed'; choose from: reported, active, proposed, definitional, all"
    ]


# --------------------------------------------------------------------------- the projection


def test_mini_default_drops_the_proposal_and_the_opportunity(mini):
    default = mini.to_networkx()
    everything = mini.to_networkx(status="all")
    facts = lambda G: {d["fact"].rsplit("/", 1)[-1] for *_, d in G.edges(data=True)}  # noqa: E731
    assert {"P2", "O1"} <= facts(everything)
    assert not {"P2", "O1"} & facts(default)
    assert {d["fact_status"] for *_, d in default.edges(data=True)} == {"reported", "active"}
    only = mini.to_networkx(status="proposed")
    assert facts(only) == {"P2", "O1"}
    assert default.graph["status"] == "reported active"
    # a fact node whose status is left out is no node of the bipartite view either
    assert "kg:P2" in mini.to_networkx(partnerships="nodes", status="all")
    assert "kg:P2" not in mini.to_networkx(partnerships="nodes")
    assert "kg:P1" in mini.to_networkx(partnerships="nodes", status="active")


def test_shipped_proposals_are_six_partnerships_and_all_advice(kg):
    G = kg.to_networkx(status="all")
    proposed = {
        d["fact"].rsplit("/", 1)[-1]
        for *_, d in G.edges(data=True)
        if d["fact_status"] == "proposed"
    }
    partnerships = {f for f in proposed if f.startswith("partnership-")}
    assert partnerships == {
        "partnership-proposed-chip-supply",
        "partnership-proposed-third-country",
        "partnership-proposed-robot-parts",
        "partnership-proposed-local",
    }
    assert {f for f in proposed if f.startswith("opp-")} == {
        "opp-chips-sensors",
        "opp-vertical-llm",
        "opp-third-country",
        "opp-robot-parts",
    }
    active = {
        d["fact"].rsplit("/", 1)[-1] for *_, d in G.edges(data=True) if d["fact_status"] == "active"
    }
    assert active == {"partnership-ponyai-uber", "partnership-weride-uber"}
    default = kg.to_networkx()
    assert not any(d["fact_status"] == "proposed" for *_, d in default.edges(data=True))


def test_no_partner_inherits_a_partnership_or_opportunity_sector(kg):
    """Uber is a ride-sharing platform in the source, not an autonomous-driving company."""
    G = kg.to_networkx(status="all")
    sectors = {(u, v) for u, v, d in G.edges(data=True) if d["relation"] == "cnai:sector"}
    assert ("kg:Uber", "kg:sector-autonomous-driving") not in sectors
    assert ("kg:PonyAI", "kg:sector-ride-hailing") not in sectors
    assert ("kg:KoreanChipAndModuleMakers", "kg:sector-autonomous-driving") not in sectors
    assert not any(u.startswith("kg:Korean") for u, _ in sectors)


# --------------------------------------------------------------------------- analyses


#: What the source reports and the definitional background facts, proposals left out.
WITH_DEFINITIONAL = "reported,active,definitional"


def test_company_network_is_connected_through_reported_or_definitional_facts(kg):
    G = kg.to_networkx(directed=False, status=WITH_DEFINITIONAL)
    companies = [n for n, d in G.nodes(data=True) if d["class"] == "cnai:Company"]
    assert len(companies) == 12
    H = nx.Graph(G)
    assert all(nx.has_path(H, "kg:CATL", c) for c in companies)
    # on what the source reports alone, CATL reaches only Haier (both lighthouse factories)
    R = nx.Graph(kg.to_networkx(directed=False))
    assert [c for c in companies if nx.has_path(R, "kg:CATL", c)] == ["kg:CATL", "kg:Haier"]


@pytest.mark.parametrize(
    "a, b, length", [("CATL", "Uber", 3), ("Haier", "WeRide", 2), ("Apollo Go", "Uber", 4)]
)
def test_paths_between_companies_are_evidence_chains(kg, source_text, a, b, length):
    (path,) = evidence_paths(kg, a, b, status=WITH_DEFINITIONAL)
    assert path.length == length
    for hop in path.hops:
        assert hop.fact_status in {"reported", "active", "definitional"}
        assert hop.evidence in {"quote", "definitional"}
        assert not hop.source_group and not hop.target_group
        if hop.evidence == "quote":
            assert all(q in source_text for q in hop.quote.split("\n"))
        else:
            assert hop.why.startswith(("Background knowledge:", "Geography:"))


def test_apollo_go_to_uber_no_longer_runs_through_a_proposal(kg):
    (default,) = evidence_paths(kg, "Apollo Go", "Uber", status=WITH_DEFINITIONAL)
    assert "kg:KoreanChipAndModuleMakers" not in default.nodes
    assert default.labels == ("Apollo Go", "Wuhan", "China", "Pony.ai", "Uber")
    # on what the source reports alone: through the hubs, every hop quoted
    (reported,) = evidence_paths(kg, "Apollo Go", "Uber")
    assert "kg:KoreanChipAndModuleMakers" not in reported.nodes
    assert all(h.evidence == "quote" for h in reported.hops)
    # the sectors of a partnership are no longer copied onto its partners, so even with
    # every status the old route through "Korean chip designers and module makers" is gone
    for p in evidence_paths(kg, "Apollo Go", "Uber", status="all", k=5):
        assert "kg:sector-autonomous-driving" not in p.nodes


def test_proposals_only_when_asked(kg):
    with pytest.raises(NoPath):
        evidence_paths(kg, "Korean vision-camera and gripper makers", "ROKAE", via=["Partnership"])
    (path,) = evidence_paths(
        kg, "Korean vision-camera and gripper makers", "ROKAE", via=["Partnership"], status="all"
    )
    (hop,) = path.hops
    assert (hop.fact_status, hop.source_group, hop.target_group) == ("proposed", True, False)


def test_pagerank_is_led_neither_by_a_proposal_nor_by_a_group(kg):
    default = centrality(kg, "pagerank")
    assert default.scores[0].label == "Pearl River Delta"
    assert not default.scores[0].group
    # China leads only with the definitional facts (companies' homes, China in "World")
    assert centrality(kg, "pagerank", status=WITH_DEFINITIONAL).scores[0].label == "China"
    everything = centrality(kg, "pagerank", status="all")
    rank = {s.label: s.rank for s in everything.scores}
    rank_default = {s.label: s.rank for s in default.scores}
    assert rank_default["Korean firms"] > rank["Korean firms"]
    companies = centrality(kg, "pagerank", classes=["Company"])
    assert all(not s.group for s in companies.scores)


def test_neighbors_and_communities_follow_the_status(kg):
    near = {n.label for n in neighbors(kg, "ROKAE")}
    assert "Korean vision-camera and gripper makers" not in near
    near_all = {n.label: n for n in neighbors(kg, "ROKAE", status="all")}
    assert near_all["Korean vision-camera and gripper makers"].group
    parts = communities(kg)
    assert parts.nodes == kg.to_networkx().number_of_nodes()
    groups = {m.label for c in parts.communities for m in c.members if m.group}
    assert "Korean firms" in groups and "Uber" not in groups


# --------------------------------------------------------------------------- CLI outputs


def test_cli_path_marks_groups_and_proposals():
    result = run(
        "path",
        "Korean vision-camera and gripper makers",
        "ROKAE",
        "--via",
        "Partnership",
        "--status",
        "all",
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == (
        "path 1 of 1 (1 hop): Korean vision-camera and gripper makers [group] → ROKAE"
    )
    assert "Proposed" in lines[2]
    assert (
        run(
            "path", "Korean vision-camera and gripper makers", "ROKAE", "--via", "Partnership"
        ).exit_code
        == 1
    )


def test_cli_centrality_has_a_group_column_and_names_the_status():
    result = run("centrality", "--measure", "pagerank", "--status", "all", "--top", "40")
    assert result.exit_code == 0, result.output
    head, columns, *rows = result.output.splitlines()
    assert head.endswith("status reported, active, proposed, definitional)")
    assert columns.split() == ["rank", "entity", "class", "group", "score", "id"]
    korean = next(r for r in rows if r.rstrip().endswith("kg:KoreanFirms"))
    assert " yes " in korean
    china = next(r for r in rows if r.rstrip().endswith("kg:China"))
    assert " yes " not in china
    default = run("centrality", "--measure", "pagerank", "--format", "json")
    data = json.loads(default.output)
    assert data["projection"]["status"] == "reported active"
    assert data["scores"][0]["group"] is False


def test_cli_communities_and_neighbors_mark_groups():
    result = run("communities")
    assert result.exit_code == 0, result.output
    assert "Korean firms [group]" in result.output
    result = run("neighbors", "Korean firms", "--status", "all")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1].split()[:4] == ["hops", "entity", "class", "group"]


def test_api_status_keyword_reaches_the_projection():
    kg = cnai_kg.load()
    assert centrality(kg, "degree", status="proposed").projection["status"] == "proposed"


def test_equally_short_paths_prefer_quoted_facts(kg):
    """Pony.ai and WeRide are both Chinese-based (definitional) and both in the group the
    source names (quoted): of two 2-hop chains the quoted one comes first."""
    from cnai_kg.render import VIEW_CLASSES

    paths = evidence_paths(
        kg, "小马智行", "위라이드", k=3, partnerships="nodes", claims=True, classes=VIEW_CLASSES
    )
    assert [p.length for p in paths] == sorted(p.length for p in paths)
    assert all(h.evidence == "quote" for h in paths[0].hops)
    definitional = [p for p in paths if any(h.evidence == "definitional" for h in p.hops)]
    assert all(paths.index(p) > 0 for p in definitional)


def test_cli_render_story_all_and_status(tmp_path):
    story, everything = tmp_path / "story.html", tmp_path / "all.html"
    first = run("render", "-o", str(story))
    assert first.exit_code == 0, first.output
    whole = run("render", "--all", "-o", str(everything))
    assert whole.exit_code == 0, whole.output
    kg = cnai_kg.load()
    assert f"{len(kg.render().nodes)} nodes" in first.output
    assert f"{len(kg.render(scope='all').nodes)} nodes" in whole.output
    assert len(kg.render().nodes) < len(kg.render(scope="all").nodes)
    proposed = run("render", "--all", "--status", "reported", "-o", str(tmp_path / "r.html"))
    assert proposed.exit_code == 0, proposed.output
    view = kg.render(scope="all", status="reported")
    assert not any(e.get("dashes") for e in view.edges)
    assert not any(
        e["from"] == "kg:PonyAI" and e["to"] == "kg:partnership-ponyai-uber" for e in view.edges
    )  # an active partnership is left out with "reported"
    bad = run("render", "--status", "maybe", "-o", str(tmp_path / "x.html"))
    assert bad.exit_code == 2 and "unknown status 'maybe'" in bad.output
    assert not (tmp_path / "x.html").exists()
