"""Your own sources: init, source add/list/show/check, import, diff."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..terminal import printable
from ._common import CliError, State, lang_option, pass_kg

FORMATS = ("table", "json", "md")


def _state() -> State:
    return click.get_current_context().find_object(State)


def _workspace(*, required: bool = True):
    ws = _state().workspace()
    if ws is None and required:
        raise CliError(
            "not in a cnai-kg workspace: make one with 'cnai-kg init DIR'"
            " (or give --workspace DIR)",
            2,
        )
    return ws


def _echo(text: str = "", err: bool = False) -> None:
    click.echo(printable(text), err=err)


# ------------------------------------------------------------------ init


@click.command()
@click.argument("folder", default=".", type=click.Path(file_okay=False))
@click.option(
    "--lang",
    type=click.Choice(["en", "ko", "zh"]),
    default="en",
    show_default=True,
    help="The workspace's label language.",
)
@click.option("--no-shipped", is_flag=True, help="Leave the shipped graph out of the workspace.")
def init(folder: str, lang: str, no_shipped: bool) -> None:
    """Make FOLDER a workspace: cnai-kg.toml, sources/ and data/.

    Every command run in FOLDER (or below it) then loads the workspace's sources
    and data with no --data.
    """
    from ..curate.workspace import init_workspace

    ws = init_workspace(folder, lang=lang, shipped=not no_shipped)
    _echo(f"made a workspace in {folder}: {ws.config.name}, sources/, data/")
    _echo("next: cnai-kg source add FILE, then cnai-kg import SHEETS")


# ------------------------------------------------------------------ sources


@click.group()
def source() -> None:
    """Register the documents your facts are quoted from (txt, md, html, pdf)."""


@source.command("add")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--id", "source_id", metavar="ID", help="Its id (default: from the file name).")
@click.option("--title", help="Its title (default: from the file).")
@click.option("--publisher", help="Who published it.")
@click.option("--date", metavar="DATE", help="When: YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--lang", "text_lang", metavar="LANG", help="Its language (detected if left out).")
@click.option("--url", help="Where it is published.")
@click.option(
    "--derived-from",
    "derived",
    metavar="ID",
    multiple=True,
    help="A document it derives from (repeatable).",
)
@click.option(
    "--class",
    "cls",
    type=click.Choice(["article", "report", "blog-post", "document"]),
    help="What it is (default: article).",
)
@click.option(
    "--encoding", metavar="NAME", help="The encoding of a text file (detected if left out)."
)
@pass_kg
def source_add(kg, file, source_id, title, publisher, date, text_lang, url, derived, cls, encoding):
    """Register FILE as a source: keep its text and describe it in RDF.

    Adding the same text again changes nothing; a changed text is a new version,
    and every quote citing the source is checked against it.
    """
    from ..curate.sources import add_source, check_quotes, find_document, known_documents
    from ..quotes import quote_plain

    ws = _workspace()
    known = known_documents(kg)
    parents = [find_document(kg, ws, name).iri for name in derived]
    result = add_source(
        ws,
        file,
        id=source_id,
        title=title,
        publisher=publisher,
        date=date,
        lang=text_lang,
        url=url,
        derived_from=parents,
        cls=cls,
        encoding=encoding,
        known_documents=known,
    )
    src, version = result.source, result.source.current
    where = ws.relative(result.path)
    if result.status == "unchanged":
        _echo(f"{src.id}: unchanged (version {version.version}, sha256 {version.sha256[:12]}…)")
        return
    pages = f"{version.page_count} pages, " if version.pages else ""
    head = {"new": "registered", "new version": "new version of", "updated": "updated"}[
        result.status
    ]
    _echo(f"{head} {src.id} (version {version.version}): {src.title}")
    _echo(
        f"  text: {pages}{version.characters:,} characters,"
        f" sha256 {version.sha256[:12]}… in {where}/v{version.version}.txt"
    )
    if src.describes:
        _echo(
            f"  the text of {', '.join(kg.curie(_uri(d)) for d in src.describes)}"
            " (already described)"
        )
    else:
        _echo(f"  description: {where}/source.ttl (kg:{src.id}, cnai:{src.cls})")
    if result.changed:
        _echo(f"  changed: {', '.join(result.changed)}")
    if result.status == "new version":
        doc = next((d for d in _documents(kg, ws) if d.source and d.source.id == src.id), None)
        if doc is not None:
            doc.version = version
            results = check_quotes(kg, ws, doc)
            bad = [r for r in results if not r.ok]
            _echo(
                f"  re-checked {len(results)} quote(s) against version {version.version}: "
                f"{len(results) - len(bad)} found" + (f", {len(bad)} not" if bad else "")
            )
            for r in bad:
                quote = quote_plain(r.citation.quote, doc.media_type)
                _echo(f"    {r.citation.excerpt} “{quote}”: {r.what}", err=True)
            if bad:
                _echo("  import the sheets again to anchor them in the new version", err=True)


def _uri(iri: str):
    from rdflib import URIRef

    return URIRef(iri)


def _documents(kg, ws, lang=None):
    from ..curate.sources import documents

    return documents(kg, ws, lang)


@source.command("list")
@lang_option
@pass_kg
def source_list(kg, lang: str) -> None:
    """The documents of the graph: registered sources first, then the others."""
    ws = _workspace(required=False)
    docs = _documents(kg, ws, lang)
    rows = []
    for d in docs:
        if d.version is not None:
            v = d.version
            text = f"v{v.version}, " + (
                f"{v.page_count} pages" if v.pages else f"{v.characters:,} chars"
            )
        else:
            text = "-"
        rows.append(
            (d.id, ", ".join(d.classes) or "-", text, str(d.excerpts), str(d.facts), d.label)
        )
    header = ("id", "class", "text", "excerpts", "facts", "title")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(5)]
    for r in [header, *rows]:
        _echo("  ".join(c.ljust(w) for c, w in zip(r[:5], widths, strict=True)) + "  " + r[5])


@source.command("show")
@click.argument("source_id", metavar="ID")
@lang_option
@pass_kg
def source_show(kg, source_id: str, lang: str) -> None:
    """A source: its description, its registered text and every fact that cites it."""
    from ..curate.sources import citations, find_document
    from ..quotes import quote_plain

    ws = _workspace(required=False)
    doc = find_document(kg, ws, source_id, lang)
    card = kg.card(_uri(doc.iri), lang)
    _echo(f"{doc.label}  ({doc.curie})")
    _echo(f"  types: {', '.join(card.types)}")
    skip = {"label", "title"}
    for pred, obj in card.outgoing:
        if pred not in skip:
            _echo(f"  {pred}: {obj}")
    if doc.version is not None:
        v, s = doc.version, doc.source
        pages = f"{v.page_count} pages, " if v.pages else ""
        _echo(
            f"  text: version {v.version} of {len(s.versions)}, "
            f"{pages}{v.characters:,} characters, "
            f"sha256 {v.sha256[:12]}…, from {v.file} ({v.media_type})"
        )
    else:
        _echo("  text: not registered here" + (" (cnai-kg source add FILE)" if ws else ""))
    cites = citations(kg, doc)
    records = {}
    _echo(f"excerpts ({len(cites)}):")
    for c in cites:
        page = f" (p. {c.page})" if c.page else ""
        _echo(f"  “{quote_plain(c.quote, doc.media_type)}”{page}")
        for fact in c.facts:
            if fact not in records:
                records[fact] = _summary(kg, fact, lang)
            _echo(f"      {records[fact]}")


def _summary(kg, curie: str, lang) -> str:
    from ..resolve import expand

    fact = expand(curie)
    record = kg._fact_record(fact, {"quotes": [], "docs": []}, lang)
    return f"[{record.kind}] {record.summary}  ({curie})"


def _print_quote_problems(docs, checks) -> int:
    """One line per quote not where it should be; their number."""
    from ..quotes import quote_plain

    media = {d.id: d.media_type for d in docs}
    bad = [r for r in checks if not r.ok]
    for r in bad:
        quote = quote_plain(r.citation.quote, media[r.document])
        _echo(f"{r.document}: {r.citation.excerpt} “{quote}”: {r.what}")
    return len(bad)


@source.command("check")
@click.argument("source_id", metavar="ID", required=False)
@pass_kg
def source_check(kg, source_id: str | None) -> None:
    """Check every quote of the registered sources (or of ID) against its text.

    Exits 1 when a quote is no longer where it was recorded, or not in its text.
    """
    from ..curate.sources import check_sources

    docs, checks = check_sources(kg, _workspace(), source_id)
    bad = _print_quote_problems(docs, checks)
    _echo(
        f"checked {len(checks)} quote(s) in {len(docs)} source(s): "
        + (f"{bad} not where they should be" if bad else "all found"),
        err=True,
    )
    if bad:
        raise SystemExit(1)


# ------------------------------------------------------------------ import


@click.command("import")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check and show what would change; write nothing.")
@click.option(
    "-o",
    "--output",
    type=click.Path(),
    metavar="FILE",
    help="The Turtle file to write (default: data/ and the first sheet's name).",
)
@click.option(
    "--encoding", metavar="NAME", help="The encoding of CSV files (detected if left out)."
)
@click.option(
    "--template",
    type=click.Choice(["xlsx", "csv"]),
    help="Write empty sheets with their headers and an example row to -o instead.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="How --dry-run shows the change.",
)
@lang_option
def import_(files, dry_run, output, encoding, template, fmt, lang) -> None:
    """Import sourced facts from sheets (.csv, .tsv, .xlsx, .ods) into the workspace.

    Every quote must be in its registered source; if any row is wrong, every problem
    is listed (file, sheet, row, column) and nothing is written (exit 2).
    """
    if template:
        if not output:
            raise CliError("--template needs -o FILE (a .xlsx file, or a folder for csv)", 2)
        from ..curate.template import write_template

        for path in write_template(template, output):
            _echo(f"wrote {path}")
        return
    from ..changes import diff
    from ..curate.importer import ImportProblems, import_files

    ws = _workspace()
    state = _state()
    compare = (lambda old, new: diff(old, new, lang=lang)) if dry_run else None
    try:
        result = import_files(
            ws,
            list(files),
            output=Path(output).resolve() if output else None,
            dry_run=dry_run,
            encoding=encoding,
            extra=state.data_files,
            compare=compare,
        )
    except ImportProblems as e:
        for problem in e.problems:
            _echo(problem.line(), err=True)
        raise CliError(str(e), 2) from None
    counts = result.counts
    parts = [
        f"{counts[k]} {k if counts[k] != 1 else k.rstrip('s')}"
        for k in ("entities", "statements", "partnerships", "figures", "claims", "excerpts")
        if counts.get(k)
    ]
    name = ws.relative(result.output)
    if dry_run:
        _show_diff(result.diff, fmt)
        _echo(
            f"dry run: nothing written; {name} would hold {result.triples} triples"
            f" ({', '.join(parts)})",
            err=True,
        )
    else:
        _echo(f"wrote {name}: {result.triples} triples ({', '.join(parts)})")
        _echo(
            f"every quote found in its source ({result.quotes} excerpt(s));"
            " the file passes the shapes"
        )


# ------------------------------------------------------------------ diff


@click.command("diff")
@click.argument("old", type=click.Path())
@click.argument("new", type=click.Path())
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option(
    "--measure",
    default="degree",
    show_default=True,
    type=click.Choice(
        ["degree", "betweenness", "closeness", "pagerank", "eigenvector", "harmonic"]
    ),
    help="The centrality whose top ten is compared.",
)
@lang_option
def diff_(old: str, new: str, fmt: str, measure: str, lang: str) -> None:
    """What changed from OLD to NEW: two RDF files, two folders of them, or two workspaces.

    Entities added and removed, facts added, removed or changed (with their quotes),
    and the network's new edges, joined components and top ten before and after.
    The shipped graph is in both (unless --no-shipped).
    """
    from ..changes import diff

    state = _state()
    before, after = (_side(path, state) for path in (old, new))
    _show_diff(diff(before, after, lang=lang, measure=measure), fmt)


def _side(path: str, state: State):
    from ..curate.workspace import CONFIG, Workspace
    from ..errors import MissingFile
    from ..io import rdf_format_for  # noqa: F401 - suffixes cnai-kg reads
    from ..kg import load

    p = Path(path)
    if not p.exists():
        raise MissingFile(p)
    if p.is_dir() and (p / CONFIG).is_file():
        ws = Workspace.open(p)
        return ws.load(shipped=ws.shipped and state.shipped, cache=state.cache, store=state.store)
    if p.is_dir():
        files = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix in _RDF_SUFFIXES)
        return load(*files, shipped=state.shipped, cache=state.cache, store=state.store, base=p)
    return load(p, shipped=state.shipped, cache=state.cache, store=state.store)


_RDF_SUFFIXES = {".ttl", ".nt", ".n3", ".trig", ".nq", ".jsonld", ".rdf", ".owl"}


def _show_diff(d, fmt: str) -> None:
    from ..curate.report import diff_markdown, diff_table

    if fmt == "json":
        click.echo(json.dumps(d.to_dict(), ensure_ascii=False, indent=2))
    elif fmt == "md":
        click.echo(printable(diff_markdown(d), keep_newlines=True))
    else:
        click.echo(printable(diff_table(d), keep_newlines=True))


def register(cli: click.Group) -> None:
    for command in (init, source, import_, diff_):
        cli.add_command(command)
