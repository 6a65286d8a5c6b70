"""Instant start-up: the command line imports only what a command needs."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys

import click

from cnai_kg import cli as cli_package
from cnai_kg.cli import _common, cli

HEAVY = ("networkx", "matplotlib", "pyshacl", "owlrl", "pandas", "scipy", "pyvis")


def imported_after(code: str) -> list[str]:
    """The heavy modules a fresh interpreter holds after running ``code``."""
    watched = HEAVY + ("rdflib",)
    probe = (
        f"{code}\nimport json, sys\n"
        f"print(json.dumps(sorted(m for m in {watched!r} if m in sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.splitlines()[-1])


def test_importing_the_command_line_imports_no_heavy_library():
    assert imported_after("import cnai_kg.cli") == []


def test_help_lists_every_command_without_importing_them():
    code = (
        "from click.testing import CliRunner\n"
        "from cnai_kg.cli import cli\n"
        "result = CliRunner().invoke(cli, ['--help'])\n"
        "assert result.exit_code == 0, result.output\n"
        "assert 'centrality' in result.output and 'validate' in result.output"
    )
    assert imported_after(code) == []


def test_show_imports_no_network_or_validation_library(tmp_path):
    code = (
        "from click.testing import CliRunner\n"
        "from cnai_kg.cli import cli\n"
        "result = CliRunner().invoke(cli, ['show', 'CATL'])\n"
        "assert result.exit_code == 0, result.output"
    )
    assert imported_after(code) == ["rdflib"]


def test_the_lazy_command_table_matches_the_modules():
    """Every command of every module is in the table, with its module and its help."""
    group = click.Group()
    for module in cli_package._MODULES:
        cli_package._register(group, module)
    found = {}
    for name, command in group.commands.items():
        text = (
            inspect.cleandoc(command.short_help)
            if command.short_help
            else inspect.cleandoc(command.help or "").split("\n\n")[0].replace("\n", " ")
        )
        found[name] = (command.callback.__module__.rsplit(".", 1)[1], text)
    assert found == cli_package._LAZY


def test_help_reads_the_same_as_with_every_command_loaded():
    from click.testing import CliRunner

    lazy = CliRunner().invoke(cli, ["--help"]).output
    cli.load_all()
    assert CliRunner().invoke(cli, ["--help"]).output == lazy


def test_constants_kept_for_a_light_start_match_the_library():
    from cnai_kg.kg import LANGS
    from cnai_kg.store import STORES

    assert _common.LANGS == LANGS
    assert _common.STORES == STORES
