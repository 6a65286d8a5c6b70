"""Talking to a SPARQL 1.1 store over HTTP.

Two W3C protocols, through the standard library's ``urllib`` (no extra
dependency):

- the **SPARQL 1.1 Protocol** for queries (POST, form-encoded), answers read as
  ``application/sparql-results+json`` (SELECT, ASK) or N-Triples (CONSTRUCT,
  DESCRIBE) and turned into rdflib terms;
- the **SPARQL 1.1 Graph Store HTTP Protocol** for loading: one ``PUT`` per
  named graph, which replaces that graph, so loading the same files twice leaves
  the same store.

Every failure (unreachable host, HTTP error, refused credentials, no answer in
time, an answer that is not what was asked for) is an
:class:`~cnai_kg.errors.EndpointError` with one line naming the URL.

cnai-kg keeps one named graph per file, ``urn:cnai-kg:file:`` followed by the
file's name (``urn:cnai-kg:file:graph/hubs.ttl``), as the embedded store does.
"""

from __future__ import annotations

import base64
import io
import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from . import resources
from .errors import EndpointError

__all__ = [
    "AUTH_ENV",
    "graph_store_url",
    "DEFAULT_TIMEOUT",
    "FILE_GRAPHS",
    "Endpoint",
    "file_name",
    "graph_iri",
]

#: Environment variable holding ``user:password`` for HTTP basic authentication.
AUTH_ENV = "CNAI_KG_ENDPOINT_AUTH"

#: Seconds to wait for a store's answer.
DEFAULT_TIMEOUT = 60.0

#: The named graph of the file NAME is ``urn:cnai-kg:file:NAME``.
FILE_GRAPHS = "urn:cnai-kg:file:"

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_USER_AGENT = "cnai-kg (+https://w3id.org/cnai-kg)"


def graph_iri(name: str) -> str:
    """The named graph that holds the file ``name``, as :attr:`KnowledgeGraph.files` names it.

    The same names as the embedded Oxigraph store's graphs: stable across machines for
    the shipped files (``graph/hubs.ttl``), your files by the path you gave.

    Examples
    --------
    >>> graph_iri("graph/hubs.ttl")
    'urn:cnai-kg:file:graph/hubs.ttl'
    >>> graph_iri("my data.ttl")
    'urn:cnai-kg:file:my%20data.ttl'
    """
    return FILE_GRAPHS + urllib.parse.quote(name, safe="/:@")


def display_name(path: str | Path) -> str:
    """A file's name as :attr:`KnowledgeGraph.files` gives it: a shipped file by its short
    name (``graph/hubs.ttl``), one of yours as given."""
    try:
        return Path(path).resolve().relative_to(resources.data_dir().resolve()).as_posix()
    except ValueError:
        return str(path)


def shipped_order() -> dict[str, int]:
    """The shipped files' names, in the order :func:`cnai_kg.load` reads them."""
    files = [*resources.ontology_files(), *resources.graph_files()]
    return {display_name(path): i for i, path in enumerate(files)}


def file_name(iri: str) -> str:
    """The file name for a named graph (the inverse of :func:`graph_iri`).

    Examples
    --------
    >>> file_name("urn:cnai-kg:file:my%20data.ttl")
    'my data.ttl'
    >>> file_name("http://example.org/other")
    'http://example.org/other'
    """
    if iri.startswith(FILE_GRAPHS):
        return urllib.parse.unquote(iri[len(FILE_GRAPHS) :])
    return iri


def graph_store_url(query_url: str) -> str:
    """The Graph Store Protocol URL of the store whose query URL is ``query_url``.

    Examples
    --------
    >>> graph_store_url("http://127.0.0.1:7878/query")  # Oxigraph
    'http://127.0.0.1:7878/store'
    >>> graph_store_url("http://localhost:3030/kg/sparql")  # Fuseki
    'http://localhost:3030/kg/data'
    """
    base, _, last = query_url.split("?", 1)[0].rstrip("/").rpartition("/")
    guess = {"query": "store", "sparql": "data"}.get(last)
    if guess is None or not base:
        raise EndpointError(
            f"cannot guess the Graph Store URL from {query_url}; give it with --to "
            "(Oxigraph: http://HOST:7878/store, Fuseki: http://HOST:3030/DATASET/data)"
        )
    return f"{base}/{guess}"


def _auth_header() -> str | None:
    value = os.environ.get(AUTH_ENV)
    if not value:
        return None
    if ":" not in value:
        raise EndpointError(f"{AUTH_ENV} must be user:password")
    return "Basic " + base64.b64encode(value.encode("utf-8")).decode("ascii")


def _check_url(url: str, what: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise EndpointError(f"{what} must be an http:// or https:// URL, not {url!r}")
    return url


@dataclass(frozen=True)
class Endpoint:
    """A SPARQL 1.1 store: its query URL, its Graph Store URL, a time limit.

    Parameters
    ----------
    query_url : the SPARQL 1.1 Protocol endpoint (Oxigraph ``/query``, Fuseki ``/DS/sparql``)
    store_url : the Graph Store Protocol endpoint (Oxigraph ``/store``, Fuseki ``/DS/data``);
        when not given it is guessed from ``query_url`` (``.../query`` -> ``.../store``,
        ``.../sparql`` -> ``.../data``)
    timeout : seconds to wait for each answer
    """

    query_url: str | None = None
    store_url: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    _auth: str | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.query_url is None and self.store_url is None:
            raise EndpointError("give a query URL or a Graph Store URL")
        if self.query_url is not None:
            _check_url(self.query_url, "the endpoint")
        if self.store_url is not None:
            _check_url(self.store_url, "the Graph Store URL")
        if not self.timeout or self.timeout <= 0:
            raise EndpointError("the endpoint timeout must be more than 0 seconds")
        object.__setattr__(self, "_auth", _auth_header())

    @property
    def graph_store(self) -> str:
        """The Graph Store Protocol URL (given, or guessed from the query URL)."""
        if self.store_url is not None:
            return self.store_url
        return graph_store_url(self.query_url)

    # ------------------------------------------------------------------ HTTP

    def _request(
        self,
        method: str,
        url: str,
        *,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        hint: str = "",
    ) -> tuple[bytes, str]:
        """Send one request; return the body and its content type, or raise EndpointError."""
        request = urllib.request.Request(url, data=body, method=method)
        request.add_header("User-Agent", _USER_AGENT)
        for key, value in (headers or {}).items():
            request.add_header(key, value)
        if self._auth:
            request.add_header("Authorization", self._auth)
        where = url.split("?", 1)[0]
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.read(), response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as e:
            raise _http_error(e, where, hint) from None
        except urllib.error.URLError as e:
            reason = e.reason
            if isinstance(reason, TimeoutError):
                raise _timeout(where, self.timeout) from None
            text = getattr(reason, "strerror", None) or str(reason)
            raise EndpointError(f"cannot reach {where}: {text}") from None
        except TimeoutError:
            raise _timeout(where, self.timeout) from None
        except (ConnectionError, OSError) as e:
            raise EndpointError(f"cannot reach {where}: {e.strerror or e}") from None

    # ----------------------------------------------------------- Graph Store

    def put_graph(self, iri: str, ntriples: bytes) -> None:
        """Replace the named graph ``iri`` with ``ntriples`` (Graph Store Protocol PUT)."""
        base = self.graph_store
        url = f"{base}{'&' if '?' in base else '?'}{urllib.parse.urlencode({'graph': iri})}"
        self._request(
            "PUT",
            url,
            body=ntriples,
            headers={"Content-Type": "application/n-triples; charset=utf-8"},
            hint="is it the store's Graph Store Protocol URL? (Oxigraph: http://HOST:7878/store, "
            "Fuseki: http://HOST:3030/DATASET/data)",
        )

    # --------------------------------------------------------------- queries

    def _query(self, sparql: str, accept: str, default_graphs: Sequence[str]) -> bytes:
        if self.query_url is None:
            raise EndpointError("no query URL given for this store")
        form = [("query", sparql)] + [("default-graph-uri", g) for g in default_graphs]
        body, ctype = self._request(
            "POST",
            self.query_url,
            body=urllib.parse.urlencode(form).encode("ascii"),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": accept,
            },
            hint="is it the store's SPARQL query URL? (Oxigraph: http://HOST:7878/query, "
            "Fuseki: http://HOST:3030/DATASET/sparql)",
        )
        got = ctype.split(";", 1)[0].strip().lower()
        wanted = accept.split(",", 1)[0].split(";", 1)[0].strip()
        if got and got != wanted and not (wanted.endswith("+json") and got.endswith("json")):
            raise EndpointError(
                f"{self.query_url} answered {got}, not {wanted}: is this a SPARQL endpoint?"
            )
        return body

    def select(
        self, sparql: str, *, default_graphs: Sequence[str] = ()
    ) -> tuple[list[str], list[tuple[Node | None, ...]]]:
        """Run a SELECT; return its variables and rows of rdflib terms (None: unbound)."""
        data = self._json(self._query(sparql, "application/sparql-results+json", default_graphs))
        try:
            variables = list(data["head"]["vars"])
            rows = [tuple(_term(b.get(v)) for v in variables) for b in data["results"]["bindings"]]
        except (KeyError, TypeError, ValueError) as e:
            raise EndpointError(
                f"{self.query_url} sent SPARQL results that cannot be read ({e})"
            ) from None
        return variables, rows

    def ask(self, sparql: str, *, default_graphs: Sequence[str] = ()) -> bool:
        """Run an ASK."""
        data = self._json(self._query(sparql, "application/sparql-results+json", default_graphs))
        answer = data.get("boolean") if isinstance(data, dict) else None
        if not isinstance(answer, bool):
            raise EndpointError(f"{self.query_url} sent no boolean for an ASK query")
        return answer

    def construct(self, sparql: str, *, default_graphs: Sequence[str] = ()) -> Graph:
        """Run a CONSTRUCT or DESCRIBE; return the triples as an rdflib Graph."""
        body = self._query(sparql, "application/n-triples", default_graphs)
        graph = Graph()
        try:
            graph.parse(data=body.decode("utf-8"), format="nt")
        except Exception as e:
            raise EndpointError(
                f"{self.query_url} sent N-Triples that cannot be read: {' '.join(str(e).split())}"
            ) from None
        return graph

    def _json(self, body: bytes):
        try:
            return json.load(io.BytesIO(body))
        except ValueError:
            raise EndpointError(
                f"{self.query_url} did not answer with SPARQL JSON results: is this a SPARQL "
                "endpoint?"
            ) from None

    def graphs(self) -> list[str]:
        """The named graphs the store holds (IRIs)."""
        _, rows = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
        return sorted(str(g) for (g,) in rows if isinstance(g, URIRef))


def _term(binding: Mapping[str, str] | None) -> Node | None:
    """An rdflib term from one SPARQL JSON results binding."""
    if binding is None:
        return None
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if kind in ("literal", "typed-literal"):
        lang = binding.get("xml:lang")
        datatype = binding.get("datatype")
        if lang:
            return Literal(value, lang=lang)
        if not datatype or datatype == _XSD_STRING:  # a plain literal has no datatype
            return Literal(value)
        return Literal(value, datatype=URIRef(datatype))
    if kind == "triple":
        raise ValueError("RDF-star quoted triples are not supported")
    raise ValueError(f"unknown term type {kind!r}")


def _first_line(body: bytes) -> str:
    text = body.decode("utf-8", "replace")
    text = re.sub(r"<[^>]*>", " ", text) if "<html" in text.lower() else text
    line = " ".join(text.split())
    return line[:157] + "..." if len(line) > 160 else line


def _http_error(e: urllib.error.HTTPError, where: str, hint: str = "") -> EndpointError:
    try:
        detail = _first_line(e.read())
    except Exception:
        detail = ""
    message = f"{where} answered {e.code} {e.reason}"
    if e.code in (401, 403):
        hint = (
            f"the credentials in {AUTH_ENV} were refused"
            if os.environ.get(AUTH_ENV)
            else f"set {AUTH_ENV}=user:password"
        )
        return EndpointError(f"{message}; {hint}")
    if e.code in (404, 405) and hint:
        return EndpointError(f"{message}; {hint}")
    if detail:
        message += f": {detail}"
    return EndpointError(message)


def _timeout(where: str, seconds: float) -> EndpointError:
    return EndpointError(f"{where} did not answer within {seconds:g} s")
