from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CchcConfig(AppConfig):
    name = "cchc"
    verbose_name = _("Đơn vị, người dùng và danh mục")
