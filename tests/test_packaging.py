"""The sdist and wheel build, and the wheel works alone in a fresh virtual environment."""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

from tests.conftest import REPO


def _venv(path: Path) -> Path:
    uv = Path(sys.executable).with_name("uv")
    if uv.exists():
        subprocess.run([str(uv), "venv", "-q", "--python", sys.executable, str(path)],
                       check=True)
    else:
        subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    return path / "bin" / "python"


def _install(python: Path, wheel: Path) -> None:
    uv = Path(sys.executable).with_name("uv")
    command = ([str(uv), "pip", "install", "-q", "--python", str(python), str(wheel)]
               if uv.exists() else [str(python), "-m", "pip", "install", "-q", str(wheel)])
    subprocess.run(command, check=True, timeout=600)


def test_wheel_installed_alone_syncs_the_sandbox(tmp_path: Path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist),
                    str(REPO)], check=True, capture_output=True, timeout=600)
    wheel = next(dist.glob("tap_paycom-*.whl"))
    sdist = next(dist.glob("tap_paycom-*.tar.gz"))
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    for module in ("tap_paycom/tap.py", "tap_paycom/sandbox/server.py",
                   "tap_paycom/sandbox/tenant.py", "tap_paycom/py.typed"):
        assert module in names
    assert not [n for n in names if n.startswith("tests/")]
    with tarfile.open(sdist) as archive:
        assert any(n.endswith("/LICENSE") for n in archive.getnames())

    python = _venv(tmp_path / "venv")
    _install(python, wheel)
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"sandbox": True, "sandbox_employees": 25}))
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    run = subprocess.run([str(python.with_name("tap-paycom")), "--config", str(config)],
                         cwd=workdir, capture_output=True, text=True, timeout=300,
                         check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    employees = [json.loads(line) for line in run.stdout.splitlines()
                 if '"stream":"employees"' in line.replace(" ", "")
                 and '"type":"RECORD"' in line.replace(" ", "")]
    assert len(employees) == 25
    where = subprocess.run([str(python), "-c", "import tap_paycom; print(tap_paycom.__file__)"],
                           cwd=workdir, capture_output=True, text=True, check=True).stdout
    assert str(REPO) not in where  # the installed copy, not the repository
