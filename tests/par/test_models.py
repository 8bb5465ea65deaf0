"""The PAR models' own rules: named constraints and an issued set that
never changes."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cchc.choices import UnitKind
from cchc.services import unit_create
from par.choices import Method, SetStatus, UnitGroup
from par.models import Band, CriteriaNode, CriteriaSet, Cycle


@pytest.fixture
def province(db):
    return unit_create(
        name="Ủy ban nhân dân tỉnh Quảng Nam", short_name="UBND tỉnh Quảng Nam", kind=UnitKind.PROVINCE
    )


@pytest.fixture
def draft(province):
    return CriteriaSet.objects.create(
        province=province, year=2025, unit_group=UnitGroup.COMMUNES, name="Bộ tiêu chí cấp xã năm 2025"
    )


def test_issued_set_never_changes(draft):
    area = CriteriaNode.objects.create(
        criteria_set=draft, level=1, position=1, code="1", name="Chỉ đạo", max_points=1
    )
    draft.status = SetStatus.ISSUED
    draft.decision_number = "1234/QĐ-UBND"
    draft.decision_date = datetime.date(2025, 9, 8)
    draft.save()
    draft.refresh_from_db()
    draft.name = "Đổi tên"
    with pytest.raises(ValidationError, match="đã ban hành"):
        draft.full_clean()
    area.refresh_from_db()
    area.max_points = D("2")
    with pytest.raises(ValidationError, match="đã ban hành"):
        area.full_clean()
    with pytest.raises(ValidationError, match="đã ban hành"):
        Band(criteria_set=draft, name="Tốt", lower=D("90")).full_clean()


def test_issued_set_needs_its_decision(draft):
    draft.status = SetStatus.ISSUED
    with pytest.raises(IntegrityError, match="par_criteriaset_issued_has_decision"), transaction.atomic():
        draft.save()


def test_districts_only_before_2025(province):
    with pytest.raises(ValidationError, match="chỉ đánh giá đến năm 2024"):
        CriteriaSet(province=province, year=2025, unit_group=UnitGroup.DISTRICTS, name="x").full_clean()


def test_node_params_checked_and_levels_follow_parents(draft):
    area = CriteriaNode.objects.create(
        criteria_set=draft, level=1, position=1, code="1", name="Chỉ đạo", max_points=1
    )
    node = CriteriaNode(
        criteria_set=draft,
        parent=area,
        level=2,
        position=2,
        code="1.1",
        name="Ban hành kế hoạch CCHC năm",
        max_points=D("1"),
        method=Method.LEVELS,
        params={"levels": [{"label": "Đúng hạn", "points": "2"}, {"label": "Không", "points": "0"}]},
    )
    with pytest.raises(ValidationError, match="ngoài khoảng 0 đến 1"):
        node.full_clean()
    node.params["levels"][0]["points"] = "1"
    node.full_clean()
    node.level = 3
    with pytest.raises(ValidationError, match="lớn hơn cấp của tiêu chí cha một bậc"):
        node.full_clean()


def test_cycle_deadlines_in_order(draft, province):
    day = datetime.date(2025, 12, 1)
    cycle = Cycle(
        province=province,
        year=2025,
        criteria_set=draft,
        name="Xác định Chỉ số CCHC năm 2025",
        self_assessment_due=day,
        round1_due=day - datetime.timedelta(days=1),
        explanation_due=day,
        round2_due=day,
        publication_due=day,
    )
    with pytest.raises(IntegrityError, match="par_cycle_deadlines_in_order"), transaction.atomic():
        cycle.save()
    with pytest.raises(ValidationError) as error:
        cycle.full_clean()
    assert "Chỉ dùng bộ tiêu chí đã ban hành." in str(error.value)
