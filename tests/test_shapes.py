"""The SHACL shapes: the shipped graph passes them, and broken facts are caught."""

from __future__ import annotations

import pytest

from cnai_kg import resources
from cnai_kg.validate import validate


@pytest.fixture(scope="module")
def shipped_report(kg):
    return validate(kg)


def test_shipped_graph_conforms(shipped_report):
    assert [v.line() for v in shipped_report.violations] == []
    assert shipped_report.conforms


@pytest.mark.parametrize("path", resources.graph_files(), ids=lambda p: p.name)
def test_every_graph_file_passes_the_shapes(shipped_report, path):
    name = f"graph/{path.name}"
    assert [v.line() for v in shipped_report.violations if v.file == name] == []


def lines(kg):
    return [v.line() for v in validate(kg).violations]


def test_a_fact_without_a_source_is_rejected(make_kg, make_ttl):
    kg = make_kg(
        """
        kg:claim-x a cnai:Claim ; rdfs:label "Unsourced claim"@en ;
            cnai:claimText "Something."@en ; cnai:about kg:China .
    """,
        shipped=True,
    )
    (line,) = [x for x in lines(kg) if "Unsourced claim" in x]
    assert line.endswith(
        "Unsourced claim [-] fact has no source excerpt (prov:wasDerivedFrom) "
        "and is not marked cnai:DefinitionalFact"
    )
    assert not validate(kg).conforms


def test_a_relation_without_a_statement_is_rejected(make_kg):
    kg = make_kg("kg:Baidu cnai:operatesIn kg:Wuhan .\n", shipped=True)
    (line,) = lines(kg)
    assert line.endswith(
        ".ttl: Baidu [cnai:operatesIn] relation has no cnai:Statement giving "
        "its source (value: Wuhan)"
    )


def test_a_statement_about_a_missing_triple_is_rejected(make_kg):
    kg = make_kg(
        """
        kg:st-x a cnai:Statement ; rdf:subject kg:Baidu ; rdf:predicate cnai:operatesIn ;
            rdf:object kg:Shanghai ; prov:wasDerivedFrom kg:ex-wuhan .
    """,
        shipped=True,
    )
    assert [x.split(": ", 1)[1] for x in lines(kg)] == [
        "kg:st-x [-] the statement describes a triple that is not in the graph"
    ]


def test_a_definitional_fact_must_not_cite_and_must_explain(make_kg):
    kg = make_kg(
        """
        kg:Haier cnai:basedIn kg:China .
        kg:def-x a cnai:Statement , cnai:DefinitionalFact ; rdf:subject kg:Haier ;
            rdf:predicate cnai:basedIn ; rdf:object kg:China ; prov:wasDerivedFrom kg:ex-haier .
    """,
        shipped=True,
    )
    got = sorted(x.split(": ", 1)[1] for x in lines(kg))
    assert got == [
        "kg:def-x [prov:wasDerivedFrom] a definitional fact is not cited to a source; drop "
        "cnai:DefinitionalFact or the citation",
        "kg:def-x [rdfs:comment] a definitional fact says why it holds (rdfs:comment)",
    ]


def test_a_partnership_needs_two_partners_with_roles(make_kg):
    kg = make_kg(
        """
        kg:p-x a cnai:Partnership ; rdfs:label "Lonely partnership"@en ;
            cnai:partnershipType kg:ptype-b2b-supply ; cnai:status kg:status-proposed ;
            cnai:hasParticipation kg:pp1 ; prov:wasDerivedFrom kg:ex-uber .
        kg:pp1 a cnai:Participation ; org:member kg:Baidu ; org:organization kg:p-x .
    """,
        shipped=True,
    )
    got = sorted(x.split(": ", 1)[1] for x in lines(kg))
    assert got == [
        "Lonely partnership [-] a partnership needs at least two distinct partners",
        "Lonely partnership [cnai:hasParticipation] a partnership has at least two participations "
        "(cnai:hasParticipation)",
        "kg:pp1 [org:role] a participation gives the partner's role (org:role, a cnai:PartnerRole)",
    ]


def test_a_figure_needs_value_unit_and_date_or_caveat(make_kg):
    kg = make_kg(
        """
        kg:fig-x a cnai:MarketFigure ; rdfs:label "Bad figure"@en ;
            cnai:indicator kg:ind-population ; cnai:status kg:status-reported ;
            cnai:region kg:China ; cnai:originalWording "x"@ko ;
            cnai:quantity [ a schema:MonetaryAmount ; schema:value 3 ] ;
            prov:wasDerivedFrom kg:ex-uber .
    """,
        shipped=True,
    )
    got = sorted(x.split(": ", 1)[1] for x in lines(kg))
    assert got == [
        "Bad figure / cnai:quantity [schema:currency] a monetary amount has an ISO 4217 "
        "currency code",
        "Bad figure / cnai:quantity [schema:unitText] a quantity has a unit (schema:unitText)",
        "Bad figure [-] a figure has a year or a period, or a caveat saying the source gives none",
        "Bad figure [cnai:quantity] a figure has one quantity with a value and a unit",
    ]


def test_an_entity_needs_an_english_label(make_kg):
    kg = make_kg('kg:Nolabel a cnai:Company ; rdfs:label "무명"@ko .\n', shipped=True)
    assert [x.split(": ", 1)[1] for x in lines(kg)] == [
        "무명 [rdfs:label] needs an English label (rdfs:label with @en)"
    ]


def test_an_opportunity_without_gap_or_counterparty_needs_a_caveat(make_kg):
    kg = make_kg(
        """
        kg:opp-x a cnai:Opportunity ; rdfs:label "Vague opportunity"@en ;
            cnai:beneficiary kg:KoreanFirms ; cnai:entryMode kg:entry-b2b-supply ;
            prov:wasDerivedFrom kg:ex-opp-chips .
    """,
        shipped=True,
    )
    got = sorted(x.split(": ", 1)[1] for x in lines(kg))
    assert got == [
        "Vague opportunity [-] an opportunity names a Chinese counterparty, or a caveat saying "
        "the source does not",
        "Vague opportunity [-] an opportunity states China's gap, or a caveat saying the source "
        "does not",
    ]
