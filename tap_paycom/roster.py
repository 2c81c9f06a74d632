"""The employee roster: the directory once, every master record once, shared by streams.

``employees``, ``departments`` and ``memberships`` all read from one roster, so a
sync fetches each master record exactly once. Master records come from a small
worker pool under the endpoint's shared token bucket (the SDK's child streams
would fetch them one at a time), and are consumed in directory order, so output
is the same as a sequential run. Full records are spilled to a temporary file:
memory stays flat however large the tenant is, and the manager's work email can
be joined in once every record has arrived.
"""

from __future__ import annotations

import json
import logging
import tempfile
import time
import weakref
from collections import Counter, deque
from collections.abc import Callable, Collection, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import IO, Any

from tap_paycom import endpoints, schemas
from tap_paycom.client import PaycomClient
from tap_paycom.errors import NotFound
from tap_paycom.report import DataReport
from tap_paycom.status import account_status, normalize

PROGRESS_EVERY_SECONDS = 10.0


@dataclass(slots=True)
class Member:
    """The few facts about one employee that derived streams and joins need."""

    employee_code: str
    position_code: str | None
    location_id: int | None
    establishment_id: int | None
    department_code: str | None
    department_description: str | None
    work_email: str | None
    manager_code: str | None

    def group_ids(self) -> dict[str, str | None]:
        """This employee's group of each type, as text (None when unassigned)."""
        return {
            "position": self.position_code,
            "location": None if self.location_id is None else str(self.location_id),
            "establishment": (None if self.establishment_id is None
                              else str(self.establishment_id)),
            "department": self.department_code,
        }


class Progress:
    """Logs done/total, rate and time left at most every ``every`` seconds."""

    def __init__(self, total: int, logger: logging.Logger,
                 every: float = PROGRESS_EVERY_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        """Start the clock."""
        self.total = total
        self.logger = logger
        self.every = every
        self.clock = clock
        self.started = clock()
        self.last_logged = self.started
        self.done = 0

    def advance(self) -> None:
        """Count one master record; log if it is time."""
        self.done += 1
        now = self.clock()
        if now - self.last_logged < self.every or self.done == self.total:
            return
        self.last_logged = now
        rate = self.done / max(now - self.started, 1e-9)
        left = (self.total - self.done) / rate if rate else float("inf")
        self.logger.info(
            "Master records: %d/%d fetched, %.1f per second, about %s left.",
            self.done, self.total, rate, _duration(left),
        )

    def finish(self) -> None:
        """Say how long the whole phase took."""
        elapsed = self.clock() - self.started
        self.logger.info("Master records: %d fetched in %s (%.1f per second).", self.done,
                         _duration(elapsed), self.done / max(elapsed, 1e-9))


def _duration(seconds: float) -> str:
    if seconds == float("inf"):
        return "an unknown time"
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes} min {secs} s" if minutes else f"{secs} s"


class Roster:
    """Loads the roster on first use; the streams then read it as often as they like."""

    def __init__(self, client: PaycomClient, *, page_size: int, workers: int,
                 enabled_statuses: Collection[str], logger: logging.Logger) -> None:
        """Nothing is fetched until ``load``."""
        self.client = client
        self.page_size = page_size
        self.workers = max(1, workers)
        self.enabled_statuses = frozenset(enabled_statuses)
        self.logger = logger
        self.members: list[Member] = []
        self.report = DataReport("employees", logger)
        self._spill: IO[str] | None = None

    @property
    def loaded(self) -> bool:
        """True once ``load`` has finished."""
        return self._spill is not None

    def load(self) -> None:
        """Read the directory, then every master record, into the spill file."""
        directory = self._read_directory()
        spill = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 - kept open
        progress = Progress(len(directory), self.logger)
        for row, master in self._master_records(directory):
            record = self._record(row, master)
            spill.write(json.dumps(record, ensure_ascii=False) + "\n")
            progress.advance()
        progress.finish()
        self.report.log()
        self._spill = spill
        weakref.finalize(self, spill.close)

    def _read_directory(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        seen: set[str] = set()
        for page in self.client.pages(endpoints.DIRECTORY, page_size=self.page_size):
            for row in page.rows:
                code = str(row.get("eecode") or "").strip()
                if not code:
                    self.report.add_duplicate("(a directory row without eecode)")
                    continue
                if code in seen:
                    self.report.add_duplicate(code)
                    continue
                seen.add(code)
                rows.append(row)
        self.logger.info("Employee directory: %d employees.", len(rows))
        return rows

    def _fetch_master(self, code: str) -> dict[str, Any] | None:
        try:
            envelope, _ = self.client.get(
                endpoints.MASTER_RECORD, self.client.url(endpoints.MASTER_RECORD, eecode=code)
            )
        except NotFound:
            return None
        return envelope.data[0] if envelope.data else None

    def _master_records(
        self, directory: list[dict[str, Any]]
    ) -> Iterator[tuple[dict[str, Any], dict[str, Any] | None]]:
        """Yield (directory row, master record) in directory order, fetched concurrently.

        At most ``workers * 4`` fetches are in flight, so memory does not grow with
        the tenant.
        """
        window = self.workers * 4
        pending: deque[tuple[dict[str, Any], Future[dict[str, Any] | None]]] = deque()
        with ThreadPoolExecutor(self.workers, thread_name_prefix="paycom-master") as pool:
            try:
                for row in directory:
                    pending.append((row, pool.submit(self._fetch_master, str(row["eecode"]))))
                    if len(pending) >= window:
                        first, future = pending.popleft()
                        yield first, future.result()
                while pending:
                    first, future = pending.popleft()
                    yield first, future.result()
            finally:
                for _, future in pending:
                    future.cancel()

    def _record(self, row: dict[str, Any], master: dict[str, Any] | None) -> dict[str, Any]:
        code = str(row["eecode"]).strip()
        if master is None:
            self.logger.warning(
                "Employee %s is in the directory but Paycom has no master record for it "
                "(404, perhaps removed during the sync); emitted from directory data only.",
                code,
            )
            raws: tuple[dict[str, Any], ...] = (row,)
        else:
            raws = (master, row)
            self.report.add_unknown(schemas.EMPLOYEES.unknown_keys(master))
        record, problems = schemas.EMPLOYEES.convert(*raws)
        record["employee_code"] = code
        self.report.add(code, problems)
        record["status"] = normalize(record["status_code"])
        record["account_status"] = account_status(record["status_code"], self.enabled_statuses)
        self.members.append(Member(
            employee_code=code,
            position_code=record["position_code"],
            location_id=record["location_id"],
            establishment_id=record["establishment_id"],
            department_code=record["department_code"],
            department_description=record["department_description"],
            work_email=record["work_email"],
            manager_code=record["manager_employee_code"],
        ))
        return record

    def _require_loaded(self) -> IO[str]:
        if self._spill is None:
            self.load()
        assert self._spill is not None
        return self._spill

    def employees(self) -> Iterator[dict[str, Any]]:
        """Every employee, with the manager's work email joined from the manager's record."""
        spill = self._require_loaded()
        emails = {member.employee_code: member.work_email for member in self.members}
        spill.seek(0)
        for line in spill:
            record: dict[str, Any] = json.loads(line)
            manager = record["manager_employee_code"]
            record["manager_work_email"] = emails.get(manager) if manager else None
            yield record

    def departments(self) -> list[dict[str, Any]]:
        """One row per department code; the description most employees carry wins."""
        self._require_loaded()
        names: dict[str, Counter[str]] = {}
        for member in self.members:
            if member.department_code:
                counts = names.setdefault(member.department_code, Counter())
                counts[member.department_description or ""] += 1
        return [
            {"department_code": code,
             "department_description": names[code].most_common(1)[0][0] or None}
            for code in sorted(names)
        ]

    def memberships(self) -> Iterator[dict[str, Any]]:
        """One row per employee per group they are assigned to."""
        self._require_loaded()
        for member in self.members:
            for group_type, group_id in member.group_ids().items():
                if group_id is None:
                    continue
                yield {
                    "employee_code": member.employee_code,
                    "group_type": group_type,
                    "group_id": group_id,
                    "group_key": f"{group_type}:{group_id}",
                }
