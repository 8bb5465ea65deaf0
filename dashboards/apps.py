from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    """Leaders' dashboards over units and years (issue 7)."""

    name = "dashboards"
    verbose_name = _("Bảng điều hành")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Keeps the roll-up of ended units in step with the units.
        from . import rollup  # noqa: F401
