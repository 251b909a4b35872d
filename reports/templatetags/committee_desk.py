"""The Standing Committee's desk on the home page (reports.committee).

The home page belongs to units, which knows nothing of reports: its template loads this
tag, which reads the desk through the request's access scope and renders it.
"""

from django import template

from reports.committee import desk
from units.access import Scope

register = template.Library()


@register.inclusion_tag("reports/partials/committee_desk.html", takes_context=True)
def committee_desk(context):
    """The desk of the request's user, or nothing for a user without a viewer role (no
    query for them)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return {"desk": None}
    return {"desk": desk(Scope.for_request(request))}
