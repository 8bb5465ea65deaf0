"""Who may see and do what: the one place that scopes by unit.

A user's *scope* for a set of roles is the units of their current
memberships with those roles, every unit under them, and every unit their
units took over (predecessors through ``UnitSuccession``, with their own
subtrees), so the history of a district that ended stays with the units that
succeeded it.

Views never filter by unit themselves: they ask the selectors here (or the
per-app selectors built on them) for a queryset, and an object outside it is
a 404.
"""

from collections.abc import Iterable

from django.db.models import Q

from .choices import Role
from .models import Membership, Unit, UnitSuccession

STAFF_ROLES = frozenset({Role.INSPECTOR, Role.LEADER, Role.ADMINISTRATOR})
ALL_ROLES = frozenset(Role.values)

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


def user_roles(user) -> frozenset[str]:
    """The roles a user holds today in any unit."""
    if not user.is_authenticated:
        return frozenset()
    cache = _cache(user)
    if "roles" not in cache:
        cache["roles"] = frozenset(
            Membership.objects.current().filter(user=user).values_list("role", flat=True).distinct()
        )
    return cache["roles"]


def has_role(user, *roles: str) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or bool(user_roles(user) & set(roles))


def scope_unit_ids(user, roles: Iterable[str] = ALL_ROLES) -> frozenset[int] | None:
    """Ids of the units a user reaches through memberships with ``roles``.

    ``None`` means every unit (a superuser); an empty set means none.
    """
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return None
    roles = frozenset(roles)
    cache = _cache(user)
    key = ("scope", roles)
    if key in cache:
        return cache[key]

    root_paths = list(
        Membership.objects.current()
        .filter(user=user, role__in=roles)
        .values_list("unit__path", flat=True)
        .distinct()
    )
    ids = _subtree_ids(root_paths)
    # Units taken over by units in scope, transitively, with their subtrees.
    frontier = set(ids)
    while frontier:
        predecessor_paths = list(
            UnitSuccession.objects.filter(successor_id__in=frontier)
            .exclude(predecessor_id__in=ids)
            .values_list("predecessor__path", flat=True)
        )
        new_ids = _subtree_ids(predecessor_paths) - ids
        ids |= new_ids
        frontier = new_ids
    result = frozenset(ids)
    cache[key] = result
    return result


def _subtree_ids(paths: list[str]) -> set[int]:
    if not paths:
        return set()
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    return set(Unit.objects.filter(condition).values_list("pk", flat=True))


def filter_by_scope(queryset, user, field: str, roles: Iterable[str] = ALL_ROLES):
    """Narrow ``queryset`` to rows whose unit ``field`` is in the user's scope."""
    return queryset.filter(scope_q(user, field, roles))


def scope_q(user, field: str, roles: Iterable[str] = ALL_ROLES) -> Q:
    """A ``Q`` true for rows whose unit ``field`` lies in the user's scope."""
    ids = scope_unit_ids(user, roles)
    if ids is None:
        # Always true, and unlike an empty Q() it stays true when combined
        # with | and &.
        return ~Q(pk__in=[])
    return Q(**{f"{field}__in": ids})


def units_visible(user):
    """Units a user may look at: their scope for any role."""
    return filter_by_scope(Unit.objects.all(), user, "pk")
