"""The graph against its source: verbatim quotes, provenance chain, exhaustive figures, labels."""

from __future__ import annotations

import re

import pytest
from rdflib import Literal

import cnai_kg
from cnai_kg import resources
from cnai_kg.namespaces import CNAI, DCTERMS, KG, PROV, RDF, RDFS, SKOS

KOTRA_ARTICLE_END = "GPT-5의 아성을 위협하는"


def quotes(kg):
    return {ex: str(q) for ex, q in kg.rdf.subject_objects(CNAI.quote)}


def test_every_quote_is_verbatim_in_the_source(kg, source_text):
    found = quotes(kg)
    assert len(found) >= 40
    missing = {str(ex): q for ex, q in found.items() if q not in source_text}
    assert missing == {}


def test_every_excerpt_belongs_to_an_article_and_the_main_article_to_the_report(kg, source_text):
    report = KG["KOTRA-Report-2025-10"]
    main, other = KG["Article-China-AI"], KG["Article-DeepSeek-V3"]
    assert (main, PROV.wasDerivedFrom, report) in kg.rdf
    assert (report, DCTERMS.publisher, KG.KOTRA) in kg.rdf
    assert str(kg.rdf.value(report, DCTERMS.issued)) == "2025-10"
    split = source_text.index(KOTRA_ARTICLE_END)
    for excerpt, quote in quotes(kg).items():
        article = kg.rdf.value(excerpt, DCTERMS.isPartOf)
        position = source_text.index(quote)
        # the DeepSeek lines are a different, truncated article that is not the report's
        assert article == (main if position < split else other), excerpt


def test_the_deepseek_article_is_truncated_and_not_derived_from_the_report(kg):
    other = KG["Article-DeepSeek-V3"]
    assert kg.rdf.value(other, CNAI.truncated).toPython() is True
    assert kg.rdf.value(other, PROV.wasDerivedFrom) is None
    facts = {f.summary for f in kg.facts_about("DeepSeek V3")}
    assert "DeepSeek V3 —challenges→ GPT-5" in facts


def test_every_fact_is_sourced_or_definitional(kg):
    facts = set(kg.rdf.transitive_subjects(RDFS.subClassOf, CNAI.Fact))
    nodes = {s for cls in facts for s in kg.rdf.subjects(RDF.type, cls)}
    assert len(nodes) > 130
    for node in nodes:
        sourced = list(kg.rdf.objects(node, PROV.wasDerivedFrom))
        definitional = (node, RDF.type, CNAI.DefinitionalFact) in kg.rdf
        assert sourced or definitional, node
        assert not (sourced and definitional), node


# Every figure the KOTRA article states, as written there; each must be kept
# as a figure's original wording or inside it.
STATED_FIGURES = [
    "6,382억 달러",
    "32.1%",
    "189개",
    "78개",
    "41.3%",
    "1위",
    "75%",
    "35%",
    "1조 4,495억 위안",
    "250만 회",
    "15.6%",
    "1,157억 위안",
    "47.7%",
    "14억",
    "2위",
]


def test_every_stated_figure_is_a_market_figure(kg, source_text):
    article = source_text[: source_text.index(KOTRA_ARTICLE_END)]
    wordings = [str(w) for w in kg.rdf.objects(None, CNAI.originalWording)]
    for figure in STATED_FIGURES:
        assert figure in article, figure
        assert any(figure in w for w in wordings), figure


def test_no_number_in_the_article_is_left_out(kg, source_text):
    """A reader of the source must not find a stated number the graph lacks."""
    article = source_text[: source_text.index(KOTRA_ARTICLE_END)]
    numbers = {n.rstrip(".,") for n in re.findall(r"\d[\d,.]*", article)}
    headings = {"1", "2", "3", "4", "5", "6"}  # section numbers
    covered = " ".join(str(w) for w in kg.rdf.objects(None, CNAI.originalWording))
    covered += " " + " ".join(
        str(y)
        for p in (CNAI.year, CNAI.periodStart, CNAI.periodEnd)
        for y in kg.rdf.objects(None, p)
    )
    covered += " 2025 10 65"  # report date (dcterms:issued) and the 65+ age bound (indicator)
    missing = {n for n in numbers - headings if n not in covered}
    assert missing == set()


def test_every_passage_of_the_source_is_quoted(kg, source_text):
    """Blank out every quote: only headings, bullets and one rhetorical question may remain."""
    allowed = {
        ",",
        "-",
        "4.",  # joins between quotes; the 4th heading is quoted from its title
        "과연 그 안에서 우리 기업은 어떤 기회를 찾을 수 있을까요?",
        ", 과연 그 안에서 우리 기업은 어떤 기회를 찾을 수 있을까요?",
        "1. 정부 주도의 거대한 AI 생태계와 3대 거점",
        "2. 세계의 공장, '등대공장'으로 진화하다 (AI + 제조업)",
        "3. 대륙을 누비는 로보택시, 세계로 향하다 (AI + 자율주행)",
        "5. 한국 기업, 중국의 '빈틈'을 공략하라",
        "6. 철저한 현지화와 리스크 관리",
        "syhmwolf.kr",  # trailing line of the file, recorded as a caveat on the document
    }
    residue = source_text
    for quote in sorted(quotes(kg).values(), key=len, reverse=True):
        residue = residue.replace(quote, "\x00")
    left = {f.strip() for f in re.split(r"[\x00\n]", residue) if f.strip()}
    assert left - allowed == set()


def test_labels_in_english_and_korean_for_every_entity(kg):
    for entity in kg.entities():
        labels = kg.labels(entity)
        assert labels.get("en"), entity
        assert labels.get("ko"), entity


def test_chinese_labels_for_organisations_places_and_offerings(kg):
    """Uncertain translations are left out, but named organisations and places have one."""
    for cls in (CNAI.Company, CNAI.City, CNAI.AIHub, CNAI.Country, CNAI.ResearchUnit):
        for entity in kg.entities(cls):
            assert kg.labels(entity).get("zh"), entity


@pytest.mark.parametrize(
    "name, expected",
    [
        ("宁德时代", "CATL"),
        ("닝더스다이", "CATL"),
        ("Contemporary Amperex Technology", "CATL"),
        ("萝卜快跑", "Apollo Go"),
        ("뤄버콰이파오", "Apollo Go"),
        ("腾讯觅影", "Tencent Miying"),
        ("达摩院", "DAMO Academy"),
        ("장강삼각주", "Yangtze River Delta"),
        ("珠三角", "Pearl River Delta"),
        ("우한", "Wuhan"),
        ("优步", "Uber"),
        ("珞石机器人", "ROKAE"),
    ],
)
def test_aliases_in_every_language(kg, name, expected):
    assert kg.label(kg.resolve(name), "en") == expected


def test_place_hierarchy(kg):
    contained = {
        (kg.label(a), kg.label(b))
        for a, b in kg.rdf.subject_objects(cnai_kg.namespaces.SCHEMA.containedInPlace)
    }
    assert {
        ("Beijing", "Jing-Jin-Ji (Beijing–Tianjin–Hebei)"),
        ("Shanghai", "Yangtze River Delta"),
        ("Shenzhen", "Pearl River Delta"),
        ("Guangzhou", "Pearl River Delta"),
        ("Wuhan", "China"),
        ("Yangtze River Delta", "China"),
        ("United Arab Emirates", "Middle East"),
    } <= contained
    # Wuhan belongs to no hub
    assert kg.rdf.value(KG.Wuhan, cnai_kg.namespaces.SCHEMA.containedInPlace) == KG.China


def test_uber_partnerships_divide_the_roles(kg):
    rows = kg.rdf.query(
        """
        SELECT ?p ?member ?role ?market WHERE {
          ?p a cnai:Partnership ; cnai:hasParticipation ?m ; cnai:targetMarket ?market ;
             cnai:status kg:status-active .
          ?m org:member ?member ; org:role ?role .
        }""",
        initNs=cnai_kg.PREFIXES,
    )
    got = {(kg.label(r.member), kg.label(r.role), kg.label(r.market)) for r in rows}
    assert got == {
        ("Pony.ai", "Technology provider", "United Arab Emirates"),
        ("WeRide", "Technology provider", "United Arab Emirates"),
        ("Uber", "Platform operator", "United Arab Emirates"),
    }


def test_vague_facts_carry_a_caveat(kg):
    for fig in (
        "fig-apollo-go-rides-wuhan",
        "fig-ai-imaging-device-share",
        "fig-china-65plus-share",
        "fig-smart-factory-market-2025",
    ):
        assert kg.rdf.value(KG[fig], CNAI.caveat) is not None, fig
    assert kg.rdf.value(KG["fig-smart-factory-market-2025"], CNAI.status) == KG["status-unclear"]
    assert kg.rdf.value(KG["fig-ai-medical-market-2025"], CNAI.status) == KG["status-forecast"]


def test_shipped_files_are_split_by_topic():
    names = {p.name for p in resources.graph_files()}
    assert {
        "hubs.ttl",
        "manufacturing.ttl",
        "robotaxi.ttl",
        "healthcare.ttl",
        "korea.ttl",
        "deepseek.ttl",
        "sources.ttl",
    } <= names


def test_altlabels_are_language_tagged(kg):
    for lit in kg.rdf.objects(None, SKOS.altLabel):
        assert isinstance(lit, Literal) and lit.language in {"en", "ko", "zh"}, lit
