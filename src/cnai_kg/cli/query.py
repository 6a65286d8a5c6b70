"""Commands for SPARQL: ``query``, ``queries`` and ``prefixes``."""

from __future__ import annotations

import signal
import sys

import click

from ..errors import DataError, UsageError
from ..io import read_input
from ..kg import KnowledgeGraph
from ..limits import within
from ..namespaces import PREFIXES
from ..query import (
    DEFAULT_MAX_ROWS,
    DEFAULT_TIMEOUT,
    GRAPH_FORMATS,
    MAX_TIMEOUT,
    REASONING,
    ROW_FORMATS,
    Rows,
    format_for_path,
    named_queries,
    named_query,
    run_query,
)
from ..words import words
from ._common import lang_option, output_option, pass_kg

ALL_FORMATS = tuple(dict.fromkeys([*ROW_FORMATS, *GRAPH_FORMATS]))


def _read_query(sparql: str | None, file: str | None, name: str | None) -> str:
    given = [x for x in (sparql, file, name) if x is not None]
    if len(given) > 1:
        raise UsageError("give the query one way only: as an argument, with -f FILE or with --name")
    if name is not None:
        return named_query(name).name
    if file is not None:
        return _decode(file, read_input(file))
    if sparql is not None and sparql != "-":
        return sparql
    stdin = sys.stdin
    if sparql is None and stdin.isatty():
        raise UsageError(
            "give a query: as an argument, with -f FILE, with --name NAME, or on stdin"
        )
    return _decode("<stdin>", read_input("-"))


def _decode(name: str, data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise DataError(name, f"not UTF-8 text ({e.reason} at byte {e.start})") from None


def _parse_params(items: tuple[str, ...]) -> dict[str, str]:
    params: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--param expects KEY=VALUE, got {item!r}")
        params[key.strip()] = value
    return params


def _choose_format(result, fmt: str | None, output: str | None, terminal: bool) -> str:
    if fmt:
        return fmt
    if output and format_for_path(output):
        return format_for_path(output)
    if not isinstance(result, Rows):
        return "ttl"
    if result.kind == "ASK" or terminal:
        return "table"
    return "csv"


@click.command()
@click.argument("sparql", required=False)
@click.option(
    "-f",
    "--file",
    "file",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Read the query from FILE (.rq).",
)
@click.option(
    "-n", "--name", metavar="NAME", help="Run a named query (list them with 'cnai-kg queries')."
)
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="KEY=VALUE",
    help="Bind a parameter; an entity may be named by any label or alias in any "
    "language. Repeatable.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(ALL_FORMATS),
    help="SELECT/ASK: table, csv, tsv, json, xml (W3C result formats). "
    "CONSTRUCT/DESCRIBE: ttl, nt, jsonld, table. Default: table on a terminal, "
    "else csv (ttl for graphs), or from the -o file's suffix.",
)
@lang_option
@click.option("--raw", is_flag=True, help="In tables, show IRIs (as CURIEs) instead of labels.")
@click.option(
    "--reason",
    type=click.Choice(REASONING),
    default="none",
    show_default=True,
    help="Answer over the RDFS or OWL-RL closure (a query for org:Organization then "
    "finds companies).",
)
@click.option(
    "--timeout",
    type=float,
    default=DEFAULT_TIMEOUT,
    show_default=True,
    metavar="SECONDS",
    help="Stop the query after SECONDS (0: no limit).",
)
@click.option(
    "--max-rows",
    type=click.IntRange(min=0),
    default=DEFAULT_MAX_ROWS,
    show_default=True,
    help="Stop a SELECT that gives more rows (0: no limit).",
)
@output_option
@pass_kg
def query(
    kg: KnowledgeGraph,
    sparql: str | None,
    file: str | None,
    name: str | None,
    params: tuple[str, ...],
    fmt: str | None,
    lang: str,
    raw: bool,
    reason: str,
    timeout: float,
    max_rows: int,
    output: str | None,
) -> None:
    """Run a SPARQL query (SPARQL, -f FILE, --name NAME or stdin) over the graph.

    The project's prefixes are predeclared (see 'cnai-kg prefixes'). SERVICE,
    FROM, LOAD and SPARQL Update are refused (exit 3); a query past --timeout
    is stopped (exit 4); a syntax error names its line and column (exit 2).

    \b
    Examples:
      cnai-kg query 'SELECT ?c WHERE { ?c cnai:basedIn kg:PearlRiverDelta }'
      cnai-kg query --name partnerships --param involving=Uber --lang ko
      cnai-kg query -f my.rq --format json -o answer.json
    """
    text = _read_query(sparql, file, name)
    params_given = _parse_params(params)
    terminal = output is None and _terminal()
    console = None
    if terminal:
        from rich.console import Console

        console = Console()

    def answer() -> tuple[str, str, bytes | str, bool]:
        """Parse, evaluate and format: all of it inside the time limit."""
        result = run_query(
            kg,
            text,
            timeout=None if whole else timeout,
            lang=lang,
            reason=reason,
            max_rows=max_rows or None,
            bindings=params_given,
        )
        chosen = _choose_format(result, fmt, output, terminal)
        count = _count(result)
        if isinstance(result, Rows) and result.kind == "ASK" and chosen == "table":
            return chosen, count, (str(bool(result)).lower() + "\n").encode(), False
        if chosen == "table" and console is not None:
            with console.capture() as captured:
                console.print(result.to_table(lang, raw=raw))
            return chosen, count, captured.get(), True
        return chosen, count, result.serialize(chosen, lang=lang, raw=raw), chosen == "table"

    # one deadline for parsing, evaluating and formatting (a 5 MB VALUES block, a huge table):
    # in a killable worker process with a memory ceiling where the store has one (Oxigraph
    # cannot be interrupted inside an evaluation), else under a timer in this thread
    seconds = _seconds(timeout)
    worker = _worker(kg) if seconds else None
    whole = worker is not None or (seconds is not None and _whole_run_limited())
    if worker is not None:
        chosen, count, data, show_count = worker(answer, seconds)
    elif whole:
        chosen, count, data, show_count = within(
            answer, seconds, error=lambda: _timeout_error(timeout)
        )
    else:
        chosen, count, data, show_count = answer()
    if output:
        from ..io import atomic_write

        atomic_write(output, data)
        click.echo(f"wrote {output} ({count}, {chosen})", err=True)
        return
    click.echo(data, nl=False)
    if show_count:
        click.echo(count, err=True)


def _timeout_error(timeout: float):
    """The query layer's own time-limit error (the same line whoever stops the query)."""
    try:
        from ..sparql.run import _timeout_error as make
    except ImportError:  # before the split of query.py
        from ..query import _timeout_error as make
    return make(timeout)


def _seconds(timeout: float) -> float | None:
    if not (0 <= timeout <= MAX_TIMEOUT):  # NaN too: run_query says why
        return None
    return timeout or None


def _worker(kg: KnowledgeGraph):
    """``run(fn, seconds)`` in the query layer's forked worker (with its memory ceiling),
    when the store is one a timer cannot interrupt and the platform can fork; else None."""
    store = getattr(kg, "store", None)
    if getattr(store, "name", None) != "oxigraph":
        return None
    try:
        from ..sparql.run import _can_fork, _memory_limit, run_in_worker
    except ImportError:
        return None
    if not _can_fork():
        return None
    return lambda fn, seconds: run_in_worker(fn, seconds, max_memory=_memory_limit())


def _whole_run_limited() -> bool:
    """Can the whole run go under one timer (the main thread, SIGALRM free)?"""
    from ..limits import _alarm_free

    return hasattr(signal, "SIGALRM") and _alarm_free()


def _terminal() -> bool:
    """Is stdout a terminal (tables by default, rich output)?"""
    return sys.stdout.isatty()


def _count(result) -> str:
    if isinstance(result, Rows):
        if result.kind == "ASK":
            return str(bool(result)).lower()
        return f"{len(result)} row{'' if len(result) == 1 else 's'}"
    return f"{len(result)} triple{'' if len(result) == 1 else 's'}"


@click.command()
@click.argument("name", required=False)
@lang_option
def queries(name: str | None, lang: str) -> None:
    """List the named queries, or show one: its parameters, examples and SPARQL.

    With --lang ko or zh, titles, descriptions and parameters are in that language.
    """
    w = words(lang)
    if name:
        q = named_query(name)
        click.echo(f"{q.name}: {q.title_in(lang)}")
        click.echo()
        click.echo(q.description_in(lang))
        if q.params:
            click.echo()
            click.echo(f"{w['parameters']}:")
            for p in q.params:
                kind = p.kind + (f" {p.cls}" if p.cls else "")
                opt = f", {w['optional']}" if p.optional else ""
                click.echo(f"  {p.name} ({kind}{opt}): {q.param_description(p.name, lang)}")
        if q.examples:
            click.echo()
            click.echo(f"{w['examples']}:")
            for ex in q.examples:
                click.echo(f"  {ex}")
        body = q.text.splitlines()
        while body and (body[0].startswith("#") or not body[0].strip()):
            body.pop(0)
        click.echo()
        click.echo("\n".join(body))
        return
    library = named_queries()
    width = max(len(n) for n in library)
    for q in library.values():
        params = " ".join(p.usage() for p in q.params if p.kind != "lang")
        click.echo(f"{q.name:<{width}}  {q.title_in(lang)}" + (f"  {params}" if params else ""))


@click.command()
@click.option("--sparql", is_flag=True, help="Print them as SPARQL PREFIX lines.")
def prefixes(sparql: bool) -> None:
    """List the prefixes every query gets for free."""
    width = max(len(p) for p in PREFIXES) + 1
    for prefix, ns in PREFIXES.items():
        if sparql:
            click.echo(f"PREFIX {prefix}: <{ns}>")
        else:
            click.echo(f"{prefix + ':':<{width}}  {ns}")


def register(cli: click.Group) -> None:
    for command in (query, queries, prefixes):
        cli.add_command(command)
