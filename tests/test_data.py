"""The graph against its source: verbatim quotes, provenance chain, exhaustive figures, labels."""

from __future__ import annotations

import re

import pytest
from rdflib import Literal

import cnai_kg
from cnai_kg import resources
from cnai_kg.namespaces import CNAI, DCTERMS, KG, ORG, PROV, RDF, RDFS, SCHEMA, SKOS

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
        "fig-apollo-go-rides",
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


# ----------------------------------------------------------------- issue 9: data fixes


def test_apollo_go_rides_are_not_placed_in_wuhan(kg, source_text):
    """The source gives the 2.5 million rides beside Wuhan without saying they are Wuhan's."""
    fig = KG["fig-apollo-go-rides"]
    quote = str(kg.rdf.value(kg.rdf.value(fig, PROV.wasDerivedFrom), CNAI.quote))
    assert "250만 회" in quote and quote in source_text
    assert "우한에서" not in source_text and "우한의" not in source_text
    assert kg.rdf.value(fig, CNAI.region) is None
    assert all(
        "Wuhan" not in str(label) and "우한" not in str(label)
        for label in kg.rdf.objects(fig, RDFS.label)
    )
    caveats = {c.language: str(c) for c in kg.rdf.objects(fig, CNAI.caveat)}
    assert "Wuhan only" in " ".join(str(c) for c in kg.rdf.objects(fig, CNAI.caveat))
    assert "우한만의" in " ".join(str(c) for c in kg.rdf.objects(fig, CNAI.caveat))
    assert set(caveats) == {"en", "ko"}


@pytest.mark.parametrize(
    "wording, indicator",
    [("산업 규모", "ind-industry-size"), ("시장 규모", "ind-market-size")],
)
def test_industry_size_and_market_size_are_separate_indicators(kg, source_text, wording, indicator):
    """Every figure whose quote says 산업 규모 uses the industry-size indicator, 시장 규모 the
    market-size one, and each indicator's Korean label is that very wording."""
    assert wording in source_text
    ind = KG[indicator]
    assert Literal(wording, lang="ko") in set(kg.rdf.objects(ind, RDFS.label))
    assert Literal(wording, lang="ko") not in set(kg.rdf.objects(None, SKOS.altLabel))
    figures = set(kg.rdf.subjects(CNAI.indicator, ind))
    assert figures
    for fig in figures:
        quotes = [
            str(kg.rdf.value(ex, CNAI.quote)) for ex in kg.rdf.objects(fig, PROV.wasDerivedFrom)
        ]
        assert any(wording in q for q in quotes), fig
    if indicator == "ind-industry-size":
        assert figures == {KG["fig-ai-industry-size-2024"]}


def test_risks_name_whom_they_affect_not_a_beneficiary(kg):
    risks = set(kg.rdf.subjects(RDF.type, CNAI.Risk))
    assert len(risks) == 2
    for risk in risks:
        assert kg.rdf.value(risk, CNAI.beneficiary) is None, risk
        assert kg.rdf.value(risk, CNAI.affects) == KG.KoreanFirms, risk
    labels = kg.labels(CNAI.affects)
    assert labels["en"] == ["affects"] and labels["ko"] == ["영향 대상"]


def test_the_article_is_a_blog_post_summarising_the_report_on_the_site_the_file_names(
    kg, source_text
):
    article, site = KG["Article-China-AI"], KG["Site-syhmwolf-kr"]
    assert (article, RDF.type, CNAI.BlogPost) in kg.rdf
    assert (article, PROV.wasDerivedFrom, KG["KOTRA-Report-2025-10"]) in kg.rdf
    assert (article, SCHEMA.isPartOf, site) in kg.rdf
    # the site is named by the file's last line, and nowhere else
    assert source_text.rstrip().splitlines()[-1] == "syhmwolf.kr"
    assert source_text.count("syhmwolf") == 1
    assert {str(x) for x in kg.rdf.objects(site, RDFS.label)} == {"syhmwolf.kr"}
    caveats = " ".join(str(c) for c in kg.rdf.objects(article, CNAI.caveat))
    assert "does not call the article a blog post" in caveats
    # no blog title, author or other name is asserted
    assert kg.rdf.value(article, DCTERMS.creator) is None
    assert kg.rdf.value(article, DCTERMS.title) is None


def test_the_local_partner_proposal_has_no_si_epc_edge(kg, source_text):
    """Korean firms collaborate with 'leading local partners (SI firms, EPC firms)'; the
    source says nothing of SI and EPC firms working with each other."""
    assert "현지 유력 파트너사(SI 기업, EPC 기업)와의 협업" in source_text
    members = {
        kg.curie(m)
        for part in kg.rdf.objects(KG["partnership-proposed-local"], CNAI.hasParticipation)
        for m in kg.rdf.objects(part, ORG.member)
    }
    assert members == {"kg:KoreanFirms", "kg:LeadingLocalPartners"}
    for collapse in ("collapse", "nodes"):
        G = kg.to_networkx(partnerships=collapse, directed=False, status="all")
        assert not G.has_edge("kg:LocalSIFirms", "kg:LocalEPCFirms"), collapse
    G = kg.to_networkx(status="all")
    for group in ("kg:LocalSIFirms", "kg:LocalEPCFirms"):
        assert {
            d["relation"]
            for _, v, d in G.out_edges(group, data=True)
            if v == "kg:LeadingLocalPartners"
        } == {"cnai:inGroup"}


def test_every_english_caveat_has_a_korean_one_beside_it(kg):
    subjects = set(kg.rdf.subjects(CNAI.caveat, None))
    assert len(subjects) > 25
    for s in subjects:
        langs = [c.language for c in kg.rdf.objects(s, CNAI.caveat)]
        assert langs.count("en") == langs.count("ko") > 0, (s, langs)


def test_zh_labels_that_were_missing(kg):
    for curie, zh in [
        ("kg:sector-ai-plus-industry", "AI+产业融合"),
        ("kg:ind-industry-size", "产业规模"),
        ("kg:ind-robotaxi-rides", "无人驾驶出租车乘坐次数"),
        ("kg:DAMOPancreaticCancerModel", "达摩院胰腺癌早期诊断模型"),
        ("kg:entry-local-partner", "与本地主要合作伙伴协作进入"),
    ]:
        assert kg.labels(kg.resolve(curie)).get("zh") == [zh], curie
    for sector in kg.entities(CNAI.Sector):
        assert kg.labels(sector).get("zh"), sector
    for indicator in kg.entities(CNAI.Indicator):
        assert kg.labels(indicator).get("zh"), indicator


def test_the_reported_status_reads_right_on_a_population_figure(kg):
    status = kg.rdf.value(KG["fig-china-population"], CNAI.status)
    assert status == KG["status-reported"]
    labels = kg.labels(status)
    assert labels["ko"] == ["보고 수치"] and labels["zh"] == ["报告数值"]


def test_korean_aliases_only_where_standard(kg, source_text):
    assert "포니AI" in {str(a) for a in kg.rdf.objects(KG.PonyAI, SKOS.altLabel)}
    assert kg.resolve("포니AI") == KG.PonyAI
    # the source writes ROKAE in Latin letters only and no Korean name is standard: none added
    assert "ROKAE" in source_text
    assert all(
        not re.search("[\uac00-\ud7a3]", str(a)) for a in kg.rdf.objects(KG.ROKAE, SKOS.altLabel)
    )


@pytest.mark.parametrize(
    "company, country",
    [
        ("CATL", "China"),
        ("Haier", "China"),
        ("DeepSeek", "China"),
        ("PonyAI", "China"),
        ("WeRide", "China"),
        ("Uber", "UnitedStates"),
    ],
)
def test_home_countries_are_definitional_facts_with_a_reason(kg, company, country):
    assert (KG[company], CNAI.basedIn, KG[country]) in kg.rdf
    (statement,) = [
        st
        for st in kg.rdf.subjects(RDF.subject, KG[company])
        if kg.rdf.value(st, RDF.predicate) == CNAI.basedIn
        and kg.rdf.value(st, RDF.object) == KG[country]
    ]
    assert (statement, RDF.type, CNAI.DefinitionalFact) in kg.rdf
    assert kg.rdf.value(statement, PROV.wasDerivedFrom) is None
    reasons = {c.language: str(c) for c in kg.rdf.objects(statement, RDFS.comment)}
    assert reasons["en"].startswith("Background knowledge:") and reasons["ko"]


def test_every_definitional_reason_is_in_english_korean_and_chinese(kg):
    facts = set(kg.rdf.subjects(RDF.type, CNAI.DefinitionalFact))
    assert len(facts) >= 23
    for fact in facts:
        reasons = [c.language for c in kg.rdf.objects(fact, RDFS.comment)]
        assert sorted(reasons) == ["en", "ko", "zh"], (fact, reasons)
    # a reason a page or `show --lang ko` prints is the one in that language
    (uber,) = [f for f in kg.facts_about("Uber", "ko") if f.definitional]
    assert uber.why.startswith("배경 지식: 우버는")
    (wuhan,) = [f for f in kg.facts_about("Wuhan", "zh") if f.definitional]
    assert wuhan.why.startswith("地理：武汉是中国城市")
    # names inside a reason are the graph's own labels in that language
    (kotra,) = [f for f in kg.facts_about("KOTRA", "zh") if f.definitional]
    assert kg.labels(KG.KOTRA)["zh"][0] in kotra.why
