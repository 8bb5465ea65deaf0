import datetime
from types import SimpleNamespace

import pytest

from cchc.access import clear_scope_cache
from cchc.choices import Role, UnitKind
from cchc.services import membership_create, unit_create, unit_end
from tests.factories import InspectionFactory, InspectionPlanFactory, ReformAreaFactory, UserFactory

pytest_plugins = ["tests.worker"]

ENDED_ON = datetime.date(2025, 6, 30)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    # The production hasher costs a third of a second per user.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def units(db):
    # Quảng Nam with a department and two districts with a commune each, and
    # a commune of Đại Lộc that ended on 30/6/2025, taken over by xã Vu Gia.
    province = unit_create(
        name="Ủy ban nhân dân tỉnh Quảng Nam",
        short_name="UBND tỉnh Quảng Nam",
        kind=UnitKind.PROVINCE,
        code="49",
        document_symbol="UBND",
        place_name="Quảng Nam",
    )
    department = unit_create(
        name="Sở Nội vụ tỉnh Quảng Nam", short_name="Sở Nội vụ", kind=UnitKind.DEPARTMENT, parent=province
    )
    district_a = unit_create(
        name="Ủy ban nhân dân huyện Duy Xuyên",
        short_name="UBND huyện Duy Xuyên",
        kind=UnitKind.DISTRICT,
        parent=province,
        code="508",
    )
    commune_a = unit_create(
        name="Ủy ban nhân dân xã Duy Sơn",
        short_name="UBND xã Duy Sơn",
        kind=UnitKind.COMMUNE,
        parent=district_a,
        code="20620",
    )
    district_b = unit_create(
        name="Ủy ban nhân dân huyện Đại Lộc",
        short_name="UBND huyện Đại Lộc",
        kind=UnitKind.DISTRICT,
        parent=province,
        code="506",
    )
    commune_b = unit_create(
        name="Ủy ban nhân dân xã Đại Hiệp",
        short_name="UBND xã Đại Hiệp",
        kind=UnitKind.COMMUNE,
        parent=district_b,
    )
    old_commune = unit_create(
        name="Ủy ban nhân dân xã Đại Cường",
        short_name="UBND xã Đại Cường",
        kind=UnitKind.COMMUNE,
        parent=district_b,
    )
    successor = unit_create(
        name="Ủy ban nhân dân xã Vu Gia",
        short_name="UBND xã Vu Gia",
        kind=UnitKind.COMMUNE,
        parent=province,
        valid_from=ENDED_ON + datetime.timedelta(days=1),
    )
    unit_end(
        unit=old_commune,
        last_day=ENDED_ON,
        successors=[successor],
        legal_basis="Nghị quyết số 1659/NQ-UBTVQH15",
    )
    return SimpleNamespace(
        province=province,
        department=department,
        district_a=district_a,
        commune_a=commune_a,
        district_b=district_b,
        commune_b=commune_b,
        old_commune=old_commune,
        successor=successor,
    )


@pytest.fixture
def reform_areas(db):
    current = {
        code: ReformAreaFactory(
            code=code, name=name, position=position, valid_from_year=2021, valid_to_year=2030
        )
        for position, (code, name) in enumerate(
            [
                ("chi-dao-dieu-hanh", "Công tác chỉ đạo, điều hành"),
                ("the-che", "Cải cách thể chế"),
                ("tthc", "Cải cách thủ tục hành chính"),
                ("to-chuc-bo-may", "Cải cách tổ chức bộ máy hành chính nhà nước"),
                ("cong-vu", "Cải cách chế độ công vụ"),
                ("tai-chinh-cong", "Cải cách tài chính công"),
                ("chinh-quyen-so", "Xây dựng và phát triển Chính phủ điện tử, Chính phủ số"),
            ],
            start=1,
        )
    }
    current["hien-dai-hoa"] = ReformAreaFactory(
        code="hien-dai-hoa",
        name="Hiện đại hóa hành chính",
        position=8,
        valid_from_year=2011,
        valid_to_year=2020,
        programme="Chương trình tổng thể CCHC nhà nước giai đoạn 2011 - 2020",
    )
    return SimpleNamespace(**{code.replace("-", "_"): area for code, area in current.items()})


@pytest.fixture
def make_member(db):
    def make(role, unit, **user_fields):
        user = UserFactory(**user_fields)
        membership_create(user=user, unit=unit, role=role)
        clear_scope_cache(user)
        return user

    return make


@pytest.fixture
def inspector(make_member, units):
    return make_member(Role.INSPECTOR, units.province, username="thanhtra.tinh")


@pytest.fixture
def administrator(make_member, units):
    return make_member(Role.ADMINISTRATOR, units.province, username="quantri")


@pytest.fixture
def leader(make_member, units):
    return make_member(Role.LEADER, units.district_a, username="lanhdao.duyxuyen")


@pytest.fixture
def officer_a(make_member, units):
    return make_member(Role.UNIT_OFFICER, units.district_a, username="canbo.duyxuyen")


@pytest.fixture
def officer_b(make_member, units):
    return make_member(Role.UNIT_OFFICER, units.district_b, username="canbo.dailoc")


@pytest.fixture
def successor_officer(make_member, units):
    return make_member(Role.UNIT_OFFICER, units.successor, username="canbo.thubon")


@pytest.fixture
def outsider(db):
    return UserFactory(username="khong.phan.cong")


@pytest.fixture
def scenario(units):
    # The province's 2024 plan with issued inspections everywhere, its 2025
    # plan with a draft at Duy Xuyên, and Duy Xuyên's own plan for its
    # commune, still a draft.
    plan_2024 = InspectionPlanFactory(
        year=2024, number="2005/KH-UBND", issued_on=datetime.date(2024, 4, 16), issuer=units.province
    )
    plan_2025 = InspectionPlanFactory(
        year=2025, number="512/KH-UBND", issued_on=datetime.date(2025, 2, 10), issuer=units.province
    )
    plan_district = InspectionPlanFactory(
        year=2025, number="88/KH-UBND", issued_on=datetime.date(2025, 3, 3), issuer=units.district_a
    )
    return SimpleNamespace(
        plan_2024=plan_2024,
        plan_2025=plan_2025,
        plan_district=plan_district,
        issued_district_a=InspectionFactory(plan=plan_2024, unit=units.district_a, issued=True),
        issued_commune_a=InspectionFactory(plan=plan_2024, unit=units.commune_a, issued=True),
        issued_district_b=InspectionFactory(plan=plan_2024, unit=units.district_b, issued=True),
        issued_commune_b=InspectionFactory(plan=plan_2024, unit=units.commune_b, issued=True),
        issued_old_commune=InspectionFactory(plan=plan_2024, unit=units.old_commune, issued=True),
        issued_department=InspectionFactory(plan=plan_2024, unit=units.department, issued=True),
        draft_district_a=InspectionFactory(plan=plan_2025, unit=units.district_a),
        draft_commune_a=InspectionFactory(plan=plan_district, unit=units.commune_a),
    )
