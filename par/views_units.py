"""The units' and the appraisers' pages of the PAR index: a unit's
scorecard as a grid that saves as it goes (HTMX per cell, like the
indicator grid), its evidence and explanations, the submission by the
unit's head; the appraising departments' list of the criteria they own
across all units; the Sở Nội vụ's steps (round 1 closed, round 2 opened,
scores locked); a unit's published result. Views stay thin: ``par.grid``
reads, the services of ``par.assessment`` and ``par.appraisal`` write."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView

from cchc.access import can
from cchc.audit import audit_download
from cchc.mixins import ScopedViewMixin
from cchc.text import whole_number
from cchc.uploads import attachment_headers, stored_name

from . import appraisal, assessment, grid, scoring
from .choices import ScorecardStatus
from .models import CriteriaNode
from .publication import _num, area_figures


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _grid_context(request, scorecard, **extra):
    user = request.user
    rows, totals = grid.scorecard_grid(scorecard)
    editable = (
        assessment.self_assessment_open(scorecard)
        and grid.scorecards_editable(user).filter(pk=scorecard.pk).exists()
    )
    explaining = (
        assessment.explanations_open(scorecard)
        and grid.scorecards_editable(user).filter(pk=scorecard.pk).exists()
    )
    return {
        "scorecard": scorecard,
        "cycle": scorecard.cycle,
        "rows": rows,
        "totals": totals,
        "editable": editable,
        "explaining": explaining,
        "can_submit": editable
        and can(user, "par.scorecard.submit")
        and assessment.is_unit_head(user, scorecard.unit),
        "can_manage": grid.scorecards_managed(user).filter(pk=scorecard.pk).exists(),
        "statuses": ScorecardStatus,
        "problems": extra.pop("problems", None),
        **extra,
    }


class HomeView(ScopedViewMixin, View):
    """The page of the one "Chỉ số CCHC" menu item: a council member to the
    criteria to appraise, the province's staff to its cycles, a unit's people
    to their scorecards."""

    def get(self, request):
        from . import selectors

        user = request.user
        if can(user, "par.appraise"):
            return redirect("par_units:appraisal")
        if can(user, "par.cycle.view") and selectors.cycles_visible(user).exists():
            return redirect("par:cycle_list")
        if can(user, "par.scorecard.view"):
            return redirect("par_units:scorecard_list")
        raise PermissionDenied


class ScorecardListView(ScopedViewMixin, ListView):
    """The scorecards a user may open: a unit's own, the province's all."""

    required_action = "par.scorecard.view"
    template_name = "par/unit_scorecard_list.html"
    context_object_name = "scorecards"
    paginate_by = 100

    def scoped_queryset(self, user):
        scorecards = grid.scorecards_visible(user)
        # From a cycle's page: its scorecards, of one status.
        cycle = whole_number(self.request.GET.get("cycle"))
        if cycle is not None:
            scorecards = scorecards.filter(cycle_id=cycle)
        status = self.request.GET.get("status", "")
        if status in ScorecardStatus.values:
            scorecards = scorecards.filter(status=status)
        return scorecards.prefetch_related("unit__par_results").order_by("-cycle__year", "unit__path")


class ScorecardDetailView(ScopedViewMixin, DetailView):
    """A unit's scorecard as a grid: one row per node of the set, the score
    saved as the user leaves the cell, totals per area."""

    required_action = "par.scorecard.view"
    template_name = "par/unit_scorecard.html"
    context_object_name = "scorecard"

    def scoped_queryset(self, user):
        return grid.scorecards_visible(user).select_related("cycle__criteria_set", "unit", "submitted_by")

    def get_context_data(self, **kwargs):
        return _grid_context(self.request, self.object)


class ItemMixin(ScopedViewMixin):
    required_action = "par.scorecard.edit"

    def get_item(self, pk):
        return get_object_or_404(
            grid.items_editable(self.request.user).select_related(
                "node", "scorecard__cycle", "scorecard__unit"
            ),
            pk=pk,
        )

    def answer(self, item, *, error="", typed=None, status=200):
        """The item's row (HTMX), or back to the grid with a message."""
        scorecard = item.scorecard
        if not self.request.htmx:
            if error:
                messages.error(self.request, error)
            return redirect(
                reverse("par_units:scorecard_detail", args=[scorecard.pk]) + f"#node-{item.node_id}"
            )
        rows, totals = grid.scorecard_grid(scorecard)
        row = next(r for r in rows if r.node.pk == item.node_id)
        row.error = error
        row.typed = typed
        context = {
            "scorecard": scorecard,
            "row": row,
            "totals": totals,
            "editable": assessment.self_assessment_open(scorecard),
            "explaining": assessment.explanations_open(scorecard),
            "oob": True,
        }
        return render(self.request, "par/partials/unit_row_response.html", context, status=status)


class ItemSelfView(ItemMixin, View):
    """Save one self score (HTMX, as the user leaves the cell)."""

    def post(self, request, pk):
        item = self.get_item(pk)
        raw = request.POST.get("value", "")
        version = request.POST.get("version", "")
        na = request.POST.get("not_applicable") == "on"
        try:
            entered = None
            if not na and raw.strip():
                try:
                    entered = assessment.entered_from_text(item.node.method, raw)
                except scoring.ScoringError as error:
                    raise ValidationError(
                        _("Tiêu chí %(code)s: %(reason)s") % {"code": item.node.code, "reason": error}
                    ) from error
            item = assessment.item_self_set(
                item=item,
                user=request.user,
                entered=entered,
                not_applicable=na,
                na_reason=request.POST.get("na_reason", ""),
                version=whole_number(version),
            )
        except ValidationError as error:
            item.refresh_from_db()
            return self.answer(item, error=_error_text(error), typed=raw)
        return self.answer(item)


class ItemTextView(ItemMixin, View):
    """Save an item's note and its explanation without evidence."""

    def post(self, request, pk):
        item = self.get_item(pk)
        try:
            item = assessment.item_text_set(
                item=item,
                user=request.user,
                note=request.POST.get("note"),
                explanation=request.POST.get("explanation"),
            )
        except ValidationError as error:
            return self.answer(item, error=_error_text(error))
        return self.answer(item)


class EvidenceAddView(ItemMixin, View):
    """Add evidence: an issued document by its number, or a file."""

    def post(self, request, pk):
        item = self.get_item(pk)
        try:
            upload = request.FILES.get("file")
            number = request.POST.get("number", "").strip()
            document = None
            if number:
                year = request.POST.get("year", "")
                document = assessment.document_by_number(
                    scorecard=item.scorecard, number_text=number, year=whole_number(year)
                )
            assessment.evidence_add(
                item=item,
                user=request.user,
                document=document,
                upload=upload,
                cited_part=request.POST.get("cited_part", ""),
            )
        except ValidationError as error:
            if request.htmx:
                return self.answer(item, error=_error_text(error), status=200)
            # The grid again, the refused form open with what was typed (a
            # file input cannot be refilled: the reason says to choose it again).
            text = _error_text(error)
            context = _grid_context(request, item.scorecard)
            for row in context["rows"]:
                if row.node.pk == item.node_id:
                    row.evidence_error = text
                    row.evidence_typed = {
                        key: request.POST.get(key, "")[:500] for key in ("number", "year", "cited_part")
                    }
            messages.error(request, text)
            return render(request, "par/unit_scorecard.html", context, status=400)
        return self.answer(item)


class EvidenceDeleteView(ScopedViewMixin, View):
    required_action = "par.scorecard.edit"

    def post(self, request, pk):
        evidence = get_object_or_404(
            grid.evidence_editable(request.user).select_related("item__scorecard__cycle", "item__node"), pk=pk
        )
        item = evidence.item
        try:
            assessment.evidence_remove(evidence=evidence, user=request.user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        return redirect(
            reverse("par_units:scorecard_detail", args=[item.scorecard_id]) + f"#node-{item.node_id}"
        )


class EvidenceFileView(ScopedViewMixin, View):
    """Download an uploaded piece of evidence."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not (
            can(request.user, "par.scorecard.view") or can(request.user, "par.appraise")
        ):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        evidence = get_object_or_404(grid.evidence_visible(request.user), pk=pk)
        if not evidence.file:
            raise Http404
        response = FileResponse(evidence.file.open("rb"), content_type=evidence.content_type)
        # Files kept before the gate may carry the name they came with.
        name = stored_name(evidence.original_name or "tai-lieu", evidence.content_type)
        audit_download(request, obj=evidence, unit=evidence.item.scorecard.unit, name=name)
        return attachment_headers(response, name=name)


class ProposalView(ItemMixin, View):
    """Accept the system's proposal, or keep one's own score with a reason."""

    def post(self, request, pk):
        item = self.get_item(pk)
        try:
            item = assessment.proposal_decide(
                item=item,
                user=request.user,
                accept=request.POST.get("decision") == "accept",
                reason=request.POST.get("reason", ""),
            )
        except ValidationError as error:
            return self.answer(item, error=_error_text(error))
        return self.answer(item)


class ItemExplainView(ItemMixin, View):
    """The unit's explanation of an item during the explanation round."""

    def post(self, request, pk):
        item = self.get_item(pk)
        try:
            item = appraisal.item_explain(item=item, user=request.user, text=request.POST.get("text", ""))
        except ValidationError as error:
            return self.answer(item, error=_error_text(error))
        return self.answer(item)


class ScorecardSubmitView(ScopedViewMixin, View):
    """The unit's head submits the self-assessment (after a confirmation)."""

    required_action = "par.scorecard.submit"

    def post(self, request, pk):
        scorecard = get_object_or_404(
            grid.scorecards_visible(request.user).filter(
                pk__in=grid.scorecards_editable(request.user).values("pk")
            ),
            pk=pk,
        )
        try:
            assessment.scorecard_submit(
                scorecard=scorecard, user=request.user, report_note=request.POST.get("report_note")
            )
        except ValidationError as error:
            context = _grid_context(request, scorecard, problems=error.messages)
            return render(request, "par/unit_scorecard.html", context, status=400)
        messages.success(request, _("Đã gửi phiếu tự đánh giá để thẩm định."))
        return redirect("par_units:scorecard_detail", pk=scorecard.pk)


# --- appraisal ---------------------------------------------------------------------------


class AppraisalListView(ScopedViewMixin, ListView):
    """The criteria the user's department appraises, across all units of a
    cycle: each item with the self score, evidence and explanation, and
    the appraised scores."""

    required_action = "par.appraise"
    template_name = "par/unit_appraisal.html"
    context_object_name = "items"
    paginate_by = 200

    def scoped_queryset(self, user):
        items = grid.items_appraisable(user).select_related("node", "scorecard__unit", "scorecard__cycle")
        cycle = whole_number(self.request.GET.get("cycle"))
        if cycle is not None:
            items = items.filter(scorecard__cycle_id=cycle)
        return items.order_by(
            "scorecard__cycle_id", "node__position", "scorecard__unit__path"
        ).prefetch_related("evidence__document")


class ItemAppraiseView(ScopedViewMixin, View):
    required_action = "par.appraise"

    def post(self, request, pk):
        item = get_object_or_404(grid.items_appraisable(request.user), pk=pk)
        try:
            appraisal.item_appraise(
                item=item,
                user=request.user,
                points=request.POST.get("points", ""),
                reason=request.POST.get("reason", ""),
                request_explanation=request.POST.get("request_explanation") == "on",
                version=whole_number(request.POST.get("version")),
            )
        except ValidationError as error:
            messages.error(
                request, _("Tiêu chí %(code)s: %(e)s") % {"code": item.node.code, "e": _error_text(error)}
            )
        else:
            messages.success(
                request, _("Đã lưu điểm thẩm định tiêu chí %(code)s.") % {"code": item.node.code}
            )
        return redirect(reverse("par_units:appraisal") + f"?cycle={item.scorecard.cycle_id}#item-{item.pk}")


class ScorecardStepView(ScopedViewMixin, View):
    """The Sở Nội vụ closes round 1, opens round 2, or locks the scores."""

    required_action = "par.cycle.manage"

    def post(self, request, pk, action):
        scorecard = get_object_or_404(grid.scorecards_managed(request.user), pk=pk)
        try:
            appraisal.scorecard_step(scorecard=scorecard, user=request.user, action=action)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("Đã chuyển phiếu sang bước tiếp theo."))
        return redirect("par_units:scorecard_detail", pk=scorecard.pk)


# --- results ---------------------------------------------------------------------------


class ResultDetailView(ScopedViewMixin, DetailView):
    """A unit's result: index, band, rank and each area's points."""

    template_name = "par/unit_result.html"
    context_object_name = "result"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not (
            can(request.user, "par.results.view") or can(request.user, "par.scorecard.view")
        ):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def scoped_queryset(self, user):
        return grid.results_visible(user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        result = self.object
        areas = CriteriaNode.objects.filter(criteria_set_id=result.cycle.criteria_set_id, level=1).order_by(
            "position"
        )
        scorecard = result.cycle.scorecards.filter(unit_id=result.unit_id).first()
        context["areas"] = [
            {"node": node, **{key: _num(value) for key, value in area_figures(result, node.code).items()}}
            for node in areas
        ]
        context["scorecard"] = scorecard
        context["cycle"] = result.cycle
        return context


class ScorecardProposeView(ScopedViewMixin, View):
    """Ask the system for its proposals again (from the records as they are now)."""

    required_action = "par.scorecard.edit"

    def post(self, request, pk):
        from .proposals import scorecard_propose

        scorecard = get_object_or_404(
            grid.scorecards_editable(request.user).select_related("cycle", "unit"), pk=pk
        )
        if not assessment.self_assessment_open(scorecard):
            messages.error(request, _("Phiếu không còn ở giai đoạn tự đánh giá."))
        else:
            count = scorecard_propose(scorecard=scorecard)
            messages.success(
                request, _("Hệ thống đã đề xuất %(n)s tiêu chí từ dữ liệu đang có.") % {"n": count}
            )
        return redirect("par_units:scorecard_detail", pk=scorecard.pk)


class DecisionDraftView(ScopedViewMixin, View):
    """The Sở Nội vụ drafts the decision publishing the year's index (all
    blocks of the cycle's province and year); the document pages take over."""

    required_action = "par.cycle.manage"

    def post(self, request, pk):
        from cchc.access import action_roles, scope_q

        from .models import Cycle
        from .publication import decision_draft

        cycle = get_object_or_404(
            Cycle.objects.filter(scope_q(request.user, "province", action_roles("par.cycle.manage"))), pk=pk
        )
        try:
            document = decision_draft(province=cycle.province, year=cycle.year, user=request.user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return redirect("par:cycle_detail", pk=cycle.pk)
        return redirect("document_detail", pk=document.pk)


class OverviewView(ScopedViewMixin, View):
    """Leaders' view of the index: the year's ranking, each unit over the
    years, the areas losing most points, units without evidence."""

    required_action = "par.results.view"

    def get(self, request):
        from .overview import overview

        year = request.GET.get("year", "")
        context = overview(
            request.user,
            year=whole_number(year),
            current=request.GET.get("mode") == "current",
        )
        return render(request, "par/unit_overview.html", context)
