"""What a build did and what it left out, grouped by reason, for DIR/build-report.txt."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class BuildReport:
    """Lines for the publisher: sources read, counts, and every value or item left out and why."""

    sources: list[str] = field(default_factory=list)
    counts: list[str] = field(default_factory=list)
    # reason (a sentence fragment) -> items, each "id (name): detail"
    dropped: dict[str, list[str]] = field(default_factory=dict)
    # counted-only drops: reason -> number
    tallies: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # values the build repaired where their meaning is clear: reason -> items
    repaired: dict[str, list[str]] = field(default_factory=dict)
    # reason -> items kept but worth a look (e.g. CSV rows that matched no place and added one)
    checks: dict[str, list[str]] = field(default_factory=dict)

    def source(self, line: str) -> None:
        self.sources.append(line)

    def drop(self, reason: str, item: str) -> None:
        self.dropped.setdefault(reason, []).append(item)

    def tally(self, reason: str, amount: int = 1) -> None:
        self.tallies[reason] = self.tallies.get(reason, 0) + amount

    def repair(self, reason: str, item: str) -> None:
        self.repaired.setdefault(reason, []).append(item)
    def check(self, reason: str, item: str) -> None:
        self.checks.setdefault(reason, []).append(item)

    def note(self, line: str) -> None:
        self.notes.append(line)

    def count(self, line: str) -> None:
        self.counts.append(line)

    @property
    def left_out(self) -> int:
        return sum(len(items) for items in self.dropped.values()) + sum(self.tallies.values())

    def render(self, *, limit: int | None = None) -> str:
        """The report as text; `limit` shortens each group (for the terminal, the file keeps all)."""
        lines = ["Sources:"] + [f"  {line}" for line in self.sources]
        lines += ["Built:"] + [f"  {line}" for line in self.counts]
        if self.dropped or self.tallies:
            lines.append("Left out:")
            for reason, amount in sorted(self.tallies.items()):
                lines.append(f"  {reason}: {amount}")
            lines += _groups(self.dropped, limit)
        else:
            lines.append("Left out: nothing")
        if self.repaired:
            lines.append("Repaired:")
            lines += _groups(self.repaired, limit)
        if self.checks:
            lines.append("Kept, but check:")
            lines += _groups(self.checks, limit)
        if self.notes:
            lines.append("Notes:")
            lines += [f"  {line}" for line in self.notes]
        return "\n".join(lines) + "\n"


def _groups(groups: dict[str, list[str]], limit: int | None) -> list[str]:
    """Each reason once with its count, then its items (the first `limit` of them)."""
    lines = []
    for reason in sorted(groups):
        items = groups[reason]
        lines.append(f"  {reason}: {len(items)}")
        shown = items if limit is None else items[:limit]
        lines += [f"    {item}" for item in shown]
        if len(shown) < len(items):
            lines.append(f"    … and {len(items) - len(shown)} more (see build-report.txt)")
    return lines
