"""The unit queries of a scope hold one path-prefix condition per top root:
a membership, or a unit taken over, that lies under another one adds no
condition, and the scope holds the same units as the definition says
(every unit under the user's units, and under every unit they took over,
followed through chains)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cchc.access import ALL_ROLES, clear_scope_cache, minimal_prefixes, scope_unit_ids
from cchc.choices import Role, SuccessionKind, UnitKind
from cchc.models import Membership, Unit, UnitSuccession
from cchc.services import membership_create, unit_create

pytestmark = pytest.mark.django_db


def test_minimal_prefixes_keeps_the_top_paths_only():
    paths = ["/1/2/", "/1/", "/3/", "/1/2/5/", "/12/", "/3/", "/12/7/", "/4/9/"]
    # "/12/" is not under "/1/": paths end with "/".
    assert minimal_prefixes(paths) == ["/1/", "/12/", "/3/", "/4/9/"]
    assert minimal_prefixes([]) == []
    assert minimal_prefixes(iter(["/5/6/", "/5/6/"])) == ["/5/6/"]


def by_definition(user, roles=ALL_ROLES) -> set[int]:
    """The scope computed the slow way, unit by unit."""
    units = list(Unit.objects.all())
    taken_over: dict[int, list[Unit]] = {}
    for link in UnitSuccession.objects.select_related("predecessor"):
        taken_over.setdefault(link.successor_id, []).append(link.predecessor)
    todo = [m.unit for m in Membership.objects.current().filter(user=user, role__in=roles)]
    reached: set[int] = set()
    while todo:
        root = todo.pop()
        for unit in units:
            if unit.path.startswith(root.path) and unit.pk not in reached:
                reached.add(unit.pk)
                todo.extend(taken_over.get(unit.pk, []))
    return reached


def prefix_conditions(user) -> list[int]:
    """The number of path-prefix conditions of each unit query of a scope."""
    clear_scope_cache(user)
    with CaptureQueriesContext(connection) as queries:
        scope_unit_ids(user)
    return [query["sql"].count(" LIKE ") for query in queries.captured_queries if " LIKE " in query["sql"]]


def test_nested_memberships_make_one_condition(units, make_member):
    user = make_member(Role.INSPECTOR, units.province)
    membership_create(user=user, unit=units.district_a, role=Role.UNIT_OFFICER)
    membership_create(user=user, unit=units.commune_a, role=Role.LEADER)
    membership_create(user=user, unit=units.department, role=Role.UNIT_OFFICER)

    assert prefix_conditions(user) == [1]
    assert scope_unit_ids(user) == by_definition(user) == {unit.pk for unit in vars(units).values()}
    # Each role set keeps its own roots.
    assert scope_unit_ids(user, {Role.UNIT_OFFICER}) == by_definition(user, {Role.UNIT_OFFICER})
    assert scope_unit_ids(user, {Role.UNIT_OFFICER}) == {
        units.district_a.pk,
        units.commune_a.pk,
        units.department.pk,
    }
    assert scope_unit_ids(user, {Role.LEADER}) == {units.commune_a.pk}


def test_units_taken_over_under_one_another_make_one_condition(units, make_member):
    # xã Thu Bồn took over huyện Đại Lộc and, by separate links, two of its
    # communes: the district's subtree already holds them.
    merged = unit_create(
        name="Ủy ban nhân dân xã Thu Bồn",
        kind=UnitKind.COMMUNE,
        parent=units.province,
        valid_from=datetime.date(2025, 7, 1),
    )
    for predecessor in (units.district_b, units.commune_b, units.old_commune):
        UnitSuccession.objects.create(
            predecessor=predecessor,
            successor=merged,
            kind=SuccessionKind.TRANSFER,
            effective_date=datetime.date(2025, 7, 1),
        )
    officer = make_member(Role.UNIT_OFFICER, merged)
    # Its own unit, then huyện Đại Lộc alone.
    assert prefix_conditions(officer) == [1, 1]
    assert (
        scope_unit_ids(officer)
        == by_definition(officer)
        == {merged.pk, units.district_b.pk, units.commune_b.pk, units.old_commune.pk}
    )

    # A chain on top: a later merger of Thu Bồn and Duy Xuyên's commune into
    # a new commune, whose officer also belongs to Duy Xuyên.
    later = unit_create(name="Ủy ban nhân dân xã Gò Nổi", kind=UnitKind.COMMUNE, parent=units.province)
    for predecessor in (merged, units.commune_a):
        UnitSuccession.objects.create(
            predecessor=predecessor,
            successor=later,
            kind=SuccessionKind.MERGE,
            effective_date=datetime.date(2026, 1, 1),
        )
    officer = make_member(Role.UNIT_OFFICER, later)
    membership_create(user=officer, unit=units.district_a, role=Role.UNIT_OFFICER)
    # Two memberships; then Thu Bồn (xã Duy Sơn is under Duy Xuyên); then Đại Lộc.
    assert prefix_conditions(officer) == [2, 1, 1]
    assert scope_unit_ids(officer) == by_definition(officer)
    assert scope_unit_ids(officer) == {
        later.pk,
        units.district_a.pk,
        units.commune_a.pk,
        merged.pk,
        units.district_b.pk,
        units.commune_b.pk,
        units.old_commune.pk,
    }
