"""The rdflib store: one rdflib graph per file plus their union, evaluated by rdflib.

Kept for comparison (the tests ask both stores the same questions) and for
small graphs. ``--store rdflib`` selects it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from rdflib import Graph, Variable
from rdflib.term import Node

from ..errors import CnaiKgError, QueryError, UsageError
from ..io import parse_rdf
from ..namespaces import PREFIXES
from .base import Bindings, Pattern, Store, TooManyRows, Triple

__all__ = ["RdflibStore"]


class RdflibStore(Store):
    """rdflib graphs in memory: one per file, and their union for queries.

    Parameters
    ----------
    parts : file name -> rdflib graph, in load order
    """

    name = "rdflib"

    def __init__(self, parts: Mapping[str, Graph] | None = None):
        self.parts: dict[str, Graph] = {}
        self.union = Graph()
        for prefix, ns in PREFIXES.items():
            self.union.bind(prefix, ns, override=True)
        for name, graph in (parts or {}).items():
            self.add_graph(name, graph)

    def add_graph(self, name: str, graph: Graph) -> None:
        """Add ``graph`` as the graph of file ``name``."""
        if name in self.parts:
            raise UsageError(f"{name} is loaded twice")
        self.parts[name] = graph
        self.union += graph

    def add_file(self, name: str, path: str | Path) -> None:
        """Parse ``path`` with rdflib (errors as one-line DataError) as file ``name``."""
        self.add_graph(name, parse_rdf(path))

    # -------------------------------------------------------------- reading

    def files(self) -> list[str]:
        return list(self.parts)

    def __len__(self) -> int:
        return len(self.union)

    def triples(self, pattern: Pattern = (None, None, None)) -> Iterator[Triple]:
        return self.union.triples(pattern)

    def file_triples(self, name: str, pattern: Pattern = (None, None, None)) -> Iterator[Triple]:
        if name not in self.parts:
            raise UsageError(f"no file {name!r} in the store")
        return self.parts[name].triples(pattern)

    def files_with(self, pattern: Pattern) -> list[str]:
        return [n for n, g in self.parts.items() if next(g.triples(pattern), None) is not None]

    # -------------------------------------------------------------- SPARQL

    def _evaluate(self, sparql: str, bindings: Bindings, max_rows: int | None = None):
        from rdflib.plugins.sparql.evaluate import evalQuery

        from ..sparql.safety import translation

        init = {Variable(k): v for k, v in (bindings or {}).items()}
        try:
            with translation(sparql) as algebra:
                res = evalQuery(self.union, algebra, initBindings=init)
                return _materialise(res, max_rows)
        except (CnaiKgError, KeyboardInterrupt):
            raise
        except RecursionError:
            raise QueryError("query failed: it nests too deeply for the engine") from None
        except Exception as e:
            if type(e).__name__ == "_Interrupted":  # the in-process time limit
                raise
            message = " ".join(str(e).split()) or type(e).__name__
            raise QueryError(f"query failed: {message}") from None

    def select(self, sparql: str, bindings: Bindings = None, *, max_rows: int | None = None):
        kind, variables, rows = self._evaluate(sparql, bindings, max_rows)
        if kind != "SELECT":
            raise QueryError("query failed: not a SELECT query")
        return variables, rows

    def ask(self, sparql: str, bindings: Bindings = None) -> bool:
        kind, _, answer = self._evaluate(sparql, bindings)
        if kind != "ASK":
            raise QueryError("query failed: not an ASK query")
        return answer

    def construct(self, sparql: str, bindings: Bindings = None) -> Graph:
        kind, _, graph = self._evaluate(sparql, bindings)
        if kind not in ("CONSTRUCT", "DESCRIBE"):
            raise QueryError("query failed: not a CONSTRUCT or DESCRIBE query")
        return graph


def evaluate_graph(graph: Graph, sparql: str, bindings: Bindings, max_rows: int | None = None):
    """Evaluate checked SPARQL over any rdflib graph (the reasoning closures):
    ``(kind, vars, answer)`` as :meth:`Store.query` gives."""
    store = RdflibStore.__new__(RdflibStore)
    store.union = graph
    return store._evaluate(sparql, bindings, max_rows)


def _materialise(res, max_rows: int | None):
    kind = res.get("type_")
    if kind == "SELECT":
        variables = list(res.get("vars_") or [])
        rows: list[tuple[Node | None, ...]] = []
        for solution in res["bindings"]:
            rows.append(tuple(solution.get(v) for v in variables))
            if max_rows is not None and len(rows) > max_rows:
                raise TooManyRows(max_rows)
        return "SELECT", [str(v) for v in variables], rows
    if kind == "ASK":
        return "ASK", [], bool(res.get("askAnswer"))
    result_graph = Graph()
    result_graph += res["graph"]
    return kind or "CONSTRUCT", [], result_graph
