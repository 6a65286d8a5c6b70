"""Shared fixtures: the shipped graph (loaded once) and a factory for small graphs."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import textwrap
from pathlib import Path

import pytest

import cnai_kg
from cnai_kg.namespaces import PREFIXES

# The store cache of every command run by the tests (in-process or in a subprocess)
# goes to a scratch folder, never to the user's cache.
_CACHE = tempfile.mkdtemp(prefix="cnai-kg-test-cache-")
os.environ["CNAI_KG_CACHE_DIR"] = _CACHE
atexit.register(shutil.rmtree, _CACHE, True)

ROOT = Path(__file__).resolve().parent.parent
SOURCE_NAME = "000_bd8c0458ed4da66e.txt"
SOURCE_ENV = "CNAI_KG_SOURCE_TEXT"  # the source text file, or the folder holding it
REQUIRE_ENV = "CNAI_KG_REQUIRE_SOURCE"  # "1": a missing source text fails (CI), never skips


def find_source_text() -> Path | None:
    """The Korean source text the graph quotes: ``$CNAI_KG_SOURCE_TEXT`` (a file, or a folder
    holding it), else ``shared/seeds/`` beside the clone (where CI keeps it) or beside the
    clone's parent folder (git worktrees); None when none of these has it."""
    given = os.environ.get(SOURCE_ENV)
    if given:
        path = Path(given)
        return path / SOURCE_NAME if path.is_dir() else path
    for base in (ROOT.parent, ROOT.parent.parent):
        candidate = base / "shared" / "seeds" / SOURCE_NAME
        if candidate.is_file():
            return candidate
    return None


TTL_PREFIXES = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())


@pytest.fixture(scope="session")
def kg() -> cnai_kg.KnowledgeGraph:
    """The shipped ontology + data, loaded once for the whole run (do not mutate)."""
    return cnai_kg.load()


@pytest.fixture(scope="session")
def source_text() -> str:
    """The source text; a test using it is skipped when it is missing (failed under CI)."""
    path = find_source_text()
    if path is None or not path.is_file():
        where = path or f"../shared/seeds/{SOURCE_NAME} beside the clone"
        reason = f"source text not found at {where}: set {SOURCE_ENV} to its path"
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{reason} ({REQUIRE_ENV}=1 makes it mandatory)")
        pytest.skip(reason)
    return path.read_text(encoding="utf-8")


@pytest.fixture
def make_ttl(tmp_path):
    """Write a Turtle snippet (project prefixes predeclared) to a file and return its path."""
    counter = iter(range(1000))

    def make(body: str, name: str | None = None) -> Path:
        path = tmp_path / (name or f"extra{next(counter)}.ttl")
        path.write_text(TTL_PREFIXES + textwrap.dedent(body), encoding="utf-8")
        return path

    return make


@pytest.fixture
def make_kg(make_ttl):
    """Build a KnowledgeGraph from the ontology plus a Turtle snippet (``shipped=False``),
    or the shipped data plus the snippet (``shipped=True``)."""

    def make(body: str, *, shipped: bool = False) -> cnai_kg.KnowledgeGraph:
        return cnai_kg.load(make_ttl(body), shipped=shipped)

    return make


# --------------------------------------------------------------------------- browsers


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for a test module (skipped without Playwright or Chromium)."""
    from _browser import launch, sync_api

    with sync_api.sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.fixture
def visit(browser):
    """``visit(base, width=..., height=...)``: a :class:`_browser.Visit`, closed after the
    test."""
    from _browser import Visit

    opened: list[Visit] = []

    def make(base: str, **viewport) -> Visit:
        v = Visit(browser, base, **viewport)
        opened.append(v)
        return v

    yield make
    for v in opened:
        v.context.close()
