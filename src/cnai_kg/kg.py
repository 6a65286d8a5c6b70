"""The :class:`KnowledgeGraph`: ontology + shipped data + the user's files, behind one object.

Everything else (the CLI, the views, the notebooks, the analyses) goes through
this object, so the store behind it (rdflib in memory today) and the graph
engine can change without touching them.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from . import resources
from .errors import UsageError
from .io import atomic_write, parse_rdf
from .namespaces import CNAI, ORG, PREFIXES, SH
from .resolve import Resolver

__all__ = ["LANGS", "EntityCard", "FactRecord", "KnowledgeGraph", "default_lang", "load"]

#: The label languages cnai-kg curates, in fallback order.
LANGS = ("en", "ko", "zh")

#: Export formats: name -> (rdflib serializer, needs a Dataset)
EXPORT_FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "trig": "trig"}

_LABEL_PREDICATES = (SKOS.prefLabel, RDFS.label)
_ONTOLOGY_TYPES = {
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    OWL.Ontology,
    RDF.Property,
    RDFS.Class,
    SH.NodeShape,
    SH.PropertyShape,
}
#: Classes whose instances are plumbing, not entities.
_NOT_ENTITIES = {CNAI.Statement, CNAI.SourceExcerpt, CNAI.Participation, CNAI.CentralityScore}


def default_lang() -> str:
    """Label language: ``$CNAI_KG_LANG`` when set to en, ko or zh, else English."""
    lang = os.environ.get("CNAI_KG_LANG", "").strip().lower()
    return lang if lang in LANGS else "en"


def _best_lang(values, lang: str | None) -> list[str]:
    """The literals among ``values`` in the best language there is (``lang``, then the
    others in :func:`lang_order`, then untagged)."""
    values = [v for v in values if isinstance(v, Literal)]
    for code in [*lang_order(lang), None]:
        found = [str(v) for v in values if v.language == code]
        if found:
            return found
    return [str(v) for v in values]


def lang_order(lang: str | None) -> list[str]:
    """Languages to try for a label, best first.

    >>> lang_order("ko")
    ['ko', 'en', 'zh']
    """
    first = lang or default_lang()
    return [first] + [x for x in LANGS if x != first]


@dataclass(frozen=True)
class FactRecord:
    """One fact about an entity, flattened for display."""

    fact: Node
    kind: str
    summary: str
    quotes: tuple[str, ...]
    documents: tuple[str, ...]
    definitional: bool
    caveats: tuple[str, ...] = ()
    why: str | None = None


@dataclass
class EntityCard:
    """Everything ``cnai-kg show`` prints about one entity."""

    iri: URIRef
    curie: str
    labels: dict[str, list[str]]
    aliases: dict[str, list[str]]
    types: list[str]
    outgoing: list[tuple[str, str]] = field(default_factory=list)
    incoming: list[tuple[str, str]] = field(default_factory=list)
    facts: list[FactRecord] = field(default_factory=list)
    file: str | None = None


class KnowledgeGraph:
    """The ontology, the data and any extra files, as one queryable graph.

    Build one with :func:`load`. The RDF is in :attr:`rdf`; the parts it came
    from (one graph per file) in :attr:`parts`.

    Examples
    --------
    >>> kg = load()
    >>> kg.label(kg.resolve("닝더스다이"))
    'CATL'
    >>> kg.label(kg.resolve("catl"), "zh")
    '宁德时代'
    """

    def __init__(self, parts: dict[str, Graph], *, store: str = "memory"):
        self.parts = parts
        self.store = store
        self.rdf = _new_graph(store)
        for prefix, ns in PREFIXES.items():
            self.rdf.bind(prefix, ns, override=True)
        for part in parts.values():
            self.rdf += part
        self._origin: dict[Node, str] = {}
        for name, part in parts.items():
            for subject in part.subjects(RDF.type, unique=True):
                self._origin.setdefault(subject, name)
        for name, part in parts.items():
            for subject in part.subjects(unique=True):
                self._origin.setdefault(subject, name)

    # ------------------------------------------------------------------ files

    @property
    def files(self) -> list[str]:
        """The files loaded, in order."""
        return list(self.parts)

    def file_of(self, node: Node) -> str | None:
        """The file that defines ``node`` (where it gets its type), if any."""
        return self._origin.get(node)

    def with_files(self, *files: str | Path) -> KnowledgeGraph:
        """A new graph with ``files`` added (this one is left as it is)."""
        parts = dict(self.parts)
        for path in files:
            parts[_display_name(Path(path))] = parse_rdf(path)
        return KnowledgeGraph(parts, store=self.store)

    def __len__(self) -> int:
        return len(self.rdf)

    def __repr__(self) -> str:
        return (
            f"<KnowledgeGraph {len(self.rdf)} triples from {len(self.parts)} files, "
            f"{self.store} store>"
        )

    # ----------------------------------------------------------------- labels

    def labels(self, node: Node) -> dict[str, list[str]]:
        """Preferred labels by language (``""`` for untagged), best first."""
        out: dict[str, list[str]] = defaultdict(list)
        for pred in _LABEL_PREDICATES:
            for lit in self.rdf.objects(node, pred):
                if isinstance(lit, Literal) and str(lit) not in out[lit.language or ""]:
                    out[lit.language or ""].append(str(lit))
        return dict(out)

    def aliases(self, node: Node) -> dict[str, list[str]]:
        """``skos:altLabel`` values by language."""
        out: dict[str, list[str]] = defaultdict(list)
        for lit in self.rdf.objects(node, SKOS.altLabel):
            out[getattr(lit, "language", None) or ""].append(str(lit))
        return {k: sorted(v) for k, v in out.items()}

    def label(self, node: Node, lang: str | None = None) -> str:
        """The best label of ``node`` in ``lang`` (falling back en > ko > zh), else its CURIE."""
        if isinstance(node, Literal):
            return str(node)
        labels = self.labels(node)
        for code in [*lang_order(lang), ""]:
            if labels.get(code):
                return labels[code][0]
        for values in labels.values():
            return values[0]
        return self.curie(node)

    def curie(self, node: Node) -> str:
        """``prefix:local`` for IRIs in a known namespace, ``<iri>`` otherwise."""
        if isinstance(node, BNode):
            return f"_:{node}"
        if isinstance(node, Literal):
            return node.n3()
        text = str(node)
        best = ""
        for prefix, ns in PREFIXES.items():
            if text.startswith(ns) and len(ns) > len(best):
                best, name = ns, prefix
        if best:
            return f"{name}:{text[len(best) :]}"
        return f"<{text}>"

    # ---------------------------------------------------------------- entities

    def types(self, node: Node) -> list[URIRef]:
        """Asserted classes of ``node``."""
        return sorted(t for t in self.rdf.objects(node, RDF.type) if isinstance(t, URIRef))

    @cached_property
    def _entity_set(self) -> frozenset[URIRef]:
        found = set()
        for subject, cls in self.rdf.subject_objects(RDF.type):
            if isinstance(subject, URIRef) and cls not in _ONTOLOGY_TYPES:
                found.add(subject)
        plumbing = {s for c in _NOT_ENTITIES for s in self.rdf.subjects(RDF.type, c)}
        ontology = {s for c in _ONTOLOGY_TYPES for s in self.rdf.subjects(RDF.type, c)}
        return frozenset(found - plumbing - ontology)

    def entities(self, cls: URIRef | None = None) -> list[URIRef]:
        """Entities (typed IRIs that are not ontology terms, statements or excerpts).

        ``cls`` keeps those whose asserted type is ``cls`` or one of its subclasses.
        """
        if cls is None:
            return sorted(self._entity_set)
        classes = set(self.rdf.transitive_subjects(RDFS.subClassOf, cls))
        return sorted(e for e in self._entity_set if classes & set(self.rdf.objects(e, RDF.type)))

    @cached_property
    def resolver(self) -> Resolver:
        return Resolver(self.rdf, preferred=self._entity_set)

    def resolve(self, name: str | Node) -> URIRef:
        """The IRI for a label or alias in any language, a CURIE or an IRI.

        Raises :class:`~cnai_kg.errors.EntityNotFound` listing the closest names.
        """
        if isinstance(name, URIRef):
            return name
        return self.resolver.resolve(str(name))

    # ------------------------------------------------------------------ facts

    def facts_about(self, entity: str | Node, lang: str | None = None) -> list[FactRecord]:
        """Every fact that mentions ``entity``, each with its quotes and documents."""
        iri = self.resolve(entity)
        rows = self._select("facts-about", entity=iri)
        grouped: dict[Node, dict] = {}
        for row in rows:
            rec = grouped.setdefault(row["fact"], {"quotes": [], "docs": []})
            quote, document = row.get("quote"), row.get("document")
            if quote is not None and str(quote) not in rec["quotes"]:
                rec["quotes"].append(str(quote))
            if document is not None:
                doc = self.label(document, lang)
                if doc not in rec["docs"]:
                    rec["docs"].append(doc)
        return sorted(
            (self._fact_record(f, v, lang) for f, v in grouped.items()),
            key=lambda r: (r.kind, r.summary),
        )

    def _fact_record(self, fact: Node, found: dict, lang: str | None) -> FactRecord:
        kinds = [t for t in self.types(fact) if t != CNAI.DefinitionalFact and t != RDF.Statement]
        kind = self.label(kinds[0], "en") if kinds else "Fact"
        subject = self.rdf.value(fact, RDF.subject)
        if subject is not None:
            pred = self.rdf.value(fact, RDF.predicate)
            obj = self.rdf.value(fact, RDF.object)
            summary = (
                f"{self.label(subject, lang)} —{self.label(pred, lang)}→ {self.label(obj, lang)}"
            )
        else:
            summary = self.label(fact, lang)
            partners = [
                f"{self.label(self.rdf.value(m, ORG.member), lang)} "
                f"({self.label(self.rdf.value(m, ORG.role), lang)})"
                for m in self.rdf.objects(fact, CNAI.hasParticipation)
                if self.rdf.value(m, ORG.member) is not None
            ]
            if partners:
                summary += ": " + ", ".join(sorted(partners))
        # caveats and reasons are kept in English and Korean: show those in ``lang``
        caveats = tuple(sorted(_best_lang(self.rdf.objects(fact, CNAI.caveat), lang)))
        why = next(iter(_best_lang(self.rdf.objects(fact, RDFS.comment), lang)), None)
        return FactRecord(
            fact=fact,
            kind=kind,
            summary=summary,
            quotes=tuple(sorted(found["quotes"])),
            documents=tuple(sorted(found["docs"])),
            definitional=(fact, RDF.type, CNAI.DefinitionalFact) in self.rdf,
            caveats=caveats,
            why=str(why) if why is not None else None,
        )

    def card(self, entity: str | Node, lang: str | None = None) -> EntityCard:
        """An entity card: labels in every language, types, relations and facts."""
        iri = self.resolve(entity)
        skip = {RDF.type, RDFS.label, SKOS.prefLabel, SKOS.altLabel}
        outgoing = sorted(
            (self.label(p, lang), self.label(o, lang))
            for p, o in self.rdf.predicate_objects(iri)
            if p not in skip and not isinstance(o, BNode)
        )
        incoming = sorted(
            (self.label(p, lang), self.label(s, lang))
            for s, p in self.rdf.subject_predicates(iri)
            if isinstance(s, URIRef) and s in self._entity_set
        )
        return EntityCard(
            iri=iri,
            curie=self.curie(iri),
            labels=self.labels(iri),
            aliases=self.aliases(iri),
            types=[self.label(t, lang) for t in self.types(iri)],
            outgoing=outgoing,
            incoming=incoming,
            facts=self.facts_about(iri, lang),
            file=self.file_of(iri),
        )

    def _select(self, name: str, **bindings: Node) -> list[dict[str, Node]]:
        """Run an internal query from ``queries/internal`` through :func:`cnai_kg.query.run_query`.

        That path binds values (never pastes them), is safe to call from several
        threads, and evaluates with rdflib's engine, which only asks the store for
        triple patterns: the same answers on every store.
        """
        from .query import run_query

        rows = run_query(self, _internal_query(name), timeout=None, max_rows=None, **bindings)
        return [row.asdict() for row in rows]

    # ------------------------------------------------------------------ stats

    def stats(self) -> dict:
        """Counts: triples, files, entities per class, facts per kind, sources, label coverage."""
        entities = self._entity_set
        per_class: Counter[str] = Counter(
            self.curie(t)
            for e, t in self.rdf.subject_objects(RDF.type)
            if e in entities and isinstance(t, URIRef)
        )
        facts = Counter()
        for row in self._select("fact-kinds"):
            facts[self.curie(row["kind"])] = int(row["n"])
        languages: dict[Node, set[str]] = defaultdict(set)
        for pred in _LABEL_PREDICATES:
            for e, lit in self.rdf.subject_objects(pred):
                if e in entities and isinstance(lit, Literal):
                    languages[e].add(lit.language or "")
        total = len(entities)
        coverage = {code: (sum(code in languages[e] for e in entities), total) for code in LANGS}
        sources = Counter()
        for cls in (CNAI.Report, CNAI.Article, CNAI.SourceExcerpt):
            sources[self.curie(cls)] = len(set(self.rdf.subjects(RDF.type, cls)))
        return {
            "triples": len(self.rdf),
            "files": len(self.parts),
            "entities": total,
            "entities_per_class": dict(sorted(per_class.items(), key=lambda kv: (-kv[1], kv[0]))),
            "facts": sum(facts.values()),
            "facts_per_kind": dict(sorted(facts.items(), key=lambda kv: (-kv[1], kv[0]))),
            "sources": dict(sources),
            "label_coverage": coverage,
        }

    # ----------------------------------------------------------------- export

    def serialize(self, fmt: str = "ttl") -> bytes:
        """The whole graph in ``ttl``, ``nt``, ``jsonld`` or ``trig`` (one named graph a file)."""
        if fmt not in EXPORT_FORMATS:
            raise UsageError(f"unknown format {fmt!r}; choose one of: {', '.join(EXPORT_FORMATS)}")
        if fmt == "trig":
            ds = Dataset()
            for prefix, ns in PREFIXES.items():
                ds.bind(prefix, ns, override=True)
            for name, part in self.parts.items():
                named = ds.graph(URIRef(Path(name).resolve().as_uri()))
                for triple in part:
                    named.add(triple)
            return ds.serialize(format="trig", encoding="utf-8")
        return self.rdf.serialize(format=EXPORT_FORMATS[fmt], encoding="utf-8")

    def export(self, path: str | Path, fmt: str = "ttl") -> Path:
        """Write :meth:`serialize` to ``path`` atomically."""
        return atomic_write(path, self.serialize(fmt))

    # ------------------------------------------------------- other layers
    # Thin doors to the query, network and view layers, so callers only ever
    # hold a KnowledgeGraph. Imports are lazy to keep start-up light.

    def query(self, sparql: str, **kwargs):
        """Run SPARQL safely; see :func:`cnai_kg.query.run_query`."""
        from .query import run_query

        return run_query(self, sparql, **kwargs)

    def to_networkx(self, **kwargs):
        """The entity network; see :func:`cnai_kg.network.to_networkx`."""
        from .network import to_networkx

        return to_networkx(self, **kwargs)

    def render(self, **kwargs):
        """An interactive HTML view; see :func:`cnai_kg.render.render`."""
        from .render import render

        return render(self, **kwargs)

    def validate(self, **kwargs):
        """SHACL validation; see :func:`cnai_kg.validate.validate`."""
        from .validate import validate

        return validate(self, **kwargs)

    # ------------------------------------------------------------- iteration

    def triples(self, pattern=(None, None, None)) -> Iterator[tuple[Node, Node, Node]]:
        """Triples matching ``pattern`` (store-independent access for analyses)."""
        return self.rdf.triples(pattern)


@cache
def _internal_query(name: str) -> str:
    """The text of an internal query (the project's prefixes are predeclared)."""
    return (resources.query_dir() / "internal" / f"{name}.rq").read_text(encoding="utf-8")


#: Stores a KnowledgeGraph can sit on: rdflib's in-memory store, or Oxigraph
#: (through oxrdflib, the ``oxigraph`` extra) for large graphs.
STORES = ("memory", "oxigraph")


def _new_graph(store: str) -> Graph:
    if store == "memory":
        return Graph()
    if store == "oxigraph":
        try:
            import oxrdflib  # noqa: F401  (registers the "Oxigraph" rdflib store plugin)
        except ImportError:
            raise UsageError(
                "the oxigraph store needs the oxigraph extra: pip install 'cnai-kg[oxigraph]'"
            ) from None
        return Graph(store="Oxigraph")
    raise UsageError(f"unknown store {store!r}; choose one of: {', '.join(STORES)}")


def load(*extra_files: str | Path, shipped: bool = True, store: str = "memory") -> KnowledgeGraph:
    """Load the ontology, the shipped data and ``extra_files`` into a :class:`KnowledgeGraph`.

    Parameters
    ----------
    *extra_files : Turtle (or other RDF) files added to the graph
    shipped : include the shipped ``graph/`` data (the ontology is always loaded)
    store : ``"memory"`` (rdflib) or ``"oxigraph"`` (pyoxigraph through oxrdflib)

    Raises
    ------
    DataError
        naming the file, line and column of a parse error, or a missing file.

    Examples
    --------
    >>> kg = load()
    >>> len(kg) > 1000
    True
    """
    _new_graph(store)  # fail on an unknown or missing store before parsing anything
    files: list[Path] = list(resources.ontology_files())
    if shipped:
        files += resources.graph_files()
    shipped_count = len(files)
    files += [Path(f) for f in extra_files]
    parts: dict[str, Graph] = {}
    for n, path in enumerate(files):
        # the input size limit is for the user's files, not the ones cnai-kg ships
        parts[_display_name(path)] = parse_rdf(path, limit=None if n < shipped_count else -1)
    return KnowledgeGraph(parts, store=store)


def _display_name(path: Path) -> str:
    """Shipped files by their short name (``graph/hubs.ttl``), the user's as given."""
    try:
        return str(path.resolve().relative_to(resources.data_dir().resolve()))
    except ValueError:
        return str(path)


def iter_literals(values: Iterable[Node]) -> list[str]:
    return [str(v) for v in values if isinstance(v, Literal)]
