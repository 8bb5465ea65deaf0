"""Clean-up (issue 15): refused and abandoned imports go after their days,
with their files; orphan files go; nothing a row references is ever
deleted: issued and signed documents, evidence, imports in progress, job
results, files outside the app's folders."""

import datetime
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from cchc.choices import DocumentKind, DocumentStatus, JobStatus
from cchc.models import Job, OfficialDocument
from cchc.storage_cleanup import orphan_files, orphan_files_delete
from indicators.choices import EXPORT_JOB, ImportStatus
from indicators.models import IndicatorImport
from indicators.services.imports import imports_cleanup
from inspections import remediation
from inspections.choices import ReportFileKind

LATER = timezone.now() + datetime.timedelta(days=400)


def _import(unit, status, *, days_old: int) -> IndicatorImport:
    record = IndicatorImport(unit=unit, original_name="so-lieu.xlsx", sha256="0" * 64, size=3, status=status)
    if status == ImportStatus.IMPORTED:
        record.imported_at = timezone.now()
    record.file.save("upload.xlsx", ContentFile(b"abc"), save=False)
    record.save()
    IndicatorImport.objects.filter(pk=record.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=days_old)
    )
    return record


class TestImportsCleanup:
    def test_refused_and_abandoned_imports_go_with_their_files(self, units, media_root, settings):
        settings.CCHC_IMPORT_KEEP_DAYS = 30
        old_rejected = _import(units.district_a, ImportStatus.REJECTED, days_old=31)
        old_ready = _import(units.district_a, ImportStatus.READY, days_old=40)
        recent = _import(units.district_a, ImportStatus.REJECTED, days_old=2)
        checking = _import(units.district_a, ImportStatus.CHECKING, days_old=90)
        applying = _import(units.district_a, ImportStatus.APPLYING, days_old=90)
        imported = _import(units.district_a, ImportStatus.IMPORTED, days_old=900)
        gone = [Path(old_rejected.file.path), Path(old_ready.file.path)]

        with _on_commit():
            outcome = imports_cleanup()

        # The stuck ones are marked failed (and kept for their days).
        assert outcome == {"imports_failed": 2, "imports_deleted": 2, "files": 2}
        assert set(IndicatorImport.objects.values_list("pk", flat=True)) == {
            recent.pk,
            checking.pk,
            applying.pk,
            imported.pk,
        }
        assert not any(path.exists() for path in gone)
        for kept in (recent, checking, applying, imported):
            assert Path(kept.file.path).exists()

    def test_imports_stuck_after_a_dead_worker_are_marked_failed(self, units, settings):
        # Issue 15: an import whose worker died stayed "checking" or
        # "applying" for ever, and the user could neither see why nor retry.
        settings.CCHC_IMPORT_STUCK_HOURS = 6
        checking = _import(units.district_a, ImportStatus.CHECKING, days_old=1)
        applying = _import(units.district_a, ImportStatus.APPLYING, days_old=1)
        running = _import(units.district_a, ImportStatus.APPLYING, days_old=0)

        with _on_commit():
            outcome = imports_cleanup()

        assert outcome["imports_failed"] == 2
        checking.refresh_from_db()
        applying.refresh_from_db()
        running.refresh_from_db()
        assert checking.status == applying.status == ImportStatus.REJECTED
        assert running.status == ImportStatus.APPLYING
        assert "Việc kiểm tra tệp bị gián đoạn" in checking.preview["problems"][0]["message"]
        assert "quá 6 giờ" in checking.preview["problems"][0]["message"]
        assert "không có số liệu nào được lưu" in applying.preview["problems"][0]["message"]
        # Its file stays until the refused imports' days have passed.
        assert Path(applying.file.path).exists()
        # A worker that comes back later finds it refused and does nothing.
        with _on_commit():
            assert imports_cleanup()["imports_failed"] == 0

    def test_the_beat_schedule_runs_it_daily(self, settings):
        tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
        assert {"indicators.clean_up_imports", "cchc.clean_up_orphan_files"} <= tasks


class _on_commit:
    """Run the on-commit callbacks of the test's transaction at the end."""

    def __enter__(self):
        from django.db import connection

        self.connection = connection
        self.start = len(connection.run_on_commit)

    def __exit__(self, *exc):
        callbacks = self.connection.run_on_commit[self.start :]
        self.connection.run_on_commit[self.start :] = []
        for _sids, callback, _robust in callbacks:
            callback()


@pytest.fixture
def world(units, remediation_case, officer_a, upload_files, media_root):
    """One stored file of each kind a row references, and two orphans."""
    document = OfficialDocument.objects.create(
        kind=DocumentKind.CONCLUSION_NOTICE,
        status=DocumentStatus.SIGNED,
        issuing_unit=units.province,
        register_series=f"unit:{units.province.pk}",
        issuing_body="ĐOÀN KIỂM TRA",
        type_code="TB",
        symbol="ĐKT",
        number=1,
        year=2024,
        issued_on=datetime.date(2024, 7, 5),
        place="Quảng Nam",
        summary="Thông báo kết luận",
        signer_position="TRƯỞNG ĐOÀN",
        signer_name="Lê Ngọc Quảng",
    )
    document.issued_file.save("a.pdf", ContentFile(b"%PDF issued"), save=False)
    document.signed_file.save("a.pdf", ContentFile(b"%PDF signed"), save=False)
    document.save()
    report = remediation.report_open(inspection=remediation_case.inspection, user=officer_a)
    evidence = remediation.report_file_add(
        report=report,
        upload=upload_files.png(),
        kind=ReportFileKind.EVIDENCE,
        item=report.items.first(),
        user=officer_a,
    )
    in_progress = _import(units.district_a, ImportStatus.CHECKING, days_old=0)
    export_name = "private/indicators/exports/2024/01/ket-qua.xlsx"
    default_storage.save(export_name, ContentFile(b"xlsx"))
    Job.objects.create(
        kind=EXPORT_JOB,
        status=JobStatus.SUCCEEDED,
        unit=units.province,
        params={"file": export_name},
        result={"file": export_name},
    )
    orphans = [
        default_storage.save("private/reportfile/2024/01/bo-quen.png", ContentFile(b"x")),
        default_storage.save("documents/issued/2024/khong-ai-giu.pdf", ContentFile(b"x")),
    ]
    outside = default_storage.save("khac/giu-nguyen.txt", ContentFile(b"x"))
    # A name only the document's history still holds is referenced too.
    earlier = default_storage.save("documents/issued/2023/ban-truoc.pdf", ContentFile(b"%PDF earlier"))
    OfficialDocument.history.filter(id=document.pk).update(issued_file=earlier)
    held = [document.issued_file.name, document.signed_file.name, evidence.file.name, in_progress.file.name]
    return {"held": held + [export_name, earlier], "orphans": orphans, "outside": outside}


class TestOrphans:
    def test_only_unreferenced_files_under_the_app_folders_are_found(self, world):
        assert orphan_files(now=LATER) == sorted(world["orphans"])

    def test_young_files_are_left_alone(self, world):
        assert orphan_files() == []

    def test_the_daily_job_deletes_them_and_nothing_referenced(self, world):
        from cchc.tasks import clean_up_orphan_files

        with _fake_now(LATER):
            assert clean_up_orphan_files() == {"orphan_files": 2}
        for name in world["orphans"]:
            assert not default_storage.exists(name)
        for name in [*world["held"], world["outside"]]:
            assert default_storage.exists(name), name

    def test_the_command_lists_then_deletes(self, world, capsys):
        with _fake_now(LATER):
            call_command("clean_orphan_files", "--dry-run")
            assert all(default_storage.exists(name) for name in world["orphans"])
            call_command("clean_orphan_files")
        out = capsys.readouterr().out
        assert "2 orphan file(s) under private, documents would be deleted." in out
        assert "2 orphan file(s) under private, documents deleted." in out
        assert not any(default_storage.exists(name) for name in world["orphans"])
        assert all(default_storage.exists(name) for name in world["held"])

    def test_orphan_files_delete_never_removes_a_file_a_row_names(self, world):
        assert set(orphan_files_delete(now=LATER)) == set(world["orphans"])
        assert all(default_storage.exists(name) for name in world["held"])


class _fake_now:
    def __init__(self, when):
        self.when = when

    def __enter__(self):
        from unittest import mock

        self.patch = mock.patch("cchc.storage_cleanup.timezone.now", return_value=self.when)
        self.patch.start()

    def __exit__(self, *exc):
        self.patch.stop()
