import datetime
from decimal import Decimal

import pytest

from cchc.reference import read_fixture
from demo.par_index import PAR_FIXTURE, fixture_specs
from par.choices import UnitGroup
from par.services import (
    criteria_set_create,
    criteria_set_issue,
    criteria_set_replace_tree,
    criteria_set_update,
    cycle_create,
)

DEADLINES = {
    "self_assessment_due": datetime.date(2025, 12, 15),
    "round1_due": datetime.date(2026, 1, 10),
    "explanation_due": datetime.date(2026, 1, 20),
    "round2_due": datetime.date(2026, 1, 31),
    "publication_due": datetime.date(2026, 3, 31),
}


@pytest.fixture
def par_data():
    return read_fixture(PAR_FIXTURE)


@pytest.fixture
def commune_set(units, par_data):
    """The demo's 2025 commune set in Quảng Nam, appraised by its Sở Nội vụ, issued."""
    criteria_set = criteria_set_create(
        province=units.province,
        year=2025,
        unit_group=UnitGroup.COMMUNES,
        name="Bộ tiêu chí cấp xã năm 2025",
        user=None,
    )
    criteria_set_update(
        criteria_set=criteria_set,
        bonus_cap=Decimal(par_data["bonus_cap"]),
        penalty_cap=Decimal(par_data["penalty_cap"]),
    )
    appraisers = dict.fromkeys(("snv", "stp", "stc", "skhcn", "vp"), units.department.pk)
    nodes, bands = fixture_specs(par_data, appraisers)
    criteria_set_replace_tree(criteria_set=criteria_set, nodes=nodes, bands=bands)
    return criteria_set_issue(
        criteria_set=criteria_set,
        decision_number="2150/QĐ-UBND",
        decision_date=datetime.date(2025, 9, 15),
        user=None,
    )


@pytest.fixture
def commune_cycle(units, commune_set):
    return cycle_create(
        province=units.province,
        criteria_set=commune_set,
        name="Xác định Chỉ số CCHC năm 2025 của UBND cấp xã",
        user=None,
        today=datetime.date(2026, 1, 5),
        **DEADLINES,
    )
