"""The audit trail's pages, for administrators: the events of their units,
filtered by person, unit, kind and days, in pages, and as an Excel file."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import ListView

from .audit import audit_events, audit_workbook
from .audit_jobs import audit_export_create
from .choices import AuditKind
from .mixins import ScopedViewMixin
from .uploads import XLSX, attachment_headers


class AuditFilterForm(forms.Form):
    who = forms.CharField(label=_("Người dùng"), required=False, max_length=150)
    unit = forms.CharField(label=_("Đơn vị"), required=False, max_length=150)
    kind = forms.ChoiceField(label=_("Loại"), required=False, choices=[("", _("Tất cả"))] + AuditKind.choices)
    start = forms.DateField(
        label=_("Từ ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(label=_("Đến ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("Ngày kết thúc không được trước ngày bắt đầu."))
        return data


class AuditMixin(ScopedViewMixin):
    required_action = "audit.view"

    def filtered(self):
        """The events in scope under the valid filters (an invalid filter
        is shown with its error and filters nothing)."""
        self.filter_form = AuditFilterForm(self.request.GET or None)
        data = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        self.filters = data
        return audit_events(
            self.request.user,
            who=data.get("who", ""),
            unit=data.get("unit", ""),
            kind=data.get("kind", ""),
            start=data.get("start"),
            end=data.get("end"),
        )


class AuditLogView(AuditMixin, ListView):
    template_name = "cchc/audit_log.html"
    context_object_name = "events"
    paginate_by = 50

    def scoped_queryset(self, user):
        return self.filtered()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filter_form=self.filter_form,
            query_string=query.urlencode(),
            export_inline_max=settings.CCHC_AUDIT_EXPORT_INLINE_MAX_ROWS,
            export_in_background=context["paginator"].count > settings.CCHC_AUDIT_EXPORT_INLINE_MAX_ROWS,
        )
        return context


class AuditExportView(AuditMixin, View):
    """The filtered events as Excel: during the request up to
    ``CCHC_AUDIT_EXPORT_INLINE_MAX_ROWS`` events; beyond, a background job
    (asked for by POST from the log page), whose page offers the file."""

    def get(self, request, *args, **kwargs):
        events = self.filtered()
        if events.count() > settings.CCHC_AUDIT_EXPORT_INLINE_MAX_ROWS:
            messages.info(
                request,
                _("Danh sách có hơn %(n)s sự kiện: tệp Excel được lập ở chế độ nền, bấm “Lập tệp Excel”.")
                % {"n": settings.CCHC_AUDIT_EXPORT_INLINE_MAX_ROWS},
            )
            query = request.GET.urlencode()
            return redirect(reverse("audit_log") + (f"?{query}" if query else ""))
        data, _count, _cut = audit_workbook(events)
        response = HttpResponse(data, content_type=XLSX)
        name = f"nhat-ky-{timezone.localdate():%Y%m%d}.xlsx"
        return attachment_headers(response, name=name)

    def post(self, request, *args, **kwargs):
        if not self.filtered().exists():
            messages.info(request, _("Không có sự kiện nào khớp bộ lọc để xuất."))
            query = request.GET.urlencode()
            return redirect(reverse("audit_log") + (f"?{query}" if query else ""))
        job = audit_export_create(user=request.user, filters=self.filters)
        return redirect("job_detail", pk=job.pk)
