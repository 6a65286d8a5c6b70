"""What the browser tests share: Debian's Chromium, launched headless by Playwright.

Importing this module skips the importing test module when Playwright or Chromium is
missing (a machine set up without root).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = os.environ.get("CNAI_KG_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip("Debian chromium is not installed", allow_module_level=True)

#: No sandbox (root in CI), no GPU, and none of Chromium's own network traffic.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: Screenshots taken by the tests (not committed).
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def launch(playwright):
    """Debian's Chromium, headless, with :data:`ARGS`."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)


class Visit:
    """A browser context on one server, with everything it tried to do recorded."""

    def __init__(self, browser, base: str, *, width: int = 1300, height: int = 900):
        self.base = base
        self.foreign: list[str] = []
        self.console: list[tuple[str, str]] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.console.append((m.type, m.text)))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)

    def _route(self, route):
        url = route.request.url
        if url.startswith(self.base) or url.startswith("data:"):
            route.continue_()
        else:
            self.foreign.append(url)
            route.abort()

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def go(self, path: str):
        response = self.page.goto(self.base + path.lstrip("/"))
        self.page.wait_for_load_state("load")
        return response

    def graph_ready(self, frame_selector: str = "iframe.graph"):
        """Wait until the vis-network view in the page's frame has drawn itself."""
        frame = self.page.frame_locator(frame_selector)
        frame.locator("body[data-ready='1']").wait_for(state="attached", timeout=60_000)
        return self.page.frames[1]

    def screenshot(self, name: str):
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / name))

    def assert_clean(self):
        assert self.foreign == []
        assert self.console == []
        assert self.errors == []
        assert self.dialogs == []


# Hostile text for the views and the explorer: none of it may run, open a dialog or fetch.
HOSTILE_LABEL = "<img src=x onerror=alert(1)>"
HOSTILE_QUOTE = "</script><script>alert(2)</script>"
HOSTILE_NOTE = '"><svg onload=alert(3)><iframe src=javascript:alert(4)>'
#: A company whose label, alias, caveat and quote are HTML and script (Turtle, prefixes
#: as the tests' ``make_ttl`` declares them).
HOSTILE_TTL = f"""
kg:Evil a cnai:Company ; rdfs:label {json.dumps(HOSTILE_LABEL)}@en ,
    {json.dumps(HOSTILE_QUOTE)}@ko ;
    skos:altLabel "evil-alias <b onmouseover=alert(5)>x</b>"@en ;
    cnai:caveat {json.dumps(HOSTILE_NOTE)}@en ;
    cnai:basedIn kg:Shanghai .
kg:ex-evil a cnai:SourceExcerpt ; cnai:quote {json.dumps(HOSTILE_QUOTE)}@ko ;
    dcterms:isPartOf kg:Article-China-AI .
kg:st-evil a cnai:Statement ; rdf:subject kg:Evil ; rdf:predicate cnai:basedIn ;
    rdf:object kg:Shanghai ; prov:wasDerivedFrom kg:ex-evil ;
    cnai:caveat {json.dumps(HOSTILE_NOTE)}@en .
"""
