"""Which employees changed since a moment, from Paycom's change-log endpoints.

``employeeids/employeechanges`` lists employees with changes in a window, and
``employeenewhire`` those added in one. Paycom limits windows (the new-hire log to
14 days; the per-employee change log to 7, and the list endpoint is undocumented),
so a long stretch is read in windows of at most ``WINDOW_DAYS``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from tap_paycom import endpoints
from tap_paycom.client import PaycomClient
from tap_paycom.endpoints import Endpoint
from tap_paycom.errors import PaycomError

#: The widest window each endpoint is asked for.
WINDOW_DAYS = {endpoints.EMPLOYEE_CHANGES.name: 7, endpoints.NEW_HIRES.name: 14}


class ChangeLogUnavailable(Exception):
    """The change-log endpoints are not enabled (or not offered) for this API user."""

    def __init__(self, endpoint: Endpoint) -> None:
        """Name the endpoint and its Function Enablement entry."""
        super().__init__(endpoint.enablement)
        self.endpoint = endpoint


def windows(start: int, end: int, days: int) -> Iterator[tuple[int, int]]:
    """[start, end] cut into consecutive windows of at most ``days`` days."""
    step = days * 86_400
    while start < end:
        yield start, min(start + step, end)
        start += step


def changed_since(client: PaycomClient, start: int, end: int, page_size: int,
                  logger: logging.Logger) -> set[str]:
    """Employee codes with changes or hires in [start, end].

    Without ``employeechanges`` an incremental sync is impossible; without
    ``employeenewhire`` it still works (new employees also show up as codes the
    directory has and the bookmark does not), so that one is only reported.
    """
    codes: set[str] = set()
    for endpoint in (endpoints.EMPLOYEE_CHANGES, endpoints.NEW_HIRES):
        try:
            codes |= _read(client, endpoint, start, end, page_size)
        except ChangeLogUnavailable:
            if endpoint is endpoints.EMPLOYEE_CHANGES:
                raise
            logger.info("%s is not enabled ('%s'); new employees are found from the "
                        "directory instead.", endpoint.path, endpoint.enablement)
    return codes


def _read(client: PaycomClient, endpoint: Endpoint, start: int, end: int,
          page_size: int) -> set[str]:
    codes: set[str] = set()
    for first, last in windows(start, end, WINDOW_DAYS[endpoint.name]):
        query = {"startdate": first, "enddate": last}
        try:
            for page in client.pages(endpoint, page_size=page_size, params=query):
                codes.update(str(row["eecode"]).strip() for row in page.rows
                             if row.get("eecode") and _counts(row))
        except PaycomError as exc:
            if exc.status in (403, 404, 413):
                raise ChangeLogUnavailable(endpoint) from None
            raise
    return codes


def _counts(row: dict[str, object]) -> bool:
    """A change row with ``changescount`` 0 is no change; new-hire rows have none."""
    count = row.get("changescount")
    try:
        return count is None or int(str(count)) > 0
    except ValueError:
        return True
