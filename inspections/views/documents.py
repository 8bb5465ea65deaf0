"""Documents drafted from inspections and plans: the conclusion notice, the
report over a plan, the follow-up letter, and the notices of a whole plan
issued as one job."""

from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View

from cchc.choices import DocumentKind
from cchc.documents import kinds
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
    """Draft a document of a plan, by the slug its kind declares
    (:mod:`inspections.document_kinds`): the plan itself, a team's founding
    decision (``team`` in the form), the report over the plan (with its
    per-unit appendix and a deadline), the follow-up letter, the notice of
    the conference's conclusions."""

    required_action = "document.draft"

    def scoped_queryset(self, user):
        return selectors.plans_editable(user)

    def post(self, request, pk, kind):
        plan = self.get_object()
        declared = kinds.by_slug(kind)
        if declared is None or declared.draft is None or declared.source not in ("plan", "team"):
            raise Http404
        options = {"user": request.user}
        if declared.source == "team":
            source = plan.teams.filter(pk=request.POST.get("team") or 0).first() or plan.teams.first()
            if source is None:
                raise Http404
        else:
            source = plan
        if declared.key == DocumentKind.INSPECTION_REPORT:
            form = BulkDeadlineForm(request.POST)
            options["deadline"] = form.cleaned_data["deadline"] if form.is_valid() else None
        document = declared.draft(source, **options)
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
