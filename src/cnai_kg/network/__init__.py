"""The entity network: a networkx projection of the knowledge graph, and its exports.

Nodes are the entities (organisations, groups, offerings, places, sectors,
technologies, laws). Edges come from two kinds of facts:

* **direct relations** between entities (``cnai:basedIn``, ``cnai:inGroup``,
  ``schema:containedInPlace`` ...), each described by a ``cnai:Statement`` that
  carries its source excerpt or is a ``cnai:DefinitionalFact``;
* **n-ary facts**. A ``cnai:Partnership`` either *collapses* into
  partner--partner edges (relation ``cnai:Partnership``, both directions when
  the graph is directed: a partnership is symmetric) plus an edge from each
  partner to the target market, or stays a *node* (a bipartite
  view: partner --``cnai:Participation``--> partnership, with the role on the
  edge, and partnership --``cnai:targetMarket``--> market). Opportunities link
  beneficiary --> counterparty (``cnai:Opportunity``, plus its target market
  and technology), risks link whom they affect --> the law behind them
  (``cnai:Risk``, plus the region), mitigations link beneficiary --> the
  organisations they work through (``cnai:Mitigation``). With ``claims=True``
  claims link the entities they are about to each other (``cnai:Claim``).
  Market figures are observations, not links, and stay out.

Every node and edge attribute is a string, so the graph can be written as
GraphML or GEXF as it is and read back by Gephi, Cytoscape or networkx.

Node attributes
    ``iri``, ``label`` (in the chosen language), ``label_en``, ``label_ko``,
    ``label_zh``, ``class`` (CURIE of the most specific class), ``class_label``,
    ``types`` (space-separated CURIEs of its classes and their superclasses),
    ``hub`` (the AI hub it lies in), ``region`` (its country or world region),
    ``sector`` (sectors it is in or specialises in, ``"; "``-separated),
    ``group`` (``"true"`` for a collectively named group, a ``cnai:ActorGroup``
    such as "Korean firms", else ``"false"``).
Edge attributes
    ``relation`` (CURIE), ``relation_label``, ``label`` (same, for Gephi),
    ``subject``/``object`` (the RDF direction), ``fact`` (IRI of the statement
    or n-ary fact), ``fact_kind``, ``fact_label``, ``evidence`` (``quote``,
    ``definitional`` or ``none``), ``quote``, ``document``, ``report``, ``why``
    (for definitional facts), ``caveat``, and for facts with roles: ``roles``,
    ``subject_role``, ``object_role``, ``partnership``, ``partnership_type``,
    ``status`` (its label), ``target_market``; and on every edge ``fact_status``:
    ``reported``, ``active``, ``proposed`` or ``definitional`` (see :data:`STATUSES`).

Which facts become edges is the ``status`` option: by default
(:data:`DEFAULT_STATUS`) what the source reports and the partnerships in place,
so that proposals (six of the eight partnerships, all between collectively named
groups) and definitional background facts (the place hierarchy, a company's
country) do not steer paths and rankings; ``status="all"`` adds them, and
``"reported,active,definitional"`` adds the definitional facts alone.

Examples
--------
>>> import cnai_kg
>>> G = cnai_kg.load().to_networkx()
>>> G.nodes["kg:Uber"]["label_ko"]
'우버'
"""

from __future__ import annotations

from .compiled import CompiledNetwork, analysis_network
from .export import NETWORK_FORMATS, export_network, write_network, xml_safe
from .index import details_index as details_index  # for render: a view's node details
from .index import gc_paused as gc_paused  # for render, which reads the same index
from .index import index_for as index_for
from .index import shared_index as shared_index
from .names import as_network, find_node, nodes_of_classes
from .projection import to_networkx
from .vocabulary import (
    DEFAULT_STATUS,
    EDGE_ATTRIBUTES,
    NODE_ATTRIBUTES,
    PARTNERSHIP_MODES,
    STATUSES,
    SYMMETRIC_RELATIONS,
    relation_names,
    resolve_classes,
    resolve_relations,
    resolve_status,
)

__all__ = [
    "EDGE_ATTRIBUTES",
    "NETWORK_FORMATS",
    "DEFAULT_STATUS",
    "NODE_ATTRIBUTES",
    "PARTNERSHIP_MODES",
    "STATUSES",
    "SYMMETRIC_RELATIONS",
    "CompiledNetwork",
    "analysis_network",
    "as_network",
    "export_network",
    "find_node",
    "nodes_of_classes",
    "relation_names",
    "resolve_classes",
    "resolve_relations",
    "resolve_status",
    "to_networkx",
    "write_network",
    "xml_safe",
]
