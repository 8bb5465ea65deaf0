"""The number of queries of each dashboard view is fixed: pinned here, and
the same once the province has more units, inspections, tasks and tables.

On PostgreSQL each view runs in a transaction that turns JIT off
(dashboards.db): in the tests, where the test case holds the outer
transaction, that is a savepoint, its release and the SET: three more
statements."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse

from cchc.choices import UnitKind
from cchc.services import unit_create
from dashboards.rollup import rollup_refresh
from indicators.models import Indicator, IndicatorTable, IndicatorValue
from inspections.choices import FindingKind
from tests.factories import FindingFactory, InspectionFactory, RemediationTaskFactory

pytestmark = pytest.mark.django_db

# view, params, queries for the province leader on the landing page, for
# the same leader drilling into a unit (the unit's scope is checked), and
# for a superuser. The roll-up of ended units is rebuilt when units change,
# not checked by each request.
PINNED = [
    ("dashboards:overview", {}, 9, 13, 8),
    ("dashboards:findings", {}, 10, 14, 9),
    ("dashboards:units", {}, 12, 16, 11),
    ("dashboards:trends", {}, 11, 15, 10),
    ("dashboards:inspection_list", {"status": "done"}, 7, 10, 6),
    ("dashboards:inspection_list", {"status": "planned"}, 7, 10, 6),
    ("dashboards:task_list", {"status": "due"}, 7, 10, 6),
    ("dashboards:finding_list", {"recurring": "1"}, 7, 10, 6),
    ("dashboards:indicator_list", {"metric": "dossiers_on_time"}, 8, 11, 7),
    # The export's one more: its line in the audit trail (cchc.audit).
    ("dashboards:export", {"table": "units"}, 11, 14, 10),
]


def extra() -> int:
    return 3 if connection.vendor == "postgresql" else 0


def grow(dash):
    """Another district with three communes, each inspected with findings,
    tasks and a table; a commune that ended into one of them."""
    units = dash.units
    district = unit_create(
        name="Ủy ban nhân dân huyện Quế Sơn", kind=UnitKind.DISTRICT, parent=units.province
    )
    on_time = Indicator.objects.get(template__code="PL03", number="5.3")
    for number in range(3):
        commune = unit_create(name=f"Ủy ban nhân dân xã Quế {number}", kind=UnitKind.COMMUNE, parent=district)
        inspection = InspectionFactory(
            plan=dash.plans.y2024, unit=commune, issued=True, inspected_on=datetime.date(2024, 7, 10)
        )
        for kind in (FindingKind.SHORTCOMING, FindingKind.RECOMMENDATION):
            FindingFactory(inspection=inspection, kind=kind, reform_area=dash.areas.tthc)
        RemediationTaskFactory(inspection=inspection, reform_area=dash.areas.tthc)
        table = IndicatorTable.objects.create(unit=commune, year=2024, status="submitted")
        IndicatorValue.objects.create(table=table, indicator=on_time, number=10, denominator=12)
    rollup_refresh()


def count(client, django_assert_num_queries, name, params, expected):
    with django_assert_num_queries(expected + extra()):
        response = client.get(reverse(name), {"year": 2024, **params})
    assert response.status_code == 200


@pytest.mark.parametrize(("name", "params", "landing", "drilled", "national"), PINNED)
def test_queries_are_pinned_and_do_not_grow(
    client,
    dash,
    province_leader,
    superuser,
    django_assert_num_queries,
    name,
    params,
    landing,
    drilled,
    national,
):
    client.force_login(province_leader)
    count(client, django_assert_num_queries, name, params, landing)
    count(client, django_assert_num_queries, name, {**params, "unit": dash.units.district_a.pk}, drilled)
    client.force_login(superuser)
    count(client, django_assert_num_queries, name, params, national)

    grow(dash)
    client.force_login(province_leader)
    count(client, django_assert_num_queries, name, params, landing)
    count(client, django_assert_num_queries, name, {**params, "unit": dash.units.district_a.pk}, drilled)
    client.force_login(superuser)
    count(client, django_assert_num_queries, name, params, national)
