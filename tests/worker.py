"""A real Celery worker for tests that claim to check background jobs.

The worker consumes from the configured broker (Redis when REDIS_URL is set,
kombu's filesystem transport otherwise) in a thread of the test process, so
it sees the test database; tests using it commit their data
(``transactional_db``).
"""

import time
import uuid
from pathlib import Path

import pytest

from cchc.models import Job


@pytest.fixture(scope="session", autouse=True)
def _private_celery_queue(tmp_path_factory):
    """Jobs enqueued by this test run go to a queue of its own, so that two
    runs on one machine (or one broker) never take each other's messages."""
    from cchc.celery import app

    app.conf.task_default_queue = f"cchc-test-{uuid.uuid4().hex[:12]}"
    if str(app.conf.broker_url).startswith("filesystem"):
        folder = tmp_path_factory.mktemp("celery")
        options = dict(app.conf.broker_transport_options)
        for key in ("data_folder_in", "data_folder_out"):
            options[key] = str(folder / "queue")
        options["processed_folder"] = str(folder / "processed")
        options["control_folder"] = str(folder / "control")
        for value in set(options.values()) - {False}:
            if isinstance(value, str):
                Path(value).mkdir(parents=True, exist_ok=True)
        app.conf.broker_transport_options = options


@pytest.fixture
def celery_worker(transactional_db):
    from celery.contrib.testing.worker import start_worker

    from cchc.celery import app

    # Messages left by earlier tests point at rows that no longer exist.
    app.control.purge()
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING", shutdown_timeout=30):
        yield app


def wait_for_job(job_id: int, *, timeout: float = 60) -> Job:
    """Poll the job's row until the worker has finished it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = Job.objects.get(pk=job_id)
        if job.is_finished:
            return job
        time.sleep(0.05)
    raise AssertionError(f"Job {job_id} did not finish within {timeout} s (status {job.status}).")
