"""An offline Paycom: a seeded tenant served over HTTP on loopback, with limits and faults.

Used by the tap's ``sandbox`` setting, by every test, and by the benchmark::

    with Sandbox(employees=300, seed=7) as sandbox:
        config = {"base_url": sandbox.url, "sid": sandbox.options.sid,
                  "token": sandbox.options.token}
"""

from tap_paycom.sandbox.faults import FaultPlan
from tap_paycom.sandbox.limits import ServerLimits
from tap_paycom.sandbox.server import Sandbox, SandboxOptions
from tap_paycom.sandbox.tenant import Tenant

__all__ = ["FaultPlan", "Sandbox", "SandboxOptions", "ServerLimits", "Tenant"]
