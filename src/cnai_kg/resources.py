"""Where the shipped ontology, shapes, data and named queries live.

In a wheel they are package data under ``cnai_kg/data``; in a source checkout
they are the ``ontology/`` and ``graph/`` folders at the repository root.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

__all__ = ["data_dir", "graph_files", "ontology_files", "query_dir", "shapes_file"]

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_dir() -> Path:
    """Folder holding ``ontology/`` and ``graph/``."""
    shipped = _PACKAGE / "data"
    if (shipped / "ontology").is_dir():
        return shipped
    checkout = _PACKAGE.parent.parent  # src/cnai_kg -> repository root
    if (checkout / "ontology").is_dir():
        return checkout
    raise FileNotFoundError("cnai-kg data not found: reinstall the package")


def ontology_files() -> list[Path]:
    """The OWL ontology (not the shapes)."""
    return [data_dir() / "ontology" / "cnai.ttl"]


def shapes_file() -> Path:
    """The SHACL shapes graph."""
    return data_dir() / "ontology" / "shapes.ttl"


def graph_files() -> list[Path]:
    """The instance data, one Turtle file per topic, in a stable order."""
    return sorted((data_dir() / "graph").glob("*.ttl"))


def query_dir() -> Path:
    """The named-query library (``*.rq``)."""
    return _PACKAGE / "queries"
