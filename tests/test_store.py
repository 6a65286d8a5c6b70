"""The same answers on every store: rdflib in memory and Oxigraph (through oxrdflib)."""

from __future__ import annotations

import shlex

import pytest

import cnai_kg
from cnai_kg.errors import UsageError
from cnai_kg.query import named_queries

pytest.importorskip("oxrdflib")


@pytest.fixture(scope="module")
def oxi():
    return cnai_kg.load(store="oxigraph")


def example_params(nq) -> dict[str, str]:
    """The parameters of the named query's first example (``--param k=v``)."""
    if not nq.examples:
        return {}
    words = shlex.split(nq.examples[0])
    return dict(w.split("=", 1) for i, w in enumerate(words) if i and words[i - 1] == "--param")


def rows(result) -> list[tuple]:
    return sorted(tuple(str(v) if v is not None else "" for v in row) for row in result)


def test_same_triples_and_stats(kg, oxi):
    assert len(oxi) == len(kg)
    assert oxi.stats() == kg.stats()
    assert repr(oxi).endswith("oxigraph store>")


@pytest.mark.parametrize("name", sorted(named_queries()))
def test_named_queries_agree(kg, oxi, name):
    nq = named_queries()[name]
    params = example_params(nq)
    assert rows(oxi.query(nq, **params)) == rows(kg.query(nq, **params))


def test_cards_and_network_agree(kg, oxi):
    for name in ("CATL", "Uber", "우한", "주강삼각주"):
        assert oxi.card(name) == kg.card(name)
    a, b = oxi.to_networkx(), kg.to_networkx()
    assert sorted(a.nodes) == sorted(b.nodes)
    assert sorted(a.edges(keys=True)) == sorted(b.edges(keys=True))


def test_validation_agrees(oxi):
    assert oxi.validate().conforms


def test_unknown_store():
    with pytest.raises(UsageError) as e:
        cnai_kg.load(store="fuseki")
    assert str(e.value) == "unknown store 'fuseki'; choose one of: memory, oxigraph"
