"""``python -m tap_paycom.sandbox``: run the sandbox alone, e.g. for curl or the benchmark."""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading

from tap_paycom.sandbox.faults import TRANSIENT, FaultPlan
from tap_paycom.sandbox.limits import ServerLimits
from tap_paycom.sandbox.server import Sandbox, SandboxOptions


def _pairs(values: list[str], cast: type) -> dict[str, object]:
    """``["employee=5", ...]`` -> ``{"employee": 5}``."""
    pairs = {}
    for value in values:
        name, _, number = value.partition("=")
        pairs[name] = cast(number)
    return pairs


def main(argv: list[str] | None = None) -> int:
    """Parse options, serve until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m tap_paycom.sandbox",
                                     description="An offline Paycom REST API on loopback.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8089)
    parser.add_argument("--employees", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--jitter-ms", type=float, default=0.0)
    parser.add_argument("--rate-limits", action="store_true",
                        help="enforce Paycom's published per-endpoint limits (429)")
    parser.add_argument("--no-retry-after", action="store_true",
                        help="answer 429 without a Retry-After header")
    parser.add_argument("--time-scale", type=float, default=1.0,
                        help="multiply every rate and divide every latency by this")
    parser.add_argument("--per-second", action="append", default=[], metavar="ENDPOINT=N")
    parser.add_argument("--burst", action="append", default=[], metavar="ENDPOINT=N")
    parser.add_argument("--daily-limit", action="append", default=[], metavar="ENDPOINT=N")
    parser.add_argument("--disable", action="append", default=[], metavar="ENDPOINT",
                        help="answer 413 for this endpoint (not enabled)")
    parser.add_argument("--fault-rate", type=float, default=0.0)
    parser.add_argument("--fault-kinds", default=",".join(TRANSIENT))
    parser.add_argument("--fault-seed", type=int, default=1)
    parser.add_argument("--data-faults", type=int, default=0, metavar="N",
                        help="give N employees malformed dates, unknown keys and long "
                        "values, and one a master record that answers 404")
    args = parser.parse_args(argv)

    sandbox = Sandbox(
        employees=args.employees, seed=args.seed,
        options=SandboxOptions(latency_ms=args.latency_ms, jitter_ms=args.jitter_ms,
                               retry_after=not args.no_retry_after,
                               disabled_endpoints=set(args.disable)),
        limits=ServerLimits(enabled=args.rate_limits, time_scale=args.time_scale,
                            per_second=_pairs(args.per_second, float),  # type: ignore[arg-type]
                            burst=_pairs(args.burst, int),  # type: ignore[arg-type]
                            per_day=_pairs(args.daily_limit, int)),  # type: ignore[arg-type]
        faults=FaultPlan(rate=args.fault_rate, kinds=tuple(args.fault_kinds.split(",")),
                         seed=args.fault_seed),
    ).start(args.host, args.port)
    sandbox.tenant.inject_data_faults(args.data_faults, seed=args.fault_seed)
    print(f"Paycom sandbox serving {len(sandbox.tenant.people)} employees at {sandbox.url}",
          flush=True)
    print(f"SID {sandbox.options.sid}  token {sandbox.options.token}  "
          f"(stats: http://{args.host}:{sandbox.port}/_sandbox/stats)", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with contextlib.suppress(KeyboardInterrupt):
        stop.wait()
    sandbox.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
