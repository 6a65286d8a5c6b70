"""Users' sources in the explorer (issue 15, item 5), in a real browser (headless Chromium).

A workspace with the fictional note of ``examples/second-source/`` and a hostile text of
its own: the source page shows the registered text with every quoted passage marked and
linked to its facts, escaped, under the server's CSP; entity pages cite the user's
document by its title with a link to that page; the shipped article's page lists its
quoted passages when its text is not registered. At 1366 and 390 px, in ko/en/zh.
"""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import _browser  # noqa: F401 (skips this module without Playwright or Chromium)
import pytest
from _browser import HOSTILE_LABEL

from cnai_kg.curate.importer import import_files
from cnai_kg.curate.sources import add_source
from cnai_kg.curate.workspace import init_workspace
from cnai_kg.kg import LANGS
from cnai_kg.server import start
from cnai_kg.server.i18n import TEXT

pytestmark = pytest.mark.browser

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "second-source"
WIDTHS = (1366, 390)
#: A text of the test's own whose quoted passage is HTML and script.
HOSTILE_TEXT = f"Before. Acme {HOSTILE_LABEL} makes grippers in Shanghai. After.\n"
HOSTILE_QUOTE = f"Acme {HOSTILE_LABEL} makes grippers in Shanghai."
PDF_PAGES = (
    "A brief written for the tests.",
    "Donghai Robotics also assembles robots in Shenzhen.",
)
PDF_QUOTE = "Donghai Robotics also assembles robots in Shenzhen."


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("ws") / "hanbit"
    ws = init_workspace(root, lang="ko")
    add_source(ws, EXAMPLE / "note.md", publisher="Hanbit Research (fictional)", date="2026-03")
    hostile = root.parent / "hostile.txt"
    hostile.write_text(HOSTILE_TEXT, encoding="utf-8")
    add_source(ws, hostile, id="hostile", title=f"Hostile {HOSTILE_LABEL}", lang="en")
    import_files(ws, sorted(EXAMPLE.glob("*.csv")))
    sheet = root.parent / "hostile-relations.csv"
    sheet.write_text(
        "subject,relation,object,quote,source\n"
        f'Hanbit Vision,operatesIn,Shanghai,"{HOSTILE_QUOTE}",hostile\n',
        encoding="utf-8",
    )
    import_files(ws, [sheet], output="data/hostile.ttl")
    # a PDF of two pages whose second page is quoted
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    for text in PDF_PAGES:
        pdf.add_page()
        pdf.multi_cell(0, 10, text)
    pdf_path = root.parent / "brief.pdf"
    pdf.output(str(pdf_path))
    add_source(ws, pdf_path, id="brief", title="Robot parts brief (fictional)", lang="en")
    sheet = root.parent / "pdf-relations.csv"
    sheet.write_text(
        "subject,relation,object,quote,source\n"
        f'Donghai Robotics,operatesIn,Shenzhen,"{PDF_QUOTE}",brief\n',
        encoding="utf-8",
    )
    import_files(ws, [sheet], output="data/brief.ttl")
    return ws


@pytest.fixture(scope="module")
def server(workspace):
    kg = workspace.load()
    with start(kg, workspace=workspace) as running:
        yield running


def get_json(server, path):
    with urllib.request.urlopen(server.url.rstrip("/") + path) as r:
        return json.loads(r.read())


def test_source_api_marks_every_quote_at_its_place(server):
    data = get_json(server, "/api/source/note")
    assert data["registered"] and data["title"].startswith("예시 시장 메모")
    assert len(data["passages"]) == 6 and all(p["found"] for p in data["passages"])
    for p in data["passages"]:
        assert data["text"][p["start"] : p["end"]] == p["quote"]
        assert p["facts"]
    # the segments are the text, in order, each quoted one with its passages
    assert "".join(s["text"] for s in data["segments"]) == data["text"]
    quoted = {n for s in data["segments"] for n in s["cites"]}
    assert quoted == {p["n"] for p in data["passages"]}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_source_page_in_chromium(server, visit, width, lang):
    v = visit(server.url, width=width, height=900)
    response = v.go(f"/source/note?lang={lang}")
    assert response.status == 200
    assert "default-src" in response.headers["content-security-policy"]
    marks = v.page.locator("#source-text mark")
    assert marks.count() == 6
    # Markdown emphasis is bold in the passages, never asterisks; the stored text keeps it
    first = v.page.locator("#passage-1 blockquote")
    assert "**" not in first.inner_text()
    assert first.locator("strong").inner_text() == "한빛비전(Hanbit Vision)"
    assert v.page.locator("h2").first.inner_text() == TEXT[lang]["source_text"]
    # a marked passage leads to its entry, which links to its facts' pages
    v.page.locator("#source-text a.quoted").first.click()
    assert v.page.evaluate("location.hash") == "#passage-1"
    fact = v.page.locator("#passage-1 .cited-by a").first
    href = fact.get_attribute("href")
    assert href.startswith("/entity/kg:st-HanbitVision-") and href.endswith(f"lang={lang}")
    fact.click()
    v.page.wait_for_load_state("load")
    assert v.page.url.endswith(href)
    # the company's page cites the note by its title, linked to the source page
    v.go(f"/entity/kg:HanbitVision?lang={lang}")
    link = v.page.locator("#facts .source a").first
    assert link.inner_text().startswith("예시 시장 메모")
    assert link.get_attribute("href") == f"/source/note?lang={lang}"
    wide = v.page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert wide[0] <= wide[1]
    v.assert_clean()


@pytest.mark.parametrize("width", WIDTHS)
def test_hostile_source_text_is_shown_as_text(server, visit, width):
    v = visit(server.url, width=width, height=900)
    assert v.go("/source/hostile?lang=en").status == 200
    assert v.page.locator("#source-text mark").inner_text() == HOSTILE_QUOTE
    assert v.page.locator("#source-text img, #passages img").count() == 0
    assert v.page.locator("h1").inner_text().startswith(f"Hostile {HOSTILE_LABEL}")
    v.assert_clean()  # no dialog, no fetch elsewhere, no console message


@pytest.mark.parametrize("lang", LANGS)
def test_shipped_article_page_lists_its_passages(server, visit, lang):
    v = visit(server.url, width=1366, height=900)
    assert v.go(f"/source/Article-China-AI?lang={lang}").status == 200
    assert v.page.locator("#no-text").inner_text() == TEXT[lang]["not_registered"]
    items = v.page.locator("#passages li")
    assert items.count() == 37
    # the article's Markdown emphasis is bold on the page
    catl = v.page.locator("#passages li[data-excerpt='kg:ex-catl'] blockquote strong")
    assert catl.inner_text() == "CATL(닝더스다이)"
    v.assert_clean()


def test_unknown_source_is_a_404_page(server, visit):
    v = visit(server.url, width=1366, height=900)
    assert v.go("/source/nope?lang=en").status == 404


@pytest.mark.parametrize("width", WIDTHS)
def test_a_pdf_source_shows_its_pages_and_is_cited_by_page(server, visit, width):
    data = get_json(server, "/api/source/brief")
    assert data["pages"] == 2 and data["media_type"] == "application/pdf"
    (passage,) = data["passages"]
    assert passage["page"] == 2 and passage["found"]
    v = visit(server.url, width=width, height=900)
    assert v.go("/source/brief?lang=en").status == 200
    assert v.page.locator("#source-text .page-start").all_inner_texts() == ["p. 1", "p. 2"]
    assert v.page.locator("#source-text mark").inner_text() == PDF_QUOTE
    assert v.page.locator("#passage-1 .source").inner_text().startswith("p. 2 · ")
    # the company's page and the path finder cite the PDF by title and page
    v.go("/entity/kg:DonghaiRobotics?lang=en")
    cited = v.page.locator("#facts .source a", has_text="Robot parts brief")
    assert cited.inner_text() == "Robot parts brief (fictional), p. 2"
    assert cited.get_attribute("href") == "/source/brief?lang=en"
    v.go("/path?from=Donghai%20Robotics&to=Shenzhen&lang=en")
    assert (
        "Source: Robot parts brief (fictional), p. 2" in v.page.locator(".chain").first.inner_text()
    )
    wide = v.page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert wide[0] <= wide[1]
    v.assert_clean()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_the_path_finder_runs_with_and_without_definitional_facts(server, visit, width, lang):
    v = visit(server.url, width=width, height=900)
    v.go(f"/path?from=Apollo%20Go&to=Baidu&lang={lang}")
    # on what the source reports: a longer chain, every hop quoted, no reason shown
    chain = v.page.locator(".chain").first
    assert chain.locator("li").count() == 4 and chain.locator(".why").count() == 0
    assert chain.locator("blockquote").count() >= 4
    box = v.page.locator("#definitional")
    assert not box.is_checked()
    assert TEXT[lang]["with_definitional"] in v.page.locator(".pathform").inner_text()
    box.check()
    v.page.locator("#find").click()
    v.page.wait_for_load_state("load")
    assert "definitional=1" in v.page.url
    assert v.page.locator("#definitional").is_checked()
    chain = v.page.locator(".chain").first
    assert chain.locator("li").count() == 1  # Apollo Go —provided by→ Baidu, by definition
    assert chain.locator(".why").count() == 1  # with its reason
    v.graph_ready()
    wide = v.page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert wide[0] <= wide[1]
    v.assert_clean()
    default = get_json(server, "/api/path?from=Haier&to=WeRide&definitional=1")
    assert default["definitional"] and default["paths"][0]["length"] == 2
