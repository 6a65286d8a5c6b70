"""What changed between two versions of a graph, as an analyst reads it.

:func:`diff` compares two :class:`~cnai_kg.kg.KnowledgeGraph` objects:

- **entities** added and removed (by IRI), and those whose labels or classes changed;
- **facts** (statements, partnerships, figures, claims, ...) added, removed, or
  changed: a fact keeps its IRI (cnai-kg's import mints it from what the fact is
  about), so a new quote, status or value shows as a change of that fact, field by
  field, with its quotes;
- what it does to the **network** (:func:`cnai_kg.network.to_networkx`, the default
  projection): edges added and removed, components joined or split, and the top
  ten of a centrality measure before and after.

Examples
--------
>>> import cnai_kg
>>> kg = cnai_kg.load()
>>> d = diff(kg, kg)
>>> d.is_empty()
True
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from .namespaces import CNAI, DCTERMS, ORG, PROV
from .quotes import quote_plain

__all__ = ["Diff", "EdgeChange", "EntityChange", "FactChange", "Join", "diff"]


@dataclass(frozen=True)
class EntityChange:
    """An entity added, removed or changed."""

    curie: str
    label: str
    classes: tuple[str, ...]
    file: str | None = None
    changes: tuple[str, ...] = ()


@dataclass(frozen=True)
class FactChange:
    """A fact added, removed or changed (``changes``: one line per field)."""

    curie: str
    kind: str
    summary: str
    quotes: tuple[str, ...] = ()
    file: str | None = None
    changes: tuple[str, ...] = ()
    #: the media type of each quote's document (how to show it: see :mod:`cnai_kg.quotes`)
    formats: tuple[str | None, ...] = ()


@dataclass(frozen=True, order=True)
class EdgeChange:
    """An edge of the network added or removed."""

    source: str
    relation: str
    target: str
    fact: str
    status: str


@dataclass(frozen=True)
class Join:
    """Components of the old network that one component of the new one joins."""

    parts: tuple[tuple[int, str], ...]  # (size, a member's label) of each old component
    size: int


@dataclass
class Diff:
    """The changes from ``old`` to ``new`` (see the module docstring)."""

    entities_added: list[EntityChange] = field(default_factory=list)
    entities_removed: list[EntityChange] = field(default_factory=list)
    entities_changed: list[EntityChange] = field(default_factory=list)
    facts_added: list[FactChange] = field(default_factory=list)
    facts_removed: list[FactChange] = field(default_factory=list)
    facts_changed: list[FactChange] = field(default_factory=list)
    edges_added: list[EdgeChange] = field(default_factory=list)
    edges_removed: list[EdgeChange] = field(default_factory=list)
    joined: list[Join] = field(default_factory=list)
    split: list[Join] = field(default_factory=list)
    components: tuple[int, int] = (0, 0)
    measure: str = "degree"
    top_before: list[tuple[str, float]] = field(default_factory=list)
    top_after: list[tuple[str, float]] = field(default_factory=list)

    def is_empty(self) -> bool:
        """Whether nothing changed (entities, facts or edges)."""
        return not any(
            (
                self.entities_added,
                self.entities_removed,
                self.entities_changed,
                self.facts_added,
                self.facts_removed,
                self.facts_changed,
                self.edges_added,
                self.edges_removed,
            )
        )

    def to_dict(self) -> dict:
        """Plain data (for JSON)."""
        out = asdict(self)
        out["top_before"] = [{"entity": e, "score": s} for e, s in self.top_before]
        out["top_after"] = [{"entity": e, "score": s} for e, s in self.top_after]
        out["components"] = {"before": self.components[0], "after": self.components[1]}
        for key in ("joined", "split"):
            out[key] = [
                {"size": j.size, "parts": [{"size": n, "member": m} for n, m in j.parts]}
                for j in getattr(self, key)
            ]
        return out


# ------------------------------------------------------------------ facts


def _facts(kg) -> dict[URIRef, str]:
    """Every fact of ``kg`` and the label of its kind."""
    out = {}
    for row in kg._select("diff-facts"):
        fact, kind = row["fact"], row["kind"]
        if kind == CNAI.DefinitionalFact and fact in out:
            continue
        out[fact] = kg.label(kind, "en")
    return out


def _value(kg, node, lang: str | None) -> str:
    if isinstance(node, Literal):
        return (
            node.n3()
            if node.datatype
            else f'"{node}"' + (f"@{node.language}" if node.language else "")
        )
    return kg.label(node, lang) if isinstance(node, URIRef) else str(node)


def _describe(kg, fact, lang: str | None) -> dict[str, tuple[str, ...]]:
    """A fact's fields: property label -> its values, readable (blank nodes and
    participations unfolded, excerpts as their quotes)."""
    fields: dict[str, set[str]] = defaultdict(set)
    for _, p, o in kg.store.triples((fact, None, None)):
        if p in (RDF.type, RDFS.label, SKOS.altLabel):
            continue
        name = kg.label(p, "en")
        if p == PROV.wasDerivedFrom:
            documents = kg.objects(o, DCTERMS.isPartOf)
            media = next(
                (str(f) for d in documents for f in kg.objects(d, DCTERMS["format"])), None
            )
            for quote in kg.objects(o, CNAI.quote):
                fields["quote"].add(f"“{quote_plain(str(quote), media)}”")
            for document in documents:
                fields["source"].add(kg.label(document, lang))
        elif p == CNAI.hasParticipation:
            member, role = kg.value(o, ORG.member), kg.value(o, ORG.role)
            fields["partner"].add(
                f"{_value(kg, member, lang)} ({_value(kg, role, lang)})" if member else str(o)
            )
        elif isinstance(o, BNode):
            inner = sorted(
                f"{kg.label(q, 'en')} {_value(kg, v, lang)}"
                for _, q, v in kg.store.triples((o, None, None))
                if q != RDF.type
            )
            fields[name].add("; ".join(inner))
        else:
            fields[name].add(_value(kg, o, lang))
    return {k: tuple(sorted(v)) for k, v in fields.items()}


def _fact_change(kg, fact, kind: str, lang, changes=()) -> FactChange:
    record = kg._fact_record(fact, {"quotes": [], "docs": []}, lang)
    cited = set()
    for excerpt in kg.objects(fact, PROV.wasDerivedFrom):
        formats = [kg.value(d, DCTERMS["format"]) for d in kg.objects(excerpt, DCTERMS.isPartOf)]
        media = next((str(f) for f in formats if f is not None), None)
        cited |= {(str(q), media) for q in kg.objects(excerpt, CNAI.quote)}
    ordered = sorted(cited)
    return FactChange(
        curie=kg.curie(fact),
        kind=kind,
        summary=record.summary,
        quotes=tuple(q for q, _ in ordered),
        file=kg.file_of(fact),
        changes=tuple(changes),
        formats=tuple(m for _, m in ordered),
    )


def _changes(old: dict, new: dict) -> list[str]:
    lines = []
    for key in sorted(set(old) | set(new)):
        before, after = old.get(key, ()), new.get(key, ())
        if before == after:
            continue
        gone = [v for v in before if v not in after]
        came = [v for v in after if v not in before]
        if len(gone) == 1 and len(came) == 1:
            lines.append(f"{key}: {gone[0]} → {came[0]}")
            continue
        lines += [f"{key}: − {v}" for v in gone] + [f"{key}: + {v}" for v in came]
    return lines


# ------------------------------------------------------------------ entities


def _entity(kg, iri, lang, changes=()) -> EntityChange:
    return EntityChange(
        curie=kg.curie(iri),
        label=kg.label(iri, lang),
        classes=tuple(kg.label(t, lang) for t in kg.types(iri)),
        file=kg.file_of(iri),
        changes=tuple(changes),
    )


def _entity_fields(kg, iri) -> dict[str, tuple[str, ...]]:
    fields = {}
    for code, names in kg.labels(iri).items():
        fields[f"label@{code}" if code else "label"] = tuple(names)
    for code, names in kg.aliases(iri).items():
        fields[f"alias@{code}" if code else "alias"] = tuple(names)
    fields["class"] = tuple(kg.curie(t) for t in kg.types(iri))
    return fields


# ------------------------------------------------------------------ network


def _network(G):
    import networkx as nx

    edges = {}
    for u, v, data in G.edges(data=True):
        edges[(u, v, data.get("relation", ""), data.get("fact", ""))] = data
    components = [set(c) for c in nx.connected_components(nx.Graph(G))]
    return edges, components


def _label(G, node) -> str:
    return G.nodes[node].get("label", node) if node in G else node


def _joins(old_components, new_components, old_G, new_G) -> list[Join]:
    """New components that hold nodes of two or more old components."""
    where = {n: i for i, c in enumerate(old_components) for n in c}
    out = []
    for component in new_components:
        parts = {where[n] for n in component if n in where}
        if len(parts) > 1:
            described = sorted(
                ((len(old_components[i]), _label(old_G, min(old_components[i]))) for i in parts),
                reverse=True,
            )
            out.append(Join(tuple(described), len(component)))
    out.sort(key=lambda j: -j.size)
    return out


def _top(G, measure: str, lang) -> list[tuple[str, float]]:
    from .algorithms import centrality

    result = centrality(G, measure, top=10, lang=lang)
    return [(s.label, round(float(s.score), 6)) for s in result.scores]


def diff(
    old, new, *, lang: str | None = None, measure: str = "degree", network: bool = True
) -> Diff:
    """The changes from ``old`` to ``new`` (two KnowledgeGraphs).

    Parameters
    ----------
    lang : label language
    measure : the centrality measure whose top ten is compared
    network : compare the networks too (projection, components, centrality)
    """
    out = Diff(measure=measure)
    old_facts, new_facts = _facts(old), _facts(new)
    # facts (partnerships, figures, claims) are typed IRIs too: they are listed as facts
    old_entities = set(old.entities()) - set(old_facts)
    new_entities = set(new.entities()) - set(new_facts)
    out.entities_added = [_entity(new, e, lang) for e in sorted(new_entities - old_entities)]
    out.entities_removed = [_entity(old, e, lang) for e in sorted(old_entities - new_entities)]
    for e in sorted(old_entities & new_entities):
        changes = _changes(_entity_fields(old, e), _entity_fields(new, e))
        if changes:
            out.entities_changed.append(_entity(new, e, lang, changes))

    for fact in sorted(set(new_facts) - set(old_facts)):
        out.facts_added.append(_fact_change(new, fact, new_facts[fact], lang))
    for fact in sorted(set(old_facts) - set(new_facts)):
        out.facts_removed.append(_fact_change(old, fact, old_facts[fact], lang))
    for fact in sorted(set(old_facts) & set(new_facts)):
        changes = _changes(_describe(old, fact, lang), _describe(new, fact, lang))
        if changes:
            out.facts_changed.append(_fact_change(new, fact, new_facts[fact], lang, changes))
    for group in (out.facts_added, out.facts_removed, out.facts_changed):
        group.sort(key=lambda f: (f.kind, f.summary, f.curie))

    if network:
        old_G, new_G = old.to_networkx(lang=lang), new.to_networkx(lang=lang)
        old_edges, old_components = _network(old_G)
        new_edges, new_components = _network(new_G)

        def edge(G, key, data) -> EdgeChange:
            u, v, _, fact = key
            return EdgeChange(
                _label(G, u),
                data.get("relation_label") or data.get("relation", ""),
                _label(G, v),
                new.curie(URIRef(fact)) if fact.startswith("http") else fact,
                data.get("fact_status", ""),
            )

        out.edges_added = sorted(
            edge(new_G, k, d) for k, d in new_edges.items() if k not in old_edges
        )
        out.edges_removed = sorted(
            edge(old_G, k, d) for k, d in old_edges.items() if k not in new_edges
        )
        out.joined = _joins(old_components, new_components, old_G, new_G)
        out.split = _joins(new_components, old_components, new_G, old_G)
        out.components = (len(old_components), len(new_components))
        if not out.is_empty():
            out.top_before = _top(old_G, measure, lang)
            out.top_after = _top(new_G, measure, lang)
    return out
