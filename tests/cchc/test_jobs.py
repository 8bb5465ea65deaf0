import pytest
from django.db import transaction

from cchc.choices import UnitKind
from cchc.documents.services import RENDER_JOB
from cchc.jobs import job_create, job_retry
from cchc.models import JobStatus
from cchc.services import unit_create
from tests.cchc.test_register import make_document
from tests.worker import wait_for_job


@pytest.mark.worker
def test_a_failed_job_says_why_in_vietnamese_and_can_be_retried(celery_worker):
    """A real worker takes the job from the broker, fails it with a readable
    error, and runs it again when retried."""
    unit = unit_create(name="Ủy ban nhân dân tỉnh Quảng Nam", kind=UnitKind.PROVINCE)
    document = make_document(unit)
    with transaction.atomic():
        job = job_create(kind=RENDER_JOB, unit=unit, params={"document_id": document.pk})
    job = wait_for_job(job.pk)
    assert job.status == JobStatus.FAILED
    assert job.error == "Văn bản chưa được cấp số nên chưa tạo được bản phát hành."
    assert job.attempts == 1

    job_retry(job=job)
    job = wait_for_job(job.pk)
    # Ran again (on SQLite a locked database may add an automatic retry).
    assert job.status == JobStatus.FAILED and job.attempts >= 2
    assert job.error == "Văn bản chưa được cấp số nên chưa tạo được bản phát hành."
