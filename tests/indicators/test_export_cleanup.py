"""Background exports keep their workbooks CCHC_EXPORT_KEEP_DAYS days; the
daily job deletes older jobs with their files, and files no job names."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from cchc.models import Job, JobStatus
from indicators import tasks
from indicators.choices import EXPORT_JOB
from indicators.services import EXPORT_FOLDER, exports_cleanup

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime.datetime(2026, 3, 20, 2, 40))


def export_job(unit, user, name: str, *, days_old: int) -> Job:
    job = Job.objects.create(
        kind=EXPORT_JOB,
        unit=unit,
        params={"unit": unit.pk, "first": 2024, "last": 2025, "file": name},
        status=JobStatus.SUCCEEDED,
        result={"file": name, "name": "chi-tieu.xlsx"},
        created_by=user,
    )
    Job.objects.filter(pk=job.pk).update(created_at=NOW - datetime.timedelta(days=days_old, minutes=1))
    default_storage.save(name, ContentFile(b"PK\x03\x04 workbook"))
    return job


def test_old_exports_go_with_their_files_recent_ones_stay(
    units, inspector, settings, django_capture_on_commit_callbacks
):
    settings.CCHC_EXPORT_KEEP_DAYS = 7
    old = export_job(units.province, inspector, f"{EXPORT_FOLDER}/2026/03/old.xlsx", days_old=7)
    recent = export_job(units.province, inspector, f"{EXPORT_FOLDER}/2026/03/recent.xlsx", days_old=6)
    orphan = default_storage.save(f"{EXPORT_FOLDER}/2025/12/orphan.xlsx", ContentFile(b"PK"))

    with django_capture_on_commit_callbacks(execute=True):
        result = exports_cleanup(now=NOW)

    assert result == {"expired": 1, "orphan_files": 1}
    assert list(Job.objects.filter(kind=EXPORT_JOB)) == [recent]
    assert not default_storage.exists(old.params["file"]) and not default_storage.exists(orphan)
    assert default_storage.exists(recent.params["file"])


def test_a_job_still_queued_keeps_the_name_it_will_write(
    units, inspector, django_capture_on_commit_callbacks
):
    name = f"{EXPORT_FOLDER}/2026/03/being-made.xlsx"
    Job.objects.create(kind=EXPORT_JOB, unit=units.province, params={"file": name}, created_by=inspector)
    default_storage.save(name, ContentFile(b"PK"))
    with django_capture_on_commit_callbacks(execute=True):
        assert exports_cleanup(now=timezone.now()) == {"expired": 0, "orphan_files": 0}
    assert default_storage.exists(name)


def test_nothing_to_clean_on_an_empty_folder():
    assert exports_cleanup() == {"expired": 0, "orphan_files": 0}


def test_the_daily_task_is_scheduled(settings):
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert tasks.clean_up_exports.name in schedule
