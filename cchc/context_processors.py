from .access import STAFF_ROLES, has_role
from .choices import Role
from .notifications import unread_count


def navigation(request):
    """What the navigation bar shows depends on the user's roles."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_is_staff": has_role(user, *STAFF_ROLES),
        "nav_is_editor": has_role(user, Role.INSPECTOR, Role.ADMINISTRATOR),
        "nav_is_reporter": has_role(user, Role.UNIT_OFFICER, Role.LEADER),
        "nav_unread": unread_count(user),
    }
