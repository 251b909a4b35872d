"""The filters above a list: how many the reader has set, for the button that folds them
away on a phone (templates/campaign/partials/list_filters.html), and the way back to a list
as its reader left it."""

from django import forms, template

from campaign.listing import kept_list_url

register = template.Library()


@register.filter
def filters_in_use(form: forms.Form) -> int:
    """How many of `form`'s fields the request gave a value (no query)."""
    if not form.is_bound:
        return 0
    return sum(1 for name in form.fields if str(form.data.get(name, "")).strip())


@register.simple_tag(takes_context=True)
def kept_list(context, view_name: str) -> str:
    """The address of the list `view_name` with the filters, order and page its reader last
    left it with: a detail page's way back to it (campaign.listing.kept_list_url)."""
    return kept_list_url(context["request"], view_name)
