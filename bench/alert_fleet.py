"""500 terminals polling the emergency notices every 15 s against a static server on 127.0.0.1 (docs/emergency.md).

Each simulated terminal is the real `sync.alert_poll.AlertPoller` with its own HTTP session (one kept
connection); they start at random phases of the interval, as a fleet does. The server is nginx as
deploy/desk-nginx.conf serves the web root (one worker, ETag, `Cache-Control: no-cache`), in its own
processes, so its CPU is read from /proc. Half-way a new signed alerts.json is written, as the desk
does when a notice is published, and the time until the last terminal holds it is taken.

Run alone: `.venv/bin/python -m bench.alert_fleet [--terminals 500] [--seconds 60]`.
"""
from __future__ import annotations

import argparse
import heapq
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.report import Row, percentile  # noqa: E402
from sync.alert_poll import AlertPoller  # noqa: E402
from sync.alerts import ALERTS_NAME, document_bytes, write_signed  # noqa: E402
from sync.signing import load_private_key, write_keypair  # noqa: E402

INTERVAL_S = 15.0
WORKERS = 32  # threads that carry out the polls that are due; a terminal is one poller, not one thread
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def _publish(site: Path, key, sequence: int, notices: int) -> None:
    now = datetime.now(timezone.utc)
    items = [{"id": f"emergency-{i}", "level": "emergency", "until": (now + timedelta(hours=2)).isoformat(),
              "text": {"de": "Bitte verlassen Sie diesen Bereich sofort.", "en": "Please leave this area now."}}
             for i in range(notices)]
    write_signed(site, document_bytes(sequence, now, "de", items), key)


NGINX_CONF = """worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    types {{ application/json json; }}
    default_type application/octet-stream;
    keepalive_timeout 75s;
    server {{
        listen 127.0.0.1:{port};
        root {site};
        etag on;
        location = /alerts.json {{ add_header Cache-Control "no-cache"; }}
        location = /alerts.json.sig {{ add_header Cache-Control "no-cache"; }}
    }}
}}
"""


def nginx_path() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)


def fleet_figures(terminals: int = 500, seconds: float = 60.0) -> list[Row]:
    nginx = nginx_path()
    if nginx is None:
        return [Row("emergency notices: SKIPPED, no nginx (Debian's nginx-light; make bench installs it as root)",
                    float("nan"), float("nan"), "", None, None)]
    with tempfile.TemporaryDirectory(prefix="kiosk-alert-bench-") as tmp:
        work = Path(tmp)
        work.chmod(0o755)  # nginx's worker runs as nobody when started by root
        key_path, public = write_keypair(work / "keys")
        key = load_private_key(key_path)
        site = work / "site"
        _publish(site, key, 1, 0)
        site.chmod(0o755)
        port = _free_port()
        conf = work / "nginx.conf"
        conf.write_text(NGINX_CONF.format(prefix=work, port=port, site=site), encoding="utf-8")
        server = subprocess.Popen([nginx, "-p", str(work), "-c", str(conf)], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True)
        try:
            return _run(server, port, site, key, public, work, terminals, seconds)
        finally:
            server.terminate()
            server.wait(timeout=10)


def _server_cpu_seconds(pid: int) -> float:
    """The master's and its workers' CPU."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return _cpu_seconds(pid) + sum(_cpu_seconds(int(child)) for child in children)


def _wait_listening(port: int, deadline_s: float = 20.0) -> None:
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nginx did not listen on 127.0.0.1:{port}")


def _run(server, port, site, key, public, work, terminals, seconds) -> list[Row]:
    _wait_listening(port)
    url = f"http://127.0.0.1:{port}/{ALERTS_NAME}"
    received: dict[int, float] = {}
    lock = threading.Lock()

    def on_change(index):
        def note(document):
            if document is not None and document.sequence == 2:
                with lock:
                    received.setdefault(index, time.monotonic())
        return note

    pollers = [AlertPoller(url, [public], work / "t" / str(i), allow_insecure_http=True, interval_s=INTERVAL_S,
                           on_change=on_change(i)) for i in range(terminals)]
    for poller in pollers:  # every terminal already holds sequence 1, as after a quiet day
        poller.poll_once(datetime.now(timezone.utc))
    rng = random.Random(16)
    start = time.monotonic()
    due = [(start + rng.uniform(0, INTERVAL_S), i) for i in range(terminals)]
    heapq.heapify(due)
    latencies: list[float] = []
    published_at = None
    cpu_before = _server_cpu_seconds(server.pid)
    with ThreadPoolExecutor(WORKERS) as pool:
        pending = []
        while due:
            if published_at is not None and due[0][0] >= start + seconds and (
                    len(received) == terminals or due[0][0] >= published_at + 60):
                break  # the whole window measured, and every terminal has the new document (or a minute passed)
            at, index = heapq.heappop(due)
            now = time.monotonic()
            if published_at is None and now >= start + seconds / 2:
                _publish(site, key, 2, 1)
                published_at = time.monotonic()
            if at > now:
                time.sleep(at - now)

            def poll(index=index):
                begun = time.perf_counter()
                pollers[index].poll_once(datetime.now(timezone.utc))
                latencies.append((time.perf_counter() - begun) * 1000)

            pending.append(pool.submit(poll))
            heapq.heappush(due, (at + INTERVAL_S, index))
        for future in pending:
            future.result()
    elapsed = time.monotonic() - start
    cpu = _server_cpu_seconds(server.pid) - cpu_before
    for poller in pollers:
        poller.fetcher.close()
    polls = sum(p.polls for p in pollers) - terminals  # without the warm-up poll
    not_modified = sum(p.not_modified for p in pollers)
    requests_total = polls + len(received)  # a changed document is fetched with its signature
    reached = [received[i] - published_at for i in sorted(received)]
    missing = terminals - len(received)
    return [
        Row(f"emergency notices: {terminals} terminals every {INTERVAL_S:g} s, requests per second",
            requests_total / elapsed, requests_total / elapsed, "req/s", None, None),
        Row("emergency notices: server CPU (nginx, % of one core)", cpu / elapsed * 100,
            cpu / elapsed * 100, "%", 5, cpu / elapsed * 100 <= 5),
        # information: 500 pollers share one process and its GIL here, so this is mostly the load generator
        Row.of("  emergency notices: one poll (client's view, mostly 304s)", latencies, "ms", None),
        Row("emergency notices: polls answered 304", not_modified / max(1, polls) * 100,
            not_modified / max(1, polls) * 100, "%", None, None),
        # median terminal in the first column, the last one to get it in the second: the budget is on the last
        Row(f"emergency notices: new document on {terminals} terminals (median; last)",
            percentile(reached, 50) if reached else float("inf"),
            max(reached) if reached and not missing else float("inf"), "s", 60,
            bool(reached) and not missing and max(reached) <= 60),
    ]


def main() -> int:
    from bench.report import print_table

    parser = argparse.ArgumentParser()
    parser.add_argument("--terminals", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    print_table(fleet_figures(args.terminals, args.seconds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
