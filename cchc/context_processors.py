from .access import STAFF_ROLES, has_role


def navigation(request):
    """What the navigation bar shows depends on the user's roles."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_is_staff": has_role(user, *STAFF_ROLES)}
