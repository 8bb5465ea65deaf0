"""The dashboard as a PDF handout: a job run by a real Celery worker, the
PDF read back (text, page size, embedded fonts); only its author downloads
it; running the job twice renders once."""

import re
import subprocess

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from cchc.choices import JobStatus
from cchc.models import Job
from dashboards import handouts
from tests.worker import wait_for_job


def poppler(*args: str) -> str:
    return subprocess.run(list(args), check=True, capture_output=True, text=True, timeout=60).stdout


@pytest.mark.worker
def test_the_handout_is_made_by_the_worker_and_reads_back(
    celery_worker, client, dash, province_leader, make_member, tmp_path
):
    client.force_login(province_leader)
    response = client.post(reverse("dashboards:handout_create"), {"year": 2024, "mode": "history"})
    job = Job.objects.get(kind=handouts.HANDOUT_JOB)
    assert response.status_code == 302
    assert response["Location"] == reverse("job_detail", args=[job.pk])
    assert job.params == {"year": 2024, "mode": "history", "unit": dash.units.province.pk}
    assert job.unit == dash.units.province

    page = client.get(response["Location"]).content.decode()
    assert "progress" in page and "Tài liệu họp (PDF)" in page

    job = wait_for_job(job.pk, timeout=120)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.progress_done == job.progress_total
    status = client.get(reverse("job_detail", args=[job.pk]), headers={"HX-Request": "true"}).content.decode()
    assert reverse("job_file", args=[job.pk]) in status

    download = client.get(reverse("job_file", args=[job.pk]))
    assert download.status_code == 200
    pdf = tmp_path / "handout.pdf"
    pdf.write_bytes(b"".join(download.streaming_content))
    assert pdf.read_bytes().startswith(b"%PDF")

    text = poppler("pdftotext", str(pdf), "-")
    for expected in (
        "TÌNH HÌNH CẢI CÁCH HÀNH CHÍNH",
        "UBND tỉnh Quảng Nam · năm 2024 · đơn vị theo năm 2024",
        "Tỷ lệ khắc phục đúng hạn",
        "25,0%",
        "Tồn tại, hạn chế thường gặp",
        "Chưa niêm yết công khai đầy đủ thủ tục hành chính tại Bộ phận Một cửa.",
        "UBND huyện Đại Lộc",
        "Xu hướng qua các năm",
    ):
        assert expected in " ".join(text.split()), expected
    info = poppler("pdfinfo", str(pdf))
    # A4 landscape.
    assert re.search(r"Page size:\s+841\.89 x 595\.2\d* pts \(A4\)", info), info
    fonts = poppler("pdffonts", str(pdf))
    assert "Tinos" in fonts
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:] if line.strip()), fonts

    # Someone else, even with the same role, does not get it.
    other = make_member("leader", dash.units.province, username="lanhdao.khac")
    client.force_login(other)
    assert client.get(reverse("job_file", args=[job.pk])).status_code == 404
    assert client.get(reverse("job_detail", args=[job.pk])).status_code == 404


@pytest.mark.django_db
def test_running_the_job_twice_renders_once(dash, province_leader, monkeypatch):
    job = Job.objects.create(
        kind=handouts.HANDOUT_JOB,
        unit=dash.units.province,
        params={"year": 2024, "mode": "current"},
        created_by=province_leader,
    )
    first = handouts.handout_work(job)
    assert default_storage.exists(first["file"])
    assert first["bytes"] > 10_000

    def fail(html):
        raise AssertionError("rendered a second time")

    monkeypatch.setattr(handouts, "render_pdf", fail)
    assert handouts.handout_work(job)["file"] == first["file"]


@pytest.mark.django_db
def test_a_handout_for_a_unit_no_longer_in_scope_fails_with_a_reason(dash, leader):
    job = Job.objects.create(
        kind=handouts.HANDOUT_JOB,
        unit=dash.units.district_b,
        params={"year": 2024, "unit": dash.units.district_b.pk},
        created_by=leader,
    )
    from cchc.jobs import job_run

    job_run(job.pk, handouts.handout_work)
    job.refresh_from_db()
    assert (job.status, job.error) == (JobStatus.FAILED, "Bạn không còn quyền xem số liệu của đơn vị này.")


@pytest.mark.django_db
def test_a_unit_officer_cannot_ask_for_a_handout(client, dash, officer_a):
    client.force_login(officer_a)
    assert client.post(reverse("dashboards:handout_create"), {"year": 2024}).status_code == 403
    assert not Job.objects.filter(kind=handouts.HANDOUT_JOB).exists()


@pytest.mark.django_db
def test_the_handout_html_holds_the_four_parts(dash, province_leader):
    from dashboards.selectors import resolve_scope

    scope = resolve_scope(province_leader, unit_id=None, year=2024, mode=None, area_id=None)
    html = handouts.handout_html(scope)
    for title in (
        "1. Tổng quan năm",
        "2. Tồn tại, hạn chế theo lĩnh vực",
        "3. So sánh, xếp hạng đơn vị",
        "4. Xu hướng",
    ):
        assert title in html
    assert "<script" not in html
    assert 'href="http://127.0.0.1:8000/dashboards/list/tasks/?' in html


@pytest.fixture
def failed_handout(dash, province_leader):
    return Job.objects.create(
        kind=handouts.HANDOUT_JOB,
        unit=dash.units.province,
        params={"year": 2024, "mode": "current"},
        created_by=province_leader,
        status=JobStatus.FAILED,
        error="Không tạo được bản PDF.",
        attempts=1,
    )


HANDOUT_VIEWS = [("get", "job_detail"), ("post", "job_retry"), ("get", "job_file")]


@pytest.mark.django_db
class TestHandoutViews:
    def test_its_author_sees_it_and_retries_it(self, client, failed_handout, province_leader):
        client.force_login(province_leader)
        page = client.get(reverse("job_detail", args=[failed_handout.pk])).content.decode()
        assert "Không tạo được bản PDF." in page
        assert reverse("job_retry", args=[failed_handout.pk]) in page
        response = client.post(reverse("job_retry", args=[failed_handout.pk]))
        assert response.status_code == 302
        failed_handout.refresh_from_db()
        assert failed_handout.status == JobStatus.QUEUED
        # Nothing to download before the handout is made.
        assert client.get(reverse("job_file", args=[failed_handout.pk])).status_code == 404

    @pytest.mark.parametrize(("method", "name"), HANDOUT_VIEWS)
    def test_a_unit_officer_is_forbidden(self, client, failed_handout, officer_a, method, name):
        client.force_login(officer_a)
        response = getattr(client, method)(reverse(name, args=[failed_handout.pk]))
        assert response.status_code == 403

    @pytest.mark.parametrize(("method", "name"), HANDOUT_VIEWS)
    def test_someone_else_gets_404(self, client, failed_handout, inspector, method, name):
        # The province's inspector sees the same dashboards, not another's handout.
        client.force_login(inspector)
        response = getattr(client, method)(reverse(name, args=[failed_handout.pk]))
        assert response.status_code == 404
        failed_handout.refresh_from_db()
        assert failed_handout.status == JobStatus.FAILED
