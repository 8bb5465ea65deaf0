from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views
from .jobs import views as job_views

admin.site.site_header = _("Quản trị hệ thống CCHC")
admin.site.site_title = _("Quản trị CCHC")
admin.site.index_title = _("Danh mục và dữ liệu")

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="registration/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("inspections/", include("inspections.urls")),
    path("indicators/", include("indicators.urls")),
    path("dashboards/", include("dashboards.urls")),
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
    path("jobs/<int:pk>/", job_views.JobView.as_view(), name="job_detail"),
    path("jobs/<int:pk>/retry/", job_views.JobRetryView.as_view(), name="job_retry"),
    path("jobs/<int:pk>/file/", job_views.JobFileView.as_view(), name="job_file"),
    path("verify/<str:code>/", views.VerifyView.as_view(), name="verify"),
    path("admin/", admin.site.urls),
]
