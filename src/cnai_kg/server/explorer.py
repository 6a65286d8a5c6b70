"""What the explorer's pages and the JSON API show, as plain data.

Every function here is synchronous and runs in the server's worker pool. They
go through the public :class:`~cnai_kg.kg.KnowledgeGraph` API (``card``,
``facts_about``, ``label``, ``resolve``), :func:`~cnai_kg.query.run_query`
and :func:`~cnai_kg.algorithms.evidence_paths`, so they work on any store.
"""

from __future__ import annotations

import bisect
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import cache, cached_property
from importlib import resources as importlib_resources
from typing import Any
from urllib.parse import quote

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS
from rdflib.term import Node

from ..errors import NoPath, UsageError
from ..kg import LANGS, KnowledgeGraph, lang_order
from ..namespaces import CNAI
from ..query import Rows, Triples, parse_header, run_query
from ..resolve import expand, normalize
from .i18n import TEXT

__all__ = ["Explorer", "Limits", "page_url", "source_url"]

#: The statuses of the path finder's "with definitional facts" (proposals stay out).
WITH_DEFINITIONAL = "reported,active,definitional"
#: The page a card adds after a document's title (``Title, p. 3``).
_PAGE = re.compile(r", p\. \d+$")

#: Relations an entity page does not list (names are shown above them; the partners of a
#: partnership have a table of their own).
_HIDDEN = {RDF.type, RDFS.label, SKOS.prefLabel, SKOS.altLabel, CNAI.hasParticipation}
#: Why an entity has no neighbourhood to draw, by the class it belongs to (the key of the
#: sentence in :data:`cnai_kg.server.i18n.TEXT`); the first class that applies wins.
_NO_NEIGHBOURHOOD = (
    (CNAI.PartnerRole, "no_graph_role"),
    (SKOS.ConceptScheme, "no_graph_scheme"),
    (CNAI.Report, "no_graph_source"),
    (CNAI.Article, "no_graph_source"),
    (CNAI.Website, "no_graph_source"),
)
#: The server's own queries (in ``server/queries/``), as opposed to the named library.
_OWN_QUERIES = ("outgoing", "incoming", "participations")


@cache
def _server_query(name: str) -> str:
    return (importlib_resources.files(__package__) / "queries" / f"{name}.rq").read_text(
        encoding="utf-8"
    )


class Limits:
    """What one request may use: seconds, rows, bytes, and the pool's size."""

    def __init__(
        self,
        *,
        timeout: float = 30.0,
        max_rows: int = 100_000,
        max_request: int = 64 * 1024,
        workers: int = 4,
        backlog: int = 8,
    ):
        self.timeout = timeout
        self.max_rows = max_rows
        self.max_request = max_request
        self.workers = workers
        self.backlog = backlog


class _Cache:
    """A small thread-safe LRU cache of built values (views, pages' data)."""

    def __init__(self, size: int = 128):
        self._size = size
        self._items: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any, build: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = build()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value


class Explorer:
    """The data behind the explorer's pages and the JSON API, for one graph."""

    def __init__(self, kg: KnowledgeGraph, limits: Limits | None = None, workspace=None):
        self.kg = kg
        self.limits = limits or Limits()
        self.workspace = workspace
        self._views = _Cache(64)
        self._documents = _Cache(8)

    # ------------------------------------------------------------------ terms

    @cached_property
    def entity_set(self) -> frozenset[URIRef]:
        return frozenset(self.kg.entities())

    def term(self, node: Node | None, lang: str) -> dict:
        """Display record of one RDF term: text, and the entity's id when it has a page."""
        if node is None:
            return {"text": "", "id": None, "curie": None}
        if isinstance(node, Literal):
            out = {"text": str(node), "id": None, "curie": None}
            if node.language:
                out["lang"] = node.language
            return out
        if isinstance(node, BNode):
            return {"text": f"_:{node}", "id": None, "curie": None}
        curie = self.kg.curie(node)
        return {
            "text": self.kg.label(node, lang),
            "id": curie if node in self.entity_set else None,
            "curie": curie,
        }

    # ------------------------------------------------------------------ home

    def home(self, lang: str) -> dict:
        kg = self.kg
        stats = kg.stats()
        # one row per hub, kind and item (cities, specialisations, organisations)
        hubs: dict[Node, dict] = {}
        for row in self._select("hubs", lang):
            hub = hubs.setdefault(row.hub, {**self.term(row.hub, lang), "kinds": {}})
            kind = self.kg.label(row.kind, lang)
            items = hub["kinds"].setdefault(kind, [])
            item = self.term(row.item, lang)
            if item not in items:
                items.append(item)
        partnerships = [self.term(p, lang) for p in kg.entities(CNAI.Partnership)]
        companies = [self.term(c, lang) for c in kg.entities(CNAI.Company)]
        kinds = [
            {**self.term(expand(curie), lang), "n": n}
            for curie, n in stats["entities_per_class"].items()
        ]
        return {
            "stats": stats,
            "kinds": kinds,
            "hubs": sorted(hubs.values(), key=lambda t: t["text"].casefold()),
            "companies": sorted(companies, key=lambda t: t["text"].casefold()),
            "partnerships": sorted(partnerships, key=lambda t: t["text"].casefold()),
        }

    # ---------------------------------------------------------------- entity

    def entity(self, name: str, lang: str) -> dict:
        """Everything the entity page and ``/api/entity`` show (EntityNotFound if unknown)."""
        kg = self.kg
        iri = kg.resolve(name)
        card = kg.card(iri, lang)
        outgoing = []
        texts: dict[URIRef, list[Literal]] = {}
        for row in self._select("outgoing", lang, entity=iri):
            if row.relation in _HIDDEN:
                continue
            if isinstance(row.value, Literal) and row.value.language:
                texts.setdefault(row.relation, []).append(row.value)
                continue
            outgoing.append(
                {"relation": self.term(row.relation, lang), "value": self._value(row.value, lang)}
            )
        # a text given in several languages (a caveat, a gap): the page's language only
        for relation, values in texts.items():
            for value in _in_best_lang(values, lang):
                outgoing.append(
                    {"relation": self.term(relation, lang), "value": self.term(value, lang)}
                )
        incoming = []
        for row in self._select("incoming", lang, entity=iri):
            if row.source not in self.entity_set:
                continue
            incoming.append(
                {"relation": self.term(row.relation, lang), "source": self.term(row.source, lang)}
            )
        partners = [
            {
                "partnership": self.term(row.partnership, lang),
                "member": self.term(row.member, lang),
                "role": self.term(row.role, lang),
            }
            for row in self._select("participations", lang, entity=iri)
        ]

        def order(key):
            return lambda r: (r["relation"]["text"].casefold(), r[key]["text"].casefold())

        facts = [
            {
                "id": kg.curie(f.fact),
                "kind": f.kind,
                "kind_label": f.kind_label,
                "summary": f.summary,
                "quotes": list(f.quotes),
                "formats": list(f.formats or (None,) * len(f.quotes)),
                "documents": [
                    {"text": d, "id": self.document_ids(lang).get(_PAGE.sub("", d))}
                    for d in f.documents
                ],
                "caveats": list(f.caveats),
                "definitional": f.definitional,
                "why": f.why,
            }
            for f in card.facts
        ]
        return {
            "id": card.curie,
            "iri": str(iri),
            "label": kg.label(iri, lang),
            "labels": {code: card.labels.get(code, []) for code in LANGS},
            "aliases": {code: card.aliases.get(code, []) for code in LANGS},
            "types": [self.term(t, lang) for t in kg.types(iri)],
            "outgoing": sorted(outgoing, key=order("value")),
            "incoming": sorted(incoming, key=order("source")),
            "partners": sorted(
                partners,
                key=lambda r: (r["partnership"]["text"].casefold(), r["member"]["text"].casefold()),
            ),
            # the columns of the partners table, less the one that is this entity throughout
            "partner_columns": [
                key
                for key in ("partnership", "member", "role")
                if not partners or any(r[key]["curie"] != card.curie for r in partners)
            ],
            "facts": facts,
            "file": card.file,
        }

    def _value(self, node: Node, lang: str) -> dict:
        """A relation's value; a source excerpt shows its quote and its document."""
        out = self.term(node, lang)
        if isinstance(node, URIRef) and out["id"] is None:
            quote = self.kg.value(node, CNAI.quote)
            if quote is not None:
                document = self.kg.value(node, DCTERMS.isPartOf)
                out.update(text=str(quote), quote=True, lang=getattr(quote, "language", None))
                if document is not None:
                    out["document"] = self.term(document, lang)
        return out

    def neighbourhood(self, name: str, lang: str) -> dict:
        """Whether the entity page draws a neighbourhood, and if not, why (a TEXT key)."""
        kg = self.kg
        iri = kg.resolve(name)
        view = self.view("entity", lang, kg.curie(iri))
        nodes = len(view.nodes) if view is not None else 0
        if nodes > 1:
            return {"drawn": True, "reason": None, "nodes": nodes}
        reason = next(
            (key for cls, key in _NO_NEIGHBOURHOOD if kg.is_instance(iri, cls)), "no_graph"
        )
        return {"drawn": False, "reason": reason, "nodes": nodes}

    # ---------------------------------------------------------------- sources

    def document_ids(self, lang: str) -> dict[str, str]:
        """Each document's label in ``lang`` -> its id (the ``/source/ID`` of its page)."""
        from ..curate.sources import documents

        def build():
            return {d.label: d.id for d in documents(self.kg, self.workspace, lang)}

        return self._documents.get(lang, build)

    def _fact(self, curie: str, lang: str) -> dict:
        """A fact as a link to its page: a statement by its triple, others by label."""
        kg = self.kg
        node = expand(curie) or URIRef(curie)
        subject = kg.value(node, RDF.subject)
        if subject is not None:
            pred, obj = kg.value(node, RDF.predicate), kg.value(node, RDF.object)
            text = f"{kg.label(subject, lang)} —{kg.label(pred, lang)}→ {kg.label(obj, lang)}"
        else:
            text = kg.label(node, lang)
        return {"text": text, "id": curie, "curie": curie}

    def source(self, name: str, lang: str, api: bool = False) -> dict:
        """A document's page: its registered text (when the workspace holds it) split into
        passages, every quoted one marked with the excerpts and facts that cite it.

        ``segments`` cover the text in order: ``text``, ``cites`` (numbers of
        ``passages`` quoting it, empty for unquoted text) and ``page`` (the PDF page that
        starts there). A quote the text does not hold (the text changed) is listed with
        ``found`` false.
        """
        from ..curate.anchor import Anchor
        from ..curate.sources import citations, find_document, source_text

        kg = self.kg
        doc = find_document(kg, self.workspace, name, lang)
        text = None
        if doc.source is not None:
            text = source_text(self.workspace, doc.source, doc.version)
        passages, spans = [], []
        for n, cite in enumerate(citations(kg, doc), 1):
            where = None
            if text is not None:
                if cite.anchored == text.sha256 and cite.start is not None:
                    where = (cite.start, cite.end)
                else:
                    found = text.resolve(
                        cite.quote, prefix=cite.prefix or "", suffix=cite.suffix or ""
                    )
                    if isinstance(found, Anchor):
                        where = (found.start, found.end)
            page = cite.page
            if page is None and where is not None and text.pages:
                page = bisect.bisect_right(text.pages, where[0])
            passages.append(
                {
                    "n": n,
                    "excerpt": cite.excerpt,
                    "quote": cite.quote,
                    "page": page,
                    "found": where is not None,
                    "start": where[0] if where else None,
                    "end": where[1] if where else None,
                    "facts": [self._fact(f, lang) for f in cite.facts],
                }
            )
            if where is not None:
                spans.append((where[0], where[1], n))
        out = {
            "id": doc.id,
            "curie": doc.curie,
            "iri": doc.iri,
            "title": doc.label,
            "classes": doc.classes,
            "language": doc.language,
            "media_type": doc.media_type,
            "registered": text is not None,
            "version": doc.version.version if doc.version else None,
            "pages": len(text.pages) if text is not None else 0,
            "passages": passages,
        }
        if text is not None:
            out["segments"] = _segments(text.text, spans, text.pages)
        if api and text is not None:
            out["text"] = text.text
        return out

    # ------------------------------------------------------------------ path

    def paths(
        self, source: str, target: str, lang: str, *, k: int = 3, definitional: bool = False
    ) -> dict:
        """Up to ``k`` evidence chains between two entities named in any language: through
        what the source reports, and with ``definitional`` through background facts too."""
        from ..algorithms import evidence_paths

        kg = self.kg
        a, b = kg.resolve(source), kg.resolve(target)
        # the projection the drawing uses (render's), so the first chain is the one drawn
        from ..render import VIEW_CLASSES

        try:
            found = evidence_paths(
                kg,
                kg.curie(a),
                kg.curie(b),
                k=k,
                lang=lang,
                partnerships="nodes",
                claims=True,
                classes=VIEW_CLASSES,
                status=WITH_DEFINITIONAL if definitional else None,
            )
        except NoPath as e:
            e.ends = (kg.label(a, lang), kg.label(b, lang))  # for the page's own sentence
            raise
        except UsageError as e:
            # an end the network leaves out (a role, a vocabulary, a document): say which
            from ..network import to_networkx

            G = to_networkx(kg, partnerships="nodes", claims=True, classes=VIEW_CLASSES, lang=lang)
            e.outside = [kg.label(x, lang) for x in (a, b) if kg.curie(x) not in G]
            raise
        return {
            "from": self.term(a, lang),
            "to": self.term(b, lang),
            "definitional": definitional,
            "paths": [p.to_dict() for p in found],
        }

    # ---------------------------------------------------------------- search

    @cached_property
    def _names(self) -> list[tuple[str, str, URIRef]]:
        out = []
        for e in sorted(self.entity_set):
            seen = set()
            names = [v for vs in self.kg.labels(e).values() for v in vs]
            names += [v for vs in self.kg.aliases(e).values() for v in vs]
            names.append(self.kg.curie(e))
            for name in names:
                key = normalize(name)
                if key and key not in seen:
                    seen.add(key)
                    out.append((key, name, e))
        return out

    def search(self, q: str, lang: str, *, limit: int = 20) -> list[dict]:
        """Entities with a label, alias or CURIE containing ``q`` (any language), best first."""
        key = normalize(q)
        if not key:
            return []
        best: dict[URIRef, tuple] = {}
        for name_key, name, e in self._names:
            if key not in name_key:
                continue
            rank = (0 if name_key == key else 1 if name_key.startswith(key) else 2, len(name_key))
            if e not in best or rank < best[e][0]:
                best[e] = (rank, name)
        ranked = sorted(best.items(), key=lambda kv: (kv[1][0], self.kg.label(kv[0], lang)))
        return [
            {
                **self.term(e, lang),
                "match": name,
                "types": [self.kg.label(t, lang) for t in self.kg.types(e)],
            }
            for e, (_rank, name) in ranked[:limit]
        ]

    # ----------------------------------------------------------------- query

    def _select(self, name: str, lang: str, **bindings: Node) -> Rows:
        return run_query(
            self.kg,
            _server_query(name) if name in _OWN_QUERIES else name,
            timeout=None,
            max_rows=None,
            lang=lang,
            **bindings,
        )

    def run(self, text: str, params: dict[str, str], lang: str) -> Rows | Triples:
        """Run a query typed on the query page, with its header's parameters."""
        declared = {p.name for p in parse_header(text)["params"]}
        values = {k: v for k, v in params.items() if k in declared and v.strip()}
        return run_query(
            self.kg,
            text,
            timeout=self.limits.timeout,
            max_rows=self.limits.max_rows,
            lang=lang,
            bindings=values,
        )

    def table(self, result: Rows | Triples, lang: str, *, limit: int = 1000) -> dict:
        """Headers and cells (text with entity links) of an answer, and its graph drawing."""
        if isinstance(result, Triples):
            head = ["subject", "predicate", "object"]
            rows = [list(t) for t in result]
        elif result.kind == "ASK":
            return {"kind": "ASK", "boolean": bool(result), "head": [], "rows": [], "total": 0}
        else:
            head = list(result.vars)
            rows = [list(r) for r in result.tuples]
        cells = [[self.term(x, lang) for x in r] for r in rows[:limit]]
        return {
            "kind": result.kind,
            "head": head,
            "rows": cells,
            "total": len(rows),
            "graph": self._drawing(head, rows[:limit], lang, triples=isinstance(result, Triples)),
        }

    def labelled(self, result: Rows, lang: str) -> Rows:
        """``result`` with a ``<var>_label`` column after each column that holds IRIs: the
        names the table shows, in ``lang``, for the downloads of the query page."""
        if result.kind != "SELECT":
            return result
        rows = result.tuples
        taken = set(result.vars)
        columns: list[tuple[str, int, bool]] = []
        for i, var in enumerate(result.vars):
            columns.append((var, i, False))
            if any(isinstance(r[i], URIRef) for r in rows):
                name = f"{var}_label"
                while name in taken:
                    name += "_"
                taken.add(name)
                columns.append((name, i, True))

        def cell(row, i: int, label: bool):
            if not label:
                return row[i]
            return Literal(self.kg.label(row[i], lang)) if isinstance(row[i], URIRef) else None

        return Rows(
            "SELECT",
            [name for name, _, _ in columns],
            [tuple(cell(r, i, label) for _, i, label in columns) for r in rows],
            kg=self.kg,
            lang=lang,
        )

    def _drawing(self, head: list[str], rows: list[list], lang: str, *, triples: bool) -> dict:
        """Nodes and edges for "show as graph": IRIs; triples or row neighbours as edges."""
        nodes: dict[str, dict] = {}
        edges: dict[tuple, dict] = {}

        def node(x) -> str | None:
            if not isinstance(x, URIRef):
                return None
            t = self.term(x, lang)
            nodes.setdefault(t["curie"], {"id": t["curie"], "label": t["text"], "page": t["id"]})
            return t["curie"]

        for r in rows:
            if triples:
                s, p, o = (node(r[0]), r[1], node(r[2]))
                if s and o:
                    label = self.kg.label(p, lang)
                    edges.setdefault((s, label, o), {"from": s, "to": o, "label": label})
                continue
            ids = [(v, node(x)) for v, x in zip(head, r, strict=True)]
            ids = [(v, i) for v, i in ids if i]
            for (v1, a), (v2, b) in zip(ids, ids[1:], strict=False):
                if a != b:
                    label = f"{v1}–{v2}"
                    edges.setdefault((a, label, b), {"from": a, "to": b, "label": label})
        return {"nodes": list(nodes.values()), "edges": list(edges.values())}

    # ----------------------------------------------------------------- views

    def view(self, kind: str, lang: str, *args: str):
        """A :class:`~cnai_kg.render.GraphView` for the home, entity or path page (cached);
        None for an entity the network leaves out.

        An entity's neighbourhood keeps every status (proposals are drawn dashed) and the
        entity's own classes, so that a proposal, an indicator or a status is drawn with
        the facts that point at it. Each view's ``meta["pages"]`` maps the nodes that have
        an entity page to its address, which the view links to.
        """

        def build():
            from ..render import VIEW_CLASSES

            kg = self.kg
            if kind == "home":
                view = kg.render(
                    classes=["Company", "AIHub", "Partnership", "City"],
                    lang=lang,
                    title=_HOME_TITLE[lang],
                )
            elif kind == "entity":
                iri = kg.resolve(args[0])
                classes = list(dict.fromkeys([*VIEW_CLASSES, *kg.types(iri)]))
                try:
                    view = kg.render(
                        focus=kg.curie(iri), hops=1, lang=lang, classes=classes, status="all"
                    )
                except UsageError:
                    return None  # not a node of the projection: the page says why
            else:
                a, b = (kg.curie(kg.resolve(x)) for x in args[:2])
                status = WITH_DEFINITIONAL if args[2:3] == ("1",) else None
                view = kg.render(path=(a, b), hops=0, lang=lang, status=status)
            view.meta["pages"] = {
                n["id"]: page_url(n["id"], lang)
                for n in view.nodes
                if expand(n["id"]) in self.entity_set
            }
            view.meta["openPage"] = TEXT[lang]["open_page"]
            return view

        return self._views.get((kind, lang, *args), build)


def _segments(text: str, spans: list[tuple[int, int, int]], pages) -> list[dict]:
    """``text`` cut at every quoted span's ends and every page start (see
    :meth:`Explorer.source`); overlapping quotes share the segments they overlap."""
    cuts = {0, len(text)}
    for start, end, _ in spans:
        cuts.update((start, end))
    cuts.update(p for p in pages if 0 < p < len(text))
    bounds = sorted(cuts)
    page_at = {p: i for i, p in enumerate(pages, 1)} if pages else {}
    out = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        cites = [n for start, end, n in spans if start <= a and b <= end]
        out.append({"text": text[a:b], "cites": cites, "page": page_at.get(a)})
    return out


def source_url(source_id: str, lang: str, passage: int | None = None) -> str:
    """The explorer's address of a document's page (and of one passage on it)."""
    tail = f"#passage-{passage}" if passage else ""
    return f"/source/{quote(source_id, safe='')}?lang={lang}{tail}"


def page_url(entity_id: str, lang: str) -> str:
    """The explorer's address of an entity's page."""
    return f"/entity/{quote(entity_id, safe=':')}?lang={lang}"


def _in_best_lang(values: list[Literal], lang: str) -> list[Literal]:
    """The literals in the best language there is for ``lang`` (see :func:`lang_order`)."""
    for code in lang_order(lang):
        found = [v for v in values if v.language == code]
        if found:
            return sorted(found)
    return sorted(values)


_HOME_TITLE = {
    "en": "Companies, hubs and partnerships",
    "ko": "기업, 허브와 파트너십",
    "zh": "企业、中心与合作",
}
