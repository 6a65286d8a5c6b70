"""cnai-kg: a knowledge graph of China's AI industry.

>>> import cnai_kg
>>> kg = cnai_kg.load()
>>> kg.label(kg.resolve("萝卜快跑"), "en")
'Apollo Go'
"""

from __future__ import annotations

from .errors import (
    AmbiguousEntity,
    CnaiKgError,
    DataError,
    EntityNotFound,
    MissingFile,
    NoPath,
    QueryError,
    QueryRefused,
    QueryTimeout,
    ShapeViolation,
    UsageError,
)

__version__ = "0.1.0"

# The graph (rdflib, pyoxigraph) and the analyses (networkx, scipy, matplotlib) load
# on first use, so that `import cnai_kg` (and `cnai-kg --help`) stays quick. Views are made with
# the method kg.render(...): a top-level `render` function would be shadowed by
# the `cnai_kg.render` module once that is imported.
_LAZY = {
    "LANGS": "kg",
    "EntityCard": "kg",
    "FactRecord": "kg",
    "KnowledgeGraph": "kg",
    "load": "kg",
    "CNAI": "namespaces",
    "KG": "namespaces",
    "PREFIXES": "namespaces",
    "centrality": "algorithms",
    "communities": "algorithms",
    "evidence_paths": "algorithms",
    "neighbors": "algorithms",
    "export_network": "network",
    "to_networkx": "network",
    "GraphView": "render",
    "Rows": "query",
    "Triples": "query",
    "named_queries": "query",
    "run_query": "query",
    "connect": "store.endpoint",
    "Workspace": "curate.workspace",
    "init_workspace": "curate.workspace",
    "add_source": "curate.sources",
    "import_files": "curate.importer",
    "import_rows": "curate.importer",
    "ImportProblems": "curate.importer",
    "diff": "changes",
    "Diff": "changes",
}


def __getattr__(name: str):
    import importlib

    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:  # cnai_kg.namespaces etc. without importing them first
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_SUBMODULES = {
    "algorithms",
    "changes",
    "curate",
    "errors",
    "io",
    "kg",
    "namespaces",
    "network",
    "query",
    "reason",
    "render",
    "resolve",
    "resources",
    "sparql",
    "store",
    "validate",
}


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "CNAI",
    "Diff",
    "ImportProblems",
    "KG",
    "LANGS",
    "PREFIXES",
    "AmbiguousEntity",
    "CnaiKgError",
    "DataError",
    "EntityCard",
    "EntityNotFound",
    "FactRecord",
    "GraphView",
    "KnowledgeGraph",
    "MissingFile",
    "NoPath",
    "QueryError",
    "QueryRefused",
    "QueryTimeout",
    "Rows",
    "ShapeViolation",
    "Triples",
    "UsageError",
    "Workspace",
    "add_source",
    "centrality",
    "communities",
    "connect",
    "diff",
    "evidence_paths",
    "export_network",
    "import_files",
    "import_rows",
    "init_workspace",
    "load",
    "named_queries",
    "neighbors",
    "run_query",
    "to_networkx",
]
