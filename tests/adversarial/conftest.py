"""Helpers for the adversarial suite: the CLI as a user runs it, in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

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


class Listener:
    """A TCP listener on 127.0.0.1 that counts the connections it gets (it answers none)."""

    def __init__(self):
        import socket
        import threading

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        import contextlib

        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            with contextlib.suppress(OSError):
                conn.close()  # never answer: a fetch that waited would hang

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


@pytest.fixture
def listener():
    """A loopback listener; the test must end with zero connections to it."""
    server = Listener()
    yield server
    server.close()
