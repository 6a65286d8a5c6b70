"""Names to IRIs: any label or alias in any language, a CURIE, or a full IRI."""

from __future__ import annotations

import contextlib
import difflib
import os
import re
import sqlite3
import tempfile
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import FOAF, RDFS, SKOS
from rdflib.term import Node

from .errors import AmbiguousEntity, EntityNotFound
from .namespaces import KG, PREFIXES, SCHEMA

__all__ = ["NameIndex", "Resolver", "expand", "normalize", "pick"]

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


def expand(name: str) -> URIRef | None:
    """A CURIE or IRI as an IRI, or None when ``name`` is neither.

    Examples
    --------
    >>> expand("kg:CATL")
    rdflib.term.URIRef('https://w3id.org/cnai-kg/resource/CATL')
    >>> expand("CATL") is None
    True
    """
    text = name.strip()
    if text.startswith("<") and text.endswith(">"):
        return URIRef(text[1:-1])
    if re.match(r"^(https?|urn|file):", text):
        return URIRef(text)
    prefix, sep, local = text.partition(":")
    if sep and prefix in PREFIXES and " " not in local:
        return URIRef(PREFIXES[prefix] + local)
    return None


def pick(name: str, found: set[URIRef], preferred: Callable[[URIRef], bool]) -> URIRef:
    """The one IRI among ``found`` (the nodes ``name`` labels) that ``name`` stands for.

    When there are several, the ``preferred`` ones (the entities) win, then those in
    the data's namespace (``kg:``).

    Raises
    ------
    AmbiguousEntity
        when that still leaves several
    """
    if len(found) > 1:
        narrowed = {i for i in found if preferred(i)}
        found = narrowed or found
    if len(found) > 1:
        narrowed = {i for i in found if i.startswith(str(KG))}
        found = narrowed or found
    if len(found) == 1:
        return next(iter(found))
    raise AmbiguousEntity(name, sorted(_curie(i) for i in found))


def _closest(name: str, display: dict[str, str], n: int) -> list[str]:
    """Up to ``n`` of the names ``display`` holds (key -> name shown) closest to ``name``."""
    key = normalize(name)
    if not key:
        return []
    keys = list(display)
    hits = difflib.get_close_matches(key, keys, n=n, cutoff=0.5)
    # names that contain the query (or are contained in it), when of a similar length
    near = [k for k in keys if (key in k or k in key) and len(k) <= 2 * len(key) + 4]
    near.sort(key=lambda k: (abs(len(k) - len(key)), k))
    hits += [k for k in near if k not in hits]
    return [display[k] for k in hits[:n]]


def _curie(iri: URIRef) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return f"<{iri}>"


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
        """A CURIE or IRI as an IRI, or None when ``name`` is neither (:func:`expand`)."""
        return expand(name)

    def _known(self, iri: URIRef) -> bool:
        return self._is_known(iri)

    def resolve(self, name: str, *, closest: bool = True) -> URIRef:
        """The IRI ``name`` stands for.

        Raises
        ------
        EntityNotFound
            with the closest known names (unless ``closest`` is false: none are
            looked for), when nothing matches
        AmbiguousEntity
            when the name labels several entities
        """
        iri = self.expand(name)
        if iri is not None:
            if self._known(iri):
                return iri
            near = self.closest(iri.split("/")[-1].split("#")[-1]) if closest else []
            raise EntityNotFound(name, near)
        for index, key in ((self._exact, normalize(name)), (self._loose, _loose(name))):
            found = index.get(key)
            if not found:
                continue
            return pick(name, found, self._preferred.__contains__)
        raise EntityNotFound(name, self.closest(name) if closest else [])

    def closest(self, name: str, n: int = 5) -> list[str]:
        """Up to ``n`` known names closest to ``name``, best first."""
        return _closest(name, self._display, n)

    def _curie(self, iri: URIRef) -> str:
        return _curie(iri)


class NameIndex:
    """The keys of every name (:func:`normalize` and its looser form) and the IRIs they
    name, in an SQLite file: kept beside a cached store, so that a command resolves a
    name without indexing every label of the graph first.

    It answers what :class:`Resolver` would find for a name (the same keys, the same
    nodes); narrowing and errors stay with :func:`pick` and the resolver.

    Parameters
    ----------
    path : the index file, written by :meth:`build`
    """

    #: Bumped when the keys change; the Unicode version of ``normalize`` is in the name too.
    VERSION = 2

    def __init__(self, path: str | Path):
        self.path = Path(path)

    @classmethod
    def file_name(cls) -> str:
        """The index's file name (its version and the Unicode version of the keys)."""
        return f"names-{cls.VERSION}-unicode-{unicodedata.unidata_version}.sqlite"

    @classmethod
    def build(
        cls,
        path: str | Path,
        names: Iterable[tuple[str, str]],
        preferred: Iterable[str] = (),
    ) -> NameIndex:
        """Write the index of ``names`` ((IRI, name) pairs) to ``path``, atomically.

        ``preferred``: the IRIs whose names :meth:`closest` offers (the entities), as
        :class:`Resolver`'s ``preferred``; every name when empty.
        """
        path = Path(path)
        preferred = frozenset(preferred)
        fd, tmp = tempfile.mkstemp(prefix=".names.", suffix=".sqlite", dir=path.parent)
        os.close(fd)
        try:
            with contextlib.closing(sqlite3.connect(tmp)) as db:
                db.execute(
                    "CREATE TABLE names (exact TEXT, loose TEXT, iri TEXT, text TEXT,"
                    " shown INTEGER)"
                )
                db.executemany(
                    "INSERT INTO names VALUES (?, ?, ?, ?, ?)",
                    (
                        (normalize(text), _loose(text), iri, text, iri in preferred)
                        for iri, text in names
                    ),
                )
                if not preferred:
                    db.execute("UPDATE names SET shown = 1")
                db.execute("CREATE INDEX by_exact ON names (exact)")
                db.execute("CREATE INDEX by_loose ON names (loose)")
                db.commit()
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        return cls(path)

    def candidates(self, name: str) -> list[set[URIRef]]:
        """The IRIs ``name`` labels, by its exact key, then by its loose key."""
        uri = self.path.resolve().as_uri() + "?mode=ro&immutable=1"
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as db:
            return [
                {
                    URIRef(iri)
                    for (iri,) in db.execute(f"SELECT iri FROM names WHERE {column} = ?", (key,))
                }
                for column, key in (("exact", normalize(name)), ("loose", _loose(name)))
            ]

    def closest(self, name: str, n: int = 5) -> list[str]:
        """Up to ``n`` names closest to ``name``, best first: what :meth:`Resolver.closest`
        gives for the same graph, from the index instead of every name in memory."""
        uri = self.path.resolve().as_uri() + "?mode=ro&immutable=1"
        display: dict[str, str] = {}
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as db:
            rows = db.execute("SELECT exact, text FROM names WHERE shown ORDER BY rowid")
            for key, text in rows:
                display.setdefault(key, text)
        return _closest(name, display, n)
