"""``cnai-kg render``: files written, options passed through, every error as one line."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from cnai_kg.cli import cli


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def data_of(page: str) -> dict:
    (block,) = re.findall(
        r'<script type="application/json" id="cnai-data">(.*?)</script>', page, flags=re.S
    )
    return json.loads(block)


def test_render_writes_the_whole_graph(tmp_path, kg):
    out = tmp_path / "view.html"
    result = run("render", "-o", str(out))
    assert result.exit_code == 0
    view = kg.render()
    assert result.stderr == (
        f"wrote {out}: {len(view.nodes)} nodes, {len(view.edges)} edges, physics layout\n"
    )
    assert result.stdout == ""
    data = data_of(out.read_text(encoding="utf-8"))
    assert {n["id"] for n in data["nodes"]} == view.node_ids
    assert data["title"] == "China's AI industry"


def test_render_to_stdout():
    result = run("render", "--focus", "CATL")
    assert result.exit_code == 0
    assert result.stdout.startswith("<!DOCTYPE html>\n")
    assert result.stderr == ""
    assert data_of(result.stdout)["focus"] == "kg:CATL"


def test_options_reach_the_view(tmp_path):
    out = tmp_path / "v.html"
    result = run(
        "render",
        "--focus",
        "닝더스다이",
        "--hops",
        "2",
        "--lang",
        "ko",
        "--size-by",
        "pagerank",
        "--color-by",
        "sector",
        "--title",
        "CATL 주변",
        "-o",
        str(out),
    )
    assert result.exit_code == 0
    data = data_of(out.read_text(encoding="utf-8"))
    assert (data["focus"], data["lang"], data["title"]) == ("kg:CATL", "ko", "CATL 주변")
    assert data["meta"]["sizeBy"] == "pagerank" and data["meta"]["colorBy"] == "sector"
    assert data["ui"]["search"] == "노드 찾기 (모든 언어)…"
    assert "<title>CATL 주변</title>" in out.read_text(encoding="utf-8")


def test_path_and_filters(tmp_path):
    out = tmp_path / "p.html"
    result = run("render", "--path", "Pony.ai", "WeRide", "--hops", "0", "-o", str(out))
    assert result.exit_code == 0
    data = data_of(out.read_text(encoding="utf-8"))
    assert data["path"][0] == "kg:PonyAI" and data["path"][-1] == "kg:WeRide"
    assert {n["id"] for n in data["nodes"]} == set(data["path"])
    result = run(
        "render", "--class", "Company", "--class", "AI hub", "--relation", "basedIn", "-o", str(out)
    )
    assert result.exit_code == 0
    data = data_of(out.read_text(encoding="utf-8"))
    assert {e["relation"] for e in data["edges"]} == {"cnai:basedIn"}
    assert {n["kind"] for n in data["nodes"]} == {"Company", "AIHub"}


def test_user_data_is_drawn(tmp_path, make_ttl):
    extra = make_ttl('kg:Mine a cnai:Company ; rdfs:label "Mine"@en , "내 회사"@ko .')
    result = run("--data", str(extra), "render", "--focus", "내 회사")
    assert result.exit_code == 0
    assert {n["id"] for n in data_of(result.stdout)["nodes"]} == {"kg:Mine"}


@pytest.mark.parametrize(
    "args, code, message",
    [
        (
            ["--focus", "Nope"],
            1,
            "unknown entity 'Nope'; closest matches: OpenAI, Proposed",
        ),
        (["--hops", "2"], 2, "--hops needs --focus or --path"),
        (["--focus", "CATL", "--hops", "-1"], 2, "--hops must be 0 or more, not -1"),
        (
            ["--focus", "CATL", "--path", "Uber", "Baidu"],
            2,
            "give either --focus or --path, not both",
        ),
        (["--path", "CATL", "宁德时代"], 2, "CATL is both ends of the path"),
        (
            ["--class", "Law", "--relation", "basedIn"],
            2,
            "nothing to render: no entity of the chosen classes and relations",
        ),
        (
            ["--focus", "CATL", "--class", "City"],
            2,
            "CATL (cnai:Company) is not a node of the network",
        ),
    ],
)
def test_errors_are_one_line(args, code, message):
    result = run("render", *args)
    assert result.exit_code == code
    assert result.stderr == f"Error: {message}\n"
    assert result.stdout == ""


def test_unknown_class_and_relation_list_the_choices():
    result = run("render", "--class", "Compny")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: unknown class 'Compny'; choose from: AIHub, ")
    assert len(result.stderr.splitlines()) == 1
    result = run("render", "--relation", "sellsTo")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: unknown relation 'sellsTo'; choose from: ")
    assert "basedIn" in result.stderr and len(result.stderr.splitlines()) == 1


def test_no_path_exits_1(make_ttl):
    extra = make_ttl('kg:Island a cnai:Company ; rdfs:label "Island"@en .')
    result = run("--data", str(extra), "render", "--path", "Island", "CATL")
    assert result.exit_code == 1
    assert result.stderr == "Error: no path from Island to CATL\n"


def test_bad_output_folder_leaves_nothing(tmp_path):
    result = run("render", "-o", str(tmp_path / "missing" / "v.html"))
    assert result.exit_code == 2
    assert result.stderr == f"Error: {tmp_path / 'missing'}: no such directory\n"
    assert list(tmp_path.iterdir()) == []


def test_bad_choices_are_click_errors():
    result = run("render", "--size-by", "closeness")
    assert result.exit_code == 2
    assert "Invalid value for '--size-by'" in result.stderr


def test_help_lists_every_option():
    result = run("render", "--help")
    assert result.exit_code == 0
    for option in (
        "--focus",
        "--hops",
        "--path",
        "--class",
        "--relation",
        "--lang",
        "--size-by",
        "--color-by",
        "--title",
        "--output",
        "--partnerships",
        "--layout",
    ):
        assert option in result.stdout, option
