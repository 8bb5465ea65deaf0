"""The catalogue is data from the fixture file, versioned by year: a later
year's changed list is a new version and earlier tables keep theirs."""

import json

import pytest

from indicators.catalogue import CATALOGUE_FILE, CatalogueError, catalogue_load, templates_for_year
from indicators.choices import Rollup, ValueKind
from indicators.exports import export_workbook
from indicators.models import Indicator, IndicatorTemplate
from indicators.selectors import tables_for_export
from indicators.services import table_create, value_set
from tests.indicators.conftest import read_back, sheet_rows


def test_the_catalogue_of_seed_001(db):
    result = catalogue_load()
    assert result.created == {"templates": 4, "indicators": 43}
    pl03 = {i.number: i for i in Indicator.objects.filter(template__code="PL03")}
    assert list(pl03) == [
        "1",
        "1.1",
        "1.2",
        "1.3",
        "1.4",
        "2",
        "3",
        "4",
        "4.1",
        "4.2",
        "4.3",
        "4.4",
        "4.5",
        "4.6",
        "5",
        "5.1",
        "5.2",
        "5.3",
        "6",
        "6.1",
        "6.2",
        "6.3",
    ]
    assert pl03["4.3"].parent == pl03["4"]
    on_time = pl03["5.2"]
    assert (on_time.value_kind, on_time.rollup, on_time.numerator_within_denominator) == (
        ValueKind.FRACTION,
        Rollup.RATIO,
        True,
    )
    assert pl03["4.5"].value_kind == ValueKind.TEXT
    assert pl03["5.1"].unit_kinds == ["province", "department"]
    assert Indicator.objects.get(template__code="PL07", number="5").value_kind == ValueKind.LEVELS
    assert [t.code for t in templates_for_year(2017)] == ["PL03", "PL07", "KS"]
    assert [t.valid_from_year for t in templates_for_year(2017) if t.code == "KS"] == [2015]
    assert [t.valid_from_year for t in templates_for_year(2020) if t.code == "KS"] == [2019]


def test_loading_twice_changes_nothing(db):
    catalogue_load()
    again = catalogue_load()
    assert again.changed == 0
    assert again.unchanged == {"templates": 4, "indicators": 43}


def test_a_later_years_list_does_not_rewrite_earlier_tables(db, units, tmp_path):
    catalogue_load()
    table = table_create(unit=units.district_a, year=2019)
    old = Indicator.objects.get(template__code="PL03", number="4.6")
    value_set(table=table, indicator=old, raw="1", user=None)

    document = json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
    pl03 = next(t for t in document["templates"] if t["code"] == "PL03")
    pl03["valid_to_year"] = 2020
    new = json.loads(json.dumps(pl03))
    new["valid_from_year"], new["valid_to_year"] = 2021, None
    new["indicators"] = [i for i in new["indicators"] if i["number"] != "4.6"]
    new["indicators"].append(
        {"number": "7", "name": "Số TTHC được cắt giảm, đơn giản hóa", "kind": "count", "rollup": "none"}
    )
    document["templates"].append(new)
    path = tmp_path / "catalogue-2021.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")

    result = catalogue_load(path=path)
    assert result.created == {"templates": 1, "indicators": 22}
    old.refresh_from_db()
    assert old.template.valid_to_year == 2020
    assert [i.number for i in templates_for_year(2021).get(code="PL03").indicators.all()][-1] == "7"
    # 2019's table still has its 4.6, under the 2015 list; exports show it.
    sheet = read_back(
        export_workbook(
            units=[units.district_a],
            tables=tables_for_export(units=[units.district_a], first=2019, last=2019),
            first=2019,
            last=2019,
        )
    )["508"]
    assert any(row[:3] == ("4.6", "Số TTHC đã thực hiện 4 tại chỗ", 1) for row in sheet_rows(sheet))


def test_changing_the_kind_of_an_indicator_with_figures_is_refused(db, units, tmp_path):
    catalogue_load()
    table = table_create(unit=units.district_a, year=2019)
    value_set(
        table=table,
        indicator=Indicator.objects.get(template__code="PL03", number="1.2"),
        raw="263",
        user=None,
    )
    document = json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
    next(i for i in document["templates"][0]["indicators"] if i["number"] == "1.2")["kind"] = "text"
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CatalogueError, match="đã có số liệu; không đổi loại giá trị được"):
        catalogue_load(path=path)
    assert Indicator.objects.get(template__code="PL03", number="1.2").value_kind == ValueKind.COUNT


def test_overlapping_versions_are_refused(db, tmp_path):
    document = json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
    copy = json.loads(json.dumps(document["templates"][0]))
    copy["valid_from_year"] = 2019
    document["templates"].append(copy)
    path = tmp_path / "overlap.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CatalogueError, match="cũng áp dụng cho năm 2019"):
        catalogue_load(path=path)
    assert not IndicatorTemplate.objects.exists()  # all or nothing
