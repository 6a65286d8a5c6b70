"""A workspace: a folder where an analyst keeps their own sourced graph.

::

    my-research/
      cnai-kg.toml      what the workspace holds (below)
      sources/          registered source texts (``cnai-kg source add``), one folder each
      data/             Turtle files; ``cnai-kg import`` writes here

Every command run in the folder or below it (found by walking up, as git finds
its repository), or given ``--workspace DIR`` / ``$CNAI_KG_WORKSPACE``, loads the
workspace's data and sources with no ``--data``.

``cnai-kg.toml``::

    [workspace]
    lang = "en"              # label language when neither --lang nor CNAI_KG_LANG is given
    shipped = true           # include the graph that ships with cnai-kg
    data = ["data/*.ttl"]    # your data files: globs relative to this file
    sources = "sources"      # the folder of registered sources
"""

from __future__ import annotations

import glob
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..errors import DataError, UsageError
from ..io import atomic_write

__all__ = ["CONFIG", "WORKSPACE_ENV", "Workspace", "find_workspace", "init_workspace"]

#: The file that makes a folder a workspace.
CONFIG = "cnai-kg.toml"
#: Environment variable naming the workspace folder (as ``--workspace``).
WORKSPACE_ENV = "CNAI_KG_WORKSPACE"

_LANGS = ("en", "ko", "zh")
_TEMPLATE = """\
# A cnai-kg workspace: every cnai-kg command run in this folder (or below it) uses it.
[workspace]
# label language when neither --lang nor CNAI_KG_LANG is given: en, ko or zh
lang = "{lang}"
# include the graph that ships with cnai-kg (China's AI industry, from the KOTRA article)
shipped = {shipped}
# your data files (globs, relative to this file); `cnai-kg import` writes to data/
data = ["data/*.ttl"]
# registered source texts (`cnai-kg source add FILE`)
sources = "sources"
"""
_KEYS = {"lang": str, "shipped": bool, "data": list, "sources": str}


@dataclass(frozen=True)
class Workspace:
    """A workspace folder and its settings (read from ``cnai-kg.toml``)."""

    root: Path
    lang: str = "en"
    shipped: bool = True
    data: tuple[str, ...] = ("data/*.ttl",)
    sources: str = "sources"

    @property
    def config(self) -> Path:
        return self.root / CONFIG

    @property
    def sources_dir(self) -> Path:
        return self.root / self.sources

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @classmethod
    def open(cls, folder: str | Path) -> Workspace:
        """The workspace at ``folder`` (which holds ``cnai-kg.toml``).

        Raises
        ------
        DataError
            when there is no ``cnai-kg.toml`` or it cannot be read (file and line).
        """
        root = Path(folder).expanduser()
        path = root / CONFIG
        if not path.is_file():
            raise DataError(
                root, f"not a cnai-kg workspace (no {CONFIG}); make one with 'cnai-kg init'"
            )
        try:
            settings = tomllib.loads(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError as e:
            raise DataError(path, f"not UTF-8 text ({e.reason} at byte {e.start})") from None
        except tomllib.TOMLDecodeError as e:
            message, _, where = str(e).partition(" (at line ")
            line = int(where.split(",")[0]) if where else None
            raise DataError(path, message, line=line) from None
        except OSError as e:
            raise DataError(path, e.strerror or str(e)) from None
        table = settings.get("workspace", {})
        unknown = sorted(set(settings) - {"workspace"}) + sorted(set(table) - set(_KEYS))
        if unknown:
            raise DataError(
                path, f"unknown setting {unknown[0]!r}; known: {', '.join(_KEYS)} in [workspace]"
            )
        for key, kind in _KEYS.items():
            if key in table and not isinstance(table[key], kind):
                raise DataError(path, f"{key} must be a {kind.__name__}, not {table[key]!r}")
        lang = table.get("lang", "en")
        if lang not in _LANGS:
            raise DataError(path, f"lang must be one of {', '.join(_LANGS)}, not {lang!r}")
        data = table.get("data", ["data/*.ttl"])
        if not all(isinstance(d, str) for d in data):
            raise DataError(path, "data must be a list of file names or globs")
        return cls(
            root=root.resolve(),
            lang=lang,
            shipped=table.get("shipped", True),
            data=tuple(data),
            sources=table.get("sources", "sources"),
        )

    def data_files(self) -> list[Path]:
        """The workspace's RDF files, in a stable order: the descriptions of its
        registered sources, then its data files (the globs of ``data``)."""
        found: list[Path] = sorted(self.sources_dir.glob("*/source.ttl"))
        for pattern in self.data:
            matches = sorted(glob.glob(str(self.root / pattern), recursive=True))
            found += [Path(m) for m in matches if Path(m).is_file()]
        seen: set[Path] = set()
        return [p for p in found if not (p in seen or seen.add(p))]

    def relative(self, path: str | Path) -> str:
        """``path`` as the workspace shows it (relative to its root when inside it)."""
        path = Path(path)
        try:
            return str(path.resolve().relative_to(self.root))
        except ValueError:
            return str(path)

    def load(self, *extra, shipped: bool | None = None, exclude=(), **options):
        """The workspace's graph: the ontology, the shipped data (unless the workspace
        or ``shipped`` leaves it out), its sources and data but ``exclude``, and
        ``extra`` files (paths, or ``(name, path)`` pairs as :func:`~cnai_kg.kg.load`
        takes them)."""
        from ..kg import load

        use_shipped = self.shipped if shipped is None else shipped
        left_out = {Path(p).resolve() for p in exclude}
        files = [f for f in self.data_files() if f.resolve() not in left_out]
        return load(*files, *extra, shipped=use_shipped, base=self.root, **options)


def find_workspace(start: str | Path | None = None) -> Workspace | None:
    """The workspace of ``$CNAI_KG_WORKSPACE``, else of the first folder from ``start``
    (the current folder) upwards that holds ``cnai-kg.toml``; None when there is none."""
    named = os.environ.get(WORKSPACE_ENV, "").strip()
    if named:
        return Workspace.open(named)
    here = Path(start or os.getcwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG).is_file():
            return Workspace.open(folder)
    return None


def init_workspace(
    folder: str | Path = ".", *, lang: str = "en", shipped: bool = True
) -> Workspace:
    """Make ``folder`` a workspace: ``cnai-kg.toml``, ``sources/`` and ``data/``.

    Raises
    ------
    UsageError
        when ``folder`` is a workspace already (nothing is changed).
    """
    if lang not in _LANGS:
        raise UsageError(f"unknown language {lang!r}; choose one of: {', '.join(_LANGS)}")
    root = Path(folder).expanduser()
    if (root / CONFIG).exists():
        raise UsageError(f"{root / CONFIG}: already a workspace; nothing changed")
    if root.exists() and not root.is_dir():
        raise UsageError(f"{root}: not a folder")
    try:
        root.mkdir(parents=True, exist_ok=True)
        (root / "sources").mkdir(exist_ok=True)
        (root / "data").mkdir(exist_ok=True)
    except OSError as e:
        raise UsageError(f"{root}: cannot make the workspace ({e.strerror or e})") from None
    atomic_write(root / CONFIG, _TEMPLATE.format(lang=lang, shipped=str(shipped).lower()))
    return Workspace.open(root)
