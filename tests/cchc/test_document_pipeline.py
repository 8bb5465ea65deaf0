"""The whole life of a conclusion notice through a real Celery worker:
drafted from the findings, issued (numbered once), rendered by WeasyPrint,
signed with pyHanko, published to the inspected unit, and checked on the
public verification page."""

import datetime
import subprocess

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cchc.choices import DocumentStatus
from cchc.documents import signing
from cchc.documents.services import document_issue, document_publish
from cchc.models import JobStatus, OfficialDocument
from demo.certificate import create_demo_certificate
from inspections.choices import FindingKind
from inspections.drafting import notice_draft, plan_notices_issue
from inspections.services import finding_create
from tests.cchc.demo_signers import PERSON_NAME, issue_signer, sign_as
from tests.factories import InspectionFactory
from tests.worker import wait_for_job

ORGANISATION_SIGNER = "Văn phòng UBND tỉnh Quảng Nam (chứng thư minh họa)"


def pdftotext(data: bytes, tmp_path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


@pytest.mark.worker
def test_a_notice_is_issued_rendered_signed_and_published_through_the_worker(
    celery_worker, signing_files, inspection, inspector, officer_a, client, tmp_path
):
    document = notice_draft(inspection=inspection, user=inspector)
    assert document.status == DocumentStatus.DRAFT
    assert document.content["sections"][1]["points"][1] == "<script>alert(1)</script> chưa xin lỗi."

    job = document_issue(document=document, user=inspector, sign=True, issued_on=datetime.date(2025, 6, 2))
    job = wait_for_job(job.pk)
    assert job.status == JobStatus.SUCCEEDED, job.error

    document.refresh_from_db()
    assert document.status == DocumentStatus.SIGNED
    assert document.number == 1
    issued = document.issued_file.read()
    document.signed_file.open("rb")
    signed = document.signed_file.read()
    assert signed.startswith(issued)  # the issued file is kept; the signature is an incremental update
    text = pdftotext(issued, tmp_path)
    assert f"Số: 01/TB-{document.symbol}" in text
    assert "ngày 02 tháng 6 năm 2025" in text
    assert "<script>alert(1)</script> chưa xin lỗi." in text
    assert (
        text.index("Ban hành kế hoạch")
        < text.index("Tỷ lệ hồ sơ trễ hạn")
        < text.index("Khắc phục tình trạng")
    )
    check = signing.verify_signed_upload(
        issued=issued, signed=signed, trusted_roots=settings.CCHC_TRUSTED_ROOTS
    )
    assert check.ok, check.reason
    # The server's signature is recorded as the document's one signature.
    assert document.signing_method == "server"
    (record,) = document.signature_records
    assert (record["kind"], record["name"], record["organisation"]) == (
        "signature",
        ORGANISATION_SIGNER,
        "UBND tỉnh Quảng Nam",
    )
    assert record["signed_at"] == check.signed_at

    # Running the job again allocates no second number and keeps no second file.
    files = (document.issued_file.name, document.signed_file.name)
    from cchc.jobs import job_create

    again = job_create(
        kind="document_render", unit=document.issuing_unit, params={"document_id": document.pk, "sign": True}
    )
    assert wait_for_job(again.pk).status == JobStatus.SUCCEEDED
    document.refresh_from_db()
    assert (document.number, document.issued_file.name, document.signed_file.name) == (1, *files)

    # The inspected unit sees nothing before publication, then the signed PDF.
    client.force_login(officer_a)
    assert client.get(reverse("inspections:inspection_detail", args=[inspection.pk])).status_code == 404
    document_publish(document=document, user=inspector)
    inspection.refresh_from_db()
    assert inspection.is_issued
    page = client.get(reverse("inspections:inspection_detail", args=[inspection.pk]))
    assert reverse("document_file", args=[document.pk, "signed"]) in page.content.decode()
    download = client.get(reverse("document_file", args=[document.pk, "signed"]))
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == signed

    # Anyone holding a copy can check it.
    client.logout()
    verify = reverse("verify", args=[document.verification_code])
    verify_page = client.get(verify).content.decode()
    assert document.signed_sha256 in verify_page
    assert ORGANISATION_SIGNER in verify_page
    good = client.post(verify, {"file": SimpleUploadedFile("tb.pdf", signed)})
    assert "Tệp khớp với bản đã ký số của văn bản này." in good.content.decode()
    bad = client.post(verify, {"file": SimpleUploadedFile("tb.pdf", signed[:-10] + b"0000000000")})
    assert "KHÔNG khớp" in bad.content.decode()


@pytest.mark.worker
def test_a_render_that_fails_keeps_its_number_and_the_retry_uses_it(
    celery_worker, settings, inspection, inspector, tmp_path
):
    settings.CCHC_SIGNING_P12 = tmp_path / "missing.p12"
    settings.CCHC_SIGNING_P12_DIR = str(tmp_path / "bodies")
    settings.CCHC_SIGNING_P12_PASSWORD = "x"
    document = notice_draft(inspection=inspection, user=inspector)
    job = wait_for_job(document_issue(document=document, user=inspector, sign=True).pk)
    assert job.status == JobStatus.FAILED
    assert "missing.p12" in job.error or "chứng thư" in job.error.lower()
    document.refresh_from_db()
    number, issued_name = document.number, document.issued_file.name
    assert number == 1 and issued_name

    # The certificate must be the issuing body's.
    p12, root = create_demo_certificate(
        directory=tmp_path,
        organisation=str(document.issuing_unit),
        common_name="Chứng thư thử",
        password="x",
    )
    settings.CCHC_SIGNING_P12 = p12
    from cchc.jobs import job_retry

    job_retry(job=job)
    job = wait_for_job(job.pk)
    assert job.status == JobStatus.SUCCEEDED, job.error
    document.refresh_from_db()
    assert (document.number, document.issued_file.name, document.status) == (number, issued_name, "signed")


@pytest.mark.worker
def test_issuing_a_plans_notices_is_one_job_with_progress(
    celery_worker, signing_files, plan, units, reform_areas, inspector
):
    team = plan.teams.get()
    first = InspectionFactory(plan=plan, team=team, unit=units.district_a)
    second = InspectionFactory(plan=plan, team=team, unit=units.district_b)
    for inspection in (first, second):
        finding_create(
            inspection=inspection,
            kind=FindingKind.ACHIEVEMENT,
            reform_area=reform_areas.tthc,
            text="Kết quả tốt.",
        )
    job = wait_for_job(plan_notices_issue(plan=first.plan, user=inspector, sign=True).pk)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert (job.progress_done, job.progress_total) == (2, 2)
    numbers = sorted(OfficialDocument.objects.values_list("number", flat=True))
    assert numbers == [1, 2]
    assert set(OfficialDocument.objects.values_list("status", flat=True)) == {DocumentStatus.SIGNED}


def rendered_notice(inspection, inspector, capture) -> OfficialDocument:
    """A notice issued and rendered here (the job the issue queues is not run)."""
    from cchc.documents.services import document_render

    document = notice_draft(inspection=inspection, user=inspector)
    with capture(execute=False):
        document_issue(document=document, user=inspector)
    return document_render(document_id=document.pk)


def test_an_upload_signed_outside_is_refused_when_altered(
    db, signing_files, inspection, inspector, client, tmp_path, django_capture_on_commit_callbacks
):
    document = rendered_notice(inspection, inspector, django_capture_on_commit_callbacks)
    issued = document.issued_file.read()
    p12, _root = signing_files
    signed = signing.sign_pdf(
        issued, p12_path=p12, password="mật-khẩu-thử", signer_name="Lê Ngọc Quảng", organisation="UBND"
    )
    altered = bytearray(signed)
    position = altered.index(b"/Contents", len(issued)) - 40
    altered[position] = altered[position] ^ 0x01
    client.force_login(inspector)
    url = reverse("document_upload_signed", args=[document.pk])
    refused = client.post(url, {"file": SimpleUploadedFile("signed.pdf", bytes(altered))})
    assert refused.status_code == 400
    document.refresh_from_db()
    assert not document.signed_file
    accepted = client.post(url, {"file": SimpleUploadedFile("signed.pdf", signed)})
    assert accepted.status_code == 302
    document.refresh_from_db()
    assert document.signing_method == "external" and document.status == DocumentStatus.SIGNED
    again = client.post(url, {"file": SimpleUploadedFile("signed.pdf", signed)})
    assert "không bao giờ bị ghi đè" in again.content.decode()


def test_an_upload_signed_by_the_person_then_the_records_office_keeps_and_shows_both_signers(
    db, signing_files, inspection, inspector, client, tmp_path, django_capture_on_commit_callbacks
):
    document = rendered_notice(inspection, inspector, django_capture_on_commit_callbacks)
    issued = document.issued_file.read()
    p12, root = signing_files
    person = issue_signer(
        tmp_path,
        root_pem=root,
        root_key=tmp_path / "demo-root-key.pem",
        password="mật-khẩu-thử",
        common_name=PERSON_NAME,
        organisation="UBND tỉnh Quảng Nam",
    )
    by_person = sign_as(issued, person, "mật-khẩu-thử")
    signed = signing.sign_pdf(
        by_person, p12_path=p12, password="mật-khẩu-thử", signer_name="Văn thư", organisation="UBND"
    )

    client.force_login(inspector)
    response = client.post(
        reverse("document_upload_signed", args=[document.pk]),
        {"file": SimpleUploadedFile("signed.pdf", signed)},
    )
    assert response.status_code == 302, response.content.decode()
    document.refresh_from_db()
    assert (document.status, document.signing_method) == (DocumentStatus.SIGNED, "external")
    assert document.signed_file.read() == signed
    first, second = document.signature_records
    assert (first["name"], second["name"]) == (PERSON_NAME, ORGANISATION_SIGNER)
    assert first["signed_at"] <= second["signed_at"]
    assert document.signed_by.startswith(f"{PERSON_NAME}, UBND tỉnh Quảng Nam (cấp bởi: ")
    assert f"; {ORGANISATION_SIGNER}" in document.signed_by

    page = client.get(reverse("document_detail", args=[document.pk])).content.decode()
    assert page.count('class="js-signature"') == 2
    assert page.index(PERSON_NAME) < page.index(ORGANISATION_SIGNER)
    assert "ký lúc" in page
    assert page.count("Chứng thư số cấp bởi cchc demo root — not for production, số sê-ri ") == 2
    # The certificate is described in the reader's language, not as stored.
    client.post(reverse("set_language"), {"language": "en"})  # the language menu
    english = client.get(reverse("document_detail", args=[document.pk])).content.decode()
    assert english.count("Certificate issued by cchc demo root — not for production, serial number ") == 2
    assert "cấp bởi" not in english
    client.post(reverse("set_language"), {"language": "vi"})

    client.logout()
    verify_page = client.get(reverse("verify", args=[document.verification_code])).content.decode()
    assert verify_page.count('class="js-signature"') == 2
    assert PERSON_NAME in verify_page and ORGANISATION_SIGNER in verify_page
    # The public page names the signers, not their certificates' serial numbers.
    assert "số sê-ri" not in verify_page


def test_an_upload_whose_second_signature_does_not_chain_is_refused_with_its_reason(
    db, signing_files, inspection, inspector, client, tmp_path, django_capture_on_commit_callbacks
):
    document = rendered_notice(inspection, inspector, django_capture_on_commit_callbacks)
    issued = document.issued_file.read()
    p12, root = signing_files
    person = issue_signer(
        tmp_path,
        root_pem=root,
        root_key=tmp_path / "demo-root-key.pem",
        password="mật-khẩu-thử",
        common_name=PERSON_NAME,
        organisation="UBND tỉnh Quảng Nam",
    )
    stranger, _stranger_root = create_demo_certificate(
        directory=tmp_path / "stranger", organisation="Nơi khác", password="x"
    )
    by_person = sign_as(issued, person, "mật-khẩu-thử")
    signed = signing.sign_pdf(by_person, p12_path=stranger, password="x", signer_name="Lạ", organisation="Lạ")

    client.force_login(inspector)
    response = client.post(
        reverse("document_upload_signed", args=[document.pk]),
        {"file": SimpleUploadedFile("signed.pdf", signed)},
    )
    assert response.status_code == 400
    assert (
        "Chữ ký thứ 2/2 (Văn phòng Nơi khác (chứng thư minh họa)): "
        "Chứng thư số không thuộc tổ chức cung cấp dịch vụ chứng thực được tin cậy."
    ) in response.content.decode()
    document.refresh_from_db()
    assert not document.signed_file and document.signatures == []
