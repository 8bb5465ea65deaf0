from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("Chỉ tiêu thủ tục hành chính")

    def ready(self):
        # Register the job runners in every process that enqueues jobs.
        from . import tasks  # noqa: F401
