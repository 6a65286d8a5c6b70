"""Reading and writing files safely.

Reading: every RDF file goes through :func:`read_rdf_input` before any parser
sees it. It reads regular files and standard input only (a FIFO, a device or
a directory is refused without being opened for long, so nothing blocks),
stops at :func:`max_input_bytes`, refuses a DOCTYPE or ENTITY declaration in
RDF/XML (nested entities expand without bound) and a JSON-LD ``@context`` or
``@import`` that names a document (it would be fetched, over the network or
from ``file:``). :func:`parse_rdf` then parses, turning every parser failure into
one :class:`~cnai_kg.errors.DataError` line.

Writing: :func:`atomic_write` writes a regular file through a temporary file
and ``os.replace``, follows a symlink to its target, writes through to a
character device or a FIFO, and turns every failure (disk full, file-size
limit, read-only folder) into one :class:`~cnai_kg.errors.WriteError` line.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import logging
import os
import re
import signal
import stat
import sys
import tempfile
import threading
import xml.parsers.expat
from pathlib import Path

from rdflib import Dataset, Graph, Literal
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import XSD
from rdflib.plugins.parsers.notation3 import BadSyntax

from .errors import DataError, InputRefused, MissingFile, WriteError
from .terminal import cut

__all__ = [
    "DEFAULT_MAX_INPUT_BYTES",
    "MAX_INPUT_ENV",
    "atomic_write",
    "max_input_bytes",
    "parse_rdf",
    "rdf_bytes",
    "rdf_format_for",
    "read_input",
    "read_rdf_input",
]

logger = logging.getLogger("cnai_kg")

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

#: Formats whose files hold named graphs (quads).
QUAD_FORMATS = ("trig", "nquads")

#: Environment variable that sets the input size limit in bytes (0: no limit).
MAX_INPUT_ENV = "CNAI_KG_MAX_INPUT_BYTES"
#: Largest input file (data or query) read when ``$CNAI_KG_MAX_INPUT_BYTES`` is unset: 512 MiB.
DEFAULT_MAX_INPUT_BYTES = 512 * 1024 * 1024

#: The name standard input goes by.
STDIN = "-"


def rdf_format_for(path: str | Path) -> str:
    """rdflib parser name for a file, from its suffix (Turtle when unknown)."""
    return _SUFFIX_FORMATS.get(Path(path).suffix.lower(), "turtle")


# --------------------------------------------------------------------------- reading


def max_input_bytes() -> int | None:
    """The input size limit: ``$CNAI_KG_MAX_INPUT_BYTES`` or 512 MiB; None when set to 0.

    Examples
    --------
    >>> import os
    >>> os.environ.pop("CNAI_KG_MAX_INPUT_BYTES", None) and None
    >>> max_input_bytes()
    536870912
    """
    raw = os.environ.get(MAX_INPUT_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_INPUT_BYTES
    try:
        value = int(raw.replace("_", ""))
    except ValueError:
        from .errors import UsageError

        raise UsageError(
            f"{MAX_INPUT_ENV} must be a number of bytes (0: no limit), got {cut(raw)!r}"
        ) from None
    if value < 0:
        from .errors import UsageError

        raise UsageError(f"{MAX_INPUT_ENV} must be a number of bytes (0: no limit), got {value}")
    return value or None


def _too_large(path: str, limit: int) -> InputRefused:
    return InputRefused(
        path,
        f"larger than the input limit of {limit:,} bytes; raise it with {MAX_INPUT_ENV}=BYTES "
        "(0: no limit)",
    )


_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _kind(mode: int) -> str:
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


def read_input(path: str | Path, *, what: str = "file", limit: int | None = -1) -> bytes:
    """The bytes of a regular file, or of standard input when ``path`` is ``-``.

    Refuses (:class:`~cnai_kg.errors.InputRefused`, one line) what is not a
    regular file (its type is checked with ``stat`` before opening, and the file is
    opened non-blocking, so a FIFO without a writer never hangs) and anything
    larger than ``limit`` bytes (default :func:`max_input_bytes`; None: no limit).

    Examples
    --------
    >>> try:
    ...     read_input("/dev/zero")
    ... except DataError as e:
    ...     print(e)
    /dev/zero: is a character device; give a regular file (or - for standard input)
    """
    if limit == -1:
        limit = max_input_bytes()
    name = str(path)
    if name == STDIN:
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None:
            raise InputRefused("<stdin>", "standard input is closed")
        data = stream.read(limit + 1) if limit is not None else stream.read()
        if limit is not None and len(data) > limit:
            raise _too_large("<stdin>", limit)
        return data
    try:
        st = os.stat(name)
    except FileNotFoundError:
        raise MissingFile(name, what) from None
    except OSError as e:
        raise DataError(name, e.strerror or str(e)) from None
    if stat.S_ISDIR(st.st_mode):
        raise DataError(name, f"is a directory, not {'an RDF file' if what == 'file' else what}")
    if not stat.S_ISREG(st.st_mode):
        raise InputRefused(
            name, f"is {_kind(st.st_mode)}; give a regular file (or - for standard input)"
        )
    if limit is not None and st.st_size > limit:
        raise _too_large(name, limit)
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        raise DataError(name, e.strerror or str(e)) from None
    try:
        st = os.fstat(fd)  # the file may have been swapped since the stat above
        if not stat.S_ISREG(st.st_mode):
            raise InputRefused(
                name, f"is {_kind(st.st_mode)}; give a regular file (or - for standard input)"
            )
        chunks, size = [], 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if limit is not None and size > limit:
                raise _too_large(name, limit)
    except OSError as e:
        raise DataError(name, e.strerror or str(e)) from None
    finally:
        os.close(fd)
    return b"".join(chunks)


def read_rdf_input(path: str | Path, fmt: str | None = None, *, limit: int | None = -1) -> bytes:
    """The bytes of an RDF file, checked before any parser sees them.

    Every loader calls this (whatever parser comes next): :func:`read_input`'s
    guards (regular files and ``-`` only, size limit), then for RDF/XML no
    DOCTYPE or ENTITY declaration, and for JSON-LD no ``@context`` or
    ``@import`` naming a document (cnai-kg never fetches one).

    Parameters
    ----------
    path : the file, or ``-`` for standard input
    fmt : rdflib format name; from the suffix when left out (:func:`rdf_format_for`)
    limit : size limit in bytes (default :func:`max_input_bytes`; None: no limit, for the
        files cnai-kg ships)

    Raises
    ------
    MissingFile, InputRefused, DataError
        one line naming the file (and the line, for a DOCTYPE).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "remote.jsonld"
    >>> _ = p.write_text('{"@context": "https://schema.org/", "@id": "http://ex/a"}')
    >>> try:
    ...     read_rdf_input(p)
    ... except DataError as e:
    ...     print(e.message)
    JSON-LD @context 'https://schema.org/' names a document to fetch; cnai-kg never ...
    """
    data = read_input(path, limit=limit)
    fmt = fmt or rdf_format_for(path)
    name = "<stdin>" if str(path) == STDIN else str(path)
    if fmt == "xml":
        _check_xml(name, data)
    elif fmt == "json-ld":
        _check_jsonld(name, data)
    return data


class _StopXml(Exception):
    pass


def _check_xml(name: str, data: bytes) -> None:
    """Refuse a DOCTYPE (and so any ENTITY declaration) before the root element."""
    parser = xml.parsers.expat.ParserCreate()

    def doctype(*_args):
        raise InputRefused(
            name,
            "RDF/XML with a DOCTYPE or ENTITY declaration is refused (entities can expand "
            "without bound); remove the declaration",
            line=parser.CurrentLineNumber,
        )

    def root(*_args):
        raise _StopXml

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    parser.StartElementHandler = root
    try:
        parser.Parse(data, True)
    except _StopXml:
        return
    except xml.parsers.expat.ExpatError as e:
        raise DataError(
            name, xml.parsers.expat.ErrorString(e.code), line=e.lineno, column=e.offset + 1
        ) from None


_JSONLD_FETCHING_KEYS = ("@context", "@import")


def _check_jsonld(name: str, data: bytes) -> None:
    """Refuse a ``@context`` or ``@import`` that is a reference (remote, relative or file:)."""
    try:
        doc = json.loads(data)
    except json.JSONDecodeError as e:
        raise DataError(name, f"invalid JSON: {e.msg}", line=e.lineno, column=e.colno) from None
    except UnicodeDecodeError as e:
        raise DataError(name, f"not UTF-8 text ({e.reason} at byte {e.start})") from None
    except RecursionError:
        raise InputRefused(name, "JSON nested too deeply") from None
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key in _JSONLD_FETCHING_KEYS:
                    refs = value if isinstance(value, list) else [value]
                    for ref in refs:
                        if isinstance(ref, str):
                            raise InputRefused(
                                name,
                                f"JSON-LD {key} {cut(ref)!r} names a document to fetch; "
                                "cnai-kg never fetches: put the context in the file",
                            )
                stack.append(value)


# ------------------------------------------------------------------- ill-typed literals

_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


def _strict_decimal(lexical: str):
    """xsd:decimal by its lexical space: no NaN, INF, exponent or spaces."""
    from decimal import Decimal

    if not _DECIMAL.fullmatch(lexical):
        raise ValueError(f"not an xsd:decimal: {lexical!r}")
    return Decimal(lexical)


class _QuietIllTyped(logging.Filter):
    """rdflib logs a traceback for every ill-typed literal it meets, on every load and
    every query; cnai-kg reports them itself, once per file, in one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Failed to convert Literal lexical form")


def install_literal_rules() -> None:
    """cnai-kg's reading of literals in rdflib (again, after a library reset them)."""
    from rdflib import term

    # rdflib reads "NaN"^^xsd:decimal as Decimal("NaN"), which cannot be compared with
    # another number: sorting (Turtle output, views) then fails. By XSD it is ill-typed.
    # (rdflib.term.bind would also add a Python-to-XSD rule; only the reading changes.)
    term._toPythonMapping[XSD.decimal] = _strict_decimal
    term_logger = logging.getLogger("rdflib.term")
    if not any(isinstance(f, _QuietIllTyped) for f in term_logger.filters):
        term_logger.addFilter(_QuietIllTyped())


install_literal_rules()


def _line_of(data: bytes, lexical: str) -> int | None:
    for needle in (f'"{lexical}"', f"'{lexical}'", lexical):
        at = data.find(needle.encode("utf-8"))
        if at != -1:
            return data.count(b"\n", 0, at) + 1
    return None


def report_ill_typed(name: str, data: bytes, graph: Graph) -> str | None:
    """Log (once, one line) the ill-typed literals of a freshly parsed file; return the line.

    An ill-typed literal (``"abc"^^xsd:integer``) is kept as text: it compares and
    sorts by its lexical form and matches no numeric filter.
    """
    bad = [
        (str(o), str(o.datatype))
        for o in graph.objects(unique=True)
        if isinstance(o, Literal) and o.datatype is not None and o.ill_typed
    ]
    return report_ill_typed_terms(name, data, bad)


def report_ill_typed_terms(name: str, data: bytes, bad: list[tuple[str, str]]) -> str | None:
    """:func:`report_ill_typed` for any loader: ``bad`` holds (lexical form, datatype IRI)
    of the file's ill-typed literals; ``data`` is the file's text (to find the line)."""
    if not bad:
        return None
    lexical, dt = min(bad, key=lambda b: (_line_of(data, b[0]) or 0, b))
    line = _line_of(data, lexical)
    where = f"{name}:{line}" if line else name
    short = f"xsd:{dt[len(str(XSD)) :]}" if dt.startswith(str(XSD)) else f"<{dt}>"
    more = f" and {len(bad) - 1} more" if len(bad) > 1 else ""
    message = f"{where}: ill-typed literal {cut(lexical, 40)!r}^^{short}{more}, kept as text"
    logger.warning("%s", message)
    return message


def notice_merged_graphs(name: str, named: int) -> None:
    """Say (one line) that a TriG or N-Quads file's ``named`` graphs became its one graph."""
    if named:
        logger.warning(
            "%s: its %d named graph%s merged into one graph (cnai-kg keeps one graph per file)",
            name,
            named,
            "s were" if named > 1 else " was",
        )


# --------------------------------------------------------------------------- parsing


def parse_rdf(path: str | Path, *, into: Graph | None = None, limit: int | None = -1) -> Graph:
    """Parse one RDF file, turning every parser failure into a one-line :class:`DataError`.

    The bytes come from :func:`read_rdf_input` (its guards apply; ``limit`` is its
    size limit). A TriG or
    N-Quads file's named graphs are merged into the one graph returned, and a
    line says so; ill-typed literals are reported once, in one line
    (:func:`report_ill_typed`).

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
    name = str(path)
    fmt = rdf_format_for(path)
    data = read_rdf_input(path, fmt, limit=limit)
    graph = into if into is not None else Graph()
    base = "file:///dev/stdin" if name == STDIN else Path(path).resolve().as_uri()
    shown = "<stdin>" if name == STDIN else name
    target = Dataset() if fmt in QUAD_FORMATS else graph
    try:
        target.parse(data=data, format=fmt, publicID=base)
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
        raise DataError(shown, detail, line=line, column=column) from None
    except json.JSONDecodeError as e:
        raise DataError(shown, f"invalid JSON: {e.msg}", line=e.lineno, column=e.colno) from None
    except UnicodeDecodeError as e:
        raise DataError(shown, f"not UTF-8 text ({e.reason} at byte {e.start})") from None
    except RecursionError:
        raise DataError(shown, "nested too deeply for the parser") from None
    except Exception as e:  # other rdflib parsers raise assorted errors
        line = getattr(e, "lineno", None) or getattr(e, "line", None)
        if not isinstance(line, int):
            line = None
        raise DataError(shown, f"{type(e).__name__}: {cut(str(e), 200)}", line=line) from None
    if target is not graph:
        named = 0
        for context in target.graphs():
            if len(context) and context.identifier != DATASET_DEFAULT_GRAPH_ID:
                named += 1
            for triple in context:
                graph.add(triple)
        notice_merged_graphs(shown, named)
    if b"\\u" in data or b"\\U" in data:  # only an escape can make a lone surrogate
        _refuse_surrogates(shown, data, graph)
    report_ill_typed(shown, data, graph)
    return graph


_SURROGATE = re.compile("[\ud800-\udfff]")


def _refuse_surrogates(name: str, data: bytes, graph: Graph) -> None:
    """A ``\\uD800`` escape gives a string that is not Unicode text: nothing can print or
    write it later, so the file is refused now, naming the line."""
    for triple in graph:
        for term in triple:
            found = _SURROGATE.search(str(term))
            if found:
                escape = f"\\u{ord(found.group()):04X}".encode()
                at = data.upper().find(escape.upper())
                line = data.count(b"\n", 0, at) + 1 if at != -1 else None
                raise DataError(
                    name,
                    f"the escape \\u{ord(found.group()):04X} is a lone surrogate, not a "
                    "Unicode character",
                    line=line,
                )


# --------------------------------------------------------------------------- writing


def rdf_bytes(graph: Graph, fmt: str) -> bytes:
    """``graph`` serialised as ``fmt`` (an rdflib format name); TriG and N-Quads hold it as
    their default graph.

    Examples
    --------
    >>> from rdflib import URIRef
    >>> g = Graph()
    >>> _ = g.add((URIRef("http://ex/a"), URIRef("http://ex/b"), URIRef("http://ex/c")))
    >>> rdf_bytes(g, "nquads").split()
    [b'<http://ex/a>', b'<http://ex/b>', b'<http://ex/c>', b'.']
    """
    if fmt in QUAD_FORMATS:
        ds = Dataset()
        for prefix, ns in graph.namespaces():
            ds.bind(prefix, ns, override=True)
        for triple in graph:
            ds.add(triple)
        return ds.serialize(format=fmt, encoding="utf-8")
    return graph.serialize(format=fmt, encoding="utf-8")


def _ignore_sigxfsz() -> None:
    """Past the file-size limit (``ulimit -f``) the kernel sends SIGXFSZ, whose default
    action kills the process; ignored, the write fails with EFBIG and we say so."""
    if hasattr(signal, "SIGXFSZ") and threading.current_thread() is threading.main_thread():
        with contextlib.suppress(ValueError, OSError):
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def _reason(e: OSError) -> str:
    return e.strerror or str(e)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def _write_through(path: str, data: bytes, *, fifo: bool) -> None:
    """Write to a character device or a FIFO in place (it is not a file to replace)."""
    flags = os.O_WRONLY | getattr(os, "O_CLOEXEC", 0) | (os.O_NONBLOCK if fifo else 0)
    try:
        fd = os.open(path, flags)
    except OSError as e:
        if fifo and e.errno == errno.ENXIO:
            raise WriteError(path, "a FIFO with no reader") from None
        raise WriteError(path, _reason(e)) from None
    try:
        if fifo:
            fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
        _write_all(fd, data)
    except OSError as e:
        raise WriteError(path, _reason(e)) from None
    finally:
        with contextlib.suppress(OSError):
            os.close(fd)


def atomic_write(path: str | Path, data: bytes | str) -> Path:
    """Write ``data`` to ``path`` so that it is either whole or not written at all.

    * a regular file (or a new one) is written to a temporary file in the same
      folder, synced, and moved over ``path`` with ``os.replace``;
    * a symlink is followed: its target is replaced that way, the link stays;
    * a character device (``/dev/null``, a terminal) or a FIFO is written
      through, never replaced by a regular file (a FIFO with no reader is refused
      rather than waited on);
    * a directory, block device or socket is refused.

    Every failure is a :class:`~cnai_kg.errors.WriteError` (one line: disk full,
    file too large, read-only folder, ...), a missing folder a
    :class:`~cnai_kg.errors.MissingFile`; any previous file is left untouched and
    no temporary file is left behind.

    Examples
    --------
    >>> atomic_write("/dev/null", "nothing")
    PosixPath('/dev/null')
    >>> import tempfile
    >>> try:
    ...     atomic_write(tempfile.gettempdir(), "x")
    ... except WriteError as e:
    ...     print(e.message)
    a directory
    """
    name = str(path)
    path = Path(path)
    if isinstance(data, str):
        try:
            data = data.encode("utf-8")
        except UnicodeEncodeError as e:
            raise WriteError(
                name, f"the text holds a character UTF-8 cannot hold ({e.reason} at {e.start})"
            ) from None
    _ignore_sigxfsz()
    try:
        st = os.stat(name)
    except FileNotFoundError:
        st = None
    except OSError as e:
        raise WriteError(name, _reason(e)) from None
    if st is None and name.endswith(os.sep):
        raise WriteError(name, "a directory name (it ends with /)")
    if st is not None and not stat.S_ISREG(st.st_mode):
        if stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode):
            _write_through(name, data, fifo=stat.S_ISFIFO(st.st_mode))
            return path
        raise WriteError(name, _kind(st.st_mode))
    target = Path(os.path.realpath(name)) if path.is_symlink() else path
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise MissingFile(folder, "directory")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as e:
        raise WriteError(name, _reason(e)) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if st is not None:
            with contextlib.suppress(OSError):
                os.chmod(tmp, st.st_mode & 0o777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(e, OSError):
            raise WriteError(name, _reason(e)) from None
        raise
    return path
