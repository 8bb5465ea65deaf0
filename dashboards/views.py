"""The dashboards' pages, the lists behind their figures, the Excel export
of each table and the PDF handout. Views stay thin: ``selectors`` reads,
``pages`` builds the view-models, ``handouts`` runs the job."""

from __future__ import annotations

from dataclasses import replace

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from cchc.access import can_reach
from cchc.audit import audit_download
from cchc.mixins import ScopedViewMixin
from cchc.uploads import XLSX, attachment_headers

from . import excel, handouts, pages, selectors
from .db import dashboard_queries
from .forms import DashboardFilterForm, parse_filters
from .selectors import METRICS_BY_KEY, Scope

# Which page holds each exported table.
TABLE_PAGES = {
    "glance": "overview",
    "areas": "findings",
    "shortcomings": "findings",
    "recurring": "findings",
    "units": "units",
    "trends": "trends",
}
PAGE_SIZE = 50


class DashboardMixin(ScopedViewMixin):
    """Leaders and provincial staff (403 for anyone else); a unit out of
    their scope is a 404."""

    required_action = "dashboard.view"

    def dispatch(self, request, *args, **kwargs):
        with dashboard_queries():
            return super().dispatch(request, *args, **kwargs)

    def get_scope(self) -> Scope:
        return selectors.resolve_scope(self.request.user, **parse_filters(self.request.GET))


def dashboard_context(request, scope: Scope, current_page: str) -> dict:
    """The filter bar, the breadcrumb of the drill-down, the tabs."""
    user = request.user
    crumbs = []
    if user.is_superuser:
        crumbs.append((_("Toàn quốc"), pages.link(current_page, scope.with_root(None))))
    for unit in [*selectors.ancestors(scope.root), *([scope.root] if scope.root else [])]:
        # Units above the user's own are shown, not linked (they are out of scope).
        reachable = unit is scope.root or can_reach(user, "dashboard.view", unit.pk)
        crumbs.append((str(unit), pages.link(current_page, scope.with_root(unit)) if reachable else None))
    areas = selectors.reform_areas(scope.year)
    form = DashboardFilterForm(
        initial={
            "year": scope.year,
            "mode": scope.mode,
            "area": scope.area.pk if scope.area else "",
            "unit": scope.root.pk if scope.root else "",
            "document": scope.document.pk if scope.document else "",
        },
        areas=areas,
    )
    roots = scope.roots
    return {
        "scope": scope,
        "scope_title": pages.scope_title(scope),
        "filter_form": form,
        "crumbs": crumbs,
        "tabs": [(key, label, pages.link(key, scope)) for key, label in pages.PAGES],
        "current_page": current_page,
        "my_units": [(unit, pages.link(current_page, scope.with_root(unit))) for unit in roots]
        if len(roots) > 1
        else [],
        "handout_params": scope.params(),
        "document_clear_href": pages.link(current_page, replace(scope, document=None))
        if scope.document
        else "",
    }


class DashboardPageView(DashboardMixin, View):
    page = "overview"

    def get(self, request):
        scope = self.get_scope()
        if self.page == "units":
            model = pages.units_page(scope, sort=request.GET.get("sort", "on_time"))
        else:
            model = pages.BUILDERS[self.page](scope)
        context = dashboard_context(request, scope, self.page)
        context["page"] = model
        context["exports"] = [
            (table.key, table.title, pages.link("export", scope, table=table.key)) for table in model.tables()
        ]
        return render(request, f"dashboards/{self.page}.html", context)


# --- the lists behind the figures --------------------------------------------------


class ListMixin(DashboardMixin):
    template_name = ""

    def render_list(self, request, scope: Scope, queryset, **context):
        paginator = Paginator(queryset, PAGE_SIZE)
        page_obj = paginator.get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context.update(
            scope=scope,
            scope_title=pages.scope_title(scope),
            page_obj=page_obj,
            paginator=paginator,
            is_paginated=page_obj.has_other_pages(),
            query_string=query.urlencode(),
            back_href=pages.link("overview", scope),
            own=self.own,
        )
        return render(request, self.template_name, context)

    @property
    def own(self) -> bool:
        return self.request.GET.get("own") == "1"


class InspectionListView(ListMixin, View):
    template_name = "dashboards/inspection_list.html"

    TITLES = {
        "planned": gettext_lazy("Đơn vị trong kế hoạch kiểm tra"),
        "done": gettext_lazy("Cuộc kiểm tra đã tiến hành"),
        "issued": gettext_lazy("Cuộc kiểm tra đã ban hành thông báo kết luận"),
        "all": gettext_lazy("Cuộc kiểm tra"),
    }

    def get(self, request):
        scope = self.get_scope()
        status = request.GET.get("status", "all")
        if status not in self.TITLES:
            raise Http404("Unknown status")
        if status == "planned":
            queryset = selectors.planned_rows(scope, own=self.own)
        else:
            queryset = selectors.inspection_rows(scope, status=status, own=self.own)
        return self.render_list(
            request, scope, queryset, title=self.TITLES[status], planned=status == "planned"
        )


class TaskListView(ListMixin, View):
    template_name = "dashboards/task_list.html"

    TITLES = {
        "all": gettext_lazy("Nhiệm vụ khắc phục"),
        "open": gettext_lazy("Nhiệm vụ khắc phục chưa hoàn thành"),
        "overdue": gettext_lazy("Nhiệm vụ khắc phục quá hạn"),
        "not_due": gettext_lazy("Nhiệm vụ khắc phục chưa đến hạn"),
        "reported": gettext_lazy("Nhiệm vụ khắc phục đã báo cáo, chờ xem xét"),
        "accepted": gettext_lazy("Nhiệm vụ khắc phục đã được chấp nhận"),
        "due": gettext_lazy("Nhiệm vụ khắc phục đã đến hạn (tính tỷ lệ đúng hạn)"),
        "on_time": gettext_lazy("Nhiệm vụ khắc phục đúng hạn"),
        "late": gettext_lazy("Nhiệm vụ đã đến hạn nhưng chưa khắc phục đúng hạn"),
    }
    ASSIGNED_TITLES = {
        "all": gettext_lazy("Nhiệm vụ được giao theo văn bản"),
        "open": gettext_lazy("Nhiệm vụ được giao chưa hoàn thành"),
        "overdue": gettext_lazy("Nhiệm vụ được giao quá hạn"),
        "accepted": gettext_lazy("Nhiệm vụ được giao đã được chấp nhận"),
    }

    def get(self, request):
        scope = self.get_scope()
        status = request.GET.get("status", "all")
        assigned = request.GET.get("kind") == "assigned"
        titles = self.ASSIGNED_TITLES if assigned else self.TITLES
        if status not in titles:
            raise Http404("Unknown status")
        queryset = selectors.task_rows(scope, status=status, own=self.own, assigned=assigned)
        title = titles[status]
        if scope.document is not None:
            title = f"{title} · {scope.document.number_symbol}"
        return self.render_list(request, scope, queryset, title=title, today=scope.today)


class FindingListView(ListMixin, View):
    template_name = "dashboards/finding_list.html"

    def get(self, request):
        scope = self.get_scope()
        kind = request.GET.get("kind") or None
        recurring = request.GET.get("recurring") == "1"
        text = request.GET.get("text", "")[:5000]
        queryset = selectors.finding_rows(scope, kind=kind, recurring=recurring, text=text, own=self.own)
        if recurring:
            title = _("Tồn tại, hạn chế lặp lại ở lần kiểm tra liền trước")
        else:
            title = {
                "achievement": _("Kết quả đạt được"),
                "shortcoming": _("Tồn tại, hạn chế"),
                "recommendation": _("Nhiệm vụ, kiến nghị"),
            }.get(kind, _("Nội dung kết luận"))
        return self.render_list(request, scope, queryset, title=title, text=text)


class IndicatorListView(ListMixin, View):
    template_name = "dashboards/indicator_list.html"

    def get(self, request):
        scope = self.get_scope()
        metric = METRICS_BY_KEY.get(request.GET.get("metric", ""))
        if metric is None:
            raise Http404("Unknown metric")
        queryset = selectors.indicator_rows(scope, metric=metric, own=self.own)
        return self.render_list(request, scope, queryset, title=metric.label, metric=metric, key=metric.key)


# --- exports ------------------------------------------------------------------------------


class ExportView(DashboardMixin, View):
    """One table of a dashboard page as an Excel workbook."""

    def get(self, request):
        key = request.GET.get("table", "")
        page = TABLE_PAGES.get(key)
        if page is None:
            raise Http404("Unknown table")
        scope = self.get_scope()
        if page == "units":
            model = pages.units_page(scope, sort=request.GET.get("sort", "on_time"))
        else:
            model = pages.BUILDERS[page](scope)
        table = next(table for table in model.tables() if table.key == key)
        data = excel.table_workbook(table, subtitle=pages.scope_title(scope))
        response = HttpResponse(data, content_type=XLSX)
        name = excel.file_name(table, scope)
        attachment_headers(response, name=name)
        audit_download(request, obj=scope.root, unit=scope.root, name=name)
        return response


class HandoutCreateView(DashboardMixin, View):
    """Start the PDF handout of the dashboard (a background job)."""

    def post(self, request):
        scope = selectors.resolve_scope(request.user, **parse_filters(request.POST))
        job = handouts.handout_create(scope=scope, user=request.user)
        return redirect("job_detail", pk=job.pk)
