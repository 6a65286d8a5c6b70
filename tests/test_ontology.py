"""The ontology itself: every term used by the data is declared, labelled and commented."""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from cnai_kg import resources
from cnai_kg.io import parse_rdf
from cnai_kg.namespaces import CNAI


def ontology() -> Graph:
    return parse_rdf(resources.ontology_files()[0])


def declared_terms(g: Graph) -> set[URIRef]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    return {s for k in kinds for s in g.subjects(RDF.type, k) if isinstance(s, URIRef)}


def test_every_cnai_term_is_labelled_and_commented_in_english_and_korean():
    g = ontology()
    terms = {t for t in declared_terms(g) if t.startswith(str(CNAI))}
    assert len(terms) > 80
    for term in terms:
        for prop in (RDFS.label, RDFS.comment):
            langs = {o.language for o in g.objects(term, prop)}
            assert {"en", "ko"} <= langs, (term, prop)


def test_data_uses_only_declared_terms():
    declared = declared_terms(ontology())
    used = set()
    for path in resources.graph_files():
        g = parse_rdf(path)
        used |= {p for p in g.predicates() if p.startswith(str(CNAI))}
        used |= {c for c in g.objects(None, RDF.type) if c.startswith(str(CNAI))}
    assert used - declared == set()


def test_reused_vocabularies():
    g = ontology()
    parents = {str(o) for o in g.objects(None, RDFS.subClassOf)}
    for ns in (
        "http://www.w3.org/ns/org#",
        "https://schema.org/",
        "http://www.w3.org/ns/prov#",
        "http://www.w3.org/2004/02/skos/core#",
        "http://purl.org/dc/terms/",
    ):
        assert any(p.startswith(ns) for p in parents), ns


def test_every_label_of_the_ontology_is_in_english_korean_and_chinese():
    g = ontology()
    labelled = set(g.subjects(RDFS.label, None))
    assert len(labelled) > 100
    for term in labelled:
        langs = sorted(o.language for o in g.objects(term, RDFS.label))
        assert langs == ["en", "ko", "zh"], (term, langs)


def test_every_relation_an_entity_page_shows_is_named_in_every_language(kg):
    from cnai_kg.server.explorer import _HIDDEN

    entities = set(kg.entities())
    shown = {
        p
        for s, p, _ in kg.triples((None, None, None))
        if s in entities and p not in _HIDDEN and isinstance(p, URIRef)
    }
    assert len(shown) > 40
    for p in shown:
        assert sorted(kg.labels(p)) == ["en", "ko", "zh"], p
