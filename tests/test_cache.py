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


# ------------------------------------------------------------------ a cache that heals


def _run(cache_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "CNAI_KG_CACHE_DIR": str(cache_dir)}
    return subprocess.run([str(BIN), *args], capture_output=True, text=True, env=env, timeout=300)


def _entry(cache_dir: Path) -> Path:
    (entry,) = [p for p in stores(cache_dir) if not p.name.startswith(".")]
    return entry


def _truncate_sst(entry: Path) -> None:
    biggest = max((entry / "oxigraph").glob("*.sst"), key=lambda p: p.stat().st_size)
    with biggest.open("r+b") as fh:
        fh.truncate(100)


def _garbage_current(entry: Path) -> None:
    (entry / "oxigraph" / "CURRENT").write_bytes(b"\x00garbage\xff\n")


def _same_size_current(entry: Path) -> None:  # same size: only the digest tells
    current = entry / "oxigraph" / "CURRENT"
    current.write_bytes(b"X" * (current.stat().st_size - 1) + b"\n")


def _garbage_manifest(entry: Path) -> None:
    (entry / "manifest.json").write_text("[1, 2")


def _missing_file(entry: Path) -> None:
    min((entry / "oxigraph").glob("*.sst")).unlink()


def _wrong_count(entry: Path) -> None:  # a touched file whose bytes match: the count is read
    manifest = json.loads((entry / "manifest.json").read_text())
    manifest["triples"] += 1
    (entry / "manifest.json").write_text(json.dumps(manifest))
    os.utime(min((entry / "oxigraph").glob("*.sst")))


def _recorded_damage(entry: Path) -> None:  # damage the manifest agrees with: Oxigraph refuses
    _garbage_current(entry)
    manifest = json.loads((entry / "manifest.json").read_text())
    manifest["store_files"] = cache._recorded(entry / "oxigraph")
    (entry / "manifest.json").write_text(json.dumps(manifest))


DAMAGES = {
    "truncated sst": (_truncate_sst, r"\d+\.sst has 100 bytes, not [\d,]+"),
    "garbage CURRENT": (_garbage_current, r"CURRENT has 10 bytes, not 16"),
    "same-size CURRENT": (_same_size_current, r"CURRENT differs from its recorded digest"),
    "garbage manifest": (_garbage_manifest, r"its manifest cannot be read"),
    "missing file": (_missing_file, r"\d+\.sst is missing"),
    "wrong triple count": (_wrong_count, r"it holds [\d,]+ triples, not \d+"),
    "damage Oxigraph sees": (_recorded_damage, r"Corruption: CURRENT file corrupted"),
}


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory):
    """``stats`` on a fresh cache: its output, and a copy of the entry it built."""
    folder = tmp_path_factory.mktemp("clean")
    result = _run(folder, "stats")
    assert result.returncode == 0 and result.stderr == ""
    return result.stdout, folder


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_a_damaged_entry_is_set_aside_and_rebuilt(clean_run, cache_dir, damage):
    import re
    import shutil

    expected, clean = clean_run
    shutil.copytree(clean, cache_dir)
    harm, why = DAMAGES[damage]
    entry = _entry(cache_dir)
    harm(entry)
    result = _run(cache_dir, "stats")
    assert result.returncode == 0, result.stderr
    assert result.stdout == expected
    (line,) = result.stderr.splitlines()
    assert re.fullmatch(
        rf"the cached store {re.escape(str(entry))} is damaged \(.*({why}).*\); set aside as "
        rf"\.broken-{entry.name}-\d+-\d+, building it again",
        line,
    ), line
    assert "Traceback" not in result.stderr
    names = [p.name for p in stores(cache_dir)]
    assert entry.name in names and sum(n.startswith(".broken-") for n in names) == 1
    again = _run(cache_dir, "stats")  # the rebuilt entry opens as it is
    assert (again.returncode, again.stdout, again.stderr) == (0, expected, "")
    info = _run(cache_dir, "cache", "info")
    assert "set aside as damaged: 1 (" in info.stdout


def test_cache_clear_removes_broken_entries(clean_run, cache_dir):
    import shutil

    _, clean = clean_run
    shutil.copytree(clean, cache_dir)
    entry = _entry(cache_dir)
    _garbage_manifest(entry)
    (cache_dir / "stores" / "not-a-folder").write_text("junk")
    aside = cache_dir / "stores" / f".broken-{entry.name}-1-2"
    shutil.copytree(entry, aside)
    (aside / "oxigraph").chmod(0)  # a folder whose rights were taken away
    locked = cache_dir / "stores" / ".build-x-999999-abc"
    locked.mkdir()
    result = _run(cache_dir, "cache", "clear")
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.startswith("removed 3 stores (")
    assert stores(cache_dir) == []


def test_two_processes_heal_the_same_entry_at_once(clean_run, cache_dir):
    import shutil

    expected, clean = clean_run
    shutil.copytree(clean, cache_dir)
    entry = _entry(cache_dir)
    _truncate_sst(entry)
    env = {**os.environ, "CNAI_KG_CACHE_DIR": str(cache_dir)}
    runs = [
        subprocess.Popen(
            [str(BIN), "stats"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert [out for out, _ in outputs] == [expected, expected]
    # one or both saw the damage (each says so in one line); one good entry is left
    said = [err.splitlines() for _, err in outputs]
    assert all(len(lines) <= 1 for lines in said) and any(said), said
    assert all("building it again" in line for lines in said for line in lines)
    assert [p.name for p in stores(cache_dir) if not p.name.startswith(".")] == [entry.name]
    assert not [p for p in stores(cache_dir) if p.name.startswith(".build-")]
    again = _run(cache_dir, "stats")
    assert (again.returncode, again.stdout, again.stderr) == (0, expected, "")
