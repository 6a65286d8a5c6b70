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
from .kg import LANGS, EntityCard, FactRecord, KnowledgeGraph, load
from .namespaces import CNAI, KG, PREFIXES

__version__ = "0.1.0"

__all__ = [
    "CNAI",
    "KG",
    "LANGS",
    "PREFIXES",
    "AmbiguousEntity",
    "CnaiKgError",
    "DataError",
    "EntityCard",
    "EntityNotFound",
    "FactRecord",
    "KnowledgeGraph",
    "MissingFile",
    "NoPath",
    "QueryError",
    "QueryRefused",
    "QueryTimeout",
    "ShapeViolation",
    "UsageError",
    "load",
]
