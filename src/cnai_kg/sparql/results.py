"""Query answers: :class:`Rows` (SELECT, ASK) and :class:`Triples` (CONSTRUCT, DESCRIBE),
with labels in any language and the W3C result formats."""

from __future__ import annotations

import html
import io
import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.namespace import XSD
from rdflib.query import Result, ResultRow
from rdflib.term import Node

from ..errors import QueryError, UsageError
from ..namespaces import PREFIXES
from ..terminal import printable

if TYPE_CHECKING:  # pragma: no cover
    import pandas
    import rich.table

    from ..kg import KnowledgeGraph

__all__ = [
    "GRAPH_FORMATS",
    "MEDIA_TYPES",
    "ROW_FORMATS",
    "Rows",
    "Triples",
    "format_for_path",
]

#: Output formats of SELECT / ASK results (``table`` is for people, the others are W3C formats).
ROW_FORMATS = ("table", "csv", "tsv", "json", "xml")
#: Output formats of CONSTRUCT / DESCRIBE results (``table`` lists the triples with labels).
GRAPH_FORMATS = ("ttl", "nt", "jsonld", "table")
#: What ``reason=`` accepts.

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


def _a(word: str) -> str:
    """``word`` with its indefinite article: "a City", "an AI hub", "an ASK"."""
    return f"{'an' if word[:1].lower() in 'aeio' else 'a'} {word}"


def format_for_path(path: str | Path) -> str | None:
    """The output format a file name asks for (``out.csv`` -> ``csv``), if its suffix is known."""
    return _SUFFIX_FORMATS.get(Path(path).suffix.lower())


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
        self._labels = {v: i for i, v in enumerate(self.vars)}

    @property
    def _variables(self) -> list[Variable]:
        return [Variable(v) for v in self.vars]

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
        # what ResultRow(bindings, variables) builds (the values in variable order, None
        # where unbound, labels by name), without rebuilding it from a dict for every row
        if len(values) != len(self._labels):
            raise ValueError("a row does not have one value per variable")
        row = tuple.__new__(ResultRow, values)
        row.labels = self._labels.copy()
        return row

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
            variables = self._variables
            result.vars = list(variables)
            result.bindings = [
                {v: x for v, x in zip(variables, r, strict=True) if x is not None}
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
