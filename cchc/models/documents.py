"""Official documents (văn bản hành chính) and the register that numbers them.

A document is drafted from the data already entered (an inspection's
findings, a plan's inspections), previewed, issued (which allocates its
number from the register, once), rendered to PDF in the format of Nghị định
30/2020/NĐ-CP, signed, and published to the units concerned.
"""

import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..choices import DocumentKind, DocumentStatus, SigningMethod
from .units import AuthoredModel, DraftingUnit, Signatory, Unit

ISSUED_STATUSES = (
    DocumentStatus.ISSUED,
    DocumentStatus.RENDERED,
    DocumentStatus.SIGNED,
    DocumentStatus.PUBLISHED,
)


class NumberRegister(models.Model):
    """The outgoing-document register (sổ đăng ký văn bản đi): one series
    per issuing body, document type and calendar year, starting at 01 each
    1 January. ``series`` names the body: ``unit:<id>`` for a unit, or
    ``team:<id>`` for an inspection team issuing under its own symbol."""

    series = models.CharField(_("sổ"), max_length=60)
    type_code = models.CharField(
        _("mã loại văn bản"), max_length=10, blank=True, help_text=_("TB, BC, KH...; trống cho công văn.")
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    last_number = models.PositiveIntegerField(_("số đã cấp cuối cùng"), default=0)

    class Meta:
        verbose_name = _("sổ đăng ký văn bản đi")
        verbose_name_plural = _("sổ đăng ký văn bản đi")
        ordering = ["-year", "series", "type_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "type_code", "year"],
                name="%(app_label)s_%(class)s_unique_series",
                violation_error_message=_("Sổ đăng ký này đã có."),
            ),
        ]

    def __str__(self):
        return f"{self.series} {self.type_code or '—'} {self.year}: {self.last_number}"


def new_verification_code() -> str:
    # 10 characters from an alphabet without look-alikes (0/O, 1/I/l).
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    return "".join(secrets.choice(alphabet) for _ in range(10))


class OfficialDocument(AuthoredModel):
    """An official document: its header (bodies, number and symbol, place
    and date), its text as edited before issue, the signing block and
    recipients, and the files made from it."""

    kind = models.CharField(_("loại"), max_length=30, choices=DocumentKind.choices)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT
    )
    issuing_unit = models.ForeignKey(
        Unit, verbose_name=_("cơ quan ban hành"), related_name="documents", on_delete=models.PROTECT
    )
    register_series = models.CharField(
        _("sổ đăng ký"), max_length=60, help_text=_("unit:<id> hoặc team:<id> (đoàn có ký hiệu riêng).")
    )
    source_type = models.ForeignKey(
        ContentType, verbose_name=_("nguồn"), on_delete=models.PROTECT, null=True, blank=True
    )
    source_id = models.PositiveBigIntegerField(_("mã nguồn"), null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    recipient_units = models.ManyToManyField(
        Unit,
        verbose_name=_("đơn vị nhận"),
        related_name="received_documents",
        blank=True,
        help_text=_("Các đơn vị được xem văn bản khi đã phát hành."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("văn bản chính"),
        related_name="appendices",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    # Header.
    parent_body = models.CharField(_("cơ quan chủ quản"), max_length=255, blank=True)
    issuing_body = models.CharField(_("cơ quan ban hành (in trên văn bản)"), max_length=255)
    type_code = models.CharField(_("mã loại văn bản"), max_length=10, blank=True)
    symbol = models.CharField(
        _("ký hiệu cơ quan"), max_length=40, help_text=_("Phần sau dấu gạch ngang, ví dụ: ĐKT, UBND-NC.")
    )
    number = models.PositiveIntegerField(_("số"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("năm đăng ký"), null=True, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    place = models.CharField(_("địa danh"), max_length=100)
    type_name = models.CharField(_("tên loại văn bản"), max_length=100, blank=True)
    summary = models.CharField(_("trích yếu"), max_length=500)
    addressee = models.CharField(_("kính gửi"), max_length=500, blank=True)
    # Body, as edited before issue: {"legal_bases": [...], "intro": [...],
    # "sections": [{"title": "...", "paragraphs": [...], "points": [...]}],
    # "closing": [...]}.
    content = models.JSONField(_("nội dung"), default=dict, blank=True)
    # Signing block and recipients.
    signer_prefix = models.CharField(
        _("quyền hạn ký"), max_length=10, blank=True, help_text=_("TM., KT., Q., TL., TUQ. hoặc để trống.")
    )
    signer_authority = models.CharField(
        _("chức vụ người đứng đầu"), max_length=255, blank=True, help_text=_("Ví dụ: TRƯỞNG ĐOÀN")
    )
    signer_position = models.CharField(_("chức vụ người ký"), max_length=255, blank=True)
    signer_name = models.CharField(_("họ tên người ký"), max_length=150, blank=True)
    recipients = models.JSONField(_("nơi nhận"), default=list, blank=True)
    signatory = models.ForeignKey(
        Signatory,
        verbose_name=_("người ký"),
        related_name="documents",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Người có thẩm quyền ký của cơ quan; hình chữ ký của người này hiện trên bản ký số."),
    )
    drafting_unit = models.ForeignKey(
        DraftingUnit,
        verbose_name=_("đơn vị soạn thảo"),
        related_name="documents",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    archive_line = models.CharField(
        _("dòng lưu"), max_length=255, blank=True, help_text=_("Ví dụ: Lưu: VT, KSTTHC.")
    )
    # Files.
    issued_file = models.FileField(_("bản phát hành (PDF)"), upload_to="documents/issued/%Y/", blank=True)
    issued_sha256 = models.CharField(_("SHA-256 bản phát hành"), max_length=64, blank=True)
    signed_file = models.FileField(_("bản đã ký số (PDF)"), upload_to="documents/signed/%Y/", blank=True)
    signed_sha256 = models.CharField(_("SHA-256 bản đã ký"), max_length=64, blank=True)
    signed_at = models.DateTimeField(_("ký lúc"), null=True, blank=True)
    signed_by = models.CharField(_("chủ thể chứng thư ký"), max_length=500, blank=True)
    signing_method = models.CharField(
        _("cách ký"),
        max_length=20,
        blank=True,
        choices=SigningMethod.choices,
    )
    # Every signature of the signed copy, in signing order (the competent
    # person's, then the organisation's): [{"kind": "signature" | "timestamp",
    # "name": "<certificate CN>", "organisation": "<O>", "certificate":
    # "<subject, issuer, serial>", "signed_at": "<ISO 8601>", "field": "..."}].
    signatures = models.JSONField(
        _("các chữ ký số"),
        default=list,
        blank=True,
        help_text=_(
            "Từng chữ ký trong bản đã ký, theo thứ tự ký: người ký theo chứng thư số và thời gian ký."
        ),
    )
    verification_code = models.CharField(
        _("mã tra cứu"), max_length=12, unique=True, default=new_verification_code, editable=False
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người cấp số"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    published_at = models.DateTimeField(_("phát hành lúc"), null=True, blank=True)
    history = HistoricalRecords(verbose_name=_("lịch sử văn bản"), excluded_fields=["content"])

    class Meta:
        verbose_name = _("văn bản")
        verbose_name_plural = _("văn bản")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["source_type", "source_id"], name="cchc_document_source_idx")]
        constraints = [
            # An appendix in its own file carries its report's number.
            models.CheckConstraint(
                condition=Q(status=DocumentStatus.DRAFT)
                | Q(parent__isnull=False)
                | (Q(number__isnull=False) & Q(issued_on__isnull=False) & Q(year__isnull=False)),
                name="%(app_label)s_%(class)s_issued_has_number",
                violation_error_message=_("Văn bản đã cấp số phải có số và ngày ban hành."),
            ),
            models.UniqueConstraint(
                fields=["register_series", "type_code", "year", "number"],
                condition=Q(number__isnull=False),
                name="%(app_label)s_%(class)s_unique_number",
                violation_error_message=_("Số văn bản này đã được cấp."),
            ),
        ]

    def __str__(self):
        if self.number:
            return f"{self.number_symbol} · {self.summary}"
        return _("Dự thảo: %(summary)s") % {"summary": self.summary}

    @property
    def number_symbol(self) -> str:
        """ "146/TB-ĐKT", or "12/UBND-NC" for a công văn (no type code);
        numbers below 10 take a leading zero. Blank before issue."""
        if not self.number:
            return ""
        code = f"{self.type_code}-{self.symbol}" if self.type_code else self.symbol
        return f"{self.number:02d}/{code}"

    @property
    def is_issued(self) -> bool:
        return self.status in ISSUED_STATUSES

    @property
    def signature_records(self) -> list[dict]:
        """:attr:`signatures` for display: each entry with its signing time
        as an aware datetime (None when unknown) and ``is_timestamp``."""
        records = []
        for item in self.signatures or []:
            if not isinstance(item, dict):
                continue
            signed_at = item.get("signed_at")
            try:
                signed_at = parse_datetime(signed_at) if isinstance(signed_at, str) else None
            except ValueError:
                signed_at = None
            records.append({**item, "signed_at": signed_at, "is_timestamp": item.get("kind") == "timestamp"})
        return records
