"""Client-side pacing: one token bucket per Paycom endpoint, shared by every thread.

Paycom limits each endpoint separately (a bucket of 100 calls refilled at 10/s).
Pacing to those figures keeps a healthy sync free of 429s, and a 429 that still
comes pauses the whole endpoint, not just the thread that got it.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tap_paycom.endpoints import Endpoint

#: The client keeps this share of Paycom's bucket in reserve, so that requests
#: that reach Paycom a little closer together than they were sent still fit.
BURST_SHARE = 0.9
#: After 429s the rate never drops below this share of the configured rate.
MIN_SHARE = 0.1
#: Consecutive successes before the rate climbs back a step.
RECOVER_AFTER = 50


@dataclass(frozen=True)
class Limit:
    """Calls per second and burst size for one endpoint."""

    per_second: float
    burst: int
    per_day: int


class TokenBucket:
    """A thread-safe token bucket; ``acquire`` blocks until a call may go out.

    Each caller reserves a token, letting the count go negative: callers queue in
    order and wake at the moment their token exists, so the rate is exact and no
    thread spins.

    A 429 means the tenant's real limit is below the configured one, so the rate
    halves (at most once per pause, never below ``MIN_SHARE`` of the configured
    rate) and climbs back by a quarter after every ``RECOVER_AFTER`` successes.
    """

    def __init__(self, per_second: float, burst: int,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        """Start full, as Paycom's bucket does."""
        if per_second <= 0 or burst < 1:
            raise ValueError("a bucket needs a positive rate and a burst of at least 1")
        self.ceiling = self.per_second = per_second
        self.max_burst = self.burst = burst
        self._clock = clock
        self._sleep = sleep
        self._tokens = float(burst)
        self._updated = clock()
        self._no_cut_before = 0.0
        self._paused_until = 0.0
        self._streak = 0
        self._lock = threading.Lock()

    def reserve(self) -> float:
        """Take a token and return how long the caller must wait before using it."""
        with self._lock:
            now = self._clock()
            if now > self._updated:
                elapsed = now - self._updated
                self._tokens = min(self.burst, self._tokens + elapsed * self.per_second)
                self._updated = now
            self._tokens -= 1
            # ``_updated`` lies in the future only while paused after a 429.
            wait = self._updated - now
            if self._tokens < 0:
                wait += -self._tokens / self.per_second
            return max(wait, 0.0)

    def acquire(self) -> float:
        """Block until a call may be made; returns the seconds waited.

        A caller that reserved its slot before a 429 arrived also waits out the pause.
        """
        waited = wait = self.reserve()
        while wait > 0:
            self._sleep(wait)
            with self._lock:
                wait = self._paused_until - self._clock()
            waited += max(wait, 0.0)
        return waited

    def throttle(self, seconds: float) -> bool:
        """After a 429: hold every caller ``seconds``, then go slower. True if slowed."""
        with self._lock:
            now = self._clock()
            self._paused_until = max(self._paused_until, now + seconds)
            self._updated = max(self._updated, self._paused_until)
            self._tokens = min(self._tokens, 0.0)
            self._streak = 0
            if now < self._no_cut_before:
                return False
            self._no_cut_before = now + max(seconds, 1 / self.per_second)
            slower = max(self.per_second / 2, self.ceiling * MIN_SHARE)
            changed = slower < self.per_second
            self.per_second = slower
            self.burst = max(1, min(self.burst, math.ceil(slower)))
            return changed

    def succeeded(self) -> None:
        """After a success: creep back towards the configured rate."""
        with self._lock:
            if self.per_second >= self.ceiling:
                return
            self._streak += 1
            if self._streak >= RECOVER_AFTER:
                self._streak = 0
                self.per_second = min(self.ceiling, self.per_second * 1.25)
                self.burst = min(self.max_burst, max(self.burst, math.ceil(self.per_second)))


def published_limit(endpoint: Endpoint) -> Limit:
    """Paycom's figures, with the burst reserve applied."""
    return Limit(endpoint.per_second, max(1, int(endpoint.bucket * BURST_SHARE)),
                 endpoint.per_day)


def configured_limit(endpoint: Endpoint, overrides: Mapping[str, Any] | None) -> Limit:
    """Paycom's figures for ``endpoint`` with any ``rate_limits`` setting applied."""
    limit = published_limit(endpoint)
    override = (overrides or {}).get(endpoint.name) or {}
    return Limit(
        per_second=float(override.get("per_second", limit.per_second)),
        burst=int(override.get("burst", limit.burst)),
        per_day=int(override.get("per_day", limit.per_day)),
    )


class Pacer:
    """The buckets for all endpoints, created on first use."""

    def __init__(self, overrides: Mapping[str, Any] | None = None, *, enabled: bool = True,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep,
                 logger: logging.Logger | None = None) -> None:
        """``enabled=False`` gives a pacer that never waits."""
        self._overrides = overrides
        self._logger = logger or logging.getLogger("tap-paycom")
        self._enabled = enabled
        self._clock = clock
        self._sleep = sleep
        self._buckets: dict[str, TokenBucket] = {}
        self._lock = threading.Lock()

    def limit(self, endpoint: Endpoint) -> Limit:
        """The limits in force for an endpoint."""
        return configured_limit(endpoint, self._overrides)

    def bucket(self, endpoint: Endpoint) -> TokenBucket | None:
        """The shared bucket for an endpoint (None when pacing is off)."""
        if not self._enabled:
            return None
        with self._lock:
            if endpoint.name not in self._buckets:
                limit = self.limit(endpoint)
                self._buckets[endpoint.name] = TokenBucket(
                    limit.per_second, limit.burst, self._clock, self._sleep
                )
            return self._buckets[endpoint.name]

    def acquire(self, endpoint: Endpoint) -> float:
        """Wait for this endpoint's next slot."""
        bucket = self.bucket(endpoint)
        return bucket.acquire() if bucket else 0.0

    def throttle(self, endpoint: Endpoint, seconds: float) -> None:
        """Hold and slow all calls to this endpoint after Paycom said to slow down."""
        bucket = self.bucket(endpoint)
        if bucket and bucket.throttle(seconds):
            self._logger.warning(
                "Paycom answered 429 for %s although the tap paced it at its configured "
                "limit: slowing to %.2f calls/s for now. If this recurs, set "
                "rate_limits.%s.per_second to your tenant's limit.",
                endpoint.path, bucket.per_second, endpoint.name,
            )

    def succeeded(self, endpoint: Endpoint) -> None:
        """Let a throttled endpoint speed up again."""
        bucket = self.bucket(endpoint)
        if bucket:
            bucket.succeeded()
