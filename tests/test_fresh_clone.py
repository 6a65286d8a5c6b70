"""A fresh clone passes its tests: the source text is found or its tests skip (fail under
CI); the setup runs no apt-get on a machine that has everything."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
def test_probe(source_text):
    assert source_text
"""


def run_probe(tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run one test that needs the source text, with the project's conftest, in a copy of
    ``tests/`` placed where no ``shared/`` folder is beside it."""
    clone = tmp_path / "clone"
    (clone / "tests").mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "tests" / "conftest.py", clone / "tests" / "conftest.py")
    (clone / "tests" / "test_probe.py").write_text(PROBE, encoding="utf-8")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CNAI_KG_")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", "tests"],
        cwd=clone,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_missing_source_text_skips_with_the_variable_named(tmp_path):
    done = run_probe(tmp_path, {})
    assert done.returncode == 0, done.stdout
    assert "1 skipped" in done.stdout
    assert "set CNAI_KG_SOURCE_TEXT to its path" in done.stdout


def test_missing_source_text_fails_when_required(tmp_path):
    done = run_probe(tmp_path, {"CNAI_KG_REQUIRE_SOURCE": "1"})
    assert done.returncode == 1, done.stdout
    assert "1 error" in done.stdout  # the fixture fails: the test errors at setup
    assert "CNAI_KG_REQUIRE_SOURCE=1 makes it mandatory" in done.stdout


def test_source_text_named_by_the_variable_is_used(tmp_path):
    text = tmp_path / "seeds" / "000_bd8c0458ed4da66e.txt"
    text.parent.mkdir()
    text.write_text("원문", encoding="utf-8")
    for given in (text, text.parent):  # the file, or the folder holding it
        done = run_probe(
            tmp_path, {"CNAI_KG_SOURCE_TEXT": str(given), "CNAI_KG_REQUIRE_SOURCE": "1"}
        )
        assert done.returncode == 0, done.stdout
        assert "1 passed" in done.stdout


def test_ci_makes_the_source_text_mandatory():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "export CNAI_KG_REQUIRE_SOURCE=1" in ci
    assert ci.index("export CNAI_KG_REQUIRE_SOURCE=1") < ci.index("exec bash scripts/test")


@pytest.mark.skipif(
    shutil.which("chromium") is None or shutil.which("fc-list") is None,
    reason="needs chromium and fontconfig installed",
)
def test_setup_check_sees_installed_packages_every_time():
    """`fc-list | grep -q` under pipefail failed at random (SIGPIPE); the check must not."""
    fonts = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True).stdout
    if "Noto Sans CJK" not in fonts:
        pytest.skip("fonts-noto-cjk is not installed")
    for _ in range(15):
        done = subprocess.run(
            ["bash", str(ROOT / "scripts" / "setup"), "--check"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == "setup: Debian packages present"
