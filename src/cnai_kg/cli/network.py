"""Network commands: centrality, path, neighbors, communities.

Each parses its options, calls one function of :mod:`cnai_kg.algorithms` and
formats the result.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata

import click

from ..algorithms import (
    AUTO_IGRAPH_ABOVE,
    DEFAULT_SAMPLE,
    ENGINES,
    MEASURES,
    METHODS,
    SAMPLE_ABOVE,
    centrality_chart,
    centrality_rdf,
    evidence_paths,
    format_path,
)
from ..algorithms import centrality as run_centrality
from ..algorithms import communities as run_communities
from ..algorithms import neighbors as run_neighbors
from ..io import atomic_write, rdf_bytes, rdf_format_for
from ..kg import KnowledgeGraph
from ..network import PARTNERSHIP_MODES
from ..terminal import printable
from ..words import plural, words
from ._common import lang_option, pass_kg

__all__ = ["register"]


# --------------------------------------------------------------------------- shared options


def status_option(f):
    """``--status``: which facts become edges, by what the source says of them."""
    return click.option(
        "--status",
        default="reported,active",
        show_default=True,
        metavar="STATUS",
        help="Facts to use, comma-separated: reported (stated, with a quote), active "
        "(partnerships in place), proposed (partnerships, opportunities and mitigations "
        "the article recommends), definitional (background facts the graph adds, such as "
        "the place hierarchy), or all. Proposals and definitional facts stay out unless "
        "asked for.",
    )(f)


def projection_options(f):
    """``--partnerships``, ``--claims`` and ``--status``: how n-ary facts enter the network."""
    f = status_option(f)
    f = click.option(
        "--claims",
        is_flag=True,
        help="Also link the entities each claim is about (off: claims form "
        "cliques that swamp the measures).",
    )(f)
    f = click.option(
        "--partnerships",
        type=click.Choice(PARTNERSHIP_MODES),
        default="collapse",
        show_default=True,
        help="collapse: partner–partner edges carrying the partnership; nodes: "
        "partnerships, opportunities and risks stay nodes (bipartite).",
    )(f)
    return f


def engine_option(f):
    """``--engine auto|networkx|igraph``."""
    return click.option(
        "--engine",
        type=click.Choice(ENGINES),
        default="auto",
        show_default=True,
        help=f"Graph library: auto uses igraph above {AUTO_IGRAPH_ABOVE:,} nodes, "
        "networkx below; both give the same results.",
    )(f)


def format_option(*choices: str):
    return click.option(
        "--format", "fmt", type=click.Choice(choices), default=choices[0], show_default=True
    )


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cut(text: str, width: int) -> str:
    if _width(text) <= width:
        return text
    out = ""
    for ch in text:
        if _width(out + ch) > width - 1:
            break
        out += ch
    return out + "…"


def _table(headers: list[str], rows: list[list[str]], right: set[int] = frozenset()) -> list[str]:
    """Columns padded by display width (Hangul and Hanzi count double).

    Cells longer than 48 columns are cut with an ellipsis, except in the last column;
    control characters are shown escaped.
    """
    rows = [[printable(c) for c in r] for r in rows]
    widths = [max([_width(h)] + [_width(r[i]) for r in rows]) for i, h in enumerate(headers)]
    widths = [w if i == len(widths) - 1 else min(48, w) for i, w in enumerate(widths)]

    def line(cells):
        parts = []
        for i, (cell, w) in enumerate(zip(cells, widths, strict=True)):
            cell = _cut(cell, w)
            pad = " " * (w - _width(cell))
            parts.append(pad + cell if i in right else cell + pad)
        return "  ".join(parts).rstrip()

    return [line(headers), *(line(r) for r in rows)]


# --------------------------------------------------------------------------- centrality


@click.command()
@click.option("--measure", type=click.Choice(list(MEASURES)), default="degree", show_default=True)
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="How many entities to list and plot.",
)
@click.option(
    "--class",
    "classes",
    multiple=True,
    metavar="CLASS",
    help="Rank only entities of CLASS (e.g. Company, 기업); repeatable. Scores are "
    "computed on the whole network.",
)
@click.option(
    "--relation",
    "relations",
    multiple=True,
    metavar="REL",
    help="Keep only edges of relation REL (e.g. Partnership, basedIn); repeatable.",
)
@click.option("--directed", is_flag=True, help="Follow the direction of relations.")
@engine_option
@click.option(
    "--sample",
    type=click.IntRange(min=0),
    default=None,
    metavar="K",
    help=f"Betweenness and closeness: estimate from K sampled source nodes (0: exact). "
    f"Default: exact up to {SAMPLE_ABOVE:,} nodes, {DEFAULT_SAMPLE} sources above.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed for --sample.")
@projection_options
@format_option("table", "csv", "json")
@click.option(
    "--plot",
    type=click.Path(dir_okay=False),
    metavar="FILE.png",
    help="Also write a bar chart of the top entities (PNG).",
)
@click.option(
    "--write-rdf",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Also write every score as cnai:CentralityScore RDF (Turtle unless the "
    "suffix says otherwise).",
)
@lang_option
@pass_kg
def centrality(
    kg: KnowledgeGraph,
    measure: str,
    top: int,
    classes: tuple[str, ...],
    relations: tuple[str, ...],
    directed: bool,
    engine: str,
    sample: int | None,
    seed: int,
    partnerships: str,
    claims: bool,
    status: str,
    fmt: str,
    plot: str | None,
    write_rdf: str | None,
    lang: str,
) -> None:
    """Rank entities by a centrality measure (networkx or igraph on the entity network).

    Sampled scores (--sample, or the default on large networks) are estimates
    and the output says so.

    \b
    Examples:
      cnai-kg centrality --measure betweenness --top 10
      cnai-kg centrality --measure pagerank --class Company --lang ko --plot top.png
      cnai-kg centrality --measure betweenness --engine igraph --sample 50
    """
    result = run_centrality(
        kg,
        measure,
        directed=directed,
        classes=classes or None,
        lang=lang,
        engine=engine,
        sample=sample,
        seed=seed,
        partnerships=partnerships,
        claims=claims,
        status=status,
        relations=relations or None,
    )
    shown = result.scores[:top]
    if plot:
        atomic_write(plot, centrality_chart(result, lang=lang, top=top))
        click.echo(f"wrote {plot} (top {len(shown)}, {measure})", err=True)
    if write_rdf:
        graph = centrality_rdf(result, kg)
        atomic_write(write_rdf, rdf_bytes(graph, rdf_format_for(write_rdf)))
        click.echo(f"wrote {write_rdf} ({len(result.scores)} scores)", err=True)
    if fmt == "json":
        data = result.to_dict()
        data["scores"] = data["scores"][:top]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        extra = ["sampled_sources"] if result.estimated else []
        writer.writerow(["rank", "entity", "label", "class", "group", "score", *extra])
        for s in shown:
            more = [result.sample] if result.estimated else []
            writer.writerow(
                [s.rank, s.node, s.label, s.cls, str(s.group).lower(), repr(s.score), *more]
            )
        click.echo(buf.getvalue(), nl=False)
        return
    w = words(lang)
    click.echo(
        w["centrality_head"].format(
            measure=measure,
            how=w["directed" if directed else "undirected"],
            nodes=result.nodes,
            edges=result.edges,
            mode=w["collapsed" if partnerships == "collapse" else "as_nodes"],
            status=result.projection.get("status", status).replace(" ", ", "),
            engine=w["igraph"] if result.engine == "igraph" else "",
        )
    )
    if result.estimated:
        click.echo(w["estimated"].format(n=result.sample, seed=result.seed))
    rows = [
        [str(s.rank), s.label, s.class_label, w["yes"] if s.group else "", f"{s.score:.4f}", s.node]
        for s in shown
    ]
    head = [w[k] for k in ("rank", "entity", "class", "group", "score", "id")]
    for line in _table(head, rows, right={0, 4}):
        click.echo(line)


# --------------------------------------------------------------------------- path


@click.command()
@click.argument("source", metavar="A")
@click.argument("target", metavar="B")
@click.option(
    "--k",
    "k",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Show the K shortest simple paths.",
)
@click.option("--max-hops", type=click.IntRange(min=1), default=None, help="Longest path accepted.")
@click.option(
    "--via",
    multiple=True,
    metavar="REL",
    help="Use only relation REL (e.g. Partnership, inGroup, 소재지); repeatable.",
)
@click.option(
    "--avoid", multiple=True, metavar="ENTITY", help="Do not pass through ENTITY; repeatable."
)
@click.option("--directed", is_flag=True, help="Follow relations only in their direction.")
@engine_option
@projection_options
@format_option("text", "json")
@lang_option
@pass_kg
def path(
    kg: KnowledgeGraph,
    source: str,
    target: str,
    k: int,
    max_hops: int | None,
    via: tuple[str, ...],
    avoid: tuple[str, ...],
    directed: bool,
    engine: str,
    partnerships: str,
    claims: bool,
    status: str,
    fmt: str,
    lang: str,
) -> None:
    """Shortest paths from A to B as evidence chains.

    Each hop prints its two entities, the relation, and the quote and source
    document that back it. A and B are any label or alias in any language, a
    CURIE or an IRI. Among equally short paths the one whose entity ids come
    first is shown, on either engine. No path: one line and exit code 1.

    \b
    Examples:
      cnai-kg path Pony.ai WeRide --via Partnership
      cnai-kg path "Korean vision-camera and gripper makers" ROKAE --k 3
    """
    paths = evidence_paths(
        kg,
        source,
        target,
        k=k,
        max_hops=max_hops,
        via=via or None,
        avoid=avoid,
        directed=directed,
        lang=lang,
        engine=engine,
        partnerships=partnerships,
        claims=claims,
        status=status,
    )
    if fmt == "json":
        first = paths[0]
        data = {
            "source": {"id": first.nodes[0], "label": first.labels[0]},
            "target": {"id": first.nodes[-1], "label": first.labels[-1]},
            "paths": [p.to_dict() for p in paths],
        }
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    w = words(lang)
    for n, p in enumerate(paths, 1):
        if n > 1:
            click.echo()
        title = w["path_n"].format(n=n, total=len(paths))
        click.echo(printable(format_path(p, title=title, lang=lang), keep_newlines=True))


# --------------------------------------------------------------------------- neighbors


@click.command()
@click.argument("entity")
@click.option("--hops", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--via", multiple=True, metavar="REL", help="Follow only relation REL; repeatable.")
@click.option(
    "--class",
    "classes",
    multiple=True,
    metavar="CLASS",
    help="List only neighbours of CLASS; repeatable.",
)
@click.option("--directed", is_flag=True, help="Follow relations only in their direction.")
@projection_options
@format_option("text", "json")
@lang_option
@pass_kg
def neighbors(
    kg: KnowledgeGraph,
    entity: str,
    hops: int,
    via: tuple[str, ...],
    classes: tuple[str, ...],
    directed: bool,
    partnerships: str,
    claims: bool,
    status: str,
    fmt: str,
    lang: str,
) -> None:
    """Entities within --hops of ENTITY, nearest first, with how each is reached.

    \b
    Examples:
      cnai-kg neighbors Uber
      cnai-kg neighbors 우버 --hops 2 --class Company --lang ko
    """
    found = run_neighbors(
        kg,
        entity,
        hops=hops,
        via=via or None,
        classes=classes or None,
        directed=directed,
        lang=lang,
        partnerships=partnerships,
        claims=claims,
        status=status,
    )
    if fmt == "json":
        click.echo(json.dumps([n.to_dict() for n in found], ensure_ascii=False, indent=2))
        return
    centre = kg.label(kg.resolve(entity), lang)
    w = words(lang)
    within = plural(w, "n_hops", hops)
    found_n = plural(w, "n_entities", len(found))
    click.echo(w["within"].format(centre=printable(centre), found=found_n, hops=within))
    rows = []
    for n in found:
        route = " ".join([n.path.labels[0]] + [f"{h.arrow} {h.target_label}" for h in n.path.hops])
        rows.append([str(n.distance), n.label, n.class_label, w["yes"] if n.group else "", route])
    head = [w[k] for k in ("hops", "entity", "class", "group", "via")]
    for line in _table(head, rows, right={0}):
        click.echo(line)


# --------------------------------------------------------------------------- communities


@click.command()
@click.option("--method", type=click.Choice(METHODS), default="louvain", show_default=True)
@click.option(
    "--resolution",
    type=float,
    default=1.0,
    show_default=True,
    help="Above 1: smaller communities (louvain, greedy).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed (louvain).")
@click.option(
    "--min-size",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="List only communities with at least this many members.",
)
@click.option(
    "--relation",
    "relations",
    multiple=True,
    metavar="REL",
    help="Keep only edges of relation REL; repeatable.",
)
@engine_option
@projection_options
@format_option("text", "json")
@lang_option
@pass_kg
def communities(
    kg: KnowledgeGraph,
    method: str,
    resolution: float,
    seed: int,
    min_size: int,
    relations: tuple[str, ...],
    engine: str,
    partnerships: str,
    claims: bool,
    status: str,
    fmt: str,
    lang: str,
) -> None:
    """Group the entities into communities (Louvain by default); members listed by label.

    \b
    Examples:
      cnai-kg communities
      cnai-kg communities --method greedy --lang zh
    """
    found = run_communities(
        kg,
        method=method,
        resolution=resolution,
        seed=seed,
        lang=lang,
        engine=engine,
        partnerships=partnerships,
        claims=claims,
        status=status,
        relations=relations or None,
    )
    listed = [c for c in found.communities if c.size >= min_size]
    if fmt == "json":
        data = found.to_dict()
        data["communities"] = [c for c in data["communities"] if c["size"] >= min_size]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    params = ", ".join(f"{k} {v}" for k, v in found.parameters.items())
    w = words(lang)
    click.echo(
        w["communities_head"].format(
            method=method,
            params=params + ("; " if params else ""),
            nodes=found.nodes,
            edges=found.edges,
            engine=w["igraph"] if found.engine == "igraph" else "",
            k=len(found.communities),
            q=found.modularity,
        )
    )
    for c in listed:
        names = [f"{m.label} {w['group_mark']}" if m.group else m.label for m in c.members]
        click.echo(f"{c.index:>2}. ({c.size}) {printable(', '.join(names))}")
    hidden = len(found.communities) - len(listed)
    if hidden:
        click.echo("    " + plural(w, "smaller", hidden, min_size=min_size))


def register(cli: click.Group) -> None:
    for command in (centrality, path, neighbors, communities):
        cli.add_command(command)
