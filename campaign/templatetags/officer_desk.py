"""The officer's desk on the home page: what the user's units have sent ("Đã gửi").

The home page belongs to units, which knows nothing of campaigns: its template loads this
tag, which reads the list through the request's access scope and renders it.
"""

from django import template

from campaign.sent import HOME_COUNT, sent_items, shared
from units.access import FILE, Scope

register = template.Library()


@register.inclusion_tag("campaign/partials/sent_items.html", takes_context=True)
def sent_box(context):
    """The newest items the user's units have sent, and whether there are more. No query
    for a user without an officer role; four otherwise (campaign.sent.sent_items)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return {"show": False}
    scope = Scope.for_request(request)
    if not any(m.role in FILE for m in scope.memberships):
        return {"show": False}
    items = sent_items(scope)
    shown = items[:HOME_COUNT]
    # The unit and the campaign's long title, said once above the list when every item
    # shares them (an officer of one unit, one campaign running), not under each item.
    common = shared(shown)
    one_campaign = common["one_campaign"]
    return {
        "show": True,
        "items": shown,
        "more": len(items) > HOME_COUNT,
        **common,
        # The home page's "Waiting for you" just above names the same campaign: not twice.
        "campaign_above": bool(one_campaign) and one_campaign == context.get("one_campaign"),
    }
