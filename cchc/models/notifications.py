"""In-app notifications: the same events the reminder e-mails announce."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """A message for one user (a deadline coming, a report arrived, a task
    returned), with a link to what it is about."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhận"),
        related_name="notifications",
        on_delete=models.CASCADE,
    )
    message = models.CharField(_("nội dung"), max_length=500)
    link = models.CharField(_("đường dẫn"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo trong hệ thống")
        verbose_name_plural = _("thông báo trong hệ thống")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"], name="cchc_notification_user_idx")]

    def __str__(self):
        return self.message
