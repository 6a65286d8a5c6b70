"""The RDF namespaces cnai-kg uses, and the prefixes every query gets for free."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

__all__ = [
    "CNAI",
    "DCTERMS",
    "FOAF",
    "KG",
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
}
