"""Figures of the running app: cold start against a trivial Kivy app, peak memory, touch to next
screen, map pan and pinch, CPU while the attract loop runs. Every figure comes from fresh child
processes (bench/ui_child.py, bench/trivial_app.py), because Kivy opens one window per process.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.report import Row, percentile

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CHILD = HERE / "ui_child.py"
TRIVIAL = HERE / "trivial_app.py"


class ChildFailed(Exception):
    pass


def child_env() -> dict:
    env = dict(os.environ)
    for name in ("KIVY_HOME", "KIOSK_CONFIG", "KIOSK_DATA_DIR", "DISPLAY", "WAYLAND_DISPLAY"):
        env.pop(name, None)
    env.update(SDL_VIDEODRIVER="offscreen", KIVY_NO_ARGS="1", KIVY_USE_DEFAULTCONFIG="1", KIVY_NO_CONSOLELOG="1",
               KIVY_LOG_MODE="MIXED", KIVY_HOME=tempfile.mkdtemp(prefix="bench-kivy-"), PYTHONDONTWRITEBYTECODE="0")
    return env


def run_child(argv: list[str], timeout: float = 600) -> dict:
    """Run one child; its last stdout line is a JSON object. T0 is taken just before the process starts."""
    env = child_env()
    env["BENCH_T0"] = repr(time.perf_counter())
    proc = subprocess.run([sys.executable, *map(str, argv)], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=timeout)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise ChildFailed(f"{' '.join(map(str, argv))} ended with {proc.returncode}:\n{proc.stderr[-3000:]}")
    result = json.loads(lines[-1])
    if result.get("errors"):
        raise ChildFailed(f"{' '.join(map(str, argv))}: the app raised {result['errors']}")
    return result


def start_figures(demo_dir: Path, large_dir: Path, runs: int = 5) -> list[Row]:
    """Cold starts, interleaved (trivial, demo, large) so a slow moment hits all three alike; each
    ratio is taken within one round. Peak memory is VmHWM at the attract screen's first frame."""
    trivial, demo, large, trivial_mem, large_mem = [], [], [], [], []
    run_child([TRIVIAL])  # one unmeasured start of each: the first start after a build reads files cold
    run_child([CHILD, "start", "--data-dir", demo_dir])
    for _ in range(runs):
        t = run_child([TRIVIAL])
        d = run_child([CHILD, "start", "--data-dir", demo_dir, "--feed", "demo"])
        g = run_child([CHILD, "start", "--data-dir", large_dir, "--feed", "large"])
        trivial.append(t["seconds"] * 1000)
        demo.append(d["seconds"] * 1000)
        large.append(g["seconds"] * 1000)
        trivial_mem.append(t["vmhwm_kb"] / 1024)
        large_mem.append(g["vmhwm_kb"] / 1024)
    demo_ratio = [d / t for d, t in zip(demo, trivial)]
    large_ratio = [g / t for g, t in zip(large, trivial)]
    above = [g - t for g, t in zip(large_mem, trivial_mem)]
    return [
        Row.of("cold start, demo content / trivial Kivy app", demo_ratio, "x", 2.0),
        Row.of("cold start, large feed / trivial Kivy app", large_ratio, "x", 3.0),
        Row.of("  cold start: trivial Kivy app (reference)", trivial, "ms", None),
        Row.of("  cold start: demo content", demo, "ms", None),
        Row.of("  cold start: large feed", large, "ms", None),
        Row.of("peak memory at start, large feed, above trivial app", above, "MB", 120.0),
        Row.of("  peak memory: trivial Kivy app (reference)", trivial_mem, "MB", None),
    ]


def touch_figures(data_dir: Path, trivial_mb: float | None, label: str, repeat: int) -> list[Row]:
    """Touch -> next screen drawn, one row per screen; the first visit (which builds the screen) is
    one of the samples. With the large feed, also the peak memory after every screen was shown."""
    result = run_child([CHILD, "touch", "--data-dir", data_dir, "--repeat", repeat])
    rows = [Row.of(f"touch → drawn, {label}: {name}", samples, "ms", 20.0)
            for name, samples in result["samples"].items()]
    first = result["first"]
    worst = max(first, key=first.get)
    rows.append(Row(f"  {label}: slowest first visit ({worst})", first[worst], first[worst], "ms", None, None))
    rows.append(Row(f"  {label}: warm-up while the attract loop shows ({result['warmup_frames']} frames)",
                    result["warmup_ms"], result["warmup_ms"], "ms", None, None))
    if trivial_mb is not None and label == "large feed":
        peak = result["vmhwm_kb"] / 1024 - trivial_mb
        rows.append(Row("peak memory after every screen, large feed, above trivial app", peak, peak, "MB", 120.0,
                        peak <= 120.0))
    return rows


def map_figures(data_dir: Path) -> list[Row]:
    result = run_child([CHILD, "map", "--data-dir", data_dir])
    if result["geometry_builds_during_gestures"]:
        raise ChildFailed("Panning or pinching rebuilt the map's geometry.")
    return [
        Row.of("map pan, Python work per frame, large map", result["pan"], "ms", 4.0),
        Row.of("map pinch, Python work per frame, large map", result["pinch"], "ms", 4.0),
        Row.of("  map: GL draw calls per frame (Mesa software GL here)", result["draw"], "ms", None),
        Row.of("  map: frame after a gesture ends (names, markers)", result["lift"], "ms", None),
    ]


def idle_figure(data_dir: Path, seconds: float = 60) -> list[Row]:
    result = run_child([CHILD, "idle", "--data-dir", data_dir, "--seconds", seconds], timeout=seconds + 120)
    ui_thread, process = result["ui_thread_pct"], result["process_pct"]
    return [Row(f"CPU, attract loop {seconds:g} s, UI thread (10-s windows; p95 = worst)",
                percentile(ui_thread, 50), max(ui_thread), "%", 3.0, max(ui_thread) <= 3.0),
            Row("  CPU, same, whole process incl. Mesa software rasterizer", percentile(process, 50), max(process),
                "%", None, None)]


def soak_figures(demo_dir: Path, work: Path, touches: int = 20000, processes: int = 1) -> list[Row]:
    """The soak in one app process, as on a terminal: a leak must show over the whole run. `processes`
    > 1 splits the touches over app processes side by side (seeds differ), each a whole soak on its own
    copy of the content, with its own warm-up, swaps, idle resets and memory reading (the worst counts)."""
    import shutil

    procs = []
    for n in range(processes):
        data = work / f"data{n}"
        shutil.copytree(demo_dir, data)  # each soak swaps content in its own copy
        argv = [sys.executable, HERE / "soak.py", "--data-dir", data, "--work", work / f"feeds{n}",
                "--touches", touches // processes, "--seed", n + 1]
        procs.append(subprocess.Popen(list(map(str, argv)), cwd=REPO, env=child_env(), stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True))
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=1800)
        lines = [line for line in out.splitlines() if line.startswith("{")]
        if proc.returncode != 0 or not lines:
            raise ChildFailed(f"soak.py ended with {proc.returncode}:\n{err[-3000:]}")
        results.append(json.loads(lines[-1]))
    count = sum(r["exception_count"] for r in results)
    for r in results:
        for line in r["exceptions"][:10]:
            print(f"  soak: {line}", file=sys.stderr)
    growth = max(r["growth_pct"] for r in results)
    done = sum(r["touches"] for r in results)
    return [
        Row(f"soak: exceptions in {done} touches, {sum(r['swaps'] for r in results)} swaps, "
            f"{sum(r['idle_resets'] for r in results)} idle resets", count, count, "n", 0, count == 0),
        Row("soak: memory growth after warm-up (VmRSS)", growth, growth, "%", 5.0, growth <= 5.0),
        Row("  soak: VmRSS at the end", max(r["rss_end_mb"] for r in results),
            max(r["rss_end_mb"] for r in results), "MB", None, None),
        Row("  soak: duration", max(r["seconds"] for r in results),
            max(r["seconds"] for r in results), "s", None, None),
    ]
