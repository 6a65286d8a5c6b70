"""``cnai-kg serve``: a SPARQL 1.1 Protocol endpoint, a web explorer and a JSON API.

:func:`create_app` builds the ASGI application for a
:class:`~cnai_kg.kg.KnowledgeGraph`; :func:`serve` runs it with uvicorn until
interrupted; :func:`start` runs it in a background thread (tests, notebooks,
benchmarks) and returns a handle to stop it.

Examples
--------
>>> import cnai_kg, json, urllib.request
>>> from cnai_kg.server import start
>>> with start(cnai_kg.load()) as running:
...     health = json.load(urllib.request.urlopen(running.url + "healthz"))
>>> health["status"]
'ok'
"""

from __future__ import annotations

import errno
import socket
import threading
import time
from collections.abc import Callable

from ..errors import UsageError
from ..kg import KnowledgeGraph
from .app import PAGE_CSP, create_app
from .explorer import Limits

__all__ = ["PAGE_CSP", "Limits", "Running", "create_app", "serve", "start"]

_LOOPBACK_NAMES = ["127.0.0.1", "localhost"]


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        if e.errno == errno.EADDRINUSE:
            raise UsageError(
                f"port {port} on {host} is taken; choose another with --port"
            ) from None
        raise UsageError(f"cannot listen on {host}:{port}: {e.strerror or e}") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def _url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def _server(kg: KnowledgeGraph, host: str, limits: Limits | None, workspace=None):
    import uvicorn

    loopback = host in ("127.0.0.1", "localhost")
    app = create_app(
        kg,
        limits=limits,
        allowed_hosts=_LOOPBACK_NAMES if loopback else None,
        workspace=workspace,
    )
    config = uvicorn.Config(
        app, log_level="warning", access_log=False, lifespan="on", timeout_graceful_shutdown=2
    )
    return uvicorn.Server(config)


def serve(
    kg: KnowledgeGraph,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    limits: Limits | None = None,
    announce: Callable[[str], None] = print,
    workspace=None,
) -> None:
    """Serve ``kg`` on ``host:port`` until interrupted (Ctrl-C).

    ``workspace`` (a :class:`~cnai_kg.curate.Workspace`) gives the source pages
    (``/source/ID``) the registered texts of its sources.

    ``announce`` receives one line with the address once the socket is bound
    (port 0 picks a free port, and the line names it).

    Raises
    ------
    UsageError
        when the port is taken or the address cannot be bound
    """
    sock = _bind(host, port)
    url = _url(host, sock.getsockname()[1])
    server = _server(kg, host, limits, workspace)
    announce(
        f"cnai-kg serving {len(kg):,} triples from {len(kg.files)} files at {url} "
        f"(SPARQL endpoint {url}sparql); press Ctrl-C to stop"
    )
    server.run(sockets=[sock])


class Running:
    """A server running in a background thread; a context manager that stops it."""

    def __init__(self, server, thread: threading.Thread, url: str):
        self._server = server
        self._thread = thread
        self.url = url

    @property
    def endpoint(self) -> str:
        """The SPARQL endpoint's address."""
        return self.url + "sparql"

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the server to stop and wait for its thread."""
        self._server.should_exit = True
        self._thread.join(timeout)

    def __enter__(self) -> Running:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start(
    kg: KnowledgeGraph,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    limits: Limits | None = None,
    ready_timeout: float = 20.0,
    workspace=None,
) -> Running:
    """Serve ``kg`` from a background thread (a free port by default); return when it answers."""
    sock = _bind(host, port)
    url = _url(host, sock.getsockname()[1])
    server = _server(kg, host, limits, workspace)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="cnai-kg-server", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + ready_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise UsageError(f"the server at {url} did not start")
        time.sleep(0.02)
    return Running(server, thread, url)
