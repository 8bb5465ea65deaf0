"""Documents drafted from inspections and plans: the conclusion notice, the
report over a plan, the follow-up letter, and the notices of a whole plan
issued as one job."""

from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View

from cchc.mixins import ScopedViewMixin

from .. import drafting, selectors
from ..forms import BulkDeadlineForm


class NoticeDraftView(ScopedViewMixin, View):
    """Open the inspection's draft conclusion notice, drafting it from the
    findings the first time."""

    required_action = "document.draft"

    def scoped_queryset(self, user):
        return selectors.inspections_editable(user).select_related("plan", "unit")

    def post(self, request, pk):
        inspection = self.get_object()
        document = drafting.notice_draft(inspection=inspection, user=request.user)
        return redirect("document_detail", pk=document.pk)


class PlanDocumentDraftView(ScopedViewMixin, View):
    """Draft the report over a plan (with its per-unit appendix) or the
    follow-up letter to all inspected bodies."""

    required_action = "document.draft"

    def scoped_queryset(self, user):
        return selectors.plans_editable(user)

    def post(self, request, pk, kind):
        plan = self.get_object()
        if kind == "report":
            form = BulkDeadlineForm(request.POST)
            deadline = form.cleaned_data["deadline"] if form.is_valid() else None
            document = drafting.report_draft(plan=plan, user=request.user, deadline=deadline)
        elif kind == "letter":
            document = drafting.follow_up_draft(plan=plan, user=request.user)
        else:
            raise Http404
        return redirect("document_detail", pk=document.pk)


class PlanNoticesIssueView(ScopedViewMixin, View):
    """Issue, render and sign the notices of every inspection of a plan, as
    one job with progress over all of them."""

    required_action = "document.issue"

    def scoped_queryset(self, user):
        return selectors.plans_editable(user)

    def post(self, request, pk):
        plan = self.get_object()
        job = drafting.plan_notices_issue(plan=plan, user=request.user, sign=request.POST.get("sign") == "1")
        return redirect(reverse("inspections:plan_detail", args=[plan.pk]) + f"?job={job.pk}")
