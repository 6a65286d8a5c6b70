"""Start and stop a real Oxigraph server (for the external-store tests and the README).

PyPI's ``oxigraph`` package (the ``test`` extra) installs the ``oxigraph``
binary beside the interpreter. :func:`start_oxigraph` runs ``oxigraph serve``
on a free loopback port with its own folder, waits until it answers a query,
and the fixtures stop it (terminate, then kill) when they are done.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass
class OxigraphServer:
    process: subprocess.Popen
    base: str
    location: Path
    log: Path

    @property
    def query_url(self) -> str:
        return f"{self.base}/query"

    @property
    def store_url(self) -> str:
        return f"{self.base}/store"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def oxigraph_binary() -> str:
    found = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which(
        "oxigraph"
    )
    if found is None:
        pytest.fail("the oxigraph binary is missing: pip install -e '.[test]' installs it")
    return found


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=1) as r:
            return r.status == 200
    except (urllib.error.URLError, OSError):
        return False


def start_oxigraph(location: Path, *options: str) -> OxigraphServer:
    """Start ``oxigraph serve`` (with ``options``) on a free loopback port; return once it
    answers."""
    binary = oxigraph_binary()
    for _attempt in range(3):  # another process may take the free port first
        port = _free_port()
        log = location.parent / f"{location.name}-{port}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [
                    binary,
                    "serve",
                    "--location",
                    str(location),
                    "--bind",
                    f"127.0.0.1:{port}",
                    *options,
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        server = OxigraphServer(process, f"http://127.0.0.1:{port}", location, log)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and process.poll() is None:
            if _answers(server.base):
                return server
            time.sleep(0.05)
        server.stop()
        if "in use" not in log.read_text(errors="replace").lower():
            break
    pytest.fail(f"oxigraph serve did not start: {log.read_text(errors='replace')[-500:]}")
