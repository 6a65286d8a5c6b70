"""Progress of long work: the library reports its steps (cnai_kg.progress), the command line
shows them as a bar on a terminal and nowhere else."""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from cnai_kg import progress
from cnai_kg.validate import validate

sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_readme import BIN, run_in_terminal  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def recorded():
    """Every task and step the library reports while the test runs."""
    seen: list[tuple] = []

    @contextmanager
    def display(description, total):
        seen.append(("task", description, total))
        yield lambda done, total=None, note="": seen.append((description, done, note))

    previous = progress.show_with(display)
    try:
        yield seen
    finally:
        progress.show_with(previous)


def test_nothing_is_reported_without_a_display():
    previous = progress.show_with(None)
    try:
        with progress.task("quiet", total=2) as step:
            step(1, note="one")  # goes nowhere, raises nothing
    finally:
        progress.show_with(previous)


def test_a_projection_reports_each_of_its_steps(kg, recorded):
    kg.to_networkx()
    assert recorded[0] == ("task", "projecting the network", 5)
    notes = [
        note for description, _, note in recorded[1:] if description == "projecting the network"
    ]
    assert notes == [
        "reading the store",
        "nodes",
        "statements",
        "n-ary facts",
        "building the graph",
        "done",
    ]
    done = [d for description, d, _ in recorded[1:]]
    assert done == sorted(done) and done[-1] == 5


def test_validation_reports_its_steps(kg, recorded):
    validate(kg, inference=False)
    assert recorded[0] == ("task", "validating", 3)
    assert [note for *_, note in recorded[1:]] == [
        "reading the store",
        "checking the shapes",
        "reading the results",
        "done",
    ]


def test_the_command_line_shows_a_bar_on_a_terminal_only(tmp_path):
    env = {"CNAI_KG_PROGRESS_DELAY": "0", "CNAI_KG_CACHE_DIR": str(tmp_path / "cache")}
    command = "cnai-kg centrality --measure degree --top 1"
    prefix = " ".join(f"{k}={v}" for k, v in env.items())
    code, shown = run_in_terminal(f"TERM=xterm {prefix} {command}", ROOT)
    assert code == 0, shown
    assert "projecting the network" in shown
    piped = subprocess.run(
        [str(Path(BIN) / "cnai-kg"), *command.split()[1:]],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=300,
    )
    assert piped.returncode == 0, piped.stderr
    assert "projecting" not in piped.stderr and "projecting" not in piped.stdout


def test_a_rendering_shows_the_projection_inside_it_on_one_line(kg, recorded):
    view = kg.render(scope="all")
    tasks = [r for r in recorded if r[0] == "task"]
    assert tasks == [("task", "rendering", None)]  # the projection opened no second display
    notes = [note for _, _, note in recorded[1:]]
    assert notes[:2] == ["projecting", "projecting the network: reading the store"]
    assert "projecting the network: done" in notes
    after = notes[notes.index("projecting the network: done") + 1 :]
    assert after[:2] == ["measuring", "laying out"] and set(after[2:]) == {"details"}
    assert recorded[-1][1] == len(view.nodes)
