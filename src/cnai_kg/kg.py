"""The :class:`KnowledgeGraph`: ontology + shipped data + the user's files, behind one object.

Everything else (the CLI, the views, the notebooks, the analyses) goes through
this object, so the store behind it (rdflib in memory today) and the graph
engine can change without touching them.
"""

from __future__ import annotations

import os
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from . import resources
from .errors import EntityNotFound, UsageError
from .io import atomic_write
from .namespaces import CNAI, ORG, PREFIXES, SH
from .resolve import NAME_PREDICATES, NameIndex, Resolver, expand, pick
from .store import STORES, Store

__all__ = [
    "LANGS",
    "STORES",
    "EntityCard",
    "FactRecord",
    "KnowledgeGraph",
    "default_lang",
    "load",
]

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
#: A typed IRI with one of these types is no entity (``queries/internal/entity-types.rq``).
_EXCLUDED = frozenset(_ONTOLOGY_TYPES | _NOT_ENTITIES)
#: Types that make a typed IRI no entity (for code that reads the store in bulk).
ENTITY_EXCLUDED = _EXCLUDED


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
    """One fact about an entity, flattened for display.

    ``kind`` is the English name of its class (a stable key); ``kind_label`` the
    class's label in the language asked for.
    """

    fact: Node
    kind: str
    summary: str
    quotes: tuple[str, ...]
    documents: tuple[str, ...]
    definitional: bool
    caveats: tuple[str, ...] = ()
    why: str | None = None
    kind_label: str = ""
    #: the media type of each quote's document (``text/markdown``: show its emphasis as
    #: such; see :mod:`cnai_kg.quotes`), in the order of :attr:`quotes`
    formats: tuple[str | None, ...] = ()

    def plain_quotes(self) -> tuple[str, ...]:
        """The quotes as a terminal shows them (a Markdown source's marks taken away)."""
        from .quotes import quote_plain

        formats = self.formats or (None,) * len(self.quotes)
        return tuple(quote_plain(q, f) for q, f in zip(self.quotes, formats, strict=True))


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

    Build one with :func:`load`. The data lives in a :class:`~cnai_kg.store.Store`
    (:attr:`store`: Oxigraph by default, one named graph per file); every method
    asks it by SPARQL or by triple pattern, never through an rdflib graph of the
    whole data. :meth:`to_rdflib` materialises one, on demand, for rdflib tools.

    Parameters
    ----------
    source : a :class:`~cnai_kg.store.Store`, or file name -> rdflib graph (copied into
        a new store of kind ``store``)
    store : the kind of store to build from graphs (``oxigraph`` or ``rdflib``)

    Examples
    --------
    >>> kg = load()
    >>> kg.label(kg.resolve("닝더스다이"))
    'CATL'
    >>> kg.label(kg.resolve("catl"), "zh")
    '宁德时代'
    """

    def __init__(self, source: Store | Mapping[str, Graph], *, store: str | None = None):
        if isinstance(source, Store):
            self.store = source
        else:
            from .store import new_store

            self.store = new_store(store)
            for name, graph in source.items():
                _add_triples(self.store, name, graph)
        self._paths: dict[str, Path] = {}
        self._shipped_count = 0
        self._load_options: dict | None = None
        self._rdf: Graph | None = None

    # ------------------------------------------------------------------ files

    @property
    def files(self) -> list[str]:
        """The files loaded, in order."""
        return self.store.files()

    @property
    def parts(self) -> dict[str, Graph]:
        """One rdflib graph per file (built on each call: for rdflib tools and tests)."""
        out = {}
        for name in self.store.files():
            graph = Graph()
            for triple in self.store.file_triples(name):
                graph.add(triple)
            out[name] = graph
        return out

    def file_of(self, node: Node) -> str | None:
        """The file that defines ``node`` (where it gets its type; else where it is a
        subject), the first in load order."""
        for pattern in ((node, RDF.type, None), (node, None, None)):
            found = self.store.files_with(pattern)
            if found:
                return found[0]
        return None

    def with_files(self, *files: str | Path | tuple[str, str | Path]) -> KnowledgeGraph:
        """A new graph with ``files`` added (this one is left as it is); a ``(name, path)``
        pair names the file as :func:`load` does."""
        from .store import add_file, new_store

        options = self._load_options
        if options is not None and list(self._paths) == self.files:
            # loaded from files: load them again with the new ones (through the cache)
            user = list(self._paths.items())[self._shipped_count :]
            return load(*user, *files, **options)

        target = new_store(self.store.name)
        for name in self.store.files():
            _add_triples(target, name, self.store.file_triples(name))
        for item in files:
            name, path = item if isinstance(item, tuple) else (_display_name(Path(item)), item)
            add_file(target, name, path)
        return KnowledgeGraph(target)

    def __len__(self) -> int:
        return len(self.store)

    def __contains__(self, triple: tuple[Node | None, Node | None, Node | None]) -> bool:
        return next(iter(self.store.triples(triple)), None) is not None

    def __repr__(self) -> str:
        return (
            f"<KnowledgeGraph {len(self)} triples from {len(self.files)} files, "
            f"{self.store.name} store>"
        )

    def to_rdflib(self) -> Graph:
        """The union of all files as an rdflib graph, materialised on first use (for
        pyshacl, owlrl and rdflib's serialisers). Treat it as read-only."""
        if self._rdf is None:
            union = getattr(self.store, "union", None)
            if isinstance(union, Graph):
                self._rdf = union
            else:
                graph = Graph()
                for prefix, ns in PREFIXES.items():
                    graph.bind(prefix, ns, override=True)
                for triple in self.store.triples():
                    graph.add(triple)
                self._rdf = graph
        return self._rdf

    @property
    def rdf(self) -> Graph:
        """:meth:`to_rdflib` (kept for notebooks and older code)."""
        return self.to_rdflib()

    # ------------------------------------------------------------- patterns

    def objects(self, subject: Node | None, predicate: Node | None) -> list[Node]:
        """Distinct objects of ``subject predicate ?o``, in a stable order."""
        return _ordered({o for _, _, o in self.store.triples((subject, predicate, None))})

    def subjects(self, predicate: Node | None, obj: Node | None) -> list[Node]:
        """Distinct subjects of ``?s predicate obj``, in a stable order."""
        return _ordered({s for s, _, _ in self.store.triples((None, predicate, obj))})

    def value(self, subject: Node, predicate: Node) -> Node | None:
        """One object of ``subject predicate ?o`` (the first in a stable order), or None."""
        found = self.objects(subject, predicate)
        return found[0] if found else None

    def subclasses(self, cls: Node) -> set[Node]:
        """``cls`` and every class below it (``rdfs:subClassOf``, any depth)."""
        return {row["class"] for row in self._select("subclasses", of=cls)} | {cls}

    def is_instance(self, node: Node, cls: Node) -> bool:
        """Whether ``node`` is asserted to be a ``cls`` or an instance of a subclass of it."""
        from .query import run_query

        return bool(
            run_query(
                self, _internal_query("is-instance"), timeout=None, node=node, bindings={"of": cls}
            )
        )

    # ----------------------------------------------------------------- labels

    def labels(self, node: Node) -> dict[str, list[str]]:
        """Preferred labels by language (``""`` for untagged), best first."""
        out: dict[str, list[str]] = defaultdict(list)
        for pred in _LABEL_PREDICATES:
            for lit in self.objects(node, pred):
                if isinstance(lit, Literal) and str(lit) not in out[lit.language or ""]:
                    out[lit.language or ""].append(str(lit))
        return dict(out)

    def aliases(self, node: Node) -> dict[str, list[str]]:
        """``skos:altLabel`` values by language."""
        out: dict[str, list[str]] = defaultdict(list)
        for lit in self.objects(node, SKOS.altLabel):
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
        return sorted(t for t in self.objects(node, RDF.type) if isinstance(t, URIRef))

    @cached_property
    def _entity_types(self) -> list[tuple[URIRef, Node]]:
        return [(row["entity"], row["class"]) for row in self._select("entity-types")]

    @cached_property
    def _entity_set(self) -> frozenset[URIRef]:
        return frozenset(e for e, _ in self._entity_types)

    def is_entity(self, node: Node) -> bool:
        """Whether ``node`` is an entity (a typed IRI that is not an ontology term,
        statement, excerpt or the like)."""
        if not isinstance(node, URIRef):
            return False
        types = set(self.objects(node, RDF.type))
        return bool(types) and not types & _EXCLUDED

    def entities(self, cls: URIRef | None = None) -> list[URIRef]:
        """Entities (typed IRIs that are not ontology terms, statements or excerpts).

        ``cls`` keeps those whose asserted type is ``cls`` or one of its subclasses.
        """
        if cls is None:
            return sorted(self._entity_set)
        classes = self.subclasses(cls)
        return sorted({e for e, t in self._entity_types if t in classes})

    @cached_property
    def resolver(self) -> Resolver:
        names = (
            (s, o) for pred in NAME_PREDICATES for s, _, o in self.store.triples((None, pred, None))
        )
        return Resolver(names, preferred=self._entity_set, known=self._known)

    def _known(self, iri: URIRef) -> bool:
        return (iri, None, None) in self or (None, None, iri) in self

    def resolve(self, name: str | Node, *, closest: bool = True) -> URIRef:
        """The IRI for a label or alias in any language, a CURIE or an IRI.

        Raises :class:`~cnai_kg.errors.EntityNotFound` listing the closest names
        (none when ``closest`` is false: a caller that only asks whether the name is
        known saves looking for them).

        A known CURIE or IRI is looked up directly; a name, in the :class:`NameIndex`
        kept beside a cached store when there is one. Otherwise, and for every name
        that matches nothing (to list the closest), :attr:`resolver` indexes every
        name of the graph. All three give the same answers.
        """
        if isinstance(name, URIRef):
            return name
        text = str(name)
        if "resolver" not in self.__dict__:
            iri = expand(text)
            if iri is not None:
                if self._known(iri):
                    return iri
            else:
                for found in self._name_candidates(text):
                    if found:
                        return pick(text, found, self.is_entity)
            if self._name_index() is not None:  # the index has every name
                if not closest:
                    raise EntityNotFound(text, [])
                local = iri.split("/")[-1].split("#")[-1] if iri is not None else text
                names = self._closest_names(local)
                if names is not None:  # as the resolver would say, without indexing every name
                    raise EntityNotFound(text, names)
        return self.resolver.resolve(text, closest=closest)

    def _closest_names(self, text: str) -> list[str] | None:
        """:meth:`NameIndex.closest` of ``text``, or None without an index."""
        index = self._name_index()
        if index is None:
            return None
        try:
            return index.closest(text)
        except sqlite3.Error:  # a damaged index: do without it
            self._names = None
            return None

    def _name_candidates(self, text: str) -> list[set[URIRef]]:
        """:meth:`NameIndex.candidates` of ``text``, or nothing without an index."""
        index = self._name_index()
        if index is None:
            return []
        try:
            return index.candidates(text)
        except sqlite3.Error:  # a damaged index: do without it
            self._names = None
            return []

    def _name_index(self) -> NameIndex | None:
        """The name index beside the cached store (built on first use), or None."""
        if "_names" not in self.__dict__:
            self._names = None
            folder = getattr(self.store, "cache_folder", None)
            if folder is not None:
                path = Path(folder) / NameIndex.file_name()
                try:
                    if path.is_file():
                        self._names = NameIndex(path)
                    else:
                        pairs = self.store.name_pairs(NAME_PREDICATES)
                        preferred = {str(e) for e in self._entity_set}
                        self._names = NameIndex.build(path, pairs, preferred)
                except (OSError, sqlite3.Error):  # a read-only or full cache: index in memory
                    self._names = None
        return self._names

    # ------------------------------------------------------------------ facts

    def facts_about(self, entity: str | Node, lang: str | None = None) -> list[FactRecord]:
        """Every fact that mentions ``entity``, each with its quotes and documents."""
        iri = self.resolve(entity)
        rows = self._select("facts-about", entity=iri)
        grouped: dict[Node, dict] = {}
        for row in rows:
            rec = grouped.setdefault(row["fact"], {"quotes": {}, "docs": []})
            quote, document = row.get("quote"), row.get("document")
            if quote is not None:
                media = row.get("format")
                rec["quotes"].setdefault(str(quote), str(media) if media is not None else None)
            if document is not None:
                doc = self.label(document, lang)
                if row.get("page") is not None:
                    doc += f", p. {row['page']}"
                if doc not in rec["docs"]:
                    rec["docs"].append(doc)
        return sorted(
            (self._fact_record(f, v, lang) for f, v in grouped.items()),
            key=lambda r: (r.kind, r.summary),
        )

    def _fact_record(self, fact: Node, found: dict, lang: str | None) -> FactRecord:
        kinds = [t for t in self.types(fact) if t != CNAI.DefinitionalFact and t != RDF.Statement]
        kind = self.label(kinds[0], "en") if kinds else "Fact"
        kind_label = self.label(kinds[0] if kinds else CNAI.Fact, lang)
        subject = self.value(fact, RDF.subject)
        if subject is not None:
            pred = self.value(fact, RDF.predicate)
            obj = self.value(fact, RDF.object)
            summary = (
                f"{self.label(subject, lang)} —{self.label(pred, lang)}→ {self.label(obj, lang)}"
            )
        else:
            summary = self.label(fact, lang)
            partners = [
                f"{self.label(self.value(m, ORG.member), lang)} "
                f"({self.label(self.value(m, ORG.role), lang)})"
                for m in self.objects(fact, CNAI.hasParticipation)
                if self.value(m, ORG.member) is not None
            ]
            if partners:
                summary += ": " + ", ".join(sorted(partners))
        # caveats and reasons are kept in English and Korean: show those in ``lang``
        caveats = tuple(sorted(_best_lang(self.objects(fact, CNAI.caveat), lang)))
        why = next(iter(_best_lang(self.objects(fact, RDFS.comment), lang)), None)
        return FactRecord(
            fact=fact,
            kind=kind,
            summary=summary,
            quotes=tuple(sorted(found["quotes"])),
            formats=tuple(_media(found["quotes"], q) for q in sorted(found["quotes"])),
            documents=tuple(sorted(found["docs"])),
            definitional=(fact, RDF.type, CNAI.DefinitionalFact) in self,
            caveats=caveats,
            why=str(why) if why is not None else None,
            kind_label=kind_label,
        )

    def card(self, entity: str | Node, lang: str | None = None) -> EntityCard:
        """An entity card: labels in every language, types, relations and facts."""
        iri = self.resolve(entity)
        skip = {RDF.type, RDFS.label, SKOS.prefLabel, SKOS.altLabel}
        outgoing = sorted(
            (self.label(p, lang), self.label(o, lang))
            for p, o in {(p, o) for _, p, o in self.store.triples((iri, None, None))}
            if p not in skip and not isinstance(o, BNode)
        )
        incoming = sorted(
            (self.label(p, lang), self.label(s, lang))
            for s, p in {(s, p) for s, p, _ in self.store.triples((None, None, iri))}
            if self.is_entity(s)
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
        """Run an internal SELECT from ``queries/internal`` on the store: rows as dicts
        (unbound variables left out).

        The store binds the values (never pasted into the text), is safe to call from
        several threads, and runs it in this process, without a time limit (internal
        queries are small and bounded). These texts ship with cnai-kg and never take
        user input, so they skip :func:`~cnai_kg.sparql.safety.prepare` and its rdflib
        parse (a good part of a ``show``); the test suite runs each through it.
        """
        variables, rows = self.store.select(_internal_query(name), bindings or None)
        return [
            {v: x for v, x in zip(variables, row, strict=True) if x is not None} for row in rows
        ]

    # ------------------------------------------------------------------ stats

    def stats(self) -> dict:
        """Counts: triples, files, entities per class, facts per kind, sources, label coverage.

        Every count is a SPARQL aggregate the store computes (``queries/internal/stats-*``).
        """
        per_class = Counter(
            {self.curie(row["class"]): int(row["n"]) for row in self._select("stats-classes")}
        )
        (entities,) = self._select("stats-entities")
        total = int(entities["n"])
        facts = Counter()
        for row in self._select("fact-kinds"):
            facts[self.curie(row["kind"])] = int(row["n"])
        labelled = {str(row.get("lang", "")): int(row["n"]) for row in self._select("stats-labels")}
        coverage = {code: (labelled.get(code, 0), total) for code in LANGS}
        found = {row["class"]: int(row["n"]) for row in self._select("stats-sources")}
        sources = {
            self.curie(cls): found.get(cls, 0)
            for cls in (CNAI.Report, CNAI.Article, CNAI.SourceExcerpt)
        }
        return {
            "triples": len(self),
            "files": len(self.files),
            "entities": total,
            "entities_per_class": dict(sorted(per_class.items(), key=lambda kv: (-kv[1], kv[0]))),
            "facts": sum(facts.values()),
            "facts_per_kind": dict(sorted(facts.items(), key=lambda kv: (-kv[1], kv[0]))),
            "sources": sources,
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
            for name in self.files:
                named = ds.graph(URIRef(Path(name).resolve().as_uri()))
                for triple in self.store.file_triples(name):
                    named.add(triple)
            return ds.serialize(format="trig", encoding="utf-8")
        return self.to_rdflib().serialize(format=EXPORT_FORMATS[fmt], encoding="utf-8")

    def export(self, path: str | Path, fmt: str = "ttl") -> Path:
        """Write :meth:`serialize` to ``path`` atomically."""
        return atomic_write(path, self.serialize(fmt))

    # ------------------------------------------------------- other layers
    # Thin doors to the query, network and view layers, so callers only ever
    # hold a KnowledgeGraph. Imports are lazy to keep start-up light.

    def query(self, sparql: str, **kwargs):
        """Run SPARQL safely; see :func:`cnai_kg.query.run_query`."""
        return _run_query()(self, sparql, **kwargs)

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
        return self.store.triples(pattern)


@cache
def _run_query():
    """:func:`cnai_kg.query.run_query`, imported on first use (it is not needed to start)."""
    from .query import run_query

    return run_query


@cache
def _internal_query(name: str) -> str:
    """The text of an internal query (the project's prefixes are predeclared)."""
    return (resources.query_dir() / "internal" / f"{name}.rq").read_text(encoding="utf-8")


def load(
    *extra_files: str | Path | tuple[str, str | Path],
    shipped: bool = True,
    store: str | None = None,
    cache: bool = False,
    progress=None,
    base: str | Path | None = None,
) -> KnowledgeGraph:
    """Load the ontology, the shipped data and ``extra_files`` into a :class:`KnowledgeGraph`.

    Parameters
    ----------
    *extra_files : Turtle (or other RDF) files added to the graph; a ``(name, path)`` pair
        reads ``path`` but calls it ``name`` (a file about to be written in its place)
    shipped : include the shipped ``graph/`` data (the ontology is always loaded)
    store : ``"oxigraph"`` (the default: embedded Oxigraph, parsed by its own parsers)
        or ``"rdflib"`` (rdflib in memory; ``"memory"`` is an older name of it)
    cache : keep the Oxigraph store on disk, keyed by the files' contents, and open it
        (read-only) instead of parsing when the same files are loaded again
        (:mod:`cnai_kg.store.cache`; the command line does this unless ``--no-cache``)
    progress : called as ``progress(done, total, name)`` after each file is parsed
    base : a folder (a workspace's): files inside it go by their path relative to it

    Raises
    ------
    DataError
        naming the file, line and column of a parse error, or a missing file.

    Examples
    --------
    >>> kg = load()
    >>> len(kg) > 1000, kg.store.name
    (True, 'oxigraph')
    """
    from .store import load_files, store_name

    kind = store_name(store)  # fail on an unknown store before parsing anything
    files: list[Path] = list(resources.ontology_files())
    if shipped:
        files += resources.graph_files()
    # the input size limit is for the user's files, not the ones cnai-kg ships
    shipped_count = len(files)
    named: dict[str, Path] = {}
    for path in files:
        named.setdefault(_display_name(path, base), path)
    for item in extra_files:
        name, path = item if isinstance(item, tuple) else (None, Path(item))
        named.setdefault(name or _display_name(Path(path), base), Path(path))
    if cache and kind == "oxigraph" and all(str(p) != "-" for p in named.values()):
        from .store.cache import open_or_build

        found, _ = open_or_build(named.items(), trusted=shipped_count, progress=progress)
    else:
        found = load_files(named.items(), store=kind, trusted=shipped_count, progress=progress)
    kg = KnowledgeGraph(found)
    kg._paths = named
    kg._shipped_count = shipped_count
    kg._load_options = {"shipped": shipped, "store": kind, "cache": cache, "base": base}
    return kg


def _display_name(path: Path, base: str | Path | None = None) -> str:
    """Shipped files by their short name (``graph/hubs.ttl``), a workspace's relative to
    its folder (``data/notes.ttl``), the user's other files as given."""
    for folder in (resources.data_dir(), base):
        if folder is None:
            continue
        try:
            return str(path.resolve().relative_to(Path(folder).resolve()))
        except ValueError:
            pass
    return str(path)


def _media(quotes, quote: str) -> str | None:
    """The media type ``quotes`` (quote -> media type, or a plain list) gives ``quote``."""
    return quotes.get(quote) if isinstance(quotes, dict) else None


def iter_literals(values: Iterable[Node]) -> list[str]:
    return [str(v) for v in values if isinstance(v, Literal)]


def _ordered(nodes: Iterable[Node]) -> list[Node]:
    """Terms in a stable order, the same on every store: IRIs, blank nodes, literals."""
    rank = {URIRef: 0, BNode: 1}
    return sorted(
        nodes,
        key=lambda n: (
            rank.get(type(n), 2),
            str(n),
            getattr(n, "language", None) or "",
            str(getattr(n, "datatype", None) or ""),
        ),
    )


def _add_triples(store: Store, name: str, triples: Iterable) -> None:
    """Copy rdflib triples into ``store`` as the graph of file ``name``."""
    if hasattr(store, "add_triples"):
        store.add_triples(name, triples)
    else:
        graph = triples if isinstance(triples, Graph) else Graph()
        if graph is not triples:
            for triple in triples:
                graph.add(triple)
        store.add_graph(name, graph)
