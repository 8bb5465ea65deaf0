"""Start the test identity provider in its own process and stop it after.

``oidc_provider`` (session-scoped) generates an RSA signing key, prepares a
fresh SQLite database in a temporary folder (``prepare.py``: two users and
the confidential client of cchc), runs the provider with
``django-admin runserver --noreload`` on a free port of 127.0.0.1 and waits
for its discovery document. ``oidc_settings`` points cchc at it."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

BASE_DIR = Path(__file__).resolve().parents[2]
PASSWORD = "mat-khau-mot-cua-1"
KNOWN = {"username": "an.nguyen", "email": "an.nguyen@danang.gov.vn", "password": PASSWORD}
# Known to the provider, unknown to cchc.
STRANGER = {"username": "la.khach", "email": "la.khach@danang.gov.vn", "password": PASSWORD}


@dataclass(frozen=True)
class Provider:
    issuer: str
    client_id: str
    client_secret: str


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _write_key(path: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def _wait_ready(url: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"The identity provider stopped: {log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (our own provider)
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            pass
        time.sleep(0.2)
    pytest.fail(f"The identity provider did not answer in {timeout}s: {log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    folder = tmp_path_factory.mktemp("oidc-provider")
    _write_key(folder / "key.pem")
    client = {"client_id": "cchc-test-client", "client_secret": "cchc-test-secret-0123456789"}
    config = {
        **client,
        "users": [KNOWN, STRANGER],
        # The test client's host, and the live server's (any port on a loopback host).
        "redirect_uris": [
            "http://testserver/oidc/callback/",
            "http://localhost/oidc/callback/",
            "http://127.0.0.1/oidc/callback/",
        ],
    }
    (folder / "config.json").write_text(json.dumps(config))
    env = {
        **os.environ,
        "OP_DIR": str(folder),
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "PYTHONPATH": str(BASE_DIR),
    }
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "tests.oidc_provider.prepare"], cwd=BASE_DIR, env=env, check=True)
    port = _free_port()
    log = folder / "provider.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "django", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    issuer = f"http://127.0.0.1:{port}/o"
    try:
        _wait_ready(f"{issuer}/.well-known/openid-configuration", process, log)
        yield Provider(issuer=issuer, **client)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def oidc_settings(settings, oidc_provider):
    """cchc signs in through the test provider (beside local passwords)."""
    settings.CCHC_OIDC_ISSUER = oidc_provider.issuer
    settings.CCHC_OIDC_CLIENT_ID = oidc_provider.client_id
    settings.CCHC_OIDC_CLIENT_SECRET = oidc_provider.client_secret
    return settings
