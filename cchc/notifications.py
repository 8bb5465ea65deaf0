"""Tell people something: an in-app notification, and an e-mail through
Django's e-mail settings (the console on the embedded default)."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation

from .models import Notification, User

logger = logging.getLogger(__name__)


def notify(*, users, subject: str, message: str, link: str = "") -> int:
    """Notify each user once; returns how many were told. A failed e-mail is
    logged and does not stop the others or the in-app notification.
    ``subject`` and ``message`` may be lazy: they are written in the site's
    language (Vietnamese), not in the language of whoever caused the event."""
    with translation.override(settings.LANGUAGE_CODE):
        subject, message = str(subject), str(message)
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


def notifications_of(user: User, limit: int = 100):
    """A user's own notifications, newest first."""
    return Notification.objects.filter(user=user)[:limit]


@transaction.atomic
def notifications_mark_read(*, user: User) -> int:
    """Mark every unread notification of ``user`` read; returns how many."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def notify_on_commit(build) -> None:
    """Notify once the transaction commits. ``build()`` returns ``notify``'s
    arguments; it runs in the site's language, so the texts are written in
    Vietnamese whatever the language of the person who caused the event."""

    def send():
        with translation.override(settings.LANGUAGE_CODE):
            arguments = build()
        notify(**arguments)

    transaction.on_commit(send)
