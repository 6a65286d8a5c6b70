"""Property-based fuzzing of every entry point that takes input.

Any input gives a result or one :class:`~cnai_kg.errors.CnaiKgError` line: never
another exception (a traceback at the CLI), a hang, or a partial output file.
Examples are bounded and there is no deadline, so the suite stays fast and steady.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import cnai_kg
from cnai_kg.errors import CnaiKgError
from cnai_kg.io import atomic_write, parse_rdf

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    derandomize=True,
    # no shrinking: a failure is reported as found, so the suite stays bounded even then
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)

PREFIXES = (
    "@prefix kg: <https://w3id.org/cnai-kg/resource/> .\n"
    "@prefix cnai: <https://w3id.org/cnai-kg/ontology#> .\n"
    "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
    "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
)


def one_line_error(e: CnaiKgError) -> None:
    message = str(e)
    assert message and "\n" not in message and "\r" not in message
    assert "\x1b" not in message
    assert len(message) < 2000, message[:200]


# ------------------------------------------------------------------------ Turtle

TTL_TOKENS = st.sampled_from(
    [
        "kg:A",
        "kg:B",
        "cnai:Company",
        "a",
        ";",
        ",",
        ".",
        "[",
        "]",
        "(",
        ")",
        "{",
        "}",
        '"x"',
        '"""y"""',
        "'z'",
        '"1"^^xsd:integer',
        '"abc"^^xsd:integer',
        '"NaN"^^xsd:decimal',
        '"1e5"^^xsd:decimal',
        '"x"@en',
        '"x"@-',
        "1",
        "1.5",
        "1e9",
        "true",
        "_:b",
        "<http://ex/a>",
        "<>",
        "<#x>",
        "@prefix",
        "@base",
        "PREFIX",
        "BASE",
        "ex:",
        "skos:prefLabel",
        "\\u0000",
        "\x1b[2J",
        "\n",
        " ",
        "^^",
        "@",
        "<http://ex/ a>",
        '"\\u00"',
        "kg:",
        ":",
        "#comment",
        "<<",
        ">>",
    ]
)


@FUZZ
@given(body=st.lists(TTL_TOKENS, max_size=40).map(" ".join) | st.text(max_size=200))
def test_turtle_loader(tmp_path_factory, body):
    path = tmp_path_factory.mktemp("ttl") / "fuzz.ttl"
    path.write_text(PREFIXES + body, encoding="utf-8", errors="surrogatepass")
    try:
        graph = parse_rdf(path)
    except CnaiKgError as e:
        one_line_error(e)
    else:
        assert len(graph) >= 0


# ----------------------------------------------------------------------- JSON-LD

JSONLD_KEYS = st.sampled_from(
    [
        "@context",
        "@id",
        "@type",
        "@value",
        "@language",
        "@list",
        "@set",
        "@graph",
        "@reverse",
        "@base",
        "@vocab",
        "@index",
        "@nest",
        "@included",
        "@import",
        "@protected",
        "@version",
        "@direction",
        "@json",
        "ex",
        "name",
        "http://ex/p",
    ]
)
JSONLD_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from(
        [
            "http://127.0.0.1:9/ctx",
            "file:///dev/zero",
            "ctx.jsonld",
            "@id",
            "@vocab",
            "http://ex/",
            "ex:a",
            "_:b",
            "",
            "1.1",
            "@json",
            "rtl",
            "en",
        ]
    )
    | st.text(max_size=10)
)
JSONLD = st.recursive(
    JSONLD_SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(JSONLD_KEYS, inner, max_size=4),
    max_leaves=25,
)


@FUZZ
@given(doc=JSONLD)
def test_jsonld_loader(tmp_path_factory, listener_url, doc):
    path = tmp_path_factory.mktemp("jsonld") / "fuzz.jsonld"
    text = json.dumps(doc).replace("http://127.0.0.1:9", listener_url)
    path.write_text(text, encoding="utf-8")
    try:
        parse_rdf(path)
    except CnaiKgError as e:
        one_line_error(e)


@pytest.fixture(scope="module")
def module_listener():
    from _listener import Listener

    server = Listener()
    yield server
    server.close()
    assert server.connections == []


@pytest.fixture
def listener_url(module_listener):
    return module_listener.url


# ----------------------------------------------------------------- name resolver


@FUZZ
@given(
    name=st.text(max_size=300)
    | st.sampled_from(["kg:", "kg:CATL", "<>", "<http://ex/>", ":", "cnai:", "x" * 5000])
)
def test_name_resolver(kg, name):
    try:
        iri = kg.resolve(name)
    except CnaiKgError as e:
        one_line_error(e)
        assert len(str(e)) < 1000
    else:
        assert str(iri)


# ------------------------------------------------------------------ query entry

SPARQL_TOKENS = st.sampled_from(
    [
        "SELECT",
        "ASK",
        "CONSTRUCT",
        "DESCRIBE",
        "WHERE",
        "{",
        "}",
        "(",
        ")",
        "?s",
        "?p",
        "?o",
        "*",
        ".",
        ";",
        ",",
        "a",
        "kg:CATL",
        "cnai:Company",
        "FILTER",
        "OPTIONAL",
        "UNION",
        "MINUS",
        "GRAPH",
        "SERVICE",
        "<http://127.0.0.1:9/>",
        "VALUES",
        "BIND",
        "AS",
        "GROUP",
        "BY",
        "ORDER",
        "LIMIT",
        "1",
        "0",
        "-1",
        "COUNT",
        "SUM",
        "REGEX",
        '"a*"',
        '"(a+)+$"',
        "STR",
        "LANG",
        "+",
        "/",
        "|",
        "^",
        "?",
        "SELECT ?s WHERE { ?s ?p ?o }",
        "FROM",
        "LOAD",
        "INSERT DATA",
        "DELETE",
        "PREFIX",
        "x:",
        "<urn:x>",
        "HAVING",
        "EXISTS",
        "NOT",
        "IN",
        "1e308",
        '"NaN"^^xsd:double',
        "\x00",
        "\x1b",
        "#",
        "\n",
    ]
)


@FUZZ
@given(text=st.lists(SPARQL_TOKENS, max_size=30).map(" ".join) | st.text(max_size=120))
def test_query_entry_point(kg, text):
    try:
        result = kg.query(text, timeout=5, max_rows=10_000)
    except CnaiKgError as e:
        one_line_error(e)
    else:
        assert len(result) >= 0


# ---------------------------------------------------------------------- renderer

LABELS = st.text(max_size=40) | st.sampled_from(
    ["</script><script>alert(1)</script>", "\x1b[2J", "\u202egnp.exe", '"; x="', "{{x}}"]
)


@settings(FUZZ, max_examples=20)
@given(labels=st.lists(LABELS, min_size=1, max_size=4), focus=st.text(max_size=20))
def test_renderer(tmp_path_factory, labels, focus):
    folder = tmp_path_factory.mktemp("view")
    body = "".join(
        f"kg:F{i} a cnai:Company ; skos:prefLabel {json.dumps(label)}@en ; "
        f"cnai:adopted kg:F{(i + 1) % len(labels)} .\n"
        for i, label in enumerate(labels)
    )
    data = folder / "data.ttl"
    data.write_text(PREFIXES + body, encoding="utf-8", errors="surrogatepass")
    out = folder / "view.html"
    try:
        kg = cnai_kg.load(data, shipped=False)
        view = kg.render(focus=focus or None)
        view.save(out)
    except CnaiKgError as e:
        one_line_error(e)
        assert not out.exists()
    else:
        html = out.read_text(encoding="utf-8")
        assert html.rstrip().endswith("</html>")
        for label in labels:  # data never closes the page's script element
            if "</" in label:
                assert label not in html
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == []


# ---------------------------------------------------------------- atomic writes


@FUZZ
@given(data=st.binary(max_size=5000), fail_at=st.sampled_from(["write", "fsync", "replace"]))
def test_failed_write_leaves_old_file_and_no_temp(tmp_path_factory, data, fail_at):
    folder = tmp_path_factory.mktemp("out")
    target = folder / "out.ttl"
    target.write_bytes(b"old")

    def boom(*_a, **_k):
        raise OSError(28, "No space left on device")

    import unittest.mock

    patches = {"fsync": "os.fsync", "replace": "os.replace", "write": "os.fdopen"}
    with unittest.mock.patch(patches[fail_at], boom), pytest.raises(CnaiKgError) as e:
        atomic_write(target, data)
    one_line_error(e.value)
    assert target.read_bytes() == b"old"
    assert [p.name for p in folder.iterdir()] == ["out.ttl"]
