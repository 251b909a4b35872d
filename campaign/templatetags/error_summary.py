"""The fields a long form refused, for the message at its top to name and link each one
(templates/partials/error_summary.html). The first of them takes the focus as the page loads
(static/js/first_error.js); the list says how many there are and leads to the others."""

from django import forms, template
from django.utils.translation import gettext_lazy as _

register = template.Library()

# How an item of a formset is named before its field's label ("Activity 2 · Audience").
ITEM_LABEL = _("Activity %(number)s")


def _input_id(field: forms.BoundField) -> str:
    # A group of tick boxes or radio buttons has no single input: the first one is linked.
    return field.id_for_label or f"{field.auto_id}_0"


def _field_errors(fields, item: str = ""):
    for field in fields:
        if field.is_hidden or not field.errors:
            continue
        label = f"{item} · {field.label}" if item else str(field.label)
        yield {"id": _input_id(field), "label": label, "error": field.errors[0]}


@register.simple_tag
def error_links(*parts) -> list[dict]:
    """Each refused field in the order given, which is the page's: its input's id, its label
    (an item of a formset named by its number) and its first error. A part is a form, a
    formset or one field of a form, for a form whose fields the page shows around another's
    (the report's number, above the figures); a field is listed once. No query: the forms
    are validated."""
    links, listed = [], set()
    for part in parts:
        if isinstance(part, forms.BoundField):
            found = _field_errors([part]) if part.form.is_bound else []
        elif part is None or not part.is_bound:
            continue
        elif isinstance(part, forms.BaseFormSet):
            found = []
            for number, form in enumerate(part.forms, start=1):
                found += _field_errors(form, str(ITEM_LABEL % {"number": number}))
        else:
            found = _field_errors(part)
        for link in found:
            if link["id"] not in listed:
                listed.add(link["id"])
                links.append(link)
    return links
