"""Finding a quote in its source text, the way annotators anchor text.

A quote is looked for **verbatim after one normalisation**, the same on both
sides: Unicode NFC, and every run of whitespace (spaces, tabs, line breaks, a
PDF's page breaks) read as one space; nothing more (no case folding, no
punctuation or quote-mark folding, Markdown marks stay marks).

Where it is found is recorded as the W3C Web Annotation model records it
(https://www.w3.org/TR/annotation-model/#selectors): a ``TextQuoteSelector``
(``exact``, ``prefix``, ``suffix``) and a ``TextPositionSelector`` (``start``,
``end``, in characters of the stored text), plus the page of a PDF.

A quote found more than once is ambiguous: the prefix or suffix the user gives
(text just before or after it, normalised the same way) chooses. A quote not
found comes with the closest passage of the source (rapidfuzz's partial-ratio
alignment), so that a typo shows at once.

Examples
--------
>>> text = SourceText("Acme Robotics makes grippers.\\nIt is based in Seoul.")
>>> anchor = text.anchor("grippers.  It is")
>>> anchor.start, anchor.end, anchor.exact
(20, 35, 'grippers.\\nIt is')
>>> text.closest("Acme Robotic make grippers")
'Acme Robotics makes grippers.'
"""

from __future__ import annotations

import bisect
import hashlib
import re
import unicodedata
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

__all__ = ["Anchor", "Ambiguous", "NotFound", "SourceText", "normalize", "sha256_text"]

_SPACE = re.compile(r"\s+")
#: Characters of context kept in a selector's prefix and suffix.
CONTEXT = 32


def normalize(text: str) -> str:
    """A quote as it is compared: NFC, whitespace runs as one space, trimmed.

    Examples
    --------
    >>> normalize("  two\\n\\tlines ")
    'two lines'
    >>> normalize("\\u1100\\u1161") == "\\uac00"  # conjoining jamo compose under NFC
    True
    """
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def sha256_text(text: str) -> str:
    """The sha256 (hex) of ``text`` as UTF-8: how a registered text is named."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Anchor:
    """Where a quote is in a source text (characters of the stored text)."""

    start: int
    end: int
    exact: str
    prefix: str
    suffix: str
    page_start: int | None = None
    page_end: int | None = None


@dataclass(frozen=True)
class NotFound:
    """A quote that is not in the text; ``closest`` is the nearest passage."""

    closest: str


@dataclass(frozen=True)
class Ambiguous:
    """A quote found more than once (``starts``: where, ``pages``: on which pages)."""

    starts: tuple[int, ...]
    pages: tuple[int | None, ...]


@dataclass
class SourceText:
    """A registered source's text (NFC), with the page starts of a PDF.

    Parameters
    ----------
    text : the stored text
    pages : character offset where each page begins (first is 0); empty when the
        source has no pages
    """

    text: str
    pages: tuple[int, ...] = ()

    @cached_property
    def sha256(self) -> str:
        return sha256_text(self.text)

    @cached_property
    def _normalized(self) -> tuple[str, array]:
        """The text with whitespace runs as one space, and for each of its characters
        the offset of the character it comes from in :attr:`text`."""
        text = self.text
        parts: list[str] = []
        back = array("q")
        at = 0
        for run in _SPACE.finditer(text):
            parts.append(text[at : run.start()])
            back.extend(range(at, run.start()))
            parts.append(" ")
            back.append(run.start())
            at = run.end()
        parts.append(text[at:])
        back.extend(range(at, len(text)))
        back.append(len(text))  # one past the end
        return "".join(parts), back

    @property
    def normalized(self) -> str:
        return self._normalized[0]

    def page_of(self, offset: int) -> int | None:
        """The 1-based page holding character ``offset``, or None without pages."""
        if not self.pages:
            return None
        return bisect.bisect_right(self.pages, offset)

    # ------------------------------------------------------------ finding

    def occurrences(self, quote: str) -> list[int]:
        """Start offsets (in the normalised text) of every occurrence of ``quote``
        (normalised), overlapping ones included."""
        needle = normalize(quote)
        if not needle:
            return []
        hay = self.normalized
        found, at = [], hay.find(needle)
        while at != -1:
            found.append(at)
            at = hay.find(needle, at + 1)
        return found

    def find_all(self, quotes: Iterable[str]) -> dict[str, list[int]]:
        """:meth:`occurrences` of many quotes in one pass (Aho-Corasick), by normalised
        quote."""
        needles = {normalize(q) for q in quotes} - {""}
        if len(needles) < 8:
            return {n: self.occurrences(n) for n in needles}
        import ahocorasick

        automaton = ahocorasick.Automaton()
        for needle in needles:
            automaton.add_word(needle, needle)
        automaton.make_automaton()
        found: dict[str, list[int]] = {n: [] for n in needles}
        for end, needle in automaton.iter(self.normalized):
            found[needle].append(end - len(needle) + 1)
        for starts in found.values():
            starts.sort()
        return found

    def resolve(
        self,
        quote: str,
        starts: list[int] | None = None,
        *,
        prefix: str = "",
        suffix: str = "",
    ) -> Anchor | NotFound | Ambiguous:
        """The one place ``quote`` stands for, its closest passage, or its places.

        ``starts`` are its occurrences when already known (:meth:`find_all`);
        ``prefix`` and ``suffix`` (normalised) keep those the text just before or
        after matches.
        """
        needle = normalize(quote)
        if starts is None:
            starts = self.occurrences(needle)
        if not starts:
            return NotFound(self.closest(needle))
        hay = self.normalized
        before, after = normalize(prefix), normalize(suffix)
        if before or after:
            chosen = [
                s
                for s in starts
                if (not before or hay[:s].rstrip().endswith(before))
                and (not after or hay[s + len(needle) :].lstrip().startswith(after))
            ]
        else:
            chosen = starts
        if len(chosen) != 1:
            if not chosen:  # the context given matches none: say where the quote is
                chosen = starts
            places = tuple(self._back(s) for s in chosen)
            return Ambiguous(places, tuple(self.page_of(p) for p in places))
        return self._anchor(chosen[0], len(needle))

    def anchor(self, quote: str, *, prefix: str = "", suffix: str = "") -> Anchor:
        """:meth:`resolve`, for a quote known to be there once (else ``LookupError``)."""
        found = self.resolve(quote, prefix=prefix, suffix=suffix)
        if not isinstance(found, Anchor):
            raise LookupError(f"quote not found once: {quote!r}")
        return found

    def _back(self, norm_offset: int) -> int:
        return self._normalized[1][norm_offset]

    def _anchor(self, norm_start: int, length: int) -> Anchor:
        back = self._normalized[1]
        start = back[norm_start]
        end = back[norm_start + length - 1] + 1
        text = self.text
        return Anchor(
            start=start,
            end=end,
            exact=text[start:end],
            prefix=text[max(0, start - CONTEXT) : start],
            suffix=text[end : end + CONTEXT],
            page_start=self.page_of(start),
            page_end=self.page_of(end - 1),
        )

    def closest(self, quote: str, *, limit: int = 160) -> str:
        """The passage of the text closest to ``quote`` (normalised), at most ``limit``
        characters, for an error message."""
        from rapidfuzz import fuzz

        needle = normalize(quote)
        hay = self.normalized
        if not needle or not hay:
            return ""
        found = fuzz.partial_ratio_alignment(needle, hay)
        if found is None:
            return ""
        start, end = found.dest_start, found.dest_end
        # widen to whole words (at most a few characters each way: CJK has no spaces)
        for _ in range(12):
            if start == 0 or hay[start - 1] == " ":
                break
            start -= 1
        for _ in range(12):
            if end >= len(hay) or hay[end] == " ":
                break
            end += 1
        passage = hay[start:end].strip()
        return passage if len(passage) <= limit else passage[:limit] + "…"
