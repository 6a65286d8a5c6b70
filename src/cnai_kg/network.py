"""The entity network: a networkx projection of the knowledge graph, and its exports.

Nodes are the entities (organisations, groups, offerings, places, sectors,
technologies, laws). Edges come from two kinds of facts:

* **direct relations** between entities (``cnai:basedIn``, ``cnai:inGroup``,
  ``schema:containedInPlace`` ...), each described by a ``cnai:Statement`` that
  carries its source excerpt or is a ``cnai:DefinitionalFact``;
* **n-ary facts**. A ``cnai:Partnership`` either *collapses* into
  partner--partner edges (relation ``cnai:Partnership``, both directions when
  the graph is directed: a partnership is symmetric) plus an edge from each
  partner to the target market, or stays a *node* (a bipartite
  view: partner --``cnai:Participation``--> partnership, with the role on the
  edge, and partnership --``cnai:targetMarket``--> market). Opportunities link
  beneficiary --> counterparty (``cnai:Opportunity``, plus its target market
  and technology), risks link whom they affect --> the law behind them
  (``cnai:Risk``, plus the region), mitigations link beneficiary --> the
  organisations they work through (``cnai:Mitigation``). With ``claims=True``
  claims link the entities they are about to each other (``cnai:Claim``).
  Market figures are observations, not links, and stay out.

Every node and edge attribute is a string, so the graph can be written as
GraphML or GEXF as it is and read back by Gephi, Cytoscape or networkx.

Node attributes
    ``iri``, ``label`` (in the chosen language), ``label_en``, ``label_ko``,
    ``label_zh``, ``class`` (CURIE of the most specific class), ``class_label``,
    ``types`` (space-separated CURIEs of its classes and their superclasses),
    ``hub`` (the AI hub it lies in), ``region`` (its country or world region),
    ``sector`` (sectors it is in or specialises in, ``"; "``-separated),
    ``group`` (``"true"`` for a collectively named group, a ``cnai:ActorGroup``
    such as "Korean firms", else ``"false"``).
Edge attributes
    ``relation`` (CURIE), ``relation_label``, ``label`` (same, for Gephi),
    ``subject``/``object`` (the RDF direction), ``fact`` (IRI of the statement
    or n-ary fact), ``fact_kind``, ``fact_label``, ``evidence`` (``quote``,
    ``definitional`` or ``none``), ``quote``, ``document``, ``report``, ``why``
    (for definitional facts), ``caveat``, and for facts with roles: ``roles``,
    ``subject_role``, ``object_role``, ``partnership``, ``partnership_type``,
    ``status`` (its label), ``target_market``; and on every edge ``fact_status``:
    ``reported``, ``active`` or ``proposed`` (see :data:`STATUSES`).

Which facts become edges is the ``status`` option: by default
(:data:`DEFAULT_STATUS`) what the source reports and the partnerships in place,
so that proposals (six of the eight partnerships, all between collectively named
groups) do not steer paths and rankings; ``status="all"`` adds them.

Examples
--------
>>> import cnai_kg
>>> G = cnai_kg.load().to_networkx()
>>> G.nodes["kg:Uber"]["label_ko"]
'우버'
"""

from __future__ import annotations

import gc
import io
import itertools
import json
import re
import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import networkx as nx
from rdflib import URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS
from rdflib.term import Node

from .errors import EntityNotFound, UsageError
from .kg import ENTITY_EXCLUDED, LANGS, KnowledgeGraph, default_lang, lang_order
from .namespaces import CNAI, ORG, SCHEMA
from .progress import task
from .resolve import normalize
from .store.base import Lex, LexTerm, from_lexical

__all__ = [
    "EDGE_ATTRIBUTES",
    "NETWORK_FORMATS",
    "DEFAULT_STATUS",
    "NODE_ATTRIBUTES",
    "PARTNERSHIP_MODES",
    "STATUSES",
    "SYMMETRIC_RELATIONS",
    "as_network",
    "export_network",
    "find_node",
    "nodes_of_classes",
    "relation_names",
    "resolve_classes",
    "resolve_relations",
    "resolve_status",
    "to_networkx",
    "write_network",
    "xml_safe",
]

#: Formats :func:`export_network` writes.
NETWORK_FORMATS = ("graphml", "gexf", "node-link")
#: How n-ary partnerships enter the network.
PARTNERSHIP_MODES = ("collapse", "nodes")

#: What the source says of a fact behind an edge: ``reported`` (stated as true, or a
#: definitional background fact), ``active`` (a partnership in place) or ``proposed`` (a
#: partnership, opportunity or mitigation the article recommends; nobody signed it).
STATUSES = ("reported", "active", "proposed")
#: What the analyses use unless told otherwise: what is, not what is recommended.
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
    # who a risk affects -> the law behind it, and the region it concerns
    _Nary(
        kind=CNAI.Risk,
        relation=CNAI.Risk,
        sources=(CNAI.affects,),
        targets=(CNAI.concernsLaw,),
        context=(CNAI.region,),
        context_from_targets=False,
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


# --------------------------------------------------------------------------- reading


def _iri(term: Node) -> str:
    return str(term)


# Terms the projection reads, in lexical form (see cnai_kg.store.base.LexTerm)
_TYPE, _SUBCLASS, _COMMENT = _iri(RDF.type), _iri(RDFS.subClassOf), _iri(RDFS.comment)
_LABEL_PREDICATES = (_iri(SKOS.prefLabel), _iri(RDFS.label))  # as KnowledgeGraph.labels
_CNAI_NS = _iri(CNAI)
_FACT, _DEFINITIONAL, _ACTOR_GROUP = (
    _iri(CNAI.Fact),
    _iri(CNAI.DefinitionalFact),
    _iri(CNAI.ActorGroup),
)


_NOTHING: dict = {}  # never changed
_gc_lock = threading.Lock()
_gc_holders = 0  # blocks inside gc_paused() now
_gc_resume = False  # whether the collector ran when the first of them began


@contextmanager
def gc_paused():
    """Pause Python's cyclic garbage collector while a projection builds millions of small
    strings, tuples and dicts (none in a cycle): each collection would rescan them all,
    which costs a third of the time on large graphs. Nested and threaded uses keep it
    paused until the last one ends; it is only resumed if it was running before."""
    global _gc_holders, _gc_resume
    with _gc_lock:
        if _gc_holders == 0:
            _gc_resume = gc.isenabled()
            gc.disable()
        _gc_holders += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_holders -= 1
            if _gc_holders == 0 and _gc_resume:
                gc.enable()


def _is_iri(term: LexTerm) -> bool:
    return type(term) is str


def _text(term: LexTerm) -> str:
    """What ``str()`` of the rdflib term gives: a literal's text, an IRI, a blank node id."""
    return term.value if type(term) is Lex else term


class _Index:
    """Every triple of a knowledge graph in lexical form, by predicate then subject.

    Built in one pass over the store (:meth:`~cnai_kg.store.Store.lexical_index`): the
    projection reads most of the graph, and dicts of plain strings answer its millions of
    look-ups far faster than a store call each (353 s against seconds at 100k companies).
    """

    def __init__(self, kg: KnowledgeGraph):
        self.pso = kg.store.lexical_index()
        self._reverse: dict[str, dict[LexTerm, list[LexTerm]]] = {}

    def objects(self, s: LexTerm, p: str) -> Sequence[LexTerm]:
        """Distinct objects of ``s p ?o``, in no particular order (do not change them)."""
        return self.pso.get(p, _NOTHING).get(s, ())

    def pairs(self, p: str) -> Iterable[tuple[LexTerm, list[LexTerm]]]:
        """(subject, its objects) of every ``?s p ?o``."""
        return self.pso.get(p, _NOTHING).items()

    def subjects(self, p: str, o: LexTerm) -> Sequence[LexTerm]:
        """Distinct subjects of ``?s p o``, in no particular order (do not change them)."""
        if p not in self._reverse:
            reverse: dict[LexTerm, list[LexTerm]] = defaultdict(list)
            for s, objects in self.pairs(p):
                for obj in objects:
                    reverse[obj].append(s)
            self._reverse[p] = dict(reverse)
        return self._reverse[p].get(o, ())

    def has_type(self, node: LexTerm, cls: str) -> bool:
        return cls in self.objects(node, _TYPE)

    def outgoing(self, s: LexTerm) -> list[tuple[str, LexTerm]]:
        """(predicate, object) of every ``s ?p ?o``."""
        return [(p, o) for p, by_subject in self.pso.items() for o in by_subject.get(s, ())]


_shared: dict[int, list] = {}  # id(kg) -> [kg, its index or None, users]
_shared_lock = threading.Lock()


@contextmanager
def shared_index(kg: KnowledgeGraph):
    """Within the block, every projection of ``kg`` (and :func:`index_for`) reads one
    lexical index, built on first use: a view projects and then describes its nodes."""
    with _shared_lock:
        entry = _shared.setdefault(id(kg), [kg, None, 0])
        entry[2] += 1
    try:
        yield
    finally:
        with _shared_lock:
            entry[2] -= 1
            if entry[2] == 0:
                _shared.pop(id(kg), None)


def index_for(kg: KnowledgeGraph) -> _Index:
    """The lexical index of ``kg``: the shared one inside :func:`shared_index`, else new."""
    with _shared_lock:
        entry = _shared.get(id(kg))
    if entry is None:
        return _Index(kg)
    if entry[1] is None:
        entry[1] = _Index(kg)
    return entry[1]


class _Reader:
    """Cached look-ups (labels, classes, evidence) over the index of one KnowledgeGraph."""

    def __init__(self, kg: KnowledgeGraph, lang: str):
        self.kg = kg
        self.lang = lang
        self.ix = index_for(kg)  # the shared one inside shared_index(), else a new one
        self._labels: dict[LexTerm, str] = {}
        self._evidence: dict[LexTerm, dict[str, str]] = {}
        self._curies: dict[LexTerm, str] = {}
        self._classes: dict[tuple[str, ...], set[str]] = {}
        self._status: dict[LexTerm, str] = {}
        self._templates: dict[LexTerm, dict[str, str]] = {}
        self._kinds: dict[tuple[str, ...], str] = {}
        classes = {c for _, types in self.ix.pairs(_TYPE) for c in types if _is_iri(c)}
        self.superclasses: dict[str, set[str]] = {cls: self._supers(cls) for cls in classes}

    def _supers(self, cls: str) -> set[str]:
        seen = {cls}
        todo = [cls]
        while todo:
            for sup in self.ix.objects(todo.pop(), _SUBCLASS):
                if _is_iri(sup) and sup not in seen:
                    seen.add(sup)
                    todo.append(sup)
        return seen

    def subclasses(self, cls: str) -> set[str]:
        """``cls`` and every class below it (as :meth:`KnowledgeGraph.subclasses`)."""
        seen = {cls}
        todo = [cls]
        while todo:
            for sub in self.ix.subjects(_SUBCLASS, todo.pop()):
                if sub not in seen:
                    seen.add(sub)
                    todo.append(sub)
        return seen

    def curie(self, node: LexTerm) -> str:
        if node not in self._curies:  # as KnowledgeGraph.curie of the rdflib term
            self._curies[node] = self.kg.curie(from_lexical(node))
        return self._curies[node]

    def types(self, node: LexTerm) -> list[str]:
        found = self.ix.objects(node, _TYPE)
        if len(found) == 1 and _is_iri(found[0]):
            return list(found)
        return sorted(t for t in found if _is_iri(t))

    def classes_of(self, node: LexTerm) -> set[str]:
        """Asserted classes of ``node`` and their superclasses (do not change the set)."""
        types = tuple(self.types(node))
        if types not in self._classes:
            out: set[str] = set()
            for t in types:
                out |= self.superclasses.get(t) or self._supers(t)
            self._classes[types] = out
        return self._classes[types]

    def value(self, s: LexTerm, p: str) -> LexTerm | None:
        found = self.ix.objects(s, p)
        if len(found) < 2:
            return found[0] if found else None
        return min(found, key=_text)

    def text(self, s: LexTerm, p: str) -> str:
        """A literal value of ``s p``, in the chosen language when there is one."""
        values = [o for o in self.objects(s, p) if type(o) is Lex]
        for code in [*lang_order(self.lang), ""]:
            for value in values:
                if value.language == code:
                    return value.value
        return values[0].value if values else ""

    def texts(self, s: LexTerm, p: str) -> list[str]:
        """Every literal of ``s p`` in the best language there is (the chosen one, then
        English, Korean, Chinese, then untagged): e.g. caveats kept in English and Korean."""
        values = [o for o in self.objects(s, p) if type(o) is Lex]
        for code in [*lang_order(self.lang), ""]:
            found = [v.value for v in values if v.language == code]
            if found:
                return found
        return [v.value for v in values]

    def objects(self, s: LexTerm, p: str) -> Sequence[LexTerm]:
        found = self.ix.objects(s, p)
        return sorted(found, key=_text) if len(found) > 1 else found

    def subjects(self, p: str, o: LexTerm) -> Sequence[LexTerm]:
        found = self.ix.subjects(p, o)
        return sorted(found, key=_text) if len(found) > 1 else found

    def labels(self, node: LexTerm) -> dict[str, list[str]]:
        """Preferred labels by language, as :meth:`KnowledgeGraph.labels` gives them."""
        out: dict[str, list[str]] = {}
        for pred in _LABEL_PREDICATES:
            for lit in sorted(o for o in self.ix.objects(node, pred) if type(o) is Lex):
                values = out.setdefault(lit.language, [])
                if lit.value not in values:
                    values.append(lit.value)
        return out

    def label(self, node: LexTerm) -> str:
        if node not in self._labels:
            self._labels[node] = self._label(node)
        return self._labels[node]

    def _label(self, node: LexTerm) -> str:
        if type(node) is Lex:
            return node.value
        labels = self.labels(node)
        for code in [*lang_order(self.lang), ""]:
            if labels.get(code):
                return labels[code][0]
        for values in labels.values():
            return values[0]
        curie = self.curie(node)
        names = _RELATION_LABELS.get(curie) or _FALLBACK_LABELS.get(curie)
        if names:
            return next(names[c] for c in lang_order(self.lang) if c in names)
        return curie

    def labels_joined(self, nodes: Iterable[LexTerm]) -> str:
        return "; ".join(sorted({self.label(n) for n in nodes}))

    def evidence(self, fact: LexTerm) -> dict[str, str]:
        """quote, document, report, evidence, why and caveat of one fact."""
        if fact in self._evidence:
            return self._evidence[fact]
        quotes, documents, reports = [], [], []
        for excerpt in self.objects(fact, _DERIVED_FROM):
            for quote in self.objects(excerpt, _QUOTE):
                if _text(quote) not in quotes:
                    quotes.append(_text(quote))
            for doc in self.objects(excerpt, _PART_OF):
                if self.label(doc) not in documents:
                    documents.append(self.label(doc))
                for report in self.objects(doc, _DERIVED_FROM):
                    if self.ix.has_type(report, _REPORT) and self.label(report) not in reports:
                        reports.append(self.label(report))
        definitional = self.ix.has_type(fact, _DEFINITIONAL)
        why = self.text(fact, _COMMENT) if definitional else ""
        if quotes:
            kind = "quote"
        elif definitional:
            kind = "definitional"
        else:
            kind = "none"
        out = {
            "evidence": kind,
            "quote": "\n".join(quotes),
            "document": "; ".join(documents),
            "report": "; ".join(reports),
            "why": why,
            "caveat": " ".join(self.texts(fact, _CAVEAT)),
            "fact": fact if _is_iri(fact) else "",
            "fact_label": self.label(fact) if self.ix.objects(fact, _RDFS_LABEL) else "",
        }
        self._evidence[fact] = out
        return out

    def status(self, fact: LexTerm) -> str:
        """``reported``, ``active`` or ``proposed``: what the source says of ``fact``."""
        if fact not in self._status:
            self._status[fact] = _fact_status(self, fact)
        return self._status[fact]

    def release(self) -> None:
        """Drop the index and the per-fact records (CURIEs stay: they need neither)."""
        self.ix = None  # type: ignore[assignment]
        self._evidence.clear()
        self._templates.clear()
        self._labels.clear()

    def edge_template(self, fact: LexTerm) -> dict[str, str]:
        """The attributes every edge of ``fact`` shares, keyed in :data:`EDGE_ATTRIBUTES`
        order (copy it before adding an edge's own)."""
        if fact not in self._templates:
            template = dict.fromkeys(EDGE_ATTRIBUTES, "")
            template.update(self.evidence(fact))
            template["fact_status"] = self.status(fact)
            template["fact_kind"] = self.kind(fact)
            self._templates[fact] = template
        return self._templates[fact]

    def kind(self, fact: LexTerm) -> str:
        """CURIE of the most specific class of ``fact`` (``""`` when untyped)."""
        types = tuple(self.types(fact))
        if types not in self._kinds:
            kind = _most_specific(self, fact)
            self._kinds[types] = self.curie(kind) if kind is not None else ""
        return self._kinds[types]


_RDFS_LABEL = _iri(RDFS.label)
_DERIVED_FROM, _QUOTE, _PART_OF = (
    _iri(PROV.wasDerivedFrom),
    _iri(CNAI.quote),
    _iri(DCTERMS.isPartOf),
)
_REPORT, _CAVEAT = _iri(CNAI.Report), _iri(CNAI.caveat)


def _most_specific(reader: _Reader, node: LexTerm, keep: set[str] | None = None) -> str | None:
    types = [
        t for t in reader.types(node) if keep is None or reader.superclasses.get(t, {t}) & keep
    ]
    types = [t for t in types if t != _DEFINITIONAL]
    if not types:
        return None
    # drop any type that is a superclass of another asserted type
    specific = [
        t for t in types if not any(t != u and t in reader.superclasses.get(u, ()) for u in types)
    ]
    cnai_first = sorted(specific, key=lambda t: (not t.startswith(_CNAI_NS), t))
    return cnai_first[0]


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
    return sorted({d["relation"] for *_, d in G.edges(data=True)})


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
    for *_, d in G.edges(data=True):
        rel = d["relation"]
        for name in (rel, rel.split(":", 1)[-1], d.get("relation_label", "")):
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


# --------------------------------------------------------------------------- projection


def to_networkx(
    kg: KnowledgeGraph,
    *,
    relations: Iterable[str] | None = None,
    classes: Iterable[str | URIRef] | None = None,
    partnerships: str = "collapse",
    directed: bool = True,
    claims: bool = False,
    status: str | Iterable[str] | None = None,
    lang: str | None = None,
) -> nx.MultiDiGraph | nx.MultiGraph:
    """Project the knowledge graph onto a networkx multigraph of entities.

    Parameters
    ----------
    kg : the knowledge graph
    relations : relations that become edges (CURIE, local name or label, e.g.
        ``"basedIn"``, ``"cnai:Partnership"``, ``"소재지"``); all when None
    classes : classes of the nodes kept (and their subclasses; CURIE, local
        name or label, e.g. ``"Company"``, ``"기업"``); all entity classes when
        None. Edges whose ends are not both kept are dropped.
    partnerships : ``"collapse"`` (partner--partner edges that carry the
        partnership, its roles and its quote) or ``"nodes"`` (partnerships,
        opportunities, risks, mitigations and claims stay nodes: a bipartite view)
    directed : a :class:`~networkx.MultiDiGraph` keeping the direction of each
        relation (symmetric ones get both directions), else a
        :class:`~networkx.MultiGraph` with one edge per fact
    claims : include ``cnai:Claim`` facts. A claim links every entity it is
        about to every other (a clique), which swamps centrality, so they are
        left out unless asked for.
    status : which facts become edges, by what the source says of them:
        ``reported`` (stated, or definitional), ``active`` (partnerships in
        place), ``proposed`` (recommended partnerships, opportunities and
        mitigations), comma-separated or a list, or ``"all"``. Default
        ``"reported,active"``: proposals stay out of paths and rankings. In
        ``partnerships="nodes"`` a fact node whose status is left out is dropped.
    lang : language of the ``label`` attributes (``en``, ``ko``, ``zh``)

    Returns
    -------
    networkx.MultiDiGraph or networkx.MultiGraph
        Nodes keyed by CURIE (``"kg:Baidu"``), edges keyed by the CURIE of
        their fact. ``G.graph`` records the options.

    Examples
    --------
    >>> import cnai_kg
    >>> G = cnai_kg.load().to_networkx(lang="ko")
    >>> G.nodes["kg:PonyAI"]["class"], G.nodes["kg:Uber"]["label"]
    ('cnai:Company', '우버')
    >>> sorted({d["relation"] for _, v, d in G.out_edges("kg:PonyAI", data=True)
    ...         if v == "kg:Uber"})
    ['cnai:Partnership']
    """
    if partnerships not in PARTNERSHIP_MODES:
        raise UsageError(
            f"unknown partnerships mode {partnerships!r}; choose one of: "
            f"{', '.join(PARTNERSHIP_MODES)}"
        )
    lang = lang or default_lang()
    if lang not in LANGS:
        raise UsageError(f"unknown language {lang!r}; choose one of: {', '.join(LANGS)}")
    keep_status = resolve_status(status)
    with gc_paused(), task("projecting the network", total=len(_STEPS)) as step:
        return _project(
            kg, lang, keep_status, classes, relations, partnerships, directed, claims, step
        )


#: The steps of a projection, as its progress reports them.
_STEPS = ("reading the store", "nodes", "statements", "n-ary facts", "building the graph")


def _project(kg, lang, keep_status, classes, relations, partnerships, directed, claims, step):
    step(0, note=_STEPS[0])
    reader = _Reader(kg, lang)
    step(1, note=_STEPS[1])
    keep_classes = {_iri(c) for c in resolve_classes(kg, classes)} if classes is not None else None
    wanted = _resolve_kg_relations(kg, relations) if relations is not None else None

    G: nx.MultiDiGraph | nx.MultiGraph = nx.MultiDiGraph() if directed else nx.MultiGraph()
    G.graph.update(
        {
            "name": "cnai-kg entity network",
            "lang": lang,
            "partnerships": partnerships,
            "directed": str(directed).lower(),
            "relations": " ".join(sorted(wanted)) if wanted is not None else "all",
            "classes": " ".join(sorted(reader.curie(c) for c in keep_classes))
            if keep_classes is not None
            else "default",
            "claims": str(claims).lower(),
            "status": " ".join(keep_status),
        }
    )

    nodes = _select_nodes(reader, partnerships, keep_classes, claims)
    nodes = [
        n for n in nodes if _FACT not in reader.classes_of(n) or reader.status(n) in keep_status
    ]
    node_ids = {node: reader.curie(node) for node in nodes}
    for node in sorted(nodes, key=lambda n: node_ids[n]):
        G.add_node(node_ids[node], **_node_attributes(reader, node, keep_classes))

    step(2, note=_STEPS[2])
    edges = list(_direct_edges(reader, node_ids))
    step(3, note=_STEPS[3])
    if partnerships == "collapse":
        edges += _collapsed_edges(reader, node_ids, directed, claims)
    else:
        edges += _fact_node_edges(reader, node_ids)
    step(4, note=_STEPS[4])
    edges.sort(key=lambda e: (e[0], e[1], e[2]["relation"], e[2]["fact"]))
    # the graph copies each edge's attributes: let go of the index, the per-fact records and
    # each edge's own dict as soon as they are copied, so memory does not hold them twice
    reader.release()
    for i, (u, v, attrs) in enumerate(edges):
        edges[i] = None
        if wanted is not None and attrs["relation"] not in wanted:
            continue
        if attrs["fact_status"] not in keep_status:
            continue
        key = reader.curie(attrs["fact"]) if attrs["fact"] else attrs["relation"]
        if G.has_edge(u, v, key):  # one fact, two relations between the same pair
            key = f"{key}|{attrs['relation']}"
            if G.has_edge(u, v, key):
                continue
        G.add_edge(u, v, key=key, **attrs)  # every attribute of EDGE_ATTRIBUTES, in order
    step(5, note="done")
    return G


def _select_nodes(reader: _Reader, mode: str, keep: set[str] | None, claims: bool) -> list[str]:
    out = []
    never = {_iri(c) for c in _NEVER_NODES} | (set() if claims else {_iri(CNAI.Claim)})
    fact_nodes = {_iri(c) for c in _FACT_NODES} if mode == "nodes" else set()
    for entity in _entities(reader.ix):
        classes = reader.classes_of(entity)
        if keep is not None:
            if classes & keep:
                out.append(entity)
            continue
        if classes & never:
            continue
        if _FACT in classes and not classes & fact_nodes:
            continue
        out.append(entity)
    return out


def _entities(index: _Index) -> list[str]:
    """The entities, as :meth:`KnowledgeGraph.entities` gives them."""
    excluded = {_iri(c) for c in ENTITY_EXCLUDED}
    return sorted(
        s for s, types in index.pairs(_TYPE) if _is_iri(s) and not excluded.intersection(types)
    )


_SECTOR_PROPERTIES = tuple(_iri(p) for p in (CNAI.inSector, CNAI.specializesIn, CNAI.sector))


def _node_attributes(reader: _Reader, node: str, keep: set[str] | None) -> dict[str, str]:
    labels = reader.labels(node)
    cls = _most_specific(reader, node, keep)
    classes = reader.classes_of(node)
    hub, region = _location(reader, node)
    sectors = [
        o
        for p in _SECTOR_PROPERTIES
        for o in reader.objects(node, p)
        if reader.ix.has_type(o, _SECTOR)
    ]
    return {
        "iri": node,
        "label": reader.label(node),
        **{f"label_{c}": (labels.get(c) or [""])[0] for c in LANGS},
        "class": reader.curie(cls) if cls is not None else "",
        "class_label": reader.label(cls) if cls is not None else "",
        "types": " ".join(sorted(reader.curie(c) for c in classes if c.startswith(_CNAI_NS))),
        "hub": reader.labels_joined(hub),
        "region": reader.labels_joined(region),
        "sector": reader.labels_joined(sectors),
        "group": str(_ACTOR_GROUP in classes).lower(),
    }


_SECTOR, _AIHUB, _COUNTRY = _iri(CNAI.Sector), _iri(CNAI.AIHub), _iri(CNAI.Country)
_WORLD_REGION = _iri(CNAI.WorldRegion)
_PLACES = frozenset(_iri(c) for c in (CNAI.Country, CNAI.EconomicZone, CNAI.City, CNAI.WorldRegion))
_BASED_IN, _CONTAINED_IN = _iri(CNAI.basedIn), _iri(SCHEMA.containedInPlace)
_BEHIND = tuple(_iri(p) for p in (CNAI.providedBy, CNAI.developedBy, ORG.unitOf))


def _location(reader: _Reader, node: str) -> tuple[set[LexTerm], set[LexTerm]]:
    """AI hubs and countries/world regions above ``node`` (via basedIn, containedInPlace,
    and for offerings and units the organisation behind them)."""
    start: set[LexTerm] = set()
    if reader.classes_of(node) & _PLACES:
        start.add(node)
    start.update(reader.ix.objects(node, _BASED_IN))
    if not start:
        for p in _BEHIND:
            for org in reader.ix.objects(node, p):
                start.update(reader.ix.objects(org, _BASED_IN))
    seen: set[LexTerm] = set()
    todo = list(start)
    while todo:
        place = todo.pop()
        if place in seen:
            continue
        seen.add(place)
        todo.extend(reader.ix.objects(place, _CONTAINED_IN))
    hubs = {p for p in seen if reader.ix.has_type(p, _AIHUB)}
    countries = {p for p in seen if reader.ix.has_type(p, _COUNTRY)}
    world = {p for p in seen if reader.ix.has_type(p, _WORLD_REGION)}
    if node in countries or node in world:
        return hubs, {node}
    return hubs, countries or world


_STATUS_OF = {"status-active": "active", "status-proposed": "proposed"}
#: n-ary facts that are advice: what they link is recommended, not reported.
_ADVICE = frozenset(_iri(c) for c in (CNAI.Opportunity, CNAI.Mitigation))
_STATUS = _iri(CNAI.status)


def _fact_status(reader: _Reader, fact: LexTerm) -> str:
    for status in reader.objects(fact, _STATUS):
        key = _STATUS_OF.get(_text(status).rsplit("/", 1)[-1])
        if key:
            return key
    if reader.classes_of(fact) & _ADVICE:
        return "proposed"
    return "reported"


def resolve_status(status: str | Iterable[str] | None) -> tuple[str, ...]:
    """The statuses an analysis keeps: ``None`` gives :data:`DEFAULT_STATUS`, ``"all"``
    every one; otherwise names from :data:`STATUSES`, comma-separated or as a list.

    Examples
    --------
    >>> resolve_status(None), resolve_status("all"), resolve_status("proposed,reported")
    (('reported', 'active'), ('reported', 'active', 'proposed'), ('reported', 'proposed'))
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


def _edge(
    reader: _Reader, subject: LexTerm, relation: str, obj: LexTerm, fact: LexTerm, **extra: str
) -> dict[str, str]:
    attrs = reader.edge_template(fact).copy()
    attrs["relation"] = reader.curie(relation)
    attrs["relation_label"] = attrs["label"] = reader.label(relation)
    attrs["subject"] = reader.curie(subject)
    attrs["object"] = reader.curie(obj)
    attrs.update(extra)
    return attrs


_RDF_SUBJECT, _RDF_PREDICATE, _RDF_OBJECT = _iri(RDF.subject), _iri(RDF.predicate), _iri(RDF.object)
_NEEDS_EVIDENCE = _iri(CNAI.needsEvidence)


def _direct_edges(reader: _Reader, node_ids: dict[str, str]):
    """One edge per direct triple between two nodes, with its best statement."""
    ix = reader.ix
    statements: dict[tuple[LexTerm, LexTerm, LexTerm], list[LexTerm]] = defaultdict(list)
    for stmt, subjects in ix.pairs(_RDF_SUBJECT):
        pred = reader.value(stmt, _RDF_PREDICATE)
        obj = reader.value(stmt, _RDF_OBJECT)
        if pred is not None and obj is not None:
            for subject in subjects:
                statements[(subject, pred, obj)].append(stmt)
    triples = set(statements)
    for pred, _ in ix.pairs(_NEEDS_EVIDENCE):
        if _is_iri(pred):
            triples.update((s, pred, o) for s, objects in ix.pairs(pred) for o in objects)

    def rank(st):
        kind = reader.evidence(st)["evidence"]
        return (kind != "quote", kind != "definitional", _text(st))

    for s, p, o in triples:  # to_networkx sorts the edges
        if s not in node_ids or o not in node_ids or s == o or not _is_iri(p):
            continue
        found = statements.get((s, p, o))
        if found:
            attrs = _edge(reader, s, p, o, found[0] if len(found) == 1 else min(found, key=rank))
        else:
            attrs = dict.fromkeys(EDGE_ATTRIBUTES, "")
            attrs.update(
                relation=reader.curie(p),
                relation_label=reader.label(p),
                label=reader.label(p),
                subject=node_ids[s],
                object=node_ids[o],
                evidence="none",
                fact_status="reported",
            )
        yield node_ids[s], node_ids[o], attrs


_HAS_PARTICIPATION, _ORGANIZATION = _iri(CNAI.hasParticipation), _iri(ORG.organization)
_ROLE, _MEMBER = _iri(ORG.role), _iri(ORG.member)


def _participations(reader: _Reader, partnership: LexTerm) -> list[tuple]:
    """(member, role, membership) of a partnership, sorted by member."""
    memberships = set(reader.ix.objects(partnership, _HAS_PARTICIPATION))
    memberships |= set(reader.ix.subjects(_ORGANIZATION, partnership))
    out = []
    for m in memberships:
        role = reader.value(m, _ROLE)
        for member in reader.ix.objects(m, _MEMBER):
            out.append((member, role, m))
    return sorted(out, key=lambda t: (_text(t[0]), "None" if t[1] is None else _text(t[1])))


_PARTNERSHIP_TYPE, _TARGET_MARKET = _iri(CNAI.partnershipType), _iri(CNAI.targetMarket)


def _partnership_extra(reader: _Reader, fact: LexTerm, parts, u, v) -> dict[str, str]:
    roles = defaultdict(list)
    for member, role, _ in parts:
        if role is not None:
            roles[member].append(reader.label(role))
    summary = "; ".join(
        f"{reader.label(m)}: {', '.join(sorted(r))}"
        for m, r in sorted(roles.items(), key=lambda kv: reader.label(kv[0]))
    )
    return {
        "roles": summary,
        "subject_role": ", ".join(sorted(roles.get(u, []))),
        "object_role": ", ".join(sorted(roles.get(v, []))),
        "partnership": str(fact),
        "partnership_type": reader.labels_joined(reader.ix.objects(fact, _PARTNERSHIP_TYPE)),
        "status": reader.labels_joined(reader.ix.objects(fact, _STATUS)),
        "target_market": reader.labels_joined(reader.ix.objects(fact, _TARGET_MARKET)),
    }


def _fact_extra(reader: _Reader, fact: LexTerm) -> dict[str, str]:
    return {
        "status": reader.labels_joined(reader.ix.objects(fact, _STATUS)),
        "target_market": reader.labels_joined(reader.ix.objects(fact, _TARGET_MARKET)),
    }


_PARTNERSHIP, _CLAIM = _iri(CNAI.Partnership), _iri(CNAI.Claim)


def _collapsed_edges(reader: _Reader, node_ids: dict[str, str], directed: bool, claims: bool):
    for spec in _NARY:
        kind = _iri(spec.kind)
        if kind == _CLAIM and not claims:
            continue
        relation = _iri(spec.relation)
        facts = sorted(
            {f for c in reader.subclasses(kind) for f in reader.ix.subjects(_TYPE, c)}, key=_text
        )
        for fact in facts:
            if kind == _PARTNERSHIP:
                parts = _participations(reader, fact)
                sources = [m for m, _, _ in parts]
            else:
                parts = []
                sources = [o for p in spec.sources for o in reader.objects(fact, _iri(p))]
            targets = [o for p in spec.targets for o in reader.objects(fact, _iri(p))]
            sources = [s for s in dict.fromkeys(sources) if s in node_ids]
            targets = [t for t in dict.fromkeys(targets) if t in node_ids]
            if kind == _PARTNERSHIP:
                shared = _partnership_extra(reader, fact, parts, None, None)
                by_member = defaultdict(list)
                for member, role, _ in parts:
                    if role is not None:
                        by_member[member].append(reader.label(role))
                roles = {m: ", ".join(sorted(r)) for m, r in by_member.items()}

                def extra(u, v, shared=shared, roles=roles):
                    return {
                        **shared,
                        "subject_role": roles.get(u, ""),
                        "object_role": roles.get(v, ""),
                    }
            else:
                shared = _fact_extra(reader, fact)

                def extra(u, v, shared=shared):
                    return shared

            if spec.targets:
                pairs = [(s, t) for s in sources for t in targets if s != t]
            else:
                pairs = list(itertools.combinations(sources, 2))
                if directed:
                    pairs += [(v, u) for u, v in pairs]
            for u, v in pairs:
                yield (node_ids[u], node_ids[v], _edge(reader, u, relation, v, fact, **extra(u, v)))
            actors = list(dict.fromkeys(sources + (targets if spec.context_from_targets else [])))
            for prop in spec.context:
                prop = _iri(prop)
                for ctx in reader.objects(fact, prop):
                    if ctx not in node_ids:
                        continue
                    for actor in actors:
                        if actor != ctx:
                            yield (
                                node_ids[actor],
                                node_ids[ctx],
                                _edge(reader, actor, prop, ctx, fact, **extra(actor, ctx)),
                            )


_PARTICIPATION = _iri(CNAI.Participation)


def _fact_node_edges(reader: _Reader, node_ids: dict[str, str]):
    """Bipartite view: partner -> partnership, fact -> every entity it points at."""
    for fact in sorted(node_ids):
        if _FACT not in reader.classes_of(fact):
            continue
        if _PARTNERSHIP in reader.classes_of(fact):
            for member, role, membership in _participations(reader, fact):
                if member not in node_ids:
                    continue
                extra = _partnership_extra(reader, fact, [(member, role, membership)], member, fact)
                yield (
                    node_ids[member],
                    node_ids[fact],
                    _edge(reader, member, _PARTICIPATION, fact, fact, **extra),
                )
        for p, o in sorted(reader.ix.outgoing(fact), key=lambda t: (t[0], _text(t[1]))):
            if o not in node_ids or o == fact or p == _TYPE:
                continue
            yield (
                node_ids[fact],
                node_ids[o],
                _edge(reader, fact, p, o, fact, **_fact_extra(reader, fact)),
            )


# --------------------------------------------------------------------------- helpers for callers


def as_network(graph, **projection) -> nx.MultiDiGraph | nx.MultiGraph:
    """``graph`` itself when it is a networkx graph, else its projection.

    Algorithms accept either a :class:`~cnai_kg.kg.KnowledgeGraph` (projected
    with ``projection``) or a graph from :func:`to_networkx`.
    """
    if isinstance(graph, nx.Graph):
        return graph
    if isinstance(graph, KnowledgeGraph):
        return to_networkx(graph, **{k: v for k, v in projection.items() if v is not None})
    raise UsageError(f"expected a KnowledgeGraph or a networkx graph, not {type(graph).__name__}")


def find_node(G: nx.Graph, name: str, kg: KnowledgeGraph | None = None) -> str:
    """The node of ``G`` that ``name`` stands for.

    With ``kg``, any label or alias in any language, CURIE or IRI (through
    :meth:`KnowledgeGraph.resolve`); without, a node id, an IRI or one of the
    node's labels.

    Raises
    ------
    EntityNotFound
        when nothing matches
    UsageError
        when the entity exists but is not a node of this projection
    """
    if kg is not None:
        iri = kg.resolve(name)
        node = kg.curie(iri)
        if node not in G:
            classes = ", ".join(kg.curie(t) for t in kg.types(iri)) or "untyped"
            raise UsageError(
                f"{kg.label(iri, G.graph.get('lang'))} ({classes}) is not a node of the network"
            )
        return node
    if name in G:
        return name
    key = normalize(str(name))
    hits = sorted(
        {
            n
            for n, d in G.nodes(data=True)
            if key in {normalize(d.get(a, "")) for a in ("iri", *(f"label_{c}" for c in LANGS))}
        }
    )
    if len(hits) == 1:
        return hits[0]
    if len(hits) > 1:
        from .errors import AmbiguousEntity

        raise AmbiguousEntity(name, hits)
    raise EntityNotFound(name)


def nodes_of_classes(
    G: nx.Graph, classes: Iterable[str], kg: KnowledgeGraph | None = None
) -> set[str]:
    """Nodes of ``G`` that belong to any of ``classes`` (or a subclass).

    With ``kg`` a class is any CURIE, local name or label in any language (see
    :func:`resolve_classes`); without, a CURIE, a local name or the
    ``class_label`` of some node.
    """
    if kg is not None:
        wanted = {kg.curie(c) for c in resolve_classes(kg, classes)}
    else:
        index: dict[str, str] = {}
        for _, d in G.nodes(data=True):
            for curie in d.get("types", "").split():
                index.setdefault(normalize(curie), curie)
                index.setdefault(normalize(curie.split(":", 1)[-1]), curie)
            if d.get("class_label"):
                index.setdefault(normalize(d["class_label"]), d["class"])
        wanted = set()
        for name in classes:
            key = normalize(str(name))
            if key not in index:
                choices = sorted({c.split(":", 1)[-1] for c in index.values()})
                raise UsageError(f"unknown class {name!r}; choose from: {', '.join(choices)}")
            wanted.add(index[key])
    return {n for n, d in G.nodes(data=True) if wanted & set(d.get("types", "").split())}


# --------------------------------------------------------------------------- export


def export_network(kg: KnowledgeGraph, fmt: str, **projection) -> bytes:
    """The projection as GraphML, GEXF or node-link JSON, UTF-8 encoded.

    Every attribute is a string, so Gephi, Cytoscape and
    :func:`networkx.read_graphml` / :func:`networkx.read_gexf` read nodes back
    with their labels in all three languages and edges with their relation,
    fact and quote. ``projection`` goes to :func:`to_networkx`; unlike the analyses an
    export keeps every status (``status="all"``) and marks each edge with its
    ``fact_status``, so a tool such as Gephi can filter proposals itself.

    Examples
    --------
    >>> import cnai_kg, io, networkx as nx
    >>> data = export_network(cnai_kg.load(), "graphml")
    >>> nx.read_graphml(io.BytesIO(data)).nodes["kg:Uber"]["label_zh"]
    '优步'
    """
    projection.setdefault("status", "all")  # every fact, each edge with its fact_status
    return write_network(to_networkx(kg, **projection), fmt)


def write_network(G: nx.Graph, fmt: str) -> bytes:
    """A networkx graph from :func:`to_networkx` as GraphML, GEXF or node-link JSON bytes.

    Characters XML cannot hold are dropped from GraphML and GEXF (see :func:`xml_safe`).
    """
    if fmt not in NETWORK_FORMATS:
        raise UsageError(
            f"unknown network format {fmt!r}; choose one of: {', '.join(NETWORK_FORMATS)}"
        )
    if fmt == "node-link":
        data = nx.node_link_data(G, edges="edges")
        return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    G = _xml_safe_copy(G)
    buf = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(G, buf, encoding="utf-8", named_key_ids=True)
    else:
        for u, v, k, d in G.edges(keys=True, data=True):
            d["id"] = f"{u} {v} {k}"  # GEXF edge ids must be unique across the file
        nx.write_gexf(G, buf, encoding="utf-8")
    return buf.getvalue()


#: Characters XML 1.0 cannot carry (control characters, surrogates, U+FFFE/U+FFFF).
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold.

    >>> xml_safe("A\x01B")
    'AB'
    """
    return _NOT_XML.sub("", text)


def _xml_safe_copy(G: nx.Graph) -> nx.Graph:
    H = G.copy()
    for data in (
        H.graph,
        *(d for _, d in H.nodes(data=True)),
        *(d for *_, d in H.edges(data=True)),
    ):
        for key, value in data.items():
            if isinstance(value, str):
                data[key] = xml_safe(value)
    return H
