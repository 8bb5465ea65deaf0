import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from cchc.access import can, clear_scope_cache, has_role, scope_unit_ids, units_visible, user_roles
from cchc.choices import Role, UnitKind
from cchc.models import Membership
from cchc.services import membership_create, unit_create, unit_end
from inspections.choices import InspectionStatus
from inspections.selectors import inspections_visible, plans_visible, tasks_visible
from tests.factories import InspectionFactory, RemediationTaskFactory, UserFactory

pytestmark = pytest.mark.django_db


def visible(user, scenario):
    names = {
        inspection.pk: name for name, inspection in vars(scenario).items() if not name.startswith("plan")
    }
    return {names[pk] for pk in inspections_visible(user).values_list("pk", flat=True)}


ALL_INSPECTIONS = {
    "issued_district_a",
    "issued_commune_a",
    "issued_district_b",
    "issued_commune_b",
    "issued_old_commune",
    "issued_department",
    "draft_district_a",
    "draft_commune_a",
}


class TestUnitOfficer:
    def test_sees_issued_inspections_of_its_district_and_communes_only(self, officer_a, scenario):
        assert visible(officer_a, scenario) == {"issued_district_a", "issued_commune_a"}

    def test_does_not_see_a_draft_of_its_own_district(self, officer_a, scenario):
        assert not inspections_visible(officer_a).filter(pk=scenario.draft_district_a.pk).exists()
        assert not inspections_visible(officer_a).filter(pk=scenario.draft_commune_a.pk).exists()

    def test_sees_nothing_of_the_other_district(self, officer_b, scenario):
        assert visible(officer_b, scenario) == {"issued_district_b", "issued_commune_b", "issued_old_commune"}

    def test_sees_no_plans(self, officer_a, scenario):
        assert not has_role(officer_a, Role.INSPECTOR, Role.LEADER, Role.ADMINISTRATOR)
        assert not plans_visible(officer_a).exists()
        assert not can(officer_a, "finding.edit", scenario.issued_district_a)

    def test_units_visible_are_its_subtree(self, officer_a, units):
        assert set(units_visible(officer_a)) == {units.district_a, units.commune_a}

    def test_an_inspection_becomes_visible_when_its_notice_is_issued(self, officer_a, scenario):
        draft = scenario.draft_district_a
        assert not inspections_visible(officer_a).filter(pk=draft.pk).exists()
        draft.status = InspectionStatus.CONCLUDED
        draft.notice_issued_at = timezone.now()
        draft.save()
        assert inspections_visible(officer_a).filter(pk=draft.pk).exists()


class TestInspector:
    def test_sees_every_inspection_of_plans_issued_in_the_province_drafts_included(self, inspector, scenario):
        assert visible(inspector, scenario) == ALL_INSPECTIONS

    def test_sees_plans_issued_by_the_province_and_units_under_it(self, inspector, scenario):
        assert set(plans_visible(inspector)) == {
            scenario.plan_2024,
            scenario.plan_2025,
            scenario.plan_district,
        }

    def test_may_edit_inspections_of_those_plans(self, inspector, scenario):
        assert can(inspector, "finding.edit", scenario.draft_district_a)
        assert can(inspector, "finding.edit", scenario.draft_commune_a)

    def test_an_inspector_of_a_district_sees_only_the_district_plans(self, make_member, units, scenario):
        district_inspector = make_member(Role.INSPECTOR, units.district_a)
        assert set(plans_visible(district_inspector)) == {scenario.plan_district}
        assert visible(district_inspector, scenario) == {
            "draft_commune_a",
            "issued_district_a",
            "issued_commune_a",
        }
        assert not can(district_inspector, "finding.edit", scenario.draft_district_a)

    def test_a_plan_issued_by_another_province_is_out_of_scope(self, inspector, scenario):
        foreign = InspectionFactory()
        assert not inspections_visible(inspector).filter(pk=foreign.pk).exists()
        assert not plans_visible(inspector).filter(pk=foreign.plan.pk).exists()


class TestLeader:
    def test_a_district_leader_sees_its_plans_drafts_and_issued_inspections_of_its_units(
        self, leader, scenario
    ):
        assert set(plans_visible(leader)) == {scenario.plan_district}
        assert visible(leader, scenario) == {"draft_commune_a", "issued_district_a", "issued_commune_a"}

    def test_a_leader_does_not_edit(self, leader, scenario):
        assert not can(leader, "finding.edit", scenario.draft_commune_a)

    def test_a_province_leader_sees_everything_in_the_province(self, make_member, units, scenario):
        chairman = make_member(Role.LEADER, units.province)
        assert visible(chairman, scenario) == ALL_INSPECTIONS
        assert not can(chairman, "finding.edit", scenario.draft_district_a)


class TestSuccession:
    def test_a_successor_officer_sees_the_predecessor_issued_inspections(
        self, successor_officer, units, scenario
    ):
        assert visible(successor_officer, scenario) == {"issued_old_commune"}
        assert scope_unit_ids(successor_officer) == {units.successor.pk, units.old_commune.pk}

    def test_succession_is_followed_through_chains(self, make_member, units, scenario):
        merged_again = unit_create(
            name="Ủy ban nhân dân xã Vu Gia", kind=UnitKind.COMMUNE, parent=units.province
        )
        unit_end(unit=units.successor, last_day=datetime.date(2026, 1, 31), successors=[merged_again])
        officer = make_member(Role.UNIT_OFFICER, merged_again)
        assert scope_unit_ids(officer) == {merged_again.pk, units.successor.pk, units.old_commune.pk}
        assert visible(officer, scenario) == {"issued_old_commune"}

    def test_the_predecessor_district_officer_keeps_no_successor_rights(self, officer_b, units):
        assert units.successor.pk not in scope_unit_ids(officer_b)


class TestSuperuser:
    @pytest.fixture
    def superuser(self):
        return UserFactory(is_superuser=True, is_staff=True)

    def test_reaches_every_unit_and_plan(self, superuser, scenario, units):
        assert scope_unit_ids(superuser) is None
        assert set(plans_visible(superuser)) == {
            scenario.plan_2024,
            scenario.plan_2025,
            scenario.plan_district,
        }
        assert units_visible(superuser).count() == len(vars(units))

    def test_sees_every_inspection_drafts_included(self, superuser, scenario):
        assert visible(superuser, scenario) == ALL_INSPECTIONS

    def test_sees_tasks_of_draft_inspections(self, superuser, scenario):
        task = RemediationTaskFactory(inspection=scenario.draft_district_a)
        assert tasks_visible(superuser).filter(pk=task.pk).exists()


class TestNoRights:
    def test_an_expired_membership_grants_nothing(self, officer_a, scenario):
        membership = Membership.objects.get(user=officer_a)
        Membership.objects.filter(pk=membership.pk).update(
            valid_from=datetime.date(2020, 1, 1), valid_to=timezone.localdate() - datetime.timedelta(days=1)
        )
        clear_scope_cache(officer_a)

        assert user_roles(officer_a) == frozenset()
        assert scope_unit_ids(officer_a) == frozenset()
        assert not inspections_visible(officer_a).exists()
        assert not tasks_visible(officer_a).exists()

    def test_a_membership_ending_today_still_counts(self, officer_a, scenario):
        Membership.objects.filter(user=officer_a).update(valid_to=timezone.localdate())
        clear_scope_cache(officer_a)
        assert visible(officer_a, scenario) == {"issued_district_a", "issued_commune_a"}

    def test_a_membership_starting_tomorrow_grants_nothing_yet(self, units, scenario):
        user = UserFactory()
        membership_create(
            user=user,
            unit=units.district_a,
            role=Role.UNIT_OFFICER,
            valid_from=timezone.localdate() + datetime.timedelta(days=1),
        )
        assert not inspections_visible(user).exists()

    def test_an_inactive_user_sees_nothing(self, officer_a, scenario):
        officer_a.is_active = False
        assert scope_unit_ids(officer_a) == frozenset()
        assert not inspections_visible(officer_a).exists()

    def test_a_user_without_membership_sees_nothing(self, outsider, scenario):
        assert not inspections_visible(outsider).exists()
        assert not plans_visible(outsider).exists()
        assert not tasks_visible(outsider).exists()
        assert not units_visible(outsider).exists()

    def test_an_anonymous_user_sees_nothing(self, scenario):
        anonymous = AnonymousUser()
        assert scope_unit_ids(anonymous) == frozenset()
        assert not has_role(anonymous, Role.UNIT_OFFICER)
        assert not inspections_visible(anonymous).exists()
        assert not plans_visible(anonymous).exists()
        assert not tasks_visible(anonymous).exists()


class TestScopeCache:
    def test_scope_is_cached_on_the_user_until_cleared(self, officer_a, units, django_assert_num_queries):
        first = scope_unit_ids(officer_a)
        with django_assert_num_queries(0):
            assert scope_unit_ids(officer_a) == first

        Membership.objects.filter(user=officer_a).update(unit=units.district_b)
        assert scope_unit_ids(officer_a) == first
        clear_scope_cache(officer_a)
        assert units.district_b.pk in scope_unit_ids(officer_a)

    def test_membership_create_clears_the_cache(self, officer_a, units):
        assert units.district_b.pk not in scope_unit_ids(officer_a)
        membership_create(user=officer_a, unit=units.district_b, role=Role.UNIT_OFFICER)
        assert units.district_b.pk in scope_unit_ids(officer_a)


class TestTasksVisible:
    def test_a_task_of_a_unit_in_scope_is_hidden_until_the_inspection_is_issued(
        self, officer_a, scenario, units
    ):
        draft_task = RemediationTaskFactory(
            inspection=scenario.draft_district_a, responsible_unit=units.district_a
        )
        issued_task = RemediationTaskFactory(
            inspection=scenario.issued_district_a, responsible_unit=units.district_a
        )
        assert set(tasks_visible(officer_a)) == {issued_task}
        assert draft_task not in set(tasks_visible(officer_a))

    def test_a_task_assigned_to_a_unit_in_scope_of_another_unit_inspection_is_visible(
        self, officer_a, officer_b, scenario, units
    ):
        # Đại Lộc's conclusion makes Duy Sơn responsible for a task.
        task = RemediationTaskFactory(inspection=scenario.issued_district_b, responsible_unit=units.commune_a)
        assert tasks_visible(officer_a).filter(pk=task.pk).exists()
        assert tasks_visible(officer_b).filter(pk=task.pk).exists()
        assert not inspections_visible(officer_a).filter(pk=scenario.issued_district_b.pk).exists()

    def test_a_task_of_another_district_is_hidden(self, officer_a, scenario):
        task = RemediationTaskFactory(inspection=scenario.issued_district_b)
        assert not tasks_visible(officer_a).filter(pk=task.pk).exists()

    def test_the_inspector_sees_tasks_of_draft_inspections(self, inspector, scenario):
        task = RemediationTaskFactory(inspection=scenario.draft_district_a)
        assert tasks_visible(inspector).filter(pk=task.pk).exists()
