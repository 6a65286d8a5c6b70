"""SHACL validation of a :class:`~cnai_kg.kg.KnowledgeGraph` against ``ontology/shapes.ttl``."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache

from pyshacl import validate as shacl_validate
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF

from . import resources
from .errors import ShapeViolation, Violation
from .io import parse_rdf
from .namespaces import SH
from .progress import task

__all__ = ["Report", "Violation", "shapes_graph", "validate"]


@dataclass
class Report:
    """Outcome of a validation: ``conforms`` and one :class:`Violation` per result."""

    conforms: bool
    violations: list[Violation] = field(default_factory=list)

    def raise_for_violations(self) -> None:
        """Raise :class:`~cnai_kg.errors.ShapeViolation` unless the data conforms."""
        if not self.conforms:
            raise ShapeViolation(self.violations)


@cache
def shapes_graph() -> Graph:
    """The shipped SHACL shapes (parsed once)."""
    return parse_rdf(resources.shapes_file())


_PREPARING = threading.Lock()


@contextmanager
def _queries_parsed_once():
    """While pyshacl validates, each SHACL-SPARQL constraint is parsed and translated
    once, not once per focus node (pyshacl hands rdflib the query's text each time:
    at 1,000 imported rows, two thirds of the constraints' time went to parsing).
    The translated query is what rdflib's own ``prepareQuery`` gives, reused as
    rdflib intends; nothing else changes."""
    from rdflib.plugins.sparql import processor

    cls = processor.SPARQLProcessor
    original = cls.query
    prepared: dict = {}

    def query(self, strOrQuery, initBindings=None, initNs=None, base=None, DEBUG=False):  # noqa: N803
        if isinstance(strOrQuery, str):
            key = (strOrQuery, base, tuple(sorted((initNs or {}).items())))
            if key not in prepared:
                parsed = processor.parseQuery(strOrQuery)
                prepared[key] = processor.translateQuery(parsed, base, initNs)
            strOrQuery = prepared[key]
        return original(self, strOrQuery, initBindings, initNs, base, DEBUG)

    with _PREPARING:
        cls.query = query
        try:
            yield
        finally:
            cls.query = original


def validate(
    kg,
    *,
    inference: bool = True,
    shapes: Graph | None = None,
    focus: Iterable[str | URIRef] | None = None,
) -> Report:
    """Validate ``kg`` (ontology + data) with pyshacl.

    Parameters
    ----------
    kg : KnowledgeGraph
    inference : run RDFS inference first, so class targets reach subclasses
    shapes : a shapes graph to use instead of the shipped one
    focus : validate only these nodes (IRIs) against the shapes that target them,
        over the whole graph (an import checks the nodes of its new file this way)

    Examples
    --------
    >>> import cnai_kg
    >>> validate(cnai_kg.load()).conforms
    True
    """
    with task("validating", total=3) as step:
        step(0, note="reading the store")
        data = kg.to_rdflib()
        step(1, note="checking the shapes" + (" (with RDFS inference)" if inference else ""))
        focus_nodes = None if focus is None else [URIRef(str(f)) for f in focus]
        if focus_nodes == []:
            return Report(conforms=True, violations=[])
        with _queries_parsed_once():
            conforms, results, _ = shacl_validate(
                data,
                shacl_graph=shapes if shapes is not None else shapes_graph(),
                inference="rdfs" if inference else "none",
                abort_on_first=False,
                allow_warnings=True,
                advanced=True,
                focus_nodes=focus_nodes,
            )
        step(2, note="reading the results")
        violations = _violations(kg, results)
        step(3, note="done")
    violations.sort(key=lambda v: (v.file or "", v.label, v.path, v.message))
    real = [v for v in violations if v.severity == "sh:Violation"]
    return Report(conforms=not real, violations=violations)


def _violations(kg, results: Graph) -> list[Violation]:
    violations = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        severity = results.value(result, SH.resultSeverity)
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage)
        value = results.value(result, SH.value)
        violations.append(
            Violation(
                focus=str(focus),
                label=_describe(kg, focus),
                path=kg.curie(path) if path is not None else "-",
                message=" ".join(str(message).split()) if message is not None else "violation",
                severity=kg.curie(severity) if severity is not None else "sh:Violation",
                file=_file_of(kg, focus, path, value),
                value=None
                if value is None or isinstance(value, BNode)
                else kg.label(value, "en")
                if isinstance(value, URIRef)
                else str(value),
            )
        )
    return violations


def _describe(kg, node) -> str:
    """A node as a user knows it: its label, or for a blank node, where it hangs."""
    if node is None:
        return "-"
    if isinstance(node, BNode):
        for subject, pred, _ in kg.store.triples((None, None, node)):
            return f"{kg.label(subject, 'en')} / {kg.curie(pred)}"
    return kg.label(node, "en")


def _file_of(kg, focus, path, value) -> str | None:
    """The file holding the offending triple when there is one, else the focus node's file."""
    if focus is not None and isinstance(path, URIRef) and value is not None:
        found = kg.store.files_with((focus, path, value))
        if found:
            return found[0]
    if isinstance(focus, BNode):
        for subject, _, _ in kg.store.triples((None, None, focus)):
            return kg.file_of(subject)
    return kg.file_of(focus) if focus is not None else None
