"""The audit trail people can read: who signed in (or failed to, or was
locked out), downloaded a non-public file, issued, signed, published or
reviewed something, or changed someone's role; when, from which address,
on which object of which unit.

One service writes it, :func:`audit_record`: the kernel's services call it
(issue, signature, publication, memberships), its receivers here call it
for Django's and django-axes's login signals and for every saved or deleted
membership, and the apps call it (reviews, downloads). The request's user
and address come from :class:`AuditContextMiddleware` when the caller has no
request at hand; a background job passes its user and has no address.

Reading: :func:`audit_events` (an administrator's scope: the events of its
units and of the people whose units they are), :func:`audit_workbook` (the
Excel export, bounded). Retention: ``CCHC_AUDIT_KEEP_DAYS``, applied by the
daily task ``cchc.clean_up_audit`` (:func:`audit_clean_up`).
"""

import contextvars
import datetime
import io
import logging

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from .access import ADMINISTRATORS, scope_q
from .choices import AuditKind
from .models import AuditEvent, Membership, Unit, User

log = logging.getLogger(__name__)

# The request being answered, for services that record without one.
_request = contextvars.ContextVar("cchc_audit_request", default=None)

#: At most this many events go into one Excel export (the newest): a few
#: seconds of one request (measured in the report of issue 15).
EXPORT_MAX_ROWS = 10_000


class AuditContextMiddleware:
    """Keeps the request at hand for :func:`audit_record` while it is answered."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


def client_address(request) -> str | None:
    """The client's address, as django-axes reads it (the same proxy
    settings, so the trail and the lock-outs agree)."""
    if request is None:
        return None
    from axes.helpers import get_client_ip_address

    try:
        return get_client_ip_address(request) or None
    except Exception:  # a malformed header is no reason to lose the event
        return None


def audit_record(
    *,
    kind: str,
    user: User | None = None,
    username: str = "",
    unit: Unit | None = None,
    obj=None,
    detail: str = "",
    request=None,
) -> AuditEvent:
    """Record one event. ``user`` (or the request's signed-in user),
    ``username`` when there is no account, ``unit`` (or the object's unit
    when it has one), ``obj`` (any model instance), ``detail`` (a short
    text). Never raises on the caller: a failure to record is logged."""
    request = request if request is not None else _request.get()
    if user is None and request is not None:
        current = getattr(request, "user", None)
        if current is not None and current.is_authenticated:
            user = current
    if user is not None and not username:
        username = user.get_username()
    event = AuditEvent(
        kind=kind,
        user=user if user is not None and user.pk else None,
        username=(username or "")[:150],
        address=client_address(request),
        unit=unit,
        detail=(detail or "")[:500],
    )
    if obj is not None:
        event.object_type = obj._meta.label
        event.object_id = str(obj.pk)
        event.object_repr = str(obj)[:300]
    if event.unit is None and user is not None and kind in LOGIN_KINDS:
        event.unit = home_unit(user)
    try:
        event.full_clean(exclude=["user", "unit"])
        event.save()
    except Exception:
        log.exception("Could not record the audit event %s of %s", kind, username)
    return event


LOGIN_KINDS = {AuditKind.LOGIN, AuditKind.LOGIN_FAILED, AuditKind.LOCKOUT, AuditKind.LOGOUT}


def home_unit(user: User) -> Unit | None:
    """The unit a user's sign-ins are filed under: the highest of their
    current memberships (so its administrators see them)."""
    membership = (
        Membership.objects.current().filter(user=user).select_related("unit").order_by("unit__path").first()
    )
    return membership.unit if membership else None


def audit_download(request, *, obj, unit: Unit | None, name: str) -> None:
    """A non-public file handed out: ``obj`` it belongs to, the unit whose
    scope allowed it, the name it is downloaded as."""
    audit_record(kind=AuditKind.DOWNLOAD, unit=unit, obj=obj, detail=name, request=request)


# --- receivers --------------------------------------------------------------------


@receiver(user_logged_in, dispatch_uid="cchc_audit_login")
def _logged_in(sender, request, user, **kwargs):
    audit_record(kind=AuditKind.LOGIN, user=user, request=request)


@receiver(user_logged_out, dispatch_uid="cchc_audit_logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(kind=AuditKind.LOGOUT, user=user, request=request)


def _account(username: str) -> User | None:
    if not username:
        return None
    return User.objects.filter(username=username).first()


@receiver(user_login_failed, dispatch_uid="cchc_audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str((credentials or {}).get("username", ""))[:150]
    audit_record(kind=AuditKind.LOGIN_FAILED, user=_account(username), username=username, request=request)


def _connect_axes():
    from axes.signals import user_locked_out

    @receiver(user_locked_out, dispatch_uid="cchc_audit_lockout")
    def _locked_out(sender, request, username, ip_address, **kwargs):
        username = str(username or "")[:150]
        audit_record(
            kind=AuditKind.LOCKOUT,
            user=_account(username),
            username=username,
            request=request,
            detail=_("Khóa đăng nhập từ địa chỉ %(address)s.") % {"address": ip_address or "?"},
        )


_connect_axes()


#: The account flags that give or take away access (the admin's check boxes).
USER_FLAGS = ("is_staff", "is_superuser", "is_active")


@receiver(pre_save, sender=User, dispatch_uid="cchc_audit_user_flags_before")
def _user_flags_before(sender, instance, raw=False, update_fields=None, **kwargs):
    """Keep the flags as stored before a save that may change them (a
    sign-in saves ``last_login`` alone: no query)."""
    if raw or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & set(USER_FLAGS):
        return
    instance._audit_flags_before = User.objects.filter(pk=instance.pk).values(*USER_FLAGS).first()


@receiver(post_save, sender=User, dispatch_uid="cchc_audit_user_flags_saved")
def _user_flags_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    before = instance.__dict__.pop("_audit_flags_before", None)
    if created:
        before = {"is_staff": False, "is_superuser": False, "is_active": True}
    if before is None:
        return
    changed = [flag for flag in USER_FLAGS if bool(before[flag]) != bool(getattr(instance, flag))]
    if not changed:
        return
    yes, no = _("có"), _("không")
    audit_record(
        kind=AuditKind.ROLE_CHANGE,
        unit=home_unit(instance),
        obj=instance,
        detail=_("Đổi quyền tài khoản %(user)s: %(changes)s.")
        % {
            "user": instance.get_username(),
            "changes": "; ".join(
                f"{flag} {yes if before[flag] else no} → {yes if getattr(instance, flag) else no}"
                for flag in changed
            ),
        },
    )


@receiver(post_save, sender=Membership, dispatch_uid="cchc_audit_membership_saved")
def _membership_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    what = _("Thêm phân công") if created else _("Sửa phân công")
    audit_record(
        kind=AuditKind.ROLE_CHANGE,
        unit=instance.unit,
        obj=instance,
        detail=_("%(what)s: %(user)s, %(role)s, từ %(start)s đến %(end)s.")
        % {
            "what": what,
            "user": instance.user.get_username(),
            "role": instance.get_role_display(),
            "start": instance.valid_from,
            "end": instance.valid_to or "…",
        },
    )


@receiver(post_delete, sender=Membership, dispatch_uid="cchc_audit_membership_deleted")
def _membership_deleted(sender, instance, **kwargs):
    audit_record(
        kind=AuditKind.ROLE_CHANGE,
        unit=Unit.objects.filter(pk=instance.unit_id).first(),
        obj=instance,
        detail=_("Xóa phân công: %(user)s, %(role)s.")
        % {"user": instance.user.get_username(), "role": instance.get_role_display()},
    )


# --- reading ----------------------------------------------------------------------


def audit_events(user, *, who: str = "", unit: str = "", kind: str = "", start=None, end=None):
    """The events an administrator may read, newest first, filtered by the
    person (user name or full name, contains), the unit (name, without
    accents, contains), the kind and the days from ``start`` to ``end``.

    In scope: events of the units the user administers, and sign-ins of
    the people whose home unit is one of them. An event without a unit (a
    failed sign-in with an unknown name) only a superuser reads."""
    from .text import fold

    events = AuditEvent.objects.filter(scope_q(user, "unit", ADMINISTRATORS))
    if who:
        events = events.filter(Q(username__icontains=who) | Q(user__full_name__icontains=who))
    if unit:
        events = events.filter(unit__search_key__contains=fold(unit))
    if kind:
        events = events.filter(kind=kind)
    if start:
        events = events.filter(created_at__gte=_day_start(start))
    if end:
        events = events.filter(created_at__lt=_day_start(end + datetime.timedelta(days=1)))
    return events.select_related("unit", "user").order_by("-created_at", "-id")


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def audit_workbook(events) -> tuple[bytes, int, bool]:
    """The events as an Excel workbook, written row by row (a write-only
    workbook) through ``cchc.xlsx``: the bytes, the rows written and
    whether the list was cut at ``EXPORT_MAX_ROWS``."""
    from openpyxl import Workbook

    from .xlsx import write_only_cell

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Nhật ký"))
    for letter, width in zip("ABCDEFGH", (20, 18, 20, 24, 16, 30, 40, 40), strict=True):
        sheet.column_dimensions[letter].width = width

    def append(values):
        sheet.append([write_only_cell(sheet, value) for value in values])

    append(
        [
            _("Lúc"),
            _("Loại"),
            _("Tên đăng nhập"),
            _("Họ và tên"),
            _("Địa chỉ IP"),
            _("Đơn vị"),
            _("Đối tượng"),
            _("Chi tiết"),
        ]
    )
    zone = timezone.get_current_timezone()
    # Once, not per row (a choice's display is translated at each call).
    kinds = {value: str(label) for value, label in AuditKind.choices}
    units: dict[int, str] = {}
    count = 0
    for event in events[:EXPORT_MAX_ROWS].iterator(chunk_size=2000):
        count += 1
        if event.unit_id not in units:
            units[event.unit_id] = str(event.unit) if event.unit else ""
        append(
            [
                timezone.localtime(event.created_at, zone).replace(tzinfo=None),
                kinds.get(event.kind, event.kind),
                event.username,
                event.user.get_full_name() if event.user else "",
                event.address or "",
                units[event.unit_id],
                event.object_repr,
                event.detail,
            ]
        )
    cut = count >= EXPORT_MAX_ROWS and events[EXPORT_MAX_ROWS : EXPORT_MAX_ROWS + 1].exists()
    if cut:
        append(
            [
                _("Chỉ xuất %(count)s sự kiện mới nhất; hãy thu hẹp bộ lọc để xem phần còn lại.")
                % {"count": EXPORT_MAX_ROWS}
            ]
        )
    output = io.BytesIO()
    book.save(output)
    return output.getvalue(), count, cut


def audit_clean_up(*, today: datetime.date | None = None) -> int:
    """Delete the events older than ``CCHC_AUDIT_KEEP_DAYS`` days: the one
    deletion the trail knows. Returns how many were deleted."""
    today = today or timezone.localdate()
    limit = _day_start(today - datetime.timedelta(days=settings.CCHC_AUDIT_KEEP_DAYS))
    deleted, _counts = AuditEvent.objects.filter(created_at__lt=limit).delete()
    return deleted
