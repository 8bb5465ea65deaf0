"""Large workbooks are checked and imported by a background job, run here by
a real Celery worker, with progress on the job's row."""

import pytest
from django.db import transaction
from django.urls import reverse

from cchc.models import JobStatus
from demo.indicator_tables import seed_workbook
from indicators.catalogue import catalogue_load
from indicators.choices import IMPORT_APPLY_JOB, IMPORT_CHECK_JOB, ImportStatus
from indicators.models import IndicatorValue
from indicators.services import indicator_import_apply, indicator_import_create
from tests.worker import wait_for_job

pytestmark = pytest.mark.worker


@pytest.fixture
def background(settings):
    # Every file is "large": the check and the import go to the worker.
    settings.CCHC_INDICATOR_IMPORT_INLINE_MAX_BYTES = 0


def test_a_large_workbook_is_checked_then_imported_by_the_worker(celery_worker, background, units, officer_a):
    catalogue_load()
    with transaction.atomic():
        record = indicator_import_create(
            unit=units.district_a, data=seed_workbook(), name="tinh.xlsx", user=officer_a
        )
    assert record.status == ImportStatus.CHECKING
    assert record.job.kind == IMPORT_CHECK_JOB

    job = wait_for_job(record.job_id)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert (job.progress_done, job.progress_total) == (100, 100)
    record.refresh_from_db()
    assert record.status == ImportStatus.READY
    assert len(record.preview["warnings"]) == 9
    assert IndicatorValue.objects.count() == 0

    with transaction.atomic():
        record = indicator_import_apply(record=record, user=officer_a, acknowledge=True)
    assert record.status == ImportStatus.APPLYING
    assert record.job.kind == IMPORT_APPLY_JOB
    job = wait_for_job(record.job_id)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result["cells_new"] == 216
    record.refresh_from_db()
    assert record.status == ImportStatus.IMPORTED
    assert IndicatorValue.objects.filter(table__unit=units.district_a).count() == 216


def test_the_page_shows_the_progress_bar_while_the_job_runs(
    celery_worker, background, client, units, officer_a
):
    catalogue_load()
    client.force_login(officer_a)
    response = client.post(
        reverse("indicators:import"), {"unit": units.district_a.pk, "file": _upload(seed_workbook())}
    )
    detail = response["Location"]
    html = client.get(detail).content.decode()
    assert 'class="w-100 job-progress"' in html or "Hoàn thành" in html
    record_job = wait_for_job(int(html.split('id="job-')[1].split('"')[0]))
    assert record_job.status == JobStatus.SUCCEEDED
    assert "9 ô có cảnh báo cần xác nhận" in client.get(detail).content.decode()


def test_a_file_that_fails_in_the_worker_says_why(celery_worker, background, units, officer_a):
    catalogue_load()
    with transaction.atomic():
        record = indicator_import_create(
            unit=units.district_a, data=b"PK\x03\x04 broken", name="hong.xlsx", user=officer_a
        )
    job = wait_for_job(record.job_id)
    assert job.status == JobStatus.SUCCEEDED  # the check ran; the file is what is wrong
    record.refresh_from_db()
    assert record.status == ImportStatus.REJECTED
    assert record.preview["problems"][0]["message"].startswith("Tệp không phải là tệp Excel .xlsx")


def _upload(data):
    import io

    upload = io.BytesIO(data)
    upload.name = "tinh.xlsx"
    return upload
