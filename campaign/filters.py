import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from campaign.models import Campaign, Plan, Status
from units.models import Unit


class YearFilter(django_filters.NumberFilter):
    """A year: a whole number (django-filter's numbers are decimals, which let "2025.5"
    through to match nothing, and give the box a step of "any")."""

    field_class = forms.IntegerField


class QueueFilter(django_filters.FilterSet):
    """The reviewer queue's filters. Units offered are those the reviewer reviews."""

    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Status.choices, empty_label=_("Any status")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Unit kind"),
        field_name="unit__kind",
        choices=Unit.Kind.choices,
        empty_label=_("Any kind"),
    )
    parent = django_filters.ModelChoiceFilter(
        label=_("Under"),
        queryset=Unit.objects.none(),
        method="filter_parent",
        empty_label=_("Anywhere in my scope"),
    )
    campaign = django_filters.ModelChoiceFilter(
        label=_("Campaign"), queryset=Campaign.objects.all(), empty_label=_("Any campaign")
    )

    class Meta:
        model = Plan
        fields = ["status", "kind", "parent", "campaign"]

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        # Upper units the reviewer reaches: the units that have units below them.
        self.filters["parent"].queryset = scope.units({"reviewer"}).filter(numchild__gt=0)

    def filter_parent(self, queryset, name, value):
        return queryset.filter(unit__path__startswith=value.path).exclude(unit=value)
