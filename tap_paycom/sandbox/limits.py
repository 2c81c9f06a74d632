"""The sandbox's side of Paycom's limits: per-endpoint buckets and daily counters.

``time_scale`` multiplies every rate (and the server divides every latency by
it), so a benchmark can replay Paycom's shape of traffic ten times faster with
the same ratios. Daily counts are counts, not rates, and are not scaled.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from tap_paycom.endpoints import Endpoint


@dataclass
class Verdict:
    """Whether a call may proceed, and if not, why and for how long."""

    allowed: bool
    daily: bool = False
    retry_after: float = 0.0


class ServerBucket:
    """A plain (non-queuing) token bucket: a call without a token is refused."""

    def __init__(self, capacity: float, per_second: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        """Start full."""
        self.capacity = capacity
        self.per_second = per_second
        self.tokens = capacity
        self.clock = clock
        self.updated = clock()

    def take(self) -> float:
        """0.0 if a token was taken, else the seconds until one exists."""
        now = self.clock()
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.per_second)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.per_second


class ServerLimits:
    """Buckets and daily counters for every endpoint, thread-safe."""

    def __init__(self, *, enabled: bool = False, time_scale: float = 1.0,
                 per_second: Mapping[str, float] | None = None,
                 burst: Mapping[str, int] | None = None,
                 per_day: Mapping[str, int] | None = None,
                 day: Callable[[], str] | None = None) -> None:
        """``per_second``/``burst``/``per_day`` override Paycom's figures by endpoint name."""
        self.enabled = enabled
        self.time_scale = time_scale
        self.per_second = dict(per_second or {})
        self.burst = dict(burst or {})
        self.per_day = dict(per_day or {})
        self._day = day or (lambda: time.strftime("%Y-%m-%d", time.gmtime()))
        self._buckets: dict[str, ServerBucket] = {}
        self._calls: dict[tuple[str, str], int] = {}
        self._lock = threading.Lock()

    def daily_limit(self, endpoint: Endpoint) -> int:
        """The daily budget in force for an endpoint."""
        return self.per_day.get(endpoint.name, endpoint.per_day)

    def check(self, endpoint: Endpoint) -> Verdict:
        """Count the call against the day and the bucket; refuse it if either is spent.

        Daily budgets apply whenever an override is set, even with rate limits off,
        so budget tests need no waiting.
        """
        with self._lock:
            day_key = (self._day(), endpoint.name)
            daily_enforced = self.enabled or endpoint.name in self.per_day
            if daily_enforced and self._calls.get(day_key, 0) >= self.daily_limit(endpoint):
                return Verdict(False, daily=True, retry_after=0.0)
            if self.enabled:
                bucket = self._buckets.get(endpoint.name)
                if bucket is None:
                    rate = self.per_second.get(endpoint.name, endpoint.per_second)
                    capacity = self.burst.get(endpoint.name, endpoint.bucket)
                    bucket = ServerBucket(capacity, rate * self.time_scale)
                    self._buckets[endpoint.name] = bucket
                wait = bucket.take()
                if wait > 0:
                    return Verdict(False, retry_after=wait)
            self._calls[day_key] = self._calls.get(day_key, 0) + 1
            return Verdict(True)

    def calls_today(self, endpoint: Endpoint) -> int:
        """Accepted calls to an endpoint today."""
        with self._lock:
            return self._calls.get((self._day(), endpoint.name), 0)


def retry_after_header(seconds: float) -> str:
    """HTTP's Retry-After is whole seconds; round up so waiting it out always works."""
    return str(max(1, math.ceil(seconds)))
