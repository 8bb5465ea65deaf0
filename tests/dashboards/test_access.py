"""Every dashboard view, allowed, forbidden and out of scope.

Leaders and provincial staff (leader, inspector, administrator roles) see
dashboards over their scope; a unit officer or a user without a role gets a
403; a unit outside the user's scope, or that does not exist, is a 404,
never a 403, so that ids cannot be probed."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cchc.choices import Role

pytestmark = pytest.mark.django_db

VIEWS = [
    ("dashboards:overview", {}),
    ("dashboards:findings", {}),
    ("dashboards:units", {}),
    ("dashboards:trends", {}),
    ("dashboards:inspection_list", {"status": "done"}),
    ("dashboards:inspection_list", {"status": "planned"}),
    ("dashboards:task_list", {"status": "overdue"}),
    ("dashboards:finding_list", {"kind": "shortcoming"}),
    ("dashboards:indicator_list", {"metric": "dossiers_on_time"}),
    ("dashboards:export", {"table": "units"}),
]
IDS = [f"{name.split(':')[1]}-{'-'.join(map(str, params.values())) or 'page'}" for name, params in VIEWS]


def scope_shown(response) -> str:
    """The page, or the scope line of an exported workbook (under its title)."""
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        return load_workbook(io.BytesIO(response.content)).active["A2"].value
    return response.content.decode()


@pytest.mark.parametrize(("name", "params"), VIEWS, ids=IDS)
class TestEveryView:
    def test_anonymous_is_sent_to_login(self, client, dash, name, params):
        response = client.get(reverse(name), {"year": 2024, **params})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_a_unit_officer_is_forbidden(self, client, dash, officer_a, name, params):
        client.force_login(officer_a)
        response = client.get(reverse(name), {"year": 2024, **params})
        assert response.status_code == 403

    def test_a_user_without_role_is_forbidden(self, client, dash, outsider, name, params):
        client.force_login(outsider)
        response = client.get(reverse(name), {"year": 2024, **params})
        assert response.status_code == 403

    def test_a_unit_out_of_scope_is_not_found(self, client, dash, leader, name, params):
        # The leader of Duy Xuyên asks for Đại Lộc, then for a unit that does not exist.
        client.force_login(leader)
        for unit in (dash.units.district_b, dash.units.province):
            response = client.get(reverse(name), {"year": 2024, "unit": unit.pk, **params})
            assert response.status_code == 404, unit
        response = client.get(reverse(name), {"year": 2024, "unit": 999_999, **params})
        assert response.status_code == 404

    def test_a_leader_sees_a_unit_in_scope(self, client, dash, leader, name, params):
        client.force_login(leader)
        response = client.get(reverse(name), {"year": 2024, "unit": dash.units.commune_a.pk, **params})
        assert response.status_code == 200
        assert f"{dash.units.commune_a} · năm 2024" in scope_shown(response)

    def test_an_inspector_of_the_province_is_allowed(self, client, dash, inspector, name, params):
        client.force_login(inspector)
        response = client.get(reverse(name), {"year": 2024, **params})
        assert response.status_code == 200
        # With no unit asked for: the inspector's province.
        assert f"{dash.units.province} · năm 2024" in scope_shown(response)


def test_a_leader_sees_only_the_units_of_their_scope(client, dash, leader):
    client.force_login(leader)
    response = client.get(reverse("dashboards:units"), {"year": 2024})
    content = response.content.decode()
    assert response.context["scope"].root == dash.units.district_a
    # Ranked by on-time remediation: Duy Xuyên's own tasks (1 of 3 due on
    # time) before Duy Sơn, whose only task is not due yet.
    assert [row.label for row in response.context["page"].rows] == [
        "UBND huyện Duy Xuyên (chính đơn vị)",
        "UBND xã Duy Sơn",
    ]
    assert "Đại Lộc" not in content
    assert "Vu Gia" not in content
    # The province above is shown in the breadcrumb, but not as a link.
    assert response.context["crumbs"][0] == ("UBND tỉnh Quảng Nam", None)


def test_an_unknown_status_metric_or_table_is_not_found(client, dash, province_leader):
    client.force_login(province_leader)
    assert client.get(reverse("dashboards:task_list"), {"status": "nope"}).status_code == 404
    assert client.get(reverse("dashboards:inspection_list"), {"status": "nope"}).status_code == 404
    assert client.get(reverse("dashboards:finding_list"), {"kind": "nope"}).status_code == 404
    assert client.get(reverse("dashboards:indicator_list"), {"metric": "nope"}).status_code == 404
    assert client.get(reverse("dashboards:export"), {"table": "nope"}).status_code == 404


def test_filters_that_do_not_parse_fall_back_to_the_defaults(client, dash, province_leader):
    client.force_login(province_leader)
    response = client.get(reverse("dashboards:overview"), {"year": "abc", "mode": "x", "area": "-1"})
    assert response.status_code == 200
    scope = response.context["scope"]
    assert (scope.root, scope.current, scope.area) == (dash.units.province, True, None)


def test_the_dashboard_opens_on_the_latest_year_with_inspections(client, dash, province_leader, make_member):
    client.force_login(province_leader)
    assert client.get(reverse("dashboards:overview")).context["scope"].year == 2024
    assert client.get(reverse("dashboards:overview"), {"year": 2023}).context["scope"].year == 2023
    # A unit with no inspection at all opens on this year.
    from tests.factories import UnitFactory

    quiet = make_member(Role.LEADER, UnitFactory(province=True, name="UBND tỉnh Mới"), username="lanhdao.moi")
    client.force_login(quiet)
    assert client.get(reverse("dashboards:overview")).context["scope"].year == timezone.localdate().year


def test_the_navigation_shows_the_dashboard_to_staff_only(client, dash, province_leader, officer_a):
    client.force_login(province_leader)
    assert (
        reverse("dashboards:overview") in client.get(reverse("inspections:inspection_list")).content.decode()
    )
    client.force_login(officer_a)
    assert (
        reverse("dashboards:overview")
        not in client.get(reverse("inspections:inspection_list")).content.decode()
    )


def test_a_superuser_starts_from_the_whole_country(client, dash, superuser):
    client.force_login(superuser)
    response = client.get(reverse("dashboards:units"), {"year": 2024})
    assert response.status_code == 200
    assert response.context["scope"].root is None
    assert response.context["crumbs"][0][0] == "Toàn quốc"
    labels = [row.label for row in response.context["page"].rows]
    assert "UBND tỉnh Quảng Nam" in labels
