"""The ``query``, ``queries`` and ``prefixes`` commands."""

from __future__ import annotations

import io
import json

import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.query import Result

from cnai_kg.cli import cli
from cnai_kg.namespaces import PREFIXES
from cnai_kg.query import named_queries

PRD = "SELECT ?c WHERE { ?c cnai:basedIn kg:PearlRiverDelta } ORDER BY ?c"
KG = "https://w3id.org/cnai-kg/resource/"


def invoke(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input)


# --------------------------------------------------------------------- query


def test_csv_is_the_default_off_a_terminal():
    result = invoke("query", PRD)
    assert result.exit_code == 0
    assert result.stdout_bytes == f"c\r\n{KG}Huawei\r\n{KG}Tencent\r\n".encode()
    assert result.stderr == ""


def test_table_in_korean_and_raw():
    result = invoke(
        "query",
        "--name",
        "companies-by-hub",
        "--param",
        "hub=珠三角",
        "--format",
        "table",
        "--lang",
        "ko",
    )
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "hub          city   organisation   kind",
        "───────────────────────────────────────",
        "주강삼각주          화웨이         기업",
        "주강삼각주          텐센트         기업",
    ]
    assert result.stderr == "2 rows\n"
    raw = invoke(
        "query", "--name", "companies-by-hub", "--param", "hub=珠三角", "--format", "table", "--raw"
    )
    assert raw.stdout.splitlines()[2].split() == ["kg:PearlRiverDelta", "kg:Huawei", "cnai:Company"]


def test_lang_from_the_environment():
    result = CliRunner(env={"CNAI_KG_LANG": "zh"}).invoke(cli, ["query", "--format", "table", PRD])
    assert [line.strip() for line in result.stdout.splitlines()[2:]] == ["华为", "腾讯"]


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "xml"])
def test_row_formats_parse(fmt):
    result = invoke(
        "query",
        "--format",
        fmt,
        "--name",
        "partnerships",
        "--param",
        "involving=우버",
        "--lang",
        "ko",
    )
    assert result.exit_code == 0
    parsed = Result.parse(io.BytesIO(result.stdout_bytes), format=fmt)
    assert [str(v) for v in parsed.vars] == [
        "partnership",
        "partner",
        "role",
        "targetMarket",
        "status",
        "types",
    ]
    assert len(parsed.bindings) == 4
    assert {str(b[parsed.vars[1]]) for b in parsed.bindings} == {
        f"{KG}Uber",
        f"{KG}PonyAI",
        f"{KG}WeRide",
    }


@pytest.mark.parametrize("fmt,parser", [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")])
def test_graph_formats_parse(fmt, parser):
    result = invoke(
        "query",
        "--format",
        fmt,
        "CONSTRUCT { ?c cnai:basedIn ?h } WHERE { ?c cnai:basedIn ?h . ?h a cnai:AIHub }",
    )
    assert result.exit_code == 0
    graph = Graph().parse(data=result.stdout, format=parser)
    # Baidu, Tencent, Huawei and the three groups the source places in hubs
    assert len(graph) == 6


def test_construct_defaults_to_turtle():
    result = invoke(
        "query", "CONSTRUCT { kg:Tencent cnai:basedIn ?h } WHERE { kg:Tencent cnai:basedIn ?h }"
    )
    assert result.stdout == (
        "@prefix cnai: <https://w3id.org/cnai-kg/ontology#> .\n"
        "@prefix kg: <https://w3id.org/cnai-kg/resource/> .\n\n"
        "kg:Tencent cnai:basedIn kg:PearlRiverDelta .\n\n"
    )


def test_construct_as_a_table_of_labels():
    result = invoke(
        "query",
        "--format",
        "table",
        "--lang",
        "ko",
        "CONSTRUCT { kg:Tencent cnai:basedIn ?h } WHERE { kg:Tencent cnai:basedIn ?h }",
    )
    assert result.stdout.splitlines()[2].split() == ["텐센트", "소재지", "주강삼각주"]
    assert result.stderr == "1 triple\n"


def test_ask_prints_true_or_false():
    assert invoke("query", "ASK { kg:Tencent cnai:basedIn kg:PearlRiverDelta }").stdout == "true\n"
    assert invoke("query", "ASK { kg:Tencent cnai:basedIn kg:JingJinJi }").stdout == "false\n"
    data = json.loads(invoke("query", "--format", "json", "ASK { ?s ?p ?o }").stdout)
    assert data == {"head": {}, "boolean": True}


def test_query_from_file_and_stdin(tmp_path):
    path = tmp_path / "q.rq"
    path.write_text(
        "# param hub: entity cnai:AIHub\n" + PRD.replace("kg:PearlRiverDelta", "?hub"),
        encoding="utf-8",
    )
    result = invoke("query", "-f", str(path), "--param", "hub=주강삼각주")
    assert result.stdout_bytes == f"c\r\n{KG}Huawei\r\n{KG}Tencent\r\n".encode()
    assert invoke("query", input=PRD).stdout == result.stdout
    assert invoke("query", "-", input=PRD).stdout == result.stdout


def test_param_on_an_ad_hoc_query():
    q = "SELECT ?c WHERE { ?c cnai:basedIn ?hub } ORDER BY ?c"
    result = invoke("query", "--param", "hub=kg:PearlRiverDelta", q)
    assert result.stdout == f"c\n{KG}Huawei\n{KG}Tencent\n"
    result = invoke("query", "--param", "hub=Pearl River Delta", q)
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: parameter 'hub' is plain text: declare it")
    declared = "# param hub: entity\n" + q
    assert invoke("query", "--param", "hub=珠三角", declared).stdout == (
        f"c\n{KG}Huawei\n{KG}Tencent\n"
    )


def test_output_file_is_written_atomically_with_its_suffix_format(tmp_path):
    out = tmp_path / "answer.json"
    out.write_text("old")
    result = invoke("query", "-o", str(out), PRD)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == f"wrote {out} (2 rows, json)\n"
    assert json.loads(out.read_text())["head"] == {"vars": ["c"]}
    assert list(tmp_path.iterdir()) == [out]
    ttl = tmp_path / "g.ttl"
    invoke("query", "-o", str(ttl), "DESCRIBE kg:Tencent")
    assert len(Graph().parse(ttl)) > 3
    table = tmp_path / "t.txt"
    invoke("query", "-o", str(table), "--lang", "ko", PRD)
    assert table.read_text(encoding="utf-8").split() == ["c", "─" * 6, "화웨이", "텐센트"]


def test_failed_query_leaves_the_output_file_alone(tmp_path):
    out = tmp_path / "answer.csv"
    out.write_text("keep me")
    result = invoke("query", "-o", str(out), "SELECT * WHERE { ?s ?p }")
    assert result.exit_code == 2
    assert out.read_text() == "keep me"
    result = invoke("query", "-o", str(tmp_path / "missing" / "x.csv"), PRD)
    assert result.exit_code == 2
    assert result.stderr == f"Error: {tmp_path / 'missing'}: no such directory\n"


def test_reason_option():
    q = "SELECT ?x WHERE { ?x a org:Organization } ORDER BY ?x"
    plain = invoke("query", q)
    assert plain.stdout == "x\n"
    reasoned = invoke("query", "--reason", "rdfs", q)
    assert f"{KG}Tencent\n" in reasoned.stdout
    assert f"{KG}DAMOAcademy\n" in reasoned.stdout


@pytest.mark.parametrize(
    "args,code,message",
    [
        (["SELECT * WHERE { ?s ?p }"], 2, "syntax error at line 1, column 18: unexpected '?s'"),
        (
            ["SELECT * WHERE { ?s foo:p ?o }"],
            2,
            "unknown prefix 'foo:' at line 1, column 21; declare it with PREFIX foo: <...> or "
            "use one of the predeclared prefixes: cnai, kg, org, schema, prov, skos, dcterms, "
            "foaf, rdf, rdfs, owl, xsd, sh, time, oa, dc",
        ),
        (
            ["INSERT DATA { kg:a kg:b kg:c }"],
            3,
            "refused: SPARQL Update (INSERT DATA) would change the graph; cnai-kg runs read-only "
            "queries (SELECT, ASK, CONSTRUCT, DESCRIBE)",
        ),
        (["--name", "nope"], 2, "unknown named query 'nope'; list them with 'cnai-kg queries'"),
        (
            ["--name", "facts-about"],
            2,
            "the named query facts-about needs the parameter entity "
            "(entity): give --param entity=VALUE",
        ),
        (
            ["--name", "companies-by-hub", "--param", "hub=Wuhan"],
            2,
            "parameter hub: 'Wuhan' is a City, not an AI hub",
        ),
        (["--param", "x", "ASK {}"], 2, "--param expects KEY=VALUE, got 'x'"),
        (
            ["--name", "hubs", "ASK {}"],
            2,
            "give the query one way only: as an argument, with -f FILE or with --name",
        ),
        (["-f", "/nonexistent/q.rq"], 2, "/nonexistent/q.rq: no such file"),
        (
            ["--format", "ttl", "ASK {}"],
            2,
            "format 'ttl' is for graphs; an ASK query gives rows: use one of table, csv, tsv, "
            "json, xml",
        ),
        (["--format", "csv", "ASK {}"], 2, "an ASK answer has no CSV form; use json, xml or table"),
        (
            ["--max-rows", "10", "SELECT * WHERE { ?a ?b ?c }"],
            2,
            "the query gives more than 10 rows and was stopped; add LIMIT or connect its patterns "
            "(a cartesian product grows fast), or raise --max-rows",
        ),
    ],
)
def test_errors_are_one_line_with_their_exit_code(args, code, message):
    result = invoke("query", *args)
    assert (result.exit_code, result.stderr) == (code, f"Error: {message}\n")
    assert result.stdout == ""


def test_unknown_entity_lists_close_matches():
    result = invoke("query", "--name", "facts-about", "--param", "entity=Tencnet")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: unknown entity 'Tencnet'; closest matches: Tencent")


def test_help_mentions_the_options():
    text = invoke("query", "--help").stdout
    for word in (
        "--name",
        "--param",
        "--format",
        "--lang",
        "--raw",
        "--reason",
        "--timeout",
        "--max-rows",
        "-o, --output",
        "SERVICE",
    ):
        assert word in text


# ------------------------------------------------------------ queries, prefixes


def test_queries_lists_the_library():
    result = invoke("queries")
    lines = result.stdout.splitlines()
    assert len(lines) == len(named_queries())
    assert [line.split()[0] for line in lines] == sorted(named_queries())
    hub = next(line for line in lines if line.startswith("companies-by-hub "))
    assert hub.split("  ")[-1] == "[hub=ENTITY]"
    assert hub.split()[1:3] == ["Companies", "and"]


def test_queries_shows_one():
    result = invoke("queries", "partnerships")
    text = result.stdout
    assert text.startswith(
        "partnerships: Partnerships: partners, their roles, target markets and status\n\n"
    )
    assert "  involving (entity, optional): only partnerships that this" in text
    assert "  cnai-kg query --name partnerships --param involving=Uber\n" in text
    assert "SELECT DISTINCT ?partnership" in text and "# title" not in text
    assert invoke("queries", "partnership").stderr == (
        "Error: unknown named query 'partnership'; did you mean partnerships?\n"
    )


def test_prefixes():
    lines = invoke("prefixes").stdout.splitlines()
    assert lines[0] == "cnai:     https://w3id.org/cnai-kg/ontology#"
    assert len(lines) == len(PREFIXES)
    sparql = invoke("prefixes", "--sparql").stdout.splitlines()
    assert sparql[1] == "PREFIX kg: <https://w3id.org/cnai-kg/resource/>"
    # the printed PREFIX lines make a query that runs anywhere
    text = "\n".join(sparql) + "\n" + PRD
    assert invoke("query", text).stdout == f"c\n{KG}Huawei\n{KG}Tencent\n"
