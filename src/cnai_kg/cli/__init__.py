"""The ``cnai-kg`` command line: thin commands over the library.

Each command parses its options, calls one library function and formats the
result. Errors from the library (:class:`~cnai_kg.errors.CnaiKgError`) become
one line on stderr and the error's exit code; nothing else reaches the user
as a traceback.
"""

from __future__ import annotations

import io
import os
import stat
import sys

import click

from ..errors import CnaiKgError
from ..words import explain
from ._common import LANG_KEY, STORES, CliError, State, data_option, endpoint_option

__all__ = ["main", "cli"]


#: The command modules (``cnai_kg/cli/NAME.py``, each with ``register(cli)``).
_MODULES = ("core", "query", "network", "render", "serve", "publish", "cache", "curate")

#: Commands imported only when they run, so that ``cnai-kg --help`` and quick commands do
#: not import rdflib's SPARQL parser, networkx, matplotlib or pyshacl: name -> (module,
#: first paragraph of its help, for the command list). ``tests/test_startup.py`` checks
#: this table against the modules. A module not listed here is imported at start-up.
_LAZY = {
    "cache": (
        "cache",
        "The store cache: Oxigraph stores kept on disk, keyed by the contents of the files.",
    ),
    "centrality": (
        "network",
        "Rank entities by a centrality measure (networkx or igraph on the entity network).",
    ),
    "communities": (
        "network",
        "Group the entities into communities (Louvain by default); members listed by label.",
    ),
    "diff": (
        "curate",
        "What changed from OLD to NEW: two RDF files, two folders of them, or two workspaces.",
    ),
    "export": ("core", "Export the graph (ontology + data + --data files)."),
    "import": (
        "curate",
        "Import sourced facts from sheets (.csv, .tsv, .xlsx, .ods) into the workspace.",
    ),
    "init": ("curate", "Make FOLDER a workspace: cnai-kg.toml, sources/ and data/."),
    "neighbors": (
        "network",
        "Entities within --hops of ENTITY, nearest first, with how each is reached.",
    ),
    "path": ("network", "Shortest paths from A to B as evidence chains."),
    "prefixes": ("query", "List the prefixes every query gets for free."),
    "publish": (
        "publish",
        "Put the ontology and the data into a SPARQL store, one named graph per file.",
    ),
    "queries": (
        "query",
        "List the named queries, or show one: its parameters, examples and SPARQL.",
    ),
    "query": (
        "query",
        "Run a SPARQL query (SPARQL, -f FILE, --name NAME or stdin) over the graph.",
    ),
    "render": ("render", "Write an interactive HTML view of the graph (one file, works offline)."),
    "serve": ("serve", "Serve a SPARQL 1.1 endpoint, a web explorer and a JSON API."),
    "show": ("core", "Card of ENTITY: labels, types, relations and every fact with its quote."),
    "source": (
        "curate",
        "Register the documents your facts are quoted from (txt, md, html, pdf).",
    ),
    "stats": (
        "core",
        "Triples, entities per class, facts, sources and label coverage per language.",
    ),
    "validate": ("core", "Check the shipped graph plus FILES against the SHACL shapes."),
}


def _register(group: click.Group, module: str) -> None:
    """Import ``cnai_kg.cli.MODULE`` and add its commands to ``group`` (once)."""
    loaded = _register.done.setdefault(id(group), set())  # type: ignore[attr-defined]
    if module in loaded:
        return
    loaded.add(module)
    try:
        mod = __import__(f"{__name__}.{module}", fromlist=["register"])
    except ModuleNotFoundError as e:  # a command family not written yet
        if e.name != f"{__name__}.{module}":
            raise
        return
    mod.register(group)


_register.done = {}  # type: ignore[attr-defined]


class _Group(click.Group):
    """Turns every failure into one ``Error: ...`` line and an exit code; imports a
    command's module only when the command runs (see :data:`_LAZY`)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *_LAZY})

    def get_command(self, ctx: click.Context, name: str):
        if name not in self.commands and name in _LAZY:
            _register(self, _LAZY[name][0])
        return self.commands.get(name)

    def load_all(self) -> None:
        """Import every command module (for tools that walk ``cli.commands``)."""
        for module in _MODULES:
            _register(self, module)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of ``--help``, from :data:`_LAZY` for commands not loaded."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(n) for n in names)
        rows = []
        for name in names:
            command = self.commands.get(name)
            if command is not None:
                if command.hidden:
                    continue
                rows.append((name, command.get_short_help_str(limit)))
            else:
                rows.append((name, click.utils.make_default_short_help(_LAZY[name][1], limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as e:
            hint = f" (see '{e.ctx.command_path} --help')" if e.ctx is not None else ""
            click.echo(f"Error: {e.format_message()}{hint}", err=True)
            sys.exit(e.exit_code)
        except click.ClickException as e:
            click.echo(f"Error: {e.format_message()}", err=True)
            sys.exit(e.exit_code)
        except click.Abort:
            click.echo("Error: aborted", err=True)
            sys.exit(1)
        sys.exit(rv if isinstance(rv, int) else 0)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except CnaiKgError as e:
            raise CliError(explain(e, ctx.meta.get(LANG_KEY)), e.exit_code) from None
        except BrokenPipeError:
            sys.stderr.close()
            sys.exit(1)
        except OSError as e:  # writing to stdout: disk full, file too large
            _drop_stdout()
            where = e.filename or "standard output"
            raise CliError(f"{where}: cannot write: {e.strerror or e}", 2) from None
        except KeyboardInterrupt:
            raise CliError("interrupted", 130) from None


@click.group(name="cnai-kg", cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@data_option()
@click.option(
    "--store",
    type=click.Choice([*STORES, "memory"]),
    default="oxigraph",
    show_default=True,
    envvar="CNAI_KG_STORE",
    help="Where the graph lives and SPARQL runs: embedded Oxigraph, or rdflib in memory "
    "('memory' is an old name of rdflib).",
)
@click.option(
    "--no-shipped", is_flag=True, help="Leave out the shipped graph/ data (the ontology stays)."
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="Parse the files again instead of opening their cached store (see 'cnai-kg cache').",
)
@endpoint_option
@click.option(
    "--workspace",
    metavar="DIR",
    envvar="CNAI_KG_WORKSPACE",
    help="Use the workspace in DIR (default: the first folder upwards holding cnai-kg.toml).",
)
@click.version_option(package_name="cnai-kg", prog_name="cnai-kg")
@click.pass_context
def cli(
    ctx: click.Context,
    data: tuple[str, ...],
    store: str,
    no_shipped: bool,
    no_cache: bool,
    endpoint: str | None,
    workspace: str | None,
) -> None:
    """cnai-kg: a knowledge graph of China's AI industry.

    Every fact carries the verbatim quote it comes from. Entities can be named by
    any label or alias in English, Korean or Chinese, by CURIE (kg:CATL) or by
    IRI. Run inside a workspace (cnai-kg init), every command also loads its
    sources and data.
    """
    from ..progress import show_with
    from ._progress import activity

    show_with(activity)  # long work (projection, validation) shows a bar on a terminal
    ctx.obj = State(
        data_files=data,
        shipped=not no_shipped,
        store=store,
        cache=not no_cache,
        endpoint=endpoint or None,
        workspace_dir=workspace or None,
    )


for _module in _MODULES:  # modules whose commands are not in _LAZY load at start-up
    if not any(module == _module for module, _ in _LAZY.values()):
        _register(cli, _module)


def _drop_stdout() -> None:
    """After a failed write to stdout, send what is still buffered nowhere (so that
    Python's flush at exit does not print a second, multi-line error)."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


class _WholeWrites(io.RawIOBase):
    """A raw stdout that writes every byte or raises.

    Python ignores SIGXFSZ, so past a file-size limit (``ulimit -f``) a write to a
    regular file writes what fits and returns a short count, which the layers above
    (click, io.BufferedWriter) do not check: the output would be cut short, silently,
    with exit 0. Writing the rest makes the kernel say EFBIG, which becomes one line.
    """

    def __init__(self, fd: int):
        super().__init__()
        self._fd = fd

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._fd

    def write(self, data) -> int:
        view = memoryview(data).cast("B")
        while view:
            view = view[os.write(self._fd, view) :]
        return len(data)


def _whole_stdout() -> None:
    """When stdout is a regular file, make every write to it whole (see :class:`_WholeWrites`)."""
    try:
        fd = sys.stdout.fileno()
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return
        sys.stdout.flush()
    except (OSError, ValueError, AttributeError):
        return
    sys.stdout = io.TextIOWrapper(
        io.BufferedWriter(_WholeWrites(fd)),
        encoding=sys.stdout.encoding,
        errors=sys.stdout.errors,
    )


def main() -> None:
    """Entry point of the ``cnai-kg`` console script."""
    _whole_stdout()
    cli(prog_name="cnai-kg")
