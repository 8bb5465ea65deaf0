"""Appraisal (thẩm định): each appraising department scores the criteria it
owns across all units of a cycle, in two rounds with the units' explanation
round between them; the Sở Nội vụ moves each scorecard from one step to the
next and locks the scores.

* Round 1 runs on a submitted scorecard until ``round1_due``; an appraised
  score that differs from the self score needs a reason, and the appraiser
  may ask the unit to explain the item.
* The Sở Nội vụ closes round 1: the unit explains (``item_explain``) and
  adds evidence until ``explanation_due``.
* The Sở Nội vụ opens round 2: a score that differs from round 1 (or from
  the self score when round 1 left it) needs a reason; until ``round2_due``.
* The Sở Nội vụ locks the scorecard: nothing changes after that.

The self score, the explanation, both rounds' scores and their reasons are
separate fields with their history (``ItemScore.history``)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import scoring
from .assessment import _locked_item, _save, explanations_open
from .choices import Assessment, CycleStatus, ScorecardStatus
from .models import ItemScore, Scorecard

APPRAISABLE = (ScorecardStatus.SUBMITTED, ScorecardStatus.ROUND1, ScorecardStatus.ROUND2)


def _due(day) -> str:
    return day.strftime("%d/%m/%Y")


def item_appraise(
    *,
    item: ItemScore,
    user,
    points,
    reason: str = "",
    request_explanation: bool = False,
    version: int | None = None,
    today=None,
) -> ItemScore:
    """Set the appraised score of the current round (``points`` as typed:
    "1,5"), within the criterion's method and maximum. With ``version``
    (the item as the appraiser saw it), a change saved meanwhile by a
    colleague of the same department is refused, not overwritten."""
    today = today or timezone.localdate()
    with transaction.atomic():
        item = _locked_item(item, version)
        scorecard = item.scorecard
        cycle = scorecard.cycle
        node = item.node
        if scorecard.status == ScorecardStatus.LOCKED or cycle.status in (
            CycleStatus.LOCKED,
            CycleStatus.PUBLISHED,
        ):
            raise ValidationError(_("Điểm đã được chốt; không sửa được nữa."))
        if scorecard.status not in APPRAISABLE:
            raise ValidationError(_("Phiếu này không ở vòng thẩm định."))
        if node.assessment != Assessment.SELF:
            raise ValidationError(_("Tiêu chí điều tra xã hội học không thẩm định."))
        try:
            value = scoring.parse_decimal(points)
        except scoring.ScoringError as error:
            raise ValidationError(_("Điểm thẩm định: %(e)s") % {"e": error}) from error
        problem = scoring.check_points(node.method, node.params, node.max_points, value)
        if problem:
            raise ValidationError(problem)
        reason = (reason or "").strip()
        round2 = scorecard.status == ScorecardStatus.ROUND2
        if round2:
            if today > cycle.round2_due:
                raise ValidationError(
                    _("Đã quá hạn thẩm định vòng 2 (%(d)s).") % {"d": _due(cycle.round2_due)}
                )
            baseline = item.round1_score
            if baseline is None and value != item.self_score:
                baseline_differs = True
            else:
                baseline_differs = baseline is None or value != baseline
            if baseline_differs and not reason:
                raise ValidationError(_("Điểm thẩm định vòng 2 khác vòng 1 thì phải ghi lý do."))
            if baseline is None and value == item.self_score and not reason:
                # Nothing to change: round 1 accepted the self score.
                return item
            item.round2_score = value
            item.round2_reason = reason
            item.round2_by = user
            item.round2_at = timezone.now()
            fields = ["round2_score", "round2_reason", "round2_by", "round2_at"]
        else:
            if today > cycle.round1_due:
                raise ValidationError(
                    _("Đã quá hạn thẩm định vòng 1 (%(d)s).") % {"d": _due(cycle.round1_due)}
                )
            if value != item.self_score and not reason:
                raise ValidationError(_("Điểm thẩm định khác điểm tự đánh giá thì phải ghi lý do."))
            item.round1_score = value
            item.round1_reason = reason
            item.round1_by = user
            item.round1_at = timezone.now()
            item.explanation_requested = bool(request_explanation)
            fields = ["round1_score", "round1_reason", "round1_by", "round1_at", "explanation_requested"]
            if scorecard.status == ScorecardStatus.SUBMITTED:
                Scorecard.objects.filter(pk=scorecard.pk).update(
                    status=ScorecardStatus.ROUND1, updated_at=timezone.now()
                )
                _cycle_appraising(cycle)
        _save(item, fields)
    return item


def item_explain(*, item: ItemScore, user, text: str, today=None) -> ItemScore:
    """The unit's explanation (giải trình) on an item during the explanation round."""
    with transaction.atomic():
        item = _locked_item(item)
        if not explanations_open(item.scorecard, today):
            if item.scorecard.status == ScorecardStatus.EXPLANATIONS:
                raise ValidationError(
                    _("Đã quá hạn giải trình, bổ sung (%(d)s).")
                    % {"d": _due(item.scorecard.cycle.explanation_due)}
                )
            raise ValidationError(_("Phiếu không ở giai đoạn giải trình, bổ sung."))
        if not (text or "").strip():
            raise ValidationError(_("Ghi nội dung giải trình."))
        item.unit_explanation = text.strip()
        item.explained_at = timezone.now()
        _save(item, ["unit_explanation", "explained_at"])
    return item


# Scorecard steps, by the Sở Nội vụ.
STEPS = {
    # action: (from statuses, to status, who-and-when fields)
    "round1_close": ((ScorecardStatus.SUBMITTED, ScorecardStatus.ROUND1), ScorecardStatus.EXPLANATIONS),
    "round2_open": ((ScorecardStatus.EXPLANATIONS,), ScorecardStatus.ROUND2),
    "lock": ((ScorecardStatus.ROUND2,), ScorecardStatus.LOCKED),
}


def scorecard_step(*, scorecard: Scorecard, user, action: str) -> Scorecard:
    """Move a scorecard one step: close round 1 (to explanations), open
    round 2, or lock the scores."""
    if action not in STEPS:
        raise ValidationError(_("Thao tác không hợp lệ."))
    sources, target = STEPS[action]
    with transaction.atomic():
        scorecard = (
            Scorecard.objects.select_for_update(of=("self",)).select_related("cycle").get(pk=scorecard.pk)
        )
        if scorecard.cycle.status not in (CycleStatus.OPEN, CycleStatus.APPRAISAL):
            raise ValidationError(_("Đợt đánh giá đã chốt điểm; không chuyển bước được nữa."))
        if scorecard.status not in sources:
            raise ValidationError(
                _("Phiếu đang “%(s)s”, không chuyển sang “%(t)s” được.")
                % {"s": scorecard.get_status_display(), "t": ScorecardStatus(target).label}
            )
        now = timezone.now()
        scorecard.status = target
        if target == ScorecardStatus.EXPLANATIONS:
            scorecard.round1_at, scorecard.round1_by = now, user
        elif target == ScorecardStatus.ROUND2:
            scorecard.explained_at = scorecard.explained_at or now
        elif target == ScorecardStatus.LOCKED:
            scorecard.locked_at, scorecard.locked_by = now, user
        scorecard.full_clean(exclude=["cycle", "unit"])
        scorecard.save()
        _cycle_appraising(scorecard.cycle)
    return scorecard


def _cycle_appraising(cycle) -> None:
    """The cycle's status follows its scorecards: open while units assess
    themselves, "appraisal" once a scorecard is in an appraisal round (units
    still in draft keep self-assessing until the deadline)."""
    type(cycle).objects.filter(pk=cycle.pk, status=CycleStatus.OPEN).update(status=CycleStatus.APPRAISAL)


def cycle_lock(*, cycle, user) -> int:
    """Lock every scorecard of the cycle in round 2 and the cycle itself
    (the Sở Nội vụ, on the cycle's lock page). Refused, nothing changed,
    while a scorecard is before round 2. Results computed before are stale:
    the cycle must be computed again before the decision is drafted."""
    with transaction.atomic():
        cycle = type(cycle).objects.select_for_update().get(pk=cycle.pk)
        if cycle.status not in (CycleStatus.OPEN, CycleStatus.APPRAISAL):
            raise ValidationError(_("Đợt đánh giá không ở giai đoạn thẩm định; không chốt điểm được."))
        if cycle.scorecards.exclude(status__in=(ScorecardStatus.ROUND2, ScorecardStatus.LOCKED)).exists():
            raise ValidationError(_("Còn phiếu chưa qua thẩm định vòng 2; chưa chốt điểm cả đợt được."))
        count = 0
        for scorecard in cycle.scorecards.filter(status=ScorecardStatus.ROUND2):
            scorecard_step(scorecard=scorecard, user=user, action="lock")
            count += 1
        open_left = cycle.scorecards.exclude(status=ScorecardStatus.LOCKED).exists()
        if open_left:
            raise ValidationError(_("Còn phiếu chưa qua thẩm định vòng 2; chưa chốt điểm cả đợt được."))
        type(cycle).objects.filter(pk=cycle.pk).update(status=CycleStatus.LOCKED, computed_at=None)
    return count


ZERO = Decimal("0")
