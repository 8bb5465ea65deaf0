from django.urls import path

from . import views

app_name = "par"

urlpatterns = [
    path("bo-tieu-chi/", views.SetListView.as_view(), name="set_list"),
    path("bo-tieu-chi/tao/", views.SetCreateView.as_view(), name="set_create"),
    path("bo-tieu-chi/<int:pk>/", views.SetDetailView.as_view(), name="set_detail"),
    path("bo-tieu-chi/<int:pk>/sua/", views.SetEditView.as_view(), name="set_edit"),
    path("bo-tieu-chi/<int:pk>/nhap-excel/", views.SetImportView.as_view(), name="set_import"),
    path("bo-tieu-chi/<int:pk>/xuat-excel/", views.SetExportView.as_view(), name="set_export"),
    path("bo-tieu-chi/<int:pk>/sao-chep/", views.SetCopyView.as_view(), name="set_copy"),
    path("bo-tieu-chi/<int:pk>/ban-hanh/", views.SetIssueView.as_view(), name="set_issue"),
    path("dot-danh-gia/", views.CycleListView.as_view(), name="cycle_list"),
    path("dot-danh-gia/tao/", views.CycleCreateView.as_view(), name="cycle_create"),
    path("dot-danh-gia/<int:pk>/", views.CycleDetailView.as_view(), name="cycle_detail"),
    path("dot-danh-gia/<int:pk>/han/", views.CycleDeadlinesView.as_view(), name="cycle_deadlines"),
    path("dot-danh-gia/<int:pk>/mo/", views.CycleOpenView.as_view(), name="cycle_open"),
    path("dot-danh-gia/<int:pk>/chot-diem/", views.CycleLockView.as_view(), name="cycle_lock"),
    path("dot-danh-gia/<int:pk>/don-vi/<int:unit_pk>/", views.CycleUnitView.as_view(), name="cycle_unit"),
    path("dot-danh-gia/<int:pk>/dieu-tra-xhh/", views.SurveyImportView.as_view(), name="survey_import"),
    path("dot-danh-gia/<int:pk>/tinh-chi-so/", views.CycleComputeView.as_view(), name="cycle_compute"),
]
