"""Network analyses of the knowledge graph, one family per module.

Every function takes the graph first: a :class:`~cnai_kg.KnowledgeGraph`
(projected with :func:`cnai_kg.network.to_networkx`, options passed through)
or a networkx graph made by that projection. They return plain dataclasses.

- :mod:`.centrality`: who is central (degree, betweenness, closeness, PageRank,
  eigenvector, harmonic), the scores as RDF, a bar chart.
- :mod:`.paths`: shortest paths as evidence chains, each hop with its quote.
- :mod:`.neighbors`: the entities within N hops of one entity.
- :mod:`.communities`: Louvain (or greedy-modularity, label-propagation) groups.
- :mod:`.engine`: the graph engines behind them, networkx and igraph (``engine=``).

Examples
--------
>>> import cnai_kg
>>> from cnai_kg.algorithms import evidence_paths
>>> [p.labels for p in evidence_paths(cnai_kg.load(), "Pony.ai", "WeRide", via=["Partnership"])]
[('Pony.ai', 'Uber', 'WeRide')]
"""

from __future__ import annotations

from .centrality import (
    MEASURES,
    CentralityResult,
    Score,
    centrality,
    centrality_chart,
    centrality_rdf,
)
from .communities import METHODS, Communities, Community, Member, communities
from .engine import AUTO_IGRAPH_ABOVE, DEFAULT_SAMPLE, ENGINES, SAMPLE_ABOVE
from .neighbors import Neighbor, neighbors
from .paths import EvidencePath, Hop, evidence_paths, format_path

__all__ = [
    "AUTO_IGRAPH_ABOVE",
    "DEFAULT_SAMPLE",
    "ENGINES",
    "MEASURES",
    "METHODS",
    "SAMPLE_ABOVE",
    "CentralityResult",
    "Communities",
    "Community",
    "EvidencePath",
    "Hop",
    "Member",
    "Neighbor",
    "Score",
    "centrality",
    "centrality_chart",
    "centrality_rdf",
    "communities",
    "evidence_paths",
    "format_path",
    "neighbors",
]
