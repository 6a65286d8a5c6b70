"""The first CLI verbs on the shipped graph: exact output, every name form, every error path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from cnai_kg.cli import cli

GOLDEN = Path(__file__).parent / "golden"
ROOT = Path(__file__).resolve().parent.parent


def run(*args, env=None):
    result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    return result


def test_stats_exact():
    result = run("stats")
    assert result.exit_code == 0
    assert result.output == (GOLDEN / "stats.txt").read_text(encoding="utf-8")


def test_stats_json_agrees_with_the_graph(kg):
    data = json.loads(run("stats", "--format", "json").output)
    assert data["triples"] == len(kg)
    assert data["entities"] == len(kg.entities())
    assert data["label_coverage"]["en"] == {
        "labelled": data["entities"],
        "entities": data["entities"],
    }
    assert data["sources"] == {"cnai:Report": 1, "cnai:Article": 2, "cnai:SourceExcerpt": 41}
    assert data["facts"] == sum(data["facts_per_kind"].values())


def test_show_exact():
    assert run("show", "CATL").output == (GOLDEN / "show-catl.txt").read_text(encoding="utf-8")
    ko = run("show", "萝卜快跑", "--lang", "ko").output
    assert ko == (GOLDEN / "show-apollo-go-ko.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "name",
    [
        "CATL",
        "catl",
        "  C A T L ",
        "宁德时代",
        "닝더스다이",
        "contemporary amperex technology",
        "kg:CATL",
        "https://w3id.org/cnai-kg/resource/CATL",
        "<https://w3id.org/cnai-kg/resource/CATL>",
    ],
)
def test_show_accepts_any_name(name):
    result = run("show", name)
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == "CATL  (kg:CATL)"


def test_lang_from_environment():
    result = run("show", "Wuhan", env={"CNAI_KG_LANG": "zh"})
    assert result.output.splitlines()[0] == "武汉  (kg:Wuhan)"


def test_show_unknown_entity_lists_close_matches():
    result = CliRunner().invoke(cli, ["show", "catle"])
    assert result.exit_code == 1
    assert (
        result.output
        == "Error: unknown entity 'catle'; closest matches: CATL, Active, Unclear, UAE\n"
    )


def test_show_ambiguous_name(make_ttl):
    extra = make_ttl('kg:Catl2 a cnai:Company ; rdfs:label "CATL"@en .\n')
    result = CliRunner().invoke(cli, ["--data", str(extra), "show", "CATL"])
    assert result.exit_code == 1
    assert result.output == "Error: ambiguous entity 'CATL': it names kg:CATL, kg:Catl2\n"


def test_user_data_is_added(make_ttl):
    extra = make_ttl('kg:Acme a cnai:Company ; rdfs:label "Acme"@en , "애크미"@ko .\n')
    result = CliRunner().invoke(cli, ["--data", str(extra), "show", "애크미"])
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == "Acme  (kg:Acme)"
    assert f"  defined in: {extra}" in result.output.splitlines()


def test_malformed_turtle_is_one_line_with_file_and_line(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://ex/> .\nex:a ex:b ex:c .\nex:a ex:b ex:c ex:d .\n")
    result = CliRunner().invoke(cli, ["--data", str(bad), "stats"])
    assert result.exit_code == 2
    assert result.output == (
        f"Error: {bad}:3:16: expected '.' or '}}' or ']' at end of statement near 'ex:d .'\n"
    )


def test_missing_file():
    result = CliRunner().invoke(cli, ["--data", "/nonexistent/x.ttl", "stats"])
    assert result.exit_code == 2
    assert result.output == "Error: /nonexistent/x.ttl: no such file\n"


def test_unknown_format_is_one_line():
    result = CliRunner().invoke(cli, ["export", "--format", "xml"])
    assert result.exit_code == 2
    assert result.output == (
        "Error: Invalid value for '--format': 'xml' is not one of 'ttl', 'nt', 'jsonld', 'trig', "
        "'graphml', 'gexf', 'node-link'. (see 'cnai-kg export --help')\n"
    )


@pytest.mark.parametrize("fmt, parser", [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")])
def test_export_round_trips(kg, tmp_path, fmt, parser):
    out = tmp_path / f"kg.{fmt}"
    result = run("export", "--format", fmt, "-o", str(out))
    assert result.exit_code == 0
    assert isomorphic(Graph().parse(out, format=parser), kg.rdf)


def test_export_trig_keeps_one_named_graph_per_file(kg, tmp_path):
    out = tmp_path / "kg.trig"
    run("export", "--format", "trig", "-o", str(out))
    ds = Dataset().parse(out, format="trig")
    named = [g for g in ds.graphs() if len(g)]
    assert len(named) == len(kg.files)
    union = Graph()
    for g in named:
        union += g
    assert isomorphic(union, kg.rdf)


def test_export_to_stdout_is_turtle(kg):
    result = run("export")
    assert isomorphic(Graph().parse(data=result.output, format="turtle"), kg.rdf)


def test_failed_export_keeps_the_existing_file(tmp_path):
    out = tmp_path / "keep.ttl"
    out.write_text("precious")
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle")
    result = CliRunner().invoke(cli, ["--data", str(bad), "export", "-o", str(out)])
    assert result.exit_code == 2
    assert out.read_text() == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.ttl", "keep.ttl"]


def test_validate_shipped_conforms():
    result = CliRunner().invoke(cli, ["validate"])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr.startswith("conforms: ")


def test_validate_reports_each_violation(make_ttl):
    extra = make_ttl(
        """
        kg:claim-x a cnai:Claim ; rdfs:label "Unsourced claim"@en ;
            cnai:claimText "Something."@en ; cnai:about kg:China .
        kg:Baidu cnai:operatesIn kg:Wuhan .
    """,
        name="extra.ttl",
    )
    result = CliRunner().invoke(cli, ["validate", str(extra)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{extra}: Baidu [cnai:operatesIn] relation has no cnai:Statement giving its source "
        "(value: Wuhan)",
        f"{extra}: Unsourced claim [-] fact has no source excerpt (prov:wasDerivedFrom) and is "
        "not marked cnai:DefinitionalFact",
    ]
    assert result.stderr == "2 violation(s)\n"


def test_validate_missing_file():
    result = CliRunner().invoke(cli, ["validate", "/nonexistent/extra.ttl"])
    assert result.exit_code == 2
    assert result.output == "Error: /nonexistent/extra.ttl: no such file\n"


def test_every_command_has_help():
    cli.load_all()  # commands are imported when they run: load them all
    assert len(cli.commands) >= 15
    for name, command in cli.commands.items():
        result = run(name, "--help")
        assert result.exit_code == 0, name
        assert command.help, name


def _console_script() -> str:
    return str(Path(sys.executable).with_name("cnai-kg"))


def test_installed_command_works_from_any_directory(tmp_path):
    env = {**os.environ, "CNAI_KG_LANG": "ko"}
    out = subprocess.run(
        [_console_script(), "show", "Haier"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.splitlines()[0] == "하이얼  (kg:Haier)"


def test_errors_never_show_a_traceback(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_bytes(b"\xff\xfe not utf-8")
    for args in (
        ["--data", str(bad), "stats"],
        ["show", "nobody"],
        ["export", "-o", "/nope/x.ttl"],
    ):
        out = subprocess.run(
            [_console_script(), *args], cwd=tmp_path, capture_output=True, text=True
        )
        assert out.returncode != 0
        assert "Traceback" not in out.stderr
        assert len(out.stderr.strip().splitlines()) == 1, out.stderr


def test_wheel_ships_ontology_and_data(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("cnai_kg-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "cnai_kg/data/ontology/cnai.ttl" in names
    assert "cnai_kg/data/ontology/shapes.ttl" in names
    assert {f"cnai_kg/data/graph/{p.name}" for p in (ROOT / "graph").glob("*.ttl")} <= names
    assert "cnai_kg/queries/internal/facts-about.rq" in names
    assert "cnai_kg/py.typed" in names


def test_show_in_chinese_prints_its_own_words_in_chinese():
    out = run("show", "Uber", "--lang", "zh").output.splitlines()
    assert out[0] == "优步  (kg:Uber)"
    assert "  类别: 企业" in out and "关系:" in out and "事实 (4):" in out
    assert "  [定义性事实] 优步 —所在地→ 美国" in out
    why = "      理由: 背景知识：优步（Uber）是总部位于旧金山的美国网约车公司；"
    assert any(line.startswith(why) for line in out)
    assert "  [陈述] 优步 —所属行业→ 网约车" in out
    # nothing of the tool's own is left in English (labels of the data may be)
    for word in ("types:", "relations:", "facts (", "source:", "why:", "caveat:", "[Statement]"):
        assert not any(word in line for line in out), word


def test_queries_in_korean():
    listed = run("queries", "--lang", "ko").output.splitlines()
    assert "hubs                중국의 AI 거점: 도시, 특화 분야, 조직  [hub=ENTITY]" in listed
    shown = run("queries", "hubs", "--lang", "ko").output.splitlines()
    assert shown[0] == "hubs: 중국의 AI 거점: 도시, 특화 분야, 조직"
    assert "매개변수:" in shown and "예:" in shown
    assert any(line.startswith("  hub (entity cnai:AIHub, 선택): 거점 하나") for line in shown)
