"""The audit trail: who did what, when, from where, on which object of
which unit. Written only through :func:`cchc.audit.audit_record`; never
changed; deleted only by the retention clean-up (``cchc.audit.audit_clean_up``)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import AuditKind


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The audit trail is append-only.")


class AuditEvent(models.Model):
    """One recorded event (a login, a download of a non-public file, an
    issue, a signature, a publication, a review, a change of role)."""

    created_at = models.DateTimeField(_("lúc"), default=timezone.now, editable=False)
    kind = models.CharField(_("loại"), max_length=20, choices=AuditKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người dùng"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    # As typed or as it was: kept when the account is deleted, and for a
    # failed login with a name no account has.
    username = models.CharField(_("tên đăng nhập"), max_length=150, blank=True)
    address = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    unit = models.ForeignKey(
        "cchc.Unit",
        verbose_name=_("đơn vị"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    object_type = models.CharField(_("loại đối tượng"), max_length=100, blank=True)
    object_id = models.CharField(_("mã đối tượng"), max_length=64, blank=True)
    object_repr = models.CharField(_("đối tượng"), max_length=300, blank=True)
    detail = models.CharField(_("chi tiết"), max_length=500, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("nhật ký hệ thống")
        verbose_name_plural = _("nhật ký hệ thống")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="cchc_audit_time_idx"),
            models.Index(fields=["user", "-created_at"], name="cchc_audit_user_idx"),
            models.Index(fields=["unit", "-created_at"], name="cchc_audit_unit_idx"),
            models.Index(fields=["kind", "-created_at"], name="cchc_audit_kind_idx"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.get_kind_display()} {self.username}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("The audit trail is append-only.")
        super().save(*args, **kwargs)
