"""The ``cnai-kg`` command line: thin commands over the library.

Each command parses its options, calls one library function and formats the
result. Errors from the library (:class:`~cnai_kg.errors.CnaiKgError`) become
one line on stderr and the error's exit code; nothing else reaches the user
as a traceback.
"""

from __future__ import annotations

import sys

import click

from ..errors import CnaiKgError
from ..kg import STORES
from . import core  # noqa: E402  (registers commands)
from ._common import CliError, State, endpoint_option

__all__ = ["main", "cli"]


class _Group(click.Group):
    """Turns every failure into one ``Error: ...`` line and an exit code."""

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
            raise CliError(str(e), e.exit_code) from None
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
@click.option(
    "--data",
    "data",
    multiple=True,
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Add your own RDF (Turtle) file; repeatable.",
)
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
@click.version_option(package_name="cnai-kg", prog_name="cnai-kg")
@click.pass_context
def cli(
    ctx: click.Context,
    data: tuple[str, ...],
    store: str,
    no_shipped: bool,
    no_cache: bool,
    endpoint: str | None,
) -> None:
    """cnai-kg: a knowledge graph of China's AI industry.

    Every fact carries the verbatim Korean quote it comes from. Entities can be
    named by any label or alias in English, Korean or Chinese, by CURIE
    (kg:CATL) or by IRI.
    """
    ctx.obj = State(
        data_files=data,
        shipped=not no_shipped,
        store=store,
        cache=not no_cache,
        endpoint=endpoint or None,
    )


for _module in (core,):
    _module.register(cli)

for _name in ("query", "network", "render", "serve", "publish", "cache"):
    try:
        _mod = __import__(f"{__name__}.{_name}", fromlist=["register"])
    except ModuleNotFoundError as _e:  # a command family not written yet
        if _e.name != f"{__name__}.{_name}":
            raise
        continue
    _mod.register(cli)


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


def main() -> None:
    """Entry point of the ``cnai-kg`` console script."""
    cli(prog_name="cnai-kg")
