"""``cnai-kg serve``: the SPARQL endpoint and the web explorer on one address."""

from __future__ import annotations

import click

from ._common import State, data_option

__all__ = ["register"]


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port; 0 picks a free one.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=30.0,
    show_default=True,
    help="Seconds one query may run.",
)
@click.option(
    "--max-rows",
    type=click.IntRange(min=1),
    default=100_000,
    show_default=True,
    help="Rows one SELECT may return.",
)
@click.option(
    "--max-request",
    type=click.IntRange(min=1024),
    default=64 * 1024,
    show_default=True,
    help="Bytes one request (query string or body) may carry.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=4,
    show_default=True,
    help="Queries run at once.",
)
@click.option(
    "--backlog",
    type=click.IntRange(min=0),
    default=8,
    show_default=True,
    help="Requests that may wait for a worker; beyond, 503 with Retry-After.",
)
@data_option("Add your own RDF (Turtle) file; repeatable (as 'cnai-kg --data FILE serve').")
@click.pass_obj
def serve(
    state: State,
    data: tuple[str, ...],
    host: str,
    port: int,
    timeout: float,
    max_rows: int,
    max_request: int,
    workers: int,
    backlog: int,
) -> None:
    """Serve a SPARQL 1.1 endpoint, a web explorer and a JSON API.

    One address serves: /sparql (SPARQL 1.1 Protocol, read-only; a service
    description without a query), the explorer for people (/, /query, /entity/ID,
    /path) in Korean, English or Chinese, and JSON for tools (/api/entity/ID,
    /api/path?from=&to=, /api/search?q=, /healthz). Everything is served from
    the package: no CDN, works offline. Binds 127.0.0.1 unless told otherwise.

    \b
    Examples:
      cnai-kg serve
      cnai-kg serve --data mine.ttl --port 8080
      curl -H 'Accept: text/csv' 'http://127.0.0.1:8000/sparql?query=ASK{}'
    """
    from ..server import Limits
    from ..server import serve as run_server

    if data:
        state.data_files = (*state.data_files, *data)
    kg = state.kg()
    limits = Limits(
        timeout=timeout,
        max_rows=max_rows,
        max_request=max_request,
        workers=workers,
        backlog=backlog,
    )
    run_server(
        kg, host=host, port=port, limits=limits, announce=click.echo, workspace=state.workspace()
    )


def register(cli: click.Group) -> None:
    cli.add_command(serve)
