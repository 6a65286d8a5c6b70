"""Interactive HTML views of the graph: one self-contained, offline, safe page.

:func:`render` draws the entity network (:func:`cnai_kg.network.to_networkx`,
with partnerships, opportunities, risks, claims and market figures kept as
nodes) or a part of it (an ego network, a path in its context, some classes or
relations) as a :class:`GraphView`. The view shows itself inline in Jupyter and
saves as one HTML file that:

* works from ``file://`` with the network off: vis-network's JavaScript is read
  from the installed ``pyvis`` package and inlined; Bootstrap and every CDN are
  left out, so the page makes no request at all;
* treats every label, quote and note as text: the data travels as JSON in a
  ``<script type="application/json">`` block with ``<``, ``>``, ``&``, U+2028 and
  U+2029 escaped, and the page's script builds tooltips and the details panel
  with ``textContent`` (vis-network's HTML tooltips are not used);
* carries a Content-Security-Policy that allows exactly its two inline scripts
  and its stylesheet (by SHA-256 hash) and nothing else: no request, no eval;
* stays usable when large: node and edge records are built directly (not with
  pyvis's one-by-one ``add_node``), and beyond ``layout_threshold`` nodes the
  layout is computed beforehand (:func:`community_layout`) with physics off.
  Smaller views let physics settle once, then switch it off.

Examples
--------
>>> import cnai_kg
>>> kg = cnai_kg.load()
>>> view = kg.render(focus="닝더스다이", hops=1, lang="ko")
>>> view
<GraphView 'CATL': 5 nodes, 6 edges, lang=ko>
>>> "kg:CATL" in view.node_ids
True
"""

from __future__ import annotations

from .layout import community_layout
from .options import (  # noqa: F401 - importable from here, as before the split
    BETWEENNESS_SAMPLE,
    COLOR_BY,
    FONTS,
    FR_ITERATIONS,
    KINDS,
    LAYOUT_THRESHOLD,
    LAYOUTS,
    MAX_LABEL,
    NONE_COLOR,
    OTHER,
    PALETTE,
    PATH_COLOR,
    SCOPES,
    SIZE_BY,
    STORY_CLASSES,
    STORY_HIDDEN,
    UI,
    VIEW_CLASSES,
    Kind,
)
from .page import (
    AssetMissing,
    GraphView,
    _own_asset,  # noqa: F401 - the explorer serves the same files
    build_page,
    content_security_policy,
    safe_json,
    vis_network_assets,
)
from .view import render

__all__ = [
    "COLOR_BY",
    "KINDS",
    "LAYOUTS",
    "SIZE_BY",
    "STORY_CLASSES",
    "STORY_HIDDEN",
    "VIEW_CLASSES",
    "AssetMissing",
    "GraphView",
    "Kind",
    "build_page",
    "community_layout",
    "content_security_policy",
    "render",
    "safe_json",
    "vis_network_assets",
]
