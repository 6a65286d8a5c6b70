"""The SPARQL 1.1 Protocol at ``/sparql``: reading requests, choosing formats, describing itself.

Only the query operation exists: ``GET ?query=``, ``POST`` form-encoded
(``query=``) and ``POST application/sparql-query``. Results are written by the
serialisers of :class:`cnai_kg.query.Rows` and :class:`cnai_kg.query.Triples`;
this module only picks one from the ``Accept`` header (or a ``format=``
parameter, as SPARQLWrapper and browsers' download links send it).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, XSD

from ..errors import CnaiKgError
from ..query import MEDIA_TYPES

__all__ = [
    "BadRequest",
    "GRAPH_ACCEPT",
    "ROW_ACCEPT",
    "SparqlRequest",
    "negotiate",
    "parse_request",
    "service_description",
]

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
VOID = Namespace("http://rdfs.org/ns/void#")

#: Media types a SELECT / ASK answer can be sent as -> output format of :class:`Rows`.
ROW_ACCEPT = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
#: Media types a CONSTRUCT / DESCRIBE answer can be sent as -> output format of :class:`Triples`.
GRAPH_ACCEPT = {
    "text/turtle": "ttl",
    "application/turtle": "ttl",
    "application/x-turtle": "ttl",
    "application/n-triples": "nt",
    "text/plain": "nt",
    "application/ld+json": "jsonld",
    "application/json": "jsonld",
}
# Values of a format= parameter (SPARQLWrapper sends format=, output= and results=).
_ROW_NAMES = {"json": "json", "xml": "xml", "csv": "csv", "tsv": "tsv"}
_GRAPH_NAMES = {
    "turtle": "ttl",
    "ttl": "ttl",
    "nt": "nt",
    "ntriples": "nt",
    "n-triples": "nt",
    "json-ld": "jsonld",
    "jsonld": "jsonld",
    "json": "jsonld",
}


class BadRequest(CnaiKgError):
    """A request the protocol cannot serve; ``status`` is its HTTP status."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class SparqlRequest:
    """What a client asked for: the query text, and any ``format=`` it named."""

    query: str | None
    format: str | None = None


def _one(values: dict[str, list[str]], name: str) -> str | None:
    found = values.get(name) or []
    if len(found) > 1:
        raise BadRequest(f"give the parameter {name!r} once, not {len(found)} times")
    return found[0] if found else None


def _form(text: str) -> dict[str, list[str]]:
    return parse_qs(text, keep_blank_values=True, strict_parsing=False)


def parse_request(method: str, query_string: str, content_type: str, body: bytes) -> SparqlRequest:
    """Read a protocol request (the body already read, within the size cap).

    Raises
    ------
    BadRequest
        403 for an update (``update=`` or ``application/sparql-update``), 415 for
        another body type, 400 for two queries, a named graph, or bad UTF-8

    Examples
    --------
    >>> parse_request("GET", "query=ASK%7B%7D&format=json", "", b"")
    SparqlRequest(query='ASK{}', format='json')
    >>> parse_request("POST", "", "application/sparql-query", b"ASK {}").query
    'ASK {}'
    """
    params = _form(query_string)
    mime = content_type.split(";")[0].strip().lower()
    if method == "POST":
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest("the request body is not UTF-8") from None
        if mime == "application/sparql-update":
            raise _read_only()
        if mime == "application/x-www-form-urlencoded":
            form = _form(text)
            for key, values in form.items():
                params.setdefault(key, []).extend(values)
        elif mime == "application/sparql-query":
            if "query" in params:
                raise BadRequest("give the query either in the body or as ?query=, not both")
            params["query"] = [text]
        elif body:
            raise BadRequest(
                f"cannot read a body of type {mime or 'unknown'!r}; send "
                "application/sparql-query or application/x-www-form-urlencoded",
                415,
            )
    if "update" in params:
        raise _read_only()
    for name in ("default-graph-uri", "named-graph-uri", "using-graph-uri"):
        if name in params:
            raise BadRequest(
                f"refused: {name} would choose graphs from outside; this endpoint answers "
                "over the graph it loaded",
                403,
            )
    # SPARQLWrapper repeats its format under several names (and sometimes twice): the
    # first one names it
    fmt = next((v for key in ("format", "output", "results") for v in params.get(key, [])), None)
    return SparqlRequest(_one(params, "query"), fmt)


def _read_only() -> BadRequest:
    return BadRequest(
        "refused: this endpoint is read-only; SPARQL Update (INSERT, DELETE, LOAD, CLEAR, ...) "
        "is not accepted, only queries (SELECT, ASK, CONSTRUCT, DESCRIBE)",
        403,
    )


def _accepted(header: str) -> list[tuple[str, float]]:
    """Media ranges of an Accept header, best first (stable for equal weights)."""
    out = []
    for i, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        out.append((fields[0].lower(), q, i))
    out.sort(key=lambda t: (-t[1], t[2]))
    return [(m, q) for m, q, _ in out if q > 0]


def negotiate(kind: str, accept: str, fmt: str | None = None) -> str:
    """The output format for an answer of ``kind`` (SELECT, ASK, CONSTRUCT, DESCRIBE).

    A known ``format=`` value wins; then the best acceptable media type; an
    absent Accept header or ``*/*`` gives SPARQL JSON for rows and Turtle for
    triples.

    Raises
    ------
    BadRequest
        406 when the client accepts none of the formats of this kind of answer

    Examples
    --------
    >>> negotiate("SELECT", "text/csv;q=0.5, application/sparql-results+xml")
    'xml'
    >>> negotiate("CONSTRUCT", "*/*")
    'ttl'
    """
    graph = kind in ("CONSTRUCT", "DESCRIBE")
    table = GRAPH_ACCEPT if graph else ROW_ACCEPT
    if kind == "ASK":
        table = {m: f for m, f in ROW_ACCEPT.items() if f in ("json", "xml")}
    names = _GRAPH_NAMES if graph else _ROW_NAMES
    if fmt and fmt.lower() in names and names[fmt.lower()] in table.values():
        return names[fmt.lower()]
    ranges = _accepted(accept) if accept.strip() else [("*/*", 1.0)]
    for media, _q in ranges:
        if media in table:
            return table[media]
        if media in ("*/*", "application/*", "text/*"):
            prefix = media.split("/")[0]
            for candidate, out in table.items():
                if media == "*/*" or candidate.startswith(prefix + "/"):
                    return out
    offered = ", ".join(dict.fromkeys(MEDIA_TYPES[f].split(";")[0] for f in table.values()))
    raise BadRequest(f"cannot answer {_an(kind)} query as {accept!r}; offered: {offered}", 406)


def _an(kind: str) -> str:
    return f"an {kind}" if kind[:1] in "AEIOU" else f"a {kind}"


_RESULT_FORMATS = {
    "json": FORMATS.SPARQL_Results_JSON,
    "xml": FORMATS.SPARQL_Results_XML,
    "csv": FORMATS.SPARQL_Results_CSV,
    "tsv": FORMATS.SPARQL_Results_TSV,
    "ttl": FORMATS.Turtle,
    "nt": FORMATS["N-Triples"],
    "jsonld": FORMATS["JSON-LD"],
}


def service_description(endpoint: str, *, triples: int) -> bytes:
    """The SPARQL 1.1 Service Description of the endpoint, in Turtle."""
    g = Graph()
    g.bind("sd", SD)
    g.bind("formats", FORMATS)
    g.bind("void", VOID)
    service = URIRef(endpoint)
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, service))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    for fmt in _RESULT_FORMATS.values():
        g.add((service, SD.resultFormat, fmt))
    dataset, default = BNode(), BNode()
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, VOID.triples, Literal(triples, datatype=XSD.integer)))
    return g.serialize(format="turtle", encoding="utf-8")
