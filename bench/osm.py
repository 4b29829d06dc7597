"""Building a feed from the larger real OpenStreetMap extract (Kaiserslautern's centre, 2013) and
routing on what it gives: build time, the build's peak memory, route times, normal and step-free.

Run alone with `.venv/bin/python -m bench.osm`; `make bench` runs it as one of its groups. Needs
the shared data folder beside the repository (a row says so when it is absent).
"""
from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.report import Row, print_table, timed

REPO = Path(__file__).resolve().parent.parent
EXTRACT = REPO.parent / "shared" / "data" / "osm" / "kaiserslautern_cc_2013.osm.gz"
BASE = REPO / "tests" / "fixtures" / "osm" / "kaiserslautern_base.json"

# One build in a fresh interpreter, so its peak resident memory is the build's own.
_CHILD = """
import json, resource, sys, time
from pathlib import Path
from sync.build.assemble import BuildInputs, build_feed
start = time.perf_counter()
built = build_feed(BuildInputs(base=Path(sys.argv[1]), out_dir=Path(sys.argv[2]), osm=Path(sys.argv[3]), sequence=1,
                               generated_at="2026-11-26T08:00:00+01:00"))
seconds = time.perf_counter() - start
built.write(Path(sys.argv[2]))
print(json.dumps({"ms": seconds * 1000, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def osm_figures(runs: int = 3) -> list[Row]:
    if not EXTRACT.exists():
        return [Row(f"OSM build: {EXTRACT} is absent", float("nan"), float("nan"), "", None, None)]
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-osm-") as tmp:
        out = Path(tmp)
        results = []
        for _ in range(runs):
            done = subprocess.run([sys.executable, "-c", _CHILD, str(BASE), str(out), str(EXTRACT)], cwd=REPO,
                                  check=True, capture_output=True, text=True)
            results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        feed = json.loads((out / "feed.json").read_text(encoding="utf-8"))
    rows = [Row.of("OSM build, Kaiserslautern centre (11,680 nodes, 2,638 ways)", [r["ms"] for r in results], "ms",
                   None),
            Row.of("  peak memory of that build", [r["peak_mb"] for r in results], "MB", None)]
    return rows + _route_figures(feed)


def _route_figures(feed: dict) -> list[Row]:
    from kiosk.wayfinding import WalkingNetwork

    network = WalkingNetwork.from_feature_collection(feed["map"])
    kiosk = feed["kiosks"][0]
    rng = random.Random(13)
    places = feed["places"]
    rows = [Row.of(f"  walking network from that feed ({network.node_count} nodes)",
                   [timed(lambda: WalkingNetwork.from_feature_collection(feed["map"])) for _ in range(5)], "ms", None)]
    for step_free in (False, True):
        label = "step-free " if step_free else ""
        pairs = [(rng.choice(places), rng.choice(places)) for _ in range(200)]
        anchors = [(network.attach(a["lat"], a["lon"], step_free=step_free),
                    network.attach(b["lat"], b["lon"], step_free=step_free)) for a, b in pairs]
        rows.append(Row.of(f"  {label}route between two places", [
            timed(lambda a=a, b=b: network.route(a, b, step_free=step_free)) for a, b in anchors], "ms", 5.0))
        tree = network.tree_from(network.attach(kiosk["lat"], kiosk["lon"], step_free=step_free), step_free=step_free)
        targets = [network.attach(p["lat"], p["lon"], step_free=step_free) for p in places]
        rows.append(Row.of(f"  {label}route from the terminal (tree lookup)",
                           [timed(lambda t=t: tree.route_to(t)) for t in targets], "ms", 0.5))
    return rows


if __name__ == "__main__":
    print_table(osm_figures())
