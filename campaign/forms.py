"""Forms for filing a plan (the header, the activities formset), an annual report (the
narrative and one field per indicator) and the review reason."""

import datetime

from django import forms
from django.core.validators import MinValueValidator
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from campaign.models import (
    LATEST_YEAR,
    MAX_FIGURE,
    MAX_TEXT_VALUE,
    Activity,
    AnnualReport,
    Indicator,
    IndicatorValue,
    Plan,
)
from units import once
from units.forms import FORMSET_ERRORS, HIDDEN_DAMAGED, PortalInputMixin, WholeNumberInput

# How far ahead an activity of a campaign without an end may be planned.
PLAN_AHEAD_YEARS = 5
DATE_INPUT = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": _("dd/mm/yyyy")})


class PlanForm(once.OnceMixin, PortalInputMixin, forms.ModelForm):
    # The version the user started from; a save from an older one is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Plan
        fields = ["doc_number", "doc_date", *Plan.SIGNING_FIELDS, "summary"]
        widgets = {
            "doc_date": DATE_INPUT,
            "summary": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "doc_number": _("The unit's own number, e.g. 05/KH-CĐCS."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["doc_date"].input_formats = ["%d/%m/%Y", "%Y-%m-%d"]
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version

    def clean_doc_date(self):
        """A plan is dated when it is signed: not later than today, not before the campaign
        it carries out was issued, nor before its unit was set up."""
        doc_date = self.cleaned_data["doc_date"]
        today = timezone.localdate()
        if doc_date > today:
            raise forms.ValidationError(
                _(
                    "The document date %(date)s is in the future: give the date the plan "
                    "was signed (today at the latest, %(today)s)."
                ),
                code="future",
                params={"date": _day(doc_date), "today": _day(today)},
            )
        campaign = self.instance.campaign
        if doc_date < campaign.issued_on:
            raise forms.ValidationError(
                _(
                    "The document date %(date)s is before the campaign was issued "
                    "(%(issued)s): a plan that carries it out is dated on or after that day."
                ),
                code="before_campaign",
                params={"date": _day(doc_date), "issued": _day(campaign.issued_on)},
            )
        unit = self.instance.unit
        if unit.opened_on and doc_date < unit.opened_on:
            # Its letterhead would have no names of that day to print.
            raise forms.ValidationError(
                _(
                    "The document date %(date)s is before %(unit)s was set up (%(opened)s): "
                    "give the date the plan was signed."
                ),
                code="before_unit",
                params={"date": _day(doc_date), "unit": unit, "opened": _day(unit.opened_on)},
            )
        return doc_date


def _day(value):
    return value.strftime("%d/%m/%Y")


class ShownAtField(forms.CharField):
    """A hidden field carrying when the thing a page showed was last given (an answer, a
    note), to the microsecond, or nothing when the page showed none: a save from a page
    drawn before a colleague's is then refused rather than replacing it unread. Cleans to
    an aware datetime or None; anything else is a damaged page."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    @staticmethod
    def of(moment) -> str:
        """What the field carries for `moment` (a datetime or None)."""
        return moment.isoformat() if moment else ""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            moment = datetime.datetime.fromisoformat(value)
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            raise forms.ValidationError(HIDDEN_DAMAGED, code="damaged")
        return moment


class ActivityForm(PortalInputMixin, forms.ModelForm):
    # campaign/partials/activity_form.html shows the errors of the hidden id and plan.
    shows_hidden_errors = True

    class Meta:
        model = Activity
        fields = [
            "method",
            "themes",
            "audience",
            "planned_on",
            "planned_quarter",
            "expected_participants",
        ]
        widgets = {
            "themes": forms.CheckboxSelectMultiple,
            "planned_on": DATE_INPUT,
        }
        # Django's "This field is required." says nothing of what to do.
        error_messages = {
            "method": {"required": _("Choose how the activity is carried out.")},
            "audience": {"required": _("Say who the activity is for.")},
        }

    def __init__(self, *args, campaign, theme_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        # Only the content items of this plan's campaign can be chosen.
        themes = self.fields["themes"]
        themes.queryset = campaign.themes.all()
        themes.label_from_instance = theme_label
        themes.help_text = _(
            "Each item is named by its number and first words; its full text is under "
            "“The campaign's propagation content in full” above."
        )
        if theme_choices is not None:
            # Choices listed once for the whole formset, so that showing N activities does
            # not list the campaign's content N times. Validation still uses the queryset.
            themes.choices = theme_choices
        self.fields["planned_on"].input_formats = ["%d/%m/%Y", "%Y-%m-%d"]
        # Zero (or fewer) people expected is no plan for an activity: it printed "0" on the
        # plan and its reviewer had to send it back. Not yet known is left empty.
        participants = self.fields["expected_participants"]
        participants.validators = [
            *(v for v in participants.validators if not isinstance(v, MinValueValidator)),
            MinValueValidator(1),
        ]
        participants.error_messages["min_value"] = _(
            "Enter how many people are expected (1 or more), or leave it empty if not yet known."
        )

    def _post_clean(self):
        super()._post_clean()
        # A date or quarter refused for itself reads as missing to the model's check
        # (Activity.clean): its "give a date or a quarter" stood under the date given.
        given = [e for e in self.errors.as_data().get("planned_on", []) if e.code != "no_time"]
        if len(given) < len(self.errors.get("planned_on", [])) and (
            given or self.has_error("planned_quarter")
        ):
            if given:
                self.errors["planned_on"] = self.error_class(given)
            else:
                del self.errors["planned_on"]

    def clean_planned_on(self):
        """An activity carries out the campaign: it is planned within the years the campaign
        runs (for one without an end, within PLAN_AHEAD_YEARS), not before it was issued."""
        planned_on = self.cleaned_data.get("planned_on")
        if planned_on is None:
            return planned_on
        campaign = self.campaign
        if planned_on < campaign.issued_on:
            raise forms.ValidationError(
                _(
                    "%(date)s is before the campaign was issued (%(issued)s): plan the "
                    "activity on or after that day."
                ),
                code="before_campaign",
                params={"date": _day(planned_on), "issued": _day(campaign.issued_on)},
            )
        last_year = campaign.last_year or min(
            timezone.localdate().year + PLAN_AHEAD_YEARS, LATEST_YEAR
        )
        if planned_on.year > last_year:
            raise forms.ValidationError(
                _("%(date)s is after %(year)s, the last year this plan can cover: check the year."),
                code="after_campaign",
                params={"date": _day(planned_on), "year": last_year},
            )
        return planned_on


# A content item's words in its tick box's label, in characters: about two lines of a phone.
THEME_LABEL_LENGTH = 60


def theme_label(theme):
    """The item's number and first words. Every activity lists every item, and whole titles
    of a hundred words and more made one activity two phone screens long; the plan form shows
    each item's whole text once, above the activities, under the same number."""
    title = " ".join(theme.title.split())
    if len(title) > THEME_LABEL_LENGTH + 10:
        cut = title[: THEME_LABEL_LENGTH + 1].rsplit(" ", 1)[0]
        title = cut.rstrip(" ,;:.–-") + "…"
    return f"{theme.number}. {title}"


class BaseActivityFormSet(forms.BaseInlineFormSet):
    default_error_messages = FORMSET_ERRORS

    @cached_property
    def themes(self):
        """The campaign's content items, read once: the boxes of every activity name them
        and the form shows their whole text above the activities."""
        return list(self.form_kwargs["campaign"].themes.all())

    @cached_property
    def theme_choices(self):
        return [(theme.pk, theme_label(theme)) for theme in self.themes]

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "theme_choices": self.theme_choices}

    def add_fields(self, form, index):
        super().add_fields(form, index)
        # Django offers every activity in the database as the hidden id's choices and then
        # silently skips a row whose id is not one of this plan's. A tampered id is refused
        # with an error instead: only this plan's own activities can be named.
        id_field = form.fields[self.model._meta.pk.name]
        id_field.queryset = (
            self.model._default_manager.filter(plan=self.instance)
            if self.instance.pk
            else self.model._default_manager.none()
        )
        id_field.error_messages["invalid_choice"] = _("This activity is not part of this plan.")

    def clean(self):
        super().clean()
        if not self.management_form.is_valid():
            # The rows could not be read at all; Django's error raised in clean() would
            # replace the one that says so.
            return
        named = [form.instance.pk for form in self.forms if form.instance.pk]
        if len(named) != len(set(named)):
            # Two rows naming one activity (a tampered form): kept by one and deleted by the
            # other, the plan was left with none, reported as saved.
            raise forms.ValidationError(_("Each activity can appear only once in the form."))
        kept = [
            form
            for form in self.forms
            if not self._should_delete_form(form) and (form.has_changed() or form.instance.pk)
        ]
        if not kept:
            raise forms.ValidationError(_("A plan needs at least one activity."))


ActivityFormSet = forms.inlineformset_factory(
    Plan,
    Activity,
    form=ActivityForm,
    formset=BaseActivityFormSet,
    extra=1,
    can_delete=True,
    # A row not saved yet has nothing to delete: a new plan's first row offered "Delete".
    # Left unchanged, such a row is not saved anyway.
    can_delete_extra=False,
    max_num=100,
    validate_max=True,
    # A tampered row count builds no more forms than a plan may have (Django's default
    # would build up to 1,100 and render them all again with the error).
    absolute_max=100,
)


class ReasonForm(PortalInputMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text=_("The unit's officers receive it by e-mail and see it on this page."),
        # What the step itself says of a missing reason: "This field is required." under
        # the field and again in the message above told the reviewer nothing of why.
        error_messages={"required": _("Give the reason, so the unit knows what to fix.")},
    )

    def __init__(self, *args, several=False, **kwargs):
        super().__init__(*args, **kwargs)
        if several:  # the bulk page: each unit reads it on its own item's page, not here
            self.fields["reason"].help_text = _(
                "Each unit's officers receive it by e-mail and see it on the page of their "
                "plan or report."
            )


# --- Annual reports ------------------------------------------------------------------------------
class FigureField(forms.IntegerField):
    """A whole number ≥ 0, optional. Typed with thousands grouped ("1.234"), the portal's
    forms read it whole (units.forms.PortalInputMixin)."""

    widget = WholeNumberInput

    def __init__(self, **kwargs):
        super().__init__(min_value=0, max_value=MAX_FIGURE, required=False, **kwargs)


class ReportForm(once.OnceMixin, PortalInputMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = AnnualReport
        fields = [
            "doc_number",
            "results",
            "shortcomings",
            "obstacles",
            "proposals",
            "self_assessment",
            "flags_note",
            *AnnualReport.SIGNING_FIELDS,
        ]
        widgets = {
            **{
                name: forms.Textarea(attrs={"rows": 4})
                for name in ("results", "shortcomings", "obstacles", "proposals")
            },
            "flags_note": forms.Textarea(attrs={"rows": 2}),
        }
        # None of its fields is required to save a draft: the results and the
        # self-assessment are asked for on submit, with the figures
        # (AnnualReport.completeness_problems), so that every gap is named at once.

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version


class ValuesForm(PortalInputMixin, forms.Form):
    """One field per indicator of the campaign, named by the indicator's code."""

    def __init__(self, *args, indicators, values=None, **kwargs):
        super().__init__(*args, **kwargs)
        # What was sent, before its figures are read ("1.250" becomes "1250"): a page drawn
        # again shows the figures as they were typed.
        self.typed = self.data
        self.indicators = list(indicators)
        # The report's values by indicator id, as read for the form: a caller that checks
        # the report's version under its row lock may pass them to `save` as `existing`.
        self.existing = values = values or {}
        for indicator in self.indicators:
            name = self.field_name(indicator)
            if indicator.kind == Indicator.Kind.INTEGER:
                field = FigureField(label=indicator.name)
            else:
                field = forms.CharField(
                    label=indicator.name,
                    required=False,
                    max_length=MAX_TEXT_VALUE,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
            field.unit_of_measure = indicator.unit_of_measure
            field.help_text = indicator.help_text
            self.fields[name] = field
            value = values.get(indicator.pk)
            if value is not None:
                self.initial[name] = (
                    value.int_value
                    if indicator.kind == Indicator.Kind.INTEGER
                    else value.text_value
                )
        # The indicators' fields were added after PortalInputMixin saw the form.
        self.prepare_input()

    @staticmethod
    def field_name(indicator):
        return f"value_{indicator.code}"

    def whole_numbers(self) -> dict[str, int | None]:
        """The cleaned whole-number figures by indicator code (after is_valid)."""
        return {
            indicator.code: self.cleaned_data.get(self.field_name(indicator))
            for indicator in self.indicators
            if indicator.kind == Indicator.Kind.INTEGER
        }

    def rows(self):
        """(indicator, bound field, what a whole-number input shows) in the indicators'
        order, for the template: as typed when the form was sent, else the stored figure
        grouped as Vietnamese write it (1.250)."""
        rows = []
        for indicator in self.indicators:
            name = self.field_name(indicator)
            value = self.initial.get(name)
            if self.is_bound:
                shown = self.typed.get(name, "")
            elif indicator.kind != Indicator.Kind.INTEGER or value is None:
                shown = value or ""
            else:
                shown = number_format(value, force_grouping=True)
            rows.append((indicator, self[name], shown))
        return rows

    def save(self, report, existing=None):
        """Write the values of `report` that changed, with their history (inside the
        caller's transaction); returns them, (created, changed).

        `existing` is the report's values by indicator id when the caller knows them (none
        for a report it has just created); otherwise they are read. At most five queries,
        whatever the number of indicators: the read, then one insert of the new values and
        one of their history rows, one update of the changed values and one of theirs.
        """
        created, changed = self.changes(report, existing)
        self.write(created, changed)
        return created, changed

    def values_after(self, created):
        """All the report's values once `created` are written beside the existing ones
        (changed in place), each with its indicator: what `submission_submit` checks and
        records. None when the report holds a value of an indicator this form does not show
        (a figure the portal now counts itself): then they are read back."""
        shown = {indicator.pk: indicator for indicator in self.indicators}
        if any(pk not in shown for pk in self.existing):
            return None
        for pk, value in self.existing.items():
            value.indicator = shown[pk]
        return [*self.existing.values(), *created]

    @staticmethod
    def write(created, changed):
        """Write values from `changes`, with their history rows."""
        # The history rows are what one save() per value would have written ("+" for a new
        # value, "~" for a changed one, by the request's user).
        if created:
            bulk_create_with_history(created, IndicatorValue)
        if changed:
            bulk_update_with_history(changed, IndicatorValue, ["int_value", "text_value"])

    def changes(self, report, existing=None):
        """The values of `report` this form creates and those it changes, not saved (and
        the existing ones changed in place, so call it once): (created, changed), each
        value with its indicator. `existing` as for `save`."""
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
        return created, changed
