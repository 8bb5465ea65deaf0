"""``manage.py generate_demo_data``: refuses where demo data is not
allowed, builds a consistent province (paths, search keys, succession
chains, the roll-up), and the dashboards read it; says what is there when
it was generated already; ``--reset`` removes only what it generated, and
only when nothing else refers to it."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.urls import reverse

from cchc.choices import Role
from cchc.models import Job, Membership, ReformArea, Unit, UnitSuccession, User
from cchc.services import membership_create
from cchc.text import fold
from dashboards.models import UnitRollup
from dashboards.rollup import links_fingerprint
from indicators.models import Indicator, IndicatorTable, IndicatorValue
from inspections.models import (
    Finding,
    Inspection,
    InspectionPlan,
    InspectionTeam,
    RemediationReport,
    RemediationReportItem,
    RemediationTask,
)
from tests.factories import FindingFactory, InspectionFactory, InspectionPlanFactory

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
    assert set(IndicatorTable.objects.values_list("year", flat=True)) == set(range(2016, 2026))
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

    with pytest.raises(CommandError, match="đã có dữ liệu sinh") as refused:
        call_command("generate_demo_data", scale="province", stdout=io.StringIO())
    message = str(refused.value)
    assert "381 đơn vị mã G-" in message and "quantri.province" in message
    assert "--reset --scale province" in message
    assert Unit.objects.filter(code__startswith="G-").count() == 381


def count_by_kind(units):
    counts = {}
    for unit in units:
        counts[unit.kind] = counts.get(unit.kind, 0) + 1
    return counts


def generated_counts() -> dict[str, int]:
    generated = {"code__startswith": "G-"}
    return {
        "units": Unit.objects.filter(**generated).count(),
        "links": UnitSuccession.objects.filter(predecessor__code__startswith="G-").count(),
        "users": User.objects.filter(username__endswith=".province").count()
        + User.objects.filter(username__startswith="lanhdao.province").count(),
        "memberships": Membership.objects.filter(unit__code__startswith="G-").count(),
        "plans": InspectionPlan.objects.filter(issuer__code__startswith="G-").count(),
        "teams": InspectionTeam.objects.filter(plan__issuer__code__startswith="G-").count(),
        "inspections": Inspection.objects.filter(unit__code__startswith="G-").count(),
        "findings": Finding.objects.filter(inspection__unit__code__startswith="G-").count(),
        "tasks": RemediationTask.objects.filter(responsible_unit__code__startswith="G-").count(),
        "reports": RemediationReport.objects.filter(unit__code__startswith="G-").count(),
        "items": RemediationReportItem.objects.filter(report__unit__code__startswith="G-").count(),
        "tables": IndicatorTable.objects.filter(unit__code__startswith="G-").count(),
        "values": IndicatorValue.objects.filter(table__unit__code__startswith="G-").count(),
        "rollup": UnitRollup.objects.filter(unit__code__startswith="G-").count(),
    }


def other_data() -> dict[str, list]:
    """Everything that is not generated data, as it stands."""
    return {
        "units": sorted(Unit.objects.exclude(code__startswith="G-").values_list("pk", "path", "valid_to")),
        "links": sorted(
            UnitSuccession.objects.values_list("pk", flat=True).exclude(predecessor__code__startswith="G-")
        ),
        "users": sorted(
            User.objects.exclude(username="quantri.province")
            .exclude(username__startswith="lanhdao.province")
            .values_list("username", flat=True)
        ),
        "memberships": sorted(
            Membership.objects.exclude(unit__code__startswith="G-").values_list("pk", flat=True)
        ),
        "plans": sorted(
            InspectionPlan.objects.exclude(issuer__code__startswith="G-").values_list("pk", flat=True)
        ),
        "inspections": sorted(
            Inspection.objects.exclude(unit__code__startswith="G-").values_list("pk", flat=True)
        ),
        "findings": sorted(
            Finding.objects.exclude(inspection__unit__code__startswith="G-").values_list("pk", flat=True)
        ),
        "rollup": sorted(
            UnitRollup.objects.exclude(unit__code__startswith="G-").values_list(
                "unit_id", "current_id", "current_path"
            )
        ),
        "areas": ReformArea.objects.count(),
        "indicators": Indicator.objects.count(),
    }


def test_reset_removes_what_was_generated_and_nothing_else(settings, units, make_member, reform_areas):
    """A database that holds other data too (a province made by hand, with
    an inspection, a leader): the reset removes the generated data only,
    and refuses while something else refers to it."""
    settings.CCHC_ALLOW_DEMO_DATA = True
    leader = make_member(Role.LEADER, units.province, username="lanhdao.quangnam")
    plan = InspectionPlanFactory(year=2024, issuer=units.province)
    FindingFactory(inspection=InspectionFactory(plan=plan, unit=units.commune_a, issued=True))
    call_command("generate_demo_data", scale="province", stdout=io.StringIO())
    first = generated_counts()
    assert all(first.values()), first
    before = other_data()

    # The hand-made leader was given a generated province too, and a job was
    # run there: the reset would take them with it, so it refuses.
    generated_province = Unit.objects.get(code__startswith="G-", kind="province", valid_to__isnull=True)
    membership_create(user=leader, unit=generated_province, role=Role.LEADER)
    job = Job.objects.create(kind="dashboard_handout", unit=generated_province, created_by=leader)
    with pytest.raises(CommandError, match="Không xoá") as refused:
        call_command("generate_demo_data", reset=True, stdout=io.StringIO())
    message = str(refused.value)
    assert "cchc.Job.unit" in message and "cchc.Membership.unit" in message
    assert "Không có gì bị xoá" in message
    assert generated_counts() == {**first, "memberships": first["memberships"] + 1}

    Membership.objects.filter(user=leader, unit=generated_province).delete()
    job.delete()
    out = io.StringIO()
    call_command("generate_demo_data", reset=True, stdout=out)
    report = out.getvalue()
    assert "Đã xoá" in report and "indicators.IndicatorValue" in report
    assert f"{first['values']:,}" in report
    assert "Giữ nguyên dữ liệu khác: 8 đơn vị" in report

    assert not any(generated_counts().values()), generated_counts()
    assert not User.objects.filter(username__in=["quantri.province", "lanhdao.province01"]).exists()
    assert other_data() == before
    # The roll-up is rebuilt for the units left.
    assert UnitRollup.objects.count() == Unit.objects.count() == 8
    from dashboards.models import RollupState

    assert RollupState.objects.get().fingerprint == links_fingerprint()

    # Nothing left to remove; generated anew, the same seed gives the same data.
    out = io.StringIO()
    call_command("generate_demo_data", reset=True, scale="province", stdout=out)
    assert "Không có dữ liệu sinh nào để xoá." in out.getvalue() and "Đã sinh" in out.getvalue()
    assert generated_counts() == first
    assert other_data()["units"] == before["units"]


def test_reset_refuses_units_coded_like_generated_ones_it_did_not_make(settings, units):
    settings.CCHC_ALLOW_DEMO_DATA = True
    Unit.objects.filter(pk=units.commune_b.pk).update(code="G-DAIHIEP")
    with pytest.raises(CommandError, match="không theo dạng mã của dữ liệu sinh") as refused:
        call_command("generate_demo_data", reset=True, stdout=io.StringIO())
    assert "G-DAIHIEP" in str(refused.value)
    assert Unit.objects.filter(pk=units.commune_b.pk).exists()


def test_reset_without_generated_data_says_so(settings, units):
    settings.CCHC_ALLOW_DEMO_DATA = True
    out = io.StringIO()
    call_command("generate_demo_data", reset=True, stdout=out)
    assert out.getvalue().strip() == "Không có dữ liệu sinh nào để xoá."
    assert Unit.objects.count() == 8


def test_reset_too_needs_demo_data_allowed(settings):
    settings.CCHC_ALLOW_DEMO_DATA = False
    with pytest.raises(CommandError, match="CCHC_ALLOW_DEMO_DATA"):
        call_command("generate_demo_data", reset=True, stdout=io.StringIO())


def test_a_scale_or_reset_is_needed(settings):
    settings.CCHC_ALLOW_DEMO_DATA = True
    with pytest.raises(CommandError, match="--scale province"):
        call_command("generate_demo_data", stdout=io.StringIO())
