import datetime

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction

from cchc.choices import Role, SuccessionKind, UnitKind
from cchc.models import Membership, ReformArea, Unit, UnitSuccession
from cchc.services import current_successors, membership_create, unit_create, unit_end, unit_update
from tests.factories import ReformAreaFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

OWN_ANCESTOR = "Không thể chọn đơn vị này hoặc một đơn vị cấp dưới của nó làm cấp trên."
VALID_RANGE = "Ngày kết thúc hiệu lực không được trước ngày bắt đầu."
DUPLICATE_CODE = "Mã đơn vị này đã được dùng cho đơn vị khác."


class TestUnitTree:
    def test_factory_traits_build_a_consistent_tree(self):
        commune = UnitFactory(commune=True)
        district = commune.parent
        province = district.parent
        assert (province.kind, district.kind, commune.kind) == (
            UnitKind.PROVINCE,
            UnitKind.DISTRICT,
            UnitKind.COMMUNE,
        )
        assert commune.path == f"/{province.pk}/{district.pk}/{commune.pk}/"
        assert Unit.objects.get(pk=commune.pk).path == commune.path

    def test_created_units_get_their_path_from_the_parent(self, units):
        assert units.province.path == f"/{units.province.pk}/"
        assert units.commune_a.path == f"/{units.province.pk}/{units.district_a.pk}/{units.commune_a.pk}/"
        assert list(Unit.objects.subtree_of(units.district_a)) == [units.district_a, units.commune_a]

    def test_a_unit_cannot_be_moved_under_its_own_descendant(self, units):
        with pytest.raises(ValidationError) as excinfo:
            unit_update(unit=units.district_a, parent=units.commune_a)

        assert excinfo.value.message_dict == {"parent": [OWN_ANCESTOR]}
        stored = Unit.objects.get(pk=units.district_a.pk)
        assert stored.parent_id == units.province.pk
        assert stored.path == f"/{units.province.pk}/{units.district_a.pk}/"

    def test_a_unit_cannot_be_its_own_parent(self, units):
        with pytest.raises(ValidationError) as excinfo:
            unit_update(unit=units.district_b, parent=units.district_b)

        assert excinfo.value.message_dict == {"parent": [OWN_ANCESTOR]}
        assert Unit.objects.get(pk=units.district_b.pk).parent_id == units.province.pk

    def test_moving_a_unit_re_roots_every_descendant(self, units):
        one_stop_shop = unit_create(
            name="Bộ phận tiếp nhận và trả kết quả xã Đại Hiệp", kind=UnitKind.OFFICE, parent=units.commune_b
        )
        da_nang = unit_create(name="Ủy ban nhân dân thành phố Đà Nẵng", kind=UnitKind.PROVINCE, code="48")

        unit_update(unit=units.district_b, parent=da_nang)

        district_b = f"{da_nang.path}{units.district_b.pk}/"
        assert Unit.objects.get(pk=units.district_b.pk).path == district_b
        assert Unit.objects.get(pk=units.commune_b.pk).path == f"{district_b}{units.commune_b.pk}/"
        assert Unit.objects.get(pk=units.old_commune.pk).path == f"{district_b}{units.old_commune.pk}/"
        assert (
            Unit.objects.get(pk=one_stop_shop.pk).path
            == f"{district_b}{units.commune_b.pk}/{one_stop_shop.pk}/"
        )
        assert Unit.objects.get(pk=units.commune_a.pk).path == (
            f"/{units.province.pk}/{units.district_a.pk}/{units.commune_a.pk}/"
        )
        assert set(Unit.objects.subtree_of(da_nang)) == {
            da_nang,
            units.district_b,
            units.commune_b,
            units.old_commune,
            one_stop_shop,
        }
        assert units.commune_b not in set(Unit.objects.subtree_of(units.province))


class TestUnitValidity:
    def test_validity_ending_before_it_starts_is_rejected_with_its_message(self, units):
        with pytest.raises(ValidationError) as excinfo:
            unit_create(
                name="Ủy ban nhân dân xã Duy Hải",
                kind=UnitKind.COMMUNE,
                parent=units.district_a,
                valid_from=datetime.date(2020, 1, 1),
                valid_to=datetime.date(2019, 12, 31),
            )

        assert excinfo.value.message_dict == {NON_FIELD_ERRORS: [VALID_RANGE]}
        assert not Unit.objects.filter(name="Ủy ban nhân dân xã Duy Hải").exists()

    def test_full_clean_reports_the_validity_message(self):
        unit = Unit(
            name="Sở Tư pháp",
            kind=UnitKind.DEPARTMENT,
            valid_from=datetime.date(2020, 1, 1),
            valid_to=datetime.date(2019, 1, 1),
        )
        with pytest.raises(ValidationError) as excinfo:
            unit.full_clean()
        assert excinfo.value.messages == [VALID_RANGE]

    def test_the_database_refuses_validity_ending_before_it_starts(self, units):
        with pytest.raises(IntegrityError), transaction.atomic():
            Unit.objects.filter(pk=units.commune_a.pk).update(
                valid_from=datetime.date(2020, 1, 1), valid_to=datetime.date(2019, 12, 31)
            )
        assert Unit.objects.get(pk=units.commune_a.pk).valid_to is None

    def test_a_unit_ending_on_the_day_it_starts_is_valid(self, units):
        day = datetime.date(2025, 7, 1)
        unit = unit_create(name="Ban Quản lý dự án", kind=UnitKind.OFFICE, valid_from=day, valid_to=day)
        assert unit.is_active_on(day)
        assert not unit.is_active_on(day + datetime.timedelta(days=1))


class TestUnitCode:
    def test_a_code_already_used_is_rejected_with_its_message(self, units):
        with pytest.raises(ValidationError) as excinfo:
            unit_create(name="Tỉnh trùng mã", kind=UnitKind.PROVINCE, code="49")

        assert excinfo.value.messages == [DUPLICATE_CODE]
        assert Unit.objects.filter(code="49").count() == 1

    def test_the_database_refuses_a_duplicate_code(self, units):
        with pytest.raises(IntegrityError), transaction.atomic():
            UnitFactory(code="506")
        assert list(Unit.objects.filter(code="506")) == [units.district_b]

    def test_units_without_a_code_do_not_collide(self, units):
        first = unit_create(name="Văn phòng Đoàn ĐBQH", kind=UnitKind.OFFICE)
        second = unit_create(name="Ban Dân tộc", kind=UnitKind.OFFICE)
        assert first.code == second.code == ""
        assert Unit.objects.filter(code="", kind=UnitKind.OFFICE).count() == 2


class TestMembership:
    def test_membership_in_a_unit_that_has_ended_is_rejected(self, units):
        user = UserFactory()
        with pytest.raises(ValidationError) as excinfo:
            membership_create(user=user, unit=units.old_commune, role=Role.UNIT_OFFICER)

        assert excinfo.value.message_dict == {
            "unit": ["Đơn vị UBND xã Đại Cường đã kết thúc hoạt động từ ngày 30/06/2025."]
        }
        assert not Membership.objects.filter(user=user).exists()

    def test_membership_dated_while_the_unit_existed_is_accepted(self, units):
        user = UserFactory()
        membership = membership_create(
            user=user, unit=units.old_commune, role=Role.UNIT_OFFICER, valid_from=datetime.date(2024, 1, 1)
        )
        assert Membership.objects.get(user=user) == membership

    def test_the_same_role_twice_in_a_unit_is_rejected(self, units):
        user = UserFactory()
        membership_create(user=user, unit=units.district_a, role=Role.UNIT_OFFICER)
        with pytest.raises(ValidationError) as excinfo:
            membership_create(user=user, unit=units.district_a, role=Role.UNIT_OFFICER)
        assert excinfo.value.messages == ["Người dùng đã có vai trò này tại đơn vị này."]
        assert Membership.objects.filter(user=user).count() == 1


class TestReformArea:
    def test_years_ending_before_they_start_are_rejected_with_their_message(self):
        area = ReformArea(code="the-che", name="Cải cách thể chế", valid_from_year=2021, valid_to_year=2020)
        with pytest.raises(ValidationError) as excinfo:
            area.full_clean()
        assert excinfo.value.messages == ["Năm kết thúc không được trước năm bắt đầu."]

    def test_the_database_refuses_years_ending_before_they_start(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            ReformAreaFactory(valid_from_year=2021, valid_to_year=2020)
        assert not ReformArea.objects.exists()

    def test_validity_in_a_year(self, reform_areas):
        assert reform_areas.hien_dai_hoa.is_valid_in(2019)
        assert not reform_areas.hien_dai_hoa.is_valid_in(2021)
        assert reform_areas.tthc.is_valid_in(2030)
        assert not reform_areas.tthc.is_valid_in(2020)


class TestUnitSuccession:
    def test_a_unit_cannot_succeed_itself(self, units):
        link = UnitSuccession(
            predecessor=units.district_b,
            successor=units.district_b,
            kind=SuccessionKind.RENAME,
            effective_date=datetime.date(2025, 7, 1),
        )
        with pytest.raises(ValidationError) as excinfo:
            link.full_clean()
        assert excinfo.value.messages == ["Đơn vị cũ và đơn vị kế thừa phải khác nhau."]

    def test_the_database_refuses_a_unit_succeeding_itself(self, units):
        with pytest.raises(IntegrityError), transaction.atomic():
            UnitSuccession.objects.create(
                predecessor=units.district_b,
                successor=units.district_b,
                kind=SuccessionKind.RENAME,
                effective_date=datetime.date(2025, 7, 1),
            )
        assert not UnitSuccession.objects.filter(predecessor=units.district_b).exists()

    def test_ending_a_unit_onto_itself_is_rejected_and_leaves_it_open(self, units):
        with pytest.raises(ValidationError) as excinfo:
            unit_end(unit=units.commune_b, last_day=datetime.date(2025, 6, 30), successors=[units.commune_b])
        assert excinfo.value.messages == ["Đơn vị cũ và đơn vị kế thừa phải khác nhau."]
        assert Unit.objects.get(pk=units.commune_b.pk).valid_to is None

    def test_ending_a_unit_links_it_to_its_successor_from_the_next_day(self, units):
        link = UnitSuccession.objects.get(predecessor=units.old_commune)
        assert link.successor == units.successor
        assert link.effective_date == datetime.date(2025, 7, 1)
        assert Unit.objects.get(pk=units.old_commune.pk).valid_to == datetime.date(2025, 6, 30)
        assert current_successors(units.old_commune) == [units.successor]

    def test_ending_a_unit_needs_a_successor(self, units):
        with pytest.raises(ValidationError) as excinfo:
            unit_end(unit=units.commune_b, last_day=datetime.date(2025, 6, 30), successors=[])
        assert excinfo.value.messages == ["Phải chọn ít nhất một đơn vị kế thừa."]
        assert Unit.objects.get(pk=units.commune_b.pk).valid_to is None
