"""Registered sources: the documents a workspace's facts are quoted from.

``cnai-kg source add FILE`` keeps, in ``sources/ID/``:

- ``v1.txt`` (``v2.txt``, ... for later versions): the text quotes are checked
  against (:mod:`~cnai_kg.curate.extract`), Unicode NFC;
- ``source.json``: what cnai-kg knows of it (title, class, language, publisher,
  date, address, what it derives from, and per version the text's sha256, the
  file it came from, its media type, size and page starts);
- ``source.ttl``: the document's RDF description, made from ``source.json``.

Adding the same text again changes nothing; a changed text is a new version and
every quote that cites the source is checked against it. A text whose sha256 is
the ``cnai:textSha256`` of documents the graph already describes (the shipped
article) is kept as their text, and no description is written.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..errors import DataError, UsageError
from ..io import atomic_write, read_input
from ..namespaces import CNAI, KG
from .anchor import SourceText, sha256_text
from .extract import extract
from .workspace import Workspace

__all__ = [
    "DOCUMENT_CLASSES",
    "Registration",
    "Source",
    "Version",
    "add_source",
    "load_sources",
    "source_text",
]

#: ``--class`` names -> document classes.
DOCUMENT_CLASSES = {
    "article": "Article",
    "report": "Report",
    "blog-post": "BlogPost",
    "document": "Document",
}
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_MANIFEST = "source.json"
_DESCRIPTION = "source.ttl"


@dataclass
class Version:
    """One registered text of a source."""

    version: int
    sha256: str
    file: str
    file_sha256: str
    media_type: str
    characters: int
    pages: list[int] = field(default_factory=list)
    encoding: str | None = None

    @property
    def page_count(self) -> int:
        return len(self.pages)


@dataclass
class Source:
    """A registered source (``sources/ID/source.json``)."""

    id: str
    title: str
    lang: str
    cls: str = "Article"
    publisher: str | None = None
    issued: str | None = None
    url: str | None = None
    derived_from: list[str] = field(default_factory=list)
    describes: list[str] = field(default_factory=list)
    versions: list[Version] = field(default_factory=list)

    @property
    def iri(self) -> str:
        return str(KG[self.id])

    @property
    def current(self) -> Version:
        return self.versions[-1]

    def documents(self) -> list[str]:
        """The IRIs of the documents this text is the text of."""
        return list(self.describes) or [self.iri]


@dataclass
class Registration:
    """What :func:`add_source` did."""

    source: Source
    status: str  # "new", "new version", "unchanged", "updated"
    path: Path
    changed: list[str] = field(default_factory=list)


def _folder(ws: Workspace, source_id: str) -> Path:
    return ws.sources_dir / source_id


def load_sources(ws: Workspace) -> dict[str, Source]:
    """Every source registered in ``ws``, by id."""
    found = {}
    if not ws.sources_dir.is_dir():
        return found
    for manifest in sorted(ws.sources_dir.glob(f"*/{_MANIFEST}")):
        try:
            raw = json.loads(manifest.read_text(encoding="utf-8"))
            versions = [Version(**v) for v in raw.pop("versions")]
            source = Source(**raw, versions=versions)
        except (OSError, ValueError, TypeError, KeyError) as e:
            raise DataError(manifest, f"not a cnai-kg source record ({e})") from None
        found[source.id] = source
    return found


def source_text(ws: Workspace, source: Source, version: Version | None = None) -> SourceText:
    """The stored text of ``source`` (its current version unless ``version``)."""
    version = version or source.current
    path = _folder(ws, source.id) / f"v{version.version}.txt"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise DataError(path, f"cannot read the stored text ({e.strerror or e})") from None
    if sha256_text(text) != version.sha256:
        raise DataError(path, "the stored text does not match its recorded sha256 (edited?)")
    return SourceText(text, tuple(version.pages))


def texts_by_hash(ws: Workspace) -> dict[str, tuple[Source, Version]]:
    """Every registered text of ``ws``, by its sha256."""
    out = {}
    for source in load_sources(ws).values():
        for version in source.versions:
            out[version.sha256] = (source, version)
    return out


def _slug(stem: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-._")
    return slug[:64] or "source"


def _check_date(date: str) -> str:
    match = _DATE.fullmatch(date)
    if not match or (match.group(2) and not 1 <= int(match.group(2)) <= 12):
        raise UsageError(f"--date {date!r}: give YYYY, YYYY-MM or YYYY-MM-DD")
    if match.group(3):
        import datetime

        try:
            datetime.date.fromisoformat(date)
        except ValueError:
            raise UsageError(f"--date {date!r}: not a date") from None
    return date


def _guess_lang(text: str) -> str | None:
    """en, ko or zh by the script most of the letters are in; None when unclear."""
    hangul = sum(1 for c in text if "\uac00" <= c <= "\ud7a3")
    han = sum(1 for c in text if "\u4e00" <= c <= "\u9fff")
    latin = sum(1 for c in text if c.isascii() and c.isalpha())
    total = hangul + han + latin
    if not total:
        return None
    for lang, count in (("ko", hangul), ("zh", han), ("en", latin)):
        if count / total >= 0.5:
            return lang
    return "ko" if hangul / total >= 0.2 else None


def add_source(
    ws: Workspace,
    path: str | Path,
    *,
    id: str | None = None,  # noqa: A002 - the option is --id
    title: str | None = None,
    publisher: str | None = None,
    date: str | None = None,
    lang: str | None = None,
    url: str | None = None,
    derived_from: list[str] | tuple[str, ...] = (),
    cls: str | None = None,
    encoding: str | None = None,
    known_documents: dict[str, str] | None = None,
) -> Registration:
    """Register the source document at ``path`` in ``ws`` (see the module docstring).

    Parameters
    ----------
    id : the source's id (its IRI is ``kg:ID``); default: from the file name
    title, publisher, date, lang, url : its description (``date`` as YYYY, YYYY-MM or
        YYYY-MM-DD; ``lang`` as a language code, detected from the text when left out)
    derived_from : IRIs of the documents it derives from (already resolved)
    cls : article, report, blog-post or document (default article)
    known_documents : text sha256 -> IRIs of documents the graph describes already
        (space-separated), so that their text is registered without a new description

    Raises
    ------
    UsageError, DataError
        one line, and nothing is written.
    """
    path = Path(path)
    source_id = id or _slug(path.stem)
    if not _ID.fullmatch(source_id):
        raise UsageError(
            f"source id {source_id!r}: use letters, digits, '.', '_' or '-' (at most 64), "
            "starting with a letter or digit"
        )
    if cls is not None and cls not in DOCUMENT_CLASSES:
        raise UsageError(f"unknown --class {cls!r}; choose one of: {', '.join(DOCUMENT_CLASSES)}")
    if date:
        date = _check_date(date)
    extracted = extract(path, encoding=encoding)
    text = extracted.text
    if not text.strip():
        raise DataError(path, "no text in this source")
    digest = sha256_text(text)
    file_digest = _file_sha256(path)
    sources = load_sources(ws)
    for other in sources.values():
        if other.id != source_id and other.current.sha256 == digest:
            return Registration(other, "unchanged", _folder(ws, other.id))
    existing = sources.get(source_id)
    detected = _guess_lang(text)
    version = Version(
        version=1 if existing is None else existing.current.version + 1,
        sha256=digest,
        file=path.name,
        file_sha256=file_digest,
        media_type=extracted.media_type,
        characters=len(text),
        pages=list(extracted.pages),
        encoding=extracted.encoding,
    )
    describes = sorted((known_documents or {}).get(digest, "").split())
    if existing is None:
        language = lang or detected
        if not language:
            raise UsageError(f"{path}: cannot tell the text's language; give --lang")
        source = Source(
            id=source_id,
            title=title or extracted.title or path.stem,
            lang=language,
            cls=DOCUMENT_CLASSES[cls or "article"],
            publisher=publisher,
            issued=date,
            url=url,
            derived_from=sorted(derived_from),
            describes=describes,
            versions=[version],
        )
        status, changed = "new", []
    else:
        source = existing
        changed = _update(
            source,
            title=title,
            lang=lang,
            cls=DOCUMENT_CLASSES[cls] if cls else None,
            publisher=publisher,
            issued=date,
            url=url,
            derived_from=sorted(derived_from) if derived_from else None,
        )
        if source.current.sha256 != digest:
            source.versions.append(version)
            status = "new version"
        else:
            status = "updated" if changed else "unchanged"
            if not changed:
                return Registration(source, status, _folder(ws, source_id))
    if source.cls == "Report" and not (source.publisher and source.issued) and not describes:
        raise UsageError("a report needs --publisher and --date (the shapes require both)")
    folder = _folder(ws, source_id)
    folder.mkdir(parents=True, exist_ok=True)
    if status in ("new", "new version"):
        atomic_write(folder / f"v{version.version}.txt", text)
    record = asdict(source)
    atomic_write(folder / _MANIFEST, json.dumps(record, ensure_ascii=False, indent=2) + "\n")
    if source.describes:
        (folder / _DESCRIPTION).unlink(missing_ok=True)
    else:
        atomic_write(folder / _DESCRIPTION, describe(source))
    return Registration(source, status, folder, changed)


def _update(source: Source, **given) -> list[str]:
    changed = []
    for key, value in given.items():
        if value is not None and getattr(source, key) != value:
            setattr(source, key, value)
            changed.append(key.replace("_", " ").replace("cls", "class"))
    return changed


def _file_sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(read_input(path, what="source file")).hexdigest()


def describe(source: Source) -> str:
    """The RDF description of ``source`` (Turtle, deterministic)."""
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

    from ..namespaces import DC, PREFIXES, SCHEMA

    g = Graph()
    doc = URIRef(source.iri)
    current = source.current
    label_lang = source.lang if source.lang in ("en", "ko", "zh") else None
    g.add((doc, RDF.type, CNAI[source.cls]))
    g.add((doc, RDFS.label, Literal(source.title, lang=label_lang)))
    g.add((doc, DCTERMS.title, Literal(source.title, lang=label_lang)))
    g.add((doc, DCTERMS.language, Literal(source.lang)))
    g.add((doc, DCTERMS["format"], Literal(current.media_type)))
    g.add((doc, CNAI.sourceFile, Literal(current.file)))
    g.add((doc, CNAI.textSha256, Literal(current.sha256)))
    g.add((doc, SCHEMA.version, Literal(current.version)))
    if current.pages:
        g.add((doc, SCHEMA.numberOfPages, Literal(current.page_count)))
    if source.publisher:
        g.add((doc, DC.publisher, Literal(source.publisher)))
    if source.issued:
        kind = {4: XSD.gYear, 7: XSD.gYearMonth, 10: XSD.date}[len(source.issued)]
        g.add((doc, DCTERMS.issued, Literal(source.issued, datatype=kind)))
    if source.url:
        g.add((doc, SCHEMA.url, Literal(source.url, datatype=XSD.anyURI)))
    for other in source.derived_from:
        g.add((doc, PROV.wasDerivedFrom, URIRef(other)))
    from .turtle import turtle

    header = (
        f"# The source {source.id!r}, registered with 'cnai-kg source add' "
        "(made from source.json; do not edit)\n"
    )
    return header + turtle(g, PREFIXES)


# ------------------------------------------------------------------ reading back


@dataclass
class DocumentInfo:
    """A document of the graph, and its registered text when the workspace has one."""

    iri: str
    curie: str
    id: str
    label: str
    classes: list[str]
    language: str | None
    media_type: str | None
    source: Source | None = None
    version: Version | None = None
    excerpts: int = 0
    facts: int = 0


def documents(kg, ws: Workspace | None, lang: str | None = None) -> list[DocumentInfo]:
    """Every document of ``kg`` (reports, articles, registered sources), with its text
    in ``ws`` when registered there and how many excerpts and facts cite it."""
    from rdflib import URIRef

    texts = texts_by_hash(ws) if ws is not None else {}
    found: dict[str, DocumentInfo] = {}
    for row in kg._select("documents"):
        iri = str(row["document"])
        info = found.get(iri)
        if info is None:
            node = URIRef(iri)
            info = found[iri] = DocumentInfo(
                iri=iri,
                curie=kg.curie(node),
                id=iri.rsplit("/", 1)[-1],
                label=kg.label(node, lang),
                classes=[],
                language=str(row["language"]) if "language" in row else None,
                media_type=str(row["format"]) if "format" in row else None,
            )
            registered = texts.get(str(row.get("sha256", "")))
            if registered is not None:
                info.source, info.version = registered
        name = kg.label(row["class"], lang)
        if name not in info.classes and row["class"] != CNAI.Document:
            info.classes.append(name)
    for info in found.values():
        rows = kg._select("excerpts-of", document=URIRef(info.iri))
        info.excerpts = len({r["excerpt"] for r in rows})
        info.facts = len({r["fact"] for r in rows if "fact" in r})
    return sorted(found.values(), key=lambda d: (d.source is None, d.id))


def find_document(kg, ws: Workspace | None, name: str, lang: str | None = None) -> DocumentInfo:
    """The document ``name`` stands for: a source id, a CURIE or IRI, or its label."""
    from ..errors import EntityNotFound
    from ..resolve import expand, normalize

    docs = documents(kg, ws, lang)
    iri = expand(name)
    for doc in docs:
        if name == doc.id or (iri is not None and str(iri) == doc.iri):
            return doc
    key = normalize(name)
    hits = [d for d in docs if key in (normalize(d.id), normalize(d.label))]
    if len(hits) == 1:
        return hits[0]
    import difflib

    close = difflib.get_close_matches(name, [d.id for d in docs], 5, 0.4)
    raise EntityNotFound(name, close)


@dataclass
class Citation:
    """An excerpt of a document and the facts that cite it."""

    excerpt: str
    quote: str
    facts: list[str]
    page: int | None
    start: int | None = None
    end: int | None = None
    anchored: str | None = None
    exact: str | None = None
    prefix: str | None = None
    suffix: str | None = None


def citations(kg, document: DocumentInfo) -> list[Citation]:
    """Every excerpt of ``document``, in the order of the text when it is known."""
    from rdflib import URIRef

    out: dict[str, Citation] = {}
    for row in kg._select("excerpts-of", document=URIRef(document.iri)):
        key = str(row["excerpt"])
        cite = out.get(key)
        if cite is None:
            cite = out[key] = Citation(
                excerpt=kg.curie(row["excerpt"]),
                quote=str(row["quote"]),
                facts=[],
                page=int(row["page"]) if "page" in row else None,
                start=int(row["start"]) if "start" in row else None,
                end=int(row["end"]) if "end" in row else None,
                anchored=str(row["anchored"]) if "anchored" in row else None,
                exact=str(row["exact"]) if "exact" in row else None,
                prefix=str(row["prefix"]) if "prefix" in row else None,
                suffix=str(row["suffix"]) if "suffix" in row else None,
            )
        if "fact" in row:
            fact = kg.curie(row["fact"])
            if fact not in cite.facts:
                cite.facts.append(fact)
    for cite in out.values():
        cite.facts.sort()
    return sorted(out.values(), key=lambda c: (c.start is None, c.start or 0, c.excerpt))


@dataclass
class QuoteCheck:
    """The outcome of checking one excerpt against its registered text."""

    document: str
    citation: Citation
    ok: bool
    what: str


def check_quotes(kg, ws: Workspace, document: DocumentInfo) -> list[QuoteCheck]:
    """Check every excerpt of ``document`` against its registered text.

    An excerpt whose selectors were recorded in this version of the text must be at
    its position (``oa:exact`` there, its quote that text, normalised); any other
    (recorded in an earlier version, or written by hand) must be found in the text
    once, or be told apart by its prefix or suffix.
    """
    from .anchor import Ambiguous, Anchor, normalize

    if document.source is None:
        return []
    text = source_text(ws, document.source, document.version)
    out = []
    for cite in citations(kg, document):
        if cite.anchored == text.sha256 and cite.start is not None:
            here = text.text[cite.start : cite.end]
            ok = cite.exact == here and normalize(here) == normalize(cite.quote)
            what = "at its place" if ok else f"not at characters {cite.start}-{cite.end} any more"
        else:
            found = text.resolve(cite.quote, prefix=cite.prefix or "", suffix=cite.suffix or "")
            # found once, though the text around it changed: it is still there verbatim
            ok = isinstance(found, Anchor) or (
                isinstance(found, Ambiguous) and len(found.starts) == 1
            )
            if ok:
                what = "found" + (" (recorded in an earlier version)" if cite.anchored else "")
            elif isinstance(found, Ambiguous):
                what = f"found {len(found.starts)} times: give it a prefix or suffix"
            else:
                # verbatim (Markdown marks and all): what the quote must say to be found
                what = f"not found; closest passage: “{found.closest}”"
        out.append(QuoteCheck(document.id, cite, ok, what))
    return out


def check_sources(
    kg, ws: Workspace, source_id: str | None = None
) -> tuple[list[DocumentInfo], list[QuoteCheck]]:
    """:func:`check_quotes` of every registered source of ``kg`` (or of ``source_id``).

    Returns the documents checked and one :class:`QuoteCheck` per excerpt.
    """
    if source_id:
        docs = [find_document(kg, ws, source_id)]
    else:
        docs = [d for d in documents(kg, ws) if d.source]
    return docs, [r for doc in docs for r in check_quotes(kg, ws, doc)]


def known_documents(kg) -> dict[str, str]:
    """Text sha256 -> the IRIs (space-separated) of the documents of ``kg`` with that text
    (``cnai:textSha256``): a text registered again is recognised, not described twice."""
    known: dict[str, list[str]] = {}
    for row in kg._select("documents"):
        if "sha256" in row:
            known.setdefault(str(row["sha256"]), []).append(str(row["document"]))
    return {sha: " ".join(sorted(set(iris))) for sha, iris in known.items()}
