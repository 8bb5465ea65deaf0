"""The audit trail (issue 15, item 8): sign-ins (and failures, lock-outs),
downloads of non-public files, issues, signatures, publications, reviews
and role changes, each with who, when, from where and on what; the
administrator's page (its province only) with filters, pages and the Excel
export; append-only; the retention clean-up."""

import datetime
import io

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cchc.audit import audit_clean_up, audit_record
from cchc.choices import AuditKind, DocumentStatus, Role, UnitKind
from cchc.documents import services
from cchc.models import AuditEvent, OfficialDocument
from cchc.services import membership_create, unit_create
from inspections import remediation
from inspections.choices import ReportFileKind, ReviewDecision
from inspections.drafting import notice_draft
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("login")
LOG_URL = reverse("audit_log")
EXPORT_URL = reverse("audit_export")


def events(kind):
    return list(AuditEvent.objects.filter(kind=kind).order_by("id"))


def login(client, username, password, address="203.0.113.7"):
    return client.post(LOGIN_URL, {"username": username, "password": password}, REMOTE_ADDR=address)


class TestSignIns:
    def test_a_sign_in_is_recorded_with_the_address_and_the_users_unit(self, client, officer_a, units):
        assert login(client, officer_a.username, PASSWORD).status_code == 302
        (event,) = events(AuditKind.LOGIN)
        assert (event.user, event.username, event.address, event.unit) == (
            officer_a,
            officer_a.username,
            "203.0.113.7",
            units.district_a,
        )

    def test_a_failure_keeps_the_name_typed_even_without_an_account(self, client, officer_a):
        login(client, officer_a.username, "sai-mat-khau", address="198.51.100.4")
        login(client, "khong-co-ai", "sai-mat-khau", address="198.51.100.5")
        first, second = events(AuditKind.LOGIN_FAILED)
        assert (first.user, first.username, first.address) == (officer_a, officer_a.username, "198.51.100.4")
        assert (second.user, second.username, second.address) == (None, "khong-co-ai", "198.51.100.5")

    def test_a_lock_out_is_recorded(self, client, officer_a):
        for _attempt in range(settings.AXES_FAILURE_LIMIT):
            login(client, officer_a.username, "sai-mat-khau", address="192.0.2.9")
        (event,) = events(AuditKind.LOCKOUT)
        assert (event.user, event.address) == (officer_a, "192.0.2.9")
        assert "192.0.2.9" in event.detail


class TestWhatIsRecorded:
    def test_a_download_of_evidence(self, client, remediation_case, officer_a, upload_files, units):
        report = remediation.report_open(inspection=remediation_case.inspection, user=officer_a)
        file = remediation.report_file_add(
            report=report, upload=upload_files.pdf(), kind=ReportFileKind.DOCUMENT, user=officer_a
        )
        client.force_login(officer_a)
        response = client.get(reverse("inspections:report_file", args=[file.pk]), REMOTE_ADDR="203.0.113.8")
        assert response.status_code == 200
        (event,) = events(AuditKind.DOWNLOAD)
        assert (event.user, event.address, event.unit, event.object_type, event.object_id) == (
            officer_a,
            "203.0.113.8",
            units.district_a,
            "inspections.ReportFile",
            str(file.pk),
        )
        assert event.detail == file.original_name

    def test_issue_and_publication(self, inspection, inspector, units):
        draft = notice_draft(inspection=inspection, user=inspector)
        services.document_number(document=draft, user=inspector)
        OfficialDocument.objects.filter(pk=draft.pk).update(status=DocumentStatus.SIGNED)
        draft.refresh_from_db()
        services.document_publish(document=draft, user=inspector)
        (issued,) = events(AuditKind.ISSUE)
        (published,) = events(AuditKind.PUBLISH)
        for event in (issued, published):
            assert (event.user, event.object_id) == (inspector, str(draft.pk))
            assert event.unit == draft.issuing_unit
            assert draft.number_symbol in event.detail

    def test_a_signature_on_the_server(self, signing_files, inspection, inspector):
        draft = notice_draft(inspection=inspection, user=inspector)
        services.document_number(document=draft, user=inspector)
        services.document_render(document_id=draft.pk)
        services.document_sign_on_server(document_id=draft.pk, user=inspector)
        (event,) = events(AuditKind.SIGN)
        assert (event.user, event.object_id, event.kind) == (inspector, str(draft.pk), AuditKind.SIGN)
        assert "UBND tỉnh Quảng Nam" in event.detail
        # Signing again keeps the signed copy and records nothing more.
        services.document_sign_on_server(document_id=draft.pk, user=inspector)
        assert len(events(AuditKind.SIGN)) == 1

    def test_a_review(self, remediation_case, officer_a, inspector, fill_report, units):
        report = remediation.report_open(inspection=remediation_case.inspection, user=officer_a)
        fill_report(report, officer_a)
        remediation.report_submit(report=report, user=officer_a)
        item = report.items.first()
        remediation.report_review_item(
            item=item, decision=ReviewDecision.RETURNED, reason="Thiếu", user=inspector
        )
        (event,) = events(AuditKind.REVIEW)
        assert (event.user, event.unit, event.object_id) == (inspector, units.district_a, str(report.pk))
        assert "Thiếu" in event.detail

    def test_a_role_change_names_who_made_it(self, client, administrator, units):
        newcomer = UserFactory(username="nguoi.moi")
        membership_create(user=newcomer, unit=units.commune_a, role=Role.UNIT_OFFICER)
        (event,) = [event for event in events(AuditKind.ROLE_CHANGE) if event.unit == units.commune_a]
        assert (event.unit, event.object_type) == (units.commune_a, "cchc.Membership")
        assert "nguoi.moi" in event.detail
        # Through the admin, the administrator who made it is recorded.
        administrator.is_staff = administrator.is_superuser = True
        administrator.save()
        client.force_login(administrator)
        membership = newcomer.memberships.get()
        client.post(reverse("admin:cchc_membership_delete", args=[membership.pk]), {"post": "yes"})
        last = events(AuditKind.ROLE_CHANGE)[-1]
        assert (last.user, last.unit) == (administrator, units.commune_a)
        assert "Xóa phân công" in last.detail


def test_the_trail_is_append_only(officer_a):
    event = audit_record(kind=AuditKind.LOGIN, user=officer_a)
    event.detail = "sửa"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(detail="sửa")


def test_old_events_are_deleted_by_the_daily_task(settings, officer_a):
    settings.CCHC_AUDIT_KEEP_DAYS = 30
    today = timezone.localdate()
    old = AuditEvent.objects.create(
        kind=AuditKind.LOGIN, username="cu", created_at=timezone.now() - datetime.timedelta(days=31)
    )
    kept = AuditEvent.objects.create(
        kind=AuditKind.LOGIN, username="moi", created_at=timezone.now() - datetime.timedelta(days=29)
    )
    assert audit_clean_up(today=today) == 1
    remaining = AuditEvent.objects.values_list("pk", flat=True)
    assert kept.pk in remaining and old.pk not in remaining
    # Beat runs it daily; the worker finds it (autodiscovery, as at start-up).
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "cchc.clean_up_audit" in schedule
    from cchc.celery import app

    app.loader.import_default_modules()
    assert "cchc.clean_up_audit" in app.tasks


class TestThePage:
    @pytest.fixture
    def trail(self, units, make_member):
        other_province = unit_create(
            name="Ủy ban nhân dân tỉnh Quảng Ngãi", kind=UnitKind.PROVINCE, code="51"
        )
        mine = audit_record(
            kind=AuditKind.DOWNLOAD, username="canbo.a", unit=units.commune_a, detail="cua-tinh-a.pdf"
        )
        theirs = audit_record(
            kind=AuditKind.DOWNLOAD, username="canbo.b", unit=other_province, detail="cua-tinh-b.pdf"
        )
        admin_a = make_member(Role.ADMINISTRATOR, units.province)
        admin_b = make_member(Role.ADMINISTRATOR, other_province)
        return mine, theirs, admin_a, admin_b

    def test_an_administrator_reads_its_province_only(self, client, trail):
        mine, theirs, admin_a, admin_b = trail
        client.force_login(admin_a)
        page = client.get(LOG_URL).content.decode()
        assert "cua-tinh-a.pdf" in page and "cua-tinh-b.pdf" not in page
        client.force_login(admin_b)
        page = client.get(LOG_URL).content.decode()
        assert "cua-tinh-b.pdf" in page and "cua-tinh-a.pdf" not in page

    def test_filters_by_user_unit_kind_and_days(self, client, trail, units):
        _mine, _theirs, admin_a, _admin_b = trail
        audit_record(kind=AuditKind.ISSUE, username="thanhtra", unit=units.department, detail="so-12-tb")
        client.force_login(admin_a)

        def shown(**query):
            page = client.get(LOG_URL, query).content.decode()
            return {marker for marker in ("cua-tinh-a.pdf", "so-12-tb") if marker in page}

        assert shown(who="canbo") == {"cua-tinh-a.pdf"}
        assert shown(unit="duy son") == {"cua-tinh-a.pdf"}
        assert shown(unit="Sở Nội vụ") == {"so-12-tb"}
        assert shown(kind=AuditKind.ISSUE) == {"so-12-tb"}
        today = timezone.localdate()
        assert shown(start=today.isoformat(), end=today.isoformat()) == {"cua-tinh-a.pdf", "so-12-tb"}
        assert shown(end=(today - datetime.timedelta(days=1)).isoformat()) == set()

    def test_a_bad_filter_is_a_form_error(self, client, trail):
        client.force_login(trail[2])
        response = client.get(LOG_URL, {"start": "2025-13-45", "end": "x" * 400, "kind": "khong-co"})
        assert response.status_code == 200
        assert "cua-tinh-a.pdf" in response.content.decode()
        assert (
            "Nhập một ngày hợp lệ." in response.content.decode()
            or "Enter a valid date." in response.content.decode()
        )

    def test_pages_of_fifty(self, client, trail, units):
        for number in range(60):
            audit_record(kind=AuditKind.LOGIN, username=f"nguoi{number:02d}", unit=units.district_a)
        client.force_login(trail[2])
        first = client.get(LOG_URL, {"kind": AuditKind.LOGIN}).content.decode()
        second = client.get(LOG_URL, {"kind": AuditKind.LOGIN, "page": 2}).content.decode()
        assert "nguoi59" in first and "nguoi00" not in first
        assert "nguoi00" in second and "Trang 2/2" in second

    def test_the_export_holds_the_filtered_events_of_its_province(self, client, trail):
        client.force_login(trail[2])
        response = client.get(EXPORT_URL, {"kind": AuditKind.DOWNLOAD})
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["Cache-Control"] == "no-store"
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][:3] == ("Lúc", "Loại", "Tên đăng nhập")
        assert [row[7] for row in rows[1:]] == ["cua-tinh-a.pdf"]

    def test_other_roles_are_refused(self, client, trail, officer_a, inspector):
        for user in (officer_a, inspector):
            client.force_login(user)
            assert client.get(LOG_URL).status_code == 403
            assert client.get(EXPORT_URL).status_code == 403


def test_the_export_keeps_typed_text_as_text(units, make_member):
    from cchc.audit import audit_events, audit_workbook

    admin = make_member(Role.ADMINISTRATOR, units.province)
    audit_record(kind=AuditKind.LOGIN_FAILED, username='=HYPERLINK("http://x","y")', unit=units.province)
    data, count, cut = audit_workbook(audit_events(admin, kind=AuditKind.LOGIN_FAILED))
    assert (count, cut) == (1, False)
    cell = load_workbook(io.BytesIO(data)).active["C2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == ('=HYPERLINK("http://x","y")', "s", True)


class TestBackgroundExport:
    """Issue 15: no request exports thousands of events inline; a larger
    list is exported by a background job, and the page says so."""

    def test_a_large_list_is_exported_by_a_job_its_asker_downloads(
        self, client, settings, units, make_member
    ):
        from cchc.audit_jobs import AUDIT_EXPORT_JOB, audit_export_work
        from cchc.jobs import job_run
        from cchc.models import Job

        settings.CCHC_AUDIT_EXPORT_INLINE_MAX_ROWS = 3
        admin = make_member(Role.ADMINISTRATOR, units.province)
        for number in range(5):
            audit_record(kind=AuditKind.DOWNLOAD, unit=units.commune_a, detail=f"tep-{number}.pdf")
        client.force_login(admin)

        page = client.get(LOG_URL, {"kind": AuditKind.DOWNLOAD}).content.decode()
        assert 'id="audit-export-note"' in page and "chế độ nền" in page
        # No inline export of it: back to the page, which says why.
        inline = client.get(EXPORT_URL, {"kind": AuditKind.DOWNLOAD})
        assert inline.status_code == 302 and inline["Location"].startswith(LOG_URL)

        asked = client.post(f"{EXPORT_URL}?kind={AuditKind.DOWNLOAD}")
        job = Job.objects.get(kind=AUDIT_EXPORT_JOB)
        assert asked["Location"] == reverse("job_detail", args=[job.pk])
        assert job.params["kind"] == AuditKind.DOWNLOAD and job.created_by == admin
        job_run(job.pk, audit_export_work)
        job.refresh_from_db()
        assert job.result["rows"] == 5
        # Twice: the same file.
        assert audit_export_work(job)["file"] == job.result["file"]
        response = client.get(reverse("job_file", args=[job.pk]))
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        assert sorted(row[7] for row in list(sheet.iter_rows(values_only=True))[1:]) == [
            f"tep-{n}.pdf" for n in range(5)
        ]
        # Only the administrator who asked downloads it.
        client.force_login(make_member(Role.ADMINISTRATOR, units.province))
        assert client.get(reverse("job_file", args=[job.pk])).status_code == 404

    def test_a_small_list_is_still_exported_inline(self, client, settings, units, make_member):
        settings.CCHC_AUDIT_EXPORT_INLINE_MAX_ROWS = 3
        audit_record(kind=AuditKind.DOWNLOAD, unit=units.commune_a, detail="mot-tep.pdf")
        client.force_login(make_member(Role.ADMINISTRATOR, units.province))
        assert 'id="audit-export-note"' not in client.get(LOG_URL).content.decode()
        response = client.get(EXPORT_URL, {"kind": AuditKind.DOWNLOAD})
        assert response.status_code == 200 and response.content.startswith(b"PK")


class TestMoreRecorded:
    def test_changes_to_a_users_flags(self, units, officer_a):
        before = AuditEvent.objects.filter(kind=AuditKind.ROLE_CHANGE).count()
        officer_a.is_staff = True
        officer_a.is_active = False
        officer_a.save()
        changes = list(AuditEvent.objects.filter(kind=AuditKind.ROLE_CHANGE).order_by("id")[before:])
        (event,) = changes
        assert officer_a.username in event.detail
        assert "is_staff không → có" in event.detail and "is_active có → không" in event.detail
        assert event.unit == units.district_a
        # A save that changes no flag (a sign-in's last_login) records nothing.
        officer_a.save(update_fields=["last_login"])
        officer_a.first_name = "Khác"
        officer_a.save()
        assert AuditEvent.objects.filter(kind=AuditKind.ROLE_CHANGE).count() == before + 1

    def test_the_admin_records_who_changed_the_flags(self, client, officer_a):
        superuser = UserFactory(is_staff=True, is_superuser=True, username="quantri.tinh")
        client.force_login(superuser)
        # The admin's "make superuser" is a save of the user in a request:
        # the request's user is who changed it.
        from cchc.audit import _request

        class Request:
            user = superuser
            META = {"REMOTE_ADDR": "192.0.2.9"}

        token = _request.set(Request())
        try:
            officer_a.is_superuser = True
            officer_a.save()
        finally:
            _request.reset(token)
        event = AuditEvent.objects.filter(kind=AuditKind.ROLE_CHANGE).latest("id")
        assert event.user == superuser
        assert "is_superuser không → có" in event.detail

    def test_a_verification_upload_is_recorded_with_result_and_address(self, client, units):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from cchc.choices import DocumentKind
        from cchc.ratelimit import rate_limit_reset

        copy = b"%PDF-1.4\n% ban phat hanh\n%%EOF\n"
        document = OfficialDocument.objects.create(
            kind=DocumentKind.CONCLUSION_NOTICE,
            status=DocumentStatus.PUBLISHED,
            issuing_unit=units.province,
            register_series=f"unit:{units.province.pk}",
            issuing_body="ĐOÀN KIỂM TRA",
            type_code="TB",
            symbol="ĐKT",
            number=1,
            year=2024,
            issued_on=datetime.date(2024, 7, 5),
            place="Quảng Nam",
            summary="Thông báo kết luận",
            signer_position="TRƯỞNG ĐOÀN",
            signer_name="Lê Ngọc Quảng",
            issued_sha256=__import__("hashlib").sha256(copy).hexdigest(),
        )
        rate_limit_reset("192.0.2.44")
        url = reverse("verify", args=[document.verification_code])
        client.post(url, {"file": SimpleUploadedFile("a.pdf", copy)}, REMOTE_ADDR="192.0.2.44")
        client.post(url, {"file": SimpleUploadedFile("b.pdf", copy + b"x")}, REMOTE_ADDR="192.0.2.44")
        client.post(url, {}, REMOTE_ADDR="192.0.2.44")
        first, second, third = events(AuditKind.VERIFY)
        assert {e.address for e in (first, second, third)} == {"192.0.2.44"}
        assert first.user is None and first.unit == units.province
        assert "khớp bản phát hành" in first.detail
        assert "không khớp" in second.detail
        assert "bị từ chối" in third.detail

    def test_the_blank_indicator_template_download(self, client, units, make_member):
        officer = make_member(Role.UNIT_OFFICER, units.district_a)
        client.force_login(officer)
        response = client.get(reverse("indicators:template"), {"unit": units.district_a.pk, "period": "2024"})
        assert response.status_code == 200
        (event,) = events(AuditKind.DOWNLOAD)
        assert event.user == officer and event.unit == units.district_a
        assert event.detail.startswith("bieu-chi-tieu-") and event.detail.endswith(".xlsx")
