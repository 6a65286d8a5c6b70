"""The layouts of the sheets ``cnai-kg import`` reads: one kind of row per sheet.

Each kind has columns (English names; the Korean ones are accepted too), a few of
them required. A header is matched case-, space- and hyphen-insensitively
(``Label EN``, ``label-en`` and ``label_en`` are one column). A workbook's sheet
says its kind by its name (``relations``, ``관계``, ...); a CSV (or a sheet with
another name) by its header.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["KINDS", "Column", "Kind", "kind_of_header", "kind_of_sheet", "normalize_header"]

#: How many partners a partnerships row can name (partner1/role1 ... partner9/role9).
MAX_PARTNERS = 9


@dataclass(frozen=True)
class Column:
    """One column of a layout."""

    name: str
    korean: tuple[str, ...] = ()
    required: bool = False
    help: str = ""
    example: str = ""


@dataclass(frozen=True)
class Kind:
    """A kind of row: its name, Korean sheet names, columns, and the columns that tell
    a header of this kind from the others."""

    name: str
    korean: tuple[str, ...]
    columns: tuple[Column, ...]
    signature: frozenset[str]
    help: str

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def match(self, header: str) -> str | None:
        """The column ``header`` names, or None."""
        key = normalize_header(header)
        for column in self.columns:
            if key == column.name or key in (normalize_header(k) for k in column.korean):
                return column.name
        return None


def normalize_header(text: str) -> str:
    """A header as it is matched.

    >>> normalize_header(" Label-EN "), normalize_header("label@ko"), normalize_header("인용문")
    ('label_en', 'label_ko', '인용문')
    """
    text = unicodedata.normalize("NFKC", str(text)).strip().casefold()
    return re.sub(r"[\s\-@.]+", "_", text).strip("_")


_QUOTE = (
    Column(
        "quote",
        ("인용문", "인용", "원문"),
        True,
        "the exact words of the source, as they are in it (whitespace may differ)",
        "Example Robotics, based in Seoul, makes vision grippers for Chinese factories.",
    ),
    Column(
        "source",
        ("출처", "자료"),
        True,
        "the id of a registered source (cnai-kg source list)",
        "example-notes",
    ),
    Column("prefix", ("앞", "앞문맥"), False, "text just before the quote, when it is there twice"),
    Column("suffix", ("뒤", "뒷문맥"), False, "text just after the quote, when it is there twice"),
    Column("caveat_en", ("유의사항_영어", "유의사항_en"), False, "what is unclear, in English"),
    Column(
        "caveat_ko", ("유의사항", "유의사항_한국어", "유의사항_ko"), False, "유의 사항 (한국어)"
    ),
)
_LABELS = (
    Column("label_en", ("이름_영어", "영문명", "영어_이름"), False, "label in English"),
    Column(
        "label_ko", ("이름_한국어", "국문명", "한글명", "한국어_이름"), False, "label in Korean"
    ),
    Column("label_zh", ("이름_중국어", "중문명", "중국어_이름"), False, "label in Chinese"),
)


def _partners() -> tuple[Column, ...]:
    out = []
    for n in range(1, MAX_PARTNERS + 1):
        out.append(
            Column(
                f"partner{n}",
                (f"파트너{n}",),
                n <= 2,
                "a partner (any name of an entity)",
                ("Example Robotics", "Example Motors")[n - 1] if n <= 2 else "",
            )
        )
        out.append(
            Column(
                f"role{n}",
                (f"역할{n}",),
                n <= 2,
                "its role (a cnai:PartnerRole)",
                ("Technology provider", "Manufacturer")[n - 1] if n <= 2 else "",
            )
        )
    return tuple(out)


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            "entities",
            ("개체", "엔티티"),
            (
                Column(
                    "id",
                    ("아이디", "식별자"),
                    False,
                    "local name of its IRI (kg:ID)",
                    "ExampleRobotics",
                ),
                Column(
                    "class",
                    ("클래스", "종류"),
                    True,
                    "a class: cnai:Company, Company or 기업",
                    "Company",
                ),
                Column(
                    _LABELS[0].name, _LABELS[0].korean, True, "label in English", "Example Robotics"
                ),
                Column(
                    _LABELS[1].name, _LABELS[1].korean, False, "label in Korean", "예시 로보틱스"
                ),
                Column(_LABELS[2].name, _LABELS[2].korean, False, "label in Chinese", ""),
                Column(
                    "aliases",
                    ("별칭", "다른_이름"),
                    False,
                    "other names, ';'-separated (name@ko to say the language)",
                    "ExRobo; 엑스로보@ko",
                ),
            ),
            frozenset({"class"}),
            "the organisations, places and concepts your facts are about",
        ),
        Kind(
            "relations",
            ("관계",),
            (
                Column(
                    "subject",
                    ("주어", "주체"),
                    True,
                    "an entity (any of its names)",
                    "Example Robotics",
                ),
                Column(
                    "relation",
                    ("관계",),
                    True,
                    "cnai:basedIn, basedIn or its label ('based in', '소재지')",
                    "basedIn",
                ),
                Column(
                    "object",
                    ("목적어", "대상", "객체"),
                    True,
                    "an entity (any of its names)",
                    "Seoul",
                ),
                *_QUOTE[:2],
                Column(
                    "status",
                    ("상태",),
                    False,
                    "reported (the default), active or proposed",
                    "",
                ),
                *_QUOTE[2:],
            ),
            frozenset({"subject", "relation", "object"}),
            "one sourced relation between two entities per row",
        ),
        Kind(
            "partnerships",
            ("파트너십", "제휴"),
            (
                Column("id", ("아이디", "식별자"), False, "local name of its IRI"),
                *_LABELS,
                *_partners(),
                Column(
                    "type",
                    ("유형",),
                    True,
                    "partnership types, ';'-separated (cnai:PartnershipType)",
                    "Technology alliance",
                ),
                Column("status", ("상태",), True, "active or proposed", "Active"),
                Column(
                    "market", ("시장", "목표_시장"), False, "target markets, ';'-separated", "China"
                ),
                Column(
                    "date", ("날짜", "시작일"), False, "when it began: YYYY, YYYY-MM or YYYY-MM-DD"
                ),
                Column("sector", ("산업", "분야"), False, "sectors, ';'-separated"),
                *_QUOTE,
            ),
            frozenset({"partner1", "partner2"}),
            "a partnership per row: its partners with their roles, type, status, market, date",
        ),
        Kind(
            "figures",
            ("수치", "시장_수치"),
            (
                Column("id", ("아이디", "식별자"), False, "local name of its IRI"),
                *_LABELS,
                Column(
                    "indicator",
                    ("지표",),
                    True,
                    "what it measures (a cnai:Indicator)",
                    "Market size",
                ),
                Column(
                    "value",
                    ("값",),
                    False,
                    "the number (or give min_value / max_value)",
                    "1200000000",
                ),
                Column("min_value", ("최솟값", "최소"), False, "a lower bound ('over ...')"),
                Column("max_value", ("최댓값", "최대"), False, "an upper bound ('up to ...')"),
                Column("unit", ("단위",), True, "its unit, as text", "CNY"),
                Column("currency", ("통화",), False, "ISO 4217 code of a money amount", "CNY"),
                Column("year", ("연도",), False, "the year it refers to", "2026"),
                Column("period", ("기간",), False, "or the period: 2024-2029"),
                Column("region", ("지역",), False, "the place it is about", "China"),
                Column("status", ("상태",), True, "reported, forecast or unclear", "forecast"),
                Column("about", ("대상",), False, "entities it is about, ';'-separated"),
                Column("sector", ("산업", "분야"), False, "sectors, ';'-separated"),
                Column("approximate", ("근삿값",), False, "yes when the source says 'about'"),
                Column(
                    "wording", ("원문_표현", "표현"), False, "the figure as the source writes it"
                ),
                *_QUOTE,
            ),
            frozenset({"indicator"}),
            "a market figure per row, as an observation",
        ),
        Kind(
            "claims",
            ("주장",),
            (
                Column("id", ("아이디", "식별자"), False, "local name of its IRI"),
                Column(_LABELS[0].name, _LABELS[0].korean, False, "a short title in English"),
                *_LABELS[1:],
                Column(
                    "text",
                    ("내용", "주장_내용"),
                    True,
                    "what the claim says, in English",
                    "Example Robotics sees demand for vision grippers in China.",
                ),
                Column(
                    "about",
                    ("대상",),
                    True,
                    "entities it is about, ';'-separated",
                    "Example Robotics",
                ),
                Column("sector", ("산업", "분야"), False, "sectors, ';'-separated"),
                *_QUOTE,
            ),
            frozenset({"text", "about"}),
            "a qualitative statement of the source per row",
        ),
    )
}

_SHEET_NAMES = {
    normalize_header(name): kind.name
    for kind in KINDS.values()
    for name in (kind.name, kind.name.rstrip("s"), *kind.korean)
}


def kind_of_sheet(name: str) -> str | None:
    """The kind a sheet's name says (``relations``, ``relation``, ``관계``), or None."""
    return _SHEET_NAMES.get(normalize_header(name))


def kind_of_header(headers: list[str]) -> str | None:
    """The kind whose telling columns a header holds (the one with the most), or None."""
    best, best_score = None, 0
    for kind in KINDS.values():
        names = {kind.match(h) for h in headers} - {None}
        if kind.signature <= names:
            score = len(names)
            if score > best_score:
                best, best_score = kind.name, score
    return best
