"""A province-wide Excel export is a background job: the request queues it,
the page follows it unit by unit, and the workbook is downloaded through a
view that checks the requester still has the unit in scope. A unit's export
stays in the request. The worker tests run a real Celery worker and read
the produced workbook back with openpyxl."""

import io
import re
from pathlib import Path

import pytest
from django.db import transaction
from django.urls import reverse
from openpyxl import load_workbook

from cchc.choices import Role
from cchc.jobs import job_run
from cchc.models import Job, JobStatus, Membership
from demo.indicator_tables import seed_workbook
from indicators.catalogue import catalogue_load
from indicators.choices import EXPORT_JOB
from indicators.exports import SUMMARY_TITLE, export_workbook
from indicators.selectors import export_units, tables_for_export
from indicators.services import (
    export_work,
    indicator_export_create,
    table_create,
    value_set,
)
from tests.indicators.conftest import imported
from tests.worker import wait_for_job

HTMX = {"HX-Request": "true"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def rows(sheet):
    return list(sheet.iter_rows(values_only=True))


def row_of(sheet, number, start=0):
    """The first row at or after ``start`` whose STT is ``number``."""
    for index, row in enumerate(rows(sheet)):
        if index >= start and row[0] == number:
            return row
    raise AssertionError(f"no row {number} in {sheet.title}")


def pl07_start(sheet) -> int:
    return next(i for i, row in enumerate(rows(sheet)) if row[0] == "Phụ lục 07:")


def province_figures(units):
    """Duy Xuyên's seed tables (2015-2020), Đại Lộc's and Duy Sơn's 2019."""
    catalogue_load()
    assert imported(seed_workbook(), units.district_a).applied
    from indicators.models import Indicator

    def indicator(code, number):
        return Indicator.objects.get(template__code=code, number=number)

    for unit, figures in (
        (units.district_b, {("PL03", "1.2"): "250", ("PL03", "5.2"): "9000/9100", ("PL07", "2"): "10000"}),
        (units.commune_a, {("PL07", "1"): "300/320", ("PL07", "2"): "800"}),
    ):
        table = table_create(unit=unit, year=2019)
        for (code, number), raw in figures.items():
            value_set(table=table, indicator=indicator(code, number), raw=raw, user=None)


def files_under(media_root) -> list[Path]:
    folder = Path(media_root) / "private" / "indicators" / "exports"
    return sorted(path for path in folder.rglob("*") if path.is_file()) if folder.exists() else []


def job_for(user, unit, *, first=2018, last=2019) -> Job:
    with transaction.atomic():
        units_ = export_units(user, unit=unit, with_children=True)
        return indicator_export_create(unit=unit, units=units_, first=first, last=last, user=user)


@pytest.fixture
def background(settings):
    # A province of eight units is "large": more than two units go to a job.
    settings.CCHC_INDICATOR_EXPORT_INLINE_MAX_UNITS = 2


def export_data(unit, *, years="2018-2019", children=True):
    data = {"unit": unit.pk, "years": years, "format": "xlsx"}
    if children:
        data["children"] = "on"
    return data


# --- the real worker -------------------------------------------------------------------------


@pytest.mark.worker
def test_the_worker_makes_the_province_workbook_and_the_page_hands_it_over(
    celery_worker, background, client, units, inspector, make_member, media_root
):
    province_figures(units)
    client.force_login(inspector)
    response = client.post(reverse("indicators:export"), export_data(units.province))
    job = Job.objects.get(kind=EXPORT_JOB)
    assert response.status_code == 302
    assert response["Location"] == reverse("job_detail", args=[job.pk])
    visible = export_units(inspector, unit=units.province, with_children=True)
    assert (job.unit, job.created_by, job.progress_total) == (units.province, inspector, len(visible) + 1)
    assert job.params["file"].startswith("private/indicators/exports/")

    page = client.get(response["Location"]).content.decode()
    assert 'class="w-100 job-progress"' in page
    assert "UBND tỉnh Quảng Nam và các đơn vị trực thuộc · các năm 2018–2019" in page

    job = wait_for_job(job.pk, timeout=120)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert (job.progress_done, job.progress_total) == (len(visible) + 1, len(visible) + 1)
    assert job.result["units"] == len(visible) and job.result["name"] == "chi-tieu-49-2018-2019.xlsx"
    status = client.get(reverse("job_detail", args=[job.pk]), headers=HTMX).content.decode()
    assert "hx-get" not in status  # finished: the page stops polling
    assert reverse("job_file", args=[job.pk]) in status

    download = client.get(reverse("job_file", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == XLSX
    assert download["Content-Disposition"] == 'attachment; filename="chi-tieu-49-2018-2019.xlsx"'
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))

    # The summary first, then a sheet per unit with tables (by the tree).
    assert workbook.sheetnames == [SUMMARY_TITLE, "508", "20620", "506"]
    duy_xuyen, dai_loc, duy_son = workbook["508"], workbook["506"], workbook["20620"]
    assert rows(duy_xuyen)[0][0] == "ỦY BAN NHÂN DÂN HUYỆN DUY XUYÊN – Mã đơn vị: 508"
    assert row_of(duy_xuyen, "1.2")[2:4] == (204, 263)
    assert row_of(duy_xuyen, "5.2")[2:4] == ("9738/9743", "12411/12429")
    assert row_of(duy_xuyen, "2", start=pl07_start(duy_xuyen))[2:4] == (13743, 15189)
    assert row_of(dai_loc, "5.2")[2] == "9000/9100"
    assert row_of(dai_loc, "2", start=pl07_start(dai_loc))[2] == 10000
    assert row_of(duy_son, "1", start=pl07_start(duy_son))[2] == "300/320"

    summary = workbook[SUMMARY_TITLE]
    assert rows(summary)[0][0] == "TỔNG HỢP SỐ LIỆU UBND TỈNH QUẢNG NAM"
    assert rows(summary)[1][0] == (
        "Tổng hợp 3 đơn vị: UBND huyện Duy Xuyên, UBND xã Duy Sơn, UBND huyện Đại Lộc"
    )
    # 2018: Duy Xuyên alone; 2019: the three units by the roll-up rules.
    pl07 = pl07_start(summary)
    assert row_of(summary, "5.2")[2:4] == ("9738/9743", f"{12411 + 9000}/{12429 + 9100}")
    assert row_of(summary, "1", start=pl07)[2:4] == ("20946/7203", f"{22735 + 300}/{7546 + 320}")
    assert row_of(summary, "2", start=pl07)[2:4] == (13743, 15189 + 10000 + 800)
    assert row_of(summary, "1.2")[2:4] == (None, None)  # procedures are not added up

    # One file, under MEDIA with a random name, and only its requester gets it.
    assert [path.relative_to(media_root).as_posix() for path in files_under(media_root)] == [
        job.params["file"]
    ]
    # A random name: nothing of the unit (code 49) or the years in it.
    assert re.fullmatch(r"private/indicators/exports/\d{4}/\d{2}/[0-9a-f]{32}\.xlsx", job.params["file"])
    client.force_login(make_member(Role.INSPECTOR, units.province, username="thanhtra.khac"))
    assert client.get(reverse("job_file", args=[job.pk])).status_code == 404


@pytest.mark.worker
def test_a_failed_export_says_why_and_the_retry_makes_the_file(
    celery_worker, background, client, units, inspector, settings, tmp_path
):
    province_figures(units)
    good_media = settings.MEDIA_ROOT
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = blocker / "media"
    client.force_login(inspector)
    response = client.post(reverse("indicators:export"), export_data(units.province))
    job = wait_for_job(Job.objects.get(kind=EXPORT_JOB).pk, timeout=120)
    assert job.status == JobStatus.FAILED
    assert job.error == (
        "Không lưu được tệp Excel trên máy chủ. Hãy thử chạy lại sau hoặc báo quản trị viên."
    )
    page = client.get(response["Location"]).content.decode()
    assert job.error in page
    assert reverse("job_retry", args=[job.pk]) in page
    assert client.get(reverse("job_file", args=[job.pk])).status_code == 404

    settings.MEDIA_ROOT = good_media
    retried = client.post(reverse("job_retry", args=[job.pk]))
    assert retried.status_code == 302 and retried["Location"] == response["Location"]
    job = wait_for_job(job.pk, timeout=120)
    # Ran again (on SQLite a locked database may add an automatic retry).
    assert (job.status, job.error) == (JobStatus.SUCCEEDED, "") and job.attempts >= 2
    download = client.get(reverse("job_file", args=[job.pk]))
    assert download.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert row_of(workbook["506"], "5.2")[2] == "9000/9100"
    assert len(files_under(good_media)) == 1


# --- in the request, and the job's work without the broker ----------------------------------


@pytest.fixture
def figures(units):
    province_figures(units)
    return units


class TestRequest:
    URL = reverse("indicators:export")

    def test_a_units_export_stays_in_the_request(self, client, figures, officer_a, settings):
        settings.CCHC_INDICATOR_EXPORT_INLINE_MAX_UNITS = 0
        client.force_login(officer_a)
        response = client.post(self.URL, export_data(figures.district_a, children=False))
        assert response.status_code == 200
        assert response["Content-Disposition"] == 'attachment; filename="chi-tieu-508-2018-2019.xlsx"'
        assert row_of(load_workbook(io.BytesIO(response.content))["508"], "1.2")[2:4] == (204, 263)
        assert not Job.objects.exists()

    def test_up_to_the_threshold_a_province_stays_in_the_request(self, client, figures, inspector, settings):
        settings.CCHC_INDICATOR_EXPORT_INLINE_MAX_UNITS = 20
        client.force_login(inspector)
        response = client.post(self.URL, export_data(figures.province))
        assert response.status_code == 200 and response["Content-Type"] == XLSX
        assert load_workbook(io.BytesIO(response.content)).sheetnames[0] == SUMMARY_TITLE
        assert not Job.objects.exists()

    def test_above_the_threshold_it_is_a_job(self, client, figures, inspector, background):
        client.force_login(inspector)
        response = client.post(self.URL, export_data(figures.province, years="2015-2020"))
        job = Job.objects.get()
        assert response["Location"] == reverse("job_detail", args=[job.pk])
        assert (job.kind, job.status, job.unit) == (EXPORT_JOB, JobStatus.QUEUED, figures.province)
        assert {key: job.params[key] for key in ("unit", "first", "last", "children")} == {
            "unit": figures.province.pk,
            "first": 2015,
            "last": 2020,
            "children": True,
        }
        # The export page lists the user's exports.
        assert reverse("job_detail", args=[job.pk]) in client.get(self.URL).content.decode()

    def test_a_link_to_a_large_export_asks_before_starting_it(self, client, figures, inspector, background):
        client.force_login(inspector)
        response = client.get(self.URL, export_data(figures.province))
        assert response.status_code == 200
        html = response.content.decode()
        assert "nên được tạo nền" in html and "Tạo bản xuất" in html and 'method="post"' in html
        assert not Job.objects.exists()

    def test_forbidden_and_out_of_scope(self, client, figures, officer_a, outsider, background):
        client.force_login(outsider)
        assert client.get(self.URL).status_code == 403
        assert client.post(self.URL, export_data(figures.province)).status_code == 403
        client.force_login(officer_a)
        assert client.post(self.URL, export_data(figures.district_b)).status_code == 404
        assert client.post(self.URL, export_data(figures.province)).status_code == 404
        assert not Job.objects.exists()


class TestJobViews:
    """Each job view: its requester (allowed), a user without a role (403),
    and 404 for another user's job or once the unit left their scope."""

    VIEWS = ["job_detail", "job_file"]

    @pytest.fixture
    def done(self, figures, inspector):
        job = job_for(inspector, figures.province)
        job_run(job.pk, export_work)
        job.refresh_from_db()
        assert job.status == JobStatus.SUCCEEDED, job.error
        return job

    def test_the_requester_gets_the_page_the_card_and_the_file(self, client, done, inspector):
        client.force_login(inspector)
        page = client.get(reverse("job_detail", args=[done.pk]))
        assert page.status_code == 200 and "Tải tệp Excel" in page.content.decode()
        card = client.get(reverse("job_detail", args=[done.pk]), headers=HTMX)
        assert card.status_code == 200 and f'id="job-{done.pk}"' in card.content.decode()
        assert "<html" not in card.content.decode()
        download = client.get(reverse("job_file", args=[done.pk]))
        assert download.status_code == 200
        workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
        assert row_of(workbook[SUMMARY_TITLE], "5.2")[3] == f"{12411 + 9000}/{12429 + 9100}"

    @pytest.mark.parametrize("name", VIEWS)
    def test_a_user_without_a_role_is_forbidden(self, client, done, outsider, name):
        client.force_login(outsider)
        assert client.get(reverse(name, args=[done.pk])).status_code == 403
        assert client.post(reverse("job_retry", args=[done.pk])).status_code == 403

    @pytest.mark.parametrize("name", VIEWS)
    def test_another_users_job_is_not_found(self, client, done, administrator, officer_a, name):
        for user in (administrator, officer_a):  # same scope and more; a unit's officer
            client.force_login(user)
            assert client.get(reverse(name, args=[done.pk])).status_code == 404
            assert client.post(reverse("job_retry", args=[done.pk])).status_code == 404

    @pytest.mark.parametrize("name", VIEWS)
    def test_a_requester_who_lost_the_unit_gets_nothing(self, client, done, inspector, units, name):
        Membership.objects.filter(user=inspector).delete()
        Membership.objects.create(user=inspector, unit=units.district_a, role=Role.INSPECTOR)
        client.force_login(inspector)
        assert client.get(reverse(name, args=[done.pk])).status_code == 404
        assert client.post(reverse("job_retry", args=[done.pk])).status_code == 404

    def test_no_file_before_the_job_is_done(self, client, figures, inspector):
        job = job_for(inspector, figures.province)
        client.force_login(inspector)
        card = client.get(reverse("job_detail", args=[job.pk]), headers=HTMX).content.decode()
        assert f'hx-get="{reverse("job_detail", args=[job.pk])}"' in card
        assert client.get(reverse("job_file", args=[job.pk])).status_code == 404

    def test_only_a_failed_job_is_retried(self, client, done, inspector):
        client.force_login(inspector)
        response = client.post(reverse("job_retry", args=[done.pk]), follow=True)
        assert "Chỉ chạy lại được công việc đã bị lỗi." in response.content.decode()
        done.refresh_from_db()
        assert (done.status, done.attempts) == (JobStatus.SUCCEEDED, 1)


class TestWork:
    def test_running_the_job_again_leaves_one_file(self, figures, inspector, media_root):
        job = job_for(inspector, figures.province)
        first = export_work(job)
        # A second delivery of the same job (the broker redelivers after a
        # lost worker) writes the same file again, not a second one.
        second = export_work(job)
        assert first["file"] == second["file"] == job.params["file"]
        assert len(files_under(media_root)) == 1
        # Once it has succeeded, running it again does nothing at all.
        job_run(job.pk, export_work)
        job.refresh_from_db()
        assert (job.status, job.attempts) == (JobStatus.SUCCEEDED, 1)
        job_run(job.pk, export_work)
        job.refresh_from_db()
        assert job.attempts == 1
        assert len(files_under(media_root)) == 1

    def test_two_jobs_get_two_random_names(self, figures, inspector):
        one, two = job_for(inspector, figures.province), job_for(inspector, figures.province)
        assert one.params["file"] != two.params["file"]
        assert Path(one.params["file"]).suffix == ".xlsx" and len(Path(one.params["file"]).stem) == 32

    def test_a_requester_who_lost_the_unit_gets_a_readable_error(self, figures, officer_a):
        job = job_for(officer_a, figures.district_a)
        Membership.objects.filter(user=officer_a).delete()
        job_run(job.pk, export_work)
        job.refresh_from_db()
        assert (job.status, job.error) == (
            JobStatus.FAILED,
            "Bạn không còn quyền xem số liệu của đơn vị này.",
        )

    def test_the_export_reports_progress_unit_by_unit(self, figures, inspector):
        units_ = export_units(inspector, unit=figures.province, with_children=True)
        seen = []
        export_workbook(
            units=units_,
            tables=tables_for_export(units=units_, first=2018, last=2019),
            first=2018,
            last=2019,
            root=figures.province,
            progress=lambda done, step: seen.append((done, step)),
        )
        assert [done for done, _step in seen] == [*range(1, len(units_) + 1), len(units_), len(units_)]
        assert seen[2] == (3, f"Đã xuất: {units_[2]}")
        assert [step for _done, step in seen[-2:]] == ["Đang lập trang tổng hợp", "Đang lưu tệp Excel"]

    def test_the_progress_is_on_the_jobs_row(self, figures, inspector):
        job = job_for(inspector, figures.province)
        job_run(job.pk, export_work)
        job.refresh_from_db()
        units_ = export_units(inspector, unit=figures.province, with_children=True)
        assert (job.progress_done, job.progress_total) == (len(units_) + 1, len(units_) + 1)
