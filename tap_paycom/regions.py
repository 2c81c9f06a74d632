"""Which Paycom data centre a tenant lives in, and the rule for overriding it."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

REGIONS = {
    "OKC": "https://api.paycomonline.net/v4/rest/index.php",
    "PHX": "https://api.phx.us-west.paycomonline.net/v4/rest/index.php",
    "DFW": "https://api.paycomdfw.net/v4/rest/index.php",
}
DEFAULT_REGION = "OKC"


class RegionError(ValueError):
    """A region or base URL that cannot be used; the message says what to do."""


def is_loopback(host: str) -> bool:
    """True for hosts that never leave this machine (the sandbox, local proxies)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_base_url(base_url: str) -> str:
    """Return ``base_url`` without a trailing slash, or raise if it is unusable.

    Plain ``http://`` is allowed only to loopback hosts: anywhere else the SID and
    token would cross the network unencrypted.
    """
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RegionError(
            f"base_url '{base_url}' is not an http(s) URL: set it to your tenant's API "
            "base, e.g. https://api.paycomonline.net/v4/rest/index.php, or remove it "
            "and set region."
        )
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise RegionError(
            f"base_url '{base_url}' uses plain http to a host that is not loopback, so "
            "the SID and token would travel unencrypted: use https://."
        )
    return base_url.rstrip("/")


def resolve_base_url(region: str | None, base_url: str | None) -> str:
    """The API base URL for a region, or the override when one is set."""
    if base_url:
        return check_base_url(base_url)
    code = (region or DEFAULT_REGION).strip().upper()
    if code not in REGIONS:
        raise RegionError(
            f"Unknown region '{region}': use one of {', '.join(REGIONS)}, or set "
            "base_url for a non-standard tenant."
        )
    return REGIONS[code]


def region_of(base_url: str) -> str | None:
    """The region code whose base URL this is, if any."""
    for code, url in REGIONS.items():
        if url == base_url:
            return code
    return None
