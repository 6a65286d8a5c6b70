"""Synthetic graphs in cnai-kg's vocabulary for the benchmark (``benchmarks/run.py``).

``write_graph(n, path)`` writes a Turtle file of ``n`` companies that passes the
project's SHACL shapes (``tests/test_bench_generator.py`` checks the 1k one):

- companies with English, Korean and Chinese labels, each based in a city and
  working in a sector; every such relation is described by a ``cnai:Statement``
  derived from its own ``cnai:SourceExcerpt`` (a quote, part of an article);
- cities in the three AI hubs (Jing-Jin-Ji, Yangtze River Delta, Pearl River
  Delta), the hubs in China, each ``schema:containedInPlace`` link sourced too;
- sectors, statuses, partnership types and partner roles as SKOS concepts;
- partnerships (about 0.65 per company, two or three partners), skewed: a
  few companies take part in hundreds, most in one or two; each with roles,
  a type, a status, a target market and a sector, derived from an excerpt.

Everything is synthetic and says so in its labels (``Company 12``, ``기업 12``,
``企业 12``); nothing here is a claim about the real world. About 37 triples per
company: 1k companies make about 37k triples, 100k about 3.7M.

Examples
--------
>>> import tempfile, pathlib
>>> path = write_graph(50, pathlib.Path(tempfile.mkdtemp()) / "g.ttl")
>>> path.stat().st_size > 10_000
True
"""

from __future__ import annotations

import random
from pathlib import Path

PREFIXES = """\
@prefix cnai: <https://w3id.org/cnai-kg/ontology#> .
@prefix kg: <https://w3id.org/cnai-kg/resource/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <https://schema.org/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
"""

#: (id, English, Korean, Chinese) of the three hubs, as the shipped graph labels them.
HUBS = (
    ("JJJ", "Jing-Jin-Ji (synthetic)", "징진지 (합성)", "京津冀（合成）"),
    ("YRD", "Yangtze River Delta (synthetic)", "창장삼각주 (합성)", "长三角（合成）"),
    ("PRD", "Pearl River Delta (synthetic)", "주장삼각주 (합성)", "珠三角（合成）"),
)
CITIES_PER_HUB = 4
SECTORS = 12
MARKETS = 6
ROLES = ("Technology provider", "Platform operator", "Investor", "Manufacturer")
STATUSES = ("Active", "Proposed")
TYPES = ("Technology alliance", "Joint market entry", "Supply agreement")
PARTNERSHIPS_PER_COMPANY = 0.65


def _labels(en: str, ko: str, zh: str) -> str:
    return f'rdfs:label "{en}"@en , "{ko}"@ko , "{zh}"@zh'


class _Writer:
    """Turtle statements, with one sourced cnai:Statement per relation."""

    def __init__(self, out):
        self.out = out
        self.excerpts = 0
        self.articles = 0

    def line(self, text: str) -> None:
        self.out.write(text + "\n")

    def excerpt(self, text: str) -> str:
        """A new source excerpt quoting ``text``; returns its CURIE."""
        i = self.excerpts
        self.excerpts += 1
        article = i // 5_000  # a synthetic article per 5,000 excerpts
        if article >= self.articles:
            self.line(
                f"kg:bench-article-{article} a cnai:Article ; "
                f'rdfs:label "Synthetic benchmark article {article}"@en ; '
                'dcterms:language "ko" .'
            )
            self.articles += 1
        self.line(
            f"kg:bench-ex-{i} a cnai:SourceExcerpt ; dcterms:isPartOf kg:bench-article-{article} ; "
            f'cnai:quote "{text}"@ko .'
        )
        return f"kg:bench-ex-{i}"

    def relation(self, s: str, p: str, o: str, quote: str) -> None:
        """``s p o`` and the statement that sources it."""
        ex = self.excerpt(quote)
        self.line(f"{s} {p} {o} .")
        self.line(
            f"kg:bench-st-{self.excerpts} a cnai:Statement ; rdf:subject {s} ; "
            f"rdf:predicate {p} ; rdf:object {o} ; prov:wasDerivedFrom {ex} ."
        )


def write_graph(n: int, path: Path, *, seed: int = 0) -> Path:
    """Write a synthetic graph of ``n`` companies to ``path`` (Turtle); returns ``path``."""
    rng = random.Random(seed * 1_000_003 + n)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        w = _Writer(out)
        out.write(PREFIXES)
        w.line(
            "kg:bench-China a cnai:Country ; "
            + _labels("China (synthetic)", "중국 (합성)", "中国（合成）")
            + " ."
        )
        for scheme, terms, cls in (
            ("statuses", STATUSES, "cnai:Status"),
            ("types", TYPES, "cnai:PartnershipType"),
            ("roles", ROLES, "cnai:PartnerRole"),
        ):
            w.line(
                f"kg:bench-scheme-{scheme} a skos:ConceptScheme ; "
                f'rdfs:label "Synthetic {scheme}"@en .'
            )
            for i, term in enumerate(terms):
                w.line(
                    f"kg:bench-{scheme}-{i} a {cls} , skos:Concept ; "
                    f"skos:inScheme kg:bench-scheme-{scheme} ; "
                    f'rdfs:label "{term} (synthetic)"@en .'
                )
        w.line('kg:bench-scheme-sectors a skos:ConceptScheme ; rdfs:label "Synthetic sectors"@en .')
        for i in range(SECTORS):
            w.line(
                f"kg:bench-sector-{i} a cnai:Sector ; skos:inScheme kg:bench-scheme-sectors ; "
                + _labels(f"Sector {i}", f"분야 {i}", f"行业 {i}")
                + " ."
            )
        for i in range(MARKETS):
            w.line(
                f"kg:bench-market-{i} a cnai:Country ; "
                + _labels(f"Market {i}", f"시장 {i}", f"市场 {i}")
                + " ."
            )
        cities = []
        for code, en, ko, zh in HUBS:
            hub = f"kg:bench-hub-{code}"
            w.line(f"{hub} a cnai:AIHub ; " + _labels(en, ko, zh) + " .")
            w.relation(hub, "schema:containedInPlace", "kg:bench-China", f"{ko}는 중국에 있다.")
            for c in range(CITIES_PER_HUB):
                city = f"kg:bench-city-{code}-{c}"
                cities.append(city)
                w.line(
                    f"{city} a cnai:City ; "
                    + _labels(f"City {code}-{c}", f"도시 {code}-{c}", f"城市 {code}-{c}")
                    + " ."
                )
                w.relation(city, "schema:containedInPlace", hub, f"도시 {code}-{c}는 {ko}에 있다.")
        for i in range(n):
            co = f"kg:bench-co-{i}"
            w.line(
                f"{co} a cnai:Company ; " + _labels(f"Company {i}", f"기업 {i}", f"企业 {i}") + " ."
            )
            city = cities[rng.randrange(len(cities))]
            w.relation(co, "cnai:basedIn", city, f"기업 {i}의 본사는 도시 {city[14:]}에 있다.")
            sector = rng.randrange(SECTORS)
            w.relation(
                co,
                "cnai:inSector",
                f"kg:bench-sector-{sector}",
                f"기업 {i}는 분야 {sector}에서 일한다.",
            )
        # skewed: the first partner of each partnership is drawn from a heavy-tailed
        # distribution over the companies in a shuffled order (the k-th of that order is
        # drawn with a probability that falls like k^(-2/3)), the others uniformly: a few
        # companies take part in hundreds of partnerships, most in one or two
        order = list(range(n))
        rng.shuffle(order)
        for j in range(round(n * PARTNERSHIPS_PER_COMPANY)):
            size = 3 if rng.random() < 0.1 else 2
            members: list[int] = [order[int(n * rng.random() ** 3)]]
            while len(members) < size:
                c = rng.randrange(n)
                if c not in members:
                    members.append(c)
            p = f"kg:bench-partnership-{j}"
            names = " & ".join(f"Company {c}" for c in members)
            ex = w.excerpt(f"{' · '.join(f'기업 {c}' for c in members)} 제휴.")
            parts = [f"kg:bench-part-{j}-{k}" for k in range(size)]
            w.line(
                f"{p} a cnai:Partnership ; "
                + _labels(f"Partnership {j}: {names}", f"제휴 {j}", f"合作 {j}")
                + f" ; cnai:hasParticipation {' , '.join(parts)} ; "
                f"cnai:partnershipType kg:bench-types-{rng.randrange(len(TYPES))} ; "
                f"cnai:status kg:bench-statuses-{rng.randrange(len(STATUSES))} ; "
                f"cnai:targetMarket kg:bench-market-{rng.randrange(MARKETS)} ; "
                f"cnai:sector kg:bench-sector-{rng.randrange(SECTORS)} ; "
                f"prov:wasDerivedFrom {ex} ."
            )
            for part, c in zip(parts, members, strict=True):
                w.line(
                    f"{part} a cnai:Participation ; org:member kg:bench-co-{c} ; "
                    f"org:organization {p} ; org:role kg:bench-roles-{rng.randrange(len(ROLES))} ."
                )
    return path


if __name__ == "__main__":
    import sys

    size = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    print(write_graph(size, Path(sys.argv[2] if len(sys.argv) > 2 else f"bench-{size}.ttl")))
