"""The shared kernel: users, administrative units and their succession,
memberships with roles, and the catalogue of reform areas."""

import datetime
import uuid

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from ..choices import Language, Role, SuccessionKind, UnitKind
from ..text import fold


class TimeStampedModel(models.Model):
    """Who created a record people edit, and when it was last changed."""

    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        abstract = True


class AuthoredModel(TimeStampedModel):
    """A record people edit that remembers who created it (kept, as None,
    when that account is deleted)."""

    created_by = models.ForeignKey(
        "cchc.User",
        verbose_name=_("người tạo"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    class Meta:
        abstract = True


class User(AbstractUser):
    """A person who signs in: provincial staff, a unit's officer, a leader or
    an administrator. What they may see follows from their memberships."""

    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    position = models.CharField(
        _("chức vụ"), max_length=200, blank=True, help_text=_("Ví dụ: Phó Chánh Văn phòng UBND tỉnh")
    )
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    # The language of the pages for this person: Vietnamese unless they chose
    # English in the language menu (never taken from the browser).
    language = models.CharField(_("ngôn ngữ"), max_length=8, choices=Language.choices, default=Language.VI)

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self):
        return self.full_name or self.username

    def get_full_name(self):
        return self.full_name or super().get_full_name() or self.username

    def get_short_name(self):
        return self.get_full_name()


class UnitQuerySet(models.QuerySet):
    def active_on(self, day: datetime.date):
        """Units that exist on ``day``."""
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )

    def current(self):
        return self.active_on(timezone.localdate())

    def subtree_of(self, *units: "Unit"):
        """The given units and every unit under them."""
        condition = Q(pk__in=[])
        for unit in units:
            condition |= Q(path__startswith=unit.path)
        return self.filter(condition)


class Unit(models.Model):
    """An administrative body (đơn vị hành chính, cơ quan) that inspects or is
    inspected: UBND tỉnh, a Sở, a UBND huyện, a UBND xã/phường/đặc khu.

    Units form a tree through ``parent``. A unit is never deleted: one that
    ends gets ``valid_to`` and successor links (``UnitSuccession``), so its
    history stays readable and rolls up to today's units.
    """

    name = models.CharField(_("tên đầy đủ"), max_length=255)
    short_name = models.CharField(
        _("tên viết tắt"), max_length=120, blank=True, help_text=_("Ví dụ: UBND huyện Duy Xuyên")
    )
    kind = models.CharField(_("loại đơn vị"), max_length=20, choices=UnitKind.choices)
    code = models.CharField(
        _("mã đơn vị"),
        max_length=40,
        blank=True,
        help_text=_("Mã chính thức (mã đơn vị hành chính, mã định danh) nếu có."),
    )
    former_code = models.CharField(
        _("mã trước 01/7/2025"),
        max_length=40,
        blank=True,
        help_text=_(
            "Mã của đơn vị trong danh mục trước ngày 01/7/2025; từ ngày đó mã này có thể đã được "
            "dùng lại cho một đơn vị mới."
        ),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        related_name="children",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    path = models.CharField(
        _("đường dẫn cây"),
        max_length=400,
        editable=False,
        db_index=True,
        help_text=_("Các mã số từ gốc đến đơn vị này, dùng để lấy cả cây con trong một truy vấn."),
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(
        _("hiệu lực đến"), null=True, blank=True, help_text=_("Ngày cuối cùng đơn vị tồn tại.")
    )
    document_symbol = models.CharField(
        _("ký hiệu văn bản"),
        max_length=30,
        blank=True,
        help_text=_("Chữ viết tắt tên cơ quan trong số, ký hiệu văn bản, ví dụ: UBND, SNV."),
    )
    place_name = models.CharField(
        _("địa danh"),
        max_length=100,
        blank=True,
        help_text=_("Địa danh ghi trên văn bản, ví dụ: Quảng Nam."),
    )
    search_key = models.CharField(
        _("khóa tìm kiếm"),
        max_length=500,
        editable=False,
        db_index=True,
        help_text=_("Tên không dấu, viết thường, để tìm kiếm không phân biệt dấu."),
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_to__gte=F("valid_from")),
                name="%(app_label)s_%(class)s_valid_range",
                violation_error_message=_("Ngày kết thúc hiệu lực không được trước ngày bắt đầu."),
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")),
                name="%(app_label)s_%(class)s_not_own_parent",
                violation_error_message=_("Một đơn vị không thể là cấp trên của chính nó."),
            ),
            models.UniqueConstraint(
                fields=["code"],
                condition=~Q(code=""),
                name="%(app_label)s_%(class)s_unique_code",
                violation_error_message=_("Mã đơn vị này đã được dùng cho đơn vị khác."),
            ),
            models.UniqueConstraint(
                fields=["former_code"],
                condition=~Q(former_code=""),
                name="%(app_label)s_%(class)s_unique_former_code",
                violation_error_message=_("Mã trước 01/7/2025 này đã được dùng cho đơn vị khác."),
            ),
        ]

    def __str__(self):
        return self.short_name or self.name

    def save(self, *args, **kwargs):
        self.search_key = fold(f"{self.name} {self.short_name} {self.code}")
        with transaction.atomic():
            if self.pk is None:
                self.path = ""
                super().save(*args, **kwargs)
                kwargs.pop("force_insert", None)
                self._set_path()
                Unit.objects.filter(pk=self.pk).update(path=self.path)
                return
            old_path = Unit.objects.filter(pk=self.pk).values_list("path", flat=True).first()
            self._set_path()
            super().save(*args, **kwargs)
            if old_path and old_path != self.path:
                # Re-root every descendant under the new path.
                Unit.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                    path=Concat(models.Value(self.path), Substr("path", len(old_path) + 1))
                )

    def is_active_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or self.valid_to >= day
        )

    @property
    def has_ended(self) -> bool:
        return self.valid_to is not None and self.valid_to < timezone.localdate()

    def clean(self):
        super().clean()
        if self.parent_id and self.pk:
            if self.parent_id == self.pk or f"/{self.pk}/" in (self.parent.path or ""):
                raise ValidationError(
                    {"parent": _("Không thể chọn đơn vị này hoặc một đơn vị cấp dưới của nó làm cấp trên.")}
                )

    def _set_path(self):
        prefix = self.parent.path if self.parent_id else "/"
        self.path = f"{prefix}{self.pk}/"


class DraftingUnit(models.Model):
    """A drafting unit (đơn vị soạn thảo) of an issuing body: the office or
    division that drafts its documents, e.g. NC (Nội chính), VX (Văn xã), KT
    (Kinh tế) of a provincial committee's office. Its code follows the
    issuer's in a công văn's symbol ("UBND-NC") and in the archive line
    ("Lưu: VT, NC.")."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("cơ quan ban hành"), related_name="drafting_units", on_delete=models.CASCADE
    )
    code = models.CharField(
        _("chữ viết tắt"), max_length=20, help_text=_("Ví dụ: NC, VX, KT; đứng sau ký hiệu cơ quan.")
    )
    name = models.CharField(_("tên đơn vị soạn thảo"), max_length=255, help_text=_("Ví dụ: Phòng Nội chính"))
    is_default = models.BooleanField(
        _("mặc định"), default=False, help_text=_("Đơn vị soạn thảo văn bản về cải cách hành chính.")
    )

    class Meta:
        verbose_name = _("đơn vị soạn thảo")
        verbose_name_plural = _("đơn vị soạn thảo")
        ordering = ["unit_id", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "code"],
                name="%(app_label)s_%(class)s_unique_code",
                violation_error_message=_("Cơ quan này đã có đơn vị soạn thảo với chữ viết tắt này."),
            ),
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(is_default=True),
                name="%(app_label)s_%(class)s_one_default",
                violation_error_message=_("Mỗi cơ quan chỉ có một đơn vị soạn thảo mặc định."),
            ),
        ]

    def __str__(self):
        return f"{self.code} · {self.name}"


def validate_transparent_png(upload) -> None:
    """An uploaded signature or seal image: a PNG of a sensible size with a
    transparent background (:func:`cchc.images.check_transparent_png`)."""
    from ..images import check_transparent_png

    check_transparent_png(upload)


def _image_upload_to(instance, filename):
    return f"private/{instance._meta.model_name}/{uuid.uuid4().hex}.png"


class Signatory(models.Model):
    """A person who signs a body's documents (người có thẩm quyền ký): the
    head ("CHỦ TỊCH") or a deputy signing for the head ("KT. CHỦ TỊCH /
    PHÓ CHỦ TỊCH"), from ``valid_from`` to ``valid_to``. The administrator
    uploads the image of their signature (a blue, transparent PNG), which
    the visible signature of a signed document shows."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("cơ quan"), related_name="signatories", on_delete=models.CASCADE
    )
    full_name = models.CharField(_("họ và tên"), max_length=150)
    position = models.CharField(_("chức vụ"), max_length=120, help_text=_("Ví dụ: PHÓ CHỦ TỊCH"))
    head_title = models.CharField(
        _("chức vụ người đứng đầu"),
        max_length=120,
        blank=True,
        help_text=_("Để trống nếu là người đứng đầu; cấp phó ghi chức vụ cấp trưởng, ví dụ: CHỦ TỊCH."),
    )
    signature_image = models.ImageField(
        _("hình ảnh chữ ký"),
        upload_to=_image_upload_to,
        validators=[validate_transparent_png],
        blank=True,
        help_text=_("Tệp PNG nền trong suốt, màu xanh, tối đa 1 MB."),
    )
    valid_from = models.DateField(_("ký từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("ký đến ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("người ký")
        verbose_name_plural = _("người ký")
        ordering = ["unit_id", "head_title", "full_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_to__gte=F("valid_from")),
                name="%(app_label)s_%(class)s_valid_range",
                violation_error_message=_("Ngày kết thúc không được trước ngày bắt đầu."),
            ),
        ]

    def __str__(self):
        return f"{self.full_name} · {self.position} · {self.unit}"

    def is_active_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or self.valid_to >= day
        )


class Seal(models.Model):
    """The image of a body's seal (con dấu), a red transparent PNG at its
    actual size, uploaded by the administrator: the organisation's visible
    signature shows it over a third of the person's signature."""

    unit = models.OneToOneField(
        Unit, verbose_name=_("cơ quan"), related_name="seal", on_delete=models.CASCADE
    )
    image = models.ImageField(
        _("hình ảnh con dấu"),
        upload_to=_image_upload_to,
        validators=[validate_transparent_png],
        help_text=_("Tệp PNG nền trong suốt, màu đỏ."),
    )
    diameter_mm = models.PositiveSmallIntegerField(
        _("đường kính (mm)"), default=36, help_text=_("Kích thước thật của con dấu, thường 34 - 40 mm.")
    )

    class Meta:
        verbose_name = _("con dấu")
        verbose_name_plural = _("con dấu")

    def __str__(self):
        return str(self.unit)


class UnitSuccession(models.Model):
    """A link from a unit that ended, or changed, to the unit that took over
    its work (sáp nhập, chia tách, đổi tên), with the date and legal basis.

    Since 1 July 2025 districts no longer exist and provinces and communes
    were merged: these links let findings and tasks of the old units roll up
    to today's units.
    """

    predecessor = models.ForeignKey(
        Unit, verbose_name=_("đơn vị cũ"), related_name="successions_out", on_delete=models.PROTECT
    )
    successor = models.ForeignKey(
        Unit, verbose_name=_("đơn vị kế thừa"), related_name="successions_in", on_delete=models.PROTECT
    )
    kind = models.CharField(_("hình thức"), max_length=20, choices=SuccessionKind.choices)
    effective_date = models.DateField(_("ngày có hiệu lực"))
    legal_basis = models.CharField(
        _("căn cứ"), max_length=255, blank=True, help_text=_("Ví dụ: Nghị quyết số 202/2025/QH15")
    )
    is_illustrative = models.BooleanField(
        _("minh họa"),
        default=False,
        help_text=_("Liên kết dựng cho dữ liệu mẫu, chưa đối chiếu với văn bản chính thức."),
    )
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("kế thừa đơn vị")
        verbose_name_plural = _("kế thừa đơn vị")
        ordering = ["effective_date", "predecessor_id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(predecessor=F("successor")),
                name="%(app_label)s_%(class)s_distinct_units",
                violation_error_message=_("Đơn vị cũ và đơn vị kế thừa phải khác nhau."),
            ),
            models.UniqueConstraint(
                fields=["predecessor", "successor"],
                name="%(app_label)s_%(class)s_unique_link",
                violation_error_message=_("Liên kết kế thừa này đã có."),
            ),
        ]

    def __str__(self):
        return f"{self.predecessor} → {self.successor} ({self.get_kind_display()})"


class MembershipQuerySet(models.QuerySet):
    def active_on(self, day: datetime.date):
        return self.filter(
            Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )

    def current(self):
        return self.active_on(timezone.localdate())


class Membership(models.Model):
    """A user's place in a unit with a role: what they may do, and over which
    units (the unit and those under it)."""

    user = models.ForeignKey(
        User, verbose_name=_("người dùng"), related_name="memberships", on_delete=models.CASCADE
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), related_name="memberships", on_delete=models.PROTECT
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    valid_from = models.DateField(_("từ ngày"), default=timezone.localdate)
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("phân công")
        verbose_name_plural = _("phân công")
        ordering = ["user_id", "unit__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit", "role"],
                name="%(app_label)s_%(class)s_unique_role",
                violation_error_message=_("Người dùng đã có vai trò này tại đơn vị này."),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="%(app_label)s_%(class)s_valid_range",
                violation_error_message=_("Ngày kết thúc không được trước ngày bắt đầu."),
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.unit}"

    def clean(self):
        super().clean()
        if self.unit_id and self.valid_from and self.unit.valid_to and self.unit.valid_to < self.valid_from:
            raise ValidationError(
                {
                    "unit": _("Đơn vị %(unit)s đã kết thúc hoạt động từ ngày %(date)s.")
                    % {"unit": self.unit, "date": date_format(self.unit.valid_to, "SHORT_DATE_FORMAT")}
                }
            )


class ReformArea(models.Model):
    """A field of administrative reform (lĩnh vực CCHC) that findings and tasks
    are filed under. The list changes between programmes, so each area has
    the years it is valid for instead of being a fixed choice."""

    code = models.SlugField(_("mã"), max_length=50, unique=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=255)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    valid_from_year = models.PositiveSmallIntegerField(_("áp dụng từ năm"))
    valid_to_year = models.PositiveSmallIntegerField(_("áp dụng đến năm"), null=True, blank=True)
    programme = models.CharField(
        _("chương trình"),
        max_length=255,
        blank=True,
        help_text=_("Ví dụ: Chương trình tổng thể CCHC nhà nước giai đoạn 2021 - 2030"),
    )

    class Meta:
        verbose_name = _("lĩnh vực CCHC")
        verbose_name_plural = _("lĩnh vực CCHC")
        ordering = ["valid_from_year", "position"]
        indexes = [models.Index(fields=["valid_from_year", "position"], name="cchc_reformarea_order_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to_year__isnull=True) | Q(valid_to_year__gte=F("valid_from_year")),
                name="%(app_label)s_%(class)s_valid_years",
                violation_error_message=_("Năm kết thúc không được trước năm bắt đầu."),
            ),
        ]

    def __str__(self):
        return self.name

    def is_valid_in(self, year: int) -> bool:
        return self.valid_from_year <= year and (self.valid_to_year is None or self.valid_to_year >= year)
