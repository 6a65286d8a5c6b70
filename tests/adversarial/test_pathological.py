"""Pathological files and queries: each ends within its limit, with one line on stderr
and the documented exit code (2: refused or malformed input, 4: past --timeout)."""

from __future__ import annotations

import os
import time

import pytest

from .conftest import cnai, one_line

LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
 <rdf:Description rdf:about="http://ex/a"><rdf:value>&e;&e;&e;&e;</rdf:value></rdf:Description>
</rdf:RDF>
"""


def subclass_chain(n: int) -> str:
    """A chain of ``n`` subclasses under cnai:Company with instances: pyshacl with RDFS
    inference takes minutes on it."""
    lines = [
        "@prefix cnai: <https://w3id.org/cnai-kg/ontology#> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        "@prefix ex: <http://ex/> .",
        "ex:C0 rdfs:subClassOf cnai:Company .",
    ]
    lines += [f"ex:C{i} rdfs:subClassOf ex:C{i - 1} ." for i in range(1, n)]
    lines += [f"ex:i{i} a ex:C{i} ." for i in range(0, n, 4)]
    return "\n".join(lines) + "\n"


def files(tmp_path):
    fifo = tmp_path / "nowriter.ttl"
    os.mkfifo(fifo)
    out = {"fifo": str(fifo)}
    for name, text in {
        "laughs.rdf": LAUGHS,
        "zero.jsonld": '{"@context": "file:///dev/zero", "@id": "http://ex/a"}',
        "deep.jsonld": "[" * 100_000 + "]" * 100_000,
        "deep.ttl": "@prefix ex: <http://ex/> .\nex:a ex:b " + "(" * 50_000 + ")" * 50_000 + " .",
        "blank.ttl": "@prefix ex: <http://ex/> .\nex:a ex:b " + "[" * 50_000 + "]" * 50_000,
        "chain.ttl": subclass_chain(400),
        # about 5 MB: pyparsing needs minutes for it
        "values.rq": "SELECT ?x WHERE { VALUES (?x) { "
        + " ".join(f'("v{i}")' for i in range(400_000))
        + " } }",
    }.items():
        (tmp_path / name).write_text(text)
        out[name] = str(tmp_path / name)
    return out


CASES = [
    # (name, args, exit code, start of the one line, seconds allowed)
    ("dev-zero", ["--data", "/dev/zero", "stats"], 2, "Error: /dev/zero: is a character", 15),
    ("fifo", ["--data", "{fifo}", "stats"], 2, "Error: {fifo}: is a FIFO", 15),
    ("query-zero", ["query", "-f", "/dev/zero"], 2, "Error: /dev/zero: is a character", 15),
    ("laughs", ["--data", "{laughs.rdf}", "stats"], 2, "Error: {laughs.rdf}:2: RDF/XML with", 15),
    ("zero-context", ["--data", "{zero.jsonld}", "stats"], 2, "Error: {zero.jsonld}: JSON-LD", 15),
    ("deep-json", ["--data", "{deep.jsonld}", "stats"], 2, "Error: {deep.jsonld}: JSON nested", 15),
    # rdflib's Turtle parser recurses (Oxigraph's, the default, reads the list at any depth)
    (
        "deep-list",
        ["--store", "rdflib", "--data", "{deep.ttl}", "stats"],
        2,
        "Error: {deep.ttl}: nested too deeply",
        15,
    ),
    ("deep-bnode", ["--data", "{blank.ttl}", "stats"], 2, "Error: {blank.ttl}: nested too", 15),
    ("validate-fifo", ["validate", "{fifo}"], 2, "Error: {fifo}: is a FIFO", 15),
    (
        "validate-chain",
        ["validate", "--timeout", "2", "{chain.ttl}"],
        4,
        "Error: validation stopped after its time limit of 2 s",
        20,
    ),
    (
        "cartesian",
        [
            "query",
            "--timeout",
            "2",
            "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
        ],
        4,
        "Error: query stopped after its time limit of 2 s",
        20,
    ),
    (
        "regex",
        [  # rdflib's REGEX backtracks (Oxigraph's, the default, runs in linear time)
            "--store",
            "rdflib",
            "query",
            "--timeout",
            "2",
            # catastrophic for backtracking engines (Python's re and the regex package)
            'SELECT ?x WHERE { BIND(REGEX("' + "a" * 60 + '!", "^(a|aa)*$") AS ?x) }',
        ],
        4,
        "Error: query stopped after its time limit of 2 s",
        20,
    ),
    (
        "values-5mb",
        ["query", "--timeout", "3", "-f", "{values.rq}"],
        4,
        "Error: query stopped after its time limit of 3 s",
        25,
    ),
    (
        "big-table",
        [
            "query",
            "--timeout",
            "3",
            "--max-rows",
            "0",
            "--format",
            "table",
            "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }",
        ],
        4,
        "Error: query stopped after its time limit of 3 s",
        25,
    ),
    (
        "nested-groups",
        ["query", "SELECT * WHERE { " + "{" * 20_000 + " ?s ?p ?o " + "}" * 20_000 + " }"],
        2,
        "Error: ",
        20,
    ),
]


@pytest.mark.parametrize("name, args, code, start, seconds", CASES, ids=[c[0] for c in CASES])
def test_ends_within_its_limit_in_one_line(tmp_path, name, args, code, start, seconds):
    paths = files(tmp_path)
    args = [paths[a[1:-1]] if a.startswith("{") and a[1:-1] in paths else a for a in args]
    for key, value in paths.items():
        start = start.replace("{" + key + "}", value)
    began = time.monotonic()
    got, _, err = cnai(*args, timeout=seconds + 30)
    took = time.monotonic() - began
    assert got == code, err
    assert one_line(err).startswith(start), err
    assert took < seconds, f"{name} took {took:.1f} s"


def test_loading_has_a_time_limit(tmp_path):
    data = tmp_path / "chain.ttl"
    data.write_text(subclass_chain(50_000))
    began = time.monotonic()
    got, _, err = cnai("--data", str(data), "stats", env={"CNAI_KG_LOAD_TIMEOUT": "0.001"})
    assert got == 4, err
    assert one_line(err) == (
        "Error: loading the data stopped after its time limit of 0.001 s; raise it with "
        "CNAI_KG_LOAD_TIMEOUT=SECONDS (0: no limit)"
    )
    assert time.monotonic() - began < 20
    got, _, err = cnai("stats", env={"CNAI_KG_LOAD_TIMEOUT": "inf"})
    assert got == 2 and one_line(err).startswith("Error: CNAI_KG_LOAD_TIMEOUT must be")
