"""``cnai-kg cache info`` and ``cnai-kg cache clear``: the on-disk store cache."""

from __future__ import annotations

import click

__all__ = ["register"]


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1024
    return f"{n:,.1f} GB"  # pragma: no cover


@click.group()
def cache() -> None:
    """The store cache: Oxigraph stores kept on disk, keyed by the contents of the files.

    A command on files it has seen before opens their store instead of parsing them.
    The folder is $CNAI_KG_CACHE_DIR, else $XDG_CACHE_HOME/cnai-kg (~/.cache/cnai-kg).
    Leave it out for one command with 'cnai-kg --no-cache ...'.
    """


@cache.command()
def info() -> None:
    """Where the cache is and the stores it holds."""
    from ..store.cache import info as cache_info

    found = cache_info()
    click.echo(f"folder: {found['folder']}")
    click.echo(f"stores: {len(found['stores'])} ({_size(found['bytes'])})")
    for s in found["stores"]:
        triples = f"{s['triples']:,}" if isinstance(s["triples"], int) else "?"
        click.echo(
            f"  {s['key']}  {s['files']} files, {triples} triples, {_size(s['bytes'])}, "
            f"built {s['built'] or '?'}"
        )
    if found.get("set_aside"):
        click.echo(
            f"set aside as damaged: {found['set_aside']} ({_size(found['set_aside_bytes'])}); "
            "'cnai-kg cache clear' removes them"
        )


@cache.command()
def clear() -> None:
    """Remove every cached store (they are built again when needed)."""
    from ..store.cache import cache_dir
    from ..store.cache import clear as cache_clear

    count, size = cache_clear()
    click.echo(
        f"removed {count} store{'s' if count != 1 else ''} ({_size(size)}) from {cache_dir()}"
    )


def register(cli: click.Group) -> None:
    cli.add_command(cache)
