"""Checks on uploaded files (the kernel's gate, cchc/uploads.py) and how an accepted file
is stored (report_file_add): the type comes from the content, sizes are
limited per file and per report, zip bombs are refused unopened, and the
stored file has a random name under MEDIA_ROOT with its SHA-256."""

import hashlib
import io
import re
import zipfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.uploads import (
    DOCX,
    EVIDENCE,
    JPEG,
    PDF,
    PNG,
    REPORT_DOCUMENT,
    XLSX,
    ZIP_MAX_ENTRIES,
    UploadRefused,
    detect,
    upload_check,
)
from inspections import remediation
from inspections.choices import ReportFileKind
from inspections.models import ReportFile

DOCUMENT_TYPES, EVIDENCE_TYPES = REPORT_DOCUMENT, EVIDENCE

MB = 1024 * 1024
DOCUMENT_REFUSED = "không đúng định dạng cho phép (PDF, DOCX) theo nội dung tệp."
EVIDENCE_REFUSED = "không đúng định dạng cho phép (PDF, DOCX, XLSX, JPEG, PNG) theo nội dung tệp."


def sniff(upload):
    upload.seek(0)
    found = detect(upload.read())
    upload.seek(0)
    return found


def check_upload(upload, *, allowed, used_bytes=0):
    return upload_check(upload, purpose=allowed, used_bytes=used_bytes)


def refusal(upload, allowed=EVIDENCE_TYPES, used_bytes=0) -> str:
    with pytest.raises(UploadRefused) as caught:
        check_upload(upload, allowed=allowed, used_bytes=used_bytes)
    assert len(caught.value.messages) == 1
    return caught.value.messages[0]


def stored_files(media_root: Path) -> list[Path]:
    return sorted(p for p in Path(media_root).rglob("*") if p.is_file())


class TestSniff:
    @pytest.mark.parametrize(
        ("builder", "expected"),
        [("pdf", PDF), ("docx", DOCX), ("xlsx", XLSX), ("png", PNG), ("jpeg", JPEG)],
    )
    def test_each_accepted_type_is_read_from_its_content(self, upload_files, builder, expected):
        assert sniff(getattr(upload_files, builder)()) == expected

    def test_the_name_does_not_decide(self, upload_files):
        assert sniff(upload_files.png("anh-chup.pdf")) == PNG
        assert sniff(upload_files.docx("bao-cao.pdf")) == DOCX
        assert sniff(upload_files.pdf("bao-cao.docx")) == PDF
        assert sniff(upload_files.exe("bao-cao.pdf")) is None

    @pytest.mark.parametrize(
        "content",
        [
            b"<html><script>alert(1)</script></html>",
            b"GIF89a\x01\x00\x01\x00",
            b"PK\x03\x04 this is not a zip archive at all",
            b"",
        ],
        ids=["html", "gif", "broken-zip", "empty"],
    )
    def test_other_content_is_no_accepted_type(self, content):
        assert sniff(SimpleUploadedFile("tai-lieu.pdf", content)) is None

    def test_a_zip_that_is_no_office_file_is_no_accepted_type(self):
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as zf:
            zf.writestr("word/document.xml", b'<w:document xmlns:w="urn:w"/>')  # no [Content_Types].xml
        assert sniff(SimpleUploadedFile("bao-cao.docx", archive.getvalue())) is None

    def test_the_file_is_rewound_after_sniffing(self, upload_files):
        upload = upload_files.docx()
        sniff(upload)
        assert upload.read() == upload_files.docx_bytes()


class TestCheckUpload:
    def test_an_accepted_file_gets_its_type_size_and_sha256(self, upload_files):
        content = upload_files.xlsx_bytes()
        upload = SimpleUploadedFile("danh-muc.xlsx", content, content_type="text/plain")

        checked = check_upload(upload, allowed=EVIDENCE_TYPES)

        assert checked.content_type == XLSX
        assert checked.size == len(content)
        assert checked.sha256 == hashlib.sha256(content).hexdigest()
        assert upload.read() == content  # rewound for storage

    def test_a_png_named_pdf_is_treated_as_png(self, upload_files):
        checked = check_upload(upload_files.png("anh-chup.pdf"), allowed=EVIDENCE_TYPES)
        assert checked.content_type == PNG

    def test_a_png_named_pdf_is_not_a_report_document(self, upload_files):
        assert refusal(upload_files.png("anh-chup.pdf"), DOCUMENT_TYPES) == (
            f"Tệp “anh-chup.pdf” {DOCUMENT_REFUSED}"
        )

    def test_an_exe_renamed_pdf_is_refused_naming_the_file(self, upload_files):
        assert refusal(upload_files.exe("bao-cao-quy-3.pdf"), DOCUMENT_TYPES) == (
            f"Tệp “bao-cao-quy-3.pdf” {DOCUMENT_REFUSED}"
        )
        assert refusal(upload_files.exe("minh-chung.pdf")) == f"Tệp “minh-chung.pdf” {EVIDENCE_REFUSED}"

    def test_a_spreadsheet_is_evidence_but_not_a_report_document(self, upload_files):
        assert check_upload(upload_files.xlsx(), allowed=EVIDENCE_TYPES).content_type == XLSX
        assert refusal(upload_files.xlsx("bao-cao.xlsx"), DOCUMENT_TYPES) == (
            f"Tệp “bao-cao.xlsx” {DOCUMENT_REFUSED}"
        )

    def test_the_default_limit_is_20_mb_per_file(self, upload_files):
        assert django_settings.CCHC_UPLOAD_MAX_FILE_MB == 20
        at_limit = upload_files.pdf("dung-20mb.pdf", size=20 * MB)
        assert check_upload(at_limit, allowed=DOCUMENT_TYPES).size == 20 * MB

        assert refusal(upload_files.pdf("qua-20mb.pdf", size=20 * MB + 1), DOCUMENT_TYPES) == (
            "Tệp “qua-20mb.pdf” quá lớn (20.0 MB); tối đa 20 MB mỗi tệp."
        )

    def test_the_per_file_limit_is_configurable(self, settings, upload_files):
        settings.CCHC_UPLOAD_MAX_FILE_MB = 2
        assert check_upload(upload_files.pdf(size=2 * MB), allowed=DOCUMENT_TYPES).size == 2 * MB
        assert refusal(upload_files.pdf("lon.pdf", size=3 * MB)) == (
            "Tệp “lon.pdf” quá lớn (3.0 MB); tối đa 2 MB mỗi tệp."
        )

    def test_the_per_report_limit_counts_what_the_report_already_holds(self, settings, upload_files):
        settings.CCHC_UPLOAD_MAX_REPORT_MB = 3
        upload = upload_files.pdf("phu-luc.pdf", size=1 * MB)
        assert check_upload(upload, allowed=EVIDENCE_TYPES, used_bytes=2 * MB).size == MB

        assert refusal(upload, used_bytes=2 * MB + 1) == (
            "Không thêm được tệp “phu-luc.pdf”: tổng dung lượng của báo cáo vượt quá 3 MB."
        )

    def test_a_zip_bomb_named_docx_is_refused(self, upload_files):
        assert refusal(upload_files.zip_bomb("bao-cao.docx"), DOCUMENT_TYPES) == (
            "Tệp “bao-cao.docx” bị từ chối: Thành phần word/document.xml nén bất thường "
            "(tỉ lệ trên 120 lần), có thể là “bom zip”: không xử lý."
        )

    def test_an_archive_with_too_many_parts_is_refused(self):
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_STORED) as zf:
            zf.writestr("[Content_Types].xml", b"<Types/>")
            zf.writestr("word/document.xml", b"<w:document/>")
            for number in range(ZIP_MAX_ENTRIES):
                zf.writestr(f"word/media/image{number}.png", b"x")
        upload = SimpleUploadedFile("nhieu-anh.docx", archive.getvalue())

        assert refusal(upload) == (
            f"Tệp “nhieu-anh.docx” bị từ chối: Tệp có quá nhiều thành phần ({ZIP_MAX_ENTRIES + 2}, "
            f"tối đa {ZIP_MAX_ENTRIES}): không xử lý."
        )

    def test_a_real_office_archive_with_ordinary_compression_passes(self, upload_files):
        # Guard against limits so tight they refuse what Word and Excel write.
        for upload, expected in ((upload_files.docx(), DOCX), (upload_files.xlsx(), XLSX)):
            with zipfile.ZipFile(upload) as zf:
                entries = zf.infolist()
                ratio = sum(e.file_size for e in entries) / sum(e.compress_size for e in entries)
            upload.seek(0)
            assert 1 < ratio < 100
            assert check_upload(upload, allowed=EVIDENCE_TYPES).content_type == expected


@pytest.fixture
def draft(remediation_case, officer_a):
    return remediation.report_open(inspection=remediation_case.inspection, user=officer_a)


class TestStorage:
    def test_the_stored_file_has_a_random_name_under_media_root_and_its_sha256(
        self, draft, officer_a, upload_files, media_root
    ):
        content = upload_files.pdf_bytes()
        upload = SimpleUploadedFile("Báo cáo khắc phục số 15.pdf", content, content_type="text/html")

        stored = remediation.report_file_add(
            report=draft, upload=upload, kind=ReportFileKind.DOCUMENT, user=officer_a
        )

        stored.refresh_from_db()
        path = Path(stored.file.path).resolve()
        assert path.is_relative_to(Path(media_root).resolve())
        assert not path.is_relative_to(Path(django_settings.STATIC_ROOT).resolve())
        assert re.fullmatch(r"private/reportfile/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", stored.file.name)
        assert "khac-phuc" not in stored.file.name and "Báo" not in stored.file.name
        assert path.read_bytes() == content
        assert stored.sha256 == hashlib.sha256(content).hexdigest()
        assert (stored.original_name, stored.content_type, stored.size) == (
            "Báo cáo khắc phục số 15.pdf",
            PDF,
            len(content),
        )
        assert stored.uploaded_by == officer_a

    def test_two_files_of_the_same_name_get_different_stored_names(self, draft, officer_a, upload_files):
        item = draft.items.first()
        first = remediation.report_file_add(
            report=draft,
            upload=upload_files.png("anh.png"),
            kind=ReportFileKind.EVIDENCE,
            item=item,
            user=officer_a,
        )
        second = remediation.report_file_add(
            report=draft,
            upload=upload_files.png("anh.png"),
            kind=ReportFileKind.EVIDENCE,
            item=item,
            user=officer_a,
        )
        assert first.file.name != second.file.name
        assert first.sha256 == second.sha256

    def test_a_png_named_pdf_is_stored_as_png_evidence(self, draft, officer_a, upload_files):
        stored = remediation.report_file_add(
            report=draft,
            upload=upload_files.png("anh-chup.pdf"),
            kind=ReportFileKind.EVIDENCE,
            item=draft.items.first(),
            user=officer_a,
        )
        assert stored.content_type == PNG
        assert Path(stored.file.path).read_bytes().startswith(b"\x89PNG\r\n\x1a\n")

    @pytest.mark.parametrize(
        ("builder", "name", "reason"),
        [
            ("exe", "bao-cao.pdf", DOCUMENT_REFUSED),
            (
                "zip_bomb",
                "bao-cao.docx",
                "bị từ chối: Thành phần word/document.xml nén bất thường (tỉ lệ trên 120 lần), "
                "có thể là “bom zip”: không xử lý.",
            ),
            ("png", "bao-cao.pdf", DOCUMENT_REFUSED),
        ],
    )
    def test_a_refused_file_leaves_nothing_behind(
        self, draft, officer_a, upload_files, media_root, builder, name, reason
    ):
        with pytest.raises(ValidationError) as caught:
            remediation.report_file_add(
                report=draft,
                upload=getattr(upload_files, builder)(name),
                kind=ReportFileKind.DOCUMENT,
                user=officer_a,
            )
        assert caught.value.messages == [f"Tệp “{name}” {reason}"]
        assert not ReportFile.objects.exists()
        assert stored_files(media_root) == []

    def test_the_per_report_limit_counts_every_file_of_the_report(
        self, settings, draft, officer_a, upload_files
    ):
        settings.CCHC_UPLOAD_MAX_REPORT_MB = 1
        item = draft.items.first()
        remediation.report_file_add(
            report=draft,
            upload=upload_files.pdf("minh-chung-1.pdf", size=600 * 1024),
            kind=ReportFileKind.EVIDENCE,
            item=item,
            user=officer_a,
        )
        with pytest.raises(ValidationError) as caught:
            remediation.report_file_add(
                report=draft,
                upload=upload_files.pdf("minh-chung-2.pdf", size=600 * 1024),
                kind=ReportFileKind.EVIDENCE,
                item=item,
                user=officer_a,
            )
        assert caught.value.messages == [
            "Không thêm được tệp “minh-chung-2.pdf”: tổng dung lượng của báo cáo vượt quá 1 MB."
        ]
        assert list(draft.files.values_list("original_name", flat=True)) == ["minh-chung-1.pdf"]

    def test_replacing_the_document_does_not_count_the_one_it_replaces(
        self, settings, draft, officer_a, upload_files
    ):
        settings.CCHC_UPLOAD_MAX_REPORT_MB = 1
        remediation.report_file_add(
            report=draft,
            upload=upload_files.pdf("ban-1.pdf", size=600 * 1024),
            kind=ReportFileKind.DOCUMENT,
            user=officer_a,
        )
        remediation.report_file_add(
            report=draft,
            upload=upload_files.pdf("ban-2.pdf", size=600 * 1024),
            kind=ReportFileKind.DOCUMENT,
            user=officer_a,
        )
        assert list(draft.files.values_list("original_name", flat=True)) == ["ban-2.pdf"]
