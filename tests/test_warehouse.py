"""``meltano run tap-paycom target-postgres`` into a real PostgreSQL server.

The sandbox runs in this process so tests can mutate it between runs; Meltano runs
the tap against it through the ``prod`` environment, as a real tenant would be run.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tap_paycom.sandbox import Sandbox, ServerLimits
from tap_paycom.sandbox.tenant import DEPARTMENTS, ESTABLISHMENTS, LOCATIONS
from tests.conftest import FAST_LIMITS, REPO
from tests.postgres import Cluster, Postgres, external

TABLES = {"employees": ["employee_code"], "positions": ["position_code"],
          "locations": ["location_id"], "establishments": ["establishment_id"],
          "departments": ["department_code"], "memberships": ["employee_code", "group_type"]}


@pytest.fixture(scope="module")
def postgres() -> Iterator[Postgres]:
    server = external()
    if server is not None:
        yield server
        return
    cluster = Cluster()
    try:
        yield cluster.start()
    finally:
        cluster.stop()


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("warehouse-project")
    text = (REPO / "meltano.yml").read_text().replace("pip_url: -e .\n",
                                                      f"pip_url: -e {REPO}\n")
    (root / "meltano.yml").write_text(text)
    done = _meltano(root, {}, "install")
    assert done.returncode == 0, done.stderr[-3000:]
    return root


def _meltano(project: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items()
            if not k.startswith(("TAP_PAYCOM_", "TARGET_POSTGRES_"))}
    full.update(env)
    meltano = Path(sys.executable).with_name("meltano")
    return subprocess.run([str(meltano), *args], cwd=project, env=full, capture_output=True,
                          text=True, timeout=900, check=False)


class Warehouse:
    """One schema in the server, loaded from one sandbox."""

    def __init__(self, project: Path, postgres: Postgres, sandbox: Sandbox) -> None:
        self.project, self.postgres, self.sandbox = project, postgres, sandbox
        self.schema = f"paycom_{uuid.uuid4().hex[:8]}"

    def sync(self, *, full_refresh: bool = False) -> None:
        """``meltano run`` into this schema; state is kept per schema between runs."""
        env = {**self.postgres.env(),
               "TARGET_POSTGRES_DEFAULT_TARGET_SCHEMA": self.schema,
               "TAP_PAYCOM_BASE_URL": self.sandbox.url,
               "TAP_PAYCOM_SID": self.sandbox.options.sid,
               "TAP_PAYCOM_TOKEN": self.sandbox.options.token,
               "TAP_PAYCOM_RATE_LIMITS": json.dumps(FAST_LIMITS)}
        flags = ["--full-refresh"] if full_refresh else []
        run = _meltano(self.project, env, "--environment=prod", "run",
                       f"--state-id-suffix={self.schema}", *flags, "tap-paycom",
                       "target-postgres")
        assert run.returncode == 0, run.stderr[-4000:]

    def sql(self, statement: str) -> list[tuple[Any, ...]]:
        return self.postgres.query(statement.replace("paycom.", f"{self.schema}."))

    def table(self, name: str) -> list[tuple[Any, ...]]:
        """Every row, without the loader's _sdc_ columns, in key order."""
        columns = [c for (c,) in self.sql(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = "
            f"'{self.schema}' AND table_name = '{name}' ORDER BY column_name")
            if not c.startswith("_sdc_")]
        keys = ", ".join(TABLES[name])
        return self.sql(f"SELECT {', '.join(columns)} FROM paycom.{name} ORDER BY {keys}")


def readme_example(name: str) -> str:
    text = (REPO / "README.md").read_text()
    found = re.search(rf"```sql\n-- example: {name}\n(.*?)```", text, re.S)
    assert found, f"README has no example {name}"
    return found.group(1)


@pytest.fixture
def warehouse(project: Path, postgres: Postgres) -> Iterator[Warehouse]:
    with Sandbox(employees=60, seed=7) as sandbox:
        warehouse = Warehouse(project, postgres, sandbox)
        yield warehouse
        postgres.query(f"DROP SCHEMA IF EXISTS {warehouse.schema} CASCADE")


def expected_memberships(sandbox: Sandbox) -> set[tuple[str, str, str]]:
    rows = set()
    for p in sandbox.tenant.people.values():
        for group_type, group_id in (("position", p.position), ("location", p.location),
                                     ("establishment", p.establishment),
                                     ("department", p.department)):
            if group_id is not None:
                rows.add((p.code, group_type, str(group_id)))
    return rows


def test_six_tables_with_primary_keys_and_the_sandboxs_row_counts(warehouse: Warehouse):
    warehouse.sync()
    tenant = warehouse.sandbox.tenant
    for table, key in TABLES.items():
        columns = warehouse.sql(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
            " AND a.attnum = ANY(i.indkey) WHERE i.indisprimary AND i.indrelid = "
            f"'{warehouse.schema}.{table}'::regclass")
        assert sorted(c for (c,) in columns) == sorted(key), table
    counts = {t: warehouse.sql(f"SELECT count(*) FROM paycom.{t}")[0][0] for t in TABLES}
    assert counts == {
        "employees": len(tenant.people), "positions": len(tenant.positions),
        "locations": len(LOCATIONS), "establishments": len(ESTABLISHMENTS),
        "departments": len({p.department for p in tenant.people.values()}),
        "memberships": len(expected_memberships(warehouse.sandbox)),
    }


def test_the_readmes_joins_answer_what_the_sandbox_says(warehouse: Warehouse):
    warehouse.sync()
    tenant = warehouse.sandbox.tenant
    people = tenant.people

    def group_name(group_type: str, group_id: str) -> str:
        if group_type == "position":
            return tenant.positions[group_id]["title"]
        if group_type == "location":
            return LOCATIONS[int(group_id)]["description"]
        if group_type == "establishment":
            return ESTABLISHMENTS[int(group_id)]["description"]
        return DEPARTMENTS[group_id]

    got = warehouse.sql(readme_example("employee-groups"))
    expected = sorted(
        (code, people[code].email, f"{kind}:{gid}", group_name(kind, gid))
        for code, kind, gid in expected_memberships(warehouse.sandbox))
    assert got == sorted(expected, key=lambda row: (row[0], row[2]))

    managers = warehouse.sql(readme_example("managers"))
    assert managers == [
        (code, "enabled" if p.status == "A" else "disabled", p.manager,
         people[p.manager].email if p.manager else None,
         people[p.manager].email if p.manager else None)
        for code, p in sorted(people.items())]

    by_department = warehouse.sql(readme_example("enabled-by-department"))
    expected_counts = {}
    for p in people.values():
        enabled, total = expected_counts.get(p.department, (0, 0))
        expected_counts[p.department] = (enabled + (p.status == "A"), total + 1)
    assert by_department == [(code, DEPARTMENTS[code], *expected_counts[code])
                             for code in sorted(expected_counts)]


def test_a_second_identical_run_leaves_every_table_identical(warehouse: Warehouse):
    warehouse.sync()
    before = {table: warehouse.table(table) for table in TABLES}
    warehouse.sync()
    assert {table: warehouse.table(table) for table in TABLES} == before


def test_after_mutations_no_stale_membership_or_status(warehouse: Warehouse):
    warehouse.sync()
    tenant = warehouse.sandbox.tenant
    active = [code for code, p in tenant.people.items() if p.status == "A" and code != "A000"]
    leaver, mover, relocated = active[:3]
    new_department = next(d for d in DEPARTMENTS if d != tenant.people[mover].department)
    old_department = tenant.people[mover].department
    tenant.terminate(leaver)
    tenant.update(mover, department=new_department)
    tenant.update(relocated, location=None)  # a membership that ends outright
    warehouse.sync()

    status = dict(warehouse.sql("SELECT employee_code, status || '/' || account_status "
                                "FROM paycom.employees"))
    assert status[leaver] == "terminated/disabled"
    memberships = {tuple(r) for r in warehouse.sql(
        "SELECT employee_code, group_type, group_id FROM paycom.memberships")}
    assert memberships == expected_memberships(warehouse.sandbox)
    assert (mover, "department", new_department) in memberships
    assert (mover, "department", old_department) not in memberships
    assert not [m for m in memberships if m[0] == relocated and m[1] in ("location",
                                                                          "establishment")]
    department_of = dict(warehouse.sql("SELECT employee_code, department_code "
                                       "FROM paycom.employees"))
    assert department_of[mover] == new_department


def master_calls(sandbox: Sandbox, status: int | None = 200) -> list[str]:
    """The eecodes whose master record was requested (optionally with one status)."""
    return [r.route.rsplit("/", 1)[1] for r in sandbox.requests
            if r.endpoint == "employee" and (status is None or r.status == status)]


def mutate(sandbox: Sandbox) -> set[str]:
    """Terminations, moves, a new manager, a manager's new email, and hires.

    Returns who must be fetched again: the changed, the hired, and the reports of the
    manager whose email changed.
    """
    tenant = sandbox.tenant
    people = tenant.people
    active = [c for c, p in people.items() if p.status == "A" and c != "A000"]
    managers = {p.manager for p in people.values() if p.manager}
    manager = next(c for c in active if c in managers)
    others = [c for c in active if c != manager and c not in managers]
    tenant.terminate(others[0])
    tenant.terminate(others[1])
    tenant.update(others[2], department=next(d for d in DEPARTMENTS
                                             if d != people[others[2]].department))
    tenant.update(others[3], position="FIN02")
    tenant.update(others[4], location=1007)
    tenant.update(others[5], manager=manager)
    tenant.update(manager, email="new.address@sandbox-demo.example")
    hired = [tenant.hire("Ada", "Lovelace").code, tenant.hire("Élodie", "Núñez").code]
    reports = {c for c, p in people.items() if p.manager == manager}
    return {*others[:6], manager, *hired, *reports}


def test_incremental_after_mutations_equals_a_fresh_full_sync(project: Path,
                                                               postgres: Postgres):
    with Sandbox(employees=150, seed=11) as sandbox:
        incremental = Warehouse(project, postgres, sandbox)
        fresh = Warehouse(project, postgres, sandbox)
        try:
            incremental.sync()
            assert len(master_calls(sandbox)) == 150
            expected = mutate(sandbox)
            sandbox.reset_log()
            incremental.sync()
            assert sorted(master_calls(sandbox, None)) == sorted(expected)
            assert sandbox.calls("employeechanges") >= 1
            fresh.sync(full_refresh=True)
            for table in TABLES:
                assert incremental.table(table) == fresh.table(table), table
            leaver = next(c for c in expected if sandbox.tenant.people[c].status == "T")
            assert incremental.sql("SELECT account_status FROM paycom.employees WHERE "
                                   f"employee_code = '{leaver}'") == [("disabled",)]
        finally:
            for warehouse in (incremental, fresh):
                postgres.query(f"DROP SCHEMA IF EXISTS {warehouse.schema} CASCADE")


def test_daily_budget_two_runs_emit_each_employee_once_and_equal_one_full_sync(
        project: Path, postgres: Postgres):
    day = ["2026-12-01"]
    limits = ServerLimits(per_day={"employee": 35}, day=lambda: day[0])
    with Sandbox(employees=60, seed=5, limits=limits) as sandbox:
        split = Warehouse(project, postgres, sandbox)
        single = Warehouse(project, postgres, sandbox)
        try:
            split.sync()  # Paycom says the day's budget is spent after 35 calls
            first = split.sql("SELECT count(*) FROM paycom.employees")[0][0]
            assert 0 < first < 60
            day[0] = "2026-12-02"
            split.sync()  # resumes the pass, does not start over
            assert split.sql("SELECT count(*) FROM paycom.employees")[0][0] == 60
            fetched = master_calls(sandbox)
            assert sorted(fetched) == sorted(sandbox.tenant.people)  # each exactly once
            limits.per_day.clear()
            single.sync(full_refresh=True)
            for table in TABLES:
                assert split.table(table) == single.table(table), table
        finally:
            for warehouse in (split, single):
                postgres.query(f"DROP SCHEMA IF EXISTS {warehouse.schema} CASCADE")
