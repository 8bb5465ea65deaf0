from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import audit_views, login, oidc, people_views, views
from .jobs import views as job_views

admin.site.site_header = _("Quản trị hệ thống CCHC")
admin.site.site_title = _("Quản trị CCHC")
admin.site.index_title = _("Danh mục và dữ liệu")

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", login.LoginView.as_view(), name="login"),
    # Central sign-in (404 while no issuer is set).
    path("oidc/authenticate/", oidc.SignInStartView.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", oidc.SignInCallbackView.as_view(), name="oidc_authentication_callback"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-set/<uidb64>/<token>/", people_views.PasswordSetView.as_view(), name="password_set"),
    path("password-set/done/", people_views.PasswordSetDoneView.as_view(), name="password_set_done"),
    path("people/import/", people_views.PeopleImportView.as_view(), name="people_import"),
    path("units/<int:pk>/people/", people_views.UnitPeopleView.as_view(), name="unit_people"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("inspections/", include("inspections.urls")),
    path("indicators/", include("indicators.urls")),
    path("chi-so-cchc/", include("par.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("chi-so-cchc/", include("par.urls_units")),
    path("", include("cchc.documents.urls")),
    path("jobs/<int:pk>/", job_views.JobView.as_view(), name="job_detail"),
    path("jobs/<int:pk>/retry/", job_views.JobRetryView.as_view(), name="job_retry"),
    path("jobs/<int:pk>/file/", job_views.JobFileView.as_view(), name="job_file"),
    path("notifications/", views.NotificationListView.as_view(), name="notifications"),
    path("audit/", audit_views.AuditLogView.as_view(), name="audit_log"),
    path("audit/export/", audit_views.AuditExportView.as_view(), name="audit_export"),
    path("admin/", admin.site.urls),
]
