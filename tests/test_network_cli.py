"""The network verbs (centrality, path, neighbors, communities): exact output and error paths."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from rdflib import Graph
from test_network_fixture import MINI

from cnai_kg.cli import cli
from cnai_kg.namespaces import CNAI, PREFIXES

NETWORK_VERBS = {"centrality", "path", "neighbors", "communities"}


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "mini.ttl"
    prefixes = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())
    path.write_text(prefixes + MINI, encoding="utf-8")
    return str(path)


@pytest.fixture
def run(data):
    """Run cnai-kg on the MINI graph only."""

    def invoke(*args):
        # MINI's proposed partnership and opportunity are part of these expected outputs;
        # the default status (reported, active) is tested in tests/test_status.py
        if args and args[0] in NETWORK_VERBS and "--status" not in args and "--help" not in args:
            args = (*args, "--status", "all")
        return CliRunner().invoke(
            cli, ["--no-shipped", "--data", data, *args], catch_exceptions=False
        )

    return invoke


def test_centrality_table(run):
    result = run("centrality", "--top", "4")
    assert result.exit_code == 0
    assert (
        result.stdout
        == """\
degree centrality (undirected; 12 nodes, 14 edges; partnerships collapsed; status reported, active, proposed)
rank  entity         class            group   score  id
   1  Alpha          Company                 0.3636  kg:Alpha
   1  Beta           Company                 0.3636  kg:Beta
   3  Gamma          Company                 0.2727  kg:Gamma
   3  Korean makers  Group of actors  yes    0.2727  kg:KoreanMakers
"""  # noqa: E501
    )


def test_centrality_table_in_korean_aligns_by_display_width(run):
    result = run("centrality", "--measure", "betweenness", "--top", "3", "--lang", "ko")
    assert (
        result.stdout
        == """\
betweenness 중심성 (방향 없음; 노드 12개, 엣지 14개; 파트너십 엣지로 축약; 상태 reported, active, proposed)
순위  개체  종류  집단    점수  ID
   1  베타  기업        0.4455  kg:Beta
   2  알파  기업        0.3727  kg:Alpha
   3  감마  기업        0.2818  kg:Gamma
"""  # noqa: E501
    )


def test_centrality_csv_and_json(run):
    assert (
        run("centrality", "--top", "2", "--format", "csv").stdout
        == """\
rank,entity,label,class,group,score
1,kg:Alpha,Alpha,cnai:Company,false,0.36363636363636365
1,kg:Beta,Beta,cnai:Company,false,0.36363636363636365
"""
    )
    data = json.loads(
        run("centrality", "--measure", "pagerank", "--class", "Service", "--format", "json").stdout
    )
    assert data["measure"] == "pagerank"
    assert data["parameters"] == {
        "function": "networkx.pagerank",
        "alpha": 0.85,
        "graph": "Graph",
        "classes": ["Service"],
    }
    assert [s["node"] for s in data["scores"]] == ["kg:Svc"]


def test_centrality_options_reach_the_projection(run):
    nodes = run(
        "centrality", "--partnerships", "nodes", "--claims", "--format", "json", "--top", "50"
    )
    assert len(json.loads(nodes.stdout)["scores"]) == 16  # + P1, P2, O1, C1
    only = run("centrality", "--relation", "Partnership", "--directed", "--format", "json")
    assert json.loads(only.stdout)["edges"] == 4


def test_centrality_plot_and_rdf(run, tmp_path):
    png, ttl = tmp_path / "top.png", tmp_path / "scores.ttl"
    result = run(
        "centrality",
        "--measure",
        "pagerank",
        "--lang",
        "ko",
        "--plot",
        str(png),
        "--write-rdf",
        str(ttl),
    )
    assert result.exit_code == 0
    assert result.stderr == (f"wrote {png} (top 10, pagerank)\nwrote {ttl} (12 scores)\n")
    assert png.read_bytes().startswith(b"\x89PNG")
    scores = Graph().parse(ttl)
    assert len(set(scores.subjects(predicate=CNAI.scoreOf))) == 12
    assert {str(m) for m in scores.objects(None, CNAI.measure)} == {"pagerank"}


def test_write_rdf_into_a_missing_folder_leaves_nothing(run, tmp_path):
    target = tmp_path / "nope" / "scores.ttl"
    result = run("centrality", "--write-rdf", str(target))
    assert result.exit_code == 2
    assert result.stderr == f"Error: {tmp_path / 'nope'}: no such directory\n"
    assert not (tmp_path / "nope").exists()


def test_path_text(run):
    result = run("path", "Alpha", "감마")
    assert result.exit_code == 0
    assert (
        result.stdout
        == """\
path 1 of 1 (2 hops): Alpha → Beta → Gamma
  1. Alpha —Partnership— Beta
     fact: Alpha–Beta partnership [kg:P1, Active]
     roles: Alpha: Technology provider; Beta: Platform operator
     quote: “알파와 베타가 손잡았다”
     source: Mini article ← Mini report
  2. Beta —Partnership— Gamma
     fact: Beta–Gamma cooperation [kg:P2, Proposed]
     roles: Beta: Partner; Gamma: Partner
     quote: “베타와 감마의 협력이 가능하다”
     source: Mini article ← Mini report
     caveat: Only proposed.
"""
    )


def test_path_korean_with_definitional_and_unsourced_hops(run):
    result = run("path", "Delta", "Metro", "--lang", "ko", "--avoid", "Beta")
    assert (
        result.stdout
        == """\
경로 1/1 (3단계): Delta → 마켓 → 알파 → 메트로
  1. Delta —운영 지역→ 마켓
     근거: 없음 (이 트리플을 기술하는 진술이 없음)
  2. 마켓 ←목표 시장— 알파
     사실: 알파–베타 제휴 [kg:P1, 진행 중]
     역할: 베타: 플랫폼 운영자; 알파: 기술 제공자
     인용: “알파와 베타가 손잡았다”
     출처: 미니 기사 ← Mini report
  3. 알파 —소재지→ 메트로
     사실: kg:st1
     인용: “알파는 메트로에 있다”
     출처: 미니 기사 ← Mini report
"""
    )
    lines = run("path", "Metro", "Land").stdout.splitlines()
    assert [line.strip() for line in lines[2:4] + lines[5:]] == [
        "fact: kg:def1",
        "definitional: Metro lies in Hub.",
        "fact: kg:def2",
        "definitional: Hub lies in Land.",
    ]


def test_path_k_and_alternatives(run):
    out = run("path", "Alpha", "Gamma", "--k", "2").stdout
    assert [line for line in out.splitlines() if line.startswith("path")] == [
        "path 1 of 2 (2 hops): Alpha → Beta → Gamma",
        "path 2 of 2 (3 hops): Alpha → Market → Beta → Gamma",
    ]
    out = run("path", "Korean makers", "Camera").stdout
    assert out.splitlines()[-1] == "     (+1 other fact links these two)"


def test_path_json(run):
    data = json.loads(run("path", "G-Corp", "Alpha", "--format", "json").stdout)
    assert data["source"] == {"id": "kg:Gamma", "label": "Gamma"}
    assert data["target"] == {"id": "kg:Alpha", "label": "Alpha"}
    (path,) = data["paths"]
    assert path["length"] == 2
    assert [h["arrow"] for h in path["hops"]] == ["—Partnership—", "—Partnership—"]
    assert [h["quote"] for h in path["hops"]] == [
        "베타와 감마의 협력이 가능하다",
        "알파와 베타가 손잡았다",
    ]
    assert path["hops"][0]["fact"] == "https://w3id.org/cnai-kg/resource/P2"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ["path", "Alpha", "Gamma", "--via", "basedIn"],
            1,
            "Error: no path from Alpha to Gamma (via basedIn)\n",
        ),
        (
            ["path", "Alpha", "Gamma", "--avoid", "Beta", "--max-hops", "4"],
            1,
            "Error: no path from Alpha to Gamma (within 4 hops; avoiding Beta)\n",
        ),
        (
            ["path", "Land", "Alpha", "--directed"],
            1,
            "Error: no path from Land to Alpha (following relation direction)\n",
        ),
        (["path", "Alpha", "Alpah"], 1, "Error: unknown entity 'Alpah'; closest matches: Alpha\n"),
        (
            ["path", "Alpha", "Mini report"],
            2,
            "Error: Mini report (cnai:Report) is not a node of the network\n",
        ),
        (["path", "Alpha", "Alpha"], 2, "Error: Alpha is both ends of the path\n"),
        (["neighbors", "Beta", "--via", "partner-of"], 2, None),
        (["centrality", "--class", "Firm"], 2, None),
    ],
)
def test_error_lines(run, args, code, message):
    result = run(*args)
    assert result.exit_code == code
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("Error: ")
    if message:
        assert result.stderr == message


@pytest.mark.parametrize(
    "args",
    [
        ["centrality", "--measure", "fame"],
        ["centrality", "--top", "0"],
        ["path", "Alpha", "Gamma", "--k", "0"],
        ["neighbors", "Beta", "--hops", "0"],
        ["communities", "--method", "leiden"],
    ],
)
def test_bad_option_values_are_usage_errors(run, args):
    result = run(*args)
    assert result.exit_code == 2
    assert "Error: Invalid value" in result.stderr


BETA_NEIGHBORS = """\
Beta: 9 entities within 2 hops
hops  entity         class            group  via
   1  Alpha          Company                 Beta —Partnership— Alpha
   1  Gamma          Company                 Beta —Partnership— Gamma
   1  Market         Country                 Beta —target market→ Market
   1  Svc            Service                 Beta ←provided by— Svc
   2  Camera         Technology              Beta —Partnership— Gamma —demands→ Camera
   2  Delta          Company                 Beta —target market→ Market ←operates in— Delta
   2  Korean makers  Group of actors  yes    Beta —Partnership— Gamma ←Opportunity for Korean firms— Korean makers
   2  Metro          City                    Beta —Partnership— Alpha —based in→ Metro
   2  Robotics       Sector                  Beta —Partnership— Alpha —in sector→ Robotics
"""  # noqa: E501


def test_neighbors(run):
    assert run("neighbors", "Beta", "--hops", "2").stdout == BETA_NEIGHBORS


def test_neighbors_json_and_filters(run):
    data = json.loads(
        run("neighbors", "베타", "--hops", "2", "--class", "Company", "--format", "json").stdout
    )
    assert [(n["label"], n["distance"]) for n in data] == [("Alpha", 1), ("Gamma", 1), ("Delta", 2)]
    assert data[2]["path"]["hops"][1]["evidence"] == "none"
    one = run("neighbors", "Svc", "--directed")
    assert one.stdout.splitlines()[0] == "Svc: 1 entity within 1 hop"


def test_communities(run):
    assert (
        run("communities").stdout
        == """\
louvain communities (resolution 1.0, seed 0; 12 nodes, 14 edges): 3 communities, modularity 0.408
 1. (6) Alpha, Beta, Market, Delta, Robotics, Svc
 2. (3) Gamma, Korean makers [group], Camera
 3. (3) Hub, Land, Metro
"""
    )
    out = run("communities", "--relation", "Partnership", "--min-size", "3").stdout
    assert (
        out
        == """\
louvain communities (resolution 1.0, seed 0; 12 nodes, 2 edges): 10 communities, modularity 0.000
 1. (3) Beta, Alpha, Gamma
    … and 9 smaller communities (--min-size 3)
"""
    )
    data = json.loads(run("communities", "--method", "greedy", "--format", "json").stdout)
    assert data["method"] == "greedy"
    assert sum(c["size"] for c in data["communities"]) == 12


@pytest.mark.parametrize("command", ["centrality", "path", "neighbors", "communities"])
def test_help(command):
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.stdout and "--lang" in result.stdout


# --------------------------------------------------------------------------- shipped data


def shipped(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_shipped_pony_to_weride_through_uber(source_text):
    result = shipped("path", "Pony.ai", "WeRide", "--via", "Partnership")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "path 1 of 1 (2 hops): Pony.ai → Uber → WeRide"
    assert lines[1] == "  1. Pony.ai —Partnership— Uber"
    quotes = [line.split("“", 1)[1].rstrip("”") for line in lines if "“" in line]
    assert quotes and all(q in source_text for q in quotes)
    assert any("우버(Uber)와 손잡고" in q for q in quotes)


def test_shipped_no_path_is_one_line():
    result = shipped("path", "Pony.ai", "CATL", "--via", "Partnership")
    assert result.exit_code == 1
    assert result.stderr == "Error: no path from Pony.ai to CATL (via Partnership)\n"


def test_neighbors_and_communities_print_their_headers_in_chinese(run):
    out = run("neighbors", "Alpha", "--lang", "zh").stdout.splitlines()
    assert out[0] == "阿尔法：1 步以内的实体 4 个"
    assert out[1].split() == ["步数", "实体", "类别", "群体", "路径"]
    out = run("communities", "--lang", "zh").stdout.splitlines()
    assert (
        out[0]
        == "louvain 社区 (resolution 1.0, seed 0; 节点 12 个, 边 14 条): 社区 3 个, 模块度 0.408"
    )
    assert out[3] == " 3. (3) Korean makers [群体], 伽马, Camera"


@pytest.mark.parametrize(
    ("lang", "unknown", "nopath"),
    [
        (
            "ko",
            "Error: 알 수 없는 개체 'Ubr'; 비슷한 이름: Uber\n",
            "Error: 경로 없음: Pony.ai → CATL (1단계 이내; 우버 제외)\n",
        ),
        (
            "zh",
            "Error: 未知实体 'Ubr'；相近的名称：Uber\n",
            "Error: 没有路径：小马智行 → 宁德时代 (1 步以内；避开 优步)\n",
        ),
        (
            "en",
            "Error: unknown entity 'Ubr'; closest matches: Uber\n",
            "Error: no path from Pony.ai to CATL (within 1 hop; avoiding Uber)\n",
        ),
    ],
)
def test_errors_in_the_language_asked_for(lang, unknown, nopath):
    result = shipped("show", "Ubr", "--lang", lang)
    assert (result.exit_code, result.stderr) == (1, unknown)
    result = shipped(
        "path", "Pony.ai", "CATL", "--max-hops", "1", "--avoid", "Uber", "--lang", lang
    )
    assert (result.exit_code, result.stderr) == (1, nopath)


def test_errors_follow_cnai_kg_lang_and_other_errors_stay_english(monkeypatch):
    monkeypatch.setenv("CNAI_KG_LANG", "zh")
    result = shipped("neighbors", "Ubr")
    assert result.stderr == "Error: 未知实体 'Ubr'；相近的名称：Uber\n"
    result = shipped("query", "SELECT ?x WHERE {", "--lang", "zh")
    assert result.exit_code == 2 and result.stderr.startswith("Error: syntax error at line 1")
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in result.stderr)


# ------------------------------------------------------- with and without definitional facts

WITH_DEFINITIONAL = "reported,active,definitional"


def _ranked(out: str) -> list[str]:
    """The ids of a centrality table, in rank order."""
    return [line.split()[-1] for line in out.splitlines()[2:]]


def test_centrality_leaves_definitional_facts_out_by_default():
    default = shipped("centrality", "--top", "100")
    assert default.exit_code == 0
    assert "status reported, active)" in default.stdout.splitlines()[0]
    ranked = _ranked(default.stdout)
    # "World" has no edge but definitional ones ("Top of the place hierarchy"): nothing
    assert "kg:World" not in ranked[:40]
    both = shipped("centrality", "--top", "100", "--status", WITH_DEFINITIONAL)
    assert both.exit_code == 0
    assert "status reported, active, definitional)" in both.stdout.splitlines()[0]
    assert _ranked(both.stdout)[0] == "kg:China"
    assert ranked[0] != "kg:China"  # China led degree on 8 definitional edges of 15
    only = shipped("centrality", "--status", "definitional", "--top", "1")
    assert only.exit_code == 0 and _ranked(only.stdout) == ["kg:China"]


def test_default_network_has_no_definitional_edge_and_all_has_them():
    from cnai_kg import load
    from cnai_kg.network import to_networkx

    kg = load()
    default = to_networkx(kg)
    assert {d["evidence"] for *_, d in default.edges(data=True)} == {"quote"}
    assert {d["fact_status"] for *_, d in default.edges(data=True)} == {"reported", "active"}
    # China's edges there are the ones the source gives it, each with its quote
    assert all(d["quote"] for *_, d in default.edges("kg:China", data=True))
    every = to_networkx(kg, status="all")
    definitional = [d for *_, d in every.edges(data=True) if d["fact_status"] == "definitional"]
    assert definitional and all(d["evidence"] == "definitional" and d["why"] for d in definitional)
    assert not any(d["quote"] for d in definitional)


def test_path_with_and_without_definitional_facts():
    result = shipped("path", "CATL", "Uber")
    assert (result.exit_code, result.stderr) == (1, "Error: no path from CATL to Uber\n")
    result = shipped("path", "CATL", "Uber", "--status", WITH_DEFINITIONAL)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "path 1 of 1 (3 hops): CATL → China → Pony.ai → Uber"
    assert lines[3].startswith("     definitional: Background knowledge: CATL")


def test_neighbors_and_communities_with_and_without_definitional_facts():
    result = shipped("neighbors", "World")
    assert result.stdout.splitlines()[0] == "World: 0 entities within 1 hop"
    result = shipped("neighbors", "World", "--status", WITH_DEFINITIONAL)
    assert result.stdout.splitlines()[0] == "World: 5 entities within 1 hop"
    assert "World ←located in— China" in result.stdout
    default = shipped("communities", "--format", "json")
    both = shipped("communities", "--format", "json", "--status", WITH_DEFINITIONAL)
    assert default.exit_code == both.exit_code == 0
    a, b = json.loads(default.stdout), json.loads(both.stdout)
    assert a["edges"] < b["edges"]

    def together(found, x, y):
        return any({x, y} <= {m["node"] for m in c["members"]} for c in found["communities"])

    # CATL is in China's community only through its home country
    assert not together(a, "kg:CATL", "kg:China") and together(b, "kg:CATL", "kg:China")


def test_render_with_and_without_definitional_facts(tmp_path):
    from cnai_kg import load
    from cnai_kg.render import render

    kg = load()
    default = render(kg, scope="all", status="reported,active")
    both = render(kg, scope="all", status=WITH_DEFINITIONAL)
    pairs = {frozenset((e["from"], e["to"])) for e in default.edges}
    assert frozenset(("kg:Uber", "kg:UnitedStates")) not in pairs
    assert frozenset(("kg:Uber", "kg:UnitedStates")) in {
        frozenset((e["from"], e["to"])) for e in both.edges
    }
    out = tmp_path / "v.html"
    result = shipped("render", "--all", "--status", WITH_DEFINITIONAL, "-o", str(out))
    assert result.exit_code == 0, result.stderr


def test_a_risks_region_is_not_where_the_affected_firms_are():
    """Korean firms face risks *in* China: the edge is the risk, not "region"."""
    result = shipped("path", "Korean firms", "China")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[1] == "  1. Korean firms [group] —Risk→ China"
    assert lines[2].startswith("     fact: Risk: ")
    result = shipped("path", "Korean firms", "China", "--via", "region")
    assert result.exit_code == 1
    # drawn the same way: in a collapsed view the edge is labelled with the risk
    from cnai_kg import load
    from cnai_kg.render import render

    view = render(load(), focus="Korean firms", hops=1, partnerships="collapse")
    labels = {
        e.get("label") for e in view.edges if {e["from"], e["to"]} == {"kg:KoreanFirms", "kg:China"}
    }
    assert labels and "region" not in labels and "Risk" in labels
