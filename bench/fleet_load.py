"""The desk under a city's fleet: 500 terminals' heartbeats every minute and 50 feedback posts a second.

    .venv/bin/python bench/fleet_load.py                   # SQLite, 120 s
    .venv/bin/python bench/fleet_load.py --postgresql      # a throw-away PostgreSQL (tests/postgresql_server.py)
    .venv/bin/python bench/fleet_load.py --seconds 60

The desk runs as in deploy/kiosk-desk.service: gunicorn with 3 workers on 127.0.0.1, after `migrate`. The
load comes in real time, not compressed: each terminal beats once a minute at its own offset, so 500 terminals
send 8.3 heartbeats a second, beside 50 feedback posts a second (one answer per post, the worst case for the
server). Every post is the uploader's own request (sync.uploader.post_batch). Every 3 s a logged-in publisher
asks for the three fleet pages. Afterwards the rows are counted against the posts acknowledged: nothing may
be lost. Not part of `make test`; the last result is in docs/performance.md.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, nullcontext
from datetime import datetime, timezone
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import Row, print_table, write_results  # noqa: E402
from kiosk.feedback import TOPICS, FeedbackAnswer  # noqa: E402
from sync.heartbeat import heartbeat_item  # noqa: E402
from sync.uploader import UploadFailed, post_batch  # noqa: E402
from tests.desk_server import desk_command, free_port  # noqa: E402

BIN = Path(sys.executable).parent
TOKEN = "bench-fleet-token-0123456789"
TERMINALS = 500
HEARTBEAT_EVERY_S = 60.0
FEEDBACK_PER_S = 50
PAGE_BUDGET_MS = 1000.0
PAGES = ("/admin/fleet/", "/admin/fleet/feedback/", "/admin/fleet/usage/")


def start_gunicorn(env: dict, port: int, log: Path, threads: int) -> subprocess.Popen:
    server = subprocess.Popen([str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "3",
                               "--threads", str(threads), "desk.wsgi"],
                              env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, cwd=ROOT)
    for _ in range(300):  # up to 30 s for the workers to boot
        try:
            requests.get(f"http://127.0.0.1:{port}/admin/login/", timeout=1)
            return server
        except requests.RequestException:  # not listening yet, or a worker still booting
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn stopped: {log.read_text()[-2000:]}")
            time.sleep(0.1)
    server.terminate()
    server.wait(timeout=30)
    raise RuntimeError("gunicorn did not answer within 30 s")


def logged_in(url: str, name: str, password: str) -> requests.Session:
    session = requests.Session()
    session.get(url + "/admin/login/", timeout=10)
    answer = session.post(url + "/admin/login/", timeout=10, headers={"Referer": url + "/admin/login/"},
                          data={"username": name, "password": password, "next": "/admin/",
                                "csrfmiddlewaretoken": session.cookies["csrftoken"]})
    if "sessionid" not in session.cookies:
        raise RuntimeError(f"the bench's publisher could not log in (HTTP {answer.status_code})")
    return session


class Load:
    """Sends the posts on their schedule from a pool of threads, and counts what was acknowledged."""

    def __init__(self, url: str, seconds: float, seed: int = 16):
        self.url, self.seconds = url, seconds
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.sent = {"heartbeat": 0, "feedback": 0}
        self.acknowledged = {"heartbeat": 0, "feedback": 0}
        self.failures: list[str] = []
        self.latency = {"heartbeat": [], "feedback": []}
        self.last_beat: dict[str, str] = {}
        self.late_s: list[float] = []
        self.local = threading.local()

    def schedule(self) -> list[tuple[float, str, str]]:
        """(second after the start, kind, terminal) for the whole run, in order."""
        plan = []
        for n in range(TERMINALS):
            offset = n * HEARTBEAT_EVERY_S / TERMINALS
            plan += [(offset + k * HEARTBEAT_EVERY_S, "heartbeat", f"bench-{n:03d}")
                     for k in range(int((self.seconds - offset) // HEARTBEAT_EVERY_S) + 1) if offset + k * HEARTBEAT_EVERY_S < self.seconds]
        total = int(self.seconds * FEEDBACK_PER_S)
        plan += [(i / FEEDBACK_PER_S, "feedback", f"bench-{self.random.randrange(TERMINALS):03d}") for i in range(total)]
        return sorted(plan)

    def _session(self) -> requests.Session:
        if not hasattr(self.local, "session"):
            self.local.session = requests.Session()
        return self.local.session

    def post(self, kind: str, kiosk_id: str, rating: int, topics: tuple[str, ...]) -> None:
        now = datetime.now(timezone.utc)
        if kind == "heartbeat":
            status = {"kiosk_id": kiosk_id, "content_sequence": 202612021500, "last_success": now.isoformat(),
                      "last_sync_ok": True, "clock_skew_s": 1, "free_disk_bytes": 11_500_000_000, "version": "0.1.0",
                      "uptime_s": 86400, "outbox": {"feedback": 0, "usage": 0}}
            item = heartbeat_item(status, now=now)
        else:
            payload = FeedbackAnswer(rating, topics, "de").to_outbox(kiosk_id=kiosk_id, at=now)
            item = {"key": str(uuid.uuid4()), "kind": "feedback", "created_at": now.isoformat(timespec="seconds"),
                    "payload": payload}
        started = time.perf_counter()
        try:
            ack = post_batch(self._session(), f"{self.url}/{kind}", kiosk_id=kiosk_id, token=TOKEN, items=[item], timeout=30)
            ok = ack.accepted == [item["key"]]
            problem = None if ok else f"{kind} from {kiosk_id} not acknowledged: {ack}"
        except UploadFailed as exc:
            ok, problem = False, str(exc)
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.sent[kind] += 1
            self.latency[kind].append(elapsed)
            if ok:
                self.acknowledged[kind] += 1
                if kind == "heartbeat":
                    self.last_beat[kiosk_id] = item["created_at"]
            else:
                self.failures.append(problem)

    def run(self, workers: int = 48) -> float:
        plan = self.schedule()
        topics = [tuple(t for t in TOPICS if self.random.random() < 0.3) for _ in range(64)]
        start = time.monotonic()
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for i, (at, kind, kiosk_id) in enumerate(plan):
                wait = start + at - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                else:
                    self.late_s.append(-wait)
                pool.submit(self.post, kind, kiosk_id, 1 + i % 5, topics[i % len(topics)])
        return time.monotonic() - start


def probe_pages(url: str, session: requests.Session, stop: threading.Event, samples: dict[str, list[float]]) -> None:
    while not stop.wait(3.0):
        for page in PAGES:
            started = time.perf_counter()
            answer = session.get(url + page, timeout=30)
            elapsed = (time.perf_counter() - started) * 1000
            samples.setdefault(page, []).append(elapsed if answer.status_code == 200 else float("inf"))


def count_rows(env: dict) -> dict:
    """Rows in the desk's database, read through its own models (SQLite or PostgreSQL alike)."""
    script = ("import json, django; django.setup(); from desk.fleet.models import Feedback, Terminal; "
              "print(json.dumps({'feedback': Feedback.objects.count(), 'terminals': Terminal.objects.count(), "
              "'beats': {t.kiosk_id: t.last_heartbeat_at.isoformat(timespec='seconds') for t in Terminal.objects.all() "
              "if t.last_heartbeat_at}}))")
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return json.loads(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--postgresql", action="store_true", help="run the desk on a throw-away PostgreSQL server")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (1: sync workers)")
    args = parser.parse_args()
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="fleet-bench-")))
        env = {**os.environ, "DESK_DATA_DIR": str(tmp), "DESK_FLEET_TOKEN": TOKEN, "DJANGO_SETTINGS_MODULE": "desk.settings"}
        database = "SQLite"
        if args.postgresql:
            from tests.postgresql_server import throwaway_postgresql

            env["DATABASE_URL"] = stack.enter_context(throwaway_postgresql())
            database = "PostgreSQL"
        else:
            stack.enter_context(nullcontext())
        desk_command(env, "migrate", "--noinput")
        desk_command(env, "desk_user", "bench-publisher", "--role", "publisher", "--password", "bench-secret-1")
        port = free_port()
        server = start_gunicorn(env, port, tmp / "gunicorn.log", args.threads)
        url = f"http://127.0.0.1:{port}"
        load = Load(url, args.seconds)
        try:
            pages = logged_in(url, "bench-publisher", "bench-secret-1")
            samples: dict[str, list[float]] = {}
            stop = threading.Event()
            prober = threading.Thread(target=probe_pages, args=(url, pages, stop, samples), daemon=True)
            print(f"loading the desk on {url} ({database}) for {args.seconds:.0f} s …", file=sys.stderr, flush=True)
            prober.start()
            took = load.run()
            stop.set()
            prober.join()
        finally:
            server.terminate()
            server.wait(timeout=30)
            if load.failures:  # the server's side of a failed post outlives the temporary folder
                kept = ROOT / "bench" / "fleet-gunicorn.log"
                kept.write_bytes((tmp / "gunicorn.log").read_bytes())
                print(f"posts failed: the server's log is in {kept}", file=sys.stderr)
        rows_found = count_rows(env)

    lost_feedback = load.acknowledged["feedback"] - rows_found["feedback"]
    stale = sum(1 for kiosk, sent in load.last_beat.items() if rows_found["beats"].get(kiosk) != sent)
    label = (f"fleet on {database}, {TERMINALS} terminals + {FEEDBACK_PER_S} feedback/s, {args.seconds:.0f} s, "
             f"3 workers x {args.threads} threads")
    rows = [
        Row(f"{label}: posts not acknowledged", len(load.failures), len(load.failures), "", 0, not load.failures),
        Row(f"  feedback posts sent / rows stored", load.sent["feedback"], rows_found["feedback"], "", None, None),
        Row(f"  heartbeats sent / terminals with their last beat", load.sent["heartbeat"],
            len(rows_found["beats"]) - stale, "", None, None),
        Row("feedback rows lost (acknowledged, not in the database)", lost_feedback, lost_feedback, "", 0, lost_feedback == 0),
        Row("terminals whose last acknowledged heartbeat is not stored", stale, stale, "", 0, stale == 0),
        Row("  terminals that sent a heartbeat / stored with one", len(load.last_beat), len(rows_found["beats"]), "", None, None),
        Row.of("  feedback post answered", load.latency["feedback"], "ms", None),
        Row.of("  heartbeat post answered", load.latency["heartbeat"], "ms", None),
    ]
    for page in PAGES:
        page_samples = samples.get(page) or [float("inf")]
        row = Row.of(f"dashboard {page} under load", page_samples, "ms", PAGE_BUDGET_MS)
        row.passed = max(page_samples) <= PAGE_BUDGET_MS  # every answer, not only the 95th percentile, within a second
        rows.append(row)
    late = sorted(load.late_s)
    rows.append(Row("  sender behind its schedule (max)", late[len(late) // 2] if late else 0, late[-1] if late else 0, "s", None, None))
    print_table(rows)
    for failure in load.failures[:5]:
        print("  " + failure, file=sys.stderr)
    rows.append(Row("  machine load average (1 min, at the end; 2 cores)", os.getloadavg()[0], os.getloadavg()[0], "", None, None))
    print(f"\nload ran {took:.0f} s; {sum(r.passed is False for r in rows)} missed", file=sys.stderr)
    out = ROOT / "bench" / ("fleet-results-postgresql.json" if args.postgresql else "fleet-results.json")
    write_results(rows, out)
    print(f"wrote {out}")
    return 0 if all(r.passed is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
