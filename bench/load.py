"""``make load-test``: how many attendees one machine serves, measured by running them at once.

N simulated attendees (N = 1, 2, 4, 8, … up to ``--max-attendees``) each execute the core
notebooks at the same time, every notebook in a fresh kernel of its own with the attendee's own
``WORKSHOP_PREFIX`` on moto, as on the class hub. For each N it records every code cell's latency
(p50, p95), each attendee's peak kernel memory (RSS of the kernel and its children) and kernel
CPU seconds. The ladder stops once the p95 cell latency is more than ``--slowdown`` (2×) the
value at N = 1, at the cap, or when the next step would not fit in free memory.

It also measures what a kernel's memory is made of (Python, ipykernel, boto3, moto, matplotlib,
the helpers with Powertools: RSS after importing each, in order, in a fresh process) and the
memory of one idle Jupyter server (each attendee on a hub has one). From these it computes the
sizing table: "a machine with C cores and M GiB serves about K attendees".

Writes ``bench/results/hub.json``, the figure ``bench/results/hub.png``, and the table between
``<!-- sizing:start -->`` and ``<!-- sizing:end -->`` in docs/instructor.md and docs/hub.md.

    python -m bench.load                       # the default ladder (a few minutes)
    python -m bench.load --max-attendees 4     # quicker
    python -m bench.load --notebooks 00_setup,01_sync_order
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as _dt
import json
import math
import os
import platform
import re
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
RESULTS = ROOT / "bench" / "results"
DOCS = [ROOT / "docs" / "instructor.md", ROOT / "docs" / "hub.md"]
DEFAULT_NOTEBOOKS = ["00_setup", "01_sync_order", "03_queues"]
MARK_START = "<!-- sizing:start -->"
MARK_END = "<!-- sizing:end -->"
MIB = 1024 * 1024

#: Machines the sizing table is written for: (cores, GiB), common cloud VM shapes.
MACHINES: list[tuple[int, int]] = [(2, 8), (4, 16), (8, 32), (16, 64), (32, 128)]
#: Extra memory on top of the measured peak per attendee (TLJH's guide: add 20–40 % headroom).
HEADROOM = 1.3
#: Memory kept for the operating system, JupyterHub and the proxy (GiB).
RESERVE_GIB = 1.0
#: Share of the room that runs cells at the same moment in the "typical" column (TLJH's guide: 40–60 %).
TYPICAL_SHARE = 0.5
SCHEMA = 1


# --- pure parts: statistics, the stopping rule, sizing, the docs table --------------------


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0–100) of ``values``, linear between closest ranks."""
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100.0
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def ladder(cap: int) -> list[int]:
    """Attendee counts to try: 1, 2, 4, 8, … up to ``cap`` (``cap`` itself last if it is no power of two)."""
    if cap < 1:
        raise ValueError(f"the cap must be at least 1 attendee, got {cap}")
    steps = [1]
    while steps[-1] * 2 <= cap:
        steps.append(steps[-1] * 2)
    if steps[-1] != cap:
        steps.append(cap)
    return steps


def slowed_down(base_p95: float, p95: float, limit: float) -> bool:
    """The stopping rule: True once ``p95`` is more than ``limit`` times the single-attendee ``base_p95``."""
    return p95 > limit * base_p95


def capacity(steps: list[dict[str, Any]], limit: float) -> dict[str, Any]:
    """The most attendees run at once before cells slowed down more than ``limit``×.

    ``lower_bound`` is True when no step slowed down (the machine may take more than was tried).
    """
    if not steps:
        raise ValueError("no load steps were measured")
    base = steps[0]["p95_cell_s"]
    ok = [s["attendees"] for s in steps if not slowed_down(base, s["p95_cell_s"], limit) and not s["errors"]]
    slowed = any(slowed_down(base, s["p95_cell_s"], limit) for s in steps)
    return {"attendees": max(ok) if ok else 0, "lower_bound": not slowed, "limit": limit}


def sizing(
    per_attendee_mib: float,
    attendees_per_core: float,
    machines: list[tuple[int, int]] = MACHINES,
    reserve_gib: float = RESERVE_GIB,
    typical_share: float = TYPICAL_SHARE,
) -> list[dict[str, Any]]:
    """For each (cores, GiB): attendees by memory, by CPU (all at once / a typical share at once), and the answer.

    Memory holds every attendee's server and kernel at once; CPU only has to serve the ones
    running cells at that moment, so the typical column divides by ``typical_share``.
    """
    if per_attendee_mib <= 0 or attendees_per_core <= 0:
        raise ValueError("memory per attendee and attendees per core must be positive")
    rows = []
    for cores, gib in machines:
        by_memory = max(0, math.floor((gib - reserve_gib) * 1024 / per_attendee_mib))
        all_at_once = math.floor(cores * attendees_per_core)
        typical = math.floor(cores * attendees_per_core / typical_share)
        attendees = min(by_memory, typical)
        rows.append({
            "cores": cores,
            "memory_gib": gib,
            "by_memory": by_memory,
            "by_cpu_all_at_once": all_at_once,
            "by_cpu_typical": typical,
            "attendees": attendees,
            "worst_case": min(by_memory, all_at_once),
            "limited_by": "memory" if by_memory < typical else "CPU",
        })
    return rows


def sizing_markdown(result: dict[str, Any]) -> str:
    """The sizing table and its reasoning, as Markdown for docs/instructor.md."""
    mem = result["memory"]
    cap = result["capacity"]
    machine = result["machine"]
    per_core = result["attendees_per_core"]
    more = "at least " if cap["lower_bound"] else ""
    breakdown = ", ".join(f"{name} {mib:.0f} MiB" for name, mib in mem["kernel_breakdown_mib"].items())
    lines = [
        f"Measured by `make load-test` on {result['created'][:10]}: {machine['cores']} cores, "
        f"{machine['memory_gib']:.0f} GiB, notebooks {', '.join(result['notebooks'])}"
        + (" (a shared, busy machine: preliminary numbers)." if result.get("preliminary") else "."),
        "",
        f"- One attendee's kernel peaks at {mem['kernel_peak_mib']:.0f} MiB; their Jupyter server adds "
        f"{mem['server_rss_mib']:.0f} MiB. With {HEADROOM - 1:.0%} headroom that is "
        f"**{mem['per_attendee_mib']:.0f} MiB per attendee**; {RESERVE_GIB:.0f} GiB stays for the system, "
        "the hub and the proxy.",
        f"- A kernel's memory, in import order: {breakdown}; the rest is the notebooks' own data.",
        f"- With everyone running the notebooks at the same moment, {more}{cap['attendees']} attendees "
        f"ran on {machine['cores']} cores with every cell passing and the p95 cell latency within "
        f"{cap['limit']:g}× the single-attendee value: **{more}{per_core:.1f} attendees per core**. "
        f"The core notebooks cost {result['steps'][0]['cpu_s']['mean']:.0f} CPU seconds per attendee.",
        "- The load test runs the notebooks back to back, with no pause to read: a class is lighter. "
        f"The table's answer assumes at most {TYPICAL_SHARE:.0%} of the room runs cells at the same moment "
        "(an assumption; The Littlest JupyterHub's guide plans for 40–60 % of a class active at once); "
        "the worst case column assumes everyone does.",
        "",
        "| machine | by memory | by CPU, all at once | by CPU, half at once | **serves about** | worst case |",
        "|---|---|---|---|---|---|",
    ]
    for row in result["sizing"]:
        lines.append(
            f"| {row['cores']} cores, {row['memory_gib']} GiB | {row['by_memory']} | {row['by_cpu_all_at_once']} "
            f"| {row['by_cpu_typical']} | **{row['attendees']}** ({row['limited_by']}) | {row['worst_case']} |"
        )
    best = next((r for r in result["sizing"] if r["attendees"] >= 30), result["sizing"][-1])
    lines += [
        "",
        f"In one sentence: **a machine with {best['cores']} cores and {best['memory_gib']} GiB serves about "
        f"{best['attendees']} attendees** ({best['worst_case']} if all run a cell at the same moment).",
    ]
    return "\n".join(lines)


def replace_between(text: str, block: str, start: str = MARK_START, end: str = MARK_END) -> str:
    """``text`` with everything between the ``start`` and ``end`` marker lines replaced by ``block``."""
    head, sep, rest = text.partition(start)
    if not sep:
        raise ValueError(f"marker {start!r} not found")
    _, sep2, tail = rest.partition(end)
    if not sep2:
        raise ValueError(f"marker {end!r} not found after {start!r}")
    return f"{head}{start}\n{block.strip()}\n{end}{tail}"


# --- measurement: one attendee, one step, the memory breakdown ----------------------------


class Sampler:
    """Samples the RSS (with children) and CPU seconds of registered kernel processes every ``interval`` s."""

    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self.peak: dict[int, int] = {}
        self.cpu: dict[int, float] = {}
        self._procs: dict[int, Any] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.machine_cpu: list[float] = []

    def add(self, pid: int) -> None:
        import psutil

        with self._lock:
            self._procs[pid] = psutil.Process(pid)
            self.peak.setdefault(pid, 0)
            self.cpu.setdefault(pid, 0.0)
        self.sample(pid)

    def sample(self, pid: int) -> None:
        """Read one process now (also called when a cell finishes, so the last CPU value is current)."""
        import psutil

        proc = self._procs.get(pid)
        if proc is None:
            return
        try:
            family = [proc, *proc.children(recursive=True)]
            rss = 0
            cpu = 0.0
            for p in family:
                try:
                    rss += p.memory_info().rss
                    t = p.cpu_times()
                    cpu += t.user + t.system
                except psutil.NoSuchProcess:
                    pass
        except psutil.NoSuchProcess:
            return
        with self._lock:
            self.peak[pid] = max(self.peak[pid], rss)
            self.cpu[pid] = max(self.cpu[pid], cpu)

    def _run(self) -> None:
        import psutil

        psutil.cpu_percent(None)
        while not self._stop.wait(self.interval):
            for pid in list(self._procs):
                self.sample(pid)
            self.machine_cpu.append(psutil.cpu_percent(None))

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


@dataclass
class Attendee:
    """One simulated attendee: their prefix, cell latencies, kernels, and errors."""

    index: int
    prefix: str = field(default_factory=lambda: f"ld{secrets.token_hex(3)}")
    latencies: list[float] = field(default_factory=list)
    pids: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wall_s: float = 0.0


def kernel_env(attendee: Attendee) -> dict[str, str]:
    """The kernel's environment: moto, the attendee's own prefix, helpers from this checkout."""
    env = dict(os.environ)
    for key in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        env.pop(key, None)
    env.update({
        "WORKSHOP_BACKEND": "moto",
        "WORKSHOP_PREFIX": attendee.prefix,
        "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p),
    })
    return env


ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _timed(client: Any, attendee: Attendee, sampler: Sampler, notebook: str) -> None:
    """Hooks on ``client``: register the kernel with ``sampler``, time every code cell, record failed cells."""
    started: dict[int, float] = {}

    def on_start(notebook: Any) -> None:
        pid = client.km.provisioner.pid
        attendee.pids.append(pid)
        sampler.add(pid)

    def on_execute(cell: Any, cell_index: int, **_: Any) -> None:
        started[cell_index] = time.perf_counter()

    def on_executed(cell: Any, cell_index: int, execute_reply: Any = None, **_: Any) -> None:
        attendee.latencies.append(time.perf_counter() - started.pop(cell_index, time.perf_counter()))
        if attendee.pids:
            sampler.sample(attendee.pids[-1])
        content = (execute_reply or {}).get("content", {})
        if content.get("status") == "error":
            message = ANSI.sub("", f"{content.get('ename')}: {content.get('evalue')}").strip()
            attendee.errors.append(f"{notebook} cell {cell_index}: {message[:200]}")

    client.on_notebook_start = on_start
    client.on_cell_execute = on_execute
    client.on_cell_executed = on_executed


async def run_attendee(attendee: Attendee, notebooks: list[Path], sampler: Sampler, timeout: float) -> None:
    """Execute ``notebooks`` one after another, each in a fresh kernel, recording every code cell's latency."""
    import nbformat
    from nbclient import NotebookClient

    start = time.perf_counter()
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        # allow_errors: a failed cell (e.g. a claim that no longer holds under load) is recorded and the
        # notebook goes on, so every attendee runs the same cells at every N.
        client = NotebookClient(
            nb, timeout=timeout, kernel_name="python3", allow_errors=True,
            resources={"metadata": {"path": str(NOTEBOOK_DIR)}},
        )
        _timed(client, attendee, sampler, path.name)
        try:
            await client.async_execute(env=kernel_env(attendee), cwd=str(NOTEBOOK_DIR), stderr=subprocess.DEVNULL)
        except Exception as exc:  # a failing notebook is a result to report, not a crash of the run
            last = ANSI.sub("", str(exc)).strip().splitlines()[-1:] or [""]
            attendee.errors.append(f"{path.name}: {type(exc).__name__}: {last[0][:200]}")
    attendee.wall_s = time.perf_counter() - start


def run_step(n: int, notebooks: list[Path], timeout: float) -> dict[str, Any]:
    """N attendees at once; latency, memory and CPU per attendee."""
    attendees = [Attendee(i) for i in range(n)]
    load_before = os.getloadavg()
    with Sampler() as sampler:

        async def everyone() -> None:
            await asyncio.gather(*(run_attendee(a, notebooks, sampler, timeout) for a in attendees))

        start = time.perf_counter()
        asyncio.run(everyone())
        wall = time.perf_counter() - start
    per = []
    for a in attendees:
        per.append({
            "prefix": a.prefix,
            "cells": len(a.latencies),
            "wall_s": round(a.wall_s, 2),
            "p95_cell_s": round(percentile(a.latencies, 95), 3) if a.latencies else None,
            "peak_rss_mib": round(max((sampler.peak.get(p, 0) for p in a.pids), default=0) / MIB, 1),
            "cpu_s": round(sum(sampler.cpu.get(p, 0.0) for p in a.pids), 2),
            "errors": a.errors,
        })
    latencies = [x for a in attendees for x in a.latencies]
    rss = [p["peak_rss_mib"] for p in per]
    cpu = [p["cpu_s"] for p in per]
    return {
        "attendees": n,
        "wall_s": round(wall, 2),
        "cells": len(latencies),
        "p50_cell_s": round(percentile(latencies, 50), 3) if latencies else None,
        "p95_cell_s": round(percentile(latencies, 95), 3) if latencies else None,
        "peak_rss_mib": {"mean": round(statistics.mean(rss), 1), "max": round(max(rss), 1)},
        "cpu_s": {"mean": round(statistics.mean(cpu), 2), "max": round(max(cpu), 2)},
        "machine_cpu_percent": round(statistics.mean(sampler.machine_cpu), 1) if sampler.machine_cpu else None,
        "load_before": [round(x, 2) for x in load_before],
        "errors": [e for p in per for e in p["errors"]],
        "per_attendee": per,
    }


#: Run in a fresh process: RSS after each layer a workshop kernel loads, in the order a notebook loads them.
BREAKDOWN_SCRIPT = r"""
import gc, json, os, sys
import psutil
me = psutil.Process()
def rss():
    gc.collect()
    return me.memory_info().rss
steps = [("Python", rss())]
import ipykernel.kernelapp, ipykernel.ipkernel
steps.append(("ipykernel", rss()))
import boto3
session = boto3.session.Session(region_name="us-east-1")
clients = [session.client(name) for name in ("sqs", "sns", "dynamodb")]
steps.append(("boto3 (SQS, SNS, DynamoDB clients)", rss()))
from moto import mock_aws
mock = mock_aws(); mock.start()
mocked = boto3.session.Session(region_name="us-east-1")  # a session made after moto, so moto answers it
mocked.client("sqs").create_queue(QueueName="breakdown")
mocked.client("dynamodb").list_tables()
steps.append(("moto", rss()))
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
fig, ax = plt.subplots(); ax.plot([0, 1], [0, 1]); fig.canvas.draw()
steps.append(("matplotlib", rss()))
import aws_lambda_powertools.utilities.batch, aws_lambda_powertools.utilities.idempotency
import helpers
steps.append(("helpers and Powertools", rss()))
print(json.dumps(steps))
"""


def memory_breakdown(repeat: int = 2) -> dict[str, float]:
    """MiB each layer adds to a fresh Python process (median of ``repeat`` runs)."""
    env = dict(os.environ)
    env.update({
        "PYTHONPATH": str(ROOT),
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "MPLBACKEND": "Agg",
    })
    env.pop("AWS_PROFILE", None)
    runs: list[list[tuple[str, int]]] = []
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, "-c", BREAKDOWN_SCRIPT], env=env, capture_output=True, text=True, check=True, timeout=300
        )
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    names = [name for name, _ in runs[0]]
    result: dict[str, float] = {}
    for i, name in enumerate(names):
        added = [run[i][1] - (run[i - 1][1] if i else 0) for run in runs]
        result[name] = round(statistics.median(added) / MIB, 1)
    return result


def server_rss_mib(timeout: float = 120.0) -> float:
    """RSS of one idle Jupyter server with JupyterLab loaded (what each attendee's hub server costs)."""
    import psutil
    import requests

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [
        sys.executable, "-m", "jupyter_server", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
        "--IdentityProvider.token=", f"--ServerApp.root_dir={NOTEBOOK_DIR}",
    ]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{port}/api/status", timeout=2).ok:
                    break
            except requests.RequestException:
                time.sleep(0.3)
        else:
            raise RuntimeError(f"the Jupyter server did not answer on port {port} within {timeout:.0f} s")
        requests.get(f"http://127.0.0.1:{port}/lab", timeout=30)  # load the JupyterLab page once, as a login does
        time.sleep(1.0)
        return round(psutil.Process(proc.pid).memory_info().rss / MIB, 1)
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# --- the run, the JSON, the figure ---------------------------------------------------------


def build_result(
    steps: list[dict[str, Any]],
    stopped_because: str,
    breakdown: dict[str, float],
    server_mib: float,
    notebooks: list[str],
    limit: float,
    cap: int,
    machine: dict[str, Any],
    preliminary: bool = False,
) -> dict[str, Any]:
    """Everything ``hub.json`` holds: the machine, each step, capacity, memory and the sizing table."""
    cap_info = capacity(steps, limit)
    kernel_peak = max(s["peak_rss_mib"]["max"] for s in steps)
    per_attendee = (kernel_peak + server_mib) * HEADROOM
    per_core = max(cap_info["attendees"], 1) / machine["cores"]
    return {
        "schema": SCHEMA,
        "created": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "preliminary": preliminary,
        "machine": machine,
        "notebooks": notebooks,
        "slowdown_limit": limit,
        "max_attendees": cap,
        "steps": steps,
        "stopped_because": stopped_because,
        "capacity": cap_info,
        "attendees_per_core": round(per_core, 2),
        "memory": {
            "kernel_breakdown_mib": breakdown,
            "kernel_peak_mib": kernel_peak,
            "server_rss_mib": server_mib,
            "headroom": HEADROOM,
            "reserve_gib": RESERVE_GIB,
            "per_attendee_mib": round(per_attendee, 1),
        },
        "sizing": sizing(per_attendee, per_core),
    }


def machine_info() -> dict[str, Any]:
    """Cores, memory and software of this machine."""
    import psutil

    return {
        "cores": os.cpu_count() or 1,
        "memory_gib": round(psutil.virtual_memory().total / 1024**3, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def plot(result: dict[str, Any], path: Path) -> None:
    """Latency, memory and CPU against N, and the kernel memory breakdown, in one figure."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    steps = result["steps"]
    n = [s["attendees"] for s in steps]
    fig, axes = plt.subplots(2, 2, figsize=(11, 8))
    ax = axes[0][0]
    ax.plot(n, [s["p95_cell_s"] for s in steps], "o-", label="p95")
    ax.plot(n, [s["p50_cell_s"] for s in steps], "s--", label="median")
    ax.axhline(steps[0]["p95_cell_s"] * result["slowdown_limit"], color="tab:red", ls=":",
               label=f"{result['slowdown_limit']:g}× p95 at N=1")
    failed = [s for s in steps if s["errors"]]
    if failed:
        ax.plot([s["attendees"] for s in failed], [s["p95_cell_s"] for s in failed], "x", color="tab:red",
                markersize=12, mew=2, label="a cell failed (claim under load)")
    ax.set(title="Cell latency", xlabel="attendees at once (N)", ylabel="seconds per cell")
    ax.set_ylim(0, max(s["p95_cell_s"] for s in steps) * 1.6)
    ax.legend(loc="upper left", fontsize="small")
    ax = axes[0][1]
    ax.plot(n, [s["peak_rss_mib"]["max"] for s in steps], "o-", label="max")
    ax.plot(n, [s["peak_rss_mib"]["mean"] for s in steps], "s--", label="mean")
    ax.set(title="Peak kernel memory per attendee", xlabel="attendees at once (N)", ylabel="RSS (MiB)")
    ax.set_ylim(0, max(s["peak_rss_mib"]["max"] for s in steps) * 1.3)
    ax.legend(loc="lower right")
    ax = axes[1][0]
    ax.plot(n, [s["cpu_s"]["mean"] for s in steps], "o-", label="kernel CPU per attendee")
    ax.plot(n, [s["wall_s"] for s in steps], "s--", label="wall time of the step")
    ax.set(title="CPU time and wall time", xlabel="attendees at once (N)", ylabel="seconds")
    ax.set_ylim(bottom=0)
    ax.legend()
    ax = axes[1][1]
    parts = dict(result["memory"]["kernel_breakdown_mib"])
    rest = result["memory"]["kernel_peak_mib"] - sum(parts.values())
    parts["notebooks' own data"] = max(rest, 0.0)
    parts["Jupyter server"] = result["memory"]["server_rss_mib"]
    names = list(parts)
    ax.barh(names, [parts[k] for k in names], color="tab:blue")
    ax.invert_yaxis()
    ax.set(title="One attendee's memory, by part", xlabel="MiB")
    for i, k in enumerate(names):
        ax.text(parts[k], i, f" {parts[k]:.0f}", va="center")
    for a in axes.flat[:3]:
        a.set_xscale("log", base=2)
        a.set_xticks(n, [str(x) for x in n])
        a.grid(alpha=0.3)
    m = result["machine"]
    note = ", preliminary: shared machine" if result.get("preliminary") else ""
    fig.suptitle(
        f"Attendees at once on {m['cores']} cores / {m['memory_gib']:.0f} GiB "
        f"({', '.join(result['notebooks'])}; {result['created'][:10]}{note})"
    )
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def update_docs(markdown: str, paths: list[Path] = DOCS) -> list[Path]:
    """Write the sizing block into every doc that has the markers; the ones written."""
    written = []
    for path in paths:
        if path.exists() and MARK_START in (text := path.read_text(encoding="utf-8")):
            path.write_text(replace_between(text, markdown), encoding="utf-8")
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--notebooks", default=",".join(DEFAULT_NOTEBOOKS),
                        help="comma-separated notebook names (default: %(default)s)")
    parser.add_argument("--max-attendees", type=int, default=16, help="cap of the ladder (default: %(default)s)")
    parser.add_argument("--slowdown", type=float, default=2.0,
                        help="stop once p95 cell latency exceeds this multiple of N=1's (default: %(default)s)")
    parser.add_argument("--cell-timeout", type=float, default=600.0, help="seconds per cell before it fails")
    parser.add_argument("--out", type=Path, default=RESULTS / "hub.json")
    parser.add_argument("--figure", type=Path, default=RESULTS / "hub.png")
    parser.add_argument("--no-docs", action="store_true", help="do not write the sizing table into the docs")
    parser.add_argument("--preliminary", action="store_true",
                        help="mark the numbers as preliminary (a shared or busy machine)")
    parser.add_argument("--from-json", type=Path, metavar="HUB_JSON",
                        help="measure nothing: redraw the figure and rewrite the docs' table from a hub.json")
    args = parser.parse_args(argv)
    if args.from_json:
        result = json.loads(args.from_json.read_text(encoding="utf-8"))
        plot(result, args.figure)
        written = [] if args.no_docs else update_docs(sizing_markdown(result))
        print(f"redrew {args.figure.name}; table written into {', '.join(p.name for p in written) or 'no doc'}")
        return 0

    import psutil

    names = [n.strip().removesuffix(".ipynb") for n in args.notebooks.split(",") if n.strip()]
    notebooks = [NOTEBOOK_DIR / f"{n}.ipynb" for n in names]
    missing = [p.name for p in notebooks if not p.exists()]
    if missing:
        parser.error(f"no such notebook in notebooks/: {', '.join(missing)}")

    print("memory breakdown of a kernel (fresh processes) …", flush=True)
    breakdown = memory_breakdown()
    print("  " + ", ".join(f"{k} {v:.0f} MiB" for k, v in breakdown.items()), flush=True)
    server_mib = server_rss_mib()
    print(f"  one idle Jupyter server: {server_mib:.0f} MiB", flush=True)

    steps: list[dict[str, Any]] = []
    stopped = f"reached the cap of {args.max_attendees} attendees"
    for n in ladder(args.max_attendees):
        if steps:
            need = n * steps[0]["peak_rss_mib"]["max"] * MIB * 1.5
            if psutil.virtual_memory().available < need:
                stopped = f"{n} attendees would not fit in free memory"
                break
        print(f"N={n:>3}: running {', '.join(names)} for {n} attendee(s) at once …", flush=True)
        step = run_step(n, notebooks, args.cell_timeout)
        base = (steps[0] if steps else step)["p95_cell_s"]
        step["slowdown"] = round(step["p95_cell_s"] / base, 2)
        steps.append(step)
        print(
            f"       wall {step['wall_s']:.0f} s, p50 {step['p50_cell_s']:.2f} s, p95 {step['p95_cell_s']:.2f} s "
            f"({step['slowdown']:.2f}× N=1), peak RSS {step['peak_rss_mib']['max']:.0f} MiB, "
            f"kernel CPU {step['cpu_s']['mean']:.1f} s per attendee"
            + (f", {len(step['errors'])} error(s): {step['errors'][0]}" if step["errors"] else ""),
            flush=True,
        )
        if slowed_down(base, step["p95_cell_s"], args.slowdown):
            stopped = f"p95 cell latency passed {args.slowdown:g}× the N=1 value at N={n}"
            break

    result = build_result(steps, stopped, breakdown, server_mib, names, args.slowdown, args.max_attendees,
                          machine_info(), preliminary=args.preliminary)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    plot(result, args.figure)
    markdown = sizing_markdown(result)
    print(f"\nstopped: {stopped}\n\n{markdown}\n")
    print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}, {args.figure.name}")
    if not args.no_docs:
        for path in update_docs(markdown):
            print(f"wrote the sizing table into {path.relative_to(ROOT)}")
    if steps[0]["errors"]:  # cells failing with one attendee: the notebooks are broken, not the machine full
        print("cells failed with a single attendee:\n  " + "\n  ".join(steps[0]["errors"]), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
