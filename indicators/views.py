"""Pages of the indicator tables: the list, the grid that saves as the user
types, the table's status and comments, imports with their preview, the
template and the exports (a province's as a background job, with its
progress and the file). Views stay thin: selectors read, services write."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView

from cchc.access import can
from cchc.audit import audit_download
from cchc.forms import add_service_errors
from cchc.mixins import ScopedViewMixin
from cchc.text import whole_number
from cchc.uploads import XLSX, attachment_headers

from . import exports, selectors, services
from .cells import value_text
from .choices import ImportStatus, TableStatus
from .forms import (
    ApplyForm,
    CommentForm,
    ExportForm,
    ImportForm,
    TableCreateForm,
    TableFilterForm,
    TemplateForm,
)
from .models import Indicator


def _file_response(data: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    return attachment_headers(response, name=name)


# --- the list -----------------------------------------------------------------------


class TableListView(ScopedViewMixin, ListView):
    """Tables in the user's scope, newest year first."""

    template_name = "indicators/table_list.html"
    context_object_name = "tables"
    paginate_by = 50

    def scoped_queryset(self, user):
        self.filter_form = TableFilterForm(self.request.GET or None)
        data = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        return selectors.table_list(user, year=data.get("year"), status=data.get("status") or None)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        can_edit = can(user, "table.edit")
        context.update(
            filter_form=self.filter_form,
            can_edit=can_edit,
            create_form=TableCreateForm(units=selectors.units_editable(user)) if can_edit else None,
        )
        return context


class TableCreateView(ScopedViewMixin, View):
    required_action = "table.edit"

    def post(self, request):
        form = TableCreateForm(request.POST, units=selectors.units_editable(request.user))
        if form.is_valid():
            try:
                table = services.table_create(
                    unit=form.cleaned_data["unit"],
                    year=form.cleaned_data["year"],
                    through=form.cleaned_data["through"],
                    user=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Đã tạo bảng số liệu %(table)s.") % {"table": table})
                return redirect("indicators:table_detail", pk=table.pk)
        return render(request, "indicators/table_create.html", {"form": form}, status=400)


# --- the grid -------------------------------------------------------------------------


def _grid_context(request, table, **extra):
    user = request.user
    editable = table.is_editable and selectors.tables_editable(user).filter(pk=table.pk).exists()
    previous = selectors.previous_table(table)
    return {
        "table": table,
        "sections": selectors.table_grid(table, previous=previous),
        "previous": previous,
        "editable": editable,
        "can_submit": editable and table.status == TableStatus.DRAFT,
        "can_review": table.status in (TableStatus.SUBMITTED, TableStatus.APPROVED)
        and selectors.tables_reviewable(user).filter(pk=table.pk).exists(),
        "can_reopen": table.status in (TableStatus.APPROVED, TableStatus.LOCKED)
        and can(user, "table.reopen")
        and selectors.tables_reviewable(user).filter(pk=table.pk).exists(),
        "open_warnings": selectors.open_warning_count(table),
        "events": selectors.latest_events(table),
        "comment_form": CommentForm(),
        "statuses": TableStatus,
        **extra,
    }


class TableDetailView(ScopedViewMixin, DetailView):
    """A table as a grid: one row per indicator, the cell saved as the user
    leaves it, last year's figure beside it."""

    template_name = "indicators/table_detail.html"
    context_object_name = "table"

    def scoped_queryset(self, user):
        return selectors.table_detail(user)

    def get_context_data(self, **kwargs):
        return _grid_context(self.request, self.object)


class TableEditMixin(ScopedViewMixin):
    required_action = "table.edit"

    def get_table(self, pk):
        return get_object_or_404(selectors.tables_editable(self.request.user).select_related("unit"), pk=pk)

    def get_indicator(self, table, indicator_pk) -> Indicator:
        indicator = get_object_or_404(Indicator.objects.select_related("template", "parent"), pk=indicator_pk)
        if not indicator.template.is_valid_in(table.year):
            raise Http404
        return indicator


def _row_response(request, table, indicator, *, status=200, related=(), **row_state):
    previous = selectors.previous_table(table)
    row = selectors.grid_row(table, indicator, previous=previous)
    for name, value in row_state.items():
        setattr(row, name, value)
    related_rows = [selectors.grid_row(table, value.indicator, previous=previous) for value in related]
    context = {
        "table": table,
        "row": row,
        "related_rows": related_rows,
        "editable": table.is_editable,
        "open_warnings": selectors.open_warning_count(table),
        "previous": previous,
        "oob": True,
    }
    return render(request, "indicators/partials/grid_cell_response.html", context, status=status)


class CellView(TableEditMixin, View):
    """Save one cell (HTMX, as the user leaves it). The answer is the row,
    with its error or warning, and the rows whose warnings it changed."""

    def post(self, request, pk, indicator_pk):
        table = self.get_table(pk)
        indicator = self.get_indicator(table, indicator_pk)
        raw = request.POST.get(f"cell-{indicator.pk}", "")
        version = request.POST.get(f"version-{indicator.pk}", "")
        try:
            result = services.value_set(
                table=table,
                indicator=indicator,
                raw=raw,
                user=request.user,
                version=whole_number(version),
            )
        except services.StaleCellError as error:
            table.refresh_from_db()
            current = value_text(error.current)
            return _row_response(
                request, table, indicator, typed=raw, conflict=current, error=error.messages[0]
            )
        except ValidationError as error:
            table.refresh_from_db()
            if not request.htmx:
                messages.error(request, " ".join(error.messages))
                return redirect("indicators:table_detail", pk=table.pk)
            return _row_response(request, table, indicator, typed=raw, error=" ".join(error.messages))
        table.refresh_from_db()
        if not request.htmx:
            return redirect(reverse("indicators:table_detail", args=[table.pk]) + f"#row-{indicator.pk}")
        return _row_response(request, table, indicator, related=result.related)


class AcknowledgeView(TableEditMixin, View):
    def post(self, request, pk, indicator_pk):
        table = self.get_table(pk)
        indicator = self.get_indicator(table, indicator_pk)
        value = get_object_or_404(table.values.all(), indicator=indicator)
        try:
            services.value_acknowledge(value=value, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        if not request.htmx:
            return redirect(reverse("indicators:table_detail", args=[table.pk]) + f"#row-{indicator.pk}")
        return _row_response(request, table, indicator)


class TableSaveView(TableEditMixin, View):
    """The whole column at once (the grid without JavaScript): all or nothing."""

    def post(self, request, pk):
        table = self.get_table(pk)
        raws = {
            whole_number(key[5:]): value
            for key, value in request.POST.items()
            if key.startswith("cell-") and whole_number(key[5:]) is not None
        }
        try:
            changed = services.table_values_save(table=table, raws=raws, user=request.user)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                messages.error(request, " ".join(error.messages))
                return redirect("indicators:table_detail", pk=table.pk)
            errors = {int(key[5:]): messages_[0] for key, messages_ in error.message_dict.items()}
            context = _grid_context(request, table)
            for section in context["sections"]:
                for row in section.rows:
                    row.typed = raws.get(row.indicator.pk)
                    row.error = errors.get(row.indicator.pk, "")
            messages.error(request, _("Có ô sai, chưa lưu ô nào: xem các ô tô đỏ bên dưới."))
            return render(request, "indicators/table_detail.html", context, status=400)
        messages.success(request, _("Đã lưu %(n)s ô.") % {"n": changed})
        return redirect("indicators:table_detail", pk=table.pk)


# --- status and comments ---------------------------------------------------------------

_TRANSITIONS = {
    "submit": ("table.edit", "editable", services.table_submit, _("Đã gửi bảng số liệu để duyệt.")),
    "return": (
        "table.approve",
        "reviewable",
        services.table_return,
        _("Đã trả lại bảng số liệu cho đơn vị."),
    ),
    "approve": ("table.approve", "reviewable", services.table_approve, _("Đã duyệt bảng số liệu.")),
    "lock": ("table.approve", "reviewable", services.table_lock, _("Đã khóa bảng số liệu.")),
    "reopen": ("table.reopen", "reviewable", services.table_reopen, _("Đã mở lại bảng số liệu để sửa.")),
}


class TransitionView(ScopedViewMixin, View):
    def dispatch(self, request, *args, **kwargs):
        action = kwargs.get("action")
        if action not in _TRANSITIONS:
            raise Http404
        self.required_action = _TRANSITIONS[action][0]
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, pk, action):
        _action, scope, service, done = _TRANSITIONS[action]
        queryset = (
            selectors.tables_editable(request.user)
            if scope == "editable"
            else selectors.tables_reviewable(request.user)
        )
        table = get_object_or_404(queryset, pk=pk)
        form = CommentForm(request.POST)
        form.is_valid()
        try:
            service(table=table, user=request.user, comment=form.cleaned_data.get("comment", ""))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, done)
        return redirect("indicators:table_detail", pk=table.pk)


class CommentView(ScopedViewMixin, View):
    def post(self, request, pk):
        table = get_object_or_404(selectors.tables_visible(request.user), pk=pk)
        form = CommentForm(request.POST)
        if form.is_valid():
            try:
                services.table_comment_add(table=table, user=request.user, text=form.cleaned_data["comment"])
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Đã ghi ý kiến."))
        return redirect(reverse("indicators:table_detail", args=[table.pk]) + "#history")


# --- imports ------------------------------------------------------------------------------


class ImportView(ScopedViewMixin, View):
    required_action = "table.edit"
    template_name = "indicators/import_form.html"

    def context(self, form):
        return {
            "form": form,
            "template_form": TemplateForm(units=selectors.units_editable(self.request.user)),
            "imports": selectors.imports_visible(self.request.user).select_related("unit")[:10],
        }

    def get(self, request):
        form = ImportForm(units=selectors.units_editable(request.user))
        return render(request, self.template_name, self.context(form))

    def post(self, request):
        form = ImportForm(request.POST, request.FILES, units=selectors.units_editable(request.user))
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                record = services.indicator_import_create(
                    unit=form.cleaned_data["unit"], data=upload.read(), name=upload.name, user=request.user
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("indicators:import_detail", pk=record.pk)
        return render(request, self.template_name, self.context(form), status=400)


class ImportDetailView(ScopedViewMixin, DetailView):
    """The check of an uploaded file: its problems by sheet, row and column,
    the warnings to acknowledge and the changes, or the job's progress."""

    template_name = "indicators/import_detail.html"
    context_object_name = "record"
    page_size = 100

    def scoped_queryset(self, user):
        return selectors.imports_visible(user).select_related("unit", "job", "created_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record = self.object
        preview = dict(record.result if record.status == ImportStatus.IMPORTED else record.preview)
        # The preview is bounded when it is stored; the page shows a page of
        # each list at a time (the same ``page`` for all of them).
        number = self.request.GET.get("page")
        pages = {}
        for key in ("problems", "warnings", "changes"):
            items = preview.get(key) or []
            page = Paginator(items, self.page_size).get_page(number)
            pages[key] = page
            preview[key] = list(page.object_list)
            preview[f"{key}_total"] = len(items) + (preview.get("omitted") or {}).get(key, 0)
        context.update(
            apply_form=ApplyForm(),
            statuses=ImportStatus,
            can_apply=record.status == ImportStatus.READY and record.created_by_id == self.request.user.pk,
            preview=preview,
            preview_items=settings.CCHC_INDICATOR_IMPORT_PREVIEW_ITEMS,
            page=max(pages.values(), key=lambda p: p.paginator.num_pages),
        )
        return context


class ImportApplyView(ScopedViewMixin, View):
    required_action = "table.edit"

    def post(self, request, pk):
        record = get_object_or_404(
            selectors.imports_visible(request.user).filter(created_by=request.user).select_related("unit"),
            pk=pk,
        )
        form = ApplyForm(request.POST)
        form.is_valid()
        try:
            record = services.indicator_import_apply(
                record=record, user=request.user, acknowledge=form.cleaned_data.get("acknowledge", False)
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("indicators:import_detail", pk=record.pk)
        if record.status == ImportStatus.IMPORTED:
            totals = record.result.get("totals", {})
            messages.success(
                request,
                _("Đã nhập: %(new)s ô mới, %(changed)s ô sửa, %(cleared)s ô xóa.")
                % {
                    "new": totals.get("cells_new", 0),
                    "changed": totals.get("cells_changed", 0),
                    "cleared": totals.get("cells_cleared", 0),
                },
            )
        elif record.status == ImportStatus.REJECTED:
            messages.error(request, _("Không nhập được tệp; không có gì được lưu. Xem các lỗi bên dưới."))
        return redirect("indicators:import_detail", pk=record.pk)


class TemplateView(ScopedViewMixin, View):
    """The app's own template for a unit and a period (with its figures)."""

    required_action = "table.edit"

    def get(self, request):
        form = TemplateForm(request.GET, units=selectors.units_editable(request.user))
        if not form.is_valid():
            if "unit" in form.errors and whole_number(request.GET.get("unit")) is not None:
                raise Http404
            messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
            return redirect("indicators:import")
        unit, period = form.cleaned_data["unit"], form.cleaned_data["period"]
        data = exports.template_workbook(unit=unit, period=period)
        name = f"bieu-chi-tieu-{slugify(unit.code or unit.short_name or unit.pk)}-{period.key}.xlsx"
        # Not public: it carries the unit's figures for the period.
        audit_download(request, obj=None, unit=unit, name=name)
        return _file_response(data, name, XLSX)


class ExportView(ScopedViewMixin, View):
    """The official layout of a unit's tables (or of a province, with a
    summary sheet) as Excel, or a unit's as the PDF appendix. A unit's file
    is made during the request; an export of more units than
    ``CCHC_INDICATOR_EXPORT_INLINE_MAX_UNITS`` is a background job (asked for by
    POST), whose page shows its progress and then the file."""

    required_action = "table.export"
    template_name = "indicators/export_form.html"

    def context(self, form, **extra):
        return {"form": form, "jobs": selectors.export_jobs(self.request.user)[:5], **extra}

    def get(self, request):
        units = selectors.units_visible(request.user)
        if "unit" not in request.GET:
            return render(request, self.template_name, self.context(ExportForm(units=units)))
        return self.export(request, ExportForm(request.GET, units=units), start_job=False)

    def post(self, request):
        form = ExportForm(request.POST, units=selectors.units_visible(request.user))
        return self.export(request, form, start_job=True)

    def export(self, request, form, *, start_job: bool):
        if not form.is_valid():
            if "unit" in form.errors and whole_number(form.data.get("unit")) is not None:
                raise Http404
            return render(request, self.template_name, self.context(form), status=400)
        unit = form.cleaned_data["unit"]
        first, last = form.cleaned_data["years"]
        if form.cleaned_data["format"] == "pdf":
            audit_download(
                request, obj=unit, unit=unit, name=services.export_file_name(unit, first, last, "pdf")
            )
            return _file_response(
                exports.export_pdf(
                    unit=unit,
                    tables=selectors.tables_for_export(units=[unit], first=first, last=last),
                    first=first,
                    last=last,
                ),
                services.export_file_name(unit, first, last, "pdf"),
                "application/pdf",
            )
        units_ = selectors.export_units(request.user, unit=unit, with_children=form.cleaned_data["children"])
        if services.export_in_background(units_):
            if not start_job:
                # A link (GET) does not start work: the form, filled in, asks.
                return render(request, self.template_name, self.context(form, background_units=len(units_)))
            job = services.indicator_export_create(
                unit=unit, units=units_, first=first, last=last, user=request.user
            )
            return redirect("job_detail", pk=job.pk)
        tables = selectors.tables_for_export(units=units_, first=first, last=last)
        data = exports.export_workbook(units=units_, tables=tables, first=first, last=last, root=unit)
        name = services.export_file_name(unit, first, last)
        audit_download(request, obj=unit, unit=unit, name=name)
        return _file_response(data, name, XLSX)
