"""What an officer's units have sent ("Đã gửi"): plans and annual reports submitted at least
once, and obstacles raised, each with its state and who acted on it last and when.

Read on the home page (the `sent_items` template tag, the newest few) and on its own page
(`campaign.sent_page`). Everything comes through the user's access scope: the units where the user
holds an officer role (closed ones too: their history stays theirs to read), and what the
user submitted or raised for a unit below them.
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.translation import gettext as _

from campaign.models import AnnualReport, Obstacle, Plan, Status, Step
from units.access import FILE, SEE, Scope

PAGE_SIZE = 25
HOME_COUNT = 5


def sent_items(scope: Scope) -> list[dict]:
    """Everything the user's units have sent, newest action first, as dicts: `kind`,
    `title` (naming the kind), `detail` (the campaign), `unit`, `status`, `status_label`,
    `action` (the last step's words), `actor` (None when the portal recorded it), `at`,
    `url`.

    Four queries whatever the number of items (plans, reports, obstacles, the last steps);
    none for a user who holds no officer role.
    """
    units = [m.unit for m in scope.memberships if m.role in FILE]
    if not units:
        return []
    user = scope.user
    plan_type = ContentType.objects.get_for_model(Plan)
    report_type = ContentType.objects.get_for_model(AnnualReport)
    sent = Q(first_submitted_at__isnull=False) | ~Q(status=Status.DRAFT)

    def mine(content_type):
        submitted_by_user = Step.objects.filter(
            content_type=content_type, actor=user, action=Step.Action.SUBMIT
        ).values("object_id")
        return Q(unit__in=units) | Q(pk__in=submitted_by_user)

    # What the user sent stays theirs to read while its unit is in their scope: after they
    # moved to another unit, or a merger moved the document away, its page is a 404.
    seen = scope.condition(SEE, path_field="unit__path")
    plans = list(
        Plan.objects.filter(sent, mine(plan_type), seen)
        .select_related("unit", "campaign")
        .distinct()
    )
    reports = list(
        AnnualReport.objects.filter(sent, mine(report_type), seen)
        .select_related("unit", "campaign")
        .distinct()
    )
    obstacles = list(
        Obstacle.objects.filter(Q(unit__in=units) | Q(raised_by=user), seen).select_related(
            "unit", "campaign", "raised_by", "answered_by", "closed_by"
        )
    )
    last_steps = _last_steps({plan_type.pk: plans, report_type.pk: reports})
    items = [
        _submission_item(
            plan,
            "plan",
            _("Plan %(number)s") % {"number": plan.doc_number},
            last_steps.get((plan_type.pk, plan.pk)),
        )
        for plan in plans
    ]
    items += [
        _submission_item(
            report,
            "report",
            _("Annual report %(year)s") % {"year": report.year},
            last_steps.get((report_type.pk, report.pk)),
        )
        for report in reports
    ]
    items += [_obstacle_item(obstacle) for obstacle in obstacles]
    items.sort(key=lambda item: (item["at"], item["kind"]), reverse=True)
    return items


def shared(items) -> dict:
    """The unit and the campaign's long title when every item has the same one ("" when
    not): said once above the list rather than under each item."""
    units = {item["unit"] for item in items}
    campaigns = {item["detail"] for item in items}
    return {
        "one_unit": units.pop() if len(units) == 1 else "",
        "one_campaign": campaigns.pop() if len(campaigns) == 1 else "",
    }


def _last_steps(submissions):
    """The last step of each submission, by (content type id, object id). One query."""
    which = Q(pk__in=[])
    for type_id, rows in submissions.items():
        if rows:
            which |= Q(content_type_id=type_id, object_id__in=[row.pk for row in rows])
    last = {}
    for step in Step.objects.filter(which).select_related("actor").order_by("at", "pk"):
        last[(step.content_type_id, step.object_id)] = step
    return last


def _submission_item(submission, kind, title, step):
    if step is not None:
        action, actor, at = step.get_action_display(), step.actor, step.at
    else:  # sent before steps were recorded
        action, actor, at = submission.get_status_display(), None, submission.submitted_at
    return {
        "kind": kind,
        "title": title,
        "detail": submission.campaign.title,
        "unit": submission.unit.name,
        "status": submission.status,
        "status_label": submission.status_label,
        "action": action,
        "actor": actor,
        "at": at or submission.updated_at,
        "url": submission.get_absolute_url(),
    }


def _obstacle_item(obstacle):
    if obstacle.status == Obstacle.Status.CLOSED and obstacle.closed_at:
        action, actor, at = obstacle.get_status_display(), obstacle.closed_by, obstacle.closed_at
    elif obstacle.answered_at:
        action, actor, at = _("Answered"), obstacle.answered_by, obstacle.answered_at
    else:
        action, actor, at = _("Raised"), obstacle.raised_by, obstacle.raised_at
    return {
        "kind": "obstacle",
        "title": _("Obstacle: %(subject)s") % {"subject": obstacle.subject},
        "detail": obstacle.campaign.title,
        "unit": obstacle.unit.name,
        "status": obstacle.status,
        "status_label": obstacle.get_status_display(),
        "action": action,
        "actor": actor,
        "at": at or datetime.datetime.min.replace(tzinfo=datetime.UTC),
        "url": obstacle.get_absolute_url(),
    }
