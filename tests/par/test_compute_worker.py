"""The compute button runs as a job on a real Celery worker."""

import pytest
from django.urls import reverse

from cchc.choices import JobStatus, Role
from cchc.models import Job
from par.models import Result
from tests.worker import wait_for_job


@pytest.mark.worker
def test_compute_runs_on_the_worker(celery_worker, client, make_member, units, commune_cycle):
    inspector = make_member(Role.INSPECTOR, units.province)
    client.force_login(inspector)
    answer = client.post(reverse("par:cycle_compute", args=[commune_cycle.pk]))
    job = Job.objects.get(kind="par_results_compute")
    assert answer["Location"] == reverse("job_detail", args=[job.pk])
    job = wait_for_job(job.pk, timeout=120)
    assert (job.status, job.result) == (JobStatus.SUCCEEDED, {"results": 3}), job.error
    assert Result.objects.filter(cycle=commune_cycle).count() == 3
    page = client.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert "Đã tính chỉ số của 3 đơn vị." in page
    assert reverse("par:cycle_detail", args=[commune_cycle.pk]) in page
