"""Forms for filing a plan: the header, the activities formset and the review reason."""

from django import forms
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from campaign.models import Activity, Plan
from units.forms import FORMSET_ERRORS, PortalInputMixin

DATE_INPUT = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"})


class PlanForm(PortalInputMixin, forms.ModelForm):
    # The version the user started from; a save from an older one is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Plan
        fields = ["doc_number", "doc_date", "signer", "summary"]
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

    def __init__(self, *args, campaign, theme_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the content items of this plan's campaign can be chosen.
        themes = self.fields["themes"]
        themes.queryset = campaign.themes.all()
        themes.label_from_instance = theme_label
        if theme_choices is not None:
            # Choices listed once for the whole formset, so that showing N activities does
            # not list the campaign's content N times. Validation still uses the queryset.
            themes.choices = theme_choices
        self.fields["planned_on"].input_formats = ["%d/%m/%Y", "%Y-%m-%d"]


def theme_label(theme):
    return f"{theme.number}. {theme.short_title}"


class BaseActivityFormSet(forms.BaseInlineFormSet):
    default_error_messages = FORMSET_ERRORS

    @cached_property
    def theme_choices(self):
        return [
            (theme.pk, theme_label(theme)) for theme in self.form_kwargs["campaign"].themes.all()
        ]

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
        help_text=_("The unit's officers receive it by e-mail and see it on the plan."),
    )
