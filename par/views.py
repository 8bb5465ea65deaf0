"""The province's pages for managing the PAR index: criteria sets (list,
tree, Excel import with preview, export, copy, issue) and cycles (create,
units and their rule, deadlines, survey import, computing the results).
Thin: a selector reads, a service writes."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView

from cchc.access import can
from cchc.forms import add_service_errors
from cchc.jobs.services import job_create
from cchc.mixins import ScopedViewMixin
from cchc.text import ascii_name
from cchc.uploads import XLSX, attachment_headers

from . import scoring, selectors, services
from .choices import CycleStatus, ScorecardStatus, SetStatus
from .forms import (
    CopyForm,
    CycleCreateForm,
    CycleUnitForm,
    DeadlinesForm,
    IssueForm,
    SetCreateForm,
    SetEditForm,
    SurveyUploadForm,
    UploadForm,
)
from .jobs import COMPUTE
from .models import UNIT_RULE, CycleUnit, issued_set_error

SET_IMPORT_KEY = "par_set_import_{pk}"
SURVEY_IMPORT_KEY = "par_survey_import_{pk}"
PAGE_SIZE = 200


# --- criteria sets ------------------------------------------------------------------


class SetListView(ScopedViewMixin, ListView):
    required_action = "par.set.view"
    template_name = "par/set_list.html"
    context_object_name = "sets"
    paginate_by = 50

    def scoped_queryset(self, user):
        return selectors.sets_visible(user).order_by("-year", "unit_group", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_manage"] = can(self.request.user, "par.set.manage")
        return context


class SetCreateView(ScopedViewMixin, View):
    required_action = "par.set.manage"
    template_name = "par/set_form.html"

    def form(self, data=None):
        return SetCreateForm(data, provinces=selectors.provinces_manageable(self.request.user))

    def get(self, request):
        return render(request, self.template_name, {"form": self.form()})

    def post(self, request):
        form = self.form(request.POST)
        if form.is_valid():
            try:
                criteria_set = services.criteria_set_create(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Đã tạo dự thảo bộ tiêu chí. Hãy nhập cây tiêu chí từ Excel."))
                return redirect("par:set_detail", pk=criteria_set.pk)
        return render(request, self.template_name, {"form": form}, status=400)


class SetDetailView(ScopedViewMixin, DetailView):
    """A set as a tree, with its bands and what stops it from being issued."""

    required_action = "par.set.view"
    template_name = "par/set_detail.html"
    context_object_name = "criteria_set"

    def scoped_queryset(self, user):
        return selectors.sets_visible(user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        criteria_set = self.object
        manageable = selectors.sets_manageable(self.request.user).filter(pk=criteria_set.pk).exists()
        context.update(
            nodes=selectors.set_tree(criteria_set),
            bands=list(criteria_set.bands.order_by("position")),
            can_manage=manageable,
            problems=services.criteria_set_problems(criteria_set) if not criteria_set.is_issued else [],
            copy_form=CopyForm(initial={"year": criteria_set.year + 1}),
            cycles=list(criteria_set.cycles.order_by("-year")),
        )
        return context


class ManagedSetMixin(ScopedViewMixin):
    required_action = "par.set.manage"

    def scoped_queryset(self, user):
        return selectors.sets_manageable(user)


class SetEditView(ManagedSetMixin, View):
    """A draft set's own fields: name, total, caps, level names, basis, notes."""

    template_name = "par/set_edit.html"
    FIELDS = ("name", "total_points", "bonus_cap", "penalty_cap", "level_labels", "national_basis", "notes")

    def get(self, request, pk):
        criteria_set = self.get_object()
        initial = {name: getattr(criteria_set, name) for name in self.FIELDS}
        initial["level_labels"] = "\n".join(criteria_set.level_labels or [])
        form = SetEditForm(initial=initial)
        return render(request, self.template_name, {"criteria_set": criteria_set, "form": form})

    def post(self, request, pk):
        criteria_set = self.get_object()
        form = SetEditForm(request.POST)
        if form.is_valid():
            try:
                services.criteria_set_update(criteria_set=criteria_set, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Đã lưu bộ tiêu chí."))
                return redirect("par:set_detail", pk=pk)
        criteria_set.refresh_from_db()
        context = {"criteria_set": criteria_set, "form": form}
        return render(request, self.template_name, context, status=400)


class SetImportView(ManagedSetMixin, View):
    """Upload → preview (every problem by sheet, row and column) → save all
    or nothing, into a draft."""

    template_name = "par/set_import.html"

    def get(self, request, pk):
        criteria_set = self.get_object()
        request.session.pop(SET_IMPORT_KEY.format(pk=pk), None)
        return render(request, self.template_name, {"criteria_set": criteria_set, "form": UploadForm()})

    def post(self, request, pk):
        criteria_set = self.get_object()
        key = SET_IMPORT_KEY.format(pk=pk)
        context = {"criteria_set": criteria_set}
        if criteria_set.is_issued:
            context.update(form=UploadForm(), problems=issued_set_error().messages)
            return render(request, self.template_name, context, status=400)
        if "save" in request.POST:
            stored = request.session.get(key)
            if not stored:
                messages.error(request, _("Không còn bản xem trước: hãy tải tệp lên lại."))
                return redirect("par:set_import", pk=pk)
            try:
                count = services.criteria_set_import_save(
                    criteria_set=criteria_set, preview=services.SetImportPreview.from_session(stored)
                )
            except ValidationError as error:
                context.update(form=UploadForm(), problems=error.messages)
                return render(request, self.template_name, context, status=400)
            request.session.pop(key, None)
            messages.success(request, _("Đã nhập %(n)s tiêu chí.") % {"n": count})
            return redirect("par:set_detail", pk=pk)
        form = UploadForm(request.POST, request.FILES)
        context["form"] = form
        if not form.is_valid():
            return render(request, self.template_name, context, status=400)
        upload = form.cleaned_data["file"]
        preview = services.criteria_set_import_read(upload, criteria_set=criteria_set)
        context["name"] = upload.name
        if preview.problems:
            request.session.pop(key, None)
            context["problems"] = preview.problems
            return render(request, self.template_name, context, status=400)
        request.session[key] = preview.as_session()
        context["preview"] = preview
        return render(request, self.template_name, context)


class SetExportView(ScopedViewMixin, View):
    required_action = "par.set.view"

    def scoped_queryset(self, user):
        return selectors.sets_visible(user)

    def get(self, request, pk):
        criteria_set = self.get_object()
        data = services.criteria_set_workbook(criteria_set)
        response = HttpResponse(data, content_type=XLSX)
        name = ascii_name(f"bo-tieu-chi-{criteria_set.year}-{criteria_set.get_unit_group_display()}")
        return attachment_headers(response, name=f"{name}.xlsx")


class SetCopyView(ManagedSetMixin, View):
    def post(self, request, pk):
        source = self.get_object()
        form = CopyForm(request.POST)
        if form.is_valid():
            try:
                copy = services.criteria_set_copy(
                    source=source, year=form.cleaned_data["year"], user=request.user
                )
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("Đã sao chép thành dự thảo năm %(y)s.") % {"y": copy.year})
                return redirect("par:set_detail", pk=copy.pk)
        else:
            messages.error(request, _("Năm sao chép không hợp lệ."))
        return redirect("par:set_detail", pk=source.pk)


class SetIssueView(ManagedSetMixin, View):
    """The confirmation page, then the issue (checked in full first)."""

    template_name = "par/set_issue.html"

    def get(self, request, pk):
        criteria_set = self.get_object()
        return render(
            request,
            self.template_name,
            {
                "criteria_set": criteria_set,
                "form": IssueForm(),
                "problems": services.criteria_set_problems(criteria_set)
                if not criteria_set.is_issued
                else [],
            },
        )

    def post(self, request, pk):
        criteria_set = self.get_object()
        form = IssueForm(request.POST)
        if form.is_valid():
            try:
                services.criteria_set_issue(
                    criteria_set=criteria_set,
                    decision_number=form.cleaned_data["decision_number"],
                    decision_date=form.cleaned_data["decision_date"],
                    user=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("Đã ghi ban hành bộ tiêu chí; từ nay bộ tiêu chí không sửa được.")
                )
                return redirect("par:set_detail", pk=pk)
        return render(request, self.template_name, {"criteria_set": criteria_set, "form": form}, status=400)


# --- cycles ----------------------------------------------------------------------------


class CycleListView(ScopedViewMixin, ListView):
    required_action = "par.cycle.view"
    template_name = "par/cycle_list.html"
    context_object_name = "cycles"
    paginate_by = 50

    def scoped_queryset(self, user):
        return selectors.cycles_visible(user).order_by("-year", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_manage"] = can(self.request.user, "par.cycle.manage")
        return context


class CycleCreateView(ScopedViewMixin, View):
    required_action = "par.cycle.manage"
    template_name = "par/cycle_form.html"

    def form(self, data=None):
        return CycleCreateForm(data, sets=selectors.issued_sets_for_cycles(self.request.user))

    def get(self, request):
        return render(request, self.template_name, {"form": self.form(), "unit_rule": UNIT_RULE})

    def post(self, request):
        form = self.form(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            criteria_set = data.pop("criteria_set")
            try:
                cycle = services.cycle_create(
                    province=criteria_set.province, criteria_set=criteria_set, user=request.user, **data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Đã tạo đợt đánh giá với các đơn vị lấy từ cây đơn vị."))
                return redirect("par:cycle_detail", pk=cycle.pk)
        return render(request, self.template_name, {"form": form, "unit_rule": UNIT_RULE}, status=400)


class CycleDetailView(ScopedViewMixin, DetailView):
    """A cycle: deadlines, the units and the rule that found them, the
    results once computed."""

    required_action = "par.cycle.view"
    template_name = "par/cycle_detail.html"
    context_object_name = "cycle"

    def scoped_queryset(self, user):
        return selectors.cycles_visible(user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cycle = self.object
        manageable = selectors.cycles_manageable(self.request.user).filter(pk=cycle.pk).exists()
        counts = selectors.cycle_counts(cycle)
        counts_by = counts["statuses"]
        context.update(
            can_manage=manageable,
            can_results=can(self.request.user, "par.results.view", cycle),
            unit_rule=UNIT_RULE,
            rounding_rule=scoring.ROUNDING_RULE,
            # Bounded pages: a national cycle has thousands of units.
            units=Paginator(selectors.cycle_units(cycle), PAGE_SIZE).get_page(self.request.GET.get("units")),
            counts=counts,
            deadlines_form=DeadlinesForm(
                initial={
                    name: getattr(cycle, name)
                    for name in (
                        "self_assessment_due",
                        "round1_due",
                        "explanation_due",
                        "round2_due",
                        "publication_due",
                        "survey_held",
                    )
                }
            ),
            locked=cycle.status in (CycleStatus.LOCKED, CycleStatus.PUBLISHED),
            statuses=[(status, counts_by.get(status.value, 0)) for status in ScorecardStatus],
            can_lock=cycle.status in (CycleStatus.OPEN, CycleStatus.APPRAISAL),
            can_draft=cycle.status == CycleStatus.LOCKED and cycle.computed_at is not None,
        )
        # Each unit on the page links to its scorecard (one query for the page).
        page = list(context["units"])
        scorecard_of = dict(
            cycle.scorecards.filter(unit_id__in=[m.unit_id for m in page]).values_list("unit_id", "pk")
        )
        for member in page:
            member.scorecard_pk = scorecard_of.get(member.unit_id)
        if context["can_results"]:
            context["results"] = Paginator(selectors.cycle_results(cycle), PAGE_SIZE).get_page(
                self.request.GET.get("page")
            )
        return context


class ManagedCycleMixin(ScopedViewMixin):
    required_action = "par.cycle.manage"

    def scoped_queryset(self, user):
        return selectors.cycles_manageable(user)


class CycleDeadlinesView(ManagedCycleMixin, View):
    def post(self, request, pk):
        cycle = self.get_object()
        form = DeadlinesForm(request.POST)
        if form.is_valid():
            try:
                services.cycle_update(cycle=cycle, **form.cleaned_data)
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("Đã lưu các hạn của đợt đánh giá."))
        else:
            messages.error(request, _("Các hạn chưa hợp lệ: ghi ngày dạng dd/mm/yyyy."))
        return redirect("par:cycle_detail", pk=pk)


class CycleOpenView(ManagedCycleMixin, View):
    def post(self, request, pk):
        cycle = self.get_object()
        try:
            services.cycle_open(cycle=cycle)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Đã mở tự đánh giá cho các đơn vị."))
        return redirect("par:cycle_detail", pk=pk)


class CycleLockView(ManagedCycleMixin, View):
    """The Sở Nội vụ locks the scores of the whole cycle, after a
    confirmation page that says what is still before round 2."""

    template_name = "par/cycle_lock.html"

    def _context(self, cycle):
        waiting = (
            cycle.scorecards.exclude(status__in=(ScorecardStatus.ROUND2, ScorecardStatus.LOCKED))
            .select_related("unit")
            .order_by("unit__path")
        )
        return {
            "cycle": cycle,
            "counts": selectors.cycle_counts(cycle),
            "statuses": ScorecardStatus,
            "waiting": waiting[:50],
            "waiting_count": waiting.count(),
            "can_lock": cycle.status in (CycleStatus.OPEN, CycleStatus.APPRAISAL),
        }

    def get(self, request, pk):
        return render(request, self.template_name, self._context(self.get_object()))

    def post(self, request, pk):
        from .appraisal import cycle_lock

        cycle = self.get_object()
        try:
            count = cycle_lock(cycle=cycle, user=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return render(request, self.template_name, self._context(cycle), status=400)
        messages.success(
            request,
            _("Đã chốt điểm cả đợt (%(n)s phiếu). Hãy tính chỉ số và xếp hạng.") % {"n": count},
        )
        return redirect("par:cycle_detail", pk=pk)


class CycleUnitView(ManagedCycleMixin, View):
    """Include or leave out one unit, or keep it out of the ranking, with a reason."""

    def post(self, request, pk, unit_pk):
        cycle = self.get_object()
        member = get_object_or_404(CycleUnit.objects.select_related("unit"), cycle=cycle, pk=unit_pk)
        form = CycleUnitForm(request.POST)
        if form.is_valid():
            try:
                services.cycle_unit_set(cycle_unit=member, user=request.user, **form.cleaned_data)
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("Đã điều chỉnh đơn vị %(u)s.") % {"u": member.unit})
        else:
            messages.error(request, _("Ghi lý do điều chỉnh."))
        return redirect(reverse("par:cycle_detail", args=[pk]) + "#units")


class SurveyImportView(ManagedCycleMixin, View):
    template_name = "par/survey_import.html"

    def get(self, request, pk):
        cycle = self.get_object()
        request.session.pop(SURVEY_IMPORT_KEY.format(pk=pk), None)
        return render(
            request,
            self.template_name,
            {"cycle": cycle, "form": SurveyUploadForm(), "nodes": services.survey_nodes(cycle)},
        )

    def post(self, request, pk):
        cycle = self.get_object()
        key = SURVEY_IMPORT_KEY.format(pk=pk)
        context = {"cycle": cycle, "nodes": services.survey_nodes(cycle)}
        if "save" in request.POST:
            stored = request.session.get(key)
            if not stored:
                messages.error(request, _("Không còn bản xem trước: hãy tải tệp lên lại."))
                return redirect("par:survey_import", pk=pk)
            try:
                record = services.survey_import_save(
                    cycle=cycle,
                    preview=services.SurveyPreview.from_session(stored),
                    user=request.user,
                    source=stored.get("source", ""),
                )
            except ValidationError as error:
                context.update(form=SurveyUploadForm(), problems=error.messages)
                return render(request, self.template_name, context, status=400)
            request.session.pop(key, None)
            messages.success(
                request,
                _("Đã nhập %(n)s điểm điều tra xã hội học. Hãy tính lại chỉ số.") % {"n": record.rows},
            )
            return redirect("par:cycle_detail", pk=pk)
        form = SurveyUploadForm(request.POST, request.FILES)
        context["form"] = form
        if not form.is_valid():
            return render(request, self.template_name, context, status=400)
        upload = form.cleaned_data["file"]
        preview = services.survey_import_read(upload, cycle=cycle, original_name=upload.name)
        context["name"] = upload.name
        if preview.problems:
            request.session.pop(key, None)
            context["problems"] = preview.problems
            return render(request, self.template_name, context, status=400)
        request.session[key] = {**preview.as_session(), "source": form.cleaned_data["source"]}
        context["preview"] = preview
        return render(request, self.template_name, context)


class CycleComputeView(ManagedCycleMixin, View):
    """Compute every index and rank in the background (a job), then follow it."""

    def post(self, request, pk):
        cycle = self.get_object()
        if cycle.criteria_set.status != SetStatus.ISSUED:  # pragma: no cover - a cycle's set is issued
            messages.error(request, _("Bộ tiêu chí chưa ban hành."))
            return redirect("par:cycle_detail", pk=pk)
        job = job_create(kind=COMPUTE, unit=cycle.province, params={"cycle": cycle.pk}, user=request.user)
        return redirect("job_detail", pk=job.pk)
