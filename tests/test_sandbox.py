"""The sandbox itself: its data has Paycom's shape, and its server Paycom's manners."""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter

import pytest

from tap_paycom.sandbox import Sandbox, ServerLimits, Tenant
from tap_paycom.sandbox.tenant import employee_code


def get(sandbox: Sandbox, route: str, *, auth: tuple[str, str] | None = None
        ) -> tuple[int, dict[str, str], dict]:
    sid, token = auth or (sandbox.options.sid, sandbox.options.token)
    request = urllib.request.Request(f"{sandbox.url}/{route}")
    request.add_header("Authorization",
                       "Basic " + base64.b64encode(f"{sid}:{token}".encode()).decode())
    try:
        with urllib.request.urlopen(request) as answer:
            return answer.status, dict(answer.headers), json.load(answer)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.load(error)


def test_tenant_has_paycoms_shape():
    tenant = Tenant(1000, seed=7)
    people = list(tenant.people.values())
    statuses = Counter(p.status for p in people)
    assert 0.08 <= statuses["T"] / len(people) <= 0.12
    assert statuses["V"] and statuses["P"] and statuses["I"]
    assert sum(p.manager is None for p in people) == 1  # one CEO
    for person in people:  # every chain of managers ends at the CEO
        seen, code = set(), person.code
        while tenant.people[code].manager:
            assert code not in seen
            seen.add(code)
            code = tenant.people[code].manager
        assert code == "A000"
    assert any(p.position is None for p in people)
    assert any(p.location is None for p in people)
    assert any(not p.first.isascii() for p in people)
    rows = tenant.establishment_rows()
    in_establishments = sorted(loc for row in rows for loc in row["locationIds"])
    assert len(rows) == 3
    assert in_establishments == sorted(r["locationid"] for r in tenant.location_rows())


def test_raw_records_are_as_loose_as_paycoms():
    tenant = Tenant(30, seed=7)
    master = tenant.master_record(tenant.people["A003"])
    assert isinstance(master["employee_badge"], str) and master["employee_badge"].isdigit()
    assert master["termination_date"] == "0000-00-00" or master["employee_status"] == "T"
    styles = {tenant.master_record(p)["hire_date"][2] for p in tenant.people.values()}
    assert styles >= {"/", "2"}  # 01/31/2020 and 2020-..., with and without a timestamp
    assert any("T00:00:00-05:00" in tenant.master_record(p)["hire_date"]
               for p in tenant.people.values())
    assert len(tenant.directory_row(tenant.people["A003"])) > 40  # cat1..cat20 and descs


def test_employee_codes_are_unique_four_characters():
    codes = [employee_code(i) for i in range(60_000)]
    assert len(set(codes)) == len(codes)
    assert all(len(code) == 4 for code in codes)
    assert codes[1] == "A001"


def test_auth_allow_list_and_enablement(sandbox: Sandbox):
    assert get(sandbox, "api/v1/cl/locations")[0] == 200
    assert get(sandbox, "api/v1/cl/locations", auth=("SANDBOX-SID", "nope"))[0] == 401
    sandbox.options.disabled_endpoints = {"locations"}
    status, _, body = get(sandbox, "api/v1/cl/locations")
    assert status == 413
    assert body["result"] is False and body["errorCount"] == 1
    sandbox.options.allowed_ips = {"198.51.100.1"}
    assert get(sandbox, "api/v1/cl/establishments")[0] == 401


def test_paging_headers_requestid_and_the_500_cap():
    with Sandbox(employees=1200) as sandbox:
        status, headers, body = get(sandbox, "api/v1/employeedirectory?pagesize=900&page=1")
        assert status == 206
        assert len(body["data"]) == 500
        assert headers["X-Max-Page-Size"] == "500"
        assert headers["X-Total-Count"] == "1200"
        request_id = re.search(r"requestid=([0-9a-f]+)", headers["Link"]).group(1)
        assert len(request_id) == 32
        assert 'rel="next"' in headers["Link"] and 'rel="last"' in headers["Link"]
        status, headers, body = get(
            sandbox, f"api/v1/employeedirectory?requestid={request_id}&page=3")
        assert (status, len(body["data"])) == (206, 200)
        assert 'rel="next"' not in headers["Link"]


def test_every_route_in_the_api_notes_answers(sandbox: Sandbox):
    now = int(time.time())
    window = f"startdate={now - 86_400}&enddate={now}"
    for route in ("api/v1/employeedirectory/A001", "api/v1/employeeid?eestatus=T",
                  "api/v1/employee/A001", "api/v1/positions/detail?position_code=ENG01",
                  "api/v1/cl/locations/1001", "api/v1/cl/establishments/2",
                  f"api/v1/employeeids/employeechanges?{window}",
                  f"api/v1.1/employee/A001/change?{window}",
                  f"api/v1/employeenewhire?{window}", "api/v1/employee/A001/customfield",
                  "api/v1/employee/A001/sensitive", "api/v1/employee/A001/tax"):
        status, _, body = get(sandbox, route)
        assert status == 200, route
        assert body["result"] is True, route
    assert get(sandbox, "api/v1/employee/ZZZZ")[0] == 404


def test_change_windows_are_limited_as_paycoms_are(sandbox: Sandbox):
    now = int(time.time())
    eight_days = f"startdate={now - 8 * 86_400}&enddate={now}"
    status, _, body = get(sandbox, f"api/v1.1/employee/A001/change?{eight_days}")
    assert status == 400 and "7 days" in body["errors"][0]
    assert get(sandbox, f"api/v1/employeenewhire?{eight_days}")[0] == 200
    fifteen = f"startdate={now - 15 * 86_400}&enddate={now}"
    assert get(sandbox, f"api/v1/employeenewhire?{fifteen}")[0] == 400


def test_rate_limit_and_daily_budget_answer_429():
    limits = ServerLimits(enabled=True, burst={"locations": 2}, per_second={"locations": 0.01},
                          per_day={"establishments": 1})
    with Sandbox(employees=5, limits=limits) as sandbox:
        assert [get(sandbox, "api/v1/cl/locations")[0] for _ in range(3)] == [200, 200, 429]
        status, headers, _ = get(sandbox, "api/v1/cl/locations")
        assert status == 429 and int(headers["Retry-After"]) >= 1
        assert get(sandbox, "api/v1/cl/establishments")[0] == 200
        status, _, body = get(sandbox, "api/v1/cl/establishments")
        assert status == 429 and "Daily limit" in body["errors"][0]


def test_command_line_sandbox_serves():
    proc = subprocess.Popen([sys.executable, "-m", "tap_paycom.sandbox", "--port", "0",
                             "--employees", "1000", "--seed", "7"],
                            stdout=subprocess.PIPE, text=True)
    try:
        first = proc.stdout.readline()
        assert "serving 1000 employees" in first
        url = first.rsplit(" at ", 1)[1].strip()
        request = urllib.request.Request(f"{url}/api/v1/employee/A001")
        request.add_header("Authorization", "Basic " + base64.b64encode(
            b"SANDBOX-SID:sandbox-demo-token").decode())
        with urllib.request.urlopen(request) as answer:
            assert json.load(answer)["data"][0]["employee_code"] == "A001"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.parametrize("seed", [1, 2])
def test_same_seed_same_data(seed: int):
    first, second = Tenant(50, seed), Tenant(50, seed)
    assert [first.master_record(p) for p in first.people.values()] == [
        second.master_record(p) for p in second.people.values()]


def test_mutations_over_http_for_a_sandbox_in_another_process(sandbox: Sandbox):
    def post(change: dict) -> tuple[int, dict]:
        request = urllib.request.Request(
            f"http://127.0.0.1:{sandbox.port}/_sandbox/mutate",
            data=json.dumps(change).encode(), method="POST")
        try:
            with urllib.request.urlopen(request) as answer:
                return answer.status, json.load(answer)
        except urllib.error.HTTPError as error:
            return error.code, json.load(error)

    assert post({"action": "terminate", "code": "A004"})[0] == 200
    assert sandbox.tenant.people["A004"].status == "T"
    assert post({"action": "update", "code": "A005", "changes": {"department": "HR"}})[0] == 200
    assert sandbox.tenant.people["A005"].department == "HR"
    status, body = post({"action": "hire", "first": "Mary", "last": "Jackson"})
    assert status == 200 and body["data"][0]["code"] in sandbox.tenant.people
    assert post({"action": "explode"})[0] == 400
    now = int(time.time()) + 1
    _, _, changes = get(sandbox, f"api/v1/employeeids/employeechanges?startdate={now - 60}"
                                 f"&enddate={now}")
    assert {row["eecode"] for row in changes["data"]} >= {"A004", "A005"}
