"""Pages of plans, teams and inspections, and the in-place editing of a
conclusion's points. Views stay thin: selectors read, services write."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms import formset_factory
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView

from cchc import selectors as cchc_selectors
from cchc.access import STAFF_ROLES, has_role, units_visible
from cchc.choices import Role
from cchc.forms import add_service_errors
from cchc.mixins import ScopedViewMixin

from . import documents, selectors, services
from .choices import FindingKind
from .forms import (
    BulkDeadlineForm,
    FindingForm,
    InspectionCreateForm,
    InspectionFilterForm,
    PasteForm,
    PasteReviewForm,
    PlanForm,
    TaskForm,
    TeamForm,
    TeamMemberForm,
)
from .models import Finding, InspectionTeam

EDITOR_ROLES = (Role.INSPECTOR, Role.ADMINISTRATOR)


# Plans and teams ---------------------------------------------------------


class PlanListView(ScopedViewMixin, ListView):
    required_roles = tuple(STAFF_ROLES)
    template_name = "inspections/plan_list.html"
    context_object_name = "plans"
    paginate_by = 50

    def scoped_queryset(self, user):
        self.years = selectors.plan_years(user)
        self.year = _int_or_none(self.request.GET.get("year"))
        return selectors.plan_list(user, year=self.year)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(years=self.years, year=self.year, can_create=_is_editor(self.request.user))
        return context


class PlanDetailView(ScopedViewMixin, DetailView):
    required_roles = tuple(STAFF_ROLES)
    template_name = "inspections/plan_detail.html"
    context_object_name = "plan"

    def scoped_queryset(self, user):
        return selectors.plan_detail(user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = self.object
        inspected = {i.unit_id for i in plan.inspections.all()}
        context["uninspected_units"] = [u for u in plan.planned_units.all() if u.pk not in inspected]
        context["can_edit"] = selectors.plans_editable(self.request.user).filter(pk=plan.pk).exists()
        context["documents"] = documents.documents_of(plan).select_related("issuing_unit")
        job_id = self.request.GET.get("job", "")
        context["job"] = (
            cchc_selectors.jobs_visible(self.request.user).filter(pk=job_id).first()
            if job_id.isdigit()
            else None
        )
        context["deadline_form"] = BulkDeadlineForm()
        return context


class PlanFormView(ScopedViewMixin, View):
    """Create a plan, or edit one (``pk``)."""

    required_roles = EDITOR_ROLES
    template_name = "inspections/plan_form.html"

    def get_plan(self):
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(selectors.plans_editable(self.request.user), pk=self.kwargs["pk"])

    def make_form(self, plan, data=None):
        user = self.request.user
        units = units_visible(user)
        return PlanForm(
            data,
            instance=plan,
            issuers=units.filter(Q(valid_to__isnull=True) | Q(pk=getattr(plan, "issuer_id", None))),
            units=units,
        )

    def get(self, request, **kwargs):
        plan = self.get_plan()
        return render(request, self.template_name, {"form": self.make_form(plan), "plan": plan})

    def post(self, request, **kwargs):
        plan = self.get_plan()
        form = self.make_form(plan, request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            units = list(data.pop("planned_units"))
            try:
                if plan is None:
                    plan = services.plan_create(**data, planned_units=units, created_by=request.user)
                else:
                    services.plan_update(plan=plan, planned_units=units, **data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Đã lưu kế hoạch %(plan)s.") % {"plan": plan})
                return redirect("inspections:plan_detail", pk=plan.pk)
        return render(request, self.template_name, {"form": form, "plan": plan}, status=400)


MemberFormSet = formset_factory(TeamMemberForm, extra=3, can_delete=True)


class TeamFormView(ScopedViewMixin, View):
    """Create a team in a plan, or edit one, with its members."""

    required_roles = EDITOR_ROLES
    template_name = "inspections/team_form.html"

    def get_objects(self):
        plans = selectors.plans_editable(self.request.user)
        if "team_pk" in self.kwargs:
            team = get_object_or_404(InspectionTeam.objects.filter(plan__in=plans), pk=self.kwargs["team_pk"])
            return team.plan, team
        return get_object_or_404(plans, pk=self.kwargs["pk"]), None

    def make_forms(self, plan, team, data=None):
        units = units_visible(self.request.user)
        initial = [
            {"full_name": m.full_name, "position": m.position, "organisation": m.organisation, "role": m.role}
            for m in (team.members.all() if team else [])
        ]
        form = TeamForm(data, instance=team, issuers=units)
        formset = MemberFormSet(data, initial=initial, prefix="members", form_kwargs={"organisations": units})
        return form, formset

    def get(self, request, **kwargs):
        plan, team = self.get_objects()
        form, formset = self.make_forms(plan, team)
        return render(
            request, self.template_name, {"form": form, "formset": formset, "plan": plan, "team": team}
        )

    def post(self, request, **kwargs):
        plan, team = self.get_objects()
        form, formset = self.make_forms(plan, team, request.POST)
        if form.is_valid() and formset.is_valid():
            members = [
                {k: v for k, v in f.cleaned_data.items() if k != "DELETE"}
                for f in formset.forms
                if f.cleaned_data.get("full_name") and not f.cleaned_data.get("DELETE")
            ]
            try:
                if team is None:
                    team = services.team_create(plan=plan, members=members, **form.cleaned_data)
                else:
                    services.team_update(team=team, members=members, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Đã lưu đoàn kiểm tra."))
                return redirect("inspections:plan_detail", pk=plan.pk)
        context = {"form": form, "formset": formset, "plan": plan, "team": team}
        return render(request, self.template_name, context, status=400)


class InspectionCreateView(ScopedViewMixin, View):
    required_roles = EDITOR_ROLES
    template_name = "inspections/inspection_form.html"

    def get_plan(self):
        return get_object_or_404(selectors.plans_editable(self.request.user), pk=self.kwargs["pk"])

    def get(self, request, **kwargs):
        plan = self.get_plan()
        form = InspectionCreateForm(plan=plan, initial={"unit": request.GET.get("unit")})
        return render(request, self.template_name, {"form": form, "plan": plan})

    def post(self, request, **kwargs):
        plan = self.get_plan()
        form = InspectionCreateForm(request.POST, plan=plan)
        if form.is_valid():
            try:
                inspection = services.inspection_create(
                    plan=plan, created_by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("inspections:inspection_detail", pk=inspection.pk)
        return render(request, self.template_name, {"form": form, "plan": plan}, status=400)


# Inspections -------------------------------------------------------------


class InspectionListView(ScopedViewMixin, ListView):
    template_name = "inspections/inspection_list.html"
    context_object_name = "inspections"
    paginate_by = 50

    def scoped_queryset(self, user):
        self.filter_form = InspectionFilterForm(
            self.request.GET or None,
            plans=selectors.plans_visible(user).select_related("issuer"),
            units=units_visible(user),
        )
        filters = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        return selectors.inspection_list(user, **filters)

    def get_template_names(self):
        if self.request.htmx and self.request.htmx.target == "inspection-results":
            return ["inspections/partials/inspection_results.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.filter_form
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_string"] = query.urlencode()
        return context


class InspectionDetailView(ScopedViewMixin, DetailView):
    template_name = "inspections/inspection_detail.html"
    context_object_name = "inspection"

    def scoped_queryset(self, user):
        return selectors.inspection_detail(user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(detail_context(self.request, self.object))
        return context


def detail_context(request, inspection, **overrides) -> dict:
    """What the inspection page and its parts need."""
    can_edit = selectors.can_edit_inspection(request.user, inspection)
    year = inspection.plan.year
    parts = []
    for kind, label, findings in selectors.findings_by_kind(inspection):
        parts.append(
            {
                "kind": kind,
                "label": label,
                "numeral": {"achievement": "I", "shortcoming": "II", "recommendation": "III"}[kind],
                "findings": findings,
                "form": overrides.get(f"form_{kind}")
                or (FindingForm(year=year, auto_id=f"id_{kind}_%s") if can_edit else None),
            }
        )
    context = {
        "inspection": inspection,
        "parts": parts,
        "can_edit": can_edit,
        "history": selectors.inspection_history(inspection) if can_edit else [],
        "paste_form": overrides.get("paste_form") or (PasteForm(year=year) if can_edit else None),
        "deadline_form": overrides.get("deadline_form") or (BulkDeadlineForm() if can_edit else None),
        "notices": documents.documents_of(inspection).filter(kind="conclusion_notice")
        if can_edit
        else documents.documents_of(inspection).filter(kind="conclusion_notice", status="published"),
        "today": timezone.localdate(),
        "reports": list(
            selectors.reports_visible(request.user)
            .filter(inspection=inspection)
            .select_related("unit")
            .order_by("unit__name", "revision")
        ),
        "can_report": inspection.is_issued
        and has_role(request.user, *selectors.REPORTER_ROLES)
        and any(t.status in ("open", "returned") for t in inspection.tasks.all()),
    }
    return context


class EditorMixin(ScopedViewMixin):
    """Views that change an inspection: inspectors and administrators of the
    plan's scope; anything else is a 404."""

    required_roles = EDITOR_ROLES

    def get_inspection(self, pk):
        return get_object_or_404(
            selectors.inspections_editable(self.request.user).select_related("plan", "unit"), pk=pk
        )

    def get_finding(self, pk):
        return get_object_or_404(
            Finding.objects.select_related(
                "inspection__plan", "inspection__unit", "reform_area", "task"
            ).filter(inspection__in=selectors.inspections_editable(self.request.user)),
            pk=pk,
        )

    def render_part(self, inspection, kind, form=None, trigger="historyChanged", error=""):
        inspection = selectors.inspection_detail(self.request.user).get(pk=inspection.pk)
        context = detail_context(self.request, inspection, **({f"form_{kind}": form} if form else {}))
        part = next(p for p in context["parts"] if p["kind"] == kind)
        part["error"] = error
        response = render(
            self.request,
            "inspections/partials/finding_part.html",
            {**context, "part": part},
        )
        if trigger:
            response["HX-Trigger"] = trigger
        return response

    def page_or_part(self, inspection, kind, form=None):
        """The part alone for HTMX (form errors included: HTMX swaps only
        2xx answers), else a redirect, or the whole page with the errors."""
        if self.request.htmx:
            return self.render_part(inspection, kind, form=form)
        if form is None:
            return redirect(reverse("inspections:inspection_detail", args=[inspection.pk]) + f"#part-{kind}")
        inspection = selectors.inspection_detail(self.request.user).get(pk=inspection.pk)
        context = detail_context(self.request, inspection, **{f"form_{kind}": form})
        return render(self.request, "inspections/inspection_detail.html", context, status=400)


class FindingCreateView(EditorMixin, View):
    def post(self, request, pk, kind):
        inspection = self.get_inspection(pk)
        if kind not in FindingKind.values:
            return HttpResponse(status=404)
        form = FindingForm(request.POST, year=inspection.plan.year, auto_id=f"id_{kind}_%s")
        if form.is_valid():
            try:
                services.finding_create(
                    inspection=inspection,
                    kind=kind,
                    reform_area=form.cleaned_data["reform_area"],
                    text=form.cleaned_data["text"],
                    created_by=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return self.page_or_part(inspection, kind)
        return self.page_or_part(inspection, kind, form=form)


class FindingItemView(EditorMixin, View):
    """One point: shown (GET), or its edit form (GET ?edit=1), saved (POST)."""

    def get(self, request, pk):
        finding = self.get_finding(pk)
        if request.GET.get("edit"):
            form = FindingForm(
                year=finding.inspection.plan.year,
                auto_id=f"id_f{finding.pk}_%s",
                initial={
                    "text": finding.text,
                    "reform_area": finding.reform_area_id,
                    "version": finding.version,
                },
            )
            return self.render_form(finding, form)
        return self.render_item(finding)

    def post(self, request, pk):
        finding = self.get_finding(pk)
        form = FindingForm(request.POST, year=finding.inspection.plan.year, auto_id=f"id_f{finding.pk}_%s")
        if form.is_valid():
            try:
                finding = services.finding_update(
                    finding=finding,
                    expected_version=form.cleaned_data["version"] or 0,
                    text=form.cleaned_data["text"],
                    reform_area=form.cleaned_data["reform_area"],
                    updated_by=request.user,
                )
            except services.StaleEditError as error:
                current = Finding.objects.select_related("reform_area").get(pk=finding.pk)
                data = request.POST.copy()
                data["version"] = current.version
                form = FindingForm(data, year=finding.inspection.plan.year, auto_id=f"id_f{finding.pk}_%s")
                form.is_valid()
                form.add_error(None, error.messages[0])
                return self.render_form(current, form, newer=current, status=409)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                response = self.render_item(finding)
                response["HX-Trigger"] = "historyChanged"
                return response
        return self.render_form(finding, form, status=400)

    def render_item(self, finding):
        context = {"finding": finding, "can_edit": True, "inspection": finding.inspection}
        if not self.request.htmx:
            return redirect(
                reverse("inspections:inspection_detail", args=[finding.inspection_id])
                + f"#finding-{finding.pk}"
            )
        return render(self.request, "inspections/partials/finding_item.html", context)

    def render_form(self, finding, form, newer=None, status=200):
        context = {"finding": finding, "form": form, "newer": newer, "inspection": finding.inspection}
        # HTMX swaps only 2xx responses by default; a conflict is still shown
        # in place, and a plain request gets the real status.
        return render(
            self.request,
            "inspections/partials/finding_form.html",
            context,
            status=200 if self.request.htmx else status,
        )


class FindingDeleteView(EditorMixin, View):
    def post(self, request, pk):
        finding = self.get_finding(pk)
        inspection, kind = finding.inspection, finding.kind
        services.finding_delete(finding=finding, deleted_by=request.user)
        return self.page_or_part(inspection, kind)


class FindingMoveView(EditorMixin, View):
    def post(self, request, pk):
        finding = self.get_finding(pk)
        offset = -1 if request.POST.get("direction") == "up" else 1
        services.finding_move(finding=finding, offset=offset, user=request.user)
        return self.page_or_part(finding.inspection, finding.kind)


class FindingReorderView(EditorMixin, View):
    def post(self, request, pk, kind):
        inspection = self.get_inspection(pk)
        try:
            ids = [int(value) for value in request.POST.getlist("order")]
            services.finding_reorder(inspection=inspection, kind=kind, ordered_ids=ids, user=request.user)
        except (ValueError, ValidationError):
            error = _("Không sắp xếp được: danh sách đã thay đổi, hãy tải lại trang.")
            if request.htmx:
                return self.render_part(inspection, kind, trigger="", error=error)
            messages.error(request, error)
        return self.page_or_part(inspection, kind)


class FindingPasteView(EditorMixin, View):
    """Paste a numbered block: split it (preview), then save the reviewed
    points."""

    def post(self, request, pk):
        inspection = self.get_inspection(pk)
        year = inspection.plan.year
        if "confirm" in request.POST:
            review = PasteReviewForm(request.POST, year=year)
            if review.is_valid():
                kind = review.cleaned_data["kind"]
                services.findings_create_many(
                    inspection=inspection,
                    kind=kind,
                    reform_area=review.cleaned_data["reform_area"],
                    texts=review.cleaned_data["points"],
                    created_by=request.user,
                )
                messages.success(
                    request, _("Đã thêm %(n)s điểm.") % {"n": len(review.cleaned_data["points"])}
                )
                url = reverse("inspections:inspection_detail", args=[inspection.pk]) + f"#part-{kind}"
                if request.htmx:
                    response = HttpResponse(status=204)
                    # The same page with another #part: HX-Redirect alone would
                    # only scroll, so the page is reloaded.
                    response["HX-Redirect"] = url
                    response["HX-Refresh"] = "true"
                    return response
                return redirect(url)
            return self.render_review(inspection, review, review.points)
        form = PasteForm(request.POST, year=year)
        if form.is_valid():
            review = PasteReviewForm(
                year=year,
                initial={"kind": form.cleaned_data["kind"], "reform_area": form.cleaned_data["reform_area"]},
            )
            return self.render_review(inspection, review, form.cleaned_data["points"], source=form)
        return render(
            request,
            "inspections/partials/paste_form.html",
            {"inspection": inspection, "paste_form": form},
            status=200 if request.htmx else 400,
        )

    def render_review(self, inspection, review, points, source=None):
        context = {"inspection": inspection, "review": review, "points": points, "source": source}
        return render(self.request, "inspections/partials/paste_review.html", context)


class TaskFromFindingView(EditorMixin, View):
    """Turn a recommendation into a remediation task."""

    def get_finding(self, pk):
        finding = super().get_finding(pk)
        if finding.kind != FindingKind.RECOMMENDATION:
            raise Http404
        return finding

    def get(self, request, pk):
        finding = self.get_finding(pk)
        form = TaskForm(inspection=finding.inspection)
        return render(request, "inspections/partials/task_form.html", {"finding": finding, "form": form})

    def post(self, request, pk):
        finding = self.get_finding(pk)
        form = TaskForm(request.POST, inspection=finding.inspection)
        if form.is_valid():
            try:
                services.task_create(
                    inspection=finding.inspection,
                    finding=finding,
                    description=finding.text,
                    created_by=request.user,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                finding = self.get_finding(pk)
                response = render(
                    request,
                    "inspections/partials/finding_item.html",
                    {"finding": finding, "can_edit": True, "inspection": finding.inspection},
                )
                response["HX-Trigger"] = "tasksChanged, historyChanged"
                return response
        return render(
            request,
            "inspections/partials/task_form.html",
            {"finding": finding, "form": form},
            status=200 if request.htmx else 400,
        )


class TaskDeadlineView(EditorMixin, View):
    """One deadline for all the inspection's tasks."""

    def post(self, request, pk):
        inspection = self.get_inspection(pk)
        form = BulkDeadlineForm(request.POST)
        if form.is_valid():
            try:
                count = services.tasks_set_deadline(
                    inspection=inspection, deadline=form.cleaned_data["deadline"], user=request.user
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Đã đặt hạn báo cáo cho %(n)s nhiệm vụ.") % {"n": count})
                form = None
        return self.render_tasks(inspection, form)

    def get(self, request, pk):
        return self.render_tasks(self.get_inspection(pk), None)

    def render_tasks(self, inspection, form):
        inspection = selectors.inspection_detail(self.request.user).get(pk=inspection.pk)
        context = detail_context(self.request, inspection, deadline_form=form)
        if not self.request.htmx:
            if form is not None and form.errors:
                return render(self.request, "inspections/inspection_detail.html", context, status=400)
            return redirect(reverse("inspections:inspection_detail", args=[inspection.pk]) + "#tasks")
        response = render(self.request, "inspections/partials/task_table.html", context)
        if form is None and self.request.method == "POST":
            response["HX-Trigger"] = "historyChanged"
        return response


class HistoryView(EditorMixin, View):
    def get(self, request, pk):
        inspection = self.get_inspection(pk)
        return render(
            request,
            "inspections/partials/history.html",
            {"history": selectors.inspection_history(inspection), "inspection": inspection},
        )


def _is_editor(user) -> bool:
    return has_role(user, *EDITOR_ROLES)


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# Documents drafted from inspections and plans ----------------------------


class NoticeDraftView(EditorMixin, View):
    """Open the inspection's draft conclusion notice, drafting it from the
    findings the first time."""

    def post(self, request, pk):
        inspection = self.get_inspection(pk)
        document = documents.notice_draft(inspection=inspection, user=request.user)
        return redirect("document_detail", pk=document.pk)


class PlanDocumentDraftView(ScopedViewMixin, View):
    """Draft the report over a plan (with its per-unit appendix) or the
    follow-up letter to all inspected bodies."""

    required_roles = EDITOR_ROLES

    def post(self, request, pk, kind):
        plan = get_object_or_404(selectors.plans_editable(request.user), pk=pk)
        if kind == "report":
            form = BulkDeadlineForm(request.POST)
            deadline = form.cleaned_data["deadline"] if form.is_valid() else None
            document = documents.report_draft(plan=plan, user=request.user, deadline=deadline)
        elif kind == "letter":
            document = documents.follow_up_draft(plan=plan, user=request.user)
        else:
            raise Http404
        return redirect("document_detail", pk=document.pk)


class PlanNoticesIssueView(ScopedViewMixin, View):
    """Issue, render and sign the notices of every inspection of a plan, as
    one job with progress over all of them."""

    required_roles = EDITOR_ROLES

    def post(self, request, pk):
        plan = get_object_or_404(selectors.plans_editable(request.user), pk=pk)
        job = documents.plan_notices_issue(plan=plan, user=request.user, sign=request.POST.get("sign") == "1")
        return redirect(reverse("inspections:plan_detail", args=[plan.pk]) + f"?job={job.pk}")
