"""Inferred closures of the graph (RDFS, OWL 2 RL) for ``query --reason``.

The closure is computed by owlrl on a *copy* of the graph (``kg.to_rdflib()``) plus the axioms of
the reused vocabularies that ``ontology/cnai.ttl`` points into (ORG,
schema.org, FOAF, PROV, SKOS), so that a query for ``org:Organization`` finds
companies, research units and agencies. It is cached per
:class:`~cnai_kg.kg.KnowledgeGraph` (and recomputed if that graph changes
size); the loaded graph itself is never touched.

Examples
--------
>>> import cnai_kg
>>> from cnai_kg.namespaces import ORG, KG, RDF
>>> kg = cnai_kg.load()
>>> (KG.Tencent, RDF.type, ORG.Organization) in kg
False
>>> (KG.Tencent, RDF.type, ORG.Organization) in closure(kg, "rdfs")
True
"""

from __future__ import annotations

import threading
import weakref
from functools import cache
from typing import TYPE_CHECKING

from rdflib import Graph

from .errors import UsageError
from .io import install_literal_rules
from .namespaces import PREFIXES

if TYPE_CHECKING:  # pragma: no cover
    from .kg import KnowledgeGraph

__all__ = ["PROFILES", "closure", "vocabulary_axioms"]

#: Reasoning profiles: name -> owlrl semantics class name.
PROFILES = {"rdfs": "RDFS_Semantics", "owl-rl": "OWLRL_Semantics"}

# The class and property axioms of the external vocabularies cnai.ttl builds on,
# as their own specifications state them (W3C ORG, schema.org, FOAF, PROV-O,
# SKOS). The subclass / subproperty / domain / range axioms, plus ORG's inverse
# and functional membership axioms: partnerships reach their participations
# through cnai:hasParticipation (the inverse of org:organization), never through
# org:hasMembership, which ORG reserves for the member's side.
_AXIOMS = """
@prefix org:    <http://www.w3.org/ns/org#> .
@prefix schema: <https://schema.org/> .
@prefix foaf:   <http://xmlns.com/foaf/0.1/> .
@prefix prov:   <http://www.w3.org/ns/prov#> .
@prefix skos:   <http://www.w3.org/2004/02/skos/core#> .
@prefix owl:    <http://www.w3.org/2002/07/owl#> .
@prefix rdfs:   <http://www.w3.org/2000/01/rdf-schema#> .

# W3C ORG (https://www.w3.org/TR/vocab-org/)
org:Organization rdfs:subClassOf foaf:Agent .
org:FormalOrganization rdfs:subClassOf org:Organization , foaf:Organization .
org:OrganizationalUnit rdfs:subClassOf org:Organization .
org:OrganizationalCollaboration rdfs:subClassOf org:Organization .
org:Role rdfs:subClassOf skos:Concept .
org:member rdfs:domain org:Membership ; rdfs:range foaf:Agent ; a owl:FunctionalProperty .
org:hasMembership owl:inverseOf org:member .
org:organization rdfs:domain org:Membership ; rdfs:range org:Organization .
org:role rdfs:domain org:Membership ; rdfs:range org:Role .
org:unitOf rdfs:subPropertyOf org:subOrganizationOf ;
    rdfs:domain org:OrganizationalUnit ; rdfs:range org:FormalOrganization .
org:subOrganizationOf rdfs:domain org:Organization ; rdfs:range org:Organization .
org:memberOf rdfs:domain foaf:Agent ; rdfs:range org:Organization .

# FOAF (http://xmlns.com/foaf/spec/)
foaf:Organization rdfs:subClassOf foaf:Agent .
foaf:Group rdfs:subClassOf foaf:Agent .
foaf:Person rdfs:subClassOf foaf:Agent .

# PROV-O (https://www.w3.org/TR/prov-o/)
prov:Organization rdfs:subClassOf prov:Agent .
prov:SoftwareAgent rdfs:subClassOf prov:Agent .
prov:wasDerivedFrom rdfs:domain prov:Entity ; rdfs:range prov:Entity .

# SKOS (https://www.w3.org/TR/skos-reference/)
skos:prefLabel rdfs:subPropertyOf rdfs:label .
skos:altLabel rdfs:subPropertyOf rdfs:label .
skos:hiddenLabel rdfs:subPropertyOf rdfs:label .
skos:broader rdfs:subPropertyOf skos:broaderTransitive .
skos:narrower rdfs:subPropertyOf skos:narrowerTransitive .
skos:broaderTransitive a owl:TransitiveProperty ; owl:inverseOf skos:narrowerTransitive .
skos:broader owl:inverseOf skos:narrower .
skos:inScheme rdfs:range skos:ConceptScheme .
skos:editorialNote rdfs:subPropertyOf skos:note .

# schema.org (https://schema.org/; its domainIncludes/rangeIncludes are not RDFS domains)
schema:Corporation rdfs:subClassOf schema:Organization .
schema:GovernmentOrganization rdfs:subClassOf schema:Organization .
schema:NGO rdfs:subClassOf schema:Organization .
schema:Organization rdfs:subClassOf schema:Thing .
schema:Country rdfs:subClassOf schema:AdministrativeArea .
schema:City rdfs:subClassOf schema:AdministrativeArea .
schema:AdministrativeArea rdfs:subClassOf schema:Place .
schema:Place rdfs:subClassOf schema:Thing .
schema:Service rdfs:subClassOf schema:Intangible .
schema:Intangible rdfs:subClassOf schema:Thing .
schema:Product rdfs:subClassOf schema:Thing .
schema:SoftwareApplication rdfs:subClassOf schema:CreativeWork .
schema:Report rdfs:subClassOf schema:Article .
schema:Article rdfs:subClassOf schema:CreativeWork .
schema:Legislation rdfs:subClassOf schema:CreativeWork .
schema:CreativeWork rdfs:subClassOf schema:Thing .
schema:Observation rdfs:subClassOf schema:Intangible .
schema:QuantitativeValue rdfs:subClassOf schema:StructuredValue .
schema:MonetaryAmount rdfs:subClassOf schema:StructuredValue .
schema:StructuredValue rdfs:subClassOf schema:Intangible .
"""

_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


@cache
def vocabulary_axioms() -> Graph:
    """The external-vocabulary axioms added before reasoning (a fresh copy is not made: do not
    modify the returned graph)."""
    return Graph().parse(data=_AXIOMS, format="turtle")


def closure(kg: KnowledgeGraph, profile: str = "rdfs") -> Graph:
    """The ``rdfs`` or ``owl-rl`` closure of ``kg`` (ontology + data + vocabulary axioms).

    Computed once per graph and profile; treat the result as read-only.

    Raises
    ------
    UsageError
        for an unknown profile
    """
    if profile not in PROFILES:
        raise UsageError(f"unknown reasoning {profile!r}; choose one of: rdfs, owl-rl")
    size = len(kg)
    with _LOCK:
        cached = _CACHE.get(kg, {}).get(profile)
    if cached is not None and cached[0] == size:
        return cached[1]
    import owlrl

    graph = Graph()
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True)
    graph += kg.to_rdflib()
    graph += vocabulary_axioms()
    semantics = getattr(owlrl, PROFILES[profile])
    try:
        owlrl.DeductiveClosure(
            semantics, rdfs_closure=False, axiomatic_triples=False, datatype_axioms=False
        ).expand(graph)
    finally:
        # owlrl ends by restoring rdflib's own literal conversions for the whole process,
        # undoing ours ("NaN"^^xsd:decimal ill-typed): put them back
        install_literal_rules()
    with _LOCK:
        _CACHE.setdefault(kg, {})[profile] = (size, graph)
    return graph
