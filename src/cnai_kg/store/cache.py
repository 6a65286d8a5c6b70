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
* A store heals: its manifest records every file of the Oxigraph folder (size,
  modification time, sha256) and the triple count. An entry whose manifest cannot
  be read, whose files are missing or differ from their digests, whose triple count
  is off, or that Oxigraph refuses to open (a truncated ``.sst`` file, a garbage
  ``CURRENT``: a crash or a full disk) is moved aside (``stores/.broken-KEY-...``)
  and built again, with one line on stderr. Files are synced to disk before a
  store is renamed into place, so a crash cannot leave a complete-looking entry
  with unwritten data. A file is read again (its digest) only when its modification
  time differs from the recorded one: a change that keeps both size and time (a bit
  flipped in place) is not looked for on open.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
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
FORMAT = 2
_STORES = "stores"
_DIGESTS = "digests.json"
#: Entries set aside as damaged (``stores/.broken-KEY-TIME-PID``); the newest are kept.
_BROKEN = ".broken-"
KEEP_BROKEN = 2
#: Files of an Oxigraph folder that change without the data changing (not recorded).
_UNRECORDED = ("LOCK", "LOG")

logger = logging.getLogger("cnai_kg")


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
        meta = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) else None


def _file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def _recorded(folder: Path) -> dict[str, list]:
    """Every file of an Oxigraph folder: ``name -> [size, mtime_ns, sha256]``."""
    out = {}
    for path in sorted(folder.iterdir()):
        if path.is_file() and not path.name.startswith(_UNRECORDED):
            st = path.stat()
            out[path.name] = [st.st_size, st.st_mtime_ns, _file_digest(path)]
    return out


def _sync(folder: Path) -> None:
    """Write a built store's files (and the folders' entries) to disk before it is renamed
    into place: a crash then leaves a half-built temporary folder, never an entry whose
    files are not all there."""
    for path in [*folder.rglob("*"), folder]:
        flags = os.O_RDONLY | (os.O_DIRECTORY if path.is_dir() else 0)
        try:
            fd = os.open(path, flags)
        except OSError:
            continue
        try:
            with contextlib.suppress(OSError):
                os.fsync(fd)
        finally:
            os.close(fd)


def _damage(final: Path, manifest: dict | None) -> tuple[str | None, bool]:
    """What is wrong with an entry's files (None: nothing seen), and whether its triple
    count must be checked (a file changed on disk though its digest still matches: the
    manifest is brought up to date then)."""
    if manifest is None:
        return "its manifest cannot be read", False
    recorded = manifest.get("store_files")
    if not isinstance(recorded, dict) or not isinstance(manifest.get("files"), list):
        return "its manifest cannot be read", False
    folder = final / "oxigraph"
    try:
        present = {
            p.name: p.stat()
            for p in folder.iterdir()
            if p.is_file() and not p.name.startswith(_UNRECORDED)
        }
    except OSError as e:
        return f"its folder cannot be read ({e.strerror or e})", False
    missing = sorted(set(recorded) - set(present))
    if missing:
        return f"{missing[0]} is missing", False
    extra = sorted(set(present) - set(recorded))
    if extra:
        return f"{extra[0]} was not part of it", False
    changed = False
    for name, (size, mtime, digest) in recorded.items():
        st = present[name]
        if st.st_size != size:
            return f"{name} has {st.st_size:,} bytes, not {size:,}", False
        if st.st_mtime_ns != mtime:  # touched or copied: read it
            try:
                if _file_digest(folder / name) != digest:
                    return f"{name} differs from its recorded digest", False
            except OSError as e:
                return f"{name} cannot be read ({e.strerror or e})", False
            recorded[name][1] = st.st_mtime_ns
            changed = True
    return None, changed


def _why(e: Exception) -> str:
    text = " ".join(str(e).split()) or type(e).__name__
    return text[:157] + "..." if len(text) > 160 else text


def set_aside(final: Path, reason: str) -> Path | None:
    """Move a damaged entry out of the way (``stores/.broken-KEY-TIME-PID``) and say so on
    stderr; None when another process moved it first."""
    aside = final.parent / f"{_BROKEN}{final.name}-{int(time.time())}-{os.getpid()}"
    try:
        os.rename(final, aside)
    except FileNotFoundError:
        return None
    except OSError:  # cannot move it: remove it
        shutil.rmtree(final, ignore_errors=True)
        aside = None
    logger.warning(
        "%s",
        f"the cached store {final} is damaged ({reason}); "
        + (f"set aside as {aside.name}" if aside else "removed")
        + ", building it again",
    )
    return aside


def _open_entry(final: Path, manifest: dict | None):
    """The store of a complete entry, or None after setting a damaged one aside."""
    from .oxigraph import OxigraphStore

    problem, count = _damage(final, manifest)
    store = None
    if problem is None:
        try:
            store = OxigraphStore.open(final / "oxigraph", manifest["files"])
        except (OSError, RuntimeError, ValueError) as e:  # RocksDB: "Corruption: ..."
            problem = _why(e)
    if problem is None and count:
        try:
            found = len(store)
        except (OSError, RuntimeError) as e:
            found, problem = None, _why(e)
        if found is not None and found != manifest.get("triples"):
            problem = f"it holds {found:,} triples, not {manifest.get('triples')}"
        if problem is None:
            _write_manifest(final, manifest)
    if problem is not None:
        store = None
        set_aside(final, problem)
        return None
    with contextlib.suppress(OSError):
        os.utime(final / "manifest.json")  # most recently used
    store.cache_folder = final
    return store


def _write_manifest(folder: Path, meta: dict) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".manifest.", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(meta, fh, indent=1)
        os.replace(tmp, folder / "manifest.json")
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _clean_leftovers(stores: Path) -> None:
    """Remove the temporary folders of builds whose process is gone (a crash, a kill), and
    all but the newest :data:`KEEP_BROKEN` entries set aside."""
    broken = []
    for folder in stores.iterdir():
        if folder.name.startswith(".build-"):
            pid = folder.name.rsplit("-", 2)[-2] if folder.name.count("-") >= 3 else ""
            if pid.isdigit() and not _alive(int(pid)):
                shutil.rmtree(folder, ignore_errors=True)
        elif folder.name.startswith(_BROKEN):
            broken.append(folder)
    broken.sort(key=lambda p: p.name.rsplit("-", 2)[-2], reverse=True)
    for old in broken[KEEP_BROKEN:]:
        shutil.rmtree(old, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def open_or_build(files: Iterable[tuple[str, str | Path]], *, trusted: int = 0, progress=None):
    """The Oxigraph store holding ``files``: opened from the cache, or built into it.

    Returns ``(store, built)``; ``built`` tells whether the files were parsed now.
    Errors in a file are raised as when loading without a cache, and leave nothing
    behind in the cache. A damaged entry is set aside and built again (one line on
    stderr).
    """
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
    if final.exists():
        store = _open_entry(final, _manifest(final))
        if store is not None:
            return store, False
    with contextlib.suppress(OSError):
        _clean_leftovers(stores)
    _build(final, files, trusted=trusted, progress=progress)
    _evict(stores, keep=KEEP, spare=final)
    store = _open_entry(final, _manifest(final))
    if store is None:
        raise UsageError(
            f"{final}: the store just built cannot be opened; run again or use --no-cache"
        )
    return store, True


def _build(final: Path, files: list[tuple[str, Path]], *, trusted: int, progress) -> None:
    """Build the store of ``files`` in a temporary folder and rename it to ``final`` (when
    another process renamed its own first, that one is kept)."""
    from . import add_file
    from .oxigraph import OxigraphStore

    stores = final.parent
    tmp = Path(tempfile.mkdtemp(prefix=f".build-{final.name}-{os.getpid()}-", dir=stores))
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
            "store_files": _recorded(tmp / "oxigraph"),
        }
        (tmp / "manifest.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
        _sync(tmp)
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


def _entries(stores: Path) -> list[Path]:
    return [p for p in stores.iterdir() if p.is_dir() and not p.name.startswith(".")]


def _size(folder: Path) -> int:
    total = 0
    for f in folder.rglob("*"):
        with contextlib.suppress(OSError):  # removed meanwhile, unreadable
            if f.is_file():
                total += f.stat().st_size
    return total


def _file_size(path: Path) -> int:
    try:
        return path.lstat().st_size
    except OSError:
        return 0


def _remove(path: Path) -> None:
    """Remove a file or folder, also one whose permissions were taken away."""
    if not path.is_dir() or path.is_symlink():
        with contextlib.suppress(OSError):
            path.unlink()
        return
    shutil.rmtree(path, ignore_errors=True)
    if path.exists():  # a folder that cannot be read or written: give the rights back
        with contextlib.suppress(OSError):
            os.chmod(path, 0o700)
        for folder, subfolders, _ in os.walk(path):  # top down: each before it is listed
            for sub in subfolders:
                with contextlib.suppress(OSError):
                    os.chmod(os.path.join(folder, sub), 0o700)
        shutil.rmtree(path, ignore_errors=True)


def _broken(stores: Path) -> list[Path]:
    return [p for p in stores.iterdir() if p.is_dir() and p.name.startswith(_BROKEN)]


def _used(folder: Path) -> float:
    """When an entry was last opened (its manifest's modification time; 0: unknown)."""
    try:
        return (folder / "manifest.json").stat().st_mtime
    except OSError:
        return 0.0


def _evict(stores: Path, *, keep: int, spare: Path) -> None:
    entries = sorted(_entries(stores), key=_used, reverse=True)
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
    aside = _broken(stores) if stores.is_dir() else []
    return {
        "folder": str(root),
        "stores": out,
        "bytes": sum(s["bytes"] for s in out),
        "set_aside": len(aside),
        "set_aside_bytes": sum(_size(p) for p in aside),
    }


def clear() -> tuple[int, int]:
    """Remove every cached store (damaged ones, those set aside and half-built ones too);
    return (stores, bytes) removed."""
    root = cache_dir()
    stores = root / _STORES
    count = size = 0
    if stores.is_dir():
        for folder in stores.iterdir():
            size += _size(folder) if folder.is_dir() else _file_size(folder)
            count += not folder.name.startswith(".") or folder.name.startswith(_BROKEN)
            _remove(folder)
    with contextlib.suppress(OSError):
        (root / _DIGESTS).unlink()
    return count, size
