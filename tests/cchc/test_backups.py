"""Backups: ``manage.py backup`` of an installation with a signed notice,
then ``manage.py restore`` into a second, empty installation (a database of
its own: ``cchc_restore`` on the test's PostgreSQL server, or a SQLite file
when the tests run on SQLite), run as separate processes as an
administrator would. Every record and every stored file comes back byte for
byte, and the restored site's verification page shows the signed copy's
SHA-256 and accepts it."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from cchc.backups import MANIFEST, BackupError, backup_restore, read_manifest
from cchc.documents.services import document_number, document_render, document_sign_on_server
from inspections.drafting import notice_draft

ROOT = Path(__file__).resolve().parents[2]
RESTORE_DATABASE = "cchc_restore"

pytestmark = pytest.mark.django_db(transaction=True)

# Run in the restored installation: its records, and its verification page
# (GET, then POST of the signed copy as restored).
READ_BACK = """
import json
import sys
from pathlib import Path
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from cchc.models import OfficialDocument

document = OfficialDocument.objects.get(pk=DOCUMENT_ID)
client = Client(HTTP_HOST="localhost")
url = reverse("verify", args=[document.verification_code])
signed = (Path(settings.MEDIA_ROOT) / document.signed_file.name).read_bytes()
json.dump({
    "counts": {m._meta.label: m._default_manager.count() for m in apps.get_models()},
    "page": client.get(url).content.decode(),
    "check": client.post(url, {"file": SimpleUploadedFile("tb.pdf", signed)}).content.decode(),
}, sys.stdout)
"""


@pytest.fixture
def restored_env(tmp_path):
    env = _env(tmp_path)
    yield env
    if "DATABASE_URL" in env:
        _admin(f'DROP DATABASE IF EXISTS "{RESTORE_DATABASE}" WITH (FORCE)')


def _admin(*statements: str) -> dict:
    """Run ``statements`` on the test's PostgreSQL server; its address."""
    import psycopg2

    db = connection.settings_dict
    server = {"host": db["HOST"] or "127.0.0.1", "port": db["PORT"] or 5432, "user": db["USER"]}
    admin = psycopg2.connect(dbname="postgres", password=db["PASSWORD"], **server)
    admin.autocommit = True
    with admin.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    admin.close()
    return server


def _env(tmp_path: Path) -> dict:
    """The restored installation's settings: its own database and media."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "MEDIA_ROOT", "CCHC_VAR_DIR", "SECRET_KEY", "DEBUG"}
    }
    env["CCHC_VAR_DIR"] = str(tmp_path / "restored-var")
    env["MEDIA_ROOT"] = str(tmp_path / "restored-media")
    if connection.vendor == "postgresql":
        server = _admin(
            f'DROP DATABASE IF EXISTS "{RESTORE_DATABASE}" WITH (FORCE)',
            f'CREATE DATABASE "{RESTORE_DATABASE}"',
        )
        password = connection.settings_dict["PASSWORD"]
        password = f":{password}" if password else ""
        env["DATABASE_URL"] = (
            f"postgres://{server['user']}{password}@{server['host']}:{server['port']}/{RESTORE_DATABASE}"
        )
    return env


def _manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )


@pytest.fixture
def signed_notice(signing_files, inspection, inspector):
    document = notice_draft(inspection=inspection, user=inspector)
    document_number(document=document, user=inspector)
    document_render(document_id=document.pk)
    inspection.minutes.save("bien-ban-kiem-tra.pdf", ContentFile(b"%PDF-1.4 bien ban\n%%EOF\n"))
    return document_sign_on_server(document_id=document.pk)


def test_backup_and_restore_bring_back_every_record_and_file(
    signed_notice, media_root, restored_env, tmp_path
):
    document = signed_notice
    counts = {model._meta.label: model._default_manager.count() for model in apps.get_models()}
    stored = {
        path.relative_to(media_root).as_posix(): path.read_bytes()
        for path in media_root.rglob("*")
        if path.is_file()
    }
    assert {document.issued_file.name, document.signed_file.name} < set(stored)

    call_command("backup", "--directory", str(tmp_path / "backups"), stdout=io.StringIO())
    (archive,) = (tmp_path / "backups").glob("cchc-backup-*.tar.gz")
    manifest = read_manifest(archive)
    assert manifest["database"] == connection.vendor
    assert "0001_initial" in manifest["migrations"]["cchc"]
    assert manifest["created_at"] and manifest["app_version"]
    assert {
        name: entry["sha256"] for name, entry in manifest["files"].items() if name.startswith("media/")
    } == {f"media/{name}": hashlib.sha256(data).hexdigest() for name, data in stored.items()}

    env = restored_env
    restored = _manage(env, "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    media = Path(env["MEDIA_ROOT"])
    assert {
        path.relative_to(media).as_posix(): path.read_bytes() for path in media.rglob("*") if path.is_file()
    } == stored

    read = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "--no-imports",
            "-c",
            READ_BACK.replace("DOCUMENT_ID", str(document.pk)),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert read.returncode == 0, read.stderr
    back = json.loads(read.stdout)
    assert back["counts"] == counts
    assert document.signed_sha256 == hashlib.sha256(stored[document.signed_file.name]).hexdigest()
    assert document.signed_sha256 in back["page"]
    assert "Tệp khớp với bản đã ký số của văn bản này." in back["check"]

    # The restored installation is not empty now: a second restore is refused.
    again = _manage(env, "restore", str(archive))
    assert again.returncode != 0
    assert "không còn trống" in again.stderr


def test_an_archive_whose_file_was_altered_is_refused_before_anything_changes(
    signed_notice, media_root, tmp_path
):
    call_command("backup", "--directory", str(tmp_path), stdout=io.StringIO())
    (archive,) = tmp_path.glob("cchc-backup-*.tar.gz")
    altered = tmp_path / "altered.tar.gz"
    with tarfile.open(archive, "r:gz") as source, tarfile.open(altered, "w:gz") as target:
        for member in source:
            data = source.extractfile(member).read()
            if member.name == f"media/{signed_notice.signed_file.name}":
                data = data[:-1] + bytes([data[-1] ^ 1])
            target.addfile(member, io.BytesIO(data))
    out = io.StringIO()
    call_command("restore", "--check", str(archive), stdout=out)
    assert "Tệp sao lưu nguyên vẹn" in out.getvalue()
    with pytest.raises(CommandError, match="SHA-256"):
        call_command("restore", "--check", str(altered), stdout=io.StringIO())
    before = signed_notice.signed_file.read()
    with pytest.raises(BackupError, match="SHA-256"):
        backup_restore(archive_path=altered, force=True)
    signed_notice.refresh_from_db()
    assert signed_notice.signed_file.read() == before
    assert MANIFEST in [member.name for member in tarfile.open(altered, "r:gz")]


def test_restore_refuses_an_installation_that_has_records(signed_notice, tmp_path):
    call_command("backup", "--directory", str(tmp_path), stdout=io.StringIO())
    (archive,) = tmp_path.glob("cchc-backup-*.tar.gz")
    with pytest.raises(BackupError, match="không còn trống"):
        backup_restore(archive_path=archive)
