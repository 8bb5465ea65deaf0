"""Scope after a split, and the unit's own writing (issue 15, roles).

Huyện Duy Xuyên is shared on 30/6/2025 between two new communes: its
commune Duy Sơn passes to the first, the district's other commune to the
second. Each successor reads the district's history, writes only what
passed to it, and never reaches the commune that went to the other one.
A predecessor with one successor (a merger) still passes everything."""

import datetime

import pytest
from django.urls import reverse

from cchc.access import can, clear_scope_cache, scope_unit_ids
from cchc.choices import Role, SuccessionKind, UnitKind
from cchc.services import unit_create, unit_end
from inspections.models import RemediationReport
from inspections.remediation import report_open
from tests.factories import InspectionFactory, RemediationTaskFactory

pytestmark = pytest.mark.django_db

LAST_DAY = datetime.date(2025, 6, 30)


@pytest.fixture
def split(units, make_member):
    other = unit_create(
        name="Ủy ban nhân dân xã Duy Trung",
        short_name="UBND xã Duy Trung",
        kind=UnitKind.COMMUNE,
        parent=units.district_a,
        code="20623",
    )
    one, two = (
        unit_create(
            name=f"Ủy ban nhân dân xã {name}",
            short_name=f"UBND xã {name}",
            kind=UnitKind.COMMUNE,
            parent=units.province,
            valid_from=LAST_DAY + datetime.timedelta(days=1),
        )
        for name in ("Duy Xuyên", "Nam Phước")
    )
    district_officer = make_member(Role.UNIT_OFFICER, units.district_a)
    district_inspection = InspectionFactory(unit=units.district_a, issued=True)
    RemediationTaskFactory(inspection=district_inspection)
    district_report = report_open(inspection=district_inspection, user=district_officer)
    unit_end(unit=units.commune_a, last_day=LAST_DAY, successors=[one])
    unit_end(unit=other, last_day=LAST_DAY, successors=[two])
    unit_end(unit=units.district_a, last_day=LAST_DAY, successors=[one, two], kind=SuccessionKind.SPLIT)
    officer_one = make_member(Role.UNIT_OFFICER, one)
    officer_two = make_member(Role.UNIT_OFFICER, two)
    reports = {}
    for unit, officer in ((units.commune_a, officer_one), (other, officer_two)):
        inspection = InspectionFactory(unit=unit, issued=True)
        RemediationTaskFactory(inspection=inspection)
        reports[unit.pk] = report_open(inspection=inspection, user=officer)
    return {
        "units": units,
        "other": other,
        "one": one,
        "two": two,
        "officer_one": officer_one,
        "officer_two": officer_two,
        "district_inspection": district_inspection,
        "district_report": district_report,
        "report_one": reports[units.commune_a.pk],
        "report_two": reports[other.pk],
    }


def test_a_successor_reads_the_split_unit_and_what_passed_to_it_only(split):
    units, officer = split["units"], split["officer_one"]
    assert scope_unit_ids(officer) == {split["one"].pk, units.district_a.pk, units.commune_a.pk}
    # It writes its own unit and the commune that passed to it, not the district.
    assert scope_unit_ids(officer, write=True) == {split["one"].pk, units.commune_a.pk}
    assert scope_unit_ids(split["officer_two"]) == {split["two"].pk, units.district_a.pk, split["other"].pk}
    assert not can(officer, "report.write", split["district_report"])
    assert can(officer, "report.write", split["report_one"])
    assert not can(officer, "report.write", split["report_two"])


def test_the_split_units_tasks_stay_with_it_and_say_so_within_the_historys_limit(split):
    # PostgreSQL refuses a change reason longer than the history's 100
    # characters: a split naming several successors once made unit_end fail.
    task = split["district_inspection"].tasks.get()
    assert task.responsible_unit == split["units"].district_a
    reason = task.history.first().history_change_reason
    assert reason.startswith("UBND huyện Duy Xuyên kết thúc ngày 30/06/2025") and len(reason) <= 100


def test_a_merger_still_passes_everything(units, make_member):
    # xã Vu Gia took over xã Đại Cường alone (the conftest's world).
    officer = make_member(Role.UNIT_OFFICER, units.successor)
    assert (
        scope_unit_ids(officer, write=True)
        == scope_unit_ids(officer)
        == {
            units.successor.pk,
            units.old_commune.pk,
        }
    )
    # A district passed whole to one commune brings its communes along.
    merged = unit_create(name="Ủy ban nhân dân xã Thu Bồn", kind=UnitKind.COMMUNE, parent=units.province)
    unit_end(unit=units.district_b, last_day=LAST_DAY, successors=[merged])
    officer = make_member(Role.UNIT_OFFICER, merged)
    assert scope_unit_ids(officer, write=True) == {
        merged.pk,
        units.district_b.pk,
        units.commune_b.pk,
        units.old_commune.pk,
    }


def test_the_other_successors_commune_is_out_of_reach(client, split):
    client.force_login(split["officer_one"])
    report = split["report_two"]
    assert client.get(reverse("inspections:report_detail", args=[report.pk])).status_code == 404
    answer = client.post(
        reverse("inspections:report_update", args=[report.pk]), {"document_number": "1/BC", "summary": "Lạ."}
    )
    assert answer.status_code == 404
    report.refresh_from_db()
    assert report.document_number == ""


def test_the_split_units_history_is_read_not_written(client, split):
    client.force_login(split["officer_one"])
    report = split["district_report"]
    assert client.get(reverse("inspections:report_detail", args=[report.pk])).status_code == 200
    answer = client.post(
        reverse("inspections:report_update", args=[report.pk]), {"document_number": "1/BC", "summary": "Lạ."}
    )
    assert answer.status_code == 404
    report.refresh_from_db()
    assert report.document_number == ""
    # Nor does it open a new report for the district's inspection.
    before = RemediationReport.objects.count()
    client.post(reverse("inspections:report_open", args=[split["district_inspection"].pk]))
    assert RemediationReport.objects.count() == before


def test_a_leader_reads_the_units_report_and_writes_none(client, split, make_member):
    units = split["units"]
    leader = make_member(Role.LEADER, units.province)
    clear_scope_cache(leader)
    client.force_login(leader)
    report = split["report_one"]
    assert client.get(reverse("inspections:report_detail", args=[report.pk])).status_code == 200
    answer = client.post(
        reverse("inspections:report_update", args=[report.pk]), {"document_number": "1/BC", "summary": "Lạ."}
    )
    assert answer.status_code == 403
    report.refresh_from_db()
    assert report.document_number == ""
