"""The one gate evidence files pass (``evidence_file_check``).

The province's upload gate (``cchc/uploads.py``) is being built on another
branch; until it is merged, this module applies the same rules as
remediation evidence, with the kernel's means only: the type is read from
the content (never the name), the size is limited by
``CCHC_UPLOAD_MAX_FILE_MB``, Office files are opened as zip archives only
within limits (a zip bomb is refused before anything is extracted). When the
kernel gate lands, ``evidence_file_check`` becomes one call to it."""

import hashlib
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JPEG = "image/jpeg"
PNG = "image/png"
LABELS = {PDF: "PDF", DOCX: "DOCX", XLSX: "XLSX", JPEG: "JPEG", PNG: "PNG"}
EVIDENCE_TYPES = (PDF, DOCX, XLSX, JPEG, PNG)

ZIP_MAX_ENTRIES = 2000
ZIP_MAX_UNCOMPRESSED = 200 * 1024 * 1024
ZIP_MAX_RATIO = 100


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    size: int
    sha256: str


def _office_type(upload) -> str | None:
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            if len(entries) > ZIP_MAX_ENTRIES:
                raise ValidationError(_("tệp nén có quá nhiều thành phần"))
            unpacked = sum(entry.file_size for entry in entries)
            packed = sum(entry.compress_size for entry in entries) or 1
            if unpacked > ZIP_MAX_UNCOMPRESSED or unpacked / packed > ZIP_MAX_RATIO:
                raise ValidationError(_("tệp nén bất thường (dung lượng giải nén quá lớn)"))
            names = {entry.filename for entry in entries}
    except zipfile.BadZipFile:
        return None
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def sniff(upload) -> str | None:
    """The content type from the first bytes (and an Office archive's table
    of contents); ``None`` for anything not accepted."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04"):
        return _office_type(upload)
    return None


def evidence_file_check(upload) -> CheckedFile:
    """Check one evidence file; a ``ValidationError`` in Vietnamese names the
    file and the reason."""
    name = upload.name
    limit = settings.CCHC_UPLOAD_MAX_FILE_MB * 1024 * 1024
    if not upload.size:
        raise ValidationError(_("Tệp “%(name)s” rỗng.") % {"name": name})
    if upload.size > limit:
        raise ValidationError(
            _("Tệp “%(name)s” quá lớn (%(size)s MB); tối đa %(limit)s MB mỗi tệp.")
            % {
                "name": name,
                "size": round(upload.size / 1024 / 1024, 1),
                "limit": settings.CCHC_UPLOAD_MAX_FILE_MB,
            }
        )
    try:
        content_type = sniff(upload)
    except ValidationError as error:
        raise ValidationError(
            _("Tệp “%(name)s” bị từ chối: %(reason)s.") % {"name": name, "reason": error.messages[0]}
        ) from error
    if content_type not in EVIDENCE_TYPES:
        raise ValidationError(
            _("Tệp “%(name)s” không đúng định dạng cho phép (%(types)s) theo nội dung tệp.")
            % {"name": name, "types": ", ".join(LABELS[t] for t in EVIDENCE_TYPES)}
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedFile(content_type=content_type, size=upload.size, sha256=digest.hexdigest())
