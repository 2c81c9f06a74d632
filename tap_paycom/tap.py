"""tap-paycom: the tap, its settings, the stream list, and how it reaches Paycom."""

from __future__ import annotations

import logging
import sys
from functools import cached_property
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from singer_sdk import Stream, Tap
from singer_sdk.exceptions import ConfigValidationError

from tap_paycom import endpoints, settings
from tap_paycom.auth import PaycomAuth
from tap_paycom.bookmark import Bookmark
from tap_paycom.client import PaycomClient, RetryPolicy
from tap_paycom.errors import PaycomError
from tap_paycom.limits import Pacer
from tap_paycom.regions import resolve_base_url
from tap_paycom.roster import Roster
from tap_paycom.streams import STREAM_TYPES

try:
    __version__ = version("tap-paycom")
except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
    __version__ = "0.0.0"


class TapPaycom(Tap):
    """Paycom employees, groups and memberships, for warehouses and identity governance."""

    name = "tap-paycom"
    package_name = "tap-paycom"
    config_jsonschema = settings.CONFIG_SCHEMA

    def _validate_config(self, *, raise_errors: bool = True) -> list[str]:
        """Schema checks first, then the checks a schema cannot say clearly."""
        errors = super()._validate_config(raise_errors=raise_errors)
        if errors:
            return errors
        found = settings.problems(self.config)
        if found and raise_errors:
            raise ConfigValidationError("Config validation failed", errors=found)
        return found

    def discover_streams(self) -> list[Stream]:
        """The six streams; discovery makes no request."""
        return [stream_type(self) for stream_type in STREAM_TYPES]

    @property
    def page_size(self) -> int:
        """Rows per page for paged endpoints."""
        return int(self.config.get("page_size", settings.MAX_PAGE_SIZE))

    @cached_property
    def client(self) -> PaycomClient:
        """The HTTP client; in sandbox mode, starts the bundled sandbox first."""
        if self.config.get("sandbox"):
            from tap_paycom.sandbox import Sandbox, ServerLimits

            # The sandbox enforces Paycom's published limits, as a real tenant would.
            sandbox = Sandbox(employees=int(self.config.get("sandbox_employees", 300)),
                              seed=int(self.config.get("sandbox_seed", 7)),
                              limits=ServerLimits(enabled=True)).start()
            self._sandbox = sandbox
            self.logger.warning(
                "sandbox is true: syncing SYNTHETIC data (%d made-up employees) from the "
                "bundled Paycom sandbox at %s, not from a real tenant.",
                len(sandbox.tenant.people), sandbox.url,
            )
            base_url = sandbox.url
            auth = PaycomAuth(sandbox.options.sid, sandbox.options.token)
        else:
            base_url = resolve_base_url(self.config.get("region"), self.config.get("base_url"))
            auth = PaycomAuth(str(self.config["sid"]), str(self.config["token"]))
        return PaycomClient(
            base_url, auth, Pacer(self.config.get("rate_limits"), logger=self.logger),
            timeout=float(self.config.get("request_timeout", 60)),
            retry=RetryPolicy(int(self.config.get("retry_max_attempts", 6)),
                              float(self.config.get("retry_initial_delay", 1.0))),
            user_agent=f"tap-paycom/{__version__}",
            logger=self.logger,
        )

    @cached_property
    def roster(self) -> Roster:
        """The employees, fetched once per sync for every stream that needs them."""
        full_reason = None
        if self.config.get("sandbox"):
            full_reason = "the bundled sandbox is new on every run"
        elif self.config.get("force_full_sync"):
            full_reason = "force_full_sync is set"
        return Roster(
            self.client, Bookmark.read(self.employees_state, self.logger),
            page_size=self.page_size,
            workers=int(self.config.get("max_workers", 8)),
            enabled_statuses=[code.strip().upper()
                              for code in self.config.get("enabled_statuses", ["A"])],
            full_reason=full_reason,
            max_incremental_days=int(self.config.get("incremental_max_days", 30)),
            daily_limit=self.client.pacer.limit(endpoints.MASTER_RECORD).per_day,
            logger=self.logger,
            employees_selected=self.streams["employees"].selected,
        )

    @property
    def employees_state(self) -> dict[str, Any]:
        """The employees stream's state, where the tap keeps its bookmark."""
        bookmarks: dict[str, Any] = self.state.setdefault("bookmarks", {})
        state: dict[str, Any] = bookmarks.setdefault("employees", {})
        return state

    def save_bookmark(self) -> None:
        """Record the roster and today's calls for the next run (in the next STATE)."""
        if "client" in self.__dict__:
            self.roster.save(self.employees_state)

    @classmethod
    def invoke(cls, *args: Any, **kwargs: Any) -> None:
        """End a failed run with the one sentence that says what to do, and exit 1."""
        try:
            super().invoke(*args, **kwargs)
        except ConfigValidationError as exc:
            for error in exc.errors:
                cls.logger.error("%s", error)  # a config mistake: no traceback
            sys.exit(1)
        except PaycomError as exc:
            cls.logger.debug("Traceback of the failure below:", exc_info=True)
            cls.logger.error("%s", exc)
            sys.exit(1)


def _quiet_urllib3() -> None:
    """urllib3's retry warnings repeat what the client already says better."""
    logging.getLogger("urllib3.connectionpool").setLevel(logging.ERROR)


_quiet_urllib3()
