"""The six streams against the sandbox: counts, values and joins a user would check."""

from __future__ import annotations

from collections import Counter

import pytest

from tap_paycom.sandbox import Sandbox
from tap_paycom.sandbox.tenant import DEPARTMENTS, ESTABLISHMENTS, LOCATIONS
from tap_paycom.tap import TapPaycom
from tests.conftest import Sync, sync, tap_config

# Written out here rather than imported, so a wrong table in the tap fails the test.
STATUS_NAMES = {"A": "active", "I": "inactive", "T": "terminated", "D": "deceased",
                "R": "retired", "V": "on_leave", "P": "prehire", "N": "not_hired"}


@pytest.fixture
def result(sandbox: Sandbox) -> Sync:
    return sync(tap_config(sandbox))


def test_every_employee_once_with_master_record_fetched_once(sandbox: Sandbox, result: Sync):
    employees = result.by_key("employees")
    assert set(employees) == set(sandbox.tenant.people)
    assert sandbox.calls("employee") == len(sandbox.tenant.people)
    assert sandbox.calls("employeedirectory") == 1


def test_sensitive_routes_are_never_called(sandbox: Sandbox, result: Sync):
    for name in ("sensitive", "tax", "ratesbyallocation", "effectiveratesbyallocation"):
        assert sandbox.calls(name) == 0
    called = {request.endpoint for request in sandbox.requests}
    assert called == {"employeedirectory", "employee", "positions", "locations",
                      "establishments"}


def test_status_normalized_and_account_status_from_enabled_statuses(sandbox: Sandbox,
                                                                    result: Sync):
    employees = result.by_key("employees")
    for code, person in sandbox.tenant.people.items():
        record = employees[code]
        assert record["status_code"] == person.status
        assert record["status"] == STATUS_NAMES[person.status]
        assert record["account_status"] == ("enabled" if person.status == "A" else "disabled")
    assert Counter(r["status"] for r in employees.values())["terminated"] > 0


def test_enabled_statuses_setting_changes_account_status(sandbox: Sandbox):
    employees = sync(tap_config(sandbox, enabled_statuses=["A", "V"])).by_key("employees")
    on_leave = [c for c, p in sandbox.tenant.people.items() if p.status == "V"]
    assert on_leave, "the sandbox should have someone on leave"
    assert all(employees[c]["account_status"] == "enabled" for c in on_leave)


def test_manager_code_and_work_email_joined_from_the_managers_record(sandbox: Sandbox,
                                                                      result: Sync):
    employees = result.by_key("employees")
    people = sandbox.tenant.people
    with_manager = 0
    for code, person in people.items():
        record = employees[code]
        assert record["manager_employee_code"] == person.manager
        expected = people[person.manager].email if person.manager else None
        assert record["manager_work_email"] == expected
        with_manager += bool(expected)
    assert employees["A000"]["manager_employee_code"] is None  # the CEO
    assert with_manager > len(people) // 2


def test_group_keys_match_the_tenant(sandbox: Sandbox, result: Sync):
    employees = result.by_key("employees")
    for code, person in sandbox.tenant.people.items():
        record = employees[code]
        assert record["position_code"] == person.position
        assert record["location_id"] == person.location
        assert record["establishment_id"] == person.establishment
        assert record["department_code"] == person.department
        assert record["department_description"] == DEPARTMENTS[person.department]
        assert record["first_name"] == person.first  # non-ASCII names survive


def test_dates_and_numbers_are_coerced(sandbox: Sandbox, result: Sync):
    employees = result.by_key("employees")
    styles = Counter()
    for code, person in sandbox.tenant.people.items():
        record = employees[code]
        styles[person.date_style] += 1
        assert record["hire_date"] == person.hire.isoformat()
        assert record["termination_date"] == (
            person.termination.isoformat() if person.termination else None)
        assert record["employee_badge"] == person.badge
        assert record["clock_sequence"] == person.clock
        assert record["rehire_date"] is None  # Paycom's 0000-00-00
        assert record["new_hire"] in (True, False)
    assert set(styles) == {"iso", "us", "stamp"}, "every date format should be exercised"


def test_departments_derived_from_employees(sandbox: Sandbox, result: Sync):
    used = {person.department for person in sandbox.tenant.people.values()}
    departments = result.by_key("departments", "department_code")
    assert departments == {code: {"department_code": code,
                                  "department_description": DEPARTMENTS[code]}
                           for code in used}


def test_memberships_one_per_employee_per_assigned_group(sandbox: Sandbox, result: Sync):
    expected = set()
    for person in sandbox.tenant.people.values():
        for group_type, group_id in (("position", person.position),
                                     ("location", person.location),
                                     ("establishment", person.establishment),
                                     ("department", person.department)):
            if group_id is not None:
                expected.add((person.code, group_type, str(group_id), f"{group_type}:{group_id}"))
    rows = result.records("memberships")
    got = {(r["employee_code"], r["group_type"], r["group_id"], r["group_key"]) for r in rows}
    assert got == expected
    assert len(rows) == len(expected)
    unassigned = [p for p in sandbox.tenant.people.values() if p.position is None]
    assert unassigned, "the sandbox should have employees without a position"


def test_group_keys_are_unique_across_types(result: Sync):
    keys = {r["group_key"] for r in result.records("memberships")}
    types = {key.split(":", 1)[0] for key in keys}
    assert types == {"position", "location", "establishment", "department"}
    assert len({key.split(":", 1)[1] for key in keys}) <= len(keys)


def test_positions_locations_establishments(sandbox: Sandbox, result: Sync):
    positions = result.by_key("positions", "position_code")
    assert set(positions) == set(sandbox.tenant.positions)
    first = positions["ENG01"]
    assert first["effective_date"] == "2020-01-01"  # from 01/01/2020
    assert first["position_levels"] == ["1"]
    assert first["dol_status"] == "Full Time"  # Paycom's own misspelt key, dolSatus

    locations = result.by_key("locations", "location_id")
    assert set(locations) == set(LOCATIONS)
    assert locations[1007]["description"] == "Montréal Bureau"
    assert locations[1001]["hiring_site"] is True and locations[1008]["hiring_site"] is False
    assert locations[1001]["hidden"] is False

    establishments = result.by_key("establishments", "establishment_id")
    assert {k: v["location_ids"] for k, v in establishments.items()} == {
        k: v["locations"] for k, v in ESTABLISHMENTS.items()}
    assert establishments[1]["company_headquarters"] is True


def test_every_join_in_the_readme_resolves(result: Sync):
    positions = result.by_key("positions", "position_code")
    locations = result.by_key("locations", "location_id")
    establishments = result.by_key("establishments", "establishment_id")
    departments = result.by_key("departments", "department_code")
    employees = result.by_key("employees")
    targets = {"position": positions, "location": locations,
               "establishment": establishments, "department": departments}
    for row in result.records("memberships"):
        assert row["employee_code"] in employees
        group_id = row["group_id"]
        table = targets[row["group_type"]]
        assert (int(group_id) if row["group_type"] in ("location", "establishment")
                else group_id) in table
    for record in employees.values():
        if record["manager_employee_code"]:
            assert record["manager_employee_code"] in employees


def test_personal_fields_are_in_the_schema_but_not_emitted_by_default(result: Sync):
    catalog = TapPaycom(config={"sandbox": True}).catalog_dict
    entry = next(s for s in catalog["streams"] if s["tap_stream_id"] == "employees")
    personal = [name for name in entry["schema"]["properties"] if name.startswith("personal_")]
    assert "personal_birth_date" in personal and "personal_email" in personal
    marks = {tuple(m["breadcrumb"]): m["metadata"] for m in entry["metadata"]}
    assert all(marks[("properties", name)]["selected-by-default"] is False for name in personal)
    assert marks[("properties", "work_email")].get("selected-by-default", True) is True
    for record in result.records("employees"):
        assert not [key for key in record if key.startswith("personal_")]


def test_personal_fields_can_be_selected_explicitly(sandbox: Sandbox):
    catalog = TapPaycom(config={"sandbox": True}).catalog_dict
    for entry in catalog["streams"]:
        for item in entry["metadata"]:
            if item["breadcrumb"] in ([], ["properties", "personal_birth_date"]):
                item["metadata"]["selected"] = True
    employees = sync(tap_config(sandbox), catalog=catalog).by_key("employees")
    for code, person in sandbox.tenant.people.items():
        assert employees[code]["personal_birth_date"] == person.birth.isoformat()
        assert "personal_email" not in employees[code]


def test_unknown_tenant_fields_do_not_crash_and_are_named(sandbox: Sandbox,
                                                          caplog: pytest.LogCaptureFixture):
    sandbox.tenant.people["A003"].extras["brand_new_paycom_field"] = {"nested": [1, 2]}
    employees = sync(tap_config(sandbox)).by_key("employees")
    assert "brand_new_paycom_field" not in employees["A003"]
    assert "brand_new_paycom_field" in caplog.text
    assert "tenant_custom_badge_color" in caplog.text


def test_activate_version_follows_each_streams_last_record(result: Sync):
    for stream in ("employees", "memberships", "positions"):
        kinds = [(m["type"], m.get("version")) for m in result.messages
                 if m.get("stream") == stream and m["type"] in ("RECORD", "ACTIVATE_VERSION")]
        assert kinds[-1][0] == "ACTIVATE_VERSION"
        assert {kind for kind, _ in kinds[:-1]} == {"RECORD"}
        assert {version for _, version in kinds} == {kinds[-1][1]}  # records carry it too


def test_activate_version_follows_stream_map_aliases(sandbox: Sandbox):
    result = sync(tap_config(sandbox, stream_maps={"departments": {"__alias__": "depts"}}))
    streams = {(m["type"], m.get("stream")) for m in result.messages
               if m.get("stream") in ("departments", "depts")}
    assert streams == {("SCHEMA", "depts"), ("RECORD", "depts"), ("ACTIVATE_VERSION", "depts")}
