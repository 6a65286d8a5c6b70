"""The networkx projection: nodes, their attributes, and the edges of every fact."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable

import networkx as nx
from rdflib import URIRef
from rdflib.namespace import RDF

from ..errors import UsageError
from ..kg import ENTITY_EXCLUDED, LANGS, KnowledgeGraph, default_lang
from ..namespaces import CNAI, ORG, SCHEMA
from ..progress import task
from ..store.base import LexTerm
from .index import _ACTOR_GROUP, _CNAI_NS, _FACT, _TYPE, _Index, _iri, _is_iri, _text, gc_paused
from .reader import _STATUS, _most_specific, _Reader
from .vocabulary import (
    _FACT_NODES,
    _NARY,
    _NEVER_NODES,
    EDGE_ATTRIBUTES,
    PARTNERSHIP_MODES,
    _resolve_kg_relations,
    resolve_classes,
    resolve_status,
)

# --------------------------------------------------------------------------- projection


def to_networkx(
    kg: KnowledgeGraph,
    *,
    relations: Iterable[str] | None = None,
    classes: Iterable[str | URIRef] | None = None,
    partnerships: str = "collapse",
    directed: bool = True,
    claims: bool = False,
    status: str | Iterable[str] | None = None,
    lang: str | None = None,
) -> nx.MultiDiGraph | nx.MultiGraph:
    """Project the knowledge graph onto a networkx multigraph of entities.

    Parameters
    ----------
    kg : the knowledge graph
    relations : relations that become edges (CURIE, local name or label, e.g.
        ``"basedIn"``, ``"cnai:Partnership"``, ``"소재지"``); all when None
    classes : classes of the nodes kept (and their subclasses; CURIE, local
        name or label, e.g. ``"Company"``, ``"기업"``); all entity classes when
        None. Edges whose ends are not both kept are dropped.
    partnerships : ``"collapse"`` (partner--partner edges that carry the
        partnership, its roles and its quote) or ``"nodes"`` (partnerships,
        opportunities, risks, mitigations and claims stay nodes: a bipartite view)
    directed : a :class:`~networkx.MultiDiGraph` keeping the direction of each
        relation (symmetric ones get both directions), else a
        :class:`~networkx.MultiGraph` with one edge per fact
    claims : include ``cnai:Claim`` facts. A claim links every entity it is
        about to every other (a clique), which swamps centrality, so they are
        left out unless asked for.
    status : which facts become edges, by what the source says of them:
        ``reported`` (stated, with a quote), ``active`` (partnerships in
        place), ``proposed`` (recommended partnerships, opportunities and
        mitigations), ``definitional`` (background facts the graph adds, not from
        the source), comma-separated or a list, or ``"all"``. Default
        ``"reported,active"``: proposals and definitional facts stay out of paths
        and rankings. In
        ``partnerships="nodes"`` a fact node whose status is left out is dropped.
    lang : language of the ``label`` attributes (``en``, ``ko``, ``zh``)

    Returns
    -------
    networkx.MultiDiGraph or networkx.MultiGraph
        Nodes keyed by CURIE (``"kg:Baidu"``), edges keyed by the CURIE of
        their fact. ``G.graph`` records the options.

    Examples
    --------
    >>> import cnai_kg
    >>> G = cnai_kg.load().to_networkx(lang="ko")
    >>> G.nodes["kg:PonyAI"]["class"], G.nodes["kg:Uber"]["label"]
    ('cnai:Company', '우버')
    >>> sorted({d["relation"] for _, v, d in G.out_edges("kg:PonyAI", data=True)
    ...         if v == "kg:Uber"})
    ['cnai:Partnership']
    """
    if partnerships not in PARTNERSHIP_MODES:
        raise UsageError(
            f"unknown partnerships mode {partnerships!r}; choose one of: "
            f"{', '.join(PARTNERSHIP_MODES)}"
        )
    lang = lang or default_lang()
    if lang not in LANGS:
        raise UsageError(f"unknown language {lang!r}; choose one of: {', '.join(LANGS)}")
    keep_status = resolve_status(status)
    with gc_paused(), task("projecting the network", total=len(_STEPS)) as step:
        return _project(
            kg, lang, keep_status, classes, relations, partnerships, directed, claims, step
        )


#: The steps of a projection, as its progress reports them.
_STEPS = ("reading the store", "nodes", "statements", "n-ary facts", "building the graph")


def _project(kg, lang, keep_status, classes, relations, partnerships, directed, claims, step):
    step(0, note=_STEPS[0])
    reader = _Reader(kg, lang)
    step(1, note=_STEPS[1])
    keep_classes = {_iri(c) for c in resolve_classes(kg, classes)} if classes is not None else None
    wanted = _resolve_kg_relations(kg, relations) if relations is not None else None

    G: nx.MultiDiGraph | nx.MultiGraph = nx.MultiDiGraph() if directed else nx.MultiGraph()
    G.graph.update(
        {
            "name": "cnai-kg entity network",
            "lang": lang,
            "partnerships": partnerships,
            "directed": str(directed).lower(),
            "relations": " ".join(sorted(wanted)) if wanted is not None else "all",
            "classes": " ".join(sorted(reader.curie(c) for c in keep_classes))
            if keep_classes is not None
            else "default",
            "claims": str(claims).lower(),
            "status": " ".join(keep_status),
        }
    )

    nodes = _select_nodes(reader, partnerships, keep_classes, claims)
    nodes = [
        n for n in nodes if _FACT not in reader.classes_of(n) or reader.status(n) in keep_status
    ]
    node_ids = {node: reader.curie(node) for node in nodes}
    for node in sorted(nodes, key=lambda n: node_ids[n]):
        G.add_node(node_ids[node], **_node_attributes(reader, node, keep_classes))

    step(2, note=_STEPS[2])
    edges = list(_direct_edges(reader, node_ids))
    step(3, note=_STEPS[3])
    if partnerships == "collapse":
        edges += _collapsed_edges(reader, node_ids, directed, claims)
    else:
        edges += _fact_node_edges(reader, node_ids)
    step(4, note=_STEPS[4])
    edges.sort(key=lambda e: (e[0], e[1], e[2]["relation"], e[2]["fact"]))
    # the graph copies each edge's attributes: let go of the index, the per-fact records and
    # each edge's own dict as soon as they are copied, so memory does not hold them twice
    reader.release()
    for i, (u, v, attrs) in enumerate(edges):
        edges[i] = None
        if wanted is not None and attrs["relation"] not in wanted:
            continue
        if attrs["fact_status"] not in keep_status:
            continue
        key = reader.curie(attrs["fact"]) if attrs["fact"] else attrs["relation"]
        if G.has_edge(u, v, key):  # one fact, two relations between the same pair
            key = f"{key}|{attrs['relation']}"
            if G.has_edge(u, v, key):
                continue
        G.add_edge(u, v, key=key, **attrs)  # every attribute of EDGE_ATTRIBUTES, in order
    step(5, note="done")
    return G


def _select_nodes(reader: _Reader, mode: str, keep: set[str] | None, claims: bool) -> list[str]:
    out = []
    never = {_iri(c) for c in _NEVER_NODES} | (set() if claims else {_iri(CNAI.Claim)})
    fact_nodes = {_iri(c) for c in _FACT_NODES} if mode == "nodes" else set()
    for entity in _entities(reader.ix):
        classes = reader.classes_of(entity)
        if keep is not None:
            if classes & keep:
                out.append(entity)
            continue
        if classes & never:
            continue
        if _FACT in classes and not classes & fact_nodes:
            continue
        out.append(entity)
    return out


def _entities(index: _Index) -> list[str]:
    """The entities, as :meth:`KnowledgeGraph.entities` gives them."""
    excluded = {_iri(c) for c in ENTITY_EXCLUDED}
    return sorted(
        s for s, types in index.pairs(_TYPE) if _is_iri(s) and not excluded.intersection(types)
    )


_SECTOR_PROPERTIES = tuple(_iri(p) for p in (CNAI.inSector, CNAI.specializesIn, CNAI.sector))


def _node_attributes(reader: _Reader, node: str, keep: set[str] | None) -> dict[str, str]:
    labels = reader.labels(node)
    cls = _most_specific(reader, node, keep)
    classes = reader.classes_of(node)
    hub, region = _location(reader, node)
    sectors = [
        o
        for p in _SECTOR_PROPERTIES
        for o in reader.objects(node, p)
        if reader.ix.has_type(o, _SECTOR)
    ]
    return {
        "iri": node,
        "label": reader.label(node),
        **{f"label_{c}": (labels.get(c) or [""])[0] for c in LANGS},
        "class": reader.curie(cls) if cls is not None else "",
        "class_label": reader.label(cls) if cls is not None else "",
        "types": " ".join(sorted(reader.curie(c) for c in classes if c.startswith(_CNAI_NS))),
        "hub": reader.labels_joined(hub),
        "region": reader.labels_joined(region),
        "sector": reader.labels_joined(sectors),
        "group": str(_ACTOR_GROUP in classes).lower(),
    }


_SECTOR, _AIHUB, _COUNTRY = _iri(CNAI.Sector), _iri(CNAI.AIHub), _iri(CNAI.Country)
_WORLD_REGION = _iri(CNAI.WorldRegion)
_PLACES = frozenset(_iri(c) for c in (CNAI.Country, CNAI.EconomicZone, CNAI.City, CNAI.WorldRegion))
_BASED_IN, _CONTAINED_IN = _iri(CNAI.basedIn), _iri(SCHEMA.containedInPlace)
_BEHIND = tuple(_iri(p) for p in (CNAI.providedBy, CNAI.developedBy, ORG.unitOf))


def _location(reader: _Reader, node: str) -> tuple[set[LexTerm], set[LexTerm]]:
    """AI hubs and countries/world regions above ``node`` (via basedIn, containedInPlace,
    and for offerings and units the organisation behind them)."""
    start: set[LexTerm] = set()
    if reader.classes_of(node) & _PLACES:
        start.add(node)
    start.update(reader.ix.objects(node, _BASED_IN))
    if not start:
        for p in _BEHIND:
            for org in reader.ix.objects(node, p):
                start.update(reader.ix.objects(org, _BASED_IN))
    seen: set[LexTerm] = set()
    todo = list(start)
    while todo:
        place = todo.pop()
        if place in seen:
            continue
        seen.add(place)
        todo.extend(reader.ix.objects(place, _CONTAINED_IN))
    hubs = {p for p in seen if reader.ix.has_type(p, _AIHUB)}
    countries = {p for p in seen if reader.ix.has_type(p, _COUNTRY)}
    world = {p for p in seen if reader.ix.has_type(p, _WORLD_REGION)}
    if node in countries or node in world:
        return hubs, {node}
    return hubs, countries or world


def _edge(
    reader: _Reader, subject: LexTerm, relation: str, obj: LexTerm, fact: LexTerm, **extra: str
) -> dict[str, str]:
    attrs = reader.edge_template(fact).copy()
    attrs["relation"] = reader.curie(relation)
    attrs["relation_label"] = attrs["label"] = reader.label(relation)
    attrs["subject"] = reader.curie(subject)
    attrs["object"] = reader.curie(obj)
    attrs.update(extra)
    return attrs


_RDF_SUBJECT, _RDF_PREDICATE, _RDF_OBJECT = _iri(RDF.subject), _iri(RDF.predicate), _iri(RDF.object)
_NEEDS_EVIDENCE = _iri(CNAI.needsEvidence)


def _direct_edges(reader: _Reader, node_ids: dict[str, str]):
    """One edge per direct triple between two nodes, with its best statement."""
    ix = reader.ix
    statements: dict[tuple[LexTerm, LexTerm, LexTerm], list[LexTerm]] = defaultdict(list)
    for stmt, subjects in ix.pairs(_RDF_SUBJECT):
        pred = reader.value(stmt, _RDF_PREDICATE)
        obj = reader.value(stmt, _RDF_OBJECT)
        if pred is not None and obj is not None:
            for subject in subjects:
                statements[(subject, pred, obj)].append(stmt)
    triples = set(statements)
    for pred, _ in ix.pairs(_NEEDS_EVIDENCE):
        if _is_iri(pred):
            triples.update((s, pred, o) for s, objects in ix.pairs(pred) for o in objects)

    def rank(st):
        kind = reader.evidence(st)["evidence"]
        return (kind != "quote", kind != "definitional", _text(st))

    for s, p, o in triples:  # to_networkx sorts the edges
        if s not in node_ids or o not in node_ids or s == o or not _is_iri(p):
            continue
        found = statements.get((s, p, o))
        if found:
            attrs = _edge(reader, s, p, o, found[0] if len(found) == 1 else min(found, key=rank))
        else:
            attrs = dict.fromkeys(EDGE_ATTRIBUTES, "")
            attrs.update(
                relation=reader.curie(p),
                relation_label=reader.label(p),
                label=reader.label(p),
                subject=node_ids[s],
                object=node_ids[o],
                evidence="none",
                fact_status="reported",
            )
        yield node_ids[s], node_ids[o], attrs


_HAS_PARTICIPATION, _ORGANIZATION = _iri(CNAI.hasParticipation), _iri(ORG.organization)
_ROLE, _MEMBER = _iri(ORG.role), _iri(ORG.member)


def _participations(reader: _Reader, partnership: LexTerm) -> list[tuple]:
    """(member, role, membership) of a partnership, sorted by member."""
    memberships = set(reader.ix.objects(partnership, _HAS_PARTICIPATION))
    memberships |= set(reader.ix.subjects(_ORGANIZATION, partnership))
    out = []
    for m in memberships:
        role = reader.value(m, _ROLE)
        for member in reader.ix.objects(m, _MEMBER):
            out.append((member, role, m))
    return sorted(out, key=lambda t: (_text(t[0]), "None" if t[1] is None else _text(t[1])))


_PARTNERSHIP_TYPE, _TARGET_MARKET = _iri(CNAI.partnershipType), _iri(CNAI.targetMarket)


def _partnership_extra(reader: _Reader, fact: LexTerm, parts, u, v) -> dict[str, str]:
    roles = defaultdict(list)
    for member, role, _ in parts:
        if role is not None:
            roles[member].append(reader.label(role))
    summary = "; ".join(
        f"{reader.label(m)}: {', '.join(sorted(r))}"
        for m, r in sorted(roles.items(), key=lambda kv: reader.label(kv[0]))
    )
    return {
        "roles": summary,
        "subject_role": ", ".join(sorted(roles.get(u, []))),
        "object_role": ", ".join(sorted(roles.get(v, []))),
        "partnership": str(fact),
        "partnership_type": reader.labels_joined(reader.ix.objects(fact, _PARTNERSHIP_TYPE)),
        "status": reader.labels_joined(reader.ix.objects(fact, _STATUS)),
        "target_market": reader.labels_joined(reader.ix.objects(fact, _TARGET_MARKET)),
    }


def _fact_extra(reader: _Reader, fact: LexTerm) -> dict[str, str]:
    return {
        "status": reader.labels_joined(reader.ix.objects(fact, _STATUS)),
        "target_market": reader.labels_joined(reader.ix.objects(fact, _TARGET_MARKET)),
    }


_PARTNERSHIP, _CLAIM = _iri(CNAI.Partnership), _iri(CNAI.Claim)


def _collapsed_edges(reader: _Reader, node_ids: dict[str, str], directed: bool, claims: bool):
    for spec in _NARY:
        kind = _iri(spec.kind)
        if kind == _CLAIM and not claims:
            continue
        relation = _iri(spec.relation)
        facts = sorted(
            {f for c in reader.subclasses(kind) for f in reader.ix.subjects(_TYPE, c)}, key=_text
        )
        for fact in facts:
            if kind == _PARTNERSHIP:
                parts = _participations(reader, fact)
                sources = [m for m, _, _ in parts]
            else:
                parts = []
                sources = [o for p in spec.sources for o in reader.objects(fact, _iri(p))]
            targets = [o for p in spec.targets for o in reader.objects(fact, _iri(p))]
            sources = [s for s in dict.fromkeys(sources) if s in node_ids]
            targets = [t for t in dict.fromkeys(targets) if t in node_ids]
            if kind == _PARTNERSHIP:
                shared = _partnership_extra(reader, fact, parts, None, None)
                by_member = defaultdict(list)
                for member, role, _ in parts:
                    if role is not None:
                        by_member[member].append(reader.label(role))
                roles = {m: ", ".join(sorted(r)) for m, r in by_member.items()}

                def extra(u, v, shared=shared, roles=roles):
                    return {
                        **shared,
                        "subject_role": roles.get(u, ""),
                        "object_role": roles.get(v, ""),
                    }
            else:
                shared = _fact_extra(reader, fact)

                def extra(u, v, shared=shared):
                    return shared

            if spec.targets:
                pairs = [(s, t) for s in sources for t in targets if s != t]
            else:
                pairs = list(itertools.combinations(sources, 2))
                if directed:
                    pairs += [(v, u) for u, v in pairs]
            for u, v in pairs:
                yield (node_ids[u], node_ids[v], _edge(reader, u, relation, v, fact, **extra(u, v)))
            actors = list(dict.fromkeys(sources + (targets if spec.context_from_targets else [])))
            for prop in spec.context:
                prop = _iri(prop)
                link = relation if spec.context_as_fact else prop
                for ctx in reader.objects(fact, prop):
                    if ctx not in node_ids:
                        continue
                    for actor in actors:
                        if actor != ctx:
                            yield (
                                node_ids[actor],
                                node_ids[ctx],
                                _edge(reader, actor, link, ctx, fact, **extra(actor, ctx)),
                            )


_PARTICIPATION = _iri(CNAI.Participation)


def _fact_node_edges(reader: _Reader, node_ids: dict[str, str]):
    """Bipartite view: partner -> partnership, fact -> every entity it points at."""
    for fact in sorted(node_ids):
        if _FACT not in reader.classes_of(fact):
            continue
        if _PARTNERSHIP in reader.classes_of(fact):
            for member, role, membership in _participations(reader, fact):
                if member not in node_ids:
                    continue
                extra = _partnership_extra(reader, fact, [(member, role, membership)], member, fact)
                yield (
                    node_ids[member],
                    node_ids[fact],
                    _edge(reader, member, _PARTICIPATION, fact, fact, **extra),
                )
        for p, o in sorted(reader.ix.outgoing(fact), key=lambda t: (t[0], _text(t[1]))):
            if o not in node_ids or o == fact or p == _TYPE:
                continue
            yield (
                node_ids[fact],
                node_ids[o],
                _edge(reader, fact, p, o, fact, **_fact_extra(reader, fact)),
            )
