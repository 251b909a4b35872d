from units.access import Scope


def navigation(request):
    """What the navigation bar needs to adapt to the user's roles (one query, once)."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {"scope": Scope.for_request(request)}
