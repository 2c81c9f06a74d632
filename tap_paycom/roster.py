"""The employee roster: the directory once, master records only where needed.

``employees``, ``departments`` and ``memberships`` all read from one roster, so a
sync fetches each master record at most once. Which ones it fetches is the run's
``Plan``:

- **full**: every employee (the first run, or when an incremental run cannot be
  trusted); if the daily budget runs out, the pass is resumed by the next run;
- **incremental**: only employees Paycom's change log lists since the bookmark, new
  ones, and the reports of a manager whose work email changed. Everyone else's
  position, location, establishment and email come from the bookmark's roster, so
  memberships and manager emails stay right for the whole company.

Master records come from a worker pool under the endpoint's shared token bucket and
are consumed in directory order. Employees are emitted while the rest are fetched;
one whose manager is also being fetched waits (on disk) for the manager's work
email. The release order depends only on the directory, so any number of workers
emits what one does.
"""

from __future__ import annotations

import json
import logging
import tempfile
import time
import weakref
from collections import Counter, deque
from collections.abc import Callable, Collection, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import IO, Any

from tap_paycom import endpoints, schemas
from tap_paycom.bookmark import OVERLAP_SECONDS, Bookmark, Member, utc_day
from tap_paycom.changes import ChangeLogUnavailable, changed_since
from tap_paycom.client import PaycomClient
from tap_paycom.errors import DailyLimitReached, NotFound, PaycomError
from tap_paycom.report import DataReport
from tap_paycom.shapes import Shape
from tap_paycom.status import account_status, normalize

PROGRESS_EVERY_SECONDS = 10.0
#: ``Member.fetched_in`` for an employee whose master record answered 404 last time.
REFETCH = -1
GROUP_TYPES = ("position", "location", "establishment", "department")
#: The employees' department columns alone, read from directory rows.
_DEPARTMENT = Shape(
    [schemas.EMPLOYEES.by_name["department_code"],
     schemas.EMPLOYEES.by_name["department_description"]],
    key=("department_code",),
)


class _OutOfBudget:
    """Marks a master record not fetched because Paycom's daily limit was spent."""


OUT_OF_BUDGET = _OutOfBudget()


@dataclass
class Plan:
    """What this run fetches, and how its records are versioned."""

    mode: str  # "full" or "incremental"
    version: int
    started: int
    fetch: list[str]
    resumed: bool = False  # continues a sync the daily budget interrupted
    left_for_budget: int = 0


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
    """Plans on first use; the streams then read it as often as they like."""

    def __init__(self, client: PaycomClient, bookmark: Bookmark, *, page_size: int,
                 workers: int, enabled_statuses: Collection[str], full_reason: str | None,
                 max_incremental_days: int, daily_limit: int, logger: logging.Logger,
                 employees_selected: bool = True,
                 clock: Callable[[], float] = time.time) -> None:
        """Nothing is fetched until a stream asks; ``full_reason`` forbids incremental."""
        self.client = client
        self.bookmark = bookmark
        self.page_size = page_size
        self.workers = max(1, workers)
        self.enabled_statuses = frozenset(enabled_statuses)
        self.employees_selected = employees_selected
        self.full_reason = full_reason or (
            None if employees_selected else "the employees stream is not selected")
        self.max_incremental_days = max_incremental_days
        self.daily_limit = daily_limit
        self.logger = logger
        self.clock = clock
        self._directory: list[str] | None = None  # rows as JSON: a fraction of a dict's size
        self._departments: dict[str, tuple[str | None, str | None]] = {}
        self._plan: Plan | None = None
        self._fresh: dict[str, Member] = {}
        self._members: dict[str, Member] | None = None
        self._spill: _Spill | None = None
        self._order: list[int] = []  # spill offsets, in emission order
        self._loaded = False
        self._stopped = False  # the daily limit ended the fetch early
        self._saved = False  # the roster part of the bookmark is written once per run
        self._directory_only: set[str] = set()  # master record answered 404
        self.directory_short = False

    # --- the directory ----------------------------------------------------------
    def directory(self) -> list[str]:
        """The directory rows (as JSON text), each eecode once, in Paycom's order."""
        if self._directory is None:
            report = DataReport("employee directory", self.logger)
            rows: list[str] = []
            for page in self.client.pages(endpoints.DIRECTORY, page_size=self.page_size):
                report.count_page(len(page.rows), page.total)
                for row in page.rows:
                    code = str(row.get("eecode") or "").strip()
                    if not code or code in self._departments:
                        report.add_duplicate(code or "(a row without eecode)")
                        continue
                    department, _ = _DEPARTMENT.convert(row)
                    self._departments[code] = (department["department_code"],
                                               department["department_description"])
                    rows.append(json.dumps(row, ensure_ascii=False))
            report.log()
            self.logger.info("Employee directory: %d employees.", len(rows))
            self._directory, self.directory_short = rows, report.short
        return self._directory

    def codes(self) -> list[str]:
        """Employee codes in directory order."""
        self.directory()
        return list(self._departments)

    def departments(self) -> list[dict[str, Any]]:
        """One row per department code in the directory; the commonest description wins."""
        self.directory()
        names: dict[str, Counter[str]] = {}
        for code, description in self._departments.values():
            if code:
                names.setdefault(code, Counter())[description or ""] += 1
        return [
            {"department_code": code,
             "department_description": names[code].most_common(1)[0][0] or None}
            for code in sorted(names)
        ]

    # --- the plan -----------------------------------------------------------------
    @property
    def plan(self) -> Plan:
        """This run's plan, decided once (it may read the change log)."""
        if self._plan is None:
            self._plan = self._budgeted(self._decide())
            self.logger.info("Employees: %s sync, %d master record(s) to fetch.",
                             self._plan.mode, len(self._plan.fetch))
        return self._plan

    def _decide(self) -> Plan:
        # Whole seconds, rounded up so nothing this second is missed, and always later
        # than the last run's version so ACTIVATE_VERSION tells the two apart.
        now = max(int(self.clock()) + 1, (self.bookmark.last_version or 0) + 1)
        codes = self.codes()
        saved = self.bookmark
        if self.full_reason:
            return self._full(now, self.full_reason, expected=False)
        if saved.pass_version is not None and saved.pass_started is not None:
            return self._resume(now, codes)
        why_full = self._why_full(now)
        if why_full:
            return self._full(now, why_full, expected=saved.changes_since is not None)
        assert saved.changes_since is not None
        changed = self._changes(saved.changes_since, now, "this run fetches every employee")
        if changed is None:
            return self._full(now, "the change log is not available", expected=True)
        if set(saved.roster) - set(codes):
            return self._full(now, "employees disappeared from the directory", expected=True)
        return Plan("incremental", now, now, [c for c in codes if c in changed
                                              or self._unknown(c)])

    def _unknown(self, code: str) -> bool:
        """No usable facts in the bookmark: new, or its master record last answered 404."""
        member = self.bookmark.roster.get(code)
        return member is None or member.fetched_in == REFETCH

    def _full(self, now: int, why: str, *, expected: bool) -> Plan:
        # A full sync where an incremental one was due costs a day's budget: say so loudly.
        self.logger.log(logging.WARNING if expected else logging.INFO,
                        "Employees: full sync (%s).", why)
        return Plan("full", now, now, self.codes())

    def _resume(self, now: int, codes: list[str]) -> Plan:
        """Continue the sync the daily budget interrupted, under its version."""
        saved = self.bookmark
        assert saved.pass_version is not None
        assert saved.pass_started is not None
        done = {c for c, m in saved.roster.items() if m.fetched_in == saved.pass_version}
        if set(saved.roster) - set(codes):
            return self._full(now, "employees disappeared from the directory during an "
                              "interrupted sync", expected=True)
        # Changed after the interrupted run began: fetched again. (No overlap here, or
        # changes made just before it would be fetched again on every resume.)
        again = self._changes(saved.pass_started, now,
                              "employees fetched earlier are not checked again") or set()
        wanted = set(codes)
        if saved.resume_mode == "incremental":
            assert saved.changes_since is not None
            changed = self._changes(saved.changes_since, now, "this run fetches everyone")
            if changed is None:
                return self._full(now, "the change log is not available", expected=True)
            wanted = {c for c in codes if c in changed or self._unknown(c)}
        fetch = [c for c in codes if c in wanted and (c not in done or c in again)]
        self.logger.info("Employees: resuming the %s sync the daily limit interrupted; %d "
                         "employee(s) are done, %d to go.", saved.resume_mode,
                         len(done & wanted), len(fetch))
        return Plan(saved.resume_mode, saved.pass_version, saved.pass_started, fetch,
                    resumed=True)

    def _why_full(self, now: int) -> str | None:
        saved = self.bookmark
        if self.full_reason:
            return self.full_reason
        if saved.changes_since is None or not saved.roster:
            return "no earlier sync to continue from"
        if now - saved.changes_since > self.max_incremental_days * 86_400:
            return f"the last sync is more than {self.max_incremental_days} days old"
        return None

    def _changes(self, start: int, end: int, consequence: str) -> set[str] | None:
        """Employees changed in [start, end], or None (said once) when the log is off."""
        try:
            return changed_since(self.client, start, end, self.page_size, self.logger)
        except ChangeLogUnavailable as exc:
            self.logger.warning(
                "Paycom's change log (%s) is not enabled for this API user, so %s: switch "
                "on '%s' under API Setup > Function Enablement to sync only what changed.",
                exc.endpoint.path, consequence, exc.endpoint.enablement,
            )
            return None

    def _budgeted(self, plan: Plan) -> Plan:
        """Cut the fetch list to what today's master-record budget still allows."""
        plan.fetch, cut = self._within_budget(plan.fetch)
        plan.left_for_budget += cut
        return plan

    def _within_budget(self, codes: list[str]) -> tuple[list[str], int]:
        """As many of ``codes`` as today's master-record budget allows, and how many not."""
        endpoint = endpoints.MASTER_RECORD.name
        used = (self.bookmark.calls_today(endpoint, utc_day(self.clock()))
                + self.client.requests_made[endpoint])
        allowed = max(0, self.daily_limit - used)
        if len(codes) <= allowed:
            return codes, 0
        self.logger.warning(
            "Paycom allows %d master-record calls a day and %d are spent today: this run "
            "fetches %d more employees and the next run (after midnight UTC) resumes with "
            "the other %d.", self.daily_limit, used, allowed, len(codes) - allowed,
        )
        return codes[:allowed], len(codes) - allowed

    # --- employees ----------------------------------------------------------------
    @property
    def complete(self) -> bool:
        """True when every planned employee was fetched (the budget did not intervene)."""
        return self._loaded and not self._stopped and not self.plan.left_for_budget

    @property
    def all_employees_emitted(self) -> bool:
        """True after a full pass finished: ACTIVATE_VERSION may drop older rows."""
        return self.complete and self.plan.mode == "full" and not self.directory_short

    def employees(self) -> Iterator[dict[str, Any]]:
        """The employees this run fetched, with manager emails from the managers' records."""
        if self._loaded:
            assert self._spill is not None
            for offset in self._order:
                yield self._spill.read(offset)
            return
        yield from self._load()

    def _load(self) -> Iterator[dict[str, Any]]:
        plan = self.plan
        self._fresh, self._order, self._spill = {}, [], _Spill()
        self._members = None
        self._stopped = False
        fetching = set(plan.fetch)
        # Emails known before fetching: employees this run will not fetch again.
        emails = {code: member.work_email for code, member in self.bookmark.roster.items()
                  if code not in fetching}
        yield from self._fetch_round(plan.fetch, emails)
        stale = self._stale_manager_emails(fetching, emails)
        if stale and not self._stopped:
            stale, cut = self._within_budget(stale)
            plan.left_for_budget += cut
            self.logger.info("%d employee(s) were emitted with a manager email that has "
                             "changed since; fetching them again.", len(stale))
            yield from self._fetch_round(stale, emails)
        self._loaded = True

    def _stale_manager_emails(self, fetched: set[str], emails: dict[str, str | None]
                              ) -> list[str]:
        """Employees not fetched this run whose manager's email is not the one they carry.

        Found from the bookmark, so they are caught up even when the run that saw the
        manager's new email stopped before it could fetch them.
        """
        cached = self.bookmark.roster
        stale = []
        for code in self.codes():
            member = cached.get(code)
            if code in fetched or member is None or not member.manager_code:
                continue
            if member.manager_code in emails and \
                    member.manager_email != emails[member.manager_code]:
                stale.append(code)
        return stale

    def _fetch_round(self, codes: list[str], emails: dict[str, str | None]
                     ) -> Iterator[dict[str, Any]]:
        """Fetch ``codes``; yield each employee once its manager's work email is known.

        An employee whose manager is in the directory but whose email is not known
        yet waits. One still waiting at the end (its manager was not fetched, e.g.
        for the budget) is not emitted: the next run fetches it again.
        """
        assert self._spill is not None
        spill, report = self._spill, DataReport("employees", self.logger)
        lines = dict(zip(self.codes(), self.directory(), strict=True))
        waiting: dict[str, list[int]] = {}
        progress = Progress(len(codes), self.logger)

        def emit(record: dict[str, Any]) -> dict[str, Any]:
            manager = record["manager_employee_code"]
            record["manager_work_email"] = emails.get(manager) if manager else None
            self._fresh[record["employee_code"]].manager_email = record["manager_work_email"]
            self._order.append(spill.write(record))
            return record

        for row, master in self._master_records(json.loads(lines[c]) for c in codes):
            if isinstance(master, _OutOfBudget):
                continue  # not fetched: the next run asks again
            record = self._record(row, master, report)
            code, manager = record["employee_code"], record["manager_employee_code"]
            cached = self.bookmark.roster.get(code)
            # A 404 says nothing about the email: keep the known one for the reports.
            emails[code] = (cached.work_email if master is None and cached
                            else record["work_email"])
            if manager and manager in self._departments and manager not in emails:
                waiting.setdefault(manager, []).append(spill.write(record))
            else:
                yield emit(record)
            for held in waiting.pop(code, []):
                yield emit(spill.read(held))
            progress.advance()
        if self._stopped:
            self.logger.warning(
                "Paycom's daily limit for master records is spent after %d this run: the "
                "employees fetched so far are emitted, and the next run (after midnight "
                "UTC) resumes with the rest.", progress.done,
            )
        progress.finish()
        report.log()
        unreleased = [spill.read(offset)["employee_code"]
                      for held in waiting.values() for offset in held]
        if unreleased:  # not emitted, so not done
            self._stopped = True
            self.logger.warning(
                "%d employee(s) were not emitted because their manager's record was not "
                "fetched this run (first: %s); the next run fetches them again.",
                len(unreleased), unreleased[0])
            for code in unreleased:
                self._fresh.pop(code, None)
        self._check_not_found(len(codes) - len(unreleased))

    def _check_not_found(self, fetched: int) -> None:
        """Most master records answering 404 is a wrong URL or permission, not removals."""
        missing = len(self._directory_only)
        if missing >= 10 and missing * 2 > fetched:
            raise PaycomError(
                f"Paycom answered 404 for {missing} of {fetched} master records: check that "
                f"base_url is your tenant's API and that '{endpoints.MASTER_RECORD.enablement}' "
                "is switched on under API Setup > Function Enablement."
            )

    def _fetch_master(self, code: str) -> dict[str, Any] | _OutOfBudget | None:
        """One master record; None if Paycom has none; OUT_OF_BUDGET once the day's is spent."""
        if self._stopped:
            return OUT_OF_BUDGET
        try:
            envelope, _ = self.client.get(
                endpoints.MASTER_RECORD, self.client.url(endpoints.MASTER_RECORD, eecode=code)
            )
        except NotFound:
            return None
        except DailyLimitReached:
            self._stopped = True  # stops new submissions; fetches already made still count
            return OUT_OF_BUDGET
        return envelope.data[0] if envelope.data else None

    def _master_records(
        self, rows: Iterable[dict[str, Any]]
    ) -> Iterator[tuple[dict[str, Any], dict[str, Any] | _OutOfBudget | None]]:
        """(directory row, master record) in directory order, fetched concurrently.

        At most ``workers * 4`` fetches are in flight, so memory does not grow with
        the tenant. Once the daily limit is spent nothing new is submitted, but the
        records already fetched are still yielded, so none is fetched twice.
        """
        window = self.workers * 4
        pending: deque[tuple[dict[str, Any], Future[Any]]] = deque()
        with ThreadPoolExecutor(self.workers, thread_name_prefix="paycom-master") as pool:
            try:
                for row in rows:
                    if self._stopped:
                        break
                    code = str(row["eecode"]).strip()
                    pending.append((row, pool.submit(self._fetch_master, code)))
                    if len(pending) >= window:
                        first, future = pending.popleft()
                        yield first, future.result()
                while pending:
                    first, future = pending.popleft()
                    yield first, future.result()
            finally:  # a consumer that stops early should not wait for the rest
                for _, future in pending:
                    future.cancel()

    def _record(self, row: dict[str, Any], master: dict[str, Any] | None,
                report: DataReport) -> dict[str, Any]:
        code = str(row["eecode"]).strip()
        if master is None:
            self.logger.warning(
                "Employee %s is in the directory but Paycom has no master record for it "
                "(404, perhaps removed during the sync); emitted from directory data only, "
                "and fetched again next run.", code,
            )
            self._directory_only.add(code)
            record, problems = schemas.EMPLOYEES.convert(row)
        else:
            report.add_unknown(schemas.EMPLOYEES.unknown_keys(master))
            record, problems = schemas.EMPLOYEES.convert(master, row)
        record["employee_code"] = code
        report.add(code, problems)
        record["status"] = normalize(record["status_code"])
        record["account_status"] = account_status(record["status_code"], self.enabled_statuses)
        record["manager_work_email"] = None
        self._fresh[code] = Member(
            position_code=record["position_code"],
            location_id=record["location_id"],
            establishment_id=record["establishment_id"],
            work_email=record["work_email"],
            manager_code=record["manager_employee_code"],
            fetched_in=self.plan.version,
        )
        return record

    # --- memberships ------------------------------------------------------------
    def members(self) -> dict[str, Member]:
        """Every directory employee's latest known facts: this run's, else the bookmark's.

        An employee whose master record answered 404 this run keeps the bookmark's
        facts when there are any, so a passing 404 does not drop their memberships.
        """
        if not self._loaded:
            for _ in self._load():
                pass
        if self._members is None:  # memberships, their completeness and save all ask
            cached = self.bookmark.roster
            self._members = {}
            for code in self.codes():
                fresh = None if code in self._directory_only else self._fresh.get(code)
                member = fresh or cached.get(code) or self._fresh.get(code)
                if member is not None:
                    self._members[code] = member
        return self._members

    @property
    def memberships_complete(self) -> bool:
        """True when every directory employee's groups are known."""
        return len(self.members()) == len(self.codes())

    def memberships(self) -> Iterator[dict[str, Any]]:
        """One row per employee per group they are assigned to."""
        for code, member in self.members().items():
            groups = {
                "position": member.position_code,
                "location": None if member.location_id is None else str(member.location_id),
                "establishment": (None if member.establishment_id is None
                                  else str(member.establishment_id)),
                "department": self._departments[code][0],
            }
            for group_type in GROUP_TYPES:
                group_id = groups[group_type]
                if group_id is not None:
                    yield {"employee_code": code, "group_type": group_type,
                           "group_id": group_id, "group_key": f"{group_type}:{group_id}"}

    # --- the bookmark -----------------------------------------------------------
    def save(self, state: dict[str, Any]) -> None:
        """Write what the next run needs into the employees stream's state.

        The roster and the bookmark move on only when ``employees`` was emitted:
        otherwise the next run with it selected would have nothing to catch up from.
        """
        saved = self.bookmark
        if self._loaded and not self._saved and self.employees_selected:
            self._saved = True
            plan = self.plan
            roster = {code: member for code, member in self.members().items()
                      if code not in self._directory_only}
            for code in self._directory_only & set(saved.roster):  # keep, but fetch again
                roster[code] = replace(saved.roster[code], fetched_in=REFETCH)
            saved.set_roster(roster)
            saved.last_version = plan.version
            if self.complete:
                saved.changes_since = plan.started - OVERLAP_SECONDS
                saved.pass_version = saved.pass_started = None
            else:
                saved.pass_version, saved.pass_started = plan.version, plan.started
                saved.resume_mode = plan.mode
        saved.write(state, dict(self.client.requests_made), utc_day(self.clock()))
