"""Faults while jobs run, for real: a worker's pool process SIGKILLed in the
middle of a render, the whole worker SIGKILLed and started again,
PostgreSQL restarted, Redis restarted. Every job completes on its automatic
retry, with no second number and no second file.

Everything runs in processes of its own: a throw-away PostgreSQL cluster and
redis-server (``tests/servers.py``; never the machine's shared ones), the
data made by ``tests/cchc/fault_scenario.py``, and ``celery worker`` with
the prefork pool as in production. The test reads the rows with psycopg2.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from types import SimpleNamespace

import psycopg2
import pytest
import redis

from tests.servers import (
    ROOT,
    PostgresCluster,
    RedisServer,
    WorkerProcess,
    require_servers,
    temporary_folder,
    wait_until,
)

pytestmark = pytest.mark.worker

TEMPLATE = "cchc_faults_template"
PASSWORD = "mật-khẩu-thử"
INSPECTIONS = 2


@pytest.fixture(scope="module")
def servers():
    require_servers()
    folder = temporary_folder("cchc-faults-")
    cluster = PostgresCluster(folder / "pg")
    (folder / "pg").mkdir()
    redis_folder = folder / "redis"
    redis_folder.mkdir()
    redis_server = RedisServer(redis_folder)
    try:
        cluster.init()
        cluster.start()
        redis_server.start()
        url = cluster.create_database(TEMPLATE)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "--skip-checks", "-v0"],
            cwd=ROOT,
            env=_base_env(DATABASE_URL=url, CCHC_VAR_DIR=str(folder / "var")),
            check=True,
            timeout=120,
        )
        from demo.certificate import create_demo_certificate

        p12, root = create_demo_certificate(
            directory=folder,
            organisation="UBND tỉnh Quảng Nam",
            password=PASSWORD,
            root_key_path=folder / "demo-root-key.pem",
        )
        yield SimpleNamespace(folder=folder, cluster=cluster, redis=redis_server, p12=p12, root=root)
    finally:
        redis_server.stop()
        try:
            cluster.stop("immediate")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(folder, ignore_errors=True)


def _base_env(**values) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "MEDIA_ROOT", "CCHC_VAR_DIR", "DEBUG"}
    }
    env.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")
    env.update(values)
    return env


class Installation:
    """One test's database (a copy of the migrated template), media folder
    and environment, on the module's servers."""

    def __init__(self, servers, **extra_env):
        self.servers = servers
        name = f"cchc_faults_{uuid.uuid4().hex[:8]}"
        self.folder = servers.folder / name
        self.media = self.folder / "media"
        self.media.mkdir(parents=True)
        self.database = name
        self._sql_admin(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE}"')
        redis.Redis(port=servers.redis.port).flushall()
        self.env = _base_env(
            DATABASE_URL=servers.cluster.url(name),
            REDIS_URL=servers.redis.url,
            MEDIA_ROOT=str(self.media),
            CCHC_VAR_DIR=str(self.folder / "var"),
            CCHC_SIGNING_P12=str(servers.p12),
            CCHC_SIGNING_P12_PASSWORD=PASSWORD,
            CCHC_SIGNING_P12_DIR=str(self.folder / "bodies"),
            CCHC_TRUSTED_ROOTS=str(servers.root),
            # Short connection lifetimes and no pooling surprises after a restart.
            DB_CONN_MAX_AGE="0",
            **extra_env,
        )
        self.workers: list[WorkerProcess] = []

    def _sql_admin(self, statement: str) -> None:
        connection = psycopg2.connect(
            host="127.0.0.1", port=self.servers.cluster.port, user="postgres", dbname="postgres"
        )
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(statement)
        connection.close()

    def scenario(self, command: str) -> list[int]:
        done = subprocess.run(
            [sys.executable, "-m", "tests.cchc.fault_scenario", command, str(INSPECTIONS)],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        )
        return json.loads(done.stdout.strip().splitlines()[-1])["jobs"]

    def worker(self) -> WorkerProcess:
        worker = WorkerProcess(env=self.env, log=self.folder / "worker.log")
        worker.start()
        self.workers.append(worker)
        return worker

    def query(self, sql: str, *params):
        """Rows of ``sql``; ``None`` while the database is out of reach."""
        try:
            connection = psycopg2.connect(
                host="127.0.0.1",
                port=self.servers.cluster.port,
                user="postgres",
                dbname=self.database,
                connect_timeout=2,
            )
        except psycopg2.OperationalError:
            return None
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()
        finally:
            connection.close()

    def job(self, job_id: int) -> dict | None:
        rows = self.query("SELECT status, attempts, progress_done, error FROM cchc_job WHERE id = %s", job_id)
        if not rows:
            return None
        status, attempts, done, error = rows[0]
        return {"status": status, "attempts": attempts, "done": done, "error": error}

    def rendering(self) -> bool:
        """A document has its number and no issued file yet: the job is in
        the middle of its render."""
        rows = self.query(
            "SELECT count(*) FROM cchc_officialdocument WHERE number IS NOT NULL AND issued_file = ''"
        )
        return bool(rows and rows[0][0])

    def wait_finished(self, job_id: int, timeout: float = 60) -> dict:
        def finished():
            job = self.job(job_id)
            return job if job and job["status"] in ("succeeded", "failed") else None

        try:
            return wait_until(finished, timeout=timeout, what=f"job {job_id}", interval=0.2)
        except AssertionError:
            raise AssertionError(f"{self.job(job_id)}\n{self.log()}") from None

    def log(self) -> str:
        path = self.folder / "worker.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def close(self) -> None:
        for worker in self.workers:
            worker.kill()  # the test is over: no need to wait for a warm shutdown

    def assert_each_document_once(self) -> None:
        """One number per document, numbers 1..n with no gap, and exactly
        the issued and signed files the rows name, their hashes as
        recorded: nothing rendered twice, nothing left over."""
        documents = self.query(
            "SELECT number, issued_file, issued_sha256, signed_file, signed_sha256, status"
            " FROM cchc_officialdocument ORDER BY number"
        )
        assert [row[0] for row in documents] == list(range(1, INSPECTIONS + 1))
        assert {row[5] for row in documents} == {"signed"}
        (last,) = self.query("SELECT max(last_number) FROM cchc_numberregister")[0]
        assert last == INSPECTIONS
        named = {}
        for _number, issued, issued_sha, signed, signed_sha, _status in documents:
            named[issued] = issued_sha
            named[signed] = signed_sha
        stored = {
            str(path.relative_to(self.media)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in self.media.rglob("*")
            if path.is_file()
        }
        assert stored == named


@pytest.fixture
def installation(servers):
    made = []

    def make(**extra_env) -> Installation:
        made.append(Installation(servers, **extra_env))
        return made[-1]

    yield make
    for item in made:
        item.close()


def _wait_mid_render(site: Installation, job_id: int, *, done: int = 1) -> None:
    """Until the job runs, has finished ``done`` notices and is rendering
    the next (numbered, no file yet)."""

    def mid_render():
        job = site.job(job_id) or {}
        return job.get("status") == "running" and job["done"] >= done and site.rendering()

    wait_until(
        mid_render,
        timeout=60,
        what="the second render to start",
        interval=0.01,
    )


def test_a_pool_process_killed_in_the_middle_of_a_render_runs_the_job_again(installation):
    site = installation()
    worker = site.worker()  # starts while the data is made
    (job_id,) = site.scenario("plan")
    _wait_mid_render(site, job_id)
    (child,) = worker.children()
    os.kill(child, signal.SIGKILL)

    job = site.wait_finished(job_id)
    assert job["status"] == "succeeded", job["error"]
    assert job["attempts"] == 2
    assert "SIGKILL" in site.log()
    site.assert_each_document_once()


def test_a_worker_killed_whole_hands_its_job_to_the_next_worker(installation):
    site = installation(CCHC_BROKER_VISIBILITY_TIMEOUT="1")
    worker = site.worker()  # starts while the data is made
    (job_id,) = site.scenario("plan")
    _wait_mid_render(site, job_id)
    worker.kill()
    assert site.job(job_id)["status"] == "running"
    # The message of a job taken by a dead worker comes back once its
    # visibility timeout has passed; a worker starting then takes it.
    time.sleep(1.5)
    site.worker()

    job = site.wait_finished(job_id)
    assert job["status"] == "succeeded", job["error"]
    assert job["attempts"] == 2
    site.assert_each_document_once()


def test_postgresql_restarted_while_jobs_run(installation, servers):
    site = installation()
    site.worker()
    jobs = site.scenario("notices")
    _wait_mid_render(site, jobs[0], done=0)
    servers.cluster.stop("fast")
    time.sleep(1)
    servers.cluster.start()

    finished = [site.wait_finished(job_id) for job_id in jobs]
    assert [job["status"] for job in finished] == ["succeeded"] * len(jobs), finished
    assert finished[0]["attempts"] >= 2  # the one that was running was retried
    site.assert_each_document_once()


def test_redis_restarted_while_jobs_run(installation, servers):
    site = installation()
    site.worker()
    jobs = site.scenario("notices")
    _wait_mid_render(site, jobs[0], done=0)
    servers.redis.stop()
    time.sleep(1)
    servers.redis.start()

    finished = [site.wait_finished(job_id) for job_id in jobs]
    assert [job["status"] for job in finished] == ["succeeded"] * len(jobs), finished
    site.assert_each_document_once()
