"""Helpers for the adversarial suite: the CLI as a user runs it, in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from _listener import Listener

CNAI_KG = str(Path(sys.executable).parent / "cnai-kg")


def cnai(*args: str, timeout: float = 60, preexec=None, stdin=subprocess.DEVNULL, env=None):
    """Run ``cnai-kg ARGS`` in a subprocess; return (exit code, stdout bytes, stderr text)."""
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    full_env.pop("CNAI_KG_STORE", None)
    proc = subprocess.run(
        [CNAI_KG, *args],
        stdin=stdin,
        capture_output=True,
        timeout=timeout,
        preexec_fn=preexec,
        env=full_env,
    )
    return proc.returncode, proc.stdout, proc.stderr.decode("utf-8", "replace")


def one_line(stderr: str) -> str:
    """The single line of stderr (fails when there is more, or a traceback)."""
    lines = stderr.strip("\n").splitlines()
    assert "Traceback" not in stderr, stderr
    assert len(lines) == 1, stderr
    return lines[0]


@pytest.fixture
def run_cli():
    return cnai


@pytest.fixture
def listener():
    """A loopback listener; the test must end with zero connections to it."""
    server = Listener()
    yield server
    server.close()
