"""Pacing: the client's token buckets, Retry-After, 429 recovery, and worker-count invariance."""

from __future__ import annotations

import logging

import pytest

from tap_paycom import endpoints
from tap_paycom.client import retry_after_seconds
from tap_paycom.limits import Pacer, TokenBucket, configured_limit
from tap_paycom.roster import Progress
from tap_paycom.sandbox import Sandbox, SandboxOptions, ServerLimits
from tests.conftest import sync, tap_config


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_bucket_allows_its_burst_then_paces_at_its_rate():
    clock = FakeClock()
    bucket = TokenBucket(per_second=10, burst=5, clock=clock, sleep=clock.sleep)
    waits = [bucket.reserve() for _ in range(8)]
    assert waits[:5] == [0, 0, 0, 0, 0]
    assert waits[5:] == pytest.approx([0.1, 0.2, 0.3])  # callers queue at 1/rate apart


def test_bucket_refills_with_time_but_never_beyond_its_burst():
    clock = FakeClock()
    bucket = TokenBucket(per_second=10, burst=5, clock=clock, sleep=clock.sleep)
    for _ in range(5):
        bucket.acquire()
    clock.now += 60  # a long idle spell refills only up to the burst
    assert [bucket.reserve() for _ in range(6)][-2:] == pytest.approx([0.0, 0.1])


def test_acquire_sleeps_exactly_the_reserved_wait_and_sustains_the_rate():
    clock = FakeClock()
    bucket = TokenBucket(per_second=4, burst=2, clock=clock, sleep=clock.sleep)
    start = clock.now
    for _ in range(2 + 40):
        bucket.acquire()
    assert clock.now - start == pytest.approx(40 / 4)


def test_a_429_holds_every_caller_then_halves_the_rate():
    clock = FakeClock()
    bucket = TokenBucket(per_second=10, burst=50, clock=clock, sleep=clock.sleep)
    assert bucket.throttle(2.0) is True
    assert (bucket.per_second, bucket.burst) == (5, 5)
    assert bucket.reserve() == pytest.approx(2.2)  # the pause, then 1/5 s
    assert bucket.reserve() == pytest.approx(2.4)
    assert bucket.throttle(2.0) is False  # 429s within one pause cut the rate once


def test_the_rate_never_drops_below_a_tenth_and_recovers_after_successes():
    clock = FakeClock()
    bucket = TokenBucket(per_second=10, burst=90, clock=clock, sleep=clock.sleep)
    for _ in range(10):
        clock.now += 5
        bucket.throttle(1.0)
    assert bucket.per_second == pytest.approx(1.0)
    for _ in range(50 * 20):
        bucket.succeeded()
    assert bucket.per_second == pytest.approx(10)
    assert bucket.burst == 10


def test_disabled_pacer_never_waits_and_overrides_apply():
    pacer = Pacer(enabled=False)
    assert all(pacer.acquire(endpoints.MASTER_RECORD) == 0 for _ in range(1000))
    limit = configured_limit(endpoints.MASTER_RECORD, {"employee": {"per_second": 2.5}})
    assert (limit.per_second, limit.burst, limit.per_day) == (2.5, 90, 50_000)


@pytest.mark.parametrize(("header", "seconds"), [("3", 3.0), ("0.5", 0.5), ("", None),
                                                  ("soon", None)])
def test_retry_after_forms(header: str, seconds: float | None):
    assert retry_after_seconds(header) == seconds


def test_retry_after_http_date_is_read_as_a_delay():
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past


def test_retry_after_is_honoured(sandbox: Sandbox, caplog: pytest.LogCaptureFixture):
    sandbox.faults.script("locations", "rate_limited")  # 429 with Retry-After: 1
    result = sync(tap_config(sandbox))
    assert len(result.records("locations")) == 8
    calls = [r for r in sandbox.requests if r.endpoint == "locations"]
    assert [r.status for r in calls] == [429, 200]
    assert calls[1].at - calls[0].at >= 1.0  # waited what Paycom asked, not the 0.01 s backoff
    assert "retrying in 1.0 s" in caplog.text


def test_a_429_without_retry_after_backs_off_and_recovers(sandbox: Sandbox):
    sandbox.faults.script("employee", "rate_limited_no_retry_after", times=3)
    employees = sync(tap_config(sandbox)).by_key("employees")
    assert set(employees) == set(sandbox.tenant.people)
    assert sandbox.calls("employee", status=429) == 3


@pytest.mark.parametrize("retry_after", [True, False])
def test_sandbox_limits_tighter_than_the_taps_still_complete(
        retry_after: bool, caplog: pytest.LogCaptureFixture):
    scale = 20  # the tenant allows half of Paycom's published rate and a fifth of its bucket
    limits = ServerLimits(enabled=True, time_scale=scale, per_second={"employee": 5},
                          burst={"employee": 20})
    options = SandboxOptions(retry_after=retry_after)
    rates = {e.name: {"per_second": e.per_second * scale} for e in endpoints.SAFE}
    with Sandbox(employees=150, limits=limits, options=options) as sandbox:
        config = tap_config(sandbox, rate_limits=rates, retry_initial_delay=0.2)
        employees = sync(config).by_key("employees")
        assert set(employees) == set(sandbox.tenant.people)
        assert sandbox.calls("employee", status=429) > 0
        assert sandbox.calls("employee", status=200) == 150
    assert "set rate_limits.employee.per_second to your tenant's limit" in caplog.text


def test_pacing_to_the_published_limits_gets_no_429():
    scale = 20  # Paycom's shape, twenty times faster
    limits = ServerLimits(enabled=True, time_scale=scale)
    with Sandbox(employees=200, limits=limits) as sandbox:
        rates = {e.name: {"per_second": e.per_second * scale} for e in endpoints.SAFE}
        employees = sync(tap_config(sandbox, rate_limits=rates)).by_key("employees")
        assert len(employees) == 200
        assert sandbox.calls(status=429) == 0


def test_concurrent_and_sequential_runs_emit_identical_records():
    options = SandboxOptions(latency_ms=4, jitter_ms=4)  # completions arrive out of order
    with Sandbox(employees=120, options=options) as sandbox:
        one = sync(tap_config(sandbox, max_workers=1)).messages
        eight = sync(tap_config(sandbox, max_workers=8)).messages
    records = [[(m["stream"], m["record"]) for m in run if m["type"] == "RECORD"]
               for run in (one, eight)]
    assert records[0] == records[1]
    assert len(records[0]) > 120


def test_progress_logs_at_most_every_ten_seconds(caplog: pytest.LogCaptureFixture):
    clock = FakeClock()
    progress = Progress(30, logging.getLogger("progress-test"), clock=clock)
    with caplog.at_level(logging.INFO, "progress-test"):
        for _ in range(30):
            clock.now += 1
            progress.advance()
    lines = [r.getMessage() for r in caplog.records if r.name == "progress-test"]
    assert lines == [
        "Master records: 10/30 fetched, 1.0 per second, about 20 s left.",
        "Master records: 20/30 fetched, 1.0 per second, about 10 s left.",
    ]


def test_callers_already_queued_also_wait_out_a_429_pause():
    clock = FakeClock()
    bucket = TokenBucket(per_second=10, burst=1, clock=clock, sleep=clock.sleep)
    bucket.acquire()
    original = clock.sleep

    def sleep_then_429(seconds: float) -> None:  # a 429 arrives while this caller waits
        original(seconds)
        bucket._sleep = original
        bucket.throttle(5.0)

    bucket._sleep = sleep_then_429
    bucket.acquire()  # had reserved the 0.1 s slot before the 429
    assert clock.now == pytest.approx(100.0 + 0.1 + 5.0)
