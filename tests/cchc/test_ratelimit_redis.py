"""The per-address rate limits hold across web processes (issue 15): two
processes that share the cache (a real Redis, as in production, where
gunicorn runs several workers) count one address's requests together, on
the login form and the public verification page. With a per-process cache
each would let the full limit through.

Uses its own Redis database (``CCHC_RATELIMIT_TEST_REDIS_URL``, by default
``redis://127.0.0.1:6379/7``); skipped when no Redis answers there, except
where ``CCHC_FAULT_TESTS_REQUIRED`` is set (CI), where it fails instead."""

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("CCHC_RATELIMIT_TEST_REDIS_URL", "redis://127.0.0.1:6379/7")
LIMIT = 7
PER_PROCESS = 6


@pytest.fixture
def redis_url():
    import redis

    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
        client.ping()
    except redis.RedisError as error:
        reason = f"needs a Redis at {REDIS_URL} ({error})"
        if os.environ.get("CCHC_FAULT_TESTS_REQUIRED"):
            pytest.fail(reason)
        pytest.skip(reason)
    yield REDIS_URL
    for key in client.scan_iter("*ratelimit:*"):
        client.delete(key)


def _env(redis_url: str, var_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        REDIS_URL=redis_url,
        DJANGO_SETTINGS_MODULE="cchc.settings",
        CCHC_RATE_LIMIT_LOGIN_PER_MINUTE=str(LIMIT),
        CCHC_RATE_LIMIT_VERIFY_PER_MINUTE=str(LIMIT),
        CCHC_VAR_DIR=str(var_dir),
    )
    return env


def _two_processes(redis_url: str, method: str, path: str, var_dir: Path) -> list[dict]:
    # The limits count in fixed one-minute windows: start well inside one.
    if time.time() % 60 > 45:
        time.sleep(61 - time.time() % 60)
    address = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.7"
    command = [sys.executable, "-m", "tests.cchc.ratelimit_process"]
    processes = [
        subprocess.Popen(
            [*command, address, method, path, str(PER_PROCESS)],
            cwd=ROOT,
            env=_env(redis_url, var_dir),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


@pytest.mark.parametrize(("method", "path"), [("POST", "/login/"), ("GET", "/verify/ABCDEFGHJK/")])
def test_the_limit_holds_across_two_processes_sharing_redis(redis_url, method, path, tmp_path):
    results = _two_processes(redis_url, method, path, tmp_path / "var")

    # The settings use Redis as the cache when REDIS_URL is set.
    assert {r["backend"] for r in results} == {"django.core.cache.backends.redis.RedisCache"}
    statuses = [status for r in results for status in r["statuses"]]
    assert len(statuses) == 2 * PER_PROCESS
    # Each process alone stays under the limit; together they pass it, and
    # exactly the limit gets through.
    assert PER_PROCESS < LIMIT < 2 * PER_PROCESS
    assert statuses.count(200) == LIMIT
    assert statuses.count(429) == 2 * PER_PROCESS - LIMIT
