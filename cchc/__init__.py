"""cchc: administrative-reform inspections for a Vietnamese province.

The package is both the Django project (settings, URLs, the Celery app) and
the shared kernel app (units, memberships, scoping, catalogues).
"""

from .celery import app as celery_app

__all__ = ("celery_app",)
