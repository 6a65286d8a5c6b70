"""How long the user's own sources take: ``source add`` and ``import`` at a realistic size.

Run on demand (not part of the tests)::

    .venv/bin/python benchmarks/bench_import.py [--rows 10000] [--entities 2000] [--repeat 3]

It writes, in a scratch folder, a workspace with

* a registered source text of about 1 MB (generated sentences, each naming one
  generated company and one fact about it; fictional names only);
* ``entities.csv`` with ``--entities`` new companies and ``relations.csv`` with
  ``--rows`` relations between them and shipped entities, each quoting one
  sentence of the source;
* a PDF of 100 pages (fpdf2) for ``source add``;

then times, side by side in one run (medians of ``--repeat``):

* ``cnai-kg import --dry-run`` from the command line (reading the sheets,
  resolving names, finding every quote, building the Turtle and checking it with
  the shapes; nothing written), and the same steps done by the tools directly
  (csv + pyahocorasick for the quotes + pyoxigraph building and serialising the
  triples, no names resolved and no shapes checked): the floor;
* ``cnai-kg source add`` of the 100-page PDF, and pypdf's text extraction of the
  same file called directly;
* the first command after a real import (``stats``, cold store cache) in the
  workspace and with ``--data FILE`` outside it.

The targets (issue 15): the import <= 10 s, ``source add`` of the PDF <= 10 s, the
workspace's first command as fast as with ``--data``.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXE = str(Path(sys.executable).parent / "cnai-kg")
SHIPPED_TARGETS = ["China", "Shanghai", "Shenzhen", "Beijing", "South Korea", "Industrial robots"]


def company(n: int) -> str:
    return f"Testco {n:05d}"


def make_inputs(folder: Path, rows: int, entities: int, seed: int = 7) -> tuple[Path, Path]:
    rng = random.Random(seed)
    sentences, relations = [], []
    for i in range(rows):
        who = company(rng.randrange(entities))
        where = rng.choice(SHIPPED_TARGETS)
        sentence = f"문장 {i:06d}: 가상 기업 {who}은(는) {where} 관련 사업을 보고했습니다."
        sentences.append(sentence)
        relation = "basedIn" if where in {"Shanghai", "Shenzhen", "Beijing"} else "operatesIn"
        if where == "Industrial robots":
            relation = "inSector"
        relations.append((who, relation, where, sentence, "bench-note"))
    text = "\n".join(sentences)
    filler = 0
    while len(text.encode("utf-8")) < 1_000_000:  # pad to ~1 MB with text no row quotes
        filler += 1
        text += f"\n부록 {filler:06d}: 이 문단은 길이를 맞추려고 덧붙인 가상의 설명입니다."
    (folder / "bench-note.txt").write_text(text, encoding="utf-8")
    with (folder / "entities.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "class", "label_en", "label_ko"])
        for n in range(entities):
            w.writerow([f"Testco{n:05d}", "Company", company(n), f"테스트코 {n:05d}"])
    with (folder / "relations.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["subject", "relation", "object", "quote", "source"])
        w.writerows(relations)
    return folder / "entities.csv", folder / "relations.csv"


def make_pdf(path: Path, pages: int = 100) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=10)
    for p in range(pages):
        pdf.add_page()
        body = " ".join(f"Page {p + 1}, sentence {s}: robot parts and sensors." for s in range(40))
        pdf.multi_cell(0, 5, body)
    pdf.output(str(path))
    return path


def cli(*args: str, cwd: Path) -> float:
    start = time.perf_counter()
    proc = subprocess.run([EXE, *args], cwd=cwd, capture_output=True, text=True, timeout=900)
    took = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"cnai-kg {' '.join(args)} failed:\n{proc.stdout}{proc.stderr}")
    return took


def direct_import(entities: Path, relations: Path, source: Path) -> float:
    """The floor: read the sheets, find every quote, build and serialise the triples."""
    import ahocorasick
    import pyoxigraph as ox

    start = time.perf_counter()
    text = source.read_text(encoding="utf-8")
    ex = "https://example.org/"
    quads = []
    with entities.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            node = ox.NamedNode(ex + row["id"])
            quads.append(ox.Quad(node, ox.NamedNode(ex + "label"), ox.Literal(row["label_en"])))
    with relations.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    automaton = ahocorasick.Automaton()
    for i, row in enumerate(rows):
        automaton.add_word(row["quote"], i)
    automaton.make_automaton()
    found = {}
    for end, i in automaton.iter(text):
        found.setdefault(i, end)
    for i, row in enumerate(rows):
        s = ox.NamedNode(ex + row["subject"].replace(" ", ""))
        p = ox.NamedNode(ex + row["relation"])
        o = ox.NamedNode(ex + row["object"].replace(" ", ""))
        st = ox.NamedNode(ex + f"st{i}")
        quads += [
            ox.Quad(s, p, o),
            ox.Quad(st, ox.NamedNode(ex + "subject"), s),
            ox.Quad(st, ox.NamedNode(ex + "quote"), ox.Literal(row["quote"], language="ko")),
            ox.Quad(st, ox.NamedNode(ex + "end"), ox.Literal(str(found.get(i, -1)))),
        ]
    ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    return time.perf_counter() - start


def direct_pdf(path: Path) -> float:
    from pypdf import PdfReader

    start = time.perf_counter()
    "".join(page.extract_text() or "" for page in PdfReader(path).pages)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--entities", type=int, default=2_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="cnai-kg-bench-import-"))
    env_cache = tmp / "cache"
    os.environ["CNAI_KG_CACHE_DIR"] = str(env_cache)
    try:
        ws = tmp / "ws"
        subprocess.run([EXE, "init", str(ws)], check=True, capture_output=True)
        entities, relations = make_inputs(tmp, args.rows, args.entities)
        source = tmp / "bench-note.txt"
        size = source.stat().st_size
        cli("source", "add", str(source), "--id", "bench-note", "--title", "Bench", cwd=ws)
        cli("stats", cwd=ws)  # warm the store cache of the shipped graph
        pdf = make_pdf(tmp / "report.pdf")
        imports, floors, adds, pdfs = [], [], [], []
        for n in range(args.repeat):
            imports.append(cli("import", "--dry-run", str(entities), str(relations), cwd=ws))
            floors.append(direct_import(entities, relations, source))
            adds.append(cli("source", "add", str(pdf), "--id", f"pdf{n}", cwd=ws))
            pdfs.append(direct_pdf(pdf))
        # the first command after an import: in the workspace, and with --data outside it
        cli("import", str(entities), str(relations), "-o", "data/bench.ttl", cwd=ws)
        firsts, with_data = [], []
        for _ in range(args.repeat):
            shutil.rmtree(env_cache, ignore_errors=True)
            firsts.append(cli("stats", cwd=ws))
            shutil.rmtree(env_cache, ignore_errors=True)
            with_data.append(cli("--data", str(ws / "data" / "bench.ttl"), "stats", cwd=tmp))
        imp, floor = statistics.median(imports), statistics.median(floors)
        add, pdf_floor = statistics.median(adds), statistics.median(pdfs)
        print(
            f"import: {args.rows:,} relation rows, {args.entities:,} new entities, "
            f"source of {size / 1e6:.2f} MB; medians of {args.repeat}"
        )
        print(f"  cnai-kg import --dry-run (CLI)      {imp:7.2f} s   target <= 10 s")
        print(f"  csv + pyahocorasick + pyoxigraph    {floor:7.2f} s   ratio {imp / floor:5.1f}x")
        print("source add of a 100-page PDF")
        print(f"  cnai-kg source add (CLI)            {add:7.2f} s   target <= 10 s")
        print(
            f"  pypdf text extraction               {pdf_floor:7.2f} s   "
            f"ratio {add / pdf_floor:5.1f}x"
        )
        first, data = statistics.median(firsts), statistics.median(with_data)
        print("the first command afterwards (stats, cold store cache)")
        print(f"  in the workspace                    {first:7.2f} s   target: as with --data")
        print(f"  --data FILE outside it              {data:7.2f} s   ratio {first / data:5.2f}x")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
