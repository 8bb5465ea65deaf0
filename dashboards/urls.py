from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("", views.DashboardPageView.as_view(page="overview"), name="overview"),
    path("findings/", views.DashboardPageView.as_view(page="findings"), name="findings"),
    path("units/", views.DashboardPageView.as_view(page="units"), name="units"),
    path("trends/", views.DashboardPageView.as_view(page="trends"), name="trends"),
    path("list/inspections/", views.InspectionListView.as_view(), name="inspection_list"),
    path("list/tasks/", views.TaskListView.as_view(), name="task_list"),
    path("list/findings/", views.FindingListView.as_view(), name="finding_list"),
    path("list/indicators/", views.IndicatorListView.as_view(), name="indicator_list"),
    path("export/", views.ExportView.as_view(), name="export"),
    path("handouts/", views.HandoutCreateView.as_view(), name="handout_create"),
]
