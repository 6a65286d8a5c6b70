"""What the page's script receives: node and edge records, details, facts, legend."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

import networkx as nx
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS
from rdflib.term import Node

from ..kg import LANGS, KnowledgeGraph
from ..namespaces import CNAI, ORG
from ..network import details_index
from ..store.base import Lex, LexTerm, from_lexical
from .options import (
    _ALT_LABEL_IRI,
    _FACT_KINDS,
    _HAS_PARTICIPATION,
    _HAS_PARTICIPATION_IRI,
    _KIND_BY_CURIE,
    _LABEL_PREDICATE_IRIS,
    _NOT_ATTRIBUTE_IRIS,
    _NOT_ATTRIBUTES,
    _ORGANIZATION_IRI,
    _OTHER_LABEL,
    _PLACED,
    KINDS,
    MAX_LABEL,
    NONE_COLOR,
    OTHER,
    PALETTE,
    PATH_COLOR,
    UI,
    Kind,
    _options,
)
from .page import GraphView

# --------------------------------------------------------------------------- assembling


def _kind(attrs: dict) -> Kind:
    if attrs.get("class") in _KIND_BY_CURIE:
        return _KIND_BY_CURIE[attrs["class"]]
    types = set(attrs.get("types", "").split())
    return next((k for k in KINDS if k.curie in types), OTHER)


def _groups(G: nx.Graph, color_by: str, ui: dict) -> tuple[dict, dict]:
    """Colour group of each node (hub or sector label) and the colour of each group."""
    attr = "hub" if color_by == "hub" else "sector"
    of_node = {}
    for node, d in G.nodes(data=True):
        value = d.get(attr, "")
        of_node[node] = (
            (ui["several"], True)
            if "; " in value
            else (value, False)
            if value
            else (ui["none"], True)
        )
    values = sorted({v for v, grey in of_node.values() if not grey})
    colors = {v: PALETTE[i % len(PALETTE)] for i, v in enumerate(values)}
    colors.update({v: NONE_COLOR for v, grey in of_node.values() if grey})
    return {n: v for n, (v, _) in of_node.items()}, colors


def _assemble(
    kg: KnowledgeGraph,
    G: nx.MultiDiGraph,
    *,
    lang,
    scores,
    size_by,
    color_by,
    positions,
    physics,
    path,
    focus,
    seed,
    hidden=(),
    progress=None,
) -> GraphView:
    ui = UI[lang]
    terms = _Terms(kg)
    index = details_index(kg)  # the projection's when it read one, else node by node
    path_set = set(path or ())
    path_pairs = {frozenset(p) for p in zip(path, path[1:], strict=False)} if path else set()
    group_of, group_color = _groups(G, color_by, ui) if color_by != "class" else ({}, {})
    color_index = {g: i for i, g in enumerate(sorted(group_color))}

    styles: dict[str, dict] = {}  # vis-network groups: one per kind (and colour)
    kind_count: Counter[Kind] = Counter()
    group_count: Counter[str] = Counter()
    nodes, node_info, facts = [], {}, {}
    step, total = progress, G.number_of_nodes()
    for done, node in enumerate(sorted(G)):
        if done % 500 == 0:
            step(done, total, "details")
        d = G.nodes[node]
        kind = _kind(d)
        kind_count[kind] += 1
        color, style = kind.color, kind.key
        if group_of:
            color = group_color[group_of[node]]
            style = f"{kind.key}|{color_index[group_of[node]]}"
            group_count[group_of[node]] += 1
        if style not in styles:
            styles[style] = {"shape": kind.shape, "color": _node_color(color)}
            if kind.key == "ActorGroup":  # a collectively named group, not one actor
                styles[style]["shapeProperties"] = {"borderDashes": [4, 3]}
                styles[style]["borderWidth"] = 2
        x, y = positions[node]
        record = {
            "id": node,
            "label": _shorten(d["label"]),
            "kind": kind.key,
            "group": style,
            "value": round(float(scores.get(node, 0.0)), 6),
            "x": x,
            "y": y,
        }
        if node in path_set or node == focus:
            record["color"] = _node_color(color, marked=True)
            record["borderWidth"] = 4
            record["font"] = {"size": 18}
        nodes.append(record)
        info = _node_info(terms, d, lang, G, index)
        info["measure"] = [ui[size_by], round(float(scores.get(node, 0.0)), 4)]
        if group_of:
            info["group"] = group_of[node]
        if kind.key in _FACT_KINDS:
            facts[node] = _fact_info(terms, URIRef(d["iri"]), lang)
            info["fact"] = node
        node_info[node] = info

    step(total, total, "details")
    edges, relations = [], {}
    for i, (u, v, d) in enumerate(G.edges(data=True)):
        rel = d["relation"]
        relations.setdefault(rel, d.get("relation_label") or rel)
        role = d.get("subject_role") if rel == "cnai:Participation" else ""
        record = {
            "id": f"e{i}",
            "from": u,
            "to": v,
            "relation": rel,
            "label": _shorten(role or relations[rel], 28),
        }
        if role:
            record["role"] = role
        if d.get("fact_status") == "proposed":  # recommended by the article, not reported
            record["dashes"] = True
            record["status"] = "proposed"
        if d.get("fact"):
            fact = terms.curie(URIRef(d["fact"]))
            record["fact"] = fact
            if fact not in facts:
                facts[fact] = _edge_fact(d)
        if frozenset((u, v)) in path_pairs:
            record["color"] = {"color": PATH_COLOR, "highlight": PATH_COLOR, "hover": PATH_COLOR}
            record["width"] = 4
        edges.append(record)

    options = _options(lang, big=not physics, n=len(nodes), seed=seed)
    options["groups"] = styles
    legend = _legend(kg, lang, kind_count, group_count, group_color, color_by, bool(path))
    for k in legend["kinds"]:
        k["hidden"] = k["key"] in hidden
    if any(e.get("dashes") for e in edges):
        legend["proposed"] = True
    return GraphView(
        title="",
        lang=lang,
        nodes=nodes,
        edges=edges,
        node_info=node_info,
        facts=facts,
        relations=relations,
        options=options,
        legend=legend,
        focus=focus,
        path=list(path) if path else None,
        meta={
            "sizeBy": size_by,
            "colorBy": color_by,
            "layout": "physics" if physics else "precomputed",
            "projection": {k: v for k, v in G.graph.items() if k != "name"},
        },
    )


def _shorten(text: str, limit: int = MAX_LABEL) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _node_color(color: str, *, marked: bool = False) -> dict:
    return {
        "background": color,
        "border": PATH_COLOR if marked else "#ffffff",
        "highlight": {"background": color, "border": "#000000"},
        "hover": {"background": color, "border": "#333333"},
    }


class _Terms:
    """The knowledge graph as one render asks it: the label and CURIE of each term
    are looked up once (a view repeats the same predicates, cities and sectors on
    thousands of nodes); everything else goes to the graph itself."""

    def __init__(self, kg: KnowledgeGraph):
        self.kg = kg
        self._labels: dict[tuple[Node, str | None], str] = {}
        self._curies: dict[Node, str] = {}

    def label(self, node: Node, lang: str | None = None) -> str:
        key = (node, lang)
        found = self._labels.get(key)
        if found is None:
            found = self._labels[key] = self.kg.label(node, lang)
        return found

    def curie(self, node: Node) -> str:
        found = self._curies.get(node)
        if found is None:
            found = self._curies[node] = self.kg.curie(node)
        return found

    def __contains__(self, triple) -> bool:
        return triple in self.kg

    def __getattr__(self, name: str):
        return getattr(self.kg, name)


def _node_info(kg: _Terms, d: dict, lang: str, G: nx.Graph, index) -> dict:
    iri = URIRef(d["iri"])
    # the node's own triples (labels, aliases and attributes), from the index the
    # projection read: no store call per node, rdflib terms only for the attributes
    pairs, file = index.describe(d["iri"])
    objects: dict[str, set[LexTerm]] = defaultdict(set)
    for p, o in pairs:
        objects[p].add(o)
    labels: dict[str, list[str]] = defaultdict(list)  # as KnowledgeGraph.labels
    for pred in _LABEL_PREDICATE_IRIS:
        for lit in sorted(o for o in objects.get(pred, ()) if type(o) is Lex):
            if lit.value not in labels[lit.language]:
                labels[lit.language].append(lit.value)
    aliases: dict[str, list[str]] = defaultdict(list)  # as KnowledgeGraph.aliases
    for alias in objects.get(_ALT_LABEL_IRI, ()):
        aliases[alias.language if type(alias) is Lex else ""].append(
            alias.value if type(alias) is Lex else alias
        )
    own = [
        (iri, URIRef(p), from_lexical(o))
        for p, o in pairs
        if p not in _NOT_ATTRIBUTE_IRIS or p == _HAS_PARTICIPATION_IRI
    ]
    organized = [from_lexical(m) for m in index.subjects(_ORGANIZATION_IRI, d["iri"])]
    info = {
        "label": d["label"],
        "iri": d["iri"],
        "kind": d.get("class_label") or _OTHER_LABEL[lang],
        "labels": {code: labels[code] for code in (*LANGS, "") if labels.get(code)},
        "aliases": {k: sorted(v) for k, v in aliases.items()},
        "attrs": _attributes(kg, G, iri, lang, own, organized),
        "file": file,
    }
    for key, term in _PLACED:
        if d.get(key):
            name = _pred_label(kg, term, lang)
            info["attrs"].insert(0, [name[:1].upper() + name[1:], d[key]])
    return info


def _attributes(
    kg: _Terms,
    G: nx.Graph,
    iri: URIRef,
    lang: str,
    own: list[tuple[Node, Node, Node]],
    organized: list[Node],
) -> list[list[str]]:
    """Values of ``iri`` (its triples ``own``) that are not edges of the view:
    literals, blank nodes (a quantity), and terms that are not nodes (a status, a
    partner role)."""
    by_pred: dict[URIRef, list[Node]] = defaultdict(list)
    for _, p, o in own:
        if p in _NOT_ATTRIBUTES or (isinstance(o, URIRef) and kg.curie(o) in G):
            continue
        by_pred[p].append(o)
    out = []
    for p in sorted(by_pred, key=str):
        values = by_pred[p]
        literals = _in_lang([v for v in values if isinstance(v, Literal)], lang)
        others = sorted(
            (_flatten(kg, v, lang) if isinstance(v, BNode) else kg.label(v, lang))
            for v in values
            if not isinstance(v, Literal)
        )
        for value in literals + others:
            out.append([_pred_label(kg, p, lang), value])
    participations = {o for _, p, o in own if p == _HAS_PARTICIPATION}
    if participations or organized:
        for m in sorted(participations | set(organized), key=str):
            member, role = kg.value(m, ORG.member), kg.value(m, ORG.role)
            if member is not None:
                who = kg.label(member, lang)
                out.append(
                    [
                        UI[lang]["role"],
                        f"{who}: {kg.label(role, lang)}" if role is not None else who,
                    ]
                )
    return out


def _pred_label(kg: KnowledgeGraph, pred: URIRef, lang: str) -> str:
    label = kg.label(pred, lang)
    if label != kg.curie(pred):
        return label
    local = re.split(r"[#/:]", str(pred))[-1]
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", local).lower()


def _flatten(kg: KnowledgeGraph, node: BNode, lang: str) -> str:
    """A blank node (a quantity, say) as ``label: value; ...``."""
    parts = []
    for p, o in sorted((p, o) for _, p, o in kg.triples((node, None, None))):
        if p != RDF.type:
            value = str(o) if isinstance(o, Literal) else kg.label(o, lang)
            parts.append(f"{_pred_label(kg, p, lang)}: {value}")
    return "; ".join(parts)


def _in_lang(values: list[Literal], lang: str) -> list[str]:
    """Untagged literals, plus tagged ones in ``lang`` (else English, else all)."""
    plain = sorted(str(v) for v in values if not v.language)
    tagged = [v for v in values if v.language]
    for code in (lang, "en"):
        picked = [str(v) for v in tagged if v.language == code]
        if picked:
            return plain + sorted(picked)
    return plain + sorted(str(v) for v in tagged)


def _fact_info(kg: KnowledgeGraph, fact: URIRef, lang: str) -> dict:
    """Quotes, documents and caveats of an n-ary fact."""
    rdf = kg  # objects() and `in` over the store
    quotes, docs = [], []
    for excerpt in sorted(rdf.objects(fact, PROV.wasDerivedFrom), key=str):
        for quote in rdf.objects(excerpt, CNAI.quote):
            if str(quote) not in quotes:
                quotes.append(str(quote))
        for doc in rdf.objects(excerpt, DCTERMS.isPartOf):
            for source in (doc, *rdf.objects(doc, PROV.wasDerivedFrom)):
                name = kg.label(source, lang)
                if name not in docs and (source, RDF.type, None) in rdf:
                    docs.append(name)
    definitional = (fact, RDF.type, CNAI.DefinitionalFact) in rdf
    out = {
        "quotes": quotes,
        "documents": docs,
        "definitional": definitional,
        "caveats": _in_lang(
            [c for c in rdf.objects(fact, CNAI.caveat) if isinstance(c, Literal)], lang
        ),
    }
    why = _in_lang([c for c in rdf.objects(fact, RDFS.comment) if isinstance(c, Literal)], lang)
    if definitional and why:
        out["why"] = why[0]
    return out


def _edge_fact(d: dict) -> dict:
    """The evidence :func:`~cnai_kg.network.to_networkx` put on an edge, as a fact record."""
    fact = {
        "quotes": [q for q in d.get("quote", "").split("\n") if q],
        "documents": [x for x in (d.get("document"), d.get("report")) if x],
        "definitional": d.get("evidence") == "definitional",
        "caveats": [d["caveat"]] if d.get("caveat") else [],
    }
    if d.get("why"):
        fact["why"] = d["why"]
    return fact


def _legend(kg, lang, kind_count, group_count, group_color, color_by, has_path) -> dict:
    kinds = [k for k in (*KINDS, OTHER) if kind_count.get(k)]
    return {
        "kinds": [
            {
                "key": k.key,
                "label": _kind_label(kg, k, lang),
                "shape": k.shape,
                "color": k.color if color_by == "class" else NONE_COLOR,
                "count": kind_count[k],
            }
            for k in kinds
        ],
        "groups": [
            {"label": g, "color": group_color[g], "count": n}
            for g, n in sorted(
                group_count.items(), key=lambda gn: (group_color[gn[0]] == NONE_COLOR, gn[0])
            )
        ],
        "colorBy": color_by,
        "path": has_path,
    }


def _kind_label(kg: KnowledgeGraph, kind: Kind, lang: str) -> str:
    if kind is OTHER:
        return _OTHER_LABEL[lang]
    label = kg.label(kind.iri, lang)
    return kind.key if label == kind.curie else label
