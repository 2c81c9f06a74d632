"""Incremental syncs from Paycom's change log, fallbacks, and the daily budget."""

from __future__ import annotations

import time

import pytest

from tap_paycom.sandbox import Sandbox, ServerLimits
from tests.conftest import FAST_LIMITS, Sync, sync, tap_config


def master_calls(sandbox: Sandbox) -> list[str]:
    return [r.route.rsplit("/", 1)[1] for r in sandbox.requests if r.endpoint == "employee"]


def memberships(result: Sync) -> set[tuple[str, str, str]]:
    return {(r["employee_code"], r["group_type"], r["group_id"])
            for r in result.records("memberships")}


def kinds(result: Sync, stream: str) -> list[str]:
    return [m["type"] for m in result.messages if m.get("stream") == stream
            and m["type"] in ("RECORD", "ACTIVATE_VERSION")]


@pytest.fixture
def first(sandbox: Sandbox) -> Sync:
    result = sync(tap_config(sandbox))
    sandbox.reset_log()
    return result


def test_a_run_with_nothing_changed_fetches_no_master_record(sandbox: Sandbox, first: Sync):
    second = sync(tap_config(sandbox), state=first.state)
    assert master_calls(sandbox) == []
    assert second.records("employees") == []
    assert "ACTIVATE_VERSION" not in kinds(second, "employees")  # unchanged rows stay
    assert memberships(second) == memberships(first)  # everyone's, from the bookmark
    assert kinds(second, "memberships")[-1] == "ACTIVATE_VERSION"
    assert second.records("departments") == first.records("departments")
    assert {r.endpoint for r in sandbox.requests} == {
        "employeedirectory", "employeechanges", "employeenewhire", "positions",
        "locations", "establishments"}
    assert sandbox.calls("employeechanges") == 1 and sandbox.calls("employeenewhire") == 1


def test_changed_and_new_employees_only(sandbox: Sandbox, first: Sync):
    tenant = sandbox.tenant
    tenant.terminate("A013")
    tenant.update("A021", department="LEGAL")
    tenant.update("A034", location=1005)
    hired = tenant.hire("Grace", "Hopper", department="IT").code
    started = int(time.time())
    second = sync(tap_config(sandbox), state=first.state)
    assert sorted(master_calls(sandbox)) == sorted(["A013", "A021", "A034", hired])
    employees = second.by_key("employees")
    assert set(employees) == {"A013", "A021", "A034", hired}
    assert employees["A013"]["status"] == "terminated"
    assert employees[hired]["manager_work_email"] == tenant.people["A000"].email
    got = memberships(second)
    assert ("A021", "department", "LEGAL") in got
    assert ("A034", "location", "1005") in got and ("A034", "establishment", "2") in got
    assert (hired, "department", "IT") in got
    assert len({m[0] for m in got}) == len(tenant.people)
    bookmark = second.state["bookmarks"]["employees"]["paycom"]["changes_since"]
    assert started - 600 <= bookmark <= started - 600 + 2  # this run's start, less the overlap


def test_a_managers_new_email_reaches_the_reports(sandbox: Sandbox, first: Sync):
    tenant = sandbox.tenant
    reports = sorted(c for c, p in tenant.people.items() if p.manager == "A002")
    assert reports
    tenant.update("A002", email="a002.new@sandbox-demo.example")
    second = sync(tap_config(sandbox), state=first.state)
    assert sorted(master_calls(sandbox)) == sorted(["A002", *reports])
    employees = second.by_key("employees")
    assert all(employees[c]["manager_work_email"] == "a002.new@sandbox-demo.example"
               for c in reports)


def test_long_gaps_are_read_in_windows_paycom_accepts(sandbox: Sandbox, first: Sync):
    state = first.state
    state["bookmarks"]["employees"]["paycom"]["changes_since"] = int(time.time()) - 20 * 86400
    sync(tap_config(sandbox), state=state)
    assert sandbox.calls("employeechanges") == 3  # 7-day windows
    assert sandbox.calls("employeenewhire") == 2  # 14-day windows
    assert sandbox.calls(status=400) == 0
    assert master_calls(sandbox) == []


def test_a_bookmark_older_than_the_bound_means_a_full_sync(sandbox: Sandbox, first: Sync,
                                                          caplog: pytest.LogCaptureFixture):
    state = first.state
    state["bookmarks"]["employees"]["paycom"]["changes_since"] = int(time.time()) - 9 * 86400
    sync(tap_config(sandbox, incremental_max_days=7), state=state)
    assert len(master_calls(sandbox)) == 60
    assert sandbox.calls("employeechanges") == 0
    assert "full sync (the last sync is more than 7 days old)" in caplog.text


def test_force_full_sync(sandbox: Sandbox, first: Sync):
    second = sync(tap_config(sandbox, force_full_sync=True), state=first.state)
    assert len(master_calls(sandbox)) == 60
    assert kinds(second, "employees")[-1] == "ACTIVATE_VERSION"


def test_change_log_not_enabled_says_so_once_and_syncs_in_full(
        sandbox: Sandbox, first: Sync, caplog: pytest.LogCaptureFixture):
    sandbox.options.disabled_endpoints = {"employeechanges"}
    second = sync(tap_config(sandbox), state=first.state)
    assert len(second.records("employees")) == 60
    assert caplog.text.count("switch on 'Employee Changes' under API Setup > Function "
                             "Enablement to sync only what changed") == 1


def test_without_the_new_hire_log_new_employees_come_from_the_directory(sandbox: Sandbox,
                                                                       first: Sync):
    sandbox.options.disabled_endpoints = {"employeenewhire"}
    hired = sandbox.tenant.hire("Katherine", "Johnson").code
    second = sync(tap_config(sandbox), state=first.state)
    assert master_calls(sandbox) == [hired]
    assert [r["employee_code"] for r in second.records("employees")] == [hired]


def test_an_employee_gone_from_the_directory_means_a_full_sync(sandbox: Sandbox, first: Sync):
    del sandbox.tenant.people["A044"]
    second = sync(tap_config(sandbox), state=first.state)
    assert len(second.records("employees")) == 59
    assert kinds(second, "employees")[-1] == "ACTIVATE_VERSION"  # so A044's row goes


def test_the_sandbox_setting_always_syncs_in_full():
    config = {"sandbox": True, "sandbox_employees": 30, "rate_limits": FAST_LIMITS}
    first = sync(config)
    second = sync(config, state=first.state)
    assert len(second.records("employees")) == 30


def test_the_daily_budget_the_tap_knows_splits_a_pass_and_resumes_it(sandbox: Sandbox):
    limits = {**FAST_LIMITS, "employee": {**FAST_LIMITS["employee"], "per_day": 25}}
    config = tap_config(sandbox, rate_limits=limits)
    runs = [sync(config)]
    assert len(runs[0].records("employees")) == 25
    assert "ACTIVATE_VERSION" not in kinds(runs[0], "employees")
    saved = runs[0].state["bookmarks"]["employees"]["paycom"]
    assert saved["pass"] and saved["calls"]["counts"]["employee"] == 25
    runs.append(sync(config, state=runs[0].state))  # the same day: nothing left to spend
    assert runs[1].records("employees") == []
    for previous in runs[-1:]:
        previous.state["bookmarks"]["employees"]["paycom"]["calls"]["day"] = "2000-01-01"
    while len(runs) < 6 and runs[-1].state["bookmarks"]["employees"]["paycom"]["pass"]:
        runs.append(sync(config, state=runs[-1].state))
        runs[-1].state["bookmarks"]["employees"]["paycom"]["calls"]["day"] = "2000-01-01"
    emitted = [r["employee_code"] for run in runs for r in run.records("employees")]
    assert sorted(emitted) == sorted(sandbox.tenant.people)  # every employee exactly once
    assert sorted(master_calls(sandbox)) == sorted(sandbox.tenant.people)
    assert kinds(runs[-1], "employees")[-1] == "ACTIVATE_VERSION"
    versions = {m["version"] for run in runs for m in run.messages
                if m.get("stream") == "employees" and m["type"] == "RECORD"}
    assert len(versions) == 1  # one pass, one version, across runs


def test_paycoms_daily_429_stops_cleanly_and_the_next_day_resumes(tmp_path):
    day = ["2026-11-30"]
    limits = ServerLimits(per_day={"employee": 30}, day=lambda: day[0])
    with Sandbox(employees=60, limits=limits) as sandbox:
        first = sync(tap_config(sandbox))
        emitted = [r["employee_code"] for r in first.records("employees")]
        assert 0 < len(emitted) <= 30
        day[0] = "2026-12-01"
        second = sync(tap_config(sandbox), state=first.state)
        emitted += [r["employee_code"] for r in second.records("employees")]
        assert sorted(emitted) == sorted(sandbox.tenant.people)
        ok = [r.route for r in sandbox.requests if r.endpoint == "employee" and r.status == 200]
        assert len(ok) == 60  # nothing fetched twice


def _next_day(result: Sync) -> dict:
    state = result.state
    state["bookmarks"]["employees"]["paycom"]["calls"]["day"] = "2000-01-01"
    return state


def test_a_managers_new_email_reaches_reports_even_if_a_run_stopped_first(sandbox: Sandbox):
    first = sync(tap_config(sandbox))
    reports = sorted(c for c, p in sandbox.tenant.people.items() if p.manager == "A002")
    sandbox.tenant.update("A002", email="a002.new@sandbox-demo.example")
    limits = {**FAST_LIMITS, "employee": {**FAST_LIMITS["employee"], "per_day": 61}}
    config = tap_config(sandbox, rate_limits=limits)
    second = sync(config, state=first.state)  # the budget allows only A002 today
    assert [r["employee_code"] for r in second.records("employees")] == ["A002"]
    third = sync(config, state=_next_day(second))
    emitted = third.by_key("employees")
    assert sorted(emitted) == reports
    assert {emitted[c]["manager_work_email"] for c in reports} == {
        "a002.new@sandbox-demo.example"}


def test_an_incremental_sync_cut_by_the_budget_goes_on_where_it_stopped(sandbox: Sandbox):
    first = sync(tap_config(sandbox))
    changed = [f"A0{n}" for n in range(10, 20)]
    for code in changed:
        sandbox.tenant.update(code, department="LEGAL")
    limits = {**FAST_LIMITS, "employee": {**FAST_LIMITS["employee"], "per_day": 5}}
    config = tap_config(sandbox, rate_limits=limits)
    sandbox.reset_log()
    second = sync(config, state=_next_day(first))
    assert master_calls(sandbox) and len(master_calls(sandbox)) == 5
    third = sync(config, state=_next_day(second))
    assert sorted(master_calls(sandbox)) == changed  # the other five, not the same again
    assert third.state["bookmarks"]["employees"]["paycom"]["pass"] is None


def test_someone_leaving_during_an_interrupted_pass_restarts_it(sandbox: Sandbox):
    limits = {**FAST_LIMITS, "employee": {**FAST_LIMITS["employee"], "per_day": 40}}
    config = tap_config(sandbox, rate_limits=limits)
    runs = [sync(config)]
    del sandbox.tenant.people["A005"]  # emitted by the first run of the pass
    while runs[-1].state["bookmarks"]["employees"]["paycom"]["pass"] and len(runs) < 6:
        runs.append(sync(config, state=_next_day(runs[-1])))
    last = runs[-1]
    assert kinds(last, "employees")[-1] == "ACTIVATE_VERSION"
    version = next(m["version"] for m in last.messages if m["type"] == "ACTIVATE_VERSION"
                   and m["stream"] == "employees")
    first_version = runs[0].records("employees") and next(
        m["version"] for m in runs[0].messages if m["type"] == "RECORD")
    assert version > first_version  # a new pass, so A005's old row is dropped downstream
    codes = {r["employee_code"] for run in runs[1:] for r in run.records("employees")}
    assert codes == set(sandbox.tenant.people)


def test_memberships_alone_do_not_move_the_employees_bookmark(sandbox: Sandbox):
    from tap_paycom.tap import TapPaycom

    catalog = TapPaycom(config=tap_config(sandbox)).catalog_dict
    for entry in catalog["streams"]:
        for item in entry["metadata"]:
            if item["breadcrumb"] == []:
                item["metadata"]["selected"] = entry["tap_stream_id"] != "employees"
    only = sync(tap_config(sandbox), catalog=catalog)
    assert only.records("employees") == [] and len(memberships(only)) > 60
    full = sync(tap_config(sandbox), state=only.state)
    assert len(full.records("employees")) == 60


def test_most_master_records_missing_is_a_configuration_error(sandbox: Sandbox, tmp_path):
    from tests.conftest import run_cli

    sandbox.tenant.missing_master.update(list(sandbox.tenant.people)[:40])
    run = run_cli(tap_config(sandbox), tmp_path)
    assert run.code == 1
    assert "Paycom answered 404 for 40 of 60 master records: check that base_url" in \
        run.last_line


def test_a_passing_404_keeps_memberships_and_is_fetched_again(sandbox: Sandbox, first: Sync):
    sandbox.tenant.missing_master.add("A007")
    sandbox.tenant.update("A007", department="HR")  # so the incremental run asks for it
    second = sync(tap_config(sandbox), state=first.state)
    assert memberships(second) >= {m for m in memberships(first)
                                   if m[0] == "A007" and m[1] != "department"}
    sandbox.tenant.missing_master.clear()
    sandbox.reset_log()
    sync(tap_config(sandbox), state=second.state)
    assert master_calls(sandbox) == ["A007"]
