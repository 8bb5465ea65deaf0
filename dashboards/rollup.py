"""Keep ``UnitRollup`` in step with the succession links.

Every unit has a row. A unit's *current unit* is the unit itself while it has not ended; once it
has ended (``valid_to`` set) and has a successor, it is the current unit of
its first successor (by effective date, then the successor's place in the
tree), so chains of mergers lead to today's unit. A unit taken over by
several units (a district split between four communes) counts once, under
the first, so that totals add up; a unit that ended without successor stays
under its own name.

``rollup_refresh`` compares a fingerprint of the links and of which linked
units have ended with the one the rows were built from (one aggregate
query) and rebuilds them when it differs. It runs when units change, once
the change is committed: on ``unit_ended`` and on every save or deletion of
a ``Unit`` or a ``UnitSuccession`` (the admin's edits included); a bulk
load that sends no signal calls ``rollup_rebuild`` itself. Dashboard
requests only read the rows.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import Count, Max, Q, Sum
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from cchc.models import Unit, UnitSuccession
from cchc.signals import unit_ended, units_loaded

from .models import RollupState, UnitRollup

BATCH = 5000


def links_fingerprint() -> str:
    """What the rows depend on, summarised by two aggregate queries without
    joins: the links (count, largest id, sums of both ends), and the units
    (count, largest id, sum of parents, which moves when a unit is moved;
    which have ended)."""
    links = UnitSuccession.objects.order_by().aggregate(
        n=Count("id"), last=Max("id"), from_sum=Sum("predecessor_id"), to_sum=Sum("successor_id")
    )
    ended = Q(valid_to__isnull=False)
    units = Unit.objects.order_by().aggregate(
        n=Count("id"),
        last=Max("id"),
        parents=Sum("parent_id"),
        ended=Count("id", filter=ended),
        ended_ids=Sum("id", filter=ended),
    )
    figures = [*links.values(), *units.values()]
    return ":".join(str(value or 0) for value in figures)


def current_units() -> dict[int, tuple[int, int]]:
    """Ended unit id -> (current unit id, hops), for every unit that ended
    and has a successor."""
    links = UnitSuccession.objects.order_by("effective_date", "successor__path", "id").values_list(
        "predecessor_id", "successor_id", "predecessor__valid_to"
    )
    first: dict[int, int] = {}
    ended: set[int] = set()
    for predecessor, successor, valid_to in links:
        if valid_to is not None:
            ended.add(predecessor)
            first.setdefault(predecessor, successor)
    result: dict[int, tuple[int, int]] = {}
    for unit in first:
        current, hops, seen = unit, 0, {unit}
        while current in first:
            if current != unit and current in result:
                target, more = result[current]
                current, hops = target, hops + more
                break
            following = first[current]
            if following in seen:
                break  # a cycle in the links: stop before going round it
            seen.add(following)
            current, hops = following, hops + 1
        if current != unit:
            result[unit] = (current, hops)
    return result


def rollup_rebuild() -> int:
    """Rebuild every row; returns how many there are."""
    with transaction.atomic():
        state = _locked_state()
        return _rebuild(state, links_fingerprint())


def rollup_refresh() -> bool:
    """Rebuild the rows if the links changed since they were built; True if
    they were rebuilt. Costs three small queries when nothing changed."""
    fingerprint = links_fingerprint()
    state = RollupState.objects.filter(pk=1).first()
    if state is not None and state.fingerprint == fingerprint:
        return False
    with transaction.atomic():
        state = _locked_state()
        fingerprint = links_fingerprint()
        if state.fingerprint == fingerprint:
            return False
        _rebuild(state, fingerprint)
    return True


def _locked_state() -> RollupState:
    RollupState.objects.get_or_create(pk=1)
    return RollupState.objects.select_for_update().get(pk=1)


def _rebuild(state: RollupState, fingerprint: str) -> int:
    mapping = current_units()
    paths = dict(Unit.objects.values_list("pk", "path"))
    UnitRollup.objects.all().delete()
    rows = []
    for unit in paths:
        current, hops = mapping.get(unit, (unit, 0))
        rows.append(UnitRollup(unit_id=unit, current_id=current, current_path=paths[current], hops=hops))
    UnitRollup.objects.bulk_create(rows, batch_size=BATCH)
    if connection.vendor == "postgresql":
        # Fresh statistics, or the planner guesses the table's size.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {UnitRollup._meta.db_table}")
    state.fingerprint = fingerprint
    state.built_at = timezone.now()
    state.rows = len(rows)
    state.save()
    return len(rows)


# --- kept in step with the units ---------------------------------------------------


@receiver(unit_ended, dispatch_uid="dashboards_rollup_unit_ended")
@receiver(units_loaded, dispatch_uid="dashboards_rollup_units_loaded")
@receiver(post_save, sender=Unit, dispatch_uid="dashboards_rollup_unit_saved")
@receiver(post_delete, sender=Unit, dispatch_uid="dashboards_rollup_unit_deleted")
@receiver(post_save, sender=UnitSuccession, dispatch_uid="dashboards_rollup_link_saved")
@receiver(post_delete, sender=UnitSuccession, dispatch_uid="dashboards_rollup_link_deleted")
def rollup_refresh_on_commit(sender, raw=False, using=None, **kwargs) -> None:
    """Refresh the rows once the change is committed; not once per unit
    saved: a refresh already waiting in this savepoint or one around it
    covers this change too."""
    if raw:
        return  # loading fixtures: the rows come with them, or from rollup_rebuild
    db = transaction.get_connection(using)
    here = list(db.savepoint_ids)
    for savepoints, callback, *_robust in db.run_on_commit:
        if callback is rollup_refresh and here[: len(savepoints)] == list(savepoints):
            return
    transaction.on_commit(rollup_refresh, using=using)
