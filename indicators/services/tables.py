"""The life of an indicator table: created for a unit and a period, sent
for approval, returned, approved, locked, reopened; and its comments.

Services take keyword-only arguments, validate before they save and run in a
transaction. They do not check who the user is (views and commands do,
through the selectors); they enforce the rules of the tables themselves:
only drafts change, a submitted table has no unacknowledged warning, a
return gives its reason.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.models import Unit, User

from ..cells import warning_message
from ..choices import TableAction, TableStatus
from ..models import IndicatorTable, IndicatorTableEvent


@transaction.atomic
def table_create(
    *, unit: Unit, year: int, through: datetime.date | None = None, user: User | None = None
) -> IndicatorTable:
    report = IndicatorTable(unit=unit, year=year, through=through, created_by=user)
    report.full_clean()
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        # Created by someone else between the check and the save.
        raise ValidationError(_("Đơn vị đã có bảng số liệu cho kỳ này.")) from None
    return report


def _event(report: IndicatorTable, action: str, user: User | None, text: str = "") -> IndicatorTableEvent:
    event = IndicatorTableEvent(report=report, action=action, author=user, text=(text or "").strip())
    event.full_clean()
    event.save()
    return event


def locked_table(report: IndicatorTable) -> IndicatorTable:
    """The table again, locked for the transaction (its unit with it)."""
    return IndicatorTable.objects.select_for_update().select_related("unit").get(pk=report.pk)


def _require_status(report: IndicatorTable, *statuses: str, action: str) -> None:
    if report.status not in statuses:
        raise ValidationError(
            _("Không thể %(action)s: bảng số liệu đang ở trạng thái “%(status)s”.")
            % {"action": action, "status": report.get_status_display()}
        )


@transaction.atomic
def table_submit(*, report: IndicatorTable, user: User | None, comment: str = "") -> IndicatorTable:
    """Send a draft for approval; every warning must be acknowledged first."""
    report = locked_table(report)
    _require_status(report, TableStatus.DRAFT, action=_("gửi duyệt"))
    open_values = list(
        report.values.filter(needs_acknowledgement=True).select_related(
            "indicator__template", "indicator__parent"
        )
    )
    if open_values:
        items = "; ".join(
            f"{v.indicator.template.short_name} {v.indicator.number}: "
            + " ".join(warning_message(key, v.indicator) for key in v.open_warnings)
            for v in open_values[:10]
        )
        raise ValidationError(
            _("Còn %(n)s ô có cảnh báo chưa xác nhận: %(items)s") % {"n": len(open_values), "items": items}
        )
    if not report.values.exists():
        raise ValidationError(_("Bảng số liệu chưa có số liệu nào."))
    report.status = TableStatus.SUBMITTED
    report.submitted_at = timezone.now()
    report.full_clean()
    report.save()
    _event(report, TableAction.SUBMIT, user, comment)
    return report


@transaction.atomic
def table_return(*, report: IndicatorTable, user: User | None, comment: str) -> IndicatorTable:
    """Send a submitted table back to the unit to correct, with the reason."""
    report = locked_table(report)
    _require_status(report, TableStatus.SUBMITTED, action=_("trả lại"))
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Hãy ghi lý do trả lại để đơn vị biết cần sửa gì.")})
    report.status = TableStatus.DRAFT
    report.full_clean()
    report.save()
    _event(report, TableAction.RETURN, user, comment)
    return report


@transaction.atomic
def table_approve(*, report: IndicatorTable, user: User | None, comment: str = "") -> IndicatorTable:
    report = locked_table(report)
    _require_status(report, TableStatus.SUBMITTED, action=_("duyệt"))
    report.status = TableStatus.APPROVED
    report.approved_at = timezone.now()
    report.approved_by = user
    report.full_clean()
    report.save()
    _event(report, TableAction.APPROVE, user, comment)
    return report


@transaction.atomic
def table_lock(*, report: IndicatorTable, user: User | None, comment: str = "") -> IndicatorTable:
    report = locked_table(report)
    _require_status(report, TableStatus.APPROVED, action=_("khóa"))
    report.status = TableStatus.LOCKED
    report.locked_at = timezone.now()
    report.full_clean()
    report.save()
    _event(report, TableAction.LOCK, user, comment)
    return report


@transaction.atomic
def table_reopen(*, report: IndicatorTable, user: User | None, comment: str) -> IndicatorTable:
    """Open an approved or locked table again for correction (administrators)."""
    report = locked_table(report)
    _require_status(report, TableStatus.APPROVED, TableStatus.LOCKED, action=_("mở lại"))
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Hãy ghi lý do mở lại bảng số liệu.")})
    report.status = TableStatus.DRAFT
    report.approved_at = None
    report.approved_by = None
    report.locked_at = None
    report.full_clean()
    report.save()
    _event(report, TableAction.REOPEN, user, comment)
    return report


@transaction.atomic
def table_comment_add(*, report: IndicatorTable, user: User | None, text: str) -> IndicatorTableEvent:
    if not (text or "").strip():
        raise ValidationError({"text": _("Ý kiến không được để trống.")})
    return _event(report, TableAction.COMMENT, user, text)
