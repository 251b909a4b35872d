"""The home page's list of the summary reports delivered to the user (reports.delivery).

The home page belongs to units, which knows nothing of reports: its template loads this
tag, which fetches the list through the request's access scope and renders it.
"""

from django import template

from reports.delivery import inbox
from units.access import Scope

register = template.Library()


@register.inclusion_tag("reports/partials/summary_inbox.html", takes_context=True)
def summary_inbox(context):
    """The summaries delivered to the request's user, newest first, unread ones marked, for
    a reviewer (a viewer reads them on the committee's desk). No query for a user without a
    reading role; two otherwise."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return {"inbox": None}
    scope = Scope.for_request(request)
    if scope.is_viewer:
        return {"inbox": None}  # the committee's desk lists them (committee_desk)
    return {"inbox": inbox(scope)}
