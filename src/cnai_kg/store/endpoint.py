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
from collections.abc import Iterator
from typing import TYPE_CHECKING

from rdflib import BNode, Graph

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

_PROLOGUE = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


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
    """

    name = "endpoint"

    def __init__(
        self,
        url: str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        union_default_graph: bool | None = None,
    ):
        self.url = url
        self._endpoint = Endpoint(query_url=url, timeout=timeout)
        if union_default_graph is None:
            union_default_graph = os.environ.get(UNION_ENV, "").strip() in ("1", "true", "yes")
        self.union_default_graph = union_default_graph
        self._graphs: list[str] | None = None
        self._blanks: dict[tuple[str, ...], list[Triple]] = {}

    # ------------------------------------------------------------ dataset

    def _file_graphs(self) -> list[str]:
        """The publish graphs the store holds, in load order (asked once)."""
        if self._graphs is None:
            _, rows = self._endpoint.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
            found = {
                file_name(str(g)): str(g)
                for (g,) in rows
                if g is not None and str(g).startswith(FILE_GRAPHS)
            }
            self._graphs = [found[name] for name in _file_order(list(found))]
        return self._graphs

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
                raise QueryError(f"query failed: {str(e).split(': ', 1)[-1]}") from None
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

    def _blank_triples(self, graphs: list[str]) -> list[Triple]:
        """Every triple with a blank subject or object (asked once per dataset).

        A blank node of one answer cannot be named in the next query, so patterns
        holding one are answered from this list. That relies on the store giving a
        blank node the same label in every answer, as Oxigraph does.
        """
        key = tuple(graphs)
        if key not in self._blanks:
            _, rows = self._ask_store(
                self._endpoint.select,
                "SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER (isBlank(?s) || isBlank(?o)) }",
                None,
                graphs,
            )
            self._blanks[key] = list(dict.fromkeys(rows))
        return self._blanks[key]

    def _match(self, pattern: Pattern, graphs: list[str]) -> Iterator[Triple]:
        names = ("s", "p", "o")
        bound = {n: t for n, t in zip(names, pattern, strict=True) if t is not None}
        if any(isinstance(t, BNode) for t in bound.values()):
            return iter(
                [
                    t
                    for t in self._blank_triples(graphs)
                    if all(
                        want is None or want == got for want, got in zip(pattern, t, strict=True)
                    )
                ]
            )
        free = [n for n in names if n not in bound]
        if not free:
            found = self._ask_store(self._endpoint.ask, "ASK { ?s ?p ?o }", bound, graphs)
            return iter([tuple(pattern)] if found else [])
        query = f"SELECT DISTINCT {' '.join('?' + n for n in free)} WHERE {{ ?s ?p ?o }}"
        _, rows = self._ask_store(self._endpoint.select, query, bound, graphs)
        out = []
        for row in rows:
            values = dict(zip(free, row, strict=True))
            out.append(tuple(bound.get(n, values.get(n)) for n in names))
        return iter(out)

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
        # no dataset parameters: the store's own named graphs answer GRAPH ?g
        _, rows = self._ask_store(
            self._endpoint.select,
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
            bound,
            graphs=(),
        )
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
