"""The filters above a list: how many the reader has set, for the button that folds them
away on a phone (templates/campaign/partials/list_filters.html)."""

from django import forms, template

register = template.Library()


@register.filter
def filters_in_use(form: forms.Form) -> int:
    """How many of `form`'s fields the request gave a value (no query)."""
    if not form.is_bound:
        return 0
    return sum(1 for name in form.fields if str(form.data.get(name, "")).strip())
