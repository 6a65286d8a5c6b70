"""The benchmark's synthetic graphs (benchmarks/generate.py) are in the project's vocabulary
and pass its SHACL shapes; the benchmark itself (benchmarks/run.py) runs on demand only."""

from __future__ import annotations

import statistics
import sys
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import RDF, RDFS

import cnai_kg
from cnai_kg.namespaces import CNAI, ORG
from cnai_kg.validate import validate

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from generate import write_graph  # noqa: E402


@pytest.fixture(scope="module")
def thousand(tmp_path_factory) -> Path:
    return write_graph(1000, tmp_path_factory.mktemp("bench") / "bench-1k.ttl")


def test_the_1k_graph_passes_the_shapes(thousand):
    report = validate(cnai_kg.load(thousand, shipped=False))
    assert report.conforms, report.violations[:3]


def test_a_relation_without_its_statement_is_caught(tmp_path):
    text = write_graph(30, tmp_path / "ok.ttl").read_text(encoding="utf-8")
    lines = text.splitlines()
    drop = next(i for i, line in enumerate(lines) if "rdf:predicate cnai:basedIn" in line)
    broken = tmp_path / "broken.ttl"
    broken.write_text("\n".join(lines[:drop] + lines[drop + 1 :]), encoding="utf-8")
    report = validate(cnai_kg.load(broken, shipped=False))
    assert not report.conforms
    assert any("no cnai:Statement" in str(v) for v in report.violations)


def test_the_1k_graph_has_the_shape_of_the_issue(thousand):
    g = Graph().parse(thousand)
    # about 37 triples per company, as the graphs the issue measured
    assert 33_000 < len(g) < 42_000
    companies = set(g.subjects(RDF.type, CNAI.Company))
    assert len(companies) == 1000
    for company in list(companies)[:50]:
        langs = sorted(label.language for label in g.objects(company, RDFS.label))
        assert langs == ["en", "ko", "zh"]
    # every relation of a company has its statement, derived from an excerpt with a quote
    statements = set(g.subjects(RDF.type, CNAI.Statement))
    assert len(statements) == 2 * 1000 + 3 + 12
    # cities in the three hubs
    hubs = set(g.subjects(RDF.type, CNAI.AIHub))
    assert len(hubs) == 3
    # skewed partnerships: a few companies with many partners, most with one or two
    partners = Counter(g.objects(None, ORG.member))
    counts = sorted(partners.values())
    assert statistics.median(counts) <= 2
    assert counts[-1] >= 10 * statistics.median(counts)
    assert set(g.objects(None, ORG.role))


def test_the_same_size_and_seed_give_the_same_graph(tmp_path):
    a = write_graph(200, tmp_path / "a.ttl").read_bytes()
    b = write_graph(200, tmp_path / "b.ttl").read_bytes()
    assert a == b
