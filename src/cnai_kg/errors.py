"""Exceptions raised by cnai-kg.

Every error the library raises on bad input derives from :class:`CnaiKgError`,
so a caller (the CLI, a notebook, a server) can catch one class and show
``str(error)``: a single line that names what went wrong and where.

::

    CnaiKgError
    ├── DataError            a file cannot be read or parsed (file, line, column)
    │   ├── MissingFile      a file that was named does not exist
    │   └── InputRefused     a file refused before parsing (too large, not a regular
    │                        file, a DOCTYPE, a remote JSON-LD context)
    ├── WriteError           an output file cannot be written (disk full, size limit, ...)
    ├── EntityNotFound       a name matches no entity (carries close matches)
    │   └── AmbiguousEntity  a name matches several entities
    ├── QueryError           SPARQL cannot be parsed or run
    │   ├── QueryRefused     SERVICE, LOAD or SPARQL Update asked for
    │   └── QueryTimeout     a query ran past its time limit
    ├── TimeLimit            loading or validation ran past its time limit
    ├── UsageError           an option or value the library does not know
    ├── EndpointError        a remote SPARQL store cannot be reached or refuses a request
    ├── NoPath               two entities are not connected
    └── ShapeViolation       the data does not conform to the SHACL shapes
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .terminal import cut, printable

__all__ = [
    "AmbiguousEntity",
    "CnaiKgError",
    "DataError",
    "EndpointError",
    "EntityNotFound",
    "InputRefused",
    "MissingFile",
    "NoPath",
    "QueryError",
    "QueryRefused",
    "QueryTimeout",
    "ShapeViolation",
    "TimeLimit",
    "UsageError",
    "WriteError",
]


class CnaiKgError(Exception):
    """Root of every error cnai-kg raises on bad input.

    ``str(error)`` is one line, fit to show a user as it is.
    ``exit_code`` is what the CLI exits with.
    """

    exit_code = 1


class DataError(CnaiKgError):
    """A data file cannot be read or parsed.

    Parameters
    ----------
    path : file that failed
    message : what is wrong
    line, column : 1-based position, when the parser gave one
    """

    exit_code = 2

    def __init__(
        self, path: str | Path, message: str, *, line: int | None = None, column: int | None = None
    ):
        self.path = str(path)
        self.message = " ".join(str(message).split())
        self.line = line
        self.column = column
        where = self.path
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        super().__init__(f"{where}: {self.message}")


class MissingFile(DataError):
    """A file named on the command line or in the API does not exist."""

    def __init__(self, path: str | Path, what: str = "file"):
        super().__init__(path, f"no such {what}")


class InputRefused(DataError):
    """A file refused before any parser sees it: too large, not a regular file,
    a DOCTYPE in RDF/XML, a JSON-LD context that would have to be fetched."""


class WriteError(CnaiKgError, OSError):
    """An output file cannot be written; any previous file is left as it was.

    It is also an ``OSError``, so code that caught the system's error still catches it.

    Parameters
    ----------
    path : the file that was to be written
    message : why (the system's reason: no space left, file too large, read-only, ...)
    """

    exit_code = 2

    def __init__(self, path: str | Path, message: str):
        self.path = str(path)
        self.message = " ".join(str(message).split())
        super().__init__(f"{printable(self.path)}: cannot write: {self.message}")


class EntityNotFound(CnaiKgError):
    """No entity has this name, CURIE or IRI.

    ``matches`` holds the closest known names, best first. The message shows
    the name cut to :data:`cnai_kg.terminal.ECHO_LIMIT` characters, escaped.
    """

    def __init__(self, name: str, matches: list[str] | None = None):
        self.name = name
        self.matches = list(matches or [])
        msg = f"unknown entity {cut(name)!r}"
        if self.matches:
            msg += "; closest matches: " + ", ".join(printable(m) for m in self.matches)
        super().__init__(msg)


class AmbiguousEntity(EntityNotFound):
    """A name is a label of several entities; give a CURIE instead."""

    def __init__(self, name: str, candidates: list[str]):
        self.name = name
        self.matches = list(candidates)
        CnaiKgError.__init__(
            self,
            f"ambiguous entity {cut(name)!r}: it names "
            + ", ".join(printable(c) for c in candidates),
        )


class QueryError(CnaiKgError):
    """A SPARQL query cannot be parsed or evaluated."""

    exit_code = 2


class QueryRefused(QueryError):
    """The query asks for something the safe engine does not do (SERVICE, LOAD, Update)."""

    exit_code = 3


class QueryTimeout(QueryError):
    """The query ran longer than its time limit."""

    exit_code = 4


class TimeLimit(CnaiKgError):
    """Loading the files or validating them ran longer than its time limit."""

    exit_code = 4


class UsageError(CnaiKgError):
    """An option or value the library does not know (a format, a measure, a class)."""

    exit_code = 2


class EndpointError(CnaiKgError):
    """A remote SPARQL store cannot be reached, answers with an error, or refuses credentials."""

    exit_code = 5


class NoPath(CnaiKgError):
    """Two entities are not connected under the given restrictions.

    ``ends`` holds the two entities' labels and ``limits`` the restrictions as
    ``(kind, value)`` pairs (``within``, ``via``, ``avoiding``, ``directed``), when the
    search gave them, so that the message can be said in another language.
    """

    def __init__(
        self,
        message: str,
        *,
        ends: tuple[str, str] | None = None,
        limits: list[tuple[str, object]] | None = None,
    ):
        super().__init__(message)
        self.ends = ends
        self.limits = list(limits or [])


@dataclass
class Violation:
    """One SHACL result, flattened for display."""

    focus: str
    label: str
    path: str
    message: str
    severity: str
    file: str | None = None
    value: str | None = None

    def line(self) -> str:
        where = self.file or "-"
        line = f"{where}: {self.label} [{self.path}] {self.message}"
        if self.value is not None and self.path != "-":
            line += f" (value: {self.value})"
        return line


@dataclass
class ShapeViolation(CnaiKgError):
    """The data does not conform to the shapes; ``violations`` lists each result."""

    violations: list[Violation] = field(default_factory=list)

    def __post_init__(self) -> None:
        CnaiKgError.__init__(self, f"{len(self.violations)} SHACL violation(s)")
