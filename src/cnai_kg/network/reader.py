"""Cached look-ups over a lexical index: labels, classes, evidence, status."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rdflib.namespace import DCTERMS, PROV, RDFS

from ..kg import KnowledgeGraph, lang_order
from ..namespaces import CNAI, SCHEMA
from ..store.base import Lex, LexTerm, from_lexical
from .index import (
    _CNAI_NS,
    _COMMENT,
    _DEFINITIONAL,
    _LABEL_PREDICATES,
    _SUBCLASS,
    _TYPE,
    _iri,
    _is_iri,
    _text,
    index_for,
)
from .vocabulary import _FALLBACK_LABELS, _RELATION_LABELS, EDGE_ATTRIBUTES


class _Reader:
    """Cached look-ups (labels, classes, evidence) over the index of one KnowledgeGraph."""

    def __init__(self, kg: KnowledgeGraph, lang: str):
        self.kg = kg
        self.lang = lang
        self.ix = index_for(kg)  # the shared one inside shared_index(), else a new one
        self._labels: dict[LexTerm, str] = {}
        self._evidence: dict[LexTerm, dict[str, str]] = {}
        self._curies: dict[LexTerm, str] = {}
        self._classes: dict[tuple[str, ...], set[str]] = {}
        self._status: dict[LexTerm, str] = {}
        self._templates: dict[LexTerm, dict[str, str]] = {}
        self._kinds: dict[tuple[str, ...], str] = {}
        classes = {c for _, types in self.ix.pairs(_TYPE) for c in types if _is_iri(c)}
        self.superclasses: dict[str, set[str]] = {cls: self._supers(cls) for cls in classes}

    def _supers(self, cls: str) -> set[str]:
        seen = {cls}
        todo = [cls]
        while todo:
            for sup in self.ix.objects(todo.pop(), _SUBCLASS):
                if _is_iri(sup) and sup not in seen:
                    seen.add(sup)
                    todo.append(sup)
        return seen

    def subclasses(self, cls: str) -> set[str]:
        """``cls`` and every class below it (as :meth:`KnowledgeGraph.subclasses`)."""
        seen = {cls}
        todo = [cls]
        while todo:
            for sub in self.ix.subjects(_SUBCLASS, todo.pop()):
                if sub not in seen:
                    seen.add(sub)
                    todo.append(sub)
        return seen

    def curie(self, node: LexTerm) -> str:
        if node not in self._curies:  # as KnowledgeGraph.curie of the rdflib term
            self._curies[node] = self.kg.curie(from_lexical(node))
        return self._curies[node]

    def types(self, node: LexTerm) -> list[str]:
        found = self.ix.objects(node, _TYPE)
        if len(found) == 1 and _is_iri(found[0]):
            return list(found)
        return sorted(t for t in found if _is_iri(t))

    def classes_of(self, node: LexTerm) -> set[str]:
        """Asserted classes of ``node`` and their superclasses (do not change the set)."""
        types = tuple(self.types(node))
        if types not in self._classes:
            out: set[str] = set()
            for t in types:
                out |= self.superclasses.get(t) or self._supers(t)
            self._classes[types] = out
        return self._classes[types]

    def value(self, s: LexTerm, p: str) -> LexTerm | None:
        found = self.ix.objects(s, p)
        if len(found) < 2:
            return found[0] if found else None
        return min(found, key=_text)

    def text(self, s: LexTerm, p: str) -> str:
        """A literal value of ``s p``, in the chosen language when there is one."""
        values = [o for o in self.objects(s, p) if type(o) is Lex]
        for code in [*lang_order(self.lang), ""]:
            for value in values:
                if value.language == code:
                    return value.value
        return values[0].value if values else ""

    def texts(self, s: LexTerm, p: str) -> list[str]:
        """Every literal of ``s p`` in the best language there is (the chosen one, then
        English, Korean, Chinese, then untagged): e.g. caveats kept in English and Korean."""
        values = [o for o in self.objects(s, p) if type(o) is Lex]
        for code in [*lang_order(self.lang), ""]:
            found = [v.value for v in values if v.language == code]
            if found:
                return found
        return [v.value for v in values]

    def objects(self, s: LexTerm, p: str) -> Sequence[LexTerm]:
        found = self.ix.objects(s, p)
        return sorted(found, key=_text) if len(found) > 1 else found

    def subjects(self, p: str, o: LexTerm) -> Sequence[LexTerm]:
        found = self.ix.subjects(p, o)
        return sorted(found, key=_text) if len(found) > 1 else found

    def labels(self, node: LexTerm) -> dict[str, list[str]]:
        """Preferred labels by language, as :meth:`KnowledgeGraph.labels` gives them."""
        out: dict[str, list[str]] = {}
        for pred in _LABEL_PREDICATES:
            for lit in sorted(o for o in self.ix.objects(node, pred) if type(o) is Lex):
                values = out.setdefault(lit.language, [])
                if lit.value not in values:
                    values.append(lit.value)
        return out

    def label(self, node: LexTerm) -> str:
        if node not in self._labels:
            self._labels[node] = self._label(node)
        return self._labels[node]

    def _label(self, node: LexTerm) -> str:
        if type(node) is Lex:
            return node.value
        labels = self.labels(node)
        for code in [*lang_order(self.lang), ""]:
            if labels.get(code):
                return labels[code][0]
        for values in labels.values():
            return values[0]
        curie = self.curie(node)
        names = _RELATION_LABELS.get(curie) or _FALLBACK_LABELS.get(curie)
        if names:
            return next(names[c] for c in lang_order(self.lang) if c in names)
        return curie

    def labels_joined(self, nodes: Iterable[LexTerm]) -> str:
        return "; ".join(sorted({self.label(n) for n in nodes}))

    def evidence(self, fact: LexTerm) -> dict[str, str]:
        """quote, document, report, evidence, why and caveat of one fact."""
        if fact in self._evidence:
            return self._evidence[fact]
        quotes, documents, reports = [], [], []
        for excerpt in self.objects(fact, _DERIVED_FROM):
            for quote in self.objects(excerpt, _QUOTE):
                if _text(quote) not in quotes:
                    quotes.append(_text(quote))
            pages = sorted(int(_text(p)) for p in self.objects(excerpt, _PAGE_START))
            for doc in self.objects(excerpt, _PART_OF):
                # a PDF's page, as cards cite it: "Title, p. 3"
                name = self.label(doc) + (f", p. {pages[0]}" if pages else "")
                if name not in documents:
                    documents.append(name)
                for report in self.objects(doc, _DERIVED_FROM):
                    if self.ix.has_type(report, _REPORT) and self.label(report) not in reports:
                        reports.append(self.label(report))
        definitional = self.ix.has_type(fact, _DEFINITIONAL)
        why = self.text(fact, _COMMENT) if definitional else ""
        if quotes:
            kind = "quote"
        elif definitional:
            kind = "definitional"
        else:
            kind = "none"
        out = {
            "evidence": kind,
            "quote": "\n".join(quotes),
            "document": "; ".join(documents),
            "report": "; ".join(reports),
            "why": why,
            "caveat": " ".join(self.texts(fact, _CAVEAT)),
            "fact": fact if _is_iri(fact) else "",
            "fact_label": self.label(fact) if self.ix.objects(fact, _RDFS_LABEL) else "",
        }
        self._evidence[fact] = out
        return out

    def status(self, fact: LexTerm) -> str:
        """``reported``, ``active``, ``proposed`` or ``definitional``: what the source says
        of ``fact`` (definitional: nothing, it is background knowledge without a quote)."""
        if fact not in self._status:
            self._status[fact] = _fact_status(self, fact)
        return self._status[fact]

    def release(self) -> None:
        """Drop the index and the per-fact records (CURIEs stay: they need neither)."""
        self.ix = None  # type: ignore[assignment]
        self._evidence.clear()
        self._templates.clear()
        self._labels.clear()

    def edge_template(self, fact: LexTerm) -> dict[str, str]:
        """The attributes every edge of ``fact`` shares, keyed in :data:`EDGE_ATTRIBUTES`
        order (copy it before adding an edge's own)."""
        if fact not in self._templates:
            template = dict.fromkeys(EDGE_ATTRIBUTES, "")
            template.update(self.evidence(fact))
            template["fact_status"] = self.status(fact)
            template["fact_kind"] = self.kind(fact)
            self._templates[fact] = template
        return self._templates[fact]

    def kind(self, fact: LexTerm) -> str:
        """CURIE of the most specific class of ``fact`` (``""`` when untyped)."""
        types = tuple(self.types(fact))
        if types not in self._kinds:
            kind = _most_specific(self, fact)
            self._kinds[types] = self.curie(kind) if kind is not None else ""
        return self._kinds[types]


_RDFS_LABEL = _iri(RDFS.label)
_DERIVED_FROM, _QUOTE, _PART_OF = (
    _iri(PROV.wasDerivedFrom),
    _iri(CNAI.quote),
    _iri(DCTERMS.isPartOf),
)
_REPORT, _CAVEAT = _iri(CNAI.Report), _iri(CNAI.caveat)
_PAGE_START = _iri(SCHEMA.pageStart)


def _most_specific(reader: _Reader, node: LexTerm, keep: set[str] | None = None) -> str | None:
    types = [
        t for t in reader.types(node) if keep is None or reader.superclasses.get(t, {t}) & keep
    ]
    types = [t for t in types if t != _DEFINITIONAL]
    if not types:
        return None
    # drop any type that is a superclass of another asserted type
    specific = [
        t for t in types if not any(t != u and t in reader.superclasses.get(u, ()) for u in types)
    ]
    cnai_first = sorted(specific, key=lambda t: (not t.startswith(_CNAI_NS), t))
    return cnai_first[0]


_STATUS_OF = {"status-active": "active", "status-proposed": "proposed"}
#: n-ary facts that are advice: what they link is recommended, not reported.
_ADVICE = frozenset(_iri(c) for c in (CNAI.Opportunity, CNAI.Mitigation))
_STATUS = _iri(CNAI.status)


def _fact_status(reader: _Reader, fact: LexTerm) -> str:
    for status in reader.objects(fact, _STATUS):
        key = _STATUS_OF.get(_text(status).rsplit("/", 1)[-1])
        if key:
            return key
    if reader.classes_of(fact) & _ADVICE:
        return "proposed"
    if reader.evidence(fact)["evidence"] == "definitional":
        return "definitional"
    return "reported"
