"""The system's proposals (item 4 of issue 14): for a criterion that names
a source (``CriteriaNode.proposal_source``), the fact the owning app found
(``cchc.evidence_sources``) becomes what the unit would have entered for
the criterion's method, and its points. The unit accepts the proposal or
keeps its own score with a reason (``par.assessment.proposal_decide``).

How a fact becomes an entry:

* a share (k of n): ``ratio`` → k/n; ``pct_bands`` → k ÷ n × 100 %;
  ``yes_no`` → yes when every one (k = n); ``points`` → k ÷ n × maximum;
* a date: ``yes_no`` → yes when issued; ``levels`` → the first level when
  issued by the due date, the second when issued late, the last when not
  issued (the levels are listed best first, as sets print them).

A fact the method cannot take proposes nothing."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cchc import evidence_sources

from . import scoring
from .choices import Method, ProposalDecision
from .models import ItemScore, Scorecard

HUNDRED = Decimal("100")


def entry_for(node, fact: evidence_sources.Fact) -> dict | None:
    method = node.method
    if fact.is_share:
        numerator, denominator = fact.numerator or 0, fact.denominator
        if not denominator:
            return None
        if method == Method.RATIO:
            return {"numerator": numerator, "denominator": denominator}
        if method == Method.PCT_BANDS:
            percent = (Decimal(numerator) / Decimal(denominator) * HUNDRED).quantize(Decimal("0.01"))
            return {"percent": str(percent)}
        if method == Method.YES_NO:
            return {"yes": numerator >= denominator}
        if method == Method.POINTS:
            points = Decimal(numerator) / Decimal(denominator) * node.max_points
            return {"points": str(points.quantize(Decimal("0.0001")))}
        return None
    if method == Method.YES_NO:
        return {"yes": fact.issued_on is not None}
    if method == Method.LEVELS:
        levels = [level["label"] for level in node.params.get("levels") or []]
        if len(levels) < 2:
            return None
        if fact.issued_on is None:
            return {"level": levels[-1]}
        if fact.due is None or fact.issued_on <= fact.due:
            return {"level": levels[0]}
        return {"level": levels[1]}
    return None


def scorecard_propose(*, scorecard: Scorecard) -> int:
    """Fill the proposals of a scorecard's items from their sources; returns
    how many items got one. A unit's decision stays unless the proposal
    changed."""
    count = 0
    unit = scorecard.unit
    year = scorecard.cycle.year
    with transaction.atomic():
        items = (
            scorecard.items.select_for_update(of=("self",))
            .select_related("node")
            .exclude(node__proposal_source="")
        )
        for item in items:
            source = evidence_sources.get(item.node.proposal_source)
            if source is None:
                continue
            fact = source.fact(unit, year)
            if fact is None:
                continue
            entered = entry_for(item.node, fact)
            if entered is None:
                continue
            try:
                points = scoring.points_for(item.node.method, item.node.params, item.node.max_points, entered)
            except scoring.ScoringError:
                continue
            changed = item.proposed_score != points or item.proposed_input != entered
            item.proposed_input = entered
            item.proposed_score = points
            item.proposal_source = item.node.proposal_source
            item.proposal_detail = fact.detail
            item.proposed_at = timezone.now()
            fields = ["proposed_input", "proposed_score", "proposal_source", "proposal_detail", "proposed_at"]
            if changed or not item.proposal_decision:
                item.proposal_decision = ProposalDecision.PENDING
                item.proposal_override_reason = ""
                fields += ["proposal_decision", "proposal_override_reason"]
            item.version += 1
            item.save(update_fields=[*fields, "version", "updated_at"])
            count += 1
    return count


__all__ = ["ItemScore", "entry_for", "scorecard_propose"]
