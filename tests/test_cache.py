"""Load once: the on-disk store cache (keyed by contents, built atomically, shared)."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import cnai_kg
from cnai_kg.cli import cli
from cnai_kg.errors import DataError, QueryTimeout
from cnai_kg.store import cache
from cnai_kg.store.oxigraph import OxigraphStore

BIN = Path(sys.executable).parent / "cnai-kg"


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("CNAI_KG_CACHE_DIR", str(folder))
    return folder


def stores(folder: Path) -> list[Path]:
    root = folder / "stores"
    return sorted(p for p in root.iterdir()) if root.is_dir() else []


def test_the_folder_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("CNAI_KG_CACHE_DIR", str(tmp_path / "mine"))
    assert cache.cache_dir() == tmp_path / "mine"
    monkeypatch.delenv("CNAI_KG_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "xdg" / "cnai-kg"


def test_second_load_opens_the_store_instead_of_parsing(cache_dir, make_ttl, monkeypatch):
    extra = make_ttl('kg:Acme a cnai:Company ; rdfs:label "Acme"@en .')
    first = cnai_kg.load(extra, cache=True)
    assert len(stores(cache_dir)) == 1
    # a second load must not parse: make every parser fail and load again
    monkeypatch.setattr(OxigraphStore, "add_data", lambda *a, **k: pytest.fail("parsed again"))
    second = cnai_kg.load(extra, cache=True)
    assert len(second) == len(first) and second.files == first.files
    assert second.label(second.resolve("Acme")) == "Acme"
    assert second.stats() == cnai_kg.load(extra, store="rdflib").stats()
    assert second.file_of(second.resolve("Acme")) == str(extra)


def test_changed_contents_build_a_new_store(cache_dir, make_ttl):
    extra = make_ttl('kg:Acme a cnai:Company ; rdfs:label "Acme"@en .')
    cnai_kg.load(extra, cache=True)
    extra.write_text(extra.read_text().replace('"Acme"@en', '"Acme Corp"@en'))
    kg = cnai_kg.load(extra, cache=True)
    assert kg.label(kg.resolve("Acme Corp")) == "Acme Corp"
    assert len(stores(cache_dir)) == 2


def test_a_bad_file_leaves_nothing_behind(cache_dir, make_ttl):
    bad = make_ttl('kg:a rdfs:label "oops .\n')
    with pytest.raises(DataError):
        cnai_kg.load(bad, cache=True)
    assert stores(cache_dir) == []


def _build(folder: str, files: list[str]) -> int:
    os.environ["CNAI_KG_CACHE_DIR"] = folder
    kg = cnai_kg.load(*files, cache=True)
    return len(kg)


def test_concurrent_builders_do_not_corrupt_each_other(cache_dir, make_ttl):
    files = [str(make_ttl(f'kg:C{i} a cnai:Company ; rdfs:label "C{i}"@en .')) for i in range(3)]
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        sizes = pool.starmap(_build, [(str(cache_dir), files)] * 4)
    assert len(set(sizes)) == 1
    assert [p.name.startswith(".") for p in stores(cache_dir)] == [False]
    assert len(cnai_kg.load(*files, cache=True)) == sizes[0]


def test_a_timed_out_query_on_a_cached_store(cache_dir):
    kg = cnai_kg.load(cache=True)
    with pytest.raises(QueryTimeout):
        kg.query("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", timeout=0.5)
    assert kg.query("hubs", timeout=5).tuples == cnai_kg.load().query("hubs").tuples


def test_commands_share_the_cache_and_cache_info_lists_it(cache_dir):
    env = {**os.environ, "CNAI_KG_CACHE_DIR": str(cache_dir)}
    outputs = [
        subprocess.run(
            [str(BIN), "show", "CATL"], capture_output=True, text=True, env=env, check=True
        ).stdout
        for _ in range(2)
    ]
    assert outputs[0] == outputs[1] and outputs[0].startswith("CATL  (kg:CATL)")
    (store,) = stores(cache_dir)
    manifest = json.loads((store / "manifest.json").read_text())
    assert manifest["triples"] == len(cnai_kg.load())
    info = CliRunner().invoke(cli, ["cache", "info"])
    assert info.exit_code == 0
    assert info.output.splitlines()[:2] == [f"folder: {cache_dir}", info.output.splitlines()[1]]
    assert f"{store.name}  12 files, {manifest['triples']:,} triples" in info.output


def test_no_cache_and_cache_clear(cache_dir):
    runner = CliRunner()
    assert runner.invoke(cli, ["--no-cache", "stats"]).exit_code == 0
    assert stores(cache_dir) == []
    assert runner.invoke(cli, ["stats"]).exit_code == 0
    assert len(stores(cache_dir)) == 1
    result = runner.invoke(cli, ["cache", "clear"])
    assert result.exit_code == 0
    assert result.output.startswith("removed 1 store (") and str(cache_dir) in result.output
    assert stores(cache_dir) == []


def test_old_stores_are_evicted(cache_dir, make_ttl, monkeypatch):
    monkeypatch.setattr(cache, "KEEP", 2)
    for i in range(4):
        cnai_kg.load(make_ttl(f'kg:C{i} a cnai:Company ; rdfs:label "C{i}"@en .'), cache=True)
    assert len(stores(cache_dir)) == 2


NAMES = [
    "CATL",
    "catl",
    "  Contemporary   Amperex Technology ",
    "닝더스다이",
    "宁德时代",
    "kg:CATL",
    "<https://w3id.org/cnai-kg/resource/CATL>",
    "Company",
    "Apollo-Go",
    "Ｃａｔｌ",
    "catle",
    "kg:NoSuchThing",
    "nothing like it",
]


def _answer(kg, name):
    try:
        return kg.resolve(name)
    except cnai_kg.errors.EntityNotFound as e:
        return type(e).__name__, str(e)


@pytest.mark.parametrize("name", NAMES)
def test_the_name_index_answers_as_the_full_resolver(cache_dir, make_ttl, name):
    # an ambiguous name, a case variant on another node, a non-entity sharing a name
    extra = make_ttl(
        'kg:Catl2 a cnai:Company ; rdfs:label "CATL"@en .\n'
        'kg:Catl3 rdfs:label "catl"@en .\n'
        'kg:Apollo a cnai:Company ; rdfs:label "apollo go"@en .\n'
        '<urn:x:apollo> rdfs:label "APOLLO GO" .\n'
    )
    cached = cnai_kg.load(extra, cache=True)
    plain = cnai_kg.load(extra)
    assert cached._name_index() is not None
    answer = _answer(cached, name)
    assert answer == _answer(plain, name)
    # found, ambiguous or missed (its closest names too) without indexing every name in memory
    assert "resolver" not in cached.__dict__
    # a second command opens the index built by the first
    again = cnai_kg.load(extra, cache=True)
    assert _answer(again, name) == _answer(plain, name)
