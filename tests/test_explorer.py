"""The explorer's pages as an analyst reads them, over real HTTP: every entity page, the
partners of a partnership, downloads, named queries with a required parameter, and the
Korean and Chinese pages (the browser tests look at the same pages in Chromium).

A server runs on a free port of 127.0.0.1 in a background thread; pages are parsed
with the standard library's HTML parser (the structure, not raw bytes).
"""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from email.message import Message
from html.parser import HTMLParser

import pytest
from rdflib import URIRef

from cnai_kg.kg import LANGS
from cnai_kg.namespaces import CNAI, KG
from cnai_kg.query import named_queries
from cnai_kg.server import start
from cnai_kg.server.i18n import TEXT

#: Latin letters: a Korean or Chinese interface string with three in a row is English.
LATIN = re.compile("[A-Za-z]{3,}")


@pytest.fixture(scope="module")
def server(kg):
    with start(kg) as running:
        yield running


def get(url: str) -> tuple[int, Message, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


class Page(HTMLParser):
    """A page's elements: tag, attributes, and the text inside each, by id and by class."""

    def __init__(self, html: str):
        super().__init__()
        self.elements: list[dict] = []
        self._open: list[dict] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": dict(attrs), "text": ""}
        self.elements.append(element)
        if tag not in ("input", "meta", "link", "br", "img"):
            self._open.append(element)

    def handle_endtag(self, tag):
        while self._open:
            if self._open.pop()["tag"] == tag:
                break

    def handle_data(self, data):
        for element in self._open:
            element["text"] += data

    def find(self, tag=None, **attrs) -> list[dict]:
        out = []
        for e in self.elements:
            if tag and e["tag"] != tag:
                continue
            if all(
                (v in (e["attrs"].get("class") or "").split())
                if k == "class_"
                else e["attrs"].get(k) == v
                for k, v in attrs.items()
            ):
                out.append(e)
        return out

    def by_id(self, id_: str) -> dict | None:
        found = self.find(id=id_)
        return found[0] if found else None


def page(server, path: str) -> tuple[int, Page, str]:
    status, _, body = get(server.url + path.lstrip("/"))
    html = body.decode("utf-8")
    return status, Page(html), html


def entity_path(curie: str, lang: str) -> str:
    return f"/entity/{urllib.parse.quote(curie, safe=':')}?lang={lang}"


def view_data(html: str) -> dict:
    """The JSON a view page hands its script."""
    m = re.search(r'<script type="application/json" id="cnai-data">(.*?)</script>', html, re.S)
    return json.loads(m.group(1))


# --------------------------------------------------------------------------- neighbourhoods

#: What the issue found broken, by entity: each must now draw its neighbourhood.
ONCE_BROKEN = [
    "kg:opp-chips-sensors",
    "kg:opp-robot-parts",
    "kg:opp-third-country",
    "kg:opp-vertical-llm",
    "kg:partnership-proposed-chip-supply",
    "kg:partnership-proposed-local",
    "kg:partnership-proposed-robot-parts",
    "kg:partnership-proposed-third-country",
    "kg:mitigation-local-partners",
    "kg:ind-cagr",
    "kg:ind-lighthouse-count",
    "kg:status-proposed",
    "kg:status-forecast",
    "kg:concept-lighthouse-factory",  # 등대공장
    "kg:ptype-b2b-supply",
    "kg:entry-b2b-supply",
    "kg:risktype-ip",
]


def test_every_entity_page_draws_its_neighbourhood_or_says_why(server, kg):
    entities = sorted(kg.curie(e) for e in kg.entities())
    assert len(entities) == 200
    statements: dict[str, set[str]] = {}
    for lang in LANGS:
        for curie in entities:
            status, doc, html = page(server, entity_path(curie, lang))
            assert status == 200, (curie, lang)
            assert ") is not a node of the network" not in html, (curie, lang)
            frames = doc.find("iframe", class_="graph")
            said = doc.by_id("no-neighbourhood")
            if said is None:
                (frame,) = frames
                status, _, body = get(server.url + frame["attrs"]["src"].lstrip("/"))
                assert status == 200, (curie, lang)
                data = view_data(body.decode("utf-8"))
                ids = {n["id"] for n in data["nodes"]}
                assert data["focus"] == curie and curie in ids and len(ids) > 1, (curie, lang)
                assert data["edges"], (curie, lang)
            else:
                assert frames == [], (curie, lang)
                reason = said["attrs"]["data-reason"]
                assert said["text"].strip() == TEXT[lang][reason], (curie, lang)
                statements.setdefault(reason, set()).add(curie)
    # only what the network cannot hold says why: roles sit on edges, vocabularies and
    # source documents are linked by no fact
    roles = {kg.curie(r) for r in kg.entities(CNAI.PartnerRole)}
    assert statements.pop("no_graph_role") == roles and len(roles) == 9
    assert all(c.startswith("kg:scheme-") for c in statements.pop("no_graph_scheme"))
    assert statements.pop("no_graph_source") == {
        "kg:Article-China-AI",
        "kg:Article-DeepSeek-V3",
        "kg:Site-syhmwolf-kr",
    }
    assert statements == {}


@pytest.mark.parametrize("curie", ONCE_BROKEN)
def test_what_the_issue_found_broken_is_drawn_with_what_points_at_it(server, kg, curie):
    _, doc, _ = page(server, entity_path(curie, "ko"))
    assert doc.by_id("no-neighbourhood") is None
    (frame,) = doc.find("iframe", class_="graph")
    data = view_data(get(server.url + frame["attrs"]["src"].lstrip("/"))[2].decode())
    neighbours = {e["to"] if e["from"] == curie else e["from"] for e in data["edges"]}
    neighbours.discard(curie)
    assert neighbours, curie
    # proposals are drawn, and drawn as proposals (dashed, named in the legend)
    if kg.value(kg.resolve(curie), CNAI.status) == KG["status-proposed"]:
        assert data["legend"]["proposed"]


def test_a_role_page_lists_the_partnerships_that_use_it(server):
    _, doc, _ = page(server, entity_path("kg:role-platform-operator", "en"))
    table = doc.by_id("partners")
    assert "Uber" in table["text"]
    assert "Pony.ai–Uber partnership (UAE)" in table["text"]
    assert "WeRide–Uber partnership (UAE)" in table["text"]
    columns = {td["attrs"]["data-column"] for td in doc.find("td") if "data-column" in td["attrs"]}
    assert columns == {"partnership", "member"}  # the role itself is the page


# --------------------------------------------------------------------------- partners


def test_a_partnership_page_names_its_partners_and_their_roles(server, kg):
    for lang in LANGS:
        _, doc, html = page(server, entity_path("kg:partnership-ponyai-uber", lang))
        assert "kg:part-" not in html.replace('title="kg:part-', "")
        cells = [
            (td["attrs"]["data-column"], td["text"].strip())
            for td in doc.find("td")
            if "data-column" in td["attrs"]
        ]
        members = [text for col, text in cells if col == "member"]
        roles = [text for col, text in cells if col == "role"]
        expect = {
            (kg.label(KG.PonyAI, lang), kg.label(KG["role-technology-provider"], lang)),
            (kg.label(KG.Uber, lang), kg.label(KG["role-platform-operator"], lang)),
        }
        assert set(zip(members, roles, strict=True)) == expect, lang
        # no raw ids anywhere a name could stand: every link text is a label
        for a in doc.find("a"):
            assert not a["text"].startswith("kg:"), (lang, a)
        # the source excerpts show their quotes, not kg:ex-... ids
        quotes = [q["text"] for q in doc.find("q")]
        assert "기술은 중국 기업이 제공하고, 플랫폼 운영은 우버가 맡는 방식입니다." in quotes


def test_a_company_page_lists_its_partnerships_with_its_role(server):
    _, doc, _ = page(server, entity_path("kg:Uber", "ko"))
    table = doc.by_id("partners")
    assert "Pony.ai–우버 제휴 (UAE)" in table["text"] and "플랫폼 운영자" in table["text"]
    columns = {td["attrs"]["data-column"] for td in doc.find("td") if "data-column" in td["attrs"]}
    assert columns == {"partnership", "role"}


def test_texts_in_several_languages_show_the_pages_language(server):
    for lang, caveat in (("ko", "시작 시점은 나와 있지 않다"), ("en", "No start date is given")):
        _, doc, _ = page(server, entity_path("kg:partnership-ponyai-uber", lang))
        text = doc.by_id("outgoing")["text"]
        assert caveat in text
        other = "No start date is given" if lang == "ko" else "시작 시점은 나와 있지 않다"
        assert other not in text


# --------------------------------------------------------------------------- downloads

HUBS = (
    "SELECT ?hub ?organisation ?n WHERE { ?organisation cnai:basedIn ?hub . ?hub a cnai:AIHub "
    "BIND (1 AS ?n) } ORDER BY ?hub ?organisation"
)


def download(server, query: str, fmt: str, lang: str) -> tuple[int, Message, bytes]:
    q = urllib.parse.urlencode({"query": query, "format": fmt, "lang": lang})
    return get(server.url + "query/download?" + q)


def test_a_csv_download_opens_in_excel_and_names_what_the_table_shows(server, kg):
    status, headers, body = download(server, HUBS, "csv", "ko")
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert list(rows[0]) == ["hub", "hub_label", "organisation", "organisation_label", "n"]
    by_iri = {r["organisation"]: r for r in rows}
    tencent = by_iri[str(KG.Tencent)]
    assert tencent["organisation_label"] == "텐센트" and tencent["hub_label"] == "주강삼각주"
    assert all(r["n"] == "1" for r in rows)  # a literal column gets no label column
    # the table on the page shows the same names
    _, doc, _ = page(server, "/query?" + urllib.parse.urlencode({"query": HUBS, "lang": "ko"}))
    shown = [a["text"] for a in doc.find("a") if a["attrs"].get("title") == "kg:Tencent"]
    assert shown == ["텐센트"]


def test_every_row_download_carries_the_labels(server):
    _, _, tsv = download(server, HUBS, "tsv", "zh")
    head, *lines = tsv.decode("utf-8").splitlines()
    assert head.split("\t") == ["?hub", "?hub_label", "?organisation", "?organisation_label", "?n"]
    assert any('"腾讯"' in line for line in lines)
    _, _, srj = download(server, HUBS, "json", "en")
    doc = json.loads(srj)
    assert doc["head"]["vars"] == ["hub", "hub_label", "organisation", "organisation_label", "n"]
    labels = {b["organisation_label"]["value"] for b in doc["results"]["bindings"]}
    assert "Tencent" in labels
    _, _, srx = download(server, HUBS, "xml", "en")
    names = [v.get("name") for v in ET.fromstring(srx).findall(".//{*}variable")]
    assert names == ["hub", "hub_label", "organisation", "organisation_label", "n"]
    # the SPARQL endpoint answers the query as it is: no labels, no BOM
    q = urllib.parse.urlencode({"query": HUBS})
    _, _, endpoint = get(server.url + "sparql?" + q + "&format=csv")
    assert endpoint.startswith(b"hub,organisation,n")


# --------------------------------------------------------------------------- named queries


def test_a_named_query_with_a_required_parameter_waits_for_it(server):
    for lang in LANGS:
        _, doc, _ = page(server, f"/query?name=facts-about&lang={lang}")
        assert doc.by_id("result") is None and doc.find(class_="error") == [], lang
        note = doc.by_id("needs-params")
        assert note["text"].strip() == TEXT[lang]["needs_params"].format(names="entity"), lang
        (field,) = doc.find("input", name="p.entity")
        assert "required" in field["attrs"], lang
        hint = named_queries()["facts-about"].param_description("entity", lang)
        assert field["attrs"]["placeholder"] == hint
    # given the value, it runs
    _, doc, _ = page(server, "/query?name=facts-about&p.entity=%EC%9A%B0%EB%B2%84&lang=ko")
    assert doc.by_id("needs-params") is None
    assert int(doc.by_id("row-count")["text"]) > 0
    # an optional parameter does not hold a query back
    _, doc, _ = page(server, "/query?name=companies-by-hub&lang=ko")
    assert doc.by_id("needs-params") is None and int(doc.by_id("row-count")["text"]) == 6


def test_the_editor_holds_the_header_in_the_pages_language_only(server):
    _, doc, _ = page(server, "/query?name=hubs&lang=ko")
    text = doc.by_id("editor")["text"]
    assert "# title@ko:" in text and "@zh" not in text and "# title:" in text


# --------------------------------------------------------------------------- Korean, Chinese


@pytest.mark.parametrize("lang", ["ko", "zh"])
def test_the_query_library_in_the_pages_language(server, lang):
    _, doc, _ = page(server, f"/query?name=market-figures&lang={lang}")
    library = named_queries()
    links = {a["attrs"]["data-query"]: a for a in doc.find("a") if "data-query" in a["attrs"]}
    assert set(links) == set(library)
    for name, a in links.items():
        assert a["text"] == library[name].title_in(lang) != library[name].title, name
        assert a["attrs"]["title"] == library[name].description_in(lang)
        assert not LATIN.search(re.sub(r"cnai:\w+|SPARQL|LLM|AI|KOTRA|LIMIT", "", a["text"]))
    description = doc.by_id("query-description")["text"]
    assert description == library["market-figures"].description_in(lang)
    hints = [e["text"].strip() for e in doc.find("span", class_="hint")]
    assert hints[1] == library["market-figures"].param_description("year", lang)


@pytest.mark.parametrize("lang", ["ko", "zh"])
def test_fact_badges_relations_and_reasons_in_the_pages_language(server, kg, lang):
    _, doc, _ = page(server, entity_path("kg:Uber", lang))
    badges = {e["attrs"]["data-kind"]: e["text"] for e in doc.find("span", class_="kind")}
    assert badges == {
        "Partnership": kg.label(CNAI.Partnership, lang),
        "Statement": kg.label(CNAI.Statement, lang),
    }
    assert not any(LATIN.search(b) for b in badges.values())
    relation_names = [
        s["text"] for s in doc.find("span") if s["attrs"].get("title", "").startswith("cnai:")
    ]
    assert relation_names and not any(LATIN.search(r) for r in relation_names)
    (why,) = [e["text"] for e in doc.find("p", class_="why")]
    assert why.startswith({"ko": "배경 지식: 우버는", "zh": "背景知识：优步"}[lang])


def test_a_chinese_view_names_every_kind_and_relation_in_chinese(server):
    status, _, body = get(server.url + "view/home?lang=zh")
    data = view_data(body.decode("utf-8"))
    assert status == 200
    kinds = [k["label"] for k in data["legend"]["kinds"]]
    assert kinds and not any(LATIN.search(k.replace("AI", "")) for k in kinds)
    assert not any(LATIN.search(r) for r in data["relations"].values())
    _, doc, _ = page(server, "/?lang=zh")
    kinds_table = [e["text"] for e in doc.find("table", class_="kinds")][0]
    assert "企业" in kinds_table and "cnai:" not in kinds_table


@pytest.mark.parametrize(
    "path, expected",
    [
        ("/entity/Nonexistent%20Corp?lang=ko", "다음 이름의 개체가 없습니다: 'Nonexistent Corp'"),
        ("/entity/Nonexistent%20Corp?lang=zh", "没有名为 'Nonexistent Corp' 的实体。"),
        ("/entity/Nonexistent%20Corp?lang=en", "No entity is named 'Nonexistent Corp'."),
        (
            "/path?from=Wuhan&to=Finance&lang=ko",
            "우한 → 금융: 두 개체를 잇는 사실의 사슬이 없습니다.",
        ),
        ("/path?from=Wuhan&to=Finance&lang=zh", "武汉 → 金融：没有连接这两个实体的事实链。"),
        ("/path?from=Wuhan&to=Finance&lang=en", "No chain of facts links Wuhan and Finance."),
        (
            "/path?from=Wuhan&to=kg:role-customer&lang=ko",
            "고객: 경로가 지나는 네트워크에 없는 개체",
        ),
        ("/query?query=SELEC&lang=ko", "질의를 실행할 수 없습니다. 자세한 설명(영어): "),
        ("/query?query=SELEC&lang=zh", "无法执行该查询。详细说明（英文）："),
        (
            "/query?query=LOAD%20%3Chttp%3A%2F%2Fexample.org%2F%3E&lang=ko",
            "이 탐색기는 읽기 전용이며 불러온 그래프에만 답합니다.",
        ),
    ],
)
def test_errors_are_said_in_the_pages_language(server, path, expected):
    _, doc, _ = page(server, path)
    (error,) = doc.find(class_="error")
    assert expected in error["text"], error["text"]


def test_an_unknown_parameter_value_is_said_in_korean_with_the_closest_names(server):
    q = urllib.parse.urlencode({"name": "companies-by-hub", "p.hub": "주강삼각", "lang": "ko"})
    _, doc, _ = page(server, "/query?" + q)
    (error,) = doc.find(class_="error")
    assert "다음 이름의 개체가 없습니다: '주강삼각'" in error["text"]
    assert "비슷한 이름: " in error["text"] and "주강삼각주" in error["text"]


# --------------------------------------------------------------------------- node links


def test_each_node_of_a_page_graph_links_to_its_page(server, kg):
    for path in (
        "view/home?lang=ko",
        "view/entity/kg:CATL?lang=zh",
        "view/path?from=Pony.ai&to=WeRide&lang=en",
    ):
        data = view_data(get(server.url + path)[2].decode("utf-8"))
        lang = data["lang"]
        pages = data["meta"]["pages"]
        assert set(pages) == {n["id"] for n in data["nodes"]}, path
        for node, url in pages.items():
            assert url == entity_path(node, lang)
            assert URIRef(kg.resolve(node)) in set(kg.entities())
        assert data["meta"]["openPage"] == TEXT[lang]["open_page"]
