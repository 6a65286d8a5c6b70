"""What every command shares: the loaded graph, the shared options, error display."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:  # pragma: no cover
    from ..kg import KnowledgeGraph

#: The label languages (:data:`cnai_kg.kg.LANGS`) and stores (:data:`cnai_kg.store.STORES`),
#: here too, so that the command line starts without importing rdflib (a test checks them).
LANGS = ("en", "ko", "zh")
STORES = ("oxigraph", "rdflib")

__all__ = [
    "LANG_KEY",
    "CliError",
    "State",
    "endpoint_option",
    "lang_option",
    "output_option",
    "pass_kg",
]


class CliError(click.ClickException):
    """A one-line error with its own exit code."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file=None) -> None:
        click.echo(f"Error: {self.format_message()}", err=True)


@dataclass
class State:
    data_files: tuple[str, ...] = ()
    shipped: bool = True
    store: str = "oxigraph"
    cache: bool = True
    endpoint: str | None = None
    workspace_dir: str | None = None
    _kg: KnowledgeGraph | None = field(default=None, repr=False)
    _workspace: object = field(default=False, repr=False)

    def workspace(self):
        """The workspace the command runs in (``--workspace``, ``$CNAI_KG_WORKSPACE``, or
        the first folder upwards holding ``cnai-kg.toml``), or None."""
        if self._workspace is False:
            from ..curate.workspace import Workspace, find_workspace

            if self.endpoint:
                self._workspace = None
            elif self.workspace_dir:
                self._workspace = Workspace.open(self.workspace_dir)
            else:
                self._workspace = find_workspace()
        return self._workspace

    def kg(self) -> KnowledgeGraph:
        if self._kg is None and self.endpoint:
            from ..store.endpoint import connect

            if self.data_files or not self.shipped:
                raise CliError(
                    "--data and --no-shipped do not apply to --endpoint: the store answers "
                    "from what was published to it (cnai-kg --data FILE publish --to URL)",
                    2,
                )
            self._kg = connect(self.endpoint)
        if self._kg is None:
            from ..kg import load
            from ..limits import LOAD_TIMEOUT_ENV, load_timeout, within
            from ._progress import activity

            ws = self.workspace()
            files: list = [*ws.data_files(), *self.data_files] if ws else list(self.data_files)
            shipped = self.shipped and (ws.shipped if ws else True)
            with activity("loading") as step:
                self._kg = within(
                    lambda: load(
                        *files,
                        shipped=shipped,
                        store=self.store,
                        cache=self.cache,
                        progress=step,
                        base=ws.root if ws else None,
                    ),
                    load_timeout(),
                    what="loading the data",
                    hint=f"raise it with {LOAD_TIMEOUT_ENV}=SECONDS (0: no limit)",
                )
        return self._kg


def data_option(help_text: str = "Add your own RDF (Turtle) file; repeatable."):
    """``--data FILE`` (repeatable): RDF files added to the shipped graph."""
    return click.option(
        "--data",
        "data",
        multiple=True,
        type=click.Path(dir_okay=False),
        metavar="FILE",
        help=help_text,
    )


def endpoint_option(f):
    """``--endpoint URL`` (or ``$CNAI_KG_ENDPOINT``): read from a remote SPARQL store."""
    return click.option(
        "--endpoint",
        metavar="URL",
        envvar="CNAI_KG_ENDPOINT",
        help="Ask the SPARQL 1.1 store at URL (its query URL; filled by 'cnai-kg publish') "
        "instead of loading the graph here.",
    )(f)


def pass_kg(f):
    """Give the command the loaded :class:`KnowledgeGraph` as its first argument."""

    @click.pass_context
    def wrapper(ctx: click.Context, *args, **kwargs):
        return ctx.invoke(f, ctx.find_object(State).kg(), *args, **kwargs)

    return click.decorators.update_wrapper(wrapper, f)


def default_lang() -> str:
    """``$CNAI_KG_LANG``, else the workspace's language, else English."""
    env = os.environ.get("CNAI_KG_LANG")
    if env in LANGS:
        return env
    ctx = click.get_current_context(silent=True)
    state = ctx.find_object(State) if ctx is not None else None
    try:
        ws = state.workspace() if state is not None else None
    except Exception:  # a broken cnai-kg.toml is reported when the data is loaded
        ws = None
    return ws.lang if ws is not None else "en"


def lang_option(f):
    """``--lang ko|en|zh``, defaulting to ``$CNAI_KG_LANG``, the workspace's or English."""
    return click.option(
        "--lang",
        type=click.Choice(LANGS),
        envvar="CNAI_KG_LANG",
        default=default_lang,
        show_default="$CNAI_KG_LANG, the workspace's or en",
        help="Language of labels (falls back en > ko > zh), headers and name errors.",
        callback=_remember_lang,
    )(f)


#: Where the command's ``--lang`` is kept for the error message (``ctx.meta`` is shared
#: by a command's context and its group's).
LANG_KEY = "cnai_kg.lang"


def _remember_lang(ctx: click.Context, param: click.Parameter, value: str) -> str:
    ctx.meta[LANG_KEY] = value
    return value


def output_option(f):
    """``-o/--output FILE``, written atomically."""
    return click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False),
        metavar="FILE",
        help="Write to FILE (atomically) instead of stdout.",
    )(f)
