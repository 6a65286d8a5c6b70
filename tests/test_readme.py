"""The README is checked: every ```console block is run and must print exactly what it shows,
and every CLI command is documented there."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

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


def test_readme_has_examples():
    assert len(EXAMPLES) >= 10


@pytest.mark.parametrize("command, expected", EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_readme_console_example(command, expected):
    env = {
        **os.environ,
        "PATH": BIN + os.pathsep + os.environ["PATH"],
        "PYTHONUNBUFFERED": "1",
        "COLUMNS": "100",
    }
    env.pop("CNAI_KG_LANG", None)
    out = subprocess.run(
        ["bash", "-c", command],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=300,
    )
    assert out.stdout.rstrip("\n") == expected.rstrip("\n")


def test_every_command_is_documented():
    for name in cli.commands:
        assert f"cnai-kg {name}" in README, name
