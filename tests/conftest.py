"""Shared fixtures: the shipped graph (loaded once) and a factory for small graphs."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import cnai_kg
from cnai_kg.namespaces import PREFIXES

ROOT = Path(__file__).resolve().parent.parent
SOURCE_TEXT = ROOT.parent / "shared" / "seeds" / "000_bd8c0458ed4da66e.txt"

TTL_PREFIXES = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())


@pytest.fixture(scope="session")
def kg() -> cnai_kg.KnowledgeGraph:
    """The shipped ontology + data, loaded once for the whole run (do not mutate)."""
    return cnai_kg.load()


@pytest.fixture(scope="session")
def source_text() -> str:
    if not SOURCE_TEXT.exists():
        pytest.fail(f"source text missing: {SOURCE_TEXT} (CI keeps shared/ beside the clone)")
    return SOURCE_TEXT.read_text(encoding="utf-8")


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
