"""Where the graph lives: one small :class:`Store` interface, several backends.

``oxigraph`` (default) keeps the data in embedded Oxigraph and evaluates
SPARQL there; ``rdflib`` keeps rdflib graphs in memory and evaluates with
rdflib. See :mod:`cnai_kg.store.base` for the contract.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..errors import DataError, UsageError
from .base import Store, TooManyRows

__all__ = ["DEFAULT_STORE", "STORES", "Store", "TooManyRows", "load_files", "new_store"]

#: The stores :func:`cnai_kg.load` can build (``memory`` is an old name of ``rdflib``).
STORES = ("oxigraph", "rdflib")
DEFAULT_STORE = "oxigraph"
_ALIASES = {"memory": "rdflib"}


def store_name(name: str | None) -> str:
    """The canonical store name; :class:`UsageError` for an unknown one."""
    name = _ALIASES.get(name or DEFAULT_STORE, name or DEFAULT_STORE)
    if name not in STORES:
        raise UsageError(f"unknown store {name!r}; choose one of: {', '.join(STORES)}")
    return name


def new_store(name: str | None = None) -> Store:
    """An empty store of kind ``name`` (``oxigraph`` or ``rdflib``)."""
    name = store_name(name)
    if name == "rdflib":
        from .rdflib import RdflibStore

        return RdflibStore()
    from .oxigraph import OxigraphStore

    return OxigraphStore()


def add_file(store: Store, name: str, path: str | Path, *, limit: int | None = -1) -> None:
    """Parse the file at ``path`` into ``store`` as file ``name`` (one-line DataError).

    The bytes come through :func:`cnai_kg.io.read_rdf_input` (its guards apply; ``limit``
    is its size limit: -1 for the default, None for none).
    """
    from ..io import parse_rdf, rdf_format_for, read_rdf_input

    path = Path(path)
    if store.name != "oxigraph":
        store.add_graph(name, parse_rdf(path, limit=limit))  # type: ignore[attr-defined]
        return
    fmt = rdf_format_for(path)
    if fmt == "n3" or str(path) == "-":  # N3 rules, standard input: rdflib's reading
        store.add_triples(name, parse_rdf(path, limit=limit))  # type: ignore[attr-defined]
        return
    data = read_rdf_input(path, fmt, limit=limit)
    try:
        named = store.add_data(name, data, fmt, base=path.resolve().as_uri())  # type: ignore[attr-defined]
    except DataError as e:
        # rdflib's message when rdflib rejects the file too: the same words on every store
        parse_rdf(path, limit=limit)
        raise DataError(path, e.message, line=e.line, column=e.column) from None
    _report(store, name, str(path), data, named)


def _report(store, name: str, shown: str, data: bytes, named: int) -> None:
    """The one-line warnings rdflib's reading gives (see :func:`cnai_kg.io.parse_rdf`)."""
    from rdflib import Graph, URIRef

    from ..io import logger, report_ill_typed

    if named:
        logger.warning(
            "%s: its %d named graph%s merged into one graph (cnai-kg keeps one graph per file)",
            shown,
            named,
            "s were" if named > 1 else " was",
        )
    typed = Graph()
    here = URIRef("urn:cnai-kg:typed")
    for literal in store.typed_literals(name):
        typed.add((here, here, literal))
    report_ill_typed(shown, data, typed)


def load_files(
    files: Iterable[tuple[str, str | Path]],
    *,
    store: str | None = None,
    trusted: int = 0,
    progress=None,
) -> Store:
    """A new store holding ``files`` (display name, path), in order; the first ``trusted``
    (the ones cnai-kg ships) are read without the input size limit. ``progress(done,
    total, name)`` is called after each file."""
    target = new_store(store)
    files = list(files)
    for n, (name, path) in enumerate(files):
        add_file(target, name, path, limit=None if n < trusted else -1)
        if progress is not None:
            progress(n + 1, len(files), name)
    return target
