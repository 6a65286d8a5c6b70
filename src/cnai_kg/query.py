"""SPARQL over the knowledge graph: safe execution, parameters, result formats.

The one entry point is :func:`run_query` (``kg.query(...)`` calls it). It

* predeclares the project's prefixes (:data:`cnai_kg.namespaces.PREFIXES`), so
  short queries need no ``PREFIX`` lines;
* refuses, after parsing the query into SPARQL algebra, anything that would
  reach outside the loaded graph or change it: ``SERVICE``, ``FROM`` /
  ``FROM NAMED``, ``LOAD`` and every other SPARQL Update (:class:`QueryRefused`);
* binds parameters as RDF terms through rdflib's ``initBindings`` (never by
  pasting text into the query); a parameter declared as an ``entity`` takes
  any label or alias in any language and is resolved with ``kg.resolve``;
* stops a runaway query after ``timeout`` seconds (:class:`QueryTimeout`) and
  leaves the graph as it was;
* optionally answers over the RDFS or OWL-RL closure (``reason=``, see
  :mod:`cnai_kg.reason`).

SELECT and ASK give :class:`Rows` (labels in any language, ``to_dataframe()``,
the W3C CSV, TSV, JSON and XML result formats); CONSTRUCT and DESCRIBE give
:class:`Triples` (Turtle, N-Triples, JSON-LD).

Named queries are ``.rq`` files shipped in ``cnai_kg/queries/``, each opening
with a header of comment lines::

    # title: Companies and other organisations per AI hub and city
    # description: ...
    # param hub: entity cnai:AIHub, optional -- the hub, by any label or alias
    # example: cnai-kg query --name companies-by-hub --param hub=주강삼각주

Parameter kinds: ``entity [CLASS]`` (a name, CURIE or IRI, resolved to an
IRI; with CLASS it must be an instance of it), ``string``, ``integer``,
``decimal`` and ``lang`` (a language tag; when left out it is the label
language of the run). Ad-hoc queries may carry the same header.

Examples
--------
>>> import cnai_kg
>>> kg = cnai_kg.load()
>>> rows = kg.query("SELECT ?company WHERE { ?company cnai:basedIn ?hub } ORDER BY ?company",
...                 hub=kg.resolve("주강삼각주"))
>>> [kg.label(r.company, "ko") for r in rows]
['화웨이', '텐센트']
>>> kg.query("companies-by-hub", hub="珠三角").labelled("en")[0]["organisation"]
'Huawei'
"""

from __future__ import annotations

import ctypes
import difflib
import html
import io
import json
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pyparsing import ParseException
from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.evaluate import evalQuery
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.query import Result, ResultRow
from rdflib.term import Node

from . import resources
from .errors import CnaiKgError, QueryError, QueryRefused, QueryTimeout, UsageError
from .namespaces import PREFIXES
from .rdflib_fixes import fix_algebra
from .terminal import printable

if TYPE_CHECKING:  # pragma: no cover
    import pandas
    import rich.table

    from .kg import KnowledgeGraph

__all__ = [
    "DEFAULT_MAX_ROWS",
    "DEFAULT_TIMEOUT",
    "MAX_TIMEOUT",
    "GRAPH_FORMATS",
    "MEDIA_TYPES",
    "REASONING",
    "ROW_FORMATS",
    "NamedQuery",
    "Param",
    "PreparedQuery",
    "Rows",
    "Triples",
    "format_for_path",
    "named_queries",
    "named_query",
    "parse_header",
    "prepare",
    "run_query",
]

#: Seconds a query may run before it is stopped.
DEFAULT_TIMEOUT = 30.0
#: Longest time limit accepted (a day); 0 means no limit.
MAX_TIMEOUT = 86_400.0
#: Rows a SELECT may return before it is stopped (a cartesian product fills memory fast).
DEFAULT_MAX_ROWS = 1_000_000
#: Output formats of SELECT / ASK results (``table`` is for people, the others are W3C formats).
ROW_FORMATS = ("table", "csv", "tsv", "json", "xml")
#: Output formats of CONSTRUCT / DESCRIBE results (``table`` lists the triples with labels).
GRAPH_FORMATS = ("ttl", "nt", "jsonld", "table")
#: What ``reason=`` accepts.
REASONING = ("none", "rdfs", "owl-rl")

#: Media types of the output formats (for an HTTP endpoint answering with them).
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "ttl": "text/turtle; charset=utf-8",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "table": "text/plain; charset=utf-8",
}

_SUFFIX_FORMATS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".json": "json",
    ".srj": "json",
    ".xml": "xml",
    ".srx": "xml",
    ".ttl": "ttl",
    ".nt": "nt",
    ".jsonld": "jsonld",
    ".txt": "table",
}
_RDFLIB_GRAPH_FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}

_UPDATE_NAMES = {
    "Load": "LOAD",
    "Clear": "CLEAR",
    "Drop": "DROP",
    "Create": "CREATE",
    "Add": "ADD",
    "Move": "MOVE",
    "Copy": "COPY",
    "InsertData": "INSERT DATA",
    "DeleteData": "DELETE DATA",
    "DeleteWhere": "DELETE WHERE",
    "Modify": "DELETE/INSERT",
}


def _a(word: str) -> str:
    """``word`` with its indefinite article: "a City", "an AI hub", "an ASK"."""
    return f"{'an' if word[:1].lower() in 'aeio' else 'a'} {word}"


def format_for_path(path: str | Path) -> str | None:
    """The output format a file name asks for (``out.csv`` -> ``csv``), if its suffix is known."""
    return _SUFFIX_FORMATS.get(Path(path).suffix.lower())


# --------------------------------------------------------------------------- headers


@dataclass(frozen=True)
class Param:
    """A parameter declared in a query header (``# param NAME: KIND ...``)."""

    name: str
    kind: str = "entity"
    cls: str | None = None
    optional: bool = False
    description: str = ""

    def usage(self) -> str:
        """``hub=ENTITY`` or ``[hub=ENTITY]`` for help texts."""
        text = f"{self.name}={self.kind.upper()}"
        return f"[{text}]" if self.optional else text


_PARAM_KINDS = ("entity", "string", "integer", "decimal", "lang")
_HEADER_LINE = re.compile(
    r"^#\s?(?P<key>[a-z]+)(?:\s+(?P<name>[A-Za-z_]\w*))?\s*:\s*(?P<value>.*)$"
)
_PARAM_SPEC = re.compile(
    r"^(?P<kind>[a-z]+)(?:\s+(?P<cls>[A-Za-z][\w-]*:[\w-]*))?\s*(?P<opt>,\s*optional)?"
    r"\s*(?:(?:--|—|–)\s*(?P<desc>.*))?$"
)


def parse_header(text: str, *, source: str = "query") -> dict[str, Any]:
    """Read the comment header of a query: title, description, params, examples.

    The header is the run of ``#`` lines at the top. ``# key: value`` starts an
    entry; a following ``#`` line indented by two or more spaces continues it.

    Examples
    --------
    >>> h = parse_header('''# title: Hubs
    ... # param hub: entity cnai:AIHub, optional -- the hub
    ... # example: cnai-kg query --name hubs
    ... SELECT * {}''')
    >>> h["title"], h["params"][0].cls, h["params"][0].optional
    ('Hubs', 'cnai:AIHub', True)
    """
    entries: list[list[str]] = []
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line.strip():
            if entries:
                break
            continue
        if not line.lstrip().startswith("#"):
            break
        line = line.strip()
        if re.match(r"^#\s{2,}\S", line) and entries:
            entries[-1][2] += " " + line[1:].strip()
            continue
        m = _HEADER_LINE.match(line)
        if m:
            entries.append([m["key"], m["name"] or "", m["value"].strip()])
        elif entries:
            entries[-1][2] += " " + line[1:].strip()
    header: dict[str, Any] = {"title": "", "description": "", "params": [], "examples": []}
    for key, name, value in entries:
        if key == "param":
            spec = _PARAM_SPEC.match(value)
            if not name or not spec or spec["kind"] not in _PARAM_KINDS:
                raise UsageError(
                    f"{source}: bad parameter line {('param ' + name + ': ' + value)!r}; write "
                    f"'# param NAME: KIND [CLASS][, optional] -- description' with KIND one of "
                    f"{', '.join(_PARAM_KINDS)}"
                )
            if spec["cls"] and spec["kind"] != "entity":
                raise UsageError(f"{source}: only entity parameters take a class ({name})")
            header["params"].append(
                Param(
                    name, spec["kind"], spec["cls"], bool(spec["opt"]), (spec["desc"] or "").strip()
                )
            )
        elif key == "example":
            header["examples"].append(value)
        elif key in ("title", "description"):
            header[key] = value
    header["params"] = tuple(header["params"])
    header["examples"] = tuple(header["examples"])
    return header


@dataclass(frozen=True)
class NamedQuery:
    """A query of the shipped library (``cnai_kg/queries/NAME.rq``)."""

    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    examples: tuple[str, ...]
    text: str
    path: Path | None = None

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


@cache
def _library() -> dict[str, NamedQuery]:
    out = {}
    for path in sorted(resources.query_dir().glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        h = parse_header(text, source=path.name)
        out[path.stem] = NamedQuery(
            path.stem, h["title"], h["description"], h["params"], h["examples"], text, path
        )
    return out


def named_queries() -> dict[str, NamedQuery]:
    """The named-query library: name -> :class:`NamedQuery`, sorted by name."""
    return dict(_library())


def named_query(name: str) -> NamedQuery:
    """One named query; :class:`UsageError` with the closest names when unknown."""
    library = _library()
    if name in library:
        return library[name]
    close = difflib.get_close_matches(name, list(library), n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else "; list them with 'cnai-kg queries'"
    raise UsageError(f"unknown named query {name!r}{hint}")


# --------------------------------------------------------------------------- preparing


@dataclass(frozen=True)
class PreparedQuery:
    """A parsed, translated and checked query, ready to run many times.

    ``query`` is rdflib's translated query, for inspection. rdflib keeps evaluation
    state on the algebra's expression nodes, so one translation must not be
    evaluated by two threads at once: :func:`run_query` checks out a translation
    that no other evaluation is using (see :func:`_algebra`).
    """

    text: str
    kind: str
    query: Any = field(repr=False)
    variables: frozenset[str] = frozenset()
    params: tuple[Param, ...] = ()


# pyparsing keeps one process-wide packrat cache once anything turns it on
# (importing matplotlib.pyplot does), and a parse that hits another parse's entry
# gets that parse's very objects; rdflib then rewrites those objects while
# translating. Two threads parsing the same text at once can so end up with a
# corrupted algebra (a FILTER lost). Parsing and translating take turns.
_PARSE_LOCK = threading.RLock()


def _translate(text: str) -> Any:
    with _PARSE_LOCK:
        query = translateQuery(parseQuery(text), initNs=PREFIXES)
    fix_algebra(query.algebra)  # no phantom row from a GROUP BY over no solutions
    return query


_TOKEN = re.compile(r"""<[^>\s]*>?|"[^"\n]*"?|'[^'\n]*'?|[?$]?\w[\w:.\-]*|\S""")


def _position(text: str, loc: int) -> tuple[int, int]:
    line = text.count("\n", 0, loc) + 1
    column = loc - (text.rfind("\n", 0, loc) + 1) + 1
    return line, column


def _syntax_error(text: str, e: ParseException) -> QueryError:
    loc = min(max(e.loc, 0), len(text))
    line, column = _position(text, loc)
    m = _TOKEN.match(text, loc)
    token = m.group(0) if m else ""
    if len(token) > 40:
        token = token[:37] + "..."
    what = f"unexpected {token!r}" if token else "unexpected end of query"
    if not token and text.count("{") > text.count("}"):
        what += " (a '{' is not closed)"
    return QueryError(f"syntax error at line {line}, column {column}: {what}")


def _refuse_update(text: str) -> None:
    """Raise :class:`QueryRefused` when ``text`` is a SPARQL Update; return when it is not."""
    try:
        with _PARSE_LOCK:
            update = parseUpdate(text)
    except Exception:  # not an update either: the caller reports the query's syntax error
        return
    ops = [op for op in (update.request or []) if isinstance(op, CompValue)]
    if not ops:
        return
    first = ops[0]
    if first.name == "Load":
        # not first.get(): CompValue.get returns the key itself for a missing key
        iri = first["iri"] if "iri" in first else "?"  # noqa: SIM401
        raise QueryRefused(
            f"refused: LOAD <{iri}> would fetch a document from outside; cnai-kg only "
            "reads the graph it loaded (add your files with --data)"
        )
    names = ", ".join(dict.fromkeys(_UPDATE_NAMES.get(op.name, op.name) for op in ops))
    raise QueryRefused(
        f"refused: SPARQL Update ({names}) would change the graph; cnai-kg runs read-only "
        "queries (SELECT, ASK, CONSTRUCT, DESCRIBE)"
    )


def _walk(node: Any) -> Iterator[Any]:
    """Every node of an algebra tree, expressions included.

    rdflib keeps some translated parts as instance attributes next to the dict
    entries (``translateExists`` sets ``e.graph``), so both are visited.
    """
    stack = [node]
    seen: set[int] = set()
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        if isinstance(item, Mapping):
            stack.extend(dict.values(item) if isinstance(item, dict) else item.values())
            if isinstance(item, CompValue):
                stack.extend(v for k, v in vars(item).items() if k != "name")
        elif isinstance(item, list | tuple | set | frozenset):
            stack.extend(item)


def _unknown_prefix(text: str, prefix: str) -> QueryError:
    known = ", ".join(PREFIXES)
    m = re.search(rf"(?<![\w<\"'#:]){re.escape(prefix)}:", text)
    where = ""
    if m:
        line, column = _position(text, m.start())
        where = f" at line {line}, column {column}"
    return QueryError(
        f"unknown prefix '{prefix}:'{where}; declare it with PREFIX {prefix}: <...> or use one "
        f"of the predeclared prefixes: {known}"
    )


@lru_cache(maxsize=256)
def prepare(sparql: str) -> PreparedQuery:
    """Parse, translate and check one query (cached by its text).

    Raises
    ------
    QueryError
        for a syntax error (line, column, offending token) or an unknown prefix
    QueryRefused
        for SERVICE, FROM / FROM NAMED, LOAD or any SPARQL Update

    Examples
    --------
    >>> prepare("SELECT ?s WHERE { ?s a cnai:Company }").kind
    'SELECT'
    >>> prepare("SELECT ?s WHERE {\\n  ?s a cnai:Company\\n  FILTR(?s)\\n}")
    Traceback (most recent call last):
    ...
    cnai_kg.errors.QueryError: syntax error at line 3, column 3: unexpected 'FILTR'
    """
    header = parse_header(sparql)
    body = re.sub(r"#[^\n]*", "", sparql) if "#" in sparql else sparql
    if not body.strip():
        raise QueryError("empty query: give a SELECT, ASK, CONSTRUCT or DESCRIBE query")
    try:
        with _PARSE_LOCK:
            parsed = parseQuery(sparql)
    except ParseException as e:
        _refuse_update(sparql)
        raise _syntax_error(sparql, e) from None
    except Exception as e:  # rdflib raises plain errors for some lexical problems
        raise QueryError(f"syntax error: {' '.join(str(e).split())}") from None
    try:
        with _PARSE_LOCK:
            query = translateQuery(parsed, initNs=PREFIXES)
    except Exception as e:
        m = re.match(r"Unknown namespace prefix : (\S*)", str(e))
        if m:
            raise _unknown_prefix(sparql, m.group(1)) from None
        raise QueryError(f"invalid query: {' '.join(str(e).split())}") from None
    algebra = query.algebra
    for clause in algebra.get("datasetClause") or []:
        # (CompValue.get returns the key itself for a missing key: test membership)
        named = "named" in clause
        iri = clause["named"] if named else clause["default"]
        keyword = "FROM NAMED" if named else "FROM"
        raise QueryRefused(
            f"refused: {keyword} <{iri}> would load a graph from outside; cnai-kg answers over "
            "the graph it loaded (add your files with --data)"
        )
    variables: set[str] = set()
    for node in _walk(algebra):
        if isinstance(node, CompValue) and node.name == "ServiceGraphPattern":
            term = node["term"] if "term" in node else "?"  # noqa: SIM401 (CompValue.get)
            raise QueryRefused(
                f"refused: SERVICE {term.n3() if hasattr(term, 'n3') else term} would send a "
                "query over the network; cnai-kg answers over the graph it loaded"
            )
        if isinstance(node, Variable):
            variables.add(str(node))
    kind = algebra.name.replace("Query", "").upper()
    return PreparedQuery(sparql, kind, query, frozenset(variables), header["params"])


# Translations ready to evaluate, by query text. A translation is checked out by one
# evaluation at a time (rdflib keeps evaluation state on the algebra's expression
# nodes) and returned only when the evaluation ended normally.
_POOL: dict[str, list[Any]] = {}
_POOL_LOCK = threading.Lock()
_POOL_SIZE = 4


@contextmanager
def _algebra(prepared: PreparedQuery):
    """Check out a translation of ``prepared`` that no other evaluation is using."""
    with _POOL_LOCK:
        free = _POOL.get(prepared.text)
        query = free.pop() if free else None
    if query is None:
        query = _translate(prepared.text)
    yield query
    with _POOL_LOCK:
        if len(_POOL) > 512:
            _POOL.clear()
        free = _POOL.setdefault(prepared.text, [])
        if len(free) < _POOL_SIZE:
            free.append(query)


# --------------------------------------------------------------------------- bindings


def _literal(kind: str, name: str, value: Any) -> Literal:
    text = str(value).strip()
    try:
        if kind == "integer":
            return Literal(int(text), datatype=XSD.integer)
        if kind == "decimal":
            return Literal(Decimal(text), datatype=XSD.decimal)
    except Exception:
        raise UsageError(
            f"parameter {name}: expected {'an' if kind == 'integer' else 'a'} {kind}, got {text!r}"
        ) from None
    if kind == "lang":
        if not re.fullmatch(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*", text):
            raise UsageError(
                f"parameter {name}: expected a language tag such as ko, en or zh, got {text!r}"
            )
        return Literal(text.lower())
    return Literal(text)


def _check_class(kg: KnowledgeGraph, param: Param, value: str, iri: URIRef) -> None:
    if not param.cls:
        return
    cls = kg.resolve(param.cls)
    classes = set(kg.rdf.transitive_subjects(RDFS.subClassOf, cls))
    if not classes & set(kg.rdf.objects(iri, RDF.type)):
        kinds = ", ".join(kg.label(t, "en") for t in kg.types(iri)) or "untyped"
        raise UsageError(
            f"parameter {param.name}: {value!r} is {_a(kinds)}, not {_a(kg.label(cls, 'en'))}"
        )


def _bind(
    kg: KnowledgeGraph,
    prepared: PreparedQuery,
    values: Mapping[str, Any],
    lang: str | None,
    what: str,
) -> dict[str, Node]:
    declared = {p.name: p for p in prepared.params}
    out: dict[str, Node] = {}
    for name, value in values.items():
        name = name.lstrip("?$")
        param = declared.get(name)
        if param is None and declared:
            takes = ", ".join(declared)
            raise UsageError(f"unknown parameter {name!r} for {what}; it takes: {takes}")
        if name not in prepared.variables:
            raise UsageError(f"parameter {name!r}: the query has no variable ?{name}")
        if value is None:
            continue
        if isinstance(value, Node):
            out[name] = value
        elif param is None:
            if isinstance(value, str):
                # an undeclared parameter takes an IRI or CURIE as written, nothing looser
                iri = kg.resolver.expand(value)
                if iri is None:
                    raise UsageError(
                        f"parameter {name!r} is plain text: declare it in the query "
                        f"('# param {name}: entity' or '# param {name}: string'), or give an "
                        "IRI or CURIE (kg:PearlRiverDelta), an rdflib term or a number"
                    )
                out[name] = iri
            else:
                out[name] = Literal(value)
        elif param.kind == "entity":
            iri = kg.resolve(str(value))
            _check_class(kg, param, str(value), iri)
            out[name] = iri
        else:
            out[name] = _literal(param.kind, name, value)
    for param in prepared.params:
        if param.name in out:
            continue
        if param.kind == "lang":
            from .kg import default_lang

            out[param.name] = Literal(lang or default_lang())
        elif not param.optional:
            raise UsageError(
                f"{what} needs the parameter {param.name} ({param.kind}"
                f"{' ' + param.cls if param.cls else ''}): give --param {param.name}=VALUE"
            )
    return out


# --------------------------------------------------------------------------- timeouts


class _Interrupted(BaseException):
    """Raised inside a query that ran out of time.

    A BaseException, so that no ``except Exception`` inside rdflib swallows it.
    """


#: How often the interrupt is repeated while the query has not stopped.
_REFIRE = 0.25
#: How long a worker thread gets to stop once interrupted (thread mode only).
_GRACE = 5.0


def _timeout_error(timeout: float) -> QueryTimeout:
    return QueryTimeout(
        f"query stopped after its time limit of {timeout:g} s; narrow it (connect the patterns, "
        "bound the property paths, add LIMIT) or raise the limit with --timeout"
    )


def _can_use_alarm() -> bool:
    if (
        not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        return False
    try:
        handler = signal.getsignal(signal.SIGALRM)
        timer = signal.getitimer(signal.ITIMER_REAL)
    except (ValueError, OSError):
        return False
    return handler in (signal.SIG_DFL, signal.SIG_IGN, None) and timer == (0.0, 0.0)


def _with_alarm(fn: Callable[[], Any], timeout: float) -> Any:
    """Run ``fn`` in this (main) thread; SIGALRM raises :class:`_Interrupted` at the deadline.

    The signal is checked between bytecodes and inside C-level regular-expression
    matching, so even a REGEX with catastrophic backtracking stops. The alarm
    repeats every :data:`_REFIRE` seconds in case a ``finally`` or ``__del__``
    swallowed it; cleanup disarms it before anything else.
    """
    state = {"armed": True}

    def on_alarm(signum, frame):
        if state["armed"]:
            raise _Interrupted()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    try:
        signal.setitimer(signal.ITIMER_REAL, timeout, _REFIRE)
        return fn()
    except _Interrupted:
        raise _timeout_error(timeout) from None
    finally:
        state["armed"] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _with_thread(fn: Callable[[], Any], timeout: float) -> Any:
    """Run ``fn`` in a worker thread; at the deadline raise :class:`_Interrupted` inside it.

    Used off the main thread (servers, other threads) and where SIGALRM is busy or
    missing. The exception is delivered with ``PyThreadState_SetAsyncExc`` and
    takes effect at the worker's next bytecode; it is repeated until the worker
    stops or :data:`_GRACE` seconds pass. Either way the caller gets
    :class:`QueryTimeout` back.
    """
    box: dict[str, Any] = {}

    def work():
        try:
            try:
                box["value"] = fn()
            except _Interrupted:
                box["interrupted"] = True
            except BaseException as e:  # re-raised in the caller's thread
                box["error"] = e
        except _Interrupted:  # arrived while leaving: nothing left to stop
            box["interrupted"] = True

    worker = threading.Thread(target=work, name="cnai-kg-query", daemon=True)
    worker.start()

    def interrupt() -> None:
        # Repeat the exception until the worker stops: a `finally` block or a
        # C call may absorb one. A worker stuck past the grace period is left to
        # die at its next bytecode (the exception stays pending) and the caller
        # gets control back.
        deadline = time.monotonic() + _GRACE
        while worker.is_alive() and time.monotonic() < deadline:
            ctypes.pythonapi.PyThreadState_SetAsyncExc(
                ctypes.c_ulong(worker.ident), ctypes.py_object(_Interrupted)
            )
            worker.join(_REFIRE)

    try:
        worker.join(timeout)
    except BaseException:  # KeyboardInterrupt while waiting: stop the worker too
        interrupt()
        raise
    if worker.is_alive():
        interrupt()
        raise _timeout_error(timeout)
    if "error" in box:
        raise box["error"]
    if "interrupted" in box:
        raise _timeout_error(timeout)
    return box["value"]


@contextmanager
def _quiet_interrupts():
    """Keep interrupts that land in a ``__del__`` or gc callback off stderr.

    Python cannot propagate an exception out of those; it reports it as
    "Exception ignored in ..." instead. Such an interrupt is lost, and the next
    repeat (every :data:`_REFIRE` seconds) stops the query, so the report is noise.
    Every other unraisable exception still reaches the previous hook.
    """
    previous = sys.unraisablehook

    def hook(unraisable):
        if isinstance(unraisable.exc_value, _Interrupted) or unraisable.exc_type is _Interrupted:
            return
        previous(unraisable)

    sys.unraisablehook = hook
    try:
        yield
    finally:
        if sys.unraisablehook is hook:
            sys.unraisablehook = previous


def _call_with_timeout(fn: Callable[[], Any], timeout: float | None) -> Any:
    if timeout is None or timeout <= 0:
        return fn()
    with _quiet_interrupts():
        if _can_use_alarm():
            return _with_alarm(fn, timeout)
        return _with_thread(fn, timeout)


# --------------------------------------------------------------------------- results


def _is_ncname_id(text: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_\-.]*(?<!\.)", text))


_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str, attribute: bool = False) -> str:
    m = _XML_BAD.search(text)
    if m:
        raise QueryError(
            f"the result holds the character U+{ord(m.group(0)):04X}, which XML 1.0 cannot "
            "carry; use --format json or tsv"
        )
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("\r", "&#13;")
    if attribute:
        text = text.replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")
    return text


# Bare numbers only when unsigned: rdflib's TSV parser negates signed numbers through
# Python values, which changes their lexical form ("-0" -> "0") or fails ("-0.0").
_TSV_INTEGER = re.compile(r"\d+")
_TSV_DECIMAL = re.compile(r"\d*\.\d+")


def _tsv_term(node: Node | None) -> str:
    """One RDF term in the SPARQL 1.1 TSV form (Turtle syntax, tabs and newlines escaped)."""
    if node is None:
        return ""
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, BNode):
        return f"_:{node}" if _is_ncname_id(str(node)) else f"_:b{abs(hash(node)):x}"
    if isinstance(node, Literal):
        lex = str(node)
        dt = node.datatype
        if dt == XSD.integer and _TSV_INTEGER.fullmatch(lex):
            return lex
        if dt == XSD.decimal and _TSV_DECIMAL.fullmatch(lex):
            return lex
        if dt == XSD.boolean and lex in ("true", "false"):
            return lex
        esc = (
            lex.replace("\\", "\\\\")
            .replace('"', '\\"')
            .replace("\n", "\\n")
            .replace("\r", "\\r")
            .replace("\t", "\\t")
        )
        if node.language:
            return f'"{esc}"@{node.language}'
        if dt is not None:
            return f'"{esc}"^^<{dt}>'
        return f'"{esc}"'
    raise QueryError(f"cannot write {node!r} as a SPARQL result term")


def _python(node: Node | None) -> Any:
    """A Python value for a data frame: numbers as numbers, IRIs and text as str."""
    if node is None:
        return None
    if isinstance(node, Literal):
        dt = node.datatype
        if dt in _INTEGER_TYPES:
            try:
                return int(str(node))
            except ValueError:
                return str(node)
        if dt in (XSD.decimal, XSD.double, XSD.float):
            try:
                return float(str(node))
            except ValueError:
                return str(node)
        if dt == XSD.boolean:
            return str(node).strip() in ("true", "1")
        if dt == XSD.gYear and re.fullmatch(r"-?\d{4,}", str(node)):
            return int(str(node))
        return str(node)
    if isinstance(node, BNode):
        return f"_:{node}"
    return str(node)


_INTEGER_TYPES = {
    XSD.integer,
    XSD.int,
    XSD.long,
    XSD.short,
    XSD.byte,
    XSD.nonNegativeInteger,
    XSD.positiveInteger,
    XSD.negativeInteger,
    XSD.nonPositiveInteger,
    XSD.unsignedInt,
    XSD.unsignedLong,
    XSD.unsignedShort,
    XSD.unsignedByte,
}


class _Labeller:
    """Display text of RDF terms in one language, cached; blank nodes numbered ``_:b1``, ..."""

    def __init__(self, kg: KnowledgeGraph | None, lang: str | None, raw: bool):
        self.kg, self.lang, self.raw = kg, lang, raw
        self._cache: dict[Node, str] = {}
        self._bnodes: dict[Node, str] = {}

    def __call__(self, node: Node | None) -> str:
        if node is None:
            return ""
        if isinstance(node, Literal):
            return str(node)
        if isinstance(node, BNode):
            return self._bnodes.setdefault(node, f"_:b{len(self._bnodes) + 1}")
        text = self._cache.get(node)
        if text is None:
            if self.kg is None:
                text = str(node)
            elif self.raw:
                text = self.kg.curie(node)
            else:
                text = self.kg.label(node, self.lang)
            self._cache[node] = text
        return text


def _require_pandas():
    try:
        import pandas
    except ImportError:
        raise UsageError("to_dataframe() needs pandas: pip install 'cnai-kg[pandas]'") from None
    return pandas


def _render_table(table: rich.table.Table, *, width: int | None = None) -> str:
    from rich.console import Console

    buf = io.StringIO()
    console = Console(
        file=buf,
        width=width or 100_000,
        color_system=None,
        force_terminal=False,
        legacy_windows=False,
        soft_wrap=False,
        emoji=False,
        highlight=False,
    )
    console.print(table)
    return "\n".join(line.rstrip() for line in buf.getvalue().splitlines()) + "\n"


#: Columns whose cells are all at most this wide never wrap (numbers, units, years).
_NO_WRAP_WIDTH = 16


def _new_table(headers: Sequence[str], cells: Sequence[Sequence[str]]) -> rich.table.Table:
    """A plain table; headers never wrap, nor do columns of short values (numbers, units).

    Control characters in cells are shown escaped (a label cannot drive the terminal).
    """
    cells = [[printable(c) for c in row] for row in cells]
    from rich import box
    from rich.cells import cell_len
    from rich.table import Table
    from rich.text import Text

    table = Table(
        box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold", highlight=False
    )
    for i, h in enumerate(headers):
        widest = max((cell_len(row[i]) for row in cells), default=0)
        table.add_column(
            h, overflow="fold", min_width=cell_len(h), no_wrap=widest <= _NO_WRAP_WIDTH
        )
    for row in cells:
        table.add_row(*(Text(c) for c in row))
    return table


class Rows(Sequence[ResultRow]):
    """The answer to a SELECT or ASK query.

    Iterating gives rdflib ``ResultRow`` objects (``row.company``, ``row[0]``,
    ``row.asdict()``). :meth:`labelled` and :meth:`to_dataframe` show IRIs as
    labels in a chosen language; :meth:`serialize` writes the W3C formats.

    Attributes
    ----------
    kind : ``"SELECT"`` or ``"ASK"``
    vars : the projected variable names
    boolean : the answer of an ASK query (None for SELECT)
    """

    def __init__(
        self,
        kind: str,
        vars: Sequence[str],
        rows: Sequence[tuple[Node | None, ...]],
        *,
        boolean: bool | None = None,
        kg: KnowledgeGraph | None = None,
        lang: str | None = None,
    ):
        self.kind = kind
        self.vars = tuple(vars)
        self._rows = list(rows)
        self.boolean = boolean
        self.kg = kg
        self.lang = lang
        self._variables = [Variable(v) for v in self.vars]

    # --- sequence protocol
    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self._row(r) for r in self._rows[index]]
        return self._row(self._rows[index])

    def __iter__(self) -> Iterator[ResultRow]:
        return (self._row(r) for r in self._rows)

    def __bool__(self) -> bool:
        return bool(self.boolean) if self.kind == "ASK" else bool(self._rows)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Rows):
            return (self.kind, self.vars, self._rows, self.boolean) == (
                other.kind,
                other.vars,
                other._rows,
                other.boolean,
            )
        return NotImplemented

    def __repr__(self) -> str:
        if self.kind == "ASK":
            return f"<Rows ASK {str(self.boolean).lower()}>"
        return f"<Rows SELECT {len(self)} row(s) × {len(self.vars)} var(s): {', '.join(self.vars)}>"

    def _row(self, values: tuple[Node | None, ...]) -> ResultRow:
        return ResultRow(
            {v: x for v, x in zip(self._variables, values, strict=True) if x is not None},
            self._variables,
        )

    @property
    def tuples(self) -> list[tuple[Node | None, ...]]:
        """The rows as plain tuples of RDF terms (None where a variable is unbound)."""
        return list(self._rows)

    def column(self, name: str) -> list[Node | None]:
        """All values of one variable, in row order."""
        try:
            i = self.vars.index(name.lstrip("?$"))
        except ValueError:
            raise UsageError(
                f"no column {name!r}; the columns are: {', '.join(self.vars)}"
            ) from None
        return [r[i] for r in self._rows]

    # --- labels
    def labelled(self, lang: str | None = None, *, raw: bool = False) -> list[dict[str, str]]:
        """Rows as dicts of display text: IRIs as labels in ``lang`` (CURIEs when ``raw``)."""
        show = _Labeller(self.kg, lang or self.lang, raw)
        return [{v: show(x) for v, x in zip(self.vars, r, strict=True)} for r in self._rows]

    def to_dataframe(self, *, labels: bool = True, lang: str | None = None) -> pandas.DataFrame:
        """A pandas DataFrame: one column per variable.

        With ``labels`` (the default) IRIs are shown as labels in ``lang``;
        without, as IRIs. Literals become Python values (numbers stay numbers).
        """
        pd = _require_pandas()
        if self.kind == "ASK":
            return pd.DataFrame({"boolean": [bool(self.boolean)]})
        show = _Labeller(self.kg, lang or self.lang, False)

        def cell(x):
            if labels and isinstance(x, URIRef | BNode):
                return show(x)
            return _python(x)

        return pd.DataFrame([[cell(x) for x in r] for r in self._rows], columns=list(self.vars))

    def to_table(self, lang: str | None = None, *, raw: bool = False) -> rich.table.Table:
        """A ``rich`` table of the rows (labels in ``lang``, CURIEs when ``raw``)."""

        if self.kind == "ASK":
            return _new_table(["boolean"], [[str(bool(self.boolean)).lower()]])
        show = _Labeller(self.kg, lang or self.lang, raw)
        return _new_table(self.vars, [[show(x) for x in r] for r in self._rows])

    def _repr_html_(self) -> str:
        if self.kind == "ASK":
            return f"<p>{str(bool(self.boolean)).lower()}</p>"
        head = "".join(f"<th>{html.escape(v)}</th>" for v in self.vars)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(d[v])}</td>" for v in self.vars) + "</tr>"
            for d in self.labelled()[:500]
        )
        more = f"<p>… {len(self) - 500} more rows</p>" if len(self) > 500 else ""
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"

    # --- W3C formats
    def to_result(self) -> Result:
        """An rdflib ``Result`` with the same answer (for rdflib's serialisers and tools)."""
        result = Result(self.kind)
        if self.kind == "ASK":
            result.askAnswer = bool(self.boolean)
        else:
            result.vars = list(self._variables)
            result.bindings = [
                {v: x for v, x in zip(self._variables, r, strict=True) if x is not None}
                for r in self._rows
            ]
        return result

    def serialize(self, fmt: str = "csv", *, lang: str | None = None, raw: bool = False) -> bytes:
        """The answer as bytes in ``csv``, ``tsv``, ``json``, ``xml`` or ``table``.

        ``csv`` and ``json`` use rdflib's serialisers (they follow the W3C
        recommendations; the JSON gets its ``head`` first, as endpoints write it);
        ``tsv`` (missing in rdflib) and ``xml`` (rdflib's loses carriage returns)
        are written here. ASK answers have no CSV or TSV form.
        """
        if fmt == "table":
            return _render_table(self.to_table(lang, raw=raw)).encode("utf-8")
        if fmt not in ROW_FORMATS:
            raise UsageError(
                f"format {fmt!r} is for graphs; {_a(self.kind)} query gives rows: use one of "
                f"{', '.join(ROW_FORMATS)}"
            )
        if self.kind == "ASK" and fmt in ("csv", "tsv"):
            raise UsageError(f"an ASK answer has no {fmt.upper()} form; use json, xml or table")
        if fmt == "tsv":
            lines = ["\t".join(f"?{v}" for v in self.vars)]
            lines += ["\t".join(_tsv_term(x) for x in r) for r in self._rows]
            return ("\n".join(lines) + "\n").encode("utf-8")
        if fmt == "xml":
            return self._xml().encode("utf-8")
        data = self.to_result().serialize(format=fmt, encoding="utf-8")
        data = data if isinstance(data, bytes) else data.encode("utf-8")
        if fmt == "json":
            # rdflib writes "results" before "head"; endpoints and the W3C examples put the
            # head first, which streaming readers rely on
            doc = json.loads(data)
            ordered = {"head": doc.pop("head"), **doc}
            data = (json.dumps(ordered, ensure_ascii=False) + "\n").encode("utf-8")
        return data

    def _xml(self) -> str:
        out = [
            '<?xml version="1.0" encoding="utf-8"?>\n'
            '<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n  <head>\n'
        ]
        for v in self.vars:
            out.append(f'    <variable name="{_xml_text(v, True)}"/>\n')
        out.append("  </head>\n")
        if self.kind == "ASK":
            out.append(f"  <boolean>{str(bool(self.boolean)).lower()}</boolean>\n</sparql>\n")
            return "".join(out)
        out.append("  <results>\n")
        for r in self._rows:
            out.append("    <result>\n")
            for v, x in zip(self.vars, r, strict=True):
                if x is None:
                    continue
                if isinstance(x, URIRef):
                    term = f"<uri>{_xml_text(str(x))}</uri>"
                elif isinstance(x, BNode):
                    term = f"<bnode>{_xml_text(str(x))}</bnode>"
                elif x.language:
                    lang = _xml_text(x.language, True)
                    term = f'<literal xml:lang="{lang}">{_xml_text(str(x))}</literal>'
                elif x.datatype is not None:
                    dt = _xml_text(str(x.datatype), True)
                    term = f'<literal datatype="{dt}">{_xml_text(str(x))}</literal>'
                else:
                    term = f"<literal>{_xml_text(str(x))}</literal>"
                out.append(f'      <binding name="{_xml_text(v, True)}">{term}</binding>\n')
            out.append("    </result>\n")
        out.append("  </results>\n</sparql>\n")
        return "".join(out)


class Triples:
    """The answer to a CONSTRUCT or DESCRIBE query: an rdflib graph, with labels for display."""

    def __init__(
        self, kind: str, graph: Graph, *, kg: KnowledgeGraph | None = None, lang: str | None = None
    ):
        self.kind = kind
        self.graph = graph
        self.kg = kg
        self.lang = lang
        for prefix, ns in PREFIXES.items():
            graph.bind(prefix, ns, override=True)

    def __len__(self) -> int:
        return len(self.graph)

    def __iter__(self):
        return iter(sorted(self.graph))

    def __bool__(self) -> bool:
        return len(self.graph) > 0

    def __repr__(self) -> str:
        return f"<Triples {self.kind} {len(self)} triple(s)>"

    def labelled(self, lang: str | None = None, *, raw: bool = False) -> list[dict[str, str]]:
        show = _Labeller(self.kg, lang or self.lang, raw)
        return [{"subject": show(s), "predicate": show(p), "object": show(o)} for s, p, o in self]

    def to_dataframe(self, *, labels: bool = True, lang: str | None = None) -> pandas.DataFrame:
        pd = _require_pandas()
        show = _Labeller(self.kg, lang or self.lang, False)

        def cell(x):
            return show(x) if labels and not isinstance(x, Literal) else _python(x)

        return pd.DataFrame(
            [[cell(s), cell(p), cell(o)] for s, p, o in self],
            columns=["subject", "predicate", "object"],
        )

    def to_table(self, lang: str | None = None, *, raw: bool = False) -> rich.table.Table:

        cells = [[d["subject"], d["predicate"], d["object"]] for d in self.labelled(lang, raw=raw)]
        return _new_table(["subject", "predicate", "object"], cells)

    def serialize(self, fmt: str = "ttl", *, lang: str | None = None, raw: bool = False) -> bytes:
        """The triples in ``ttl``, ``nt``, ``jsonld`` (or a ``table`` of labels)."""
        if fmt == "table":
            return _render_table(self.to_table(lang, raw=raw)).encode("utf-8")
        if fmt not in _RDFLIB_GRAPH_FORMATS:
            raise UsageError(
                f"format {fmt!r} is for rows; {_a(self.kind)} query gives triples: use one of "
                f"{', '.join(GRAPH_FORMATS)}"
            )
        data = self.graph.serialize(format=_RDFLIB_GRAPH_FORMATS[fmt], encoding="utf-8")
        return data if isinstance(data, bytes) else data.encode("utf-8")


# --------------------------------------------------------------------------- running


def _materialise(res: Mapping[str, Any], prepared: PreparedQuery, max_rows: int | None):
    kind = res.get("type_", prepared.kind)
    if kind == "SELECT":
        variables = list(res.get("vars_") or [])
        rows = []
        for solution in res["bindings"]:
            rows.append(tuple(solution.get(v) for v in variables))
            if max_rows is not None and len(rows) > max_rows:
                raise QueryError(
                    f"the query gives more than {max_rows:,} rows and was stopped; add LIMIT "
                    "or connect its patterns (a cartesian product grows fast), or raise "
                    "--max-rows"
                )
        return "SELECT", [str(v) for v in variables], rows
    if kind == "ASK":
        return "ASK", [], bool(res.get("askAnswer"))
    result_graph = Graph()
    result_graph += res["graph"]
    return kind, [], result_graph


def _evaluate(
    graph: Graph, prepared: PreparedQuery, bindings: dict[str, Node], max_rows: int | None
):
    """Evaluate and materialise the answer (inside the time limit)."""
    try:
        with _algebra(prepared) as algebra:
            res = evalQuery(graph, algebra, initBindings=bindings)
            return _materialise(res, prepared, max_rows)
    except (CnaiKgError, _Interrupted, KeyboardInterrupt):
        raise
    except RecursionError:
        raise QueryError("query failed: it nests too deeply for the engine") from None
    except Exception as e:
        message = " ".join(str(e).split()) or type(e).__name__
        if type(e).__name__ == "AlreadyBound":
            message = (
                "a parameter is also assigned inside the query (BIND or VALUES); rename one of them"
            )
        raise QueryError(f"query failed: {message}") from None


def run_query(
    kg: KnowledgeGraph,
    query: str | NamedQuery,
    /,
    *,
    timeout: float | None = DEFAULT_TIMEOUT,
    lang: str | None = None,
    reason: str | None = None,
    bindings: Mapping[str, Any] | None = None,
    max_rows: int | None = DEFAULT_MAX_ROWS,
    **params: Any,
) -> Rows | Triples:
    """Run SPARQL (or a named query) over ``kg`` safely.

    Parameters
    ----------
    kg : the graph
    query : SPARQL text, a named query's name (``"companies-by-hub"``) or a :class:`NamedQuery`
    timeout : seconds before the query is stopped with :class:`QueryTimeout` (None: no limit)
    lang : label language of the rows' display and of ``lang`` parameters (en, ko, zh)
    reason : ``"rdfs"`` or ``"owl-rl"`` to answer over the inferred closure
    bindings : parameters as a dict (for names that clash with the options above)
    max_rows : stop a SELECT that gives more rows than this (None: no limit)
    **params : parameters; ``hub="주강삼각주"`` for a declared entity parameter, or
        RDF terms (``kg.resolve(...)``, ``rdflib.Literal(...)``) and numbers for any variable

    Returns
    -------
    Rows or Triples

    Raises
    ------
    QueryError, QueryRefused, QueryTimeout, EntityNotFound, UsageError

    Examples
    --------
    >>> import cnai_kg
    >>> kg = cnai_kg.load()
    >>> bool(kg.query("ASK { kg:Tencent cnai:basedIn kg:PearlRiverDelta }"))
    True
    >>> len(kg.query("SELECT ?x WHERE { ?x a org:Organization }"))
    0
    >>> len(kg.query("SELECT ?x WHERE { ?x a org:Organization }", reason="rdfs")) > 10
    True
    """
    what = "the query"
    if isinstance(query, str) and re.fullmatch(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*", query.strip()):
        query = named_query(query.strip())
    if isinstance(query, NamedQuery):
        what = f"the named query {query.name}"
        text = query.text
    else:
        text = query
    if reason in (None, "none"):
        reason = None
    elif reason not in REASONING:
        raise UsageError(f"unknown reasoning {reason!r}; choose one of: {', '.join(REASONING)}")
    if timeout is not None and not (0 <= timeout <= MAX_TIMEOUT):  # also refuses NaN
        raise UsageError(
            f"timeout must be a number of seconds from 0 (no limit) to {MAX_TIMEOUT:g}, "
            f"got {timeout}"
        )
    prepared = prepare(text)
    values = dict(bindings or {})
    values.update(params)
    bound = _bind(kg, prepared, values, lang, what)
    init = {Variable(k): v for k, v in bound.items()}

    def work():
        graph = kg.rdf
        if reason:
            from .reason import closure

            graph = closure(kg, reason)
        return _evaluate(graph, prepared, init, max_rows)

    kind, variables, answer = _call_with_timeout(work, timeout)
    if kind == "SELECT":
        return Rows("SELECT", variables, answer, kg=kg, lang=lang)
    if kind == "ASK":
        return Rows("ASK", [], [], boolean=answer, kg=kg, lang=lang)
    return Triples(kind, answer, kg=kg, lang=lang)
