"""Pages of plans and their teams, and the inspections added to a plan."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms import formset_factory
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView

from cchc import unit_pickers
from cchc.access import can, units_visible
from cchc.forms import add_service_errors
from cchc.jobs import jobs_readable
from cchc.mixins import ScopedViewMixin
from cchc.text import whole_number

from .. import drafting, selectors, services
from ..forms import BulkDeadlineForm, InspectionCreateForm, PlanForm, TeamForm, TeamMemberForm


class PlanListView(ScopedViewMixin, ListView):
    required_action = "plan.view"
    template_name = "inspections/plan_list.html"
    context_object_name = "plans"
    paginate_by = 50

    def scoped_queryset(self, user):
        self.years = selectors.plan_years(user)
        self.year = _int_or_none(self.request.GET.get("year"))
        return selectors.plan_list(user, year=self.year)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(years=self.years, year=self.year, can_create=can(self.request.user, "plan.edit"))
        return context


class PlanDetailView(ScopedViewMixin, DetailView):
    required_action = "plan.view"
    template_name = "inspections/plan_detail.html"
    context_object_name = "plan"

    def scoped_queryset(self, user):
        return selectors.plan_detail(user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = self.object
        inspected = {i.unit_id for i in plan.inspections.all()}
        context["uninspected_units"] = [u for u in plan.planned_units.all() if u.pk not in inspected]
        context["can_edit"] = can(self.request.user, "plan.edit", plan)
        context["documents"] = [
            *drafting.documents_of(plan).select_related("issuing_unit"),
            *(d for team in plan.teams.all() for d in drafting.documents_of(team)),
        ]
        job_id = whole_number(self.request.GET.get("job"))
        jobs = jobs_readable(self.request.user)
        context["job"] = jobs.filter(pk=job_id).first() if job_id is not None else None
        context["deadline_form"] = BulkDeadlineForm()
        return context


class PlanFormView(ScopedViewMixin, View):
    """Create a plan, or edit one (``pk``)."""

    required_action = "plan.edit"
    template_name = "inspections/plan_form.html"

    def scoped_queryset(self, user):
        return selectors.plans_editable(user)

    def get_plan(self):
        return self.get_object() if "pk" in self.kwargs else None

    def make_form(self, plan, data=None):
        user = self.request.user
        units = units_visible(user)
        return PlanForm(
            data,
            instance=plan,
            issuers=units.filter(Q(valid_to__isnull=True) | Q(pk=getattr(plan, "issuer_id", None))),
            units=units,
        )

    def picked_units(self, form) -> list:
        """Units another app picks for the plan (``cchc.unit_pickers``, e.g.
        the lowest-ranked units of last year's PAR index), asked by
        ``?pick=<key>&issuer=<id>&year=<y>&count=<n>``; only units the form
        offers."""
        picker = unit_pickers.get(self.request.GET.get("pick", ""))
        issuer_id = whole_number(self.request.GET.get("issuer"))
        if picker is None or issuer_id is None:
            return []
        issuer = form.fields["issuer"].queryset.filter(pk=issuer_id).first()
        if issuer is None:
            return []
        year = whole_number(self.request.GET.get("year"))
        count = whole_number(self.request.GET.get("count"))
        units = picker.pick(
            issuer,
            year if year is not None else timezone.localdate().year - 1,
            min(count, 100) if count is not None else 10,
        )
        offered = set(
            form.fields["planned_units"]
            .queryset.filter(pk__in=[u.pk for u in units])
            .values_list("pk", flat=True)
        )
        return [u for u in units if u.pk in offered]

    def get(self, request, **kwargs):
        plan = self.get_plan()
        form = self.make_form(plan)
        picked = self.picked_units(form)
        if picked:
            current = list(plan.planned_units.values_list("pk", flat=True)) if plan else []
            form.initial["planned_units"] = current + [u.pk for u in picked if u.pk not in current]
            messages.info(
                request,
                _("Đã chọn thêm %(n)s đơn vị: %(units)s.")
                % {"n": len(picked), "units": ", ".join(str(u) for u in picked)},
            )
        context = {"form": form, "plan": plan, "pickers": unit_pickers.declared()}
        return render(request, self.template_name, context)

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


class TeamFormMixin(ScopedViewMixin):
    """Create a team in a plan (``TeamCreateView``), or edit one with its
    members (``TeamUpdateView``)."""

    required_action = "plan.edit"
    template_name = "inspections/team_form.html"

    def get_objects(self):
        raise NotImplementedError

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


class TeamCreateView(TeamFormMixin, View):
    def scoped_queryset(self, user):
        return selectors.plans_editable(user)

    def get_objects(self):
        return self.get_object(), None


class TeamUpdateView(TeamFormMixin, View):
    pk_url_kwarg = "team_pk"

    def scoped_queryset(self, user):
        return selectors.teams_editable(user).select_related("plan")

    def get_objects(self):
        team = self.get_object()
        return team.plan, team


class InspectionCreateView(ScopedViewMixin, View):
    required_action = "plan.edit"
    template_name = "inspections/inspection_form.html"

    def scoped_queryset(self, user):
        return selectors.plans_editable(user)

    def get(self, request, **kwargs):
        plan = self.get_object()
        form = InspectionCreateForm(plan=plan, initial={"unit": request.GET.get("unit")})
        return render(request, self.template_name, {"form": form, "plan": plan})

    def post(self, request, **kwargs):
        plan = self.get_object()
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


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
