"""Proposals from the system's own records, through the kernel's registry of
evidence sources declared by inspections and indicators."""

import datetime
from decimal import Decimal as D

import pytest

from cchc import evidence_sources
from par.choices import ProposalDecision
from par.proposals import entry_for, scorecard_propose
from tests.factories import InspectionFactory, InspectionPlanFactory, RemediationTaskFactory
from tests.par.builders import build_par_world


def test_sources_are_declared_by_the_apps():
    keys = {source.key for source in evidence_sources.declared()}
    assert {"inspection_plan", "inspections_done", "remediation", "indicators"} <= keys


@pytest.mark.django_db
def test_plan_inspections_and_remediation_are_proposed():
    w = build_par_world()
    plan = InspectionPlanFactory(issuer=w.commune, year=2025, issued_on=datetime.date(2025, 2, 3))
    for n in range(4):
        InspectionFactory(plan=plan, issued=n < 3)
    RemediationTaskFactory(responsible_unit=w.commune, deadline=datetime.date(2025, 6, 1), accepted=True)
    RemediationTaskFactory(responsible_unit=w.commune, deadline=datetime.date(2025, 7, 1))
    assert scorecard_propose(scorecard=w.scorecard) == 3
    plan_item, done_item, remedied = w.item("1.1"), w.item("1.3"), w.item("1.4")
    # Issued on 3/2, after the 31/1 due date: the second level ("Muộn").
    assert plan_item.proposed_input == {"level": "Muộn"} and plan_item.proposed_score == D("0.5")
    assert plan.number in plan_item.proposal_detail
    # 3 of 4 = 75 %: the 70–90 % band.
    assert done_item.proposed_input == {"percent": "75.00"} and done_item.proposed_score == D("1")
    assert remedied.proposed_input == {"numerator": 1, "denominator": 2} and remedied.proposed_score == D("1")
    assert remedied.proposal_decision == ProposalDecision.PENDING


def test_entry_for_levels_without_a_plan():
    class Node:
        method = "levels"
        params = {"levels": [{"label": "Đúng hạn"}, {"label": "Muộn"}, {"label": "Không"}]}

    fact = evidence_sources.Fact(detail="", due=datetime.date(2025, 1, 31))
    assert entry_for(Node, fact) == {"level": "Không"}
