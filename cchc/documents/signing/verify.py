"""Verifying a file signed outside the app against the issued one, and
reading the signatures of a signed file."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import logging
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Literal

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY, ModificationLevel, SuspiciousModification
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from .signer import describe_certificate, file_key, flat

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SignerInfo:
    """One signature of a signed file, as the document records it: who signed
    (the certificate's subject: common name and organisation), when (the
    signing time the signature claims; a document timestamp's time), and
    whether it is a signature or a document timestamp."""

    kind: Literal["signature", "timestamp"]
    name: str
    organisation: str = ""
    certificate: str = ""  # describe_certificate(): subject, issuer, serial number
    signed_at: dt.datetime | None = None
    field: str = ""
    issuer: str = ""  # the issuing CA's common name
    serial: str = ""  # the certificate's serial number, in hexadecimal

    def as_record(self) -> dict:
        """A JSON-serialisable dict (for ``OfficialDocument.signatures``)."""
        return {
            "kind": self.kind,
            "name": self.name,
            "organisation": self.organisation,
            "certificate": self.certificate,
            "signed_at": self.signed_at.isoformat() if self.signed_at else None,
            "field": self.field,
            "issuer": self.issuer,
            "serial": self.serial,
        }


@dataclass(frozen=True)
class SignatureCheck:
    """What :func:`verify_signed_upload` found. ``reason`` is the refusal in
    Vietnamese (in the active language), empty when ``ok``. ``signer`` and
    ``signed_at`` name the signature refused, or, when ``ok``, every signer
    (``; ``-separated) and the last signing time; ``signatures`` lists every
    signature of an accepted file, in signing order."""

    ok: bool
    reason: str = ""
    signer: str = ""
    signed_at: dt.datetime | None = None
    signatures: tuple[SignerInfo, ...] = ()


# The most revisions an upload may add to the issued file: the person's
# signature, the organisation's, and room for LTV data and timestamps.
MAX_SIGNED_REVISIONS = 5

NOT_ISSUED_REASON = gettext_lazy(
    "Tệp đã ký không phải là bản đã phát hành: phần đầu tệp phải trùng từng byte với bản PDF "
    "do hệ thống phát hành (hãy tải đúng bản phát hành về rồi ký, không lưu lại hay in ra PDF mới)."
)
NOT_INTACT_REASON = gettext_lazy("Chữ ký không toàn vẹn: tệp đã bị sửa sau khi ký.")
INVALID_REASON = gettext_lazy("Chữ ký không hợp lệ: giá trị chữ ký không khớp với chứng thư số.")
UNREADABLE_SIGNATURE_REASON = gettext_lazy("Chữ ký số trong tệp không đọc được hoặc không đúng định dạng.")
UNTRUSTED_REASON = gettext_lazy("Chứng thư số không thuộc tổ chức cung cấp dịch vụ chứng thực được tin cậy.")
NO_SIGNATURE_REASON = gettext_lazy("Tệp tải lên không có chữ ký số.")
NOT_A_PDF_REASON = gettext_lazy("Tệp tải lên không phải là tệp PDF đọc được.")
ISSUED_UNREADABLE_REASON = gettext_lazy("Không đọc được bản đã phát hành để đối chiếu.")
NO_TRUSTED_ROOTS_REASON = gettext_lazy(
    "Chưa cấu hình chứng thư gốc tin cậy (CCHC_TRUSTED_ROOTS) nên không kiểm tra được chữ ký."
)
CHANGED_AFTER_SIGNING_REASON = gettext_lazy(
    "Tệp đã bị thay đổi sau khi ký: chữ ký không bao trùm toàn bộ tệp (có phần được thêm vào sau chữ ký)."
)
TOO_MANY_REVISIONS_REASON = gettext_lazy(
    "Tệp đã ký có %(count)s lần cập nhật sau bản đã phát hành: chỉ nhận tối đa %(limit)s "
    "(mỗi lần thêm một chữ ký số)."
)
NOT_A_SIGNATURE_REVISION_REASON = gettext_lazy(
    "Lần cập nhật thứ %(number)s sau bản đã phát hành không phải là một lần ký số: ngoài các lần ký "
    "(mỗi lần thêm một chữ ký cùng ô chữ ký, hình thể hiện và dấu thời gian của nó), tệp chỉ được thêm "
    "dữ liệu kiểm tra chứng thư (LTV)."
)
NOT_COVERING_REASON = gettext_lazy(
    "Chữ ký không bao trùm trọn bản đã phát hành và lần ký của nó (phạm vi ký không chuẩn)."
)
CHANGED_CONTENT_REASON = gettext_lazy(
    "Lần ký đã thay đổi nội dung văn bản so với bản đã phát hành (ngoài việc thêm chữ ký)."
)
CHANGED_LATER_REASON = gettext_lazy(
    "Nội dung văn bản đã bị thay đổi sau chữ ký này (ngoài việc thêm chữ ký)."
)
DOCMDP_REASON = gettext_lazy(
    "Chữ ký không cho phép thay đổi văn bản sau khi ký (chữ ký chứng nhận hoặc ô chữ ký bị khóa), "
    "nhưng tệp đã được cập nhật sau đó."
)
TIMESTAMP_REASON = gettext_lazy(
    "Dấu thời gian kèm chữ ký không hợp lệ hoặc đơn vị cấp dấu thời gian không được tin cậy."
)
SEED_VALUE_REASON = gettext_lazy("Chữ ký không đáp ứng các ràng buộc do ô chữ ký quy định.")
NOT_VALID_REASON = gettext_lazy("Chữ ký không hợp lệ theo kiểm tra chữ ký số PDF (PAdES).")


_COVERING = (SignatureCoverageLevel.ENTIRE_FILE, SignatureCoverageLevel.ENTIRE_REVISION)


def _refuse(reason, *, signer: str = "", signed_at: dt.datetime | None = None) -> SignatureCheck:
    """A refusal; ``reason`` (lazy or not) is rendered in the active language."""
    return SignatureCheck(ok=False, reason=str(reason), signer=signer, signed_at=signed_at)


def _load_roots(trusted_roots) -> list[asn1_x509.Certificate]:
    roots = []
    for item in trusted_roots or []:
        path = Path(item)
        if not path.is_file():
            logger.warning("Trusted root %s does not exist", path)
            continue
        roots.extend(_load_roots_cached(*file_key(path)))
    return roots


@functools.lru_cache(maxsize=16)
def _load_roots_cached(path: str, _mtime_ns: int, _size: int) -> tuple[asn1_x509.Certificate, ...]:
    data = Path(path).read_bytes()
    certs = []
    try:
        if b"-----BEGIN" in data:
            for cert in x509.load_pem_x509_certificates(data):
                certs.append(asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)))
        else:
            certs.append(asn1_x509.Certificate.load(data))
            _ = certs[-1].subject  # parse now, not during validation
    except ValueError:
        logger.warning("Trusted root %s is not a certificate (PEM or DER)", path)
        return ()
    return tuple(certs)


def _usage_allows_signing(cert: asn1_x509.Certificate) -> bool:
    usage = cert.key_usage_value
    return usage is None or bool({"digital_signature", "non_repudiation"} & set(usage.native))


def _trust_reason(status) -> str:
    """The refusal for a signature whose certificate isn't trusted, from
    pyHanko's AdES sub-indication."""
    indication = getattr(status.trust_problem_indic, "name", "") or ""
    if status.revoked or indication.startswith("REVOKED"):
        return _("Chứng thư số đã bị thu hồi.")
    if indication in ("EXPIRED", "OUT_OF_BOUNDS_NO_POE", "OUT_OF_BOUNDS_NOT_REVOKED"):
        return _("Chứng thư số đã hết hạn.")
    if indication == "NOT_YET_VALID":
        return _("Chứng thư số chưa đến thời hạn sử dụng.")
    if indication in ("SIG_CONSTRAINTS_FAILURE", "CHAIN_CONSTRAINTS_FAILURE") and not _usage_allows_signing(
        status.signing_cert
    ):
        # pyHanko reports a key usage mismatch as a chain constraint failure.
        return _("Chứng thư số không được cấp cho mục đích ký số (thiếu mục đích sử dụng khóa phù hợp).")
    if indication in ("CRYPTO_CONSTRAINTS_FAILURE", "CRYPTO_CONSTRAINTS_FAILURE_NO_POE"):
        return _("Chữ ký dùng thuật toán không còn được chấp nhận.")
    return str(UNTRUSTED_REASON)


# What the revision that adds a signature may change in objects that were
# already there: the catalog gets the form (and PAdES/ISO extensions,
# permissions, a version bump, updated XMP metadata), a page gets the widget
# annotation, the document information its dates and producer.
_CATALOG_KEYS_A_SIGNATURE_MAY_CHANGE = frozenset(
    {"/AcroForm", "/Extensions", "/Perms", "/DSS", "/Metadata", "/Version", "/NeedsRendering"}
)
_PAGE_KEYS_A_SIGNATURE_MAY_CHANGE = frozenset({"/Annots"})


def _raw_items(container) -> list:
    if isinstance(container, generic.ArrayObject):
        return [container.raw_get(i) for i in range(len(container))]
    return []


def _page_refs(resolver) -> tuple[set, set]:
    """References of the page objects of a revision, and of their /Annots
    arrays when those are indirect."""
    pages, annots = set(), set()
    stack = [resolver.root.raw_get("/Pages")]
    seen = set()
    while stack:
        item = stack.pop()
        if not isinstance(item, generic.IndirectObject) or item.reference in seen:
            continue
        seen.add(item.reference)
        node = item.get_object()
        if "/Kids" in node:
            stack.extend(_raw_items(node.raw_get("/Kids")))
            continue
        pages.add(item.reference)
        if "/Annots" in node and isinstance(node.raw_get("/Annots"), generic.IndirectObject):
            annots.add(node.raw_get("/Annots").reference)
    return pages, annots


def _same_except(old: generic.DictionaryObject, new: generic.DictionaryObject, allowed: frozenset) -> bool:
    for key in (set(old.keys()) | set(new.keys())) - allowed:
        if key not in old or key not in new or old.raw_get(key) != new.raw_get(key):
            return False
    return True


def _annotations(page: generic.DictionaryObject) -> list:
    return _raw_items(page.get("/Annots")) if "/Annots" in page else []


def _is_signature_widget(item) -> bool:
    annot = item.get_object() if isinstance(item, generic.IndirectObject) else item
    if not isinstance(annot, generic.DictionaryObject) or annot.get("/Subtype") != "/Widget":
        return False
    parent = annot.get("/Parent")
    return annot.get("/FT") == "/Sig" or (parent is not None and parent.get_object().get("/FT") == "/Sig")


def _changes_besides_signature(reader: PdfFileReader, *, base: int, revision: int) -> str:
    """What ``revision`` changes, compared with ``base``, beyond adding a
    signature (empty when nothing): rewritten objects other than the
    catalog, the pages' annotation lists and the metadata; changed page
    content; annotations added other than signature widgets; freed objects."""
    old = reader.get_historical_resolver(base)
    new = reader.get_historical_resolver(revision)
    if new.refs_freed_in_revision():
        return "freed objects"
    root_ref = old.root_ref
    if new.root_ref != root_ref:
        return "a new catalog"
    page_refs, annots_refs = _page_refs(old)
    harmless = set(annots_refs)
    for owner, key in ((old.trailer_view, "/Info"), (old.root, "/Metadata"), (old.root, "/AcroForm")):
        value = owner.raw_get(key) if key in owner else None
        if isinstance(value, generic.IndirectObject):
            harmless.add(value.reference)
    for ref in new.explicit_refs_in_revision():
        try:
            if reader.xrefs.get_introducing_revision(ref) > base:
                continue  # a new object
        except KeyError:
            continue
        if ref == root_ref:
            if not _same_except(old.root, new.root, _CATALOG_KEYS_A_SIGNATURE_MAY_CHANGE):
                return "the catalog"
        elif ref in page_refs:
            if not _same_except(old.get_object(ref), new.get_object(ref), _PAGE_KEYS_A_SIGNATURE_MAY_CHANGE):
                return f"page object {ref.idnum}"
        elif ref not in harmless:
            return f"object {ref.idnum}"
    # Annotation lists may only gain signature widgets.
    for ref in page_refs:
        before = _annotations(old.get_object(ref))
        after = _annotations(new.get_object(ref))
        if any(item not in after for item in before):
            return f"annotations removed from page object {ref.idnum}"
        if any(item not in before and not _is_signature_widget(item) for item in after):
            return f"an annotation other than a signature on page object {ref.idnum}"
    return ""


def _signer_info(embedded) -> SignerInfo:
    """Who made one embedded signature (or document timestamp), and when it
    says it was made. Nothing is validated here."""
    kind = "timestamp" if embedded.sig_object_type == "/DocTimeStamp" else "signature"
    name = organisation = certificate = issuer = serial = ""
    signed_at = None
    with contextlib.suppress(Exception):  # a malformed signature is described as far as it reads
        cert = embedded.signer_cert
        subject = cert.subject.native
        name = flat(subject.get("common_name") or "") or cert.subject.human_friendly
        organisation = flat(subject.get("organization_name") or "")
        certificate = describe_certificate(cert)
        issuer = flat(cert.issuer.native.get("common_name") or "") or cert.issuer.human_friendly
        serial = f"{cert.serial_number:x}"
    with contextlib.suppress(Exception):
        if kind == "timestamp":
            signed_at = embedded.signed_data["encap_content_info"]["content"].parsed["gen_time"].native
        else:
            signed_at = embedded.self_reported_timestamp
    field = ""
    with contextlib.suppress(Exception):
        field = str(embedded.field_name or "")
    return SignerInfo(
        kind=kind,
        name=name,
        organisation=organisation,
        certificate=certificate,
        signed_at=signed_at,
        field=field,
        issuer=issuer,
        serial=serial,
    )


def read_signatures(pdf: bytes) -> list[SignerInfo]:
    """The signatures and document timestamps embedded in ``pdf``, in
    signing order, as they describe themselves (not validated: for a file the
    server has just signed, or one :func:`verify_signed_upload` accepted)."""
    reader = PdfFileReader(BytesIO(pdf), strict=False)
    return [_signer_info(embedded) for embedded in reader.embedded_signatures]


def _which(index: int, infos: list[SignerInfo]) -> str:
    """ "Chữ ký thứ 2/3 (Nguyễn Văn A)" for the refusal of one signature among
    several; empty when the file has only one."""
    if len(infos) < 2:
        return ""
    info = infos[index]
    params = {"number": index + 1, "total": len(infos), "name": info.name or "?"}
    if info.kind == "timestamp":
        return _("Dấu thời gian thứ %(number)s/%(total)s (%(name)s)") % params
    return _("Chữ ký thứ %(number)s/%(total)s (%(name)s)") % params


def _about(index: int | None, infos: list[SignerInfo], reason) -> str:
    which = _which(index, infos) if index is not None else ""
    if not which:
        return str(reason)
    return _("%(which)s: %(reason)s") % {"which": which, "reason": reason}


def _level_between(reader: PdfFileReader, base: int, revision: int) -> ModificationLevel:
    """pyHanko's verdict on what ``revision`` changes compared with ``base``
    (its standard difference policy); OTHER when it finds the change
    suspicious."""
    try:
        result = DEFAULT_DIFF_POLICY.apply(
            reader.get_historical_resolver(base), reader.get_historical_resolver(revision)
        )
    except SuspiciousModification:
        logger.info(
            "Revision %s of an upload changes more than revision %s allows", revision, base, exc_info=True
        )
        return ModificationLevel.OTHER
    return result.modification_level


def verify_signed_upload(
    *, issued: bytes, signed: bytes, trusted_roots: list[Path], max_revisions: int = MAX_SIGNED_REVISIONS
) -> SignatureCheck:
    """Check a file signed outside the app against the issued one. It is
    kept only if all of these hold:

    - it starts with the issued bytes, byte for byte, and adds at most
      ``max_revisions`` incremental updates;
    - it carries at least one signature; every signature and document
      timestamp in it is intact and cryptographically valid, was added after
      the issued file and covers all of it up to the end of its own revision;
    - the first update holds a signature and adds nothing but it (its field,
      widget and appearance, the form, metadata), checked object by object;
    - every later update holds a signature or document timestamp, or only
      validation data (pyHanko: ModificationLevel.LTA_UPDATES); from each
      signature on, pyHanko's difference analysis finds nothing beyond
      signature fields filled in or added and validation data
      (at most FORM_FILLING), within what each signature's DocMDP and field
      locks allow;
    - every certificate (signers', timestamp authorities') chains to one of
      ``trusted_roots`` (PEM or DER files), and pyHanko's bottom line holds
      (timestamp tokens trusted, seed values met).

    Otherwise the answer says why, naming the signature at fault when there
    are several ("Chữ ký thứ 2/2 (Nguyễn Văn A): ...").

    No network: revocation is checked only against information in the file;
    missing revocation information is accepted (soft-fail)."""
    try:
        reader = PdfFileReader(BytesIO(signed), strict=False)
        embedded = list(reader.embedded_signatures)
        total = reader.xrefs.total_revisions
    except Exception:  # whatever the parser trips on, the answer is the same refusal
        logger.info("Uploaded signed file is not readable", exc_info=True)
        return _refuse(NOT_A_PDF_REASON)
    if not any(item.sig_object_type == "/Sig" for item in embedded):
        return _refuse(NO_SIGNATURE_REASON)
    try:
        issued_revisions = PdfFileReader(BytesIO(issued), strict=False).xrefs.total_revisions
    except Exception:
        logger.exception("The issued file cannot be read")
        return _refuse(ISSUED_UNREADABLE_REASON)

    # Bound the work before validating anything: each signature's difference
    # analysis reads every revision after it.
    added = total - issued_revisions
    if added > max_revisions or len(embedded) > max_revisions:
        if not signed.startswith(issued):
            return _refuse(NOT_ISSUED_REASON)
        return _refuse(
            TOO_MANY_REVISIONS_REASON % {"count": max(added, len(embedded)), "limit": max_revisions}
        )

    infos = [_signer_info(item) for item in embedded]

    def refuse(index: int | None, reason) -> SignatureCheck:
        info = infos[index] if index is not None else None
        return _refuse(
            _about(index, infos, reason),
            signer=info.certificate if info else "",
            signed_at=info.signed_at if info else None,
        )

    roots = _load_roots(trusted_roots)
    if not roots:
        return refuse(len(infos) - 1, NO_TRUSTED_ROOTS_REASON)

    # Every signature: intact, valid; pyHanko's difference analysis of what
    # follows it.
    statuses = []
    for index, item in enumerate(embedded):
        context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
        try:
            if infos[index].kind == "timestamp":
                status = validate_pdf_timestamp(
                    item, validation_context=context, diff_policy=DEFAULT_DIFF_POLICY
                )
            else:
                status = validate_pdf_signature(
                    item,
                    signer_validation_context=context,
                    key_usage_settings=KeyUsageConstraints(
                        key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False
                    ),
                    diff_policy=DEFAULT_DIFF_POLICY,
                )
        except Exception:  # a malformed signature is refused, not a server error
            logger.info("Validation of an uploaded signature failed", exc_info=True)
            return refuse(index, UNREADABLE_SIGNATURE_REASON)
        if infos[index].kind == "signature" and status.signer_reported_dt is not None:
            infos[index] = dataclasses.replace(infos[index], signed_at=status.signer_reported_dt)
        if not status.intact:
            return refuse(index, NOT_INTACT_REASON)
        if not status.valid:
            return refuse(index, INVALID_REASON)
        statuses.append(status)

    if not signed.startswith(issued):
        return refuse(None, NOT_ISSUED_REASON)
    for index, (item, status) in enumerate(zip(embedded, statuses, strict=True)):
        if item.signed_revision < issued_revisions:  # pragma: no cover - the issued file is never signed
            return refuse(index, NOT_ISSUED_REASON)
        if status.coverage not in _COVERING:
            return refuse(index, NOT_COVERING_REASON)

    # The revisions after the issued file, one by one.
    signature_revisions = {item.signed_revision for item in embedded}
    last_signed = max(signature_revisions)
    if embedded[0].signed_revision != issued_revisions:
        return refuse(None, NOT_A_SIGNATURE_REVISION_REASON % {"number": 1})
    # The first: its signature and nothing else. pyHanko's difference
    # analysis can't judge it (it needs a form in the base revision, and the
    # issued file has none), hence this check of every object it rewrites.
    try:
        unexpected = _changes_besides_signature(reader, base=issued_revisions - 1, revision=issued_revisions)
    except Exception:
        logger.info("Comparing an uploaded file with the issued one failed", exc_info=True)
        unexpected = "?"
    if unexpected:
        logger.info("Uploaded signed file changes %s besides adding the first signature", unexpected)
        return refuse(0, CHANGED_CONTENT_REASON)
    # The others: a signature each, or validation data only.
    for revision in range(issued_revisions + 1, total):
        if revision in signature_revisions:
            continue
        if _level_between(reader, revision - 1, revision) > ModificationLevel.LTA_UPDATES:
            if revision > last_signed:
                return refuse(None, CHANGED_AFTER_SIGNING_REASON)
            return refuse(None, NOT_A_SIGNATURE_REVISION_REASON % {"number": revision - issued_revisions + 1})
    # What follows the first signature, by pyHanko's difference analysis:
    # no more than signatures (FORM_FILLING) and validation data. The
    # revision at fault is named.
    by_revision = {item.signed_revision: index for index, item in enumerate(embedded)}
    first_signed = embedded[0].signed_revision
    for revision in range(first_signed + 1, total):
        if _level_between(reader, first_signed, revision) > ModificationLevel.FORM_FILLING:
            return refuse(by_revision.get(revision), CHANGED_CONTENT_REASON)
    # What each signature's own rules (DocMDP, field locks) allow after it,
    # as pyHanko judged it while validating the signature.
    for index, status in enumerate(statuses):
        if status.docmdp_ok is False:
            return refuse(index, DOCMDP_REASON)
        level = status.modification_level
        if level is not None and level > ModificationLevel.FORM_FILLING:
            return refuse(index, CHANGED_LATER_REASON)

    # Trust, and pyHanko's bottom line.
    for index, status in enumerate(statuses):
        if not status.trusted:
            return refuse(index, _trust_reason(status))
        if infos[index].kind == "signature":
            timestamp = status.timestamp_validity
            if timestamp is not None and not (timestamp.intact and timestamp.valid and timestamp.trusted):
                return refuse(index, TIMESTAMP_REASON)
            if not status.seed_value_ok:
                return refuse(index, SEED_VALUE_REASON)
            if not status.bottom_line:
                return refuse(index, NOT_VALID_REASON)

    signers = [info for info in infos if info.kind == "signature"]
    return SignatureCheck(
        ok=True,
        reason="",
        signer="; ".join(info.certificate for info in signers if info.certificate),
        signed_at=signers[-1].signed_at,
        signatures=tuple(infos),
    )
