from .notifications import unread_count


def navigation(request):
    """The unread count of the navigation bar; which links it shows is
    asked of the access policy in the template (``user|can:"action"``)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_unread": unread_count(user)}
