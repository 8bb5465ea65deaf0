from django.urls import path

from .views import assigned, documents, findings, plans, remediation

app_name = "inspections"

urlpatterns = [
    path("", findings.InspectionListView.as_view(), name="inspection_list"),
    path("plans/", plans.PlanListView.as_view(), name="plan_list"),
    path("plans/new/", plans.PlanFormView.as_view(), name="plan_create"),
    path("plans/<int:pk>/", plans.PlanDetailView.as_view(), name="plan_detail"),
    path("plans/<int:pk>/edit/", plans.PlanFormView.as_view(), name="plan_update"),
    path("plans/<int:pk>/teams/new/", plans.TeamCreateView.as_view(), name="team_create"),
    path("teams/<int:team_pk>/edit/", plans.TeamUpdateView.as_view(), name="team_update"),
    path("plans/<int:pk>/inspections/new/", plans.InspectionCreateView.as_view(), name="inspection_create"),
    path("<int:pk>/", findings.InspectionDetailView.as_view(), name="inspection_detail"),
    path("<int:pk>/findings/<str:kind>/new/", findings.FindingCreateView.as_view(), name="finding_create"),
    path(
        "<int:pk>/findings/<str:kind>/order/", findings.FindingReorderView.as_view(), name="finding_reorder"
    ),
    path("<int:pk>/findings/paste/", findings.FindingPasteView.as_view(), name="finding_paste"),
    path("<int:pk>/tasks/", findings.TaskDeadlineView.as_view(), name="task_table"),
    path("<int:pk>/history/", findings.HistoryView.as_view(), name="history"),
    path("<int:pk>/notice/", documents.NoticeDraftView.as_view(), name="notice_draft"),
    path(
        "plans/<int:pk>/documents/<str:kind>/",
        documents.PlanDocumentDraftView.as_view(),
        name="plan_document_draft",
    ),
    path(
        "plans/<int:pk>/notices/issue/", documents.PlanNoticesIssueView.as_view(), name="plan_notices_issue"
    ),
    path("my-unit/", remediation.UnitHomeView.as_view(), name="unit_home"),
    path("<int:pk>/report/", remediation.ReportOpenView.as_view(), name="report_open"),
    path("reports/<int:pk>/", remediation.ReportDetailView.as_view(), name="report_detail"),
    path("reports/<int:pk>/edit/", remediation.ReportUpdateView.as_view(), name="report_update"),
    path("reports/<int:pk>/files/", remediation.ReportFileUploadView.as_view(), name="report_file_upload"),
    path("reports/<int:pk>/submit/", remediation.ReportSubmitView.as_view(), name="report_submit"),
    path("reports/items/<int:pk>/", remediation.ReportItemView.as_view(), name="report_item"),
    path(
        "reports/items/<int:pk>/review/",
        remediation.ReportReviewItemView.as_view(),
        name="report_review_item",
    ),
    path("reports/files/<int:pk>/", remediation.ReportFileDownloadView.as_view(), name="report_file"),
    path(
        "reports/files/<int:pk>/delete/",
        remediation.ReportFileDeleteView.as_view(),
        name="report_file_delete",
    ),
    path("reviews/", remediation.ReviewQueueView.as_view(), name="review_queue"),
    path("tasks/overdue/", remediation.OverdueView.as_view(), name="overdue"),
    path("documents/<int:pk>/assignments/", assigned.AssignmentsView.as_view(), name="document_assignments"),
    path(
        "documents/<int:pk>/report/", assigned.DocumentReportOpenView.as_view(), name="document_report_open"
    ),
    path("documents/<int:pk>/matrix/", assigned.MatrixView.as_view(), name="document_matrix"),
    path("documents/<int:pk>/matrix.xlsx", assigned.MatrixExportView.as_view(), name="document_matrix_xlsx"),
    path(
        "documents/<int:pk>/consolidated/",
        assigned.ConsolidatedDraftView.as_view(),
        name="document_consolidated_draft",
    ),
    path("tasks/<int:pk>/", assigned.TaskDetailView.as_view(), name="task_detail"),
    path("tasks/<int:pk>/hand-over/", assigned.TaskHandOverView.as_view(), name="task_hand_over"),
    path("findings/<int:pk>/", findings.FindingItemView.as_view(), name="finding_item"),
    path("findings/<int:pk>/delete/", findings.FindingDeleteView.as_view(), name="finding_delete"),
    path("findings/<int:pk>/move/", findings.FindingMoveView.as_view(), name="finding_move"),
    path("findings/<int:pk>/task/", findings.TaskFromFindingView.as_view(), name="finding_task"),
]
