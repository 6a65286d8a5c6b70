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
    ("deep-list", ["--data", "{deep.ttl}", "stats"], 2, "Error: {deep.ttl}: nested too deeply", 15),
    ("deep-bnode", ["--data", "{blank.ttl}", "stats"], 2, "Error: {blank.ttl}: nested too", 15),
    ("validate-fifo", ["validate", "{fifo}"], 2, "Error: {fifo}: is a FIFO", 15),
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
        [
            "query",
            "--timeout",
            "2",
            'SELECT ?x WHERE { BIND(CONCAT("' + "a" * 40 + '", "!") AS ?s) '
            'FILTER(REGEX(?s, "^(a+)+$")) BIND(1 AS ?x) }',
        ],
        4,
        "Error: query stopped after its time limit of 2 s",
        20,
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
