"""The PAR index demo of Đà Nẵng (demo/par_index.py), loaded by load_demo."""

from io import StringIO

import pytest
from django.core.management import call_command

from demo.par_index import load_par_demo
from demo.province import DEMO_PASSWORD
from par.choices import CycleStatus, CycleUnitBasis, ScorecardStatus, SetStatus
from par.models import CriteriaSet, Cycle, Evidence, ItemScore, Result


@pytest.mark.django_db
def test_the_demo_has_a_locked_communes_cycle_with_results(settings):
    settings.CCHC_ALLOW_DEMO_DATA = True
    call_command("load_demo", stdout=StringIO())
    sets = CriteriaSet.objects.filter(year=2025, is_illustrative=True)
    assert sets.count() == 2 and all(s.status == SetStatus.ISSUED for s in sets)
    communes = Cycle.objects.get(criteria_set__unit_group="communes")
    assert communes.status == CycleStatus.LOCKED
    included = communes.units.filter(included=True)
    assert included.count() == communes.scorecards.count() > 50
    assert communes.units.filter(included=False, basis=CycleUnitBasis.ENDED).exists()
    assert not communes.scorecards.exclude(status=ScorecardStatus.LOCKED).exists()
    items = ItemScore.objects.filter(scorecard__cycle=communes)
    # Appraisal differences with reasons, explanations, round 2, missing evidence explained.
    assert items.exclude(round1_score=None).exclude(round1_reason="").exists()
    assert items.exclude(unit_explanation="").exclude(round2_score=None).exists()
    assert items.exclude(no_evidence_explanation="").filter(evidence__isnull=True).exists()
    assert Evidence.objects.filter(item__scorecard__cycle=communes).exclude(sha256="").exists()
    results = Result.objects.filter(cycle=communes)
    assert results.count() == included.count()
    assert results.filter(rank=1).exists() and results.filter(provisional=True).count() == 2
    departments = Cycle.objects.get(criteria_set__unit_group="departments")
    assert departments.status == CycleStatus.OPEN and departments.scorecards.exists()
    # Loading again changes nothing.
    again = load_par_demo(password=DEMO_PASSWORD)
    assert again.changed == 0
