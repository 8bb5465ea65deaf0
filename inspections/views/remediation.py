"""Pages of remediation: the unit's home with its tasks and deadlines, the
remediation report with evidence, the review queue and review, overdue
tasks."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from cchc.access import can
from cchc.audit import audit_download
from cchc.choices import DocumentKind, DocumentStatus
from cchc.documents.selectors import documents_visible
from cchc.forms import add_service_errors
from cchc.mixins import ScopedViewMixin
from cchc.uploads import attachment_headers, stored_name

from .. import remediation, selectors
from ..choices import RemediationReportStatus, ReportFileKind, ReviewDecision
from ..forms import ItemForm, ReportHeaderForm, ReviewForm, UploadForm
from ..models import RemediationReport, RemediationReportItem, ReportFile


class UnitHomeView(ScopedViewMixin, View):
    """The inspected unit's home: its inspections, issued notices, and tasks
    with days left, due soon and overdue."""

    template_name = "inspections/unit_home.html"

    def get(self, request):
        tasks = list(selectors.unit_tasks(request.user, timezone.localdate()))
        notices = (
            documents_visible(request.user)
            .filter(kind=DocumentKind.CONCLUSION_NOTICE, status=DocumentStatus.PUBLISHED)
            .order_by("-issued_on", "-id")[:20]
        )
        inspections = (
            selectors.inspections_visible(request.user)
            .filter(notice_issued_at__isnull=False)
            .select_related("unit", "plan")
            .order_by("-inspected_on", "-id")[:20]
        )
        context = {
            "tasks": tasks,
            "notices": notices,
            "inspections": inspections,
            "overdue_count": sum(1 for t in tasks if t.overdue),
            "due_soon_count": sum(1 for t in tasks if t.due_soon),
        }
        return render(request, self.template_name, context)


class ReportOpenView(ScopedViewMixin, View):
    """Open the unit's remediation report for an inspection (a draft, the
    revision under review, or a new revision after a return)."""

    required_action = "report.write"

    def scoped_queryset(self, user):
        return selectors.inspections_reportable(user)

    def post(self, request, pk):
        inspection = self.get_object()
        try:
            report = remediation.report_open(inspection=inspection, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("inspections:inspection_detail", pk=inspection.pk)
        return redirect("inspections:report_detail", pk=report.pk)


def report_context(request, report, **forms_):
    user = request.user
    can_write = report.status == RemediationReportStatus.DRAFT and can(user, "report.write", report)
    can_review = report.status == RemediationReportStatus.SUBMITTED and (
        can(user, "report.review", report)
        if report.inspection_id
        else selectors.reports_reviewable(user).filter(pk=report.pk).exists()
    )
    items = list(
        report.items.select_related("task", "task__responsible_unit", "reviewed_by").prefetch_related(
            Prefetch("evidence", queryset=ReportFile.objects.order_by("id"))
        )
    )
    # After a return, the draft that answers it shows why each task came back.
    previous = {}
    if report.previous_id:
        previous = {p.task_id: p for p in report.previous.items.filter(decision=ReviewDecision.RETURNED)}
    for item in items:
        returned = previous.get(item.task_id)
        item.previous_reason = returned.review_reason if returned else ""
        item.form = forms_.get(f"item_{item.pk}") or ItemForm(
            initial={"progress": item.progress, "explanation": item.explanation}, prefix=f"item{item.pk}"
        )
        item.upload_form = forms_.get(f"upload_{item.pk}") or UploadForm(
            initial={"kind": ReportFileKind.EVIDENCE, "item": item.pk}, auto_id=f"id_upload{item.pk}_%s"
        )
    subject = (
        {"inspection_id": report.inspection_id}
        if report.inspection_id
        else {"source_document_id": report.source_document_id}
    )
    revisions = RemediationReport.objects.filter(unit_id=report.unit_id, **subject).order_by("revision")
    return {
        "report": report,
        "items": items,
        "documents": [f for f in report.files.all() if f.kind == ReportFileKind.DOCUMENT],
        "can_write": can_write,
        "can_review": can_review,
        "header_form": forms_.get("header")
        or ReportHeaderForm(
            initial={
                "document_number": report.document_number,
                "document_date": report.document_date,
                "summary": report.summary,
            }
        ),
        "document_upload_form": forms_.get("upload_document")
        or UploadForm(initial={"kind": ReportFileKind.DOCUMENT}, auto_id="id_upload_doc_%s"),
        "submit_errors": forms_.get("submit_errors", []),
        "revisions": revisions,
        "history": report_history(report, items),
    }


def report_history(report, items) -> list[dict]:
    """Each step of a report, newest first: its status changes, and each
    task's review (accepted, or returned with the reason)."""
    numbers = {item.pk: index for index, item in enumerate(items, start=1)}
    steps = []
    last_status = None
    for record in report.history.select_related("history_user").order_by("history_date", "history_id"):
        if record.status != last_status:
            steps.append(
                {"when": record.history_date, "who": record.history_user, "what": record.get_status_display()}
            )
            last_status = record.status
    reviews = (
        RemediationReportItem.history.filter(report_id=report.pk)
        .exclude(decision=ReviewDecision.PENDING)
        .select_related("history_user")
        .order_by("history_date")
    )
    seen = set()
    for record in reviews:
        if (record.id, record.decision) in seen:
            continue
        seen.add((record.id, record.decision))
        number = numbers.get(record.id, "?")
        if record.decision == ReviewDecision.ACCEPTED:
            what = _("Chấp nhận nhiệm vụ %(n)s") % {"n": number}
        else:
            what = _("Trả lại nhiệm vụ %(n)s: %(reason)s") % {"n": number, "reason": record.review_reason}
        steps.append({"when": record.history_date, "who": record.history_user, "what": what})
    return sorted(steps, key=lambda step: step["when"], reverse=True)


class ReportDetailView(ScopedViewMixin, View):
    template_name = "inspections/report_detail.html"

    def scoped_queryset(self, user):
        return selectors.reports_visible(user).select_related(
            "unit", "inspection__unit", "inspection__plan", "submitted_by", "source_document"
        )

    def get(self, request, pk):
        report = self.get_object()
        return render(request, self.template_name, report_context(request, report))


class ReportWriteMixin(ScopedViewMixin):
    required_action = "report.write"

    def scoped_queryset(self, user):
        return selectors.reports_writable(user).select_related(
            "unit", "inspection__unit", "inspection__plan", "source_document"
        )

    def not_draft(self, report):
        """A change to a report already sent (a stale tab): say why, plainly."""
        messages.error(self.request, _("Báo cáo đã gửi, không sửa được nữa."))
        return self.page(report)

    def page(self, report, status=400, **forms_):
        return render(
            self.request,
            "inspections/report_detail.html",
            report_context(self.request, report, **forms_),
            status=status,
        )

    def save_with_document(self, request, report):
        """The report document and the header typed beside it, in one step:
        what was typed is saved when it is valid, whether the file is
        accepted or refused, and is shown again as typed when it is not."""
        header = ReportHeaderForm(request.POST)
        form = UploadForm(request.POST, request.FILES, auto_id="id_upload_doc_%s")
        header_saved = False
        if not any(name in request.POST for name in header.fields):
            header, header_saved = None, True  # an upload form without the header (an older page)
        elif header.is_valid():
            try:
                remediation.report_update(report=report, user=request.user, **header.cleaned_data)
            except ValidationError as error:
                add_service_errors(header, error)
            else:
                header_saved = True
        if form.is_valid() and header_saved:
            try:
                remediation.report_file_add(
                    report=report,
                    upload=form.cleaned_data["file"],
                    kind=ReportFileKind.DOCUMENT,
                    user=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("Đã tải lên “%(name)s”.") % {"name": form.cleaned_data["file"].name}
                )
                return redirect("inspections:report_detail", pk=report.pk)
        if header is not None and header_saved and form.errors:
            messages.info(request, _("Số, ngày và tóm tắt đã được lưu; hãy chọn lại tệp."))
        return self.page(report, **({"header": header} if header else {}), upload_document=form)


class ReportUpdateView(ReportWriteMixin, View):
    """Save the report's number, date and summary; a report document chosen
    in the same form is uploaded with them."""

    def post(self, request, pk):
        report = self.get_object()
        if report.status != RemediationReportStatus.DRAFT:
            return self.not_draft(report)
        if request.FILES.get("file"):
            return self.save_with_document(request, report)
        form = ReportHeaderForm(request.POST)
        if form.is_valid():
            try:
                remediation.report_update(report=report, user=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Đã lưu báo cáo."))
                return redirect("inspections:report_detail", pk=report.pk)
        return self.page(report, header=form)


class ReportItemView(ReportWriteMixin, View):
    """Save what was done for one task (HTMX saves it in place)."""

    def scoped_queryset(self, user):
        return selectors.report_items_writable(user)

    def post(self, request, pk):
        item = self.get_object()
        if item.report.status != RemediationReportStatus.DRAFT and not request.htmx:
            return self.not_draft(item.report)
        form = ItemForm(request.POST, prefix=f"item{item.pk}")
        if form.is_valid():
            try:
                remediation.report_item_save(item=item, user=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
        if request.htmx:
            saved = not form.errors
            return render(
                request,
                "inspections/partials/report_item_status.html",
                {"item": item, "form": form, "saved": saved},
            )
        if form.errors:
            return self.page(item.report, **{f"item_{item.pk}": form})
        return redirect("inspections:report_detail", pk=item.report_id)


class ReportFileUploadView(ReportWriteMixin, View):
    def post(self, request, pk):
        report = self.get_object()
        if report.status != RemediationReportStatus.DRAFT:
            return self.not_draft(report)
        if request.POST.get("kind") == ReportFileKind.DOCUMENT:
            return self.save_with_document(request, report)
        form = UploadForm(request.POST, request.FILES)
        key = "upload_document"
        if form.is_valid():
            item = None
            if form.cleaned_data["kind"] == ReportFileKind.EVIDENCE:
                item = report.items.filter(pk=form.cleaned_data["item"]).first()
                if item is None:
                    messages.error(request, _("Hãy chọn nhiệm vụ mà tài liệu kiểm chứng chứng minh."))
                    return self.page(report)
                key = f"upload_{item.pk}"
                typed = self.save_item_typed(request, item)
                if typed is not None:
                    return self.page(report, **{f"item_{item.pk}": typed, key: form})
            if not form.errors:
                try:
                    remediation.report_file_add(
                        report=report,
                        upload=form.cleaned_data["file"],
                        kind=form.cleaned_data["kind"],
                        item=item,
                        user=request.user,
                    )
                except ValidationError as error:
                    add_service_errors(form, error)
                else:
                    messages.success(
                        request, _("Đã tải lên “%(name)s”.") % {"name": form.cleaned_data["file"].name}
                    )
                    return redirect("inspections:report_detail", pk=report.pk)
        elif report.items.filter(pk=request.POST.get("item") or 0).exists():
            key = f"upload_{request.POST.get('item')}"
        elif request.POST.get("kind") == ReportFileKind.EVIDENCE:
            messages.error(request, _("Hãy chọn nhiệm vụ mà tài liệu kiểm chứng chứng minh."))
        return self.page(report, **{key: form})

    def save_item_typed(self, request, item):
        """The task's result and explanation sent with its evidence (one
        form holds both): saved first, so that nothing typed is lost. The
        form with its errors when they could not be saved, else None."""
        prefix = f"item{item.pk}"
        if f"{prefix}-explanation" not in request.POST:
            return None
        typed = ItemForm(request.POST, prefix=prefix)
        if typed.is_valid():
            try:
                remediation.report_item_save(item=item, user=request.user, **typed.cleaned_data)
            except ValidationError as error:
                add_service_errors(typed, error)
        return typed if typed.errors else None


class ReportFileDeleteView(ReportWriteMixin, View):
    def scoped_queryset(self, user):
        return selectors.report_files_writable(user)

    def post(self, request, pk):
        file = self.get_object()
        try:
            remediation.report_file_remove(file=file, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("inspections:report_detail", pk=file.report_id)


class ReportFileDownloadView(ScopedViewMixin, View):
    """Files are served only through here, after the scope check, as
    attachments that the browser must not sniff."""

    def scoped_queryset(self, user):
        return selectors.report_files_visible(user)

    def get(self, request, pk):
        file = self.get_object()
        response = FileResponse(file.file.open("rb"), content_type=file.content_type)
        # Files kept before the gate may carry the name they came with.
        name = stored_name(file.original_name, file.content_type)
        audit_download(request, obj=file, unit=file.report.unit, name=name)
        return attachment_headers(response, name=name)


class ReportSubmitView(ReportWriteMixin, View):
    def post(self, request, pk):
        report = self.get_object()
        try:
            report = remediation.report_submit(report=report, user=request.user)
        except ValidationError as error:
            return self.page(report, submit_errors=error.messages)
        if report.is_late:
            messages.warning(request, _("Đã gửi báo cáo. Báo cáo được ghi nhận là gửi quá hạn."))
        else:
            messages.success(
                request,
                _("Đã gửi báo cáo tới Đoàn kiểm tra.")
                if report.inspection_id
                else _("Đã gửi báo cáo tới đơn vị theo dõi."),
            )
        return redirect("inspections:report_detail", pk=report.pk)


class ReportReviewItemView(ScopedViewMixin, View):
    """Accept a task, or return it with a reason."""

    required_action = "report.review"

    def scoped_queryset(self, user):
        return selectors.report_items_reviewable(user)

    def post(self, request, pk):
        item = self.get_object()
        form = ReviewForm(request.POST)
        if form.is_valid():
            try:
                remediation.report_review_item(item=item, user=request.user, **form.cleaned_data)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Đã ghi nhận kết quả xem xét."))
        else:
            messages.error(request, _("Kết quả xem xét không hợp lệ."))
        return redirect("inspections:report_detail", pk=item.report_id)


class ReviewQueueView(ScopedViewMixin, ListView):
    required_action = "report.review"
    template_name = "inspections/review_queue.html"
    context_object_name = "reports"
    paginate_by = 50

    def scoped_queryset(self, user):
        return selectors.review_queue(user)


class OverdueView(ScopedViewMixin, View):
    """Overdue tasks by unit: the units that have not reported by the deadline."""

    required_action = "task.overdue.view"

    def get(self, request):
        today = timezone.localdate()
        groups = selectors.overdue_by_unit(request.user, today)
        return render(request, "inspections/overdue.html", {"groups": groups, "today": today})
