"""Rows of a sheet to sourced facts: the triples ``cnai-kg import`` writes.

A row says what an analyst read: who, what relation, whom, the exact words and
the document. This module mints everything else, as the shapes want it:

- an **entity** row: ``kg:ID`` with its class, labels and aliases;
- every **quote**: a ``cnai:SourceExcerpt`` (also an ``oa:SpecificResource``) with
  its W3C Web Annotation selectors, found in the registered text of its source
  (:mod:`~cnai_kg.curate.anchor`);
- a **relation** row: the triple and the ``cnai:Statement`` that describes it;
- a **partnership** row: the ``cnai:Partnership``, a ``cnai:Participation``
  (``org:member``, ``org:role``) per partner;
- a **figure** row: the ``cnai:MarketFigure`` and its ``schema:QuantitativeValue``
  (or ``schema:MonetaryAmount``);
- a **claim** row: the ``cnai:Claim``.

IRIs come from content, never from row numbers: an entity is ``kg:ID``; a
statement ``kg:st-SUBJECT-RELATION-OBJECT``; an excerpt ``kg:ex-SOURCE-`` and a
digest of its quote (and of which occurrence, when the quote is there more than
once); a partnership ``kg:partnership-`` its partners and markets; a figure
``kg:fig-`` a digest of its indicator, subjects, region and year; a claim
``kg:claim-`` a digest of its English label. Re-ordering rows changes nothing.

Every problem is collected (file, sheet, row, column, what, a hint); if there is
one, nothing is built.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from ..errors import AmbiguousEntity, EntityNotFound
from ..namespaces import CNAI, DCTERMS, KG, OA, ORG, PROV, RDF, RDFS, SCHEMA, SKOS, XSD
from ..resolve import Resolver, expand, normalize
from .anchor import Ambiguous, Anchor, SourceText
from .layouts import MAX_PARTNERS
from .sheets import Row, Table

__all__ = ["Builder", "Document", "Problem"]

_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*")
_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
_YEAR = re.compile(r"\d{4}")
_PERIOD = re.compile(r"(\d{4})\s*[-–~]\s*(\d{4})")
_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][+-]?\d+)?")
_YES = {"yes", "y", "true", "1", "예", "네", "o"}
_NO = {"no", "n", "false", "0", "아니오", "아니요", "x", ""}
#: Classes a row of the entities sheet may not use: they have sheets (or commands) of their own.
_NOT_ENTITY_CLASSES = ("Fact", "Document", "SourceExcerpt", "Participation", "CentralityScore")
_PLACES = ("Country", "EconomicZone", "City", "WorldRegion")
#: Statuses each kind of row may give.
_STATUSES = {
    "relations": ("reported", "active", "proposed"),
    "partnerships": ("active", "proposed"),
    "figures": ("reported", "forecast", "unclear"),
}
#: How many not-found quotes get their closest passage looked up.
_CLOSEST_LIMIT = 100


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an import, where it is, and what would fix it."""

    file: str
    sheet: str | None
    row: int | None
    column: str | None
    what: str
    hint: str | None = None

    def line(self) -> str:
        """The problem as one line: ``file[sheet] row N, column: what (hint)``."""
        where = f"{self.file}[{self.sheet}]" if self.sheet else self.file
        if self.row is not None:
            where += f" row {self.row}"
        if self.column:
            where += f", {self.column}"
        text = f"{where}: {self.what}"
        return f"{text}; {self.hint}" if self.hint else text


@dataclass(frozen=True)
class Document:
    """A source document that has a registered text: what quotes are found in."""

    iri: str
    id: str
    label: str
    language: str
    text: SourceText


class _Skip(Exception):
    """A cell was wrong (its problem is recorded): leave the row out."""


def _nn(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _lit(value: str, *, lang: str | None = None, datatype=None) -> ox.Literal:
    if lang:
        return ox.Literal(value, language=lang)
    if datatype is not None:
        return ox.Literal(value, datatype=_nn(str(datatype)))
    return ox.Literal(value)


def _digest(*parts: str, length: int = 10) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:length]


def _local(iri: str) -> str:
    return re.split(r"[/#]", iri)[-1]


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")


def _camel(label: str) -> str:
    words = re.findall(r"[A-Za-z0-9]+", label)
    return "".join(w[:1].upper() + w[1:] for w in words)


def _script_lang(name: str) -> str:
    if any("\uac00" <= c <= "\ud7a3" or "\u1100" <= c <= "\u11ff" for c in name):
        return "ko"
    if any("\u4e00" <= c <= "\u9fff" for c in name):
        return "zh"
    return "en"


T = {
    "type": _nn(str(RDF.type)),
    "label": _nn(str(RDFS.label)),
    "alt": _nn(str(SKOS.altLabel)),
    "subject": _nn(str(RDF.subject)),
    "predicate": _nn(str(RDF.predicate)),
    "object": _nn(str(RDF.object)),
    "derived": _nn(str(PROV.wasDerivedFrom)),
    "caveat": _nn(str(CNAI.caveat)),
    "status": _nn(str(CNAI.status)),
    "sector": _nn(str(CNAI.sector)),
    "about": _nn(str(CNAI.about)),
}


class Builder:
    """Builds the triples of an import from its tables, collecting every problem.

    Parameters
    ----------
    kg : the graph the import adds to (the workspace without the file it replaces)
    documents : the documents with a registered text, by IRI
    """

    def __init__(self, kg, documents: dict[str, Document]):
        self.kg = kg
        self.documents = documents
        self.triples: set[ox.Triple] = set()
        self.problems: list[Problem] = []
        self.origin: dict[str, tuple[str, str | None, int]] = {}
        self.counts: dict[str, int] = defaultdict(int)
        self._closest_left = _CLOSEST_LIMIT
        self._new: dict[str, tuple[str, Table, Row]] = {}  # iri -> (class iri, table, row)
        self._new_names: list[tuple[ox.NamedNode, str]] = []
        self._new_labels: dict[tuple[str, str], str] = {}
        self._statement_status: dict[str, str | None] = {}
        self._lookups()

    # ------------------------------------------------------------ lookups

    def _lookups(self) -> None:
        kg = self.kg
        self.classes: dict[str, str] = {}
        for row in kg._select("curate-classes"):
            iri = str(row["class"])
            for key in (_local(iri), kg.curie(row["class"]), str(row.get("label", ""))):
                if key:
                    self.classes.setdefault(normalize(key), iri)
        self.relations: dict[str, str] = {}
        self._relation_names: dict[str, str] = {}
        for row in kg._select("curate-relations"):
            iri = str(row["property"])
            for key in (_local(iri), kg.curie(row["property"]), str(row.get("label", ""))):
                if key:
                    self.relations.setdefault(normalize(key), iri)
                    self._relation_names.setdefault(normalize(key), _local(iri))
        self._subclasses: dict[str, set[str]] = {}
        self.statuses: dict[str, str] = {}
        for row in kg._select("curate-instances", of=CNAI.Status):
            iri = str(row["node"])
            keys = (_local(iri), _local(iri).removeprefix("status-"), str(row.get("label", "")))
            for key in keys:
                if key:
                    self.statuses.setdefault(normalize(key), iri)

    def subclasses(self, local: str) -> set[str]:
        """IRIs of ``cnai:LOCAL`` and its subclasses."""
        if local not in self._subclasses:
            self._subclasses[local] = {str(c) for c in self.kg.subclasses(CNAI[local])}
        return self._subclasses[local]

    def classes_of(self, iri: str) -> set[str]:
        if iri in self._new:
            return {self._new[iri][0]}
        from rdflib import URIRef

        return {str(t) for t in self.kg.types(URIRef(iri))}

    # ------------------------------------------------------------ problems

    def problem(self, table: Table, row: Row | None, column: str | None, what: str, hint=None):
        letter = table.letters.get(column) if column else None
        shown = f"{column} ({letter})" if letter else column
        self.problems.append(
            Problem(table.file, table.sheet, row.number if row else None, shown, what, hint)
        )
        raise _Skip

    def cell(self, table: Table, row: Row, column: str, *, required: bool = False) -> str:
        value = row.get(column).strip()
        if required and not value:
            layout_help = {
                "quote": "the exact words of the source",
                "source": "a registered source id",
            }.get(column)
            self.problem(table, row, column, "empty", layout_help)
        return value

    def add(self, s, p, o) -> None:
        self.triples.add(ox.Triple(s, p, o))

    # ------------------------------------------------------------ entities

    def entities(self, tables: list[Table]) -> None:
        """Mint the entities first: rows of the other sheets may name them."""
        for table in tables:
            for row in table.rows:
                try:
                    self._entity(table, row)
                except _Skip:
                    continue
        names = [(iri, name) for iri, name in self._new_names]
        self._resolver = Resolver(
            ((ox_to_uri(i), n) for i, n in names),
            preferred=frozenset(ox_to_uri(i) for i, _ in names),
        )

    def _entity(self, table: Table, row: Row) -> None:
        label_en = self.cell(table, row, "label_en", required=True)
        given = self.cell(table, row, "id")
        local = given or _camel(label_en)
        if not _ID.fullmatch(local or ""):
            what = f"{local!r} cannot be an id" if given else "no id can be made from label_en"
            self.problem(
                table, row, "id", what, "use letters, digits, '-', '_' (start with a letter)"
            )
        iri = str(KG[local])
        if iri in self._new:
            _, other_table, other = self._new[iri]
            self.problem(
                table, row, "id", f"kg:{local} is defined twice", f"also at row {other.number}"
            )
        from rdflib import URIRef

        if self.kg._known(URIRef(iri)):
            where = self.kg.file_of(URIRef(iri)) or "the graph"
            self.problem(table, row, "id", f"kg:{local} is already in {where}", "choose another id")
        cls = self.cell(table, row, "class", required=True)
        cls_iri = self._class(table, row, cls)
        self._new[iri] = (cls_iri, table, row)
        self.origin[iri] = (table.file, table.sheet, row.number)
        node = _nn(iri)
        self.add(node, T["type"], _nn(cls_iri))
        for lang in ("en", "ko", "zh"):
            text = self.cell(table, row, f"label_{lang}")
            if text:
                self.add(node, T["label"], _lit(text, lang=lang))
                self._new_names.append((node, text))
                self._new_labels[(iri, lang)] = text
        for alias in filter(None, (a.strip() for a in self.cell(table, row, "aliases").split(";"))):
            name, at, lang = alias.rpartition("@")
            if not (at and lang in ("en", "ko", "zh") and name.strip()):
                name, lang = alias, _script_lang(alias)
            self.add(node, T["alt"], _lit(name.strip(), lang=lang))
            self._new_names.append((node, name.strip()))
        self._new_names.append((node, local))
        self.counts["entities"] += 1

    def _class(self, table: Table, row: Row, name: str) -> str:
        iri = self.classes.get(normalize(name.removeprefix("cnai:")))
        if iri is None and expand(name) is not None:
            iri = self.classes.get(normalize(self.kg.curie(expand(name))))
        if iri is None:
            import difflib

            close = difflib.get_close_matches(
                normalize(name), [k for k in self.classes if ":" not in k], 3, 0.6
            )
            hint = ("closest: " + ", ".join(close)) if close else "e.g. Company, City, Sector"
            self.problem(table, row, "class", f"unknown class {name!r}", hint)
        for local in _NOT_ENTITY_CLASSES:
            if iri in self.subclasses(local):
                sheet = {
                    "Fact": "its own sheet (relations, partnerships, figures, claims)",
                    "Document": "cnai-kg source add",
                }.get(local, "nothing: cnai-kg makes them")
                self.problem(
                    table,
                    row,
                    "class",
                    f"{self.kg.curie(_uri(iri))} is not an entity class",
                    f"use {sheet}",
                )
        return iri

    # ------------------------------------------------------------ names

    def entity(
        self, table, row, column, name, *, kind: tuple[str, ...] = (), what=""
    ) -> ox.NamedNode:
        """The entity ``name`` stands for (new ones included); ``kind`` lists cnai
        classes it must be an instance of (any of them)."""
        found: set[str] = set()
        matches: list[str] = []
        try:
            found.add(str(self._resolver.resolve(name, closest=False)))
        except AmbiguousEntity as e:
            self.problem(table, row, column, str(e), "give its id or CURIE (kg:ID)")
        except EntityNotFound:
            pass
        try:
            found.add(str(self.kg.resolve(name, closest=False)))
        except AmbiguousEntity as e:
            self.problem(table, row, column, str(e), "give its CURIE (kg:ID)")
        except EntityNotFound:
            pass
        if not found:  # only now look for the closest names (a slow search)
            matches += self._resolver.closest(name) + self.kg.resolver.closest(name)
            hint = ("closest: " + ", ".join(dict.fromkeys(matches))) if matches else None
            self.problem(table, row, column, f"unknown entity {name!r}", hint)
        if len(found) > 1:
            names = ", ".join(sorted(self.kg.curie(_uri(i)) for i in found))
            self.problem(
                table, row, column, f"ambiguous entity {name!r}: it names {names}", "give its CURIE"
            )
        iri = found.pop()
        if kind:
            allowed = set().union(*(self.subclasses(k) for k in kind))
            if not self.classes_of(iri) & allowed:
                has = ", ".join(sorted(self.kg.label(_uri(c), "en") for c in self.classes_of(iri)))
                self.problem(
                    table,
                    row,
                    column,
                    f"{name!r} is a {has or 'thing without a class'},"
                    f" not {what or ' or '.join(kind)}",
                )
        return _nn(iri)

    def names(self, table, row, column, *, required=False, **kw) -> list[ox.NamedNode]:
        text = self.cell(table, row, column, required=required)
        return [
            self.entity(table, row, column, n.strip(), **kw) for n in text.split(";") if n.strip()
        ]

    def status(self, table, row, column, kind: str, *, required=False) -> str | None:
        text = self.cell(table, row, column, required=required)
        if not text:
            return None
        iri = self.statuses.get(normalize(text))
        allowed = _STATUSES[kind]
        if iri is None or _local(iri).removeprefix("status-") not in allowed:
            self.problem(
                table, row, column, f"unknown status {text!r}", "choose " + ", ".join(allowed)
            )
        return iri

    # ------------------------------------------------------------ quotes

    def prepare_quotes(self, tables: list[Table]) -> None:
        """Find every quote of every row in its source, one pass per source."""
        wanted: dict[str, set[str]] = defaultdict(set)
        for table in tables:
            for row in table.rows:
                source, quote = row.get("source").strip(), row.get("quote")
                if not source or not quote.strip():
                    continue
                document = self._document(source)
                if document is not None:
                    wanted[document.iri].add(quote)
        self._found = {
            iri: self.documents[iri].text.find_all(quotes) for iri, quotes in wanted.items()
        }

    def _document(self, name: str) -> Document | None:
        key, iri = normalize(name), expand(name)
        for document in self.documents.values():
            if key in (normalize(document.id), normalize(document.label)):
                return document
            if iri is not None and str(iri) == document.iri:
                return document
        return None

    def excerpt(self, table: Table, row: Row) -> ox.NamedNode:
        """The excerpt of the row's quote in the row's source (minted once per passage)."""
        source = self.cell(table, row, "source", required=True)
        quote = self.cell(table, row, "quote", required=True)
        document = self._document(source)
        if document is None:
            known = ", ".join(sorted(d.id for d in self.documents.values())) or "none yet"
            self.problem(
                table,
                row,
                "source",
                f"{source!r} is not a registered source",
                f"registered: {known} (cnai-kg source add FILE)",
            )
        prefix, suffix = row.get("prefix"), row.get("suffix")
        from .anchor import normalize as norm_quote

        needle = norm_quote(quote)
        starts = self._found.get(document.iri, {}).get(needle)
        found = (
            document.text.resolve(quote, starts, prefix=prefix, suffix=suffix) if starts else None
        )
        if not starts:
            if self._closest_left > 0:
                self._closest_left -= 1
                close = document.text.closest(needle)
                hint = f"closest passage: “{close}”" if close else None
            else:
                hint = "closest passage not looked for (too many quotes not found)"
            self.problem(table, row, "quote", f"not found in {document.id!r}", hint)
        if isinstance(found, Ambiguous):
            places = ", ".join(
                f"character {s}" + (f" (p. {p})" if p else "")
                for s, p in zip(found.starts, found.pages, strict=True)
            )
            context = "the prefix/suffix given matches none of them; " if prefix or suffix else ""
            self.problem(
                table,
                row,
                "quote",
                f"found {len(found.starts)} times in {document.id!r}: {places}",
                f"{context}give a prefix or suffix column"
                " (the text just before or after it) to choose",
            )
        assert isinstance(found, Anchor)
        occurrence = "" if len(starts) == 1 else str(found.start)
        local = f"ex-{_slug(document.id)}-{_digest(document.iri, needle, occurrence)}"
        node = _nn(str(KG[local]))
        if node.value not in self.origin:
            self.origin[node.value] = (table.file, table.sheet, row.number)
            self._excerpt(node, local, document, needle, found)
        return node

    def _excerpt(self, node, local, document: Document, quote: str, at: Anchor) -> None:
        doc = _nn(document.iri)
        self.add(node, T["type"], _nn(str(CNAI.SourceExcerpt)))
        self.add(node, T["type"], _nn(str(OA.SpecificResource)))
        self.add(node, _nn(str(DCTERMS.isPartOf)), doc)
        self.add(node, _nn(str(OA.hasSource)), doc)
        self.add(node, _nn(str(CNAI.quote)), _lit(quote, lang=document.language))
        self.add(node, _nn(str(CNAI.anchoredIn)), _lit(document.text.sha256))
        if at.page_start is not None:
            self.add(
                node, _nn(str(SCHEMA.pageStart)), _lit(str(at.page_start), datatype=XSD.integer)
            )
            self.add(node, _nn(str(SCHEMA.pageEnd)), _lit(str(at.page_end), datatype=XSD.integer))
        quote_sel, position = ox.BlankNode(f"{local}-quote"), ox.BlankNode(f"{local}-position")
        has = _nn(str(OA.hasSelector))
        self.add(node, has, quote_sel)
        self.add(node, has, position)
        self.add(quote_sel, T["type"], _nn(str(OA.TextQuoteSelector)))
        self.add(quote_sel, _nn(str(OA.exact)), _lit(at.exact))
        if at.prefix:
            self.add(quote_sel, _nn(str(OA.prefix)), _lit(at.prefix))
        if at.suffix:
            self.add(quote_sel, _nn(str(OA.suffix)), _lit(at.suffix))
        self.add(position, T["type"], _nn(str(OA.TextPositionSelector)))
        nonneg = XSD.nonNegativeInteger
        self.add(position, _nn(str(OA.start)), _lit(str(at.start), datatype=nonneg))
        self.add(position, _nn(str(OA.end)), _lit(str(at.end), datatype=nonneg))
        self.counts["excerpts"] += 1

    def provenance(self, table: Table, row: Row, fact: ox.NamedNode) -> None:
        """The row's excerpt and caveats, on ``fact``."""
        self.add(fact, T["derived"], self.excerpt(table, row))
        for lang in ("en", "ko"):
            caveat = self.cell(table, row, f"caveat_{lang}")
            if caveat:
                self.add(fact, T["caveat"], _lit(caveat, lang=lang))

    # ------------------------------------------------------------ facts

    def facts(self, tables: list[Table]) -> None:
        for table in tables:
            make = getattr(self, f"_{table.kind}")
            for row in table.rows:
                try:
                    make(table, row)
                except _Skip:
                    continue

    def _fact(self, kind: str, node: ox.NamedNode, table: Table, row: Row) -> None:
        if node.value in self.origin and self.origin[node.value][2] != row.number:
            file, sheet, number = self.origin[node.value]
            self.problem(
                table,
                row,
                "id" if row.get("id") else None,
                f"this {kind} is the same as row {number}'s ({_local(node.value)})",
                "give each an id, or merge the rows",
            )
        self.origin[node.value] = (table.file, table.sheet, row.number)

    def _relations(self, table: Table, row: Row) -> None:
        subject = self.entity(
            table, row, "subject", self.cell(table, row, "subject", required=True)
        )
        name = self.cell(table, row, "relation", required=True)
        iri = self.relations.get(normalize(name.removeprefix("cnai:")))
        if iri is None and expand(name) is not None:
            iri = self.relations.get(normalize(self.kg.curie(expand(name))))
        if iri is None:
            import difflib

            keys = [k for k in self.relations if ":" not in k]
            close = difflib.get_close_matches(normalize(name), keys, 3, 0.6)
            close = list(dict.fromkeys(self._relation_names[k] for k in close))
            hint = "closest: " + ", ".join(close) if close else "e.g. basedIn, inSector, inGroup"
            self.problem(table, row, "relation", f"unknown relation {name!r}", hint)
        obj = self.entity(table, row, "object", self.cell(table, row, "object", required=True))
        status = self.status(table, row, "status", "relations")
        predicate = _nn(iri)
        local = f"st-{_local(subject.value)}-{_local(iri)}-{_local(obj.value)}"
        if len(local) > 90 or not _ID.fullmatch(local):
            local = f"st-{_digest(subject.value, iri, obj.value)}"
        node = _nn(str(KG[local]))
        if node.value not in self.origin:
            self.counts["statements"] += 1
            self._statement_status[node.value] = status
        elif self._statement_status.get(node.value) != status:
            number = self.origin[node.value][2]
            self.problem(
                table,
                row,
                "status",
                f"row {number} gives this relation another status",
                "one status per relation",
            )
        self.origin.setdefault(node.value, (table.file, table.sheet, row.number))
        self.add(subject, predicate, obj)
        self.add(node, T["type"], _nn(str(CNAI.Statement)))
        self.add(node, T["subject"], subject)
        self.add(node, T["predicate"], predicate)
        self.add(node, T["object"], obj)
        if status and not status.endswith("status-reported"):
            self.add(node, T["status"], _nn(status))
        self.provenance(table, row, node)

    def _labels(self, node, table, row, *, default_en: str | None, default_ko: str | None = None):
        for lang, default in (("en", default_en), ("ko", default_ko), ("zh", None)):
            text = self.cell(table, row, f"label_{lang}") or default
            if text:
                self.add(node, T["label"], _lit(text, lang=lang))

    def _label(self, node: ox.NamedNode, lang: str) -> str | None:
        from rdflib import URIRef

        iri = node.value
        if iri in self._new:
            return self._new_labels.get((iri, lang))
        labels = self.kg.labels(URIRef(iri)).get(lang)
        return labels[0] if labels else None

    def _partnerships(self, table: Table, row: Row) -> None:
        partners = []
        for n in range(1, MAX_PARTNERS + 1):
            name = self.cell(table, row, f"partner{n}", required=n <= 2)
            role_name = self.cell(table, row, f"role{n}", required=bool(name))
            if not name:
                if role_name:
                    self.problem(table, row, f"partner{n}", "a role without a partner")
                continue
            member = self.entity(table, row, f"partner{n}", name)
            role = self.entity(
                table, row, f"role{n}", role_name, kind=("PartnerRole",), what="a partner role"
            )
            partners.append((member, role))
        if len({m for m, _ in partners}) < 2:
            self.problem(table, row, "partner2", "a partnership needs two different partners")
        types = self.names(
            table, row, "type", required=True, kind=("PartnershipType",), what="a partnership type"
        )
        status = self.status(table, row, "status", "partnerships", required=True)
        markets = self.names(table, row, "market", kind=_PLACES, what="a place")
        sectors = self.names(table, row, "sector", kind=("Sector", "Technology"), what="a sector")
        date = self.cell(table, row, "date")
        if date and not _DATE.fullmatch(date):
            self.problem(
                table, row, "date", f"{date!r} is not a date", "give YYYY, YYYY-MM or YYYY-MM-DD"
            )
        given = self.cell(table, row, "id")
        members = sorted(_local(m.value) for m, _ in partners)
        local = given or "partnership-" + "-".join(
            members + sorted(_local(m.value) for m in markets)
        )
        if not _ID.fullmatch(local) or len(local) > 90:
            local = given if given and _ID.fullmatch(given) else "partnership-" + _digest(*members)
        node = _nn(str(KG[local]))
        self._fact("partnership", node, table, row)
        self.add(node, T["type"], _nn(str(CNAI.Partnership)))
        en = [self._label(m, "en") or _local(m.value) for m, _ in partners]
        ko = [self._label(m, "ko") for m, _ in partners]
        self._labels(
            node,
            table,
            row,
            default_en="–".join(en) + " partnership",
            default_ko="–".join(ko) + " 파트너십" if all(ko) else None,
        )
        for member, role in partners:
            part = _nn(str(KG[f"part-{local.removeprefix('partnership-')}-{_local(member.value)}"]))
            self.add(node, _nn(str(CNAI.hasParticipation)), part)
            self.add(part, T["type"], _nn(str(CNAI.Participation)))
            self.add(part, _nn(str(ORG.member)), member)
            self.add(part, _nn(str(ORG.organization)), node)
            self.add(part, _nn(str(ORG.role)), role)
        for t in types:
            self.add(node, _nn(str(CNAI.partnershipType)), t)
        for m in markets:
            self.add(node, _nn(str(CNAI.targetMarket)), m)
        for s in sectors:
            self.add(node, T["sector"], s)
        self.add(node, T["status"], _nn(status))
        if date:
            kind = {4: XSD.gYear, 7: XSD.gYearMonth, 10: XSD.date}[len(date)]
            self.add(node, _nn(str(CNAI.startDate)), _lit(date, datatype=kind))
        self.provenance(table, row, node)
        self.counts["partnerships"] += 1

    def _number(self, table, row, column) -> tuple[str, object] | None:
        text = self.cell(table, row, column).replace(" ", "")
        if not text:
            return None
        if not _NUMBER.fullmatch(text):
            self.problem(
                table,
                row,
                column,
                f"{text!r} is not a number",
                "digits only, e.g. 638200000000 or 32.1",
            )
        try:
            value = Decimal(text.replace(",", ""))
        except InvalidOperation:
            self.problem(table, row, column, f"{text!r} is not a number")
        if value == value.to_integral_value() and "." not in text and "e" not in text.lower():
            return str(int(value)), XSD.integer
        return format(value.normalize(), "f"), XSD.decimal

    def _figures(self, table: Table, row: Row) -> None:
        indicator = self.entity(
            table,
            row,
            "indicator",
            self.cell(table, row, "indicator", required=True),
            kind=("Indicator",),
            what="an indicator",
        )
        values = {c: self._number(table, row, c) for c in ("value", "min_value", "max_value")}
        if not any(values.values()):
            self.problem(table, row, "value", "no value", "give value, min_value or max_value")
        unit = self.cell(table, row, "unit", required=True)
        currency = self.cell(table, row, "currency").upper()
        if currency and not re.fullmatch(r"[A-Z]{3}", currency):
            self.problem(
                table,
                row,
                "currency",
                f"{currency!r} is not an ISO 4217 code",
                "e.g. USD, CNY, KRW",
            )
        year, period = self.cell(table, row, "year"), self.cell(table, row, "period")
        if year and not _YEAR.fullmatch(year):
            self.problem(table, row, "year", f"{year!r} is not a year")
        span = _PERIOD.fullmatch(period) if period else None
        if period and not span:
            self.problem(
                table, row, "period", f"{period!r} is not a period", "give it as 2024-2029"
            )
        regions = self.names(table, row, "region", kind=_PLACES, what="a place")
        status = self.status(table, row, "status", "figures", required=True)
        about = self.names(table, row, "about")
        sectors = self.names(table, row, "sector", kind=("Sector", "Technology"), what="a sector")
        approx = self.cell(table, row, "approximate").casefold()
        if approx not in _YES | _NO:
            self.problem(table, row, "approximate", f"{approx!r}: say yes or no")
        has_caveat = bool(self.cell(table, row, "caveat_en") or self.cell(table, row, "caveat_ko"))
        if not (year or span or has_caveat):
            self.problem(
                table,
                row,
                "year",
                "no year or period",
                "give one, or a caveat saying the source gives none",
            )
        if not (regions or has_caveat):
            self.problem(
                table,
                row,
                "region",
                "no region",
                "give one, or a caveat saying the source gives none",
            )
        given = self.cell(table, row, "id")
        key = [
            indicator.value,
            *sorted(a.value for a in about),
            *sorted(r.value for r in regions),
            year,
            period,
        ]
        local = given or f"fig-{_local(indicator.value)}-{_digest(*key)}"
        if not _ID.fullmatch(local):
            self.problem(table, row, "id", f"{local!r} cannot be an id")
        node = _nn(str(KG[local]))
        self._fact("figure", node, table, row)
        self.add(node, T["type"], _nn(str(CNAI.MarketFigure)))
        self.add(node, _nn(str(CNAI.indicator)), indicator)
        wording = self.cell(table, row, "wording") or self.cell(table, row, "quote")
        document = self._document(self.cell(table, row, "source"))
        self.add(
            node,
            _nn(str(CNAI.originalWording)),
            _lit(wording, lang=document.language if document else "en"),
        )
        shown = next(v for v in values.values() if v)[0]
        where = ", ".join(
            filter(
                None, [self._label(r, "en") or _local(r.value) for r in regions] + [year or period]
            )
        )
        self._labels(
            node,
            table,
            row,
            default_en=f"{self._label(indicator, 'en') or _local(indicator.value)}: {shown} {unit}"
            + (f" ({where})" if where else ""),
        )
        quantity = ox.BlankNode(f"{local}-quantity")
        self.add(node, _nn(str(CNAI.quantity)), quantity)
        money = _nn(str(SCHEMA.MonetaryAmount if currency else SCHEMA.QuantitativeValue))
        self.add(quantity, T["type"], money)
        for column, prop in (
            ("value", SCHEMA.value),
            ("min_value", SCHEMA.minValue),
            ("max_value", SCHEMA.maxValue),
        ):
            if values[column]:
                text, datatype = values[column]
                self.add(quantity, _nn(str(prop)), _lit(text, datatype=datatype))
        self.add(quantity, _nn(str(SCHEMA.unitText)), _lit(unit))
        if currency:
            self.add(quantity, _nn(str(SCHEMA.currency)), _lit(currency))
        if year:
            self.add(node, _nn(str(CNAI.year)), _lit(year, datatype=XSD.gYear))
        if span:
            self.add(node, _nn(str(CNAI.periodStart)), _lit(span.group(1), datatype=XSD.gYear))
            self.add(node, _nn(str(CNAI.periodEnd)), _lit(span.group(2), datatype=XSD.gYear))
        for r in regions:
            self.add(node, _nn(str(CNAI.region)), r)
        for a in about:
            self.add(node, T["about"], a)
        for s in sectors:
            self.add(node, T["sector"], s)
        self.add(node, T["status"], _nn(status))
        if approx in _YES:
            self.add(node, _nn(str(CNAI.approximate)), _lit("true", datatype=XSD.boolean))
        self.provenance(table, row, node)
        self.counts["figures"] += 1

    def _claims(self, table: Table, row: Row) -> None:
        text = self.cell(table, row, "text", required=True)
        about = self.names(table, row, "about", required=True)
        sectors = self.names(table, row, "sector", kind=("Sector", "Technology"), what="a sector")
        label = self.cell(table, row, "label_en") or (text if len(text) <= 100 else text[:99] + "…")
        given = self.cell(table, row, "id")
        local = given or f"claim-{_digest(label)}"
        if not _ID.fullmatch(local):
            self.problem(table, row, "id", f"{local!r} cannot be an id")
        node = _nn(str(KG[local]))
        self._fact("claim", node, table, row)
        self.add(node, T["type"], _nn(str(CNAI.Claim)))
        self._labels(node, table, row, default_en=label)
        self.add(node, _nn(str(CNAI.claimText)), _lit(text, lang="en"))
        for a in about:
            self.add(node, T["about"], a)
        for s in sectors:
            self.add(node, T["sector"], s)
        self.provenance(table, row, node)
        self.counts["claims"] += 1

    def _entities(self, table: Table, row: Row) -> None:
        """Entities were minted first (:meth:`entities`)."""


def _uri(iri: str):
    from rdflib import URIRef

    return URIRef(iri)


def ox_to_uri(node: ox.NamedNode):
    return _uri(node.value)
