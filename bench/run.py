"""`make bench`: every figure of docs/performance.md against its budget; never part of `make test`.

Prints one table and writes bench/results.json ({"name", "median", "p95", "unit", "budget", "pass"}).
"""
from __future__ import annotations

import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import alert_fleet, domain, osm, ui  # noqa: E402
from bench.large_feed import write_large_feed  # noqa: E402
from bench.report import Row, print_table, write_results  # noqa: E402


def step(what: str, fn, *args, **kwargs) -> list[Row]:
    """One group of rows; a group that fails becomes a failing row, and the rest still runs."""
    print(f"measuring {what} …", file=sys.stderr, flush=True)
    started = time.perf_counter()
    try:
        rows = fn(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - reported in the table, with the reason on stderr
        print(f"  {what} failed: {exc}", file=sys.stderr)
        return [Row(f"{what}: FAILED ({type(exc).__name__})", float("nan"), float("nan"), "", None, False)]
    print(f"  {what}: {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    return rows


def main() -> int:
    from kiosk.content import Content
    from sync import service

    rows = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        work = Path(tmp)
        feed, key = write_large_feed(work / "large")
        data = work / "data"
        service.sync_once(str(feed), public_keys=[key], data_dir=data, now=datetime.now(timezone.utc))
        demo = work / "demo"
        service.ensure_demo_content(demo, now=datetime.now(timezone.utc))
        # The app's figures first, in the order of docs/performance.md's table.
        start_rows = step("cold starts", ui.start_figures, demo, data)
        trivial_mb = next((r.median for r in start_rows if r.name.startswith("  peak memory: trivial")), None)
        rows += start_rows
        rows += step("touch → next screen, large feed", ui.touch_figures, data, trivial_mb, "large feed", 20)
        rows += step("touch → next screen, demo content", ui.touch_figures, demo, trivial_mb, "demo", 20)
        rows += step("map pan and pinch", ui.map_figures, data)
        content = Content.open(data)
        print("measuring routes …", file=sys.stderr)
        rows += domain.network_figures(content)
        print("measuring search …", file=sys.stderr)
        rows += domain.search_figures(content)
        rows += domain.search_build_figure(lambda: Content.open(data))
        rows += domain.qr_figures()
        print("measuring feed apply …", file=sys.stderr)
        rows += domain.apply_figures(feed, key, work)
        rows += domain.sync_304_figure(feed, key, work / "sync304")
        content.close()
        rows += step("emergency notices, 500 terminals polling", alert_fleet.fleet_figures)
        rows += step("OpenStreetMap build and routes, Kaiserslautern", osm.osm_figures)
        rows += step("CPU with the attract loop", ui.idle_figure, demo)
        rows += step("soak", ui.soak_figures, demo, work / "soak")
    print_table(rows)
    print(f"\n{len(rows)} rows in {time.perf_counter() - started:.0f} s; "
          f"{sum(r.passed is False for r in rows)} missed", file=sys.stderr)
    out = Path(__file__).resolve().parent / "results.json"
    write_results(rows, out)
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
