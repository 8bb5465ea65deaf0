"""The province's PAR pages: sets (tree, import with preview, export, copy,
issue with confirmation) and cycles (create with the unit rule, deadlines,
units, survey import, the compute job)."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from cchc.choices import JobStatus, Role
from cchc.jobs.run import job_run
from cchc.models import Job
from par.choices import SetStatus
from par.jobs import compute_work
from par.models import CriteriaSet, Cycle, CycleUnit, Result, SurveyResult
from par.services import criteria_set_copy, criteria_set_workbook
from tests.par.conftest import DEADLINES


@pytest.fixture
def inspector(make_member, units):
    return make_member(Role.INSPECTOR, units.province)


def _xlsx(data: bytes, name="bo-tieu-chi.xlsx"):
    upload = io.BytesIO(data)
    upload.name = name
    return upload


def test_set_pages(client, inspector, commune_set):
    client.force_login(inspector)
    listing = client.get(reverse("par:set_list")).content.decode()
    assert reverse("par:set_detail", args=[commune_set.pk]) in listing
    detail = client.get(reverse("par:set_detail", args=[commune_set.pk])).content.decode()
    assert "Ban hành kế hoạch cải cách hành chính năm" in detail
    assert "Xuất sắc</strong>: từ 90%" in detail
    assert reverse("par:set_import", args=[commune_set.pk]) not in detail  # issued: no import
    export = client.get(reverse("par:set_export", args=[commune_set.pk]))
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert export["Cache-Control"] == "no-store"
    assert export["Content-Disposition"].startswith("attachment;")
    cells = {
        value
        for row in load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True)
        for value in row
    }
    assert "Ban hành kế hoạch cải cách hành chính năm" in {str(v).strip() for v in cells if v}


def test_import_preview_then_save_into_a_draft(client, inspector, commune_set):
    client.force_login(inspector)
    draft = criteria_set_copy(source=commune_set, year=2026, user=inspector)
    url = reverse("par:set_import", args=[draft.pk])
    data = criteria_set_workbook(commune_set)
    preview = client.post(url, {"file": _xlsx(data)})
    assert preview.status_code == 200
    assert "58 tiêu chí, không có lỗi." in preview.content.decode()
    saved = client.post(url, {"save": "1"})
    assert saved.status_code == 302
    assert draft.nodes.count() == 58


def test_a_bad_import_shows_every_problem_and_saves_nothing(client, inspector, units):
    client.force_login(inspector)
    client.post(
        reverse("par:set_create"),
        {
            "province": units.province.pk,
            "year": 2026,
            "unit_group": "communes",
            "name": "Dự thảo 2026",
            "total_points": "2",
        },
    )
    draft = CriteriaSet.objects.get(name="Dự thảo 2026")
    book = Workbook()
    sheet = book.active
    sheet.append(["STT", "Tên tiêu chí", "Điểm tối đa", "Phương pháp chấm"])
    sheet.append(["1", "Chỉ đạo", 2])
    sheet.append(["1.1", "Kế hoạch", 3, "Đạt / không đạt"])
    buffer = io.BytesIO()
    book.save(buffer)
    answer = client.post(reverse("par:set_import", args=[draft.pk]), {"file": _xlsx(buffer.getvalue())})
    assert answer.status_code == 400
    assert "Tiêu chí 1 có điểm tối đa 2 nhưng các tiêu chí con cộng lại được 3." in answer.content.decode()
    assert not draft.nodes.exists()


def test_issue_asks_for_the_decision_and_a_confirmation(client, inspector, commune_set):
    client.force_login(inspector)
    draft = criteria_set_copy(source=commune_set, year=2026, user=inspector)
    url = reverse("par:set_issue", args=[draft.pk])
    assert "Ghi ban hành" in client.get(url).content.decode()
    refused = client.post(url, {"decision_number": "12/QĐ-UBND", "decision_date": "10/01/2026"})
    assert refused.status_code == 400
    draft.refresh_from_db()
    assert draft.status == SetStatus.DRAFT
    done = client.post(url, {"decision_number": "12/QĐ-UBND", "decision_date": "10/01/2026", "confirm": "on"})
    assert done.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.decision_number) == (SetStatus.ISSUED, "12/QĐ-UBND")


def test_copy_to_next_year(client, inspector, commune_set):
    client.force_login(inspector)
    answer = client.post(reverse("par:set_copy", args=[commune_set.pk]), {"year": 2026})
    copy = CriteriaSet.objects.get(year=2026)
    assert answer["Location"] == reverse("par:set_detail", args=[copy.pk])
    assert copy.status == SetStatus.DRAFT


def test_cycle_create_and_detail_state_the_unit_rule(client, inspector, units, commune_set):
    client.force_login(inspector)
    form = client.get(reverse("par:cycle_create")).content.decode()
    assert "còn hoạt động vào ngày 31/12 của năm đánh giá" in form
    data = {
        "criteria_set": commune_set.pk,
        "name": "Chỉ số CCHC cấp xã 2025",
        "survey_held": "on",
        **{k: v.strftime("%d/%m/%Y") for k, v in DEADLINES.items()},
    }
    answer = client.post(reverse("par:cycle_create"), data)
    cycle = Cycle.objects.get()
    assert answer["Location"] == reverse("par:cycle_detail", args=[cycle.pk])
    detail = client.get(answer["Location"]).content.decode()
    assert "còn hoạt động vào ngày 31/12 của năm đánh giá" in detail
    assert "công việc do Ủy ban nhân dân xã Vu Gia kế thừa" in detail
    # Deadlines out of order are refused, nothing changes.
    bad = {**data, "round1_due": "01/12/2025"}
    client.post(reverse("par:cycle_deadlines", args=[cycle.pk]), bad)
    cycle.refresh_from_db()
    assert cycle.round1_due == DEADLINES["round1_due"]
    # A unit kept out of the ranking, with a reason.
    member = CycleUnit.objects.get(cycle=cycle, unit=units.commune_b)
    client.post(
        reverse("par:cycle_unit", args=[cycle.pk, member.pk]), {"included": "on", "reason": "Đơn vị đặc thù"}
    )
    member.refresh_from_db()
    assert (member.included, member.ranked, member.reason) == (True, False, "Đơn vị đặc thù")


def test_survey_import_and_compute(client, inspector, units, commune_cycle):
    client.force_login(inspector)
    book = Workbook()
    sheet = book.active
    sheet.append(["Mã đơn vị", "Tên đơn vị", "8.1", "8.2"])
    sheet.append(["20620", "UBND xã Duy Sơn", 18, 9])
    buffer = io.BytesIO()
    book.save(buffer)
    url = reverse("par:survey_import", args=[commune_cycle.pk])
    preview = client.post(url, {"file": _xlsx(buffer.getvalue(), "xhh.xlsx"), "source": "Viện"})
    assert "2 điểm của 1 đơn vị" in preview.content.decode()
    client.post(url, {"save": "1"})
    assert SurveyResult.objects.filter(cycle=commune_cycle).count() == 2
    answer = client.post(reverse("par:cycle_compute", args=[commune_cycle.pk]))
    job = Job.objects.get(kind="par_results_compute")
    assert answer["Location"] == reverse("job_detail", args=[job.pk])
    job_run(job.pk, compute_work)
    job.refresh_from_db()
    assert (job.status, job.result) == (JobStatus.SUCCEEDED, {"results": 3})
    assert Result.objects.filter(cycle=commune_cycle).count() == 3
    detail = client.get(reverse("par:cycle_detail", args=[commune_cycle.pk])).content.decode()
    assert "tạm tính" in detail and "cycle-results" in detail


def test_wrong_role_and_other_province(client, make_member, units, commune_set):
    leader = make_member(Role.LEADER, units.province)
    client.force_login(leader)
    assert client.get(reverse("par:set_detail", args=[commune_set.pk])).status_code == 200
    assert client.get(reverse("par:set_issue", args=[commune_set.pk])).status_code == 403
    officer = make_member(Role.UNIT_OFFICER, units.commune_a)
    client.force_login(officer)
    assert client.get(reverse("par:set_list")).status_code == 403


def test_cycle_page_is_paged_and_its_queries_bounded(
    client, inspector, commune_cycle, monkeypatch, django_assert_max_num_queries
):
    from par import views
    from par.services import cycle_results_compute

    cycle_results_compute(cycle=commune_cycle)
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    client.force_login(inspector)
    url = reverse("par:cycle_detail", args=[commune_cycle.pk])
    with django_assert_max_num_queries(30):
        page = client.get(url).content.decode()
    assert "?units=2#units" in page and "page=2" in page
    second = client.get(url + "?units=2").content.decode()
    assert "Trang 2/2" in second
