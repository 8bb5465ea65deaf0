"""Remediation services (inspections/remediation.py): a unit drafts and
submits its report, the province accepts or returns each task, a return
leads to a new revision, and the inspection closes when all is accepted."""

import datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cchc.choices import Role
from cchc.models import Notification
from cchc.services import membership_create
from inspections import remediation
from inspections.choices import (
    InspectionStatus,
    ItemProgress,
    RemediationReportStatus,
    ReportFileKind,
    ReviewDecision,
    TaskStatus,
)
from inspections.models import RemediationReport, RemediationTask, ReportFile
from tests.factories import RemediationTaskFactory, UserFactory

pytestmark = pytest.mark.django_db

NOT_A_DRAFT = "Báo cáo đã gửi, không sửa được nữa."
DAY = datetime.timedelta(days=1)


@pytest.fixture
def draft(remediation_case, officer_a):
    return remediation.report_open(inspection=remediation_case.inspection, user=officer_a)


@pytest.fixture
def submitted(draft, officer_a, fill_report):
    fill_report(draft, officer_a)
    return remediation.report_submit(report=draft, user=officer_a)


def messages_of(caught) -> list[str]:
    return caught.value.messages


def items_of(report):
    return list(report.items.select_related("task").order_by("task__deadline"))


class TestReportOpen:
    def test_a_draft_lists_the_units_open_tasks(self, draft, remediation_case, units):
        assert (draft.status, draft.revision, draft.previous, draft.unit) == (
            RemediationReportStatus.DRAFT,
            1,
            None,
            units.district_a,
        )
        assert [item.task for item in items_of(draft)] == remediation_case.tasks
        assert all((item.progress, item.explanation) == ("", "") for item in items_of(draft))
        assert all(item.decision == ReviewDecision.PENDING for item in items_of(draft))

    def test_opening_again_returns_the_same_draft(self, draft, remediation_case, officer_a, leader):
        assert remediation.report_open(inspection=remediation_case.inspection, user=officer_a) == draft
        # A leader of the unit reads its report and opens none (issue 15).
        with pytest.raises(ValidationError):
            remediation.report_open(inspection=remediation_case.inspection, user=leader)
        assert RemediationReport.objects.count() == 1

    def test_accepted_tasks_are_not_reported_again(self, remediation_case, officer_a):
        accepted = RemediationTaskFactory(inspection=remediation_case.inspection, accepted=True)
        report = remediation.report_open(inspection=remediation_case.inspection, user=officer_a)
        assert accepted not in [item.task for item in report.items.all()]
        assert report.items.count() == 2

    def test_a_commune_reports_only_its_own_task_of_the_districts_inspection(
        self, remediation_case, make_member, units
    ):
        commune_task = RemediationTaskFactory(
            inspection=remediation_case.inspection, responsible_unit=units.commune_a
        )
        commune_officer = make_member(Role.UNIT_OFFICER, units.commune_a)

        report = remediation.report_open(inspection=remediation_case.inspection, user=commune_officer)

        assert report.unit == units.commune_a
        assert [item.task for item in report.items.all()] == [commune_task]

    def test_a_unit_without_tasks_in_the_inspection_is_refused(self, remediation_case, officer_b):
        with pytest.raises(ValidationError) as caught:
            remediation.report_open(inspection=remediation_case.inspection, user=officer_b)
        assert messages_of(caught) == ["Bạn không có nhiệm vụ khắc phục nào trong cuộc kiểm tra này."]
        assert not RemediationReport.objects.exists()

    def test_an_inspection_without_open_tasks_is_refused(self, scenario, make_member, units):
        # The commune's own officer (the district's reads it, writes none of it).
        commune_officer = make_member(Role.UNIT_OFFICER, units.commune_a)
        RemediationTaskFactory(inspection=scenario.issued_commune_a, accepted=True)
        with pytest.raises(ValidationError) as caught:
            remediation.report_open(inspection=scenario.issued_commune_a, user=commune_officer)
        assert messages_of(caught) == ["Không còn nhiệm vụ nào cần báo cáo."]


class TestDraftEditing:
    def test_the_header_is_saved_trimmed_with_its_author_in_history(self, draft, officer_a):
        remediation.report_update(
            report=draft,
            document_number="  125/BC-UBND ",
            document_date=datetime.date(2025, 5, 20),
            summary="  Kết quả khắc phục sau kiểm tra CCHC năm 2024. ",
            user=officer_a,
        )
        draft.refresh_from_db()
        assert (draft.document_number, draft.document_date, draft.summary) == (
            "125/BC-UBND",
            datetime.date(2025, 5, 20),
            "Kết quả khắc phục sau kiểm tra CCHC năm 2024.",
        )
        assert draft.history.first().history_user == officer_a

    def test_a_task_gets_its_result_and_explanation(self, draft, officer_a):
        item = items_of(draft)[0]
        remediation.report_item_save(
            item=item,
            progress=ItemProgress.IN_PROGRESS,
            explanation="  Đã niêm yết 120/152 thủ tục; số còn lại trong tháng 6. ",
            user=officer_a,
        )
        item.refresh_from_db()
        assert (item.progress, item.explanation) == (
            ItemProgress.IN_PROGRESS,
            "Đã niêm yết 120/152 thủ tục; số còn lại trong tháng 6.",
        )
        assert item.history.first().history_user == officer_a

    def test_an_unknown_result_is_refused(self, draft, officer_a):
        item = items_of(draft)[0]
        with pytest.raises(ValidationError) as caught:
            remediation.report_item_save(item=item, progress="xong-roi", explanation="...", user=officer_a)
        assert list(caught.value.message_dict) == ["progress"]
        item.refresh_from_db()
        assert item.progress == ""

    def test_evidence_for_a_task_of_another_report_is_refused(
        self, draft, officer_a, upload_files, scenario, officer_b
    ):
        RemediationTaskFactory(inspection=scenario.issued_district_b)
        other = remediation.report_open(inspection=scenario.issued_district_b, user=officer_b)
        with pytest.raises(ValidationError) as caught:
            remediation.report_file_add(
                report=draft,
                upload=upload_files.png(),
                kind=ReportFileKind.EVIDENCE,
                item=other.items.get(),
                user=officer_a,
            )
        assert messages_of(caught) == ["Nhiệm vụ không thuộc báo cáo này."]
        assert not ReportFile.objects.exists()

    def test_evidence_is_attached_to_its_task(self, draft, officer_a, upload_files):
        first, second = items_of(draft)
        stored = remediation.report_file_add(
            report=draft,
            upload=upload_files.xlsx(),
            kind=ReportFileKind.EVIDENCE,
            item=second,
            user=officer_a,
        )
        assert list(second.evidence.all()) == [stored]
        assert not first.evidence.exists()

    def test_a_new_report_document_replaces_the_previous_one(self, draft, officer_a, upload_files):
        remediation.report_file_add(
            report=draft, upload=upload_files.pdf("du-thao.pdf"), kind=ReportFileKind.DOCUMENT, user=officer_a
        )
        remediation.report_file_add(
            report=draft,
            upload=upload_files.docx("ban-chinh-thuc.docx"),
            kind=ReportFileKind.DOCUMENT,
            user=officer_a,
        )
        documents = draft.files.filter(kind=ReportFileKind.DOCUMENT)
        assert list(documents.values_list("original_name", "item")) == [("ban-chinh-thuc.docx", None)]

    def test_a_document_is_never_attached_to_a_task(self, draft, officer_a, upload_files):
        stored = remediation.report_file_add(
            report=draft,
            upload=upload_files.pdf(),
            kind=ReportFileKind.DOCUMENT,
            item=items_of(draft)[0],
            user=officer_a,
        )
        assert stored.item is None

    def test_removing_a_file_keeps_the_stored_bytes(self, draft, officer_a, upload_files):
        stored = remediation.report_file_add(
            report=draft, upload=upload_files.pdf(), kind=ReportFileKind.DOCUMENT, user=officer_a
        )
        path = Path(stored.file.path)
        remediation.report_file_remove(file=stored, user=officer_a)
        assert not draft.files.exists()
        assert path.exists()  # an earlier revision may point at it

    def test_nothing_of_a_submitted_report_can_change(self, submitted, officer_a, upload_files):
        item = items_of(submitted)[0]
        document = submitted.files.get(kind=ReportFileKind.DOCUMENT)
        attempts = [
            lambda: remediation.report_update(
                report=submitted, document_number="1", document_date=None, summary="", user=officer_a
            ),
            lambda: remediation.report_item_save(
                item=item, progress=ItemProgress.NOT_DONE, explanation="Sửa lại", user=officer_a
            ),
            lambda: remediation.report_file_add(
                report=submitted,
                upload=upload_files.png(),
                kind=ReportFileKind.EVIDENCE,
                item=item,
                user=officer_a,
            ),
            lambda: remediation.report_file_remove(file=document, user=officer_a),
            lambda: remediation.report_submit(report=submitted, user=officer_a),
        ]
        for attempt in attempts:
            with pytest.raises(ValidationError) as caught:
                attempt()
            assert messages_of(caught) == [NOT_A_DRAFT]
        item.refresh_from_db()
        assert (item.progress, item.explanation) == (
            ItemProgress.DONE,
            f"Đã thực hiện: {item.task.description}",
        )
        assert submitted.files.count() == 1


class TestSubmit:
    def test_an_incomplete_draft_names_what_is_missing(self, draft, officer_a):
        first, _second = items_of(draft)
        remediation.report_item_save(
            item=first, progress=ItemProgress.DONE, explanation="Đã xong.", user=officer_a
        )

        with pytest.raises(ValidationError) as caught:
            remediation.report_submit(report=draft, user=officer_a)

        assert messages_of(caught) == [
            "Nhiệm vụ 2 chưa có kết quả thực hiện hoặc giải trình.",
            "Chưa đính kèm văn bản báo cáo (PDF hoặc DOCX).",
        ]
        draft.refresh_from_db()
        assert draft.status == RemediationReportStatus.DRAFT
        assert set(draft.items.values_list("task__status", flat=True)) == {TaskStatus.OPEN}

    def test_a_result_without_explanation_is_incomplete(self, draft, officer_a, fill_report):
        fill_report(draft, officer_a)
        item = items_of(draft)[0]
        item.explanation = ""
        item.save()
        with pytest.raises(ValidationError) as caught:
            remediation.report_submit(report=draft, user=officer_a)
        assert messages_of(caught) == ["Nhiệm vụ 1 chưa có kết quả thực hiện hoặc giải trình."]

    def test_a_complete_draft_is_submitted_and_its_tasks_reported(self, draft, officer_a, fill_report):
        fill_report(draft, officer_a, progress=ItemProgress.NOT_DONE)
        report = remediation.report_submit(report=draft, user=officer_a)

        report.refresh_from_db()
        assert (report.status, report.submitted_by, report.is_late) == (
            RemediationReportStatus.SUBMITTED,
            officer_a,
            False,
        )
        assert report.submitted_at is not None
        assert set(report.items.values_list("task__status", flat=True)) == {TaskStatus.REPORTED}
        task = items_of(report)[0].task
        assert [(h.status, h.history_user) for h in task.history.order_by("history_date", "history_id")][
            -1
        ] == (
            TaskStatus.REPORTED,
            officer_a,
        )

    def test_a_report_on_the_deadline_is_on_time(self, draft, officer_a, fill_report, remediation_case):
        fill_report(draft, officer_a)
        deadline = remediation_case.tasks[0].deadline
        assert remediation.report_submit(report=draft, user=officer_a, today=deadline).is_late is False

    def test_a_report_after_a_deadline_is_accepted_but_marked_late(
        self, draft, officer_a, fill_report, remediation_case
    ):
        fill_report(draft, officer_a)
        # Late for the first task only (due in 10 days; the second in 30).
        report = remediation.report_submit(
            report=draft, user=officer_a, today=remediation_case.tasks[0].deadline + DAY
        )
        report.refresh_from_db()
        assert (report.status, report.is_late) == (RemediationReportStatus.SUBMITTED, True)

    def test_the_reviewing_inspectors_are_told_once_the_report_is_saved(
        self,
        draft,
        officer_a,
        fill_report,
        inspector,
        district_inspector,
        other_province_inspector,
        administrator,
        mailoutbox,
        django_capture_on_commit_callbacks,
        settings,
    ):
        fill_report(draft, officer_a)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            remediation.report_submit(report=draft, user=officer_a)
        assert mailoutbox == []  # nothing before the commit

        for callback in callbacks:
            callback()

        link = reverse("inspections:report_detail", args=[draft.pk])
        assert [(m.to, m.subject) for m in mailoutbox] == [
            ([inspector.email], "Báo cáo khắc phục mới của UBND huyện Duy Xuyên")
        ]
        assert f"{settings.CCHC_PUBLIC_URL}{link}" in mailoutbox[0].body
        assert "(lần 1)" in mailoutbox[0].body
        assert list(Notification.objects.values_list("user", "message", "link")) == [
            (inspector.pk, "Báo cáo khắc phục mới của UBND huyện Duy Xuyên", link)
        ]


def review(report, decisions, user):
    """Review the report's items in deadline order: "accepted" or a reason."""
    for item, decision in zip(items_of(report), decisions, strict=True):
        if decision == ReviewDecision.ACCEPTED:
            remediation.report_review_item(item=item, decision=ReviewDecision.ACCEPTED, user=user)
        else:
            remediation.report_review_item(
                item=item, decision=ReviewDecision.RETURNED, reason=decision, user=user
            )


class TestReview:
    def test_accepting_a_task_records_who_and_when_in_the_history(self, submitted, inspector):
        item = items_of(submitted)[0]
        remediation.report_review_item(item=item, decision=ReviewDecision.ACCEPTED, user=inspector)

        item.refresh_from_db()
        assert (item.decision, item.review_reason, item.reviewed_by) == (
            ReviewDecision.ACCEPTED,
            "",
            inspector,
        )
        assert item.reviewed_at is not None
        record = item.history.first()
        assert (record.decision, record.history_user) == (ReviewDecision.ACCEPTED, inspector)
        task = item.task
        task.refresh_from_db()
        assert (task.status, task.accepted_at) == (TaskStatus.ACCEPTED, item.reviewed_at)
        assert (task.history.first().status, task.history.first().history_user) == (
            TaskStatus.ACCEPTED,
            inspector,
        )
        submitted.refresh_from_db()
        assert submitted.status == RemediationReportStatus.SUBMITTED  # one task still waits

    def test_returning_a_task_keeps_the_reason_in_the_history(self, submitted, inspector):
        item = items_of(submitted)[1]
        reason = "Chưa có quyết định ban hành quy chế kèm theo."
        remediation.report_review_item(
            item=item, decision=ReviewDecision.RETURNED, reason=f" {reason} ", user=inspector
        )

        item.refresh_from_db()
        assert (item.decision, item.review_reason) == (ReviewDecision.RETURNED, reason)
        record = item.history.first()
        assert (record.decision, record.review_reason, record.history_user) == (
            ReviewDecision.RETURNED,
            reason,
            inspector,
        )
        statuses = [h.status for h in item.task.history.order_by("history_date", "history_id")]
        assert statuses == [TaskStatus.OPEN, TaskStatus.REPORTED, TaskStatus.RETURNED]
        assert item.task.history.first().history_user == inspector

    def test_a_return_needs_a_reason(self, submitted, inspector):
        item = items_of(submitted)[0]
        with pytest.raises(ValidationError) as caught:
            remediation.report_review_item(
                item=item, decision=ReviewDecision.RETURNED, reason="   ", user=inspector
            )
        assert caught.value.message_dict == {"reason": ["Trả lại phải nêu lý do."]}
        item.refresh_from_db()
        assert item.decision == ReviewDecision.PENDING

    def test_an_unknown_decision_is_refused(self, submitted, inspector):
        with pytest.raises(ValidationError) as caught:
            remediation.report_review_item(item=items_of(submitted)[0], decision="pending", user=inspector)
        assert messages_of(caught) == ["Kết quả xem xét không hợp lệ."]

    def test_a_review_cannot_be_changed(self, submitted, inspector):
        item = items_of(submitted)[0]
        remediation.report_review_item(item=item, decision=ReviewDecision.ACCEPTED, user=inspector)
        with pytest.raises(ValidationError) as caught:
            remediation.report_review_item(
                item=item, decision=ReviewDecision.RETURNED, reason="Nhầm", user=inspector
            )
        assert messages_of(caught) == ["Nhiệm vụ này đã được xem xét."]
        item.refresh_from_db()
        assert item.decision == ReviewDecision.ACCEPTED

    def test_a_draft_cannot_be_reviewed(self, draft, inspector):
        with pytest.raises(ValidationError) as caught:
            remediation.report_review_item(
                item=items_of(draft)[0], decision=ReviewDecision.ACCEPTED, user=inspector
            )
        assert messages_of(caught) == ["Chỉ xem xét được báo cáo đã gửi và chưa xem xét xong."]

    def test_all_accepted_closes_the_inspection(self, submitted, inspector, remediation_case, mailoutbox):
        review(submitted, [ReviewDecision.ACCEPTED, ReviewDecision.ACCEPTED], inspector)

        submitted.refresh_from_db()
        inspection = remediation_case.inspection
        inspection.refresh_from_db()
        assert submitted.status == RemediationReportStatus.REVIEWED
        assert inspection.status == InspectionStatus.CLOSED
        assert inspection.closed_at is not None
        assert mailoutbox == []

    def test_all_accepted_tells_the_unit(
        self, submitted, inspector, officer_a, leader, mailoutbox, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            review(submitted, [ReviewDecision.ACCEPTED, ReviewDecision.ACCEPTED], inspector)
        subject = "Báo cáo khắc phục đã được chấp nhận"
        assert sorted(m.to[0] for m in mailoutbox) == sorted([officer_a.email, leader.email])
        assert set(Notification.objects.values_list("user", "message")) == {
            (officer_a.pk, subject),
            (leader.pk, subject),
        }

    def test_a_returned_task_keeps_the_inspection_open_and_tells_the_unit(
        self,
        submitted,
        inspector,
        officer_a,
        leader,
        officer_b,
        remediation_case,
        mailoutbox,
        django_capture_on_commit_callbacks,
    ):
        with django_capture_on_commit_callbacks(execute=True):
            review(submitted, [ReviewDecision.ACCEPTED, "Thiếu quyết định ban hành quy chế."], inspector)

        submitted.refresh_from_db()
        inspection = remediation_case.inspection
        inspection.refresh_from_db()
        assert submitted.status == RemediationReportStatus.REVIEWED
        assert inspection.status == InspectionStatus.CONCLUDED
        assert inspection.closed_at is None
        subject = "1 nhiệm vụ bị trả lại, cần báo cáo bổ sung"
        assert sorted((m.to[0], m.subject) for m in mailoutbox) == sorted(
            [(officer_a.email, subject), (leader.email, subject)]
        )
        assert set(Notification.objects.values_list("user", "message")) == {
            (officer_a.pk, subject),
            (leader.pk, subject),
        }

    def test_an_inspection_without_tasks_is_not_closed(self, scenario):
        inspection = scenario.issued_commune_a
        assert remediation.inspection_close_if_done(inspection=inspection) is False
        inspection.refresh_from_db()
        assert inspection.status == InspectionStatus.CONCLUDED

    def test_tasks_of_other_units_keep_the_inspection_open(
        self, submitted, inspector, remediation_case, units
    ):
        RemediationTaskFactory(inspection=remediation_case.inspection, responsible_unit=units.commune_a)
        review(submitted, [ReviewDecision.ACCEPTED, ReviewDecision.ACCEPTED], inspector)
        remediation_case.inspection.refresh_from_db()
        assert remediation_case.inspection.status == InspectionStatus.CONCLUDED


class TestResubmission:
    REASON = "Chưa gửi kèm quyết định ban hành quy chế làm việc."

    def test_a_new_revision_carries_the_returned_tasks_with_their_answers_and_files(
        self, draft, officer_a, inspector, fill_report, upload_files
    ):
        first, second = items_of(draft)
        evidence = remediation.report_file_add(
            report=draft,
            upload=upload_files.jpeg(),
            kind=ReportFileKind.EVIDENCE,
            item=second,
            user=officer_a,
        )
        fill_report(draft, officer_a)
        document = draft.files.get(kind=ReportFileKind.DOCUMENT)
        remediation.report_submit(report=draft, user=officer_a)
        review(draft, [ReviewDecision.ACCEPTED, self.REASON], inspector)

        revision = remediation.report_open(inspection=draft.inspection, user=officer_a)

        assert (revision.revision, revision.previous, revision.status) == (
            2,
            draft,
            RemediationReportStatus.DRAFT,
        )
        (item,) = items_of(revision)
        assert item.task == second.task
        assert (item.progress, item.explanation, item.decision) == (
            ItemProgress.DONE,
            f"Đã thực hiện: {second.task.description}",
            ReviewDecision.PENDING,
        )
        (carried,) = item.evidence.all()
        assert (carried.file.name, carried.sha256, carried.original_name, carried.content_type) == (
            evidence.file.name,
            evidence.sha256,
            evidence.original_name,
            evidence.content_type,
        )
        (carried_document,) = revision.files.filter(kind=ReportFileKind.DOCUMENT)
        assert (carried_document.file.name, carried_document.sha256) == (document.file.name, document.sha256)

    def test_the_unit_changes_what_was_asked_and_resubmits_and_the_first_version_stays(
        self, submitted, officer_a, inspector, remediation_case
    ):
        review(submitted, [ReviewDecision.ACCEPTED, self.REASON], inspector)
        revision = remediation.report_open(inspection=remediation_case.inspection, user=officer_a)
        (item,) = items_of(revision)
        remediation.report_item_save(
            item=item,
            progress=ItemProgress.DONE,
            explanation="Đã ban hành Quyết định số 15/QĐ-UBND ngày 02/6/2025 (kèm theo).",
            user=officer_a,
        )
        remediation.report_submit(report=revision, user=officer_a)

        # The first version is unchanged: its answers and the return reason.
        submitted.refresh_from_db()
        assert submitted.status == RemediationReportStatus.REVIEWED
        old_first, old_second = items_of(submitted)
        assert (old_second.decision, old_second.review_reason, old_second.explanation) == (
            ReviewDecision.RETURNED,
            self.REASON,
            f"Đã thực hiện: {old_second.task.description}",
        )
        assert old_first.decision == ReviewDecision.ACCEPTED

        remediation.report_review_item(item=item, decision=ReviewDecision.ACCEPTED, user=inspector)
        remediation_case.inspection.refresh_from_db()
        assert remediation_case.inspection.status == InspectionStatus.CLOSED

    def test_while_a_report_waits_for_review_no_new_revision_is_opened(self, submitted, officer_a):
        assert remediation.report_open(inspection=submitted.inspection, user=officer_a) == submitted
        assert RemediationReport.objects.count() == 1

    def test_once_everything_is_accepted_no_new_revision_is_opened(self, submitted, officer_a, inspector):
        review(submitted, [ReviewDecision.ACCEPTED, ReviewDecision.ACCEPTED], inspector)
        assert remediation.report_open(inspection=submitted.inspection, user=officer_a) == submitted
        assert RemediationReport.objects.count() == 1

    def test_an_accepted_task_cannot_be_reported_again(
        self, remediation_case, officer_a, inspector, make_member, units, fill_report
    ):
        # The commune drafts its own report on a task that is accepted
        # meanwhile (through a report of an earlier revision; the district
        # no longer reports its communes' tasks: issue 15).
        commune_task = RemediationTaskFactory(
            inspection=remediation_case.inspection, responsible_unit=units.commune_a
        )
        commune_officer = make_member(Role.UNIT_OFFICER, units.commune_a)
        commune_draft = remediation.report_open(inspection=remediation_case.inspection, user=commune_officer)
        district = remediation.report_open(inspection=remediation_case.inspection, user=officer_a)
        assert commune_task.pk not in {item.task_id for item in district.items.all()}
        RemediationTask.objects.filter(pk=commune_task.pk).update(
            status=TaskStatus.ACCEPTED, accepted_at=timezone.now()
        )

        fill_report(commune_draft, commune_officer)
        with pytest.raises(ValidationError) as caught:
            remediation.report_submit(report=commune_draft, user=commune_officer)

        assert messages_of(caught) == ["Nhiệm vụ 1 đã được chấp nhận, không báo cáo lại."]
        commune_task.refresh_from_db()
        assert commune_task.status == TaskStatus.ACCEPTED


class TestWhoIsTold:
    def test_reviewers_are_the_inspectors_over_the_plans_issuer(
        self,
        remediation_case,
        inspector,
        district_inspector,
        other_province_inspector,
        administrator,
        officer_a,
    ):
        retired = UserFactory(is_active=False)
        membership_create(user=retired, unit=remediation_case.inspection.plan.issuer, role=Role.INSPECTOR)

        assert remediation.reviewers_of(remediation_case.inspection) == [inspector]

    def test_a_district_plans_reviewers_include_the_districts_inspectors(
        self, scenario, inspector, district_inspector
    ):
        reviewers = remediation.reviewers_of(scenario.draft_commune_a)
        assert sorted(u.username for u in reviewers) == sorted(
            [inspector.username, district_inspector.username]
        )

    def test_officers_are_the_units_officers_and_leaders(
        self, units, officer_a, leader, officer_b, inspector
    ):
        assert sorted(u.username for u in remediation.officers_of(units.district_a)) == sorted(
            [officer_a.username, leader.username]
        )

    def test_an_ended_units_officers_are_those_of_its_successor(self, units, successor_officer, make_member):
        make_member(Role.UNIT_OFFICER, units.district_b)
        assert remediation.officers_of(units.old_commune) == [successor_officer]
