"""Paycom's ``eestatus`` codes, named, and the enabled/disabled rule for identities."""

from __future__ import annotations

from collections.abc import Collection

STATUS_NAMES = {
    "A": "active",
    "I": "inactive",
    "T": "terminated",
    "D": "deceased",
    "R": "retired",
    "V": "on_leave",
    "P": "prehire",
    "N": "not_hired",
}
UNKNOWN = "unknown"
DEFAULT_ENABLED = ("A",)


def normalize(code: str | None) -> str | None:
    """The status name for a raw code; ``unknown`` for a code Paycom never documented."""
    if code is None:
        return None
    return STATUS_NAMES.get(code.strip().upper(), UNKNOWN)


def account_status(code: str | None, enabled: Collection[str]) -> str:
    """``enabled`` only for the configured codes: an unknown code fails closed."""
    if code is not None and code.strip().upper() in enabled:
        return "enabled"
    return "disabled"
