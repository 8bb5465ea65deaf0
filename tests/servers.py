"""Throw-away servers for the fault tests: a PostgreSQL cluster, a Redis
server and Celery worker processes of their own, which the tests stop, kill
and restart for real. The machine's shared PostgreSQL (5432) and Redis
(6379) are never touched.

The cluster is made with the machine's PostgreSQL binaries
(``/usr/lib/postgresql/<version>/bin``); run as root (CI), it belongs to
the ``postgres`` user, as PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(check, *, timeout: float, what: str, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout} s waiting for {what}.")


def _postgres_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    return found[-1].parent if found else None


@dataclass
class PostgresCluster:
    """A PostgreSQL cluster in a temporary folder, on a free port."""

    folder: Path
    port: int = field(default_factory=free_port)

    def __post_init__(self):
        self.bin = _postgres_bin()
        self.data = self.folder / "data"
        self.log = self.folder / "postgres.log"

    def _run(self, *args: str) -> None:
        as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*as_postgres, *args], check=True, capture_output=True, timeout=60)

    def init(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
        self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
            "--no-sync", "-E", "UTF8", "--locale=C.UTF-8",
        )  # fmt: skip

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        pg_ctl = str(self.bin / "pg_ctl")
        self._run(pg_ctl, "-D", str(self.data), "-l", str(self.log), "-w", "-o", options, "start")

    def stop(self, mode: str = "fast") -> None:
        """``fast`` ends every session at once, as a restart by the
        administrator or the service manager does."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def create_database(self, name: str) -> str:
        import psycopg2

        connection = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres")
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        connection.close()
        return self.url(name)

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"


@dataclass
class RedisServer:
    """A redis-server on a free port, keeping its data in an append-only
    file as production does (docker-compose.yml), so that a restart keeps
    the queue."""

    folder: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder),
                "--appendonly", "yes", "--appendfsync", "always", "--save", "",
                "--logfile", str(self.folder / "redis.log"),
            ],
        )  # fmt: skip
        wait_until(self.ping, timeout=10, what="redis-server")

    def ping(self) -> bool:
        import redis

        try:
            return redis.Redis(port=self.port, socket_timeout=0.5).ping()
        except redis.exceptions.ConnectionError:
            return False

    def stop(self) -> None:
        """SIGTERM: Redis writes what it holds and ends, as on a restart."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@dataclass
class WorkerProcess:
    """``celery -A cchc worker`` with the prefork pool, as production runs
    it (bin/docker-entrypoint), in a process of its own."""

    env: dict
    log: Path
    process: subprocess.Popen | None = None

    def start(self) -> None:
        handle = self.log.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "cchc", "worker", "--pool", "prefork",
                "--concurrency", "1", "--loglevel", "INFO", "--without-gossip", "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT, env=self.env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip

    def children(self) -> list[int]:
        """The pool processes (where the jobs run)."""
        children = []
        for path in Path(f"/proc/{self.process.pid}/task").glob("*/children"):
            try:
                children += [int(pid) for pid in path.read_text().split()]
            except FileNotFoundError:  # the thread ended meanwhile
                continue
        return children

    def kill(self) -> None:
        """SIGKILL the worker and its pool: nothing is cleaned up."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


def require_servers() -> None:
    """Skip where the machine has no PostgreSQL binaries or redis-server
    (CI and the development machines have both; CI sets
    ``CCHC_FAULT_TESTS_REQUIRED`` so that they fail there instead)."""
    if _postgres_bin() is None or shutil.which("redis-server") is None:
        reason = "needs PostgreSQL's binaries (/usr/lib/postgresql/*/bin) and redis-server"
        if os.environ.get("CCHC_FAULT_TESTS_REQUIRED"):  # .ci/run: never skipped there
            pytest.fail(reason)
        pytest.skip(reason)


def temporary_folder(prefix: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    folder.chmod(0o755)
    return folder
