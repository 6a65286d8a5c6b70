"""SELECT / ASK result formats: the W3C details, and round trips through rdflib's parsers."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import BNode, Literal, URIRef, Variable
from rdflib import namespace as _namespace
from rdflib.query import Result

from cnai_kg.errors import QueryError, UsageError
from cnai_kg.query import Rows

SRX = "{http://www.w3.org/2005/sparql-results#}"


class XSD:
    """The datatypes used here (a plain class: pytest probes module attributes, and probing
    rdflib's closed namespace warns)."""

    integer = _namespace.XSD.integer
    decimal = _namespace.XSD.decimal
    gYear = _namespace.XSD.gYear
    boolean = _namespace.XSD.boolean
    string = _namespace.XSD.string


XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def parse(data: bytes, fmt: str) -> Result:
    return Result.parse(io.BytesIO(data), format=fmt)


def bindings(result: Result) -> list[dict]:
    return [{str(k): v for k, v in row.items()} for row in result.bindings]


def rows_of(vars, *rows) -> Rows:
    return Rows("SELECT", vars, [tuple(r) for r in rows])


SAMPLE = rows_of(
    ["s", "label", "n"],
    [URIRef("https://w3id.org/cnai-kg/resource/Tencent"), Literal("텐센트", lang="ko"), Literal(3)],
    [URIRef("https://w3id.org/cnai-kg/resource/Huawei"), Literal('a, "b"\nc\td'), None],
    [BNode("b0"), Literal("2024", datatype=XSD.gYear), Literal("41.3", datatype=XSD.decimal)],
)


# ------------------------------------------------------------------ W3C details


def test_csv_is_w3c_csv():
    data = SAMPLE.serialize("csv")
    assert data.decode("utf-8").split("\r\n")[0] == "s,label,n"  # no '?', CRLF
    table = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    assert table == [
        ["s", "label", "n"],
        ["https://w3id.org/cnai-kg/resource/Tencent", "텐센트", "3"],
        ["https://w3id.org/cnai-kg/resource/Huawei", 'a, "b"\nc\td', ""],
        ["_:b0", "2024", "41.3"],
    ]


def test_tsv_is_w3c_tsv():
    text = SAMPLE.serialize("tsv").decode("utf-8")
    assert text.split("\n") == [
        "?s\t?label\t?n",
        '<https://w3id.org/cnai-kg/resource/Tencent>\t"텐센트"@ko\t3',
        '<https://w3id.org/cnai-kg/resource/Huawei>\t"a, \\"b\\"\\nc\\td"\t',
        '_:b0\t"2024"^^<http://www.w3.org/2001/XMLSchema#gYear>\t41.3',
        "",
    ]


def test_json_is_w3c_json():
    data = SAMPLE.serialize("json")
    assert data.startswith(b'{"head": {"vars": ["s", "label", "n"]}, "results": ')
    assert data.endswith(b"}\n")
    doc = json.loads(data)
    assert doc["head"] == {"vars": ["s", "label", "n"]}
    assert doc["results"]["bindings"] == [
        {
            "s": {"type": "uri", "value": "https://w3id.org/cnai-kg/resource/Tencent"},
            "label": {"type": "literal", "value": "텐센트", "xml:lang": "ko"},
            "n": {"type": "literal", "value": "3", "datatype": str(XSD.integer)},
        },
        {
            "s": {"type": "uri", "value": "https://w3id.org/cnai-kg/resource/Huawei"},
            "label": {"type": "literal", "value": 'a, "b"\nc\td'},
        },
        {
            "s": {"type": "bnode", "value": "b0"},
            "label": {"type": "literal", "value": "2024", "datatype": str(XSD.gYear)},
            "n": {"type": "literal", "value": "41.3", "datatype": str(XSD.decimal)},
        },
    ]


def test_xml_is_w3c_xml():
    data = SAMPLE.serialize("xml")
    assert data.startswith(
        b'<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="'
        b'http://www.w3.org/2005/sparql-results#">'
    )
    root = ET.fromstring(data)
    assert root.tag == f"{SRX}sparql"
    assert [v.get("name") for v in root.find(f"{SRX}head")] == ["s", "label", "n"]
    results = root.find(f"{SRX}results").findall(f"{SRX}result")
    assert len(results) == 3
    first = {b.get("name"): b[0] for b in results[0]}
    assert first["s"].tag == f"{SRX}uri"
    assert (first["label"].text, first["label"].get(XML_LANG)) == ("텐센트", "ko")
    assert first["n"].get("datatype") == str(XSD.integer)
    assert [b.get("name") for b in results[1]] == ["s", "label"]  # unbound ?n left out
    assert {b.get("name"): b[0].tag for b in results[2]}["s"] == f"{SRX}bnode"


def test_ask_formats():
    yes = Rows("ASK", [], [], boolean=True)
    assert json.loads(yes.serialize("json")) == {"head": {}, "boolean": True}
    root = ET.fromstring(yes.serialize("xml"))
    assert root.find(f"{SRX}boolean").text == "true"
    assert parse(yes.serialize("xml"), "xml").askAnswer is True
    assert parse(Rows("ASK", [], [], boolean=False).serialize("json"), "json").askAnswer is False
    with pytest.raises(UsageError) as err:
        yes.serialize("csv")
    assert str(err.value) == "an ASK answer has no CSV form; use json, xml or table"


def test_row_results_refuse_graph_formats():
    with pytest.raises(UsageError) as err:
        SAMPLE.serialize("ttl")
    assert str(err.value) == (
        "format 'ttl' is for graphs; a SELECT query gives rows: use one of "
        "table, csv, tsv, json, xml"
    )


def test_xml_keeps_carriage_returns_and_refuses_control_characters():
    rows = rows_of(["x"], [Literal("a\r\nb")])
    assert bindings(parse(rows.serialize("xml"), "xml")) == [{"x": Literal("a\r\nb")}]
    with pytest.raises(QueryError) as err:
        rows_of(["x"], [Literal("bell\x07")]).serialize("xml")
    assert str(err.value) == (
        "the result holds the character U+0007, which XML 1.0 cannot "
        "carry; use --format json or tsv"
    )


def test_shipped_answers_round_trip(kg):
    rows = kg.query("market-figures", lang="ko")
    expected = [
        {v: x for v, x in zip(rows.vars, r, strict=True) if x is not None} for r in rows.tuples
    ]
    for fmt in ("json", "xml", "tsv"):
        got = parse(rows.serialize(fmt), fmt)
        assert [str(v) for v in got.vars] == list(rows.vars)
        assert bindings(got) == expected, fmt
    # CSV cannot tell an empty string from an unbound variable
    got = parse(rows.serialize("csv"), "csv")
    assert [{k: str(v) for k, v in b.items()} for b in bindings(got)] == [
        {k: (f"_:{v}" if isinstance(v, BNode) else str(v)) for k, v in b.items() if str(v)}
        for b in expected
    ]


# ---------------------------------------------------------------- round trips

_BAD_XML = {*map(chr, range(0x20)), "\ufffe", "\uffff"} - {"\t", "\n", "\r"}
# rdflib's TSV and CSV parsers read lines with str.splitlines, which also breaks at these
_LINE_BREAKS = set("\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")

text = st.text(st.characters(exclude_categories=("Cs",), exclude_characters=_BAD_XML), max_size=20)
iris = st.builds(
    lambda s: URIRef("http://example.org/" + s),
    st.text("abcdefghijklmnopqrstuvwxyz0123456789-_/#é한", max_size=10),
)
bnodes = st.builds(BNode, st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,8}", fullmatch=True))
langs = st.from_regex(r"[a-z]{2}(-[A-Z]{2})?", fullmatch=True)
literals = st.one_of(
    st.builds(Literal, text),
    st.builds(lambda t, lang: Literal(t, lang=lang), text, langs),
    st.builds(lambda i: Literal(str(i), datatype=XSD.integer), st.integers()),
    st.builds(
        lambda d: Literal(d, datatype=XSD.decimal),
        st.from_regex(r"[+-]?[0-9]{0,5}\.[0-9]{1,4}", fullmatch=True),
    ),
    st.builds(
        lambda i: Literal(i, datatype=XSD.integer),
        st.from_regex(r"[+-]?[0-9]{1,6}", fullmatch=True),
    ),
    st.builds(lambda y: Literal(str(y), datatype=XSD.gYear), st.integers(1000, 2999)),
    st.builds(lambda b: Literal("true" if b else "false", datatype=XSD.boolean), st.booleans()),
    st.builds(lambda t: Literal(t, datatype=XSD.string), text),
    st.builds(lambda t: Literal(t, datatype=URIRef("http://example.org/dt")), text),
)
terms = st.one_of(st.none(), iris, bnodes, literals)


@st.composite
def results(draw, terms=terms):
    width = draw(st.integers(1, 4))
    names = [f"v{i}" for i in range(width)]
    body = draw(st.lists(st.tuples(*[terms] * width), max_size=6))
    return rows_of(names, *body)


def _expected(rows: Rows) -> list[dict]:
    return [{v: x for v, x in zip(rows.vars, r, strict=True) if x is not None} for r in rows.tuples]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(results())
def test_json_round_trip(rows):
    got = parse(rows.serialize("json"), "json")
    assert [str(v) for v in got.vars] == list(rows.vars)
    assert bindings(got) == _expected(rows)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(results())
def test_xml_round_trip(rows):
    got = parse(rows.serialize("xml"), "xml")
    assert [str(v) for v in got.vars] == list(rows.vars)
    assert bindings(got) == _expected(rows)


tsv_text = text.filter(lambda t: not (_LINE_BREAKS & set(t)))
tsv_terms = st.one_of(
    st.none(),
    iris,
    bnodes,
    literals.filter(lambda lit: not (_LINE_BREAKS & set(str(lit)))),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    results(tsv_terms).filter(
        # one column, nothing bound: an empty line, which rdflib's TSV parser skips
        lambda rows: len(rows.vars) > 1 or all(r[0] is not None for r in rows.tuples)
    )
)
def test_tsv_round_trip(rows):
    got = parse(rows.serialize("tsv"), "tsv")
    assert [str(v) for v in got.vars] == list(rows.vars)
    assert bindings(got) == _expected(rows)


csv_terms = st.one_of(
    iris,
    bnodes,
    st.builds(
        Literal,
        st.text(st.characters(categories=("L", "N", "P", "Zs")), min_size=1, max_size=20).filter(
            lambda t: not t.startswith(("_:", "http"))
        ),
    ),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(results(csv_terms))
def test_csv_round_trip_keeps_values(rows):
    # CSV is lossy by design (no datatypes or languages): the values themselves survive.
    got = parse(rows.serialize("csv"), "csv")
    assert [str(v) for v in got.vars] == list(rows.vars)
    assert [{k: str(v) for k, v in b.items()} for b in bindings(got)] == [
        {k: (f"_:{v}" if isinstance(v, BNode) else str(v)) for k, v in b.items()}
        for b in _expected(rows)
    ]


def test_variable_names_survive():
    rows = Rows("SELECT", ["a_b", "契約"], [(Literal(1), None)])
    for fmt in ("json", "xml", "tsv", "csv"):
        assert [str(v) for v in parse(rows.serialize(fmt), fmt).vars] == ["a_b", "契約"]
    assert Variable("a_b") in parse(rows.serialize("json"), "json").vars
