"""The documentation is checked: every ```console block of README.md, README.ko.md and
docs/*.md is run and must print exactly what it shows, their Python examples run as doctests,
and every CLI command and option is documented on some page."""

from __future__ import annotations

import doctest
import fcntl
import importlib.util
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import click
import pytest

from cnai_kg.cli import cli

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", ROOT / "README.ko.md", *sorted((ROOT / "docs").glob("*.md"))]
TEXT = {page.relative_to(ROOT).as_posix(): page.read_text(encoding="utf-8") for page in PAGES}
README = TEXT["README.md"]
BIN = str(Path(sys.executable).parent)


def console_examples(text: str) -> list[tuple[str, str]]:
    """The ``$ command`` lines of every ```console block with the output shown under each."""
    examples = []
    for block in re.findall(r"```console\n(.*?)```", text, flags=re.S):
        command, expected = None, []
        for line in block.splitlines():
            if line.startswith("$ "):
                if command is not None:
                    examples.append((command, "\n".join(expected)))
                command, expected = line[2:], []
            else:
                expected.append(line)
        if command is not None:
            examples.append((command, "\n".join(expected)))
    return examples


EXAMPLES = {name: console_examples(text) for name, text in TEXT.items()}


def run_in_terminal(command: str, cwd: Path) -> tuple[int, str]:
    """Run ``command`` as a user would at a terminal (stdout and stderr on one pty)."""
    env = {
        **os.environ,
        "PATH": BIN + os.pathsep + os.environ["PATH"],
        "COLUMNS": "100",
        "LINES": "50",
        "NO_COLOR": "1",
        "TERM": "dumb",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("CNAI_KG_LANG", None)
    env.pop("CNAI_KG_STORE", None)
    primary, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 100, 0, 0))
    proc = subprocess.Popen(
        ["bash", "-c", command],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=secondary,
        stderr=secondary,
        close_fds=True,
    )
    os.close(secondary)
    chunks = []
    while True:
        try:
            data = os.read(primary, 65536)
        except OSError:  # EIO: the other side closed
            break
        if not data:
            break
        chunks.append(data)
    os.close(primary)
    code = proc.wait(timeout=300)
    return code, b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


def tidy(text: str) -> list[str]:
    """Lines without trailing blanks (table cells are padded) and without trailing empty lines."""
    lines = [line.rstrip() for line in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def run_examples(examples: list[tuple[str, str]], folder: Path, page: str) -> list[str]:
    """Run ``examples`` in order in ``folder``; one message per command whose output differs.

    ``echo $?`` shows the exit code of the command before it. The folder holds the
    repository's ``examples/``, so files the commands write land there, not in the checkout.
    """
    (folder / "examples").symlink_to(ROOT / "examples")
    # The external-store examples talk to an Oxigraph server at 127.0.0.1:7878: start an
    # empty one on a free port and point them there.
    server = None
    if any(OXIGRAPH in command for command, _ in examples):
        server = _oxigraph_server().start_oxigraph(folder / "oxigraph-store")
    local = server.base.removeprefix("http://") if server else OXIGRAPH
    last = 0
    failures = []
    try:
        for command, expected in examples:
            command, expected = command.replace(OXIGRAPH, local), expected.replace(OXIGRAPH, local)
            if command == "echo $?":
                got = str(last)
            else:
                last, got = run_in_terminal(command, folder)
            if tidy(got) != tidy(expected):
                failures.append(f"$ {command}\n--- {page}\n{expected}\n--- actual\n{got}")
    finally:
        if server is not None:
            server.stop()
    return failures


OXIGRAPH = "127.0.0.1:7878"


def _oxigraph_server():
    """``tests/endpoint/oxigraph_server.py``, which starts and stops a real Oxigraph server."""
    if "oxigraph_server" in sys.modules:  # imported already by tests/endpoint
        return sys.modules["oxigraph_server"]
    spec = importlib.util.spec_from_file_location(
        "oxigraph_server", Path(__file__).parent / "endpoint" / "oxigraph_server.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["oxigraph_server"] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return sys.modules[spec.name]


def test_pages_have_examples():
    assert len(EXAMPLES["README.md"]) >= 5
    assert len(EXAMPLES["README.ko.md"]) >= 5
    assert sum(len(examples) for examples in EXAMPLES.values()) >= 100
    assert sum(text.count("\n>>> ") for text in TEXT.values()) >= 10


@pytest.mark.parametrize("page", [name for name, examples in EXAMPLES.items() if examples])
def test_console_examples(page, tmp_path):
    """Each example of ``page`` prints exactly what the page shows (each page in its own
    scratch folder, its examples in order)."""
    failures = run_examples(EXAMPLES[page], tmp_path, page)
    assert failures == [], "\n\n".join(failures)


def test_a_wrong_output_fails(tmp_path):
    """The comparison is not lenient: a changed word, a missing or extra line and a wrong
    exit code are each reported."""
    examples = console_examples(
        "```console\n"
        "$ printf 'one\\ntwo\\n'\n"
        "one\n"
        "two\n"
        "$ printf 'one\\ntwo\\n'\n"
        "one\n"
        "$ printf 'one\\n'\n"
        "one\n"
        "two\n"
        "$ cnai-kg --version\n"
        "cnai-kg, version 0.0.0\n"
        "$ cnai-kg show nothing-like-this-anywhere\n"
        "Error: unknown entity 'nothing-like-this'\n"
        "$ echo $?\n"
        "0\n"
        "```\n"
    )
    assert len(examples) == 6
    failures = run_examples(examples, tmp_path, "test")
    assert [failure.splitlines()[0] for failure in failures] == [
        "$ printf 'one\\ntwo\\n'",
        "$ printf 'one\\n'",
        "$ cnai-kg --version",
        "$ cnai-kg show nothing-like-this-anywhere",
        "$ echo $?",
    ]


@pytest.mark.parametrize("page", [name for name, text in TEXT.items() if "\n>>> " in text])
def test_python_examples(page):
    """The ``>>>`` examples of ``page`` run as doctests."""
    pytest.importorskip("pandas")
    failures, tried = doctest.testfile(
        str(ROOT / page), module_relative=False, optionflags=doctest.NORMALIZE_WHITESPACE
    )
    assert tried >= 1 and failures == 0


def commands(group: click.Group = cli, path: tuple[str, ...] = ()):
    """Every command of the CLI as (path of names, command), groups and their subcommands."""
    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        if command is None or command.hidden:
            continue
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from commands(command, (*path, name))


def spelt(option: str, text: str) -> bool:
    """Whether ``option`` (``--top``, ``-o``) is written in ``text`` as itself, not as part of a
    longer option (``--top`` in ``--topology``)."""
    return re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", text) is not None


def test_every_command_and_option_is_documented():
    """Each command is named (``cnai-kg NAME``, ``cnai-kg GROUP NAME``) on some page, and each
    of its options is spelt on a page that names the command (the global options on any
    page)."""
    cli.load_all()
    everything = "\n".join(TEXT.values())
    missing = []
    for option in cli.params:
        if not isinstance(option, click.Option) or option.hidden:
            continue
        if not any(spelt(o, everything) for o in option.opts + option.secondary_opts):
            missing.append(f"cnai-kg {'/'.join(option.opts)}")
    for path, command in commands():
        name = "cnai-kg " + " ".join(path)
        pages = [text for text in TEXT.values() if re.search(rf"{re.escape(name)}\b", text)]
        if not pages:
            missing.append(name)
            continue
        for option in command.params:
            if not isinstance(option, click.Option) or option.hidden:
                continue
            opts = [o for o in option.opts + option.secondary_opts if o != "--help"]
            if opts and not any(spelt(o, text) for o in opts for text in pages):
                missing.append(f"{name} {'/'.join(opts)}")
    assert missing == [], "not documented: " + ", ".join(missing)
