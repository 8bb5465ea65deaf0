from django.urls import path

from . import views

app_name = "indicators"

urlpatterns = [
    path("", views.TableListView.as_view(), name="table_list"),
    path("new/", views.TableCreateView.as_view(), name="table_create"),
    path("<int:pk>/", views.TableDetailView.as_view(), name="table_detail"),
    path("<int:pk>/save/", views.TableSaveView.as_view(), name="table_save"),
    path("<int:pk>/cells/<int:indicator_pk>/", views.CellView.as_view(), name="cell"),
    path(
        "<int:pk>/cells/<int:indicator_pk>/acknowledge/",
        views.AcknowledgeView.as_view(),
        name="acknowledge",
    ),
    path("<int:pk>/comments/", views.CommentView.as_view(), name="table_comment"),
    path("<int:pk>/<str:action>/", views.TransitionView.as_view(), name="table_transition"),
    path("import/", views.ImportView.as_view(), name="import"),
    path("import/<int:pk>/", views.ImportDetailView.as_view(), name="import_detail"),
    path("import/<int:pk>/apply/", views.ImportApplyView.as_view(), name="import_apply"),
    path("template/", views.TemplateView.as_view(), name="template"),
    path("export/", views.ExportView.as_view(), name="export"),
]
