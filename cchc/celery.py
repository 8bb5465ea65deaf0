"""The Celery application.

The broker comes from the settings: Redis when ``REDIS_URL`` is set, kombu's
filesystem transport otherwise, so that a real worker process runs on the
embedded default without any server.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")

app = Celery("cchc")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
