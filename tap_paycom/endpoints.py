"""The Paycom routes this project knows, with Paycom's published limits.

One table serves the tap (which routes it may call, how fast, and which Function
Enablement entry to name when a route is switched off) and the sandbox (which
routes it serves and how it limits them), so the two cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Endpoint:
    """One Paycom route and its published limits."""

    name: str
    path: str
    enablement: str
    bucket: int = 100
    per_second: float = 10.0
    per_day: int = 500_000
    sensitive: bool = False

    def route(self, **params: str) -> str:
        """The path with its placeholders filled, e.g. ``api/v1/employee/A001``."""
        return self.path.format(**params)


DIRECTORY = Endpoint(
    "employeedirectory", "api/v1/employeedirectory", "Employee Directory", per_day=345_600
)
EMPLOYEE_IDS = Endpoint("employeeid", "api/v1/employeeid", "Employee ID")
MASTER_RECORD = Endpoint(
    "employee", "api/v1/employee/{eecode}", "Employee Non-Sensitive Data", per_day=50_000
)
POSITIONS = Endpoint("positions", "api/v1/positions/detail", "Position Details")
LOCATIONS = Endpoint("locations", "api/v1/cl/locations", "Company Locations", per_day=20_000)
ESTABLISHMENTS = Endpoint(
    "establishments", "api/v1/cl/establishments", "Company Establishments", per_day=10_000
)
EMPLOYEE_CHANGES = Endpoint(
    "employeechanges", "api/v1/employeeids/employeechanges", "Employee Changes"
)
CHANGE_LOG = Endpoint(
    "change", "api/v1.1/employee/{eecode}/change", "Employee Change Log", per_day=50_000
)
NEW_HIRES = Endpoint(
    "employeenewhire", "api/v1/employeenewhire", "New Hire Employees", per_day=5_000
)
CUSTOM_FIELDS = Endpoint(
    "customfield", "api/v1/employee/{eecode}/customfield", "Employee Custom Fields",
    per_day=50_000,
)

#: Routes that carry SSNs, pay rates, tax and bank data. The tap never calls them;
#: the sandbox serves them only so that tests can prove it.
SENSITIVE = (
    Endpoint("sensitive", "api/v1/employee/{eecode}/sensitive", "Employee Sensitive Data",
             sensitive=True),
    Endpoint("tax", "api/v1/employee/{eecode}/tax", "Employee Tax", sensitive=True),
    Endpoint("ratesbyallocation", "api/v1/employee/{eecode}/ratesbyallocation",
             "Rates by Allocation", sensitive=True),
    Endpoint("effectiveratesbyallocation",
             "api/v1/employee/{eecode}/effectiveratesbyallocation",
             "Effective Rates by Allocation", sensitive=True),
)

SAFE = (
    DIRECTORY, EMPLOYEE_IDS, MASTER_RECORD, POSITIONS, LOCATIONS, ESTABLISHMENTS,
    EMPLOYEE_CHANGES, CHANGE_LOG, NEW_HIRES, CUSTOM_FIELDS,
)
ALL = SAFE + SENSITIVE
BY_NAME = {endpoint.name: endpoint for endpoint in ALL}
