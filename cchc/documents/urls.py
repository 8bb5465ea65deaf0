"""URLs of official documents (names without a namespace, as the templates
and other apps reverse them)."""

from django.urls import path

from . import views

urlpatterns = [
    path("official/fonts.css", views.official_fonts_css, name="official_fonts_css"),
    path("documents/<int:pk>/", views.DocumentDetailView.as_view(), name="document_detail"),
    path("documents/<int:pk>/edit/", views.DocumentEditView.as_view(), name="document_edit"),
    path("documents/<int:pk>/preview/", views.DocumentPreviewView.as_view(), name="document_preview"),
    path("documents/<int:pk>/issue/", views.DocumentIssueView.as_view(), name="document_issue"),
    path("documents/<int:pk>/sign/", views.DocumentSignView.as_view(), name="document_sign"),
    path(
        "documents/<int:pk>/signed/", views.DocumentUploadSignedView.as_view(), name="document_upload_signed"
    ),
    path("documents/<int:pk>/publish/", views.DocumentPublishView.as_view(), name="document_publish"),
    path(
        "documents/<int:pk>/file/<str:which>/",
        views.DocumentFileView.as_view(),
        name="document_file",
    ),
    path("verify/<str:code>/", views.VerifyView.as_view(), name="verify"),
]
