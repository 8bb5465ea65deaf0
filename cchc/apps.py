from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CchcConfig(AppConfig):
    name = "cchc"
    verbose_name = _("Đơn vị, người dùng và danh mục")

    def ready(self):
        # Connect the login-time receiver at start-up, not at the first request,
        # and register the job runners in every process that enqueues jobs.
        from . import middleware, tasks  # noqa: F401
