"""The RDF namespaces cnai-kg uses, and the prefixes every query gets for free."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

__all__ = [
    "CNAI",
    "DC",
    "DCTERMS",
    "FOAF",
    "KG",
    "OA",
    "ORG",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SH",
    "SKOS",
    "TIME",
    "XSD",
]

CNAI = Namespace("https://w3id.org/cnai-kg/ontology#")
KG = Namespace("https://w3id.org/cnai-kg/resource/")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
SH = Namespace("http://www.w3.org/ns/shacl#")
TIME = Namespace("http://www.w3.org/2006/time#")
#: The W3C Web Annotation vocabulary: where a quote is in its source (selectors).
OA = Namespace("http://www.w3.org/ns/oa#")
#: Dublin Core elements 1.1, for values that are names, not resources (``dc:publisher``).
DC = Namespace("http://purl.org/dc/elements/1.1/")

#: prefix -> namespace, declared in every SPARQL query and in exports.
PREFIXES: dict[str, str] = {
    "cnai": str(CNAI),
    "kg": str(KG),
    "org": str(ORG),
    "schema": str(SCHEMA),
    "prov": str(PROV),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "foaf": str(FOAF),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "sh": str(SH),
    "time": str(TIME),
    "oa": str(OA),
    "dc": str(DC),
}
