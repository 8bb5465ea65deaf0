"""The access policy declared once (``cchc.access.ACTIONS``): each action's
roles, ``can`` with and without an object, ``OutOfScope`` as a 404, and the
navigation asking the same policy."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse
from django.views import View

from cchc.access import ACTIONS, EDITORS, REPORTERS, STAFF, OutOfScope, can, can_reach
from cchc.choices import Role
from cchc.mixins import ScopedViewMixin
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_every_action_names_a_role_set_of_the_module():
    for name, action in ACTIONS.items():
        assert action.roles, name
        assert "." in name


class TestCan:
    def test_without_an_object_asks_the_roles_only(self, inspector, officer_a, leader):
        assert can(inspector, "finding.edit") and not can(officer_a, "finding.edit")
        # Only the unit's own officers write its reports; leaders read them.
        assert can(officer_a, "report.write") and not can(leader, "report.write")
        assert not can(inspector, "report.write")
        assert can(leader, "dashboard.view") and not can(officer_a, "dashboard.view")

    def test_with_an_object_asks_the_scope_of_the_actions_roles(
        self, inspector, district_inspector, scenario
    ):
        # The province's plan: its inspector edits it; the district's does not.
        assert can(inspector, "finding.edit", scenario.draft_district_a)
        assert not can(district_inspector, "finding.edit", scenario.draft_district_a)
        assert can(district_inspector, "finding.edit", scenario.draft_commune_a)
        assert can(inspector, "plan.edit", scenario.plan_2025)
        assert not can(district_inspector, "plan.edit", scenario.plan_2025)

    def test_reaching_a_unit(self, leader, units):
        assert can_reach(leader, "dashboard.view", units.commune_a.pk)
        assert not can_reach(leader, "dashboard.view", units.province.pk)

    def test_anonymous_superuser_and_unknown_action(self):
        assert not can(AnonymousUser(), "plan.view")
        assert can(UserFactory(is_superuser=True), "table.reopen")
        with pytest.raises(KeyError):
            can(AnonymousUser(), "no.such.action")

    def test_the_sets_behind_the_actions(self):
        assert ACTIONS["plan.view"].roles == STAFF
        assert ACTIONS["finding.edit"].roles == EDITORS == ACTIONS["report.review"].roles
        assert ACTIONS["report.write"].roles == REPORTERS


class TestMixin:
    class Raising(ScopedViewMixin, View):
        required_action = "plan.view"

        def get(self, request):
            raise OutOfScope("not yours")

    def test_out_of_scope_is_a_404(self, inspector):
        request = RequestFactory().get("/")
        request.user = inspector
        with pytest.raises(Http404):
            self.Raising.as_view()(request)

    def test_an_action_the_user_may_not_do_is_a_403(self, officer_a):
        request = RequestFactory().get("/")
        request.user = officer_a
        with pytest.raises(PermissionDenied):
            self.Raising.as_view()(request)


def test_the_navigation_shows_what_the_policy_allows(client, officer_a, inspector):
    client.force_login(officer_a)
    page = client.get(reverse("notifications")).content.decode()
    assert reverse("inspections:unit_home") in page
    assert reverse("inspections:review_queue") not in page
    assert reverse("dashboards:overview") not in page
    client.force_login(inspector)
    page = client.get(reverse("notifications")).content.decode()
    assert reverse("inspections:unit_home") not in page
    assert reverse("inspections:review_queue") in page
    assert reverse("dashboards:overview") in page


class TestOwnWriteScope:
    """Issue 15: "a unit writes only its own reports". The write scope of
    ``report.write`` is the user's own units and what passed to them whole
    (a merger), not the units below them, which they still read. Indicator
    tables keep the units below: a district compiles its communes' tables."""

    def test_a_district_officer_reads_but_does_not_write_its_communes_reports(self, make_member, units):
        from cchc.access import scope_unit_ids

        officer = make_member(Role.UNIT_OFFICER, units.district_a)
        read = scope_unit_ids(officer, REPORTERS)
        own = scope_unit_ids(officer, REPORTERS, write=True, own=True)
        assert {units.district_a.pk, units.commune_a.pk} <= read
        assert own == {units.district_a.pk}
        assert can_reach(officer, "report.write", units.district_a.pk)
        assert not can_reach(officer, "report.write", units.commune_a.pk)

    def test_a_commune_writes_what_passed_to_it_by_a_merger(self, make_member, units):
        officer = make_member(Role.UNIT_OFFICER, units.successor)
        assert can_reach(officer, "report.write", units.successor.pk)
        assert can_reach(officer, "report.write", units.old_commune.pk)
        assert not can_reach(officer, "report.write", units.district_b.pk)

    def test_indicator_tables_keep_the_units_below(self, make_member, units):
        officer = make_member(Role.UNIT_OFFICER, units.district_a)
        assert can_reach(officer, "table.edit", units.commune_a.pk)
        assert not can_reach(officer, "table.edit", units.district_b.pk)
