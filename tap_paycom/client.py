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
    """One page of rows and what its headers said."""

    rows: list[dict[str, Any]]
    number: int
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


def _is_dns_failure(exc: Exception) -> bool:
    text = repr(exc)
    return "NameResolutionError" in text or "Name or service not known" in text or (
        "nodename nor servname" in text) or "getaddrinfo failed" in text


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
            raise errors.PaycomError(
                errors.bad_envelope(endpoint, route, str(failure), failure.errors))
        raise errors.PaycomError(errors.gave_up(endpoint, retry.cause, self.retry.max_attempts))

    def _attempt(self, endpoint: Endpoint, url: str, params: Mapping[str, Any] | None,
                 route: str, attempt: int) -> tuple[Envelope, requests.Response] | _Retry:
        """One try: the answer, a ``_Retry`` saying why and how long to wait, or a raise."""
        try:
            response = self._send(endpoint, url, params)
        except _TRANSIENT as exc:
            if _is_dns_failure(exc):
                raise errors.PaycomError(
                    errors.unreachable(self.base_url, "the host name does not resolve")
                ) from None
            return _Retry(type(exc).__name__, self.retry.delay(attempt))
        status = response.status_code
        if status == 429:
            self._check_daily_limit(endpoint, response)
            advised = retry_after_seconds(response.headers.get("Retry-After"))
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
            # message carries Paycom's own error strings.
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
        """Follow 206 + ``Link`` paging; stop on 200, no ``next``, an empty page or ``last``.

        The next page is always the current one plus one, whatever ``next`` says, so a
        server that repeats or skips a page in its links cannot make this loop or
        lose a page; and it is requested on the configured base URL, so a link can
        never send the credentials to another host.
        """
        query = {**(params or {}), "pagesize": page_size, "page": 1}
        envelope, response = self.get(endpoint, params=query)
        number = 1
        while True:
            total = _int_header(response, "X-Total-Count")
            yield Page(envelope.data, number, total)
            if response.status_code != 206 or not envelope.data:
                return
            links = parse_link_header(response.headers.get("Link"))
            following = links.get("next")
            last = page_number(links["last"]) if "last" in links else None
            if following is None or (last is not None and number >= last):
                return
            number += 1
            if page_number(following) != number:
                self.logger.warning(
                    "Paycom's Link header for %s pointed at page %s after page %d; "
                    "reading page %d instead.",
                    endpoint.path, page_number(following), number - 1, number,
                )
            # Built on our own base URL: only the query (the requestid) comes from Paycom.
            query = _link_query(following, pagesize=page_size, page=number)
            envelope, response = self._next_page(endpoint, query, envelope.data, number)

    def _next_page(self, endpoint: Endpoint, query: Mapping[str, Any],
                   previous: list[dict[str, Any]], number: int
                   ) -> tuple[Envelope, requests.Response]:
        """Page ``number``, asked for again while Paycom serves the previous page's rows."""
        for _ in range(self.retry.max_attempts):
            envelope, response = self.get(endpoint, params=query)
            if envelope.data != previous:
                return envelope, response
            self.logger.warning("Paycom served page %d of %s with the rows of page %d; "
                                "asking again.", number, endpoint.path, number - 1)
        raise errors.PaycomError(
            f"Paycom served page {number} of {endpoint.path} with the rows of page "
            f"{number - 1} {self.retry.max_attempts} times, so the list cannot be read "
            "completely: rerun later."
        )


def _int_header(response: requests.Response, name: str) -> int | None:
    value = response.headers.get(name)
    try:
        return None if value is None else int(value)
    except ValueError:
        return None
