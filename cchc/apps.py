from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CchcConfig(AppConfig):
    name = "cchc"
    verbose_name = _("Đơn vị, người dùng và danh mục")

    def ready(self):
        # Connect the login-time receiver at start-up, not at the first request,
        # and declare every job kind (each app's ``jobs`` module) in every
        # process that enqueues or runs jobs.
        from django.utils.module_loading import autodiscover_modules

        from . import audit, audit_jobs, checks, middleware  # noqa: F401
        from .admin_widgets import autocomplete_ignores_values_it_cannot_read
        from .documents import jobs  # noqa: F401

        autocomplete_ignores_values_it_cannot_read()
        autodiscover_modules("jobs")
        autodiscover_modules("document_kinds")
        # The facts the PAR index proposes values from (cchc/evidence_sources.py).
        autodiscover_modules("evidence_sources")
        # Ways to pick units another app knows (cchc/unit_pickers.py).
        autodiscover_modules("unit_pickers")
