"""Shared test harness: a sandbox on loopback, and two ways to run the tap against it.

``sync`` runs the tap in-process and returns its Singer messages; ``run_cli`` runs
``python -m tap_paycom`` as a user would and returns exit code, stdout and stderr.
Expected values always come from the sandbox's tenant, never from tap code.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tap_paycom import endpoints
from tap_paycom.sandbox import Sandbox
from tap_paycom.tap import TapPaycom

REPO = Path(__file__).resolve().parents[1]

#: Limits high enough that pacing never waits: most tests are about data, not time.
FAST_LIMITS = {e.name: {"per_second": 100_000, "burst": 100_000} for e in endpoints.SAFE}


def tap_config(sandbox: Sandbox, **extra: Any) -> dict[str, Any]:
    """Config that points the tap at a test's sandbox, with quick retries."""
    return {
        "base_url": sandbox.url,
        "sid": sandbox.options.sid,
        "token": sandbox.options.token,
        "rate_limits": FAST_LIMITS,
        "retry_initial_delay": 0.01,
        **extra,
    }


@dataclass
class Sync:
    """The Singer messages of one run."""

    messages: list[dict[str, Any]]

    def records(self, stream: str) -> list[dict[str, Any]]:
        """The records of one stream, in order."""
        return [m["record"] for m in self.messages
                if m["type"] == "RECORD" and m["stream"] == stream]

    def by_key(self, stream: str, key: str = "employee_code") -> dict[Any, dict[str, Any]]:
        """Records keyed by a column; fails if the key repeats."""
        rows = self.records(stream)
        keyed = {row[key]: row for row in rows}
        assert len(keyed) == len(rows), f"{stream} repeats {key}"
        return keyed

    def schema(self, stream: str) -> dict[str, Any]:
        """The SCHEMA message of one stream."""
        return next(m for m in self.messages if m["type"] == "SCHEMA" and m["stream"] == stream)

    @property
    def state(self) -> dict[str, Any]:
        """The last STATE message's value."""
        return [m["value"] for m in self.messages if m["type"] == "STATE"][-1]


def sync(config: dict[str, Any], *, catalog: dict[str, Any] | None = None,
         state: dict[str, Any] | None = None) -> Sync:
    """Run a full sync in-process and parse what it wrote to stdout."""
    out = io.StringIO()
    with redirect_stdout(out):
        tap = TapPaycom(config=config, catalog=catalog, state=state)
        tap.sync_all()
    return Sync([json.loads(line) for line in out.getvalue().splitlines()])


@dataclass
class Run:
    """A finished command-line run."""

    code: int
    stdout: str
    stderr: str

    @property
    def last_line(self) -> str:
        """The last line on stderr (where the tap's one-sentence errors go)."""
        lines = [line for line in self.stderr.splitlines() if line.strip()]
        return lines[-1] if lines else ""


def run_cli(config: dict[str, Any], tmp_path: Path, *args: str,
            env: dict[str, str] | None = None, timeout: float = 300) -> Run:
    """``python -m tap_paycom --config <file> [args]`` in a subprocess."""
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("TAP_PAYCOM_")}
    full_env.update(env or {})
    done = subprocess.run(
        [sys.executable, "-m", "tap_paycom", "--config", str(path), *args],
        capture_output=True, text=True, env=full_env, timeout=timeout, check=False,
    )
    return Run(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    """A fresh 60-employee sandbox per test (enough for several pages)."""
    with Sandbox(employees=60, seed=7) as server:
        yield server
