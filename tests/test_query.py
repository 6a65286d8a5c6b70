"""The query API: parameters, results, labels, data frames, reasoning, errors."""

from __future__ import annotations

import pytest
from rdflib import BNode, Graph, Literal
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from cnai_kg.errors import EntityNotFound, QueryError, QueryRefused, UsageError
from cnai_kg.namespaces import CNAI, KG, ORG, PREFIXES
from cnai_kg.query import NamedQuery, Rows, Triples, prepare, run_query

PRD = "SELECT ?company WHERE { ?company cnai:basedIn ?hub } ORDER BY ?company"


# ------------------------------------------------------------------ running


def test_kg_query_is_run_query(kg):
    rows = kg.query(PRD, hub=KG.PearlRiverDelta)
    assert isinstance(rows, Rows)
    assert rows == run_query(kg, PRD, hub=KG.PearlRiverDelta)
    assert rows.vars == ("company",)
    assert rows.tuples == [(KG.Huawei,), (KG.Tencent,)]
    assert [r.company for r in rows] == [KG.Huawei, KG.Tencent]
    assert rows[0].asdict() == {"company": KG.Huawei}
    assert rows.column("company") == [KG.Huawei, KG.Tencent]
    assert repr(rows) == "<Rows SELECT 2 row(s) × 1 var(s): company>"


def test_prefixes_are_predeclared_and_can_be_overridden(kg):
    assert kg.query("ASK { kg:Tencent a cnai:Company }")
    assert kg.query("PREFIX kg: <http://example.org/> ASK { kg:Tencent ?p ?o }").boolean is False
    assert set(PREFIXES) >= {
        "cnai",
        "kg",
        "org",
        "schema",
        "prov",
        "skos",
        "rdfs",
        "owl",
        "xsd",
        "dcterms",
    }


def test_ask(kg):
    yes = kg.query("ASK { kg:Tencent cnai:basedIn kg:PearlRiverDelta }")
    no = kg.query("ASK { kg:Tencent cnai:basedIn kg:JingJinJi }")
    assert (yes.kind, yes.boolean, bool(yes), len(yes)) == ("ASK", True, True, 0)
    assert (no.boolean, bool(no)) == (False, False)
    assert repr(yes) == "<Rows ASK true>"


def test_construct_and_describe(kg):
    result = kg.query(
        "CONSTRUCT { ?c cnai:basedIn ?h } WHERE { ?c cnai:basedIn ?h ; "
        "a cnai:Company . ?h a cnai:AIHub }"
    )
    assert isinstance(result, Triples) and result.kind == "CONSTRUCT"
    assert set(result.graph) == {
        (KG.Baidu, CNAI.basedIn, KG.JingJinJi),
        (KG.Tencent, CNAI.basedIn, KG.PearlRiverDelta),
        (KG.Huawei, CNAI.basedIn, KG.PearlRiverDelta),
    }
    assert sorted(d["subject"] for d in result.labelled("ko")) == ["바이두", "텐센트", "화웨이"]
    described = kg.query("DESCRIBE kg:Tencent")
    assert described.kind == "DESCRIBE"
    assert (KG.Tencent, RDF.type, CNAI.Company) in described.graph


@pytest.mark.parametrize("fmt,parser", [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")])
def test_graph_formats_round_trip(kg, fmt, parser):
    result = kg.query("CONSTRUCT { ?f ?p ?o } WHERE { ?f a cnai:MarketFigure ; ?p ?o }")
    data = result.serialize(fmt)
    assert isomorphic(Graph().parse(data=data, format=parser), result.graph)
    assert len(result) > 100


def test_graph_results_refuse_row_formats(kg):
    result = kg.query("DESCRIBE kg:Tencent")
    with pytest.raises(UsageError) as err:
        result.serialize("csv")
    assert str(err.value) == (
        "format 'csv' is for rows; a DESCRIBE query gives triples: use one "
        "of ttl, nt, jsonld, table"
    )


# --------------------------------------------------------------- parameters


def test_declared_entity_parameter_takes_any_name(kg):
    query = "# param hub: entity cnai:AIHub\n" + PRD
    for name in (
        "Pearl River Delta",
        "주강삼각주",
        "珠江三角洲",
        "珠三角",
        "prd",
        "kg:PearlRiverDelta",
        str(KG.PearlRiverDelta),
        "  pearl  river delta ",
    ):
        assert kg.query(query, hub=name).tuples == [(KG.Huawei,), (KG.Tencent,)], name


def test_parameters_are_bound_as_terms_not_text(kg):
    # A value that would change the query if it were pasted in is just an unknown name.
    query = "# param hub: entity\n" + PRD
    with pytest.raises(EntityNotFound):
        kg.query(query, hub="kg:PearlRiverDelta } UNION { ?company ?p ?o")
    text = "# param name: string\nSELECT ?x WHERE { ?x rdfs:label ?l FILTER (STR(?l) = ?name) }"
    assert len(kg.query(text, name='" } ?x ?p ?o { "')) == 0
    assert kg.query(text, name="Tencent").tuples == [(KG.Tencent,)]


def test_undeclared_plain_text_parameter_is_refused(kg):
    with pytest.raises(UsageError) as err:
        kg.query(PRD, hub="Pearl River Delta")
    assert str(err.value) == (
        "parameter 'hub' is plain text: declare it in the query ('# param hub: entity' or "
        "'# param hub: string'), or give an IRI or CURIE (kg:PearlRiverDelta), an rdflib term "
        "or a number"
    )
    # an IRI or CURIE as written is unambiguous
    for iri in ("kg:PearlRiverDelta", str(KG.PearlRiverDelta), f"<{KG.PearlRiverDelta}>"):
        assert kg.query(PRD, hub=iri).tuples == [(KG.Huawei,), (KG.Tencent,)]


def test_parameter_must_be_a_variable_of_the_query(kg):
    with pytest.raises(UsageError) as err:
        kg.query(PRD, hubb=KG.PearlRiverDelta)
    assert str(err.value) == "parameter 'hubb': the query has no variable ?hubb"


def test_numbers_and_bindings_dict(kg):
    rows = kg.query("SELECT ?f WHERE { ?f cnai:quantity/schema:value ?v }", v=78)
    assert rows.tuples == [(KG["fig-lighthouse-china"],)]
    rows = kg.query(
        "SELECT ?x WHERE { VALUES ?x { 1 2 } FILTER (?x = ?timeout) }", bindings={"timeout": 2}
    )
    assert rows.tuples == [(Literal(2),)]


def test_named_query_parameters(kg):
    with pytest.raises(UsageError) as err:
        kg.query("companies-by-hub", hubb="PRD")
    assert str(err.value) == (
        "unknown parameter 'hubb' for the named query companies-by-hub; it takes: hub"
    )
    with pytest.raises(UsageError) as err:
        kg.query("facts-about")
    assert str(err.value) == (
        "the named query facts-about needs the parameter entity (entity): give --param entity=VALUE"
    )
    with pytest.raises(UsageError) as err:
        kg.query("market-figures", year="soon")
    assert str(err.value) == "parameter year: expected an integer, got 'soon'"
    with pytest.raises(UsageError) as err:
        kg.query("missing-labels", lang="ko", bindings={"lang": "k o"})
    assert str(err.value) == (
        "parameter lang: expected a language tag such as ko, en or zh, got 'k o'"
    )
    with pytest.raises(EntityNotFound) as err:
        kg.query("facts-about", entity="Tencnet")
    assert "Tencent" in err.value.matches


def test_named_query_by_object_and_unknown_name(kg):
    from cnai_kg.query import named_query

    q = named_query("companies-by-hub")
    assert isinstance(q, NamedQuery)
    assert kg.query(q, hub="PRD") == kg.query("companies-by-hub", hub="PRD")
    with pytest.raises(UsageError) as err:
        kg.query("companies-by-hubs")
    assert (
        str(err.value) == "unknown named query 'companies-by-hubs'; did you mean companies-by-hub?"
    )
    with pytest.raises(UsageError) as err:
        kg.query("zzz")
    assert str(err.value) == "unknown named query 'zzz'; list them with 'cnai-kg queries'"


def test_lang_parameter_defaults_to_the_run_language(kg):
    ko = kg.query("partnerships", involving="WeRide", lang="ko")
    en = kg.query("partnerships", involving="WeRide", lang="en")
    assert set(str(ko[0].types).split(", ")) == {"기술 제휴", "공동 진출"} or "제휴" in str(
        ko[0].types
    )
    assert set(str(en[0].types).split(", ")) == {"Technology alliance", "Joint market entry"}


# ------------------------------------------------------------------- labels


def test_labelled_rows_in_every_language(kg):
    rows = kg.query(
        "SELECT ?city ?hub WHERE { ?city a cnai:City ; schema:containedInPlace ?hub . "
        "?hub a cnai:AIHub } ORDER BY ?city"
    )
    assert rows.labelled("en") == [
        {"city": "Beijing", "hub": "Jing-Jin-Ji (Beijing–Tianjin–Hebei)"},
        {"city": "Guangzhou", "hub": "Pearl River Delta"},
        {"city": "Shanghai", "hub": "Yangtze River Delta"},
        {"city": "Shenzhen", "hub": "Pearl River Delta"},
    ]
    assert [d["city"] for d in rows.labelled("ko")] == ["베이징", "광저우", "상하이", "선전"]
    assert [d["hub"] for d in rows.labelled("zh")] == [
        "京津冀",
        "珠江三角洲",
        "长江三角洲",
        "珠江三角洲",
    ]
    assert [d["city"] for d in rows.labelled(raw=True)] == [
        "kg:Beijing",
        "kg:Guangzhou",
        "kg:Shanghai",
        "kg:Shenzhen",
    ]


def test_label_falls_back_when_a_language_is_missing(kg):
    figure = KG["fig-ai-medical-market-2025"]
    assert not kg.labels(figure).get("zh")
    rows = kg.query("SELECT ?f WHERE { ?f a cnai:MarketFigure }", f=figure)
    assert rows.labelled("zh") == [{"f": kg.label(figure, "en")}]


def test_blank_nodes_are_numbered_for_display(kg):
    rows = kg.query("SELECT ?f ?q WHERE { ?f cnai:quantity ?q } ORDER BY ?f LIMIT 2")
    assert [d["q"] for d in rows.labelled()] == ["_:b1", "_:b2"]
    assert all(isinstance(r.q, BNode) for r in rows)


def test_table_shows_labels(kg):
    from cnai_kg.query import _render_table

    rows = kg.query("companies-by-hub", hub="PRD")
    text = _render_table(rows.to_table("ko"))
    assert text.splitlines()[0].split() == ["hub", "city", "organisation", "kind"]
    assert "주강삼각주" in text and "텐센트" in text and "기업" in text
    raw = _render_table(rows.to_table(raw=True))
    assert "kg:PearlRiverDelta" in raw and "cnai:Company" in raw


def test_table_does_not_interpret_markup(kg):
    from cnai_kg.query import _render_table

    rows = kg.query('SELECT ("[bold]x[/bold]" AS ?t) WHERE {}')
    assert "[bold]x[/bold]" in _render_table(rows.to_table())


def test_html_repr_for_notebooks(kg):
    html = kg.query("companies-by-hub", hub="PRD")._repr_html_()
    assert html.startswith("<table><thead><tr><th>hub</th>")
    assert "<td>Tencent</td>" in html


# --------------------------------------------------------------- data frames


def test_to_dataframe_labels_and_numbers(kg):
    pd = pytest.importorskip("pandas")
    rows = kg.query("market-figures", sector="의료")
    df = rows.to_dataframe(lang="ko")
    assert isinstance(df, pd.DataFrame)
    assert list(df.columns) == list(rows.vars)
    assert sorted(df["value"]) == [15.6, 47.7, 1400000000, 115700000000]
    assert set(df["region"]) == {"중국"}
    raw = rows.to_dataframe(labels=False)
    assert set(raw["region"]) == {str(KG.China)}


def test_to_dataframe_of_ask_and_graph(kg):
    pytest.importorskip("pandas")
    df = kg.query("ASK { ?s ?p ?o }").to_dataframe()
    assert df.to_dict("records") == [{"boolean": True}]
    g = kg.query("CONSTRUCT { kg:Tencent cnai:basedIn ?h } WHERE { kg:Tencent cnai:basedIn ?h }")
    assert g.to_dataframe(lang="zh").to_dict("records") == [
        {"subject": "腾讯", "predicate": "所在地", "object": "珠江三角洲"}
    ]


def test_to_dataframe_without_pandas(kg, monkeypatch):
    import builtins

    real = builtins.__import__

    def fake(name, *args, **kwargs):
        if name == "pandas":
            raise ImportError("no pandas")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake)
    with pytest.raises(UsageError) as err:
        kg.query("ASK {}").to_dataframe()
    assert str(err.value) == "to_dataframe() needs pandas: pip install 'cnai-kg[pandas]'"


# ---------------------------------------------------------------- reasoning


def test_reasoning_finds_companies_as_organisations(kg):
    q = "SELECT ?x WHERE { ?x a org:Organization }"
    before = len(kg.rdf)
    assert len(kg.query(q)) == 0
    found = {r.x for r in kg.query(q, reason="rdfs")}
    companies = set(kg.entities(CNAI.Company))
    assert companies <= found
    assert {KG.DAMOAcademy, KG.KOTRA, KG.WEF} <= found  # unit, agency, international body
    assert set(kg.rdf.subjects(RDF.type, CNAI.Partnership)) <= found  # collaborations
    assert {r.x for r in kg.query(q, reason="owl-rl")} >= found
    assert len(kg.rdf) == before
    assert (KG.Tencent, RDF.type, ORG.Organization) not in kg.rdf


def test_reasoning_is_cached_per_graph(kg, make_kg):
    from cnai_kg.reason import closure

    assert closure(kg, "rdfs") is closure(kg, "rdfs")
    other = make_kg("kg:Acme a cnai:Company .")
    assert closure(other, "rdfs") is not closure(kg, "rdfs")
    assert (KG.Acme, RDF.type, ORG.Organization) in closure(other, "rdfs")
    assert (KG.Acme, RDF.type, ORG.Organization) not in closure(kg, "rdfs")


def test_owl_rl_uses_transitive_broader(kg):
    q = "SELECT ?s WHERE { ?s skos:broaderTransitive kg:sector-transport } ORDER BY ?s"
    rdfs = {r.s for r in kg.query(q, reason="rdfs")}
    owl = {r.s for r in kg.query(q, reason="owl-rl")}
    assert KG["sector-robotaxi"] in owl  # robotaxi < autonomous driving < transport
    assert KG["sector-robotaxi"] not in rdfs
    assert KG["sector-autonomous-driving"] in rdfs


def test_owl_rl_does_not_merge_partners_with_partnerships(kg):
    q = "ASK { kg:partnership-ponyai-uber owl:sameAs kg:PonyAI }"
    assert not kg.query(q, reason="owl-rl")


def test_unknown_reasoning(kg):
    with pytest.raises(UsageError) as err:
        kg.query("ASK {}", reason="owl")
    assert str(err.value) == "unknown reasoning 'owl'; choose one of: none, rdfs, owl-rl"


# ------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "query,message",
    [
        (
            "SELECT ?x WHERE {\n  ?x a cnai:Company .\n  FILTR(?x)\n}",
            "syntax error at line 3, column 3: unexpected 'FILTR'",
        ),
        ("SELEC * WHERE { ?s ?p ?o }", "syntax error at line 1, column 1: unexpected 'SELEC'"),
        (
            "SELECT * WHERE { ?s ?p ?o ",
            "syntax error at line 1, column 27: unexpected end of query (a '{' is not closed)",
        ),
        (
            "PREFIX ex: <http://example.org/>\nSELECT * WHERE {\n  ?s ex:p ?o }\n}",
            "syntax error at line 4, column 1: unexpected '}'",
        ),
        (
            "SELECT * WHERE { ?s foo:bar ?o }",
            "unknown prefix 'foo:' at line 1, column 21; declare it with PREFIX foo: <...> or "
            "use one of the predeclared prefixes: cnai, kg, org, schema, prov, skos, dcterms, "
            "foaf, rdf, rdfs, owl, xsd, sh, time, oa, dc",
        ),
        ("", "empty query: give a SELECT, ASK, CONSTRUCT or DESCRIBE query"),
        ("  # only a comment\n", "empty query: give a SELECT, ASK, CONSTRUCT or DESCRIBE query"),
    ],
)
def test_errors_are_one_line(kg, query, message):
    with pytest.raises(QueryError) as err:
        kg.query(query)
    assert str(err.value) == message
    assert err.value.exit_code == 2
    assert "\n" not in str(err.value)


def test_evaluation_errors_are_query_errors(kg):
    with pytest.raises(QueryError) as err:
        kg.query("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert str(err.value).startswith("query failed: ")
    assert not isinstance(err.value, QueryRefused)


def test_bad_header_line():
    with pytest.raises(UsageError) as err:
        prepare("# param hub: place\nSELECT ?hub WHERE {}")
    assert str(err.value) == (
        "query: bad parameter line 'param hub: place'; write '# param NAME: KIND [CLASS]"
        "[, optional] -- description' with KIND one of entity, string, integer, decimal, lang"
    )


def test_prepare_is_cached_and_reports_kind():
    a = prepare("SELECT ?s WHERE { ?s ?p ?o }")
    assert a is prepare("SELECT ?s WHERE { ?s ?p ?o }")
    assert (a.kind, a.variables) == ("SELECT", frozenset({"s", "p", "o"}))
    assert prepare("DESCRIBE kg:Tencent").kind == "DESCRIBE"
    assert prepare("CONSTRUCT WHERE { ?s ?p ?o }").kind == "CONSTRUCT"


def test_literal_parameter_kinds(kg):
    q = "# param x: decimal\nSELECT ?f WHERE { ?f cnai:quantity/schema:value ?v FILTER (?v = ?x) }"
    assert kg.query(q, x="41.3").tuples == [(KG["fig-lighthouse-china-share"],)]


def test_concurrent_queries_do_not_interfere(kg):
    """Threads parse, translate and evaluate the same queries at once.

    Two hazards: rdflib keeps evaluation state on the algebra (each evaluation checks
    out its own translation), and pyparsing's process-wide packrat cache, which
    importing matplotlib.pyplot turns on, hands one parse's objects to another
    (parsing takes turns). Both once made a thread drop its parameter filter.
    """
    import threading

    from cnai_kg import query as query_module

    plt = pytest.importorskip("matplotlib.pyplot")  # turns on pyparsing's packrat cache
    assert plt is not None
    cases = [("market-figures", {"sector": s}) for s in ("의료", "smart factory", "AI")] + [
        ("partnerships", {"involving": n}) for n in ("Uber", "ROKAE", "한국 기업")
    ]
    expected = {i: kg.query(name, **params).tuples for i, (name, params) in enumerate(cases)}
    errors = []

    def work(i):
        name, params = cases[i % len(cases)]
        for _ in range(5):
            got = kg.query(name, timeout=None, **params).tuples
            want = expected[i % len(cases)]
            if got != want:
                errors.append((name, params, len(got), len(want)))

    for _ in range(3):
        query_module._POOL.clear()  # every thread translates afresh, at the same time
        threads = [threading.Thread(target=work, args=(i,)) for i in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert errors == []
