"""Inspections and supervision visits (kiểm tra, giám sát) recorded by the reviewers above a
unit, and the follow-up of their recommendations.

A unit sees the visits to itself, a reviewer those in its subtree; only a reviewer of the
unit (strictly above it) records a visit or updates its follow-up. The inspected unit's
officer marks the recommendations done, with a note the reviewers read. Once the unit has
merged away, the visit stays its own (history does not move) and the unit carrying its work
on follows the recommendations up: whoever files for it marks them done
(`Scope.can_carry_on`), and the page names it.
"""

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaign import workflow
from campaign.forms import ShownAtField
from campaign.list_exports import inspection_download
from campaign.listing import filtered_page
from campaign.models import Campaign, Inspection
from config.http import require_form, require_POST, require_safe
from units import lineage, once
from units.access import SEE, Scope
from units.forms import PortalInputMixin
from units.models import Unit

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATE_INPUT = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": gettext_lazy("dd/mm/yyyy")})


def inspections():
    return Inspection.objects.select_related("unit", "campaign", "recorded_by", "done_by")


# --- filters and forms ------------------------------------------------------------------------
class InspectionFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        label=gettext_lazy("Kind"),
        choices=Inspection.Kind.choices,
        empty_label=gettext_lazy("Any kind"),
    )
    follow_up = django_filters.ChoiceFilter(
        label=gettext_lazy("Follow-up"),
        choices=Inspection.FollowUp.choices,
        empty_label=gettext_lazy("Any follow-up"),
    )
    campaign = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Campaign"),
        queryset=Campaign.objects.all(),
        empty_label=gettext_lazy("Any campaign"),
    )
    # What the reviewer's home page counts: the unit says it is done, the follow-up does not
    # say met yet.
    unit_done = django_filters.BooleanFilter(
        label=gettext_lazy("Marked done by the unit"),
        method="filter_unit_done",
        widget=forms.Select(
            choices=[
                ("", gettext_lazy("Marked done or not")),
                ("true", gettext_lazy("Marked done, not yet recorded as met")),
            ]
        ),
    )

    class Meta:
        model = Inspection
        fields = ["kind", "follow_up", "campaign", "unit_done"]

    def filter_unit_done(self, queryset, name, value):
        return queryset.marked_done_unchecked() if value else queryset


class InspectionForm(once.OnceMixin, PortalInputMixin, forms.ModelForm):
    class Meta:
        model = Inspection
        fields = [
            "unit",
            "campaign",
            "visited_on",
            "kind",
            "members",
            "findings",
            "recommendations",
            "recommendations_due_on",
        ]
        widgets = {
            "visited_on": DATE_INPUT,
            "recommendations_due_on": DATE_INPUT,
            "members": forms.Textarea(attrs={"rows": 2}),
            "findings": forms.Textarea(attrs={"rows": 6}),
            "recommendations": forms.Textarea(attrs={"rows": 4}),
        }
        # Django's "This field is required." says nothing of what to do.
        error_messages = {
            "unit": {"required": gettext_lazy("Choose the unit that was visited.")},
            "campaign": {"required": gettext_lazy("Choose the campaign the visit was about.")},
            "visited_on": {
                "required": gettext_lazy("Enter the day of the visit, for example 31/12/2025.")
            },
            "kind": {"required": gettext_lazy("Choose inspection or supervision.")},
            "members": {"required": gettext_lazy("Name the members of the team, one per line.")},
            "findings": {"required": gettext_lazy("Write what the visit found.")},
        }
        help_texts = {
            "visited_on": gettext_lazy("Day/month/year, for example 31/12/2025."),
            "recommendations_due_on": gettext_lazy(
                "When it comes, the unit's officers are told in the portal and by e-mail."
            ),
            "members": gettext_lazy("Names and positions of the team, one per line."),
        }

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = scope.reviewed_units().order_by("path")
        # A closed unit stays in the list (a visit made before it closed can be recorded
        # late), marked as closed.
        self.fields["unit"].label_from_instance = Unit.picker_label
        self.fields["campaign"].queryset = Campaign.objects.all()
        self.fields["visited_on"].input_formats = DATE_FORMATS
        self.fields["recommendations_due_on"].input_formats = DATE_FORMATS

    def clean_visited_on(self):
        visited_on = self.cleaned_data["visited_on"]
        if visited_on > timezone.localdate():
            raise forms.ValidationError(
                _("The visit cannot be in the future: record it once it has taken place."),
                code="future",
            )
        return visited_on

    def clean(self):
        cleaned = super().clean()
        visited_on, unit = cleaned.get("visited_on"), cleaned.get("unit")
        if visited_on and unit and not unit.is_open_on(visited_on):
            self.add_error(
                "unit",
                forms.ValidationError(
                    _("%(unit)s was not open on %(date)s: check the unit or the date."),
                    code="closed_unit",
                    params={"unit": unit, "date": visited_on.strftime("%d/%m/%Y")},
                ),
            )
        visited_on, campaign = cleaned.get("visited_on"), cleaned.get("campaign")
        if visited_on and campaign and visited_on < campaign.issued_on:
            self.add_error(
                "visited_on",
                forms.ValidationError(
                    _(
                        "The visit on %(date)s is before the campaign was issued "
                        "(%(issued)s): check the date or the campaign."
                    ),
                    code="before_campaign",
                    params={
                        "date": visited_on.strftime("%d/%m/%Y"),
                        "issued": campaign.issued_on.strftime("%d/%m/%Y"),
                    },
                ),
            )
        return cleaned


class FollowUpForm(PortalInputMixin, forms.ModelForm):
    # The follow-up's version the reviewer's page showed (Inspection.follow_up_version).
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Inspection
        fields = workflow.FOLLOW_UP_FIELDS
        widgets = {
            "follow_up_note": forms.Textarea(attrs={"rows": 3}),
            "recommendations_due_on": DATE_INPUT,
        }
        help_texts = {"recommendations_due_on": gettext_lazy("dd/mm/yyyy")}
        error_messages = {
            "follow_up": {
                "required": gettext_lazy("Choose how far the recommendations are carried out.")
            }
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recommendations_due_on"].input_formats = DATE_FORMATS
        if not self.is_bound:
            self.initial["version"] = self.instance.follow_up_version
        # "No recommendations" follows from the visit's record, never chosen here.
        self.fields["follow_up"].choices = [
            choice
            for choice in self.fields["follow_up"].choices
            if choice[0] != Inspection.FollowUp.NONE
        ]


class DoneForm(PortalInputMixin, forms.ModelForm):
    """The inspected unit's officer marks the recommendations done, saying what was done."""

    class Meta:
        model = Inspection
        fields = ["done_note"]
        widgets = {"done_note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "done_note": gettext_lazy(
                "What your unit did about the recommendations, and when. The reviewers who "
                "recorded the visit see it on this page."
            )
        }

    # When the note the page showed was given (none: the page showed none). The unit's
    # officers, and those above filing for it, may each mark it: a note typed on a page drawn
    # before a colleague's is refused instead of replacing it unread.
    shown = ShownAtField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["done_note"].required = True
        if not self.is_bound:
            self.initial["shown"] = ShownAtField.of(self.instance.done_at)

    def shown_now(self, inspection):
        """Take the note's time from `inspection` as it is now (saving again is then a
        deliberate overwrite); what was typed is kept."""
        self.data = self.data.copy()
        self.data["shown"] = ShownAtField.of(inspection.done_at)


# --- views ------------------------------------------------------------------------------------
@require_safe
@login_required
def inspection_list(request):
    """The visits the user may see, latest first, filtered and paginated.

    A fixed number of queries whatever the number of visits.
    """
    scope = Scope.for_request(request)
    found = _listed(request, scope)
    page, query = filtered_page(request, found)
    return render(
        request,
        "campaign/inspections/list.html",
        {
            "filter": found,
            "page": page,
            "query": query,
            "can_record": scope.is_reviewer,
        },
    )


@require_safe
@login_required
def inspection_list_excel(request):
    """The list of visits as its page lists it, every page of it, as an .xlsx."""
    return inspection_download(request, _listed(request, Scope.for_request(request)))


def _listed(request, scope) -> InspectionFilter:
    """The visits `scope`'s user may see, latest first, filtered as `request` asks: the
    list's page and its download list the same. No query."""
    queryset = scope.filter(inspections(), SEE).order_by("-visited_on", "-pk")
    return InspectionFilter(request.GET, queryset=queryset)


@require_form
@login_required
def inspection_create(request):
    scope = Scope.for_request(request)
    if not scope.is_reviewer:
        raise PermissionDenied
    if request.method == "POST":
        form = InspectionForm(request.POST, scope=scope)
        if form.is_valid():

            def save():
                inspection = form.save(commit=False)
                inspection.recorded_by = request.user
                inspection.recorded_at = timezone.now()
                inspection.save()
                return inspection.get_absolute_url()

            url, made = once.save_once(request, save)
            if made:
                messages.success(request, _("The visit was recorded."))
            else:
                messages.info(request, once.ALREADY_SENT)
            return redirect(url)
    else:
        newest = Campaign.objects.order_by("-issued_on", "pk").first()
        form = InspectionForm(scope=scope, initial={"campaign": newest.pk if newest else None})
    return render(request, "campaign/inspections/form.html", {"form": form})


@require_safe
@login_required
def inspection_detail(request, pk):
    scope = Scope.for_request(request)
    inspection = scope.get(inspections(), SEE, pk=pk)
    return _render_detail(request, scope, inspection)


@login_required
@require_POST
def inspection_follow_up(request, pk):
    scope = Scope.for_request(request)
    inspection = scope.get(inspections(), SEE, pk=pk)
    if not scope.can_review(inspection.unit):
        raise PermissionDenied
    refusal = workflow.follow_up_refusal(inspection)
    if refusal:
        messages.error(request, refusal)
        return redirect(inspection)
    form = FollowUpForm(request.POST, instance=inspection)
    if not form.is_valid():
        return _render_detail(request, scope, inspection, form=form, status=400)
    try:
        saved = workflow.follow_up_inspection(
            inspection,
            user=request.user,
            scope=scope,
            values=form.cleaned_data,
            # A page without a version (opened before the follow-up had one) counts as
            # outdated, as on the plan and report forms: refused once, with what was typed
            # kept.
            expected_version=form.cleaned_data.get("version") or 0,
        )
    except workflow.ConflictError as conflict:
        form.add_error(
            None,
            _(
                "Someone else saved the follow-up after you opened this page, so yours was not "
                "saved. What they saved is shown under “Follow-up”; what you typed is still "
                "in the form: check both, then save again or change your text."
            ),
        )
        # Saving again from here, having seen theirs, is a deliberate overwrite.
        form.data = form.data.copy()
        form.data["version"] = str(conflict.current)
        return _render_detail(request, scope, inspection, form=form, status=409)
    if not saved:
        messages.info(request, _("This follow-up was already saved."))
        return redirect(inspection)
    messages.success(request, _("The follow-up was updated."))
    return redirect(inspection)


@login_required
@require_POST
def inspection_done(request, pk):
    """The inspected unit's officer marks the recommendations done, with a note. The
    earlier marks stay in the inspection's history."""
    scope = Scope.for_request(request)
    inspection = scope.get(inspections(), SEE, pk=pk)
    if not scope.can_carry_on(inspection.unit):
        raise PermissionDenied
    refusal = workflow.done_refusal(inspection)
    if refusal:
        return _done_refused(request, scope, inspection, refusal)
    form = DoneForm(request.POST, instance=inspection)
    if not form.is_valid():
        return _render_detail(request, scope, inspection, done_form=form, status=400)
    try:
        workflow.mark_inspection_done(
            inspection,
            user=request.user,
            scope=scope,
            note=form.cleaned_data["done_note"],
            shown=form.cleaned_data["shown"],
        )
    except workflow.TransitionError as refused:
        return _done_refused(request, scope, inspection, refused.messages[0])
    except workflow.ConflictError as conflict:
        form.shown_now(conflict.current)
        form.add_error(
            None,
            _(
                "Someone else marked the recommendations done after you opened this page, "
                "so your note was not saved. Theirs is shown under “What the unit has "
                "done”; what you typed is still in the form: read theirs, then save again "
                "or change your note."
            ),
        )
        return _render_detail(request, scope, inspection, done_form=form, status=409)
    messages.success(
        request, _("The recommendations were marked done; the reviewers see your note.")
    )
    return redirect(inspection)


def _done_refused(request, scope, inspection, refusal):
    """Why the mark was refused; the note typed, if any, is shown back to copy: with the
    recommendations met (a reviewer recorded it while the officer typed), no form is drawn
    to keep it in, and behind a redirect it was lost."""
    messages.error(request, refusal)
    typed = request.POST.get("done_note", "").strip()
    if not typed:
        return redirect(inspection)
    # As saved now (the form may have put the typed note on this instance).
    inspection = inspections().get(pk=inspection.pk)
    return _render_detail(request, scope, inspection, kept_note=typed, status=409)


def _render_detail(request, scope, inspection, form=None, status=200, done_form=None, kept_note=""):
    can_follow_up = scope.can_review(inspection.unit) and inspection.has_recommendations
    if form is None and can_follow_up:
        form = FollowUpForm(instance=inspection)
    if form is not None and form.is_bound:
        # The page shows what is saved; the form keeps what was typed.
        inspection.refresh_from_db(fields=workflow.FOLLOW_UP_FIELDS)
    can_mark_done = scope.can_carry_on(inspection.unit) and not workflow.done_refusal(inspection)
    if done_form is None and can_mark_done:
        done_form = DoneForm(instance=inspection)
    if done_form is not None and done_form.is_bound:
        inspection.refresh_from_db(fields=workflow.DONE_FIELDS)
    return render(
        request,
        "campaign/inspections/detail.html",
        {
            "inspection": inspection,
            "can_follow_up": can_follow_up,
            "follow_up_form": form,
            "can_mark_done": can_mark_done,
            "done_form": done_form,
            "kept_note": kept_note,
            # Who follows the recommendations up now that the unit visited merged away.
            "carried_on_by": (
                lineage.carrier(inspection.unit) if not workflow.done_refusal(inspection) else None
            ),
        },
        status=status,
    )


urlpatterns = [
    path("inspections/", inspection_list, name="inspection_list"),
    path("inspections/excel/", inspection_list_excel, name="inspection_list_excel"),
    path("inspections/new/", inspection_create, name="inspection_create"),
    path("inspections/<id:pk>/", inspection_detail, name="inspection_detail"),
    path(
        "inspections/<id:pk>/follow-up/",
        inspection_follow_up,
        name="inspection_follow_up",
    ),
    path("inspections/<id:pk>/done/", inspection_done, name="inspection_done"),
]
