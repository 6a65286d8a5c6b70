"""Corrections to rdflib's SPARQL evaluation, applied only to cnai-kg's own queries.

``REGEX`` runs on the ``regex`` package instead of ``re``: it releases the GIL while
it matches (``concurrent=True``), so a catastrophic pattern evaluated in one thread
(a server, a notebook) no longer stalls every other thread, and one match stops
after :data:`REGEX_MATCH_SECONDS`.

rdflib's ``evalAggregateJoin`` yields one empty row when a query with an explicit
``GROUP BY`` has no solutions; SPARQL 1.1 (section 11.2, and Oxigraph) gives no
group and so no row. (Without ``GROUP BY`` the one group over no solutions is
right: ``COUNT(*)`` is 0.) :func:`fix_algebra` renames such aggregate joins in a
translated query so that :func:`_eval_grouped` evaluates them; rdflib's custom
evaluation hook only ever sees that private name, so other rdflib users in the
process are untouched.
"""

from __future__ import annotations

import collections
from functools import lru_cache
from types import MethodType
from typing import Any

import regex
from rdflib import Literal
from rdflib.plugins.sparql import CUSTOM_EVALS
from rdflib.plugins.sparql.aggregates import Aggregator
from rdflib.plugins.sparql.evaluate import evalPart
from rdflib.plugins.sparql.evalutils import _eval
from rdflib.plugins.sparql.operators import string
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import FrozenBindings

__all__ = ["REGEX_MATCH_SECONDS", "fix_algebra"]

#: Longest time one REGEX match may take (the query's own limit usually comes first).
REGEX_MATCH_SECONDS = 10.0

_GROUPED = "CnaiKgGroupedAggregateJoin"


def _eval_grouped(ctx, part):
    if part.name != _GROUPED:  # every other part: rdflib's own evaluation
        raise NotImplementedError
    return _grouped(ctx, part)


def _grouped(ctx, part):
    groups: dict[Any, Aggregator] = collections.defaultdict(lambda: Aggregator(aggregations=part.A))
    for row in evalPart(ctx, part.p):
        groups[tuple(_eval(e, row, False) for e in part.p.expr)].update(row)
    for aggregator in groups.values():
        yield FrozenBindings(ctx, aggregator.get_bindings())


CUSTOM_EVALS[_GROUPED] = _eval_grouped

# XPath flags (https://www.w3.org/TR/xpath-functions/#flags) as regex flags
_FLAGS = {"i": regex.IGNORECASE, "s": regex.DOTALL, "m": regex.MULTILINE, "x": regex.VERBOSE}


@lru_cache(maxsize=256)
def _compiled(pattern: str, flags: int):
    return regex.compile(pattern, flags | regex.VERSION0)


def _regex(expr, ctx) -> Literal:
    """SPARQL ``REGEX(text, pattern, flags)`` on the ``regex`` package (GIL released)."""
    text = string(expr.text)
    pattern = string(expr.pattern)
    flags = 0
    for flag in str(expr.flags or ""):
        flags |= _FLAGS.get(flag, 0)
    try:
        compiled = _compiled(str(pattern), flags)
    except (regex.error, ValueError, OverflowError) as e:
        raise ValueError(f"invalid regular expression {str(pattern)[:40]!r}: {e}") from None
    try:
        found = compiled.search(str(text), concurrent=True, timeout=REGEX_MATCH_SECONDS)
    except TimeoutError:
        raise RuntimeError(
            f"a regular expression ran past {REGEX_MATCH_SECONDS:g} s on one string"
        ) from None
    return Literal(bool(found))


def fix_algebra(node: Any) -> Any:
    """Mark every aggregate join over an explicit ``GROUP BY`` in ``node`` (in place).

    Examples
    --------
    >>> from rdflib import Graph
    >>> from rdflib.plugins.sparql import prepareQuery
    >>> q = prepareQuery("SELECT ?k (COUNT(*) AS ?n) WHERE { ?s ?p ?k } GROUP BY ?k")
    >>> len(Graph().query(q))
    1
    >>> _ = fix_algebra(q.algebra)
    >>> len(Graph().query(q))
    0
    """
    stack, seen = [node], set()
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, CompValue):
            if current.name == "Builtin_REGEX":
                current._evalfn = MethodType(_regex, current)
            if (
                current.name == "AggregateJoin"
                and isinstance(current.get("p"), CompValue)
                and current.p.get("expr") is not None
            ):
                current.name = _GROUPED
            stack.extend(current.values())
        elif isinstance(current, dict):
            stack.extend(current.values())
        elif isinstance(current, (list, tuple)):
            stack.extend(current)
    return node
