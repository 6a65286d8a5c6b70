"""A :class:`~cnai_kg.diff.Diff` as text: a table for the terminal, Markdown for a report."""

from __future__ import annotations

from ..changes import Diff, FactChange
from ..quotes import quote_plain

__all__ = ["diff_markdown", "diff_table"]


def _fact_lines(fact: FactChange, mark: str, indent: str = "    ") -> list[str]:
    lines = [f"  {mark} [{fact.kind}] {fact.summary}  ({fact.curie})"]
    lines += [f"{indent}{change}" for change in fact.changes]
    if mark != "~":
        formats = fact.formats or (None,) * len(fact.quotes)
        lines += [
            f"{indent}“{quote_plain(q, m)}”" for q, m in zip(fact.quotes, formats, strict=True)
        ]
    return lines


def _top(d: Diff) -> list[tuple[str, str]]:
    rows = []
    for i in range(max(len(d.top_before), len(d.top_after))):
        cells = []
        for side in (d.top_before, d.top_after):
            cells.append(f"{i + 1:>2}. {side[i][0]} {side[i][1]:.3f}" if i < len(side) else "")
        rows.append((cells[0], cells[1]))
    return rows


def diff_table(d: Diff) -> str:
    """The diff as the terminal shows it (``cnai-kg diff``, ``import --dry-run``)."""
    if d.is_empty():
        return "no change\n"
    out: list[str] = []
    for title, items, mark in (
        ("entities added", d.entities_added, "+"),
        ("entities removed", d.entities_removed, "-"),
        ("entities changed", d.entities_changed, "~"),
    ):
        if items:
            out.append(f"{title} ({len(items)}):")
            for e in items:
                classes = ", ".join(e.classes)
                out.append(f"  {mark} {e.label}  ({e.curie}, {classes})")
                out += [f"      {c}" for c in e.changes]
    for title, facts, mark in (
        ("facts added", d.facts_added, "+"),
        ("facts removed", d.facts_removed, "-"),
        ("facts changed", d.facts_changed, "~"),
    ):
        if facts:
            out.append(f"{title} ({len(facts)}):")
            for fact in facts:
                out += _fact_lines(fact, mark)
    before, after = d.components
    out.append(
        f"network: {len(d.edges_added)} edge(s) added, {len(d.edges_removed)} removed; "
        f"components {before} → {after}"
    )
    for mark, edges in (("+", d.edges_added), ("-", d.edges_removed)):
        for e in edges:
            status = f", {e.status}" if e.status and e.status != "reported" else ""
            out.append(f"  {mark} {e.source} —{e.relation}→ {e.target}  ({e.fact}{status})")
    for join in d.joined:
        parts = " + ".join(f"{m}'s ({n})" for n, m in join.parts)
        out.append(f"  joined: {parts} → one component of {join.size}")
    for split in d.split:
        parts = " + ".join(f"{m}'s ({n})" for n, m in split.parts)
        out.append(f"  split: a component of {split.size} → {parts}")
    if d.top_before or d.top_after:
        rows = _top(d)
        width = max([len("before")] + [len(a) for a, _ in rows])
        out.append(f"{d.measure} centrality, top {len(rows)}:")
        out.append(f"  {'before':<{width}}  after")
        out += [f"  {a:<{width}}  {b}" for a, b in rows]
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def diff_markdown(d: Diff) -> str:
    """The diff as Markdown (headings, lists, a table of the top ten)."""
    if d.is_empty():
        return "No change.\n"
    out: list[str] = []
    for title, items in (
        ("Entities added", d.entities_added),
        ("Entities removed", d.entities_removed),
        ("Entities changed", d.entities_changed),
    ):
        if items:
            out += [f"## {title} ({len(items)})", ""]
            for e in items:
                out.append(f"- **{_md(e.label)}** (`{e.curie}`, {', '.join(e.classes)})")
                out += [f"  - {_md(c)}" for c in e.changes]
            out.append("")
    for title, facts in (
        ("Facts added", d.facts_added),
        ("Facts removed", d.facts_removed),
        ("Facts changed", d.facts_changed),
    ):
        if facts:
            out += [f"## {title} ({len(facts)})", ""]
            for fact in facts:
                out.append(f"- [{fact.kind}] {_md(fact.summary)} (`{fact.curie}`)")
                out += [f"  - {_md(c)}" for c in fact.changes]
                formats = fact.formats or (None,) * len(fact.quotes)
                out += [f"  > {q}" for q, m in zip(fact.quotes, formats, strict=True)]
            out.append("")
    before, after = d.components
    out += [
        "## Network",
        "",
        f"{len(d.edges_added)} edge(s) added, {len(d.edges_removed)} removed; "
        f"components {before} → {after}.",
        "",
    ]
    for mark, edges in (("+", d.edges_added), ("−", d.edges_removed)):
        out += [
            f"- {mark} {_md(e.source)} —{_md(e.relation)}→ {_md(e.target)} (`{e.fact}`)"
            for e in edges
        ]
    for join in d.joined:
        parts = " + ".join(f"{_md(m)}'s ({n})" for n, m in join.parts)
        out.append(f"- joined: {parts} → one component of {join.size}")
    if d.top_before or d.top_after:
        out += [
            "",
            f"### {d.measure} centrality, top ten",
            "",
            "| | before | after |",
            "|---|---|---|",
        ]
        for i, (a, b) in enumerate(_top(d), start=1):
            out.append(f"| {i} | {_md(a.split('. ', 1)[-1])} | {_md(b.split('. ', 1)[-1])} |")
    return "\n".join(out) + "\n"
