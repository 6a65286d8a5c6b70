"""Running SPARQL over a :class:`~cnai_kg.kg.KnowledgeGraph`: parameters, limits, reasoning."""

from __future__ import annotations

import contextlib
import ctypes
import faulthandler
import os
import pickle
import re
import select
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable, Mapping
from contextlib import contextmanager
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from ..errors import QueryError, QueryTimeout, UsageError
from ..resolve import expand
from ..store.base import Unparsed
from .library import NamedQuery, Param, named_query
from .results import Rows, Triples, _a
from .safety import PreparedQuery, prepare, vet

if TYPE_CHECKING:  # pragma: no cover
    from ..kg import KnowledgeGraph

__all__ = ["DEFAULT_MAX_ROWS", "DEFAULT_TIMEOUT", "MAX_TIMEOUT", "REASONING", "run_query"]

#: Seconds a query may run before it is stopped.
DEFAULT_TIMEOUT = 30.0
#: Longest time limit accepted (a day); 0 means no limit.
MAX_TIMEOUT = 86_400.0
#: Rows a SELECT may return before it is stopped (a cartesian product fills memory fast).
DEFAULT_MAX_ROWS = 1_000_000
#: Output formats of SELECT / ASK results (``table`` is for people, the others are W3C formats).
#: Megabytes a query's worker process may grow by (``$CNAI_KG_MAX_MEMORY``; 0: no limit).
DEFAULT_MAX_MEMORY = 4096
MAX_MEMORY_ENV = "CNAI_KG_MAX_MEMORY"
#: A named query's name.
_NAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
#: What ``reason=`` accepts.
REASONING = ("none", "rdfs", "owl-rl")


# --------------------------------------------------------------------------- bindings


def _literal(kind: str, name: str, value: Any) -> Literal:
    text = str(value).strip()
    try:
        if kind == "integer":
            return Literal(int(text), datatype=XSD.integer)
        if kind == "decimal":
            return Literal(Decimal(text), datatype=XSD.decimal)
    except Exception:
        raise UsageError(
            f"parameter {name}: expected {'an' if kind == 'integer' else 'a'} {kind}, got {text!r}"
        ) from None
    if kind == "lang":
        if not re.fullmatch(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*", text):
            raise UsageError(
                f"parameter {name}: expected a language tag such as ko, en or zh, got {text!r}"
            )
        return Literal(text.lower())
    return Literal(text)


def _check_class(kg: KnowledgeGraph, param: Param, value: str, iri: URIRef) -> None:
    if not param.cls:
        return
    cls = kg.resolve(param.cls)
    if not kg.is_instance(iri, cls):
        kinds = ", ".join(kg.label(t, "en") for t in kg.types(iri)) or "untyped"
        raise UsageError(
            f"parameter {param.name}: {value!r} is {_a(kinds)}, not {_a(kg.label(cls, 'en'))}"
        )


def _bind(
    kg: KnowledgeGraph,
    prepared: PreparedQuery,
    values: Mapping[str, Any],
    lang: str | None,
    what: str,
) -> dict[str, Node]:
    declared = {p.name: p for p in prepared.params}
    out: dict[str, Node] = {}
    for name, value in values.items():
        name = name.lstrip("?$")
        param = declared.get(name)
        if param is None and declared:
            takes = ", ".join(declared)
            raise UsageError(f"unknown parameter {name!r} for {what}; it takes: {takes}")
        if name not in prepared.variables:
            raise UsageError(f"parameter {name!r}: the query has no variable ?{name}")
        if value is None:
            continue
        if isinstance(value, Node):
            out[name] = value
        elif param is None:
            if isinstance(value, str):
                # an undeclared parameter takes an IRI or CURIE as written, nothing looser
                iri = expand(value)
                if iri is None:
                    raise UsageError(
                        f"parameter {name!r} is plain text: declare it in the query "
                        f"('# param {name}: entity' or '# param {name}: string'), or give an "
                        "IRI or CURIE (kg:PearlRiverDelta), an rdflib term or a number"
                    )
                out[name] = iri
            else:
                out[name] = Literal(value)
        elif param.kind == "entity":
            iri = kg.resolve(str(value))
            _check_class(kg, param, str(value), iri)
            out[name] = iri
        else:
            out[name] = _literal(param.kind, name, value)
    for param in prepared.params:
        if param.name in out:
            continue
        if param.kind == "lang":
            from ..kg import default_lang

            out[param.name] = Literal(lang or default_lang())
        elif not param.optional:
            raise UsageError(
                f"{what} needs the parameter {param.name} ({param.kind}"
                f"{' ' + param.cls if param.cls else ''}): give --param {param.name}=VALUE"
            )
    return out


# --------------------------------------------------------------------------- timeouts


class _Interrupted(BaseException):
    """Raised inside a query that ran out of time.

    A BaseException, so that no ``except Exception`` inside rdflib swallows it.
    """


#: How often the interrupt is repeated while the query has not stopped.
_REFIRE = 0.25
#: How long a worker thread gets to stop once interrupted (thread mode only).
_GRACE = 5.0


def _timeout_error(timeout: float) -> QueryTimeout:
    return QueryTimeout(
        f"query stopped after its time limit of {timeout:g} s; narrow it (connect the patterns, "
        "bound the property paths, add LIMIT) or raise the limit with --timeout"
    )


def _can_use_alarm() -> bool:
    if (
        not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        return False
    try:
        handler = signal.getsignal(signal.SIGALRM)
        timer = signal.getitimer(signal.ITIMER_REAL)
    except (ValueError, OSError):
        return False
    return handler in (signal.SIG_DFL, signal.SIG_IGN, None) and timer == (0.0, 0.0)


def _with_alarm(fn: Callable[[], Any], timeout: float) -> Any:
    """Run ``fn`` in this (main) thread; SIGALRM raises :class:`_Interrupted` at the deadline.

    The signal is checked between bytecodes and inside C-level regular-expression
    matching, so even a REGEX with catastrophic backtracking stops. The alarm
    repeats every :data:`_REFIRE` seconds in case a ``finally`` or ``__del__``
    swallowed it; cleanup disarms it before anything else.
    """
    state = {"armed": True}

    def on_alarm(signum, frame):
        if state["armed"]:
            raise _Interrupted()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    try:
        signal.setitimer(signal.ITIMER_REAL, timeout, _REFIRE)
        return fn()
    except _Interrupted:
        raise _timeout_error(timeout) from None
    finally:
        state["armed"] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _with_thread(fn: Callable[[], Any], timeout: float) -> Any:
    """Run ``fn`` in a worker thread; at the deadline raise :class:`_Interrupted` inside it.

    Used off the main thread (servers, other threads) and where SIGALRM is busy or
    missing. The exception is delivered with ``PyThreadState_SetAsyncExc`` and
    takes effect at the worker's next bytecode; it is repeated until the worker
    stops or :data:`_GRACE` seconds pass. Either way the caller gets
    :class:`QueryTimeout` back.
    """
    box: dict[str, Any] = {}

    def work():
        try:
            try:
                box["value"] = fn()
            except _Interrupted:
                box["interrupted"] = True
            except BaseException as e:  # re-raised in the caller's thread
                box["error"] = e
        except _Interrupted:  # arrived while leaving: nothing left to stop
            box["interrupted"] = True

    worker = threading.Thread(target=work, name="cnai-kg-query", daemon=True)
    worker.start()

    def interrupt() -> None:
        # Repeat the exception until the worker stops: a `finally` block or a
        # C call may absorb one. A worker stuck past the grace period is left to
        # die at its next bytecode (the exception stays pending) and the caller
        # gets control back.
        deadline = time.monotonic() + _GRACE
        while worker.is_alive() and time.monotonic() < deadline:
            ctypes.pythonapi.PyThreadState_SetAsyncExc(
                ctypes.c_ulong(worker.ident), ctypes.py_object(_Interrupted)
            )
            worker.join(_REFIRE)

    try:
        worker.join(timeout)
    except BaseException:  # KeyboardInterrupt while waiting: stop the worker too
        interrupt()
        raise
    if worker.is_alive():
        interrupt()
        raise _timeout_error(timeout)
    if "error" in box:
        raise box["error"]
    if "interrupted" in box:
        raise _timeout_error(timeout)
    return box["value"]


@contextmanager
def _quiet_interrupts():
    """Keep interrupts that land in a ``__del__`` or gc callback off stderr.

    Python cannot propagate an exception out of those; it reports it as
    "Exception ignored in ..." instead. Such an interrupt is lost, and the next
    repeat (every :data:`_REFIRE` seconds) stops the query, so the report is noise.
    Every other unraisable exception still reaches the previous hook.
    """
    previous = sys.unraisablehook

    def hook(unraisable):
        if isinstance(unraisable.exc_value, _Interrupted) or unraisable.exc_type is _Interrupted:
            return
        previous(unraisable)

    sys.unraisablehook = hook
    try:
        yield
    finally:
        if sys.unraisablehook is hook:
            sys.unraisablehook = previous


def _call_with_timeout(fn: Callable[[], Any], timeout: float | None) -> Any:
    if timeout is None or timeout <= 0:
        return fn()
    with _quiet_interrupts():
        if _can_use_alarm():
            return _with_alarm(fn, timeout)
        return _with_thread(fn, timeout)


# --------------------------------------------------------------------------- the worker


def _memory_limit() -> int | None:
    """Megabytes a query's worker may add to its address space (``$CNAI_KG_MAX_MEMORY``)."""
    raw = os.environ.get(MAX_MEMORY_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_MEMORY
    try:
        value = int(raw)
    except ValueError:
        raise UsageError(f"{MAX_MEMORY_ENV} must be a number of megabytes, got {raw!r}") from None
    return value if value > 0 else None


def _can_fork() -> bool:
    return hasattr(os, "fork") and sys.platform != "darwin"


def _limit_child_memory(megabytes: int | None) -> None:
    """In the worker: cap the address space at what it holds now plus ``megabytes``."""
    if megabytes is None:
        return
    import resource

    try:
        with open("/proc/self/statm") as fh:
            current = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        current = 0
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = current + megabytes * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _worker_result(fn: Callable[[], Any]) -> bytes:
    try:
        outcome: tuple[str, Any] = ("ok", fn())
    except BaseException as e:  # sent back and raised in the caller
        # class, message and attributes: an exception whose constructor takes other
        # arguments than its message (EntityNotFound) is rebuilt as it was
        state = dict(getattr(e, "__dict__", {}))
        try:
            pickle.dumps(state)
        except Exception:
            state = {}
        outcome = ("error", (type(e), e.args, state))
    try:
        return pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        error = outcome[1][1] if outcome[0] == "error" else None
        text = " ".join(str(error).split()) if error is not None else "the answer cannot be sent"
        return pickle.dumps(("error", QueryError(f"query failed: {text}")))


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


def _status(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"exit status {os.WEXITSTATUS(status)}"


def _worker(fn: Callable[[], Any], read_fd: int, write_fd: int, max_memory: int | None):
    """The forked worker: run ``fn``, write the pickled outcome to ``write_fd``, exit."""
    try:
        os.close(read_fd)
        # nothing of the worker reaches the terminal (Rust reports a failed
        # allocation on stderr before aborting): the answer goes through the pipe
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        # a fault handler enabled by the host (pytest, PYTHONFAULTHANDLER) writes to
        # its own copy of stderr: an abort at the memory ceiling is not a crash to report
        faulthandler.disable()
        _limit_child_memory(max_memory)
        data = _worker_result(fn)
        view = memoryview(data)
        while view:
            view = view[os.write(write_fd, view) :]
    finally:
        os._exit(0)


def run_in_worker(fn: Callable[[], Any], timeout: float, *, max_memory: int | None) -> Any:
    """Run ``fn`` in a forked worker process; kill it at the deadline.

    The worker shares the loaded store with this process (copy-on-write) and
    sends back the pickled answer. It is forked while no other thread is inside an
    Oxigraph call that lets go of the interpreter lock
    (:func:`cnai_kg.store.oxigraph.forking`). At ``timeout`` it is killed with SIGKILL, so
    a runaway evaluation stops using CPU and memory at once (Oxigraph cannot be
    interrupted inside an evaluation). Its address space may grow by at most
    ``max_memory`` MB (``RLIMIT_AS``); past that its allocations fail and the
    caller gets a :class:`QueryError`.
    """
    from ..store.oxigraph import forking

    deadline = time.monotonic() + timeout
    read_fd, write_fd = os.pipe()
    try:
        # no other thread inside Oxigraph while forking: the child would inherit a lock
        # held by a thread it does not have (the wait counts against the time limit)
        with forking(deadline), warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads around
            pid = os.fork()
            if pid == 0:
                # the worker never leaves this block: leaving it would take the gate's
                # lock, which another thread of the parent may have held at the fork
                _worker(fn, read_fd, write_fd, max_memory)
    except TimeoutError:
        os.close(read_fd)
        os.close(write_fd)
        raise _timeout_error(timeout) from None
    os.close(write_fd)
    chunks: list[bytes] = []
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                _kill(pid)
                raise _timeout_error(timeout)
            ready, _, _ = select.select([read_fd], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(read_fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    except BaseException:
        _kill(pid)
        raise
    finally:
        os.close(read_fd)
    _, status = os.waitpid(pid, 0)
    if not chunks:
        if max_memory is not None:
            raise QueryError(
                f"query stopped: its worker ran out of memory (limit {max_memory:,} MB, "
                f"{_status(status)}); narrow the query or raise ${MAX_MEMORY_ENV}"
            )
        raise QueryError("query failed: its worker stopped without an answer")
    kind, value = pickle.loads(b"".join(chunks))
    if kind == "error":
        if isinstance(value, tuple):
            cls, args, state = value
            value = cls.__new__(cls)
            value.args = args
            value.__dict__.update(state)
        if isinstance(value, MemoryError):
            raise QueryError(
                f"query stopped: its worker ran out of memory (limit {max_memory:,} MB); "
                f"narrow the query or raise ${MAX_MEMORY_ENV}"
            ) from None
        raise value
    return value


# --------------------------------------------------------------------------- running


def run_query(
    kg: KnowledgeGraph,
    query: str | NamedQuery,
    /,
    *,
    timeout: float | None = DEFAULT_TIMEOUT,
    lang: str | None = None,
    reason: str | None = None,
    bindings: Mapping[str, Any] | None = None,
    max_rows: int | None = DEFAULT_MAX_ROWS,
    max_memory: int | None | str = "default",
    **params: Any,
) -> Rows | Triples:
    """Run SPARQL (or a named query) over ``kg`` safely.

    Parameters
    ----------
    kg : the graph
    query : SPARQL text, a named query's name (``"companies-by-hub"``) or a :class:`NamedQuery`
    timeout : seconds before the query is stopped with :class:`QueryTimeout` (None: no limit)
    lang : label language of the rows' display and of ``lang`` parameters (en, ko, zh)
    reason : ``"rdfs"`` or ``"owl-rl"`` to answer over the inferred closure
    bindings : parameters as a dict (for names that clash with the options above)
    max_rows : stop a SELECT that gives more rows than this (None: no limit)
    max_memory : megabytes the query's worker process may grow by (None: no limit);
        by default ``$CNAI_KG_MAX_MEMORY`` or :data:`DEFAULT_MAX_MEMORY`
    **params : parameters; ``hub="주강삼각주"`` for a declared entity parameter, or
        RDF terms (``kg.resolve(...)``, ``rdflib.Literal(...)``) and numbers for any variable

    Returns
    -------
    Rows or Triples

    Raises
    ------
    QueryError, QueryRefused, QueryTimeout, EntityNotFound, UsageError

    Examples
    --------
    >>> import cnai_kg
    >>> kg = cnai_kg.load()
    >>> bool(kg.query("ASK { kg:Tencent cnai:basedIn kg:PearlRiverDelta }"))
    True
    >>> len(kg.query("SELECT ?x WHERE { ?x a org:Organization }"))
    0
    >>> len(kg.query("SELECT ?x WHERE { ?x a org:Organization }", reason="rdfs")) > 10
    True
    """
    what = "the query"
    if isinstance(query, str) and query.lstrip()[:1].islower() and _NAME.fullmatch(query.strip()):
        query = named_query(query.strip())
    if isinstance(query, NamedQuery):
        what = f"the named query {query.name}"
        text = query.text
    else:
        text = query
    if reason in (None, "none"):
        reason = None
    elif reason not in REASONING:
        raise UsageError(f"unknown reasoning {reason!r}; choose one of: {', '.join(REASONING)}")
    if timeout is not None and not (0 <= timeout <= MAX_TIMEOUT):  # also refuses NaN
        raise UsageError(
            f"timeout must be a number of seconds from 0 (no limit) to {MAX_TIMEOUT:g}, "
            f"got {timeout}"
        )
    values = dict(bindings or {})
    values.update(params)
    store = kg.store
    answer_any = getattr(store, "answer", None)
    if not values and reason is None and answer_any is not None:
        # no parameters to bind: once vet() has made sure that nothing in the text can
        # be refused, the store's own parser may do (and tells the kind of query)
        vetted = vet(text)
        if vetted is not None and not (
            vetted.params and _bind(kg, vetted, values, lang, what)  # a lang default
        ):
            with contextlib.suppress(Unparsed):  # the full check reports the error
                kind, variables, answer = _evaluate(
                    lambda: answer_any(text, max_rows=max_rows), store, timeout, max_memory
                )
                return _result(kg, kind, variables, answer, lang)
    prepared = prepare(text)
    bound = _bind(kg, prepared, values, lang, what)
    if bound and set(bound) & prepared.assigned:
        raise QueryError(
            "query failed: a parameter is also assigned inside the query (BIND or VALUES); "
            "rename one of them"
        )

    if reason:

        def work():
            from ..reason import closure
            from ..store.rdflib import evaluate_graph

            return evaluate_graph(closure(kg, reason), prepared.text, bound, max_rows)

        kind, variables, answer = _call_with_timeout(work, timeout)
    else:
        kind, variables, answer = _evaluate(
            lambda: store.query(prepared.kind, prepared.text, bound, max_rows=max_rows),
            store,
            timeout,
            max_memory,
        )
    return _result(kg, kind, variables, answer, lang)


def _evaluate(work: Callable[[], Any], store, timeout: float | None, max_memory) -> Any:
    """``work()`` within ``timeout``: in a killable worker process on Oxigraph (where
    processes fork), else in this process."""
    if not timeout:
        return work()
    if store.name == "oxigraph" and _can_fork():
        memory = _memory_limit() if max_memory == "default" else max_memory
        return run_in_worker(work, timeout, max_memory=memory)
    return _call_with_timeout(work, timeout)


def _result(kg: KnowledgeGraph, kind: str, variables, answer, lang: str | None):
    if kind == "SELECT":
        return Rows("SELECT", variables, answer, kg=kg, lang=lang)
    if kind == "ASK":
        return Rows("ASK", [], [], boolean=answer, kg=kg, lang=lang)
    return Triples(kind, answer, kg=kg, lang=lang)
