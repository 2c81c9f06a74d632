"""The employee roster: the directory once, every master record once, shared by streams.

``employees``, ``departments`` and ``memberships`` all read from one roster, so a
sync fetches each master record exactly once. Master records come from a small
worker pool under the endpoint's shared token bucket (the SDK's child streams
would fetch them one at a time) and are consumed in directory order.

Employees are emitted *while* master records arrive, so the SDK's per-record work
overlaps the network wait. An employee whose manager's record has not arrived yet
is held back (on disk) until it has, because its ``manager_work_email`` comes from
that record. The release order depends only on the directory, so a concurrent run
emits exactly what a sequential one does.
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
from tap_paycom.shapes import Shape
from tap_paycom.status import account_status, normalize

PROGRESS_EVERY_SECONDS = 10.0
#: The employees' department columns alone, read from directory rows.
_DEPARTMENT = Shape(
    [schemas.EMPLOYEES.by_name["department_code"],
     schemas.EMPLOYEES.by_name["department_description"]],
    key=("department_code",),
)


@dataclass(slots=True)
class Member:
    """The few facts about one employee that memberships and joins need."""

    employee_code: str
    position_code: str | None
    location_id: int | None
    establishment_id: int | None
    department_code: str | None

    def group_ids(self) -> dict[str, str | None]:
        """The employee's group of each type, as text (None when unassigned)."""
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
        left = (self.total - self.done) / rate
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
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes} min {secs} s" if minutes else f"{secs} s"


class _Spill:
    """Records on disk, read back by offset: memory stays flat for any tenant size.

    Binary mode, because a text file's ``tell`` is slow enough to dominate a sync.
    """

    def __init__(self) -> None:
        self.file: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 - closed by finalize
        self.end = 0
        weakref.finalize(self, self.file.close)

    def write(self, record: dict[str, Any]) -> int:
        line = json.dumps(record, ensure_ascii=False).encode() + b"\n"
        offset = self.end
        self.file.seek(offset)
        self.file.write(line)
        self.end += len(line)
        return offset

    def read(self, offset: int) -> dict[str, Any]:
        self.file.seek(offset)
        record: dict[str, Any] = json.loads(self.file.readline())
        return record


class Roster:
    """Loads on first use; the streams then read it as often as they like."""

    def __init__(self, client: PaycomClient, *, page_size: int, workers: int,
                 enabled_statuses: Collection[str], logger: logging.Logger) -> None:
        """Nothing is fetched until a stream asks."""
        self.client = client
        self.page_size = page_size
        self.workers = max(1, workers)
        self.enabled_statuses = frozenset(enabled_statuses)
        self.logger = logger
        self._directory: list[str] | None = None  # rows as JSON: a fraction of a dict's size
        self._codes: set[str] = set()
        self._members: list[Member] = []
        self._spill: _Spill | None = None
        self._order: list[int] = []  # spill offsets, in emission order
        self._loaded = False

    # --- the directory ----------------------------------------------------------
    def directory(self) -> list[str]:
        """The directory rows (as JSON text), each eecode once, in Paycom's order."""
        if self._directory is None:
            report = DataReport("employee directory", self.logger)
            rows: list[str] = []
            seen: set[str] = set()
            for page in self.client.pages(endpoints.DIRECTORY, page_size=self.page_size):
                report.count_page(len(page.rows), page.total)
                for row in page.rows:
                    code = str(row.get("eecode") or "").strip()
                    if not code or code in seen:
                        report.add_duplicate(code or "(a row without eecode)")
                        continue
                    seen.add(code)
                    rows.append(json.dumps(row, ensure_ascii=False))
            report.log()
            self.logger.info("Employee directory: %d employees.", len(rows))
            self._directory, self._codes = rows, seen
        return self._directory

    def departments(self) -> list[dict[str, Any]]:
        """One row per department code in the directory; the commonest description wins."""
        names: dict[str, Counter[str]] = {}
        for line in self.directory():
            record, _ = _DEPARTMENT.convert(json.loads(line))
            if record["department_code"]:
                counts = names.setdefault(record["department_code"], Counter())
                counts[record["department_description"] or ""] += 1
        return [
            {"department_code": code,
             "department_description": names[code].most_common(1)[0][0] or None}
            for code in sorted(names)
        ]

    # --- employees ----------------------------------------------------------------
    def employees(self) -> Iterator[dict[str, Any]]:
        """Every employee once, with the manager's work email from the manager's record."""
        if self._loaded:
            assert self._spill is not None
            for offset in self._order:
                yield self._spill.read(offset)
            return
        yield from self._load()

    def _load(self) -> Iterator[dict[str, Any]]:
        """Fetch master records and yield employees as soon as each is complete."""
        lines = self.directory()
        codes = self._codes
        self._members, self._order, self._spill = [], [], _Spill()
        spill, report = self._spill, DataReport("employees", self.logger)
        emails: dict[str, str | None] = {}
        waiting: dict[str, list[int]] = {}
        progress = Progress(len(lines), self.logger)

        def emit(record: dict[str, Any]) -> dict[str, Any]:
            manager = record["manager_employee_code"]
            record["manager_work_email"] = emails.get(manager) if manager else None
            self._order.append(spill.write(record))
            return record

        for row, master in self._master_records(lines):
            record = self._record(row, master, report)
            code, manager = record["employee_code"], record["manager_employee_code"]
            emails[code] = record["work_email"]
            if manager and manager in codes and manager not in emails:
                waiting.setdefault(manager, []).append(spill.write(record))
            else:
                yield emit(record)
            for held in waiting.pop(code, []):
                yield emit(spill.read(held))
            progress.advance()
        progress.finish()
        report.log()
        self._loaded = True

    def _fetch_master(self, code: str) -> dict[str, Any] | None:
        try:
            envelope, _ = self.client.get(
                endpoints.MASTER_RECORD, self.client.url(endpoints.MASTER_RECORD, eecode=code)
            )
        except NotFound:
            return None
        return envelope.data[0] if envelope.data else None

    def _master_records(
        self, lines: list[str]
    ) -> Iterator[tuple[dict[str, Any], dict[str, Any] | None]]:
        """(directory row, master record) in directory order, fetched concurrently.

        At most ``workers * 4`` fetches are in flight, so memory does not grow with
        the tenant.
        """
        window = self.workers * 4
        pending: deque[tuple[dict[str, Any], Future[dict[str, Any] | None]]] = deque()
        with ThreadPoolExecutor(self.workers, thread_name_prefix="paycom-master") as pool:
            try:
                for line in lines:
                    row = json.loads(line)
                    code = str(row["eecode"]).strip()
                    pending.append((row, pool.submit(self._fetch_master, code)))
                    if len(pending) >= window:
                        first, future = pending.popleft()
                        yield first, future.result()
                while pending:
                    first, future = pending.popleft()
                    yield first, future.result()
            finally:
                for _, future in pending:
                    future.cancel()

    def _record(self, row: dict[str, Any], master: dict[str, Any] | None,
                report: DataReport) -> dict[str, Any]:
        code = str(row["eecode"]).strip()
        if master is None:
            self.logger.warning(
                "Employee %s is in the directory but Paycom has no master record for it "
                "(404, perhaps removed during the sync); emitted from directory data only.",
                code,
            )
            record, problems = schemas.EMPLOYEES.convert(row)
        else:
            report.add_unknown(schemas.EMPLOYEES.unknown_keys(master))
            record, problems = schemas.EMPLOYEES.convert(master, row)
        record["employee_code"] = code
        report.add(code, problems)
        record["status"] = normalize(record["status_code"])
        record["account_status"] = account_status(record["status_code"], self.enabled_statuses)
        record["manager_work_email"] = None
        self._members.append(Member(
            employee_code=code,
            position_code=record["position_code"],
            location_id=record["location_id"],
            establishment_id=record["establishment_id"],
            department_code=record["department_code"],
        ))
        return record

    # --- memberships ------------------------------------------------------------
    def memberships(self) -> Iterator[dict[str, Any]]:
        """One row per employee per group they are assigned to."""
        if not self._loaded:
            for _ in self._load():
                pass
        for member in self._members:
            for group_type, group_id in member.group_ids().items():
                if group_id is None:
                    continue
                yield {
                    "employee_code": member.employee_code,
                    "group_type": group_type,
                    "group_id": group_id,
                    "group_key": f"{group_type}:{group_id}",
                }
