"""Self-assessment (tự đánh giá, chấm điểm) by each unit: the scores of its
scorecard within each criterion's method, the evidence (an issued document
of the system picked by its number, or a checked file) with the page or
section cited, the written explanation where an item is scored without
evidence, the system's proposals accepted or overridden with a reason, and
the submission by the unit's head.

Rules (the pages repeat them):

* The unit writes while its scorecard is a draft, the cycle is open and the
  self-assessment deadline has not passed (the day itself counts); during
  the explanation round it writes explanations and adds evidence until the
  explanation deadline. Otherwise every write is refused.
* A score is what the method gives for what the unit entered
  (``par.scoring.points_for``); survey criteria are not self-scored.
* Submitting needs every self-assessed criterion scored or marked "không
  phát sinh", and a written explanation on every item scored above zero
  without evidence; it is done by a leader whose membership is in the unit
  itself (not a leader of a unit above it).

Every service takes keyword arguments, checks, and writes in one
transaction; a refusal is a ``ValidationError`` in Vietnamese."""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.choices import Role
from cchc.models import Membership, OfficialDocument, Unit
from cchc.models.documents import ISSUED_STATUSES
from cchc.uploads import EVIDENCE, upload_check

from . import scoring
from .choices import (
    Assessment,
    CycleStatus,
    EvidenceStage,
    ProposalDecision,
    ScorecardStatus,
)
from .models import CriteriaNode, Evidence, ItemScore, Scorecard

ZERO = Decimal("0")


class StaleItemError(ValidationError):
    """Someone else saved the item since the page was opened."""


# --- when a unit may write --------------------------------------------------------


def self_assessment_open(scorecard: Scorecard, today=None) -> bool:
    cycle = scorecard.cycle
    today = today or timezone.localdate()
    return (
        scorecard.status == ScorecardStatus.DRAFT
        and cycle.status in (CycleStatus.OPEN, CycleStatus.APPRAISAL)
        and today <= cycle.self_assessment_due
    )


def explanations_open(scorecard: Scorecard, today=None) -> bool:
    today = today or timezone.localdate()
    return scorecard.status == ScorecardStatus.EXPLANATIONS and today <= scorecard.cycle.explanation_due


def _require_self_assessment_open(scorecard: Scorecard, today=None) -> None:
    if self_assessment_open(scorecard, today):
        return
    cycle = scorecard.cycle
    today = today or timezone.localdate()
    if scorecard.status == ScorecardStatus.LOCKED or cycle.status in (
        CycleStatus.LOCKED,
        CycleStatus.PUBLISHED,
    ):
        raise ValidationError(_("Điểm đã được chốt; không sửa được nữa."))
    if scorecard.status != ScorecardStatus.DRAFT:
        raise ValidationError(_("Phiếu đã gửi thẩm định; phần tự đánh giá chỉ còn để xem."))
    if cycle.status not in (CycleStatus.OPEN, CycleStatus.APPRAISAL):
        raise ValidationError(_("Đợt đánh giá chưa mở hoặc đã qua giai đoạn tự đánh giá."))
    if today > cycle.self_assessment_due:
        raise ValidationError(
            _("Đã quá hạn tự đánh giá (%(due)s); không sửa được nữa.")
            % {"due": cycle.self_assessment_due.strftime("%d/%m/%Y")}
        )
    raise ValidationError(_("Không sửa được phiếu này."))


def _require_evidence_open(scorecard: Scorecard, today=None) -> str:
    """The stage evidence is added in now, or a refusal."""
    if self_assessment_open(scorecard, today):
        return EvidenceStage.SELF
    if explanations_open(scorecard, today):
        return EvidenceStage.EXPLANATION
    if scorecard.status == ScorecardStatus.EXPLANATIONS:
        raise ValidationError(
            _("Đã quá hạn giải trình, bổ sung (%(due)s).")
            % {"due": scorecard.cycle.explanation_due.strftime("%d/%m/%Y")}
        )
    _require_self_assessment_open(scorecard, today)
    return EvidenceStage.SELF


def _locked_item(item: ItemScore, version: int | None = None) -> ItemScore:
    """The item, locked for the write, with its node and scorecard."""
    locked = (
        ItemScore.objects.select_for_update(of=("self",))
        .select_related("node", "scorecard__cycle", "scorecard__unit")
        .get(pk=item.pk)
    )
    if version is not None and locked.version != version:
        raise StaleItemError(
            _("Tiêu chí %(code)s vừa được người khác lưu; hãy xem giá trị đang lưu rồi nhập lại.")
            % {"code": locked.node.code}
        )
    return locked


def _save(item: ItemScore, fields: list[str]) -> None:
    item.full_clean(exclude=["scorecard", "node"])
    # The row is locked (select_for_update): a plain increment is safe, and
    # the history row gets the number, not an expression.
    item.version += 1
    item.save(update_fields=[*fields, "version", "updated_at"])


# --- the scorecard's rows ------------------------------------------------------------


def scorecard_items_ensure(*, scorecard: Scorecard) -> int:
    """Give the scorecard one row per self-assessed leaf of its set (bonus
    and penalty included); idempotent. Returns how many rows were added."""
    nodes = CriteriaNode.objects.filter(
        criteria_set_id=scorecard.cycle.criteria_set_id, assessment=Assessment.SELF
    ).exclude(method="")
    have = set(scorecard.items.values_list("node_id", flat=True))
    new = [
        ItemScore(scorecard=scorecard, node_id=node_id, proposal_source=source)
        for node_id, source in nodes.values_list("id", "proposal_source")
        if node_id not in have
    ]
    ItemScore.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


# --- scores -------------------------------------------------------------------------------


def entered_from_text(method: str, raw: str) -> dict:
    """What a cell of the grid says, as ``points_for`` takes it: "đạt"/"có"/
    "1" or "không"/"0" for yes/no; a level's label or its number (1, 2…);
    "87,5" for a % band; "45/50" for a ratio; points otherwise."""
    from .choices import Method

    text = (raw or "").strip()
    if method == Method.YES_NO:
        folded = text.lower()
        if folded in ("1", "đạt", "dat", "có", "co", "x", "yes", "true"):
            return {"yes": True}
        if folded in ("0", "không", "khong", "không đạt", "khong dat", "no", "false"):
            return {"yes": False}
        raise scoring.ScoringError(_("Chọn đạt hoặc không đạt."))
    if method == Method.LEVELS:
        return {"level": text}
    if method == Method.PCT_BANDS:
        return {"percent": text.rstrip("%").strip()}
    if method == Method.RATIO:
        match = re.fullmatch(r"\s*([\d.,]+)\s*/\s*([\d.,]+)\s*", text)
        if not match:
            raise scoring.ScoringError(_("Ghi tử số/mẫu số, ví dụ 45/50."))
        return {"numerator": match.group(1), "denominator": match.group(2)}
    return {"points": text}


def item_self_set(
    *,
    item: ItemScore,
    user,
    entered: dict | None = None,
    not_applicable: bool = False,
    na_reason: str = "",
    version: int | None = None,
    today=None,
) -> ItemScore:
    """Set an item's self score from what the unit entered (``None``: clear
    it), or mark it "không phát sinh" with its reason."""
    with transaction.atomic():
        item = _locked_item(item, version)
        _require_self_assessment_open(item.scorecard, today)
        node = item.node
        if node.assessment != Assessment.SELF or not node.method:
            raise ValidationError(_("Tiêu chí này không tự đánh giá (điểm lấy từ điều tra xã hội học)."))
        if not_applicable:
            if not (na_reason or "").strip():
                raise ValidationError(_("Tiêu chí không phát sinh phải ghi lý do."))
            item.not_applicable = True
            item.na_reason = na_reason.strip()
            item.self_input = {}
            item.self_score = None
        else:
            item.not_applicable = False
            item.na_reason = ""
            if entered is None:
                item.self_input = {}
                item.self_score = None
            else:
                try:
                    points = scoring.points_for(node.method, node.params, node.max_points, entered)
                except scoring.ScoringError as error:
                    raise ValidationError(
                        _("Tiêu chí %(code)s: %(reason)s") % {"code": node.code, "reason": error}
                    ) from error
                item.self_input = entered
                item.self_score = points
        if item.proposal_decision == ProposalDecision.ACCEPTED and item.self_score != item.proposed_score:
            item.proposal_decision = ProposalDecision.PENDING
        _save(item, ["self_input", "self_score", "not_applicable", "na_reason", "proposal_decision"])
    return item


def item_text_set(
    *, item: ItemScore, user, note: str | None = None, explanation: str | None = None, today=None
) -> ItemScore:
    """Save the item's note (thuyết minh) and its explanation when it has no
    evidence (giải trình khi không có tài liệu kiểm chứng)."""
    with transaction.atomic():
        item = _locked_item(item)
        _require_self_assessment_open(item.scorecard, today)
        fields = []
        if note is not None:
            item.self_note = note.strip()
            fields.append("self_note")
        if explanation is not None:
            item.no_evidence_explanation = explanation.strip()
            fields.append("no_evidence_explanation")
        _save(item, fields)
    return item


def proposal_decide(*, item: ItemScore, user, accept: bool, reason: str = "", today=None) -> ItemScore:
    """Take the system's proposal as the self score, or keep one's own and
    say why."""
    with transaction.atomic():
        item = _locked_item(item)
        _require_self_assessment_open(item.scorecard, today)
        if item.proposed_score is None:
            raise ValidationError(_("Hệ thống chưa có đề xuất cho tiêu chí này."))
        if accept:
            item.self_input = item.proposed_input
            item.self_score = item.proposed_score
            item.not_applicable = False
            item.na_reason = ""
            item.proposal_decision = ProposalDecision.ACCEPTED
            item.proposal_override_reason = ""
        else:
            if not reason.strip():
                raise ValidationError(_("Không dùng điểm hệ thống đề xuất thì phải ghi lý do."))
            item.proposal_decision = ProposalDecision.OVERRIDDEN
            item.proposal_override_reason = reason.strip()
        _save(
            item,
            [
                "self_input",
                "self_score",
                "not_applicable",
                "na_reason",
                "proposal_decision",
                "proposal_override_reason",
            ],
        )
    return item


# --- evidence -----------------------------------------------------------------------------

_NUMBER = re.compile(r"^\s*0*(\d+)\s*/\s*(\S.*?)\s*$")


def document_by_number(
    *, scorecard: Scorecard, number_text: str, year: int | None = None
) -> OfficialDocument:
    """An issued document of the province picked by its number ("146/TB-ĐKT")
    and registration year (default: the evaluation year, then the next)."""
    match = _NUMBER.match(number_text or "")
    if not match:
        raise ValidationError(_("Ghi số, ký hiệu văn bản như in trên văn bản, ví dụ 146/TB-ĐKT."))
    number = int(match.group(1))
    wanted = f"{number}/{match.group(2)}".replace(" ", "").upper()
    province = Unit.objects.only("path").get(pk=scorecard.cycle.province_id)
    years = [year] if year else [scorecard.cycle.year, scorecard.cycle.year + 1]
    found = [
        document
        for document in OfficialDocument.objects.filter(
            number=number,
            year__in=years,
            status__in=ISSUED_STATUSES,
            parent__isnull=True,
            issuing_unit__path__startswith=province.path,
        ).order_by("year", "pk")
        if document.number_symbol.replace(" ", "").upper().lstrip("0") == wanted.lstrip("0")
    ]
    if not found:
        raise ValidationError(
            _("Không tìm thấy văn bản đã ban hành số %(n)s năm %(y)s trong hệ thống.")
            % {"n": number_text.strip(), "y": ", ".join(str(y) for y in years)}
        )
    return found[0]


def evidence_add(
    *,
    item: ItemScore,
    user,
    document: OfficialDocument | None = None,
    upload=None,
    cited_part: str = "",
    note: str = "",
    today=None,
) -> Evidence:
    """Add a piece of evidence: an issued document of the system, or a file
    that passes the kernel's upload gate (``cchc.uploads.upload_check``,
    purpose ``EVIDENCE``: the same checks as remediation evidence); what is
    stored is what the gate checked (an image re-encoded), named by the type
    read from its content."""
    if (document is None) == (upload is None):
        raise ValidationError(_("Chọn một văn bản trong hệ thống hoặc tải lên một tệp."))
    checked = upload_check(upload, purpose=EVIDENCE) if upload is not None else None
    with transaction.atomic():
        item = _locked_item(item)
        stage = _require_evidence_open(item.scorecard, today)
        if document is not None and not document.is_issued:
            raise ValidationError(_("Chỉ dùng văn bản đã ban hành làm tài liệu kiểm chứng."))
        evidence = Evidence(
            item=item,
            stage=stage,
            document=document,
            cited_part=cited_part.strip(),
            note=note.strip(),
            added_by=user,
        )
        if checked is not None:
            evidence.original_name = checked.name[:255]
            evidence.content_type = checked.content_type
            evidence.size = checked.size
            evidence.sha256 = checked.sha256
            evidence.file.save(f"upload.{checked.suffix}", checked.as_file(), save=False)
        evidence.full_clean(exclude=["item", "document"])
        evidence.save()
        _save(item, [])
    return evidence


def evidence_remove(*, evidence: Evidence, user, today=None) -> None:
    with transaction.atomic():
        item = _locked_item(evidence.item)
        stage = _require_evidence_open(item.scorecard, today)
        if evidence.stage != stage:
            raise ValidationError(_("Tài liệu kiểm chứng đã gửi thẩm định thì không xóa được."))
        stored = evidence.file.name if evidence.file else ""
        evidence.delete()
        _save(item, [])
        if stored:
            storage = Evidence._meta.get_field("file").storage
            transaction.on_commit(lambda: storage.delete(stored))


# --- submission -------------------------------------------------------------------------


def submission_problems(scorecard: Scorecard) -> list[str]:
    """What stops the scorecard from being submitted (empty: nothing)."""
    problems = []
    items = (
        scorecard.items.select_related("node")
        .filter(node__assessment=Assessment.SELF)
        .order_by("node__position")
    )
    with_evidence = set(
        Evidence.objects.filter(item__scorecard=scorecard).values_list("item_id", flat=True).distinct()
    )
    from .choices import ADJUSTMENT_METHODS

    for item in items:
        code = item.node.code
        adjustment = item.node.method in ADJUSTMENT_METHODS
        if item.self_score is None and not item.not_applicable and not adjustment:
            problems.append(_("Tiêu chí %(code)s chưa chấm điểm.") % {"code": code})
        elif item.self_score and item.pk not in with_evidence and not item.no_evidence_explanation.strip():
            problems.append(
                _("Tiêu chí %(code)s được chấm điểm nhưng không có tài liệu kiểm chứng: phải có giải trình.")
                % {"code": code}
            )
    return problems


def is_unit_head(user, unit: Unit) -> bool:
    """A leader whose current membership is in the unit itself."""
    if user.is_superuser:
        return True
    return Membership.objects.current().filter(user=user, unit=unit, role=Role.LEADER).exists()


def scorecard_submit(*, scorecard: Scorecard, user, report_note: str | None = None, today=None) -> Scorecard:
    """The unit's head submits the self-assessment; it becomes read-only."""
    with transaction.atomic():
        scorecard = (
            Scorecard.objects.select_for_update(of=("self",))
            .select_related("cycle", "unit")
            .get(pk=scorecard.pk)
        )
        _require_self_assessment_open(scorecard, today)
        if not is_unit_head(user, scorecard.unit):
            raise ValidationError(_("Chỉ lãnh đạo của chính đơn vị mới gửi được phiếu tự đánh giá."))
        problems = submission_problems(scorecard)
        if problems:
            raise ValidationError(problems)
        if report_note is not None:
            scorecard.report_note = report_note.strip()
        scorecard.status = ScorecardStatus.SUBMITTED
        scorecard.submitted_at = timezone.now()
        scorecard.submitted_by = user
        scorecard.full_clean(exclude=["cycle", "unit"])
        scorecard.save()
    return scorecard
