"""The inspection page and the in-place editing of its points and tasks:
who may do what (allowed, forbidden, out of scope, anonymous), bad input,
two people editing one point, reordering, pasting, tasks and history."""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse

from inspections import services
from inspections.choices import FindingKind, InspectionStatus, TaskStatus, TeamRole
from inspections.models import Finding, RemediationTask
from tests.factories import (
    FindingFactory,
    InspectionTeamFactory,
    RemediationTaskFactory,
    TeamMemberFactory,
)

pytestmark = pytest.mark.django_db

ACHIEVEMENT = FindingKind.ACHIEVEMENT
SHORTCOMING = FindingKind.SHORTCOMING
RECOMMENDATION = FindingKind.RECOMMENDATION
HTMX = {"HTTP_HX_REQUEST": "true"}


def text_of(response):
    return response.content.decode()


def plain(response) -> str:
    """The response's text without tags, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text_of(response))).strip()


def texts_shown(response) -> list[str]:
    """The points' texts in the order the page prints them."""
    return re.findall(r'<div class="finding-text">(.*?)</div>', text_of(response), re.DOTALL)


def texts_stored(inspection, kind=SHORTCOMING) -> list[str]:
    return list(
        Finding.objects.filter(inspection=inspection, kind=kind)
        .order_by("position")
        .values_list("text", flat=True)
    )


def positions(inspection, kind=SHORTCOMING) -> list[int]:
    return list(
        Finding.objects.filter(inspection=inspection, kind=kind)
        .order_by("position")
        .values_list("position", flat=True)
    )


def detail_url(inspection):
    return reverse("inspections:inspection_detail", args=[inspection.pk])


def warmed_up(client, user, url):
    # The first request after force_login() may write the session, so a
    # counted request is always the second one.
    client.force_login(user)
    assert client.get(url).status_code == 200


@pytest.fixture
def draft(scenario):
    """Duy Xuyên's inspection in the province's 2025 plan (512/KH-UBND),
    inspected on 11/04/2025, its conclusion not issued."""
    return scenario.draft_district_a


@pytest.fixture
def points(draft, reform_areas, inspector):
    def add(kind, area, text):
        return services.finding_create(
            inspection=draft, kind=kind, reform_area=area, text=text, created_by=inspector
        )

    return SimpleNamespace(
        achievement=add(
            ACHIEVEMENT, reform_areas.chi_dao_dieu_hanh, "Ban hành Kế hoạch CCHC năm 2025 kịp thời."
        ),
        first=add(SHORTCOMING, reform_areas.tthc, "Chưa cập nhật bộ thủ tục hành chính mới."),
        second=add(SHORTCOMING, reform_areas.chinh_quyen_so, "Tỷ lệ hồ sơ trực tuyến toàn trình còn thấp."),
        third=add(SHORTCOMING, reform_areas.cong_vu, "Chưa kiểm tra công vụ định kỳ."),
        recommendation=add(RECOMMENDATION, reform_areas.tthc, "Cập nhật, công khai bộ thủ tục hành chính."),
        tasked=add(RECOMMENDATION, reform_areas.chinh_quyen_so, "Đẩy mạnh dịch vụ công trực tuyến."),
    )


@pytest.fixture
def task(draft, points, inspector):
    return services.task_create(
        inspection=draft,
        finding=points.tasked,
        description=points.tasked.text,
        deadline=datetime.date(2025, 6, 30),
        created_by=inspector,
    )


def snapshot(inspection):
    """Everything the editing views could change."""
    findings = Finding.objects.filter(inspection=inspection).order_by("pk")
    tasks = RemediationTask.objects.filter(inspection=inspection).order_by("pk")
    return (
        list(findings.values_list("pk", "kind", "position", "text", "version", "reform_area_id")),
        list(tasks.values_list("pk", "deadline", "responsible_unit_id", "finding_id")),
    )


# Access -----------------------------------------------------------------------
#
# Every editing view, as the page calls it (with HX-Request), with a valid
# body, so that a refusal comes from the access check and not from the form.
# ``o`` holds the draft, its points and task, the reform areas and the units.

EDIT_VIEWS = {
    "finding_create": (
        "post",
        lambda o: reverse("inspections:finding_create", args=[o.draft.pk, SHORTCOMING]),
        lambda o: {"reform_area": o.areas.tthc.pk, "text": "Chưa bố trí công chức Bộ phận Một cửa."},
        "Chưa bố trí công chức Bộ phận Một cửa.",
    ),
    "finding_reorder": (
        "post",
        lambda o: reverse("inspections:finding_reorder", args=[o.draft.pk, SHORTCOMING]),
        lambda o: {"order": [o.points.third.pk, o.points.first.pk, o.points.second.pk]},
        'id="part-shortcoming"',
    ),
    "finding_paste": (
        "post",
        lambda o: reverse("inspections:finding_paste", args=[o.draft.pk]),
        lambda o: {"kind": SHORTCOMING, "reform_area": o.areas.tthc.pk, "block": "1. Một.\n2. Hai."},
        '<textarea name="point"',
    ),
    "finding_paste-confirm": (
        "post",
        lambda o: reverse("inspections:finding_paste", args=[o.draft.pk]),
        lambda o: {"confirm": "1", "kind": SHORTCOMING, "reform_area": o.areas.tthc.pk, "point": ["Một."]},
        "",
    ),
    "task_table-get": (
        "get",
        lambda o: reverse("inspections:task_table", args=[o.draft.pk]),
        lambda o: None,
        "Đẩy mạnh dịch vụ công trực tuyến.",
    ),
    "task_table-post": (
        "post",
        lambda o: reverse("inspections:task_table", args=[o.draft.pk]),
        lambda o: {"deadline": "2025-07-31"},
        "31/07/2025",
    ),
    "history": (
        "get",
        lambda o: reverse("inspections:history", args=[o.draft.pk]),
        lambda o: None,
        "Chưa kiểm tra công vụ định kỳ.",
    ),
    "finding_item-get": (
        "get",
        lambda o: reverse("inspections:finding_item", args=[o.points.first.pk]),
        lambda o: None,
        "Chưa cập nhật bộ thủ tục hành chính mới.",
    ),
    "finding_item-edit": (
        "get",
        lambda o: reverse("inspections:finding_item", args=[o.points.first.pk]) + "?edit=1",
        lambda o: None,
        "Chưa cập nhật bộ thủ tục hành chính mới.</textarea>",
    ),
    "finding_item-post": (
        "post",
        lambda o: reverse("inspections:finding_item", args=[o.points.first.pk]),
        lambda o: {"reform_area": o.areas.tthc.pk, "text": "Chưa cập nhật bộ TTHC.", "version": 1},
        "Chưa cập nhật bộ TTHC.",
    ),
    "finding_delete": (
        "post",
        lambda o: reverse("inspections:finding_delete", args=[o.points.first.pk]),
        lambda o: None,
        'id="part-shortcoming"',
    ),
    "finding_move": (
        "post",
        lambda o: reverse("inspections:finding_move", args=[o.points.first.pk]),
        lambda o: {"direction": "down"},
        'id="part-shortcoming"',
    ),
    "finding_task-get": (
        "get",
        lambda o: reverse("inspections:finding_task", args=[o.points.recommendation.pk]),
        lambda o: None,
        "Giao nhiệm vụ khắc phục",
    ),
    "finding_task-post": (
        "post",
        lambda o: reverse("inspections:finding_task", args=[o.points.recommendation.pk]),
        lambda o: {"responsible_unit": o.units.district_a.pk, "deadline": "2025-06-30"},
        "Nhiệm vụ của UBND huyện Duy Xuyên, hạn báo cáo 30/06/2025",
    ),
}


@pytest.fixture
def objects(draft, points, task, reform_areas, units):
    return SimpleNamespace(draft=draft, points=points, task=task, areas=reform_areas, units=units)


@pytest.fixture
def user(request, user_fixture):
    return request.getfixturevalue(user_fixture)


def call(client, name, objects, **extra):
    method, url, body, _shown = EDIT_VIEWS[name]
    data = body(objects)
    if method == "get":
        return client.get(url(objects), **HTMX, **extra)
    return client.post(url(objects), data or {}, **HTMX, **extra)


class TestAccess:
    @pytest.mark.parametrize("name", EDIT_VIEWS)
    def test_anonymous_is_sent_to_login(self, client, objects, name):
        before = snapshot(objects.draft)
        url = EDIT_VIEWS[name][1](objects)

        response = call(client, name, objects)

        assert response.status_code == 302
        assert response["Location"] == redirect_to_login(url)["Location"]
        assert snapshot(objects.draft) == before

    @pytest.mark.parametrize("name", EDIT_VIEWS)
    @pytest.mark.parametrize("user_fixture", ["officer_a", "leader"])
    def test_the_inspected_units_officer_and_leader_are_forbidden(self, client, user, objects, name):
        before = snapshot(objects.draft)
        client.force_login(user)

        response = call(client, name, objects)

        assert response.status_code == 403
        assert "Chưa cập nhật bộ thủ tục hành chính mới." not in text_of(response)
        assert snapshot(objects.draft) == before

    @pytest.mark.parametrize("name", EDIT_VIEWS)
    @pytest.mark.parametrize("user_fixture", ["other_province_inspector", "district_inspector"])
    def test_an_inspector_of_another_scope_gets_404(self, client, user, objects, name):
        before = snapshot(objects.draft)
        client.force_login(user)

        response = call(client, name, objects)

        assert response.status_code == 404
        page = text_of(response)
        assert "Chưa cập nhật bộ thủ tục hành chính mới." not in page
        assert "Đẩy mạnh dịch vụ công trực tuyến." not in page
        assert snapshot(objects.draft) == before

    @pytest.mark.parametrize("name", EDIT_VIEWS)
    @pytest.mark.parametrize("user_fixture", ["inspector", "administrator"])
    def test_editors_of_the_issuing_scope_are_allowed(self, client, user, objects, name):
        client.force_login(user)

        response = call(client, name, objects)

        if name == "finding_paste-confirm":
            assert response.status_code == 204
            assert response["HX-Redirect"] == detail_url(objects.draft) + "#part-shortcoming"
            assert texts_stored(objects.draft)[-1] == "Một."
        else:
            assert response.status_code == 200
            assert EDIT_VIEWS[name][3] in text_of(response)

    def test_a_district_inspector_edits_the_points_of_the_districts_own_plan(
        self, client, district_inspector, scenario, reform_areas
    ):
        own = scenario.draft_commune_a
        client.force_login(district_inspector)

        response = client.post(
            reverse("inspections:finding_create", args=[own.pk, SHORTCOMING]),
            {"reform_area": reform_areas.tthc.pk, "text": "Xã chưa niêm yết thủ tục mới."},
            **HTMX,
        )

        assert response.status_code == 200
        assert texts_stored(own) == ["Xã chưa niêm yết thủ tục mới."]


class TestInspectionPage:
    def test_the_inspector_gets_the_notice_with_edit_controls(self, client, inspector, draft, points, task):
        client.force_login(inspector)
        response = client.get(detail_url(draft))

        assert response.status_code == 200
        assert response.context["can_edit"] is True
        page = text_of(response)
        for kind in (ACHIEVEMENT, SHORTCOMING, RECOMMENDATION):
            assert reverse("inspections:finding_create", args=[draft.pk, kind]) in page
            assert reverse("inspections:finding_reorder", args=[draft.pk, kind]) in page
        for finding in vars(points).values():
            assert reverse("inspections:finding_item", args=[finding.pk]) + "?edit=1" in page
            assert reverse("inspections:finding_move", args=[finding.pk]) in page
            assert reverse("inspections:finding_delete", args=[finding.pk]) in page
        # Only the recommendation without a task offers to make one.
        assert reverse("inspections:finding_task", args=[points.recommendation.pk]) in page
        assert reverse("inspections:finding_task", args=[points.tasked.pk]) not in page
        assert reverse("inspections:finding_task", args=[points.first.pk]) not in page
        assert reverse("inspections:finding_paste", args=[draft.pk]) in page
        assert reverse("inspections:task_table", args=[draft.pk]) in page
        assert "Lịch sử thay đổi" in page
        assert "Đặt hạn cho tất cả" in page

    def test_the_page_reads_like_the_notice(self, client, inspector, draft, points, task):
        client.force_login(inspector)
        response = client.get(detail_url(draft))

        text = plain(response)
        order = [
            "I. Kết quả đạt được",
            "Công tác chỉ đạo, điều hành Ban hành Kế hoạch CCHC năm 2025 kịp thời.",
            "II. Tồn tại, hạn chế",
            "Cải cách thủ tục hành chính Chưa cập nhật bộ thủ tục hành chính mới.",
            "Chính phủ số Tỷ lệ hồ sơ trực tuyến toàn trình còn thấp.",
            "Cải cách chế độ công vụ Chưa kiểm tra công vụ định kỳ.",
            "III. Nhiệm vụ, kiến nghị",
            "Cải cách thủ tục hành chính Cập nhật, công khai bộ thủ tục hành chính.",
            "Đẩy mạnh dịch vụ công trực tuyến. Nhiệm vụ của UBND huyện Duy Xuyên, hạn báo cáo 30/06/2025",
            "Nhiệm vụ khắc phục",
        ]
        found = [text.index(fragment) for fragment in order]
        assert found == sorted(found)

    def test_an_administrator_may_edit_too(self, client, administrator, draft, points):
        client.force_login(administrator)
        response = client.get(detail_url(draft))

        assert response.context["can_edit"] is True
        assert "finding-actions" in text_of(response)

    def test_a_leader_reads_the_districts_draft_without_edit_controls(
        self, client, leader, scenario, reform_areas
    ):
        own = scenario.draft_commune_a
        FindingFactory(inspection=own, text="Xã chưa niêm yết thủ tục mới.", reform_area=reform_areas.tthc)
        client.force_login(leader)
        response = client.get(detail_url(own))

        assert response.status_code == 200
        assert response.context["can_edit"] is False
        page = text_of(response)
        assert "Xã chưa niêm yết thủ tục mới." in page
        assert "finding-actions" not in page
        assert "Lịch sử thay đổi" not in page
        assert reverse("inspections:finding_create", args=[own.pk, SHORTCOMING]) not in page

    @pytest.mark.parametrize("user_fixture", ["officer_a", "leader", "other_province_inspector"])
    def test_the_draft_is_404_outside_the_provincial_staff(self, client, user, draft, points):
        client.force_login(user)
        response = client.get(detail_url(draft))

        assert response.status_code == 404
        assert "Chưa cập nhật bộ thủ tục hành chính mới." not in text_of(response)

    def test_the_inspected_unit_sees_the_inspection_once_issued_without_controls(
        self, client, officer_a, draft, points
    ):
        client.force_login(officer_a)
        assert client.get(detail_url(draft)).status_code == 404
        assert draft.pk not in {
            i.pk for i in client.get(reverse("inspections:inspection_list")).context["inspections"]
        }

        draft.notice_issued_at = datetime.datetime(2025, 5, 2, 9, tzinfo=datetime.UTC)
        draft.status = InspectionStatus.CONCLUDED
        draft.save()
        response = client.get(detail_url(draft))

        assert response.status_code == 200
        page = text_of(response)
        assert "Chưa cập nhật bộ thủ tục hành chính mới." in page
        assert "finding-actions" not in page
        assert "Lịch sử thay đổi" not in page

    def test_anonymous_is_sent_to_login(self, client, draft):
        response = client.get(detail_url(draft))
        assert response["Location"] == f"/login/?next={detail_url(draft)}"


class TestFindingCreate:
    def url(self, draft, kind=SHORTCOMING):
        return reverse("inspections:finding_create", args=[draft.pk, kind])

    def test_a_point_is_added_at_the_end_of_its_part(self, client, inspector, draft, points, reform_areas):
        client.force_login(inspector)
        response = client.post(
            self.url(draft), {"reform_area": reform_areas.tthc.pk, "text": "  Chưa số hóa hồ sơ.  "}, **HTMX
        )

        assert response.status_code == 200
        assert response["HX-Trigger"] == "historyChanged"
        assert texts_shown(response) == [
            "Chưa cập nhật bộ thủ tục hành chính mới.",
            "Tỷ lệ hồ sơ trực tuyến toàn trình còn thấp.",
            "Chưa kiểm tra công vụ định kỳ.",
            "Chưa số hóa hồ sơ.",
        ]
        assert positions(draft) == [1, 2, 3, 4]
        added = Finding.objects.get(inspection=draft, text="Chưa số hóa hồ sơ.")
        assert (added.reform_area, added.created_by) == (reform_areas.tthc, inspector)

    def test_without_htmx_the_page_is_reloaded_at_the_part(self, client, inspector, draft, reform_areas):
        client.force_login(inspector)
        response = client.post(
            self.url(draft, ACHIEVEMENT), {"reform_area": reform_areas.tthc.pk, "text": "Tốt."}
        )

        assert response["Location"] == detail_url(draft) + "#part-achievement"
        assert texts_stored(draft, ACHIEVEMENT) == ["Tốt."]

    @pytest.mark.parametrize("text", ["", "   \n\t  "])
    def test_empty_text_is_refused_beside_the_field_and_the_area_kept(
        self, client, inspector, draft, points, reform_areas, text
    ):
        before = snapshot(draft)
        client.force_login(inspector)
        response = client.post(
            self.url(draft), {"reform_area": reform_areas.cong_vu.pk, "text": text}, **HTMX
        )

        assert response.status_code == 200  # HTMX swaps only 2xx answers
        page = text_of(response)
        errors = re.search(
            r'<div class="invalid-feedback d-block" id="id_shortcoming_text-errors">(.*?)</div>\s*</div>',
            page,
            re.DOTALL,
        )
        assert errors and "Nội dung không được để trống." in errors.group(1)
        assert f'<option value="{reform_areas.cong_vu.pk}" selected>' in page
        assert '<details class="add-finding" open>' in page
        assert snapshot(draft) == before

    def test_without_htmx_empty_text_comes_back_on_the_page(
        self, client, inspector, draft, points, reform_areas
    ):
        before = snapshot(draft)
        client.force_login(inspector)
        response = client.post(
            self.url(draft, RECOMMENDATION), {"reform_area": reform_areas.cong_vu.pk, "text": " "}
        )

        assert response.status_code == 400
        page = text_of(response)
        assert 'id="id_recommendation_text-errors"' in page
        assert "Nội dung không được để trống." in page
        assert f'<option value="{reform_areas.cong_vu.pk}" selected>' in page
        # The other parts' forms are fresh.
        assert 'id="id_shortcoming_text-errors"' not in page
        assert snapshot(draft) == before

    def test_a_missing_reform_area_is_refused_and_the_text_kept(self, client, inspector, draft, points):
        before = snapshot(draft)
        client.force_login(inspector)
        response = client.post(self.url(draft), {"reform_area": "", "text": "Nội dung đã gõ."}, **HTMX)

        page = text_of(response)
        assert "Hãy chọn lĩnh vực CCHC." in page
        assert "Nội dung đã gõ.</textarea>" in page
        assert snapshot(draft) == before

    def test_an_area_of_another_programme_is_refused(self, client, inspector, draft, points, reform_areas):
        before = snapshot(draft)
        client.force_login(inspector)
        response = client.post(
            self.url(draft), {"reform_area": reform_areas.hien_dai_hoa.pk, "text": "Nội dung."}, **HTMX
        )

        assert "Hãy chọn một lựa chọn hợp lệ." in text_of(response)
        assert snapshot(draft) == before

    def test_an_unknown_part_is_404(self, client, inspector, draft, points, reform_areas):
        before = snapshot(draft)
        client.force_login(inspector)
        response = client.post(
            self.url(draft, "conclusion"), {"reform_area": reform_areas.tthc.pk, "text": "Nội dung."}, **HTMX
        )

        assert response.status_code == 404
        assert snapshot(draft) == before


class TestFindingItem:
    def url(self, finding):
        return reverse("inspections:finding_item", args=[finding.pk])

    def test_the_edit_form_holds_the_text_area_and_version(self, client, inspector, points, reform_areas):
        client.force_login(inspector)
        response = client.get(self.url(points.first), {"edit": 1}, **HTMX)

        page = text_of(response)
        assert "Chưa cập nhật bộ thủ tục hành chính mới.</textarea>" in page
        assert f'<option value="{reform_areas.tthc.pk}" selected>' in page
        assert re.search(r'<input type="hidden" name="version" value="1"', page)

    def test_cancel_shows_the_point_again(self, client, inspector, points):
        client.force_login(inspector)
        response = client.get(self.url(points.first), **HTMX)

        assert texts_shown(response) == ["Chưa cập nhật bộ thủ tục hành chính mới."]
        assert f'id="finding-{points.first.pk}"' in text_of(response)

    def test_without_htmx_the_point_is_shown_on_the_page(self, client, inspector, draft, points):
        client.force_login(inspector)
        response = client.get(self.url(points.first))

        assert response["Location"] == detail_url(draft) + f"#finding-{points.first.pk}"

    def test_a_saved_edit_shows_the_point_and_bumps_the_version(
        self, client, inspector, points, reform_areas
    ):
        client.force_login(inspector)
        response = client.post(
            self.url(points.first),
            {"reform_area": reform_areas.the_che.pk, "text": "Chưa rà soát văn bản quy phạm.", "version": 1},
            **HTMX,
        )

        assert response.status_code == 200
        assert response["HX-Trigger"] == "historyChanged"
        assert texts_shown(response) == ["Chưa rà soát văn bản quy phạm."]
        assert "Cải cách thể chế" in text_of(response)
        points.first.refresh_from_db()
        assert (points.first.text, points.first.reform_area, points.first.version) == (
            "Chưa rà soát văn bản quy phạm.",
            reform_areas.the_che,
            2,
        )

    def test_empty_text_is_refused_beside_the_field_and_the_area_kept(
        self, client, inspector, draft, points, reform_areas
    ):
        before = snapshot(draft)
        client.force_login(inspector)
        response = client.post(
            self.url(points.first),
            {"reform_area": reform_areas.the_che.pk, "text": "  ", "version": 1},
            **HTMX,
        )

        page = text_of(response)
        assert f'id="id_f{points.first.pk}_text-errors"' in page
        assert "Nội dung không được để trống." in page
        assert f'<option value="{reform_areas.the_che.pk}" selected>' in page
        assert snapshot(draft) == before

    @pytest.fixture
    def colleague(self, make_member, units):
        return make_member("inspector", units.province, username="thanhtra.hai", full_name="Lê Thị Mai")

    def test_a_stale_save_is_refused_and_shows_both_texts(
        self, client, inspector, colleague, draft, points, reform_areas
    ):
        # Both open version 1; the colleague saves first.
        services.finding_update(
            finding=points.first,
            expected_version=1,
            text="Bản của đồng nghiệp: chưa công bố 12 thủ tục mới.",
            reform_area=reform_areas.tthc,
            updated_by=colleague,
        )
        client.force_login(inspector)

        response = client.post(
            self.url(points.first),
            {
                "reform_area": reform_areas.tthc.pk,
                "text": "Bản của tôi: chưa cập nhật 12 thủ tục.",
                "version": 1,
            },
            **HTMX,
        )

        assert response.status_code == 200  # shown in place; 409 without HTMX
        page = text_of(response)
        assert "Nội dung này đã được Lê Thị Mai sửa lúc" in page
        assert re.search(
            r'class="newer-text[^"]*">Bản của đồng nghiệp: chưa công bố 12 thủ tục mới.</div>', page
        )
        assert "Bản của tôi: chưa cập nhật 12 thủ tục.</textarea>" in page
        assert re.search(r'<input type="hidden" name="version" value="2"', page)
        points.first.refresh_from_db()
        assert (points.first.text, points.first.version) == (
            "Bản của đồng nghiệp: chưa công bố 12 thủ tục mới.",
            2,
        )

        # Having seen the newer text, the user saves again on top of it.
        response = client.post(
            self.url(points.first),
            {
                "reform_area": reform_areas.tthc.pk,
                "text": "Bản của tôi: chưa cập nhật 12 thủ tục.",
                "version": 2,
            },
            **HTMX,
        )

        assert texts_shown(response) == ["Bản của tôi: chưa cập nhật 12 thủ tục."]
        points.first.refresh_from_db()
        assert (points.first.text, points.first.version) == ("Bản của tôi: chưa cập nhật 12 thủ tục.", 3)

    def test_without_htmx_a_stale_save_is_a_conflict(
        self, client, inspector, colleague, points, reform_areas
    ):
        services.finding_update(
            finding=points.first,
            expected_version=1,
            text="Bản mới hơn.",
            reform_area=reform_areas.tthc,
            updated_by=colleague,
        )
        client.force_login(inspector)

        response = client.post(
            self.url(points.first), {"reform_area": reform_areas.tthc.pk, "text": "Bản cũ.", "version": 1}
        )

        assert response.status_code == 409
        assert "Bản mới hơn." in text_of(response)
        assert "Bản cũ.</textarea>" in text_of(response)
        points.first.refresh_from_db()
        assert points.first.text == "Bản mới hơn."


def order_of(*names, points):
    return {"order": [getattr(points, name).pk for name in names]}


class TestReorder:
    def url(self, draft, kind=SHORTCOMING):
        return reverse("inspections:finding_reorder", args=[draft.pk, kind])

    def test_the_points_are_numbered_in_the_order_given(self, client, inspector, draft, points):
        client.force_login(inspector)
        response = client.post(self.url(draft), order_of("third", "first", "second", points=points), **HTMX)

        assert texts_shown(response) == [
            "Chưa kiểm tra công vụ định kỳ.",
            "Chưa cập nhật bộ thủ tục hành chính mới.",
            "Tỷ lệ hồ sơ trực tuyến toàn trình còn thấp.",
        ]
        assert positions(draft) == [1, 2, 3]
        assert texts_stored(draft) == texts_shown(response)

    @pytest.mark.parametrize(
        "order",
        [
            pytest.param(["third", "first"], id="one-missing"),
            pytest.param(["third", "first", "second", "recommendation"], id="one-of-another-part"),
            pytest.param(["third", "first", "first"], id="a-duplicate"),
            pytest.param([], id="empty"),
        ],
    )
    def test_a_list_that_does_not_match_changes_nothing(self, client, inspector, draft, points, order):
        before = snapshot(draft)
        client.force_login(inspector)
        response = client.post(self.url(draft), order_of(*order, points=points), **HTMX)

        assert response.status_code == 200
        assert texts_shown(response) == [
            "Chưa cập nhật bộ thủ tục hành chính mới.",
            "Tỷ lệ hồ sơ trực tuyến toàn trình còn thấp.",
            "Chưa kiểm tra công vụ định kỳ.",
        ]
        assert snapshot(draft) == before

    def test_a_list_with_a_non_number_changes_nothing(self, client, inspector, draft, points):
        before = snapshot(draft)
        client.force_login(inspector)
        client.post(self.url(draft), {"order": [points.third.pk, "abc", points.second.pk]}, **HTMX)

        assert snapshot(draft) == before

    def test_without_htmx_the_refusal_is_shown_on_the_page(self, client, inspector, draft, points):
        client.force_login(inspector)
        response = client.post(self.url(draft), order_of("third", points=points), follow=True)

        assert "Không sắp xếp được: danh sách đã thay đổi, hãy tải lại trang." in text_of(response)

    def test_with_htmx_the_refusal_is_shown_in_the_part(self, client, inspector, draft, points):
        client.force_login(inspector)
        response = client.post(self.url(draft), order_of("third", points=points), **HTMX)

        assert "Không sắp xếp được: danh sách đã thay đổi, hãy tải lại trang." in text_of(response)


class TestMove:
    def move(self, client, finding, direction):
        return client.post(
            reverse("inspections:finding_move", args=[finding.pk]), {"direction": direction}, **HTMX
        )

    def test_up_and_down_swap_neighbours_and_renumber(self, client, inspector, draft, points):
        client.force_login(inspector)

        response = self.move(client, points.third, "up")
        assert texts_shown(response) == [
            "Chưa cập nhật bộ thủ tục hành chính mới.",
            "Chưa kiểm tra công vụ định kỳ.",
            "Tỷ lệ hồ sơ trực tuyến toàn trình còn thấp.",
        ]
        response = self.move(client, points.first, "down")
        assert texts_shown(response) == [
            "Chưa kiểm tra công vụ định kỳ.",
            "Chưa cập nhật bộ thủ tục hành chính mới.",
            "Tỷ lệ hồ sơ trực tuyến toàn trình còn thấp.",
        ]
        assert texts_stored(draft) == texts_shown(response)
        assert positions(draft) == [1, 2, 3]

    def test_the_ends_stay_put(self, client, inspector, draft, points):
        before = snapshot(draft)
        client.force_login(inspector)
        self.move(client, points.first, "up")
        self.move(client, points.third, "down")

        assert snapshot(draft) == before

    def test_other_parts_are_not_touched(self, client, inspector, draft, points):
        client.force_login(inspector)
        self.move(client, points.tasked, "up")

        assert texts_stored(draft, RECOMMENDATION) == [
            "Đẩy mạnh dịch vụ công trực tuyến.",
            "Cập nhật, công khai bộ thủ tục hành chính.",
        ]
        assert positions(draft) == [1, 2, 3]
        assert texts_stored(draft)[0] == "Chưa cập nhật bộ thủ tục hành chính mới."


class TestDelete:
    def test_the_gap_is_closed(self, client, inspector, draft, points):
        client.force_login(inspector)
        response = client.post(reverse("inspections:finding_delete", args=[points.second.pk]), **HTMX)

        assert texts_shown(response) == [
            "Chưa cập nhật bộ thủ tục hành chính mới.",
            "Chưa kiểm tra công vụ định kỳ.",
        ]
        assert positions(draft) == [1, 2]
        assert response["HX-Trigger"] == "historyChanged"


class TestPaste:
    BLOCK = (
        "1. Chưa ban hành quy chế phối hợp\r\n"
        "   giữa các phòng chuyên môn.\r\n"
        "2. Chưa công khai số điện thoại đường dây nóng.\r\n"
        "3. Hồ sơ trễ hạn chưa có văn bản xin lỗi."
    )

    def url(self, draft):
        return reverse("inspections:finding_paste", args=[draft.pk])

    def test_the_block_is_split_for_review(self, client, inspector, draft, points, reform_areas):
        before = snapshot(draft)
        client.force_login(inspector)
        response = client.post(
            self.url(draft),
            {"kind": SHORTCOMING, "reform_area": reform_areas.tthc.pk, "block": self.BLOCK},
            **HTMX,
        )

        page = text_of(response)
        assert re.findall(r'<textarea name="point"[^>]*>(.*?)</textarea>', page) == [
            "Chưa ban hành quy chế phối hợp giữa các phòng chuyên môn.",
            "Chưa công khai số điện thoại đường dây nóng.",
            "Hồ sơ trễ hạn chưa có văn bản xin lỗi.",
        ]
        assert "Tách được 3 điểm." in page
        assert '<input type="hidden" name="kind" value="shortcoming"' in page
        assert f'<input type="hidden" name="reform_area" value="{reform_areas.tthc.pk}"' in page
        assert snapshot(draft) == before, "nothing is saved before the review"

    def test_an_empty_block_is_refused_with_the_choices_kept(self, client, inspector, draft, reform_areas):
        client.force_login(inspector)
        response = client.post(
            self.url(draft),
            {"kind": RECOMMENDATION, "reform_area": reform_areas.cong_vu.pk, "block": "  "},
            **HTMX,
        )

        page = text_of(response)
        assert "Hãy dán đoạn văn bản cần tách." in page
        assert '<option value="recommendation" selected>' in page
        assert f'<option value="{reform_areas.cong_vu.pk}" selected>' in page

    def test_the_reviewed_points_are_saved_in_order_at_the_end_of_the_part(
        self, client, inspector, draft, points, reform_areas
    ):
        client.force_login(inspector)
        response = client.post(
            self.url(draft),
            {
                "confirm": "1",
                "kind": SHORTCOMING,
                "reform_area": reform_areas.tthc.pk,
                "point": ["Chưa ban hành quy chế phối hợp.", "   ", "Hồ sơ trễ hạn chưa có văn bản xin lỗi."],
            },
            **HTMX,
        )

        assert response.status_code == 204
        assert response["HX-Redirect"] == detail_url(draft) + "#part-shortcoming"
        assert texts_stored(draft) == [
            "Chưa cập nhật bộ thủ tục hành chính mới.",
            "Tỷ lệ hồ sơ trực tuyến toàn trình còn thấp.",
            "Chưa kiểm tra công vụ định kỳ.",
            "Chưa ban hành quy chế phối hợp.",
            "Hồ sơ trễ hạn chưa có văn bản xin lỗi.",
        ]
        assert positions(draft) == [1, 2, 3, 4, 5]
        added = Finding.objects.filter(inspection=draft, position__gte=4, kind=SHORTCOMING)
        assert {(f.reform_area, f.created_by) for f in added} == {(reform_areas.tthc, inspector)}
        assert "Đã thêm 2 điểm." in text_of(client.get(detail_url(draft)))

    def test_without_htmx_the_saved_points_are_shown_on_the_page(
        self, client, inspector, draft, reform_areas
    ):
        client.force_login(inspector)
        response = client.post(
            self.url(draft),
            {
                "confirm": "1",
                "kind": ACHIEVEMENT,
                "reform_area": reform_areas.tthc.pk,
                "point": ["Một.", "Hai."],
            },
        )

        assert response["Location"] == detail_url(draft) + "#part-achievement"
        assert texts_stored(draft, ACHIEVEMENT) == ["Một.", "Hai."]

    def test_every_point_emptied_is_refused_and_nothing_saved(
        self, client, inspector, draft, points, reform_areas
    ):
        before = snapshot(draft)
        client.force_login(inspector)
        response = client.post(
            self.url(draft),
            {"confirm": "1", "kind": SHORTCOMING, "reform_area": reform_areas.tthc.pk, "point": ["", "  "]},
            **HTMX,
        )

        assert response.status_code == 200
        assert "Không còn điểm nào để lưu." in text_of(response)
        assert snapshot(draft) == before


class TestTaskFromRecommendation:
    def url(self, finding):
        return reverse("inspections:finding_task", args=[finding.pk])

    def test_the_inspected_unit_is_proposed(self, client, inspector, points, units):
        client.force_login(inspector)
        page = text_of(client.get(self.url(points.recommendation), **HTMX))

        assert f'<option value="{units.district_a.pk}" selected>' in page
        assert f'<option value="{units.commune_a.pk}">' in page
        assert f'<option value="{units.district_b.pk}"' not in page

    def test_a_task_is_made_with_the_recommendations_text_and_area(
        self, client, inspector, draft, points, reform_areas, units
    ):
        client.force_login(inspector)
        response = client.post(
            self.url(points.recommendation),
            {"responsible_unit": units.commune_a.pk, "deadline": "30/06/2025"},
            **HTMX,
        )

        assert response.status_code == 200
        assert response["HX-Trigger"] == "tasksChanged, historyChanged"
        assert "Nhiệm vụ của UBND xã Duy Sơn, hạn báo cáo 30/06/2025" in plain(response)
        task = RemediationTask.objects.get(finding=points.recommendation)
        assert (
            task.inspection,
            task.responsible_unit,
            task.deadline,
            task.description,
            task.reform_area,
        ) == (
            draft,
            units.commune_a,
            datetime.date(2025, 6, 30),
            "Cập nhật, công khai bộ thủ tục hành chính.",
            reform_areas.tthc,
        )
        assert task.created_by == inspector
        assert task.status == TaskStatus.OPEN

    def test_a_deadline_before_the_inspection_is_refused_and_the_date_kept(
        self, client, inspector, draft, points, units
    ):
        before = snapshot(draft)
        client.force_login(inspector)
        response = client.post(
            self.url(points.recommendation),
            {"responsible_unit": units.district_a.pk, "deadline": "2025-04-01"},
            **HTMX,
        )

        page = text_of(response)
        assert 'id="id_deadline-errors"' in page
        assert "Hạn báo cáo không được trước ngày kiểm tra (11/04/2025)." in page
        assert 'value="2025-04-01"' in page
        assert snapshot(draft) == before

    def test_a_unit_outside_the_plan_is_refused_beside_the_field(
        self, client, inspector, draft, points, units
    ):
        before = snapshot(draft)
        client.force_login(inspector)
        response = client.post(
            self.url(points.recommendation),
            {"responsible_unit": units.district_b.pk, "deadline": "2025-06-30"},
        )

        assert response.status_code == 400
        page = text_of(response)
        assert 'id="id_responsible_unit-errors"' in page
        assert "Hãy chọn một lựa chọn hợp lệ." in page
        assert 'value="2025-06-30"' in page
        assert snapshot(draft) == before

    def test_a_shortcoming_cannot_become_a_task(self, client, inspector, draft, points, units):
        before = snapshot(draft)
        client.force_login(inspector)
        response = client.post(
            self.url(points.first),
            {"responsible_unit": units.district_a.pk, "deadline": "2025-06-30"},
            **HTMX,
        )

        assert response.status_code == 404
        assert snapshot(draft) == before

    def test_a_recommendation_gets_one_task_only(self, client, inspector, draft, points, task, units):
        before = snapshot(draft)
        client.force_login(inspector)
        response = client.post(
            self.url(points.tasked),
            {"responsible_unit": units.commune_a.pk, "deadline": "2025-08-30"},
            **HTMX,
        )

        assert "HX-Trigger" not in response
        assert "Kiến nghị này đã được giao nhiệm vụ khắc phục." in text_of(response)
        assert snapshot(draft) == before


class TestBulkDeadline:
    @pytest.fixture
    def tasks(self, draft, points, task, units):
        accepted = RemediationTaskFactory(
            inspection=draft,
            description="Nhiệm vụ đã hoàn thành.",
            deadline=datetime.date(2025, 5, 31),
            accepted=True,
        )
        other = RemediationTaskFactory(
            inspection=draft,
            responsible_unit=units.commune_a,
            description="Xã Duy Sơn rà soát quy trình nội bộ.",
            deadline=datetime.date(2025, 9, 30),
        )
        return SimpleNamespace(with_finding=task, accepted=accepted, other=other)

    def url(self, draft):
        return reverse("inspections:task_table", args=[draft.pk])

    def test_one_deadline_for_every_task_not_yet_accepted(self, client, inspector, draft, tasks):
        client.force_login(inspector)
        response = client.post(self.url(draft), {"deadline": "31/07/2025"}, **HTMX)

        assert response.status_code == 200
        assert response["HX-Trigger"] == "historyChanged"
        deadlines = dict(
            RemediationTask.objects.filter(inspection=draft).values_list("description", "deadline")
        )
        assert deadlines == {
            "Đẩy mạnh dịch vụ công trực tuyến.": datetime.date(2025, 7, 31),
            "Xã Duy Sơn rà soát quy trình nội bộ.": datetime.date(2025, 7, 31),
            "Nhiệm vụ đã hoàn thành.": datetime.date(2025, 5, 31),
        }
        page = text_of(response)
        assert page.count("31/07/2025") == 2
        assert "31/05/2025" in page

        history = plain(client.get(reverse("inspections:history", args=[draft.pk]), **HTMX))
        assert history.count(f"{inspector.get_full_name()} sửa nhiệm vụ khắc phục (hạn báo cáo)") == 2

    def test_without_htmx_the_page_says_how_many_tasks_changed(self, client, inspector, draft, tasks):
        client.force_login(inspector)
        response = client.post(self.url(draft), {"deadline": "2025-07-31"})

        assert response["Location"] == detail_url(draft) + "#tasks"
        assert "Đã đặt hạn báo cáo cho 2 nhiệm vụ." in text_of(client.get(response["Location"]))

    def test_a_deadline_before_the_inspection_changes_nothing(self, client, inspector, draft, tasks):
        before = snapshot(draft)
        client.force_login(inspector)
        response = client.post(self.url(draft), {"deadline": "2025-03-01"}, **HTMX)

        page = text_of(response)
        assert 'id="id_deadline-errors"' in page
        assert "Hạn báo cáo không được trước ngày kiểm tra (11/04/2025)." in page
        assert 'value="2025-03-01"' in page
        assert "HX-Trigger" not in response
        assert snapshot(draft) == before

    def test_without_htmx_a_bad_deadline_comes_back_on_the_page(self, client, inspector, draft, tasks):
        client.force_login(inspector)
        response = client.post(self.url(draft), {"deadline": "ngày mai"})

        assert response.status_code == 400
        assert "Ngày không hợp lệ." in text_of(response)
        assert 'value="ngày mai"' in text_of(response)

    def test_the_table_is_refreshed_on_get(self, client, inspector, draft, tasks):
        client.force_login(inspector)
        response = client.get(self.url(draft), **HTMX)

        page = text_of(response)
        assert page.lstrip().startswith('<section class="mb-4" id="tasks"')
        assert "Xã Duy Sơn rà soát quy trình nội bộ." in page
        assert client.get(self.url(draft))["Location"] == detail_url(draft) + "#tasks"


class TestHistory:
    @pytest.fixture
    def colleague(self, make_member, units):
        return make_member("administrator", units.province, username="quantri.hai", full_name="Lê Thị Mai")

    def test_who_changed_which_point_and_what(
        self, client, inspector, colleague, draft, points, reform_areas
    ):
        inspector.full_name = "Nguyễn Thanh Tra"
        inspector.save()
        client.force_login(inspector)
        client.post(
            reverse("inspections:finding_item", args=[points.second.pk]),
            {
                "reform_area": reform_areas.chinh_quyen_so.pk,
                "text": "Tỷ lệ hồ sơ trực tuyến đạt 35%.",
                "version": 1,
            },
            **HTMX,
        )
        client.force_login(colleague)
        client.post(reverse("inspections:finding_move", args=[points.third.pk]), {"direction": "up"}, **HTMX)
        client.post(reverse("inspections:finding_delete", args=[points.achievement.pk]), **HTMX)

        response = client.get(reverse("inspections:history", args=[draft.pk]), **HTMX)

        history = plain(response)
        assert "Lê Thị Mai xóa Kết quả đạt được, điểm 1" in history
        assert "Lê Thị Mai sửa Tồn tại, hạn chế, điểm 2 (thứ tự)" in history
        assert "Lê Thị Mai sửa Tồn tại, hạn chế, điểm 3 (thứ tự)" in history
        assert "Nguyễn Thanh Tra sửa Tồn tại, hạn chế, điểm 2 (nội dung)" in history
        assert "Nguyễn Thanh Tra thêm Nhiệm vụ, kiến nghị, điểm 2" in history
        assert "Tỷ lệ hồ sơ trực tuyến đạt 35%." in history
        # Newest first.
        assert history.index("Lê Thị Mai xóa") < history.index("Nguyễn Thanh Tra sửa")
        assert re.search(r"\d{2}:\d{2} \d{2}/\d{2}/\d{4}", history)

    def test_the_page_shows_the_history_too(self, client, inspector, draft, points):
        client.force_login(inspector)
        page = plain(client.get(detail_url(draft)))

        assert f"{inspector.get_full_name()} thêm Tồn tại, hạn chế, điểm 3" in page


class TestDetailQueryCount:
    # Inspector, inspection page: the session, the user, the scope
    # (memberships, units reached, unit successions), the inspection with
    # plan, issuer, unit and team, its prefetches (team members, findings
    # with area and task, tasks with unit and finding), the history of
    # points and of tasks (the edit check reads the scope: no query), the remediation reports, the unread
    # notifications of the menu, the conclusion notices, and the reform areas
    # of the three add forms and of the paste form.
    INSPECTOR_QUERIES = 18

    @pytest.fixture
    def fill(self, reform_areas):
        def fill(inspection, per_part, tasks):
            inspection.team = InspectionTeamFactory(plan=inspection.plan)
            inspection.save()
            TeamMemberFactory(team=inspection.team, full_name="Nguyễn Văn Hùng", role=TeamRole.HEAD)
            TeamMemberFactory.create_batch(3, team=inspection.team)
            for kind in (ACHIEVEMENT, SHORTCOMING, RECOMMENDATION):
                FindingFactory.create_batch(
                    per_part, inspection=inspection, kind=kind, reform_area=reform_areas.tthc
                )
            recommendations = list(inspection.findings.filter(kind=RECOMMENDATION))
            for n in range(tasks):
                RemediationTaskFactory(
                    inspection=inspection,
                    finding=recommendations[n] if n < len(recommendations) else None,
                    reform_area=reform_areas.tthc,
                )
            return inspection

        return fill

    @pytest.mark.parametrize("per_part", [2, 20])
    def test_the_page_costs_the_same_with_6_or_60_points(
        self, client, inspector, draft, fill, per_part, django_assert_num_queries
    ):
        fill(draft, per_part=per_part, tasks=10)
        warmed_up(client, inspector, detail_url(draft))

        with django_assert_num_queries(self.INSPECTOR_QUERIES):
            response = client.get(detail_url(draft))

        page = text_of(response)
        assert page.count('class="finding"') == 3 * per_part
        assert page.count("js-edit") == 3 * per_part
        assert len(response.context["inspection"].tasks.all()) == 10
        assert "Trưởng đoàn: Nguyễn Văn Hùng" in plain(response)
