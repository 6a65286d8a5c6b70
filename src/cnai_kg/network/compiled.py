"""The projection compiled once, kept beside a cached store, read back lean.

A command runs in its own process, so what a warm command costs is what it must rebuild.
The full projection (:func:`~cnai_kg.network.to_networkx`) reads every triple of the store
into a lexical index first (about 5 s of a 10k-company graph's 11 s). The analyses need
much less: the node ids and the edges (and their relation) to search and rank, then the
attributes of what they show (the top scores, the hops of a path).

So the first analysis on a cached store with a given set of projection options writes the
projection it built into an SQLite file in the store's cache folder (keyed by the store,
itself keyed by the files' contents, and by the options), and every later one opens
:class:`CompiledNetwork` on it: the node ids, their types and the edge list are read at
once, every other attribute is fetched when asked for. It answers the part of the networkx
graph API the analyses use, with the same values in the same order, so every analysis gives
the same answer on it as on the graph it was compiled from (``tests/test_compiled.py``).

Examples
--------
>>> import networkx as nx, tempfile, pathlib
>>> G = nx.MultiDiGraph(lang="en")
>>> G.add_node("a", label="A", types="cnai:Company")
>>> G.add_edge("a", "b", key="f", relation="cnai:basedIn", relation_label="based in")
'f'
>>> path = pathlib.Path(tempfile.mkdtemp()) / "net.sqlite"
>>> net = CompiledNetwork(write_compiled(G, path))
>>> list(net), net.nodes["a"]["label"], list(net["a"]["b"])
(['a', 'b'], 'A', ['f'])
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import networkx as nx

__all__ = ["CompiledNetwork", "analysis_network", "compiled_network", "write_compiled"]

#: Bumped when the layout of a compiled network changes.
FORMAT = 2  # 2: definitional facts have their own fact_status
_FOLDER = "networks"
#: Compiled networks kept open in a process (a server answers many requests on one).
_KEEP_OPEN = 4
_open: dict[Path, CompiledNetwork] = {}
_open_lock = threading.Lock()


def _key(options: dict) -> str:
    text = json.dumps({"format": FORMAT, **options}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _options(projection: dict) -> dict:
    """The projection options in a stable form (the cache key): lists sorted."""
    out = {}
    for name, value in sorted(projection.items()):
        if value is None:
            continue
        if isinstance(value, str | bool):
            out[name] = value
        else:
            out[name] = sorted(str(v) for v in value)
    return out


def analysis_network(graph, **projection):
    """The network an analysis runs on: ``graph`` itself when it is one, else its projection,
    compiled into the store's cache folder and read lean when the store is a cached one.

    The analyses (centrality, paths, neighbours, communities) call this instead of
    :func:`~cnai_kg.network.as_network`; the answers are the same either way.
    """
    from ..kg import KnowledgeGraph
    from .names import as_network

    if isinstance(graph, CompiledNetwork):
        return graph
    if isinstance(graph, KnowledgeGraph):
        folder = getattr(graph.store, "cache_folder", None)
        if folder is not None:
            return compiled_network(graph, Path(folder), **projection)
    return as_network(graph, **projection)


def compiled_network(kg, folder: Path, **projection) -> CompiledNetwork | nx.Graph:
    """The projection of ``kg`` with ``projection`` options, compiled in ``folder``.

    Built (through :func:`~cnai_kg.network.to_networkx`) and written when missing; when the
    folder cannot be written (read-only, full) the projection itself is returned.
    """
    from ..kg import default_lang
    from .projection import to_networkx

    projection = {k: v for k, v in projection.items() if v is not None}
    projection.setdefault("lang", default_lang())
    path = folder / _FOLDER / f"{_key(_options(projection))}.sqlite"
    with _open_lock:
        net = _open.get(path)
    if net is not None and path.is_file():
        return net
    if path.is_file():
        try:
            net = CompiledNetwork(path)
        except sqlite3.Error:  # damaged: build it again
            pass
        else:
            with _open_lock:  # kept for the process (a server answers many paths)
                while len(_open) >= _KEEP_OPEN:
                    _open.pop(next(iter(_open)))
                _open[path] = net
            return net
    G = to_networkx(kg, **projection)
    try:
        path.parent.mkdir(exist_ok=True)
        write_compiled(G, path)
    except (OSError, sqlite3.Error):  # a read-only or full cache: do without
        return G
    return G  # the graph just built answers as the compiled one would, and at once


def write_compiled(G: nx.Graph, path: Path) -> Path:
    """Write the projection ``G`` to the SQLite file ``path``, atomically."""
    fd, tmp = tempfile.mkstemp(prefix=".network.", suffix=".sqlite", dir=path.parent)
    os.close(fd)
    dumps = json.dumps
    try:
        with contextlib.closing(sqlite3.connect(tmp)) as db:
            db.executescript(
                "CREATE TABLE meta (graph TEXT, directed INTEGER);"
                "CREATE TABLE nodes (i INTEGER PRIMARY KEY, id TEXT, types TEXT, label TEXT,"
                " attrs TEXT);"
                "CREATE TABLE edges (i INTEGER PRIMARY KEY, u INTEGER, v INTEGER, key TEXT,"
                " relation TEXT, relation_label TEXT, attrs TEXT);"
            )
            db.execute("INSERT INTO meta VALUES (?, ?)", (dumps(G.graph), int(G.is_directed())))
            index = {n: i for i, n in enumerate(G)}
            db.executemany(
                "INSERT INTO nodes VALUES (?, ?, ?, ?, ?)",
                (
                    (index[n], n, d.get("types"), d.get("label"), dumps(d))
                    for n, d in G.nodes(data=True)
                ),
            )
            db.executemany(
                "INSERT INTO edges VALUES (NULL, ?, ?, ?, ?, ?, ?)",
                (
                    (
                        index[u],
                        index[v],
                        str(k),
                        d.get("relation", ""),
                        d.get("relation_label", ""),
                        dumps(d),
                    )
                    for u, v, k, d in G.edges(keys=True, data=True)
                ),
            )
            db.execute("CREATE INDEX by_pair ON edges (u, v)")
            db.commit()
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path


class _Nodes:
    """``net.nodes``: iterate the ids, ``[n]`` the attributes of one, ``(data=True)`` all."""

    def __init__(self, net: CompiledNetwork):
        self._net = net

    def __iter__(self) -> Iterator[str]:
        return iter(self._net._ids)

    def __len__(self) -> int:
        return len(self._net._ids)

    def __contains__(self, node) -> bool:
        return node in self._net._index

    def __getitem__(self, node: str) -> dict:
        return self._net._node(node)

    def __call__(self, data: bool | str = False):
        if not data:
            return list(self._net._ids)
        if data == "types":
            return list(zip(self._net._ids, self._net._types, strict=True))
        if data == "label":
            found = self._net._db.execute("SELECT label FROM nodes ORDER BY i")
            return [(n, label) for n, (label,) in zip(self._net._ids, found, strict=True)]
        rows = self._net._all_nodes()
        if data is True:
            return rows
        return [(n, d.get(data)) for n, d in rows]


class _Adjacent:
    """``net[u]``: ``[v]`` gives the edges from ``u`` to ``v`` (key -> attributes)."""

    def __init__(self, net: CompiledNetwork, u: str):
        self._net, self._u = net, u

    def __getitem__(self, v: str) -> dict[str, dict]:
        found = self._net._between(self._u, v)
        if not found:
            raise KeyError(v)
        return found


class CompiledNetwork:
    """A projection written by :func:`write_compiled`, read as the analyses need it.

    Answers the part of the networkx API the analyses use: ``len``, ``in``, iteration,
    ``graph``, ``is_directed()``, ``nodes[n]``, ``nodes(data=...)``, ``edges()``,
    ``edges(data="relation")``, ``has_edge(u, v)``, ``net[u][v]``. Node ids, their
    ``types`` and the edge list are read when it opens; every other attribute when asked
    for (and then kept).
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        uri = self.path.resolve().as_uri() + "?mode=ro&immutable=1"
        self._db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        graph, directed = self._db.execute("SELECT graph, directed FROM meta").fetchone()
        self.graph = json.loads(graph)
        self._directed = bool(directed)
        rows = self._db.execute("SELECT id, types FROM nodes ORDER BY i").fetchall()
        self._ids = [r[0] for r in rows]
        self._types = [r[1] for r in rows]
        self._index = {n: i for i, n in enumerate(self._ids)}
        self._edges: list[tuple[int, int, str, str]] | None = None
        self._attrs: dict[str, dict] = {}
        self.__networkx_cache__: dict = {}
        self.nodes = _Nodes(self)

    def __len__(self) -> int:
        return len(self._ids)

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __contains__(self, node) -> bool:
        return node in self._index

    def __getitem__(self, u: str) -> _Adjacent:
        if u not in self._index:
            raise KeyError(u)
        return _Adjacent(self, u)

    def is_directed(self) -> bool:
        return self._directed

    def number_of_nodes(self) -> int:
        return len(self._ids)

    def number_of_edges(self) -> int:
        return len(self._edge_rows())

    def _edge_rows(self) -> list[tuple[int, int, str, str]]:
        if self._edges is None:
            self._edges = self._db.execute(
                "SELECT u, v, relation, relation_label FROM edges ORDER BY i"
            ).fetchall()
        return self._edges

    def edges(self, data: bool | str = False):
        """(u, v) of every edge in the order of the graph compiled; with ``data`` a name,
        (u, v, that attribute); with ``data=True`` (u, v, every attribute)."""
        ids = self._ids
        rows = self._edge_rows()
        if not data:
            return [(ids[u], ids[v]) for u, v, _, _ in rows]
        if data == "relation":
            return [(ids[u], ids[v], r) for u, v, r, _ in rows]
        if data == "relation_label":
            return [(ids[u], ids[v], label) for u, v, _, label in rows]
        found = self._db.execute("SELECT u, v, attrs FROM edges ORDER BY i")
        out = [(ids[u], ids[v], json.loads(a)) for u, v, a in found]
        return out if data is True else [(u, v, d.get(data)) for u, v, d in out]

    def has_edge(self, u: str, v: str) -> bool:
        return bool(self._between(u, v))

    def _between(self, u: str, v: str) -> dict[str, dict]:
        if u not in self._index or v not in self._index:
            return {}
        a, b = self._index[u], self._index[v]
        if self._directed:
            query = "SELECT key, attrs FROM edges WHERE u = ? AND v = ? ORDER BY i"
            args: tuple = (a, b)
        else:
            query = (
                "SELECT key, attrs FROM edges WHERE (u = ? AND v = ?) OR (u = ? AND v = ?)"
                " ORDER BY i"
            )
            args = (a, b, b, a)
        return {key: json.loads(attrs) for key, attrs in self._db.execute(query, args)}

    def _node(self, node: str) -> dict:
        if node not in self._attrs:
            if node not in self._index:
                raise KeyError(node)
            (attrs,) = self._db.execute(
                "SELECT attrs FROM nodes WHERE i = ?", (self._index[node],)
            ).fetchone()
            self._attrs[node] = json.loads(attrs)
        return self._attrs[node]

    def to_networkx(self) -> nx.MultiDiGraph | nx.MultiGraph:
        """The projection as :func:`~cnai_kg.network.to_networkx` built it, every attribute
        read back (a view draws and describes every node and edge it keeps)."""
        G = nx.MultiDiGraph() if self._directed else nx.MultiGraph()
        G.graph.update(self.graph)
        G.add_nodes_from((n, dict(d)) for n, d in self._all_nodes())
        ids, loads = self._ids, json.loads
        G.add_edges_from(
            (ids[u], ids[v], key, loads(attrs))
            for u, v, key, attrs in self._db.execute(
                "SELECT u, v, key, attrs FROM edges ORDER BY i"
            )
        )
        return G

    def _all_nodes(self) -> list[tuple[str, dict]]:
        rows = self._db.execute("SELECT id, attrs FROM nodes ORDER BY i").fetchall()
        out = []
        for node, attrs in rows:
            if node not in self._attrs:
                self._attrs[node] = json.loads(attrs)
            out.append((node, self._attrs[node]))
        return out
