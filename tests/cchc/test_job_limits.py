"""Jobs have time and memory limits (issue 15), declared per kind, and the
card says which one a job hit."""

import resource

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.urls import reverse

from cchc.choices import JobStatus
from cchc.jobs import JobKind, job_kind
from cchc.jobs.kinds import JOB_HARD_TIME_MARGIN, JOB_TIME_LIMIT
from cchc.models import Job


def greedy_work(job):
    # Touch every page, so that the memory is really taken.
    block = bytearray(400 * 1024 * 1024)
    block[::4096] = b"x" * len(block[::4096])
    return {"bytes": len(block)}


def slow_work(job):
    # What the worker's soft time limit raises inside the work.
    raise SoftTimeLimitExceeded


GREEDY = JobKind(key="test_greedy", task="tests.greedy", work=greedy_work, memory_limit_mb=64)
SLOW = JobKind(key="test_slow", task="tests.slow", work=slow_work, time_limit=120)


def test_kinds_declare_their_limits_and_the_task_carries_them():
    assert (SLOW.celery_task.soft_time_limit, SLOW.celery_task.time_limit) == (
        120,
        120 + JOB_HARD_TIME_MARGIN,
    )
    check = job_kind("indicator_import_check")
    assert check.celery_task.soft_time_limit == check.time_limit < JOB_TIME_LIMIT
    assert check.memory_limit_mb is not None


def test_a_job_past_its_memory_limit_fails_and_says_so(client, units, inspector):
    before = resource.getrlimit(resource.RLIMIT_AS)
    job = Job.objects.create(kind=GREEDY.key, unit=units.district_a, created_by=inspector)
    GREEDY.celery_task.apply(args=[job.pk])
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error.startswith("Công việc cần nhiều bộ nhớ hơn mức cho phép (64 MB) nên đã dừng")
    assert resource.getrlimit(resource.RLIMIT_AS) == before
    client.force_login(inspector)
    card = client.get(reverse("job_detail", args=[job.pk]), headers={"HX-Request": "true"}).content.decode()
    assert "nhiều bộ nhớ hơn mức cho phép (64 MB)" in card


def test_the_same_work_without_a_limit_succeeds(units, inspector):
    job = Job.objects.create(kind=GREEDY.key, unit=units.district_a, created_by=inspector)
    from cchc.jobs import job_run

    job_run(job.pk, greedy_work)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED


@pytest.mark.django_db
def test_a_job_past_its_time_limit_fails_and_says_so(client, units, inspector):
    job = Job.objects.create(kind=SLOW.key, unit=units.district_a, created_by=inspector)
    SLOW.celery_task.apply(args=[job.pk])
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error.startswith("Công việc chạy quá thời gian cho phép (2 phút) nên đã dừng")
    client.force_login(inspector)
    card = client.get(reverse("job_detail", args=[job.pk]), headers={"HX-Request": "true"}).content.decode()
    assert "quá thời gian cho phép (2 phút)" in card
