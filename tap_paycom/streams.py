"""The six streams: thin classes over the roster and the group endpoints."""

from __future__ import annotations

import abc
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from singer_sdk import Stream
from singer_sdk.singerlib import MetadataMapping

from tap_paycom import endpoints, schemas
from tap_paycom.endpoints import Endpoint
from tap_paycom.errors import DailyLimitReached
from tap_paycom.report import DataReport
from tap_paycom.shapes import Shape

if TYPE_CHECKING:
    from tap_paycom.tap import TapPaycom


class PaycomStream(Stream):
    """A stream whose schema and key come from a ``Shape``."""

    shape: ClassVar[Shape]

    def __init__(self, tap: TapPaycom) -> None:
        """Schema and primary key come from the shape."""
        super().__init__(tap, schema=self.shape.schema(), name=self.name)
        self.primary_keys = list(self.shape.key)
        self.paycom = tap

    @property
    def emit_activate_version_messages(self) -> bool:
        """Off for the SDK: it would send ACTIVATE_VERSION *before* the records.

        A target that hard-deletes old versions would then empty the table first, and a
        run that fails midway would leave it half full. ``get_records`` sends it after
        the last record instead, so old rows go only once the new ones have landed.
        """
        return False

    def get_records(self, context: Any) -> Iterable[dict[str, Any]]:
        """The stream's rows, then ACTIVATE_VERSION when enabled and the rows are whole."""
        versioned = bool(self.config.get("emit_activate_version_messages", True))
        try:
            version = self.version()
            if versioned:
                # The SDK stamps each RECORD with this version (it has no public hook).
                self._stream_version = version
            yield from self.rows()
        except DailyLimitReached as exc:
            self.logger.warning("%s: %s This stream is skipped until then; what earlier "
                                "runs loaded stays as it is.", self.name, exc)
            return
        finally:
            self.paycom.save_bookmark()
        if versioned and self.selected and self.whole():
            # The SDK's own writer, so stream maps (aliases, filters) apply to it too.
            self._write_activate_version_message(version)

    def version(self) -> int:
        """The version stamped on this run's records (a UNIX time)."""
        return int(time.time())

    def whole(self) -> bool:
        """True when this run emitted every row, so older rows may be dropped."""
        return True

    @abc.abstractmethod
    def rows(self) -> Iterable[dict[str, Any]]:
        """The stream's records."""

    @property
    def metadata(self) -> MetadataMapping:
        """Personal columns are discoverable but not selected by default.

        Metadata read from an input catalog is left as the catalog says.
        """
        generated = self._metadata is None and not (
            self._tap_input_catalog and self._tap_input_catalog.get_stream(self.tap_stream_id)
        )
        metadata = super().metadata
        if generated:
            for name in self.shape.personal:
                metadata[("properties", name)].selected_by_default = False
        return metadata


class EmployeesStream(PaycomStream):
    """Directory rows merged with master records, plus status and manager email."""

    name = "employees"
    shape = schemas.EMPLOYEES

    def version(self) -> int:
        """The version of the full pass (it may span runs), or of this run."""
        return self.paycom.roster.plan.version

    def whole(self) -> bool:
        """Only a completed full pass emits every employee; incremental runs do not."""
        return self.paycom.roster.all_employees_emitted

    def rows(self) -> Iterable[dict[str, Any]]:
        """From the shared roster."""
        return self.paycom.roster.employees()


class DepartmentsStream(PaycomStream):
    """Derived from employees' department codes: Paycom has no department endpoint."""

    name = "departments"
    shape = schemas.DEPARTMENTS

    def whole(self) -> bool:
        """Not when the directory came back shorter than Paycom said."""
        return not self.paycom.roster.directory_short

    def rows(self) -> Iterable[dict[str, Any]]:
        """From the shared roster."""
        return self.paycom.roster.departments()


class MembershipsStream(PaycomStream):
    """One row per employee per assigned group; keyed by (employee_code, group_type).

    The key means a move to another department overwrites the old row in any
    upserting target, and ACTIVATE_VERSION removes rows whose employee vanished.
    """

    name = "memberships"
    shape = schemas.MEMBERSHIPS

    def whole(self) -> bool:
        """Whole once every employee's groups are known (this run's or the bookmark's)."""
        return self.paycom.roster.memberships_complete and not self.paycom.roster.directory_short

    def rows(self) -> Iterable[dict[str, Any]]:
        """From the shared roster."""
        return self.paycom.roster.memberships()


class GroupStream(PaycomStream):
    """A list endpoint read in full, each row once, converted through the shape."""

    endpoint: ClassVar[Endpoint]

    def rows(self) -> Iterable[dict[str, Any]]:
        """Every page of the endpoint; repeated keys are emitted once and reported."""
        report = DataReport(self.name, self.logger)
        seen: set[Any] = set()
        key = self.shape.key[0]
        for page in self.paycom.client.pages(self.endpoint, page_size=self.paycom.page_size):
            report.count_page(len(page.rows), page.total)
            for row in page.rows:
                record, problems = self.shape.convert(row)
                report.add_unknown(self.shape.unknown_keys(row))
                if record[key] is None:
                    report.add_keyless()
                    continue
                if record[key] in seen:
                    report.add_duplicate(str(record[key]))
                    continue
                seen.add(record[key])
                report.add(str(record[key]), problems)
                yield record
        report.log()
        self._short = report.short

    def whole(self) -> bool:
        """Not when fewer rows arrived than Paycom said the list holds."""
        return not getattr(self, "_short", False)


class PositionsStream(GroupStream):
    """``positions/detail``."""

    name = "positions"
    shape = schemas.POSITIONS
    endpoint = endpoints.POSITIONS


class LocationsStream(GroupStream):
    """``cl/locations``."""

    name = "locations"
    shape = schemas.LOCATIONS
    endpoint = endpoints.LOCATIONS


class EstablishmentsStream(GroupStream):
    """``cl/establishments``."""

    name = "establishments"
    shape = schemas.ESTABLISHMENTS
    endpoint = endpoints.ESTABLISHMENTS


STREAM_TYPES: tuple[type[PaycomStream], ...] = (
    EmployeesStream, PositionsStream, LocationsStream, EstablishmentsStream,
    DepartmentsStream, MembershipsStream,
)
