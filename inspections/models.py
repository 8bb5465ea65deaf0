"""Inspection plans, teams, inspections, their findings, and the remediation
that follows: tasks, and the reports units send back with evidence."""

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import BooleanField, Case, F, Func, IntegerField, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cchc.models import AuthoredModel, ReformArea, TimeStampedModel, Unit
from cchc.text import fold

from .choices import (
    DeadlineKind,
    FindingKind,
    InspectionStatus,
    ItemProgress,
    Recurrence,
    RemediationReportStatus,
    ReportFileKind,
    ReviewDecision,
    TaskStatus,
    TeamRole,
    UnitGroup,
)


def _short_date(day: datetime.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def private_upload_to(instance, filename: str) -> str:
    """Uploaded files get a random name; the original name is kept on the row."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"private/{instance._meta.model_name}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{suffix[:8]}"


class InspectionPlan(AuthoredModel):
    """A year's inspection plan (kế hoạch kiểm tra), e.g. Kế hoạch số
    2005/KH-UBND ngày 16/4/2019 của UBND tỉnh, with the units it plans to
    inspect."""

    year = models.PositiveSmallIntegerField(_("năm"))
    number = models.CharField(_("số, ký hiệu"), max_length=60, help_text=_("Ví dụ: 2005/KH-UBND"))
    issued_on = models.DateField(_("ngày ban hành"))
    issuer = models.ForeignKey(
        Unit, verbose_name=_("cơ quan ban hành"), related_name="issued_plans", on_delete=models.PROTECT
    )
    title = models.CharField(
        _("trích yếu"),
        max_length=500,
        help_text=_("Ví dụ: Kế hoạch kiểm tra công tác cải cách hành chính năm 2019"),
    )
    planned_units = models.ManyToManyField(
        Unit, verbose_name=_("đơn vị được kiểm tra"), related_name="planned_in", blank=True
    )
    search_key = models.CharField(_("khóa tìm kiếm"), max_length=700, editable=False, blank=True)

    class Meta:
        verbose_name = _("kế hoạch kiểm tra")
        verbose_name_plural = _("kế hoạch kiểm tra")
        ordering = ["-year", "-issued_on", "-id"]
        indexes = [models.Index(fields=["-year", "-issued_on"], name="insp_plan_year_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100),
                name="%(app_label)s_%(class)s_year_range",
                violation_error_message=_("Năm kế hoạch phải trong khoảng 2000 - 2100."),
            ),
            models.UniqueConstraint(
                fields=["issuer", "year", "number"],
                name="%(app_label)s_%(class)s_unique_number",
                violation_error_message=_("Cơ quan này đã có kế hoạch với số, ký hiệu này trong năm."),
            ),
        ]

    def get_absolute_url(self):
        return reverse("inspections:plan_detail", args=[self.pk])

    def __str__(self):
        return _("Kế hoạch số %(number)s ngày %(date)s") % {
            "number": self.number,
            "date": _short_date(self.issued_on),
        }

    def save(self, *args, **kwargs):
        self.search_key = fold(f"{self.number} {self.title}")
        super().save(*args, **kwargs)


class InspectionTeam(TimeStampedModel):
    """An inspection team (đoàn kiểm tra) set up by a decision, e.g. Quyết định
    số 1443/QĐ-UBND ngày 16/5/2019. A team may issue documents under its own
    symbol (TB-ĐKT) with its own number series."""

    plan = models.ForeignKey(
        InspectionPlan, verbose_name=_("kế hoạch"), related_name="teams", on_delete=models.CASCADE
    )
    name = models.CharField(_("tên đoàn"), max_length=255)
    decision_number = models.CharField(
        _("số quyết định thành lập"), max_length=60, help_text=_("Ví dụ: 1443/QĐ-UBND")
    )
    decision_date = models.DateField(_("ngày quyết định"))
    decision_issuer = models.ForeignKey(
        Unit,
        verbose_name=_("cơ quan ra quyết định"),
        related_name="founded_teams",
        on_delete=models.PROTECT,
    )
    document_symbol = models.CharField(
        _("ký hiệu văn bản của đoàn"),
        max_length=30,
        blank=True,
        help_text=_("Để trống nếu đoàn ban hành văn bản dưới danh nghĩa cơ quan; ví dụ: ĐKT."),
    )

    class Meta:
        verbose_name = _("đoàn kiểm tra")
        verbose_name_plural = _("đoàn kiểm tra")
        ordering = ["plan_id", "decision_date", "id"]

    def get_absolute_url(self):
        return reverse("inspections:plan_detail", args=[self.plan_id])

    def __str__(self):
        return self.name

    @property
    def head(self):
        return next((m for m in self.members.all() if m.role == TeamRole.HEAD), None)


class TeamMember(models.Model):
    """A member of an inspection team, often from another department; a
    member need not have an account."""

    team = models.ForeignKey(
        InspectionTeam, verbose_name=_("đoàn kiểm tra"), related_name="members", on_delete=models.CASCADE
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        related_name="team_memberships",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    full_name = models.CharField(_("họ và tên"), max_length=150)
    position = models.CharField(_("chức vụ"), max_length=255, blank=True)
    organisation = models.ForeignKey(
        Unit,
        verbose_name=_("cơ quan công tác"),
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    role = models.CharField(_("nhiệm vụ trong đoàn"), max_length=20, choices=TeamRole.choices)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("thành viên đoàn")
        verbose_name_plural = _("thành viên đoàn")
        ordering = ["team_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["team"],
                condition=Q(role=TeamRole.HEAD),
                name="%(app_label)s_%(class)s_one_head",
                violation_error_message=_("Mỗi đoàn chỉ có một trưởng đoàn."),
            ),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.get_role_display()})"


class InspectionQuerySet(models.QuerySet):
    def issued(self):
        """Inspections whose conclusion has been issued: the only ones an
        inspected unit may see."""
        return self.filter(notice_issued_at__isnull=False)


class Inspection(AuthoredModel):
    """One visit (cuộc kiểm tra) of a team to one unit on a date, and the
    conclusion drawn from it."""

    plan = models.ForeignKey(
        InspectionPlan, verbose_name=_("kế hoạch"), related_name="inspections", on_delete=models.PROTECT
    )
    team = models.ForeignKey(
        InspectionTeam,
        verbose_name=_("đoàn kiểm tra"),
        related_name="inspections",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị được kiểm tra"), related_name="inspections", on_delete=models.PROTECT
    )
    inspected_on = models.DateField(_("ngày kiểm tra"))
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=InspectionStatus.choices, default=InspectionStatus.PLANNED
    )
    notice_issued_at = models.DateTimeField(
        _("ngày ban hành kết luận"),
        null=True,
        blank=True,
        help_text=_("Trước ngày này, đơn vị được kiểm tra không thấy cuộc kiểm tra."),
    )
    closed_at = models.DateTimeField(_("ngày hoàn thành"), null=True, blank=True)
    introduction = models.TextField(
        _("phần mở đầu"),
        blank=True,
        help_text=_("Đoạn dẫn của thông báo kết luận: căn cứ, thành phần đoàn, nội dung làm việc."),
    )
    minutes = models.FileField(_("biên bản kiểm tra"), upload_to=private_upload_to, blank=True)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("cuộc kiểm tra")
        verbose_name_plural = _("cuộc kiểm tra")
        ordering = ["-inspected_on", "-id"]
        indexes = [models.Index(fields=["-inspected_on", "-id"], name="insp_inspection_date_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "unit"],
                name="%(app_label)s_%(class)s_unique_unit_per_plan",
                violation_error_message=_("Đơn vị này đã có cuộc kiểm tra trong kế hoạch."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=[InspectionStatus.PLANNED, InspectionStatus.IN_PROGRESS])
                | Q(notice_issued_at__isnull=False),
                name="%(app_label)s_%(class)s_issued_has_date",
                violation_error_message=_("Cuộc kiểm tra đã ban hành kết luận phải có ngày ban hành."),
            ),
        ]

    def get_absolute_url(self):
        return reverse("inspections:inspection_detail", args=[self.pk])

    def __str__(self):
        return _("Kiểm tra %(unit)s ngày %(date)s") % {
            "unit": self.unit,
            "date": _short_date(self.inspected_on),
        }

    @property
    def is_issued(self) -> bool:
        return self.notice_issued_at is not None

    def clean(self):
        super().clean()
        errors = {}
        if self.plan_id and self.unit_id and not self.plan.planned_units.filter(pk=self.unit_id).exists():
            errors["unit"] = _("Đơn vị %(unit)s không có trong danh sách được kiểm tra của kế hoạch.") % {
                "unit": self.unit
            }
        if self.plan_id and self.team_id and self.team.plan_id != self.plan_id:
            errors["team"] = _("Đoàn kiểm tra không thuộc kế hoạch này.")
        if self.plan_id and self.inspected_on and self.inspected_on < self.plan.issued_on:
            errors["inspected_on"] = _(
                "Ngày kiểm tra không được trước ngày ban hành kế hoạch (%(date)s)."
            ) % {"date": _short_date(self.plan.issued_on)}
        if errors:
            raise ValidationError(errors)


class Finding(AuthoredModel):
    """A numbered point of a conclusion: a result achieved, a shortcoming, or
    a recommendation, filed under a reform area. Points print in ``position``
    order within their part."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("cuộc kiểm tra"), related_name="findings", on_delete=models.CASCADE
    )
    kind = models.CharField(_("loại nội dung"), max_length=20, choices=FindingKind.choices)
    reform_area = models.ForeignKey(
        ReformArea, verbose_name=_("lĩnh vực CCHC"), related_name="findings", on_delete=models.PROTECT
    )
    text = models.TextField(_("nội dung"))
    position = models.PositiveIntegerField(_("thứ tự"), default=0)
    version = models.PositiveIntegerField(
        _("phiên bản"), default=1, help_text=_("Tăng mỗi lần sửa; dùng để phát hiện hai người sửa cùng lúc.")
    )
    history = HistoricalRecords(verbose_name=_("lịch sử nội dung kết luận"))

    class Meta:
        verbose_name = _("nội dung kết luận")
        verbose_name_plural = _("nội dung kết luận")
        ordering = ["inspection_id", "kind", "position", "id"]
        indexes = [models.Index(fields=["inspection", "kind", "position"], name="insp_finding_order_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(text=""),
                name="%(app_label)s_%(class)s_text_not_empty",
                violation_error_message=_("Nội dung không được để trống."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.position}: {self.text[:60]}"

    def clean(self):
        super().clean()
        self.text = (self.text or "").strip()
        if not self.text:
            raise ValidationError({"text": _("Nội dung không được để trống.")})


class TaskAssignment(TimeStampedModel):
    """What a numbered point of a document (công văn, conference notice,
    report) assigns: to which units, chosen one by one or as groups, by when,
    and which unit monitors. Set while drafting; on issue the groups are
    resolved against the unit tree on the issue date, stored in
    ``resolved_units``, and one task per unit is created. The document's text
    is never changed by it."""

    document = models.ForeignKey(
        "cchc.OfficialDocument",
        verbose_name=_("văn bản"),
        related_name="task_assignments",
        on_delete=models.CASCADE,
    )
    section = models.PositiveSmallIntegerField(_("phần"), default=0)
    point = models.PositiveSmallIntegerField(_("điểm"))
    units = models.ManyToManyField(Unit, verbose_name=_("đơn vị"), related_name="+", blank=True)
    groups = models.JSONField(_("nhóm đơn vị"), default=list, blank=True)
    deadline_kind = models.CharField(
        _("loại thời hạn"), max_length=20, choices=DeadlineKind.choices, default=DeadlineKind.DATE
    )
    deadline_date = models.DateField(_("hạn"), null=True, blank=True)
    days = models.PositiveSmallIntegerField(_("số ngày"), null=True, blank=True)
    recurrence = models.CharField(_("định kỳ"), max_length=20, choices=Recurrence.choices, blank=True)
    first_due = models.DateField(_("hạn kỳ đầu"), null=True, blank=True)
    monitoring_unit = models.ForeignKey(
        Unit,
        verbose_name=_("đơn vị theo dõi"),
        related_name="monitored_assignments",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    resolved_on = models.DateField(_("xác định đơn vị ngày"), null=True, blank=True)
    resolved_units = models.ManyToManyField(
        Unit, verbose_name=_("đơn vị thực hiện (đã xác định)"), related_name="+", blank=True
    )

    class Meta:
        verbose_name = _("giao nhiệm vụ theo điểm")
        verbose_name_plural = _("giao nhiệm vụ theo điểm")
        ordering = ["document_id", "section", "point"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "section", "point"],
                name="%(app_label)s_%(class)s_one_per_point",
                violation_error_message=_("Điểm này đã được giao nhiệm vụ."),
            ),
        ]

    def __str__(self):
        return _("Điểm %(n)s") % {"n": self.point}

    def group_labels(self) -> list[str]:
        labels = dict(UnitGroup.choices)
        return [str(labels.get(g, g)) for g in self.groups or []]


class WorkCalendarDay(models.Model):
    """An amendment of the working calendar: a day off that Vietnam's public
    holidays (the ``holidays`` package) do not know (a bridge day, a
    provincial holiday), or a Saturday worked in exchange."""

    day = models.DateField(_("ngày"), unique=True)
    is_working = models.BooleanField(
        _("là ngày làm việc"), default=False, help_text=_("Bỏ chọn: ngày nghỉ; chọn: ngày làm bù.")
    )
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("ngày nghỉ, ngày làm bù")
        verbose_name_plural = _("lịch ngày nghỉ, ngày làm bù")
        ordering = ["-day"]

    def __str__(self):
        return f"{self.day:%d/%m/%Y} {self.note}"


class DaysBetween(Func):
    """Whole days from ``start`` to ``end`` (``end - start``), on SQLite and
    PostgreSQL alike."""

    output_field = IntegerField()
    arity = 2
    template = "(%(expressions)s)"
    arg_joiner = " - "

    def __init__(self, end, start, **extra):
        super().__init__(end, start, **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )


class RemediationTaskQuerySet(models.QuerySet):
    """The task rules, once: which tasks are open, overdue, due soon, and
    how many days are left. Derived from the deadline and the status, never
    stored."""

    OPEN_STATUSES = (TaskStatus.OPEN, TaskStatus.RETURNED)

    @classmethod
    def open_q(cls) -> Q:
        return Q(status__in=cls.OPEN_STATUSES)

    @classmethod
    def overdue_q(cls, today: datetime.date) -> Q:
        """Open, and the deadline has passed (the day itself is not late)."""
        return cls.open_q() & Q(deadline__lt=today)

    @classmethod
    def due_soon_q(cls, today: datetime.date) -> Q:
        """Open, and the deadline is today or within the next
        ``CCHC_TASK_DUE_SOON_DAYS`` days."""
        soon = today + datetime.timedelta(days=settings.CCHC_TASK_DUE_SOON_DAYS)
        return cls.open_q() & Q(deadline__gte=today, deadline__lte=soon)

    def open(self):
        return self.filter(self.open_q())

    def with_deadline_facts(self, today: datetime.date | None = None):
        """Annotate ``overdue`` and ``due_soon`` (booleans), ``days_left``
        (negative once passed) and ``days_overdue`` (positive once passed)."""
        today = today or timezone.localdate()
        return self.annotate(
            overdue=Case(
                When(self.overdue_q(today), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            due_soon=Case(
                When(self.due_soon_q(today), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            days_left=DaysBetween(F("deadline"), Value(today)),
            days_overdue=DaysBetween(Value(today), F("deadline")),
        )

    def overdue(self, today: datetime.date | None = None):
        return self.filter(self.overdue_q(today or timezone.localdate()))


class RemediationTask(AuthoredModel):
    """What an inspected unit must fix (nhiệm vụ khắc phục), with the unit
    responsible and a deadline. Whether it is overdue follows from the date
    and the status; it is never set by hand."""

    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("cuộc kiểm tra"),
        related_name="tasks",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    source_document = models.ForeignKey(
        "cchc.OfficialDocument",
        verbose_name=_("văn bản giao nhiệm vụ"),
        related_name="assigned_tasks",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    assignment = models.ForeignKey(
        TaskAssignment,
        verbose_name=_("điểm giao nhiệm vụ"),
        related_name="tasks",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    point = models.PositiveSmallIntegerField(_("điểm"), null=True, blank=True)
    monitoring_unit = models.ForeignKey(
        Unit,
        verbose_name=_("đơn vị theo dõi"),
        related_name="monitored_tasks",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    period = models.PositiveSmallIntegerField(
        _("kỳ báo cáo"), default=0, help_text=_("0: nhiệm vụ một lần; 1, 2...: kỳ của nhiệm vụ định kỳ.")
    )
    finding = models.OneToOneField(
        Finding,
        verbose_name=_("kiến nghị"),
        related_name="task",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    responsible_unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị thực hiện"), related_name="remediation_tasks", on_delete=models.PROTECT
    )
    reform_area = models.ForeignKey(
        ReformArea,
        verbose_name=_("lĩnh vực CCHC"),
        related_name="tasks",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    description = models.TextField(_("nội dung nhiệm vụ"))
    deadline = models.DateField(_("hạn báo cáo"))
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    accepted_at = models.DateTimeField(_("ngày chấp nhận"), null=True, blank=True)
    history = HistoricalRecords(verbose_name=_("lịch sử nhiệm vụ khắc phục"))

    objects = RemediationTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("nhiệm vụ khắc phục")
        verbose_name_plural = _("nhiệm vụ khắc phục")
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(fields=["deadline", "id"], name="insp_task_deadline_idx"),
            models.Index(fields=["responsible_unit", "status"], name="insp_task_unit_status_idx"),
            models.Index(fields=["source_document", "point"], name="insp_task_document_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(inspection__isnull=False) | Q(source_document__isnull=False),
                name="%(app_label)s_%(class)s_has_source",
                violation_error_message=_("Nhiệm vụ phải thuộc một cuộc kiểm tra hoặc một văn bản."),
            ),
            models.UniqueConstraint(
                fields=["assignment", "responsible_unit", "period"],
                condition=Q(assignment__isnull=False),
                name="%(app_label)s_%(class)s_one_per_unit_and_period",
                violation_error_message=_("Đơn vị này đã có nhiệm vụ của điểm này trong kỳ."),
            ),
            models.CheckConstraint(
                condition=~Q(description=""),
                name="%(app_label)s_%(class)s_description_not_empty",
                violation_error_message=_("Nội dung nhiệm vụ không được để trống."),
            ),
            models.CheckConstraint(
                condition=~Q(status=TaskStatus.ACCEPTED) | Q(accepted_at__isnull=False),
                name="%(app_label)s_%(class)s_accepted_has_date",
                violation_error_message=_("Nhiệm vụ đã chấp nhận phải có ngày chấp nhận."),
            ),
        ]

    def __str__(self):
        return self.description[:80]

    @property
    def is_assigned(self) -> bool:
        """Assigned by a document's point rather than born from an inspection."""
        return self.source_document_id is not None

    def clean(self):
        super().clean()
        errors = {}
        self.description = (self.description or "").strip()
        if not self.description:
            errors["description"] = _("Nội dung nhiệm vụ không được để trống.")
        if self.inspection_id and self.deadline and self.deadline < self.inspection.inspected_on:
            errors["deadline"] = _("Hạn báo cáo không được trước ngày kiểm tra (%(date)s).") % {
                "date": _short_date(self.inspection.inspected_on)
            }
        if self.finding_id:
            if self.finding.kind != FindingKind.RECOMMENDATION:
                errors["finding"] = _("Chỉ nội dung kiến nghị mới tạo được nhiệm vụ khắc phục.")
            elif self.inspection_id and self.finding.inspection_id != self.inspection_id:
                errors["finding"] = _("Kiến nghị không thuộc cuộc kiểm tra này.")
        if errors:
            raise ValidationError(errors)


class RemediationReport(TimeStampedModel):
    """A remediation report (báo cáo kết quả khắc phục) that an inspected unit
    sends for an inspection: its own document, what was done for each task,
    and evidence. A resubmission after a return is a new revision; earlier
    revisions stay readable."""

    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("cuộc kiểm tra"),
        related_name="reports",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    source_document = models.ForeignKey(
        "cchc.OfficialDocument",
        verbose_name=_("văn bản giao nhiệm vụ"),
        related_name="task_reports",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị báo cáo"), related_name="remediation_reports", on_delete=models.PROTECT
    )
    revision = models.PositiveSmallIntegerField(_("lần gửi"), default=1)
    previous = models.OneToOneField(
        "self",
        verbose_name=_("lần gửi trước"),
        related_name="next_revision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    document_number = models.CharField(
        _("số, ký hiệu báo cáo"), max_length=60, blank=True, help_text=_("Ví dụ: 123/BC-UBND")
    )
    document_date = models.DateField(_("ngày báo cáo"), null=True, blank=True)
    summary = models.TextField(_("tóm tắt"), blank=True)
    status = models.CharField(
        _("trạng thái"),
        max_length=20,
        choices=RemediationReportStatus.choices,
        default=RemediationReportStatus.DRAFT,
    )
    submitted_at = models.DateTimeField(_("ngày gửi"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người gửi"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    is_late = models.BooleanField(_("gửi quá hạn"), default=False)
    history = HistoricalRecords(verbose_name=_("lịch sử báo cáo khắc phục"))

    class Meta:
        verbose_name = _("báo cáo kết quả khắc phục")
        verbose_name_plural = _("báo cáo kết quả khắc phục")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "unit", "revision"],
                name="%(app_label)s_%(class)s_unique_revision",
                violation_error_message=_("Lần gửi này đã có."),
            ),
            models.UniqueConstraint(
                fields=["source_document", "unit", "revision"],
                condition=Q(source_document__isnull=False),
                name="%(app_label)s_%(class)s_unique_document_revision",
                violation_error_message=_("Lần gửi này đã có."),
            ),
            models.CheckConstraint(
                condition=Q(inspection__isnull=False) | Q(source_document__isnull=False),
                name="%(app_label)s_%(class)s_has_source",
                violation_error_message=_("Báo cáo phải thuộc một cuộc kiểm tra hoặc một văn bản."),
            ),
            models.CheckConstraint(
                condition=Q(status=RemediationReportStatus.DRAFT) | Q(submitted_at__isnull=False),
                name="%(app_label)s_%(class)s_submitted_has_date",
                violation_error_message=_("Báo cáo đã gửi phải có ngày gửi."),
            ),
        ]

    @property
    def subject(self):
        """What the report answers: the inspection, or the document that assigned the tasks."""
        return self.inspection if self.inspection_id else self.source_document

    def __str__(self):
        return _("Báo cáo khắc phục của %(unit)s (lần %(revision)s)") % {
            "unit": self.unit,
            "revision": self.revision,
        }


class RemediationReportItem(models.Model):
    """What the unit did for one task in one report, and the province's
    review of it."""

    report = models.ForeignKey(
        RemediationReport, verbose_name=_("báo cáo"), related_name="items", on_delete=models.CASCADE
    )
    task = models.ForeignKey(
        RemediationTask, verbose_name=_("nhiệm vụ"), related_name="report_items", on_delete=models.PROTECT
    )
    progress = models.CharField(
        _("kết quả thực hiện"), max_length=20, choices=ItemProgress.choices, blank=True
    )
    explanation = models.TextField(_("giải trình"), blank=True)
    decision = models.CharField(
        _("kết quả xem xét"), max_length=20, choices=ReviewDecision.choices, default=ReviewDecision.PENDING
    )
    review_reason = models.TextField(_("lý do trả lại"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xem xét"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    reviewed_at = models.DateTimeField(_("xem xét lúc"), null=True, blank=True)
    history = HistoricalRecords(verbose_name=_("lịch sử xem xét"))

    class Meta:
        verbose_name = _("nội dung báo cáo theo nhiệm vụ")
        verbose_name_plural = _("nội dung báo cáo theo nhiệm vụ")
        ordering = ["report_id", "task__deadline", "task_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "task"],
                name="%(app_label)s_%(class)s_unique_task",
                violation_error_message=_("Nhiệm vụ này đã có trong báo cáo."),
            ),
            models.CheckConstraint(
                condition=~Q(decision=ReviewDecision.RETURNED) | ~Q(review_reason=""),
                name="%(app_label)s_%(class)s_return_has_reason",
                violation_error_message=_("Trả lại phải nêu lý do."),
            ),
        ]

    def __str__(self):
        return f"{self.report} · {self.task}"


class ReportFile(models.Model):
    """A file attached to a remediation report: the report document itself or
    evidence (tài liệu kiểm chứng) for one of its tasks. Stored under a random
    name with its SHA-256; served only through a view that checks scope."""

    report = models.ForeignKey(
        RemediationReport, verbose_name=_("báo cáo"), related_name="files", on_delete=models.CASCADE
    )
    item = models.ForeignKey(
        RemediationReportItem,
        verbose_name=_("nhiệm vụ liên quan"),
        related_name="evidence",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    kind = models.CharField(_("loại tệp"), max_length=20, choices=ReportFileKind.choices)
    file = models.FileField(_("tệp"), upload_to=private_upload_to)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    content_type = models.CharField(_("kiểu nội dung"), max_length=100)
    size = models.PositiveBigIntegerField(_("kích thước (byte)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("tệp đính kèm báo cáo")
        verbose_name_plural = _("tệp đính kèm báo cáo")
        ordering = ["report_id", "kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=ReportFileKind.EVIDENCE) | Q(item__isnull=True),
                name="%(app_label)s_%(class)s_document_not_on_item",
                violation_error_message=_("Văn bản báo cáo gắn với cả báo cáo, không gắn với một nhiệm vụ."),
            ),
        ]

    def __str__(self):
        return self.original_name


class ReminderLog(models.Model):
    """That a reminder of a kind was sent for a task on a day, so that the
    daily job, run twice, sends nothing twice."""

    task = models.ForeignKey(
        RemediationTask, verbose_name=_("nhiệm vụ"), related_name="reminders", on_delete=models.CASCADE
    )
    kind = models.CharField(_("loại nhắc"), max_length=30, help_text=_("before-7, before-1, overdue..."))
    sent_on = models.DateField(_("ngày gửi"))
    recipients = models.PositiveIntegerField(_("số người nhận"), default=0)

    class Meta:
        verbose_name = _("nhắc hạn đã gửi")
        verbose_name_plural = _("nhắc hạn đã gửi")
        ordering = ["-sent_on", "task_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "kind"],
                name="%(app_label)s_%(class)s_once_per_kind",
                violation_error_message=_("Nhắc hạn này đã được gửi."),
            ),
        ]

    def __str__(self):
        return f"{self.task_id} {self.kind} {self.sent_on}"
