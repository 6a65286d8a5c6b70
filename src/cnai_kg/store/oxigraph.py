"""The default store: embedded Oxigraph (pyoxigraph), one named graph per loaded file.

Files are parsed by Oxigraph's own parsers straight into the store, each into
its own named graph, and queries are evaluated by Oxigraph over the union of
those graphs (``use_default_graph_as_union``). A triple already held by an
earlier file is dropped from a later file's graph while loading, so the union
is a set, as RDF merge wants (Oxigraph's union otherwise repeats such triples).

Terms are converted to rdflib terms on the way out and back on the way in, so
everything above the store sees rdflib terms only.

Examples
--------
>>> from rdflib import URIRef
>>> store = OxigraphStore()
>>> store.add_data("a.ttl", b"<urn:a> <urn:p> 'x'@en .", "turtle")
>>> store.add_data("b.ttl", b"<urn:a> <urn:p> 'x'@en , 'y' .", "turtle")
>>> len(store), store.files_with((URIRef("urn:a"), None, None))
(2, ['a.ttl', 'b.ttl'])
>>> store.select("SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o")[1]
[(rdflib.term.Literal('x', lang='en'),), (rdflib.term.Literal('y'),)]
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from itertools import islice
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from ..errors import DataError, QueryError, UsageError
from ..namespaces import PREFIXES
from .base import (
    Bindings,
    Blank,
    Lex,
    LexTerm,
    Pattern,
    Store,
    TooManyRows,
    Triple,
    Unparsed,
    from_lexical,
)

__all__ = ["OxigraphStore", "forking", "from_ox", "to_ox"]

#: rdflib parser names -> Oxigraph formats
_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "n3": ox.RdfFormat.N3,
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
    "json-ld": ox.RdfFormat.JSON_LD,
    "xml": ox.RdfFormat.RDF_XML,
}
_QUAD_FORMATS = ("trig", "nquads")
_PREFIXES = {k: str(v) for k, v in PREFIXES.items()}
#: PREFIX declarations opening a query, one after another (nothing else between them).
_PROLOGUE = re.compile(r"(?:\s*PREFIX\s+[A-Za-z][A-Za-z0-9_-]*:\s*<[^<>\s]*>)*", re.IGNORECASE)
_DECLARED = re.compile(r"PREFIX\s+([A-Za-z][A-Za-z0-9_-]*):", re.IGNORECASE)
_PREFIX_USES = [(name, ns, f"{name}:") for name, ns in _PREFIXES.items()]
_XSD_STRING = str(XSD.string)
_HEX = re.compile(r"[0-9a-f]+")


def graph_iri(name: str) -> str:
    """The named graph a file's triples go to (stable across folders and runs)."""
    return "urn:cnai-kg:file:" + quote(name, safe="/:@")


# ------------------------------------------------------------------ forking

# A query with a time limit runs in a process forked from this one (see
# cnai_kg.sparql.run.run_in_worker). Oxigraph lets go of the interpreter lock while
# it evaluates (``Store.query`` and each step of its answer), and then takes locks of
# its own (RocksDB's block cache, the in-memory store's); a fork at that moment gives
# the child a lock that no thread of the child will ever release, and the child
# waits for it until it is killed at its deadline (a query of a few milliseconds
# answered 503 after the whole time limit: 31 of 2,084 in a stress run). So every
# such call holds the gate shared, and a fork waits until none is running
# (:func:`forking`). The other calls (``quads_for_pattern`` and its steps, ``len``)
# keep the interpreter lock throughout: no other thread can fork while they run.


class _Gate:
    """Shared holds for the calls into Oxigraph that let go of the interpreter lock;
    an exclusive one for a fork (which waits for the shared ones, and holds new ones
    back while it waits)."""

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._inside = 0
        self._forks = 0

    def enter(self) -> None:
        with self._cond:
            while self._forks:
                self._cond.wait()
            self._inside += 1

    def leave(self) -> None:
        with self._cond:
            self._inside -= 1
            if not self._inside:
                self._cond.notify_all()

    @contextmanager
    def exclusive(self, deadline: float | None):
        with self._cond:
            self._forks += 1
            try:
                while self._inside:
                    left = None if deadline is None else deadline - time.monotonic()
                    if left is not None and left <= 0:
                        raise TimeoutError
                    self._cond.wait(left)
            except BaseException:
                self._forks -= 1
                self._cond.notify_all()
                raise
        try:
            yield
        finally:
            with self._cond:
                self._forks -= 1
                self._cond.notify_all()


_GATE = _Gate()


def _reset_gate() -> None:  # in a forked child: no other thread is left inside
    global _GATE
    _GATE = _Gate()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reset_gate)


@contextmanager
def forking(deadline: float | None = None):
    """Hold back the calls into Oxigraph that let go of the interpreter lock while a
    process is forked (see the comment above); :class:`TimeoutError` when the calls
    running now have not ended by ``deadline`` (``time.monotonic()``)."""
    with _GATE.exclusive(deadline):
        yield


def _call(fn, *args, **kwargs):
    """``fn(*args, **kwargs)`` (an Oxigraph call that lets go of the interpreter lock)
    under the gate."""
    gate = _GATE
    gate.enter()
    try:
        return fn(*args, **kwargs)
    finally:
        gate.leave()


def _steps(results: Iterable, size: int = 256) -> Iterator:
    """The items of an Oxigraph answer, taken a batch at a time under the gate."""
    it = iter(results)
    while True:
        gate = _GATE
        gate.enter()
        try:
            batch = list(islice(it, size))
        finally:
            gate.leave()
        if not batch:
            return
        yield from batch


# ------------------------------------------------------------------ terms


def from_ox(term) -> Node | None:
    """An Oxigraph term as an rdflib term (plain literals without ``xsd:string``)."""
    if type(term) is ox.NamedNode:  # the most common term first
        return _iri(term.value)
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        if dt == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(dt))
    if isinstance(term, ox.BlankNode):
        return BNode(_blank_id(term.value))
    raise QueryError(f"cannot use the RDF term {term!r} (RDF-star) here")


def _blank_id(value: str) -> str:
    if len(value) <= 32 and _HEX.fullmatch(value):
        # Oxigraph's own ids drop leading zeros; padded, every export writes them
        # at one length (byte counts do not wobble from run to run)
        return "ox" + value.zfill(32)
    return value


#: Characters that make rdflib warn about an IRI (``rdflib.term._is_valid_uri``).
_NOT_IN_IRI = re.compile(r'[<>" {}|\\^`]')


def _iri(value: str) -> URIRef:
    """``URIRef(value)`` without its check where the check has nothing to say (the IRIs
    Oxigraph hands out are valid); the constructor itself, warning, where it has."""
    if _NOT_IN_IRI.search(value) is None:
        return str.__new__(URIRef, value)
    return URIRef(value)


def to_ox(term: Node):
    """An rdflib term as an Oxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        value = str(term)
        if len(value) == 34 and value.startswith("ox") and _HEX.fullmatch(value[2:]):
            return ox.BlankNode(value[2:].lstrip("0") or "0")
        return ox.BlankNode(value)
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise UsageError(f"cannot use {term!r} as an RDF term")


def _lex_other(term) -> Blank:
    if isinstance(term, ox.BlankNode):
        return Blank(_blank_id(term.value))
    raise QueryError(f"cannot use the RDF term {term!r} (RDF-star) here")


_RDF_TYPE_IRI = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def _lex(term) -> LexTerm:
    """An Oxigraph term in lexical form, as :meth:`OxigraphStore.lexical_index` makes it."""
    kind = type(term)
    if kind is ox.NamedNode:
        return term.value
    if kind is ox.Literal:
        if term.language:
            return Lex(term.value, term.language, "")
        dt = term.datatype.value
        return Lex(term.value, "", "" if dt == _XSD_STRING else dt)
    return _lex_other(term)


def _pattern(pattern: Pattern):
    s, p, o = pattern
    return (
        to_ox(s) if s is not None else None,
        to_ox(p) if p is not None else None,
        to_ox(o) if o is not None else None,
    )


@lru_cache(maxsize=256)
def _prefixes_for(sparql: str) -> dict[str, str]:
    """The predeclared prefixes ``sparql`` may use: those whose ``name:`` occurs in it
    anywhere (Oxigraph reads every prefix it is given on every query; most queries use
    a few). A backslash may spell a name by codepoint escapes: then all of them."""
    if "\\" in sparql:
        return _PREFIXES
    # the text's own PREFIX lines opening it override ours: no need to pass those
    declared = set(_DECLARED.findall(_PROLOGUE.match(sparql).group(0)))
    return {name: ns for name, ns, used in _PREFIX_USES if used in sparql and name not in declared}


@lru_cache(maxsize=1)
def _empty() -> ox.Store:
    """An empty in-memory store: queries are parsed against it, never evaluated on data."""
    return ox.Store()


@lru_cache(maxsize=256)
def _projected(sparql: str) -> tuple[str, ...] | None:
    """The variables a SELECT projects (what Oxigraph lets substitutions reach), found by
    asking an empty store: they depend on the text only, and evaluating over nothing costs
    nothing (asking the real store would start evaluating the query unbound)."""
    try:
        probe = _call(_empty().query, sparql + "\n", prefixes=_PREFIXES)
    except Exception:  # the real evaluation reports the error
        return None
    return tuple(v.value for v in getattr(probe, "variables", []))


# ------------------------------------------------------------------ errors


def _query_error(e: Exception) -> QueryError:
    """A failed evaluation as one line."""
    if isinstance(e, SyntaxError):
        return QueryError(f"query failed: {' '.join(str(e).split())}")
    message = " ".join(str(e).split()) or type(e).__name__
    return QueryError(f"query failed: {message}")


_POSITION = re.compile(r"line (\d+) column (\d+)")


def _parse_error(path: str | Path, e: Exception) -> DataError:
    """One line naming the file, line and column of an Oxigraph parse error."""
    text = " ".join(str(e).split())
    line = column = None
    args = getattr(e, "args", ())
    if len(args) > 1 and isinstance(args[1], tuple) and len(args[1]) >= 3:
        line, column = args[1][1], args[1][2]
        text = " ".join(str(args[0]).split())
    else:
        m = _POSITION.search(text)
        if m:
            line, column = int(m.group(1)), int(m.group(2))
    text = re.sub(r"^Parser error (between|at) [^:]*: ", "", text)
    return DataError(path, text, line=line, column=column)


# ------------------------------------------------------------------ the store


class OxigraphStore(Store):
    """An Oxigraph store: in memory, or on disk at ``path`` (see :meth:`open`).

    Parameters
    ----------
    path : folder of an on-disk store (created when missing); None keeps it in memory
    bulk : load files with Oxigraph's bulk loader (for building an on-disk store)
    """

    name = "oxigraph"

    def __init__(
        self, path: str | Path | None = None, *, bulk: bool = False, _store=None, files=None
    ):
        self._bulk = bulk
        if _store is not None:
            self._store = _store
        else:
            self._store = ox.Store(str(path)) if path is not None else ox.Store()
        self._files: list[str] = list(files or [])
        self._graphs = {name: ox.NamedNode(graph_iri(name)) for name in self._files}
        self._names = {g.value: n for n, g in self._graphs.items()}
        self._sizes: dict[str, int] = {}
        #: the cache folder this store was opened from (:mod:`cnai_kg.store.cache`), if any
        self.cache_folder: Path | None = None

    @classmethod
    def open(cls, path: str | Path, files: list[str], *, read_only: bool = True) -> OxigraphStore:
        """Open an on-disk store built earlier, holding ``files`` (in load order)."""
        store = ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
        return cls(_store=store, files=files)

    @property
    def oxigraph(self) -> ox.Store:
        """The underlying :class:`pyoxigraph.Store` (for benchmarks and experts)."""
        return self._store

    # -------------------------------------------------------------- loading

    def _register(self, name: str) -> ox.NamedNode:
        if name in self._graphs:
            raise UsageError(f"{name} is loaded twice")
        graph = ox.NamedNode(graph_iri(name))
        self._files.append(name)
        self._graphs[name] = graph
        self._names[graph.value] = name
        return graph

    def add_data(self, name: str, data: bytes, fmt: str, *, base: str | None = None) -> int:
        """Parse ``data`` (rdflib format name ``fmt``) into the named graph of file ``name``.

        Returns how many named graphs of a TriG / N-Quads file were merged into it.
        Raises :class:`DataError` (file, line, column) on a syntax error; the store is
        left as it was.
        """
        graph = self._register(name)
        named: set = set()
        try:
            if fmt in _QUAD_FORMATS:
                # to_graph does not move a TriG file's named graphs: re-home every quad
                def rehome(quads):
                    for q in quads:
                        if not isinstance(q.graph_name, ox.DefaultGraph):
                            named.add(q.graph_name)
                        yield ox.Quad(q.subject, q.predicate, q.object, graph)

                quads = ox.parse(data, format=_FORMATS[fmt], base_iri=base)
                _call(self._store.extend, rehome(quads))
            else:
                # bulk_load (on-disk builds) is faster and not transactional: a failed
                # build is thrown away whole
                load = self._store.bulk_load if self._bulk else self._store.load
                _call(load, data, format=_FORMATS[fmt], base_iri=base, to_graph=graph)
        except (SyntaxError, ValueError, OSError) as e:
            self._forget(name)
            raise _parse_error(name, e) from None
        self._dedup(name)
        return len(named)

    def typed_literals(self, name: str) -> Iterator[Literal]:
        """The distinct literals of file ``name`` with a datatype other than xsd:string
        (for reporting ill-typed ones)."""
        query = (
            f"SELECT DISTINCT ?o WHERE {{ GRAPH <{self._graphs[name].value}> {{ ?s ?p ?o }} "
            "FILTER (isLiteral(?o) && lang(?o) = '' && datatype(?o) != xsd:string) }"
        )
        for solution in _steps(_call(self._store.query, query, prefixes=_PREFIXES)):
            yield from_ox(solution[0])

    def add_triples(self, name: str, triples) -> None:
        """Add rdflib triples (a graph or any iterable) as the graph of file ``name``."""
        graph = self._register(name)
        _call(
            self._store.extend,
            (ox.Quad(*(to_ox(t) for t in triple), graph) for triple in triples),
        )
        self._dedup(name)

    def _forget(self, name: str) -> None:
        graph = self._graphs.pop(name)
        self._files.remove(name)
        del self._names[graph.value]
        _call(self._store.remove_graph, graph)

    def _size(self, name: str) -> int:
        if name not in self._sizes:  # counted by Oxigraph, not quad by quad in Python
            graph = self._graphs[name].value
            query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
            (row,) = list(_steps(_call(self._store.query, query)))
            self._sizes[name] = int(row[0].value)
        return self._sizes[name]

    def _dedup(self, name: str) -> None:
        """Drop from ``name``'s graph the triples an earlier file already holds."""
        graph = self._graphs[name]
        earlier = [self._graphs[n] for n in self._files if n != name]
        if not earlier:
            return
        mine = self._size(name)
        theirs = sum(self._size(n) for n in self._files if n != name)
        drop = []
        if mine <= theirs:
            for q in self._store.quads_for_pattern(None, None, None, graph):
                for other in self._store.quads_for_pattern(q.subject, q.predicate, q.object, None):
                    if other.graph_name != graph:
                        drop.append(q)
                        break
        else:
            for g in earlier:
                for q in self._store.quads_for_pattern(None, None, None, g):
                    mine_q = ox.Quad(q.subject, q.predicate, q.object, graph)
                    if mine_q in self._store:
                        drop.append(mine_q)
        for q in drop:
            _call(self._store.remove, q)
        self._sizes[name] = mine - len(drop)

    def flush(self) -> None:
        """Write everything to disk (on-disk stores)."""
        _call(self._store.flush)

    # -------------------------------------------------------------- reading

    def files(self) -> list[str]:
        return list(self._files)

    def __len__(self) -> int:
        return len(self._store)

    def triples(self, pattern: Pattern = (None, None, None)) -> Iterator[Triple]:
        try:
            s, p, o = _pattern(pattern)
        except ValueError:  # a term Oxigraph rejects (an IRI without a scheme): in no triple
            return
        for q in self._store.quads_for_pattern(s, p, o, None):
            yield from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)

    def lexical_index(self) -> dict[str, dict[LexTerm, list[LexTerm]]]:
        named, literal = ox.NamedNode, ox.Literal
        index: dict[str, dict[LexTerm, list[LexTerm]]] = {}
        # one loop, no calls per quad: this reads every triple of the store
        for q in self._store.quads_for_pattern(None, None, None, None):
            s, o = q.subject, q.object
            s = s.value if type(s) is named else _lex_other(s)
            kind = type(o)
            if kind is named:
                o = o.value
            elif kind is literal:
                lang = o.language
                if lang:
                    o = Lex(o.value, lang, "")
                else:
                    dt = o.datatype.value
                    o = Lex(o.value, "", "" if dt == _XSD_STRING else dt)
            else:
                o = _lex_other(o)
            p = q.predicate.value
            by_subject = index.get(p)
            if by_subject is None:
                by_subject = index[p] = {}
            found = by_subject.get(s)
            if found is None:
                by_subject[s] = [o]
            elif o not in found:  # a triple held by two files
                found.append(o)
        return index

    def lexical_outgoing(self, s: LexTerm) -> list[tuple[str, LexTerm]]:
        subject = ox.NamedNode(s) if type(s) is str else to_ox(from_lexical(s))
        pairs: dict[tuple[str, LexTerm], None] = {}
        for q in self._store.quads_for_pattern(subject, None, None, None):
            pairs.setdefault((q.predicate.value, _lex(q.object)))
        return list(pairs)

    def describe(self, s: str) -> tuple[list[tuple[str, LexTerm]], str | None]:
        pairs: dict[tuple[str, LexTerm], None] = {}
        typed, named = set(), set()
        rdf_type, iri = _RDF_TYPE_IRI, ox.NamedNode
        for q in self._store.quads_for_pattern(ox.NamedNode(s), None, None, None):
            p = q.predicate.value
            pairs.setdefault((p, _lex(q.object)))
            if type(q.graph_name) is iri:
                named.add(q.graph_name.value)
                if p == rdf_type:
                    typed.add(q.graph_name.value)
        file = None
        for graphs in (typed, named):
            found = {self._names.get(g) for g in graphs}
            file = next((n for n in self._files if n in found), None)
            if file is not None:
                break
        return list(pairs), file

    def lexical_subjects(self, p: str, o: LexTerm) -> list[LexTerm]:
        obj = ox.NamedNode(o) if type(o) is str else to_ox(from_lexical(o))
        found: dict[LexTerm, None] = {}
        for q in self._store.quads_for_pattern(None, ox.NamedNode(p), obj, None):
            s = q.subject
            found.setdefault(s.value if type(s) is ox.NamedNode else _lex_other(s))
        return list(found)

    def file_triples(self, name: str, pattern: Pattern = (None, None, None)) -> Iterator[Triple]:
        graph = self._graphs.get(name)
        if graph is None:
            raise UsageError(f"no file {name!r} in the store")
        try:
            s, p, o = _pattern(pattern)
        except ValueError:
            return
        for q in self._store.quads_for_pattern(s, p, o, graph):
            yield from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)

    def name_pairs(self, predicates) -> Iterator[tuple[str, str]]:
        for predicate in predicates:
            for q in self._store.quads_for_pattern(None, to_ox(predicate), None, None):
                if isinstance(q.subject, ox.NamedNode):
                    o = q.object
                    # str() of the rdflib term, as the resolver sees it (rdflib may
                    # normalise a typed literal's lexical form: "01"^^xsd:integer is "1")
                    plain = isinstance(o, ox.NamedNode) or (
                        isinstance(o, ox.Literal)
                        and (o.language or o.datatype.value == _XSD_STRING)
                    )
                    yield q.subject.value, o.value if plain else str(from_ox(o))

    def files_with(self, pattern: Pattern) -> list[str]:
        try:
            s, p, o = _pattern(pattern)
        except ValueError:
            return []
        found = {
            self._names.get(q.graph_name.value)
            for q in self._store.quads_for_pattern(s, p, o, None)
            if isinstance(q.graph_name, ox.NamedNode)
        }
        return [n for n in self._files if n in found]

    # -------------------------------------------------------------- SPARQL

    def _run(self, sparql: str, bindings: Bindings, projected: list[str] | None = None):
        """Evaluate with ``bindings`` replacing their variables everywhere (SEP-0007, as
        rdflib's initBindings do): as Oxigraph substitutions where Oxigraph takes them (ASK,
        CONSTRUCT, DESCRIBE, and SELECT variables it projects), else by writing the terms
        into the text (:func:`~cnai_kg.sparql.safety.substitute`), else by a VALUES block."""
        if not bindings:
            try:
                return _call(
                    self._store.query,
                    sparql,
                    prefixes=_prefixes_for(sparql),
                    use_default_graph_as_union=True,
                )
            except Exception as e:
                raise _query_error(e) from None
        from ..sparql.safety import bind_values, substitute

        substitutions, values = {}, {}
        for name, term in bindings.items():
            if projected is None or name in projected:
                substitutions[ox.Variable(name)] = to_ox(term)
            else:
                values[name] = term
        text = substitute(sparql, values) if values else sparql
        try:
            try:
                return _call(
                    self._store.query,
                    text,
                    prefixes=_prefixes_for(text),
                    use_default_graph_as_union=True,
                    substitutions=substitutions or None,
                )
            except SyntaxError:
                if not values:
                    raise
                # a bound variable is declared somewhere (a subquery's SELECT, GROUP BY):
                # bind it by a VALUES block opening the WHERE clause instead
                text = bind_values(sparql, values)
                return _call(
                    self._store.query,
                    text,
                    prefixes=_prefixes_for(text),
                    use_default_graph_as_union=True,
                    substitutions=substitutions or None,
                )
        except Exception as e:
            raise _query_error(e) from None

    def answer(self, sparql: str, *, max_rows: int | None = None):
        """``(kind, vars, answer)`` of a query whose kind is not known yet (one that
        :func:`~cnai_kg.sparql.safety.vet` let skip rdflib's check): as :meth:`Store.query`
        gives, DESCRIBE apart (vet keeps those). Raises :class:`Unparsed` when Oxigraph
        cannot parse it."""
        try:
            result = _call(
                self._store.query,
                sparql,
                prefixes=_prefixes_for(sparql),
                use_default_graph_as_union=True,
            )
        except SyntaxError:
            raise Unparsed("query failed: Oxigraph cannot parse it") from None
        except Exception as e:
            raise _query_error(e) from None
        if isinstance(result, ox.QuerySolutions):
            return "SELECT", *self._rows(result, max_rows)
        if isinstance(result, ox.QueryBoolean):
            return "ASK", [], bool(result)
        return "CONSTRUCT", [], self._graph(result)

    def select(self, sparql: str, bindings: Bindings = None, *, max_rows: int | None = None):
        projected = _projected(sparql) if bindings else None
        solutions = self._run(sparql, bindings, projected)
        if not isinstance(solutions, ox.QuerySolutions):
            raise QueryError("query failed: not a SELECT query")
        return self._rows(solutions, max_rows)

    def _rows(self, solutions, max_rows: int | None):
        variables = [v.value for v in solutions.variables]
        try:
            if max_rows is None:
                rows = [tuple(map(from_ox, solution)) for solution in _steps(solutions)]
            else:
                rows = []
                for solution in _steps(solutions):
                    rows.append(tuple(map(from_ox, solution)))
                    if len(rows) > max_rows:
                        raise TooManyRows(max_rows)
        except QueryError:
            raise
        except Exception as e:
            raise QueryError(f"query failed: {' '.join(str(e).split())}") from None
        return variables, rows

    def ask(self, sparql: str, bindings: Bindings = None) -> bool:
        answer = self._run(sparql, bindings)
        if not isinstance(answer, ox.QueryBoolean):
            raise QueryError("query failed: not an ASK query")
        return bool(answer)

    def construct(self, sparql: str, bindings: Bindings = None) -> Graph:
        triples = self._run(sparql, bindings)
        if not isinstance(triples, ox.QueryTriples):
            raise QueryError("query failed: not a CONSTRUCT or DESCRIBE query")
        return self._graph(triples)

    def _graph(self, triples) -> Graph:
        graph = Graph()
        try:
            for t in _steps(triples):
                graph.add((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)))
        except QueryError:
            raise
        except Exception as e:
            raise QueryError(f"query failed: {' '.join(str(e).split())}") from None
        return graph

    def close(self) -> None:
        self._store = None  # type: ignore[assignment]  # the store closes when collected
