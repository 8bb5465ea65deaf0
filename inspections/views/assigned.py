"""Pages of the tasks a document's points assign: setting them while
drafting, reporting on them, the monitoring matrix (with its Excel export
and the drill into a cell), and the consolidated-report draft."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from cchc.access import can
from cchc.audit import audit_download
from cchc.documents.selectors import documents_editable
from cchc.forms import add_service_errors
from cchc.mixins import ScopedViewMixin
from cchc.models import Unit
from cchc.uploads import XLSX, attachment_headers

from .. import assignments, handover, monitoring, remediation, selectors
from ..choices import CellState, DeadlineKind
from ..forms import AssignmentForm, TaskHandOverForm


def _units_for(document):
    committee = assignments.committee_of(document.issuing_unit)
    return Unit.objects.current().filter(path__startswith=committee.path).order_by("path")


class AssignmentsView(ScopedViewMixin, View):
    """The numbered points of a draft and what each assigns: units or
    groups, deadline, monitoring unit."""

    required_action = "document.draft"
    template_name = "inspections/assignments.html"

    def scoped_queryset(self, user):
        return documents_editable(user).filter(kind__in=assignments.ASSIGNING_KINDS, parent__isnull=True)

    def page(self, document, bound=None, status=200):
        units = _units_for(document)
        existing = {
            (a.section, a.point): a
            for a in document.task_assignments.select_related("monitoring_unit").prefetch_related(
                "units", "resolved_units"
            )
        }
        points = []
        for section, point, text in assignments.document_points(document):
            assignment = existing.get((section, point))
            if bound is not None and bound.prefix == f"p{section}-{point}":
                form = bound
            else:
                initial = {"section": section, "point": point, "deadline_kind": DeadlineKind.DATE}
                if assignment is not None:
                    initial.update(
                        units=list(assignment.units.all()),
                        groups=assignment.groups,
                        deadline_kind=assignment.deadline_kind,
                        deadline_date=assignment.deadline_date,
                        days=assignment.days,
                        recurrence=assignment.recurrence,
                        first_due=assignment.first_due,
                        monitoring_unit=assignment.monitoring_unit,
                    )
                form = AssignmentForm(
                    initial=initial,
                    units_queryset=units,
                    prefix=f"p{section}-{point}",
                    auto_id=f"id_p{section}_{point}_%s",
                )
            points.append(
                {"section": section, "point": point, "text": text, "assignment": assignment, "form": form}
            )
        context = {"document": document, "points": points, "editable": document.status == "draft"}
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, pk):
        return self.page(self.get_object())

    def post(self, request, pk):
        document = self.get_object()
        section, point = request.POST.get("section", ""), request.POST.get("point", "")
        prefix = f"p{section}-{point}"
        if request.POST.get("delete"):
            assignment = document.task_assignments.filter(section=section or -1, point=point or -1).first()
            if assignment is not None:
                try:
                    assignments.assignment_delete(assignment=assignment, user=request.user)
                except ValidationError as error:
                    messages.error(request, " ".join(error.messages))
                else:
                    messages.success(request, _("Đã bỏ giao nhiệm vụ ở điểm %(n)s.") % {"n": point})
            return redirect("inspections:document_assignments", pk=document.pk)
        form = AssignmentForm(
            request.POST,
            units_queryset=_units_for(document),
            prefix=prefix,
            auto_id=f"id_p{section}_{point}_%s",
        )
        if form.is_valid():
            values = form.cleaned_data
            try:
                assignments.assignment_save(
                    document=document,
                    section=values["section"],
                    point=values["point"],
                    units=list(values["units"]),
                    groups=values["groups"],
                    deadline_kind=values["deadline_kind"],
                    deadline_date=values["deadline_date"],
                    days=values["days"],
                    recurrence=values["recurrence"],
                    first_due=values["first_due"],
                    monitoring_unit=values["monitoring_unit"],
                    user=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("Đã lưu việc giao nhiệm vụ ở điểm %(n)s.") % {"n": values["point"]}
                )
                return redirect("inspections:document_assignments", pk=document.pk)
        return self.page(document, bound=form, status=400)


class DocumentReportOpenView(ScopedViewMixin, View):
    """Open the unit's report on the tasks a document assigned it."""

    required_action = "report.write"

    def scoped_queryset(self, user):
        return selectors.documents_reportable(user)

    def post(self, request, pk):
        document = self.get_object()
        try:
            report = remediation.report_open(document=document, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("inspections:unit_home")
        return redirect("inspections:report_detail", pk=report.pk)


class MatrixMixin(ScopedViewMixin):
    required_action = "task.monitor"

    def scoped_queryset(self, user):
        return selectors.documents_monitored(user)

    def matrix(self, document):
        state = self.request.GET.get("state", "")
        state = state if state in CellState.values else ""
        try:
            point = int(self.request.GET.get("point") or 0)
        except ValueError:
            point = 0
        return monitoring.document_matrix(
            document,
            today=timezone.localdate(),
            state=state,
            unit_text=self.request.GET.get("q", "")[:100],
            point=point or None,
        )


class MatrixView(MatrixMixin, View):
    """Units × points of a document: the state of each cell, filters, the
    units to escalate, and the consolidated-report draft."""

    def get(self, request, pk):
        document = self.get_object()
        today = timezone.localdate()
        matrix = self.matrix(document)
        context = {
            "document": document,
            "matrix": matrix,
            "counts": [
                (value, label, matrix.counts[value])
                for value, label in CellState.choices
                if matrix.counts[value]
            ],
            "states": CellState.choices,
            "state": request.GET.get("state", ""),
            "q": request.GET.get("q", ""),
            "escalations": monitoring.escalations(document, today=today),
            "can_draft": can(request.user, "document.draft")
            and selectors.documents_monitored(request.user, "document.draft").filter(pk=document.pk).exists(),
        }
        return render(request, "inspections/matrix.html", context)


class MatrixExportView(MatrixMixin, View):
    def get(self, request, pk):
        document = self.get_object()
        content = monitoring.matrix_workbook(self.matrix(document))
        response = HttpResponse(content, content_type=XLSX)
        name = f"theo-doi-{document.number or document.pk}-{document.year or ''}.xlsx"
        attachment_headers(response, name=name)
        audit_download(request, obj=document, unit=document.issuing_unit, name=name)
        return response


class ConsolidatedDraftView(ScopedViewMixin, View):
    """Draft the monitoring unit's consolidated report from the matrix."""

    required_action = "document.draft"

    def scoped_queryset(self, user):
        return selectors.documents_monitored(user, "document.draft")

    def post(self, request, pk):
        document = self.get_object()
        try:
            draft = monitoring.consolidated_draft(document=document, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("inspections:document_matrix", pk=document.pk)
        return redirect("document_detail", pk=draft.pk)


class TaskDetailView(ScopedViewMixin, View):
    """One task (a matrix cell): its deadline, periods and every report on it."""

    def scoped_queryset(self, user):
        return selectors.task_detail(user)

    def get(self, request, pk):
        task = self.get_object()
        items = list(
            task.report_items.select_related("report", "report__unit", "reviewed_by").order_by(
                "-report__revision"
            )
        )
        periods = []
        if task.assignment_id and task.period:
            periods = list(
                selectors.tasks_visible(request.user)
                .filter(assignment_id=task.assignment_id, responsible_unit_id=task.responsible_unit_id)
                .order_by("period")
            )
        task.submitted_items = [i for i in items if i.report.submitted_at]
        task.submitted_items.sort(key=lambda i: i.report.submitted_at, reverse=True)
        state = monitoring.task_state(task, timezone.localdate())
        context = {
            "task": task,
            "items": items,
            "periods": periods,
            "state": dict(CellState.choices).get(state, ""),
            "can_hand_over": selectors.tasks_to_hand_over(request.user).filter(pk=task.pk).exists()
            and handover.is_split(task.responsible_unit),
        }
        return render(request, "inspections/task_detail.html", context)


class TaskHandOverView(ScopedViewMixin, View):
    """Hand an open task of a split unit to one of its successors (the
    province that follows the task), with a reason and a confirmation."""

    required_action = "task.hand_over"
    template_name = "inspections/task_hand_over.html"

    def scoped_queryset(self, user):
        return selectors.tasks_to_hand_over(user)

    def page(self, task, form, successors, status=200):
        context = {"task": task, "form": form, "successors": successors}
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, pk):
        task = self.get_object()
        successors = handover.split_successors(task.responsible_unit)
        return self.page(task, TaskHandOverForm(successors=successors), successors)

    def post(self, request, pk):
        task = self.get_object()
        successors = handover.split_successors(task.responsible_unit)
        form = TaskHandOverForm(request.POST, successors=successors)
        if form.is_valid():
            try:
                handover.task_hand_over(
                    task=task,
                    successor=form.cleaned_data["successor"],
                    user=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Đã giao nhiệm vụ cho %(unit)s.") % {"unit": form.cleaned_data["successor"]},
                )
                return redirect("inspections:task_detail", pk=task.pk)
        return self.page(task, form, successors, status=400)
