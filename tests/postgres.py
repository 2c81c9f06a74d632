"""A real PostgreSQL server on loopback for the warehouse tests.

Uses a server named by ``TAP_PAYCOM_TEST_PG_HOST`` (GitHub Actions' service
container) or starts a throwaway cluster with the first binaries it finds: on
``PATH``, in Debian's ``/usr/lib/postgresql/*/bin``, or bundled by the ``pgserver``
wheel (a dev dependency, so a machine with only Python has them). PostgreSQL
refuses to run as root, so under root the cluster runs as ``nobody``.
"""

from __future__ import annotations

import glob
import importlib.util
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg


@dataclass
class Postgres:
    """Where the server is, and a way to query it."""

    host: str
    port: int
    user: str
    password: str
    database: str

    def env(self) -> dict[str, str]:
        """target-postgres settings as Meltano environment variables."""
        return {"TARGET_POSTGRES_HOST": self.host, "TARGET_POSTGRES_PORT": str(self.port),
                "TARGET_POSTGRES_USER": self.user, "TARGET_POSTGRES_PASSWORD": self.password,
                "TARGET_POSTGRES_DATABASE": self.database}

    def connect(self) -> psycopg.Connection[Any]:
        return psycopg.connect(host=self.host, port=self.port, user=self.user,
                               password=self.password, dbname=self.database, autocommit=True)

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        with self.connect() as connection:
            cursor = connection.execute(sql, params)
            return cursor.fetchall() if cursor.description else []


def _bindir() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    debian = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if debian:
        return Path(debian[-1]).parent
    spec = importlib.util.find_spec("pgserver")
    if spec and spec.origin:
        bundled = Path(spec.origin).parent / "pginstall" / "bin"
        if (bundled / "pg_ctl").exists():
            return bundled
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Cluster:
    """A temporary cluster: ``start()`` returns a ``Postgres``, ``stop()`` removes it."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="tap-paycom-pg-"))
        self.data = self.root / "data"
        self.bindir = _bindir()
        self.port = _free_port()
        self._as_nobody: Callable[[], None] | None = None
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            os.chown(self.root, nobody.pw_uid, nobody.pw_gid)
            self.root.chmod(0o755)

            def demote() -> None:
                os.setgid(nobody.pw_gid)
                os.setuid(nobody.pw_uid)

            self._as_nobody = demote

    def _run(self, *args: str) -> None:
        assert self.bindir is not None
        subprocess.run([str(self.bindir / args[0]), *args[1:]], check=True,
                       capture_output=True, preexec_fn=self._as_nobody, cwd=self.root,
                       env={**os.environ, "LC_ALL": "C.UTF-8"}, timeout=120)

    def start(self) -> Postgres:
        if self.bindir is None:
            raise RuntimeError("no PostgreSQL binaries: install postgresql or pgserver")
        self._run("initdb", "-D", str(self.data), "-U", "tester", "--auth=trust",
                  "-E", "UTF8", "--no-sync")
        self._run("pg_ctl", "-D", str(self.data), "-w", "-l", str(self.root / "log"),
                  "-o", f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
                  "-c fsync=off -c full_page_writes=off", "start")
        server = Postgres("127.0.0.1", self.port, "tester", "unused", "postgres")
        with server.connect() as connection:
            connection.execute("CREATE DATABASE paycom")
        server.database = "paycom"
        return server

    def stop(self) -> None:
        if self.data.exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


def external() -> Postgres | None:
    """A server given by the environment (CI service containers), if any."""
    host = os.environ.get("TAP_PAYCOM_TEST_PG_HOST")
    if not host:
        return None
    return Postgres(host, int(os.environ.get("TAP_PAYCOM_TEST_PG_PORT", "5432")),
                    os.environ.get("TAP_PAYCOM_TEST_PG_USER", "postgres"),
                    os.environ.get("TAP_PAYCOM_TEST_PG_PASSWORD", "postgres"),
                    os.environ.get("TAP_PAYCOM_TEST_PG_DATABASE", "postgres"))
