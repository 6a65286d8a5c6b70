"""What the browser tests share: Debian's Chromium, launched headless by Playwright.

Importing this module skips the importing test module when Playwright or Chromium is
missing (a machine set up without root).
"""

from __future__ import annotations

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
