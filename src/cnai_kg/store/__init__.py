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


def _read(path: Path, fmt: str) -> bytes:
    """The bytes of an input file, through :mod:`cnai_kg.io`'s guards."""
    from .. import io

    reader = getattr(io, "read_rdf_input", None)
    if reader is not None:
        return reader(path, fmt)
    from ..errors import MissingFile

    if not path.exists():
        raise MissingFile(path)
    if path.is_dir():
        raise DataError(path, "is a directory, not an RDF file")
    try:
        return path.read_bytes()
    except OSError as e:
        raise DataError(path, e.strerror or str(e)) from None


def add_file(store: Store, name: str, path: str | Path) -> None:
    """Parse the file at ``path`` into ``store`` as file ``name`` (one-line DataError)."""
    from ..io import parse_rdf, rdf_format_for

    path = Path(path)
    if store.name == "rdflib":
        store.add_graph(name, parse_rdf(path))  # type: ignore[attr-defined]
        return
    fmt = rdf_format_for(path)
    data = _read(path, fmt)
    base = path.resolve().as_uri() if str(path) != "-" else None
    if fmt == "n3":  # N3 formulas and rules: rdflib's reading, as before
        store.add_triples(name, parse_rdf(path))  # type: ignore[attr-defined]
        return
    try:
        store.add_data(name, data, fmt, base=base)  # type: ignore[attr-defined]
    except DataError as e:
        # rdflib's message when rdflib rejects the file too: the same words on every store
        parse_rdf(path)
        raise DataError(path, e.message, line=e.line, column=e.column) from None


def load_files(files: Iterable[tuple[str, str | Path]], *, store: str | None = None) -> Store:
    """A new store holding ``files`` (display name, path), in order."""
    target = new_store(store)
    for name, path in files:
        add_file(target, name, path)
    return target
