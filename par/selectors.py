"""Scoped reads of the PAR index: sets and cycles belong to the province
that issues them (``par.set.*``, ``par.cycle.*`` in ``cchc.access``)."""

from django.db.models import Count, Q

from cchc.access import action_roles, scope_q
from cchc.choices import UnitKind
from cchc.models import Unit

from .choices import SetStatus
from .models import CriteriaSet, Cycle, Result


def sets_visible(user):
    return CriteriaSet.objects.filter(scope_q(user, "province", action_roles("par.set.view"))).select_related(
        "province"
    )


def sets_manageable(user):
    return CriteriaSet.objects.filter(
        scope_q(user, "province", action_roles("par.set.manage"))
    ).select_related("province")


def provinces_manageable(user):
    """The provinces whose sets and cycles ``user`` may manage."""
    return Unit.objects.filter(kind=UnitKind.PROVINCE).filter(
        scope_q(user, "pk", action_roles("par.set.manage"))
    )


def cycles_visible(user):
    return Cycle.objects.filter(scope_q(user, "province", action_roles("par.cycle.view"))).select_related(
        "province", "criteria_set"
    )


def cycles_manageable(user):
    return Cycle.objects.filter(scope_q(user, "province", action_roles("par.cycle.manage"))).select_related(
        "province", "criteria_set"
    )


def issued_sets_for_cycles(user):
    """Issued sets a new cycle may use."""
    return sets_manageable(user).filter(status=SetStatus.ISSUED).order_by("-year", "unit_group")


def set_tree(criteria_set: CriteriaSet) -> list:
    """A set's nodes in document order, with their appraiser (one query)."""
    return list(criteria_set.nodes.select_related("appraising_unit").order_by("position"))


def cycle_units(cycle: Cycle):
    """A cycle's units, those left out first (they carry the reasons)."""
    return cycle.units.select_related("unit").order_by("included", "unit__path")


def cycle_counts(cycle: Cycle) -> dict:
    """Units included / left out, scorecards per status, results (three queries)."""
    units = cycle.units.aggregate(
        n_included=Count("pk", filter=Q(included=True)), n_excluded=Count("pk", filter=Q(included=False))
    )
    statuses = dict(cycle.scorecards.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    return {
        "included": units["n_included"],
        "excluded": units["n_excluded"],
        "statuses": statuses,
        "results": cycle.results.count(),
        "survey": cycle.survey_results.count(),
    }


def cycle_results(cycle: Cycle):
    """A cycle's results, best first (ranked ones by rank, then the others)."""
    return (
        Result.objects.filter(cycle=cycle)
        .select_related("unit", "band")
        .order_by("rank", "-index", "unit__path")
    )
