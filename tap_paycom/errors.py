"""Failures the tap reports, each as one sentence that says what to do.

Messages name the route and the cause, never a response body (it may hold
personal data) and never a credential.
"""

from __future__ import annotations

import re

from singer_sdk.exceptions import FatalAPIError

from tap_paycom.endpoints import Endpoint
from tap_paycom.regions import REGIONS, region_of


class PaycomError(FatalAPIError):
    """A failure the user can act on; ``str()`` is the sentence to show."""

    def __init__(self, message: str, status: int | None = None) -> None:
        """Keep the HTTP status, when there was one, for callers that branch on it."""
        super().__init__(message)
        self.status = status


class NotFound(PaycomError):
    """Paycom answered 404 for one record (e.g. an employee removed mid-sync)."""


class DailyLimitReached(PaycomError):
    """Paycom's daily call budget for an endpoint is spent."""

    def __init__(self, message: str, endpoint: Endpoint) -> None:
        """Remember which endpoint ran out."""
        super().__init__(message, 429)
        self.endpoint = endpoint


def _other_regions(base_url: str) -> str:
    current = region_of(base_url)
    others = [code for code in REGIONS if code != current]
    return " or ".join(others)


def unauthorized(endpoint: Endpoint, base_url: str) -> str:
    """401: Paycom does not say whether the credentials or the IP were refused."""
    hint = ""
    if region_of(base_url):
        hint = (f" If both are right, the tenant may live in another data centre: try "
                f"region {_other_regions(base_url)}.")
    return (
        f"Paycom refused the request to {endpoint.path} (401): either the SID/token are "
        "wrong or this machine's public IP address is not on the API user's allow-list; "
        f"check both in Paycom under API Setup.{hint}"
    )


def not_enabled(endpoint: Endpoint, status: int) -> str:
    """413 (and the other codes Paycom uses for a switched-off endpoint)."""
    return (
        f"The endpoint {endpoint.path} is not enabled for this API user ({status}): switch "
        f"on '{endpoint.enablement}' under API Setup > Function Enablement in Paycom, "
        "then rerun."
    )


def client_error(endpoint: Endpoint, status: int, route: str) -> str:
    """Any other 4xx: Paycom rejected the request itself."""
    return (
        f"Paycom rejected GET {route} with {status}: if the endpoint is not enabled, "
        f"switch on '{endpoint.enablement}' under API Setup > Function Enablement; "
        "otherwise report this with the tap's log."
    )


def gave_up(endpoint: Endpoint, cause: str, attempts: int) -> str:
    """Retries ran out on a transient fault."""
    return (
        f"Paycom's {endpoint.path} kept failing ({cause}) after {attempts} attempts: "
        "Paycom or the network may be down; rerun later (nothing was lost, the next "
        "run starts the sync again)."
    )


def unreachable(base_url: str, cause: str) -> str:
    """Connection failures that no retry will fix (a host name that does not resolve)."""
    regions = ", ".join(REGIONS)
    return (
        f"Could not reach Paycom at {base_url} ({cause}): check the region setting "
        f"({regions}) or base_url, and that this machine can reach the internet."
    )


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_LONG_NUMBER = re.compile(r"\d[\d\s().-]{5,}\d")


def scrub(text: str) -> str:
    """Mask emails and long numbers (SSNs, phones, accounts) and keep it short.

    Paycom's error strings may quote the record they are about.
    """
    text = _EMAIL.sub("<email>", text)
    return _LONG_NUMBER.sub("<number>", text)[:200]


def bad_envelope(endpoint: Endpoint, route: str, problem: str, errors: list[str]) -> str:
    """A 2xx whose envelope reports failure, without Paycom's own words.

    They may quote a record; the client logs them, masked, at DEBUG.
    """
    count = f"{len(errors)} error message(s)" if errors else "no error message"
    return (
        f"Paycom answered GET {route} with a failure ({problem}, {count}; set "
        "TAP_PAYCOM_LOGLEVEL=DEBUG to see them, masked). If it persists, check that "
        f"'{endpoint.enablement}' is switched on under API Setup > Function Enablement."
    )
