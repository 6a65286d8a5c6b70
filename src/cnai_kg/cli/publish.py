"""``cnai-kg publish``: load the graph into an external SPARQL store."""

from __future__ import annotations

import click

from ..errors import UsageError
from ..publish import publish
from ..remote import DEFAULT_TIMEOUT, graph_store_url
from ._common import State


@click.command(name="publish")
@click.option(
    "--to",
    "to",
    metavar="URL",
    help="The store's Graph Store Protocol URL (Oxigraph: http://HOST:7878/store, "
    "Fuseki: http://HOST:3030/DATASET/data); by default guessed from --endpoint "
    "(.../query -> .../store, .../sparql -> .../data).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=DEFAULT_TIMEOUT,
    show_default=True,
    metavar="SECONDS",
    help="Seconds to wait for each answer of the store.",
)
@click.pass_context
def publish_command(ctx: click.Context, to: str | None, timeout: float) -> None:
    """Put the ontology and the data into a SPARQL store, one named graph per file.

    Each file replaces its own named graph (an HTTP PUT of the SPARQL 1.1 Graph
    Store Protocol), so publishing twice leaves the store as publishing once
    did. Your --data files go with the shipped ones. Every file is parsed before
    anything is sent. For a store that asks for a password, set
    CNAI_KG_ENDPOINT_AUTH=user:password (HTTP basic authentication).
    """
    state = ctx.find_object(State)
    if to is None:
        if not state.endpoint:
            raise UsageError(
                "give the store's Graph Store URL with --to URL (or its query URL with "
                "--endpoint URL or CNAI_KG_ENDPOINT, to guess it)"
            )
        to = graph_store_url(state.endpoint)
    done = publish(to, *state.data_files, shipped=state.shipped, timeout=timeout)
    width = max(len(item.file) for item in done)
    for item in done:
        click.echo(f"{item.file:<{width}}  {item.triples:>6} triples  <{item.graph}>")
    total = sum(item.triples for item in done)
    files = f"{len(done)} file{'' if len(done) == 1 else 's'}"
    click.echo(f"published {files} ({total:,} triples) to {to.split('?', 1)[0]}")


def register(cli: click.Group) -> None:
    cli.add_command(publish_command)
