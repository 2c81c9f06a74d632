"""Faults Paycom and the network produce: nothing lost, nothing emitted twice, all explained."""

from __future__ import annotations

from pathlib import Path

import pytest

from tap_paycom import endpoints, errors
from tap_paycom.regions import REGIONS
from tap_paycom.sandbox import FaultPlan, Sandbox
from tap_paycom.sandbox.faults import PERSONAL
from tests.conftest import Sync, run_cli, sync, tap_config

KEYS = {"employees": ("employee_code",), "positions": ("position_code",),
        "locations": ("location_id",), "establishments": ("establishment_id",),
        "departments": ("department_code",), "memberships": ("employee_code", "group_type")}


def keyed(result: Sync) -> dict[str, dict[tuple, dict]]:
    """Each stream's records by primary key; fails if any key repeats."""
    tables = {}
    for stream, key in KEYS.items():
        rows = result.records(stream)
        table = {tuple(row[k] for k in key): row for row in rows}
        assert len(table) == len(rows), f"{stream} emitted a primary key twice"
        tables[stream] = table
    return tables


def parse(stdout: str) -> Sync:
    import json

    return Sync([json.loads(line) for line in stdout.splitlines()])


@pytest.fixture
def baseline(sandbox: Sandbox) -> dict[str, dict[tuple, dict]]:
    clean = keyed(sync(tap_config(sandbox, page_size=10)))
    sandbox.reset_log()
    return clean


SCRIPTED = [
    ("employee", "error_5xx", 2),
    ("employee", "reset", 2),
    ("employeedirectory", "truncated", 1),
    ("positions", "result_false", 1),
    ("locations", "slow", 1),
    ("establishments", "rate_limited", 1),
    ("employee", "rate_limited_no_retry_after", 4),
    ("employeedirectory", "page_twice", 3),
    ("employeedirectory", "link_past_last", 6),
    ("employeedirectory", "total_mismatch", 1),
    ("employeedirectory", "repeat_row", 6),
]


@pytest.mark.parametrize(("endpoint", "kind", "times"), SCRIPTED,
                         ids=[f"{kind}-{endpoint}" for endpoint, kind, _ in SCRIPTED])
def test_transient_fault_changes_nothing(sandbox: Sandbox, baseline: dict, endpoint: str,
                                         kind: str, times: int):
    sandbox.faults.slow_seconds = 1.0
    sandbox.faults.script(endpoint, kind, times=times)
    result = sync(tap_config(sandbox, page_size=10, request_timeout=0.3))
    assert keyed(result) == baseline
    assert [k for _, k in sandbox.faults.injected] == [kind] * times


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_ten_percent_random_faults_emit_the_fault_free_records(
        sandbox: Sandbox, baseline: dict, tmp_path: Path, seed: int):
    sandbox.faults = FaultPlan(rate=0.10, seed=seed, slow_seconds=1.0)
    run = run_cli(tap_config(sandbox, page_size=10, request_timeout=0.3,
                             retry_max_attempts=8), tmp_path)
    assert run.code == 0, run.stderr[-3000:]
    assert keyed(parse(run.stdout)) == baseline
    assert len(sandbox.faults.injected) >= 5
    assert PERSONAL not in run.stderr


@pytest.mark.parametrize(("kind", "cause"), [
    ("error_5xx", "503 Service Unavailable"),
    ("reset", "ConnectionError"),
    ("slow", "ReadTimeout"),
    ("truncated", "a truncated or non-JSON body"),
])
def test_when_retries_run_out_one_sentence_names_endpoint_and_cause_and_a_rerun_completes(
        sandbox: Sandbox, tmp_path: Path, kind: str, cause: str):
    sandbox.faults.slow_seconds = 1.0
    sandbox.faults.script("establishments", kind, times=3)
    config = tap_config(sandbox, retry_max_attempts=3, request_timeout=0.3)
    run = run_cli(config, tmp_path)
    assert run.code == 1
    assert run.last_line.endswith(
        f"Paycom's api/v1/cl/establishments kept failing ({cause}) after 3 attempts: Paycom "
        "or the network may be down; rerun later (nothing was lost, the next run starts the "
        "sync again).")
    assert "123-45-6789" not in run.stderr and "jane.doe" not in run.stderr
    rerun = run_cli(config, tmp_path)
    assert rerun.code == 0
    assert len(parse(rerun.stdout).records("establishments")) == 3


def test_a_master_record_that_404s_is_emitted_from_the_directory(
        sandbox: Sandbox, caplog: pytest.LogCaptureFixture):
    sandbox.tenant.missing_master.add("A005")
    person = sandbox.tenant.people["A005"]
    employees = sync(tap_config(sandbox)).by_key("employees")
    assert set(employees) == set(sandbox.tenant.people)
    record = employees["A005"]
    assert (record["first_name"], record["department_code"]) == (person.first,
                                                                 person.department)
    assert record["status_code"] == person.status
    assert record["work_email"] is None  # only the master record has it
    assert "Employee A005 is in the directory but Paycom has no master record" in caplog.text


def test_malformed_dates_unknown_fields_and_long_values(sandbox: Sandbox,
                                                        caplog: pytest.LogCaptureFixture):
    touched = sandbox.tenant.inject_data_faults(6, seed=3)
    employees = sync(tap_config(sandbox)).by_key("employees")
    assert set(employees) == set(sandbox.tenant.people)
    with_master = touched[:-1]
    for code in with_master:
        assert employees[code]["hire_date"] is None
        title = employees[code]["business_title"]
        assert title.startswith("Ingénieure principale — très ") and len(title) > 2000
    assert "value(s) of hire_date could not be read (expected a date" in caplog.text
    assert "tenant_field_added_this_year" in caplog.text
    assert "31/31/2021" not in caplog.text  # values are never logged


def test_no_stream_repeats_a_key_when_paycom_repeats_rows(sandbox: Sandbox,
                                                          caplog: pytest.LogCaptureFixture):
    sandbox.faults.script("employeedirectory", "repeat_row", times=6)
    sandbox.faults.script("locations", "repeat_row", times=8)
    keyed(sync(tap_config(sandbox, page_size=10)))
    keyed(sync(tap_config(sandbox, page_size=1)))
    assert "Paycom sent 5 row(s) more than once" in caplog.text


def test_a_list_shorter_than_paycom_says_is_emitted_but_deletes_nothing(
        sandbox: Sandbox, caplog: pytest.LogCaptureFixture):
    sandbox.faults.script("employeedirectory", "total_mismatch")
    result = sync(tap_config(sandbox, page_size=10))
    assert len(result.records("employees")) == 60
    assert "X-Total-Count said 67 rows but 60 distinct ones arrived" in caplog.text
    activated = {m["stream"] for m in result.messages if m["type"] == "ACTIVATE_VERSION"}
    assert activated == {"positions", "locations", "establishments"}


def test_an_empty_page_before_the_last_is_asked_again_then_fails_the_run(
        sandbox: Sandbox, tmp_path: Path):
    sandbox.faults.script("employeedirectory", "empty_page", times=4)
    run = run_cli(tap_config(sandbox, page_size=10, retry_max_attempts=3), tmp_path)
    assert run.code == 1
    assert "with 206" not in run.last_line
    assert run.last_line.endswith(
        "Paycom served page 2 of api/v1/employeedirectory empty although the list has 6 "
        "pages 3 times, so the list cannot be read completely: rerun later (nothing was "
        "deleted downstream).")
    assert '"type":"ACTIVATE_VERSION","stream":"employees"' not in run.stdout.replace(" ", "")
    sandbox.faults.script("employeedirectory", "empty_page", times=2)
    assert len(sync(tap_config(sandbox, page_size=10)).records("employees")) == 60


def test_a_401_at_a_regional_host_suggests_the_other_regions():
    message = errors.unauthorized(endpoints.DIRECTORY, REGIONS["PHX"])
    assert message.endswith("try region OKC or DFW.")
    assert "allow-list" in message
