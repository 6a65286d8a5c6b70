"""A quote shown as its source shows it.

A quote is stored verbatim: from a Markdown source (the shipped article is one:
``**CATL(닝더스다이)**은 ...``) it keeps the source's ``**`` marks. Shown, those
marks are what they mean: emphasis on a page (:func:`quote_html`), nothing in a
terminal (:func:`quote_plain`); a quote from any other source is shown as it is.

The Markdown is read by Python-Markdown (https://python-markdown.github.io) with
only its emphasis rules (``**strong**``, ``*em*``, ``__strong__``, ``_em_``); no
links, images, raw HTML or blocks, so a quote can never make a page do anything
but show text. (Python-Markdown's emphasis does not follow CommonMark's flanking
rules, which leave ``**닝더스다이)**은`` unbolded: Korean puts a particle right
after the closing marks.)

Examples
--------
>>> quote_plain("기업 **CATL(닝더스다이)**은 AI", "text/markdown")
'기업 CATL(닝더스다이)은 AI'
>>> str(quote_html("기업 **CATL(닝더스다이)**은 <AI>", "text/markdown"))
'기업 <strong>CATL(닝더스다이)</strong>은 &lt;AI&gt;'
>>> quote_plain("5 ** 2", "text/plain")
'5 ** 2'
"""

from __future__ import annotations

import html
import threading
from functools import lru_cache

from markupsafe import Markup

__all__ = ["MARKDOWN", "quote_html", "quote_plain"]

MARKDOWN = "text/markdown"
_KEEP_INLINE = {"em_strong", "em_strong2", "not_strong", "escape"}
_local = threading.local()  # a Markdown object is not safe to share between threads


def _markdown():
    md = getattr(_local, "md", None)
    if md is None:
        import markdown

        md = markdown.Markdown()
        for registry, keep in (
            (md.inlinePatterns, _KEEP_INLINE),
            (md.parser.blockprocessors, {"paragraph", "empty"}),
            (md.preprocessors, {"normalize_whitespace"}),
            (md.postprocessors, {"amp_substitute"}),
        ):
            for name in [n for n in registry._data if n not in keep]:  # noqa: SLF001
                registry.deregister(name)
        _local.md = md
    return md


@lru_cache(maxsize=4096)
def _rendered(quote: str) -> str:
    md = _markdown()
    md.reset()
    out = md.convert(quote.replace("\n", " "))
    out = out.removeprefix("<p>").removesuffix("</p>")
    return out


def quote_html(quote: str, media_type: str | None = None) -> Markup:
    """``quote`` as safe HTML: its Markdown emphasis as ``<strong>``/``<em>`` when the
    source is Markdown, everything else escaped."""
    if media_type != MARKDOWN or "*" not in quote and "_" not in quote:
        return Markup(html.escape(quote, quote=False))
    return Markup(_rendered(quote))


def quote_plain(quote: str, media_type: str | None = None) -> str:
    """``quote`` as plain text: a Markdown source's emphasis marks taken away."""
    if media_type != MARKDOWN or "*" not in quote and "_" not in quote:
        return quote
    rendered = _rendered(quote)
    return Markup(rendered).striptags() if "<" in rendered else quote
