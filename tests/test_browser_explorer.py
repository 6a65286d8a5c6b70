"""The explorer's findings of issue 18 in a real browser (headless Debian Chromium).

Every entity page, at 1366 and 390 px wide and in English, Korean and Chinese; the
layout at both widths; nodes of the page graphs that open their entity's page; a named
query with a required parameter; downloads; the Korean and Chinese pages. As in
``test_browser_serve.py``, anything the page fetches from elsewhere, any console
message, page error or dialog fails the test.
"""

from __future__ import annotations

import csv
import io
import re
import urllib.parse

import _browser  # noqa: F401 (skips this module without Playwright or Chromium)
import pytest

from cnai_kg.kg import LANGS
from cnai_kg.namespaces import CNAI
from cnai_kg.query import named_queries
from cnai_kg.server import start
from cnai_kg.server.i18n import TEXT

pytestmark = pytest.mark.browser

WIDTHS = (1366, 390)
LATIN = re.compile("[A-Za-z]{3,}")


@pytest.fixture(scope="module")
def server(kg):
    with start(kg) as running:
        yield running


def entity_path(curie: str, lang: str) -> str:
    return f"/entity/{urllib.parse.quote(curie, safe=':')}?lang={lang}"


def frame_of(v):
    """The page's graph frame, once its view has drawn itself."""
    v.page.frame_locator("iframe.graph").locator("body[data-ready='1']").wait_for(
        state="attached", timeout=60_000
    )
    (frame,) = [f for f in v.page.frames if f != v.page.main_frame]
    return frame


#: The view's layout: frame width, the side panel's box and the graph's, and the legend
#: labels that take more than one line (a range over a text has one rect per line).
LAYOUT = """() => {
  const box = (id) => document.getElementById(id).getBoundingClientRect();
  const side = box('side'), graph = box('graph');
  const lines = (s) => { const r = document.createRange(); r.selectNodeContents(s);
    return new Set([...r.getClientRects()].map((q) => Math.round(q.top))).size; };
  const wrapped = [...document.querySelectorAll('#legend li span:not(.count)')]
    .filter((s) => lines(s) > 1).map((s) => s.textContent);
  return {width: innerWidth, side: {left: side.left, top: side.top, width: side.width},
          graph: {bottom: graph.bottom, width: graph.width, height: graph.height}, wrapped};
}"""


def assert_view_fits(frame, width: int, what: str) -> None:
    got = frame.evaluate(LAYOUT)
    assert got["wrapped"] == [], (what, got)
    if width <= 640:  # narrow: the side panel under the graph, at the frame's full width
        assert got["side"]["width"] == pytest.approx(got["width"], abs=1), (what, got)
        assert got["side"]["top"] >= got["graph"]["bottom"] - 1, (what, got)
        assert got["graph"]["height"] >= 200, (what, got)
    else:  # wide: beside the graph, at most 45% of the frame
        assert got["side"]["width"] <= 0.45 * got["width"] + 1, (what, got)
        assert got["graph"]["width"] >= 0.5 * got["width"], (what, got)


def assert_page_fits(v, what: str) -> None:
    wide = v.page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert wide[0] <= wide[1], (what, wide)


def test_every_entity_page_in_chromium(server, kg, visit):
    """All 200 entity pages: each in one of the six (width, language) pairs, in turn."""
    entities = sorted(kg.curie(e) for e in kg.entities())
    assert len(entities) == 200
    visits = {w: visit(server.url, width=w, height=900) for w in WIDTHS}
    drawn = said = 0
    for i, curie in enumerate(entities):
        lang = LANGS[i % 3]
        width = WIDTHS[(i // 3) % 2]
        v = visits[width]
        what = (curie, lang, width)
        response = v.go(entity_path(curie, lang))
        assert response.status == 200, what
        assert_page_fits(v, what)
        note = v.page.locator("#no-neighbourhood")
        if note.count():
            reason = note.get_attribute("data-reason")
            assert note.is_visible() and note.text_content() == TEXT[lang][reason], what
            assert v.page.locator("iframe.graph").count() == 0, what
            said += 1
            continue
        frame = frame_of(v)
        data = frame.evaluate("[cnaiView.data.focus, cnaiView.nodes.length, cnaiView.edges.length]")
        assert data[0] == curie and data[1] > 1 and data[2] > 0, what
        # the focused entity's details, with the link to its own page
        assert frame.locator("#details h3").text_content() == kg.label(kg.resolve(curie), lang)
        assert_view_fits(frame, width, what)
        drawn += 1
    assert (drawn, said) == (180, 20)
    for v in visits.values():
        v.assert_clean()


PAGES = [
    "/",
    "/query?name=companies-by-hub",
    "/query?name=market-figures",
    "/path?from=Pony.ai&to=WeRide",
    "/search?q=uber",
    "/entity/kg:China",
    "/entity/kg:opp-chips-sensors",
    "/entity/kg:role-customer",
]


@pytest.mark.parametrize("width", WIDTHS)
def test_pages_fit_the_screen_in_every_language(server, visit, width):
    v = visit(server.url, width=width, height=800)
    for path in PAGES:
        for lang in LANGS:
            what = (path, lang, width)
            v.go(path + ("&" if "?" in path else "?") + f"lang={lang}")
            assert_page_fits(v, what)
            if v.page.locator("iframe.graph").count():
                assert_view_fits(frame_of(v), width, what)
            if path.startswith("/query"):
                work = v.page.evaluate(
                    "document.querySelector('.work').getBoundingClientRect().right"
                )
                assert work <= width, what
    v.screenshot(f"explorer-query-{width}.png")
    v.assert_clean()


def test_a_node_opens_its_entity_page(server, kg, visit):
    v = visit(server.url, width=1366, height=900)
    v.go(entity_path("kg:CATL", "ko"))
    frame = frame_of(v)
    # the details of a node carry a link to its page, opened in the explorer's window
    frame.evaluate("cnaiView.showNode('kg:China')")
    link = frame.locator("#details a.page")
    assert link.text_content() == TEXT["ko"]["open_page"]
    assert link.get_attribute("href") == "/entity/kg:China?lang=ko"
    assert link.get_attribute("target") == "_top"
    link.click()
    v.page.wait_for_url("**/entity/kg:China?lang=ko")
    assert v.page.text_content("h1").startswith("중국")
    # a double click on a node of the home graph opens its page too
    v.go("/?lang=zh")
    frame = frame_of(v)
    v.page.locator("iframe.graph").scroll_into_view_if_needed()
    point = frame.evaluate(
        "(() => { const p = cnaiView.network.getPosition('kg:Tencent');"
        " cnaiView.network.moveTo({position: p, scale: 1.5});"
        " return cnaiView.network.canvasToDOM(p); })()"
    )
    assert frame.evaluate("(p) => cnaiView.network.getNodeAt(p)", point) == "kg:Tencent"
    frame.locator("#graph canvas").dblclick(position=point)
    v.page.wait_for_url("**/entity/kg:Tencent?lang=zh")
    assert v.page.text_content("h1").startswith("腾讯")
    v.assert_clean()


def test_a_required_parameter_is_asked_for_before_the_query_runs(server, visit):
    v = visit(server.url, width=390, height=900)
    v.go("/query?lang=zh")
    v.page.click("a[data-query='facts-about']")
    v.page.wait_for_load_state("load")
    assert v.page.locator("#result").count() == 0
    assert v.page.text_content("#needs-params") == TEXT["zh"]["needs_params"].format(names="entity")
    field = v.page.locator("input[name='p.entity']")
    assert field.get_attribute("placeholder") == named_queries()["facts-about"].param_description(
        "entity", "zh"
    )
    # Run with the field empty: the browser keeps the form, nothing is sent
    before = v.page.url
    v.page.click("#run")
    assert field.evaluate("f => f.validity.valueMissing") is True
    assert v.page.url == before and v.page.locator("#result").count() == 0
    field.fill("优步")
    v.page.click("#run")
    v.page.wait_for_load_state("load")
    assert int(v.page.text_content("#row-count")) > 0
    badges = v.page.locator("table.results tbody td").all_text_contents()
    assert "合作" in badges  # the kind column, labelled in Chinese
    # the CSV download: a BOM for Excel, and the names the table shows
    href = v.page.locator(".downloads a").first.get_attribute("href")
    got = v.context.request.get(server.url + href.lstrip("/"))
    body = got.body()
    assert got.status == 200 and body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert {"fact_label", "kind_label"} <= set(rows[0])
    assert "合作" in {r["kind_label"] for r in rows}
    v.assert_clean()


@pytest.mark.parametrize("lang", ["ko", "zh"])
def test_korean_and_chinese_pages_say_it_in_their_language(server, kg, visit, lang):
    v = visit(server.url, width=1366, height=900)
    v.go(entity_path("kg:Uber", lang))
    badges = v.page.locator("#facts .kind").all_text_contents()
    assert set(badges) == {kg.label(CNAI.Partnership, lang), kg.label(CNAI.Statement, lang)}
    why = v.page.text_content("#facts .why")
    assert not LATIN.search(why.replace("Uber", ""))
    frame = frame_of(v)
    legend = frame.locator("#legend li.kind .link").all_text_contents()
    assert legend and not any(LATIN.search(k.replace("AI", "")) for k in legend)
    relations = frame.evaluate("Object.values(cnaiView.data.relations)")
    assert not any(LATIN.search(r) for r in relations)
    v.go(f"/query?lang={lang}")
    titles = v.page.locator(".library a").all_text_contents()
    assert titles == [q.title_in(lang) for q in named_queries().values()]
    v.assert_clean()
    response = v.go(f"/entity/Nonexistent?lang={lang}")
    assert response.status == 404
    assert v.page.text_content(".error") == TEXT[lang]["err_unknown"].format(name="'Nonexistent'")
    # Chromium reports the 404 itself on the console; nothing else may appear there
    assert [text for _, text in v.console] == [
        "Failed to load resource: the server responded with a status of 404 (Not Found)"
    ]
