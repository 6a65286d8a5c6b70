"""Names to IRIs: any label or alias in any language, a CURIE, or a full IRI."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable

from rdflib import Graph, URIRef
from rdflib.namespace import FOAF, RDFS, SKOS
from rdflib.term import Node

from .errors import AmbiguousEntity, EntityNotFound
from .namespaces import KG, PREFIXES, SCHEMA

__all__ = ["Resolver", "normalize"]

NAME_PREDICATES = (
    RDFS.label,
    SKOS.prefLabel,
    SKOS.altLabel,
    SKOS.hiddenLabel,
    FOAF.name,
    SCHEMA.name,
)
_SPACE = re.compile(r"\s+")
_PUNCT = re.compile(r"[\s\.\-_·・,()'\"]+")


def normalize(name: str) -> str:
    """Case- and space-insensitive key of a name.

    Examples
    --------
    >>> normalize("  Apollo   GO ")
    'apollogo'
    >>> normalize("뤄버콰이파오") == normalize("뤄버 콰이파오")
    True
    """
    return _SPACE.sub("", unicodedata.normalize("NFKC", name).casefold())


def _loose(name: str) -> str:
    return _PUNCT.sub("", unicodedata.normalize("NFKC", name).casefold())


class Resolver:
    """Index of every name in a graph, built once.

    Parameters
    ----------
    names : (node, name) pairs to index, or an rdflib graph whose labels and aliases
        (:data:`NAME_PREDICATES`) are indexed
    preferred : IRIs that win when one name labels several nodes (the entities)
    known : whether an IRI occurs in the graph (for names given as CURIE or IRI)
    """

    def __init__(
        self,
        names: Graph | Iterable[tuple[Node, Node]],
        preferred: set[URIRef] | frozenset[URIRef] = frozenset(),
        *,
        known: Callable[[URIRef], bool] | None = None,
    ):
        if isinstance(names, Graph):
            graph = names
            names = (pair for pred in NAME_PREDICATES for pair in graph.subject_objects(pred))
            known = known or (lambda iri: (iri, None, None) in graph or (None, None, iri) in graph)
        self._is_known = known or (lambda iri: False)
        self._preferred = preferred
        self._exact: dict[str, set[URIRef]] = defaultdict(set)
        self._loose: dict[str, set[URIRef]] = defaultdict(set)
        self._display: dict[str, str] = {}
        for subject, name in names:
            if not isinstance(subject, URIRef):
                continue
            text = str(name)
            self._exact[normalize(text)].add(subject)
            self._loose[_loose(text)].add(subject)
            if not preferred or subject in preferred:
                self._display.setdefault(normalize(text), text)

    def expand(self, name: str) -> URIRef | None:
        """A CURIE or IRI as an IRI, or None when ``name`` is neither."""
        text = name.strip()
        if text.startswith("<") and text.endswith(">"):
            return URIRef(text[1:-1])
        if re.match(r"^(https?|urn|file):", text):
            return URIRef(text)
        prefix, sep, local = text.partition(":")
        if sep and prefix in PREFIXES and " " not in local:
            return URIRef(PREFIXES[prefix] + local)
        return None

    def _known(self, iri: URIRef) -> bool:
        return self._is_known(iri)

    def resolve(self, name: str) -> URIRef:
        """The IRI ``name`` stands for.

        Raises
        ------
        EntityNotFound
            with the closest known names, when nothing matches
        AmbiguousEntity
            when the name labels several entities
        """
        iri = self.expand(name)
        if iri is not None:
            if self._known(iri):
                return iri
            raise EntityNotFound(name, self.closest(iri.split("/")[-1].split("#")[-1]))
        for index, key in ((self._exact, normalize(name)), (self._loose, _loose(name))):
            found = index.get(key)
            if not found:
                continue
            if len(found) > 1:
                narrowed = {i for i in found if i in self._preferred}
                found = narrowed or found
            if len(found) > 1:
                narrowed = {i for i in found if i.startswith(str(KG))}
                found = narrowed or found
            if len(found) == 1:
                return next(iter(found))
            raise AmbiguousEntity(name, sorted(self._curie(i) for i in found))
        raise EntityNotFound(name, self.closest(name))

    def closest(self, name: str, n: int = 5) -> list[str]:
        """Up to ``n`` known names closest to ``name``, best first."""
        key = normalize(name)
        if not key:
            return []
        keys = list(self._display)
        hits = difflib.get_close_matches(key, keys, n=n, cutoff=0.5)
        # names that contain the query (or are contained in it), when of a similar length
        near = [k for k in keys if (key in k or k in key) and len(k) <= 2 * len(key) + 4]
        near.sort(key=lambda k: (abs(len(k) - len(key)), k))
        hits += [k for k in near if k not in hits]
        return [self._display[k] for k in hits[:n]]

    def _curie(self, iri: URIRef) -> str:
        for prefix, ns in PREFIXES.items():
            if iri.startswith(ns):
                return f"{prefix}:{iri[len(ns) :]}"
        return f"<{iri}>"
