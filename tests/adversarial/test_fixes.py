"""Issue 10, item by item: each test failed before its fix.

Items 2 (output paths), 3 (input guards), 5 (one line instead of a traceback),
6 (TriG and N-Quads), 7 (GROUP BY over nothing) and 8 (terminal safety).
"""

from __future__ import annotations

import logging
import os
import resource
import stat
import subprocess

import pytest
from click.testing import CliRunner
from rdflib import Literal, URIRef

import cnai_kg
from cnai_kg.cli import cli
from cnai_kg.errors import DataError, EntityNotFound, InputRefused, UsageError, WriteError
from cnai_kg.io import atomic_write, parse_rdf, read_input, read_rdf_input

from .conftest import cnai, one_line

KG = "https://w3id.org/cnai-kg/resource/"
PREFIXES = (
    "@prefix kg: <https://w3id.org/cnai-kg/resource/> .\n"
    "@prefix cnai: <https://w3id.org/cnai-kg/ontology#> .\n"
    "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
    "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
)


def invoke(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


# ----------------------------------------------------------------- item 2: -o paths


def test_output_to_a_character_device_writes_through():
    # /dev/null stays a character device (it used to be replaced by a regular file)
    before = os.stat("/dev/null")
    assert atomic_write("/dev/null", b"data").name == "null"
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev


def test_output_to_a_fifo_writes_through(tmp_path):
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader; the pipe buffers the data
    try:
        atomic_write(fifo, b"hello fifo")
        assert os.read(reader, 100) == b"hello fifo"
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_output_to_a_fifo_without_reader_is_one_line_not_a_hang(tmp_path):
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    with pytest.raises(WriteError) as e:
        atomic_write(fifo, b"x")
    assert str(e.value) == f"{fifo}: cannot write: a FIFO with no reader"


def test_output_through_a_symlink_replaces_the_target_and_keeps_the_link(tmp_path):
    target = tmp_path / "real.ttl"
    target.write_text("old")
    link = tmp_path / "link.ttl"
    link.symlink_to(target)
    atomic_write(link, "new")
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.ttl", "real.ttl"]


def test_output_through_a_dangling_symlink_creates_the_target(tmp_path):
    link = tmp_path / "link.ttl"
    link.symlink_to(tmp_path / "new.ttl")
    atomic_write(link, "made")
    assert link.is_symlink() and (tmp_path / "new.ttl").read_text() == "made"


def test_output_to_a_directory_is_refused_in_one_line(tmp_path):
    with pytest.raises(WriteError) as e:
        atomic_write(tmp_path, "x")
    assert str(e.value) == f"{tmp_path}: cannot write: a directory"
    with pytest.raises(WriteError, match="ends with /"):
        atomic_write(f"{tmp_path}/new/", "x")


# ------------------------------------------------- item 5: write failures are one line


def test_disk_full_is_one_line_on_export_and_render():
    for args in (["export", "-o", "/dev/full"], ["render", "-o", "/dev/full"]):
        code, _, err = cnai(*args)
        assert code == 2
        assert one_line(err) == "Error: /dev/full: cannot write: No space left on device"


def test_disk_full_on_stdout_is_one_line():
    with open("/dev/full", "wb") as full:
        proc = subprocess.run(
            [cnai.__globals__["CNAI_KG"], "--no-shipped", "export"],
            stdout=full,
            stderr=subprocess.PIPE,
            timeout=60,
        )
    assert proc.returncode == 2
    assert one_line(proc.stderr.decode()) == (
        "Error: standard output: cannot write: No space left on device"
    )


def _small_file_limit():
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))


@pytest.mark.parametrize(
    "args",
    [
        ["export", "-o", "{out}.ttl"],
        ["query", "SELECT * WHERE { ?s ?p ?o }", "-o", "{out}.csv"],
        ["render", "-o", "{out}.html"],
        ["centrality", "--write-rdf", "{out}.nt"],
    ],
)
def test_file_size_limit_is_one_line_and_leaves_no_file(tmp_path, args):
    out = str(tmp_path / "out")
    args = [a.replace("{out}", out) for a in args]
    code, _, err = cnai(*args, preexec=_small_file_limit)
    assert code == 2, err  # SIGXFSZ used to kill the process (exit -25) or a traceback
    path = next(a for a in args if a.startswith(out))
    assert one_line(err) == f"Error: {path}: cannot write: File too large"
    assert list(tmp_path.iterdir()) == []


def test_file_size_limit_while_building_the_store_cache_is_one_line(tmp_path):
    cache = tmp_path / "cache"
    code, out, err = cnai(
        "show", "CATL", preexec=_small_file_limit, env={"CNAI_KG_CACHE_DIR": str(cache)}
    )
    assert code == 2, err
    assert one_line(err) == (
        f"Error: {cache / 'stores'}: cannot write: File too large (building the store cache; "
        "free some space, set CNAI_KG_CACHE_DIR or use --no-cache)"
    )
    assert out == b""
    assert list((cache / "stores").iterdir()) == []  # no half-built store left


def test_file_size_limit_on_stdout_is_one_line(tmp_path):
    # Python ignores SIGXFSZ: a redirected stdout used to be cut at the limit, exit 0
    with open(tmp_path / "out.ttl", "wb") as out:
        proc = subprocess.run(
            [cnai.__globals__["CNAI_KG"], "--no-cache", "export"],
            stdout=out,
            stderr=subprocess.PIPE,
            preexec_fn=_small_file_limit,
            timeout=60,
        )
    assert proc.returncode == 2
    assert one_line(proc.stderr.decode()) == "Error: standard output: cannot write: File too large"


def test_read_only_folder_is_one_line(tmp_path, monkeypatch):
    # root ignores permission bits; /proc refuses new files to everyone
    with pytest.raises(WriteError) as e:
        atomic_write("/proc/cnai-kg-out.ttl", "x")
    assert str(e.value).startswith("/proc/cnai-kg-out.ttl: cannot write: ")
    assert "\n" not in str(e.value)


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e308", "-1"])
def test_timeout_out_of_range_is_a_usage_error(value):
    code, _, err = cnai("--no-shipped", "query", "--timeout", value, "ASK {}")
    assert code == 2
    assert one_line(err).startswith("Error: timeout must be a number of seconds from 0")


def test_centrality_write_rdf_as_nquads_and_trig(tmp_path):
    for suffix in ("nq", "trig"):
        out = tmp_path / f"scores.{suffix}"
        result = invoke("centrality", "--top", "1", "--write-rdf", str(out))
        assert result.exit_code == 0, result.output
        back = parse_rdf(out)
        assert len(back) > 100


def test_no_shipped_stats():
    result = invoke("--no-shipped", "stats")
    assert result.exit_code == 0, result.output
    assert "facts" in result.output


NAN_TTL = PREFIXES + (
    'kg:CATL kg:score "NaN"^^xsd:decimal , "1.5"^^xsd:decimal , "INF"^^xsd:decimal .\n'
)


def test_nan_decimal_beside_a_number_does_not_crash_export_or_render(tmp_path):
    data = tmp_path / "nan.ttl"
    data.write_text(NAN_TTL)
    for args in (
        ["export", "-o", str(tmp_path / "out.ttl")],
        ["render", "--focus", "CATL", "-o", str(tmp_path / "out.html")],
    ):
        code, _, err = cnai("--data", str(data), *args)
        assert code == 0, err
    from rdflib.namespace import XSD

    assert Literal("NaN", datatype=XSD.decimal).ill_typed
    assert not Literal("-1.50", datatype=XSD.decimal).ill_typed


def test_reasoning_does_not_undo_the_reading_of_decimals():
    """owlrl restores rdflib's literal conversions for the whole process when it ends."""
    from rdflib.namespace import XSD

    from cnai_kg.reason import closure

    closure(cnai_kg.load(), "rdfs")  # a new graph: its closure is computed, not cached
    assert Literal("NaN", datatype=XSD.decimal).ill_typed


def test_ill_typed_literal_is_reported_once_in_one_line(tmp_path):
    data = tmp_path / "typed.ttl"
    data.write_text(PREFIXES + '\nkg:X kg:n 5 .\nkg:X kg:n "abc"^^xsd:integer .\n')
    code, _, err = cnai("--no-shipped", "--data", str(data), "stats", "--format", "json")
    assert code == 0
    assert one_line(err) == (f"{data}:7: ill-typed literal 'abc'^^xsd:integer, kept as text")


# --------------------------------------------------------------- item 3: input guards


def test_character_device_fifo_and_directory_are_refused_before_reading(tmp_path):
    fifo = tmp_path / "in.fifo"
    os.mkfifo(fifo)  # no writer: opening it for reading would block
    for path, kind in (("/dev/zero", "a character device"), (str(fifo), "a FIFO")):
        with pytest.raises(InputRefused) as e:
            parse_rdf(path)
        assert str(e.value) == f"{path}: is {kind}; give a regular file (or - for standard input)"
    code, _, err = cnai("query", "-f", "/dev/zero", timeout=30)
    assert code == 2 and one_line(err).startswith("Error: /dev/zero: is a character device")


def test_input_size_limit_is_configurable(tmp_path, monkeypatch):
    data = tmp_path / "big.ttl"
    data.write_text(PREFIXES + "kg:A kg:b kg:c .\n" * 100)
    monkeypatch.setenv("CNAI_KG_MAX_INPUT_BYTES", "1000")
    with pytest.raises(InputRefused) as e:
        read_rdf_input(data)
    assert str(e.value) == (
        f"{data}: larger than the input limit of 1,000 bytes; raise it with "
        "CNAI_KG_MAX_INPUT_BYTES=BYTES (0: no limit)"
    )
    monkeypatch.setenv("CNAI_KG_MAX_INPUT_BYTES", "0")
    assert len(read_input(data)) > 1000
    monkeypatch.setenv("CNAI_KG_MAX_INPUT_BYTES", "lots")
    with pytest.raises(UsageError, match="CNAI_KG_MAX_INPUT_BYTES must be a number"):
        read_input(data)


def test_standard_input_is_capped(tmp_path):
    code, _, err = cnai(
        "query",
        "-",
        stdin=open("/dev/zero", "rb"),  # noqa: SIM115
        env={"CNAI_KG_MAX_INPUT_BYTES": "100000"},
        timeout=30,
    )
    assert code == 2
    assert one_line(err).startswith("Error: <stdin>: larger than the input limit of 100,000")


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
 <rdf:Description rdf:about="http://ex/a"><rdf:value>&d;&d;&d;&d;</rdf:value></rdf:Description>
</rdf:RDF>
"""


def test_rdfxml_doctype_is_refused(tmp_path):
    path = tmp_path / "laughs.rdf"
    path.write_text(BILLION_LAUGHS)
    with pytest.raises(InputRefused) as e:
        parse_rdf(path)
    assert str(e.value) == (
        f"{path}:2: RDF/XML with a DOCTYPE or ENTITY declaration is refused (entities can "
        "expand without bound); remove the declaration"
    )
    plain = tmp_path / "plain.rdf"
    plain.write_text(BILLION_LAUGHS.split("]>\n")[1].replace("&d;", "x"))
    assert len(parse_rdf(plain)) == 1


@pytest.mark.parametrize(
    "context",
    [
        '"http://127.0.0.1:9/ctx.jsonld"',
        '"file:///dev/zero"',
        '"ctx.jsonld"',
        '["https://schema.org/", {"ex": "http://ex/"}]',
        '{"@import": "http://127.0.0.1:9/x", "ex": "http://ex/"}',
        '{"ex": {"@id": "http://ex/", "@context": "http://127.0.0.1:9/scoped"}}',
    ],
)
def test_jsonld_context_reference_is_refused(tmp_path, context):
    path = tmp_path / "doc.jsonld"
    path.write_text(f'{{"@context": {context}, "@id": "http://ex/a", "http://ex/b": "c"}}')
    with pytest.raises(InputRefused, match="names a document to fetch; cnai-kg never fetches"):
        parse_rdf(path)


def test_inline_jsonld_context_loads(tmp_path):
    path = tmp_path / "doc.jsonld"
    path.write_text('{"@context": {"ex": "http://ex/"}, "@id": "ex:a", "ex:b": "c"}')
    assert len(parse_rdf(path)) == 1


# ------------------------------------------------------ item 6: TriG and N-Quads load


TRIG = PREFIXES + (
    'kg:G1 { kg:TrigCo a cnai:Company ; skos:prefLabel "Trig Co"@en . }\n'
    'kg:G2 { kg:TrigCo2 a cnai:Company ; skos:prefLabel "Trig Co 2"@en . }\n'
    "kg:DefaultCo a cnai:Company .\n"
)


def test_trig_and_nquads_quads_are_loaded_and_the_merge_is_said(tmp_path, caplog):
    trig = tmp_path / "g.trig"
    trig.write_text(TRIG)
    nq = tmp_path / "g.nq"
    nq.write_text(
        f'<{KG}NqCo> <http://www.w3.org/2004/02/skos/core#prefLabel> "Nq Co"@en <{KG}G> .\n'
    )
    with caplog.at_level(logging.WARNING, logger="cnai_kg"):
        kg = cnai_kg.load(trig, nq, shipped=False)
    for name in ("TrigCo", "TrigCo2", "DefaultCo", "NqCo"):
        assert any(kg.triples((URIRef(KG + name), None, None))), name
    said = [r.getMessage() for r in caplog.records]
    assert (
        f"{trig}: its 2 named graphs were merged into one graph (cnai-kg keeps one graph per file)"
        in said
    )
    assert (
        f"{nq}: its 1 named graph was merged into one graph (cnai-kg keeps one graph per file)"
        in said
    )


# ----------------------------------------------------- item 7: GROUP BY over nothing


def test_group_by_over_no_solutions_gives_no_row(kg):
    rows = kg.query("SELECT ?k (COUNT(*) AS ?n) WHERE { ?s kg:noSuchPredicate ?k } GROUP BY ?k")
    assert len(rows) == 0
    # without GROUP BY the one group over nothing is right: COUNT is 0
    rows = kg.query("SELECT (COUNT(*) AS ?n) WHERE { ?s kg:noSuchPredicate ?k }")
    assert [int(r.n) for r in rows] == [0]
    named = kg.query("vague-facts", flag="nonexistent")
    assert len(named) == 0


# ------------------------------------------------------------ item 8: terminal safety


def test_control_characters_in_labels_are_escaped_in_show_and_tables(tmp_path):
    data = tmp_path / "esc.ttl"
    data.write_text(
        PREFIXES + 'kg:Evil a cnai:Company ; skos:prefLabel "Evil\\u001b[2JCorp"@en .\n'
    )
    result = invoke("--data", str(data), "show", "kg:Evil")
    assert result.exit_code == 0
    assert "\x1b" not in result.output
    assert "Evil\\x1b[2JCorp  (kg:Evil)" in result.output
    result = invoke(
        "--data",
        str(data),
        "query",
        "--format",
        "table",
        "SELECT ?l WHERE { kg:Evil skos:prefLabel ?l }",
    )
    assert "\x1b" not in result.output and "Evil\\x1b[2JCorp" in result.output


def test_unknown_entity_echo_is_cut(kg):
    with pytest.raises(EntityNotFound) as e:
        kg.resolve("x" * 1_000_000 + "\x1b[2J")
    message = str(e.value)
    assert message.startswith("unknown entity '" + "x" * 80 + "…'")
    assert len(message) < 400 and "\x1b" not in message


def test_data_errors_do_not_echo_control_characters(tmp_path):
    path = tmp_path / "bad.nt"
    path.write_text("<http://ex/a> <http://ex/b> \x1b[2J .\n")
    with pytest.raises(DataError) as e:
        parse_rdf(path)
    assert "\n" not in str(e.value)


def test_lone_surrogate_escape_is_refused_with_its_line(tmp_path):
    # found by the renderer fuzz: "\uD800" made a string no output could encode
    path = tmp_path / "sur.ttl"
    path.write_text('@prefix ex: <http://ex/> .\nex:a ex:b "ok" .\nex:a ex:b "x\\uD800y" .\n')
    with pytest.raises(DataError) as e:
        parse_rdf(path)
    assert str(e.value) == (
        f"{path}:3: the escape \\uD800 is a lone surrogate, not a Unicode character"
    )
    with pytest.raises(WriteError, match="UTF-8 cannot hold"):
        atomic_write(tmp_path / "out.txt", "x\ud800")
    assert not (tmp_path / "out.txt").exists()


# ------------------------------------------ item 4: a regex bomb stalls no other thread


def test_catastrophic_regex_in_one_thread_does_not_stall_the_others():
    import threading
    import time

    from cnai_kg.errors import QueryTimeout

    kg = cnai_kg.load(shipped=False, store="memory")  # rdflib's engine: Python's matching
    bomb = 'SELECT ?x WHERE { BIND (REGEX("' + "a" * 60 + '!", "^(a|aa)*$") AS ?x) }'
    outcome = []

    def hostile():
        try:
            kg.query(bomb, timeout=4)
            outcome.append("answered")
        except QueryTimeout:
            outcome.append("stopped")

    thread = threading.Thread(target=hostile)
    thread.start()
    time.sleep(0.5)  # the match is under way
    began = time.monotonic()
    answered = 0
    while time.monotonic() - began < 2:
        assert bool(kg.query("ASK { ?s ?p ?o }", timeout=None))
        answered += 1
    thread.join(30)
    # with re (the GIL held for the whole match) not one query answered in those 2 s
    assert answered >= 5, answered
    assert outcome == ["stopped"]
