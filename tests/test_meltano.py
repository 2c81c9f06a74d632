"""``meltano run tap-paycom target-jsonl`` in a temporary project, as a user runs it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

EMPLOYEES = 45


def _meltano(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TAP_PAYCOM_")}
    env["TAP_PAYCOM_SANDBOX_EMPLOYEES"] = str(EMPLOYEES)
    meltano = Path(sys.executable).with_name("meltano")
    return subprocess.run([str(meltano), *args], cwd=project, env=env, capture_output=True,
                          text=True, timeout=900, check=False)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("meltano-project")
    text = (REPO / "meltano.yml").read_text()
    assert "pip_url: -e .\n" in text
    (root / "meltano.yml").write_text(text.replace("pip_url: -e .\n", f"pip_url: -e {REPO}\n"))
    installed = _meltano(root, "install")
    assert installed.returncode == 0, installed.stderr[-3000:]
    return root


def _read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_meltano_run_lands_six_files_without_personal_columns(project: Path):
    shutil.rmtree(project / "output", ignore_errors=True)
    run = _meltano(project, "run", "tap-paycom", "target-jsonl")
    assert run.returncode == 0, run.stderr[-3000:]
    files = {path.stem: _read(path) for path in (project / "output").glob("*.jsonl")}
    assert set(files) == {"employees", "positions", "locations", "establishments",
                          "departments", "memberships"}
    assert len(files["employees"]) == EMPLOYEES
    assert len({row["employee_code"] for row in files["employees"]}) == EMPLOYEES
    assert all(files[name] for name in files)
    assert "SYNTHETIC data" in run.stderr
    # meltano.yml's select rule keeps personal columns out; work columns stay.
    first = files["employees"][0]
    assert not [key for key in first if key.startswith("personal_")]
    assert "work_email" in first and "manager_work_email" in first
