"""Official documents from draft to publication.

draft → (preview) → issued: a number is allocated from the register, once,
in a transaction → rendered: the issued PDF is made by a Celery job → signed:
on the server with the organisation's certificate, or outside and uploaded →
published to the units concerned.

Rendering and signing are idempotent: a document that has its issued (or
signed) file already is left as it is, so running a job twice allocates no
second number and keeps no second file. A render that fails keeps its number
and its retry uses it.
"""

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..audit import audit_record
from ..choices import AuditKind, DocumentStatus, SigningMethod
from ..jobs import JobError, job_create, job_progress
from ..models import Job, NumberRegister, OfficialDocument, Seal, User
from ..signals import document_issued, document_published
from ..text import ascii_name, fold

logger = logging.getLogger(__name__)

#: The job that renders a document's PDF (and its appendices'), and signs
#: them on the server when asked; its work is :func:`render_job_work`.
RENDER_JOB = "document_render"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def register_next_number(*, series: str, type_code: str, year: int) -> int:
    """Allocate the next number of a register series, in the caller's
    transaction. The register row is locked until the transaction ends, so
    concurrent issues get distinct, consecutive numbers."""
    with transaction.atomic():
        NumberRegister.objects.bulk_create(
            [NumberRegister(series=series, type_code=type_code, year=year, last_number=0)],
            ignore_conflicts=True,
        )
        register = NumberRegister.objects.select_for_update().get(
            series=series, type_code=type_code, year=year
        )
        register.last_number += 1
        register.save(update_fields=["last_number"])
        return register.last_number


def document_update(
    *, document: OfficialDocument, recipients: list[str] | None = None, **fields
) -> OfficialDocument:
    """Edit a draft's header, text or signing block; an issued document is
    not edited any more."""
    if document.status != DocumentStatus.DRAFT:
        raise ValidationError(_("Văn bản đã cấp số, không sửa được nội dung."))
    for name, value in fields.items():
        setattr(document, name, value)
    if recipients is not None:
        document.recipients = [line.strip().rstrip(";.").strip() for line in recipients if line.strip()]
    document.full_clean()
    document.save()
    return document


def document_issue(
    *, document: OfficialDocument, user: User | None = None, issued_on=None, sign: bool = False
) -> Job | None:
    """Issue a draft: allocate its number and date, then queue its render
    (and server signature when ``sign``). Issuing an issued document again
    changes nothing and queues nothing."""
    with transaction.atomic():
        if not document_number(document=document, user=user, issued_on=issued_on):
            return None
        return document_render_enqueue(document=document, user=user, sign=sign)


def document_number(*, document: OfficialDocument, user: User | None = None, issued_on=None) -> bool:
    """The lock-and-number step of issuing: lock the document's row and, if
    it is still a draft, allocate its number and date (its appendices are
    issued with it). False when it was issued already; when True,
    ``document`` is refreshed with its number."""
    with transaction.atomic():
        locked = OfficialDocument.objects.select_for_update().get(pk=document.pk)
        if locked.status != DocumentStatus.DRAFT:
            return False
        _issue_locked(locked, user=user, issued_on=issued_on)
        audit_record(
            kind=AuditKind.ISSUE, user=user, unit=locked.issuing_unit, obj=locked, detail=locked.number_symbol
        )
        # In the transaction: what the apps record of the number commits with it.
        document_issued.send(sender=OfficialDocument, document=locked)
        document.refresh_from_db()
        return True


def document_render_enqueue(*, document: OfficialDocument, user: User | None = None, sign: bool) -> Job:
    """Queue the render of an issued document (and its appendices), signed
    on the server when ``sign``; the job runs once the transaction commits."""
    return job_create(
        kind=RENDER_JOB,
        unit=document.issuing_unit,
        params={"document_id": document.pk, "sign": sign},
        user=user,
    )


def document_sign(*, document: OfficialDocument, user: User | None = None) -> Job:
    """Sign an issued document (and its appendices) with the organisation's
    certificate, as a job: it renders what is not rendered yet, then signs.
    A draft is refused: it has no number to sign."""
    if document.status == DocumentStatus.DRAFT:
        raise ValidationError(_("Hãy cấp số văn bản trước khi ký."))
    return document_render_enqueue(document=document, user=user, sign=True)


def check_issue_date(*, document: OfficialDocument, issued_on) -> None:
    """The issue date is chosen when issuing (today by default): never in
    the future, and the issuing unit and the signatory must be active on it
    (a unit that ended cannot issue; the message names its successor)."""
    from .issuers import check_can_issue

    if issued_on > timezone.localdate():
        raise ValidationError({"issued_on": _("Ngày ban hành không được sau ngày hôm nay.")})
    check_can_issue(unit=document.issuing_unit, issued_on=issued_on, signatory=document.signatory)


def _issue_locked(document: OfficialDocument, *, user, issued_on) -> None:
    """Allocate the number of a draft whose row the caller has locked."""
    if not document.parent_id and not (document.signer_name.strip() and document.signer_position.strip()):
        raise ValidationError(_("Chưa nhập chức vụ và họ tên người ký; không cấp số được."))
    issued_on = issued_on or timezone.localdate()
    check_issue_date(document=document, issued_on=issued_on)
    document.number = register_next_number(
        series=document.register_series, type_code=document.type_code, year=issued_on.year
    )
    document.year = issued_on.year
    document.issued_on = issued_on
    document.status = DocumentStatus.ISSUED
    document.issued_by = user
    document.full_clean()
    document.save()
    for appendix in document.appendices.all():
        appendix.status = DocumentStatus.ISSUED
        appendix.issued_on = issued_on
        appendix.year = issued_on.year
        appendix.issued_by = user
        appendix.save(update_fields=["status", "issued_on", "year", "issued_by", "updated_at"])


def document_file_name(document: OfficialDocument, *, signed: bool = False) -> str:
    """The file name of a document's PDF, issued or signed: the name it is
    stored under and the name it is downloaded as, ASCII-safe with the
    Vietnamese letters folded ("01-TB-DKT.pdf", "01-TB-DKT-signed.pdf";
    "van-ban-12.pdf" without a number). The storage adds a suffix when
    another year's document took the same name."""
    base = ascii_name(document.number_symbol) or f"van-ban-{document.pk}"
    suffix = "-signed" if signed else ""
    return f"{base}{suffix}.pdf"


def _store_pdf(file, name: str, data: bytes) -> None:
    """Store ``data`` as a document's PDF under ``name``. A file already at
    that name that no document names is what an earlier attempt left when
    it died between writing the file and committing its row (a killed
    worker, the database lost): it is replaced, so that a retry keeps no
    second file beside it. A file a document names is never touched."""
    target = file.field.generate_filename(file.instance, name)
    named = OfficialDocument.objects.filter(Q(issued_file=target) | Q(signed_file=target)).exists()
    if not named and file.storage.exists(target):
        logger.warning("Replacing %s, left by an attempt that did not commit", target)
        file.storage.delete(target)
    file.save(name, ContentFile(data), save=False)


def document_render(*, document_id: int) -> OfficialDocument:
    """Make the issued PDF, once. The row stays locked while rendering, so
    two runs of the same job cannot both write a file."""
    with transaction.atomic():
        document = OfficialDocument.objects.select_for_update().get(pk=document_id)
        if document.status == DocumentStatus.DRAFT:
            raise JobError(_("Văn bản chưa được cấp số nên chưa tạo được bản phát hành."))
        if document.issued_file:
            return document
        from . import official  # WeasyPrint loads only where documents are rendered.

        pdf = official.document_pdf(document)
        _store_pdf(document.issued_file, document_file_name(document), pdf)
        document.issued_sha256 = sha256(pdf)
        if document.status == DocumentStatus.ISSUED:
            document.status = DocumentStatus.RENDERED
        document.save(update_fields=["issued_file", "issued_sha256", "status", "updated_at"])
        return document


def document_sign_on_server(*, document_id: int, user: User | None = None) -> OfficialDocument:
    """Sign the issued PDF with the organisation's certificate, once. The
    issued file is kept as it is; the signed copy is a file of its own."""
    from . import signing

    with transaction.atomic():
        document = OfficialDocument.objects.select_for_update().get(pk=document_id)
        if document.signed_file:
            return document
        if not document.issued_file:
            raise JobError(_("Chưa có bản phát hành để ký."))
        with document.issued_file.open("rb") as handle:
            issued = handle.read()
        try:
            signed = document_pdf_sign(document=document, pdf=issued)
        except signing.SigningError as error:
            raise JobError(str(error)) from error
        _keep_signed(
            document,
            signed,
            method=SigningMethod.SERVER,
            signer=signing.describe_signer(
                p12_path=settings.CCHC_SIGNING_P12, password=settings.CCHC_SIGNING_P12_PASSWORD
            ),
            signatures=signing.read_signatures(signed),
            user=user,
        )
        return document


def document_pdf_sign(*, document: OfficialDocument, pdf: bytes) -> bytes:
    """``pdf`` (the document's PDF) signed with the organisation's
    certificate (``CCHC_SIGNING_P12``) and the document's stamp: the
    signature stamp in its signing block, or an appendix's number and time.
    The one signing call of the app (the render job, ``render_document
    --sign``, the benchmark). Raises :class:`signing.SigningError`."""
    from . import signing

    if document.status == DocumentStatus.DRAFT or not (document.parent or document).number:
        raise signing.SigningError(_("Văn bản còn là dự thảo: hãy cấp số văn bản trước khi ký."))
    p12_path = signing_certificate_for(document)
    return signing.sign_pdf(
        pdf,
        p12_path=p12_path,
        password=settings.CCHC_SIGNING_P12_PASSWORD,
        signer_name=document.signer_name,
        organisation=signing.certificate_organisation(
            p12_path=p12_path, password=settings.CCHC_SIGNING_P12_PASSWORD
        ),
        reason=document.summary,
        location=document.place,
        **_stamp_options(document),
    )


def signing_certificate_for(document: OfficialDocument):
    """The organisation's certificate that signs ``document``: the one
    whose organisation (O) is the issuing unit, among ``CCHC_SIGNING_P12``
    and the files of ``CCHC_SIGNING_P12_DIR``. A certificate of another
    organisation is refused with a clear message."""
    from . import signing

    unit = document.issuing_unit
    names = {fold(n) for n in (unit.name, unit.short_name) if n}
    candidates = [Path(settings.CCHC_SIGNING_P12)]
    directory = settings.CCHC_SIGNING_P12_DIR
    if directory and Path(directory).is_dir():
        candidates += sorted(Path(directory).glob("*.p12"))
    found = []
    for path in candidates:
        if not path.is_file():
            continue
        organisation = signing.certificate_organisation(
            p12_path=path, password=settings.CCHC_SIGNING_P12_PASSWORD
        )
        if fold(organisation) in names:
            return path
        found.append(organisation)
    if not found:
        # No readable file: load_signer gives its own message.
        return Path(settings.CCHC_SIGNING_P12)
    raise signing.SigningError(
        _(
            "Chứng thư số của %(found)s không phải của cơ quan ban hành %(unit)s; "
            "không ký văn bản này được. Quản trị viên cần cấu hình chứng thư số của %(unit)s."
        )
        % {"found": ", ".join(found), "unit": unit}
    )


def _read_image(field) -> bytes | None:
    if not field:
        return None
    try:
        with field.open("rb") as handle:
            return handle.read()
    except OSError:
        logger.warning("Image %s is missing; the stamp is drawn without it.", field.name)
        return None


def _stamp_options(document: OfficialDocument) -> dict:
    if document.parent_id:
        # An appendix in its own file carries its main document's number.
        return {"stamp_style": "appendix", "page": 0, "number_symbol": document.parent.number_symbol}
    options = {"stamp_style": "signature", "number_symbol": document.number_symbol}
    # The competent person's signature image, and the issuing body's seal.
    if document.signatory_id:
        options["signature_image"] = _read_image(document.signatory.signature_image)
    seal = Seal.objects.filter(unit_id=document.issuing_unit_id).first()
    if seal is not None:
        options["seal_image"] = _read_image(seal.image)
        options["seal_mm"] = seal.diameter_mm
    return options


def _keep_signed(
    document: OfficialDocument,
    signed: bytes,
    *,
    method: str,
    signer: str,
    signatures,
    user: User | None = None,
) -> None:
    """Keep the signed copy and who signed it: ``signer`` (every signer's
    certificate, ``; ``-separated) and ``signatures`` (:class:`SignerInfo`,
    in signing order); the audit trail records it (``user``: who asked)."""
    _store_pdf(document.signed_file, document_file_name(document, signed=True), signed)
    document.signed_sha256 = sha256(signed)
    document.signed_at = timezone.now()
    document.signed_by = signer[:500]
    document.signing_method = method
    document.signatures = [info.as_record() for info in signatures]
    if document.status in (DocumentStatus.ISSUED, DocumentStatus.RENDERED):
        document.status = DocumentStatus.SIGNED
    document.save(
        update_fields=[
            "signed_file",
            "signed_sha256",
            "signed_at",
            "signed_by",
            "signing_method",
            "signatures",
            "status",
            "updated_at",
        ]
    )
    audit_record(
        kind=AuditKind.SIGN,
        user=user,
        unit=document.issuing_unit,
        obj=document,
        detail=f"{document.get_signing_method_display()}: {document.signed_by}",
    )


def document_attach_signed(
    *, document: OfficialDocument, data: bytes, user: User | None = None
) -> OfficialDocument:
    """Keep a copy signed outside the app (the competent person's signature,
    then the records office's, possibly with timestamps and LTV data) if
    :func:`cchc.documents.signing.verify_signed_upload` accepts it: the issued file
    byte for byte plus up to five updates, each adding a signature, every
    signature intact and chaining to a configured root, nothing changing the
    pages. Records every signer. Otherwise refuse with the reason. The
    upload gate looks at it first (a PDF that parses, without JavaScript,
    launch actions or embedded files)."""
    from .. import uploads
    from . import signing

    uploads.upload_check(data, purpose=uploads.SIGNED_PDF, name=document_file_name(document, signed=True))
    with transaction.atomic():
        document = OfficialDocument.objects.select_for_update().get(pk=document.pk)
        if document.signed_file:
            raise ValidationError(_("Văn bản đã có bản ký số; bản đã ký không bao giờ bị ghi đè."))
        if not document.issued_file:
            raise ValidationError(_("Văn bản chưa có bản phát hành để đối chiếu."))
        with document.issued_file.open("rb") as handle:
            issued = handle.read()
        check = signing.verify_signed_upload(
            issued=issued, signed=data, trusted_roots=list(settings.CCHC_TRUSTED_ROOTS)
        )
        if not check.ok:
            raise ValidationError(check.reason)
        _keep_signed(
            document,
            data,
            method=SigningMethod.EXTERNAL,
            signer=check.signer,
            signatures=check.signatures,
            user=user,
        )
        return document


def document_publish(*, document: OfficialDocument, user: User | None = None) -> OfficialDocument:
    """Publish a signed document to the units concerned."""
    with transaction.atomic():
        document = OfficialDocument.objects.select_for_update().get(pk=document.pk)
        if document.status == DocumentStatus.PUBLISHED:
            return document
        if document.status != DocumentStatus.SIGNED:
            raise ValidationError(_("Chỉ phát hành được văn bản đã ký số."))
        document.status = DocumentStatus.PUBLISHED
        document.published_at = timezone.now()
        document.save(update_fields=["status", "published_at", "updated_at"])
        audit_record(
            kind=AuditKind.PUBLISH,
            user=user,
            unit=document.issuing_unit,
            obj=document,
            detail=document.number_symbol,
        )
        # In the transaction: what the apps do on publication commits with it.
        document_published.send(sender=OfficialDocument, document=document)
        return document


@dataclass(frozen=True)
class CopyCheck:
    """What :func:`document_verify_upload` found: the copy's SHA-256 and
    which file of the document it is byte for byte ("signed", "issued"), or
    "" when it is neither."""

    digest: str
    matches: str

    @property
    def ok(self) -> bool:
        return bool(self.matches)


def document_verify_upload(*, document: OfficialDocument, upload) -> CopyCheck:
    """Check a copy someone holds (an uploaded file) against the document's
    issued record: its hash against the signed copy's, then the issued
    file's."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    value = digest.hexdigest()
    if document.signed_sha256 and value == document.signed_sha256:
        return CopyCheck(digest=value, matches="signed")
    if document.issued_sha256 and value == document.issued_sha256:
        return CopyCheck(digest=value, matches="issued")
    return CopyCheck(digest=value, matches="")


def render_job_work(job: Job) -> dict:
    """The render job (:data:`RENDER_JOB`): make the issued PDF of the
    document and its appendices and, when asked, sign them. Takes the job;
    the document is loaded by the id in its parameters."""
    document_id = job.params["document_id"]
    sign = job.params.get("sign", False)
    ids = [document_id, *OfficialDocument.objects.filter(parent_id=document_id).values_list("pk", flat=True)]
    per_document = 2 if sign else 1
    total = per_document * len(ids)
    done = 0
    for pk in ids:
        job_progress(job.pk, done=done, total=total, step=_("Đang tạo bản PDF"))
        document_render(document_id=pk)
        done += 1
        if sign:
            job_progress(job.pk, done=done, total=total, step=_("Đang ký số"))
            document_sign_on_server(document_id=pk, user=job.created_by)
            done += 1
    document = OfficialDocument.objects.get(pk=document_id)
    return {"document_id": document.pk, "number": document.number_symbol}
