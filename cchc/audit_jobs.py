"""The audit trail's Excel export as a background job, for a filtered list
larger than ``CCHC_AUDIT_EXPORT_INLINE_MAX_ROWS`` (a smaller one is made
during the request): the job keeps the filters, the worker reads the events
again in the scope of the administrator who asked (who alone downloads the
file), and keeps the workbook under a name derived from the job, so running
the job twice writes it once."""

import datetime

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .access import ADMINISTRATORS, can
from .audit import audit_events, audit_workbook, home_unit
from .jobs import JobCard, JobError, JobFile, JobKind, JobRule, job_create
from .models import Job, Unit, User
from .uploads import XLSX

AUDIT_EXPORT_JOB = "audit_export"
AUDIT_EXPORT_FOLDER = "private/audit/exports"
FILTERS = ("who", "unit", "kind", "start", "end")


def storage_name(job: Job) -> str:
    return f"{AUDIT_EXPORT_FOLDER}/{job.pk}.xlsx"


def audit_export_create(*, user: User, filters: dict) -> Job:
    """Queue the export of the events ``filters`` select in ``user``'s scope."""
    unit = home_unit(user) or Unit.objects.filter(parent__isnull=True).order_by("path").first()
    if unit is None:
        raise JobError(_("Chưa có đơn vị nào."))
    params = {}
    for key in FILTERS:
        value = filters.get(key)
        if isinstance(value, datetime.date):
            value = value.isoformat()
        params[key] = value or ""
    return job_create(kind=AUDIT_EXPORT_JOB, unit=unit, params=params, user=user)


def audit_export_work(job: Job) -> dict:
    name = storage_name(job)
    if default_storage.exists(name):
        return job.result or {"file": name}
    user = job.created_by
    if user is None or not user.is_active or not can(user, "audit.view"):
        raise JobError(_("Người yêu cầu không còn quyền xem nhật ký hệ thống."))
    params = job.params
    events = audit_events(
        user,
        who=params.get("who", ""),
        unit=params.get("unit", ""),
        kind=params.get("kind", ""),
        start=datetime.date.fromisoformat(params["start"]) if params.get("start") else None,
        end=datetime.date.fromisoformat(params["end"]) if params.get("end") else None,
    )
    data, count, cut = audit_workbook(events)
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(data))
    return {"file": name, "rows": count, "cut": cut}


def _file(job: Job) -> JobFile | None:
    name = storage_name(job)
    if not default_storage.exists(name):
        return None
    return JobFile(
        name=name,
        download_name=f"nhat-ky-{timezone.localtime(job.created_at):%Y%m%d}-{job.pk}.xlsx",
        content_type=XLSX,
    )


def _card(job: Job) -> JobCard:
    result = job.result or {}
    summary = ""
    if "rows" in result:
        summary = _("%(rows)s sự kiện.") % {"rows": result["rows"]}
        if result.get("cut"):
            summary += " " + _("Chỉ xuất các sự kiện mới nhất; hãy thu hẹp bộ lọc để xem phần còn lại.")
    return JobCard(
        title=_("Xuất nhật ký hệ thống (Excel)"),
        download_label=_("Tải tệp Excel"),
        summary=summary,
        back_link=reverse("audit_log"),
        back_label=_("Nhật ký hệ thống"),
    )


AUDIT_EXPORT = JobKind(
    key=AUDIT_EXPORT_JOB,
    task="cchc.export_audit",
    work=audit_export_work,
    # The administrator who asked: the file holds the events of their scope.
    read=JobRule(roles=ADMINISTRATORS),
    result_file=_file,
    present=_card,
)
