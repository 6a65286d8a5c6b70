"""Every named query answers correctly on the shipped graph.

Expected answers are written from the source text (shared/seeds/000_...txt), not
from the graph: entities are named as the source names them and resolved with
``kg.resolve``; quotes must be verbatim substrings of the source.
"""

from __future__ import annotations

import shlex
from collections import defaultdict
from decimal import Decimal

import pytest
from click.testing import CliRunner
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from cnai_kg.cli import cli
from cnai_kg.namespaces import CNAI, DCTERMS, KG, PROV
from cnai_kg.query import named_queries, named_query, parse_header, prepare

LIBRARY = named_queries()


def run(kg, name, lang="en", **params):
    return kg.query(name, lang=lang, **params)


def ids(kg, *names):
    return {kg.resolve(n) for n in names}


def num(node) -> Decimal:
    return Decimal(str(node))


# ------------------------------------------------------------------ the library


def test_library_has_at_least_twelve_queries():
    assert len(LIBRARY) >= 12
    assert {
        "companies-by-hub",
        "partnerships",
        "market-figures",
        "opportunities",
        "risks",
        "facts-about",
        "vague-facts",
        "label-coverage",
    } <= set(LIBRARY)


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_header_is_complete(name):
    q = named_query(name)
    assert q.title and q.description and q.examples, name
    assert q.text.startswith("# title: ")
    prepared = prepare(q.text)
    for param in q.params:
        assert param.description, (name, param.name)
        assert param.name in prepared.variables, (name, param.name)
    for example in q.examples:
        assert example.startswith(f"cnai-kg query --name {name}")


@pytest.mark.parametrize(
    "example", [ex for q in LIBRARY.values() for ex in q.examples], ids=lambda e: e[22:60]
)
def test_every_example_runs_and_answers(example):
    args = shlex.split(example)[1:]
    result = CliRunner().invoke(cli, [*args, "--format", "csv"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) >= 2, f"{example} answered nothing"


def test_header_parser_reads_continuations_and_params():
    h = parse_header(named_query("market-figures").text)
    assert h["title"] == "Market figures by sector and year: value, unit, reported or forecast"
    assert "the source's original wording" in h["description"]
    assert [(p.name, p.kind, p.optional) for p in h["params"]] == [
        ("sector", "entity", True),
        ("year", "integer", True),
        ("status", "entity", True),
        ("lang", "lang", True),
    ]


# ---------------------------------------------------------------- hubs, companies


def test_companies_of_the_pearl_river_delta_are_tencent_and_huawei(kg):
    for name in ("Pearl River Delta", "주강삼각주", "珠三角", "PRD"):
        rows = run(kg, "companies-by-hub", hub=name)
        assert {r.organisation for r in rows} == ids(kg, "Tencent", "Huawei"), name
        assert {r.kind for r in rows} == {CNAI.Company}


def test_companies_by_hub_all_hubs(kg):
    rows = run(kg, "companies-by-hub")
    got = {(r.hub, r.organisation) for r in rows}
    jjj, yrd, prd = (kg.resolve(n) for n in ("징진지", "장강삼각주", "주강삼각주"))
    assert got == {
        (jjj, kg.resolve("바이두")),
        (jjj, kg.resolve("명문대")),
        (yrd, kg.resolve("반도체 설계 기업 (장강삼각주)")),
        (yrd, kg.resolve("스마트 공장 솔루션 기업 (장강삼각주)")),
        (prd, kg.resolve("텐센트")),
        (prd, kg.resolve("화웨이")),
    }


def test_companies_by_hub_labels_in_korean(kg):
    rows = run(kg, "companies-by-hub", hub="珠江三角洲", lang="ko")
    assert sorted(d["organisation"] for d in rows.labelled("ko")) == ["텐센트", "화웨이"]
    assert {d["hub"] for d in rows.labelled("ko")} == {"주강삼각주"}


def test_hub_parameter_must_be_a_hub(kg):
    from cnai_kg.errors import UsageError

    with pytest.raises(UsageError, match="parameter hub: 'Shenzhen' is a City, not an AI hub"):
        run(kg, "companies-by-hub", hub="Shenzhen")


def test_hubs_cities_and_specialisations(kg):
    rows = run(kg, "hubs")
    items: dict = defaultdict(set)
    for r in rows:
        items[(r.hub, r.kind)].add(r.item)
    jjj, yrd, prd = (kg.resolve(n) for n in ("징진지", "장강삼각주", "주강삼각주"))
    # "징진지(베이징)", "장강삼각주(상하이)", "주강삼각주(선전·광저우)"
    assert items[(jjj, CNAI.City)] == ids(kg, "베이징")
    assert items[(yrd, CNAI.City)] == ids(kg, "상하이")
    assert items[(prd, CNAI.City)] == ids(kg, "선전", "광저우")
    focus = {
        hub: items[(hub, CNAI.Sector)] | items[(hub, CNAI.Technology)] for hub in (jjj, yrd, prd)
    }
    # "정책 수립과 R&D의 핵심 ... AI 알고리즘과 기초 기술을 선도"
    assert focus[jjj] == ids(kg, "정책 수립", "R&D", "AI 알고리즘", "기초 기술")
    # "'AI+산업' 융합의 거점"
    assert focus[yrd] == ids(kg, "AI+산업 융합")
    # "하드웨어 제조의 메카 ... 로봇, 자율주행, 스마트 기기 등 AI 하드웨어 제조에 특화"
    assert focus[prd] == ids(
        kg, "하드웨어 제조", "AI 하드웨어 제조", "로봇", "자율주행", "스마트 기기"
    )
    assert items[(prd, CNAI.Company)] == ids(kg, "텐센트", "화웨이")
    assert items[(jjj, CNAI.Company)] == ids(kg, "바이두")


# ---------------------------------------------------------------- partnerships


def _by_partnership(rows):
    out: dict = defaultdict(
        lambda: {"members": set(), "markets": set(), "status": set(), "types": set()}
    )
    for r in rows:
        p = out[r.partnership]
        p["members"].add((r.partner, r.role))
        if r.targetMarket is not None:
            p["markets"].add(r.targetMarket)
        p["status"].add(r.status)
        p["types"].add(str(r.types))
    return dict(out)


def test_uber_partnerships_roles_and_market(kg):
    rows = run(kg, "partnerships", involving="우버")
    parts = _by_partnership(rows)
    provider, operator = kg.resolve("기술 제공자"), kg.resolve("플랫폼 운영자")
    uber, uae = kg.resolve("Uber"), kg.resolve("UAE")
    # "Pony.ai와 WeRide는 ... 우버(Uber)와 손잡고 중동(UAE) 시장에 진출했습니다.
    #  기술은 중국 기업이 제공하고, 플랫폼 운영은 우버가 맡는 방식입니다."
    assert sorted(p["members"] for p in parts.values()) == sorted(
        [
            {(kg.resolve("Pony.ai"), provider), (uber, operator)},
            {(kg.resolve("WeRide"), provider), (uber, operator)},
        ],
        key=lambda s: sorted(map(str, s)),
    )
    for p in parts.values():
        assert p["markets"] == {uae}
        assert p["status"] == {kg.resolve("kg:status-active")}


def test_active_partnerships_are_exactly_the_uber_ones(kg):
    parts = _by_partnership(run(kg, "partnerships", status="active"))
    partners = {frozenset(m for m, _ in p["members"]) for p in parts.values()}
    assert partners == {frozenset(ids(kg, "Pony.ai", "Uber")), frozenset(ids(kg, "WeRide", "Uber"))}
    assert {t for p in parts.values() for t in p["types"]} and all(
        set(t.split(", ")) == {"Technology alliance", "Joint market entry"}
        for p in parts.values()
        for t in p["types"]
    )


def test_proposed_partnerships_follow_the_advice(kg):
    parts = _by_partnership(run(kg, "partnerships", status="proposed"))
    got = {frozenset(m for m, _ in p["members"]): p["markets"] for p in parts.values()}
    assert got == {
        # "중국 제조사에 B2B 공급을 노려볼 수 있습니다"
        frozenset(ids(kg, "한국 반도체 설계·모듈 제조 기업", "중국 제조사")): ids(kg, "중국"),
        # "중국 기업과 기술 제휴를 맺고 중동이나 동남아 등 제3국 시장으로 함께 진출"
        frozenset(ids(kg, "한국 기업", "중국 기업")): ids(kg, "중동", "동남아"),
        # "ROKAE 등은 ... 호환 가능한 부품을 공동 개발하는 '양방향 협력'"
        frozenset(ids(kg, "한국 비전 카메라·그리퍼 기업", "ROKAE")): set(),
        # "현지 유력 파트너사(SI 기업, EPC 기업)와의 협업"
        frozenset(ids(kg, "한국 기업", "현지 유력 파트너사")): ids(kg, "중국"),
    }


# -------------------------------------------------------------------- figures


# Every figure the source states: value -> (what, status, qualifier, year or period)
SOURCE_FIGURES = {
    Decimal("638200000000"): ("약 6,382억 달러", "reported", "about", "2024"),
    Decimal("32.1"): ("연평균 32.1% 성장할 것으로 전망", "forecast", "", "2024–2029"),
    Decimal("2"): ("세계 2위의 AI 강국", "reported", None, None),
    Decimal("189"): ("전 세계 189개", "reported", "", None),
    Decimal("78"): ("78개", "reported", "", None),
    Decimal("41.3"): ("41.3%", "reported", "", None),
    Decimal("1"): ("압도적인 1위", "reported", "", None),
    Decimal("75"): ("노동 생산성을 75% 높였고", "reported", "", None),
    Decimal("35"): ("에너지 소비를 35% 줄이는", "reported", "", None),
    Decimal("1449500000000"): ("약 1조 4,495억 위안", None, "about", "2025"),
    Decimal("2500000"): ("250만 회를 넘겼습니다", "reported", "at least", None),
    Decimal("1400000000"): ("14억 인구", "reported", None, None),
    Decimal("15.6"): ("65세 이상 15.6%", "reported", "", None),
    Decimal("115700000000"): ("1,157억 위안에 달할 전망", "forecast", "", "2025"),
    Decimal("47.7"): ("47.7%를 차지", "reported", "", None),
}


def test_market_figures_are_every_figure_of_the_source(kg, source_text):
    rows = run(kg, "market-figures")
    by_value = {num(r.value): r for r in rows}
    assert len(rows) == len(by_value) == len(SOURCE_FIGURES)
    assert set(by_value) == set(SOURCE_FIGURES)
    statuses = {
        "reported": kg.resolve("kg:status-reported"),
        "forecast": kg.resolve("kg:status-forecast"),
    }
    for value, (wording, status, qualifier, when) in SOURCE_FIGURES.items():
        r = by_value[value]
        assert wording.split("를 차지")[0] in source_text
        if status:
            assert r.status == statuses[status], value
        if qualifier is not None:
            assert str(r.qualifier) == qualifier, value
        if when is not None:
            assert str(r.when) == when, value
        assert r.wording is not None and str(r.wording) in source_text, value
    # the two forecasts the source marks with 전망
    forecast = {num(r.value) for r in rows if r.status == statuses["forecast"]}
    assert forecast == {Decimal("32.1"), Decimal("115700000000")}


def test_market_figures_units_and_currencies(kg):
    rows = {num(r.value): r for r in run(kg, "market-figures")}
    assert str(rows[Decimal("638200000000")].unit) == "USD"
    assert str(rows[Decimal("1449500000000")].unit) == "CNY"
    assert str(rows[Decimal("115700000000")].unit) == "CNY"
    assert str(rows[Decimal("2500000")].unit) == "rides"
    for v in ("32.1", "41.3", "75", "35", "15.6", "47.7"):
        assert "percent" in str(rows[Decimal(v)].unit)


def test_market_figures_of_healthcare_are_section_four(kg):
    # section 4: 14억 인구, 65세 이상 15.6%, 1,157억 위안, 47.7%
    for name in ("healthcare", "의료", "医疗"):
        rows = run(kg, "market-figures", sector=name)
        assert {num(r.value) for r in rows} == {
            Decimal("1400000000"),
            Decimal("15.6"),
            Decimal("115700000000"),
            Decimal("47.7"),
        }


def test_market_figures_by_year(kg):
    rows = run(kg, "market-figures", year=2024)
    assert {num(r.value) for r in rows} == {Decimal("638200000000"), Decimal("32.1")}
    rows = run(kg, "market-figures", year="2027")
    assert {num(r.value) for r in rows} == {Decimal("32.1")}
    rows = run(kg, "market-figures", year=2025, status="forecast")
    assert {num(r.value) for r in rows} == {Decimal("32.1"), Decimal("115700000000")}


def test_market_figures_sectors_column_in_korean(kg):
    rows = run(kg, "market-figures", sector="AI 의료", lang="ko")
    assert [str(r.sectors) for r in rows] == ["AI 의료"]
    assert rows.labelled("ko")[0]["status"] == kg.label(kg.resolve("kg:status-forecast"), "ko")


# -------------------------------------------------------------- opportunities


def test_opportunities_gap_capability_counterparty(kg, source_text):
    rows = run(kg, "opportunities", lang="ko")
    opps: dict = defaultdict(lambda: {"counterparty": set(), "rows": []})
    for r in rows:
        opps[r.opportunity]["rows"].append(r)
        if r.counterparty is not None:
            opps[r.opportunity]["counterparty"].add(r.counterparty)
    assert len(opps) == 4  # the four bullets of section 5
    by_mode = {opps_r["rows"][0].entryMode: opps_r for opps_r in opps.values()}
    chips = next(o for o in opps.values() if "대외 의존도" in str(o["rows"][0].chinaGap))
    # "고성능 AI 칩과 정밀 센서(라이다 등)의 대외 의존도가 여전히 높습니다.
    #  한국의 반도체 설계 기술과 모듈 제조 능력을 바탕으로 중국 제조사에 B2B 공급"
    assert "고성능 AI 칩과 정밀 센서(라이다 등)" in str(chips["rows"][0].chinaGap)
    assert str(chips["rows"][0].koreanCapability) in source_text
    assert chips["counterparty"] == ids(kg, "중국 제조사")
    robots = next(o for o in opps.values() if kg.resolve("ROKAE") in o["counterparty"])
    assert "비전 카메라나 그리퍼(집게)" in str(robots["rows"][0].koreanCapability)
    third = next(o for o in opps.values() if o["rows"][0].example is not None)
    # "WeRide와 우버의 사례처럼, 중국 기업과 기술 제휴를 맺고"
    assert third["rows"][0].example == kg.resolve("WeRide–Uber partnership (UAE)")
    assert third["counterparty"] == ids(kg, "중국 기업")
    llm = next(o for o in opps.values() if "LLM" in str(o["rows"][0].koreanCapability))
    assert llm["counterparty"] == set()  # the source names none
    assert "경량화된 LLM" in str(llm["rows"][0].koreanCapability)
    assert len(by_mode) == 4


def test_opportunities_text_falls_back_to_english_in_chinese(kg):
    rows = run(kg, "opportunities", lang="zh")
    texts = {str(r.koreanCapability) for r in rows if r.koreanCapability is not None}
    assert "Korea's semiconductor-design technology and module-manufacturing capability." in texts


def test_opportunities_in_robotics(kg):
    rows = run(kg, "opportunities", sector="로봇")
    assert {r.counterparty for r in rows} >= ids(kg, "ROKAE", "중국 제조사")


# ---------------------------------------------------------------------- risks


def test_risks_and_mitigation(kg):
    rows = run(kg, "risks", lang="ko")
    # "데이터 보안법과 IP(지식재산권) 문제 등 리스크도 상존합니다"
    assert len(rows) == 2
    laws = {r.law for r in rows}
    assert laws == {kg.resolve("데이터 보안법"), None}
    types = {kg.label(r.riskType, "en") for r in rows}
    assert types == {
        kg.label(kg.resolve("kg:risktype-data-security"), "en"),
        kg.label(kg.resolve("kg:risktype-ip"), "en"),
    }
    for r in rows:
        # "현지 유력 파트너사(SI 기업, EPC 기업)와의 협업을 통해"
        assert set(str(r.through).split(", ")) == {"현지 SI 기업", "현지 EPC 기업"}
        assert r.mitigation == rows[0].mitigation
        assert "exporting" in str(r.advice)  # the text is in English only


# ---------------------------------------------------------------- facts about


def test_facts_about_uber_carry_the_quotes(kg, source_text):
    rows = run(kg, "facts-about", entity="우버")
    quotes = {str(r.quote) for r in rows if r.quote is not None}
    assert (
        "Pony.ai와 WeRide는 글로벌 승차 공유 플랫폼인 우버(Uber)와 손잡고 중동(UAE) 시장에 "
        "진출했습니다." in quotes
    )
    assert "기술은 중국 기업이 제공하고, 플랫폼 운영은 우버가 맡는 방식입니다." in quotes
    facts = {r.fact for r in rows}
    assert {
        kg.resolve("Pony.ai–Uber partnership (UAE)"),
        kg.resolve("WeRide–Uber partnership (UAE)"),
    } <= facts
    assert {r.kind for r in rows} >= {CNAI.Partnership, CNAI.Statement}
    for r in rows:
        if r.definitional.toPython():  # Uber's home country: background, no quote
            assert r.quote is None
            assert "San Francisco" in str(r.why) or "샌프란시스코" in str(r.why)
            continue
        assert r.document == kg.resolve("kg:Article-China-AI")
        assert str(r.quote) in source_text


def test_facts_about_agrees_with_the_graph_api(kg):
    for name in ("CATL", "Wuhan", "Apollo Go", "KOTRA", "DeepSeek V3"):
        rows = run(kg, "facts-about", entity=name)
        assert {r.fact for r in rows} == {f.fact for f in kg.facts_about(name)}, name


def test_facts_about_catl_by_korean_alias(kg, source_text):
    rows = run(kg, "facts-about", entity="닝더스다이", lang="ko")
    quotes = {str(r.quote) for r in rows if r.quote is not None}
    assert any("노동 생산성을 75% 높였고" in q for q in quotes)
    assert all(q in source_text for q in quotes)


def test_facts_about_definitional_facts_have_a_reason_and_no_quote(kg):
    rows = run(kg, "facts-about", entity="Apollo Go")
    definitional = [r for r in rows if r.definitional.toPython() is True]
    assert definitional, "Apollo Go is Baidu's service: a definitional fact"
    for r in definitional:
        assert r.quote is None and r.why is not None


def test_every_quote_of_every_entity_is_verbatim(kg, source_text):
    for entity in kg.entities():
        for r in run(kg, "facts-about", entity=entity):
            if r.quote is not None:
                assert str(r.quote) in source_text, (entity, r.fact)


# ------------------------------------------------------------------ vague facts


def test_vague_facts_flags(kg):
    rows = run(kg, "vague-facts")
    flags: dict = defaultdict(set)
    for r in rows:
        flags[str(r.flag)].add(r.item)
    assert set(flags) == {"caveat", "status unclear", "approximate", "lower bound"}
    figures = {num(r.value): r.figure for r in run(kg, "market-figures")}
    # "250만 회를 넘겼습니다": only a lower bound
    assert flags["lower bound"] == {figures[Decimal("2500000")]}
    # "약 6,382억 달러", "약 1조 4,495억 위안"
    assert {figures[Decimal("638200000000")], figures[Decimal("1449500000000")]} <= flags[
        "approximate"
    ]
    # "2025년 스마트팩토리 시장 규모가 약 1조 4,495억 위안에 달할 정도로": forecast or not?
    assert flags["status unclear"] == {figures[Decimal("1449500000000")]}
    # the 47.7% has no stated scope
    assert figures[Decimal("47.7")] in flags["caveat"]
    for r in rows:
        if str(r.flag) == "caveat":
            assert r.note is not None and str(r.note)
    assert flags["caveat"] == {s for s in kg.rdf.subjects(CNAI.caveat, None)}


def test_vague_facts_one_flag(kg):
    rows = run(kg, "vague-facts", flag="lower bound")
    assert [str(r.flag) for r in rows] == ["lower bound"]


# -------------------------------------------------------------- label coverage


def test_label_coverage_matches_the_labels(kg):
    rows = run(kg, "label-coverage")
    plumbing = {CNAI.Statement, CNAI.SourceExcerpt, CNAI.Participation, CNAI.CentralityScore}
    expected: dict = {}
    for s, cls in kg.rdf.subject_objects(RDF.type):
        if not (isinstance(s, URIRef) and str(s).startswith(str(KG))):
            continue
        if plumbing & set(kg.rdf.objects(s, RDF.type)) or cls == CNAI.DefinitionalFact:
            continue
        counts = expected.setdefault(cls, [set(), set(), set(), set(), set()])
        counts[0].add(s)
        labels = kg.labels(s)
        for i, code in enumerate(("en", "ko", "zh"), 1):
            if labels.get(code):
                counts[i].add(s)
        if (s, SKOS.altLabel, None) in kg.rdf:
            counts[4].add(s)
    got = {
        r["class"]: tuple(int(r[k]) for k in ("entities", "en", "ko", "zh", "aliases"))
        for r in (row.asdict() for row in rows)
    }
    assert got == {cls: tuple(len(x) for x in v) for cls, v in expected.items()}
    # every entity has an English label
    assert all(v[0] == v[1] for v in got.values())


def test_missing_labels(kg):
    assert len(run(kg, "missing-labels", lang="en")) == 0
    rows = run(kg, "missing-labels", lang="zh")
    missing = {r.entity for r in rows}
    for entity in missing:
        assert not kg.labels(entity).get("zh")
    sample = kg.resolve("kg:fig-ai-medical-market-2025")
    assert (sample in missing) == (not kg.labels(sample).get("zh"))


# ------------------------------------------------------------------ testbeds


def test_robotaxi_testbeds(kg):
    # "베이징, 상하이, 우한 등 주요 도시는 도로를 통째로 개방해 로보택시(무인택시)를 실증"
    for name in ("robotaxi", "로보택시", "무인택시"):
        rows = run(kg, "testbeds", sector=name)
        assert {r.place for r in rows} == ids(kg, "베이징", "상하이", "우한")
    within = {r.place: r.within for r in run(kg, "testbeds")}
    assert within[kg.resolve("Wuhan")] == kg.resolve("China")  # in no hub
    assert within[kg.resolve("Beijing")] == kg.resolve("징진지")
    assert within[kg.resolve("Shanghai")] == kg.resolve("장강삼각주")
    # "우한은 ... Apollo Go(뤄버콰이파오)의 무인 택시 이용량이 250만 회"
    operating = {r.operating for r in run(kg, "testbeds") if r.place == kg.resolve("Wuhan")}
    assert operating == ids(kg, "뤄버콰이파오")


# ------------------------------------------------------------------ offerings


def test_offerings_and_their_makers(kg):
    rows = run(kg, "offerings")
    made = {(r.offering, r.relation, r.by) for r in rows if r.by is not None}
    assert (kg.resolve("萝卜快跑"), CNAI.providedBy, kg.resolve("Baidu")) in made
    # "텐센트 미잉의 AI 영상 분석 플랫폼"
    assert (kg.resolve("텐센트 미잉"), CNAI.providedBy, kg.resolve("Tencent")) in made
    # "알리바바의 다모 아카데미가 개발한 췌장암 조기 진단 모델"
    assert (
        kg.resolve("췌장암 조기 진단 모델"),
        CNAI.developedBy,
        kg.resolve("다모 아카데미"),
    ) in made
    kinds = {r.offering: r.kind for r in rows}
    assert kinds[kg.resolve("Tencent Miying")] == CNAI.Platform
    assert kinds[kg.resolve("Apollo Go")] == CNAI.Service


def test_offerings_of_alibaba_include_its_unit(kg):
    rows = run(kg, "offerings", organisation="阿里巴巴")
    assert {r.offering for r in rows} == ids(kg, "췌장암 조기 진단 모델")


# --------------------------------------------------------------------- groups


def test_groups_and_members(kg):
    members: dict = defaultdict(set)
    for r in run(kg, "groups"):
        if r.member is not None:
            members[r.group].add(r.member)
    # "바이두 등 빅테크"; "알리바바의 다모 아카데미 ..., 텐센트 미잉 ... 등 빅테크 기업들"
    assert members[kg.resolve("중국 빅테크")] == ids(kg, "Baidu", "Alibaba", "Tencent")
    # "중국 자율주행 기업들의 '해외 진출' ... Pony.ai와 WeRide"
    assert members[kg.resolve("중국 자율주행 기업")] == ids(kg, "Pony.ai", "WeRide")
    # "중국의 산업용 로봇 기업 ROKAE 등"
    assert members[kg.resolve("중국 산업용 로봇 기업")] == ids(kg, "ROKAE")


def test_group_parameter(kg):
    rows = run(kg, "groups", group="중국 빅테크", lang="ko")
    assert sorted(d["member"] for d in rows.labelled("ko")) == ["바이두", "알리바바", "텐센트"]


# -------------------------------------------------------------------- sources


def test_sources(kg):
    rows = {r.document: r for r in run(kg, "sources")}
    article, report = kg.resolve("kg:Article-China-AI"), kg.resolve("kg:KOTRA-Report-2025-10")
    deepseek = kg.resolve("kg:Article-DeepSeek-V3")
    assert set(rows) == {article, report, deepseek}
    assert rows[article].derivedFrom == report
    assert rows[deepseek].derivedFrom is None  # a different article, not from the report
    assert rows[deepseek].truncated == Literal(True)
    for doc, r in rows.items():
        excerpts = set(kg.rdf.subjects(DCTERMS.isPartOf, doc))
        facts = {f for x in excerpts for f in kg.rdf.subjects(PROV.wasDerivedFrom, x)}
        assert (int(r.excerpts), int(r.facts)) == (len(excerpts), len(facts))
    assert int(rows[article].excerpts) > 30


# --------------------------------------------------------- definitional facts


def test_definitional_facts(kg):
    rows = run(kg, "definitional-facts")
    triples = {(r.subject, r.predicate, r.object) for r in rows}
    assert (kg.resolve("Apollo Go"), CNAI.providedBy, kg.resolve("Baidu")) in triples
    assert (
        kg.resolve("Wuhan"),
        kg.resolve("schema:containedInPlace"),
        kg.resolve("China"),
    ) in triples
    for r in rows:
        assert r.why is not None and str(r.why)
        assert (r.fact, PROV.wasDerivedFrom, None) not in kg.rdf
    assert {r.fact for r in rows} == set(kg.rdf.subjects(RDF.type, CNAI.DefinitionalFact))


# ---------------------------------------------------------------------- claims


def test_claims_about_wuhan(kg, source_text):
    rows = run(kg, "claims", about="우한")
    quotes = {str(r.quote) for r in rows}
    assert any("우한은 세계 최대 무인 택시 운영 지역으로" in q for q in quotes)
    assert any("베이징, 상하이, 우한 등 주요 도시는" in q for q in quotes)
    assert all(q in source_text for q in quotes)
    texts = {str(r.text) for r in rows}
    assert "Wuhan is the world's largest area of driverless-taxi operation." in texts


def test_claims_all_have_text_and_quote(kg, source_text):
    rows = run(kg, "claims")
    assert {r.claim for r in rows} == set(kg.rdf.subjects(RDF.type, CNAI.Claim))
    for r in rows:
        assert r.text is not None and r.quote is not None and str(r.quote) in source_text


# ----------------------------------------------------------- capability matches


def test_capability_matches(kg):
    rows = run(kg, "capability-matches")
    got = {(r.technology, r.chineseSide, r.need, r.koreanSide) for r in rows}
    vision, gripper = kg.resolve("비전 카메라"), kg.resolve("그리퍼")
    rokae, makers = kg.resolve("ROKAE"), kg.resolve("한국 비전 카메라·그리퍼 기업")
    # "ROKAE 등은 한국의 정밀한 비전 카메라나 그리퍼(집게) 기술에 대한 수요가 높습니다"
    assert {(vision, rokae, CNAI.demands, makers), (gripper, rokae, CNAI.demands, makers)} <= got
    # "고성능 AI 칩과 정밀 센서(라이다 등)의 대외 의존도가 여전히 높습니다"
    imports = {(r.technology, r.chineseSide) for r in rows if r.need == CNAI.dependsOnImports}
    assert imports == {
        (kg.resolve("AI 칩"), kg.resolve("중국")),
        (kg.resolve("정밀 센서"), kg.resolve("중국")),
    }


# ----------------------------------------------------------------------- names


def test_names_of_catl_and_apollo_go(kg):
    names = {(str(r.language), str(r.name)) for r in run(kg, "names", entity="CATL")}
    assert {
        ("zh", "宁德时代"),
        ("ko", "닝더스다이"),
        ("en", "Contemporary Amperex Technology"),
    } <= names
    names = {(str(r.language), str(r.name)) for r in run(kg, "names", entity="萝卜快跑")}
    assert {("en", "Apollo Go"), ("ko", "뤄버콰이파오"), ("zh", "萝卜快跑")} <= names


def test_names_lists_every_label(kg):
    entity = kg.resolve("Tencent")
    rows = run(kg, "names", entity="腾讯")
    labels = {(str(r.language), str(r.name)) for r in rows if str(r.use) == "label"}
    assert labels == {(lit.language, str(lit)) for lit in kg.rdf.objects(entity, RDFS.label)}
