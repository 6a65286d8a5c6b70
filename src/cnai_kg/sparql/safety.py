"""Checking SPARQL before any store sees it, and binding values safely.

:func:`prepare` parses and translates a query with rdflib and refuses,
after parsing it into SPARQL algebra, anything that would reach outside the
loaded graph or change it: ``SERVICE``, ``FROM`` / ``FROM NAMED``, ``LOAD``
and every other SPARQL Update (:class:`~cnai_kg.errors.QueryRefused`). This
is the one place the check happens; stores only ever get checked text.

:func:`bind_values` gives variables values by a ``VALUES`` block at the start
of the WHERE clause (terms written by rdflib, never user text pasted in), for
engines without rdflib's ``initBindings``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rdflib import BNode, Literal, URIRef, Variable
from rdflib.term import Node

from ..errors import QueryError, QueryRefused, UsageError
from ..namespaces import PREFIXES
from .library import Param, parse_header

# rdflib's SPARQL parser (pyparsing) is imported when a query is first parsed: a query
# that :func:`vet` passes never needs it, and building its grammar takes a while.

__all__ = ["PreparedQuery", "bind_values", "prepare", "substitute", "translation", "vet"]

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


@dataclass(frozen=True)
class PreparedQuery:
    """A parsed, translated and checked query, ready to run many times.

    ``query`` is rdflib's translated query, for inspection. rdflib keeps evaluation
    state on the algebra's expression nodes, so one translation must not be
    evaluated by two threads at once: :func:`run_query` checks out a translation
    that no other evaluation is using (see :func:`translation`).
    """

    text: str
    kind: str
    query: Any = field(repr=False)
    variables: frozenset[str] = frozenset()
    params: tuple[Param, ...] = ()
    #: variables the query assigns itself with BIND (a parameter must not be one)
    assigned: frozenset[str] = frozenset()


# pyparsing keeps one process-wide packrat cache once anything turns it on
# (importing matplotlib.pyplot does), and a parse that hits another parse's entry
# gets that parse's very objects; rdflib then rewrites those objects while
# translating. Two threads parsing the same text at once can so end up with a
# corrupted algebra (a FILTER lost). Parsing and translating take turns.
_PARSE_LOCK = threading.RLock()


def _translate(text: str) -> Any:
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    from ..rdflib_fixes import fix_algebra

    with _PARSE_LOCK:
        query = translateQuery(parseQuery(text), initNs=PREFIXES)
    fix_algebra(query.algebra)  # no phantom row from a GROUP BY over no solutions
    return query


_TOKEN = re.compile(r"""<[^>\s]*>?|"[^"\n]*"?|'[^'\n]*'?|[?$]?\w[\w:.\-]*|\S""")


def _position(text: str, loc: int) -> tuple[int, int]:
    line = text.count("\n", 0, loc) + 1
    column = loc - (text.rfind("\n", 0, loc) + 1) + 1
    return line, column


def _syntax_error(text: str, e: Any) -> QueryError:
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
    from rdflib.plugins.sparql.parser import parseUpdate
    from rdflib.plugins.sparql.parserutils import CompValue

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
    from rdflib.plugins.sparql.parserutils import CompValue

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
    from pyparsing import ParseException
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue

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
        if isinstance(node, CompValue) and node.name == "Graph":
            # no dataset of named graphs: the files' graphs are one union (and engines
            # differ: rdflib has none, Oxigraph would expose its internal graph names)
            raise QueryError(
                "query failed: GRAPH patterns are not supported; cnai-kg answers over the "
                "union of the loaded files (ask which file holds a node with 'cnai-kg show')"
            )
        if isinstance(node, Variable):
            variables.add(str(node))
    kind = algebra.name.replace("Query", "").upper()
    assigned = frozenset(
        str(node["var"])
        for node in _walk(parsed)
        if isinstance(node, CompValue) and node.name == "Bind" and "var" in node
    )
    return PreparedQuery(sparql, kind, query, frozenset(variables), header["params"], assigned)


#: Words that send a query through :func:`prepare` when they occur in its code (outside
#: comments, strings, IRIs, variable names and the local part of prefixed names), in any
#: case (compared case-folded), inside a longer word too (Oxigraph reads a keyword where
#: it starts: ``trueSERVICE`` is ``true SERVICE``). Code without any of them has no
#: SERVICE, FROM, GRAPH, LOAD or other update keyword, whatever it parses to. DESCRIBE is
#: here so that a query giving triples is known to be a CONSTRUCT.
RISKY_WORDS = (
    "service", "from", "graph", "load", "insert", "delete", "clear", "drop", "create",
    "add", "move", "copy", "with", "using", "describe",
)  # fmt: skip


#: Longer texts always take the full check (vet is for the many small queries, where
#: rdflib's parse is most of the cost; a large one is then limited as it always was).
VET_MAX_CHARS = 65_536

# The parts of a query that hold no keyword, as Oxigraph's parser reads them (its
# grammar is a PEG: repetitions and choices never give back what they took, hence the
# possessive and atomic forms). Everything else is code.
_ECHAR = r"""\\[tbnrf"'\\]"""
_MASKED = re.compile(
    r"(?P<comment>#[^\r\n]*+)"
    r"|(?P<string>"
    r'"""(?:(?>""|")?+(?>[^"\\]|' + _ECHAR + r'))*+"""'
    r"|'''(?:(?>''|')?+(?>[^'\\]|" + _ECHAR + r"))*+'''"
    r'|"(?>[^"\\\r\n]|' + _ECHAR + r')*+"'
    r"|'(?>[^'\\\r\n]|" + _ECHAR + r")*+')"
    # an IRI, less the parentheses an IRI may hold: an operator '<' is always inside
    # parentheses, so no keyword of a pattern or of the prologue can hide between such
    # brackets (and '<<' opens a triple term, not an IRI)
    r"|(?<!<)(?P<iri><[^<>\"{}|^`\\\x00-\x20()]*+>)"
    r"|(?P<var>[?$][A-Za-z0-9_]++)"
    # a prefixed name: its prefix is code (SERVICEkg:x reads as SERVICE kg:x), its local
    # part (plain ASCII here) one token
    r"|(?P<prefix>(?:[A-Za-z][\w.-]*+)?+):(?P<local>[A-Za-z0-9_][A-Za-z0-9_-]*+)"
)
_FORMS = re.compile(r"\b(select|ask|construct)\b")


def _code(text: str) -> str | None:
    """The code of ``text``, case-folded (where :data:`RISKY_WORDS` are looked for), or
    None when ``text`` holds what this reading cannot vouch for: a codepoint escape, or a
    backslash in its code.

    Examples
    --------
    >>> _code("SELECT ?graph WHERE { ?graph rdfs:label 'a graph' ; kg:from <urn:g> } # from")
    'select ?  where { ?  rdfs:    ; kg:    }  '
    """
    if "\\u" in text or "\\U" in text:  # may spell any character, anywhere
        return None
    parts: list[str] = []
    last = 0
    for m in _MASKED.finditer(text):
        parts.append(text[last : m.start()])
        last = m.end()
        kind = m.lastgroup
        if kind in ("comment", "string") and ">" in m.group(0):
            # it may begin inside an IRI that Oxigraph reads and this reading does not (one
            # with parentheses); then code follows that IRI's '>' inside it: read it all
            parts.append(m.group(0))
        elif kind == "var":
            parts.append(m.group(0)[:1])
        elif kind == "local":
            parts.append(m.group("prefix") + ":")
        parts.append(" ")
    parts.append(text[last:])
    code = "".join(parts)
    if "\\" in code:  # an escape in a local name (kg:a\#b), or a string not read as one
        return None
    return code.casefold()


@lru_cache(maxsize=256)
def vet(sparql: str) -> PreparedQuery | None:
    """``sparql`` ready to run without rdflib's parser, when that is safe; else None (and
    the caller uses :func:`prepare`).

    A query of at most :data:`VET_MAX_CHARS` characters whose code holds none of
    :data:`RISKY_WORDS` cannot be refused (it has no SERVICE, FROM, GRAPH, LOAD nor
    update), so the store may parse it itself. Its code is the text less its comments,
    strings, IRIs, variable names and the local parts of prefixed names, read as
    Oxigraph's parser reads them; a text with a codepoint escape (``\\u0053ERVICE``) or
    a backslash outside a string is never vetted. Its kind is read from its code (the
    first SELECT, ASK or CONSTRUCT), for choosing an answer's format before it runs; the
    store tells the kind of the answer, and when the store cannot parse the query,
    :func:`prepare` reports the error as always. The result knows neither the query's
    variables nor what it assigns: use it only to run the query without parameters.

    Examples
    --------
    >>> vet("SELECT * WHERE { SeRvIcE <http://x> { ?s ?p ?o } }") is None
    True
    >>> vet("# every graph\\nSELECT ?from WHERE { ?from rdfs:label 'Graphcore' }").kind
    'SELECT'
    """
    if len(sparql) > VET_MAX_CHARS:
        return None
    code = _code(sparql)
    if code is None or any(word in code for word in RISKY_WORDS):
        return None
    try:
        params = tuple(parse_header(sparql)["params"])
    except Exception:  # prepare reports it
        return None
    form = _FORMS.search(code)
    kind = form.group(1).upper() if form else None
    return PreparedQuery(sparql, kind, None, params=params)  # type: ignore[arg-type]


# Translations ready to evaluate, by query text. A translation is checked out by one
# evaluation at a time (rdflib keeps evaluation state on the algebra's expression
# nodes) and returned only when the evaluation ended normally.
_POOL: dict[str, list[Any]] = {}
_POOL_LOCK = threading.Lock()
_POOL_SIZE = 4


@contextmanager
def translation(text: str):
    """Check out an rdflib translation of (already prepared) ``text`` that no other
    evaluation is using; it goes back to the pool when the evaluation ends normally."""
    with _POOL_LOCK:
        free = _POOL.get(text)
        query = free.pop() if free else None
    if query is None:
        query = _translate(text)
    yield query
    with _POOL_LOCK:
        if len(_POOL) > 512:
            _POOL.clear()
        free = _POOL.setdefault(text, [])
        if len(free) < _POOL_SIZE:
            free.append(query)


# --------------------------------------------------------------------------- binding


# A token of SPARQL text for finding the WHERE clause: comments, strings and IRIs
# are skipped whole, so a brace inside them is never taken for the clause's.
_SCAN = re.compile(
    r'#[^\n]*|"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>'
    r"|[A-Za-z_]\w*|[{}()]|\S",
)


_VAR = re.compile(r"[?$]([A-Za-z0-9_\u00b7\u00c0-\ufffd]+)")
_SCAN_VARS = re.compile(_VAR.pattern + "|" + _SCAN.pattern)


def _where_brace(text: str) -> int:
    """Offset of the ``{`` opening the query's WHERE clause."""
    depth = paren = 0
    kind = None
    top_groups = 0
    after_where = False
    for m in _SCAN.finditer(text):
        tok = m.group(0)
        word = tok.upper()
        if (
            depth == 0
            and paren == 0
            and kind is None
            and word
            in (
                "SELECT",
                "ASK",
                "CONSTRUCT",
                "DESCRIBE",
            )
        ):
            kind = word
        elif depth == 0 and paren == 0 and word == "WHERE":
            after_where = True
        elif tok == "(":
            paren += 1
        elif tok == ")":
            paren -= 1
        elif tok == "{":
            if depth == 0 and paren == 0:
                top_groups += 1
                if after_where or kind != "CONSTRUCT" or top_groups == 2:
                    return m.start()
            depth += 1
        elif tok == "}":
            depth -= 1
    raise UsageError("cannot bind parameters: the query has no WHERE clause")


def _term(name: str, value: Node) -> str:
    if isinstance(value, URIRef):
        text = str(value)
        if re.search(r'[\x00-\x20<>"{}|^`\\]', text):
            raise UsageError(f"parameter {name}: {text!r} is not a valid IRI")
        return f"<{text}>"
    if isinstance(value, Literal):
        return value.n3()
    if isinstance(value, BNode):
        raise UsageError(f"parameter {name}: a blank node cannot be given as a parameter")
    raise UsageError(f"parameter {name}: cannot use {value!r} as an RDF term")


def substitute(text: str, bindings: Mapping[str, Node]) -> str:
    """``text`` with every use of a bound variable replaced by its term (SEP-0007 style:
    the value reaches subqueries and nested filters, as rdflib's ``initBindings`` do).

    ``BOUND(?v)`` becomes ``true``. The terms are written by rdflib; a query where a bound
    variable is declared (``SELECT ?v`` in a subquery, ``GROUP BY ?v``) no longer parses,
    and the caller falls back to :func:`bind_values`.

    Examples
    --------
    >>> from rdflib import Literal
    >>> print(substitute('SELECT ?x { ?x ?p ?l FILTER (!BOUND(?lang) || lang(?l) = ?lang) }',
    ...                  {"lang": Literal("ko")}))
    SELECT ?x { ?x ?p ?l FILTER (!true || lang(?l) = "ko") }
    """
    if not bindings:
        return text
    terms = {name: _term(name, value) for name, value in bindings.items()}
    out: list[str] = []
    last = 0
    for m in _SCAN_VARS.finditer(text):
        var = _VAR.fullmatch(m.group(0))
        if var is None or var.group(1) not in terms:
            continue
        name = var.group(1)
        start = m.start()
        before = text[last:start]
        bound = re.search(r"BOUND\s*\(\s*$", before, re.IGNORECASE)
        if bound:
            close = re.match(r"\s*\)", text[m.end() :])
            if close:
                out.append(before[: bound.start()] + "true")
                last = m.end() + close.end()
                continue
        out.append(before + terms[name])
        last = m.end()
    out.append(text[last:])
    return "".join(out)


def bind_values(text: str, bindings: Mapping[str, Node]) -> str:
    """``text`` with ``VALUES`` giving ``bindings`` opening its WHERE clause.

    The values are RDF terms written by rdflib (``Literal.n3``, ``<iri>``), so no
    user text reaches the query's syntax. A VALUES block first in the group
    binds the variables for everything after it, as rdflib's ``initBindings`` do.

    Examples
    --------
    >>> from rdflib import Literal
    >>> print(bind_values("SELECT ?s WHERE { ?s ?p ?o }", {"o": Literal('say "hi"')}))
    SELECT ?s WHERE { VALUES (?o) { ("say \\"hi\\"") } ?s ?p ?o }
    """
    if not bindings:
        return text
    names = list(bindings)
    terms = " ".join(_term(n, bindings[n]) for n in names)
    block = f"VALUES ({' '.join('?' + n for n in names)}) {{ ({terms}) }}"
    at = _where_brace(text) + 1
    return f"{text[:at]} {block}{text[at:]}"
