"""Changes to units, their succession and memberships.

Every service validates with ``full_clean()`` (model rules and database
constraints, with their Vietnamese messages) before it saves, and runs in a
transaction, so a rejected change leaves nothing half-saved.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .access import clear_scope_cache
from .audit import audit_record
from .choices import AuditKind, SuccessionKind
from .models import Membership, Unit, UnitSuccession, User
from .people import memberships_end_with_unit
from .signals import unit_ended


@transaction.atomic
def unit_create(
    *,
    name: str,
    kind: str,
    parent: Unit | None = None,
    short_name: str = "",
    code: str = "",
    valid_from: datetime.date | None = None,
    valid_to: datetime.date | None = None,
    document_symbol: str = "",
    place_name: str = "",
) -> Unit:
    unit = Unit(
        name=name,
        kind=kind,
        parent=parent,
        short_name=short_name,
        code=code,
        valid_from=valid_from,
        valid_to=valid_to,
        document_symbol=document_symbol,
        place_name=place_name,
    )
    unit.full_clean()
    unit.save()
    return unit


@transaction.atomic
def unit_update(*, unit: Unit, **fields) -> Unit:
    """Change a unit's fields; moving it (a new ``parent``) re-roots its subtree."""
    for name, value in fields.items():
        setattr(unit, name, value)
    unit.full_clean()
    unit.save()
    return unit


@transaction.atomic
def unit_end(
    *,
    unit: Unit,
    last_day: datetime.date,
    successors: list[Unit],
    kind: str = SuccessionKind.MERGE,
    legal_basis: str = "",
    note: str = "",
) -> list[UnitSuccession]:
    """End a unit on ``last_day`` and link it to the units that take over its
    work from the next day. The unit itself is kept, with its history."""
    if not successors:
        raise ValidationError(_("Phải chọn ít nhất một đơn vị kế thừa."))
    unit_update(unit=unit, valid_to=last_day)
    links = []
    for successor in successors:
        link = UnitSuccession(
            predecessor=unit,
            successor=successor,
            kind=kind,
            effective_date=last_day + datetime.timedelta(days=1),
            legal_basis=legal_basis,
            note=note,
        )
        link.full_clean()
        link.save()
        links.append(link)
    ended = memberships_end_with_unit(unit=unit, last_day=last_day)
    if ended:
        audit_record(
            kind=AuditKind.ROLE_CHANGE,
            unit=unit,
            obj=unit,
            detail=_("%(count)s phân công kết thúc cùng đơn vị ngày %(date)s.")
            % {"count": ended, "date": last_day.strftime("%d/%m/%Y")},
        )
    unit_ended.send(sender=Unit, unit=unit, successors=successors, last_day=last_day)
    return links


@transaction.atomic
def membership_create(
    *, user: User, unit: Unit, role: str, valid_from: datetime.date | None = None
) -> Membership:
    membership = Membership(user=user, unit=unit, role=role)
    if valid_from is not None:
        membership.valid_from = valid_from
    membership.full_clean()
    membership.save()
    clear_scope_cache(user)
    return membership


def current_successors(unit: Unit) -> list[Unit]:
    """The units that carry on ``unit``'s work today, following chains of
    succession (a commune merged in 2019, whose successor merged again in
    2025, leads to today's commune)."""
    result: list[Unit] = []
    seen = {unit.pk}
    frontier = [unit]
    while frontier:
        links = UnitSuccession.objects.filter(predecessor__in=frontier).select_related("successor")
        frontier = []
        for link in links:
            if link.successor_id in seen:
                continue
            seen.add(link.successor_id)
            if link.successor.has_ended:
                frontier.append(link.successor)
            else:
                result.append(link.successor)
    return result


@transaction.atomic
def user_language_set(*, user: User, language: str) -> User:
    """Keep the language the user chose in the language menu."""
    user.language = language
    user.full_clean(
        validate_unique=False, exclude=[f.name for f in User._meta.fields if f.name != "language"]
    )
    user.save(update_fields=["language"])
    return user
