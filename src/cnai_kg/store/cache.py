"""Load once: Oxigraph stores on disk, keyed by the contents of the files they hold.

The first command on a set of files parses them into an on-disk Oxigraph store
in the cache folder; every later command on the same files (same contents, same
order, same cnai-kg and pyoxigraph versions) opens that store read-only instead
of parsing again.

* The folder is ``$CNAI_KG_CACHE_DIR`` when set, else ``$XDG_CACHE_HOME/cnai-kg``
  (``~/.cache/cnai-kg``), or the platform's user cache folder.
* A file's contents are hashed once; its digest is remembered with its size,
  modification time and inode, so an unchanged file is not read again.
* A store is built in a temporary folder beside its final place and renamed
  into it when complete: a reader never sees half a store, and two commands
  building the same store at once both finish (the first rename wins, the other
  build is dropped).
* At most :data:`KEEP` stores are kept (least recently used go first).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from ..errors import CnaiKgError, UsageError, WriteError

__all__ = ["KEEP", "cache_dir", "clear", "info", "open_or_build"]

#: Environment variable naming the cache folder.
CACHE_ENV = "CNAI_KG_CACHE_DIR"
#: Stores kept; building one more removes the least recently used.
KEEP = 8
#: Bumped when the layout of a cached store changes.
FORMAT = 1
_STORES = "stores"
_DIGESTS = "digests.json"


def cache_dir() -> Path:
    """The cache folder (not created here)."""
    env = os.environ.get(CACHE_ENV, "").strip()
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    if xdg:
        return Path(xdg) / "cnai-kg"
    try:
        from platformdirs import user_cache_dir

        return Path(user_cache_dir("cnai-kg", appauthor=False))
    except ImportError:  # pragma: no cover - platformdirs is a dependency
        return Path.home() / ".cache" / "cnai-kg"


def _versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    import pyoxigraph

    try:
        ours = version("cnai-kg")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        ours = "0"
    return f"cnai-kg {ours}; pyoxigraph {pyoxigraph.__version__}; format {FORMAT}"


# --------------------------------------------------------------- digests


def _load_digests(root: Path) -> dict:
    try:
        return json.loads((root / _DIGESTS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _save_digests(root: Path, digests: dict) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".digests.", dir=root)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(digests, fh)
        os.replace(tmp, root / _DIGESTS)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _digest(path: Path, digests: dict, *, limit: int | None) -> str:
    """sha256 of the file's contents, remembered by (size, mtime, inode).

    The contents are read through :func:`cnai_kg.io.read_rdf_input`, so every input
    guard applies (regular files only, the size limit, no DOCTYPE, no remote JSON-LD
    context). A file whose size, modification time and inode match a remembered digest
    is not read again; its size is still checked against ``limit``.
    """
    import stat

    from ..io import max_input_bytes, rdf_format_for, read_rdf_input

    try:
        st = path.stat()
    except OSError:
        st = None
    key = str(path.resolve())
    known = digests.get(key)
    if st is not None and stat.S_ISREG(st.st_mode) and known:
        bound = max_input_bytes() if limit == -1 else limit
        if known[0] == [st.st_size, st.st_mtime_ns, st.st_ino] and (
            bound is None or st.st_size <= bound
        ):
            return known[1]
    data = read_rdf_input(path, rdf_format_for(path), limit=limit)  # raises one-line errors
    st = path.stat()
    digest = hashlib.sha256(data).hexdigest()
    digests[key] = [[st.st_size, st.st_mtime_ns, st.st_ino], digest]
    return digest


def store_key(files: list[tuple[str, Path]], root: Path, *, trusted: int = 0) -> str:
    """The cache key of a list of (name, path): contents, names, order and versions."""
    digests = _load_digests(root)
    before = json.dumps(digests, sort_keys=True)
    h = hashlib.sha256(_versions().encode())
    for n, (name, path) in enumerate(files):
        digest = _digest(path, digests, limit=None if n < trusted else -1)
        h.update(b"\0" + name.encode("utf-8") + b"\0" + digest.encode())
    if json.dumps(digests, sort_keys=True) != before:
        _save_digests(root, digests)
    return h.hexdigest()[:32]


# --------------------------------------------------------------- stores


def _manifest(folder: Path) -> dict | None:
    try:
        return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def open_or_build(files: Iterable[tuple[str, str | Path]], *, trusted: int = 0, progress=None):
    """The Oxigraph store holding ``files``: opened from the cache, or built into it.

    Returns ``(store, built)``; ``built`` tells whether the files were parsed now.
    Errors in a file are raised as when loading without a cache, and leave nothing
    behind in the cache.
    """
    from .oxigraph import OxigraphStore

    files = [(name, Path(path)) for name, path in files]
    root = cache_dir()
    stores = root / _STORES
    try:
        stores.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UsageError(
            f"{root}: cannot use the cache folder ({e.strerror or e}); "
            f"set {CACHE_ENV} or use --no-cache"
        ) from None
    key = store_key(files, root, trusted=trusted)
    final = stores / key
    manifest = _manifest(final)
    if manifest is not None:
        with contextlib.suppress(OSError):
            os.utime(final / "manifest.json")  # most recently used
        store = OxigraphStore.open(final / "oxigraph", manifest["files"])
        store.cache_folder = final
        return store, False

    from . import add_file

    tmp = Path(tempfile.mkdtemp(prefix=f".build-{key}-", dir=stores))
    try:
        store = OxigraphStore(tmp / "oxigraph", bulk=True)
        for n, (name, path) in enumerate(files):
            add_file(store, name, path, limit=None if n < trusted else -1)
            if progress is not None:
                progress(n + 1, len(files), name)
        store.flush()
        triples = len(store)
        store.close()
        del store
        meta = {
            "files": [name for name, _ in files],
            "paths": [str(p.resolve()) for _, p in files],
            "triples": triples,
            "versions": _versions(),
            "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        (tmp / "manifest.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
        try:
            os.rename(tmp, final)
        except OSError:  # another command built the same store first: use that one
            shutil.rmtree(tmp, ignore_errors=True)
    except CnaiKgError:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    except OSError as e:  # writing the store: disk full, file too large, read-only
        shutil.rmtree(tmp, ignore_errors=True)
        reason = e.strerror or str(e).rsplit(": ", 1)[-1]  # Oxigraph: a chain of contexts
        raise WriteError(
            stores,
            f"{reason} (building the store cache; free some space, set {CACHE_ENV} "
            "or use --no-cache)",
        ) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _evict(stores, keep=KEEP, spare=final)
    manifest = _manifest(final)
    if manifest is None:  # pragma: no cover - removed under our feet
        raise UsageError(f"{final}: the cached store vanished; run again or use --no-cache")
    store = OxigraphStore.open(final / "oxigraph", manifest["files"])
    store.cache_folder = final
    return store, True


def _entries(stores: Path) -> list[Path]:
    return [p for p in stores.iterdir() if p.is_dir() and not p.name.startswith(".")]


def _size(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def _evict(stores: Path, *, keep: int, spare: Path) -> None:
    entries = sorted(
        _entries(stores),
        key=lambda p: (p / "manifest.json").stat().st_mtime if _manifest(p) else 0,
        reverse=True,
    )
    for old in entries[keep:]:
        if old != spare:
            shutil.rmtree(old, ignore_errors=True)


def info() -> dict:
    """The cache folder, its stores (files, triples, size, when built) and total size."""
    root = cache_dir()
    stores = root / _STORES
    out = []
    if stores.is_dir():
        for folder in sorted(_entries(stores)):
            meta = _manifest(folder) or {}
            out.append(
                {
                    "key": folder.name,
                    "files": len(meta.get("files", [])),
                    "triples": meta.get("triples"),
                    "bytes": _size(folder),
                    "built": meta.get("built"),
                }
            )
    return {"folder": str(root), "stores": out, "bytes": sum(s["bytes"] for s in out)}


def clear() -> tuple[int, int]:
    """Remove every cached store (and half-built ones); return (stores, bytes) removed."""
    root = cache_dir()
    stores = root / _STORES
    count = size = 0
    if stores.is_dir():
        for folder in stores.iterdir():
            if folder.is_dir():
                size += _size(folder)
                count += not folder.name.startswith(".")
                shutil.rmtree(folder, ignore_errors=True)
    with contextlib.suppress(OSError):
        (root / _DIGESTS).unlink()
    return count, size
