"""The README is checked: every ```console block is run and must print exactly what it shows,
and every CLI command is documented there."""

from __future__ import annotations

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

from cnai_kg.cli import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
BIN = str(Path(sys.executable).parent)


def console_examples():
    for block in re.findall(r"```console\n(.*?)```", README, flags=re.S):
        command, expected = None, []
        for line in block.splitlines():
            if line.startswith("$ "):
                if command is not None:
                    yield command, "\n".join(expected)
                command, expected = line[2:], []
            else:
                expected.append(line)
        if command is not None:
            yield command, "\n".join(expected)


EXAMPLES = list(console_examples())


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


def test_readme_has_examples():
    assert len(EXAMPLES) >= 10


def test_readme_console_examples(tmp_path):
    """Each example prints exactly what the README shows; ``echo $?`` shows the last exit code.

    They run in a scratch folder holding the repository's ``examples/``, so files they write
    land there, not in the checkout.
    """
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    # The external-store examples talk to an Oxigraph server at 127.0.0.1:7878: start an
    # empty one on a free port and point them there.
    server = None
    if any(OXIGRAPH in command for command, _ in EXAMPLES):
        server = _oxigraph_server().start_oxigraph(tmp_path / "oxigraph-store")
    local = server.base.removeprefix("http://") if server else OXIGRAPH
    last = 0
    failures = []
    try:
        for command, expected in EXAMPLES:
            command, expected = command.replace(OXIGRAPH, local), expected.replace(OXIGRAPH, local)
            if command == "echo $?":
                got = str(last)
            else:
                last, got = run_in_terminal(command, tmp_path)
            if tidy(got) != tidy(expected):
                failures.append(f"$ {command}\n--- README\n{expected}\n--- actual\n{got}")
    finally:
        if server is not None:
            server.stop()
    assert failures == [], "\n\n".join(failures)


OXIGRAPH = "127.0.0.1:7878"


def _oxigraph_server():
    """``tests/endpoint/oxigraph_server.py``, which starts and stops a real Oxigraph server."""
    spec = importlib.util.spec_from_file_location(
        "oxigraph_server", Path(__file__).parent / "endpoint" / "oxigraph_server.py"
    )
    module = sys.modules.get(spec.name) or importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return sys.modules[spec.name]


def test_every_command_is_documented():
    cli.load_all()
    for name in cli.commands:
        assert f"cnai-kg {name}" in README, name
