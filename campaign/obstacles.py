"""Obstacles (vướng mắc): a unit raises one, the reviewers above it answer, either side closes.

Every object is fetched through the access scope: an obstacle outside what the user may see
is a 404, one the user sees but may not act on is a 403.
"""

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaign import workflow
from campaign.forms import ShownAtField
from campaign.list_exports import obstacle_download
from campaign.listing import filtered_page
from campaign.models import MAX_NARRATIVE, AnnualReport, Campaign, Obstacle
from config.http import require_form, require_POST, require_safe
from units import once
from units.access import FILE, SEE, Scope, parse_pk
from units.forms import PortalInputMixin
from units.models import Unit

S = Obstacle.Status


def obstacles():
    return Obstacle.objects.select_related("unit", "campaign", "raised_by")


# --- filters and forms ------------------------------------------------------------------------
class ObstacleFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"), choices=S.choices, empty_label=gettext_lazy("Any status")
    )
    kind = django_filters.ChoiceFilter(
        label=gettext_lazy("Unit kind"),
        field_name="unit__kind",
        choices=Unit.Kind.choices,
        empty_label=gettext_lazy("Any kind"),
    )
    overdue = django_filters.BooleanFilter(
        label=gettext_lazy("Overdue"),
        method="filter_overdue",
        widget=forms.Select(
            choices=[
                ("", gettext_lazy("Overdue or not")),
                ("true", gettext_lazy("Overdue only")),
                ("false", gettext_lazy("Not overdue")),
            ]
        ),
    )
    campaign = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Campaign"),
        queryset=Campaign.objects.all(),
        empty_label=gettext_lazy("Any campaign"),
    )
    # What the reviewer answers (the units they review), as the home page counts it; the
    # list alone also shows their own unit's, which an upper unit answers.
    to_answer = django_filters.BooleanFilter(
        label=gettext_lazy("Who answers"),
        method="filter_to_answer",
        widget=forms.Select(
            choices=[
                ("", gettext_lazy("Anyone")),
                ("true", gettext_lazy("Mine to answer")),
            ]
        ),
    )

    class Meta:
        model = Obstacle
        fields = ["status", "kind", "overdue", "campaign", "to_answer"]

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        if not scope.is_reviewer:
            del self.filters["to_answer"]

    def filter_to_answer(self, queryset, name, value):
        if value:
            return queryset.filter(self.scope.review_condition(path_field="unit__path"))
        return queryset

    def filter_overdue(self, queryset, name, value):
        # Overdue: still open after its answer-by date, "today" in Viet Nam's time zone.
        today = timezone.localdate()
        if value:
            return queryset.overdue(today)
        return queryset.exclude(status=S.OPEN, answer_by__lt=today)


def report_label(report):
    return f"{report.campaign.reference} – {report.year} – {report.unit.name}"


class ObstacleForm(once.OnceMixin, PortalInputMixin, forms.ModelForm):
    """Raise an obstacle for a unit the user files for, optionally about an annual report."""

    class Meta:
        model = Obstacle
        fields = ["unit", "campaign", "report", "subject", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 6})}
        # Django's "This field is required." says nothing of what to do.
        error_messages = {
            "unit": {"required": gettext_lazy("Choose the unit the obstacle is raised for.")},
            "campaign": {"required": gettext_lazy("Choose the campaign the obstacle is about.")},
            "subject": {"required": gettext_lazy("Give the obstacle a short subject.")},
            "text": {
                "required": gettext_lazy(
                    "Describe the obstacle: what stands in the way, and what the unit needs."
                )
            },
        }
        help_texts = {
            "report": gettext_lazy(
                "Optional: the annual report of this unit and campaign the question is about."
            ),
        }

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = scope.units(FILE).order_by("path")
        self.fields["campaign"].queryset = Campaign.objects.all()
        report = self.fields["report"]
        # Only reports the user files for can be named at all; clean() checks that the one
        # named belongs to the chosen unit and campaign.
        report.queryset = (
            scope.filter(AnnualReport.objects.all(), FILE)
            .select_related("unit", "campaign")
            .order_by("-year", "unit__path")
        )
        report.label_from_instance = report_label

    def clean(self):
        cleaned = super().clean()
        report = cleaned.get("report")
        unit = cleaned.get("unit")
        campaign = cleaned.get("campaign")
        elsewhere = report and (
            (unit and report.unit_id != unit.pk) or (campaign and report.campaign_id != campaign.pk)
        )
        if elsewhere:
            self.add_error(
                "report",
                _("This annual report belongs to another unit or campaign than the ones chosen."),
            )
        return cleaned


class AnswerForm(PortalInputMixin, forms.Form):
    answer = forms.CharField(
        label=gettext_lazy("Answer"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=MAX_NARRATIVE,
        help_text=gettext_lazy("The unit sees it on the obstacle."),
        error_messages={"required": gettext_lazy("Write the answer the unit will read.")},
    )
    # When the answer the page showed was given (none: the page showed no answer). Two
    # reviewers of the unit may answer it: one answering from a page drawn before the
    # other's answer is refused instead of replacing it unread.
    shown = ShownAtField()

    @classmethod
    def for_obstacle(cls, obstacle, data=None):
        """The form to answer `obstacle` as it is now: bound to `data` when given, with the
        answer time it showed set to the current one (saving again is then deliberate)."""
        shown = ShownAtField.of(obstacle.answered_at)
        if data is None:
            return cls(initial={"answer": obstacle.answer, "shown": shown})
        data = data.copy()
        data["shown"] = shown
        return cls(data)


class CloseForm(PortalInputMixin, forms.Form):
    # When the answer the page showed was given: closing settles that answer.
    shown = ShownAtField()


# --- views ------------------------------------------------------------------------------------
@require_safe
@login_required
def obstacle_list(request):
    """The obstacles the user may see, newest first, filtered and paginated.

    A fixed number of queries whatever the number of obstacles.
    """
    scope = Scope.for_request(request)
    found = _listed(request, scope)
    page, query = filtered_page(request, found)
    return render(
        request,
        "campaign/obstacles/list.html",
        {
            "filter": found,
            "page": page,
            "query": query,
            "can_raise": scope.is_officer,
        },
    )


@require_safe
@login_required
def obstacle_list_excel(request):
    """The obstacle list as its page lists it, every page of it, as an .xlsx."""
    return obstacle_download(request, _listed(request, Scope.for_request(request)))


def _listed(request, scope) -> ObstacleFilter:
    """The obstacles `scope`'s user may see, newest first, filtered as `request` asks: the
    list's page and its download list the same. No query."""
    queryset = scope.filter(obstacles(), SEE).order_by("-raised_at", "-pk")
    return ObstacleFilter(request.GET, queryset=queryset, scope=scope)


@require_form
@login_required
def obstacle_create(request):
    scope = Scope.for_request(request)
    if not scope.is_officer:
        raise PermissionDenied
    if request.method == "POST":
        form = ObstacleForm(request.POST, scope=scope)
        if form.is_valid():

            def save():
                obstacle = workflow.raise_obstacle(form.save(commit=False), user=request.user)
                return obstacle.get_absolute_url()

            url, made = once.save_once(request, save)
            if made:
                messages.success(
                    request,
                    _("The obstacle was sent. The reviewers are asked to answer by %(date)s.")
                    % {"date": form.instance.answer_by.strftime("%d/%m/%Y")},
                )
            else:
                messages.info(request, once.ALREADY_SENT)
            return redirect(url)
    else:
        form = ObstacleForm(scope=scope, initial=_initial(request, scope))
    return render(request, "campaign/obstacles/form.html", {"form": form})


def _with_people():
    """Obstacles with who answered and who closed them, as their page names them."""
    return obstacles().select_related("answered_by", "closed_by", "report")


@require_safe
@login_required
def obstacle_detail(request, pk):
    scope = Scope.for_request(request)
    obstacle = scope.get(_with_people(), SEE, pk=pk)
    return _render_detail(request, scope, obstacle)


@login_required
@require_POST
def obstacle_answer(request, pk):
    scope = Scope.for_request(request)
    obstacle = scope.get(_with_people(), SEE, pk=pk)
    if not scope.can_review(obstacle.unit):
        raise PermissionDenied
    if obstacle.status == S.CLOSED:
        return _closed_refusal(request, scope, obstacle)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, scope, obstacle, answer_form=form, status=400)
    answer = form.cleaned_data["answer"]
    if workflow.answer_obstacle(
        obstacle, user=request.user, scope=scope, answer=answer, shown=form.cleaned_data["shown"]
    ):
        messages.success(request, _("Your answer was saved; the unit can read it now."))
        return redirect(obstacle)
    current = _with_people().get(pk=obstacle.pk)
    if current.status == S.ANSWERED and current.answer == answer:
        messages.info(request, _("This answer was already saved; the unit was not told again."))
    elif current.status == S.CLOSED:
        return _closed_refusal(request, scope, current)
    else:
        # Answered by someone else since the page was drawn: theirs is shown, what this
        # reviewer typed stays in the form, and saving it again replaces theirs knowingly.
        form = AnswerForm.for_obstacle(current, request.POST)
        form.is_valid()
        form.add_error(
            None,
            _(
                "Someone else answered this obstacle after you opened the page, so your "
                "answer was not saved. Their answer is shown above; what you typed is still "
                "in the form: read theirs, then send yours again or change it."
            ),
        )
        return _render_detail(request, scope, current, answer_form=form, status=409)
    return redirect(obstacle)


@login_required
@require_POST
def obstacle_close(request, pk):
    scope = Scope.for_request(request)
    obstacle = scope.get(obstacles(), SEE, pk=pk)
    if not (scope.can_file_for(obstacle.unit) or scope.can_review(obstacle.unit)):
        raise PermissionDenied
    shown = CloseForm(request.POST)
    if not shown.is_valid():
        messages.error(request, " ".join(shown.non_field_errors()))
        return redirect(obstacle)
    # Closed as the answer the page showed: one given or changed since is read first. (A
    # request without the field, from no page of the portal, is not checked.)
    if workflow.close_obstacle(
        obstacle, user=request.user, scope=scope, shown=shown.cleaned_data["shown"]
    ):
        messages.success(request, _("The obstacle was closed."))
        return redirect(obstacle)
    status = Obstacle.objects.filter(pk=obstacle.pk).values_list("status", flat=True).get()
    if status == S.OPEN:
        messages.error(
            request, _("This obstacle has not been answered yet: it can be closed once answered.")
        )
    elif status == S.ANSWERED:
        messages.warning(
            request,
            _(
                "The answer was changed after you opened this page, so the obstacle was not "
                "closed. Read the answer below, then close it if it settles the question."
            ),
        )
    else:
        messages.info(request, _("This obstacle is already closed."))
    return redirect(obstacle)


# --- helpers ----------------------------------------------------------------------------------
def _initial(request, scope):
    """The user's own officer unit and the newest campaign, or those of `?report=<pk>`."""
    initial = {}
    own = scope.filing_units
    if own:
        initial["unit"] = own[0].pk
    newest = Campaign.objects.order_by("-issued_on", "pk").first()
    if newest:
        initial["campaign"] = newest.pk
    report_pk = request.GET.get("report", "")
    if report_pk:
        pk = parse_pk(report_pk)
        if pk is None:
            raise Http404
        report = scope.get(AnnualReport.objects.all(), FILE, pk=pk)
        initial.update(unit=report.unit_id, campaign=report.campaign_id, report=report.pk)
    return initial


def _closed_refusal(request, scope, obstacle):
    """An answer sent for an obstacle closed meanwhile (the unit closed it, settled by the
    answer it had read, while the reviewer typed): refused, and what was typed is shown back
    to copy, since no answer form is drawn any more to keep it in."""
    messages.error(request, _("This obstacle is closed; it can no longer be answered."))
    typed = request.POST.get("answer", "").strip()
    if not typed or typed == obstacle.answer.strip():
        return redirect(obstacle)
    return _render_detail(request, scope, obstacle, status=409, kept_answer=typed)


def _render_detail(request, scope, obstacle, answer_form=None, status=200, kept_answer=""):
    open_or_answered = obstacle.status in (S.OPEN, S.ANSWERED)
    can_answer = open_or_answered and scope.can_review(obstacle.unit)
    can_close = obstacle.status == S.ANSWERED and (
        scope.can_file_for(obstacle.unit) or scope.can_review(obstacle.unit)
    )
    if answer_form is None and can_answer:
        answer_form = AnswerForm.for_obstacle(obstacle)
    return render(
        request,
        "campaign/obstacles/detail.html",
        {
            "obstacle": obstacle,
            "can_answer": can_answer,
            "can_close": can_close,
            "answer_form": answer_form,
            "shown": ShownAtField.of(obstacle.answered_at),
            "kept_answer": kept_answer,
        },
        status=status,
    )


urlpatterns = [
    path("obstacles/", obstacle_list, name="obstacle_list"),
    path("obstacles/excel/", obstacle_list_excel, name="obstacle_list_excel"),
    path("obstacles/new/", obstacle_create, name="obstacle_create"),
    path("obstacles/<id:pk>/", obstacle_detail, name="obstacle_detail"),
    path("obstacles/<id:pk>/answer/", obstacle_answer, name="obstacle_answer"),
    path("obstacles/<id:pk>/close/", obstacle_close, name="obstacle_close"),
]
