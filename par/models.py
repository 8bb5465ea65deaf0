"""The PAR index (Chỉ số cải cách hành chính, "Chỉ số CCHC") a province
scores its departments and communes on every year.

A ``CriteriaSet`` (bộ tiêu chí) is issued by a decision of the UBND tỉnh for
one year and one block of units; its ``CriteriaNode`` rows form the tree
lĩnh vực → tiêu chí → tiêu chí thành phần, with the maximum points, the way
each leaf is scored and the department that appraises it. ``Band`` rows
classify an index (xếp loại). An issued set never changes: next year's set
is a copy, edited as a draft.

A ``Cycle`` (đợt đánh giá) runs one set for one evaluation year, over the
units resolved from the unit tree (``CycleUnit``). Each unit fills one
``Scorecard`` (phiếu chấm điểm) of ``ItemScore`` rows: its self score with
``Evidence`` (tài liệu kiểm chứng) or an explanation, the system's proposal,
the appraised scores of rounds 1 and 2 with their reasons. ``SurveyResult``
rows hold the sociological survey's points; ``Result`` holds the computed
index, band and rank (``par.scoring``)."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cchc.models import AuthoredModel, OfficialDocument, TimeStampedModel, Unit

from . import scoring
from .choices import (
    DEFAULT_LEVEL_LABELS,
    LAST_DISTRICT_YEAR,
    Assessment,
    CycleStatus,
    CycleUnitBasis,
    EvidenceStage,
    Method,
    NotApplicable,
    ProposalDecision,
    ProposalSource,
    ScorecardStatus,
    SetStatus,
    UnitGroup,
)

#: Points: published maxima have at most three decimals (0,25; 0,125).
POINTS = {"max_digits": 8, "decimal_places": 3}
#: Scores keep four decimals (a ratio × maximum is rarely exact).
SCORE = {"max_digits": 10, "decimal_places": 4}


def _default_level_labels():
    return list(DEFAULT_LEVEL_LABELS)


def _evidence_upload_to(instance, filename: str) -> str:
    import uuid

    from django.utils import timezone

    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"private/par_evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{suffix[:8]}"


def issued_set_error():
    return ValidationError(
        _("Bộ tiêu chí đã ban hành thì không sửa được; hãy sao chép sang năm sau để có bản dự thảo mới.")
    )


class CriteriaSet(AuthoredModel):
    """A criteria set (bộ tiêu chí, bộ chỉ số) for one evaluation year and one
    block of units, e.g. "Bộ tiêu chí xác định Chỉ số CCHC của UBND các xã,
    phường, đặc khu năm 2025", issued by Quyết định số …/QĐ-UBND.

    A draft may be edited; once issued it never changes (``clean`` and the
    services refuse), and next year's set starts as a copy."""

    province = models.ForeignKey(
        Unit,
        verbose_name=_("UBND tỉnh ban hành"),
        related_name="par_criteria_sets",
        on_delete=models.PROTECT,
    )
    year = models.PositiveSmallIntegerField(_("năm đánh giá"))
    unit_group = models.CharField(_("khối đơn vị"), max_length=20, choices=UnitGroup.choices)
    name = models.CharField(_("tên bộ tiêu chí"), max_length=400)
    decision_number = models.CharField(
        _("số quyết định ban hành"), max_length=60, blank=True, help_text=_("Ví dụ: 1234/QĐ-UBND")
    )
    decision_date = models.DateField(_("ngày ban hành"), null=True, blank=True)
    national_basis = models.CharField(
        _("căn cứ của Bộ Nội vụ"), max_length=255, blank=True, help_text=_("Ví dụ: Quyết định số 1187/QĐ-BNV")
    )
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=SetStatus.choices, default=SetStatus.DRAFT
    )
    total_points = models.DecimalField(
        _("tổng điểm tối đa"),
        default=Decimal("100"),
        help_text=_("Tổng điểm tối đa của các lĩnh vực (không kể điểm thưởng, điểm trừ)."),
        **POINTS,
    )
    bonus_cap = models.DecimalField(
        _("tổng điểm thưởng tối đa"),
        null=True,
        blank=True,
        help_text=_("Để trống: chỉ giới hạn theo từng tiêu chí thưởng."),
        **POINTS,
    )
    penalty_cap = models.DecimalField(
        _("tổng điểm trừ tối đa"),
        null=True,
        blank=True,
        help_text=_("Để trống: chỉ giới hạn theo từng tiêu chí trừ điểm."),
        **POINTS,
    )
    level_labels = models.JSONField(
        _("tên các cấp"),
        default=_default_level_labels,
        help_text=_("Tên từng cấp của cây, từ trên xuống: Lĩnh vực, Tiêu chí, Tiêu chí thành phần."),
    )
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("sao chép từ"),
        related_name="copies",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    issued_at = models.DateTimeField(_("ban hành lúc"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ghi ban hành"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    is_illustrative = models.BooleanField(
        _("số điểm minh họa"),
        default=False,
        help_text=_("Bộ tiêu chí mẫu: cấu trúc theo văn bản công bố, số điểm dựng để minh họa."),
    )
    notes = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("bộ tiêu chí Chỉ số CCHC")
        verbose_name_plural = _("bộ tiêu chí Chỉ số CCHC")
        ordering = ["-year", "unit_group", "-id"]
        indexes = [models.Index(fields=["province", "year", "unit_group"], name="par_set_province_year_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=SetStatus.DRAFT)
                | (~Q(decision_number="") & Q(decision_date__isnull=False)),
                name="%(app_label)s_%(class)s_issued_has_decision",
                violation_error_message=_("Bộ tiêu chí đã ban hành phải có số và ngày quyết định."),
            ),
            models.CheckConstraint(
                condition=Q(total_points__gt=0),
                name="%(app_label)s_%(class)s_positive_total",
                violation_error_message=_("Tổng điểm tối đa phải lớn hơn 0."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100),
                name="%(app_label)s_%(class)s_year_range",
                violation_error_message=_("Năm đánh giá không hợp lệ."),
            ),
            models.CheckConstraint(
                condition=~Q(unit_group=UnitGroup.DISTRICTS) | Q(year__lte=LAST_DISTRICT_YEAR),
                name="%(app_label)s_%(class)s_districts_before_2025",
                violation_error_message=_("Khối UBND cấp huyện chỉ đánh giá đến năm 2024."),
            ),
            models.CheckConstraint(
                condition=(Q(bonus_cap__isnull=True) | Q(bonus_cap__gte=0))
                & (Q(penalty_cap__isnull=True) | Q(penalty_cap__gte=0)),
                name="%(app_label)s_%(class)s_caps_not_negative",
                violation_error_message=_("Mức tối đa của điểm thưởng, điểm trừ không được âm."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.year})"

    @property
    def is_issued(self) -> bool:
        return self.status == SetStatus.ISSUED

    def level_label(self, level: int) -> str:
        """The name of ``level`` (1 = the top) as this set prints it."""
        labels = self.level_labels or DEFAULT_LEVEL_LABELS
        return labels[min(level, len(labels)) - 1]

    def clean(self):
        super().clean()
        if self.pk:
            stored = CriteriaSet.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored == SetStatus.ISSUED:
                raise issued_set_error()
        labels = self.level_labels
        if (
            not isinstance(labels, list)
            or not labels
            or not all(isinstance(x, str) and x.strip() for x in labels)
        ):
            raise ValidationError({"level_labels": _("Tên các cấp phải là danh sách tên, không để trống.")})


class CriteriaNode(models.Model):
    """A node of a set's tree: a lĩnh vực (area), tiêu chí (criterion) or tiêu
    chí thành phần (sub-criterion), with its code as published ("1", "1.1",
    "1.1.2"), its maximum points, how it is assessed and, for a leaf, the
    scoring method and its parameters (``params``, checked by
    ``par.scoring.check_params``).

    The maximum of an inner node is the sum of its children's (bonus and
    penalty leaves aside: their maximum is their cap, outside the sum).
    ``position`` orders the whole set as printed (depth first)."""

    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("bộ tiêu chí"), related_name="nodes", on_delete=models.CASCADE
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("thuộc"),
        related_name="children",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    level = models.PositiveSmallIntegerField(_("cấp"), help_text=_("1 là lĩnh vực."))
    position = models.PositiveIntegerField(_("thứ tự"))
    code = models.CharField(_("mã"), max_length=30, help_text=_("Như in trong bộ tiêu chí, ví dụ: 1.1.2"))
    name = models.CharField(_("tên"), max_length=1000)
    max_points = models.DecimalField(_("điểm tối đa"), **POINTS)
    assessment = models.CharField(
        _("cách đánh giá"), max_length=20, choices=Assessment.choices, default=Assessment.SELF
    )
    method = models.CharField(
        _("phương pháp chấm"),
        max_length=20,
        choices=Method.choices,
        blank=True,
        help_text=_("Chỉ với tiêu chí chấm trực tiếp (không có tiêu chí con)."),
    )
    params = models.JSONField(_("tham số chấm điểm"), default=dict, blank=True)
    rule_text = models.TextField(_("cách chấm điểm (như công bố)"), blank=True)
    evidence_expected = models.TextField(_("tài liệu kiểm chứng"), blank=True)
    appraising_unit = models.ForeignKey(
        Unit,
        verbose_name=_("cơ quan thẩm định"),
        related_name="par_appraised_nodes",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    na_policy = models.CharField(
        _("khi không phát sinh"), max_length=20, choices=NotApplicable.choices, default=NotApplicable.ZERO
    )
    proposal_source = models.CharField(
        _("hệ thống đề xuất từ"), max_length=30, choices=ProposalSource.choices, blank=True, default=""
    )
    is_illustrative = models.BooleanField(_("điểm minh họa"), default=False)

    class Meta:
        verbose_name = _("tiêu chí")
        verbose_name_plural = _("tiêu chí")
        ordering = ["criteria_set_id", "position"]
        indexes = [models.Index(fields=["criteria_set", "position"], name="par_node_order_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["criteria_set", "code"],
                name="%(app_label)s_%(class)s_unique_code",
                violation_error_message=_("Bộ tiêu chí đã có tiêu chí với mã này."),
            ),
            models.CheckConstraint(
                condition=Q(max_points__gte=0),
                name="%(app_label)s_%(class)s_max_not_negative",
                violation_error_message=_("Điểm tối đa không được âm."),
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1),
                name="%(app_label)s_%(class)s_level_positive",
                violation_error_message=_("Cấp của tiêu chí bắt đầu từ 1."),
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")),
                name="%(app_label)s_%(class)s_not_own_parent",
                violation_error_message=_("Tiêu chí không thể thuộc chính nó."),
            ),
            models.CheckConstraint(
                condition=Q(assessment=Assessment.SELF) | ~Q(method__in=[Method.BONUS, Method.PENALTY]),
                name="%(app_label)s_%(class)s_survey_not_adjustment",
                violation_error_message=_("Điểm thưởng, điểm trừ không lấy từ điều tra xã hội học."),
            ),
        ]

    def __str__(self):
        return f"{self.code}. {self.name}"

    @property
    def is_adjustment(self) -> bool:
        return self.method in (Method.BONUS, Method.PENALTY)

    @property
    def is_survey(self) -> bool:
        return self.assessment == Assessment.SURVEY

    def clean(self):
        super().clean()
        if self.criteria_set_id and self.criteria_set.is_issued:
            raise issued_set_error()
        if self.parent_id:
            if self.parent.criteria_set_id != self.criteria_set_id:
                raise ValidationError({"parent": _("Tiêu chí cha phải thuộc cùng bộ tiêu chí.")})
            if self.level != self.parent.level + 1:
                raise ValidationError(
                    {"level": _("Cấp của tiêu chí phải lớn hơn cấp của tiêu chí cha một bậc.")}
                )
        elif self.level != 1:
            raise ValidationError({"level": _("Tiêu chí không thuộc tiêu chí nào phải là cấp 1 (lĩnh vực).")})
        if self.method:
            problems = scoring.check_params(self.method, self.params, self.max_points)
            if problems:
                raise ValidationError({"params": problems})
        elif self.params:
            raise ValidationError({"params": _("Chỉ tiêu chí có phương pháp chấm mới có tham số chấm điểm.")})


class Band(models.Model):
    """A classification band of a set (xếp loại), e.g. "Tốt: từ 90% trở lên"
    or "Nhóm B: từ 80% đến dưới 90%", with inclusive flags on each bound. A
    missing bound is open. The bands of a set may neither overlap nor leave a
    gap (``par.scoring.check_bands``)."""

    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("bộ tiêu chí"), related_name="bands", on_delete=models.CASCADE
    )
    name = models.CharField(_("xếp loại"), max_length=100)
    lower = models.DecimalField(_("từ (%)"), max_digits=7, decimal_places=3, null=True, blank=True)
    lower_inclusive = models.BooleanField(_("kể cả cận dưới"), default=True)
    upper = models.DecimalField(_("đến (%)"), max_digits=7, decimal_places=3, null=True, blank=True)
    upper_inclusive = models.BooleanField(_("kể cả cận trên"), default=False)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("xếp loại")
        verbose_name_plural = _("xếp loại")
        ordering = ["criteria_set_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["criteria_set", "name"],
                name="%(app_label)s_%(class)s_unique_name",
                violation_error_message=_("Bộ tiêu chí đã có xếp loại với tên này."),
            ),
            models.CheckConstraint(
                condition=Q(lower__isnull=True) | Q(upper__isnull=True) | Q(lower__lt=F("upper")),
                name="%(app_label)s_%(class)s_lower_below_upper",
                violation_error_message=_("Cận dưới của xếp loại phải nhỏ hơn cận trên."),
            ),
        ]

    def __str__(self):
        return self.name

    def as_interval(self) -> scoring.Interval:
        return scoring.Interval(self.lower, self.lower_inclusive, self.upper, self.upper_inclusive, self.name)

    def clean(self):
        super().clean()
        if self.criteria_set_id and self.criteria_set.is_issued:
            raise issued_set_error()


#: How a cycle's units are found in the unit tree (shown on the cycle's page).
UNIT_RULE = _(
    "Đơn vị được đánh giá là các đơn vị thuộc khối của bộ tiêu chí, trong cây đơn vị của tỉnh, còn "
    "hoạt động vào ngày 31/12 của năm đánh giá (hoặc vào ngày lập đợt đánh giá nếu sớm hơn). Đơn vị "
    "thành lập hoặc hình thành do sáp nhập trong năm được đánh giá cho cả năm, gồm cả công việc của "
    "các đơn vị cũ mà nó kế thừa. Đơn vị đã kết thúc hoạt động trước ngày đó không được đánh giá "
    "riêng: được ghi là loại khỏi đợt đánh giá, kèm tên đơn vị kế thừa. Sở Nội vụ có thể điều chỉnh "
    "từng đơn vị, có ghi lý do."
)


class Cycle(AuthoredModel):
    """A year's assessment (đợt đánh giá, xác định Chỉ số CCHC năm …) of one
    block of units on one issued set, with its deadlines: self-assessment,
    appraisal round 1, explanations, round 2 and publication. Keyed by the
    evaluation year, though it runs into the next calendar year."""

    province = models.ForeignKey(
        Unit, verbose_name=_("UBND tỉnh"), related_name="par_cycles", on_delete=models.PROTECT
    )
    year = models.PositiveSmallIntegerField(_("năm đánh giá"))
    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("bộ tiêu chí"), related_name="cycles", on_delete=models.PROTECT
    )
    name = models.CharField(_("tên đợt đánh giá"), max_length=300)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=CycleStatus.choices, default=CycleStatus.DRAFT
    )
    self_assessment_due = models.DateField(_("hạn tự đánh giá"))
    round1_due = models.DateField(_("hạn thẩm định vòng 1"))
    explanation_due = models.DateField(_("hạn giải trình, bổ sung"))
    round2_due = models.DateField(_("hạn thẩm định vòng 2"))
    publication_due = models.DateField(_("hạn công bố"))
    survey_held = models.BooleanField(
        _("có điều tra xã hội học"),
        default=True,
        help_text=_("Không điều tra: chỉ số tính trên phần tự đánh giá, thẩm định."),
    )
    decision = models.ForeignKey(
        OfficialDocument,
        verbose_name=_("quyết định công bố"),
        related_name="par_cycles",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    computed_at = models.DateTimeField(_("tính chỉ số lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("đợt đánh giá Chỉ số CCHC")
        verbose_name_plural = _("đợt đánh giá Chỉ số CCHC")
        ordering = ["-year", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "year", "criteria_set"],
                name="%(app_label)s_%(class)s_unique_year_set",
                violation_error_message=_("Đã có đợt đánh giá của năm này theo bộ tiêu chí này."),
            ),
            models.CheckConstraint(
                condition=Q(self_assessment_due__lte=F("round1_due"))
                & Q(round1_due__lte=F("explanation_due"))
                & Q(explanation_due__lte=F("round2_due"))
                & Q(round2_due__lte=F("publication_due")),
                name="%(app_label)s_%(class)s_deadlines_in_order",
                violation_error_message=_(
                    "Các hạn phải theo thứ tự: tự đánh giá, thẩm định vòng 1, giải trình, "
                    "thẩm định vòng 2, công bố."
                ),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def reference_date(self) -> datetime.date:
        """The day units are resolved on: 31/12 of the evaluation year."""
        return datetime.date(self.year, 12, 31)

    def clean(self):
        super().clean()
        if self.criteria_set_id:
            if not self.criteria_set.is_issued:
                raise ValidationError({"criteria_set": _("Chỉ dùng bộ tiêu chí đã ban hành.")})
            if self.year and self.criteria_set.year != self.year:
                raise ValidationError({"criteria_set": _("Bộ tiêu chí không phải của năm đánh giá này.")})
            if self.province_id and self.criteria_set.province_id != self.province_id:
                raise ValidationError({"criteria_set": _("Bộ tiêu chí không phải của tỉnh này.")})


class CycleUnit(models.Model):
    """A unit a cycle covers, resolved by ``UNIT_RULE``: included or not,
    why (``basis``, ``reason``), and whether it is ranked (a special unit may
    be assessed but kept out of the ranking)."""

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("đợt đánh giá"), related_name="units", on_delete=models.CASCADE
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), related_name="par_cycle_units", on_delete=models.PROTECT
    )
    included = models.BooleanField(_("được đánh giá"), default=True)
    ranked = models.BooleanField(_("được xếp hạng"), default=True)
    basis = models.CharField(_("căn cứ"), max_length=20, choices=CycleUnitBasis.choices)
    reason = models.CharField(_("lý do"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("đơn vị được đánh giá")
        verbose_name_plural = _("đơn vị được đánh giá")
        ordering = ["cycle_id", "unit__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "unit"],
                name="%(app_label)s_%(class)s_unique_unit",
                violation_error_message=_("Đơn vị đã có trong đợt đánh giá."),
            ),
            models.CheckConstraint(
                condition=Q(included=True) | ~Q(reason=""),
                name="%(app_label)s_%(class)s_excluded_has_reason",
                violation_error_message=_("Đơn vị không được đánh giá phải có lý do."),
            ),
            models.CheckConstraint(
                condition=Q(included=True) | Q(ranked=False),
                name="%(app_label)s_%(class)s_ranked_only_if_included",
                violation_error_message=_("Chỉ xếp hạng đơn vị được đánh giá."),
            ),
        ]

    def __str__(self):
        return f"{self.cycle} · {self.unit}"


class Scorecard(TimeStampedModel):
    """One unit's scorecard in a cycle (phiếu tự đánh giá, chấm điểm): draft
    while the unit self-assesses, submitted by the unit's head, appraised in
    round 1, explained, appraised in round 2, then locked by the Sở Nội vụ.
    Each step keeps who and when."""

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("đợt đánh giá"), related_name="scorecards", on_delete=models.CASCADE
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), related_name="par_scorecards", on_delete=models.PROTECT
    )
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=ScorecardStatus.choices, default=ScorecardStatus.DRAFT
    )
    report_note = models.TextField(
        _("khó khăn, vướng mắc, đề xuất"), blank=True, help_text=_("Phần (c) của báo cáo tự đánh giá.")
    )
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người gửi"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    round1_at = models.DateTimeField(_("xong thẩm định vòng 1 lúc"), null=True, blank=True)
    round1_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người chuyển giải trình"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    explained_at = models.DateTimeField(_("gửi giải trình lúc"), null=True, blank=True)
    explained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người gửi giải trình"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    locked_at = models.DateTimeField(_("chốt điểm lúc"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người chốt điểm"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    history = HistoricalRecords(verbose_name=_("lịch sử phiếu chấm điểm"))

    class Meta:
        verbose_name = _("phiếu chấm điểm")
        verbose_name_plural = _("phiếu chấm điểm")
        ordering = ["cycle_id", "unit__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "unit"],
                name="%(app_label)s_%(class)s_unique_unit",
                violation_error_message=_("Đơn vị đã có phiếu chấm điểm trong đợt này."),
            ),
            models.CheckConstraint(
                condition=Q(status=ScorecardStatus.DRAFT) | Q(submitted_at__isnull=False),
                name="%(app_label)s_%(class)s_submitted_has_time",
                violation_error_message=_("Phiếu đã gửi phải có thời điểm gửi."),
            ),
            models.CheckConstraint(
                condition=~Q(status=ScorecardStatus.LOCKED) | Q(locked_at__isnull=False),
                name="%(app_label)s_%(class)s_locked_has_time",
                violation_error_message=_("Phiếu đã chốt phải có thời điểm chốt."),
            ),
        ]

    def __str__(self):
        return f"{self.unit} · {self.cycle}"

    @property
    def is_editable_by_unit(self) -> bool:
        """The unit writes its self scores in a draft, its explanations
        during the explanation round; never otherwise."""
        return self.status in (ScorecardStatus.DRAFT, ScorecardStatus.EXPLANATIONS)


class ItemScore(models.Model):
    """One criterion of a unit's scorecard: the self score (what the unit
    entered, ``self_input``, and the points it gives, ``self_score``) or
    "không phát sinh" with its reason; the written explanation required where
    an item is scored without evidence; the system's proposal and what the
    unit did with it; the appraised score of round 1 with its reason and
    appraiser; the unit's explanation (giải trình) and added evidence; the
    round 2 score with its reason. Each is a field of its own, with history.

    The points that count are ``final_score``: round 2, else round 1, else
    the self score (an appraiser who changes nothing accepts it)."""

    scorecard = models.ForeignKey(
        Scorecard, verbose_name=_("phiếu chấm điểm"), related_name="items", on_delete=models.CASCADE
    )
    node = models.ForeignKey(
        CriteriaNode, verbose_name=_("tiêu chí"), related_name="scores", on_delete=models.PROTECT
    )
    # Self-assessment.
    self_input = models.JSONField(
        _("kết quả tự đánh giá"),
        default=dict,
        blank=True,
        help_text=_("Kết quả theo phương pháp chấm: đạt/không, mức, tỷ lệ %, tử số/mẫu số."),
    )
    self_score = models.DecimalField(_("điểm tự đánh giá"), null=True, blank=True, **SCORE)
    not_applicable = models.BooleanField(_("không phát sinh"), default=False)
    na_reason = models.TextField(_("lý do không phát sinh"), blank=True)
    self_note = models.TextField(_("thuyết minh"), blank=True)
    no_evidence_explanation = models.TextField(
        _("giải trình khi không có tài liệu kiểm chứng"),
        blank=True,
        help_text=_("Bắt buộc khi chấm điểm mà không có tài liệu kiểm chứng."),
    )
    # The system's proposal from its own records.
    proposed_score = models.DecimalField(_("điểm hệ thống đề xuất"), null=True, blank=True, **SCORE)
    proposed_input = models.JSONField(_("kết quả hệ thống đề xuất"), default=dict, blank=True)
    proposal_source = models.CharField(
        _("nguồn đề xuất"), max_length=30, choices=ProposalSource.choices, blank=True, default=""
    )
    proposal_detail = models.TextField(_("căn cứ đề xuất"), blank=True)
    proposal_decision = models.CharField(
        _("ý kiến về đề xuất"), max_length=20, choices=ProposalDecision.choices, blank=True, default=""
    )
    proposal_override_reason = models.TextField(_("lý do không dùng đề xuất"), blank=True)
    proposed_at = models.DateTimeField(_("đề xuất lúc"), null=True, blank=True)
    # Appraisal round 1.
    round1_score = models.DecimalField(_("điểm thẩm định vòng 1"), null=True, blank=True, **SCORE)
    round1_reason = models.TextField(_("lý do thẩm định vòng 1"), blank=True)
    round1_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thẩm định vòng 1"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    round1_at = models.DateTimeField(_("thẩm định vòng 1 lúc"), null=True, blank=True)
    explanation_requested = models.BooleanField(_("yêu cầu giải trình"), default=False)
    # The unit's answer.
    unit_explanation = models.TextField(_("giải trình của đơn vị"), blank=True)
    explained_at = models.DateTimeField(_("giải trình lúc"), null=True, blank=True)
    # Appraisal round 2.
    round2_score = models.DecimalField(_("điểm thẩm định vòng 2"), null=True, blank=True, **SCORE)
    round2_reason = models.TextField(_("lý do thẩm định vòng 2"), blank=True)
    round2_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thẩm định vòng 2"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    round2_at = models.DateTimeField(_("thẩm định vòng 2 lúc"), null=True, blank=True)
    version = models.PositiveIntegerField(
        _("phiên bản"), default=1, help_text=_("Tăng mỗi lần sửa; dùng để phát hiện hai người sửa cùng lúc.")
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    history = HistoricalRecords(verbose_name=_("lịch sử chấm điểm"))

    class Meta:
        verbose_name = _("điểm tiêu chí")
        verbose_name_plural = _("điểm tiêu chí")
        ordering = ["scorecard_id", "node__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["scorecard", "node"],
                name="%(app_label)s_%(class)s_unique_node",
                violation_error_message=_("Phiếu đã có điểm cho tiêu chí này."),
            ),
            models.CheckConstraint(
                condition=(Q(self_score__isnull=True) | Q(self_score__gte=0))
                & (Q(proposed_score__isnull=True) | Q(proposed_score__gte=0))
                & (Q(round1_score__isnull=True) | Q(round1_score__gte=0))
                & (Q(round2_score__isnull=True) | Q(round2_score__gte=0)),
                name="%(app_label)s_%(class)s_scores_not_negative",
                violation_error_message=_("Điểm không được âm (điểm trừ ghi số dương ở tiêu chí trừ điểm)."),
            ),
            models.CheckConstraint(
                condition=Q(not_applicable=False) | ~Q(na_reason=""),
                name="%(app_label)s_%(class)s_na_has_reason",
                violation_error_message=_("Tiêu chí không phát sinh phải ghi lý do."),
            ),
            models.CheckConstraint(
                condition=~Q(proposal_decision=ProposalDecision.OVERRIDDEN) | ~Q(proposal_override_reason=""),
                name="%(app_label)s_%(class)s_override_has_reason",
                violation_error_message=_("Không dùng điểm hệ thống đề xuất thì phải ghi lý do."),
            ),
            models.CheckConstraint(
                condition=Q(round1_score__isnull=True)
                | Q(round1_score=F("self_score"))
                | ~Q(round1_reason=""),
                name="%(app_label)s_%(class)s_round1_change_has_reason",
                violation_error_message=_("Điểm thẩm định khác điểm tự đánh giá thì phải ghi lý do."),
            ),
            models.CheckConstraint(
                condition=Q(round2_score__isnull=True)
                | Q(round2_score=F("round1_score"))
                | ~Q(round2_reason=""),
                name="%(app_label)s_%(class)s_round2_change_has_reason",
                violation_error_message=_("Điểm thẩm định vòng 2 khác vòng 1 thì phải ghi lý do."),
            ),
        ]

    def __str__(self):
        return f"{self.scorecard} · {self.node.code}"

    @property
    def appraised_score(self) -> Decimal | None:
        """The latest appraised score (round 2, else round 1), if any."""
        return self.round2_score if self.round2_score is not None else self.round1_score

    @property
    def final_score(self) -> Decimal | None:
        """The points that count: round 2, else round 1, else the self score."""
        appraised = self.appraised_score
        return appraised if appraised is not None else self.self_score


class Evidence(models.Model):
    """A piece of evidence (tài liệu kiểm chứng) for one criterion of a
    scorecard: an issued document of the system picked by its number, or an
    uploaded file (stored under a random name with its SHA-256, checked as
    remediation evidence is), with the page or section cited ("Mục II.2,
    trang 5") when the evidence is part of a long document."""

    item = models.ForeignKey(
        ItemScore, verbose_name=_("điểm tiêu chí"), related_name="evidence", on_delete=models.CASCADE
    )
    stage = models.CharField(
        _("giai đoạn"), max_length=20, choices=EvidenceStage.choices, default=EvidenceStage.SELF
    )
    document = models.ForeignKey(
        OfficialDocument,
        verbose_name=_("văn bản trong hệ thống"),
        related_name="par_evidence",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    file = models.FileField(_("tệp"), upload_to=_evidence_upload_to, blank=True)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255, blank=True)
    content_type = models.CharField(_("kiểu nội dung"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("kích thước (byte)"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    cited_part = models.CharField(
        _("trang, mục trích dẫn"), max_length=255, blank=True, help_text=_("Ví dụ: Mục II.2, trang 5")
    )
    note = models.TextField(_("ghi chú"), blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thêm"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    added_at = models.DateTimeField(_("thêm lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("tài liệu kiểm chứng")
        verbose_name_plural = _("tài liệu kiểm chứng")
        ordering = ["item_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(document__isnull=False) & Q(file=""))
                | (Q(document__isnull=True) & ~Q(file="") & ~Q(sha256="")),
                name="%(app_label)s_%(class)s_document_or_file",
                violation_error_message=_(
                    "Tài liệu kiểm chứng là một văn bản trong hệ thống hoặc một tệp tải lên, "
                    "không phải cả hai."
                ),
            ),
        ]

    def __str__(self):
        return self.original_name or str(self.document)


class SurveyImport(TimeStampedModel):
    """A survey file imported into a cycle (kết quả điều tra xã hội học):
    who uploaded it, its name and SHA-256, and how many rows it gave."""

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("đợt đánh giá"), related_name="survey_imports", on_delete=models.CASCADE
    )
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    rows = models.PositiveIntegerField(_("số dòng"), default=0)
    source = models.CharField(
        _("đơn vị thực hiện điều tra"),
        max_length=255,
        blank=True,
        help_text=_("Ví dụ: Viện Nghiên cứu phát triển"),
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhập"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("tệp kết quả điều tra xã hội học")
        verbose_name_plural = _("tệp kết quả điều tra xã hội học")
        ordering = ["cycle_id", "-created_at"]

    def __str__(self):
        return self.original_name


class SurveyResult(models.Model):
    """The survey points of one unit on one survey criterion of the set
    (a node assessed by survey)."""

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("đợt đánh giá"), related_name="survey_results", on_delete=models.CASCADE
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), related_name="par_survey_results", on_delete=models.PROTECT
    )
    node = models.ForeignKey(
        CriteriaNode,
        verbose_name=_("tiêu chí điều tra"),
        related_name="survey_results",
        on_delete=models.PROTECT,
    )
    points = models.DecimalField(_("điểm"), **SCORE)
    source_import = models.ForeignKey(
        SurveyImport,
        verbose_name=_("tệp nhập"),
        related_name="results",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("kết quả điều tra xã hội học")
        verbose_name_plural = _("kết quả điều tra xã hội học")
        ordering = ["cycle_id", "unit_id", "node__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "unit", "node"],
                name="%(app_label)s_%(class)s_unique_point",
                violation_error_message=_("Đơn vị đã có điểm điều tra cho tiêu chí này."),
            ),
            models.CheckConstraint(
                condition=Q(points__gte=0),
                name="%(app_label)s_%(class)s_points_not_negative",
                violation_error_message=_("Điểm điều tra không được âm."),
            ),
        ]

    def __str__(self):
        return f"{self.unit} · {self.node.code}: {self.points}"


class Result(models.Model):
    """A unit's computed index for a cycle (``par.scoring``): the totals,
    the applicable maximum, the index in % (unrounded; pages round it to two
    places, half-up), the band, the rank in its block, and each area's
    component index (``areas``: code → max, points, index). ``provisional``
    while survey points are missing for a cycle that holds a survey;
    ``version`` counts recomputations."""

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("đợt đánh giá"), related_name="results", on_delete=models.CASCADE
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), related_name="par_results", on_delete=models.PROTECT
    )
    self_total = models.DecimalField(_("điểm tự đánh giá"), **SCORE)
    appraised_total = models.DecimalField(_("điểm thẩm định"), **SCORE)
    survey_total = models.DecimalField(_("điểm điều tra xã hội học"), **SCORE)
    bonus = models.DecimalField(_("điểm thưởng"), **SCORE)
    penalty = models.DecimalField(_("điểm trừ"), **SCORE)
    applicable_max = models.DecimalField(_("điểm tối đa áp dụng"), **SCORE)
    index = models.DecimalField(_("chỉ số (%)"), max_digits=16, decimal_places=10)
    band = models.ForeignKey(
        Band,
        verbose_name=_("xếp loại"),
        related_name="results",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    rank = models.PositiveIntegerField(_("xếp hạng"), null=True, blank=True)
    areas = models.JSONField(_("chỉ số thành phần"), default=dict, blank=True)
    provisional = models.BooleanField(_("tạm tính"), default=False)
    version = models.PositiveIntegerField(_("lần tính"), default=1)
    computed_at = models.DateTimeField(_("tính lúc"))

    class Meta:
        verbose_name = _("kết quả Chỉ số CCHC")
        verbose_name_plural = _("kết quả Chỉ số CCHC")
        ordering = ["cycle_id", "rank", "unit__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "unit"],
                name="%(app_label)s_%(class)s_unique_unit",
                violation_error_message=_("Đơn vị đã có kết quả trong đợt này."),
            ),
            models.CheckConstraint(
                condition=Q(applicable_max__gte=0) & Q(bonus__gte=0) & Q(penalty__gte=0),
                name="%(app_label)s_%(class)s_totals_not_negative",
                violation_error_message=_("Điểm tối đa, điểm thưởng và điểm trừ không được âm."),
            ),
        ]

    def __str__(self):
        return f"{self.unit} · {self.cycle}: {scoring.display(self.index)}"

    @property
    def index_display(self) -> str:
        return scoring.display(self.index)
