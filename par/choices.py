"""The choices of the PAR index (Chỉ số cải cách hành chính, "Chỉ số CCHC")."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from cchc.choices import UnitKind


class UnitGroup(models.TextChoices):
    """The block of units a criteria set is for (khối đơn vị): each block has
    its own set, bands and ranking. Districts were assessed until 2025 (they
    ended on 1/7/2025)."""

    DEPARTMENTS = "departments", _("Sở, ban, ngành")
    COMMUNES = "communes", _("UBND xã, phường, đặc khu")
    DISTRICTS = "districts", _("UBND huyện, thị xã, thành phố (trước năm 2025)")


#: The kinds of unit each block covers (``Unit.kind``).
GROUP_UNIT_KINDS: dict[str, tuple[str, ...]] = {
    UnitGroup.DEPARTMENTS: (UnitKind.DEPARTMENT,),
    UnitGroup.COMMUNES: (UnitKind.COMMUNE,),
    UnitGroup.DISTRICTS: (UnitKind.DISTRICT,),
}

#: The last evaluation year districts may be assessed for (the two-tier local
#: government runs from 1/7/2025; 2025 sets cover departments and communes).
LAST_DISTRICT_YEAR = 2024

#: Level names printed on a set when it does not name its own (Bình Dương's
#: words: lĩnh vực → tiêu chí → tiêu chí thành phần).
DEFAULT_LEVEL_LABELS = ["Lĩnh vực", "Tiêu chí", "Tiêu chí thành phần"]


class SetStatus(models.TextChoices):
    """A criteria set is edited as a draft, then issued by a decision; an
    issued set never changes (it is copied to make next year's draft)."""

    DRAFT = "draft", _("Dự thảo")
    ISSUED = "issued", _("Đã ban hành")


class Assessment(models.TextChoices):
    """How a criterion is assessed."""

    SELF = "self", _("Tự đánh giá và thẩm định")
    SURVEY = "survey", _("Điều tra xã hội học")


class Method(models.TextChoices):
    """How a leaf criterion is scored (its parameters are ``CriteriaNode.params``)."""

    YES_NO = "yes_no", _("Đạt / không đạt")
    LEVELS = "levels", _("Theo mức (ví dụ: đúng hạn / muộn / không thực hiện)")
    PCT_BANDS = "pct_bands", _("Theo khoảng tỷ lệ %")
    RATIO = "ratio", _("Tỷ lệ × điểm tối đa")
    POINTS = "points", _("Chấm điểm trực tiếp (từ 0 đến điểm tối đa)")
    BONUS = "bonus", _("Điểm thưởng (có mức tối đa)")
    PENALTY = "penalty", _("Điểm trừ (có mức tối đa)")


#: Methods whose points sit outside the maximum: added or taken away after
#: the sum, each up to the node's maximum (its cap).
ADJUSTMENT_METHODS = frozenset({Method.BONUS, Method.PENALTY})


class NotApplicable(models.TextChoices):
    """What "không phát sinh / không áp dụng" does to a criterion's points."""

    ZERO = "zero", _("Không được điểm")
    FULL = "full", _("Được điểm tối đa")
    EXCLUDE = "exclude", _("Không tính vào điểm tối đa (quy đổi lại)")


class ProposalSource(models.TextChoices):
    """Where the system finds a proposed value in its own records."""

    NONE = "", _("Không đề xuất")
    INSPECTION_PLAN = "inspection_plan", _("Kế hoạch kiểm tra CCHC đã ban hành")
    INSPECTIONS_DONE = "inspections_done", _("Tỷ lệ cuộc kiểm tra đã thực hiện theo kế hoạch")
    REMEDIATION = "remediation", _("Tỷ lệ nội dung kiến nghị đã khắc phục")
    INDICATORS = "indicators", _("Số liệu chỉ tiêu TTHC")


class ProposalDecision(models.TextChoices):
    """What the unit did with the system's proposal."""

    PENDING = "pending", _("Chưa xem")
    ACCEPTED = "accepted", _("Đồng ý")
    OVERRIDDEN = "overridden", _("Không đồng ý, tự chấm")


class CycleStatus(models.TextChoices):
    """Where a year's assessment (đợt đánh giá) stands."""

    DRAFT = "draft", _("Đang chuẩn bị")
    OPEN = "open", _("Đang tự đánh giá")
    APPRAISAL = "appraisal", _("Đang thẩm định")
    LOCKED = "locked", _("Đã chốt điểm")
    PUBLISHED = "published", _("Đã công bố")


class CycleUnitBasis(models.TextChoices):
    """Why a unit is (or is not) in a cycle, by the rule ``UNIT_RULE``."""

    WHOLE_YEAR = "whole_year", _("Hoạt động cả năm")
    NEW = "new", _("Thành lập trong năm, đánh giá cả năm")
    SUCCESSOR = "successor", _("Hình thành do sáp nhập, kế thừa đơn vị cũ")
    ENDED = "ended", _("Đã kết thúc hoạt động trong năm")
    MANUAL = "manual", _("Sở Nội vụ điều chỉnh")


class ScorecardStatus(models.TextChoices):
    """Where one unit's scorecard (phiếu chấm điểm) is."""

    DRAFT = "draft", _("Đang tự đánh giá")
    SUBMITTED = "submitted", _("Đã gửi, chờ thẩm định")
    ROUND1 = "round1", _("Đang thẩm định vòng 1")
    EXPLANATIONS = "explanations", _("Đang giải trình, bổ sung")
    ROUND2 = "round2", _("Đang thẩm định vòng 2")
    LOCKED = "locked", _("Đã chốt điểm")


#: The order a scorecard moves in; a status is reached only from the one before.
SCORECARD_FLOW = [
    ScorecardStatus.DRAFT,
    ScorecardStatus.SUBMITTED,
    ScorecardStatus.ROUND1,
    ScorecardStatus.EXPLANATIONS,
    ScorecardStatus.ROUND2,
    ScorecardStatus.LOCKED,
]


class EvidenceStage(models.TextChoices):
    """When a piece of evidence was given."""

    SELF = "self", _("Khi tự đánh giá")
    EXPLANATION = "explanation", _("Bổ sung khi giải trình")


#: Kind of the background job that computes a cycle's results (``Job.kind``).
COMPUTE_JOB = "par_results_compute"
