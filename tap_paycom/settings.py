"""The tap's settings and the checks that run before any request.

JSON Schema catches wrong types; ``problems`` catches what a schema says badly
(an unknown region, sandbox together with credentials, a plain-http URL),
each as one sentence that says what to do.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from singer_sdk import typing as th

from tap_paycom import endpoints
from tap_paycom.regions import RegionError, resolve_base_url
from tap_paycom.status import DEFAULT_ENABLED, STATUS_NAMES

MAX_PAGE_SIZE = 500
ENDPOINT_NAMES = frozenset(endpoint.name for endpoint in endpoints.SAFE)
DEFAULT_SANDBOX_EMPLOYEES = 300

_rate_limit = th.ObjectType(
    th.Property("per_second", th.NumberType, description="Calls per second."),
    th.Property("burst", th.IntegerType, description="Calls allowed at once."),
    th.Property("per_day", th.IntegerType, description="Calls per UTC day."),
    additional_properties=False,
)

CONFIG_SCHEMA = th.PropertiesList(
    th.Property(
        "region", th.StringType, default="OKC", title="Region",
        description="Paycom data centre of your tenant: OKC, PHX or DFW. Ignored when "
        "base_url is set.",
    ),
    th.Property(
        "base_url", th.StringType, title="Base URL",
        description="Override of the API base URL, e.g. "
        "https://api.paycomonline.net/v4/rest/index.php. Must be https:// except for "
        "loopback hosts.",
    ),
    th.Property(
        "sid", th.StringType, title="SID",
        description="API SID from Paycom's API Setup (the Basic-auth user name). Required "
        "unless sandbox is true.",
    ),
    th.Property(
        "token", th.StringType, secret=True, title="Token",
        description="API token from Paycom's API Setup (the Basic-auth password). "
        "Required unless sandbox is true.",
    ),
    th.Property(
        "sandbox", th.BooleanType, default=False, title="Sandbox",
        description="Sync synthetic data from the bundled offline Paycom sandbox instead of "
        "a real tenant. Cannot be combined with sid or token.",
    ),
    th.Property(
        "sandbox_employees", th.IntegerType, default=DEFAULT_SANDBOX_EMPLOYEES,
        title="Sandbox employees", description="How many employees the sandbox generates.",
    ),
    th.Property(
        "sandbox_seed", th.IntegerType, default=7, title="Sandbox seed",
        description="Seed of the sandbox's data generator (same seed, same data).",
    ),
    th.Property(
        "page_size", th.IntegerType, default=MAX_PAGE_SIZE, title="Page size",
        description="Rows per page for paged endpoints, 1 to 500.",
    ),
    th.Property(
        "enabled_statuses", th.ArrayType(th.StringType), default=list(DEFAULT_ENABLED),
        title="Enabled statuses",
        description="Raw eestatus codes whose employees count as enabled accounts "
        "(A active, I inactive, T terminated, D deceased, R retired, V on leave, "
        "P prehire, N not hired).",
    ),
    th.Property(
        "max_workers", th.IntegerType, default=8, title="Max workers",
        description="Concurrent requests for per-employee master records (1 to 32); the "
        "endpoint's rate limit still applies.",
    ),
    th.Property(
        "rate_limits", th.ObjectType(additional_properties=_rate_limit),
        title="Rate limits",
        description="Per-endpoint overrides of Paycom's published limits, keyed by endpoint "
        "name (employeedirectory, employee, positions, locations, establishments, ...), "
        "each with per_second, burst and per_day, e.g. {\"employee\": {\"per_second\": 5}}.",
    ),
    th.Property(
        "force_full_sync", th.BooleanType, default=False, title="Force full sync",
        description="Fetch every employee's master record even when the change log could "
        "say which changed (the default is an incremental sync after the first).",
    ),
    th.Property(
        "incremental_max_days", th.IntegerType, default=30, title="Incremental max days",
        description="How far back an incremental sync may read Paycom's change log; a last "
        "sync older than this means a full sync.",
    ),
    th.Property(
        "request_timeout", th.NumberType, default=60, title="Request timeout",
        description="Seconds to wait for one Paycom response before retrying.",
    ),
    th.Property(
        "retry_max_attempts", th.IntegerType, default=6, title="Retry attempts",
        description="Attempts per request on 429, 5xx, timeouts and broken connections.",
    ),
    th.Property(
        "retry_initial_delay", th.NumberType, default=1.0, title="Retry initial delay",
        description="Seconds before the first retry; doubles each time (at most 60). A "
        "Retry-After header from Paycom is honoured instead when present.",
    ),
    th.Property(
        "emit_activate_version_messages", th.BooleanType, default=True,
        title="Emit ACTIVATE_VERSION messages",
        description="Let targets drop rows that vanished from Paycom (a removed employee, "
        "an ended membership). Use hard_delete on the target to delete them.",
    ),
).to_dict()


def problems(config: Mapping[str, Any]) -> list[str]:
    """Every configuration mistake, as sentences; empty when the config is usable."""
    found: list[str] = []
    has_credentials = bool(config.get("sid") or config.get("token"))
    if config.get("sandbox"):
        if has_credentials:
            found.append(
                "sandbox is true and a SID or token is set: choose one, so that synthetic "
                "data is never mistaken for your tenant's (remove sid/token, or set "
                "sandbox to false)."
            )
        if not 1 <= int(config.get("sandbox_employees", DEFAULT_SANDBOX_EMPLOYEES)) <= 200_000:
            found.append("sandbox_employees must be between 1 and 200000.")
    else:
        for name in ("sid", "token"):
            if not config.get(name):
                found.append(
                    f"{name} is not set: copy it from Paycom's API Setup (for meltano: "
                    f"TAP_PAYCOM_{name.upper()}), or set sandbox to true to try the tap "
                    "on synthetic data."
                )
        try:
            resolve_base_url(config.get("region"), config.get("base_url"))
        except RegionError as exc:
            found.append(str(exc))
    page_size = config.get("page_size", MAX_PAGE_SIZE)
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        found.append(
            f"page_size {page_size} is out of range: Paycom serves 1 to {MAX_PAGE_SIZE} "
            "rows per page."
        )
    unknown = [code for code in config.get("enabled_statuses", DEFAULT_ENABLED)
               if code.strip().upper() not in STATUS_NAMES]
    if unknown:
        found.append(
            f"enabled_statuses has unknown codes {unknown}: use Paycom's eestatus codes "
            f"{', '.join(STATUS_NAMES)}."
        )
    if not 1 <= config.get("max_workers", 8) <= 32:
        found.append("max_workers must be between 1 and 32.")
    if config.get("incremental_max_days", 30) < 1:
        found.append("incremental_max_days must be at least 1.")
    if config.get("retry_max_attempts", 6) < 1:
        found.append("retry_max_attempts must be at least 1.")
    for name, limit in (config.get("rate_limits") or {}).items():
        if name not in ENDPOINT_NAMES:
            found.append(f"rate_limits names an unknown endpoint '{name}': use one of "
                         f"{', '.join(sorted(ENDPOINT_NAMES))}.")
        for key in ("per_second", "burst", "per_day"):
            if key in limit and limit[key] <= 0:
                found.append(f"rate_limits.{name}.{key} must be positive.")
    return found
