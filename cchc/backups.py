"""Backups: one archive of a whole installation, and its restore.

An archive is a gzip-compressed tar file holding

- ``database.pgdump`` (PostgreSQL: ``pg_dump --format=custom``, which reads
  the whole database in one consistent snapshot) or ``database.sqlite3``
  (SQLite: the online backup API, consistent while the site runs);
- ``media/<name>``: every stored file under ``MEDIA_ROOT`` (issued and
  signed documents, evidence, minutes, imports, images);
- ``manifest.json``, written last: when, by which version of the app, the
  migrations applied in the database, and each member's size and SHA-256.

The database is dumped first, then the files are read: a file stored after
the snapshot is in the archive without a row (harmless), and the files the
snapshot's rows name are there, since stored files are never rewritten and
only deleted after the rows that named them. An archive is written under a
temporary name and renamed when complete, so a backup cut short never looks
like one.

``backup_restore`` puts an archive back into an empty installation (or,
when told, over a non-empty one): every member checked against the
manifest before anything is changed, the database replaced, the files
written, then ``migrate`` brings the schema up to this version of the app.
The signing certificates (``CCHC_SIGNING_P12``…) and the settings are not in
the archive: they are secrets kept apart (README, "Backups").
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import FileField
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DUMPS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
CHUNK = 1024 * 1024

#: Rows that ``migrate`` itself writes: a freshly migrated installation
#: still counts as empty.
SET_UP_BY_MIGRATE = {"contenttypes.contenttype", "auth.permission", "sites.site"}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why."""


@dataclass(frozen=True)
class RestoreResult:
    files: int
    bytes: int
    migrated: bool
    missing: list[str]


def app_version() -> str:
    with (Path(settings.BASE_DIR) / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)["project"]["version"]


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in DUMPS:
        raise BackupError(f"Không sao lưu được cơ sở dữ liệu {vendor} (chỉ PostgreSQL và SQLite).")
    return vendor


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_environment() -> tuple[list[str], dict]:
    """Connection arguments of pg_dump / pg_restore for the default database."""
    db = connection.settings_dict
    arguments = ["--dbname", db["NAME"], "--username", db["USER"] or "postgres"]
    if db["HOST"]:
        arguments += ["--host", db["HOST"]]
    if db["PORT"]:
        arguments += ["--port", str(db["PORT"])]
    env = {**os.environ}
    if db["PASSWORD"]:
        env["PGPASSWORD"] = db["PASSWORD"]
    return arguments, env


def _pg_run(tool: str, *arguments: str) -> None:
    """Run pg_dump or pg_restore (from the PostgreSQL client on the PATH)
    on the default database."""
    path = shutil.which(tool)
    if path is None:
        raise BackupError(f"Không tìm thấy {tool}: hãy cài gói postgresql-client.")
    connect, env = _pg_environment()
    # The arguments are this installation's own settings and file names.
    done = subprocess.run([path, *connect, *arguments], env=env, capture_output=True, text=True)  # noqa: S603
    if done.returncode:
        raise BackupError(f"{tool} lỗi: {done.stderr.strip()}")


def _dump_database(target: Path) -> None:
    if _engine() == "postgresql":
        _pg_run("pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(target))
    else:
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()


def _migrations_applied() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app_label, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app_label, []).append(name)
    return applied


def backup_create(*, directory: Path) -> Path:
    """Write a backup archive of this installation into ``directory`` and
    return its path (``cchc-backup-<date>-<time>.tar.gz``)."""
    directory.mkdir(parents=True, exist_ok=True)
    created = timezone.now()
    final = directory / f"cchc-backup-{timezone.localtime(created):%Y%m%d-%H%M%S}.tar.gz"
    if final.exists():
        raise BackupError(f"Tệp {final} đã có.")
    engine = _engine()
    with tempfile.TemporaryDirectory(dir=directory) as scratch:
        dump = Path(scratch) / DUMPS[engine]
        migrations = _migrations_applied()
        _dump_database(dump)
        members = {}
        partial = Path(scratch) / "archive.tar.gz"
        with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
            members[DUMPS[engine]] = _add(archive, dump, DUMPS[engine])
            media = Path(settings.MEDIA_ROOT)
            if media.is_dir():
                for path in sorted(media.rglob("*")):
                    if path.is_file() and not path.is_symlink():
                        name = MEDIA_PREFIX + path.relative_to(media).as_posix()
                        members[name] = _add(archive, path, name)
            manifest = {
                "format": FORMAT,
                "created_at": created.isoformat(),
                "app_version": app_version(),
                "database": engine,
                "migrations": migrations,
                "files": members,
            }
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(created.timestamp()), 0o600
            archive.addfile(info, _BytesReader(data))
        partial.chmod(0o600)
        os.replace(partial, final)
    return final


class _BytesReader:
    def __init__(self, data: bytes):
        self.data, self.position = data, 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size < 0 else self.position + size
        chunk = self.data[self.position : end]
        self.position += len(chunk)
        return chunk


class _HashingReader:
    """Reads a file for tarfile and hashes what it read."""

    def __init__(self, handle):
        self.handle, self.digest = handle, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        chunk = self.handle.read(size)
        self.digest.update(chunk)
        return chunk


def _add(archive: tarfile.TarFile, path: Path, name: str) -> dict:
    info = archive.gettarinfo(str(path), arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with path.open("rb") as handle:
        reader = _HashingReader(handle)
        archive.addfile(info, reader)
    return {"size": info.size, "sha256": reader.digest.hexdigest()}


# --- restore -------------------------------------------------------------------


def installation_is_empty() -> bool:
    """No row in any table of the app (those ``migrate`` fills aside), or
    no tables at all, and no stored file."""
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir() and any(path.is_file() for path in media.rglob("*")):
        return False
    tables = set(connection.introspection.table_names())
    for model in apps.get_models():
        if model._meta.label_lower in SET_UP_BY_MIGRATE or model._meta.db_table not in tables:
            continue
        try:
            if model._default_manager.using(connection.alias).exists():
                return False
        except DatabaseError:  # a table of an older schema
            return False
    return True


def read_manifest(archive_path: Path) -> dict:
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            handle = archive.extractfile(MANIFEST)
            manifest = json.loads(handle.read())
    except (OSError, KeyError, tarfile.TarError, ValueError) as error:
        raise BackupError(f"{archive_path} không phải tệp sao lưu của hệ thống ({error}).") from error
    if manifest.get("format") != FORMAT or manifest.get("database") not in DUMPS:
        raise BackupError(
            f"Không đọc được tệp sao lưu định dạng {manifest.get('format')!r}, "
            f"cơ sở dữ liệu {manifest.get('database')!r}."
        )
    return manifest


def _check_migrations(manifest: dict) -> None:
    """The archive's schema must be one this version of the app knows."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = [
        f"{app_label}.{name}"
        for app_label, names in manifest["migrations"].items()
        for name in names
        if (app_label, name) not in known
    ]
    if unknown:
        raise BackupError(
            "Tệp sao lưu được tạo bởi phiên bản mới hơn của phần mềm (có migration chưa có ở đây: "
            + ", ".join(unknown[:5])
            + "). Hãy cài phiên bản đó rồi khôi phục."
        )


def backup_check(*, archive_path: Path) -> dict:
    """Check an archive without restoring it (the weekly off-site copy, the
    restore drill): every member against the manifest. Returns the
    manifest; raises :class:`BackupError`."""
    manifest = read_manifest(archive_path)
    _extract_checked(archive_path, manifest, None)
    return manifest


def _extract_checked(archive_path: Path, manifest: dict, scratch: Path | None) -> None:
    """Extract every member listed in the manifest into ``scratch`` (only
    read it when ``None``), checking its SHA-256; refuse members outside
    it or names that leave it."""
    expected = manifest["files"]
    seen = set()
    with tarfile.open(archive_path, "r:gz") as archive:
        for member in archive:
            if member.name == MANIFEST:
                continue
            path = PurePosixPath(member.name)
            if member.name not in expected or not member.isfile() or path.is_absolute() or ".." in path.parts:
                raise BackupError(f"Tệp sao lưu có mục không có trong bản kê: {member.name!r}.")
            digest = hashlib.sha256()
            with archive.extractfile(member) as source:
                if scratch is None:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                else:
                    target = scratch / member.name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with target.open("wb") as output:
                        while chunk := source.read(CHUNK):
                            digest.update(chunk)
                            output.write(chunk)
            if digest.hexdigest() != expected[member.name]["sha256"]:
                raise BackupError(
                    f"{member.name} không khớp SHA-256 ghi trong bản kê: tệp sao lưu đã hỏng hoặc bị sửa."
                )
            seen.add(member.name)
    missing = set(expected) - seen
    if missing:
        raise BackupError(f"Tệp sao lưu thiếu: {', '.join(sorted(missing)[:5])}.")


def _drop_tables() -> None:
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)} CASCADE")


def _restore_database(dump: Path, engine: str) -> None:
    if engine != _engine():
        raise BackupError(f"Tệp sao lưu chứa cơ sở dữ liệu {engine}; hệ thống này dùng {_engine()}.")
    if engine == "postgresql":
        _drop_tables()
        connection.close()
        options = ("--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error")
        _pg_run("pg_restore", *options, str(dump))
    else:
        connection.ensure_connection()
        source = sqlite3.connect(dump)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        connection.close()


def backup_restore(*, archive_path: Path, force: bool = False) -> RestoreResult:
    """Restore ``archive_path`` into this installation, which must be empty
    unless ``force``. Every member is checked against the manifest before
    anything is changed."""
    from django.core.management import call_command

    manifest = read_manifest(archive_path)
    _check_migrations(manifest)
    media = Path(settings.MEDIA_ROOT)
    media.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=media.parent) as scratch:
        scratch = Path(scratch)
        _extract_checked(archive_path, manifest, scratch)
        if not force and not installation_is_empty():
            raise BackupError(
                "Hệ thống này không còn trống (đã có dữ liệu hoặc tệp đã lưu); "
                "dùng --force nếu thật sự muốn thay thế toàn bộ."
            )
        media.mkdir(exist_ok=True)
        _restore_database(scratch / DUMPS[manifest["database"]], manifest["database"])
        files = size = 0
        for name, entry in manifest["files"].items():
            if not name.startswith(MEDIA_PREFIX):
                continue
            target = media / name[len(MEDIA_PREFIX) :]
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(scratch / name, target)
            target.chmod(settings.FILE_UPLOAD_PERMISSIONS or 0o644)
            files, size = files + 1, size + entry["size"]
    executor = MigrationExecutor(connection)
    pending = bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    if pending:
        call_command("migrate", interactive=False, verbosity=0)
    return RestoreResult(files=files, bytes=size, migrated=pending, missing=files_missing())


def files_missing() -> list[str]:
    """Stored files that rows name and storage does not hold."""
    missing = []
    for model in apps.get_models():
        fields = [field for field in model._meta.concrete_fields if isinstance(field, FileField)]
        for field in fields:
            names = model._default_manager.exclude(**{field.name: ""}).values_list(field.name, flat=True)
            for name in names.iterator():
                if name and not field.storage.exists(name):
                    missing.append(name)
    return missing


def created_at_text(manifest: dict) -> str:
    created = datetime.datetime.fromisoformat(manifest["created_at"])
    return timezone.localtime(created).strftime("%d/%m/%Y %H:%M:%S")
