"""Seeded fault injection: what Paycom and the network do to a nightly sync.

A ``FaultPlan`` draws, for each request that passed auth and limits, either no
fault or one of ``kinds`` at ``rate`` (seeded, so a failing run can be replayed),
and serves scripted faults first (``plan.script("employee", "error_5xx", times=3)``).
Data faults (malformed dates, unknown keys, long values, a removed employee) are
not drawn here: tests set them on the tenant, where they belong.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import deque
from dataclasses import dataclass, field

from tap_paycom.endpoints import Endpoint

#: Answered instead of the real response.
BEFORE = ("error_5xx", "reset", "result_false", "rate_limited", "rate_limited_no_retry_after")
#: Applied to the real response.
AFTER = ("slow", "truncated")
#: Applied while paging a list.
PAGING = ("page_twice", "link_past_last", "total_mismatch", "repeat_row", "empty_page")
TRANSIENT = BEFORE + AFTER + PAGING

Answer = tuple[int, dict[str, str], bytes]
#: Error bodies quote personal data, as real ones can, so tests prove it is never echoed.
PERSONAL = "employee A001 (jane.doe@mail.example, SSN 123-45-6789)"
RESET = 0  # a status that tells the handler to drop the connection unanswered


@dataclass
class Fault:
    """One injected fault."""

    kind: str
    slow_seconds: float = 3.0

    @property
    def before(self) -> bool:
        """True when the fault replaces the answer."""
        return self.kind in BEFORE

    def answer(self) -> Answer:
        """The replacement answer for BEFORE kinds."""
        if self.kind == "error_5xx":
            return 503, {}, _failure(f"Service temporarily unavailable ({PERSONAL})")
        if self.kind == "reset":
            return RESET, {}, b""
        if self.kind == "result_false":
            return 200, {}, _failure(f"An internal error occurred for {PERSONAL}; "
                                     "please try again")
        if self.kind == "rate_limited":
            return 429, {"Retry-After": "1"}, _failure("Too many requests")
        return 429, {}, _failure("Too many requests")

    def transform(self, answer: Answer) -> Answer:
        """Apply an AFTER kind to the real answer (PAGING kinds act while paging)."""
        status, headers, body = answer
        if self.kind == "slow":
            time.sleep(self.slow_seconds)
        elif self.kind == "truncated":
            body = body[: max(1, len(body) // 2)]
        return status, headers, body


def _failure(message: str) -> bytes:
    return json.dumps({"result": False, "data": [], "errors": [message], "errorCount": 1,
                       "records": 0}).encode()


@dataclass
class FaultPlan:
    """Which faults to inject, how often, in what order."""

    rate: float = 0.0
    kinds: tuple[str, ...] = TRANSIENT
    seed: int = 1
    endpoints: frozenset[str] | None = None
    slow_seconds: float = 3.0
    injected: list[tuple[str, str]] = field(default_factory=list)
    _scripted: dict[str, deque[str]] = field(default_factory=dict)
    _rng: random.Random = field(init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        """Seed the draw."""
        unknown = set(self.kinds) - set(TRANSIENT)
        if unknown:
            raise ValueError(f"unknown fault kinds: {sorted(unknown)}")
        self._rng = random.Random(self.seed)  # noqa: S311 - a test draw, not secrets

    def script(self, endpoint: str, kind: str, times: int = 1) -> None:
        """Serve ``kind`` to the next ``times`` requests to ``endpoint``."""
        if kind not in TRANSIENT:
            raise ValueError(f"unknown fault kind: {kind}")
        with self._lock:
            self._scripted.setdefault(endpoint, deque()).extend([kind] * times)

    def pick(self, endpoint: Endpoint, route: str) -> Fault | None:
        """The fault for this request, if any; every injection is recorded."""
        with self._lock:
            queue = self._scripted.get(endpoint.name)
            if queue:
                kind = queue.popleft()
            elif self.rate and (self.endpoints is None or endpoint.name in self.endpoints) \
                    and self._rng.random() < self.rate:
                kind = self._rng.choice(self.kinds)
            else:
                return None
            self.injected.append((route, kind))
        return Fault(kind, self.slow_seconds)
