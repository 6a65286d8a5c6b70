"""What the explorer's pages and the JSON API show, as plain data.

Every function here is synchronous and runs in the server's worker pool. They
go through the public :class:`~cnai_kg.kg.KnowledgeGraph` API (``card``,
``facts_about``, ``label``, ``resolve``), :func:`~cnai_kg.query.run_query`
and :func:`~cnai_kg.algorithms.evidence_paths`, so they work on any store.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import cache, cached_property
from importlib import resources as importlib_resources
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.term import Node

from ..kg import LANGS, KnowledgeGraph
from ..namespaces import CNAI
from ..query import Rows, Triples, parse_header, run_query
from ..resolve import normalize

__all__ = ["Explorer", "Limits"]

_HIDDEN = {RDF.type, RDFS.label, SKOS.prefLabel, SKOS.altLabel}


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

    def __init__(self, kg: KnowledgeGraph, limits: Limits | None = None):
        self.kg = kg
        self.limits = limits or Limits()
        self._views = _Cache(64)

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
        return {
            "stats": stats,
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
        for row in self._select("outgoing", lang, entity=iri):
            if row.relation in _HIDDEN:
                continue
            outgoing.append(
                {"relation": self.term(row.relation, lang), "value": self.term(row.value, lang)}
            )
        incoming = []
        for row in self._select("incoming", lang, entity=iri):
            if row.source not in self.entity_set:
                continue
            incoming.append(
                {"relation": self.term(row.relation, lang), "source": self.term(row.source, lang)}
            )

        def order(key):
            return lambda r: (r["relation"]["text"].casefold(), r[key]["text"].casefold())

        facts = [
            {
                "id": kg.curie(f.fact),
                "kind": f.kind,
                "summary": f.summary,
                "quotes": list(f.quotes),
                "documents": list(f.documents),
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
            "facts": facts,
            "file": card.file,
        }

    # ------------------------------------------------------------------ path

    def paths(self, source: str, target: str, lang: str, *, k: int = 3) -> dict:
        """Up to ``k`` evidence chains between two entities named in any language."""
        from ..algorithms import evidence_paths

        kg = self.kg
        a, b = kg.resolve(source), kg.resolve(target)
        # the projection the drawing uses (render's), so the first chain is the one drawn
        from ..render import VIEW_CLASSES

        found = evidence_paths(
            kg,
            kg.curie(a),
            kg.curie(b),
            k=k,
            lang=lang,
            partnerships="nodes",
            claims=True,
            classes=VIEW_CLASSES,
        )
        return {
            "from": self.term(a, lang),
            "to": self.term(b, lang),
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
            _server_query(name) if name in ("outgoing", "incoming") else name,
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
        """A :class:`~cnai_kg.render.GraphView` for the home, entity or path page (cached)."""

        def build():
            kg = self.kg
            if kind == "home":
                return kg.render(
                    classes=["Company", "AIHub", "Partnership", "City"],
                    lang=lang,
                    title=_HOME_TITLE[lang],
                )
            if kind == "entity":
                return kg.render(focus=kg.curie(kg.resolve(args[0])), hops=1, lang=lang)
            a, b = (kg.curie(kg.resolve(x)) for x in args)
            return kg.render(path=(a, b), hops=0, lang=lang)

        return self._views.get((kind, lang, *args), build)


_HOME_TITLE = {
    "en": "Companies, hubs and partnerships",
    "ko": "기업, 허브와 파트너십",
    "zh": "企业、中心与合作",
}
