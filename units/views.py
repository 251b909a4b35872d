import datetime

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordResetView
from django.shortcuts import render
from django.utils import timezone
from django.utils.module_loading import import_string

from config.auth import client_ip
from config.http import require_safe
from units.access import REVIEW, Scope
from units.models import Membership, Unit, UnitState
from units.password_reset import QueuedPasswordResetForm, admit


@require_safe
@login_required
def home(request):
    """The user's units and roles, each unit once with every role held there; the units
    still open first, then those closed by a reorganisation (their history stays visible)."""
    scope = Scope.for_request(request)
    units = {}
    for membership in scope.memberships:
        entry = units.setdefault(membership.unit.pk, {"unit": membership.unit, "roles": []})
        entry["roles"].append(membership.get_role_display())
    for entry in units.values():
        unit = entry["unit"]
        entry["closed_on"] = unit.closed_on if not unit.is_open_on(scope.today) else None
    my_units = sorted(units.values(), key=lambda entry: entry["closed_on"] is not None)
    # The apps above units (campaigns, reports) say what waits for the user; config lists
    # them, so units needs to know nothing about them.
    pending = [
        item for provider in settings.PENDING_PROVIDERS for item in import_string(provider)(scope)
    ]
    # A campaign's title is long (the plan's full name, four lines on a phone): said once
    # above the list when every item belongs to the same one, the usual case for an
    # officer, rather than under each item. Not when a count across campaigns is listed (a
    # reviewer's "plans waiting"): the title would seem to say whose they are.
    campaigns = {item.get("campaign", "") for item in pending}
    return render(
        request,
        "units/home.html",
        {
            "my_units": my_units,
            "pending": pending,
            "one_campaign": campaigns.pop() if len(campaigns) == 1 else "",
            # The other apps' boxes, named by config like the pending work.
            "home_panels": settings.HOME_PANELS,
        },
    )


@require_safe
@login_required
def unit_detail(request, pk):
    """One unit in the user's scope: where it sits in the tree and the units under it."""
    scope = Scope.for_request(request)
    unit = scope.get_unit(pk=pk)
    ancestors = [a for a in Unit.objects.get_ancestors(unit) if scope.can_see(a)]
    children = list(Unit.objects.get_children(unit))  # tree order: as the federation lists them
    # Its eras, newest first: where it stood, under which name and kind, from when to when
    # (reorganisations change today's tree; this is how it stood before). A parent outside
    # the user's scope is not named, as in the breadcrumb; the row says it had one ("—"
    # read as under nothing).
    eras = []
    for era in unit.states.select_related("parent").order_by("-valid_from", "-pk"):
        era.shown_parent = era.parent if era.parent and scope.can_see(era.parent) else None
        # `valid_until` is the first day of the next era.
        era.last_day = era.valid_until - datetime.timedelta(days=1) if era.valid_until else None
        era.shown_from = era.valid_from
        newer = eras[-1] if eras else None
        if newer is not None and _reads_alike(newer, era):
            # An era the unit's own record needs (its parent moved, so its path changed)
            # reads as the one after it: one row, from this one's first day.
            newer.shown_from = era.valid_from
            continue
        eras.append(era)
    return render(
        request,
        "units/unit_detail.html",
        {
            "unit": unit,
            "ancestors": ancestors,
            "children": children,
            "former_children": _former_children(scope, unit, children),
            "eras": eras,
            # The contacts page's own rule (a reviewer at or above the unit): a reviewer's own
            # unit, where they look for whom to call, showed no link to it. An ended unit has
            # nobody to call: its page says where its units went instead.
            "shows_contacts": scope.allows(unit, REVIEW) and not _has_ended(unit),
        },
    )


def _has_ended(unit) -> bool:
    """Whether `unit` has closed by today (not one still to open)."""
    return unit.closed_on is not None and unit.closed_on <= timezone.localdate()


def _reads_alike(newer, older) -> bool:
    """Whether two eras next to each other show the same on the unit's page."""
    return newer.valid_from == older.valid_until and (
        newer.name,
        newer.kind,
        newer.parent_id,
        newer.is_open,
    ) == (older.name, older.kind, older.parent_id, older.is_open)


def _former_children(scope, unit, children):
    """The units that stood directly below `unit` and stand elsewhere today (moved, or handed
    on when it ended), each with its last era below it and where it stands now, in tree
    order: a closed district's page says where its grassroots unions went. The user's scope
    decides what is named, as on the rest of the page. Two queries; one when there are none."""
    below_now = {child.pk for child in children}
    last_below = {}
    eras = (
        UnitState.objects.filter(parent=unit)
        .exclude(unit_id__in=below_now)
        .select_related("unit", "unit__successor")
        .order_by("unit_id", "-valid_from")
    )
    for era in eras:
        # Its latest era below the unit; one still running stands in `children` already.
        if era.unit_id not in last_below and era.valid_until and scope.can_see(era.unit):
            last_below[era.unit_id] = era
    if not last_below:
        return []
    today = {
        era.unit_id: era
        for era in UnitState.objects.filter(
            unit_id__in=last_below, valid_until__isnull=True
        ).select_related("parent")
    }
    former = []
    for era in sorted(last_below.values(), key=lambda era: era.path):
        now = today.get(era.unit_id)
        parent = now.parent if now and now.parent and scope.can_see(now.parent) else None
        former.append(
            {
                "unit": era.unit,
                "name": era.name,
                "last_day": era.valid_until - datetime.timedelta(days=1),
                "now_under": parent,
            }
        )
    return former


@require_safe
@login_required
def unit_contacts(request, pk):
    """Who to call in every unit below: the officers of the subtree, for reviewers.

    Two queries (the unit, the memberships) whatever the size of the subtree.
    """
    scope = Scope.for_request(request)
    unit = scope.get_unit(REVIEW, pk=pk)
    officers = (
        Membership.objects.filter(
            role=Membership.Role.OFFICER,
            # Whom to call today: a closed unit's officers keep their role there (to read its
            # history) and are listed at the unit they now work for, if any.
            unit__in=Unit.objects.in_subtree(unit.path).open_on(timezone.localdate()),
            user__is_active=True,
        )
        .select_related("user", "unit")
        .order_by("unit__path", "user__full_name")
    )
    return render(
        request,
        "units/unit_contacts.html",
        # An ended unit's officers list stays empty (nobody works there any more): the page
        # says so and sends the reader to where its units went, not "no officer yet".
        {"unit": unit, "officers": officers, "ended": _has_ended(unit)},
    )


class LimitedPasswordResetView(PasswordResetView):
    """Django's reset view, which queues the link only while the address and the client
    are under their limits; over one, the form comes back with the reason (429) and what
    was typed."""

    form_class = QueuedPasswordResetForm

    def form_valid(self, form):
        # Lower case can lengthen an address ("İ" becomes two characters): the key kept for
        # the limit is cut to the column's 254.
        email = form.cleaned_data["email"].strip().lower()[:254]
        reason = admit(email, (client_ip(self.request) or "")[:64])
        if reason is not None:
            form.add_error("email", reason)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)
