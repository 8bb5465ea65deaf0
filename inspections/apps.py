from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Kiểm tra cải cách hành chính")

    def ready(self):
        # Register the job runners and signal handlers in every process.
        from . import handlers, tasks  # noqa: F401
