"""The named-query library: ``.rq`` files with a comment header, and the header parser.

Named queries are ``.rq`` files shipped in ``cnai_kg/queries/``, each opening
with a header of comment lines::

    # title: Companies and other organisations per AI hub and city
    # description: ...
    # param hub: entity cnai:AIHub, optional -- the hub, by any label or alias
    # example: cnai-kg query --name companies-by-hub --param hub=주강삼각주

A title, description or parameter description in another language is the same
key with a language tag (English is the untagged one, and the fallback)::

    # title@ko: AI 거점과 도시별 기업과 기타 조직
    # param@ko hub: 거점 하나 (아무 이름이나)

Parameter kinds: ``entity [CLASS]`` (a name, CURIE or IRI, resolved to an
IRI; with CLASS it must be an instance of it), ``string``, ``integer``,
``decimal`` and ``lang`` (a language tag; when left out it is the label
language of the run). Ad-hoc queries may carry the same header.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from .. import resources
from ..errors import UsageError

__all__ = ["NamedQuery", "Param", "named_queries", "named_query", "parse_header"]


@dataclass(frozen=True)
class Param:
    """A parameter declared in a query header (``# param NAME: KIND ...``)."""

    name: str
    kind: str = "entity"
    cls: str | None = None
    optional: bool = False
    description: str = ""

    def usage(self) -> str:
        """``hub=ENTITY`` or ``[hub=ENTITY]`` for help texts."""
        text = f"{self.name}={self.kind.upper()}"
        return f"[{text}]" if self.optional else text


_PARAM_KINDS = ("entity", "string", "integer", "decimal", "lang")
_HEADER_LINE = re.compile(
    r"^#\s?(?P<key>[a-z]+)(?:@(?P<lang>[a-z]{2,3}))?(?:\s+(?P<name>[A-Za-z_]\w*))?\s*:"
    r"\s*(?P<value>.*)$"
)
_PARAM_SPEC = re.compile(
    r"^(?P<kind>[a-z]+)(?:\s+(?P<cls>[A-Za-z][\w-]*:[\w-]*))?\s*(?P<opt>,\s*optional)?"
    r"\s*(?:(?:--|—|–)\s*(?P<desc>.*))?$"
)


def parse_header(text: str, *, source: str = "query") -> dict[str, Any]:
    """Read the comment header of a query: title, description, params, examples.

    The header is the run of ``#`` lines at the top. ``# key: value`` starts an
    entry; a following ``#`` line indented by two or more spaces continues it.
    ``# key@LANG: value`` is the title, description or parameter description in
    another language: ``translations[LANG]`` holds them (``title``,
    ``description``, ``params`` by name).

    Examples
    --------
    >>> h = parse_header('''# title: Hubs
    ... # title@ko: 거점
    ... # param hub: entity cnai:AIHub, optional -- the hub
    ... # param@ko hub: 거점 하나
    ... # example: cnai-kg query --name hubs
    ... SELECT * {}''')
    >>> h["title"], h["params"][0].cls, h["params"][0].optional
    ('Hubs', 'cnai:AIHub', True)
    >>> h["translations"]["ko"]
    {'title': '거점', 'params': {'hub': '거점 하나'}}
    """
    entries: list[list[str]] = []
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line.strip():
            if entries:
                break
            continue
        if not line.lstrip().startswith("#"):
            break
        line = line.strip()
        if re.match(r"^#\s{2,}\S", line) and entries:
            entries[-1][3] += " " + line[1:].strip()
            continue
        m = _HEADER_LINE.match(line)
        if m:
            entries.append([m["key"], m["lang"] or "", m["name"] or "", m["value"].strip()])
        elif entries:
            entries[-1][3] += " " + line[1:].strip()
    header: dict[str, Any] = {
        "title": "",
        "description": "",
        "params": [],
        "examples": [],
        "translations": {},
    }
    for key, lang, name, value in entries:
        if lang:
            if key in ("title", "description"):
                header["translations"].setdefault(lang, {})[key] = value
            elif key == "param" and name:
                header["translations"].setdefault(lang, {}).setdefault("params", {})[name] = value
            continue
        if key == "param":
            spec = _PARAM_SPEC.match(value)
            if not name or not spec or spec["kind"] not in _PARAM_KINDS:
                raise UsageError(
                    f"{source}: bad parameter line {('param ' + name + ': ' + value)!r}; write "
                    f"'# param NAME: KIND [CLASS][, optional] -- description' with KIND one of "
                    f"{', '.join(_PARAM_KINDS)}"
                )
            if spec["cls"] and spec["kind"] != "entity":
                raise UsageError(f"{source}: only entity parameters take a class ({name})")
            header["params"].append(
                Param(
                    name, spec["kind"], spec["cls"], bool(spec["opt"]), (spec["desc"] or "").strip()
                )
            )
        elif key == "example":
            header["examples"].append(value)
        elif key in ("title", "description"):
            header[key] = value
    header["params"] = tuple(header["params"])
    header["examples"] = tuple(header["examples"])
    return header


@dataclass(frozen=True)
class NamedQuery:
    """A query of the shipped library (``cnai_kg/queries/NAME.rq``)."""

    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    examples: tuple[str, ...]
    text: str
    path: Path | None = None
    translations: Mapping[str, Mapping[str, Any]] = field(default_factory=dict, compare=False)

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def title_in(self, lang: str | None) -> str:
        """The title in ``lang`` when the header gives one, else the English title."""
        return self.translations.get(lang or "", {}).get("title") or self.title

    def description_in(self, lang: str | None) -> str:
        """The description in ``lang`` when the header gives one, else the English one."""
        return self.translations.get(lang or "", {}).get("description") or self.description

    def text_in(self, lang: str | None) -> str:
        """The query's text with the header lines in languages other than ``lang`` left out.

        >>> q = named_query("hubs").text_in("ko")
        >>> [line.split(":")[0] for line in q.splitlines() if line.startswith("# title")]
        ['# title', '# title@ko']
        """
        out: list[str] = []
        dropping = False
        in_header = True
        for line in self.text.splitlines(keepends=True):
            if in_header and not line.startswith("#"):
                in_header = False
            if in_header:
                m = _HEADER_LINE.match(line.strip())
                if m:
                    dropping = bool(m["lang"]) and m["lang"] != lang
                if dropping:
                    continue
            out.append(line)
        return "".join(out)

    def param_description(self, name: str, lang: str | None) -> str:
        """What parameter ``name`` means, in ``lang`` when the header says, else in English."""
        found = self.translations.get(lang or "", {}).get("params", {}).get(name)
        if found:
            return found
        param = self.param(name)
        return param.description if param else ""


@cache
def _library() -> dict[str, NamedQuery]:
    out = {}
    for path in sorted(resources.query_dir().glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        h = parse_header(text, source=path.name)
        out[path.stem] = NamedQuery(
            path.stem,
            h["title"],
            h["description"],
            h["params"],
            h["examples"],
            text,
            path,
            h["translations"],
        )
    return out


def named_queries() -> dict[str, NamedQuery]:
    """The named-query library: name -> :class:`NamedQuery`, sorted by name."""
    return dict(_library())


def named_query(name: str) -> NamedQuery:
    """One named query; :class:`UsageError` with the closest names when unknown."""
    library = _library()
    if name in library:
        return library[name]
    close = difflib.get_close_matches(name, list(library), n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else "; list them with 'cnai-kg queries'"
    raise UsageError(f"unknown named query {name!r}{hint}")
