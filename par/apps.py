from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParConfig(AppConfig):
    name = "par"
    verbose_name = _("Chỉ số cải cách hành chính")

    def ready(self):
        # The receivers of the kernel's signals (par/handlers.py).
        from . import handlers  # noqa: F401
