"""The text of a source document, as quotes are checked against it.

=========  =====================================================================
``.txt``   the text (encoding as :func:`~cnai_kg.curate.encoding.decode` tells)
``.md``    the Markdown text as it is (quotes keep its ``**`` marks; pages show
           them as emphasis)
``.html``  the text a reader sees, extracted with Beautiful Soup: scripts, styles
           and templates dropped, a line break after every block element
``.pdf``   the text layer of every page, extracted with pypdf, pages one after
           the other (a blank line between them), each page's first character
           recorded so that a quote knows its page; no OCR
=========  =====================================================================

Every text is Unicode NFC with ``\\n`` line ends.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..errors import DataError, InputRefused
from ..io import read_input
from .encoding import decode

__all__ = ["MEDIA_TYPES", "Extracted", "extract"]

#: Suffix -> media type of the sources cnai-kg reads.
MEDIA_TYPES = {
    ".txt": "text/plain",
    ".text": "text/plain",
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".html": "text/html",
    ".htm": "text/html",
    ".pdf": "application/pdf",
}

_BLOCKS = [
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "td",
    "th",
    "tr",
    "ul",
]
_DROP = ("script", "style", "noscript", "template", "head")


@dataclass(frozen=True)
class Extracted:
    """A source's text: ``pages`` holds each page's first character (PDF only)."""

    text: str
    media_type: str
    pages: tuple[int, ...] = ()
    title: str | None = None
    encoding: str | None = None


def _clean(text: str) -> str:
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def extract(path: str | Path, *, encoding: str | None = None) -> Extracted:
    """The text of the source at ``path`` (by its suffix; see the module's table).

    Raises
    ------
    DataError
        one line naming the file: an unknown kind, text that cannot be decoded, a PDF
        that is encrypted, damaged or has no text layer.
    """
    path = Path(path)
    media = MEDIA_TYPES.get(path.suffix.lower())
    if media is None:
        raise DataError(
            path,
            f"cannot read {path.suffix or 'a file without a suffix'} sources; "
            "give .txt, .md, .html or .pdf",
        )
    data = read_input(path, what="source file")
    if media == "application/pdf":
        return _pdf(path, data)
    text, used = decode(data, str(path), encoding)
    if media == "text/html":
        return _html(text, used)
    text = _clean(text)
    title = None
    if media == "text/markdown":
        heading = re.search(r"^#\s+(.+?)\s*#*\s*$", text, re.MULTILINE)
        title = heading.group(1) if heading else None
    return Extracted(text=text, media_type=media, title=title, encoding=used)


def _html(markup: str, used: str) -> Extracted:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "html.parser")
    title = soup.title.get_text(" ", strip=True) if soup.title else None
    for tag in soup.find_all(_DROP):
        tag.decompose()
    for tag in soup.find_all(_BLOCKS):
        tag.insert_after("\n")
    text = _clean(soup.get_text())
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
    return Extracted(text=text, media_type="text/html", title=title or None, encoding=used)


def _pdf(path: Path, data: bytes) -> Extracted:
    import io

    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # it warns about every odd object
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")  # only an owner password: readable by anyone
            except (NotImplementedError, DependencyError) as e:
                raise InputRefused(path, f"encrypted PDF ({e}); decrypt it first") from None
            if not opened:
                raise InputRefused(
                    path,
                    "encrypted PDF: it needs a password to open; save a decrypted copy "
                    "(qpdf --decrypt) and add that",
                )
        parts, starts, at = [], [], 0
        for page in reader.pages:
            starts.append(at)
            text = _clean(page.extract_text() or "").strip("\n")
            parts.append(text)
            at += len(text) + 2
        title = (reader.metadata or {}).get("/Title") if reader.metadata else None
    except (PdfReadError, FileNotDecryptedError, ValueError, KeyError, TypeError) as e:
        raise DataError(path, f"not a readable PDF: {type(e).__name__}: {e}") from None
    if not parts:
        raise DataError(path, "a PDF without pages")
    if not any(p.strip() for p in parts):
        raise InputRefused(
            path,
            f"a PDF without a text layer ({len(parts)} page(s) of images?): cnai-kg does not "
            "do OCR; run OCR first (e.g. ocrmypdf) and add the result",
        )
    text = "\n\n".join(parts)
    return Extracted(
        text=text,
        media_type="application/pdf",
        pages=tuple(starts),
        title=str(title).strip() or None if title else None,
    )
