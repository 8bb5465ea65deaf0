from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    """Leaders' dashboards over units and years (issue 7)."""

    name = "dashboards"
    verbose_name = _("Bảng điều hành")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Registers the handout job's Celery task with cchc.jobs.
        from . import tasks  # noqa: F401
