"""What the network is made of: statuses, relations, classes, attributes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx
from rdflib import URIRef
from rdflib.namespace import OWL, RDF, SKOS

from ..errors import UsageError
from ..kg import KnowledgeGraph
from ..namespaces import CNAI, ORG
from ..resolve import normalize

#: Formats :func:`export_network` writes.
NETWORK_FORMATS = ("graphml", "gexf", "node-link")
#: How n-ary partnerships enter the network.
PARTNERSHIP_MODES = ("collapse", "nodes")

#: What the source says of a fact behind an edge: ``reported`` (stated as true, with its
#: quote), ``active`` (a partnership in place), ``proposed`` (a partnership, opportunity
#: or mitigation the article recommends; nobody signed it) or ``definitional`` (background
#: knowledge the graph adds to hold itself together, not from the source: Uber is based in
#: the USA, Guangdong lies in China, China in Asia, Asia in the World).
STATUSES = ("reported", "active", "proposed", "definitional")
#: What the analyses use unless told otherwise: what the source says is, neither what it
#: recommends nor what the graph adds (definitional facts would otherwise make China, the
#: top of every place hierarchy, and "World" lead the rankings on edges no source gave).
DEFAULT_STATUS = ("reported", "active")

#: Relations that run both ways (collapsed partnerships and claims).
SYMMETRIC_RELATIONS = frozenset({"cnai:Partnership", "cnai:Claim"})

NODE_ATTRIBUTES = (
    "iri",
    "label",
    "label_en",
    "label_ko",
    "label_zh",
    "class",
    "class_label",
    "types",
    "hub",
    "region",
    "sector",
    "group",
)
EDGE_ATTRIBUTES = (
    "relation",
    "relation_label",
    "label",
    "subject",
    "object",
    "fact",
    "fact_kind",
    "fact_label",
    "evidence",
    "quote",
    "document",
    "report",
    "why",
    "caveat",
    "roles",
    "subject_role",
    "object_role",
    "partnership",
    "partnership_type",
    "status",
    "fact_status",
    "target_market",
)

#: Classes whose instances are never nodes: sources, plumbing, vocabulary terms.
_NEVER_NODES = (
    CNAI.Report,
    CNAI.Article,
    CNAI.Website,
    CNAI.SourceExcerpt,
    CNAI.Statement,
    CNAI.Participation,
    CNAI.CentralityScore,
    CNAI.Indicator,
    CNAI.Status,
    CNAI.PartnershipType,
    CNAI.EntryMode,
    CNAI.RiskType,
    CNAI.PartnerRole,
    SKOS.ConceptScheme,
    CNAI.MarketFigure,
)
#: n-ary facts that become nodes when ``partnerships="nodes"``.
_FACT_NODES = (CNAI.Partnership, CNAI.Opportunity, CNAI.Risk, CNAI.Mitigation, CNAI.Claim)

#: Labels for terms from vocabularies whose ontology is not loaded.
_FALLBACK_LABELS = {
    "skos:Concept": {"en": "Concept", "ko": "개념", "zh": "概念"},
}
#: Labels for relations from vocabularies whose ontology is not loaded.
_RELATION_LABELS = {
    "schema:containedInPlace": {"en": "contained in", "ko": "상위 지역"},
    "org:unitOf": {"en": "unit of", "ko": "소속 조직"},
    "org:subOrganizationOf": {"en": "sub-organisation of", "ko": "상위 조직"},
    "dcterms:publisher": {"en": "publisher", "ko": "발행 기관"},
    "skos:broader": {"en": "broader", "ko": "상위 개념"},
}


@dataclass(frozen=True)
class _Nary:
    """How one kind of n-ary fact collapses: who is linked to whom, and to what."""

    kind: URIRef
    relation: URIRef
    sources: tuple[URIRef, ...]  # properties giving the 'from' side
    targets: tuple[URIRef, ...]  # properties giving the 'to' side (empty: all pairs of sources)
    context: tuple[URIRef, ...]  # properties whose values the actors are linked to
    context_from_targets: bool  # link the 'to' side to the context too
    #: the link to the context is the fact itself (a risk *in* China: the affected firms
    #: are not located there), not the context property (which would read "Korean
    #: firms —region→ China")
    context_as_fact: bool = False


_NARY = (
    # partners jointly target a market (a partnership's sectors are not copied onto
    # each partner: the source does not say every partner works in every sector)
    _Nary(
        kind=CNAI.Partnership,
        relation=CNAI.Partnership,
        sources=(ORG.member,),
        targets=(),
        context=(CNAI.targetMarket,),
        context_from_targets=True,
    ),
    # the beneficiary of an opportunity targets its market and technology (its
    # sectors are the opportunity's, not the beneficiary's)
    _Nary(
        kind=CNAI.Opportunity,
        relation=CNAI.Opportunity,
        sources=(CNAI.beneficiary,),
        targets=(CNAI.counterparty,),
        context=(CNAI.targetMarket, CNAI.technology),
        context_from_targets=False,
    ),
    # who a risk affects -> the law behind it, and -> the region it concerns, by a risk
    # edge (the region is the risk's, not where the affected are)
    _Nary(
        kind=CNAI.Risk,
        relation=CNAI.Risk,
        sources=(CNAI.affects,),
        targets=(CNAI.concernsLaw,),
        context=(CNAI.region,),
        context_from_targets=False,
        context_as_fact=True,
    ),
    # who a mitigation is for -> the organisations it works through
    _Nary(
        kind=CNAI.Mitigation,
        relation=CNAI.Mitigation,
        sources=(CNAI.beneficiary,),
        targets=(CNAI.involves,),
        context=(),
        context_from_targets=False,
    ),
    # everything a claim is about, pairwise (only with claims=True)
    _Nary(
        kind=CNAI.Claim,
        relation=CNAI.Claim,
        sources=(CNAI.about,),
        targets=(),
        context=(),
        context_from_targets=True,
    ),
)


# --------------------------------------------------------------------------- vocabulary


def resolve_classes(kg: KnowledgeGraph, names: Iterable[str | URIRef]) -> set[URIRef]:
    """Class IRIs for names: a CURIE, an IRI, a local name or a label in any language.

    Raises :class:`~cnai_kg.errors.UsageError` naming the classes that exist.

    Examples
    --------
    >>> import cnai_kg
    >>> kg = cnai_kg.load()
    >>> sorted(kg.curie(c) for c in resolve_classes(kg, ["기업", "ai hub"]))
    ['cnai:AIHub', 'cnai:Company']
    """
    known = _class_index(kg)
    out: set[URIRef] = set()
    for name in names:
        if isinstance(name, URIRef):
            out.add(name)
            continue
        key = normalize(str(name))
        if key not in known:
            choices = sorted({kg.curie(c).split(":", 1)[1] for c in known.values()})
            raise UsageError(f"unknown class {name!r}; choose from: {', '.join(choices)}")
        out.add(known[key])
    return out


def _class_index(kg: KnowledgeGraph) -> dict[str, URIRef]:
    index: dict[str, URIRef] = {}
    for cls in sorted(set(kg.subjects(RDF.type, OWL.Class)), key=str):
        if not isinstance(cls, URIRef) or not str(cls).startswith(str(CNAI)):
            continue
        curie = kg.curie(cls)
        names = [curie, str(cls), curie.split(":", 1)[1]]
        for values in kg.labels(cls).values():
            names += values
        for name in names:
            index.setdefault(normalize(name), cls)
    return index


def relation_names(G: nx.Graph) -> list[str]:
    """The relations (CURIEs) on the edges of a projection, sorted."""
    return sorted({rel for *_, rel in G.edges(data="relation")})


def resolve_relations(
    G: nx.Graph, names: Iterable[str], kg: KnowledgeGraph | None = None
) -> set[str]:
    """Relation CURIEs of ``G`` for names: a CURIE, a local name or the label of a relation.

    Labels match in the language the projection was built with; with ``kg``,
    in every language the ontology labels them in.

    Examples
    --------
    >>> import cnai_kg
    >>> G = cnai_kg.load().to_networkx()
    >>> sorted(resolve_relations(G, ["partnership", "basedIn"]))
    ['cnai:Partnership', 'cnai:basedIn']
    """
    index: dict[str, str] = {}
    named = zip(G.edges(data="relation"), G.edges(data="relation_label"), strict=True)
    for (*_, rel), (*_, label) in named:
        for name in (rel, rel.split(":", 1)[-1], label or ""):
            if name:
                index.setdefault(normalize(name), rel)
    for rel, labels in _RELATION_LABELS.items():
        for name in labels.values():
            index.setdefault(normalize(name), rel)
    if kg is not None:
        for key, rel in _kg_relation_index(kg).items():
            index.setdefault(key, rel)
    out = set()
    for name in names:
        key = normalize(name)
        if key not in index:
            choices = ", ".join(r.split(":", 1)[-1] for r in relation_names(G))
            raise UsageError(f"unknown relation {name!r}; choose from: {choices}")
        out.add(index[key])
    return out


def _kg_relation_index(kg: KnowledgeGraph) -> dict[str, str]:
    index: dict[str, str] = {}
    props = {s for s, _, _ in kg.triples((None, CNAI.needsEvidence, None))}
    props |= {spec.relation for spec in _NARY}
    props |= {p for spec in _NARY for p in spec.context}
    props |= {
        CNAI.Participation,
        CNAI.beneficiary,
        CNAI.affects,
        CNAI.counterparty,
        CNAI.involves,
        CNAI.about,
        CNAI.examplePartnership,
        CNAI.proposedPartnership,
        CNAI.concernsLaw,
        CNAI.mitigatedBy,
    }
    for prop in props:
        curie = kg.curie(prop)
        names = [curie, curie.split(":", 1)[-1], str(prop)]
        for values in kg.labels(prop).values():
            names += values
        names += list(_RELATION_LABELS.get(curie, {}).values())
        for name in names:
            index.setdefault(normalize(name), curie)
    return index


def _resolve_kg_relations(kg: KnowledgeGraph, names: Iterable[str]) -> set[str]:
    index = _kg_relation_index(kg)
    out = set()
    for name in names:
        key = normalize(str(name))
        if key not in index:
            choices = sorted({c.split(":", 1)[-1] for c in index.values()})
            raise UsageError(f"unknown relation {name!r}; choose from: {', '.join(choices)}")
        out.add(index[key])
    return out


def resolve_status(status: str | Iterable[str] | None) -> tuple[str, ...]:
    """The statuses an analysis keeps: ``None`` gives :data:`DEFAULT_STATUS`, ``"all"``
    every one; otherwise names from :data:`STATUSES`, comma-separated or as a list.

    Examples
    --------
    >>> resolve_status(None), resolve_status("proposed,reported")
    (('reported', 'active'), ('reported', 'proposed'))
    >>> resolve_status("all")
    ('reported', 'active', 'proposed', 'definitional')
    """
    if status is None:
        return DEFAULT_STATUS
    names = status.split(",") if isinstance(status, str) else list(status)
    names = [str(n).strip().lower() for n in names if str(n).strip()]
    if not names:
        raise UsageError(f"no status given; choose from: {', '.join(STATUSES)}, all")
    if "all" in names:
        return STATUSES
    unknown = [n for n in names if n not in STATUSES]
    if unknown:
        raise UsageError(f"unknown status {unknown[0]!r}; choose from: {', '.join(STATUSES)}, all")
    return tuple(n for n in STATUSES if n in names)
