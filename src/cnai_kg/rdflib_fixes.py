"""Corrections to rdflib's SPARQL evaluation, applied only to cnai-kg's own queries.

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
from typing import Any

from rdflib.plugins.sparql import CUSTOM_EVALS
from rdflib.plugins.sparql.aggregates import Aggregator
from rdflib.plugins.sparql.evaluate import evalPart
from rdflib.plugins.sparql.evalutils import _eval
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import FrozenBindings

__all__ = ["fix_algebra"]

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
