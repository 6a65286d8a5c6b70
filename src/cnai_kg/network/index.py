"""The store read in one pass: a lexical index of every triple, shared by a view."""

from __future__ import annotations

import gc
import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from contextlib import contextmanager

from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.term import Node, URIRef

from ..kg import KnowledgeGraph
from ..namespaces import CNAI
from ..store.base import Lex, LexTerm

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
        self._kg = kg
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

    def describe(self, s: str) -> tuple[list[tuple[str, LexTerm]], str | None]:
        """:meth:`outgoing` of the IRI ``s`` and the file that defines it."""
        return self.outgoing(s), self._kg.file_of(URIRef(s))


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


class _Lookups:
    """What :class:`_Index` answers about a few nodes, each asked of the store: a view
    whose network came compiled describes only the nodes it draws, and reading every
    triple into an index for them would cost more than the rest of the view."""

    def __init__(self, kg: KnowledgeGraph):
        self._store = kg.store

    def outgoing(self, s: LexTerm) -> list[tuple[str, LexTerm]]:
        """(predicate, object) of every ``s ?p ?o``."""
        return self._store.lexical_outgoing(s)

    def describe(self, s: str) -> tuple[list[tuple[str, LexTerm]], str | None]:
        """(predicate, object) of every ``s ?p ?o`` and the file that defines ``s``."""
        return self._store.describe(s)

    def subjects(self, p: str, o: LexTerm) -> Sequence[LexTerm]:
        """Distinct subjects of ``?s p o``."""
        return self._store.lexical_subjects(p, o)


def details_index(kg: KnowledgeGraph) -> _Index | _Lookups:
    """Where a view reads its nodes' own triples: the lexical index shared inside
    :func:`shared_index` when a projection built it, else the store, node by node."""
    with _shared_lock:
        entry = _shared.get(id(kg))
    if entry is not None and entry[1] is not None:
        return entry[1]
    return _Lookups(kg)


def index_for(kg: KnowledgeGraph) -> _Index:
    """The lexical index of ``kg``: the shared one inside :func:`shared_index`, else new."""
    with _shared_lock:
        entry = _shared.get(id(kg))
    if entry is None:
        return _Index(kg)
    if entry[1] is None:
        entry[1] = _Index(kg)
    return entry[1]
