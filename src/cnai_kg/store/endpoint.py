"""A remote SPARQL 1.1 endpoint as a :class:`~cnai_kg.store.base.Store`.

Queries go over HTTP by the SPARQL 1.1 Protocol (see :mod:`cnai_kg.remote`);
answers come back as rdflib terms, so everything above the store runs as it
does on the embedded stores. The query text has passed the safety checks
before it gets here; this store adds the project's prefixes, writes bound
values as a ``VALUES`` block (:func:`cnai_kg.sparql.safety.bind_values`) and
names the dataset:

- when the store holds the named graphs ``cnai-kg publish`` writes
  (``urn:cnai-kg:file:NAME``), each query's default graph is their union, asked
  for with the protocol's ``default-graph-uri`` parameters (no server setting
  needed), and :meth:`EndpointStore.files` lists those files;
- otherwise (a store loaded some other way, or ``union_default_graph=True``
  for a store whose default graph already is the union of its graphs, such as
  QLever) queries run on the store's own default graph.

Every request has a time limit; errors are one-line
:class:`~cnai_kg.errors.EndpointError` (the store cannot be reached, refuses
credentials, does not answer in time) or :class:`~cnai_kg.errors.QueryError`
(the store rejects the query).
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from typing import TYPE_CHECKING

from rdflib import BNode, Graph
from rdflib.term import Node

from ..errors import EndpointError, QueryError
from ..namespaces import PREFIXES
from ..remote import DEFAULT_TIMEOUT, FILE_GRAPHS, Endpoint, file_name, graph_iri, shipped_order
from .base import Bindings, Pattern, Store, TooManyRows, Triple

if TYPE_CHECKING:
    from ..kg import KnowledgeGraph

__all__ = ["ENDPOINT_ENV", "UNION_ENV", "EndpointStore", "connect"]

#: Environment variable naming the endpoint every read command uses.
ENDPOINT_ENV = "CNAI_KG_ENDPOINT"
#: Set to 1 when the store's default graph already is the union of its named graphs.
UNION_ENV = "CNAI_KG_ENDPOINT_UNION"

#: The project's prefixes, on one line before the query (so a store's "line N" is N + 1).
_PROLOGUE = " ".join(f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items()) + "\n"


def _file_order(names: list[str]) -> list[str]:
    """Load order: the shipped files as :func:`cnai_kg.load` reads them, then the others by
    name (a store does not keep the order of your files)."""
    shipped = shipped_order()
    return sorted(names, key=lambda n: (shipped.get(n, len(shipped)), n))


def _matches(pattern: Pattern, triple: Triple) -> bool:
    return all(want is None or want == got for want, got in zip(pattern, triple, strict=True))


class EndpointStore(Store):
    """The graph in a remote SPARQL 1.1 store (Oxigraph server, Fuseki, QLever, ...).

    Parameters
    ----------
    url : the store's SPARQL query URL (Oxigraph ``http://HOST:7878/query``,
        Fuseki ``http://HOST:3030/DATASET/sparql``)
    timeout : seconds to wait for each answer
    union_default_graph : query the store's default graph as it is (True), instead of
        the union of the ``cnai-kg publish`` graphs; default ``$CNAI_KG_ENDPOINT_UNION``
    cache_seconds : how long the answers to triple patterns are reused (SPARQL queries
        always go to the store)
    """

    name = "endpoint"

    def __init__(
        self,
        url: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        union_default_graph: bool | None = None,
        cache_seconds: float = 30.0,
    ):
        self.url = url
        self._endpoint = Endpoint(query_url=url, timeout=timeout)
        if union_default_graph is None:
            union_default_graph = os.environ.get(UNION_ENV, "").strip() in ("1", "true", "yes")
        self.union_default_graph = union_default_graph
        self.cache_seconds = cache_seconds
        self._cache: OrderedDict[tuple, tuple[float, list]] = OrderedDict()
        self._lock = threading.Lock()

    # ------------------------------------------------------------ dataset

    def _file_graphs(self) -> list[str]:
        """The publish graphs the store holds, in load order."""

        def fetch() -> list[str]:
            _, rows = self._endpoint.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
            found = {
                file_name(str(g)): str(g)
                for (g,) in rows
                if g is not None and str(g).startswith(FILE_GRAPHS)
            }
            return [found[name] for name in _file_order(list(found))]

        return self._cached(("graphs",), fetch)

    def _dataset(self) -> list[str]:
        return [] if self.union_default_graph else self._file_graphs()

    def files(self) -> list[str]:
        return [file_name(g) for g in self._file_graphs()]

    # ------------------------------------------------------------- SPARQL

    def _text(self, sparql: str, bindings: Bindings) -> str:
        from ..sparql.safety import bind_values

        for value in (bindings or {}).values():
            if isinstance(value, BNode):
                raise QueryError(
                    "a blank node cannot be sent to a SPARQL endpoint as a value; "
                    "name the node by an IRI"
                )
        text = bind_values(sparql, bindings) if bindings else sparql
        return _PROLOGUE + text

    def _ask_store(self, method, sparql: str, bindings: Bindings, graphs=None):
        text = self._text(sparql, bindings)
        try:
            return method(text, default_graphs=self._dataset() if graphs is None else graphs)
        except EndpointError as e:
            if " answered 400 " in str(e):  # the store rejects the query itself
                detail = str(e).split(": ", 1)[-1]
                detail = re.sub(  # line numbers of the query as given, without the prologue
                    r"\b(at|line) (\d+)(?=[:, ])",
                    lambda m: f"{m.group(1)} {max(int(m.group(2)) - 1, 1)}",
                    detail,
                )
                raise QueryError(f"query failed: {detail}") from None
            raise

    def select(self, sparql: str, bindings: Bindings = None, *, max_rows: int | None = None):
        variables, rows = self._ask_store(self._endpoint.select, sparql, bindings)
        if max_rows is not None and len(rows) > max_rows:
            raise TooManyRows(max_rows)
        return variables, rows

    def ask(self, sparql: str, bindings: Bindings = None) -> bool:
        return self._ask_store(self._endpoint.ask, sparql, bindings)

    def construct(self, sparql: str, bindings: Bindings = None) -> Graph:
        return self._ask_store(self._endpoint.construct, sparql, bindings)

    # ------------------------------------------------------------ triples

    def _cached(self, key: tuple, fetch) -> list:
        """``fetch()``, remembered for :attr:`cache_seconds` (the newest 4,096 answers)."""
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None and now - hit[0] < self.cache_seconds:
                self._cache.move_to_end(key)
                return hit[1]
        value = fetch()
        with self._lock:
            self._cache[key] = (now, value)
            self._cache.move_to_end(key)
            while len(self._cache) > 4096:
                self._cache.popitem(last=False)
        return value

    def _rows(self, query: str, bound: dict[str, Node], graphs: list[str]) -> list[Triple]:
        """The triples ``?s ?p ?o`` with ``bound`` values, each once."""

        def fetch() -> list[Triple]:
            _, rows = self._ask_store(self._endpoint.select, query, bound, graphs)
            return list(dict.fromkeys(rows))

        key = (query, tuple(sorted(bound.items())), tuple(graphs))
        return self._cached(key, fetch)

    def _match(self, pattern: Pattern, graphs: list[str]) -> Iterator[Triple]:
        """Triples matching ``pattern``.

        Lookups are grouped by node: every triple of a subject (or, with only the object
        known, every triple pointing at it) comes in one request and answers the other
        patterns about that node too, for :attr:`cache_seconds`. A blank node of one answer
        cannot be named in the next query, so patterns holding one are answered from all
        the triples with a blank subject or object (asked once); that relies on the store
        giving a blank node the same label in every answer, as Oxigraph does.
        """
        s, p, o = pattern
        everything = "SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o }"
        if any(isinstance(t, BNode) for t in pattern):
            rows = self._rows(
                "SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o FILTER (isBlank(?s) || isBlank(?o)) }",
                {},
                graphs,
            )
        elif s is not None:
            rows = self._rows(everything, {"s": s}, graphs)
        elif o is not None:
            rows = self._rows(everything, {"o": o}, graphs)
        elif p is not None:
            rows = self._rows(everything, {"p": p}, graphs)
        else:
            rows = self._rows(everything, {}, graphs)
        return iter([t for t in rows if _matches(pattern, t)])

    def triples(self, pattern: Pattern = (None, None, None)) -> Iterator[Triple]:
        return self._match(pattern, self._dataset())

    def file_triples(self, name: str, pattern: Pattern = (None, None, None)) -> Iterator[Triple]:
        if name not in self.files():
            raise QueryError(f"no file {name!r} in the store at {self.url}")
        return self._match(pattern, [graph_iri(name)])

    def files_with(self, pattern: Pattern) -> list[str]:
        names = ("s", "p", "o")
        bound = {n: t for n, t in zip(names, pattern, strict=True) if t is not None}
        if any(isinstance(t, BNode) for t in bound.values()):
            return [n for n in self.files() if next(self.file_triples(n, pattern), None)]

        def fetch() -> list:
            # no dataset parameters: the store's own named graphs answer GRAPH ?g
            query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
            return self._ask_store(self._endpoint.select, query, bound, graphs=())[1]

        rows = self._cached(("files_with", tuple(sorted(bound.items()))), fetch)
        found = {file_name(str(g)) for (g,) in rows if g is not None}
        return [name for name in self.files() if name in found]

    def __len__(self) -> int:
        _, rows = self._ask_store(
            self._endpoint.select,
            "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }",
            None,
        )
        return int(rows[0][0]) if rows and rows[0][0] is not None else 0

    def __repr__(self) -> str:
        return f"<EndpointStore {self.url}>"


def connect(url: str, *, timeout: float = DEFAULT_TIMEOUT) -> KnowledgeGraph:
    """The graph in the SPARQL store at ``url``, as a :class:`~cnai_kg.KnowledgeGraph`.

    Every method, query, analysis and view then asks that store.

    Parameters
    ----------
    url : the store's SPARQL query URL (Oxigraph ``http://HOST:7878/query``)
    timeout : seconds to wait for each answer

    Raises
    ------
    EndpointError
        the store cannot be reached, refuses the credentials or does not answer in time
    """
    from ..kg import KnowledgeGraph

    store = EndpointStore(url, timeout=timeout)
    store.files()  # reach it now: a wrong URL fails here, in one line
    return KnowledgeGraph(store)
