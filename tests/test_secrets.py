"""The token never reaches stdout (records, state), stderr, or any log level."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from tap_paycom.auth import PaycomAuth
from tap_paycom.sandbox import Sandbox
from tests.conftest import run_cli, tap_config

TOKEN = "tok-3f9a1c7e-SECRET-b24d"


def _forms(sid: str, token: str) -> list[str]:
    pair = f"{sid}:{token}".encode()
    return [token, base64.b64encode(pair).decode(), base64.b64encode(token.encode()).decode()]


@pytest.mark.parametrize("level", ["INFO", "DEBUG"])
def test_token_absent_from_a_sync_with_retries(sandbox: Sandbox, tmp_path: Path, level: str):
    sandbox.options.token = TOKEN
    sandbox.faults.script("employee", "error_5xx", times=2)
    sandbox.faults.script("locations", "rate_limited", times=1)
    run = run_cli(tap_config(sandbox, token=TOKEN), tmp_path,
                  env={"TAP_PAYCOM_LOGLEVEL": level})
    assert run.code == 0, run.stderr[-2000:]
    assert '"type":"RECORD"' in run.stdout.replace(" ", "")
    assert "retrying" in run.stderr
    for secret in _forms(sandbox.options.sid, TOKEN):
        assert secret not in run.stdout
        assert secret not in run.stderr


def test_a_wrong_token_is_not_echoed_in_the_error(sandbox: Sandbox, tmp_path: Path):
    wrong = "tok-WRONG-7d1e-do-not-print"
    run = run_cli(tap_config(sandbox, token=wrong), tmp_path,
                  env={"TAP_PAYCOM_LOGLEVEL": "DEBUG"})
    assert run.code == 1
    assert "401" in run.last_line
    for secret in _forms(sandbox.options.sid, wrong):
        assert secret not in run.stdout + run.stderr


def test_the_authenticator_hides_the_token_in_its_repr():
    auth = PaycomAuth("SID1", TOKEN)
    assert TOKEN not in repr(auth) and "SID1" in repr(auth)
    assert TOKEN not in str(vars(auth))
