"""Turtle that is the same bytes for the same triples.

Triples are sorted (subjects, then ``rdf:type`` first, then the other predicates
and objects, by their N-Triples form) and written by Oxigraph's serialiser, a
blank line between subjects, the prefixes that are used declared once, sorted.
Blank nodes must carry stable labels (the importer makes them from content).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pyoxigraph as ox

__all__ = ["turtle"]

_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


def _key(t: ox.Triple) -> tuple:
    s, p, o = str(t.subject), str(t.predicate), str(t.object)
    return (s.startswith("_:"), s, p != _TYPE, p, o)


def _as_ox(triple) -> ox.Triple:
    if isinstance(triple, ox.Triple):
        return triple
    from ..store.oxigraph import to_ox

    return ox.Triple(*(to_ox(term) for term in triple))


def turtle(triples: Iterable, prefixes: Mapping[str, str], *, header: str = "") -> str:
    """``triples`` (pyoxigraph or rdflib ones) as Turtle, deterministic.

    Examples
    --------
    >>> from rdflib import Literal, URIRef
    >>> print(turtle([(URIRef("http://ex/a"), URIRef("http://ex/p"), Literal("x"))],
    ...              {"ex": "http://ex/"}))
    @prefix ex: <http://ex/> .
    <BLANKLINE>
    ex:a ex:p "x" .
    <BLANKLINE>
    """
    items = sorted({_as_ox(t) for t in triples}, key=_key)
    iris = set()
    for t in items:
        for term in (t.subject, t.predicate, t.object):
            if isinstance(term, ox.NamedNode):
                iris.add(term.value)
            elif isinstance(term, ox.Literal):
                iris.add(term.datatype.value)
    used = {
        name: str(ns)
        for name, ns in sorted(prefixes.items())
        if any(iri.startswith(str(ns)) for iri in iris)
    }
    body = ox.serialize(items, format=ox.RdfFormat.TURTLE, prefixes=used).decode("utf-8")
    lines = [line for line in body.splitlines() if not line.startswith("@prefix ")]
    out = [header] if header else []
    out += [f"@prefix {name}: <{ns}> ." for name, ns in used.items()]
    for line in lines:
        if not line.startswith((" ", "\t")):
            out.append("")
        out.append(line)
    return "\n".join(out) + "\n"
