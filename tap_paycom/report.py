"""What a stream could not read cleanly, said once at the end, never silently.

Values are never quoted (they may be personal data); the message names the
column, the cause, how many records, and the first record's key.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable

from tap_paycom.shapes import Problem


class DataReport:
    """Collects unreadable values, unmapped keys and repeated rows for one stream."""

    def __init__(self, stream: str, logger: logging.Logger) -> None:
        """Nothing is logged until ``log``."""
        self.stream = stream
        self.logger = logger
        self.problems: Counter[tuple[str, str]] = Counter()
        self.first_key: dict[tuple[str, str], str] = {}
        self.unknown: set[str] = set()
        self.duplicates: list[str] = []
        self.keyless = 0
        self.claimed_total: int | None = None
        self.rows = 0

    def add(self, key: str, problems: Iterable[Problem]) -> None:
        """Note the values of one record that were nulled."""
        for problem in problems:
            slot = (problem.field, problem.reason)
            self.problems[slot] += 1
            self.first_key.setdefault(slot, key)

    def add_unknown(self, keys: Iterable[str]) -> None:
        """Note raw keys that no column maps."""
        self.unknown.update(keys)

    def add_duplicate(self, key: str) -> None:
        """Note a row Paycom sent twice (the first copy is kept)."""
        self.duplicates.append(key)

    def add_keyless(self) -> None:
        """Note a row without its key (it cannot be emitted)."""
        self.keyless += 1

    def count_page(self, rows: int, total: int | None) -> None:
        """Note a page's rows and the first ``X-Total-Count`` Paycom claimed."""
        self.rows += rows
        if self.claimed_total is None:
            self.claimed_total = total

    @property
    def short(self) -> bool:
        """Fewer distinct rows arrived than Paycom said the list holds."""
        distinct = self.rows - len(self.duplicates)
        return self.claimed_total is not None and distinct < self.claimed_total

    def log(self) -> None:
        """One warning per kind of problem."""
        if self.short:
            self.logger.warning(
                "%s: Paycom's X-Total-Count said %d rows but %d distinct ones arrived; "
                "they were emitted, but rows missing from this run are not deleted "
                "downstream (no ACTIVATE_VERSION) in case the list was cut short.",
                self.stream, self.claimed_total, self.rows - len(self.duplicates),
            )
        elif self.claimed_total is not None and self.claimed_total != self.rows:
            self.logger.warning(
                "%s: Paycom's X-Total-Count said %d rows but %d arrived; every row that "
                "arrived was emitted once.", self.stream, self.claimed_total, self.rows,
            )
        for (field, reason), count in sorted(self.problems.items()):
            self.logger.warning(
                "%s: %d value(s) of %s could not be read (%s; first in record %s) and "
                "were emitted as null.",
                self.stream, count, field, reason, self.first_key[(field, reason)],
            )
        if self.unknown:
            self.logger.warning(
                "%s: Paycom sent fields this tap does not map, so they were not emitted: "
                "%s.", self.stream, ", ".join(sorted(self.unknown)),
            )
        if self.keyless:
            self.logger.warning("%s: Paycom sent %d row(s) without their key; they could "
                                "not be emitted.", self.stream, self.keyless)
        if self.duplicates:
            shown = ", ".join(self.duplicates[:10])
            self.logger.warning(
                "%s: Paycom sent %d row(s) more than once (%s); each was emitted once.",
                self.stream, len(self.duplicates), shown,
            )
