"""PDF handouts are not kept for ever: a new handout replaces the earlier
ones of the same user and filters, and a daily task (Celery beat) keeps per
user and filters only the latest, deletes what is older than
CCHC_HANDOUT_KEEP_DAYS days, and the files no job holds. Files are real
files in the (temporary) media folder."""

import datetime
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from cchc.jobs import job_run
from cchc.models import Job, JobStatus
from dashboards import handouts
from dashboards.tasks import clean_up_handouts
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime.datetime(2026, 3, 20, 3, 0))
K1 = {"year": 2024, "mode": "current"}
K2 = {"year": 2024, "mode": "history"}


@pytest.fixture
def make_handout(dash):
    def make(user, params, status=JobStatus.SUCCEEDED, *, days=0.0, done_days=None, file=None):
        """A handout job made ``days`` ago (finished ``done_days`` ago), with
        its file when it succeeded (or when ``file`` says so)."""
        job = Job.objects.create(
            kind=handouts.HANDOUT_JOB,
            unit=dash.units.province,
            params=params,
            created_by=user,
            status=status,
            error="Lỗi." if status == JobStatus.FAILED else "",
        )
        created = NOW - datetime.timedelta(days=days)
        finished = None
        if status in (JobStatus.SUCCEEDED, JobStatus.FAILED):
            finished = NOW - datetime.timedelta(days=days if done_days is None else done_days)
        Job.objects.filter(pk=job.pk).update(created_at=created, finished_at=finished)
        job.refresh_from_db()
        if file if file is not None else status == JobStatus.SUCCEEDED:
            default_storage.save(handouts.storage_name(job), ContentFile(b"%PDF-1.7 handout"))
        return job

    return make


def on_disk(media_root) -> set[str]:
    folder = Path(media_root) / handouts.HANDOUT_FOLDER
    return {path.name for path in folder.iterdir()} if folder.exists() else set()


def remaining(*jobs) -> set[int]:
    return set(Job.objects.filter(pk__in=[job.pk for job in jobs]).values_list("pk", flat=True))


def test_a_new_handout_replaces_the_earlier_ones_of_the_same_user_and_filters(
    dash, province_leader, leader, make_handout, media_root, monkeypatch, django_capture_on_commit_callbacks
):
    earlier = make_handout(province_leader, K1, days=1)
    failed = make_handout(province_leader, K1, JobStatus.FAILED, days=0.5)
    other_filters = make_handout(province_leader, K2, days=1)
    running = make_handout(province_leader, K1, JobStatus.RUNNING, days=0.1)
    other_user = make_handout(leader, K1, days=1)
    assert on_disk(media_root) == {f"{job.pk}.pdf" for job in (earlier, other_filters, other_user)}

    new = make_handout(province_leader, dict(reversed(K1.items())), JobStatus.QUEUED)
    monkeypatch.setattr(handouts, "render_pdf", lambda html: b"%PDF-1.7 new handout")
    with django_capture_on_commit_callbacks(execute=True):
        job_run(new.pk, handouts.handout_work)

    new.refresh_from_db()
    assert new.status == JobStatus.SUCCEEDED, new.error
    assert remaining(earlier, failed, other_filters, running, other_user, new) == {
        other_filters.pk,
        running.pk,
        other_user.pk,
        new.pk,
    }
    assert on_disk(media_root) == {f"{job.pk}.pdf" for job in (other_filters, other_user, new)}
    with default_storage.open(handouts.handout_file(new), "rb") as stored:
        assert stored.read() == b"%PDF-1.7 new handout"


def test_the_files_go_only_once_the_deletion_is_committed(
    dash, province_leader, make_handout, media_root, django_capture_on_commit_callbacks
):
    earlier = make_handout(province_leader, K1, days=1)
    new = make_handout(province_leader, K1)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert handouts.handouts_superseded_delete(new) == 1
        assert not Job.objects.filter(pk=earlier.pk).exists()
        assert f"{earlier.pk}.pdf" in on_disk(media_root)
    for callback in callbacks:
        callback()
    assert on_disk(media_root) == {f"{new.pk}.pdf"}


def test_the_daily_clean_up_keeps_the_latest_and_nothing_old(
    dash, province_leader, leader, make_handout, media_root, settings, django_capture_on_commit_callbacks
):
    settings.CCHC_HANDOUT_KEEP_DAYS = 3
    latest = make_handout(province_leader, K1, days=1.5, done_days=1)
    older = make_handout(province_leader, K1, days=2)
    failed_after = make_handout(province_leader, K1, JobStatus.FAILED, days=0.5)
    failed_before = make_handout(province_leader, K1, JobStatus.FAILED, days=2.5)
    waiting = make_handout(province_leader, K1, JobStatus.QUEUED, days=0.1)
    # Only handout of its filters, but older than three days.
    expired = make_handout(province_leader, K2, days=5)
    stuck = make_handout(province_leader, {"year": 2023}, JobStatus.RUNNING, days=10, file=True)
    # A failed attempt with nothing better is kept (it can be run again).
    failed_only = make_handout(province_leader, {"year": 2022}, JobStatus.FAILED, days=1)
    other_user = make_handout(leader, K1, days=2)
    gone_user = make_handout(UserFactory(), {"year": 2021}, days=1)
    gone_user.created_by.delete()
    # Files no job holds: a job deleted elsewhere, a stray name.
    default_storage.save(f"{handouts.HANDOUT_FOLDER}/999999.pdf", ContentFile(b"%PDF"))
    default_storage.save(f"{handouts.HANDOUT_FOLDER}/{latest.pk}_copy.pdf", ContentFile(b"%PDF"))
    # Digits str.isdigit() accepts and int() refuses.
    default_storage.save(f"{handouts.HANDOUT_FOLDER}/²³.pdf", ContentFile(b"%PDF"))

    with django_capture_on_commit_callbacks(execute=True):
        result = handouts.handouts_cleanup(now=NOW)

    assert result == {"expired": 3, "superseded": 2, "orphan_files": 3}
    kept = (latest, failed_after, waiting, failed_only, other_user)
    everything = (*kept, older, failed_before, expired, stuck, gone_user)
    assert remaining(*everything) == {job.pk for job in kept}
    assert on_disk(media_root) == {f"{latest.pk}.pdf", f"{other_user.pk}.pdf"}
    # Nothing more to do the next day.
    with django_capture_on_commit_callbacks(execute=True):
        assert handouts.handouts_cleanup(now=NOW) == {"expired": 0, "superseded": 0, "orphan_files": 0}


def test_handouts_are_kept_seven_days_unless_the_settings_say_otherwise(
    dash, province_leader, make_handout, settings, django_capture_on_commit_callbacks
):
    assert handouts.keep_days() == 7
    six = make_handout(province_leader, K1, days=6)
    eight = make_handout(province_leader, K2, days=8)
    with django_capture_on_commit_callbacks(execute=True):
        handouts.handouts_cleanup(now=NOW)
    assert remaining(six, eight) == {six.pk}

    settings.CCHC_HANDOUT_KEEP_DAYS = 5
    with django_capture_on_commit_callbacks(execute=True):
        handouts.handouts_cleanup(now=NOW)
    assert remaining(six) == set()


def test_the_clean_up_runs_daily_from_celery_beat(
    settings, dash, province_leader, make_handout, media_root, django_capture_on_commit_callbacks
):
    entry = settings.CELERY_BEAT_SCHEDULE["clean-up-dashboard-handouts"]
    assert entry["task"] == clean_up_handouts.name == "dashboards.clean_up_handouts"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({2}, {30})

    old = make_handout(province_leader, K1, days=30)
    with django_capture_on_commit_callbacks(execute=True):
        assert clean_up_handouts() == {"expired": 1, "superseded": 0, "orphan_files": 0}
    assert remaining(old) == set()
    assert on_disk(media_root) == set()


def test_the_clean_up_without_any_handout_does_nothing(db):
    assert handouts.handouts_cleanup() == {"expired": 0, "superseded": 0, "orphan_files": 0}
