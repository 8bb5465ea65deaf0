"""Where the figures of units that ended count today (UnitRollup)."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse

from cchc.choices import SuccessionKind, UnitKind
from cchc.models import UnitSuccession
from cchc.services import unit_create, unit_end
from dashboards.models import UnitRollup
from dashboards.rollup import rollup_refresh

pytestmark = pytest.mark.django_db


def current_of(unit):
    row = UnitRollup.objects.get(unit=unit)
    assert row.current_path == row.current.path
    return (row.current, row.hops)


def test_an_ended_unit_rolls_up_to_its_successor(units):
    assert rollup_refresh() is True
    assert current_of(units.old_commune) == (units.successor, 1)
    assert current_of(units.commune_a) == (units.commune_a, 0)  # still exists: its own current unit
    assert rollup_refresh() is False  # nothing changed since


def test_chains_of_mergers_lead_to_todays_unit(units):
    # Đại Cường had itself taken over xã Đại Thạnh in 2020.
    older = unit_create(name="Ủy ban nhân dân xã Đại Thạnh", kind=UnitKind.COMMUNE, parent=units.district_b)
    unit_end(unit=older, last_day=datetime.date(2019, 12, 31), successors=[units.old_commune])
    rollup_refresh()
    assert current_of(older) == (units.successor, 2)


def test_a_new_link_is_picked_up_by_the_next_refresh(units):
    rollup_refresh()
    assert current_of(units.district_b) == (units.district_b, 0)
    unit_end(unit=units.district_b, last_day=datetime.date(2025, 6, 30), successors=[units.successor])
    assert rollup_refresh() is True
    assert current_of(units.district_b) == (units.successor, 1)


def test_a_unit_split_between_several_counts_under_the_first(units):
    other = unit_create(
        name="Ủy ban nhân dân xã Hà Nha",
        kind=UnitKind.COMMUNE,
        parent=units.province,
        valid_from=datetime.date(2025, 7, 1),
    )
    unit_end(
        unit=units.district_b,
        last_day=datetime.date(2025, 6, 30),
        successors=[units.successor, other],
        kind=SuccessionKind.TRANSFER,
    )
    rollup_refresh()
    first = min((units.successor, other), key=lambda unit: unit.path)
    assert current_of(units.district_b) == (first, 1)


def test_a_unit_that_goes_on_after_a_split_is_not_rolled_up(units):
    # Chia tách: the old unit keeps existing (no valid_to), part of it goes
    # to a new unit; its figures stay its own.
    new = unit_create(name="Ủy ban nhân dân xã Mới", kind=UnitKind.COMMUNE, parent=units.district_a)
    from cchc.models import UnitSuccession

    UnitSuccession.objects.create(
        predecessor=units.commune_a,
        successor=new,
        kind=SuccessionKind.SPLIT,
        effective_date=datetime.date(2024, 1, 1),
    )
    rollup_refresh()
    assert current_of(units.commune_a) == (units.commune_a, 0)


def test_a_new_unit_and_a_moved_unit_are_picked_up(units):
    rollup_refresh()
    new = unit_create(name="Ủy ban nhân dân xã Mới Lập", kind=UnitKind.COMMUNE, parent=units.district_a)
    assert rollup_refresh() is True
    assert UnitRollup.objects.get(unit=new).current_path == new.path
    # Moving Duy Sơn under Đại Lộc changes its path: the copy follows.
    from cchc.services import unit_update

    unit_update(unit=units.commune_a, parent=units.district_b)
    assert rollup_refresh() is True
    units.commune_a.refresh_from_db()
    assert UnitRollup.objects.get(unit=units.commune_a).current_path == units.commune_a.path
    assert units.commune_a.path.startswith(units.district_b.path)


def built(units):
    """The rows as of now, and no refresh waiting: the fixture's units wait
    for a commit that the test transaction never makes."""
    rollup_refresh()
    connection.run_on_commit.clear()


def test_ending_a_unit_rebuilds_the_rows_once_committed(units, django_capture_on_commit_callbacks):
    built(units)
    with django_capture_on_commit_callbacks(execute=True):
        unit_end(unit=units.district_b, last_day=datetime.date(2025, 6, 30), successors=[units.successor])
        assert current_of(units.district_b) == (units.district_b, 0)  # not before the commit
    assert current_of(units.district_b) == (units.successor, 1)


def test_an_edit_in_the_admin_is_picked_up(units, django_capture_on_commit_callbacks):
    """A plain save or deletion (the admin's) counts too."""
    built(units)
    with django_capture_on_commit_callbacks(execute=True):
        UnitSuccession.objects.filter(predecessor=units.old_commune).delete()
    assert current_of(units.old_commune) == (units.old_commune, 0)
    with django_capture_on_commit_callbacks(execute=True):
        UnitSuccession.objects.create(
            predecessor=units.old_commune,
            successor=units.commune_a,
            kind=SuccessionKind.MERGE,
            effective_date=units.old_commune.valid_to + datetime.timedelta(days=1),
        )
    assert current_of(units.old_commune) == (units.commune_a, 1)


def test_a_dashboard_request_only_reads(units, client, superuser):
    rollup_refresh()
    unit_end(unit=units.district_b, last_day=datetime.date(2025, 6, 30), successors=[units.successor])
    client.force_login(superuser)
    assert client.get(reverse("dashboards:overview")).status_code == 200
    assert current_of(units.district_b) == (units.district_b, 0)  # the commit never came
