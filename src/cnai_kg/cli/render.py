"""``cnai-kg render``: the interactive HTML view, one self-contained offline page."""

from __future__ import annotations

import click

from ..kg import KnowledgeGraph
from ..network import PARTNERSHIP_MODES
from ..render import COLOR_BY, LAYOUTS, SIZE_BY
from ..render import render as render_view
from ._common import lang_option, pass_kg

__all__ = ["register"]


@click.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    metavar="FILE.html",
    help="Write the page to FILE.html (atomically); stdout when left out.",
)
@click.option(
    "--focus",
    metavar="ENTITY",
    help="Show ENTITY and what lies within --hops of it (an ego network).",
)
@click.option(
    "--hops",
    type=int,
    default=None,
    help="Radius around --focus (default 1), or context kept around --path "
    "(default 1; 0 = the path alone).",
)
@click.option(
    "--path",
    "path",
    nargs=2,
    metavar="A B",
    default=None,
    help="Highlight the shortest path from A to B, in its context.",
)
@click.option(
    "--class",
    "classes",
    multiple=True,
    metavar="CLASS",
    help="Keep nodes of CLASS (e.g. Company, 기업, cnai:City); repeatable.",
)
@click.option(
    "--relation",
    "relations",
    multiple=True,
    metavar="REL",
    help="Keep edges of relation REL (e.g. basedIn, 소재지) and the nodes they link; repeatable.",
)
@click.option(
    "--size-by", type=click.Choice(SIZE_BY), default="degree", show_default=True, help="Node size."
)
@click.option(
    "--color-by",
    type=click.Choice(COLOR_BY),
    default="class",
    show_default=True,
    help="Node colour: kind of entity, AI hub, or sector.",
)
@click.option("--title", metavar="TEXT", help="Page title.")
@click.option(
    "--partnerships",
    type=click.Choice(PARTNERSHIP_MODES),
    default="nodes",
    show_default=True,
    help="nodes: partnerships and other n-ary facts are nodes; collapse: partner–partner edges.",
)
@click.option(
    "--all",
    "show_all",
    is_flag=True,
    help="Draw the whole graph (every kind: sectors, technologies, opportunities, risks, "
    "claims, figures; every status). Default: the story view.",
)
@click.option(
    "--status",
    default=None,
    metavar="STATUS",
    help="Facts drawn, comma-separated: reported, active, proposed, definitional, or all "
    "[default: reported,active; all with --all]. Proposals are drawn dashed.",
)
@click.option(
    "--layout",
    type=click.Choice(LAYOUTS),
    default="auto",
    show_default=True,
    help="auto: physics that settles then stops up to 1,000 nodes, a precomputed layout beyond.",
)
@lang_option
@pass_kg
def render(
    kg: KnowledgeGraph,
    output: str | None,
    focus: str | None,
    hops: int | None,
    path: tuple[str, str] | None,
    classes: tuple[str, ...],
    relations: tuple[str, ...],
    size_by: str,
    color_by: str,
    title: str | None,
    partnerships: str,
    show_all: bool,
    status: str | None,
    layout: str,
    lang: str,
) -> None:
    """Write an interactive HTML view of the graph (one file, works offline).

    By default the story: companies, groups of actors (dashed border), offerings,
    hubs, cities and partnerships with their roles; claims and figures are one
    click away in the legend. --all draws the whole graph.
    The page needs no network: vis-network is inlined, nothing is fetched.
    Click a node or an edge for its details, quote and source; search finds
    a node by any label or alias in any language.

    \b
    Examples:
      cnai-kg render -o cnai-kg.html
      cnai-kg render --all -o everything.html
      cnai-kg render --focus 닝더스다이 --hops 2 --lang ko -o catl.html
      cnai-kg render --path Pony.ai WeRide -o path.html
      cnai-kg render --class Company --class AIHub --relation basedIn -o hubs.html
    """
    view = render_view(
        kg,
        focus=focus,
        hops=hops,
        path=path,
        classes=classes or None,
        relations=relations or None,
        lang=lang,
        size_by=size_by,
        color_by=color_by,
        title=title,
        partnerships=partnerships,
        scope="all" if show_all else "story",
        status=status,
        layout=layout,
    )
    if output:
        view.save(output)
        click.echo(
            f"wrote {output}: {len(view.nodes)} nodes, {len(view.edges)} edges, "
            f"{view.meta['layout']} layout",
            err=True,
        )
    else:
        click.echo(view.html, nl=False)


def register(cli: click.Group) -> None:
    cli.add_command(render)
