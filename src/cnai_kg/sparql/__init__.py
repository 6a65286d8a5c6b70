"""SPARQL over the knowledge graph, by job.

* :mod:`~cnai_kg.sparql.library`: the named queries (``.rq`` files) and their headers;
* :mod:`~cnai_kg.sparql.safety`: parsing and the safety checks every query passes
  before a store sees it, and binding values;
* :mod:`~cnai_kg.sparql.results`: :class:`Rows`, :class:`Triples` and the result formats;
* :mod:`~cnai_kg.sparql.run`: :func:`run_query` (parameters, time and memory limits,
  reasoning).

:mod:`cnai_kg.query` re-exports all of it (the older import path).
"""

from __future__ import annotations

from .library import NamedQuery, Param, named_queries, named_query, parse_header
from .results import GRAPH_FORMATS, MEDIA_TYPES, ROW_FORMATS, Rows, Triples, format_for_path
from .run import (
    DEFAULT_MAX_MEMORY,
    DEFAULT_MAX_ROWS,
    DEFAULT_TIMEOUT,
    MAX_TIMEOUT,
    REASONING,
    run_query,
)
from .safety import PreparedQuery, prepare

__all__ = [
    "DEFAULT_MAX_MEMORY",
    "DEFAULT_MAX_ROWS",
    "DEFAULT_TIMEOUT",
    "MAX_TIMEOUT",
    "GRAPH_FORMATS",
    "MEDIA_TYPES",
    "REASONING",
    "ROW_FORMATS",
    "NamedQuery",
    "Param",
    "PreparedQuery",
    "Rows",
    "Triples",
    "format_for_path",
    "named_queries",
    "named_query",
    "parse_header",
    "prepare",
    "run_query",
]
