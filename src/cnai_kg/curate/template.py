"""Empty sheets to fill: ``cnai-kg import --template xlsx|csv -o FILE``.

A workbook (XlsxWriter) holds a sheet per kind, each with its header and one
example row, and a ``README`` sheet describing every column; ``csv`` writes one
file per kind into a folder, UTF-8 with a byte-order mark so that Excel opens
Korean and Chinese text as such. Nothing that exists is overwritten.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from ..errors import UsageError
from ..io import atomic_write
from .layouts import KINDS, Column

__all__ = ["FORMATS", "write_template"]

FORMATS = ("xlsx", "csv")
#: Partners shown in a template (the import reads up to nine).
_TEMPLATE_PARTNERS = 3


def _columns(kind: str) -> list[Column]:
    out = []
    for column in KINDS[kind].columns:
        numbered = re.fullmatch(r"(?:partner|role)(\d)", column.name)
        if numbered and int(numbered.group(1)) > _TEMPLATE_PARTNERS:
            continue
        out.append(column)
    return out


def _refuse_existing(paths: list[Path]) -> None:
    for path in paths:
        if path.exists():
            raise UsageError(f"{path}: exists; the template does not overwrite anything")


def write_template(fmt: str, output: str | Path) -> list[Path]:
    """Write the template in ``fmt`` (xlsx: the workbook ``output``; csv: one file per
    kind in the folder ``output``). Returns the files written."""
    output = Path(output)
    if fmt == "xlsx":
        if output.suffix.lower() != ".xlsx":
            raise UsageError(f"{output}: a workbook's name ends in .xlsx")
        _refuse_existing([output])
        atomic_write(output, _workbook())
        return [output]
    if fmt == "csv":
        if output.suffix:
            raise UsageError(f"{output}: give a folder for the CSV files (one per kind)")
        paths = [output / f"{kind}.csv" for kind in KINDS]
        _refuse_existing(paths)
        try:
            output.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise UsageError(f"{output}: cannot make the folder ({e.strerror or e})") from None
        for kind, path in zip(KINDS, paths, strict=True):
            buffer = io.StringIO(newline="")
            writer = csv.writer(buffer, lineterminator="\r\n")
            columns = _columns(kind)
            writer.writerow([c.name for c in columns])
            writer.writerow([c.example for c in columns])
            atomic_write(path, "\ufeff" + buffer.getvalue())
        return paths
    raise UsageError(f"unknown template format {fmt!r}; choose one of: {', '.join(FORMATS)}")


def _workbook() -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.set_properties({"title": "cnai-kg import template", "created": None})
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7"})
    required = book.add_format({"bold": True, "bg_color": "#FCE4D6"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    for kind in KINDS:
        sheet = book.add_worksheet(kind)
        columns = _columns(kind)
        for i, column in enumerate(columns):
            sheet.write(0, i, column.name, required if column.required else bold)
            if column.example:
                sheet.write_string(1, i, column.example)
            sheet.set_column(i, i, 28 if column.name in ("quote", "text") else 16)
            if column.help:
                sheet.write_comment(0, i, column.help + (" (required)" if column.required else ""))
        sheet.freeze_panes(1, 0)
    readme = book.add_worksheet("README")
    readme.set_column(0, 0, 14)
    readme.set_column(1, 1, 18)
    readme.set_column(2, 2, 60)
    lines = [
        (
            "",
            "",
            "cnai-kg import: one sheet per kind; the first row is the header, then a row per fact.",
        ),
        (
            "",
            "",
            "Orange headers are required. Every quote must be in its registered source"
            " (cnai-kg source list), whitespace aside. Delete the example rows.",
        ),
        (
            "",
            "",
            "이 시트는 읽지 않습니다. 주황색 열은 필수이며,"
            " 인용문은 등록된 출처에 그대로 있어야 합니다.",
        ),
        ("sheet", "column", "what it holds"),
    ]
    for kind in KINDS:
        for column in _columns(kind):
            korean = f" (한국어: {', '.join(column.korean)})" if column.korean else ""
            mark = " [required]" if column.required else ""
            lines.append((kind, column.name, f"{column.help}{mark}{korean}"))
    for row, (a, b, c) in enumerate(lines):
        fmt = bold if row == 3 else wrap
        readme.write_string(row, 0, a, fmt)
        readme.write_string(row, 1, b, fmt)
        readme.write_string(row, 2, c, fmt)
    book.close()
    return buffer.getvalue()
