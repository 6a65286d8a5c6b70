"""The explorer of ``cnai-kg serve`` in a real browser: headless Debian Chromium via Playwright.

A server runs on a free port of 127.0.0.1 in a background thread. Every request
the browser makes is routed: requests to that server go through, anything else
is recorded and aborted, and each test asserts nothing else was attempted. Each
test also asserts that no console message, page error or dialog appeared (a CSP
violation, a script error or an injected ``alert`` would show there).
Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import urllib.parse

import pytest
from _browser import (
    HOSTILE_LABEL,
    HOSTILE_NOTE,
    HOSTILE_QUOTE,
    HOSTILE_TTL,
)

import cnai_kg
from cnai_kg.server import start

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(kg):
    with start(kg) as running:
        yield running


def test_home_page_and_language_switch(server, visit):
    v = visit(server.url)
    response = v.go("/?lang=ko")
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert v.page.text_content("h1") == "그래프에 담긴 것"
    hubs = v.page.locator(".hub h3").all_text_contents()
    assert sorted(hubs) == sorted(["징진지", "주강삼각주", "장강삼각주"])
    frame = v.graph_ready()
    labels = frame.evaluate("cnaiView.nodes.get().map(n => n.label)")
    assert "텐센트" in labels and "주강삼각주" in labels
    kinds = set(frame.evaluate("Object.keys(cnaiView.data.legend.kinds || {})") or [])
    assert len(frame.evaluate("cnaiView.nodes.get()")) >= 20, kinds
    v.screenshot("serve-home.png")
    v.page.click("nav.langs a[hreflang='en']")
    v.page.wait_for_load_state("load")
    assert v.page.text_content("h1") == "What the graph holds"
    assert "Pearl River Delta" in v.page.locator(".hub h3").all_text_contents()
    v.assert_clean()


def test_named_query_with_a_parameter_from_the_query_page(server, visit):
    v = visit(server.url)
    v.go("/query?lang=ko")
    v.page.click("a[data-query='companies-by-hub']")
    v.page.wait_for_load_state("load")
    # the editor holds the query, highlighted by our own highlighter
    assert "SELECT ?hub" in v.page.input_value("#editor")
    keywords = v.page.locator("#highlight .t-keyword").all_text_contents()
    assert "SELECT" in keywords and "WHERE" in keywords
    assert "?organisation" in v.page.locator("#highlight .t-var").all_text_contents()
    v.page.fill("input[name='p.hub']", "珠三角")
    v.page.click("#run")
    v.page.wait_for_load_state("load")
    assert v.page.text_content("#row-count") == "2"
    cells = v.page.locator("table.results tbody td a").all_text_contents()
    assert "화웨이" in cells and "텐센트" in cells and "주강삼각주" in cells
    assert "징진지" not in cells
    # show as graph
    v.page.click("#show-graph")
    v.page.wait_for_selector("#result-graph[data-ready='true'] canvas", timeout=30_000)
    v.screenshot("serve-query.png")
    # downloads: every format of a SELECT, each answering with its media type
    links = v.page.locator(".downloads a")
    assert links.all_text_contents() == ["CSV", "TSV", "SPARQL JSON", "SPARQL XML"]
    csv_href = links.first.get_attribute("href")
    got = v.context.request.get(server.url + csv_href.lstrip("/"))
    assert got.status == 200 and got.headers["content-type"].startswith("text/csv")
    assert "https://w3id.org/cnai-kg/resource/Huawei" in got.text()
    # typing re-highlights
    v.page.fill("#editor", "ASK { ?s ?p ?o }")
    v.page.locator("#editor").dispatch_event("input")
    assert v.page.locator("#highlight .t-var").all_text_contents() == ["?s", "?p", "?o"]
    v.assert_clean()


def test_entity_page_in_korean(server, visit):
    v = visit(server.url)
    v.go("/entity/" + urllib.parse.quote("닝더스다이") + "?lang=ko")
    assert v.page.text_content("h1").startswith("CATL")
    labels = v.page.text_content("#labels")
    assert "宁德时代" in labels and "닝더스다이" in labels and "Contemporary Amperex" in labels
    assert "산업 분야" in v.page.text_content("#outgoing")  # relation labels in Korean
    v.page.click("#outgoing a:text('배터리')")
    v.page.wait_for_load_state("load")
    assert v.page.text_content("h1").startswith("배터리")
    v.page.go_back()
    v.page.wait_for_load_state("load")
    quotes = v.page.locator("#facts blockquote").all_text_contents()
    assert any("노동 생산성을 75%" in q for q in quotes)
    assert v.page.locator("#facts .source").count() >= 1
    frame = v.graph_ready()
    assert frame.evaluate("cnaiView.state.focused || cnaiView.data.focus") == "kg:CATL"
    v.screenshot("serve-entity.png")
    v.assert_clean()


def test_path_finder(server, visit):
    v = visit(server.url)
    v.go("/path?lang=en")
    v.page.fill("#from", "小马智行")
    v.page.fill("#to", "위라이드")
    v.page.click("#find")
    v.page.wait_for_load_state("load")
    chains = v.page.locator("section.chain")
    assert chains.count() >= 1
    first = chains.first
    links = first.locator("a").all_text_contents()
    assert links[0] == "Pony.ai" and links[-1] == "WeRide"
    assert first.locator("blockquote").count() >= 1
    frame = v.graph_ready()
    drawn = frame.evaluate("cnaiView.data.path")
    assert drawn[0] == "kg:PonyAI" and drawn[-1] == "kg:WeRide"
    v.screenshot("serve-path.png")
    # an unknown name gets its closest matches
    v.page.fill("#to", "WeRid")
    v.page.click("#find")
    v.page.wait_for_load_state("load")
    assert "WeRide" in v.page.text_content(".error")
    v.assert_clean()


def test_hostile_labels_in_data_never_execute(make_ttl, visit):
    extra = make_ttl(HOSTILE_TTL)
    kg = cnai_kg.load(extra)
    with start(kg) as running:
        v = visit(running.url)
        pages = [
            "/entity/kg:Evil?lang=en",
            "/entity/kg:Evil?lang=ko",
            "/search?q=evil",
            "/?lang=en",
            "/query?"
            + urllib.parse.urlencode(
                {"query": "SELECT ?x ?l WHERE { ?x cnai:basedIn kg:Shanghai ; rdfs:label ?l }"}
            ),
            "/path?"
            + urllib.parse.urlencode(
                {"from": "evil-alias <b onmouseover=alert(5)>x</b>", "to": "Shanghai"}
            ),
        ]
        for path in pages:
            v.go(path)
            body = v.page.text_content("body")
            assert HOSTILE_LABEL in body or HOSTILE_QUOTE in body, path
            assert v.page.locator("img, svg, object, embed, b").count() == 0, path
            assert v.page.locator("iframe:not([src^='/view/'])").count() == 0, path
            assert v.page.locator("script:not([src]):not([type='application/json'])").count() == 0
        v.go("/entity/kg:Evil?lang=en")
        assert v.page.text_content("h1").startswith(HOSTILE_LABEL)
        assert HOSTILE_NOTE in v.page.text_content("#facts")
        frame = v.graph_ready()
        assert frame.evaluate("cnaiView.nodes.get('kg:Evil').label") == HOSTILE_LABEL
        v.go(pages[4])
        v.page.click("#show-graph")
        v.page.wait_for_selector("#result-graph[data-ready='true'] canvas", timeout=30_000)
        v.screenshot("serve-hostile.png")
        v.assert_clean()
