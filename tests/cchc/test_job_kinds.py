"""The job framework itself, with kinds declared here for the tests: a
transient error is retried by the task and then succeeds (a real worker), a
known error is shown on the card, and a kind's rules decide who reads,
retries and downloads (403 for a wrong role, 404 out of scope, the file
from storage)."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import OperationalError, transaction
from django.urls import reverse

from cchc.access import STAFF
from cchc.choices import JobStatus
from cchc.jobs import JobError, JobFile, JobKind, JobRule, job_create, job_kind, job_run
from cchc.jobs.kinds import TRANSIENT_ERRORS
from cchc.models import Job
from tests.worker import wait_for_job


def flaky_work(job):
    """Fails its first attempt as a locked database would."""
    if job.attempts == 1:
        raise OperationalError("database is locked")
    return {"attempts": job.attempts}


def always_locked_work(job):
    raise OperationalError("database is locked")


def known_error_work(job):
    raise JobError("Đơn vị chưa có số liệu năm 2024.")


def report_work(job):
    name = f"private/tests/jobs/{job.pk}.txt"
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(b"bao cao"))
    return {"file": name}


def report_file(job):
    name = (job.result or {}).get("file")
    if not name or not default_storage.exists(name):
        return None
    return JobFile(name=name, download_name="bao-cao.txt", content_type="text/plain")


FLAKY = JobKind(key="test_flaky", task="tests.flaky", work=flaky_work)
ALWAYS_LOCKED = JobKind(key="test_locked", task="tests.locked", work=always_locked_work, retries=2)
KNOWN_ERROR = JobKind(key="test_known_error", task="tests.known_error", work=known_error_work)
# Provincial staff only; the starter while the unit is still in their scope.
REPORT = JobKind(
    key="test_report",
    task="tests.report",
    work=report_work,
    read=JobRule(roles=STAFF, starter_scope=STAFF),
    result_file=report_file,
)


def test_a_kind_is_found_by_its_key_and_declared_once():
    assert job_kind("test_flaky") is FLAKY and job_kind(FLAKY) is FLAKY
    assert FLAKY.celery_task.name == "tests.flaky"
    with pytest.raises(ValueError, match="declared twice"):
        JobKind(key="test_flaky", task="tests.flaky_again", work=flaky_work)
    with pytest.raises(LookupError):
        job_kind("no_such_kind")


def test_the_kinds_of_the_apps_keep_their_task_names():
    names = {key: job_kind(key).celery_task.name for key in ("document_render", "indicator_export")}
    assert names == {"document_render": "cchc.render_document", "indicator_export": "indicators.export"}
    assert job_kind("dashboard_handout").celery_task.name == "dashboards.render_handout"
    assert job_kind("plan_notices_issue").celery_task.name == "inspections.issue_plan_notices"


@pytest.mark.worker
def test_a_transient_error_is_retried_and_then_succeeds(celery_worker):
    from cchc.services import unit_create

    unit = unit_create(name="Ủy ban nhân dân tỉnh Quảng Nam", kind="province")
    with transaction.atomic():
        job = job_create(kind=FLAKY, unit=unit)
    job = wait_for_job(job.pk)
    assert (job.status, job.attempts, job.error) == (JobStatus.SUCCEEDED, 2, "")
    assert job.result == {"attempts": 2}


@pytest.mark.django_db
def test_retries_are_bounded_and_then_the_job_fails_in_words_for_people(units):
    job = Job.objects.create(kind=ALWAYS_LOCKED.key, unit=units.province)
    ALWAYS_LOCKED.celery_task.apply(args=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.FAILED, 3)  # the first try and two retries
    assert job.error.startswith("Lỗi hệ thống khi xử lý công việc.")


@pytest.mark.django_db
def test_a_transient_error_puts_the_job_back_in_the_queue(units):
    job = Job.objects.create(kind=FLAKY.key, unit=units.province)
    with pytest.raises(OperationalError):
        job_run(job.pk, flaky_work, retry_on=TRANSIENT_ERRORS)
    job.refresh_from_db()
    assert (job.status, job.error) == (JobStatus.QUEUED, "")
    assert job.step  # says it waits to run again


@pytest.mark.django_db
def test_a_known_error_is_shown_on_the_card(client, units, inspector):
    job = Job.objects.create(kind=KNOWN_ERROR.key, unit=units.district_a, created_by=inspector)
    KNOWN_ERROR.celery_task.apply(args=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.FAILED, 1)  # not retried
    assert job.error == "Đơn vị chưa có số liệu năm 2024."
    client.force_login(inspector)
    card = client.get(reverse("job_detail", args=[job.pk]), headers={"HX-Request": "true"}).content.decode()
    assert "Đơn vị chưa có số liệu năm 2024." in card and reverse("job_retry", args=[job.pk]) in card


@pytest.mark.django_db
class TestRules:
    @pytest.fixture
    def done(self, units, inspector):
        job = Job.objects.create(kind=REPORT.key, unit=units.district_a, created_by=inspector)
        job_run(job.pk, report_work)
        job.refresh_from_db()
        assert job.status == JobStatus.SUCCEEDED
        return job

    def test_the_starter_gets_the_file_from_storage(self, client, done, inspector):
        client.force_login(inspector)
        card = client.get(reverse("job_detail", args=[done.pk])).content.decode()
        assert reverse("job_file", args=[done.pk]) in card
        response = client.get(reverse("job_file", args=[done.pk]))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"bao cao"
        assert response["Content-Disposition"] == 'attachment; filename="bao-cao.txt"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cache-Control"] == "no-store"
        assert response["Content-Type"] == "text/plain"

    @pytest.mark.parametrize(
        ("method", "name"), [("get", "job_detail"), ("post", "job_retry"), ("get", "job_file")]
    )
    def test_a_wrong_role_is_403(self, client, done, officer_a, method, name):
        client.force_login(officer_a)  # the unit's own officer: not provincial staff
        assert getattr(client, method)(reverse(name, args=[done.pk])).status_code == 403

    @pytest.mark.parametrize(
        ("method", "name"), [("get", "job_detail"), ("post", "job_retry"), ("get", "job_file")]
    )
    def test_out_of_scope_is_404(self, client, done, leader, other_province_inspector, method, name):
        # Another person's job (the rule names no scope of readers), and
        # another province's inspector.
        for user in (leader, other_province_inspector):
            client.force_login(user)
            assert getattr(client, method)(reverse(name, args=[done.pk])).status_code == 404

    def test_a_file_gone_from_storage_is_404(self, client, done, inspector):
        default_storage.delete(done.result["file"])
        client.force_login(inspector)
        assert client.get(reverse("job_file", args=[done.pk])).status_code == 404
        assert "Không còn tệp" in client.get(reverse("job_detail", args=[done.pk])).content.decode()


def _redelivered(kind: JobKind, job_id: int) -> None:
    """Run the kind's task as a worker does with a message the broker gave
    back (its worker died)."""
    kind.celery_task.push_request(delivery_info={"redelivered": True}, retries=0)
    try:
        kind.celery_task.run(job_id)
    finally:
        kind.celery_task.pop_request()


@pytest.mark.django_db
def test_a_job_whose_runs_keep_dying_fails_instead_of_looping(units):
    # Given back by the broker and found still running: the run before died
    # with its worker. A job that kills its worker every time (out of
    # memory) stops after the kind's tries, in words for people.
    job = Job.objects.create(
        kind=FLAKY.key, unit=units.province, status=JobStatus.RUNNING, attempts=FLAKY.retries
    )
    _redelivered(FLAKY, job.pk)
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.SUCCEEDED, FLAKY.retries + 1)  # its last try

    job = Job.objects.create(
        kind=FLAKY.key, unit=units.province, status=JobStatus.RUNNING, attempts=FLAKY.retries + 1
    )
    _redelivered(FLAKY, job.pk)
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.FAILED, FLAKY.retries + 1)
    assert job.error.startswith("Công việc bị dừng đột ngột nhiều lần")


@pytest.mark.django_db
def test_a_job_sent_again_after_a_transient_error_is_not_taken_for_a_lost_one(units):
    # Its row may still say running (the database was out of reach when the
    # failed try wanted to put it back); a message sent again is no loss.
    job = Job.objects.create(
        kind=FLAKY.key, unit=units.province, status=JobStatus.RUNNING, attempts=FLAKY.retries + 1
    )
    FLAKY.celery_task.apply(args=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.SUCCEEDED, FLAKY.retries + 2)
