"""A workspace of the user's own sources: init, source add/list/show/check, import, diff.

Every bad input of the import is refused with one line per problem (file, sheet, row,
column), exit 2, and nothing written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import cnai_kg
from cnai_kg.cli import cli

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "second-source"
SHEETS = sorted(str(p) for p in EXAMPLE.glob("*.csv"))
ENTITIES = "id,class,label_en,label_ko\n"
RELATIONS = "subject,relation,object,quote,source\n"


def run(*args, env=None):
    return CliRunner().invoke(cli, [str(a) for a in args], env=env, catch_exceptions=False)


@pytest.fixture
def ws(tmp_path, monkeypatch):
    """A fresh workspace with the example note registered as source ``note``."""
    monkeypatch.delenv("CNAI_KG_WORKSPACE", raising=False)
    monkeypatch.delenv("CNAI_KG_LANG", raising=False)
    root = tmp_path / "ws"
    assert run("init", root).exit_code == 0
    monkeypatch.chdir(root)
    result = run("source", "add", EXAMPLE / "note.md", "--publisher", "Hanbit Research")
    assert result.exit_code == 0, result.output
    return root


def sheet(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(body, encoding="utf-8")
    return path


def lines(result) -> list[str]:
    return [line for line in result.output.splitlines() if line]


def test_init_makes_a_workspace_and_refuses_to_redo_it(tmp_path, monkeypatch):
    monkeypatch.delenv("CNAI_KG_WORKSPACE", raising=False)
    result = run("init", tmp_path / "w", "--lang", "ko")
    assert result.exit_code == 0
    assert (tmp_path / "w" / "cnai-kg.toml").is_file()
    assert (tmp_path / "w" / "sources").is_dir() and (tmp_path / "w" / "data").is_dir()
    before = (tmp_path / "w" / "cnai-kg.toml").read_bytes()
    again = run("init", tmp_path / "w")
    assert again.exit_code != 0 and "already a workspace" in again.output
    assert (tmp_path / "w" / "cnai-kg.toml").read_bytes() == before


def test_a_broken_config_names_its_line(tmp_path, monkeypatch):
    monkeypatch.delenv("CNAI_KG_WORKSPACE", raising=False)
    run("init", tmp_path / "w")
    (tmp_path / "w" / "cnai-kg.toml").write_text('[workspace]\nlang = "en\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path / "w")
    result = run("stats")
    assert result.exit_code != 0 and "cnai-kg.toml" in result.output
    assert "cnai-kg.toml:2:" in result.output and "Traceback" not in result.output
    (tmp_path / "w" / "cnai-kg.toml").write_text('[workspace]\nlang = "fr"\n', encoding="utf-8")
    assert "lang" in run("stats").output


def test_source_add_registers_the_text_once(ws):
    folder = ws / "sources" / "note"
    assert sorted(p.name for p in folder.iterdir()) == ["source.json", "source.ttl", "v1.txt"]
    assert (folder / "v1.txt").read_text(encoding="utf-8").startswith("# 예시 시장 메모")
    again = run("source", "add", EXAMPLE / "note.md")
    assert again.exit_code == 0 and again.output.startswith("note: unchanged (version 1")
    listed = run("source", "list").output.splitlines()
    assert listed[1].split()[:4] == ["note", "Article", "v1,", "398"]


def test_a_source_description_is_rdf_that_passes_the_shapes(ws):
    kg = cnai_kg.Workspace.open(ws).load()
    card = run("source", "show", "note").output
    assert "dc:publisher: Hanbit Research" in card and "dcterms:language: ko" in card
    assert "text sha256: b6f9a78076ab" in card
    assert kg.validate().conforms


def test_source_add_refuses_bad_input_in_one_line(ws, tmp_path):
    cases = {
        tmp_path / "missing.txt": "missing.txt",
        sheet(tmp_path, "empty.txt", "  \n"): "empty.txt",
    }
    for path, name in cases.items():
        result = run("source", "add", path)
        assert result.exit_code != 0 and name in result.output
        assert len(lines(result)) == 1, result.output
    bad_date = run("source", "add", EXAMPLE / "note.md", "--id", "x", "--date", "March")
    assert bad_date.exit_code != 0 and "YYYY" in bad_date.output
    assert not (ws / "sources" / "x").exists()


def test_outside_a_workspace_source_commands_say_how_to_make_one(tmp_path, monkeypatch):
    monkeypatch.delenv("CNAI_KG_WORKSPACE", raising=False)
    monkeypatch.chdir(tmp_path)
    result = run("source", "add", EXAMPLE / "note.md")
    assert result.exit_code != 0 and "cnai-kg init" in result.output
    assert not list(tmp_path.iterdir())


def test_the_import_writes_sourced_facts_that_every_command_sees(ws):
    result = run("import", *SHEETS)
    assert result.exit_code == 0, result.output
    out = ws / "data" / "second-source.ttl"
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Imported by cnai-kg")
    assert "oa:TextQuoteSelector" in text and "oa:TextPositionSelector" in text
    # every command in the workspace loads it, with no --data
    card = run("show", "Hanbit Vision").output
    assert "South Korea" in card and "한빛비전(Hanbit Vision)은 한국의" in card
    assert "**" not in card  # quotes plain in the terminal, stored verbatim
    assert "**한빛비전(Hanbit Vision)**" in text
    path = run("path", "한빛비전", "Shanghai")
    assert path.exit_code == 0 and "Donghai Robotics" in path.output
    assert run("source", "check").exit_code == 0
    # the same sheets give the same bytes; a second import replaces its own file
    assert run("import", *SHEETS).exit_code == 0
    assert out.read_text(encoding="utf-8") == text


def test_reordered_rows_and_files_give_the_same_file(ws, tmp_path):
    assert run("import", *SHEETS, "-o", "data/a.ttl").exit_code == 0
    first = (ws / "data" / "a.ttl").read_text()
    (ws / "data" / "a.ttl").unlink()
    shuffled = tmp_path / "shuffled"
    shuffled.mkdir()
    for src in SHEETS:
        head, *rows = Path(src).read_text(encoding="utf-8").splitlines()
        (shuffled / Path(src).name).write_text(
            "\n".join([head, *reversed(rows)]) + "\n", encoding="utf-8"
        )
    result = run("import", *reversed(sorted(str(p) for p in shuffled.iterdir())), "-o", "b.ttl")
    assert result.exit_code == 0, result.output
    assert (ws / "b.ttl").read_text() == first


def test_dry_run_writes_nothing_and_shows_the_change(ws):
    result = run("import", "--dry-run", *SHEETS)
    assert result.exit_code == 0
    assert not list((ws / "data").iterdir())
    assert "entities added (3):" in result.output
    assert "+ Hanbit Vision (fictional)  (kg:HanbitVision, Company)" in result.output
    assert "network: 10 edge(s) added, 0 removed" in result.output
    md = run("import", "--dry-run", "--format", "md", *SHEETS).stdout
    assert md.startswith("## ") and "| " in md
    data = json.loads(run("import", "--dry-run", "--format", "json", *SHEETS).stdout)
    assert {e["curie"] for e in data["entities_added"]} >= {"kg:HanbitVision"}


def test_every_problem_is_listed_and_nothing_written(ws, tmp_path):
    entities = sheet(
        tmp_path,
        "entities.csv",
        ENTITIES + "HanbitVision,Company,Hanbit Vision,한빛비전\n,Gizmo,Thing,\n",
    )
    relations = sheet(
        tmp_path,
        "relations.csv",
        RELATIONS.replace("\n", ",colour\n")
        + "Hanbit Vision,basedIn,South Korea,한빛비전(Hanbit Visoin)은 한국의,note,red\n"
        "Hanbit Vision,locatedOn,South Korea,한빛비전은 산업용 로봇에,note,\n"
        "Hanbit Vizion,basedIn,South Korea,한빛비전은 산업용 로봇에,note,\n"
        "Hanbit Vision,basedIn,South Korea,한빛비전은,nosuch,\n"
        "Hanbit Vision,basedIn,,한빛비전은 산업용 로봇에,note,\n",
    )
    result = run("import", entities, relations)
    assert result.exit_code == 2
    got = lines(result)
    assert got[-1] == "Error: 7 problems in the import; nothing written"
    expected = [
        "entities.csv row 3, class (B): unknown class 'Gizmo'",
        "relations.csv row 1, F 'colour': not a relations column",
        "relations.csv row 2, quote (D): not found in 'note'; closest passage: "
        "“**한빛비전(Hanbit Vision)**은 한국의",
        "relations.csv row 3, relation (B): unknown relation 'locatedOn';"
        " closest: containedInPlace",
        "relations.csv row 4, subject (A): unknown entity 'Hanbit Vizion'; closest: Hanbit Vision",
        "relations.csv row 5, source (E): 'nosuch' is not a registered source",
        "relations.csv row 6, object (C): empty",
    ]
    for line, want in zip(got[:-1], expected, strict=True):
        assert Path(line.split(" row ")[0]).name == want.split(" row ")[0]
        assert " row " + want.split(" row ", 1)[1] in line, line
    assert not list((ws / "data").iterdir())


def test_missing_columns_and_a_quote_found_twice(ws, tmp_path):
    missing = sheet(tmp_path, "relations.csv", "subject,relation,object,source\nA,basedIn,B,note\n")
    result = run("import", missing)
    assert result.exit_code == 2 and "missing column" in result.output and "quote" in result.output
    twice = sheet(
        tmp_path,
        "rel2.csv",
        RELATIONS + "CATL,basedIn,China,한빛비전,note\n",
    )
    result = run("import", twice)
    assert result.exit_code == 2 and "prefix or suffix" in result.output
    assert not list((ws / "data").iterdir())


def test_a_cp949_csv_is_read_as_korean_or_as_told(ws, tmp_path):
    body = (ENTITIES + "HanbitVision,Company,Hanbit Vision,한빛비전 (가상)\n").encode("cp949")
    (tmp_path / "entities.csv").write_bytes(body)
    relations = sheet(
        tmp_path,
        "relations.csv",
        RELATIONS + "HanbitVision,basedIn,South Korea,한빛비전은 산업용 로봇에,note\n",
    )
    result = run("import", tmp_path / "entities.csv", relations, "-o", "data/k.ttl")
    assert result.exit_code == 0, result.output
    assert '"한빛비전 (가상)"@ko' in (ws / "data" / "k.ttl").read_text(encoding="utf-8")
    wrong = run("import", tmp_path / "entities.csv", "--encoding", "utf-8", "--dry-run")
    assert wrong.exit_code != 0 and "utf-8" in wrong.output and "entities.csv" in wrong.output


def test_an_output_that_is_not_an_import_is_never_overwritten(ws):
    mine = ws / "data" / "mine.ttl"
    mine.write_text("# my notes\n", encoding="utf-8")
    result = run("import", *SHEETS, "-o", mine)
    assert result.exit_code != 0 and "not written by cnai-kg import" in result.output
    assert mine.read_text(encoding="utf-8") == "# my notes\n"


def test_templates_hold_every_kind(ws, tmp_path):
    assert run("import", "--template", "xlsx", "-o", tmp_path / "t.xlsx").exit_code == 0
    from cnai_kg.curate.sheets import read_tables

    tables, problems = read_tables([tmp_path / "t.xlsx"])
    kinds = {t.kind for t in tables}
    assert kinds == {"entities", "relations", "partnerships", "figures", "claims"}
    assert run("import", "--template", "csv", "-o", tmp_path / "csv").exit_code == 0
    assert len(list((tmp_path / "csv").glob("*.csv"))) == 5
    again = run("import", "--template", "csv", "-o", tmp_path / "csv")
    assert again.exit_code != 0 and "exists" in again.output


def test_a_new_version_of_a_source_rechecks_its_quotes(ws, tmp_path):
    assert run("import", *SHEETS).exit_code == 0
    changed = tmp_path / "note.md"
    changed.write_text(
        (EXAMPLE / "note.md").read_text(encoding="utf-8").replace("정밀 센서를", "센서를"),
        encoding="utf-8",
    )
    result = run("source", "add", changed, "--id", "note")
    assert result.exit_code == 0
    assert "new version of note (version 2)" in result.output
    assert "re-checked 6 quote(s) against version 2: 5 found, 1 not" in result.output
    check = run("source", "check")
    assert check.exit_code == 1
    assert "closest passage: “" in check.output and "센서를 만듭니다" in check.output
    assert "**" not in check.output
    # validate in a workspace checks the quotes as well: the shapes hold, one quote does not
    validated = run("validate")
    assert validated.exit_code == 1
    assert "conforms:" in validated.output
    assert "quotes: 6 checked in 1 registered source(s), 1 not where they should be" in (
        validated.output
    )


def test_the_workspace_is_found_upwards_by_env_and_by_option(ws, tmp_path, monkeypatch):
    assert run("import", *SHEETS).exit_code == 0
    deep = ws / "notes" / "2026"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    assert "Hanbit Vision (fictional)" in run("show", "HanbitVision").output
    monkeypatch.chdir(tmp_path)
    assert run("show", "HanbitVision").exit_code != 0
    assert run("--workspace", ws, "show", "HanbitVision").exit_code == 0
    env = {"CNAI_KG_WORKSPACE": str(ws)}
    assert run("show", "HanbitVision", env=env).exit_code == 0


def test_the_workspace_language_and_shipped_setting(tmp_path, monkeypatch):
    monkeypatch.delenv("CNAI_KG_WORKSPACE", raising=False)
    monkeypatch.delenv("CNAI_KG_LANG", raising=False)
    run("init", tmp_path / "w", "--lang", "ko", "--no-shipped")
    monkeypatch.chdir(tmp_path / "w")
    stats = json.loads(run("stats", "--format", "json").output)
    assert stats["entities"] < 20  # the ontology's own individuals only
    monkeypatch.chdir(tmp_path)
    run("init", tmp_path / "k", "--lang", "ko")
    monkeypatch.chdir(tmp_path / "k")
    assert "닝더스다이" in run("show", "CATL").output


def test_diff_of_two_workspaces_and_of_two_files(ws, tmp_path):
    before = tmp_path / "before"
    shutil.copytree(ws, before)
    assert run("import", *SHEETS).exit_code == 0
    result = run("diff", before, ws)
    assert result.exit_code == 0
    assert "entities added (3):" in result.output and "facts added (9):" in result.output
    assert "degree centrality, top 10:" in result.output
    data = json.loads(run("diff", before, ws, "--format", "json").stdout)
    assert len(data["facts_added"]) == 9 and data["facts_removed"] == []
    file_diff = run("diff", ws / "data" / "second-source.ttl", ws / "data" / "second-source.ttl")
    assert file_diff.exit_code == 0 and "no change" in file_diff.output
    missing = run("diff", tmp_path / "nope.ttl", ws)
    assert missing.exit_code != 0 and "nope.ttl" in missing.output


def test_the_shipped_article_registered_is_recognised_by_its_hash(ws, source_text, tmp_path):
    article = tmp_path / "article.txt"
    article.write_text(source_text, encoding="utf-8")
    result = run("source", "add", article, "--id", "kotra-article")
    assert result.exit_code == 0, result.output
    assert (
        "the text of kg:Article-China-AI, kg:Article-DeepSeek-V3 (already described)"
        in result.output
    )
    assert not (ws / "sources" / "kotra-article" / "source.ttl").exists()
    check = run("source", "check")
    assert check.exit_code == 0, check.output
    assert "all found" in check.output


def test_the_api_imports_rows_and_diffs(ws):
    workspace = cnai_kg.Workspace.open(ws)
    before = workspace.load()
    rows = {
        "entities": [{"id": "HanbitVision", "class": "Company", "label_en": "Hanbit Vision"}],
        "relations": [
            {
                "subject": "Hanbit Vision",
                "relation": "cnai:basedIn",
                "object": "대한민국",
                "quote": "**한빛비전(Hanbit Vision)**은 한국의 가상 비전 카메라 기업입니다.",
                "source": "note",
            }
        ],
    }
    result = cnai_kg.import_rows(workspace, rows, output="data/api.ttl")
    assert result.written and result.triples > 10
    after = workspace.load()
    change = cnai_kg.diff(before, after)
    assert [e.curie for e in change.entities_added] == ["kg:HanbitVision"]
    assert len(change.facts_added) == 1
    with pytest.raises(cnai_kg.ImportProblems) as e:
        cnai_kg.import_rows(
            workspace,
            {"relations": [{"subject": "X"}, {**rows["relations"][0], "source": "elsewhere"}]},
            output="data/bad.ttl",
        )
    assert [(p.row, p.column) for p in e.value.problems] == [(1, "subject"), (2, "source")]
    assert not (ws / "data" / "bad.ttl").exists()
