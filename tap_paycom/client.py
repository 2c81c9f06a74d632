"""The one HTTP path to Paycom: pacing, retries, the envelope, and 206/``Link`` paging.

Every request (directory pages, master records from worker threads, group lists)
goes through ``PaycomClient.get``, so the rules hold everywhere: only allow-listed
routes, a shared token bucket per endpoint, ``Retry-After`` honoured exactly,
errors turned into one sentence, and no credential or body in any message.
Sessions are per thread because ``requests.Session`` is not documented as
thread-safe.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests

from tap_paycom import errors
from tap_paycom.endpoints import Endpoint
from tap_paycom.envelope import Envelope, EnvelopeError, parse_envelope
from tap_paycom.limits import Pacer
from tap_paycom.links import page_number, parse_link_header

MAX_BACKOFF_SECONDS = 60.0
#: A Retry-After longer than this is a budget spent for now, not a pause to sit out.
MAX_RETRY_AFTER_SECONDS = 900.0
_TRANSIENT = (
    requests.exceptions.ConnectionError,
    requests.exceptions.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently transient faults are retried."""

    max_attempts: int = 6
    initial_delay: float = 1.0

    def delay(self, attempt: int) -> float:
        """Exponential backoff with a little jitter, so workers do not retry in step."""
        base = min(self.initial_delay * 2 ** (attempt - 1), MAX_BACKOFF_SECONDS)
        jitter = 1 + random.random() * 0.2  # noqa: S311 - jitter, not crypto
        return float(base * jitter)


@dataclass
class _Retry:
    """Why an attempt failed transiently, and how long to wait before the next."""

    cause: str
    wait: float
    failure: EnvelopeError | None = None


@dataclass
class Page:
    """One page of rows and the total Paycom claimed for the whole list."""

    rows: list[dict[str, Any]]
    total: int | None


def retry_after_seconds(value: str | None) -> float | None:
    """Read ``Retry-After`` as seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - time.time(), 0.0)


def _is_unknown_host(exc: Exception) -> bool:
    """A host name that does not exist: retrying will not help.

    A temporary DNS failure (EAI_AGAIN) is retried like any connection error.
    """
    text = repr(exc)
    if "Temporary failure in name resolution" in text:
        return False
    return ("Name or service not known" in text or "nodename nor servname" in text
            or "No address associated with hostname" in text or "getaddrinfo failed" in text)


def _link_query(link: str, **overrides: Any) -> dict[str, Any]:
    """The query of a paging link (its ``requestid``), with our own page and size."""
    query: dict[str, Any] = dict(parse_qsl(urlsplit(link).query))
    query.update(overrides)
    return query


class PaycomClient:
    """Thread-safe GETs against one Paycom base URL."""

    def __init__(self, base_url: str, auth: requests.auth.AuthBase, pacer: Pacer, *,
                 timeout: float = 60.0, retry: RetryPolicy | None = None,
                 user_agent: str = "tap-paycom",
                 logger: logging.Logger | None = None) -> None:
        """Nothing is sent until the first ``get``."""
        self.base_url = base_url.rstrip("/")
        self.pacer = pacer
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self.logger = logger or logging.getLogger("tap-paycom")
        self.requests_made: Counter[str] = Counter()
        self._auth = auth
        self._headers = {
            "Accept": "application/json",
            "Content-Type": "application/json",
            "Cache-Control": "no-cache",
            "User-Agent": user_agent,
        }
        self._local = threading.local()
        self._count_lock = threading.Lock()

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.headers.update(self._headers)
            session.auth = self._auth
            self._local.session = session
        return session

    def url(self, endpoint: Endpoint, **path_params: str) -> str:
        """The absolute URL of a route under this client's base URL."""
        return f"{self.base_url}/{endpoint.route(**path_params)}"

    def _send(self, endpoint: Endpoint, url: str,
              params: Mapping[str, Any] | None) -> requests.Response:
        self.pacer.acquire(endpoint)
        with self._count_lock:
            self.requests_made[endpoint.name] += 1
        return self._session().get(url, params=params, timeout=self.timeout,
                                   allow_redirects=False)

    def get(self, endpoint: Endpoint, url: str | None = None, *,
            params: Mapping[str, Any] | None = None) -> tuple[Envelope, requests.Response]:
        """One call, retried on transient faults; raises ``PaycomError`` otherwise."""
        if endpoint.sensitive:
            raise errors.PaycomError(f"Refusing to call the sensitive route {endpoint.path}.")
        url = url or self.url(endpoint)
        if not url.startswith(self.base_url + "/"):
            raise errors.PaycomError(
                f"Refusing to follow a link away from the configured Paycom host: {url}"
            )
        route = urlsplit(url).path.split("/index.php/", 1)[-1]
        retry = _Retry("no attempt", 0.0)
        for attempt in range(1, self.retry.max_attempts + 1):
            outcome = self._attempt(endpoint, url, params, route, attempt)
            if not isinstance(outcome, _Retry):
                return outcome
            retry = outcome
            if attempt < self.retry.max_attempts:
                self.logger.warning(
                    "GET %s failed with %s; retrying in %.1f s (attempt %d of %d).",
                    route, outcome.cause, outcome.wait, attempt + 1, self.retry.max_attempts,
                )
                time.sleep(outcome.wait)
        failure = retry.failure
        if failure is not None and not failure.truncated:
            self.logger.debug("Paycom's errors for GET %s (masked): %s", route,
                              "; ".join(errors.scrub(text) for text in failure.errors[:3]))
            raise errors.PaycomError(
                errors.bad_envelope(endpoint, route, str(failure), failure.errors))
        raise errors.PaycomError(errors.gave_up(endpoint, retry.cause, self.retry.max_attempts))

    def _attempt(self, endpoint: Endpoint, url: str, params: Mapping[str, Any] | None,
                 route: str, attempt: int) -> tuple[Envelope, requests.Response] | _Retry:
        """One try: the answer, a ``_Retry`` saying why and how long to wait, or a raise."""
        try:
            response = self._send(endpoint, url, params)
        except _TRANSIENT as exc:
            if _is_unknown_host(exc):
                raise errors.PaycomError(
                    errors.unreachable(self.base_url, "the host name does not resolve")
                ) from None
            return _Retry(type(exc).__name__, self.retry.delay(attempt))
        status = response.status_code
        if status == 429:
            self._check_daily_limit(endpoint, response)
            advised = retry_after_seconds(response.headers.get("Retry-After"))
            if advised is not None and advised > MAX_RETRY_AFTER_SECONDS:
                raise errors.DailyLimitReached(
                    f"Paycom asked to wait {advised:.0f} s before calling {endpoint.path} "
                    "again: the rest of this sync must wait for a later run.", endpoint)
            wait = advised if advised is not None else self.retry.delay(attempt)
            self.pacer.throttle(endpoint, wait)
            return _Retry("429 Too Many Requests", wait)
        if status >= 500:
            return _Retry(f"{status} {response.reason}", self.retry.delay(attempt))
        if status >= 300:
            raise self._client_error(endpoint, status, route)
        try:
            envelope = parse_envelope(response.content)
        except EnvelopeError as exc:
            # Paycom's result:false is often transient; if it persists, the final
            # message names the route (Paycom's own words go to DEBUG, masked).
            cause = "a truncated or non-JSON body" if exc.truncated else "result false"
            return _Retry(cause, self.retry.delay(attempt), exc)
        self.pacer.succeeded(endpoint)
        return envelope, response

    def _client_error(self, endpoint: Endpoint, status: int, route: str) -> errors.PaycomError:
        if status == 401:
            return errors.PaycomError(errors.unauthorized(endpoint, self.base_url), status)
        if status in (403, 413):
            return errors.PaycomError(errors.not_enabled(endpoint, status), status)
        if status == 404 and "{" in endpoint.path:
            return errors.NotFound(f"Paycom has no record at {route} (404).", status)
        return errors.PaycomError(errors.client_error(endpoint, status, route), status)

    def _check_daily_limit(self, endpoint: Endpoint, response: requests.Response) -> None:
        """A 429 whose body speaks of the daily limit will not clear by waiting."""
        text = response.text.lower() if response.content else ""
        if "daily" in text or "per day" in text:
            raise errors.DailyLimitReached(
                f"Paycom's daily limit for {endpoint.path} is spent: the rest of this sync "
                "must wait for tomorrow (UTC).",
                endpoint,
            )

    def pages(self, endpoint: Endpoint, *, page_size: int,
              params: Mapping[str, Any] | None = None) -> Iterator[Page]:
        """Follow 206 + ``Link`` paging to the end, or fail; never stop short silently.

        Paging goes on while Paycom answers 206 with rows and ``last`` is not reached
        (or, without ``last``, while there is a ``next``). The next page is always the
        current one plus one, whatever ``next`` says, so a server that repeats or skips
        a page in its links cannot make this loop or lose a page; and it is requested
        on the configured base URL with the caller's own parameters, so a link can
        never send the credentials to another host. An empty 206 page before ``last``
        is asked for again, then fails the run: a short list must not look complete.
        """
        base = {**(params or {}), "pagesize": page_size}
        envelope, response = self.get(endpoint, params={**base, "page": 1})
        number = 1
        while True:
            yield Page(envelope.data, _int_header(response, "X-Total-Count"))
            links = parse_link_header(response.headers.get("Link"))
            last = page_number(links["last"]) if "last" in links else None
            if response.status_code != 206 or not envelope.data:
                return
            if (number >= last) if last is not None else "next" not in links:
                return
            number += 1
            if "next" in links and page_number(links["next"]) != number:
                self.logger.warning(
                    "Paycom's Link header for %s pointed at page %s after page %d; "
                    "reading page %d instead.",
                    endpoint.path, page_number(links["next"]), number - 1, number,
                )
            link = links.get("next") or links.get("last") or links.get("first") or ""
            query = {**base, **_link_query(link), "pagesize": page_size, "page": number}
            envelope, response = self._next_page(endpoint, query, envelope.data, number, last)

    def _next_page(self, endpoint: Endpoint, query: Mapping[str, Any],
                   previous: list[dict[str, Any]], number: int, last: int | None
                   ) -> tuple[Envelope, requests.Response]:
        """Page ``number``, asked for again while it looks wrong.

        Wrong is: the previous page's rows again, or empty with 206 before the last page.
        """
        problem = ""
        for _ in range(self.retry.max_attempts):
            envelope, response = self.get(endpoint, params=query)
            if envelope.data == previous:
                problem = f"with the rows of page {number - 1}"
            elif (not envelope.data and response.status_code == 206 and last is not None
                  and number <= last):
                problem = f"empty although the list has {last} pages"
            else:
                return envelope, response
            self.logger.warning("Paycom served page %d of %s %s; asking again.", number,
                                endpoint.path, problem)
        raise errors.PaycomError(
            f"Paycom served page {number} of {endpoint.path} {problem} "
            f"{self.retry.max_attempts} times, so the list cannot be read completely: "
            "rerun later (nothing was deleted downstream)."
        )


def _int_header(response: requests.Response, name: str) -> int | None:
    value = response.headers.get(name)
    try:
        return None if value is None else int(value)
    except ValueError:
        return None
