"""The one store interface every backend implements.

A :class:`Store` holds RDF loaded from files, one graph per file, and answers
SPARQL over their union. Everything above it (cards, stats, the network
projection, views, the server) asks through this interface, so it runs
unchanged on every backend:

* :class:`~cnai_kg.store.oxigraph.OxigraphStore` (``"oxigraph"``, the default):
  embedded pyoxigraph, one named graph per file;
* :class:`~cnai_kg.store.rdflib.RdflibStore` (``"rdflib"``): rdflib graphs in memory;
* a remote SPARQL 1.1 endpoint (``"endpoint"``).

Contract
--------
* Terms crossing the interface are rdflib terms (``URIRef``, ``Literal``,
  ``BNode``); a plain literal has no datatype (never ``xsd:string``).
* The union is a set: a triple held by two files is one triple of the union.
* SPARQL given to a store has already passed :func:`cnai_kg.sparql.safety.prepare`
  (no SERVICE, FROM, LOAD, updates) or :func:`~cnai_kg.sparql.safety.vet`, or is one
  of cnai-kg's own internal queries (``queries/internal``, checked by the tests);
  stores never see unchecked text. It may use
  the project's prefixes (:data:`cnai_kg.namespaces.PREFIXES`) without declaring them.
* ``bindings`` give variables a value before evaluation (as rdflib's
  ``initBindings`` or a VALUES block at the start of the WHERE clause do).
* Errors of evaluation are :class:`~cnai_kg.errors.QueryError`; a SELECT giving
  more than ``max_rows`` rows raises :class:`TooManyRows`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from typing import NamedTuple

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ..errors import QueryError

__all__ = [
    "Bindings",
    "Blank",
    "Lex",
    "LexTerm",
    "Pattern",
    "Store",
    "TooManyRows",
    "Triple",
    "Unparsed",
]

Triple = tuple[Node, Node, Node]
#: A triple pattern: None matches anything.
Pattern = tuple[Node | None, Node | None, Node | None]
Bindings = Mapping[str, Node] | None


class Blank(str):
    """A blank node in lexical form: its id (as ``str(BNode)`` would give it)."""

    __slots__ = ()


class Lex(NamedTuple):
    """A literal in lexical form: its text, language (``""`` when untagged) and datatype
    IRI (``""`` for plain and language-tagged literals)."""

    value: str
    language: str = ""
    datatype: str = ""


#: A term in lexical form: an IRI is a plain ``str``, a blank node a :class:`Blank`, a
#: literal a :class:`Lex`. Cheap to make and to hash, for bulk work over a whole store.
LexTerm = str | Blank | Lex


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_TYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def _index_add(index: dict, p: str, s: LexTerm, o: LexTerm) -> None:
    by_subject = index.get(p)
    if by_subject is None:
        by_subject = index[p] = {}
    found = by_subject.get(s)
    if found is None:
        by_subject[s] = [o]
    elif o not in found:  # a triple held by two files
        found.append(o)


def from_lexical(term: LexTerm) -> Node:
    """The rdflib term of a term in lexical form (the reverse of :func:`lexical`)."""
    if type(term) is Lex:
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype) if term.datatype else None)
    if type(term) is Blank:
        return BNode(term)
    return URIRef(term)


def lexical(term: Node) -> LexTerm:
    """An rdflib term in lexical form (see :data:`LexTerm`)."""
    if isinstance(term, Literal):
        if term.language:
            return Lex(str(term), term.language, "")
        datatype = str(term.datatype) if term.datatype is not None else ""
        return Lex(str(term), "", "" if datatype == _XSD_STRING else datatype)
    if isinstance(term, BNode):
        return Blank(term)
    return str(term)


class TooManyRows(QueryError):
    """A SELECT gave more rows than its ``max_rows``."""

    def __init__(self, max_rows: int):
        self.max_rows = max_rows
        super().__init__(
            f"the query gives more than {max_rows:,} rows and was stopped; add LIMIT or "
            "connect its patterns (a cartesian product grows fast), or raise --max-rows"
        )

    def __reduce__(self):  # picklable across the query worker's pipe
        return (TooManyRows, (self.max_rows,))


class Unparsed(QueryError):
    """The store cannot parse a query that skipped the full check
    (:func:`~cnai_kg.sparql.safety.vet`): check it the full way, which reports the error."""


class Store(ABC):
    """RDF from files (one graph per file), queried by SPARQL over their union."""

    #: ``"oxigraph"``, ``"rdflib"`` or ``"endpoint"``
    name: str = ""

    @abstractmethod
    def files(self) -> list[str]:
        """The files (named graphs) held, in load order."""

    @abstractmethod
    def select(
        self, sparql: str, bindings: Bindings = None, *, max_rows: int | None = None
    ) -> tuple[list[str], list[tuple[Node | None, ...]]]:
        """A SELECT's variable names and rows (None where a variable is unbound)."""

    @abstractmethod
    def ask(self, sparql: str, bindings: Bindings = None) -> bool:
        """An ASK's answer."""

    @abstractmethod
    def construct(self, sparql: str, bindings: Bindings = None) -> Graph:
        """A CONSTRUCT's or DESCRIBE's triples, as a new rdflib graph."""

    @abstractmethod
    def triples(self, pattern: Pattern = (None, None, None)) -> Iterator[Triple]:
        """Triples of the union matching ``pattern`` (each once)."""

    @abstractmethod
    def file_triples(self, name: str, pattern: Pattern = (None, None, None)) -> Iterator[Triple]:
        """Triples of one file's graph matching ``pattern``."""

    @abstractmethod
    def __len__(self) -> int:
        """Triples in the union."""

    # ------------------------------------------------------------ derived
    # Implemented on top of the methods above; backends may answer faster.

    def lexical_index(self) -> dict[str, dict[LexTerm, list[LexTerm]]]:
        """Every triple of the union in lexical form (see :data:`LexTerm`), by predicate then
        subject: ``{p: {s: [o, ...]}}``, each object once. For bulk work such as the
        network projection, which reads most of the graph: one pass over the store."""
        index: dict[str, dict[LexTerm, list[LexTerm]]] = {}
        for s, p, o in self.triples():
            _index_add(index, lexical(p), lexical(s), lexical(o))
        return index

    def lexical_outgoing(self, s: LexTerm) -> list[tuple[str, LexTerm]]:
        """(predicate, object) of every ``s ?p ?o`` of the union in lexical form, each once:
        what :meth:`lexical_index` holds for ``s``, read for that subject alone."""
        pairs: dict[tuple[str, LexTerm], None] = {}
        for _, p, o in self.triples((from_lexical(s), None, None)):
            pairs.setdefault((lexical(p), lexical(o)))
        return list(pairs)

    def describe(self, s: str) -> tuple[list[tuple[str, LexTerm]], str | None]:
        """:meth:`lexical_outgoing` of the IRI ``s``, and the file that defines it (where it
        gets its type, else where it is a subject; the first in load order), as
        :meth:`~cnai_kg.kg.KnowledgeGraph.file_of` tells it."""
        subject = URIRef(s)
        files = self.files_with((subject, _RDF_TYPE, None)) or self.files_with(
            (subject, None, None)
        )
        return self.lexical_outgoing(s), (files[0] if files else None)

    def lexical_subjects(self, p: str, o: LexTerm) -> list[LexTerm]:
        """Distinct subjects of ``?s p o`` in lexical form."""
        found: dict[LexTerm, None] = {}
        for s, _, _ in self.triples((None, URIRef(p), from_lexical(o))):
            found.setdefault(lexical(s))
        return list(found)

    def files_with(self, pattern: Pattern) -> list[str]:
        """The files holding a triple that matches ``pattern``, in load order."""
        return [n for n in self.files() if next(iter(self.file_triples(n, pattern)), None)]

    def name_pairs(self, predicates) -> Iterator[tuple[str, str]]:
        """(IRI, name) for every triple ``iri predicate name`` of the union with one of
        ``predicates`` and an IRI subject (what :class:`~cnai_kg.resolve.Resolver` indexes)."""
        from rdflib import URIRef

        for predicate in predicates:
            for s, _, o in self.triples((None, predicate, None)):
                if isinstance(s, URIRef):
                    yield str(s), str(o)

    def query(self, kind: str, sparql: str, bindings: Bindings = None, *, max_rows=None):
        """Dispatch by query ``kind``: ``("SELECT", vars, rows)``, ``("ASK", [], bool)`` or
        ``(kind, [], graph)`` for CONSTRUCT / DESCRIBE."""
        if kind == "SELECT":
            variables, rows = self.select(sparql, bindings, max_rows=max_rows)
            return "SELECT", variables, rows
        if kind == "ASK":
            return "ASK", [], self.ask(sparql, bindings)
        return kind, [], self.construct(sparql, bindings)

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release what the store holds open (files, connections)."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {len(self)} triples from {len(self.files())} files>"
