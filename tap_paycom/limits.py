"""Client-side pacing: one token bucket per Paycom endpoint, shared by every thread.

Paycom limits each endpoint separately (a bucket of 100 calls refilled at 10/s).
Pacing to those figures keeps a healthy sync free of 429s, and a 429 that still
comes pauses the whole endpoint, not just the thread that got it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tap_paycom.endpoints import Endpoint

#: The client keeps this share of Paycom's bucket in reserve, so that requests
#: that reach Paycom a little closer together than they were sent still fit.
BURST_SHARE = 0.9


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
    """

    def __init__(self, per_second: float, burst: int,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        """Start full, as Paycom's bucket does."""
        if per_second <= 0 or burst < 1:
            raise ValueError("a bucket needs a positive rate and a burst of at least 1")
        self.per_second = per_second
        self.burst = burst
        self._clock = clock
        self._sleep = sleep
        self._tokens = float(burst)
        self._updated = clock()
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
        """Block until a call may be made; returns the seconds waited."""
        wait = self.reserve()
        if wait > 0:
            self._sleep(wait)
        return wait

    def pause(self, seconds: float) -> None:
        """Hold every caller for ``seconds`` (after a 429); refill restarts after it."""
        with self._lock:
            self._updated = max(self._updated, self._clock() + seconds)
            self._tokens = min(self._tokens, 0.0)


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
                 sleep: Callable[[float], None] = time.sleep) -> None:
        """``enabled=False`` gives a pacer that never waits (the sequential baseline)."""
        self._overrides = overrides
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

    def pause(self, endpoint: Endpoint, seconds: float) -> None:
        """Hold all calls to this endpoint after Paycom said to slow down."""
        bucket = self.bucket(endpoint)
        if bucket:
            bucket.pause(seconds)
