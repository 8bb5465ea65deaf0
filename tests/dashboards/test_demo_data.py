"""``manage.py generate_demo_data``: refuses where demo data is not
allowed, builds a consistent province (paths, search keys, succession
chains, the roll-up), and the dashboards read it."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.urls import reverse

from cchc.models import Membership, Unit, UnitSuccession, User
from cchc.text import fold
from dashboards.models import UnitRollup
from indicators.models import IndicatorReport, IndicatorValue
from inspections.models import Finding, Inspection, RemediationReport, RemediationTask

pytestmark = pytest.mark.django_db


def test_it_refuses_unless_demo_data_is_allowed(settings):
    settings.CCHC_ALLOW_DEMO_DATA = False
    with pytest.raises(CommandError, match="CCHC_ALLOW_DEMO_DATA"):
        call_command("generate_demo_data", scale="province", stdout=io.StringIO())
    assert not Unit.objects.exists()


def test_a_province_with_ten_years_of_data(settings, client):
    settings.CCHC_ALLOW_DEMO_DATA = True
    out = io.StringIO()
    call_command("generate_demo_data", scale="province", stdout=out)
    report = out.getvalue()
    assert "Đã sinh" in report and "lanhdao.province01" in report

    units = list(Unit.objects.filter(code__startswith="G-").select_related("parent"))
    assert len(units) == 381
    for unit in units:
        expected = f"{unit.parent.path if unit.parent else '/'}{unit.pk}/"
        assert unit.path == expected, unit
        assert unit.search_key == fold(f"{unit.name} {unit.short_name} {unit.code}")
    by_kind = count_by_kind(units)
    assert by_kind == {"province": 3, "district": 18, "commune": 252 + 84, "department": 24}

    # Every old commune that lived to 30/6/2025 was merged into a new one;
    # some had already taken in a neighbour in 2020 (two mergers).
    assert not Unit.objects.filter(
        code__startswith="G-", valid_to__isnull=False, successions_out__isnull=True
    ).exists()
    rollup = UnitRollup.objects.filter(unit__code__startswith="G-")
    assert rollup.count() == len(units)
    assert rollup.filter(hops=2).exists()
    assert not rollup.filter(unit__valid_to__isnull=False, current__valid_to__isnull=False).exists()
    assert UnitSuccession.objects.filter(kind="transfer").count() > 0

    years = set(Inspection.objects.values_list("plan__year", flat=True))
    assert years == set(range(2017, 2027))
    assert Finding.objects.count() > 3000
    statuses = set(RemediationTask.objects.values_list("status", flat=True))
    assert {"open", "accepted", "returned"} <= statuses
    assert RemediationReport.objects.filter(is_late=True).exists()
    assert RemediationReport.objects.filter(is_late=False).exists()
    assert set(IndicatorReport.objects.values_list("year", flat=True)) == set(range(2016, 2026))
    assert IndicatorValue.objects.count() > 40_000
    # Recurring shortcomings exist: units inspected twice with the same weak area.
    twice = Inspection.objects.values("unit").annotate(n=Count("id")).filter(n__gte=2)
    assert twice.exists()

    leader = User.objects.get(username="lanhdao.province01")
    membership = Membership.objects.get(user=leader)
    assert membership.role == "leader" and membership.unit.valid_from is not None
    client.force_login(leader)
    response = client.get(reverse("dashboards:units"), {"year": 2024})
    assert response.status_code == 200
    rows = response.context["page"].rows
    assert len(rows) == 84 + 8
    assert sum(row.inspections_done for row in rows) > 30
    assert any(row.recurring for row in rows)
    assert all(row.metrics[0].ratio.denominator for row in rows if row.unit.kind == "commune")

    with pytest.raises(CommandError, match="đã có dữ liệu sinh"):
        call_command("generate_demo_data", scale="province", stdout=io.StringIO())


def count_by_kind(units):
    counts = {}
    for unit in units:
        counts[unit.kind] = counts.get(unit.kind, 0) + 1
    return counts
