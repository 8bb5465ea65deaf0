"""Tell people something: an in-app notification, and an e-mail through
Django's e-mail settings (the console on the embedded default)."""

import logging

from django.conf import settings
from django.core.mail import send_mail

from .models import Notification, User

logger = logging.getLogger(__name__)


def notify(*, users, subject: str, message: str, link: str = "") -> int:
    """Notify each user once; returns how many were told. A failed e-mail is
    logged and does not stop the others or the in-app notification."""
    users = list({user.pk: user for user in users}.values())
    Notification.objects.bulk_create(
        [Notification(user=user, message=subject[:500], link=link[:300]) for user in users]
    )
    body = f"{message}\n\n{settings.CCHC_PUBLIC_URL}{link}" if link else message
    for user in users:
        if not user.email:
            continue
        try:
            send_mail(subject, body, None, [user.email])
        except Exception:
            logger.exception("Could not e-mail %s", user.email)
    return len(users)


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
