import django_filters
from django.db.models import Exists, Min, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaign.models import Campaign, Plan, Status
from units.access import REVIEW
from units.models import Unit


def campaign_years() -> list[tuple[int, str]]:
    """The years any campaign has run so far, newest first, as choices: one query, made
    when the list is drawn or a year is checked."""
    first = Campaign.objects.aggregate(first=Min("first_year"))["first"]
    this_year = timezone.localdate().year
    if first is None:
        return []
    return [(year, str(year)) for year in range(this_year, min(first, this_year) - 1, -1)]


class YearFilter(django_filters.ChoiceFilter):
    """A year picked from a list (on a phone, a list beats a number box), of the years the
    campaigns have run; one not in the list is refused with a message and matches nothing."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", campaign_years)
        kwargs.setdefault("empty_label", _("Any year"))
        super().__init__(*args, **kwargs)


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
        # Upper units the reviewer reaches: the units with units open below them. The queue
        # lists what the reviewer's roles at open units review, and no closed unit's
        # submissions: a unit whose subtree closed (an old province after a merger) would
        # always list nothing.
        open_below = Unit.objects.filter(
            path__startswith=OuterRef("path"), depth__gt=OuterRef("depth")
        ).open_on(scope.today)
        self.filters["parent"].queryset = (
            scope.acting_units(REVIEW).filter(numchild__gt=0).filter(Exists(open_below))
        )

    def filter_parent(self, queryset, name, value):
        return queryset.filter(unit__path__startswith=value.path).exclude(unit=value)
