import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inspections.choices import FindingKind
from tests.factories import FindingFactory, RemediationTaskFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("inspections:inspection_list")
EMPTY_LIST = "Không có cuộc kiểm tra nào phù hợp trong phạm vi của bạn."


def detail_url(inspection):
    return reverse("inspections:inspection_detail", args=[inspection.pk])


def listed(response):
    return {inspection.pk for inspection in response.context["inspections"]}


def text_of(response):
    return response.content.decode()


def logged_in(client, user, url):
    # The first request after force_login() may write the session (the login
    # time is recorded only once the middleware module is imported), so the
    # counted request is the second one.
    client.force_login(user)
    assert client.get(url).status_code == 200


class TestAnonymous:
    def test_list_redirects_to_login(self, client, scenario):
        response = client.get(LIST_URL)
        assert response.status_code == 302
        assert response["Location"] == f"/login/?next={LIST_URL}"

    def test_detail_redirects_to_login(self, client, scenario):
        url = detail_url(scenario.issued_district_a)
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/login/?next={url}"


class TestInspectionList:
    def test_inspector_sees_drafts_and_issued_inspections_of_the_province(self, client, inspector, scenario):
        client.force_login(inspector)
        response = client.get(LIST_URL)

        assert response.status_code == 200
        assert listed(response) == {i.pk for name, i in vars(scenario).items() if not name.startswith("plan")}
        page = text_of(response)
        assert detail_url(scenario.draft_district_a) in page
        assert "Ủy ban nhân dân xã Đại Cường" in page

    def test_officer_sees_the_issued_inspections_of_its_units_only(self, client, officer_a, scenario):
        client.force_login(officer_a)
        response = client.get(LIST_URL)

        assert response.status_code == 200
        assert listed(response) == {scenario.issued_district_a.pk, scenario.issued_commune_a.pk}
        page = text_of(response)
        assert detail_url(scenario.issued_district_a) in page
        assert detail_url(scenario.issued_commune_a) in page
        assert detail_url(scenario.draft_district_a) not in page
        assert "Ủy ban nhân dân huyện Đại Lộc" not in page

    def test_a_user_without_membership_gets_an_empty_list(self, client, outsider, scenario):
        client.force_login(outsider)
        response = client.get(LIST_URL)

        assert response.status_code == 200
        assert listed(response) == set()
        page = text_of(response)
        assert EMPTY_LIST in page
        assert "/inspections/" + str(scenario.issued_district_a.pk) not in page

    def test_counts_of_findings_and_tasks_are_shown(self, client, officer_a, scenario):
        inspection = scenario.issued_district_a
        FindingFactory.create_batch(3, inspection=inspection)
        RemediationTaskFactory(inspection=inspection)
        client.force_login(officer_a)
        response = client.get(LIST_URL)

        row = next(i for i in response.context["inspections"] if i.pk == inspection.pk)
        assert (row.finding_count, row.task_count) == (3, 1)


class TestInspectionDetail:
    @pytest.fixture
    def conclusion(self, scenario, reform_areas):
        # Entered out of order: the page prints them by part, then by position.
        inspection = scenario.issued_district_a
        rows = [
            (FindingKind.RECOMMENDATION, 1, "Kiến nghị: niêm yết công khai đầy đủ thủ tục hành chính."),
            (FindingKind.SHORTCOMING, 2, "Tồn tại hai: tỷ lệ hồ sơ trực tuyến toàn trình còn thấp."),
            (FindingKind.ACHIEVEMENT, 1, "Kết quả: ban hành kế hoạch cải cách hành chính năm kịp thời."),
            (FindingKind.SHORTCOMING, 1, "Tồn tại một: chưa cập nhật bộ thủ tục hành chính mới."),
        ]
        for kind, position, text in rows:
            FindingFactory(
                inspection=inspection, kind=kind, position=position, text=text, reform_area=reform_areas.tthc
            )
        return [
            "Kết quả: ban hành kế hoạch cải cách hành chính năm kịp thời.",
            "Tồn tại một: chưa cập nhật bộ thủ tục hành chính mới.",
            "Tồn tại hai: tỷ lệ hồ sơ trực tuyến toàn trình còn thấp.",
            "Kiến nghị: niêm yết công khai đầy đủ thủ tục hành chính.",
        ]

    def test_officer_sees_its_issued_inspection_with_findings_in_notice_order(
        self, client, officer_a, scenario, conclusion
    ):
        client.force_login(officer_a)
        response = client.get(detail_url(scenario.issued_district_a))

        assert response.status_code == 200
        page = text_of(response)
        assert "Kết luận kiểm tra công tác cải cách hành chính tại Ủy ban nhân dân huyện Duy Xuyên" in page
        positions = [page.index(text) for text in conclusion]
        assert positions == sorted(positions)
        assert page.index("I. Kết quả đạt được") < positions[0]
        assert positions[0] < page.index("II. Tồn tại, hạn chế") < positions[1]
        assert positions[2] < page.index("III. Nhiệm vụ, kiến nghị") < positions[3]
        assert response.context["can_edit"] is False
        assert "finding-actions" not in page

    def test_officer_sees_the_tasks_with_overdue_marked(self, client, officer_a, scenario):
        inspection = scenario.issued_district_a
        RemediationTaskFactory(
            inspection=inspection,
            description="Báo cáo kết quả khắc phục trước ngày 30/8/2024.",
            deadline=datetime.date(2024, 8, 30),
        )
        client.force_login(officer_a)
        page = text_of(client.get(detail_url(inspection)))

        assert "Báo cáo kết quả khắc phục trước ngày 30/8/2024." in page
        assert "30/08/2024" in page
        assert "Quá hạn" in page

    def test_officer_sees_an_issued_inspection_of_its_commune(self, client, officer_a, scenario):
        client.force_login(officer_a)
        response = client.get(detail_url(scenario.issued_commune_a))
        assert response.status_code == 200
        assert response.context["inspection"] == scenario.issued_commune_a

    def test_inspector_sees_the_draft_and_may_edit_it(self, client, inspector, scenario, reform_areas):
        draft = scenario.draft_district_a
        FindingFactory(
            inspection=draft, text="Dự thảo: chưa rà soát quy trình nội bộ.", reform_area=reform_areas.tthc
        )
        client.force_login(inspector)
        response = client.get(detail_url(draft))

        assert response.status_code == 200
        page = text_of(response)
        assert "Dự thảo: chưa rà soát quy trình nội bộ." in page
        assert response.context["can_edit"] is True
        assert reverse("inspections:finding_create", args=[draft.pk, FindingKind.SHORTCOMING]) in page

    def test_officer_of_another_district_gets_404(self, client, officer_b, scenario, conclusion):
        client.force_login(officer_b)
        response = client.get(detail_url(scenario.issued_district_a))
        assert response.status_code == 404
        assert conclusion[0] not in text_of(response)

    def test_officer_gets_404_for_a_draft_of_its_own_district(self, client, officer_a, scenario):
        client.force_login(officer_a)
        assert client.get(detail_url(scenario.draft_district_a)).status_code == 404
        assert client.get(detail_url(scenario.draft_commune_a)).status_code == 404

    def test_a_user_without_membership_gets_404(self, client, outsider, scenario):
        client.force_login(outsider)
        assert client.get(detail_url(scenario.issued_district_a)).status_code == 404

    def test_a_superuser_sees_a_draft(self, client, scenario, reform_areas):
        FindingFactory(
            inspection=scenario.draft_district_a,
            text="Dự thảo: chưa họp giao ban.",
            reform_area=reform_areas.tthc,
        )
        client.force_login(UserFactory(is_superuser=True, is_staff=True))
        response = client.get(detail_url(scenario.draft_district_a))
        assert response.status_code == 200
        assert "Dự thảo: chưa họp giao ban." in text_of(response)

    def test_an_id_that_does_not_exist_is_404(self, client, inspector, scenario):
        client.force_login(inspector)
        assert client.get(reverse("inspections:inspection_detail", args=[999_999])).status_code == 404


class TestDetailQueryCount:
    # Officer: session, user, the scope (memberships, units reached,
    # successions: once for every role set), the inspection, its findings,
    # its tasks, the edit check's role test, the published notices, the
    # remediation reports and the unread notifications in the menu.
    OFFICER_QUERIES = 11
    # Inspector: the same, plus the history of points and of tasks, and the
    # reform areas of the three add forms and the paste form (the edit check
    # reads the scope already loaded: no query).
    INSPECTOR_QUERIES = 17

    @pytest.fixture
    def fill(self, reform_areas):
        def fill(inspection, findings, tasks):
            kinds = [FindingKind.ACHIEVEMENT, FindingKind.SHORTCOMING, FindingKind.RECOMMENDATION]
            for n in range(findings):
                FindingFactory(inspection=inspection, kind=kinds[n % 3], reform_area=reform_areas.tthc)
            recommendations = list(
                inspection.findings.filter(kind=FindingKind.RECOMMENDATION, task__isnull=True)
            )
            for n in range(tasks):
                RemediationTaskFactory(
                    inspection=inspection,
                    finding=recommendations[n] if n < len(recommendations) else None,
                    reform_area=reform_areas.tthc,
                )
            return inspection

        return fill

    @pytest.mark.parametrize("findings", [10, 60])
    def test_officer_detail_queries_do_not_grow(
        self, client, officer_a, scenario, fill, findings, django_assert_num_queries
    ):
        inspection = fill(scenario.issued_district_a, findings=findings, tasks=10)
        logged_in(client, officer_a, detail_url(inspection))

        with django_assert_num_queries(self.OFFICER_QUERIES):
            response = client.get(detail_url(inspection))

        assert response.status_code == 200
        page = text_of(response)
        assert page.count('class="finding"') == findings
        assert len(response.context["inspection"].tasks.all()) == 10

    @pytest.mark.parametrize("findings", [10, 60])
    def test_inspector_detail_queries_do_not_grow(
        self, client, inspector, scenario, fill, findings, django_assert_num_queries
    ):
        inspection = fill(scenario.draft_district_a, findings=findings, tasks=10)
        logged_in(client, inspector, detail_url(inspection))

        with django_assert_num_queries(self.INSPECTOR_QUERIES):
            response = client.get(detail_url(inspection))

        assert response.status_code == 200
        assert text_of(response).count('class="finding"') == findings

    def test_more_findings_and_tasks_cost_no_more_queries(self, client, officer_a, scenario, fill):
        inspection = fill(scenario.issued_district_a, findings=10, tasks=2)
        url = detail_url(inspection)
        logged_in(client, officer_a, url)
        with CaptureQueriesContext(connection) as small:
            client.get(url)

        fill(inspection, findings=50, tasks=8)
        with CaptureQueriesContext(connection) as large:
            response = client.get(url)

        assert text_of(response).count('class="finding"') == 60
        assert len(large.captured_queries) == len(small.captured_queries)
