"""The document services the views and the inspections app call: issuing in
two steps, signing as a job, checking a copy, the file-name rule, and the
``document_published`` signal."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from cchc.choices import DocumentStatus
from cchc.documents import services
from cchc.documents.services import RENDER_JOB
from cchc.models import Job, OfficialDocument
from cchc.signals import document_published
from inspections.choices import InspectionStatus
from inspections.drafting import PLAN_NOTICES_JOB, notice_draft, plan_notices_work, report_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(inspection, inspector):
    return notice_draft(inspection=inspection, user=inspector)


class TestIssue:
    def test_numbering_is_once_and_refreshes_the_caller(self, draft, inspector):
        assert services.document_number(document=draft, user=inspector) is True
        assert (draft.status, draft.number_symbol) == (DocumentStatus.ISSUED, "01/TB-ĐKT")
        assert services.document_number(document=draft, user=inspector) is False
        assert OfficialDocument.objects.get(pk=draft.pk).number == 1

    def test_issue_numbers_and_queues_one_render(self, draft, inspector, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=False):
            job = services.document_issue(document=draft, user=inspector, sign=True)
            again = services.document_issue(document=draft, user=inspector)
        assert again is None
        assert (job.kind, job.params) == (RENDER_JOB, {"document_id": draft.pk, "sign": True})
        assert Job.objects.count() == 1

    def test_the_plan_job_issues_through_the_same_step(
        self, plan, inspection, inspector, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=False):
            job = Job.objects.create(kind=PLAN_NOTICES_JOB, unit=plan.issuer, params={"plan_id": plan.pk})
            result = plan_notices_work(job)
            again = plan_notices_work(job)
        notice = OfficialDocument.objects.get(kind="conclusion_notice")
        assert result == again == {"numbers": ["01/TB-ĐKT"]}
        assert notice.status == DocumentStatus.RENDERED and notice.issued_file


class TestSign:
    def test_a_draft_is_refused(self, draft, inspector):
        with pytest.raises(ValidationError, match="Hãy cấp số văn bản trước khi ký."):
            services.document_sign(document=draft, user=inspector)
        assert not Job.objects.exists()

    def test_an_issued_document_is_signed_by_a_render_job(
        self, draft, inspector, django_capture_on_commit_callbacks
    ):
        services.document_number(document=draft, user=inspector)
        with django_capture_on_commit_callbacks(execute=False):
            job = services.document_sign(document=draft, user=inspector)
        assert (job.kind, job.params, job.created_by) == (
            RENDER_JOB,
            {"document_id": draft.pk, "sign": True},
            inspector,
        )


class TestFilesAndCopies:
    def test_one_file_name_rule(self, draft, inspector):
        assert services.document_file_name(draft) == f"van-ban-{draft.pk}.pdf"
        services.document_number(document=draft, user=inspector)
        # ASCII-safe, the Vietnamese letters folded, not dropped (issue 16).
        assert services.document_file_name(draft) == "01-TB-DKT.pdf"
        assert services.document_file_name(draft, signed=True) == "01-TB-DKT-signed.pdf"

    @pytest.mark.parametrize(
        ("data", "matches"), [(b"%PDF signed", "signed"), (b"%PDF issued", "issued"), (b"%PDF other", "")]
    )
    def test_a_copy_is_matched_by_its_hash(self, draft, data, matches):
        draft.signed_sha256 = services.sha256(b"%PDF signed")
        draft.issued_sha256 = services.sha256(b"%PDF issued")
        check = services.document_verify_upload(document=draft, upload=ContentFile(data))
        assert (check.matches, check.ok, check.digest) == (matches, bool(matches), services.sha256(data))

    def test_a_render_replaces_the_file_an_uncommitted_attempt_left(self, draft, inspector, media_root):
        # A worker killed (or the database lost) after the file was written
        # and before the row committed leaves the file and no row naming it.
        services.document_number(document=draft, user=inspector)
        leftover = media_root / draft.issued_file.field.generate_filename(draft, "01-TB-DKT.pdf")
        leftover.parent.mkdir(parents=True)
        leftover.write_bytes(b"%PDF half written")
        document = services.document_render(document_id=draft.pk)
        assert document.issued_file.name == leftover.relative_to(media_root).as_posix()
        assert services.sha256(leftover.read_bytes()) == document.issued_sha256
        assert [path.name for path in leftover.parent.iterdir()] == ["01-TB-DKT.pdf"]

    def test_a_file_another_document_names_is_never_replaced(self, draft, inspector, media_root):
        services.document_number(document=draft, user=inspector)
        name = draft.issued_file.field.generate_filename(draft, "01-TB-DKT.pdf")
        (media_root / name).parent.mkdir(parents=True)
        (media_root / name).write_bytes(b"%PDF of last year")
        OfficialDocument.objects.filter(pk=draft.pk).update(signed_file=name)  # a row names it
        document = services.document_render(document_id=draft.pk)
        assert document.issued_file.name != name
        assert (media_root / name).read_bytes() == b"%PDF of last year"

    def test_a_document_without_files_matches_nothing(self, draft):
        check = services.document_verify_upload(document=draft, upload=ContentFile(b""))
        assert not check.ok


class TestPublish:
    def signed(self, document):
        OfficialDocument.objects.filter(pk=document.pk).update(status=DocumentStatus.SIGNED)
        document.refresh_from_db()
        return document

    def test_publishing_a_notice_concludes_its_inspection(self, draft, inspection, inspector):
        received = []

        def receiver(sender, document, **kwargs):
            received.append(document.pk)

        document_published.connect(receiver, sender=OfficialDocument)
        try:
            services.document_number(document=draft, user=inspector)
            services.document_publish(document=self.signed(draft), user=inspector)
        finally:
            document_published.disconnect(receiver, sender=OfficialDocument)
        assert received == [draft.pk]
        inspection.refresh_from_db()
        assert inspection.status == InspectionStatus.CONCLUDED and inspection.notice_issued_at

    def test_publishing_a_report_leaves_the_inspections_alone(self, plan, inspection, inspector):
        report = report_draft(plan=plan, user=inspector)
        services.document_number(document=report, user=inspector)
        services.document_publish(document=self.signed(report), user=inspector)
        inspection.refresh_from_db()
        assert inspection.notice_issued_at is None
