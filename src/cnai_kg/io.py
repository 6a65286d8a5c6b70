"""Reading and writing files safely: parse errors as one line, atomic writes."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path

from rdflib import Graph
from rdflib.plugins.parsers.notation3 import BadSyntax

from .errors import DataError, MissingFile

__all__ = ["atomic_write", "parse_rdf", "rdf_format_for"]

_SUFFIX_FORMATS = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".nt": "nt",
    ".n3": "n3",
    ".trig": "trig",
    ".nq": "nquads",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
}


def rdf_format_for(path: str | Path) -> str:
    """rdflib parser name for a file, from its suffix (Turtle when unknown)."""
    return _SUFFIX_FORMATS.get(Path(path).suffix.lower(), "turtle")


def parse_rdf(path: str | Path, *, into: Graph | None = None) -> Graph:
    """Parse one RDF file, turning every parser failure into a one-line :class:`DataError`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "bad.ttl"
    >>> _ = p.write_text('@prefix ex: <http://ex/> .\\nex:a ex:b "oops .\\n')
    >>> try:
    ...     parse_rdf(p)
    ... except DataError as e:
    ...     print(e.line, e.message)
    2 newline found in string literal
    """
    path = Path(path)
    if not path.exists():
        raise MissingFile(path)
    if path.is_dir():
        raise DataError(path, "is a directory, not an RDF file")
    graph = into if into is not None else Graph()
    fmt = rdf_format_for(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise DataError(path, e.strerror or str(e)) from None
    try:
        graph.parse(data=data, format=fmt, publicID=path.resolve().as_uri())
    except BadSyntax as e:
        text = e._str if isinstance(e._str, bytes) else str(e._str).encode()
        line = e.lines + 1
        start = text.rfind(b"\n", 0, e._i) + 1
        column = len(text[start : e._i].decode("utf-8", "replace")) + 1
        end = text.find(b"\n", e._i)
        near = text[e._i : end if end != -1 else None].decode("utf-8", "replace").strip()
        detail = e._why
        if near:
            detail += f" near {near[:40]!r}"
        raise DataError(path, detail, line=line, column=column) from None
    except json.JSONDecodeError as e:
        raise DataError(path, f"invalid JSON: {e.msg}", line=e.lineno, column=e.colno) from None
    except UnicodeDecodeError as e:
        raise DataError(path, f"not UTF-8 text ({e.reason} at byte {e.start})") from None
    except Exception as e:  # other rdflib parsers raise assorted errors
        line = getattr(e, "lineno", None) or getattr(e, "line", None)
        raise DataError(path, f"{type(e).__name__}: {e}", line=line) from None
    return graph


def atomic_write(path: str | Path, data: bytes | str) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and ``os.replace``.

    An error leaves any previous file untouched and no partial file behind.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise MissingFile(folder, "directory")
    if isinstance(data, str):
        data = data.encode("utf-8")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if path.exists():
            with contextlib.suppress(OSError):
                os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path
