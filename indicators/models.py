"""The indicator catalogue (Phụ lục 03, 07, the satisfaction survey) and the
yearly tables units fill in.

The catalogue is versioned by year: an ``IndicatorTemplate`` is one version
of an appendix, valid from a year (and up to a year), with its numbered
``Indicator`` rows. A later year's changed list is a new version; the values
of earlier tables keep pointing at the rows of the version they were entered
against, so they never change meaning.

An ``IndicatorTable`` is one unit's table for a year or part of a year
("Năm 2020, tính đến 31/3"); it holds one ``IndicatorValue`` per indicator
reported. A blank cell (not reported) is no row at all.
"""

import datetime
import re
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cchc.choices import UnitKind
from cchc.models import AuthoredModel, Job, TimeStampedModel, Unit
from cchc.text import fold

from .choices import ImportStatus, Rollup, TableAction, TableStatus, ValueKind


class IndicatorTemplate(models.Model):
    """One version of a statistical appendix (phụ lục), e.g. "Phụ lục 03:
    Thống kê các chỉ tiêu tại lĩnh vực cải cách thủ tục hành chính", valid
    for the years from ``valid_from_year`` to ``valid_to_year``."""

    code = models.SlugField(_("mã phụ lục"), max_length=30, help_text=_("Ví dụ: PL03, PL07, KS."))
    valid_from_year = models.PositiveSmallIntegerField(_("áp dụng từ năm"))
    valid_to_year = models.PositiveSmallIntegerField(_("áp dụng đến năm"), null=True, blank=True)
    short_name = models.CharField(_("tên ngắn"), max_length=100, help_text=_("Ví dụ: Phụ lục 03"))
    title = models.CharField(_("tiêu đề"), max_length=400)
    subtitle = models.CharField(
        _("dòng ghi chú dưới tiêu đề"), max_length=200, blank=True, help_text=_("(kèm theo Đề cương Báo cáo)")
    )
    source = models.CharField(
        _("căn cứ"), max_length=400, blank=True, help_text=_("Văn bản quy định biểu mẫu, nếu có.")
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("biểu chỉ tiêu (phụ lục)")
        verbose_name_plural = _("biểu chỉ tiêu (phụ lục)")
        ordering = ["position", "code", "valid_from_year"]
        indexes = [
            models.Index(fields=["position", "code", "valid_from_year"], name="ind_template_order_idx")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "valid_from_year"],
                name="%(app_label)s_%(class)s_unique_version",
                violation_error_message=_("Phụ lục này đã có phiên bản áp dụng từ năm đó."),
            ),
            models.CheckConstraint(
                condition=Q(valid_to_year__isnull=True) | Q(valid_to_year__gte=F("valid_from_year")),
                name="%(app_label)s_%(class)s_valid_years",
                violation_error_message=_("Năm kết thúc áp dụng không được trước năm bắt đầu."),
            ),
        ]

    def __str__(self):
        return f"{self.short_name} ({self.years_label})"

    @property
    def years_label(self) -> str:
        if self.valid_to_year:
            return f"{self.valid_from_year}–{self.valid_to_year}"
        return _("từ %(year)s") % {"year": self.valid_from_year}

    def is_valid_in(self, year: int) -> bool:
        return self.valid_from_year <= year and (self.valid_to_year is None or year <= self.valid_to_year)

    def clean(self):
        super().clean()
        if not self.code:
            return
        others = IndicatorTemplate.objects.filter(code=self.code).exclude(pk=self.pk)
        for other in others:
            start = max(self.valid_from_year, other.valid_from_year)
            end = min(self.valid_to_year or 9999, other.valid_to_year or 9999)
            if start <= end:
                raise ValidationError(
                    _("Phiên bản %(other)s của %(code)s cũng áp dụng cho năm %(year)s.")
                    % {"other": other.years_label, "code": self.code, "year": start}
                )


class Indicator(models.Model):
    """A numbered row of an appendix (chỉ tiêu): "5.2 Tỷ lệ hồ sơ cấp huyện
    giải quyết đúng hạn", with the kind of value it takes, whether "/" (not
    applicable) is accepted, which kinds of unit report it and how the
    figures of several units add up."""

    template = models.ForeignKey(
        IndicatorTemplate, verbose_name=_("phụ lục"), related_name="indicators", on_delete=models.CASCADE
    )
    number = models.CharField(_("STT"), max_length=20, help_text=_("Số thứ tự như in trên biểu: 1, 1.1, 4.5"))
    parent = models.ForeignKey(
        "self",
        verbose_name=_("chỉ tiêu cha"),
        related_name="children",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    name = models.CharField(_("tên chỉ tiêu"), max_length=500)
    value_kind = models.CharField(_("loại giá trị"), max_length=20, choices=ValueKind.choices)
    allows_not_applicable = models.BooleanField(
        _("cho phép “/”"), default=True, help_text=_("“/”: chỉ tiêu không áp dụng với đơn vị.")
    )
    unit_kinds = models.JSONField(
        _("loại đơn vị báo cáo"),
        default=list,
        blank=True,
        help_text=_("Để trống: mọi loại đơn vị đều báo cáo chỉ tiêu này."),
    )
    rollup = models.CharField(_("cách tổng hợp"), max_length=10, choices=Rollup.choices, default=Rollup.SUM)
    numerator_within_denominator = models.BooleanField(
        _("tử số không vượt mẫu số"),
        default=False,
        help_text=_("Tử số lớn hơn mẫu số là cảnh báo phải xác nhận (ví dụ: hồ sơ đúng hạn/đã giải quyết)."),
    )
    within_parent = models.BooleanField(
        _("không vượt chỉ tiêu cha"),
        default=False,
        help_text=_("Giá trị lớn hơn của chỉ tiêu cha là cảnh báo phải xác nhận."),
    )
    levels = models.JSONField(
        _("các cấp"),
        default=list,
        blank=True,
        help_text=_("Với số liệu theo cấp: T (tỉnh), H (huyện), X (xã)."),
    )
    numerator_label = models.CharField(_("tử số là"), max_length=120, blank=True)
    denominator_label = models.CharField(_("mẫu số là"), max_length=120, blank=True)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["template_id", "position"]
        indexes = [models.Index(fields=["template", "position"], name="ind_indicator_order_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "number"],
                name="%(app_label)s_%(class)s_unique_number",
                violation_error_message=_("Phụ lục đã có chỉ tiêu với số thứ tự này."),
            ),
            models.CheckConstraint(
                condition=~Q(rollup=Rollup.RATIO) | Q(value_kind=ValueKind.FRACTION),
                name="%(app_label)s_%(class)s_ratio_needs_fraction",
                violation_error_message=_("Chỉ chỉ tiêu dạng tỉ lệ a/b mới tổng hợp theo tử số/mẫu số."),
            ),
            models.CheckConstraint(
                condition=~Q(value_kind=ValueKind.TEXT) | Q(rollup=Rollup.NONE),
                name="%(app_label)s_%(class)s_text_not_rolled_up",
                violation_error_message=_("Chỉ tiêu dạng văn bản không tổng hợp được."),
            ),
            models.CheckConstraint(
                condition=Q(numerator_within_denominator=False) | Q(value_kind=ValueKind.FRACTION),
                name="%(app_label)s_%(class)s_cap_needs_fraction",
                violation_error_message=_("Chỉ chỉ tiêu dạng tỉ lệ a/b mới có ràng buộc tử số với mẫu số."),
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.name}"

    def reported_by(self, unit_kind: str) -> bool:
        return not self.unit_kinds or unit_kind in self.unit_kinds

    def clean(self):
        super().clean()
        unknown = set(self.unit_kinds or []) - set(UnitKind.values)
        if unknown:
            raise ValidationError(
                {"unit_kinds": _("Loại đơn vị không hợp lệ: %(k)s.") % {"k": sorted(unknown)}}
            )
        if self.parent_id and self.parent.template_id != self.template_id:
            raise ValidationError({"parent": _("Chỉ tiêu cha phải thuộc cùng phụ lục.")})


class IndicatorTable(AuthoredModel):
    """One unit's table (số liệu) for a year or part of a year: "Năm 2019",
    or "Năm 2020 (tính đến 31/3)". Draft while the unit fills it in, then
    submitted, approved by provincial staff, and locked."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), related_name="indicator_tables", on_delete=models.PROTECT
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    through = models.DateField(
        _("tính đến ngày"), null=True, blank=True, help_text=_("Để trống nếu là số liệu cả năm.")
    )
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=TableStatus.choices, default=TableStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    approved_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người duyệt"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    locked_at = models.DateTimeField(_("khóa lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("bảng số liệu chỉ tiêu")
        verbose_name_plural = _("bảng số liệu chỉ tiêu")
        ordering = ["unit_id", "year", "through"]
        indexes = [models.Index(fields=["unit", "year", "through"], name="ind_table_order_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year"],
                condition=Q(through__isnull=True),
                name="%(app_label)s_%(class)s_unique_year",
                violation_error_message=_("Đơn vị đã có bảng số liệu cả năm này."),
            ),
            models.UniqueConstraint(
                fields=["unit", "year", "through"],
                condition=Q(through__isnull=False),
                name="%(app_label)s_%(class)s_unique_period",
                violation_error_message=_("Đơn vị đã có bảng số liệu cho kỳ này."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100),
                name="%(app_label)s_%(class)s_year_range",
                violation_error_message=_("Năm phải trong khoảng 2000 - 2100."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=TableStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
                violation_error_message=_("Trạng thái bảng số liệu không hợp lệ."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[TableStatus.APPROVED, TableStatus.LOCKED])
                | Q(approved_at__isnull=False),
                name="%(app_label)s_%(class)s_approved_has_date",
                violation_error_message=_("Bảng đã duyệt phải có thời điểm duyệt."),
            ),
        ]

    def __str__(self):
        return f"{self.unit} · {self.period_label}"

    @property
    def period_label(self) -> str:
        return period_label(self.year, self.through)

    @property
    def period_key(self) -> str:
        return period_key(self.year, self.through)

    @property
    def sort_key(self) -> tuple:
        return (self.year, self.through or datetime.date(self.year, 12, 31))

    @property
    def is_editable(self) -> bool:
        return self.status == TableStatus.DRAFT

    def clean(self):
        super().clean()
        if self.through is not None and self.year and self.through.year != self.year:
            raise ValidationError(
                {"through": _("Ngày “tính đến” phải thuộc năm %(year)s.") % {"year": self.year}}
            )
        if self.through is not None and self.through == datetime.date(self.year, 12, 31):
            raise ValidationError({"through": _("Tính đến 31/12 là số liệu cả năm: để trống ô này.")})


def period_label(year: int, through: datetime.date | None) -> str:
    if through is None:
        return _("Năm %(year)s") % {"year": year}
    return _("Năm %(year)s (tính đến %(day)s/%(month)s)") % {
        "year": year,
        "day": through.day,
        "month": through.month,
    }


def period_key(year: int, through: datetime.date | None) -> str:
    """A period as the command line and the app's files write it: "2019",
    or "2020-03-31" for a part of a year."""
    return str(year) if through is None else through.isoformat()


class IndicatorValue(models.Model):
    """One cell of a table: a count, a fraction with both parts kept
    ("5650/5658"), text, values by level ("H:113 X:288"), or "/" (not
    applicable). Figures that break a rule of the catalogue (a numerator over
    its denominator, a child over its parent) are kept as entered and carry
    warnings until someone acknowledges them."""

    # The unique (table, indicator) index serves lookups by table. The
    # audit links below (who acknowledged, who changed, which import) are
    # rarely followed backwards and are kept consistent by Django's
    # on_delete=SET_NULL: they have neither an index nor a database
    # constraint, whose per-row checks would cost more than the rest of the
    # import of a province's 48,000 cells.
    table = models.ForeignKey(
        IndicatorTable,
        verbose_name=_("bảng số liệu"),
        related_name="values",
        on_delete=models.CASCADE,
        db_index=False,
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("chỉ tiêu"), related_name="values", on_delete=models.PROTECT
    )
    not_applicable = models.BooleanField(_("không áp dụng (“/”)"), default=False)
    number = models.BigIntegerField(_("số lượng hoặc tử số"), null=True, blank=True)
    denominator = models.BigIntegerField(_("mẫu số"), null=True, blank=True)
    text = models.TextField(_("nội dung"), blank=True)
    levels = models.JSONField(_("số liệu theo cấp"), null=True, blank=True)
    #: The "Ghi chú" the office wrote beside the figure (an imported file's
    #: column of that name).
    note = models.TextField(_("ghi chú"), blank=True)
    warnings = models.JSONField(_("cảnh báo"), default=list, blank=True)
    acknowledged_warnings = models.JSONField(_("cảnh báo đã xác nhận"), default=list, blank=True)
    needs_acknowledgement = models.BooleanField(_("còn cảnh báo chưa xác nhận"), default=False)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xác nhận cảnh báo"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,
        db_constraint=False,
    )
    acknowledged_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người cập nhật"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,
        db_constraint=False,
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), default=timezone.now)
    source_import = models.ForeignKey(
        "IndicatorImport",
        verbose_name=_("nhập từ tệp"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,
        db_constraint=False,
    )

    history = HistoricalRecords(excluded_fields=["warnings", "needs_acknowledgement"])

    class Meta:
        verbose_name = _("số liệu chỉ tiêu")
        verbose_name_plural = _("số liệu chỉ tiêu")
        ordering = ["table_id", "indicator_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["table", "indicator"],
                name="%(app_label)s_%(class)s_unique_cell",
                violation_error_message=_("Bảng số liệu đã có giá trị cho chỉ tiêu này."),
            ),
            models.CheckConstraint(
                condition=Q(number__isnull=True) | Q(number__gte=0),
                name="%(app_label)s_%(class)s_number_not_negative",
                violation_error_message=_("Số liệu không được âm."),
            ),
            models.CheckConstraint(
                condition=Q(denominator__isnull=True) | (Q(denominator__gte=0) & Q(number__isnull=False)),
                name="%(app_label)s_%(class)s_fraction_parts",
                violation_error_message=_("Tỉ lệ phải có cả tử số và mẫu số, không âm."),
            ),
            models.CheckConstraint(
                condition=Q(not_applicable=False)
                | (
                    Q(number__isnull=True) & Q(denominator__isnull=True) & Q(text="") & Q(levels__isnull=True)
                ),
                name="%(app_label)s_%(class)s_not_applicable_is_empty",
                violation_error_message=_("Ô ghi “/” (không áp dụng) không được có số liệu."),
            ),
        ]

    def __str__(self):
        from .cells import value_text

        return f"{self.indicator.number}: {value_text(self)}"

    @property
    def open_warnings(self) -> list[str]:
        acknowledged = set(self.acknowledged_warnings or [])
        return [key for key in self.warnings or [] if key not in acknowledged]

    def clean(self):
        super().clean()
        from .cells import CellError, check_stored

        if self.indicator_id is None:
            return  # the form says the indicator is missing
        try:
            check_stored(self)
        except CellError as error:
            raise ValidationError(str(error)) from None


class IndicatorTableEvent(models.Model):
    """An entry in a table's history: a comment, a change of status (with
    its reason), or an import from a file."""

    table = models.ForeignKey(
        IndicatorTable, verbose_name=_("bảng số liệu"), related_name="events", on_delete=models.CASCADE
    )
    action = models.CharField(_("hành động"), max_length=20, choices=TableAction.choices)
    text = models.TextField(_("nội dung"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("lúc"), default=timezone.now)
    #: What an entry the app wrote says, as data, so that it is shown in the
    #: reader's language; ``text`` keeps the same sentence in Vietnamese as
    #: the record. An import: {"file": the file's name, "cells": how many}.
    data = models.JSONField(_("dữ liệu"), default=dict, blank=True)

    class Meta:
        verbose_name = _("lịch sử, ý kiến về bảng số liệu")
        verbose_name_plural = _("lịch sử, ý kiến về bảng số liệu")
        ordering = ["table_id", "created_at", "id"]
        indexes = [models.Index(fields=["table", "created_at"], name="ind_event_order_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(action=TableAction.COMMENT) | ~Q(text=""),
                name="%(app_label)s_%(class)s_comment_has_text",
                violation_error_message=_("Ý kiến không được để trống."),
            ),
            models.CheckConstraint(
                condition=~Q(action=TableAction.RETURN) | ~Q(text=""),
                name="%(app_label)s_%(class)s_return_has_reason",
                violation_error_message=_("Trả lại bảng số liệu phải nêu lý do."),
            ),
        ]

    def __str__(self):
        return f"{self.get_action_display()} · {self.table}"

    @property
    def display_text(self) -> str:
        """The entry's text in the active language: an import's sentence is
        made from its data; a comment or a reason is shown as written."""
        if self.action == TableAction.IMPORT and isinstance(self.data, dict) and "cells" in self.data:
            return import_event_text(self.data.get("file") or "", int(self.data["cells"]))
        return self.text


def import_event_text(name: str, cells: int) -> str:
    """ "Nhập từ bao-cao.xlsx: 36 ô thay đổi." in the active language (a
    table's history says it in the reader's; the record keeps it in
    Vietnamese)."""
    return ngettext(
        "Nhập từ %(name)s: %(n)s ô thay đổi.",
        "Nhập từ %(name)s: %(n)s ô thay đổi.",
        cells,
    ) % {"name": name or gettext("tệp Excel"), "n": cells}


class IndicatorAlias(models.Model):
    """A name an office writes for an indicator (tên gọi khác), remembered
    for one version of an appendix when an import's user acknowledged the
    match, or typed by an administrator: the next file that writes it is
    matched silently."""

    template = models.ForeignKey(
        IndicatorTemplate, verbose_name=_("phụ lục"), related_name="aliases", on_delete=models.CASCADE
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("chỉ tiêu"), related_name="aliases", on_delete=models.CASCADE
    )
    name = models.CharField(_("tên như đơn vị ghi"), max_length=500)
    folded = models.CharField(_("tên để so khớp"), max_length=500, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xác nhận"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("tên gọi khác của chỉ tiêu")
        verbose_name_plural = _("tên gọi khác của chỉ tiêu")
        ordering = ["template", "indicator__position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["template", "folded"], name="indicator_alias_unique_per_version")
        ]

    def __str__(self):
        return f"{self.name} → {self.indicator.number}"

    def save(self, *args, **kwargs):
        self.folded = " ".join(re.sub(r"[^a-z0-9]+", " ", fold(self.name)).split())
        super().save(*args, **kwargs)

    def clean(self):
        if self.indicator_id and self.template_id and self.indicator.template_id != self.template_id:
            raise ValidationError({"indicator": gettext("Chỉ tiêu không thuộc phụ lục này.")})


def import_upload_to(instance, filename: str) -> str:
    """Uploaded workbooks get a random name with the extension of their
    format; the original name is kept on the row."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in {"xlsx", "xlsm", "xls", "ods"}:
        extension = "xlsx"
    return f"private/indicators/imports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class IndicatorImport(TimeStampedModel):
    """An uploaded workbook (tệp nhập số liệu): checked first, with every
    problem listed by sheet, row and column and a preview of the changes;
    imported all at once only when the user confirms."""

    file = models.FileField(_("tệp Excel"), upload_to=import_upload_to, max_length=300)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("đơn vị"),
        related_name="indicator_imports",
        on_delete=models.PROTECT,
        help_text=_("Đơn vị của tệp; với tệp nhiều đơn vị, đơn vị cấp trên của các đơn vị trong tệp."),
    )
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    preview = models.JSONField(_("kết quả kiểm tra"), default=dict, blank=True)
    result = models.JSONField(_("kết quả nhập"), default=dict, blank=True)
    job = models.ForeignKey(
        Job,
        verbose_name=_("công việc nền"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    imported_at = models.DateTimeField(_("nhập lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("lần nhập số liệu từ Excel")
        verbose_name_plural = _("lần nhập số liệu từ Excel")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["-created_at", "-id"], name="ind_import_created_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=ImportStatus.IMPORTED) | Q(imported_at__isnull=False),
                name="%(app_label)s_%(class)s_imported_has_date",
                violation_error_message=_("Lần nhập đã hoàn thành phải có thời điểm nhập."),
            ),
        ]

    def __str__(self):
        return f"{self.original_name} ({self.get_status_display()})"
