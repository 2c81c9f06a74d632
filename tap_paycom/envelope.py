"""Paycom's response envelope: ``{"result", "data", "errors", "errorCount", "records"}``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


class EnvelopeError(ValueError):
    """A 2xx body that is not a usable envelope, or one that reports a failure."""

    def __init__(self, message: str, *, errors: list[str] | None = None,
                 truncated: bool = False) -> None:
        """Keep Paycom's own error strings beside the summary."""
        super().__init__(message)
        self.errors = errors or []
        self.truncated = truncated


@dataclass
class Envelope:
    """The parts of an envelope the tap uses."""

    data: list[dict[str, Any]]
    records: int | None = None
    errors: list[str] = field(default_factory=list)


def _error_texts(errors: Any) -> list[str]:
    if errors in (None, "", [], {}):
        return []
    items = errors if isinstance(errors, list) else [errors]
    return [item if isinstance(item, str) else json.dumps(item, sort_keys=True)
            for item in items]


def parse_envelope(body: bytes | str) -> Envelope:
    """Read an envelope; raise ``EnvelopeError`` for bad JSON or a reported failure.

    A body that stops mid-JSON is flagged ``truncated`` so the caller can retry it:
    that is a broken connection, not Paycom's answer.
    """
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise EnvelopeError("the response is not valid JSON", truncated=True) from exc
    if not isinstance(payload, dict):
        raise EnvelopeError("the response is not a Paycom envelope (expected an object)")
    errors = _error_texts(payload.get("errors"))
    error_count = payload.get("errorCount") or 0
    try:
        error_count = int(error_count)
    except (TypeError, ValueError):
        error_count = len(errors)
    if payload.get("result") is False or error_count > 0 or (
        errors and payload.get("result") is not True
    ):
        raise EnvelopeError("Paycom reported an error", errors=errors)
    data = payload.get("data")
    if data is None or data == "":
        data = []
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
        raise EnvelopeError("the envelope's data is not a list of objects")
    records = payload.get("records")
    try:
        records = None if records in (None, "") else int(records)
    except (TypeError, ValueError):
        records = None
    return Envelope(data=data, records=records, errors=errors)
