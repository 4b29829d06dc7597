"""Figures of the plain-Python layers: routes, search, QR codes, applying a feed.

Each function returns rows for bench/run.py. Timings are medians and 95th percentiles of repeated
runs; references (networkx) are measured in the same run on the same graph.
"""
from __future__ import annotations

import json
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench.report import Row, percentile, timed

REPO = Path(__file__).resolve().parent.parent


def network_figures(content) -> list[Row]:
    import networkx as nx

    from kiosk.wayfinding import WalkingNetwork

    net = WalkingNetwork.from_feature_collection({"type": "FeatureCollection", "features": content.map_features()})
    kiosk = content.kiosks()[0]
    tree = net.tree_from(net.attach(kiosk["lat"], kiosk["lon"]))
    rng = random.Random(1)
    lats = [p.lat for p in content.places(None, "de")]
    lons = [p.lon for p in content.places(None, "de")]
    targets = [net.attach(rng.choice(lats), rng.choice(lons)) for _ in range(300)]

    lookup = [timed(lambda t=t: tree.route_to(t)) for t in targets]

    pairs = [(net.attach(rng.choice(lats), rng.choice(lons)), net.attach(rng.choice(lats), rng.choice(lons)))
             for _ in range(200)]
    ours = [timed(lambda a=a, b=b: net.route(a, b)) for a, b in pairs]

    graph = nx.Graph()
    for u, v, w in zip(net.edge_u, net.edge_v, net.edge_len):
        graph.add_edge(u, v, weight=w)
    # networkx gets vertex-to-vertex queries (less work than ours: no attaching to segments).
    theirs = [timed(lambda a=a, b=b: nx.shortest_path(graph, net.edge_u[a.edge], net.edge_u[b.edge], weight="weight"))
              for a, b in pairs]
    ratio = percentile(theirs, 50) / percentile(ours, 50)
    return [
        Row.of("route from the terminal (tree lookup)", lookup, "ms", 0.5),
        Row.of(f"route between random points ({len(net.xs)} nodes)", ours, "ms", 5.0),
        Row("route: networkx median / ours median", ratio, ratio, "x", 2.0, ratio >= 2.0),
    ]


def search_figures(content) -> list[Row]:
    content.search("warmup", "de")  # builds the index once, as after a content update
    words = ["weihnachtsmarkt", "buchladen", "kaffee", "kampstrasse", "uhren", "schmuck", "musik", "westenhellweg"]
    samples = []
    for word in words:
        typo = word[:3] + word[4] + word[3] + word[5:]
        for query in (word, typo):
            for end in range(1, len(query) + 1):
                samples.append(timed(lambda q=query[:end]: content.search(q, "de")))
    return [Row.of("search per keystroke, large feed", samples, "ms", 5.0)]


def search_build_figure(content_factory) -> list[Row]:
    samples = []
    for _ in range(3):
        content = content_factory()
        samples.append(timed(lambda: content.search("a", "de")))
        content.close()
    return [Row.of("search index build, large feed (first search)", samples, "ms", None)]


def qr_figures() -> list[Row]:
    from kiosk import share

    urls = [f"https://kiosk.dortmund.example/route?from=51.51{i:04d},7.46&to=51.51,7.47&lang=de&line=abc{i}"
            for i in range(60)]
    first = [timed(lambda u=u: share.qr_matrix(u)) for u in urls]
    cached = [timed(lambda u=u: share.qr_matrix(u)) for u in urls]
    return [Row.of("QR code for a route URL, first", first, "ms", 15.0),
            Row.of("QR code for a route URL, cached", cached, "ms", 1.0)]


# Peak memory from /proc/self/status (VmHWM): getrusage's ru_maxrss carries the forking parent's
# high-water mark across exec, so a child of a big bench process would report the parent's size.
PEAK_KB = "int(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1])"

APPLY_CHILD = """
import json, sys, time
from datetime import datetime, timezone
from pathlib import Path
from sync import service
feed, key, data = sys.argv[1], sys.argv[2], Path(sys.argv[3])
start = time.perf_counter()
service.sync_once(feed, public_keys=[key], data_dir=data, now=datetime.now(timezone.utc))
took = time.perf_counter() - start
print(json.dumps({"seconds": took, "maxrss_kb": %s}))
""" % PEAK_KB

BASELINE_CHILD = """
import json
from sync import service
print(json.dumps({"maxrss_kb": %s}))
""" % PEAK_KB


def apply_figures(feed: Path, public_key: str, work: Path, runs: int = 3) -> list[Row]:
    seconds, memory = [], []
    base = json.loads(subprocess.run([sys.executable, "-c", BASELINE_CHILD], cwd=REPO, check=True,
                                     capture_output=True, text=True).stdout)["maxrss_kb"]
    for n in range(runs):
        out = subprocess.run([sys.executable, "-c", APPLY_CHILD, str(feed), public_key, str(work / f"apply{n}")],
                             cwd=REPO, check=True, capture_output=True, text=True)
        result = json.loads(out.stdout)
        seconds.append(result["seconds"] * 1000)
        memory.append((result["maxrss_kb"] - base) / 1024)
    rows = [Row.of("apply the large feed (verify + validate + stage + swap)", seconds, "ms", 2000.0),
            Row.of("apply the large feed, peak memory above the interpreter", memory, "MB", 150.0)]
    return rows + [frame_gap_figure(feed, public_key, work / "apply-gaps")]


def frame_gap_figure(feed: Path, public_key: str, data: Path) -> Row:
    """A 60 fps loop on the main thread while the app's sync worker applies: the UI's view of an apply."""
    from datetime import datetime, timezone

    from sync.worker import SyncSettings, SyncWorker

    done = threading.Event()
    sync_worker = SyncWorker(SyncSettings(feed_url=str(feed), public_keys=(public_key,), data_dir=data),
                        clock=lambda: datetime.now(timezone.utc), isolated=True)

    def apply() -> None:
        try:
            assert sync_worker.cycle(plan_next=False).ok
        finally:
            done.set()

    thread = threading.Thread(target=apply)
    gaps, last = [], time.perf_counter()
    thread.start()
    while not done.is_set():
        time.sleep(1 / 60)
        now = time.perf_counter()
        gaps.append((now - last) * 1000)
        last = now
    thread.join()
    worst = max(gaps)
    return Row("frame gap while the sync worker applies (worst; 60 fps loop)", percentile(gaps, 50), worst, "ms", 50.0,
               worst <= 50.0)




def sync_304_figure(feed: Path, public_key: str, data: Path, cycles: int = 60) -> list[Row]:
    """A sync cycle the server answers 304: what every terminal does every few minutes."""
    from datetime import datetime, timezone

    from sync.serve import FeedServer, start_in_thread
    from sync.worker import SyncSettings, run_cycle

    server = FeedServer(feed.parent, quiet=True)
    start_in_thread(server)
    try:
        settings = SyncSettings(feed_url=server.url + feed.name, public_keys=(public_key,), data_dir=data,
                                allow_insecure_http=True)
        fetcher = settings.fetcher()
        now = datetime.now(timezone.utc)
        assert run_cycle(settings, now=now, failures=0, fetcher=fetcher).result.applied
        samples = []
        for _ in range(cycles):
            samples.append(timed(lambda: run_cycle(settings, now=now, failures=0, fetcher=fetcher)))
        fetcher.close()
    finally:
        server.shutdown()
        server.server_close()
    return [Row.of("sync cycle answered 304", samples, "ms", 20.0)]
