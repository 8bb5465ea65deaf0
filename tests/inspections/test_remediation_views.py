"""Remediation pages (inspections/views/remediation.py) and the notification
page of the kernel: each view allowed,
forbidden by role, out of scope (404) and anonymous; what the pages show;
refused uploads keep the page; downloads only through the scoped view; the
unit's task list in a fixed number of queries."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cchc.choices import DocumentKind, DocumentStatus, Role
from cchc.models import Notification, OfficialDocument
from inspections import remediation
from inspections.choices import (
    ItemProgress,
    RemediationReportStatus,
    ReportFileKind,
    ReviewDecision,
    TaskStatus,
)
from inspections.models import RemediationReport, RemediationTask, ReportFile
from tests.factories import RemediationTaskFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
HTMX = {"HTTP_HX_REQUEST": "true"}
NOT_A_DRAFT = "Báo cáo đã gửi, không sửa được nữa."


# Pages of the kernel the remediation pages lead to.
KERNEL_URLS = {"notifications"}


def url(name, *args):
    return reverse(name if name in KERNEL_URLS else f"inspections:{name}", args=args)


def text_of(response):
    return response.content.decode()


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def items_of(report):
    return list(report.items.select_related("task").order_by("task__deadline"))


def logged_in(client, user, address):
    # The first request after force_login() may write the session; counted
    # requests are the later ones.
    client.force_login(user)
    assert client.get(address).status_code == 200


@pytest.fixture
def draft(remediation_case, officer_a):
    return remediation.report_open(inspection=remediation_case.inspection, user=officer_a)


@pytest.fixture
def document(draft, officer_a, upload_files):
    return remediation.report_file_add(
        report=draft, upload=upload_files.pdf("Báo cáo 125.pdf"), kind=ReportFileKind.DOCUMENT, user=officer_a
    )


@pytest.fixture
def evidence(draft, officer_a, upload_files):
    return remediation.report_file_add(
        report=draft,
        upload=upload_files.png("anh-niem-yet.pdf"),
        kind=ReportFileKind.EVIDENCE,
        item=items_of(draft)[0],
        user=officer_a,
    )


@pytest.fixture
def submitted(draft, officer_a, fill_report):
    fill_report(draft, officer_a)
    return remediation.report_submit(report=draft, user=officer_a)


@pytest.fixture
def other_unit_report(scenario, officer_b):
    """Đại Lộc's own draft, which Duy Xuyên must never reach."""
    RemediationTaskFactory(
        inspection=scenario.issued_district_b, description="Kiện toàn Bộ phận Một cửa huyện Đại Lộc."
    )
    return remediation.report_open(inspection=scenario.issued_district_b, user=officer_b)


class TestAnonymous:
    @pytest.mark.parametrize(
        ("method", "name", "target"),
        [
            ("get", "unit_home", None),
            ("post", "report_open", "inspection"),
            ("get", "report_detail", "report"),
            ("post", "report_update", "report"),
            ("post", "report_file_upload", "report"),
            ("post", "report_submit", "report"),
            ("post", "report_item", "item"),
            ("post", "report_review_item", "item"),
            ("get", "report_file", "file"),
            ("post", "report_file_delete", "file"),
            ("get", "review_queue", None),
            ("get", "overdue", None),
            ("get", "notifications", None),
            ("post", "notifications", None),
        ],
    )
    def test_is_sent_to_the_login_page_and_changes_nothing(
        self, client, draft, document, method, name, target
    ):
        targets = {
            "inspection": draft.inspection_id,
            "report": draft.pk,
            "item": items_of(draft)[0].pk,
            "file": document.pk,
        }
        address = url(name, targets[target]) if target else url(name)
        before = (RemediationReport.objects.count(), ReportFile.objects.count(), draft.status)

        data = {"decision": "accepted", "document_number": "1"} if method == "post" else {}
        response = getattr(client, method)(address, data)

        assert response.status_code == 302
        assert response["Location"] == f"/login/?next={address}"
        draft.refresh_from_db()
        assert (RemediationReport.objects.count(), ReportFile.objects.count(), draft.status) == before
        assert draft.document_number == ""


class TestUnitHome:
    @pytest.fixture
    def tasks(self, remediation_case, scenario, units):
        today = remediation_case.today
        return {
            "overdue": RemediationTaskFactory(
                inspection=scenario.issued_commune_a,
                description="Cập nhật hồ sơ thủ tục hành chính lên Cổng dịch vụ công.",
                deadline=today - 3 * DAY,
            ),
            "soon": RemediationTaskFactory(
                inspection=scenario.issued_commune_a,
                description="Bố trí công chức tiếp nhận hồ sơ đúng chuyên môn.",
                deadline=today + 5 * DAY,
            ),
            "accepted": RemediationTaskFactory(
                inspection=scenario.issued_commune_a,
                description="Sửa quy chế tiếp công dân.",
                deadline=today - 10 * DAY,
                accepted=True,
            ),
            "draft_inspection": RemediationTaskFactory(
                inspection=scenario.draft_district_a, description="Nhiệm vụ của kết luận chưa ban hành."
            ),
            "other_unit": RemediationTaskFactory(
                inspection=scenario.issued_district_b, description="Nhiệm vụ của huyện Đại Lộc."
            ),
        }

    @staticmethod
    def row_of(page, description):
        match = re.search(
            r'<tr class="([^"]*)">\s*<td>' + re.escape(description) + r"</td>(.*?)</tr>", page, re.S
        )
        assert match, description
        return match.group(1), match.group(2)

    def test_an_officer_sees_the_units_tasks_with_days_left_due_soon_and_overdue(
        self, client, officer_a, remediation_case, tasks
    ):
        client.force_login(officer_a)
        response = client.get(url("unit_home"))

        assert response.status_code == 200
        shown = [task.pk for task in response.context["tasks"]]
        expected = [tasks["accepted"], tasks["overdue"], tasks["soon"], *remediation_case.tasks]
        assert shown == [task.pk for task in expected]
        assert (response.context["overdue_count"], response.context["due_soon_count"]) == (1, 1)
        page = text_of(response)
        assert "1 quá hạn" in page and "1 sắp đến hạn" in page and "5 nhiệm vụ" in page
        css, cells = self.row_of(page, tasks["overdue"].description)
        assert css == "table-danger" and "quá hạn 3 ngày" in cells
        css, cells = self.row_of(page, tasks["soon"].description)
        assert css == "table-warning" and "<td>5 ngày</td>" in cells
        css, cells = self.row_of(page, remediation_case.tasks[0].description)
        assert css == "" and "<td>10 ngày</td>" in cells and "Chưa báo cáo" in cells
        css, cells = self.row_of(page, tasks["accepted"].description)
        # Accepted: what happened, not a count of days (issue 16).
        assert css == "" and "Đã chấp nhận ngày " in cells
        assert tasks["draft_inspection"].description not in page
        assert tasks["other_unit"].description not in page

    def test_another_unit_sees_none_of_them(self, client, officer_b, remediation_case, tasks):
        client.force_login(officer_b)
        response = client.get(url("unit_home"))
        assert [task.pk for task in response.context["tasks"]] == [tasks["other_unit"].pk]
        assert remediation_case.tasks[0].description not in text_of(response)

    def test_a_user_without_units_gets_an_empty_page(self, client, outsider, tasks):
        client.force_login(outsider)
        response = client.get(url("unit_home"))
        assert response.status_code == 200
        assert "Đơn vị chưa có nhiệm vụ khắc phục nào." in text_of(response)
        assert list(response.context["inspections"]) == []

    def test_the_issued_inspections_and_signed_notices_of_the_unit_are_listed(
        self, client, officer_a, scenario, units
    ):
        def notice(number, recipient, status=DocumentStatus.PUBLISHED, summary="Thông báo kết luận"):
            document = OfficialDocument.objects.create(
                kind=DocumentKind.CONCLUSION_NOTICE,
                status=status,
                issuing_unit=units.province,
                register_series=f"unit:{units.province.pk}",
                issuing_body="ĐOÀN KIỂM TRA",
                type_code="TB",
                symbol="ĐKT",
                number=number,
                year=2024,
                issued_on=datetime.date(2024, 7, 5),
                place="Quảng Nam",
                summary=summary,
                signer_position="TRƯỞNG ĐOÀN",
                signer_name="Lê Ngọc Quảng",
                signed_file=f"documents/signed/2024/tb-{number}.pdf",
            )
            document.recipient_units.add(recipient)
            return document

        ours = notice(146, units.district_a, summary="Kết luận kiểm tra CCHC tại UBND huyện Duy Xuyên")
        theirs = notice(147, units.district_b, summary="Kết luận kiểm tra CCHC tại UBND huyện Đại Lộc")
        unpublished = notice(148, units.district_a, DocumentStatus.SIGNED, summary="Bản chưa phát hành")
        client.force_login(officer_a)

        response = client.get(url("unit_home"))

        page = text_of(response)
        assert list(response.context["notices"]) == [ours]
        assert "146/TB-ĐKT · Kết luận kiểm tra CCHC tại UBND huyện Duy Xuyên" in page
        assert reverse("document_file", args=[ours.pk, "signed"]) in page
        assert reverse("document_file", args=[theirs.pk, "signed"]) not in page
        assert unpublished.summary not in page
        assert {i.pk for i in response.context["inspections"]} == {
            scenario.issued_district_a.pk,
            scenario.issued_commune_a.pk,
        }
        assert url("inspection_detail", scenario.draft_district_a.pk) not in page

    # Pinned: session, user, memberships, units under them, successions,
    # tasks, unread count (nav), inspections, notices.
    QUERIES = 9

    @pytest.mark.parametrize("count", [20, 200])
    def test_the_task_list_costs_a_fixed_number_of_queries(
        self, client, officer_a, scenario, units, count, django_assert_num_queries
    ):
        today = timezone.localdate()
        inspections = [scenario.issued_district_a, scenario.issued_commune_a]
        RemediationTask.objects.bulk_create(
            RemediationTask(
                inspection=inspections[n % 2],
                responsible_unit=inspections[n % 2].unit,
                description=f"Nhiệm vụ khắc phục số {n + 1}.",
                deadline=today + (n % 40 - 10) * DAY,
                status=[TaskStatus.OPEN, TaskStatus.REPORTED, TaskStatus.RETURNED][n % 3],
            )
            for n in range(count)
        )
        logged_in(client, officer_a, url("unit_home"))

        with django_assert_num_queries(self.QUERIES):
            response = client.get(url("unit_home"))

        assert text_of(response).count("Nhiệm vụ khắc phục số ") == count


class TestReportOpen:
    def test_an_officer_opens_a_draft_and_lands_on_it(self, client, officer_a, remediation_case):
        client.force_login(officer_a)
        response = client.post(url("report_open", remediation_case.inspection.pk))

        report = RemediationReport.objects.get()
        assert response.status_code == 302
        assert response["Location"] == url("report_detail", report.pk)
        assert (report.unit, report.status) == (
            remediation_case.inspection.unit,
            RemediationReportStatus.DRAFT,
        )

    def test_an_inspector_is_forbidden(self, client, inspector, remediation_case):
        client.force_login(inspector)
        assert client.post(url("report_open", remediation_case.inspection.pk)).status_code == 403
        assert not RemediationReport.objects.exists()

    def test_another_units_inspection_is_not_found(self, client, officer_b, remediation_case):
        client.force_login(officer_b)
        assert client.post(url("report_open", remediation_case.inspection.pk)).status_code == 404
        assert not RemediationReport.objects.exists()

    def test_an_inspection_whose_conclusion_is_not_issued_is_not_found(self, client, officer_a, scenario):
        RemediationTaskFactory(inspection=scenario.draft_district_a)
        client.force_login(officer_a)
        assert client.post(url("report_open", scenario.draft_district_a.pk)).status_code == 404

    def test_nothing_to_report_is_said_on_the_inspection(self, client, make_member, units, scenario):
        client.force_login(make_member(Role.UNIT_OFFICER, units.commune_a))
        response = client.post(url("report_open", scenario.issued_commune_a.pk))
        assert response["Location"] == url("inspection_detail", scenario.issued_commune_a.pk)
        assert messages_of(response) == ["Không còn nhiệm vụ nào cần báo cáo."]

    def test_the_district_does_not_open_its_communes_report(self, client, officer_a, scenario):
        # Issue 15: a unit writes only its own reports (the district reads them).
        client.force_login(officer_a)
        assert client.post(url("report_open", scenario.issued_commune_a.pk)).status_code == 404
        assert client.get(url("inspection_detail", scenario.issued_commune_a.pk)).status_code == 200


class TestReportDetail:
    def test_the_officer_sees_a_draft_with_its_forms(self, client, officer_a, draft, document, evidence):
        client.force_login(officer_a)
        response = client.get(url("report_detail", draft.pk))

        assert response.status_code == 200
        assert response.context["can_write"] is True and response.context["can_review"] is False
        page = text_of(response)
        for item in items_of(draft):
            assert item.task.description in page
            assert url("report_item", item.pk) in page
        assert page.count('class="item-form upload-evidence"') == 2
        assert url("report_file", document.pk) in page and "Báo cáo 125.pdf" in page
        assert url("report_file", evidence.pk) in page and "anh-niem-yet.png" in page  # named by its content
        assert url("report_submit", draft.pk) in page

    def test_the_inspector_reads_a_draft_without_forms(self, client, inspector, draft):
        client.force_login(inspector)
        response = client.get(url("report_detail", draft.pk))
        assert response.status_code == 200
        assert (response.context["can_write"], response.context["can_review"]) == (False, False)
        page = text_of(response)
        assert 'class="item-form"' not in page and "review-form" not in page
        assert url("report_submit", draft.pk) not in page

    def test_the_inspector_gets_review_buttons_once_submitted(self, client, inspector, submitted):
        client.force_login(inspector)
        response = client.get(url("report_detail", submitted.pk))
        page = text_of(response)
        assert response.context["can_review"] is True
        for item in items_of(submitted):
            assert url("report_review_item", item.pk) in page
        assert "Đã thực hiện: " in page  # the unit's explanations, read-only
        assert 'class="item-form"' not in page

    @pytest.mark.parametrize("who", ["officer_b", "outsider", "other_province_inspector"])
    def test_out_of_scope_is_not_found(self, client, request, draft, who):
        client.force_login(request.getfixturevalue(who))
        assert client.get(url("report_detail", draft.pk)).status_code == 404

    def test_every_submitted_version_stays_readable_with_the_reasons(
        self, client, officer_a, inspector, submitted
    ):
        reason = "Chưa gửi quyết định ban hành quy chế làm việc."
        first, second = items_of(submitted)
        remediation.report_review_item(item=first, decision=ReviewDecision.ACCEPTED, user=inspector)
        remediation.report_review_item(
            item=second, decision=ReviewDecision.RETURNED, reason=reason, user=inspector
        )
        revision = remediation.report_open(inspection=submitted.inspection, user=officer_a)
        client.force_login(officer_a)

        response = client.get(url("report_detail", submitted.pk))

        assert response.status_code == 200
        assert response.context["can_write"] is False
        page = text_of(response)
        assert f"<strong>Trả lại:</strong> {reason}" in page
        assert url("report_detail", revision.pk) in page and "Lần 2" in page
        assert f"Đã thực hiện: {first.task.description}" in page

    def test_the_reason_of_a_return_is_shown_on_the_draft_that_answers_it(
        self, client, officer_a, inspector, submitted
    ):
        reason = "Chưa gửi quyết định ban hành quy chế làm việc."
        first, second = items_of(submitted)
        remediation.report_review_item(item=first, decision=ReviewDecision.ACCEPTED, user=inspector)
        remediation.report_review_item(
            item=second, decision=ReviewDecision.RETURNED, reason=reason, user=inspector
        )
        revision = remediation.report_open(inspection=submitted.inspection, user=officer_a)
        client.force_login(officer_a)

        response = client.get(url("report_detail", revision.pk))

        assert response.context["can_write"] is True
        assert reason in text_of(response)


class TestReportUpdate:
    def test_the_header_is_saved(self, client, officer_a, draft):
        client.force_login(officer_a)
        response = client.post(
            url("report_update", draft.pk),
            {
                "document_number": "125/BC-UBND",
                "document_date": "2025-05-20",
                "summary": "Kết quả khắc phục.",
            },
        )
        assert response["Location"] == url("report_detail", draft.pk)
        draft.refresh_from_db()
        assert (draft.document_number, draft.document_date, draft.summary) == (
            "125/BC-UBND",
            datetime.date(2025, 5, 20),
            "Kết quả khắc phục.",
        )
        assert messages_of(response) == ["Đã lưu báo cáo."]

    def test_a_bad_date_keeps_what_was_typed(self, client, officer_a, draft):
        client.force_login(officer_a)
        response = client.post(
            url("report_update", draft.pk),
            {
                "document_number": "125/BC-UBND",
                "document_date": "31/02/2025",
                "summary": "Kết quả khắc phục.",
            },
        )
        assert response.status_code == 400
        page = text_of(response)
        assert "Ngày không hợp lệ." in page
        assert 'value="125/BC-UBND"' in page and "Kết quả khắc phục." in page
        draft.refresh_from_db()
        assert draft.document_number == ""

    def test_an_inspector_is_forbidden(self, client, inspector, draft):
        client.force_login(inspector)
        assert client.post(url("report_update", draft.pk), {"document_number": "1"}).status_code == 403

    def test_another_unit_is_not_found(self, client, officer_b, draft):
        client.force_login(officer_b)
        assert client.post(url("report_update", draft.pk), {"document_number": "1"}).status_code == 404
        draft.refresh_from_db()
        assert draft.document_number == ""

    def test_a_submitted_report_is_not_changed(self, client, officer_a, submitted):
        client.force_login(officer_a)
        response = client.post(url("report_update", submitted.pk), {"document_number": "999/BC"})
        assert response.status_code == 400
        submitted.refresh_from_db()
        assert submitted.document_number == ""


class TestStaleTab:
    """A draft left open in a tab after the report was submitted elsewhere:
    the change is refused, and the page must say why."""

    @pytest.mark.parametrize("view", ["report_update", "report_file_upload", "report_item"])
    def test_a_change_to_a_submitted_report_says_why_it_is_refused(
        self, client, officer_a, submitted, upload_files, view
    ):
        item = items_of(submitted)[0]
        posts = {
            "report_update": (url("report_update", submitted.pk), {"document_number": "999/BC"}),
            "report_file_upload": (
                url("report_file_upload", submitted.pk),
                {"kind": "document", "file": upload_files.pdf("ban-moi.pdf")},
            ),
            "report_item": (
                url("report_item", item.pk),
                {f"item{item.pk}-progress": "not_done", f"item{item.pk}-explanation": "Sửa lại."},
            ),
        }
        address, data = posts[view]
        client.force_login(officer_a)

        response = client.post(address, data)

        assert response.status_code == 400
        assert submitted.files.count() == 1
        assert NOT_A_DRAFT in text_of(response)


class TestReportItem:
    def fields(self, item, progress, explanation):
        return {f"item{item.pk}-progress": progress, f"item{item.pk}-explanation": explanation}

    def test_the_result_of_a_task_is_saved(self, client, officer_a, draft):
        item = items_of(draft)[0]
        client.force_login(officer_a)
        response = client.post(
            url("report_item", item.pk), self.fields(item, "in_progress", "Đã niêm yết 120 thủ tục.")
        )
        assert response["Location"] == url("report_detail", draft.pk)
        item.refresh_from_db()
        assert (item.progress, item.explanation) == (ItemProgress.IN_PROGRESS, "Đã niêm yết 120 thủ tục.")

    def test_with_htmx_it_answers_in_place(self, client, officer_a, draft):
        item = items_of(draft)[0]
        client.force_login(officer_a)
        response = client.post(url("report_item", item.pk), self.fields(item, "done", "Đã xong."), **HTMX)
        assert response.status_code == 200
        assert "Đã lưu" in text_of(response) and "<html" not in text_of(response)
        item.refresh_from_db()
        assert item.progress == ItemProgress.DONE

    def test_with_htmx_a_refusal_is_shown_in_place(self, client, officer_a, submitted):
        item = items_of(submitted)[0]
        client.force_login(officer_a)
        response = client.post(url("report_item", item.pk), self.fields(item, "not_done", "Sửa lại."), **HTMX)
        assert response.status_code == 200
        assert NOT_A_DRAFT in text_of(response) and "Đã lưu" not in text_of(response)
        item.refresh_from_db()
        assert item.progress == ItemProgress.DONE

    def test_an_inspector_is_forbidden(self, client, inspector, draft):
        item = items_of(draft)[0]
        client.force_login(inspector)
        assert client.post(url("report_item", item.pk), self.fields(item, "done", "x")).status_code == 403

    def test_another_units_task_is_not_found(self, client, officer_a, other_unit_report):
        item = other_unit_report.items.get()
        client.force_login(officer_a)
        assert client.post(url("report_item", item.pk), self.fields(item, "done", "x")).status_code == 404
        item.refresh_from_db()
        assert item.progress == ""


class TestReportFileUpload:
    def test_the_report_document_is_uploaded(self, client, officer_a, draft, upload_files):
        client.force_login(officer_a)
        response = client.post(
            url("report_file_upload", draft.pk),
            {"kind": "document", "file": upload_files.docx("Báo cáo.docx")},
        )
        assert response["Location"] == url("report_detail", draft.pk)
        stored = draft.files.get()
        assert (stored.kind, stored.original_name, stored.item) == (
            ReportFileKind.DOCUMENT,
            "Báo cáo.docx",
            None,
        )
        assert stored.content_type.endswith("wordprocessingml.document")
        assert messages_of(response) == ["Đã tải lên “Báo cáo.docx”."]

    def test_evidence_goes_to_its_task_typed_by_content(self, client, officer_a, draft, upload_files):
        item = items_of(draft)[1]
        client.force_login(officer_a)
        response = client.post(
            url("report_file_upload", draft.pk),
            {"kind": "evidence", "item": item.pk, "file": upload_files.png("anh-chup.pdf")},
        )
        assert response.status_code == 302
        stored = draft.files.get()
        assert (stored.item, stored.content_type, stored.original_name) == (item, "image/png", "anh-chup.png")

    @pytest.fixture
    def saved_draft(self, draft, officer_a):
        remediation.report_update(
            report=draft, document_number="125/BC-UBND", document_date=None, summary="", user=officer_a
        )
        for item in items_of(draft):
            remediation.report_item_save(
                item=item, progress=ItemProgress.DONE, explanation=f"Giải trình {item.pk}.", user=officer_a
            )
        return draft

    def test_a_refused_document_names_the_file_and_the_reason_and_keeps_the_page(
        self, client, officer_a, saved_draft, upload_files
    ):
        client.force_login(officer_a)
        response = client.post(
            url("report_file_upload", saved_draft.pk),
            {"kind": "document", "file": upload_files.exe("bao-cao.pdf")},
        )

        assert response.status_code == 400
        message = "Tệp “bao-cao.pdf” không đúng định dạng cho phép (PDF, DOCX) theo nội dung tệp."
        assert response.context["document_upload_form"].non_field_errors() == [message]
        page = text_of(response)
        assert message in page
        assert 'value="125/BC-UBND"' in page
        for item in items_of(saved_draft):
            assert f"Giải trình {item.pk}." in page
        assert not ReportFile.objects.exists()

    def test_a_refused_piece_of_evidence_is_reported_beside_its_task(
        self, client, officer_a, saved_draft, upload_files
    ):
        first, second = items_of(saved_draft)
        client.force_login(officer_a)
        response = client.post(
            url("report_file_upload", saved_draft.pk),
            {"kind": "evidence", "item": second.pk, "file": upload_files.zip_bomb("minh-chung.docx")},
        )

        assert response.status_code == 400
        message = (
            "Tệp “minh-chung.docx” bị từ chối: Thành phần word/document.xml nén bất thường "
            "(tỉ lệ trên 120 lần), có thể là “bom zip”: không xử lý."
        )
        by_item = {item.pk: item for item in response.context["items"]}
        assert by_item[second.pk].upload_form.non_field_errors() == [message]
        assert by_item[second.pk].upload_form["item"].value() == str(second.pk)
        assert by_item[first.pk].upload_form.errors == {}
        assert response.context["document_upload_form"].errors == {}
        assert message in text_of(response)
        assert not ReportFile.objects.exists()

    def test_a_file_over_the_limit_is_refused_with_its_size(
        self, client, officer_a, draft, upload_files, settings
    ):
        settings.CCHC_UPLOAD_MAX_FILE_MB = 1
        client.force_login(officer_a)
        response = client.post(
            url("report_file_upload", draft.pk),
            {"kind": "document", "file": upload_files.pdf("bao-cao-scan.pdf", size=3 * 1024 * 1024)},
        )
        assert response.status_code == 400
        assert "Tệp “bao-cao-scan.pdf” quá lớn (3.0 MB); tối đa 1 MB mỗi tệp." in text_of(response)
        assert not ReportFile.objects.exists()

    def test_no_file_is_asked_for(self, client, officer_a, draft):
        client.force_login(officer_a)
        response = client.post(url("report_file_upload", draft.pk), {"kind": "document"})
        assert response.status_code == 400
        assert "Hãy chọn tệp cần tải lên." in text_of(response)

    def test_evidence_for_a_task_of_another_report_is_refused(
        self, client, officer_a, draft, other_unit_report, upload_files
    ):
        client.force_login(officer_a)
        response = client.post(
            url("report_file_upload", draft.pk),
            {"kind": "evidence", "item": other_unit_report.items.get().pk, "file": upload_files.png()},
        )
        assert response.status_code == 400
        assert not ReportFile.objects.exists()
        assert other_unit_report.items.get().task.description not in text_of(response)

    @pytest.mark.parametrize("item", ["foreign", ""])
    def test_evidence_without_a_task_of_this_report_says_so(
        self, client, officer_a, draft, other_unit_report, upload_files, item
    ):
        posted = other_unit_report.items.get().pk if item == "foreign" else ""
        client.force_login(officer_a)
        response = client.post(
            url("report_file_upload", draft.pk),
            {"kind": "evidence", "item": posted, "file": upload_files.png()},
        )
        assert response.status_code == 400
        assert "Hãy chọn nhiệm vụ mà tài liệu kiểm chứng chứng minh." in text_of(response)

    def test_an_inspector_is_forbidden(self, client, inspector, draft, upload_files):
        client.force_login(inspector)
        response = client.post(
            url("report_file_upload", draft.pk), {"kind": "document", "file": upload_files.pdf()}
        )
        assert response.status_code == 403
        assert not ReportFile.objects.exists()

    def test_another_units_report_is_not_found(self, client, officer_a, other_unit_report, upload_files):
        client.force_login(officer_a)
        response = client.post(
            url("report_file_upload", other_unit_report.pk), {"kind": "document", "file": upload_files.pdf()}
        )
        assert response.status_code == 404
        assert not ReportFile.objects.exists()


class TestReportFileDownload:
    def test_the_file_comes_as_an_attachment_that_must_not_be_sniffed(
        self, client, officer_a, document, upload_files
    ):
        client.force_login(officer_a)
        response = client.get(url("report_file", document.pk))

        assert response.status_code == 200
        assert b"".join(response.streaming_content) == upload_files.pdf_bytes()
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("attachment;")
        assert "B%C3%A1o%20c%C3%A1o%20125.pdf" in response["Content-Disposition"]

    def test_a_png_named_pdf_is_served_as_png(self, client, inspector, evidence, upload_files):
        client.force_login(inspector)
        response = client.get(url("report_file", evidence.pk))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"] == 'attachment; filename="anh-niem-yet.png"'
        assert b"".join(response.streaming_content) == upload_files.image_bytes("PNG")

    @pytest.mark.parametrize("who", ["officer_b", "outsider", "other_province_inspector"])
    def test_out_of_scope_is_not_found(self, client, request, document, who):
        client.force_login(request.getfixturevalue(who))
        assert client.get(url("report_file", document.pk)).status_code == 404

    def test_the_media_url_serves_nothing(self, client, officer_a, document, settings):
        client.force_login(officer_a)
        response = client.get(f"{settings.MEDIA_URL}{document.file.name}")
        assert response.status_code == 404


class TestReportFileDelete:
    def test_the_officer_removes_a_file_of_the_draft(self, client, officer_a, draft, evidence):
        client.force_login(officer_a)
        response = client.post(url("report_file_delete", evidence.pk))
        assert response["Location"] == url("report_detail", draft.pk)
        assert not ReportFile.objects.filter(pk=evidence.pk).exists()

    def test_a_file_of_a_submitted_report_stays(self, client, officer_a, submitted):
        document = submitted.files.get()
        client.force_login(officer_a)
        response = client.post(url("report_file_delete", document.pk))
        assert response["Location"] == url("report_detail", submitted.pk)
        assert messages_of(response) == [NOT_A_DRAFT]
        assert ReportFile.objects.filter(pk=document.pk).exists()

    def test_an_inspector_is_forbidden(self, client, inspector, evidence):
        client.force_login(inspector)
        assert client.post(url("report_file_delete", evidence.pk)).status_code == 403
        assert ReportFile.objects.filter(pk=evidence.pk).exists()

    def test_another_unit_is_not_found(self, client, officer_b, evidence):
        client.force_login(officer_b)
        assert client.post(url("report_file_delete", evidence.pk)).status_code == 404
        assert ReportFile.objects.filter(pk=evidence.pk).exists()


class TestReportSubmit:
    def test_an_incomplete_draft_lists_what_is_missing(self, client, officer_a, draft):
        client.force_login(officer_a)
        response = client.post(url("report_submit", draft.pk))

        assert response.status_code == 400
        assert response.context["submit_errors"] == [
            "Nhiệm vụ 1 chưa có kết quả thực hiện hoặc giải trình.",
            "Nhiệm vụ 2 chưa có kết quả thực hiện hoặc giải trình.",
            "Chưa đính kèm văn bản báo cáo (PDF hoặc DOCX).",
        ]
        assert "Chưa gửi được báo cáo:" in text_of(response)
        draft.refresh_from_db()
        assert draft.status == RemediationReportStatus.DRAFT

    def test_a_complete_draft_is_sent_and_the_inspectors_told(
        self,
        client,
        officer_a,
        inspector,
        draft,
        fill_report,
        mailoutbox,
        django_capture_on_commit_callbacks,
    ):
        fill_report(draft, officer_a)
        client.force_login(officer_a)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url("report_submit", draft.pk))

        assert response["Location"] == url("report_detail", draft.pk)
        assert messages_of(response) == ["Đã gửi báo cáo tới Đoàn kiểm tra."]
        draft.refresh_from_db()
        assert (draft.status, draft.is_late, draft.submitted_by) == (
            RemediationReportStatus.SUBMITTED,
            False,
            officer_a,
        )
        assert [(m.to, m.subject) for m in mailoutbox] == [
            ([inspector.email], "Báo cáo khắc phục mới của UBND huyện Duy Xuyên")
        ]

    def test_a_late_report_is_accepted_and_marked_late(
        self, client, officer_a, inspector, remediation_case, fill_report
    ):
        RemediationTaskFactory(inspection=remediation_case.inspection, deadline=remediation_case.today - DAY)
        report = fill_report(
            remediation.report_open(inspection=remediation_case.inspection, user=officer_a), officer_a
        )
        client.force_login(officer_a)

        response = client.post(url("report_submit", report.pk))

        assert messages_of(response) == ["Đã gửi báo cáo. Báo cáo được ghi nhận là gửi quá hạn."]
        report.refresh_from_db()
        assert (report.status, report.is_late) == (RemediationReportStatus.SUBMITTED, True)
        assert "Gửi quá hạn" in text_of(client.get(url("report_detail", report.pk)))
        client.force_login(inspector)
        queue = text_of(client.get(url("review_queue")))
        assert url("report_detail", report.pk) in queue and "quá hạn</span>" in queue

    def test_a_submitted_report_cannot_be_sent_again(self, client, officer_a, submitted):
        client.force_login(officer_a)
        response = client.post(url("report_submit", submitted.pk))
        assert response.status_code == 400
        assert response.context["submit_errors"] == [NOT_A_DRAFT]
        assert NOT_A_DRAFT in text_of(response)

    def test_an_inspector_is_forbidden(self, client, inspector, draft, fill_report, officer_a):
        fill_report(draft, officer_a)
        client.force_login(inspector)
        assert client.post(url("report_submit", draft.pk)).status_code == 403
        draft.refresh_from_db()
        assert draft.status == RemediationReportStatus.DRAFT

    def test_another_unit_is_not_found(self, client, officer_b, draft, fill_report, officer_a):
        fill_report(draft, officer_a)
        client.force_login(officer_b)
        assert client.post(url("report_submit", draft.pk)).status_code == 404
        draft.refresh_from_db()
        assert draft.status == RemediationReportStatus.DRAFT


class TestReview:
    def test_the_inspector_accepts_a_task(self, client, inspector, submitted):
        item = items_of(submitted)[0]
        client.force_login(inspector)
        response = client.post(url("report_review_item", item.pk), {"decision": "accepted"})
        assert response["Location"] == url("report_detail", submitted.pk)
        assert messages_of(response) == ["Đã ghi nhận kết quả xem xét."]
        item.refresh_from_db()
        assert (item.decision, item.reviewed_by) == (ReviewDecision.ACCEPTED, inspector)

    def test_the_inspector_returns_a_task_with_a_reason(self, client, inspector, submitted):
        item = items_of(submitted)[1]
        client.force_login(inspector)
        client.post(
            url("report_review_item", item.pk), {"decision": "returned", "reason": "Thiếu quyết định."}
        )
        item.refresh_from_db()
        assert (item.decision, item.review_reason) == (ReviewDecision.RETURNED, "Thiếu quyết định.")
        assert item.task.history.first().history_user == inspector

    def test_a_return_without_reason_is_refused(self, client, inspector, submitted):
        item = items_of(submitted)[0]
        client.force_login(inspector)
        response = client.post(url("report_review_item", item.pk), {"decision": "returned", "reason": ""})
        assert messages_of(response) == ["Trả lại phải nêu lý do."]
        item.refresh_from_db()
        assert item.decision == ReviewDecision.PENDING

    def test_a_review_once_made_cannot_be_changed(self, client, inspector, officer_a, submitted):
        item = items_of(submitted)[0]
        client.force_login(inspector)
        client.post(url("report_review_item", item.pk), {"decision": "accepted"}, follow=True)
        response = client.post(
            url("report_review_item", item.pk), {"decision": "returned", "reason": "Nhầm."}
        )
        assert messages_of(response) == ["Nhiệm vụ này đã được xem xét."]
        client.force_login(officer_a)
        assert (
            client.post(
                url("report_review_item", item.pk), {"decision": "returned", "reason": "x"}
            ).status_code
            == 403
        )
        item.refresh_from_db()
        assert item.decision == ReviewDecision.ACCEPTED

    @pytest.mark.parametrize("who", ["officer_a", "leader", "outsider"])
    def test_who_is_no_reviewer_is_forbidden(self, client, request, submitted, who):
        item = items_of(submitted)[0]
        client.force_login(request.getfixturevalue(who))
        assert client.post(url("report_review_item", item.pk), {"decision": "accepted"}).status_code == 403
        item.refresh_from_db()
        assert item.decision == ReviewDecision.PENDING

    @pytest.mark.parametrize("who", ["district_inspector", "other_province_inspector"])
    def test_an_inspector_out_of_the_plans_scope_gets_not_found(self, client, request, submitted, who):
        item = items_of(submitted)[0]
        client.force_login(request.getfixturevalue(who))
        assert client.post(url("report_review_item", item.pk), {"decision": "accepted"}).status_code == 404
        item.refresh_from_db()
        assert item.decision == ReviewDecision.PENDING

    def test_a_draft_is_not_reviewed(self, client, inspector, draft):
        item = items_of(draft)[0]
        client.force_login(inspector)
        response = client.post(url("report_review_item", item.pk), {"decision": "accepted"})
        assert messages_of(response) == ["Chỉ xem xét được báo cáo đã gửi và chưa xem xét xong."]
        item.refresh_from_db()
        assert item.decision == ReviewDecision.PENDING


class TestReviewQueue:
    def test_the_inspector_sees_submitted_reports_only(self, client, inspector, submitted, other_unit_report):
        client.force_login(inspector)
        response = client.get(url("review_queue"))
        assert response.status_code == 200
        assert [r.pk for r in response.context["reports"]] == [submitted.pk]
        page = text_of(response)
        assert url("report_detail", submitted.pk) in page
        assert url("report_detail", other_unit_report.pk) not in page
        assert response.context["reports"][0].task_count == 2

    @pytest.mark.parametrize("who", ["officer_a", "leader", "outsider"])
    def test_who_is_no_reviewer_is_forbidden(self, client, request, submitted, who):
        client.force_login(request.getfixturevalue(who))
        assert client.get(url("review_queue")).status_code == 403

    @pytest.mark.parametrize("who", ["district_inspector", "other_province_inspector"])
    def test_reports_out_of_scope_are_not_listed(self, client, request, submitted, who):
        client.force_login(request.getfixturevalue(who))
        response = client.get(url("review_queue"))
        assert response.status_code == 200
        assert "Không có báo cáo nào chờ xem xét." in text_of(response)

    def test_more_reports_cost_no_more_queries(self, client, inspector, scenario, units):
        def submit(inspection):
            report = RemediationReport.objects.create(
                inspection=inspection,
                unit=inspection.unit,
                status=RemediationReportStatus.SUBMITTED,
                submitted_at=timezone.now(),
            )
            report.items.create(task=RemediationTaskFactory(inspection=inspection, reported=True))

        submit(scenario.issued_district_a)
        logged_in(client, inspector, url("review_queue"))
        with CaptureQueriesContext(connection) as one:
            client.get(url("review_queue"))
        for inspection in (scenario.issued_commune_a, scenario.issued_district_b, scenario.issued_commune_b):
            submit(inspection)
        with CaptureQueriesContext(connection) as four:
            response = client.get(url("review_queue"))
        assert len(response.context["reports"]) == 4
        assert len(four.captured_queries) == len(one.captured_queries)


class TestOverdue:
    @pytest.fixture
    def late_tasks(self, scenario, remediation_case):
        yesterday = remediation_case.today - DAY
        return {
            "district_a": RemediationTaskFactory(
                inspection=scenario.issued_district_a, deadline=yesterday, description="Quá hạn ở Duy Xuyên."
            ),
            "district_b": RemediationTaskFactory(
                inspection=scenario.issued_district_b,
                deadline=yesterday,
                returned=True,
                description="Quá hạn ở Đại Lộc.",
            ),
            "reported": RemediationTaskFactory(
                inspection=scenario.issued_district_b,
                deadline=yesterday,
                reported=True,
                description="Đã báo cáo.",
            ),
        }

    def test_the_inspector_sees_overdue_tasks_by_unit(self, client, inspector, late_tasks, units):
        client.force_login(inspector)
        response = client.get(url("overdue"))
        assert response.status_code == 200
        groups = {str(unit): [t.pk for t in tasks] for unit, tasks in response.context["groups"].items()}
        assert groups == {
            "UBND huyện Duy Xuyên": [late_tasks["district_a"].pk],
            "UBND huyện Đại Lộc": [late_tasks["district_b"].pk],
        }
        page = text_of(response)
        assert page.count('class="card mb-3 overdue-unit"') == 2
        assert "Quá hạn ở Duy Xuyên." in page and "Đã báo cáo." not in page

    def test_an_officer_is_forbidden(self, client, officer_a, late_tasks):
        client.force_login(officer_a)
        assert client.get(url("overdue")).status_code == 403

    def test_tasks_out_of_scope_are_not_listed(self, client, other_province_inspector, late_tasks):
        client.force_login(other_province_inspector)
        response = client.get(url("overdue"))
        assert response.status_code == 200
        assert "Không có nhiệm vụ quá hạn." in text_of(response)

    def test_a_district_leader_sees_only_the_districts_own_plans(self, client, leader, late_tasks, scenario):
        own = RemediationTaskFactory(
            inspection=scenario.draft_commune_a, deadline=timezone.localdate() - DAY, description="Của huyện."
        )
        client.force_login(leader)
        response = client.get(url("overdue"))
        assert [t.pk for tasks in response.context["groups"].values() for t in tasks] == [own.pk]


class TestNotifications:
    def test_a_user_sees_their_own_notifications(self, client, officer_a, officer_b):
        Notification.objects.create(
            user=officer_a, message="Còn 7 ngày đến hạn báo cáo khắc phục", link="/a/"
        )
        Notification.objects.create(user=officer_b, message="Của người khác", link="/b/")
        client.force_login(officer_a)
        response = client.get(url("notifications"))
        page = text_of(response)
        assert '<a href="/a/">Còn 7 ngày đến hạn báo cáo khắc phục</a>' in page
        assert "Của người khác" not in page
        assert 'class="badge rounded-pill text-bg-warning notification-count">1<' in page

    def test_marking_all_read(self, client, officer_a, officer_b):
        mine = Notification.objects.create(user=officer_a, message="Của tôi")
        theirs = Notification.objects.create(user=officer_b, message="Của người khác")
        client.force_login(officer_a)
        response = client.post(url("notifications"))
        assert response["Location"] == url("notifications")
        mine.refresh_from_db()
        theirs.refresh_from_db()
        assert mine.read_at is not None and theirs.read_at is None

    def test_with_htmx_marking_read_answers_no_content(self, client, officer_a):
        Notification.objects.create(user=officer_a, message="Của tôi")
        client.force_login(officer_a)
        response = client.post(url("notifications"), **HTMX)
        assert response.status_code == 204
        assert not Notification.objects.filter(read_at__isnull=True).exists()


class TestNothingTypedIsLost:
    """The header typed beside the report document, and a task's result
    typed beside its evidence, are saved with the upload, and kept as typed
    when the file is refused (issue 16)."""

    def test_the_header_is_saved_with_the_document(self, client, officer_a, draft, upload_files):
        client.force_login(officer_a)
        response = client.post(
            url("report_file_upload", draft.pk),
            {
                "kind": "document",
                "file": upload_files.pdf(),
                "document_number": "125/BC-UBND",
                "document_date": "2020-01-10",
                "summary": "Tóm tắt đã gõ",
            },
        )
        assert response.status_code == 302
        draft.refresh_from_db()
        assert (draft.document_number, str(draft.document_date), draft.summary) == (
            "125/BC-UBND",
            "2020-01-10",
            "Tóm tắt đã gõ",
        )
        assert draft.files.count() == 1

    def test_a_refused_document_keeps_the_header_typed(self, client, officer_a, draft):
        client.force_login(officer_a)
        fake = SimpleUploadedFile("bao-cao.pdf", b"not a pdf", content_type="application/pdf")
        response = client.post(
            url("report_file_upload", draft.pk),
            {"kind": "document", "file": fake, "document_number": "125/BC-UBND", "summary": "Tóm tắt đã gõ"},
        )
        assert response.status_code == 400
        page = text_of(response)
        assert 'value="125/BC-UBND"' in page and "Tóm tắt đã gõ" in page
        draft.refresh_from_db()
        assert draft.document_number == "125/BC-UBND" and draft.files.count() == 0

    def test_save_with_a_file_chosen_uploads_it_too(self, client, officer_a, draft, upload_files):
        client.force_login(officer_a)
        response = client.post(
            url("report_update", draft.pk),
            {"kind": "document", "file": upload_files.pdf(), "document_number": "7/BC", "summary": ""},
        )
        assert response.status_code == 302
        assert draft.files.count() == 1

    def test_evidence_saves_the_explanation_typed_beside_it(self, client, officer_a, draft, upload_files):
        item = items_of(draft)[0]
        client.force_login(officer_a)
        response = client.post(
            url("report_file_upload", draft.pk),
            {
                "kind": "evidence",
                "item": item.pk,
                "file": upload_files.pdf(),
                f"item{item.pk}-progress": "done",
                f"item{item.pk}-explanation": "Giải trình đã gõ",
            },
        )
        assert response.status_code == 302
        item.refresh_from_db()
        assert (item.progress, item.explanation) == ("done", "Giải trình đã gõ")
