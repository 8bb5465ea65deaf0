"""Pages of inspections, and the in-place editing of a conclusion's points
and of the tasks given from them. Views stay thin: selectors read, services
write."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView

from cchc.access import can, units_visible
from cchc.choices import DocumentKind, DocumentStatus
from cchc.forms import add_service_errors
from cchc.mixins import HtmxPartialMixin, ScopedViewMixin

from .. import drafting, selectors, services
from ..choices import FindingKind
from ..forms import BulkDeadlineForm, FindingForm, InspectionFilterForm, PasteForm, PasteReviewForm, TaskForm
from ..models import Finding, RemediationTaskQuerySet

# Inspections -------------------------------------------------------------


class InspectionListView(ScopedViewMixin, HtmxPartialMixin, ListView):
    template_name = "inspections/inspection_list.html"
    partial_template_name = "inspections/partials/inspection_results.html"
    partial_target = "inspection-results"
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
    can_edit = can(request.user, "finding.edit", inspection)
    year = inspection.plan.year
    notices = drafting.documents_of(inspection).filter(kind=DocumentKind.CONCLUSION_NOTICE)
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
        "notices": notices if can_edit else notices.filter(status=DocumentStatus.PUBLISHED),
        "today": timezone.localdate(),
        "reports": list(
            selectors.reports_visible(request.user)
            .filter(inspection=inspection)
            .select_related("unit")
            .order_by("unit__name", "revision")
        ),
        "can_report": inspection.is_issued
        and can(request.user, "report.write")
        and any(t.status in RemediationTaskQuerySet.OPEN_STATUSES for t in inspection.tasks.all()),
    }
    return context


class EditorMixin(ScopedViewMixin):
    """Views that change an inspection: inspectors and administrators of the
    plan's scope; anything else is a 404. ``InspectionEditMixin`` reads the
    inspection named by the URL, ``FindingEditMixin`` the point."""

    required_action = "finding.edit"

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


class InspectionEditMixin(EditorMixin):
    def scoped_queryset(self, user):
        return selectors.inspections_editable(user).select_related("plan", "unit")


class FindingEditMixin(EditorMixin):
    def scoped_queryset(self, user):
        return selectors.findings_editable(user)


class FindingCreateView(InspectionEditMixin, View):
    def post(self, request, pk, kind):
        inspection = self.get_object()
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


class FindingItemView(FindingEditMixin, View):
    """One point: shown (GET), or its edit form (GET ?edit=1), saved (POST)."""

    def get(self, request, pk):
        finding = self.get_object()
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
        finding = self.get_object()
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


class FindingDeleteView(FindingEditMixin, View):
    def post(self, request, pk):
        finding = self.get_object()
        inspection, kind = finding.inspection, finding.kind
        services.finding_delete(finding=finding, deleted_by=request.user)
        return self.page_or_part(inspection, kind)


class FindingMoveView(FindingEditMixin, View):
    def post(self, request, pk):
        finding = self.get_object()
        offset = -1 if request.POST.get("direction") == "up" else 1
        services.finding_move(finding=finding, offset=offset, user=request.user)
        return self.page_or_part(finding.inspection, finding.kind)


class FindingReorderView(InspectionEditMixin, View):
    def post(self, request, pk, kind):
        inspection = self.get_object()
        try:
            ids = [int(value) for value in request.POST.getlist("order")]
            services.finding_reorder(inspection=inspection, kind=kind, ordered_ids=ids, user=request.user)
        except (ValueError, ValidationError):
            error = _("Không sắp xếp được: danh sách đã thay đổi, hãy tải lại trang.")
            if request.htmx:
                return self.render_part(inspection, kind, trigger="", error=error)
            messages.error(request, error)
        return self.page_or_part(inspection, kind)


class FindingPasteView(InspectionEditMixin, View):
    """Paste a numbered block: split it (preview), then save the reviewed
    points."""

    def post(self, request, pk):
        inspection = self.get_object()
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


class TaskFromFindingView(FindingEditMixin, View):
    """Turn a recommendation into a remediation task."""

    def get_object(self, queryset=None):
        finding = super().get_object(queryset)
        if finding.kind != FindingKind.RECOMMENDATION:
            raise Http404
        return finding

    def get(self, request, pk):
        finding = self.get_object()
        form = TaskForm(inspection=finding.inspection)
        return render(request, "inspections/partials/task_form.html", {"finding": finding, "form": form})

    def post(self, request, pk):
        finding = self.get_object()
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
                finding = self.get_object()
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


class TaskDeadlineView(InspectionEditMixin, View):
    """One deadline for all the inspection's tasks."""

    def post(self, request, pk):
        inspection = self.get_object()
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
        return self.render_tasks(self.get_object(), None)

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


class HistoryView(InspectionEditMixin, View):
    def get(self, request, pk):
        inspection = self.get_object()
        return render(
            request,
            "inspections/partials/history.html",
            {"history": selectors.inspection_history(inspection), "inspection": inspection},
        )
