"""Fixtures: a real Oxigraph server (see ``oxigraph_server.py``)."""

from __future__ import annotations

import pytest
from oxigraph_server import start_oxigraph


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory):
    """One Oxigraph server for a test module (stopped after it: no process outlives it)."""
    server = start_oxigraph(tmp_path_factory.mktemp("oxigraph") / "store")
    yield server
    server.stop()


@pytest.fixture
def fresh_oxigraph(tmp_path):
    """An empty Oxigraph server of its own, stopped after the test."""
    server = start_oxigraph(tmp_path / "store")
    yield server
    server.stop()
