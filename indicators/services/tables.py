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

from cchc.audit import audit_record
from cchc.choices import AuditKind
from cchc.models import Unit, User

from ..cells import warning_message
from ..choices import TableAction, TableStatus
from ..models import IndicatorTable, IndicatorTableEvent


@transaction.atomic
def table_create(
    *, unit: Unit, year: int, through: datetime.date | None = None, user: User | None = None
) -> IndicatorTable:
    table = IndicatorTable(unit=unit, year=year, through=through, created_by=user)
    table.full_clean()
    try:
        with transaction.atomic():
            table.save()
    except IntegrityError:
        # Created by someone else between the check and the save.
        raise ValidationError(_("Đơn vị đã có bảng số liệu cho kỳ này.")) from None
    return table


def _event(table: IndicatorTable, action: str, user: User | None, text: str = "") -> IndicatorTableEvent:
    event = IndicatorTableEvent(table=table, action=action, author=user, text=(text or "").strip())
    event.full_clean()
    event.save()
    return event


def locked_table(table: IndicatorTable) -> IndicatorTable:
    """The table again, locked for the transaction (its unit with it)."""
    return IndicatorTable.objects.select_for_update().select_related("unit").get(pk=table.pk)


def _require_status(table: IndicatorTable, *statuses: str, action: str) -> None:
    if table.status not in statuses:
        raise ValidationError(
            _("Không thể %(action)s: bảng số liệu đang ở trạng thái “%(status)s”.")
            % {"action": action, "status": table.get_status_display()}
        )


@transaction.atomic
def table_submit(*, table: IndicatorTable, user: User | None, comment: str = "") -> IndicatorTable:
    """Send a draft for approval; every warning must be acknowledged first."""
    table = locked_table(table)
    _require_status(table, TableStatus.DRAFT, action=_("gửi duyệt"))
    open_values = list(
        table.values.filter(needs_acknowledgement=True).select_related(
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
    if not table.values.exists():
        raise ValidationError(_("Bảng số liệu chưa có số liệu nào."))
    table.status = TableStatus.SUBMITTED
    table.submitted_at = timezone.now()
    table.full_clean()
    table.save()
    _event(table, TableAction.SUBMIT, user, comment)
    return table


@transaction.atomic
def table_return(*, table: IndicatorTable, user: User | None, comment: str) -> IndicatorTable:
    """Send a submitted table back to the unit to correct, with the reason."""
    table = locked_table(table)
    _require_status(table, TableStatus.SUBMITTED, action=_("trả lại"))
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Hãy ghi lý do trả lại để đơn vị biết cần sửa gì.")})
    table.status = TableStatus.DRAFT
    table.full_clean()
    table.save()
    _event(table, TableAction.RETURN, user, comment)
    audit_record(
        kind=AuditKind.REVIEW, user=user, unit=table.unit, obj=table, detail=_("Trả lại: %s") % comment
    )
    return table


@transaction.atomic
def table_approve(*, table: IndicatorTable, user: User | None, comment: str = "") -> IndicatorTable:
    table = locked_table(table)
    _require_status(table, TableStatus.SUBMITTED, action=_("duyệt"))
    table.status = TableStatus.APPROVED
    table.approved_at = timezone.now()
    table.approved_by = user
    table.full_clean()
    table.save()
    _event(table, TableAction.APPROVE, user, comment)
    audit_record(kind=AuditKind.REVIEW, user=user, unit=table.unit, obj=table, detail=_("Duyệt"))
    return table


@transaction.atomic
def table_lock(*, table: IndicatorTable, user: User | None, comment: str = "") -> IndicatorTable:
    table = locked_table(table)
    _require_status(table, TableStatus.APPROVED, action=_("khóa"))
    table.status = TableStatus.LOCKED
    table.locked_at = timezone.now()
    table.full_clean()
    table.save()
    _event(table, TableAction.LOCK, user, comment)
    return table


@transaction.atomic
def table_reopen(*, table: IndicatorTable, user: User | None, comment: str) -> IndicatorTable:
    """Open an approved or locked table again for correction (administrators)."""
    table = locked_table(table)
    _require_status(table, TableStatus.APPROVED, TableStatus.LOCKED, action=_("mở lại"))
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Hãy ghi lý do mở lại bảng số liệu.")})
    table.status = TableStatus.DRAFT
    table.approved_at = None
    table.approved_by = None
    table.locked_at = None
    table.full_clean()
    table.save()
    _event(table, TableAction.REOPEN, user, comment)
    return table


@transaction.atomic
def table_comment_add(*, table: IndicatorTable, user: User | None, text: str) -> IndicatorTableEvent:
    if not (text or "").strip():
        raise ValidationError({"text": _("Ý kiến không được để trống.")})
    return _event(table, TableAction.COMMENT, user, text)
