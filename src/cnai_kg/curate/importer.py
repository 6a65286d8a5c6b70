"""``cnai-kg import``: sheets of sourced facts into one Turtle file of the workspace.

All or nothing: the sheets are read (:mod:`~cnai_kg.curate.sheets`), every row
turned into facts with its quote found in its registered source
(:mod:`~cnai_kg.curate.build`), the result checked against the SHACL shapes with
the rest of the workspace; if anything is wrong, every problem is listed and
nothing is written. The same sheets give the same bytes.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..errors import CnaiKgError, UsageError
from ..io import atomic_write
from ..namespaces import PREFIXES
from ..progress import task
from .build import Builder, Document, Problem
from .sheets import Row, Table, read_tables
from .sources import texts_by_hash
from .turtle import turtle
from .workspace import Workspace

__all__ = ["ImportProblems", "ImportResult", "documents_with_text", "import_files", "import_rows"]

#: The first line of every file the import writes (an import only replaces such a file).
MARKER = "# Imported by cnai-kg"


class ImportProblems(CnaiKgError):
    """Rows that cannot be imported; ``problems`` lists each one (nothing was written)."""

    exit_code = 2

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        n = len(problems)
        super().__init__(f"{n} problem{'s' if n != 1 else ''} in the import; nothing written")


@dataclass
class ImportResult:
    """What an import made (and wrote, unless it was a dry run)."""

    output: Path
    written: bool
    turtle: str
    counts: dict[str, int]
    triples: int
    quotes: int
    diff: object | None = None
    files: list[str] = field(default_factory=list)


def documents_with_text(kg, ws: Workspace) -> dict[str, Document]:
    """The documents of ``kg`` whose text is registered in ``ws``, by IRI."""
    from rdflib import URIRef

    from .sources import source_text

    texts = texts_by_hash(ws)
    found: dict[str, Document] = {}
    loaded: dict[str, object] = {}
    for row in kg._select("documents"):
        sha = str(row.get("sha256", ""))
        iri = str(row["document"])
        if sha not in texts or iri in found:
            continue
        source, version = texts[sha]
        if sha not in loaded:
            loaded[sha] = source_text(ws, source, version)
        language = str(row.get("language", "")) or source.lang
        found[iri] = Document(
            iri=iri,
            id=iri.rsplit("/", 1)[-1],
            label=kg.label(URIRef(iri), "en"),
            language=language,
            text=loaded[sha],
        )
    return found


def _output(ws: Workspace, paths: Sequence[str | Path], output: str | Path | None) -> Path:
    if output:  # a relative name is in the workspace (the CLI gives -o from the current folder)
        target = ws.root / Path(output).expanduser()
    else:  # one sheet: its name; several: the name of their folder when they share one
        folders = {Path(p).resolve().parent for p in paths}
        stem = Path(paths[0]).stem if len(paths) == 1 or len(folders) > 1 else folders.pop().name
        target = ws.data_dir / f"{stem}.ttl"
    if target.is_dir():
        raise UsageError(f"{target}: a folder; give the Turtle file to write with -o")
    if target.exists():
        try:
            with open(target, encoding="utf-8", errors="replace") as fh:
                first = fh.readline()
        except OSError as e:
            raise UsageError(f"{target}: cannot read ({e.strerror or e})") from None
        if not first.startswith(MARKER):
            raise UsageError(
                f"{target}: exists and was not written by cnai-kg import; "
                "give another file with -o (nothing is overwritten)"
            )
    return target


def _problems_of(violations, origin: Mapping[str, tuple]) -> list[Problem]:
    out = []
    for v in violations:
        if v.severity != "sh:Violation":
            continue
        file, sheet, row = origin.get(v.focus, (v.file or "-", None, None))
        detail = f"{v.label} [{v.path}] {v.message}"
        if v.value is not None and v.path != "-":
            detail += f" (value: {v.value})"
        out.append(Problem(file, sheet, row, None, f"does not pass the shapes: {detail}"))
    return out


def _build(ws, tables: list[Table], read_problems, *, output: Path, extra, compare=None):
    name = ws.relative(output)
    before = ws.load(*extra, exclude=[output], cache=True)
    with task("importing", total=4) as step:
        step(0, note="resolving names")
        builder = Builder(before, documents_with_text(before, ws))
        kinds = {t.kind for t in tables}
        builder.entities([t for t in tables if t.kind == "entities"])
        step(1, note="finding the quotes in their sources")
        facts = [t for t in tables if t.kind != "entities"]
        builder.prepare_quotes(facts)
        builder.facts(facts)
        problems = [Problem(*p) for p in read_problems] + builder.problems
        if problems:
            raise ImportProblems(sorted(problems, key=_order))
        files = sorted({Path(t.file).name for t in tables})
        header = (
            f"{MARKER} from {', '.join(files)} ({', '.join(sorted(kinds))}); "
            "change the sheets and import again rather than editing this file"
        )
        text = turtle(builder.triples, PREFIXES, header=header)
        step(2, note="checking the shapes")
        with tempfile.TemporaryDirectory(prefix="cnai-kg-import-") as tmp:
            candidate = Path(tmp) / output.name
            candidate.write_text(text, encoding="utf-8")
            after = before.with_files((name, candidate))
            from ..validate import validate

            # the new file's nodes (and the entities it adds facts to), over the whole graph
            focus = {
                t.subject.value for t in builder.triples if isinstance(t.subject, ox.NamedNode)
            }
            report = validate(after, focus=sorted(focus))
            problems = _problems_of(report.violations, builder.origin)
            if problems:
                raise ImportProblems(sorted(problems, key=_order))
            step(3, note="comparing")
            change = None
            if compare is not None:
                old = ws.load(*extra, cache=True)
                change = compare(old, after)
    counts = dict(builder.counts)
    return text, counts, len(builder.triples), builder.counts.get("quotes", 0), change, files


def _order(p: Problem):
    return (p.file, p.sheet or "", p.row or 0, p.column or "", p.what)


def import_files(
    ws: Workspace,
    paths: Sequence[str | Path],
    *,
    output: str | Path | None = None,
    dry_run: bool = False,
    encoding: str | None = None,
    extra: Sequence[str | Path] = (),
    compare=None,
) -> ImportResult:
    """Import the sheets at ``paths`` into ``ws`` (see the module docstring).

    Parameters
    ----------
    output : the Turtle file to write, relative to the workspace (default ``data/`` + the
        first sheet's name + ``.ttl``)
    dry_run : check and compare, write nothing
    encoding : the encoding of CSV files (detected when left out)
    extra : more RDF files the import is checked with (``--data``)
    compare : called as ``compare(old_kg, new_kg)``; its result is :attr:`ImportResult.diff`

    Raises
    ------
    ImportProblems
        listing every problem (file, sheet, row, column, what, hint); nothing written.
    """
    if not paths:
        raise UsageError("give the sheets to import (or --template)")
    target = _output(ws, paths, output)
    with task("reading the sheets") as step:
        tables, read_problems = read_tables(list(paths), encoding=encoding, progress=step)
    text, counts, triples, _, change, files = _build(
        ws, tables, read_problems, output=target, extra=extra, compare=compare
    )
    quotes = counts.get("excerpts", 0)
    if not dry_run:
        atomic_write(target, text)
    return ImportResult(target, not dry_run, text, counts, triples, quotes, change, files)


def import_rows(
    ws: Workspace,
    rows: Mapping[str, Sequence[Mapping[str, str]]],
    *,
    output: str | Path,
    dry_run: bool = False,
    compare=None,
) -> ImportResult:
    """Import rows given as data, by kind: ``{"entities": [{"id": ..., ...}], ...}``.

    The rows are what the sheets would hold (the same columns, see
    :mod:`~cnai_kg.curate.layouts`); problems name the kind and the row's place
    (the first row is row 1).
    """
    from .layouts import KINDS

    tables, problems = [], []
    for kind, items in rows.items():
        if kind not in KINDS:
            raise UsageError(f"unknown kind {kind!r}; choose from: {', '.join(KINDS)}")
        layout = KINDS[kind]
        table = Table("<rows>", kind, kind, {}, {})
        for number, item in enumerate(items, start=1):
            cells = {}
            for key, value in item.items():
                column = layout.match(key)
                if column is None:
                    problems.append(("<rows>", kind, number, key, f"not a {kind} column", None))
                    continue
                cells[column] = "" if value is None else str(value).strip()
            for column in layout.required:
                cells.setdefault(column, "")
            table.columns.update({c: c for c in cells})
            table.rows.append(Row(number, cells))
        tables.append(table)
    target = _output(ws, ["rows"], output)
    text, counts, triples, _, change, files = _build(
        ws, tables, problems, output=target, extra=(), compare=compare
    )
    if not dry_run:
        atomic_write(target, text)
    return ImportResult(
        target, not dry_run, text, counts, triples, counts.get("excerpts", 0), change, files
    )
