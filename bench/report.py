"""Rows of the benchmark table: median and p95 of repeated runs against a budget."""
from __future__ import annotations

import json
import statistics
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable


def timed(fn: Callable[[], object]) -> float:
    """Milliseconds one call takes."""
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def percentile(samples: list[float], pct: float) -> float:
    if len(samples) == 1:
        return samples[0]
    if pct == 50:
        return statistics.median(samples)
    return statistics.quantiles(samples, n=100, method="inclusive")[int(pct) - 1]


@dataclass
class Row:
    name: str
    median: float
    p95: float
    unit: str
    budget: float | None
    passed: bool | None

    @classmethod
    def of(cls, name: str, samples: list[float], unit: str, budget: float | None) -> "Row":
        p95 = percentile(samples, 95)
        return cls(name, percentile(samples, 50), p95, unit, budget, None if budget is None else p95 <= budget)

    def as_json(self) -> dict:
        data = asdict(self)
        data["pass"] = data.pop("passed")
        return data


def print_table(rows: list[Row]) -> None:
    width = max(len(r.name) for r in rows)
    print(f"{'figure':<{width}}  {'median':>10}  {'p95':>10}  {'budget':>10}  result")
    for r in rows:
        budget = "—" if r.budget is None else f"{r.budget:g} {r.unit}"
        mark = {True: "pass", False: "MISS", None: "info"}[r.passed]
        print(f"{r.name:<{width}}  {r.median:>7.2f} {r.unit:<2}  {r.p95:>7.2f} {r.unit:<2}  {budget:>10}  {mark}")


def write_results(rows: list[Row], path: Path) -> None:
    path.write_text(json.dumps([r.as_json() for r in rows], indent=1) + "\n", encoding="utf-8")
