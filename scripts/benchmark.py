"""Benchmark: a full sync against a sandbox in its own process, as ratios to a floor.

Default (``--mode rate``): Paycom's published limits and a stated latency, scaled by
``--time-scale`` so the run is short but has Paycom's shape. Prints requests per
endpoint, 429s, wall time, the floor (the least time the sandbox's limits allow for
those requests), ``wall/floor``, and the same sync with one worker as the sequential
baseline, with ``sequential/wall``.

``--mode cpu``: limits and latency off; prints the tap's CPU seconds per 1,000
employees and its peak RSS.

    python scripts/benchmark.py                       # 2,000 employees, 300 ms, x10
    python scripts/benchmark.py --mode cpu --employees 50000
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tap_paycom import endpoints
from tap_paycom.sandbox.server import BASE_PATH, SANDBOX_SID, SANDBOX_TOKEN
from tap_paycom.sandbox.tenant import employee_code


@dataclass
class TapRun:
    """What one tap process did."""

    wall: float
    cpu: float
    peak_rss_mb: float
    records: int
    requests: dict[str, int]
    statuses: dict[str, int]
    state: dict[str, Any]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SandboxProcess:
    """``python -m tap_paycom.sandbox`` in its own process, so it costs the tap nothing."""

    def __init__(self, args: list[str]) -> None:
        self.port = free_port()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tap_paycom.sandbox", "--port", str(self.port), *args],
            stdout=subprocess.PIPE, text=True,
        )
        assert self.proc.stdout is not None
        self.proc.stdout.readline()  # "Paycom sandbox serving N employees at ..."
        self.url = f"http://127.0.0.1:{self.port}{BASE_PATH}"

    def stats(self) -> dict[str, Any]:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/_sandbox/stats") as answer:
            return dict(json.load(answer))

    def mutate(self, change: dict[str, Any]) -> None:
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/_sandbox/mutate",
                                         data=json.dumps(change).encode(), method="POST")
        with urllib.request.urlopen(request) as answer:
            answer.read()

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def run_tap(sandbox: SandboxProcess, config: dict[str, Any],
            state: dict[str, Any] | None = None) -> TapRun:
    """Run the tap as its own process; measure it alone with ``wait4``."""
    before = sandbox.stats()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "config.json"
        path.write_text(json.dumps({"base_url": sandbox.url, "sid": SANDBOX_SID,
                                    "token": SANDBOX_TOKEN, **config}))
        args = [sys.executable, "-m", "tap_paycom", "--config", str(path)]
        if state is not None:
            (Path(folder) / "state.json").write_text(json.dumps(state))
            args += ["--state", str(Path(folder) / "state.json")]
        out_path = Path(folder) / "out.jsonl"
        with out_path.open("w") as out:
            started = time.perf_counter()
            proc = subprocess.Popen(args, stdout=out, stderr=subprocess.DEVNULL)
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - started
        if status != 0:
            raise SystemExit(f"the tap exited with status {status}")
        records, last_state = 0, {}
        with out_path.open() as lines:
            for line in lines:
                compact = line.replace(" ", "")
                if '"type":"RECORD"' in compact:
                    records += 1
                elif '"type":"STATE"' in compact:
                    last_state = json.loads(line)["value"]
    after = sandbox.stats()
    requests = {k: v - before["requests"].get(k, 0) for k, v in after["requests"].items()}
    statuses = {k: v - before["statuses"].get(k, 0) for k, v in after["statuses"].items()}
    return TapRun(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, records,
                  {k: v for k, v in requests.items() if v},
                  {k: v for k, v in statuses.items() if v}, last_state)


def floor_seconds(requests: dict[str, int], scale: float, latency_s: float) -> float:
    """The least time the published limits allow: the slowest endpoint's bucket drain.

    Endpoints have separate buckets, so in principle they could all run at once; the
    floor is the one that takes longest, plus one request's latency.
    """
    drains = []
    for name, count in requests.items():
        endpoint = endpoints.BY_NAME.get(name)
        if endpoint is not None:
            drains.append(max(0, count - endpoint.bucket) / (endpoint.per_second * scale))
    return max(drains, default=0.0) + latency_s


def scaled_limits(scale: float) -> dict[str, dict[str, float]]:
    """Tell the tap the sandbox's scaled rates, as a tenant would with ``rate_limits``."""
    return {e.name: {"per_second": e.per_second * scale} for e in endpoints.SAFE}


def rate_mode(args: argparse.Namespace) -> None:
    latency_s = args.latency_ms / 1000 / args.time_scale
    sandbox = SandboxProcess([
        "--employees", str(args.employees), "--latency-ms", str(args.latency_ms),
        "--jitter-ms", str(args.jitter_ms), "--rate-limits",
        "--time-scale", str(args.time_scale),
    ])
    try:
        base = {"rate_limits": scaled_limits(args.time_scale)}
        fast = run_tap(sandbox, {**base, "max_workers": args.workers})
        sequential = run_tap(sandbox, {**base, "max_workers": 1})
        changed = change_one_percent(sandbox, args.employees)
        incremental = run_tap(sandbox, {**base, "max_workers": args.workers}, fast.state)
    finally:
        sandbox.stop()
    floor = floor_seconds(fast.requests, args.time_scale, latency_s)
    too_many = sum(v for k, v in fast.statuses.items() if k.endswith(" 429"))
    print(f"scenario: {args.employees} employees, latency {args.latency_ms:.0f} ms "
          f"(+/- {args.jitter_ms:.0f}), Paycom's published limits, time-scale "
          f"{args.time_scale:g} (effective latency {latency_s * 1000:.0f} ms)")
    print(f"records emitted: {fast.records}")
    print("requests per endpoint: " + ", ".join(f"{k} {v}" for k, v in
                                                sorted(fast.requests.items())))
    print(f"429s received: {too_many}")
    print(f"wall: {fast.wall:.2f} s with {args.workers} workers")
    print(f"floor: {floor:.2f} s (slowest endpoint's bucket drain at the published rate, "
          "plus one latency)")
    print(f"wall/floor: {fast.wall / floor:.3f}   (target <= 1.15)")
    print(f"sequential (1 worker): {sequential.wall:.2f} s")
    print(f"sequential/wall: {sequential.wall / fast.wall:.2f}   (target >= 2.7)")
    print(f"in Paycom time (x{args.time_scale:g}): wall {fast.wall * args.time_scale / 60:.1f} "
          f"min, sequential {sequential.wall * args.time_scale / 60:.1f} min")
    print_incremental(fast, incremental, changed)


def change_one_percent(sandbox: SandboxProcess, employees: int) -> int:
    """Terminate, move and re-manage 1% of employees (hires included); return how many."""
    count = max(5, employees // 100)
    codes = [employee_code(i) for i in range(10, employees, max(1, employees // count))]
    hires = max(1, count // 10)
    plan = codes[: count - hires]
    for number, code in enumerate(plan):
        if number % 3 == 0:
            sandbox.mutate({"action": "terminate", "code": code})
        elif number % 3 == 1:
            sandbox.mutate({"action": "update", "code": code, "changes": {"department": "OPS"}})
        else:
            sandbox.mutate({"action": "update", "code": code, "changes": {"location": 1006}})
    for number in range(hires):
        sandbox.mutate({"action": "hire", "first": "New", "last": f"Hire{number}"})
    return len(plan) + hires


def print_incremental(full: TapRun, incremental: TapRun, changed: int) -> None:
    """Requests of a full sync next to an incremental one after ``changed`` changes."""
    names = sorted(set(full.requests) | set(incremental.requests))
    print("full vs incremental requests: " + ", ".join(
        f"{name} {full.requests.get(name, 0)}/{incremental.requests.get(name, 0)}"
        for name in names))
    inc = incremental.requests
    bound = (inc.get("employeedirectory", 0) + inc.get("employeechanges", 0)
             + inc.get("employeenewhire", 0) + inc.get("positions", 0)
             + inc.get("locations", 0) + inc.get("establishments", 0) + changed)
    total_full, total_inc = sum(full.requests.values()), sum(inc.values())
    print(f"changed or new employees: {changed}; incremental master-record calls: "
          f"{inc.get('employee', 0)}")
    print(f"total requests: full {total_full}, incremental {total_inc} "
          f"(bound: directory pages + change-log calls + group endpoints + changed = {bound})")
    print(f"full/incremental requests: {total_full / max(total_inc, 1):.1f}")


def cpu_mode(args: argparse.Namespace) -> None:
    sandbox = SandboxProcess(["--employees", str(args.employees)])
    try:
        run = run_tap(sandbox, {"rate_limits": {e.name: {"per_second": 1e9, "burst": 10**9}
                                                for e in endpoints.SAFE},
                                "max_workers": args.workers})
    finally:
        sandbox.stop()
    print(f"scenario: {args.employees} employees, limits and latency off, "
          f"{args.workers} workers")
    print(f"records emitted: {run.records}; requests: "
          + ", ".join(f"{k} {v}" for k, v in sorted(run.requests.items())))
    print(f"wall: {run.wall:.1f} s; tap CPU: {run.cpu:.1f} s "
          f"= {run.cpu / (args.employees / 1000):.2f} CPU s per 1,000 employees")
    print(f"tap peak RSS: {run.peak_rss_mb:.0f} MB   (target <= 400 MB at 50,000 employees)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=("rate", "cpu"), default="rate")
    parser.add_argument("--employees", type=int)
    parser.add_argument("--latency-ms", type=float, default=300.0)
    parser.add_argument("--jitter-ms", type=float, default=30.0)
    parser.add_argument("--time-scale", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=8)
    args = parser.parse_args()
    if args.employees is None:
        args.employees = 2000 if args.mode == "rate" else 50_000
    (rate_mode if args.mode == "rate" else cpu_mode)(args)


if __name__ == "__main__":
    main()
