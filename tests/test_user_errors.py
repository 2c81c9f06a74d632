"""Mistakes a person makes: one clear last line, exit 1, and no request where config shows it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tap_paycom.regions import resolve_base_url
from tap_paycom.sandbox import Sandbox
from tests.conftest import run_cli, tap_config

CONFIG_MISTAKES = [
    ({"sandbox": True, "sid": "X", "token": "Y"}, "choose one"),
    ({"token": "Y"}, "sid is not set: copy it from Paycom's API Setup"),
    ({"sid": "X"}, "token is not set: copy it from Paycom's API Setup"),
    ({"sid": "X", "token": "Y", "region": "EU"},
     "Unknown region 'EU': use one of OKC, PHX, DFW"),
    ({"sid": "X", "token": "Y", "page_size": 501}, "page_size 501 is out of range"),
    ({"sid": "X", "token": "Y", "page_size": 0}, "page_size 0 is out of range"),
    ({"sid": "X", "token": "Y", "base_url": "http://paycom.example.com/v4/rest/index.php"},
     "uses plain http to a host that is not loopback"),
    ({"sid": "X", "token": "Y", "enabled_statuses": ["A", "Q"]},
     "enabled_statuses has unknown codes ['Q']"),
]


@pytest.mark.parametrize(("config", "sentence"), CONFIG_MISTAKES)
def test_config_mistakes_fail_before_any_request(sandbox: Sandbox, tmp_path: Path,
                                                 config: dict, sentence: str):
    run = run_cli(config, tmp_path)
    assert run.code == 1
    assert sentence in run.last_line
    assert sandbox.calls() == 0
    assert "Traceback" not in run.stderr


def test_region_is_case_insensitive_and_sets_the_host():
    assert resolve_base_url("phx", None) == (
        "https://api.phx.us-west.paycomonline.net/v4/rest/index.php")
    assert resolve_base_url(None, None).startswith("https://api.paycomonline.net/")


def test_wrong_token_is_401_naming_both_causes(sandbox: Sandbox, tmp_path: Path):
    run = run_cli(tap_config(sandbox, token="wrong-token"), tmp_path)
    assert run.code == 1
    assert "(401): either the SID/token are wrong or this machine's public IP address is " \
           "not on the API user's allow-list" in run.last_line
    assert sandbox.calls(status=401) == 1  # no retry on a 401


def test_ip_not_allow_listed_is_the_same_401(sandbox: Sandbox, tmp_path: Path):
    sandbox.options.allowed_ips = {"203.0.113.7"}
    run = run_cli(tap_config(sandbox), tmp_path)
    assert run.code == 1
    assert "allow-list" in run.last_line


def test_endpoint_not_enabled_names_the_function_enablement_entry(sandbox: Sandbox,
                                                                   tmp_path: Path):
    sandbox.options.disabled_endpoints = {"establishments"}
    run = run_cli(tap_config(sandbox), tmp_path)
    assert run.code == 1
    assert run.last_line.endswith(
        "The endpoint api/v1/cl/establishments is not enabled for this API user (413): switch "
        "on 'Company Establishments' under API Setup > Function Enablement in Paycom, then "
        "rerun.")


def test_persistent_result_false_fails_without_echoing_the_body(sandbox: Sandbox,
                                                                  tmp_path: Path):
    sandbox.faults.script("locations", "result_false", times=3)
    run = run_cli(tap_config(sandbox, retry_max_attempts=3), tmp_path)
    assert run.code == 1
    assert run.last_line.endswith(
        "Paycom answered GET api/v1/cl/locations with a failure (Paycom reported an error, "
        "1 error message(s); set TAP_PAYCOM_LOGLEVEL=DEBUG to see them, masked). If it "
        "persists, check that 'Company Locations' is switched on under API Setup > "
        "Function Enablement.")
    assert "jane.doe" not in run.stderr and "123-45-6789" not in run.stderr
    assert sandbox.calls("locations") == 3
    sandbox.faults.script("locations", "result_false", times=1)
    debug = run_cli(tap_config(sandbox, retry_max_attempts=1), tmp_path,
                    env={"TAP_PAYCOM_LOGLEVEL": "DEBUG"})
    assert debug.code == 1
    assert ("Paycom's errors for GET api/v1/cl/locations (masked): An internal error "
            "occurred for employee A001 (<email>, SSN <number>)") in debug.stderr
    assert "123-45-6789" not in debug.stderr


