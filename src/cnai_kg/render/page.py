"""The page: the GraphView record, vis-network's assets, the CSP and the HTML."""

from __future__ import annotations

import base64
import hashlib
import html
import importlib.util
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources as importlib_resources
from pathlib import Path

from ..errors import CnaiKgError
from ..io import atomic_write
from .options import UI


class AssetMissing(CnaiKgError):
    """vis-network's files were not found in the installed pyvis package."""


# --------------------------------------------------------------------------- the view


@dataclass
class GraphView:
    """A rendered view: node and edge records, vis-network options, and the page.

    Returned by :func:`render`. ``view.html`` is the page; :meth:`save` writes it
    atomically; in Jupyter the view displays itself in an ``<iframe srcdoc>``,
    so nothing depends on a file beside the notebook, on the notebook trusting
    its outputs, or on the network.

    Attributes
    ----------
    title : heading and ``<title>`` of the page
    lang : label language
    nodes : vis-network node records: ``id`` (the entity's CURIE), ``label``,
        ``kind``, ``group`` (its style in ``options["groups"]``), ``value``, ``x``, ``y``
    edges : vis-network edge records: ``id``, ``from``, ``to``, ``relation``
        (CURIE), ``label``, and ``fact`` (CURIE of the fact behind it) and ``role``
        when there is one
    node_info : what the details panel shows about each node, by id
    facts : quotes, documents, caveats of every fact, by CURIE (shared by the
        edges and nodes that refer to it)
    relations : label of each relation, by CURIE
    options : vis-network options
    legend : kinds (and hub/sector colours) with their counts
    focus : the focused entity, path : the highlighted path (CURIEs)
    hops : the evidence chain along ``path``
    """

    title: str
    lang: str
    nodes: list[dict]
    edges: list[dict]
    node_info: dict[str, dict]
    facts: dict[str, dict]
    relations: dict[str, str]
    options: dict
    legend: dict
    focus: str | None = None
    path: list[str] | None = None
    hops: list[dict] | None = None
    height: int = 640
    meta: dict = field(default_factory=dict)

    @property
    def node_ids(self) -> set[str]:
        """CURIEs of the nodes in the view."""
        return {n["id"] for n in self.nodes}

    @property
    def edge_triples(self) -> set[tuple[str, str, str]]:
        """``(from, relation, to)`` of every edge."""
        return {(e["from"], e["relation"], e["to"]) for e in self.edges}

    @property
    def edge_info(self) -> dict[str, dict]:
        """What the details panel shows about each edge, by id (references resolved)."""
        out = {}
        for e in self.edges:
            info = {
                "relation": self.relations[e["relation"]],
                "relationCurie": e["relation"],
                "from": self.node_info[e["from"]]["label"],
                "to": self.node_info[e["to"]]["label"],
                "fromId": e["from"],
                "toId": e["to"],
            }
            if e.get("role"):
                info["role"] = e["role"]
            if e.get("fact"):
                info["fact"] = {"curie": e["fact"], **self.facts[e["fact"]]}
            out[e["id"]] = info
        return out

    def data(self) -> dict:
        """Everything the page's script receives, as JSON-able data."""
        return {
            "title": self.title,
            "lang": self.lang,
            "ui": UI[self.lang],
            "nodes": self.nodes,
            "edges": self.edges,
            "nodeInfo": self.node_info,
            "facts": self.facts,
            "relations": self.relations,
            "options": self.options,
            "legend": self.legend,
            "focus": self.focus,
            "path": self.path,
            "hops": self.hops,
            "meta": self.meta,
        }

    @property
    def html(self) -> str:
        """The self-contained page."""
        return build_page(self.data(), title=self.title, lang=self.lang)

    def save(self, path: str | Path) -> Path:
        """Write the page to ``path`` atomically (temp file + rename); return the path."""
        return atomic_write(path, self.html)

    def _repr_html_(self) -> str:
        # The page runs in its own document, sandboxed to an opaque origin.
        return (
            f'<iframe title="{html.escape(self.title)}" sandbox="allow-scripts" '
            f'style="width:100%;height:{int(self.height)}px;border:1px solid #ddd" '
            f'srcdoc="{html.escape(self.html, quote=True)}"></iframe>'
        )

    def __repr__(self) -> str:
        return (
            f"<GraphView {self.title!r}: {len(self.nodes)} nodes, {len(self.edges)} edges, "
            f"lang={self.lang}>"
        )


# --------------------------------------------------------------------------- the page


_JSON_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def safe_json(value) -> str:
    """JSON that can sit inside ``<script>`` in HTML: no ``<``, ``>``, ``&``, U+2028/9.

    Examples
    --------
    >>> print(safe_json({"label": "</script><b>&"}))
    {"label": "\\u003c/script\\u003e\\u003cb\\u003e\\u0026"}
    """
    text = json.dumps(value, ensure_ascii=False)
    # str.replace per character: far faster than str.translate on a page of megabytes
    for char, escape in _JSON_ESCAPES.items():
        text = text.replace(chr(char), escape)
    return text


def _package_dir(name: str) -> Path | None:
    """The folder of an installed package, found without importing it (importing
    pyvis imports IPython, half a second); None when it is not installed."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    locations = spec.submodule_search_locations if spec is not None else None
    return Path(next(iter(locations))) if locations else None


@cache
def vis_network_assets() -> tuple[str, str]:
    """vis-network's JavaScript and its version, from the installed pyvis package.

    pyvis ships vis-network's standalone build under ``pyvis/lib/vis-<version>/``;
    the newest one found is used. Nothing of it is copied into cnai-kg.
    """
    try:
        lib = _package_dir("pyvis") / "lib"
        folders = [p for p in lib.iterdir() if p.name.startswith("vis-")]
    except (TypeError, FileNotFoundError, NotADirectoryError):
        folders = []

    def version(p) -> tuple[int, ...]:
        return tuple(int(x) for x in re.findall(r"\d+", p.name))

    for folder in sorted(folders, key=version, reverse=True):
        js = folder / "vis-network.min.js"
        if js.is_file():
            code = js.read_text(encoding="utf-8")
            if re.search(r"</script|<!--", code, re.IGNORECASE):
                continue  # cannot be inlined safely
            return code, folder.name.removeprefix("vis-")
    raise AssetMissing(
        "vis-network not found in the pyvis package (pyvis/lib/vis-*/"
        "vis-network.min.js); reinstall pyvis>=0.3.2"
    )


@cache
def _own_asset(name: str) -> str:
    return (importlib_resources.files("cnai_kg") / "view" / name).read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    return (
        "'sha256-"
        + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
        + "'"
    )


def content_security_policy(scripts: Sequence[str], styles: Sequence[str]) -> str:
    """The page's CSP: only these inline scripts and styles (by hash), nothing fetched."""
    return "; ".join(
        [
            "default-src 'none'",
            "script-src " + " ".join(_sha256(s) for s in scripts),
            "style-src " + " ".join(_sha256(s) for s in styles),
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )


def build_page(data: dict, *, title: str, lang: str) -> str:
    """The HTML page for view ``data`` (see :meth:`GraphView.data`)."""
    vis_js, vis_version = vis_network_assets()
    view_js, css = _own_asset("view.js"), _own_asset("view.css")
    template = _own_asset("template.html")
    csp = content_security_policy([vis_js, view_js], [css])
    fields = {
        "lang": html.escape(lang, quote=True),
        "csp": html.escape(csp, quote=True),
        "title": html.escape(title),
        "vis_version": html.escape(vis_version),
        "css": css,
        "data": safe_json(data),
        "vis_js": vis_js,
        "view_js": view_js,
    }
    # One pass over the template: values are never scanned for placeholders.
    return re.sub(r"\{\{(\w+)\}\}", lambda m: fields[m.group(1)], template)
