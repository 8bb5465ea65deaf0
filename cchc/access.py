"""Who may see and do what: the one place that scopes by unit.

A user's *scope* for a set of roles is the units of their current
memberships with those roles, every unit under them, and every unit their
units took over (predecessors through ``UnitSuccession``), so the history of
a district that ended stays with the units that succeeded it.

A predecessor with one successor (a merger, a rename) passed everything to
it: the successor reaches it and its subtree, to read and to write. A
predecessor with several successors (a split: a district shared between
communes) passed only parts: each successor reaches the predecessor itself
*to read* (its history), and of its subtree only the units that passed to
that successor (through links of their own), never those that went to the
other successors. The *write* scope (``write=True``: ``table.edit``) leaves a
split predecessor out, so each successor writes only what it inherited.

The *own* write scope (``write=True, own=True``: ``report.write``) is
narrower still: the units of the user's memberships themselves and the units
that passed to them whole (a merger, a rename), never the units below them.
"A unit writes only its own reports": a district's officer reads its
communes' remediation reports but does not write them. Indicator tables keep
the units below (``table.edit``): a district compiles its communes' tables
for the province (a workbook of several units is imported under the unit
above them), as the offices do. A split unit's open tasks are written by the
successor the province hands each task to (``inspections.handover``), which
makes the task that successor's own.

Views never filter by unit themselves: they ask the selectors here (or the
per-app selectors built on them) for a queryset, and an object outside it is
a 404.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q

from .choices import Role
from .models import Membership, Unit, UnitSuccession

# The named role sets: every permission in the app is one of these, spelled
# here once; ``ACTIONS`` below says which set each action takes.
ALL_ROLES = frozenset(Role.values)
# Provincial staff: read plans, inspections, documents and dashboards.
STAFF = frozenset({Role.INSPECTOR, Role.LEADER, Role.ADMINISTRATOR})
# Write plans, teams, findings and documents; review remediation reports.
EDITORS = frozenset({Role.INSPECTOR, Role.ADMINISTRATOR})
# The inspected unit's own officers: report on remediation tasks (leaders
# and inspectors read and review, never write).
REPORTERS = frozenset({Role.UNIT_OFFICER})
# Indicator tables: entered by the unit, approved by the province, reopened
# by an administrator only.
TABLE_EDITORS = frozenset({Role.UNIT_OFFICER, Role.ADMINISTRATOR})
TABLE_REVIEWERS = EDITORS
ADMINISTRATORS = frozenset({Role.ADMINISTRATOR})
TABLE_REOPENERS = ADMINISTRATORS
# The PAR index (par): the province's inspectors and administrators (the Sở
# Nội vụ) manage sets and cycles; the unit's officers and leaders
# self-assess, the unit's leader submits (the service also checks that the
# leader's membership is in the unit itself); council members appraise the
# criteria their department owns, across all units.
PAR_MANAGERS = EDITORS
PAR_ASSESSORS = frozenset({Role.UNIT_OFFICER, Role.LEADER})
PAR_SUBMITTERS = frozenset({Role.LEADER})
APPRAISERS = frozenset({Role.APPRAISER})


class OutOfScope(Exception):
    """What a selector raises for an object, unit or filter the user may not
    reach (or that does not exist). Views answer 404 (``ScopedViewMixin``),
    jobs fail with a known error."""


@dataclass(frozen=True)
class Action:
    """What the app lets people do: the roles that may, and the path from an
    object to the unit whose scope decides (``"plan.issuer"``: the plan's
    issuer), for ``can(user, action, obj)``."""

    roles: frozenset[str]
    unit: str = ""
    # A unit's own writing: decided on the write scope (a split
    # predecessor is read-only to its successors).
    writes: bool = False
    # With ``writes``: the user's own units only, not the units below them.
    own: bool = False


# Every action a view, template, selector or job asks about, once.
ACTIONS: dict[str, Action] = {
    "plan.view": Action(STAFF, "issuer"),
    "plan.edit": Action(EDITORS, "issuer"),
    "finding.edit": Action(EDITORS, "plan.issuer"),
    "task.overdue.view": Action(STAFF),
    # Follow a document's assigned tasks (the monitoring matrix): staff of
    # the issuer or of the monitoring unit.
    "task.monitor": Action(STAFF),
    # Hand a split unit's open task to one of its successors: the province's
    # inspectors and administrators who follow it (the plan's issuer, or the
    # document's monitoring unit); ``inspections.handover`` scopes it.
    "task.hand_over": Action(EDITORS),
    "document.view": Action(STAFF, "issuing_unit"),
    "document.draft": Action(EDITORS, "issuing_unit"),
    "document.issue": Action(EDITORS, "issuing_unit"),
    "document.publish": Action(EDITORS, "issuing_unit"),
    "report.write": Action(REPORTERS, "unit", writes=True, own=True),
    "report.review": Action(EDITORS, "inspection.plan.issuer"),
    "table.edit": Action(TABLE_EDITORS, "unit", writes=True),
    "table.approve": Action(TABLE_REVIEWERS, "unit"),
    "table.reopen": Action(TABLE_REOPENERS, "unit"),
    "table.export": Action(ALL_ROLES),
    "table.import.view_all": Action(ADMINISTRATORS, "unit"),
    "dashboard.view": Action(STAFF),
    "people.manage": Action(ADMINISTRATORS),
    # The audit trail of the units an administrator runs (cchc.audit).
    "audit.view": Action(ADMINISTRATORS),
    # PAR index. Sets and cycles belong to the province that issues them.
    "par.set.view": Action(STAFF | APPRAISERS, "province"),
    "par.set.manage": Action(PAR_MANAGERS, "province"),
    "par.cycle.view": Action(STAFF | APPRAISERS, "province"),
    "par.cycle.manage": Action(PAR_MANAGERS, "province"),
    # A unit's scorecard: read by its people and the province's staff,
    # written by its people, submitted by its leader.
    "par.scorecard.view": Action(ALL_ROLES - APPRAISERS, "unit"),
    "par.scorecard.edit": Action(PAR_ASSESSORS, "unit"),
    "par.scorecard.submit": Action(PAR_SUBMITTERS, "unit"),
    # An item is appraised by the department that owns its criterion.
    "par.appraise": Action(APPRAISERS, "node.appraising_unit"),
    # Every unit's results: the province's staff (leaders read all).
    "par.results.view": Action(STAFF, "province"),
}


def action_roles(action: str) -> frozenset[str]:
    """The roles of ``action`` (a ``KeyError`` for an action not declared)."""
    return ACTIONS[action].roles


def can(user, action: str, obj=None) -> bool:
    """Whether ``user`` may do ``action`` at all, or, given ``obj``, on that
    object: one of the action's roles in a unit whose scope holds the
    object's unit. Reads the per-request scope cache: no query once the
    user's scope is known (the object's unit path must be loaded)."""
    declared = ACTIONS[action]
    if not has_role(user, *declared.roles):
        return False
    if obj is None or not declared.unit:
        return True
    *path, last = declared.unit.split(".")
    for name in path:
        obj = getattr(obj, name)
    return can_reach(user, action, getattr(obj, f"{last}_id"))


def can_reach(user, action: str, unit_id: int | None) -> bool:
    """Whether ``unit_id`` lies in the user's scope for ``action`` (its
    write scope for an action that ``writes``)."""
    declared = ACTIONS[action]
    ids = scope_unit_ids(user, declared.roles, write=declared.writes, own=declared.own)
    return ids is None or unit_id in ids


_CACHE_ATTR = "_cchc_scope_cache"


def _cache(user) -> dict:
    cache = getattr(user, _CACHE_ATTR, None)
    if cache is None:
        cache = {}
        setattr(user, _CACHE_ATTR, cache)
    return cache


def clear_scope_cache(user) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _memberships(user) -> list[tuple[str, str]]:
    """(role, unit path) of the user's current memberships: one query."""
    cache = _cache(user)
    if "memberships" not in cache:
        cache["memberships"] = list(
            Membership.objects.current().filter(user=user).values_list("role", "unit__path")
        )
    return cache["memberships"]


def user_roles(user) -> frozenset[str]:
    """The roles a user holds today in any unit."""
    if not user.is_authenticated:
        return frozenset()
    return frozenset(role for role, _path in _memberships(user))


def has_role(user, *roles: str) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or bool(user_roles(user) & set(roles))


# One link to a unit from a unit it took over: (predecessor id, predecessor
# path, whether the predecessor was split between several successors).
Link = tuple[int, str, bool]


def _reachable_units(user) -> tuple[list[tuple[int, str]], dict[int, list[Link]]]:
    """Every unit any of the user's memberships can reach, as (id, path),
    and for each unit the links from the units it took over. Fetched once
    per request (a few queries), whatever the number of role sets asked for.

    A predecessor with one successor brings its subtree; a split one brings
    itself alone (its children come only through links of their own). Each
    query for units holds one path-prefix condition per *top* root only: a
    root under another root (a membership in a district and in its
    province; a new commune that took over an old district and the old
    communes of that district) adds nothing, so it is left out
    (``minimal_prefixes``)."""
    cache = _cache(user)
    if "reachable" in cache:
        return cache["reachable"]
    known_paths = minimal_prefixes(path for _role, path in _memberships(user))
    units = _units_under(known_paths)
    seen = {pk for pk, _path in units}
    predecessors: dict[int, list[Link]] = {}
    frontier = set(seen)
    while frontier:
        links = list(
            UnitSuccession.objects.filter(successor_id__in=frontier)
            .annotate(successors=Count("predecessor__successions_out"))
            .values_list("successor_id", "predecessor_id", "predecessor__path", "successors")
        )
        new_roots, singles = set(), set()
        for successor_id, predecessor_id, path, successors in links:
            split = successors > 1
            predecessors.setdefault(successor_id, []).append((predecessor_id, path, split))
            if split:
                if predecessor_id not in seen:
                    singles.add(predecessor_id)
            elif not _covered(path, known_paths):
                new_roots.add(path)
        new_roots = minimal_prefixes(new_roots)
        known_paths = minimal_prefixes([*known_paths, *new_roots])
        added = _units_under(new_roots)
        if singles:
            added += list(Unit.objects.filter(pk__in=singles).values_list("pk", "path"))
        added = [(pk, path) for pk, path in added if pk not in seen]
        seen.update(pk for pk, _path in added)
        units.extend(added)
        frontier = {pk for pk, _path in added}
    cache["reachable"] = (units, predecessors)
    return cache["reachable"]


def minimal_prefixes(paths: Iterable[str]) -> list[str]:
    """The paths of ``paths`` that do not lie under another of them, sorted.

    A unit's path starts with the path of every unit above it, so a prefix
    condition on the top paths alone matches the same units. Once sorted, a
    path under another one comes after it, and after any path between the
    two (which starts with it too), so comparing with the last path kept is
    enough."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not kept or not path.startswith(kept[-1]):
            kept.append(path)
    return kept


def _covered(path: str, roots: Iterable[str]) -> bool:
    return any(path.startswith(root) for root in roots)


def _units_under(paths) -> list[tuple[int, str]]:
    """Units under ``paths`` (one query, one prefix condition per top path)."""
    paths = minimal_prefixes(paths)
    if not paths:
        return []
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    return list(Unit.objects.filter(condition).values_list("pk", "path"))


def scope_unit_ids(
    user, roles: Iterable[str] = ALL_ROLES, *, write: bool = False, own: bool = False
) -> frozenset[int] | None:
    """Ids of the units a user reaches through memberships with ``roles``:
    to read, or with ``write`` to write (without the units reached only
    through a split, which their successors read but do not write), or with
    ``write`` and ``own`` to write as the unit itself (the membership units
    and the units that passed to them whole, without the units below).

    ``None`` means every unit (a superuser); an empty set means none.
    """
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return None
    roles = frozenset(roles)
    cache = _cache(user)
    if write and own:
        key = ("own", roles)
        if key not in cache:
            cache[key] = _own_unit_ids(user, roles)
        return cache[key]
    key = ("scope", roles, write)
    if key in cache:
        return cache[key]
    units, predecessors = _reachable_units(user)
    writable: set[int] = set()
    readable: set[int] = set()
    # Subtrees reached to write and to read only, and single units reached
    # to read only (split predecessors).
    roots = minimal_prefixes(path for role, path in _memberships(user) if role in roles)
    read_roots: list[str] = []
    read_singles: set[int] = set()
    while roots or read_roots or read_singles:
        reached = {pk for pk, path in units if _covered(path, roots)} - writable
        writable |= reached
        read = ({pk for pk, path in units if _covered(path, read_roots)} | read_singles) - writable - readable
        readable |= read
        roots, read_roots, read_singles = [], [], set()
        for pk in reached | read:
            for predecessor_id, path, split in predecessors.get(pk, []):
                if split:
                    read_singles.add(predecessor_id)
                elif pk in reached:
                    roots.append(path)
                else:
                    read_roots.append(path)
        roots, read_roots = minimal_prefixes(roots), minimal_prefixes(read_roots)
        read_singles -= writable | readable
    cache[("scope", roles, True)] = frozenset(writable)
    cache[("scope", roles, False)] = frozenset(writable | readable)
    return cache[key]


def _own_unit_ids(user, roles: frozenset[str]) -> frozenset[int]:
    """The units of the user's memberships with ``roles`` and, through
    links of one successor only, the units they took over whole (and
    those these took over in turn)."""
    units, predecessors = _reachable_units(user)
    paths = {path for role, path in _memberships(user) if role in roles}
    own = {pk for pk, path in units if path in paths}
    frontier = set(own)
    while frontier:
        taken = {pk for unit in frontier for pk, _path, split in predecessors.get(unit, []) if not split}
        frontier = taken - own
        own |= frontier
    return frozenset(own)


def filter_by_scope(
    queryset, user, field: str, roles: Iterable[str] = ALL_ROLES, *, write: bool = False, own: bool = False
):
    """Narrow ``queryset`` to rows whose unit ``field`` is in the user's scope."""
    return queryset.filter(scope_q(user, field, roles, write=write, own=own))


def scope_q(
    user, field: str, roles: Iterable[str] = ALL_ROLES, *, write: bool = False, own: bool = False
) -> Q:
    """A ``Q`` true for rows whose unit ``field`` lies in the user's scope
    (their write scope with ``write``; as the unit itself with ``own``)."""
    ids = scope_unit_ids(user, roles, write=write, own=own)
    if ids is None:
        # Always true, and unlike an empty Q() it stays true when combined
        # with | and &.
        return ~Q(pk__in=[])
    return Q(**{f"{field}__in": ids})


def units_visible(user):
    """Units a user may look at: their scope for any role."""
    return filter_by_scope(Unit.objects.all(), user, "pk")
