"""What the tap remembers between runs, kept in the ``employees`` stream's state.

- ``changes_since``: UNIX seconds from which the next run reads Paycom's change log.
- ``roster``: the few master-record facts memberships and manager emails need, per
  employee (position, location, establishment, work email, manager, and the pass
  that fetched it), compressed. It lets an incremental run, which fetches only the
  employees that changed, still emit every membership correctly.
- ``pass``: a sync (full or incremental) that the daily budget interrupted: its mode,
  version (stamped on its records) and start, so the next run resumes it instead of
  starting over.
- ``calls``: calls made per endpoint on one UTC day, to respect Paycom's daily limits.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import time
import zlib
from dataclasses import dataclass, field
from typing import Any

#: The change-log bookmark starts this much before the sync did, so a change made
#: while a sync ran (or a small clock skew) is read again rather than missed.
OVERLAP_SECONDS = 600


@dataclass(slots=True)
class Member:
    """One employee's master-record facts that outlive the run that fetched them."""

    position_code: str | None
    location_id: int | None
    establishment_id: int | None
    work_email: str | None
    manager_code: str | None
    fetched_in: int  # the version of the sync that fetched it
    manager_email: str | None = None  # the manager's email this employee was emitted with


def encode_roster(members: dict[str, Member]) -> str:
    """Members as base64(zlib(JSON)): a few dozen bytes per employee."""
    rows = {code: [m.position_code, m.location_id, m.establishment_id, m.work_email,
                   m.manager_code, m.fetched_in, m.manager_email]
            for code, m in members.items()}
    raw = json.dumps(rows, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.b64encode(zlib.compress(raw, 9)).decode("ascii")


def decode_roster(text: str | None) -> dict[str, Member]:
    """The inverse of ``encode_roster``; empty for None."""
    if not text:
        return {}
    rows = json.loads(zlib.decompress(base64.b64decode(text)))
    return {code: Member(*row) for code, row in rows.items()}


def utc_day(at: float | None = None) -> str:
    """Paycom's daily limits reset at midnight UTC."""
    return time.strftime("%Y-%m-%d", time.gmtime(time.time() if at is None else at))


@dataclass
class Bookmark:
    """The employees stream's state, read at the start of a run and written at the end."""

    changes_since: int | None = None
    roster: dict[str, Member] = field(default_factory=dict)
    pass_version: int | None = None
    pass_started: int | None = None
    resume_mode: str = "full"
    last_version: int | None = None
    calls_day: str | None = None
    calls: dict[str, int] = field(default_factory=dict)
    _encoded: str | None = None  # the roster as written, kept until the roster changes

    def set_roster(self, members: dict[str, Member]) -> None:
        """Replace the roster (encoded again only when next written)."""
        self.roster, self._encoded = members, None

    @classmethod
    def read(cls, state: dict[str, Any], logger: logging.Logger) -> Bookmark:
        """From the stream's state dict; an unreadable one starts afresh, with a warning."""
        saved = state.get("paycom") or {}
        try:
            running = saved.get("pass") or {}
            calls = saved.get("calls") or {}
            bookmark = cls(
                changes_since=saved.get("changes_since"),
                roster=decode_roster(saved.get("roster")),
                pass_version=running.get("version"),
                pass_started=running.get("started"),
                resume_mode=running.get("mode") or "full",
                last_version=saved.get("last_version"),
                calls_day=calls.get("day"),
                calls={str(k): int(v) for k, v in (calls.get("counts") or {}).items()},
            )
        except (ValueError, TypeError, AttributeError, zlib.error, binascii.Error):
            logger.warning("The employees bookmark in the state cannot be read, so this run "
                           "syncs in full and writes a new one.")
            return cls()
        bookmark._encoded = saved.get("roster")
        return bookmark

    def write(self, state: dict[str, Any], made: dict[str, int], today: str) -> None:
        """Into the stream's state dict, which the SDK emits as STATE.

        ``made`` is this run's calls so far; they are added to the day's earlier ones.
        """
        counts = dict(self.calls) if self.calls_day == today else {}
        for endpoint, count in made.items():
            counts[endpoint] = counts.get(endpoint, 0) + count
        state["paycom"] = {
            "changes_since": self.changes_since,
            "last_version": self.last_version,
            "roster": self._roster_text(),
            "pass": ({"version": self.pass_version, "started": self.pass_started,
                      "mode": self.resume_mode} if self.pass_version is not None else None),
            "calls": {"day": today, "counts": counts},
        }

    def _roster_text(self) -> str:
        if self._encoded is None:
            self._encoded = encode_roster(self.roster)
        return self._encoded

    def calls_today(self, endpoint: str, today: str) -> int:
        """Calls recorded for an endpoint on ``today`` by earlier runs."""
        return self.calls.get(endpoint, 0) if self.calls_day == today else 0
