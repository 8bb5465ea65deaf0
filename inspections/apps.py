from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Kiểm tra cải cách hành chính")

    def ready(self):
        # Connect the signal receivers in every process (job kinds are found by
        # the kernel in each app's ``jobs`` module).
        from . import handlers, tasks  # noqa: F401
