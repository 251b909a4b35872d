"""Forms for an annual report: the narrative and one field per indicator."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from campaign.models import MAX_FIGURE, MAX_TEXT_VALUE, AnnualReport, Indicator
from units.forms import PortalInputMixin

# 1.234 or 1 234 as Vietnamese users write thousands; a lone "1.5" is not a whole number.
GROUPED = re.compile(r"^\d{1,3}([. \u00a0]\d{3})+$")


class FigureField(forms.IntegerField):
    """A whole number ≥ 0 that also accepts Vietnamese thousand separators."""

    def __init__(self, **kwargs):
        super().__init__(min_value=0, max_value=MAX_FIGURE, required=False, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip()
            if GROUPED.match(value):
                value = re.sub(r"[. \u00a0]", "", value)
        return super().to_python(value)


class ReportForm(PortalInputMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = AnnualReport
        fields = ["results", "shortcomings", "obstacles", "proposals", "self_assessment"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in ("results", "shortcomings", "obstacles", "proposals")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version


class ValuesForm(PortalInputMixin, forms.Form):
    """One field per indicator of the campaign, named by the indicator's code."""

    def __init__(self, *args, indicators, values=None, prefill=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        values = values or {}
        for indicator in self.indicators:
            name = self.field_name(indicator)
            if indicator.kind == Indicator.Kind.INTEGER:
                field = FigureField(label=indicator.name)
                field.widget.attrs.update({"inputmode": "numeric", "min": 0})
            else:
                field = forms.CharField(
                    label=indicator.name,
                    required=False,
                    max_length=MAX_TEXT_VALUE,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
            field.unit_of_measure = indicator.unit_of_measure
            self.fields[name] = field
            value = values.get(indicator.pk)
            if value is not None:
                self.initial[name] = (
                    value.int_value
                    if indicator.kind == Indicator.Kind.INTEGER
                    else value.text_value
                )
        for indicator_id, total in (prefill or {}).items():
            indicator = next((i for i in self.indicators if i.pk == indicator_id), None)
            if indicator is not None and indicator.kind == Indicator.Kind.INTEGER:
                self.initial[self.field_name(indicator)] = total
        # The indicators' fields were added after PortalInputMixin saw the form.
        self.prepare_input()

    @staticmethod
    def field_name(indicator):
        return f"value_{indicator.code}"

    def rows(self):
        """(indicator, bound field) pairs in the indicators' order, for the template."""
        return [(indicator, self[self.field_name(indicator)]) for indicator in self.indicators]

    def save(self, report, existing=None):
        """Write the values of `report` that changed, with their history (inside the
        caller's transaction).

        `existing` is the report's values by indicator id when the caller knows them (none
        for a report it has just created); otherwise they are read. At most five queries,
        whatever the number of indicators: the read, then one insert of the new values and
        one of their history rows, one update of the changed values and one of theirs.
        """
        from campaign.models import IndicatorValue

        if existing is None:
            existing = {value.indicator_id: value for value in report.values.all()}
        created, changed = [], []
        for indicator in self.indicators:
            cleaned = self.cleaned_data.get(self.field_name(indicator))
            value = existing.get(indicator.pk) or IndicatorValue(report=report, indicator=indicator)
            if indicator.kind == Indicator.Kind.INTEGER:
                new = {"int_value": cleaned, "text_value": ""}
            else:
                new = {"int_value": None, "text_value": cleaned or ""}
            if value.pk and all(getattr(value, k) == v for k, v in new.items()):
                continue
            for key, item in new.items():
                setattr(value, key, item)
            (changed if value.pk else created).append(value)
        # The history rows are what one save() per value would have written ("+" for a new
        # value, "~" for a changed one, by the request's user).
        if created:
            bulk_create_with_history(created, IndicatorValue)
        if changed:
            bulk_update_with_history(changed, IndicatorValue, ["int_value", "text_value"])


class YearForm(PortalInputMixin, forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, str(year)) for year in years]
