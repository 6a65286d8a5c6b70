"""The projection as GraphML, GEXF or node-link JSON."""

from __future__ import annotations

import io
import json
import re

import networkx as nx

from ..errors import UsageError
from ..kg import KnowledgeGraph
from .projection import to_networkx
from .vocabulary import NETWORK_FORMATS

# --------------------------------------------------------------------------- export


def export_network(kg: KnowledgeGraph, fmt: str, **projection) -> bytes:
    """The projection as GraphML, GEXF or node-link JSON, UTF-8 encoded.

    Every attribute is a string, so Gephi, Cytoscape and
    :func:`networkx.read_graphml` / :func:`networkx.read_gexf` read nodes back
    with their labels in all three languages and edges with their relation,
    fact and quote. ``projection`` goes to :func:`to_networkx`; unlike the analyses an
    export keeps every status (``status="all"``) and marks each edge with its
    ``fact_status``, so a tool such as Gephi can filter proposals itself.

    Examples
    --------
    >>> import cnai_kg, io, networkx as nx
    >>> data = export_network(cnai_kg.load(), "graphml")
    >>> nx.read_graphml(io.BytesIO(data)).nodes["kg:Uber"]["label_zh"]
    '优步'
    """
    projection.setdefault("status", "all")  # every fact, each edge with its fact_status
    return write_network(to_networkx(kg, **projection), fmt)


def write_network(G: nx.Graph, fmt: str) -> bytes:
    """A networkx graph from :func:`to_networkx` as GraphML, GEXF or node-link JSON bytes.

    Characters XML cannot hold are dropped from GraphML and GEXF (see :func:`xml_safe`).
    """
    if fmt not in NETWORK_FORMATS:
        raise UsageError(
            f"unknown network format {fmt!r}; choose one of: {', '.join(NETWORK_FORMATS)}"
        )
    if fmt == "node-link":
        data = nx.node_link_data(G, edges="edges")
        return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    G = _xml_safe_copy(G)
    buf = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(G, buf, encoding="utf-8", named_key_ids=True)
    else:
        for u, v, k, d in G.edges(keys=True, data=True):
            d["id"] = f"{u} {v} {k}"  # GEXF edge ids must be unique across the file
        nx.write_gexf(G, buf, encoding="utf-8")
    return buf.getvalue()


#: Characters XML 1.0 cannot carry (control characters, surrogates, U+FFFE/U+FFFF).
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold.

    >>> xml_safe("A\x01B")
    'AB'
    """
    return _NOT_XML.sub("", text)


def _xml_safe_copy(G: nx.Graph) -> nx.Graph:
    H = G.copy()
    for data in (
        H.graph,
        *(d for _, d in H.nodes(data=True)),
        *(d for *_, d in H.edges(data=True)),
    ):
        for key, value in data.items():
            if isinstance(value, str):
                data[key] = xml_safe(value)
    return H
