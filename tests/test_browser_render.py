"""The HTML views in a real browser: headless Debian Chromium driven by Playwright.

Every page is opened from ``file://`` with every request routed: only the page
itself may load, anything else is recorded and aborted. Each test also asserts
that the page printed nothing to the console (a CSP violation, a script error
or a vis-network warning would show there) and that no dialog ever opened.
Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from _browser import (
    ARTIFACTS,
    HOSTILE_LABEL,
    HOSTILE_NOTE,
    HOSTILE_QUOTE,
    HOSTILE_TTL,
)
from rdflib import Graph, Literal, Namespace
from rdflib.namespace import RDF, RDFS

import cnai_kg
from cnai_kg.kg import KnowledgeGraph
from cnai_kg.namespaces import CNAI, KG

pytestmark = pytest.mark.browser


PROV = Namespace("http://www.w3.org/ns/prov#")


class Session:
    """One page with everything it tried to do recorded."""

    def __init__(self, browser, url: str, viewport=(1400, 900)):
        self.url = url
        self.requests: list[str] = []
        self.console: list[tuple[str, str]] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.console.append((m.type, m.text)))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)

    def _route(self, route):
        self.requests.append(route.request.url)
        if route.request.url == self.url:
            route.continue_()
        else:
            route.abort()

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, frame_selector: str | None = None):
        self.page.goto(self.url)
        target = self.page
        if frame_selector:
            target = self.page.frame_locator(frame_selector)
            target.locator("body[data-ready='1']").wait_for(state="attached", timeout=90_000)
        else:
            self.page.wait_for_selector("body[data-ready='1']", state="attached", timeout=90_000)
        return self

    def js(self, expression: str, arg=None):
        # evaluate() goes through the DevTools protocol, so the page's CSP
        # (no eval) stays in force for the page's own scripts
        return self.page.evaluate(expression, arg)

    def until(self, expression: str, expected, timeout: float = 10.0):
        deadline = time.monotonic() + timeout
        while True:
            value = self.js(expression)
            if value == expected or time.monotonic() > deadline:
                return value
            time.sleep(0.05)

    def click_node(self, node_id: str):
        x, y = self.node_xy(node_id)
        self.page.mouse.click(x, y)

    def node_xy(self, node_id: str) -> tuple[float, float]:
        return self.js(
            """id => {
            const net = cnaiView.network;
            const p = net.canvasToDOM(net.getPositions([id])[id]);
            const r = document.getElementById('graph').getBoundingClientRect();
            return [r.left + p.x, r.top + p.y];
        }""",
            node_id,
        )

    def screenshot(self, name: str):
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / name))

    def assert_clean(self):
        assert self.requests == [self.url]
        assert self.console == []
        assert self.errors == []
        assert self.dialogs == []

    def close(self):
        self.context.close()


@pytest.fixture
def session(browser):
    opened: list[Session] = []

    def make(path: Path, **kw) -> Session:
        s = Session(browser, path.resolve().as_uri(), **kw)
        opened.append(s)
        return s

    yield make
    for s in opened:
        s.close()


# --------------------------------------------------------------------------- the whole graph


def test_whole_graph_offline_settled_and_complete(kg, session, tmp_path):
    view = kg.render(lang="ko", scope="all")
    path = view.save(tmp_path / "whole.html")
    s = session(path).open()
    assert set(s.js("cnaiView.nodes.getIds()")) == view.node_ids
    assert s.js("cnaiView.edges.length") == len(view.edges)
    shown = s.js("cnaiView.edges.get().map(e => [e.from, e.relation, e.to])")
    assert {tuple(e) for e in shown} == view.edge_triples
    assert s.js("document.querySelector('#stats').textContent") == (
        f"{len(view.nodes)} 노드 · {len(view.edges)} 엣지"
    )
    # physics settled, then stopped: nothing moves any more
    assert s.js("cnaiView.state.physicsStopped") is True
    assert s.js("cnaiView.network.physics.options.enabled") is False
    before = s.js("cnaiView.network.getPositions()")
    s.page.wait_for_timeout(600)
    assert s.js("cnaiView.network.getPositions()") == before
    # Hangul and Hanzi are drawn with real glyphs in the canvas font (with no
    # font for them, every character would be the same empty box)
    distinct = s.js(
        """face => {
        const c = document.createElement('canvas'); c.width = c.height = 48;
        const g = c.getContext('2d', {willReadFrequently: true});
        const draw = ch => { g.clearRect(0, 0, 48, 48); g.font = '40px ' + face;
            g.fillText(ch, 2, 40); return g.getImageData(0, 0, 48, 48).data.join(); };
        return [draw('중') !== draw('국'), draw('中') !== draw('国')];
    }""",
        view.options["nodes"]["font"]["face"],
    )
    assert distinct == [True, True]
    legend = s.js("[...document.querySelectorAll('#legend li.kind')].map(li => li.textContent)")
    assert legend == [f"{k['label']}({k['count']})" for k in view.legend["kinds"]]
    assert legend[0].startswith("기업(")
    s.screenshot("view-whole-ko.png")
    s.assert_clean()


@pytest.mark.parametrize(
    "name, lang",
    [
        ("닝더스다이", "en"),
        ("宁德时代", "ko"),
        ("catl", "zh"),
        ("萝卜快跑", "en"),
        ("뤄버콰이파오", "en"),
        ("UAE", "ko"),
        ("우버", "en"),
        ("damo academy", "zh"),
    ],
)
def test_search_finds_and_focuses_any_label(kg, session, tmp_path, name, lang):
    expected = kg.curie(kg.resolve(name))
    view = kg.render(lang=lang)
    s = session(view.save(tmp_path / "search.html")).open()
    s.page.fill("#search", name)
    first = s.js("document.querySelector('#results li').getAttribute('data-node')")
    assert first == expected
    s.page.press("#search", "Enter")
    assert s.until("cnaiView.state.focused", expected) == expected
    assert s.js("cnaiView.network.getSelectedNodes()") == [expected]
    assert (
        s.js("document.querySelector('#details h3').textContent")
        == view.node_info[expected]["label"]
    )
    # the camera ends on the node
    assert s.until("cnaiView.state.centred", expected) == expected
    pos = s.js("id => cnaiView.network.getPositions([id])[id]", expected)
    centre = s.js("cnaiView.network.getViewPosition()")
    assert abs(pos["x"] - centre["x"]) < 3 and abs(pos["y"] - centre["y"]) < 3
    s.assert_clean()


def test_search_by_mouse_and_no_match(kg, session, tmp_path):
    s = session(kg.render().save(tmp_path / "mouse.html")).open()
    s.page.click("#search")
    s.page.keyboard.type("우버")
    s.page.click("#results li[data-node='kg:Uber']")
    assert s.until("cnaiView.state.focused", "kg:Uber") == "kg:Uber"
    s.page.fill("#search", "no such thing")
    assert s.js("document.querySelector('#results').textContent") == "No match"
    s.assert_clean()


def test_first_view_tells_the_story_with_claims_and_figures_one_click_away(kg, session, tmp_path):
    """cnai-kg render: companies, groups, hubs, cities and partnerships with their roles
    on screen; claims and figures in the page but hidden until their legend entry is
    clicked; the whole graph behind --all."""
    view = kg.render()
    kinds = {n["id"]: n["kind"] for n in view.nodes}
    claims = {n for n, k in kinds.items() if k == "Claim"}
    figures = {n for n, k in kinds.items() if k == "MarketFigure"}
    assert len(claims) == 24 and len(figures) == 15
    assert {"Sector", "Technology", "Opportunity", "Risk", "Mitigation"}.isdisjoint(kinds.values())
    assert {"kg:CATL", "kg:Uber", "kg:JingJinJi", "kg:Wuhan", "kg:partnership-ponyai-uber"} <= set(
        kinds
    )
    s = session(view.save(tmp_path / "story.html")).open()
    hidden = "cnaiView.nodes.get({filter: n => n.hidden === true}).map(n => n.id)"
    assert set(s.js(hidden)) == claims | figures
    shown = s.js("cnaiView.nodes.get({filter: n => !n.hidden}).map(n => n.kind)")
    assert len(shown) == len(view.nodes) - len(claims) - len(figures) < 60
    # the partnerships carry their roles on the edges
    roles = s.js(
        "cnaiView.edges.get({filter: e => e.to === 'kg:partnership-ponyai-uber'"
        " && e.relation === 'cnai:Participation'})"
        ".map(e => [e.from, e.label])"
    )
    assert sorted(roles) == [["kg:PonyAI", "Technology provider"], ["kg:Uber", "Platform operator"]]
    # groups of actors are drawn with a dashed border
    assert s.js("cnaiView.data.options.groups.ActorGroup.shapeProperties.borderDashes") == [4, 3]
    # the legend starts with claims and figures dimmed; one click shows them
    dim = "getComputedStyle(document.querySelector(\"#legend li[data-kind='Claim']\")).opacity"
    assert s.js(dim) == "0.4"
    s.page.click("#legend li[data-kind='Claim'] .link")
    assert set(s.js(hidden)) == figures
    s.page.click("#legend li[data-kind='MarketFigure'] .link")
    assert s.js(hidden) == []
    s.page.click("#legend li[data-kind='Claim'] .link")
    assert set(s.js(hidden)) == claims
    # a search result of a hidden kind shows that kind again
    s.page.click("#legend li[data-kind='Company'] .link")
    s.page.fill("#search", "宁德时代")
    s.page.press("#search", "Enter")
    assert s.until("cnaiView.state.focused", "kg:CATL") == "kg:CATL"
    assert set(s.js(hidden)) == claims
    s.screenshot("view-story.png")
    s.assert_clean()


def test_all_shows_the_whole_graph_with_proposals_dashed(kg, session, tmp_path):
    story, everything = kg.render(), kg.render(scope="all")
    assert story.node_ids < everything.node_ids
    kinds = {n["kind"] for n in everything.nodes}
    assert {"Sector", "Technology", "Opportunity", "Risk", "Claim", "MarketFigure"} <= kinds
    s = session(everything.save(tmp_path / "all.html")).open()
    assert s.js("cnaiView.nodes.get({filter: n => n.hidden === true}).length") == 0
    dashed = s.js("cnaiView.edges.get({filter: e => e.dashes === true}).map(e => e.to)")
    assert "kg:partnership-proposed-robot-parts" in dashed
    assert "kg:partnership-ponyai-uber" not in dashed
    assert s.js("document.querySelector('#legend').textContent").count("Proposed") == 1
    s.assert_clean()


# --------------------------------------------------------------------------- details


def test_clicking_a_fact_node_shows_its_quote(kg, session, tmp_path):
    view = kg.render()
    partnership = "kg:partnership-ponyai-uber"
    fact = view.facts[view.node_info[partnership]["fact"]]
    s = session(view.save(tmp_path / "click.html")).open()
    s.click_node(partnership)
    assert (
        s.until(
            "document.querySelector('#details h3').textContent",
            view.node_info[partnership]["label"],
        )
        == view.node_info[partnership]["label"]
    )
    quotes = s.js("[...document.querySelectorAll('#details .quote')].map(q => q.textContent)")
    assert quotes[0] == fact["quotes"][0]
    assert "우버(Uber)" in quotes[0]
    docs = s.js("document.querySelector('#details .doc').textContent")
    assert docs == "Source: " + " ← ".join(fact["documents"])
    s.screenshot("view-details.png")
    s.assert_clean()


def test_clicking_an_edge_shows_its_quote(kg, session, tmp_path):
    # a precomputed layout draws straight edges, so the midpoint is on the edge
    view = kg.render(focus="CATL", layout="precomputed")
    (eid,) = [
        e["id"]
        for e in view.edges
        if (e["from"], e["relation"], e["to"])
        == ("kg:CATL", "cnai:inSector", "kg:sector-batteries")
    ]
    s = session(view.save(tmp_path / "edge.html")).open()
    a, b = s.node_xy("kg:CATL"), s.node_xy("kg:sector-batteries")
    s.page.mouse.click((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
    assert s.until("cnaiView.state.shown && cnaiView.state.shown.edge", eid) == eid
    assert (
        s.js("document.querySelector('#details .quote').textContent")
        == view.edge_info[eid]["fact"]["quotes"][0]
    )
    assert s.js("document.querySelector('#details h3').textContent") == "CATL —in sector→ Batteries"
    s.assert_clean()


def test_path_view_lists_the_evidence_chain(kg, session, tmp_path):
    view = kg.render(path=("Pony.ai", "WeRide"), lang="ko")
    s = session(view.save(tmp_path / "path.html")).open()
    heading = s.js("document.querySelector('#details h2').textContent")
    assert heading == f"경로 ({len(view.hops)})"
    links = s.js("[...document.querySelectorAll('#details .rel a')].map(a => a.dataset.node)")
    assert links == [x for h in view.hops for x in (h["from"], h["to"])]
    red = s.js("cnaiView.edges.get().filter(e => e.width === 4).length")
    assert red == len(view.hops)
    s.screenshot("view-path-ko.png")
    s.assert_clean()


# --------------------------------------------------------------------------- hostile data


def test_hostile_labels_quotes_and_notes_never_run(make_ttl, session, tmp_path):
    extra = make_ttl(HOSTILE_TTL)
    kg = cnai_kg.load(extra)
    view = kg.render(title=HOSTILE_NOTE)
    assert "kg:Evil" in view.node_ids
    s = session(view.save(tmp_path / "hostile.html")).open()
    # found by its alias, focused, its details and tooltip drawn
    s.page.fill("#search", "evil-alias")
    s.page.press("#search", "Enter")
    assert s.until("cnaiView.state.focused", "kg:Evil") == "kg:Evil"
    assert s.until("cnaiView.state.centred", "kg:Evil") == "kg:Evil"
    x, y = s.node_xy("kg:Evil")
    s.page.mouse.move(x - 40, y - 40)
    s.page.mouse.move(x, y, steps=5)
    assert s.until("document.getElementById('tip').hidden", False) is False
    assert s.js("document.querySelector('#tip div').textContent") == HOSTILE_LABEL
    assert s.js("document.querySelector('#details h3').textContent") == HOSTILE_LABEL
    details = s.js("document.getElementById('details').textContent")
    assert HOSTILE_QUOTE in details and HOSTILE_NOTE in details
    assert s.js("document.querySelector('h1').textContent") == HOSTILE_NOTE
    assert s.js("document.title") == HOSTILE_NOTE
    # the hostile markup is nowhere in the DOM as elements
    assert s.js("document.querySelectorAll('img, svg, iframe, b, object, embed').length") == 0
    assert s.js("document.scripts.length") == 3
    s.screenshot("view-hostile.png")
    s.assert_clean()  # no dialog, no request for "x", no CSP report, no error


def test_content_security_policy_is_enforced(kg, session, tmp_path):
    """Defence in depth: markup that reached the DOM anyway could neither run nor fetch."""
    s = session(kg.render(focus="CATL").save(tmp_path / "csp.html")).open()
    s.js("""() => {
        window.violations = [];
        document.addEventListener('securitypolicyviolation',
            e => window.violations.push(e.effectiveDirective));
        const box = document.createElement('div');
        box.innerHTML = '<img src="x.png" onerror="window.pwned = 1">';
        document.body.appendChild(box);
        const script = document.createElement('script');
        script.textContent = 'window.pwned = 2';
        document.body.appendChild(script);
        const style = document.createElement('style');
        style.textContent = 'body { background: red }';
        document.head.appendChild(style);
    }""")
    assert s.until("window.violations.length", 4) == 4
    assert s.js("window.pwned") is None
    # the image, its onerror handler, the script and the style were all refused
    assert sorted(s.js("window.violations")) == [
        "img-src",
        "script-src-attr",
        "script-src-elem",
        "style-src-elem",
    ]
    assert s.js("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    assert s.requests == [s.url]  # the image was refused before any request
    assert all(kind == "error" and "Content Security Policy" in text for kind, text in s.console)
    assert s.errors == [] and s.dialogs == []


# --------------------------------------------------------------------------- large graphs


def synthetic(n: int, seed: int = 1) -> KnowledgeGraph:
    """A KnowledgeGraph of ``n`` entities: companies in cities and sectors, all sourced."""
    import random

    rng = random.Random(seed)
    g = Graph()
    cities = [KG[f"city{i}"] for i in range(max(2, n // 20))]
    sectors = [KG[f"sector{i}"] for i in range(max(2, n // 50))]
    companies = [KG[f"co{i}"] for i in range(n - len(cities) - len(sectors))]
    excerpt = KG["ex-synthetic"]
    g.add((excerpt, RDF.type, CNAI.SourceExcerpt))
    g.add((excerpt, CNAI.quote, Literal("합성 데이터", lang="ko")))
    for kind, nodes in ((CNAI.City, cities), (CNAI.Sector, sectors), (CNAI.Company, companies)):
        for node in nodes:
            g.add((node, RDF.type, kind))
            g.add((node, RDFS.label, Literal(str(node).rsplit("/", 1)[1], lang="en")))
    links = []
    for co in companies:
        links += [(co, CNAI.basedIn, rng.choice(cities)), (co, CNAI.inSector, rng.choice(sectors))]
        if rng.random() < 0.5:
            links.append((co, CNAI.challenges, rng.choice(companies)))
    for i, (s_, p, o) in enumerate(links):
        if s_ == o:
            continue
        g.add((s_, p, o))
        st = KG[f"st{i}"]
        g.add((st, RDF.type, CNAI.Statement))
        g.add((st, RDF.subject, s_))
        g.add((st, RDF.predicate, p))
        g.add((st, RDF.object, o))
        g.add((st, PROV.wasDerivedFrom, excerpt))
    base = cnai_kg.load(shipped=False)
    return KnowledgeGraph({**base.parts, "synthetic.ttl": g})


def test_large_view_uses_the_precomputed_layout(session, tmp_path):
    view = synthetic(1500).render(scope="all")
    assert len(view.nodes) == 1500
    assert view.meta["layout"] == "precomputed"
    s = session(view.save(tmp_path / "large.html")).open()
    assert s.js("cnaiView.nodes.length") == 1500
    assert s.js("cnaiView.network.physics.options.enabled") is False
    sample = [n for n in view.nodes[::150]]
    positions = s.js("ids => cnaiView.network.getPositions(ids)", [n["id"] for n in sample])
    assert {k: (v["x"], v["y"]) for k, v in positions.items()} == {
        n["id"]: (n["x"], n["y"]) for n in sample
    }
    s.page.fill("#search", "co42")
    s.page.press("#search", "Enter")
    assert s.until("cnaiView.state.focused", "kg:co42") == "kg:co42"
    s.screenshot("view-large.png")
    s.assert_clean()


# --------------------------------------------------------------------------- notebooks


def test_notebook_output_displays_inline(session, tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.v4.new_notebook()
    nb.cells.append(
        nbformat.v4.new_code_cell("import cnai_kg\ncnai_kg.load().render(focus='CATL', lang='ko')")
    )
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    (output,) = nb.cells[0].outputs
    shown = output["data"]["text/html"]
    assert shown.startswith('<iframe title="CATL" sandbox="allow-scripts"')
    host = tmp_path / "notebook.html"
    host.write_text(f"<!DOCTYPE html><html><body>{shown}</body></html>", encoding="utf-8")
    s = session(host).open(frame_selector="iframe")
    frame = s.page.frames[1]
    assert set(frame.evaluate("cnaiView.nodes.getIds()")) == set(
        cnai_kg.load().render(focus="CATL").node_ids
    )
    assert frame.evaluate("cnaiView.state.focused") == "kg:CATL"
    s.screenshot("view-notebook.png")
    s.assert_clean()
