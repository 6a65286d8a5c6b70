"""Commands about the graph itself: stats, show, export, validate."""

from __future__ import annotations

import json

import click

from ..kg import EXPORT_FORMATS, LANGS, KnowledgeGraph
from ..limits import DEFAULT_VALIDATE_TIMEOUT
from ..terminal import printable
from ..words import words
from ._common import lang_option, pass_kg

NETWORK_FORMATS = ("graphml", "gexf", "node-link")


@click.command()
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@pass_kg
def stats(kg: KnowledgeGraph, fmt: str) -> None:
    """Triples, entities per class, facts, sources and label coverage per language."""
    s = kg.stats()
    if fmt == "json":
        s["label_coverage"] = {
            k: {"labelled": a, "entities": b} for k, (a, b) in s["label_coverage"].items()
        }
        click.echo(json.dumps(s, ensure_ascii=False, indent=2))
        return
    w = max(len(k) for k in [*s["entities_per_class"], *s["facts_per_kind"], *s["sources"]]) + 2
    click.echo(f"{'triples':<{w}}  {s['triples']:>6}")
    click.echo(f"{'files':<{w}}  {s['files']:>6}")
    click.echo(f"{'entities':<{w}}  {s['entities']:>6}")
    for name, n in s["entities_per_class"].items():
        click.echo(f"  {name:<{w - 2}}  {n:>6}")
    click.echo(f"{'facts':<{w}}  {s['facts']:>6}")
    for name, n in s["facts_per_kind"].items():
        click.echo(f"  {name:<{w - 2}}  {n:>6}")
    click.echo("sources")
    for name, n in s["sources"].items():
        click.echo(f"  {name:<{w - 2}}  {n:>6}")
    click.echo("label coverage")
    for code, (have, total) in s["label_coverage"].items():
        pct = 100.0 * have / total if total else 0.0
        click.echo(f"  {code:<{w - 2}}  {have:>6} / {total} ({pct:.1f}%)")


def _echo(text: str = "") -> None:
    """A line of ``show``: labels and quotes come from data, so control characters are
    shown escaped (a label holding ESC sequences cannot drive the terminal)."""
    click.echo(printable(text))


@click.command()
@click.argument("entity")
@lang_option
@pass_kg
def show(kg: KnowledgeGraph, entity: str, lang: str) -> None:
    """Card of ENTITY: labels, types, relations and every fact with its quote.

    ENTITY is any label or alias in any language (case- and space-insensitive),
    a CURIE such as kg:CATL, or an IRI.
    """
    card = kg.card(entity, lang)
    w = words(lang)
    _echo(f"{kg.label(card.iri, lang)}  ({card.curie})")
    for code in LANGS:
        names = card.labels.get(code, [])
        _echo(f"  label@{code}: {' / '.join(names) if names else '-'}")
    for code in LANGS:
        if card.aliases.get(code):
            _echo(f"  alias@{code}: {' / '.join(card.aliases[code])}")
    _echo(f"  {w['types']}: {', '.join(card.types) or '-'}")
    if card.file:
        _echo(f"  {w['defined_in']}: {card.file}")
    if card.outgoing:
        _echo(f"{w['relations']}:")
        for pred, obj in card.outgoing:
            _echo(f"  {pred} → {obj}")
    if card.incoming:
        _echo(f"{w['referenced_by']}:")
        for pred, subj in card.incoming:
            _echo(f"  {subj} —{pred}→ {w['this']}")
    _echo(f"{w['facts']} ({len(card.facts)}):")
    for fact in card.facts:
        tag = w["definitional"] if fact.definitional else fact.kind_label
        _echo(f"  [{tag}] {fact.summary}")
        for quote in fact.plain_quotes():
            _echo(f"      “{quote}”")
        if fact.documents:
            _echo(f"      {w['source']}: {'; '.join(fact.documents)}")
        if fact.definitional and fact.why:
            _echo(f"      {w['why']}: {fact.why}")
        for caveat in fact.caveats:
            _echo(f"      {w['caveat']}: {caveat}")


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice([*EXPORT_FORMATS, *NETWORK_FORMATS]),
    default="ttl",
    show_default=True,
    help="RDF (ttl, nt, jsonld, trig) or the network projection (graphml, gexf, "
    "node-link) for Gephi and Cytoscape.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Write to FILE atomically; stdout when left out.",
)
@pass_kg
def export(kg: KnowledgeGraph, fmt: str, output: str | None) -> None:
    """Export the graph (ontology + data + --data files)."""
    if fmt in NETWORK_FORMATS:
        from ..network import export_network

        data = export_network(kg, fmt)
    else:
        data = kg.serialize(fmt)
    if output:
        from ..io import atomic_write

        atomic_write(output, data)
        click.echo(f"wrote {output} ({len(data)} bytes, {fmt})", err=True)
    else:
        click.echo(data.decode("utf-8") if isinstance(data, bytes) else data, nl=False)


@click.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--no-inference", is_flag=True, help="Validate without RDFS inference.")
@click.option(
    "--timeout",
    type=float,
    default=DEFAULT_VALIDATE_TIMEOUT,
    show_default=True,
    metavar="SECONDS",
    help="Stop loading FILES and validating after SECONDS (0: no limit).",
)
@pass_kg
def validate(
    kg: KnowledgeGraph, files: tuple[str, ...], no_inference: bool, timeout: float
) -> None:
    """Check the shipped graph plus FILES against the SHACL shapes.

    Prints one line per violation (file, entity, property, message). In a
    workspace, every quote of its registered sources is checked as well, as by
    `source check`. Exits 0 when the data conforms (and every quote is found), 1
    when not, 4 when it ran past --timeout.
    """
    from ..limits import check_seconds, within
    from ..validate import validate as run

    seconds = check_seconds(timeout, what="timeout")

    def check():
        checked = kg.with_files(*files) if files else kg
        return checked, run(checked, inference=not no_inference)

    kg, report = within(
        check, seconds, what="validation", hint="raise the limit with --timeout (0: no limit)"
    )
    for v in report.violations:
        click.echo(v.line())
    if report.conforms:
        click.echo(f"conforms: {len(kg)} triples, {len(kg.files)} files, 0 violations", err=True)
    else:
        click.echo(f"{len(report.violations)} violation(s)", err=True)
    quotes_bad = _check_workspace_quotes(kg)
    if not report.conforms or quotes_bad:
        raise SystemExit(1)


def _check_workspace_quotes(kg: KnowledgeGraph) -> int:
    """In a workspace, ``source check`` as well: the quotes not found where recorded."""
    from .curate import _print_quote_problems, _workspace

    ws = _workspace(required=False)
    if ws is None:
        return 0
    from ..curate.sources import check_sources

    docs, checks = check_sources(kg, ws)
    bad = _print_quote_problems(docs, checks)
    click.echo(
        f"quotes: {len(checks)} checked in {len(docs)} registered source(s), "
        + (f"{bad} not where they should be" if bad else "all found"),
        err=True,
    )
    return bad


def register(cli: click.Group) -> None:
    for command in (stats, show, export, validate):
        cli.add_command(command)
