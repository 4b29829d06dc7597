"""`make bench`: every figure of docs/performance.md against its budget; never part of `make test`.

Prints one table and writes bench/results.json ({"name", "median", "p95", "unit", "budget", "pass"}).
"""
from __future__ import annotations

import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import domain  # noqa: E402
from bench.large_feed import write_large_feed  # noqa: E402
from bench.report import print_table, write_results  # noqa: E402


def main() -> int:
    from kiosk.content import Content
    from sync import service

    rows = []
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        work = Path(tmp)
        feed, key = write_large_feed(work / "large")
        data = work / "data"
        service.sync_once(str(feed), public_keys=[key], data_dir=data, now=datetime.now(timezone.utc))
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
    print_table(rows)
    out = Path(__file__).resolve().parent / "results.json"
    write_results(rows, out)
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
