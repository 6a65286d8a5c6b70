"""The ASGI application: the SPARQL endpoint, the explorer's pages and the JSON API.

Routes
------
``/sparql``
    SPARQL 1.1 Protocol (query operation only); a Service Description without a query
``/``, ``/query``, ``/entity/{id}``, ``/path``, ``/search``
    the explorer, server-rendered (Jinja2, autoescaped) in ``?lang=en|ko|zh``
``/view/home``, ``/view/entity/{id}``, ``/view/path``
    the interactive graph views of :mod:`cnai_kg.render`, shown in the pages' frames
``/api/entity/{id}``, ``/api/path``, ``/api/search``, ``/healthz``
    JSON for tools
``/static/...``
    the explorer's own script and style, and vis-network from the installed pyvis

The event loop only reads requests and writes answers: every query, page and
view is built in a :class:`~cnai_kg.server.pool.WorkPool`, and a full pool
answers 503 with ``Retry-After``.
"""

from __future__ import annotations

import codecs
import contextlib
import json
import logging
from importlib import resources as importlib_resources
from urllib.parse import urlencode

import jinja2
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from ..errors import (
    AmbiguousEntity,
    CnaiKgError,
    EntityNotFound,
    NoPath,
    QueryRefused,
    QueryTimeout,
)
from ..kg import LANGS, KnowledgeGraph, default_lang
from ..query import MEDIA_TYPES, Rows, named_queries, parse_header, prepare, run_query
from ..quotes import quote_html
from ..render import content_security_policy, safe_json, vis_network_assets
from ..resolve import expand
from ..sparql.safety import vet
from .explorer import Explorer, Limits, page_url, source_url
from .i18n import FORMAT_NAMES, TEXT, explain
from .pool import PoolFull, WorkPool
from .protocol import BadRequest, negotiate, parse_request, service_description

__all__ = ["PAGE_CSP", "create_app"]

log = logging.getLogger("cnai_kg.server")

#: The Content-Security-Policy of every page: nothing inline, nothing from elsewhere.
PAGE_CSP = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "frame-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)
_STATIC = {"app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8"}
_ROW_DOWNLOADS = ("csv", "tsv", "json", "xml")
_GRAPH_DOWNLOADS = ("ttl", "nt", "jsonld")
_SUFFIX = {
    "csv": "csv",
    "tsv": "tsv",
    "json": "srj",
    "xml": "srx",
    "ttl": "ttl",
    "nt": "nt",
    "jsonld": "jsonld",
}


def _text(message: str, status: int, headers: dict | None = None) -> PlainTextResponse:
    return PlainTextResponse(" ".join(message.split()) + "\n", status, headers=headers)


def _status(e: Exception) -> int:
    if isinstance(e, BadRequest):
        return e.status
    if isinstance(e, QueryRefused):
        return 403
    if isinstance(e, QueryTimeout):
        return 503
    if isinstance(e, EntityNotFound | NoPath) and not isinstance(e, AmbiguousEntity):
        return 404
    return 400


def _busy() -> PlainTextResponse:
    return _text(
        "the server is busy: every query worker is taken; retry shortly", 503, {"Retry-After": "2"}
    )


def _definitional(request: Request) -> bool:
    """``?definitional=1``: the path finder also walks definitional facts."""
    return request.query_params.get("definitional", "") in ("1", "on", "true")


def _lang(request: Request) -> str:
    lang = request.query_params.get("lang", "")
    return lang if lang in LANGS else default_lang()


class _Server:
    def __init__(self, kg: KnowledgeGraph, limits: Limits, workspace=None):
        self.kg = kg
        self.limits = limits
        self.explorer = Explorer(kg, limits, workspace)
        self.pool = WorkPool(workers=limits.workers, backlog=limits.backlog)
        folder = importlib_resources.files(__package__)
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(folder / "templates")),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
        )
        self.env.globals.update(
            entity_url=page_url, source_url=source_url, quote_html=quote_html, langs=LANGS
        )
        self.assets = {name: (folder / "static" / name).read_bytes() for name in _STATIC}

    # ------------------------------------------------------------ plumbing

    async def body(self, request: Request) -> bytes:
        cap = self.limits.max_request
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > cap:
            raise BadRequest(f"the request is {int(length):,} bytes; the limit is {cap:,}", 413)
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > cap:
                raise BadRequest(f"the request is over the limit of {cap:,} bytes", 413)
            chunks.append(chunk)
        return b"".join(chunks)

    def page(self, request: Request, template: str, status: int = 200, **context) -> Response:
        lang = context.pop("lang", None) or _lang(request)
        others = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
        switch = {
            code: request.url.path + "?" + urlencode([*others, ("lang", code)]) for code in LANGS
        }
        html = self.env.get_template(template).render(
            lang=lang, t=TEXT[lang], switch=switch, path=request.url.path, **context
        )
        return Response(html, status, media_type="text/html; charset=utf-8")

    def error_page(self, request: Request, e: Exception) -> Response:
        lang = _lang(request)
        matches = getattr(e, "matches", []) if isinstance(e, EntityNotFound) else []
        message = explain(e, lang, matches=False, timeout=self.limits.timeout)
        return self.page(
            request, "error.html", _status(e), message=message, matches=matches, lang=lang
        )

    # ------------------------------------------------------------ /sparql

    async def sparql(self, request: Request) -> Response:
        try:
            if len(request.url.query) > self.limits.max_request:
                raise BadRequest(
                    f"the query string is over the limit of {self.limits.max_request:,} bytes; "
                    "POST the query instead",
                    414,
                )
            body = await self.body(request) if request.method == "POST" else b""
            req = parse_request(
                request.method, request.url.query, request.headers.get("content-type", ""), body
            )
            if req.query is None:
                if request.method == "GET":
                    return Response(
                        service_description(
                            str(request.url.replace(query="")), triples=len(self.kg)
                        ),
                        media_type=MEDIA_TYPES["ttl"],
                    )
                raise BadRequest(
                    "give a query: query=... in the form, or an application/sparql-query body"
                )
            accept = request.headers.get("accept", "")
            data, fmt = await self.pool.run(self._answer, req.query, accept, req.format)
        except PoolFull:
            return _busy()
        except CnaiKgError as e:
            return _text(str(e), _status(e))
        return Response(data, media_type=MEDIA_TYPES[fmt], headers={"Vary": "Accept"})

    def _answer(self, text: str, accept: str, fmt: str | None) -> tuple[bytes, str]:
        # 406 before any work; the kind read from the text when vet() lets the query skip
        # rdflib's check (a 63 KB VALUES block took it for seconds of CPU, holding a worker)
        vetted = vet(text)
        kind = vetted.kind if vetted is not None and vetted.kind else prepare(text).kind
        chosen = negotiate(kind, accept, fmt)
        result = run_query(
            self.kg, text, timeout=self.limits.timeout, max_rows=self.limits.max_rows
        )
        if result.kind != kind:
            chosen = negotiate(result.kind, accept, fmt)
        return result.serialize(chosen), chosen

    # ------------------------------------------------------------ pages

    async def home(self, request: Request) -> Response:
        lang = _lang(request)
        try:
            data = await self.pool.run(self.explorer.home, lang)
        except PoolFull:
            return _busy()
        return self.page(request, "home.html", **data)

    async def entity(self, request: Request) -> Response:
        lang = _lang(request)
        try:
            data = await self.pool.run(self.explorer.entity, request.path_params["id"], lang)
            around = await self.pool.run(self.explorer.neighbourhood, data["id"], lang)
        except PoolFull:
            return _busy()
        except CnaiKgError as e:
            return self.error_page(request, e)
        return self.page(request, "entity.html", e=data, around=around)

    async def source(self, request: Request) -> Response:
        lang = _lang(request)
        try:
            data = await self.pool.run(self.explorer.source, request.path_params["id"], lang)
        except PoolFull:
            return _busy()
        except CnaiKgError as e:
            return self.error_page(request, e)
        return self.page(request, "source.html", s=data)

    async def api_source(self, request: Request) -> Response:
        return await self._json(
            self.explorer.source, request.path_params["id"], _lang(request), True
        )

    async def path(self, request: Request) -> Response:
        lang = _lang(request)
        source = request.query_params.get("from", "").strip()
        target = request.query_params.get("to", "").strip()
        definitional = _definitional(request)
        context = {
            "source": source,
            "target": target,
            "definitional": definitional,
            "found": None,
            "error": None,
        }
        if source and target:
            try:
                context["found"] = await self.pool.run(
                    lambda: self.explorer.paths(source, target, lang, definitional=definitional)
                )
            except PoolFull:
                return _busy()
            except CnaiKgError as e:
                context["error"] = explain(e, lang, timeout=self.limits.timeout)
                # the form page itself exists: it shows the error next to the form
        return self.page(request, "path.html", **context)

    async def search(self, request: Request) -> Response:
        lang = _lang(request)
        q = request.query_params.get("q", "")
        try:
            found = await self.pool.run(self.explorer.search, q, lang)
        except PoolFull:
            return _busy()
        return self.page(request, "search.html", q=q, found=found)

    def _query_input(self, request: Request) -> tuple[str, dict[str, str], str | None]:
        params = request.query_params
        name = params.get("name")
        text = params.get("query")
        if text is None and name:
            library = named_queries()
            if name in library:
                text = library[name].text_in(_lang(request))
        values = {k[2:]: v for k, v in params.items() if k.startswith("p.")}
        return (text or "").replace("\r\n", "\n"), values, name

    async def query(self, request: Request) -> Response:
        lang = _lang(request)
        text, values, name = self._query_input(request)
        library = named_queries()
        context = {
            "text": text,
            "values": values,
            "name": name,
            "description": library[name].description_in(lang) if name in library else "",
            "result": None,
            "error": None,
            "missing": [],
            "library": [
                (qname, q.title_in(lang) or qname, q.description_in(lang))
                for qname, q in library.items()
            ],
            "downloads": [],
            "params": [],
            "graph_json": "",
        }
        if len(text.encode("utf-8")) > self.limits.max_request:
            context["error"] = TEXT[lang]["err_too_big"].format(limit=self.limits.max_request)
            return self.page(request, "query.html", **context)
        try:
            context["params"] = self._params(text, lang, name) if text else []
        except CnaiKgError as e:
            context["error"] = explain(e, lang)
        # a query that needs a value is not run before the value is given
        context["missing"] = [
            p["name"]
            for p in context["params"]
            if p["required"] and not values.get(p["name"], "").strip()
        ]
        if text.strip() and context["error"] is None and not context["missing"]:
            try:
                result = await self.pool.run(self._run_table, text, values, lang)
            except PoolFull:
                return _busy()
            except CnaiKgError as e:
                # shown next to the form (the page exists; the error is the form's state)
                context["error"] = explain(e, lang, timeout=self.limits.timeout)
                return self.page(request, "query.html", **context)
            context["result"] = result
            context["graph_json"] = safe_json(result.get("graph") or {})
            formats = (
                _GRAPH_DOWNLOADS
                if result["kind"] in ("CONSTRUCT", "DESCRIBE")
                else (("json", "xml") if result["kind"] == "ASK" else _ROW_DOWNLOADS)
            )
            base = [("query", text), *((f"p.{k}", v) for k, v in values.items()), ("lang", lang)]
            context["downloads"] = [
                (FORMAT_NAMES[f], "/query/download?" + urlencode([*base, ("format", f)]))
                for f in formats
            ]
        return self.page(request, "query.html", **context)

    def _params(self, text: str, lang: str, name: str | None) -> list[dict]:
        """The parameters a query's header declares, described in ``lang`` (by the header,
        else by the named query ``name`` the text came from)."""
        header = parse_header(text)
        library = named_queries()
        hints = {
            **(
                library[name].translations.get(lang, {}).get("params", {})
                if name in library
                else {}
            ),
            **header["translations"].get(lang, {}).get("params", {}),
        }
        out = []
        for p in header["params"]:
            cls = ""
            if p.cls:
                iri = expand(p.cls)
                cls = self.kg.label(iri, lang) if iri is not None else p.cls
            out.append(
                {
                    "name": p.name,
                    "kind": TEXT[lang]["param_kinds"].get(p.kind, p.kind),
                    "cls": cls,
                    "curie": p.cls or "",
                    "optional": p.optional,
                    # a language parameter defaults to the page's language
                    "required": not p.optional and p.kind != "lang",
                    "description": hints.get(p.name) or p.description,
                }
            )
        return out

    def _run_table(self, text: str, values: dict[str, str], lang: str) -> dict:
        result = self.explorer.run(text, values, lang)
        return self.explorer.table(result, lang)

    async def download(self, request: Request) -> Response:
        lang = _lang(request)
        text, values, _name = self._query_input(request)
        fmt = request.query_params.get("format", "csv")
        try:
            if len(text.encode("utf-8")) > self.limits.max_request:
                raise BadRequest(
                    f"the query is over the limit of {self.limits.max_request:,} bytes", 413
                )
            data = await self.pool.run(self._serialise, text, values, lang, fmt)
        except PoolFull:
            return _busy()
        except CnaiKgError as e:
            return _text(str(e), _status(e))
        return Response(
            data,
            media_type=MEDIA_TYPES[fmt],
            headers={"Content-Disposition": f'attachment; filename="result.{_SUFFIX[fmt]}"'},
        )

    def _serialise(self, text: str, values: dict[str, str], lang: str, fmt: str) -> bytes:
        """A download: what the table shows (rows get a label column beside each column of
        IRIs); a CSV opens with a byte order mark, so that Excel reads it as UTF-8."""
        if fmt not in _SUFFIX:
            raise BadRequest(f"unknown format {fmt!r}; choose one of: {', '.join(_SUFFIX)}")
        result = self.explorer.run(text, values, lang)
        if isinstance(result, Rows):
            result = self.explorer.labelled(result, lang)
        data = result.serialize(fmt)
        return codecs.BOM_UTF8 + data if fmt == "csv" else data

    async def view(self, request: Request) -> Response:
        lang = _lang(request)
        kind = request.path_params.get("kind", "home")
        if kind not in ("home", "entity", "path"):
            return _text(f"no such view: {kind}", 404)
        if kind == "entity":
            args = (request.path_params["id"],)
        elif kind == "path":
            args = (
                request.query_params.get("from", ""),
                request.query_params.get("to", ""),
                "1" if _definitional(request) else "",
            )
        else:
            args = ()
        try:
            view = await self.pool.run(self.explorer.view, kind, lang, *args)
            if view is None:
                return _text(TEXT[lang]["no_graph"], 404)
            page = await self.pool.run(lambda: view.html)
        except PoolFull:
            return _busy()
        except CnaiKgError as e:
            return _text(explain(e, lang, timeout=self.limits.timeout), _status(e))
        csp = _view_csp()
        return Response(
            page, media_type="text/html; charset=utf-8", headers={"Content-Security-Policy": csp}
        )

    async def static(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name == "vis-network.min.js":
            code, _version = vis_network_assets()
            return Response(
                code,
                media_type="text/javascript; charset=utf-8",
                headers={"Cache-Control": "max-age=3600"},
            )
        if name not in self.assets:
            return _text(f"no such file: {name}", 404)
        return Response(
            self.assets[name], media_type=_STATIC[name], headers={"Cache-Control": "no-cache"}
        )

    # ------------------------------------------------------------ JSON

    async def api_entity(self, request: Request) -> Response:
        return await self._json(self.explorer.entity, request.path_params["id"], _lang(request))

    async def api_path(self, request: Request) -> Response:
        source = request.query_params.get("from", "")
        target = request.query_params.get("to", "")
        if not source.strip() or not target.strip():
            return JSONResponse({"error": "give both ends: /api/path?from=A&to=B"}, 400)
        definitional = _definitional(request)
        lang = _lang(request)
        return await self._json(
            lambda: self.explorer.paths(source, target, lang, definitional=definitional)
        )

    async def api_search(self, request: Request) -> Response:
        q = request.query_params.get("q", "")

        def found():
            return {"q": q, "results": self.explorer.search(q, _lang(request))}

        return await self._json(found)

    async def _json(self, fn, *args) -> Response:
        try:
            data = await self.pool.run(fn, *args)
        except PoolFull:
            return JSONResponse(
                {"error": "the server is busy; retry shortly"}, 503, headers={"Retry-After": "2"}
            )
        except CnaiKgError as e:
            body = {"error": str(e)}
            if isinstance(e, EntityNotFound):
                body["matches"] = e.matches
            return JSONResponse(body, _status(e))
        return Response(json.dumps(data, ensure_ascii=False), media_type="application/json")

    async def healthz(self, request: Request) -> Response:
        return JSONResponse(
            {
                "status": "ok",
                "triples": len(self.kg),
                "files": len(self.kg.files),
                "busy": self.pool.busy,
                "workers": self.pool.workers,
            }
        )


def _view_csp() -> str:
    from ..render import _own_asset

    vis_js, _ = vis_network_assets()
    scripts = [vis_js, _own_asset("view.js")]
    return content_security_policy(scripts, [_own_asset("view.css")]) + "; frame-ancestors 'self'"


class _SecurityHeaders:
    """CSP on every HTML answer (unless the route set its own), and no sniffing, anywhere."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", PAGE_CSP.encode()))
                headers.append((b"x-content-type-options", b"nosniff"))
                headers.append((b"referrer-policy", b"no-referrer"))
                message = {**message, "headers": headers}
            await send(message)

        return await self.app(scope, receive, send_with_headers)


def create_app(
    kg: KnowledgeGraph,
    *,
    limits: Limits | None = None,
    allowed_hosts: list[str] | None = None,
    workspace=None,
) -> Starlette:
    """The ASGI application serving ``kg`` (run it with uvicorn, see :func:`cnai_kg.server.serve`).

    Parameters
    ----------
    kg : the graph to serve (read-only)
    limits : time, row, request-size and pool limits (:class:`Limits`)
    allowed_hosts : Host headers accepted (None: any); a loopback server takes
        only loopback names, so a web page cannot reach it by DNS rebinding
    workspace : the :class:`~cnai_kg.curate.Workspace` whose registered texts the
        source pages show (None: the quoted passages only)
    """
    server = _Server(kg, limits or Limits(), workspace)
    routes = [
        Route("/sparql", server.sparql, methods=["GET", "POST"]),
        Route("/", server.home),
        Route("/query", server.query),
        Route("/query/download", server.download),
        Route("/entity/{id:path}", server.entity),
        Route("/path", server.path),
        Route("/source/{id:path}", server.source),
        Route("/api/source/{id:path}", server.api_source),
        Route("/search", server.search),
        Route("/view/{kind:str}", server.view),
        Route("/view/{kind:str}/{id:path}", server.view),
        Route("/static/{name:str}", server.static),
        Route("/api/entity/{id:path}", server.api_entity),
        Route("/api/path", server.api_path),
        Route("/api/search", server.api_search),
        Route("/healthz", server.healthz),
    ]
    middleware = [Middleware(_SecurityHeaders)]
    if allowed_hosts:
        middleware.append(Middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts))
    middleware.append(
        Middleware(
            CORSMiddleware,
            allow_origins=["*"],
            allow_methods=["GET", "POST"],
            allow_headers=["Accept", "Content-Type"],
            expose_headers=["Retry-After"],
        )
    )

    @contextlib.asynccontextmanager
    async def lifespan(_app):
        yield
        server.pool.close()

    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.server = server
    return app
