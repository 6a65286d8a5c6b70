"""Reading the sheets of an import: CSV, TSV, Excel (.xlsx) and OpenDocument (.ods).

CSV and TSV go through the standard library's ``csv`` (the encoding as
:func:`~cnai_kg.curate.encoding.decode` tells it); workbooks through
python-calamine (https://github.com/dimastbk/python-calamine, Rust's calamine),
which reads the values of formulas, not the formulas. In a workbook:

- every visible sheet is read, but one named ``README`` (or starting with ``_``);
  a hidden sheet is skipped, and a line says so;
- a cell merged over several rows stands for each of them (as the eye reads it);
  merged over several columns, it is refused;
- rows with nothing in them are skipped.

A workbook is a zip file: before it is opened its members are counted, their
sizes added up (at most :func:`max_sheet_bytes` in all) and their checksums
checked, so that a zip bomb is refused, not inflated. At most
:func:`max_rows` rows are read in all.
"""

from __future__ import annotations

import csv
import datetime
import io
import logging
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DataError, InputRefused, UsageError
from ..io import read_input
from .encoding import decode
from .layouts import KINDS, kind_of_header, kind_of_sheet

__all__ = ["MAX_ROWS_ENV", "MAX_SHEET_BYTES_ENV", "Row", "Table", "max_rows", "read_tables"]

logger = logging.getLogger("cnai_kg")

#: Environment variable: the most rows an import reads (default 100,000).
MAX_ROWS_ENV = "CNAI_KG_MAX_IMPORT_ROWS"
#: Environment variable: the most bytes a workbook may inflate to (default 256 MiB).
MAX_SHEET_BYTES_ENV = "CNAI_KG_MAX_SHEET_BYTES"
DEFAULT_MAX_ROWS = 100_000
DEFAULT_MAX_SHEET_BYTES = 256 * 1024 * 1024
_MAX_MEMBERS = 10_000
SUFFIXES = (".csv", ".tsv", ".tab", ".xlsx", ".xlsm", ".ods")


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip().replace("_", "")
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise UsageError(f"{name} must be a positive number, got {raw!r}")
    return int(raw)


def max_rows() -> int:
    """The most rows one import reads: ``$CNAI_KG_MAX_IMPORT_ROWS`` or 100,000."""
    return _env_int(MAX_ROWS_ENV, DEFAULT_MAX_ROWS)


def max_sheet_bytes() -> int:
    """The most bytes a workbook's members may hold: ``$CNAI_KG_MAX_SHEET_BYTES`` or 256 MiB."""
    return _env_int(MAX_SHEET_BYTES_ENV, DEFAULT_MAX_SHEET_BYTES)


@dataclass
class Row:
    """One row: its number as the spreadsheet shows it, and its cells by column."""

    number: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        return self.cells.get(column, "")


@dataclass
class Table:
    """The rows of one CSV file or one sheet, of one kind."""

    file: str
    sheet: str | None
    kind: str
    columns: dict[str, str]  # column name -> its header as written
    letters: dict[str, str]  # column name -> its letter (A, B, ...)
    rows: list[Row] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"{self.file}[{self.sheet}]" if self.sheet else self.file


def _letter(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


def _cell(value) -> str:
    """A cell's value as text: numbers without a spurious '.0', dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return str(value)
    return str(value).strip()


def read_tables(
    paths: list[str | Path],
    *,
    encoding: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[Table], list]:
    """The tables of ``paths``, and the problems found in their headers.

    Returns ``(tables, problems)``; each problem is ``(file, sheet, row, column, what,
    hint)``. A file that cannot be read at all raises :class:`DataError`.
    """
    tables: list[Table] = []
    problems: list = []
    limit = max_rows()
    budget = [limit, limit]  # rows left, rows allowed
    for path in paths:
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix not in SUFFIXES:
            raise DataError(path, "cannot import this kind of file; give .csv, .tsv, .xlsx or .ods")
        if suffix in (".xlsx", ".xlsm", ".ods"):
            for name, grid, merged in _workbook(path):
                _table(tables, problems, str(path), name, grid, merged, budget, progress)
        else:
            text, _ = decode(read_input(path, what="sheet"), str(path), encoding)
            _table(tables, problems, str(path), None, _csv(text, suffix), (), budget, progress)
    return tables, problems


def _csv(text: str, suffix: str):
    if suffix in (".tsv", ".tab"):
        delimiter = "\t"
    else:
        try:
            delimiter = csv.Sniffer().sniff(text[:8192], delimiters=",;\t").delimiter
        except csv.Error:
            delimiter = ","
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _check_zip(path: Path, data: bytes) -> None:
    """Refuse a workbook whose members would inflate past the limit, or are damaged."""
    limit = max_sheet_bytes()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > _MAX_MEMBERS:
                raise InputRefused(path, f"a workbook of {len(members):,} parts: refused")
            total = sum(m.file_size for m in members)
            if total > limit:
                raise InputRefused(
                    path,
                    f"its parts inflate to {total:,} bytes, over the limit of {limit:,} "
                    f"(a zip bomb?); raise it with {MAX_SHEET_BYTES_ENV}=BYTES",
                )
            bad = archive.testzip()  # reads every part, no further than its declared size
            if bad is not None:
                raise DataError(path, f"damaged workbook: part {bad!r} fails its checksum")
    except zipfile.BadZipFile as e:
        raise DataError(path, f"not a workbook (not a zip file: {e})") from None
    except (OSError, EOFError) as e:
        raise DataError(path, f"damaged workbook ({e})") from None


def _workbook(path: Path):
    """(sheet name, rows, merged ranges) of every sheet that is read."""
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    data = read_input(path, what="sheet")  # a regular file, within the input size limit
    _check_zip(path, data)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as e:  # calamine raises its own error types
        raise DataError(path, f"cannot read the workbook: {type(e).__name__}: {e}") from None
    for meta in book.sheets_metadata:
        name = meta.name
        if name.strip().casefold() == "readme" or name.startswith("_"):
            continue
        if meta.visible != SheetVisibleEnum.Visible:
            logger.warning("%s: sheet %r is hidden: skipped", path, name)
            continue
        try:
            sheet = book.get_sheet_by_name(name)
            merged = sheet.merged_cell_ranges or ()
            start_row, start_col = sheet.start or (0, 0)
            rows = ([""] * start_col + list(r) for r in sheet.iter_rows())
            offset = start_row
        except Exception as e:
            raise DataError(path, f"sheet {name!r}: {type(e).__name__}: {e}") from None
        yield name, _offset(rows, offset), merged


def _offset(rows, offset: int):
    yield from ([] for _ in range(offset))
    yield from rows


def _table(tables, problems, file, sheet, rows, merged, budget, progress) -> None:
    """Read one sheet's rows into a :class:`Table` (header first)."""
    rows = iter(rows)
    header, number = None, 0
    for raw in rows:
        number += 1
        if any(_cell(v) for v in raw):
            header = [_cell(v) for v in raw]
            break
    if header is None:
        return  # an empty sheet
    where = (file, sheet)
    kind = (kind_of_sheet(sheet) if sheet else None) or kind_of_header(header)
    if kind is None:
        kinds = ", ".join(f"{k} ({', '.join(sorted(KINDS[k].signature))})" for k in KINDS)
        problems.append(
            (
                *where,
                number,
                None,
                "cannot tell what the rows hold",
                f"a header needs the columns of {kinds}",
            )
        )
        return
    layout = KINDS[kind]
    columns, letters, index = {}, {}, {}
    for i, text in enumerate(header):
        if not text:
            continue
        name = layout.match(text)
        if name is None:
            import difflib

            close = difflib.get_close_matches(text.casefold(), [c.name for c in layout.columns], 1)
            hint = (
                f"did you mean {close[0]!r}?"
                if close
                else f"{kind} columns: "
                + ", ".join(
                    c.name for c in layout.columns if not c.name[-1].isdigit() or c.name[-1] in "12"
                )
            )
            problems.append(
                (*where, number, f"{_letter(i)} {text!r}", f"not a {kind} column", hint)
            )
            continue
        if name in columns:
            problems.append(
                (*where, number, f"{_letter(i)} {text!r}", f"a second {name!r} column", None)
            )
            continue
        columns[name], letters[name], index[name] = text, _letter(i), i
    missing = [c for c in layout.required if c not in columns]
    for name in missing:
        problems.append((*where, number, name, "missing column", layout.column(name).help))
    table = Table(file, sheet, kind, columns, letters)
    spans = _vertical_merges(merged, number, problems, where)
    tops: dict[int, str] = {}  # column index -> the value of the merge it is in
    for raw in rows:
        number += 1
        for top, bottom, col in spans:
            if number == top:
                tops[col] = _cell(raw[col]) if col < len(raw) else ""
            elif top < number <= bottom and col < len(raw) and not _cell(raw[col]):
                raw = list(raw)
                raw[col] = tops.get(col, "")
        cells = {name: _cell(raw[i]) if i < len(raw) else "" for name, i in index.items()}
        if not any(cells.values()):
            continue
        budget[0] -= 1
        if budget[0] < 0:
            raise InputRefused(
                file,
                f"more than {budget[1]:,} rows to import; split the sheets or raise "
                f"{MAX_ROWS_ENV}=ROWS",
            )
        table.rows.append(Row(number, cells))
        if progress is not None and len(table.rows) % 1000 == 0:
            progress(budget[1] - budget[0])
    tables.append(table)


def _vertical_merges(merged, header_row: int, problems, where) -> list[tuple[int, int, int]]:
    """(first row, last row, column index) of each cell merged down several rows; a cell
    merged across columns, or a merged header, is a problem."""
    spans = []
    for (r0, c0), (r1, c1) in merged:
        if c1 != c0:
            problems.append(
                (
                    *where,
                    r0 + 1,
                    f"{_letter(c0)}:{_letter(c1)}",
                    "cells merged across columns",
                    "unmerge them: each column holds one thing",
                )
            )
        elif r0 + 1 <= header_row:
            problems.append((*where, r0 + 1, _letter(c0), "a merged header cell", "unmerge it"))
        elif r1 > r0:
            spans.append((r0 + 1, r1 + 1, c0))
    return spans
