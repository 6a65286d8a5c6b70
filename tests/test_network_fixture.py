"""A small hand-made graph for exact network tests, independent of the shipped data.

::

    Alpha —basedIn→ Metro —containedIn→ Hub —containedIn→ Land     (Metro/Hub links definitional)
    Alpha —inSector→ Robotics
    Alpha ═P1 (technology provider / platform operator, → Market, active)═ Beta
    Beta ═P2 (proposed)═ Gamma
    Svc —providedBy→ Beta
    Gamma —demands→ Camera ←specializesIn— Korean makers
    O1: Korean makers —Opportunity→ Gamma (technology Camera, target market Land)
    Delta —operatesIn→ Market                                      (no statement: unsourced)
    C1: a claim about Alpha and Delta

The other network test modules build it once per module with :func:`load_mini`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import cnai_kg
from cnai_kg.namespaces import PREFIXES

MINI = """
kg:Rep a cnai:Report ; rdfs:label "Mini report"@en .
kg:Art a cnai:Article ; rdfs:label "Mini article"@en , "미니 기사"@ko ; prov:wasDerivedFrom kg:Rep .
kg:ex1 a cnai:SourceExcerpt ; dcterms:isPartOf kg:Art ; cnai:quote "알파는 메트로에 있다"@ko .
kg:ex2 a cnai:SourceExcerpt ; dcterms:isPartOf kg:Art ; cnai:quote "알파와 베타가 손잡았다"@ko .
kg:ex3 a cnai:SourceExcerpt ; dcterms:isPartOf kg:Art ; cnai:quote "감마는 카메라 수요가 높다"@ko .
kg:ex4 a cnai:SourceExcerpt ; dcterms:isPartOf kg:Art ;
    cnai:quote "베타와 감마의 협력이 가능하다"@ko .
kg:ex5 a cnai:SourceExcerpt ; dcterms:isPartOf kg:Art ; cnai:quote "알파와 델타"@ko .
kg:ex6 a cnai:SourceExcerpt ; dcterms:isPartOf kg:Art ; cnai:quote "Svc는 베타의 서비스"@ko .

kg:Alpha a cnai:Company ; rdfs:label "Alpha"@en , "알파"@ko , "阿尔法"@zh .
kg:Beta a cnai:Company ; rdfs:label "Beta"@en , "베타"@ko .
kg:Gamma a cnai:Company ; rdfs:label "Gamma"@en , "감마"@ko , "伽马"@zh ;
    skos:altLabel "G-Corp"@en .
kg:Delta a cnai:Company ; rdfs:label "Delta"@en .
kg:KoreanMakers a cnai:ActorGroup ; rdfs:label "Korean makers"@en , "한국 제조사"@ko .
kg:Svc a cnai:Service ; rdfs:label "Svc"@en .
kg:Metro a cnai:City ; rdfs:label "Metro"@en , "메트로"@ko .
kg:Hub a cnai:AIHub ; rdfs:label "Hub"@en , "허브"@ko .
kg:Land a cnai:Country ; rdfs:label "Land"@en , "랜드"@ko .
kg:Market a cnai:Country ; rdfs:label "Market"@en , "마켓"@ko .
kg:sector-x a cnai:Sector ; rdfs:label "Robotics"@en , "로봇"@ko .
kg:tech-cam a cnai:Technology ; rdfs:label "Camera"@en , "카메라"@ko .
kg:role-tech a cnai:PartnerRole ; rdfs:label "Technology provider"@en , "기술 제공자"@ko .
kg:role-platform a cnai:PartnerRole ; rdfs:label "Platform operator"@en , "플랫폼 운영자"@ko .
kg:role-partner a cnai:PartnerRole ; rdfs:label "Partner"@en , "파트너"@ko .
kg:status-active a cnai:Status ; rdfs:label "Active"@en , "진행 중"@ko .
kg:status-proposed a cnai:Status ; rdfs:label "Proposed"@en , "제안"@ko .

kg:Alpha cnai:basedIn kg:Metro ; cnai:inSector kg:sector-x .
kg:st1 a cnai:Statement ; rdf:subject kg:Alpha ; rdf:predicate cnai:basedIn ; rdf:object kg:Metro ;
    prov:wasDerivedFrom kg:ex1 .
kg:st2 a cnai:Statement ; rdf:subject kg:Alpha ; rdf:predicate cnai:inSector ;
    rdf:object kg:sector-x ; prov:wasDerivedFrom kg:ex1 .
kg:Metro schema:containedInPlace kg:Hub .
kg:def1 a cnai:Statement , cnai:DefinitionalFact ; rdf:subject kg:Metro ;
    rdf:predicate schema:containedInPlace ; rdf:object kg:Hub ;
    rdfs:comment "Metro lies in Hub."@en .
kg:Hub schema:containedInPlace kg:Land .
kg:def2 a cnai:Statement , cnai:DefinitionalFact ; rdf:subject kg:Hub ;
    rdf:predicate schema:containedInPlace ; rdf:object kg:Land ;
    rdfs:comment "Hub lies in Land."@en .
kg:Svc cnai:providedBy kg:Beta .
kg:st3 a cnai:Statement ; rdf:subject kg:Svc ; rdf:predicate cnai:providedBy ; rdf:object kg:Beta ;
    prov:wasDerivedFrom kg:ex6 .
kg:Gamma cnai:demands kg:tech-cam .
kg:st4 a cnai:Statement ; rdf:subject kg:Gamma ; rdf:predicate cnai:demands ;
    rdf:object kg:tech-cam ; prov:wasDerivedFrom kg:ex3 .
kg:KoreanMakers cnai:specializesIn kg:tech-cam .
kg:st5 a cnai:Statement ; rdf:subject kg:KoreanMakers ; rdf:predicate cnai:specializesIn ;
    rdf:object kg:tech-cam ; prov:wasDerivedFrom kg:ex3 .
kg:Delta cnai:operatesIn kg:Market .

kg:P1 a cnai:Partnership ; rdfs:label "Alpha–Beta partnership"@en , "알파–베타 제휴"@ko ;
    cnai:hasParticipation kg:P1a , kg:P1b ; cnai:targetMarket kg:Market ;
    cnai:status kg:status-active ;
    prov:wasDerivedFrom kg:ex2 .
kg:P1a a cnai:Participation ; org:member kg:Alpha ; org:role kg:role-tech .
kg:P1b a cnai:Participation ; org:member kg:Beta ; org:role kg:role-platform .
kg:P2 a cnai:Partnership ; rdfs:label "Beta–Gamma cooperation"@en ;
    cnai:hasParticipation kg:P2a , kg:P2b ; cnai:status kg:status-proposed ;
    cnai:caveat "Only proposed."@en ; prov:wasDerivedFrom kg:ex4 .
kg:P2a a cnai:Participation ; org:member kg:Beta ; org:role kg:role-partner .
kg:P2b a cnai:Participation ; org:member kg:Gamma ; org:role kg:role-partner .

kg:O1 a cnai:Opportunity ; rdfs:label "Cameras for Gamma"@en ;
    cnai:beneficiary kg:KoreanMakers ; cnai:counterparty kg:Gamma ; cnai:technology kg:tech-cam ;
    cnai:targetMarket kg:Land ; cnai:proposedPartnership kg:P2 ; prov:wasDerivedFrom kg:ex3 .

kg:C1 a cnai:Claim ; rdfs:label "Alpha and Delta"@en ; cnai:about kg:Alpha , kg:Delta ;
    prov:wasDerivedFrom kg:ex5 .
"""

#: The quotes of MINI, for checking that every hop carries one.
MINI_QUOTES = {
    "알파는 메트로에 있다",
    "알파와 베타가 손잡았다",
    "감마는 카메라 수요가 높다",
    "베타와 감마의 협력이 가능하다",
    "알파와 델타",
    "Svc는 베타의 서비스",
}


def load_mini(folder: Path, body: str = MINI) -> cnai_kg.KnowledgeGraph:
    """The ontology plus ``body`` (MINI by default), without the shipped data."""
    path = Path(folder) / "mini.ttl"
    prefixes = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())
    path.write_text(prefixes + body, encoding="utf-8")
    return cnai_kg.load(path, shipped=False)


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    return load_mini(tmp_path_factory.mktemp("mini"))


def test_mini_loads(mini):
    assert mini.label(mini.resolve("G-Corp")) == "Gamma"
    assert len(mini.entities()) == 23
