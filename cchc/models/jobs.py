"""Background jobs as rows the UI can poll: status, progress, a readable
error, and a retry."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import JobStatus
from .units import Unit


class Job(models.Model):
    """One piece of long work run by a Celery worker (rendering and signing
    documents, issuing a plan's notices, imports and exports). The worker
    writes its progress and, on failure, an error a person can read."""

    kind = models.CharField(_("loại công việc"), max_length=50)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("đơn vị"),
        related_name="jobs",
        on_delete=models.PROTECT,
        help_text=_("Đơn vị mà công việc thuộc về; quyết định ai được xem."),
    )
    params = models.JSONField(_("tham số"), default=dict, blank=True)
    result = models.JSONField(_("kết quả"), default=dict, blank=True)
    progress_done = models.PositiveIntegerField(_("đã xong"), default=0)
    progress_total = models.PositiveIntegerField(_("tổng số"), default=1)
    step = models.CharField(_("bước hiện tại"), max_length=255, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("số lần chạy"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        related_name="jobs",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    started_at = models.DateTimeField(_("bắt đầu lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("công việc nền")
        verbose_name_plural = _("công việc nền")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["-created_at", "-id"], name="cchc_job_created_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress_done__lte=F("progress_total")),
                name="%(app_label)s_%(class)s_progress_within_total",
                violation_error_message=_("Tiến độ không được vượt quá tổng số."),
            ),
            models.CheckConstraint(
                condition=~Q(status=JobStatus.FAILED) | ~Q(error=""),
                name="%(app_label)s_%(class)s_failure_has_error",
                violation_error_message=_("Công việc lỗi phải có thông báo lỗi."),
            ),
        ]

    def __str__(self):
        return f"{self.kind} #{self.pk} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))

    @property
    def poll_ms(self) -> int:
        """How long the job's card waits before asking again: quickly at
        first (most jobs take well under a second), then backing off."""
        age = (timezone.now() - self.created_at).total_seconds()
        for limit, interval in ((3, 150), (10, 400), (60, 1000)):
            if age < limit:
                return interval
        return 3000

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)
