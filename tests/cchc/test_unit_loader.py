"""Provinces loaded from the official lists (vietnam-provinces and
vietnamadminunits): known 2025 successions of Đà Nẵng (with former Quảng
Nam) and Hà Tĩnh checked against the resolutions, idempotence, a newer list,
disagreements left out, the default bodies."""

import copy
import dataclasses
import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cchc.choices import SuccessionKind, UnitKind
from cchc.models import Unit, UnitSuccession
from cchc.services import current_successors, unit_update
from cchc.unit_lists import Link, ListedUnit, read_national_list
from cchc.unit_loader import load_official_units

LAST_DAY = datetime.date(2025, 6, 30)
FIRST_DAY = datetime.date(2025, 7, 1)

# Nghị quyết số 1659/NQ-UBTVQH15 (Đà Nẵng), Điều 1: the communes of former
# huyện Duy Xuyên and the commune each went into.
DUY_XUYEN = {
    "Duy Nghĩa": {"Duy Thành", "Duy Nghĩa", "Duy Hải"},
    "Nam Phước": {"Nam Phước", "Duy Phước", "Duy Vinh"},
    "Duy Xuyên": {"Duy Trinh", "Duy Sơn", "Duy Trung"},
    "Thu Bồn": {"Duy Phú", "Duy Tân", "Duy Hòa", "Duy Châu"},
}


@pytest.fixture
def loaded(db):
    return load_official_units(provinces=["48", "42"])


def predecessors(unit: Unit) -> set[str]:
    return {link.predecessor.place_name for link in unit.successions_in.select_related("predecessor")}


@pytest.mark.django_db
def test_duy_xuyen_communes_went_into_four_communes_of_da_nang(loaded):
    da_nang = Unit.objects.get(code="48")
    assert da_nang.valid_from == FIRST_DAY and da_nang.valid_to is None
    duy_xuyen = Unit.objects.get(former_code="508")
    assert (duy_xuyen.name, duy_xuyen.kind, duy_xuyen.valid_to) == (
        "Ủy ban nhân dân huyện Duy Xuyên",
        UnitKind.DISTRICT,
        LAST_DAY,
    )
    for new_name, old_names in DUY_XUYEN.items():
        commune = Unit.objects.get(parent=da_nang, place_name=new_name, kind=UnitKind.COMMUNE)
        assert commune.short_name == f"UBND xã {new_name}" and commune.valid_from == FIRST_DAY
        assert predecessors(commune) >= old_names
        links = commune.successions_in.filter(predecessor__parent=duy_xuyen)
        assert {link.predecessor.place_name for link in links} == old_names
        for link in links:
            assert link.kind == SuccessionKind.MERGE and link.effective_date == FIRST_DAY
            assert link.legal_basis.startswith("Nghị quyết số 1659/NQ-UBTVQH15")
            assert link.predecessor.valid_to == LAST_DAY
    assert {link.successor.place_name for link in duy_xuyen.successions_out.all()} == set(DUY_XUYEN)
    assert all(
        link.kind == SuccessionKind.TRANSFER and "203/2025/QH15" in link.legal_basis
        for link in duy_xuyen.successions_out.all()
    )
    # Thị trấn Nam Phước's code 20599 went to the new xã Nam Phước.
    nam_phuoc_town = Unit.objects.get(former_code="20599")
    assert nam_phuoc_town.code == "" and nam_phuoc_town.name == "Ủy ban nhân dân thị trấn Nam Phước"
    assert [u.code for u in current_successors(nam_phuoc_town)] == ["20599"]
    # Duy Phú's code was not reused: it keeps it.
    assert Unit.objects.get(former_code="20605").code == "20605"


@pytest.mark.django_db
def test_quang_nam_and_former_da_nang_merged_into_da_nang(loaded):
    quang_nam = Unit.objects.get(former_code="49")
    former_da_nang = Unit.objects.get(former_code="48")
    assert quang_nam.code == "49" and former_da_nang.code == ""
    for province in (quang_nam, former_da_nang):
        assert province.valid_to == LAST_DAY
        [link] = province.successions_out.all()
        assert link.successor.code == "48" and link.kind == SuccessionKind.MERGE
        assert link.legal_basis.startswith("Nghị quyết số 202/2025/QH15")
    # 17 districts: Nông Sơn went into Quế Sơn on 1/1/2025 (NQ 1241/NQ-UBTVQH15).
    assert Unit.objects.filter(parent=quang_nam, kind=UnitKind.DISTRICT).count() == 17
    assert Unit.objects.filter(parent__parent=quang_nam, kind=UnitKind.COMMUNE).count() > 200


@pytest.mark.django_db
def test_ha_tinh_goes_on_and_its_communes_follow_nq_1665(loaded):
    [ha_tinh] = Unit.objects.filter(code="42")
    assert ha_tinh.former_code == "42" and ha_tinh.valid_to is None and ha_tinh.valid_from is None
    assert not ha_tinh.successions_out.exists()
    huong_son = Unit.objects.get(former_code="439")
    assert huong_son.parent == ha_tinh and huong_son.valid_to == LAST_DAY
    expected = {
        "18133": ("Hương Sơn", "Phố Châu"),
        "18223": ("Kim Hoa", "Hàm Trường"),
        "18202": ("Tứ Mỹ", "Châu Bình"),
        "18163": ("Sơn Tiến", "An Hòa Thịnh"),
        "18184": ("Sơn Giang", "Sơn Giang"),
    }
    for code, (new_name, old_name) in expected.items():
        commune = Unit.objects.get(code=code)
        assert commune.place_name == new_name and commune.parent == ha_tinh
        link = commune.successions_in.get(predecessor__place_name=old_name, predecessor__parent=huong_son)
        assert link.legal_basis.startswith("Nghị quyết số 1665/NQ-UBTVQH15")
    assert Unit.objects.filter(parent=ha_tinh, kind=UnitKind.COMMUNE, valid_from=FIRST_DAY).count() == 69


@pytest.mark.django_db
def test_a_second_run_changes_nothing_and_paths_are_right(loaded):
    units, links = Unit.objects.count(), UnitSuccession.objects.count()
    again = load_official_units(provinces=["48", "42"])
    assert again.changed == 0
    assert (Unit.objects.count(), UnitSuccession.objects.count()) == (units, links)
    for unit in Unit.objects.select_related("parent"):
        assert unit.path == f"{unit.parent.path if unit.parent else '/'}{unit.pk}/"


@pytest.mark.django_db
def test_disagreements_are_reported_and_not_loaded(loaded):
    # vietnam-provinces gives Phường Hải Vân the code 20195, vietnamadminunits 20194.
    assert any("20195" in p and "Hải Vân" in p for p in loaded.problems)
    assert not Unit.objects.filter(code__in=["20194", "20195"]).exists()
    # ... and the old wards that went into it are left out rather than ended without successor.
    assert any(p.startswith("Xã cũ 20194") for p in loaded.problems)
    assert not Unit.objects.filter(former_code="20194").exists()
    assert all("Hà Nội" not in p for p in loaded.problems)


@pytest.mark.django_db
def test_a_newer_list_renames_and_adds_without_touching_history(loaded):
    national = copy.deepcopy(read_national_list())
    national = dataclasses.replace(national, version="thử nghiệm")
    national.communes["18184"] = ListedUnit("18184", "Xã Sơn Giang Mới", UnitKind.COMMUNE, "42")
    national.communes["99999"] = ListedUnit("99999", "Phường Thử Nghiệm", UnitKind.COMMUNE, "42")
    national.links.append(Link("18157", "99999", SuccessionKind.SPLIT, "commune"))
    old = Unit.objects.get(former_code="18157")
    unit_update(unit=old, valid_to=datetime.date(2025, 6, 29))  # an administrator corrected a date
    links = UnitSuccession.objects.count()

    result = load_official_units(provinces=["42"], national=national)

    renamed = Unit.objects.get(code="18184")
    assert renamed.name == "Ủy ban nhân dân xã Sơn Giang Mới" and renamed.valid_from == FIRST_DAY
    assert Unit.objects.get(code="99999").parent.code == "42"
    old.refresh_from_db()
    assert old.valid_to == datetime.date(2025, 6, 29)
    assert UnitSuccession.objects.count() == links + 1
    assert result.created["đơn vị"] == 1 and result.updated["đơn vị"] == 1


@pytest.mark.django_db
def test_bodies_are_loaded_once_and_stay_as_edited(loaded):
    da_nang = Unit.objects.get(code="48")
    bodies = {u.document_symbol: u for u in da_nang.children.exclude(kind=UnitKind.COMMUNE)}
    assert {"SNV", "STP", "STC", "VPUBND", "TTr"} <= set(bodies)
    assert bodies["SNV"].name == "Sở Nội vụ thành phố Đà Nẵng" and bodies["SNV"].kind == UnitKind.DEPARTMENT
    assert bodies["SNV"].place_name == "Đà Nẵng"
    unit_update(unit=bodies["STP"], name="Sở Tư pháp thành phố Đà Nẵng (đã sửa)")
    assert load_official_units(provinces=["48"]).changed == 0
    bodies["STP"].refresh_from_db()
    assert bodies["STP"].name.endswith("(đã sửa)")


@pytest.mark.django_db
def test_command_loads_and_refuses_an_unknown_province(db):
    out = StringIO()
    call_command("load_units", "42", stdout=out)
    assert "tỉnh: 42" in out.getvalue() and Unit.objects.filter(code="42").exists()
    with pytest.raises(CommandError, match="77"):
        call_command("load_units", "77", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("load_units", stdout=StringIO())


@pytest.mark.django_db(transaction=True)
def test_setup_province_prepares_a_real_province_without_the_demo(settings):
    from django.core import mail

    from cchc.models import Membership, ReformArea, User

    out = StringIO()
    call_command("setup_province", "42", "--admin-email", "QuanTri@HaTinh.gov.vn", stdout=out)
    admin = User.objects.get()
    assert (
        admin.username == "quantri@hatinh.gov.vn" and admin.is_superuser and not admin.has_usable_password()
    )
    assert Membership.objects.get(user=admin).unit.code == "42"
    assert ReformArea.objects.exists() and Unit.objects.filter(code="18184").exists()
    assert not Unit.objects.filter(code__in=["48", "49"]).exists()  # no other province, no demo
    assert [m.to for m in mail.outbox] == [["quantri@hatinh.gov.vn"]] and "/password-set/" in mail.outbox[
        0
    ].body
    call_command("setup_province", "42", "--admin-email", "quantri@hatinh.gov.vn", stdout=StringIO())
    assert User.objects.count() == 1 and len(mail.outbox) == 1
