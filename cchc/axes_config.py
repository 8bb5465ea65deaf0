"""django-axes (login throttling) under a Vietnamese name in the admin;
its models' names are translated in ``locale/vi``."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class AxesConfig(AxesAppConfig):
    verbose_name = _("Chống dò mật khẩu")
