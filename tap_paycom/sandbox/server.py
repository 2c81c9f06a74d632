"""An HTTP server on loopback that answers like Paycom's REST API.

It checks the client IP against an allow-list (401), Basic credentials (401) and
per-endpoint enablement (413); applies Paycom's per-endpoint limits and daily
budgets (429) when asked; pages large lists with 206, ``Link`` (Paycom's own
irregular spelling by default), ``X-Total-Count`` and ``X-Max-Page-Size``, under
a ``requestid`` that pins the snapshot being paged; and keeps a request log that
tests read to prove what the tap did and did not call.
"""

from __future__ import annotations

import base64
import json
import random
import re
import socket
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tap_paycom import endpoints
from tap_paycom.endpoints import Endpoint
from tap_paycom.sandbox.faults import RESET, Fault, FaultPlan
from tap_paycom.sandbox.limits import ServerLimits, retry_after_header
from tap_paycom.sandbox.tenant import Person, Tenant

BASE_PATH = "/v4/rest/index.php"
SANDBOX_SID = "SANDBOX-SID"
SANDBOX_TOKEN = "sandbox-demo-token"  # noqa: S105 - a public demo credential
MAX_PAGE_SIZE = 500
SNAPSHOTS_KEPT = 16
WINDOW_DAYS = {"change": 7, "employeenewhire": 14}


class ApiError(Exception):
    """An answer other than success, with Paycom-style envelope errors."""

    def __init__(self, status: int, message: str,
                 headers: dict[str, str] | None = None) -> None:
        """Status, one error string, extra headers."""
        super().__init__(message)
        self.status = status
        self.headers = headers or {}


@dataclass
class Listing:
    """A list answer: the items to page and how to render one."""

    items: list[Any]
    render: Callable[[Any], dict[str, Any]]
    paged: bool = True


@dataclass
class LoggedRequest:
    """One request as the sandbox saw it."""

    route: str
    endpoint: str | None
    status: int
    query: dict[str, str]
    client: str
    at: float


@dataclass
class SandboxOptions:
    """Everything a test or the command line may change, live."""

    sid: str = SANDBOX_SID
    token: str = SANDBOX_TOKEN
    allowed_ips: set[str] = field(default_factory=lambda: {"127.0.0.1", "::1"})
    disabled_endpoints: set[str] = field(default_factory=set)
    default_page_size: int = 100
    last_page_status: int = 206
    irregular_links: bool = True
    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    retry_after: bool = True


@dataclass
class _Snapshot:
    items: list[Any]
    render: Callable[[Any], dict[str, Any]]
    size: int


class Sandbox:
    """The sandbox server; ``start()`` binds a free loopback port unless told one."""

    def __init__(self, tenant: Tenant | None = None, *, employees: int = 300, seed: int = 7,
                 options: SandboxOptions | None = None, limits: ServerLimits | None = None,
                 faults: FaultPlan | None = None) -> None:
        """Build the tenant now; serve nothing until ``start``."""
        self.tenant = tenant or Tenant(employees, seed)
        self.options = options or SandboxOptions()
        self.limits = limits or ServerLimits()
        self.faults = faults or FaultPlan()
        self.requests: list[LoggedRequest] = []
        self._log_lock = threading.Lock()
        self._snapshots: dict[str, _Snapshot] = {}
        self._snapshot_lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._routes = self._build_routes()

    # --- lifecycle ----------------------------------------------------------------
    def start(self, host: str = "127.0.0.1", port: int = 0) -> Sandbox:
        """Serve in a daemon thread; returns self so ``Sandbox().start()`` reads well."""
        server = _Server((host, port), _Handler)
        server.sandbox = self  # type: ignore[attr-defined]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name="paycom-sandbox",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and free the port."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Sandbox:
        """Start if not started."""
        return self if self._server else self.start()

    def __exit__(self, *exc: object) -> None:
        """Stop."""
        self.stop()

    @property
    def port(self) -> int:
        """The bound port."""
        assert self._server is not None, "the sandbox is not started"
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """The base URL to give the tap (``base_url``)."""
        return f"http://127.0.0.1:{self.port}{BASE_PATH}"

    # --- what tests read ----------------------------------------------------------
    def calls(self, endpoint: str | None = None, status: int | None = None) -> int:
        """How many requests hit an endpoint (by name), optionally with one status."""
        with self._log_lock:
            return sum(1 for r in self.requests
                       if (endpoint is None or r.endpoint == endpoint)
                       and (status is None or r.status == status))

    def stats(self) -> dict[str, Any]:
        """Requests and statuses per endpoint, for tests and the benchmark."""
        with self._log_lock:
            by_endpoint = Counter(r.endpoint or "(none)" for r in self.requests)
            by_status = Counter(f"{r.endpoint or '(none)'} {r.status}" for r in self.requests)
        return {"requests": dict(by_endpoint), "statuses": dict(by_status)}

    def mutate(self, change: dict[str, Any]) -> dict[str, Any]:
        """Apply one mutation given as JSON (for a sandbox in another process).

        ``{"action": "terminate", "code": "A012"}``,
        ``{"action": "update", "code": "A012", "changes": {"department": "HR"}}``,
        ``{"action": "hire", "first": "Ada", "last": "Lovelace"}``.
        """
        action = change.get("action")
        if action == "terminate":
            person = self.tenant.terminate(change["code"])
        elif action == "update":
            person = self.tenant.update(change["code"], **change.get("changes", {}))
        elif action == "hire":
            person = self.tenant.hire(change["first"], change["last"],
                                      department=change.get("department", "ENG"))
        else:
            raise ValueError(f"unknown action: {action!r}")
        return {"code": person.code}

    def reset_log(self) -> None:
        """Forget logged requests (between phases of a test)."""
        with self._log_lock:
            self.requests.clear()

    def _log(self, entry: LoggedRequest) -> None:
        with self._log_lock:
            self.requests.append(entry)

    # --- routing ------------------------------------------------------------------
    def _build_routes(self) -> list[tuple[re.Pattern[str], Endpoint, Callable[..., Any]]]:
        tenant = self.tenant
        e = endpoints
        table: list[tuple[str, Endpoint, Callable[..., Any]]] = [
            (r"api/v1/employeedirectory", e.DIRECTORY, self._directory),
            (r"api/v1/employeedirectory/(?P<eecode>[^/]+)", e.DIRECTORY, self._directory),
            (r"api/v1/employeeid", e.EMPLOYEE_IDS, self._employee_ids),
            (r"api/v1/employeeid/(?P<eecode>[^/]+)", e.EMPLOYEE_IDS, self._employee_ids),
            (r"api/v1/employee/(?P<eecode>[^/]+)", e.MASTER_RECORD, self._master),
            (r"api/v1/employee/(?P<eecode>[^/]+)/customfield", e.CUSTOM_FIELDS,
             self._custom_fields),
            (r"api/v1/positions/detail", e.POSITIONS, self._positions),
            (r"api/v1/cl/locations", e.LOCATIONS,
             lambda query, **kw: self._group(tenant.location_rows(), "locationid", **kw)),
            (r"api/v1/cl/locations/(?P<item>[^/]+)", e.LOCATIONS,
             lambda query, **kw: self._group(tenant.location_rows(), "locationid", **kw)),
            (r"api/v1/cl/establishments", e.ESTABLISHMENTS,
             lambda query, **kw: self._group(tenant.establishment_rows(), "establishmentid",
                                             **kw)),
            (r"api/v1/cl/establishments/(?P<item>[^/]+)", e.ESTABLISHMENTS,
             lambda query, **kw: self._group(tenant.establishment_rows(), "establishmentid",
                                             **kw)),
            (r"api/v1/employeeids/employeechanges", e.EMPLOYEE_CHANGES, self._changes),
            (r"api/v1\.1/employee/(?P<eecode>[^/]+)/change", e.CHANGE_LOG, self._change_log),
            (r"api/v1/employeenewhire", e.NEW_HIRES, self._new_hires),
            (r"api/v1/employeenewhire/(?P<eecode>[^/]+)", e.NEW_HIRES, self._new_hires),
        ]
        for sensitive in e.SENSITIVE:
            pattern = sensitive.path.replace("{eecode}", "(?P<eecode>[^/]+)")
            table.append((pattern, sensitive, self._sensitive))
        return [(re.compile(pattern + "$"), endpoint, handler)
                for pattern, endpoint, handler in table]

    def match(self, route: str) -> tuple[Endpoint, Callable[..., Any], dict[str, str]] | None:
        """The endpoint and handler for a route under the base path."""
        for pattern, endpoint, handler in self._routes:
            found = pattern.match(route)
            if found:
                return endpoint, handler, found.groupdict()
        return None

    # --- handlers: each returns a Listing or a list of rows -------------------------
    def _person(self, code: str) -> Person:
        person = self.tenant.people.get(code)
        if person is None:
            raise ApiError(404, "Employee not found")
        return person

    def _directory(self, query: dict[str, str], eecode: str | None = None) -> Any:
        if eecode:
            return [self.tenant.directory_row(self._person(eecode))]
        return Listing(list(self.tenant.people.values()), self.tenant.directory_row)

    def _employee_ids(self, query: dict[str, str], eecode: str | None = None) -> Any:
        def ids(person: Person) -> dict[str, Any]:
            return {"eecode": person.code, "eebadge": str(person.badge),
                    "clockseq": str(person.clock), "firstname": person.first,
                    "middlename": person.middle, "lastname": person.last}
        if eecode:
            return [ids(self._person(eecode))]
        people = [p for p in self.tenant.people.values()
                  if not query.get("eestatus") or p.status == query["eestatus"]]
        return Listing(people, ids)

    def _master(self, query: dict[str, str], eecode: str) -> Any:
        if eecode in self.tenant.missing_master:
            raise ApiError(404, "Employee not found")
        return [self.tenant.master_record(self._person(eecode))]

    def _custom_fields(self, query: dict[str, str], eecode: str) -> Any:
        person = self._person(eecode)
        return [{"CustomText01": {"description": "T-shirt size", "value": "M"},
                 "CustomSelect01": {"description": "Remote", "value": "Yes"
                                    if person.location == 1008 else "No"}}]

    def _positions(self, query: dict[str, str]) -> Any:
        rows = self.tenant.position_rows()
        if query.get("position_code"):
            rows = [row for row in rows if row["positionCode"] == query["position_code"]]
        return Listing(rows, dict, paged=False)

    def _group(self, rows: list[dict[str, Any]], key: str, item: str | None = None) -> Any:
        if item:
            found = [row for row in rows if str(row[key]) == item]
            if not found:
                raise ApiError(404, "Record not found")
            return found
        return Listing(rows, dict)

    def _sensitive(self, query: dict[str, str], eecode: str) -> Any:
        person = self._person(eecode)
        return [{"employee_code": person.code, "ssn": "000-00-0000",
                 "bank_routing": "000000000", "rate": "0.00"}]

    def _window(self, query: dict[str, str], max_days: int | None) -> tuple[float, float]:
        try:
            start, end = float(query["startdate"]), float(query["enddate"])
        except (KeyError, ValueError):
            raise ApiError(400, "startdate and enddate (UNIX seconds) are required") from None
        if end < start:
            raise ApiError(400, "enddate is before startdate")
        if max_days is not None and end - start > max_days * 86_400:
            raise ApiError(400, f"The date range cannot exceed {max_days} days")
        return start, end

    def _changes(self, query: dict[str, str]) -> Any:
        start, end = self._window(query, None)
        with self.tenant.lock:
            counts = Counter(c.code for c in self.tenant.changes if start <= c.at <= end)
        rows = [{"eecode": code, "changescount": str(count)} for code, count in counts.items()]
        return Listing(rows, dict)

    def _change_log(self, query: dict[str, str], eecode: str) -> Any:
        start, end = self._window(query, WINDOW_DAYS["change"])
        self._person(eecode)
        with self.tenant.lock:
            entries = [c for c in self.tenant.changes
                       if c.code == eecode and start <= c.at <= end]
        return [{"eecode": c.code, "field": c.field, "oldvalue": c.old, "newvalue": c.new,
                 "changetime": _paycom_time(c.at)} for c in entries]

    def _new_hires(self, query: dict[str, str], eecode: str | None = None) -> Any:
        start, end = self._window(query, WINDOW_DAYS["employeenewhire"])
        with self.tenant.lock:
            hires = [(code, at) for code, at in self.tenant.hires
                     if start <= at <= end and (eecode is None or code == eecode)
                     and code in self.tenant.people]
        rows = [{"addedby": "SANDBOX", "eecode": code,
                 "eename": self.tenant.directory_row(self._person(code))["eename"],
                 "timeadded": _paycom_time(at), "usertype": "Client"} for code, at in hires]
        return rows if eecode else Listing(rows, dict)

    # --- paging ---------------------------------------------------------------------
    def page(self, listing: Listing, query: dict[str, str], link_base: str,
             fault: Fault | None = None) -> tuple[int, list[dict[str, Any]], dict[str, str], int]:
        """Status, rows, headers and total for one page of a listing."""
        snapshot, request_id = self._snapshot(listing, query)
        kind = fault.kind if fault else None
        total = len(snapshot.items)
        try:
            number = max(1, int(query.get("page", "1")))
        except ValueError:
            raise ApiError(400, "page must be a number") from None
        if not listing.paged or total <= snapshot.size:
            rows = [snapshot.render(item) for item in snapshot.items] if number == 1 else []
            return 200, rows, {"X-Total-Count": str(total)}, total
        size, last = snapshot.size, -(-total // snapshot.size)
        served = number - 1 if kind == "page_twice" and number > 1 else number
        chunk = snapshot.items[(served - 1) * size: served * size]
        if kind == "repeat_row" and number > 1 and chunk:
            chunk = [snapshot.items[(number - 1) * size - 1], *chunk]
        if kind == "empty_page" and number > 1:
            chunk = []
        rows = [snapshot.render(item) for item in chunk]
        if number > last:
            status = 200
        elif number == last:
            status = self.options.last_page_status
        else:
            status = 206
        claimed_last = last + 1 if kind == "link_past_last" else last
        headers = {
            "X-Total-Count": str(total + 7 if kind == "total_mismatch" else total),
            "X-Max-Page-Size": str(MAX_PAGE_SIZE),
            "Link": self._link_header(link_base, request_id, number, claimed_last),
        }
        if kind == "link_past_last" and number == last:
            status = 206
        return status, rows, headers, total

    def _snapshot(self, listing: Listing, query: dict[str, str]) -> tuple[_Snapshot, str]:
        with self._snapshot_lock:
            request_id = query.get("requestid", "")
            snapshot = self._snapshots.get(request_id)
            if snapshot is None:
                try:
                    size = int(query.get("pagesize", self.options.default_page_size))
                except ValueError:
                    raise ApiError(400, "pagesize must be a number") from None
                size = min(max(size, 1), MAX_PAGE_SIZE)
                request_id = uuid.uuid4().hex
                snapshot = _Snapshot(listing.items, listing.render, size)
                self._snapshots[request_id] = snapshot
                while len(self._snapshots) > SNAPSHOTS_KEPT:
                    self._snapshots.pop(next(iter(self._snapshots)))
            return snapshot, request_id

    def _link_header(self, base: str, request_id: str, number: int, last: int) -> str:
        def link(page: int, rel: str) -> str:
            return f'<{base}?requestid={request_id}&page={page}>; rel="{rel}"'
        parts = [link(1, "first")]
        if number > 1:
            parts.append(link(min(number - 1, last), "prev"))
        if number < last:
            parts.append(link(number + 1, "next"))
        parts.append(link(last, "last"))
        header = ", ".join(parts)
        if self.options.irregular_links:
            header = header[1:] + ","  # Paycom's sample: the first '<' missing, a trailing ','
        return header

    # --- one request ------------------------------------------------------------------
    def respond(self, route: str, query: dict[str, str], client: str,
                authorization: str | None, host: str) -> tuple[int, dict[str, str], bytes]:
        """The whole answer to one GET; logged whatever it is."""
        matched = self.match(route)
        endpoint = matched[0] if matched else None
        status, headers, body = self._answer(matched, route, query, client, authorization, host)
        self._log(LoggedRequest(route, endpoint.name if endpoint else None, status, query,
                                client, time.time()))
        return status, headers, body

    def _answer(self, matched: Any, route: str, query: dict[str, str], client: str,
                authorization: str | None, host: str) -> tuple[int, dict[str, str], bytes]:
        try:
            if client not in self.options.allowed_ips:
                raise ApiError(401, "Unauthorized")
            if authorization != _basic(self.options.sid, self.options.token):
                raise ApiError(401, "Unauthorized")
            if matched is None:
                raise ApiError(404, "Route not found")
            endpoint, handler, params = matched
            if endpoint.name in self.options.disabled_endpoints:
                raise ApiError(413, "This function is not enabled for the API user")
            verdict = self.limits.check(endpoint)
            if not verdict.allowed:
                if verdict.daily:
                    raise ApiError(429, f"Daily limit of {self.limits.daily_limit(endpoint)} "
                                   f"calls for {endpoint.name} has been reached")
                extra = ({"Retry-After": retry_after_header(verdict.retry_after)}
                         if self.options.retry_after else {})
                raise ApiError(429, "Too many requests", extra)
            self._delay()
            fault = self.faults.pick(endpoint, route)
            if fault is not None and fault.before:
                return fault.answer()
            result = handler(query, **params)
            if isinstance(result, Listing):
                status, rows, headers, total = self.page(
                    result, query, f"http://{host}{BASE_PATH}/{route}", fault)
            else:
                status, rows, headers, total = 200, result, {}, len(result)
            answer = status, headers, _envelope(rows, total)
            return fault.transform(answer) if fault is not None else answer
        except ApiError as exc:
            body = json.dumps({"result": False, "data": [], "errors": [str(exc)],
                               "errorCount": 1, "records": 0}).encode()
            return exc.status, exc.headers, body

    def _delay(self) -> None:
        latency = self.options.latency_ms
        if self.options.jitter_ms:
            latency += random.uniform(-self.options.jitter_ms, self.options.jitter_ms)  # noqa: S311
        if latency > 0:
            time.sleep(latency / 1000 / self.limits.time_scale)


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def _envelope(rows: Iterable[dict[str, Any]], total: int) -> bytes:
    data = list(rows)
    return json.dumps({"result": True, "data": data, "errors": [], "errorCount": 0,
                       "records": total}, ensure_ascii=False).encode()


def _paycom_time(at: float) -> str:
    moment = datetime.fromtimestamp(at, tz=timezone.utc).astimezone()
    return moment.replace(microsecond=0).isoformat()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up (after a timeout or a reset fault) is not an error."""
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionError, OSError)):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "PaycomSandbox/1.0"

    def setup(self) -> None:
        """Turn off Nagle's algorithm.

        Headers and body go out as separate writes; with Nagle, delayed ACKs would
        add 40 ms to every keep-alive request.
        """
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:
        sandbox: Sandbox = self.server.sandbox  # type: ignore[attr-defined]
        parts = urlsplit(self.path)
        query = dict(parse_qsl(parts.query))
        if parts.path == "/_sandbox/stats":
            self._send(200, {}, json.dumps(sandbox.stats()).encode())
            return
        if not parts.path.startswith(BASE_PATH + "/"):
            self._send(404, {}, b'{"result": false, "data": [], "errors": ["Not found"],'
                                b' "errorCount": 1}')
            return
        route = parts.path[len(BASE_PATH) + 1:]
        status, headers, body = sandbox.respond(
            route, query, self.client_address[0], self.headers.get("Authorization"),
            self.headers.get("Host", f"127.0.0.1:{sandbox.port}"),
        )
        self._send(status, headers, body)

    def do_POST(self) -> None:
        """``/_sandbox/mutate``: change the tenant from another process (the benchmark)."""
        sandbox: Sandbox = self.server.sandbox  # type: ignore[attr-defined]
        if urlsplit(self.path).path != "/_sandbox/mutate":
            self._send(404, {}, b'{"result": false, "errors": ["Not found"]}')
            return
        length = int(self.headers.get("Content-Length", "0"))
        try:
            answer = sandbox.mutate(json.loads(self.rfile.read(length)))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            self._send(400, {}, json.dumps({"result": False, "errors": [str(exc)]}).encode())
            return
        self._send(200, {}, json.dumps({"result": True, "data": [answer]}).encode())

    def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
        if status == RESET:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the sandbox keeps its own request log."""
