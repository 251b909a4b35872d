"""Every view answers only the methods it is for (config/http.py): a page that only shows
answers GET and HEAD, a page with a form also POST, an action POST alone; anything else is a
405. Walks the URLconf, so a view added without its decorator fails here."""

from django.urls import URLResolver, get_resolver, reverse
from django.utils import translation

# Django's own views, which check the method themselves.
OWN_CHECKS = {"django.views.i18n.set_language"}
READ_ONLY = {"GET", "HEAD"}


def patterns(resolver=None, prefix=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern) != "admin/":  # the admin checks its own
                yield from patterns(pattern, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern.callback


def allowed(view):
    """The methods a function view's require_http_methods lets through, or None."""
    while view is not None:
        for cell in view.__closure__ or ():
            value = cell.cell_contents
            if (
                isinstance(value, list)
                and value
                and all(isinstance(item, str) and item.isupper() for item in value)
            ):
                return set(value)
        view = getattr(view, "__wrapped__", None)
    return None


def test_every_view_in_the_urlconf_names_its_methods():
    missing = []
    for route, view in patterns():
        name = f"{view.__module__}.{view.__name__}"
        if hasattr(view, "view_class") or name in OWN_CHECKS:
            continue  # a class-based view answers 405 for a method it has no handler for
        if allowed(view) is None:
            missing.append(f"{route} ({name})")
    assert missing == []


def test_no_view_refuses_head():
    # HEAD is a GET without its body (link checkers, `curl -I`); a view that answers GET
    # and 405 to HEAD was decorated with require_GET instead of require_safe.
    get_only = [route for route, view in patterns() if allowed(view) == {"GET"}]
    assert get_only == []


def test_pages_that_only_show_refuse_a_post(client, cast):
    client.force_login(cast["cspl"])
    for url in ["/", "/campaigns/", "/review/", "/reports/", "/dashboard/", "/summaries/"]:
        assert client.post(url).status_code == 405, url
        assert client.head(url).status_code == 200, url


def test_the_safe_views_are_the_ones_without_a_form():
    read_only = {view.__name__ for _route, view in patterns() if allowed(view) == READ_ONLY}
    assert {"dashboard", "report_detail", "plan_detail", "summary_detail", "healthz"} <= read_only
    assert not read_only & {"report_edit", "plan_edit", "summary_edit", "document_check"}


def test_opening_a_buttons_address_explains_itself(client, cast, tree):
    # Reloading /reports/<id>/accept/ showed an empty page; it is still a 405 that does
    # nothing, with the methods it answers.
    client.force_login(cast["cspl"])
    with translation.override("vi"):
        response = client.get(reverse("campaign:report_accept", args=[1]))
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert "Địa chỉ này là một nút bấm" in response.content.decode()
