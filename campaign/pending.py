"""What waits for the user in campaigns: shown on the home page (see PENDING_PROVIDERS).

One provider for plans and one for annual reports and obstacles."""

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.models import AnnualReport, Campaign, Obstacle, Plan, Status
from units.access import Scope, open_on


def plan_items(scope: Scope) -> list[dict]:
    """Plans the user must write, fix or review. Three queries at most.

    For officers: each campaign running this year that addresses one of their own units
    (where they hold the role, not the whole subtree) and whose plan is missing, a draft or
    returned. For reviewers: how many plans wait for their review.
    """
    items = []
    own_units = scope.filing_units
    if own_units:
        year = datetime.date.today().year
        campaigns = list(Campaign.objects.running_in(year))
        plans = {
            (plan.unit_id, plan.campaign_id): plan
            for plan in Plan.objects.filter(unit__in=own_units, campaign__in=campaigns)
        }
        for campaign in campaigns:
            for unit in own_units:
                if not campaign.addresses(unit):
                    continue
                plan = plans.get((unit.pk, campaign.pk))
                if plan is None:
                    items.append(
                        {
                            "title": _("Write the plan of %(unit)s") % {"unit": unit},
                            "detail": campaign.title,
                            "due": campaign.plan_due_on,
                            "url": reverse("campaign:plan_start", args=[campaign.pk, unit.pk]),
                        }
                    )
                elif plan.status == Status.DRAFT:
                    items.append(
                        {
                            "title": _("Submit the draft plan of %(unit)s") % {"unit": unit},
                            "detail": campaign.title,
                            "due": campaign.plan_due_on,
                            "url": plan.get_absolute_url(),
                        }
                    )
                elif plan.status == Status.RETURNED:
                    items.append(
                        {
                            "title": _("Fix and resubmit the returned plan of %(unit)s")
                            % {"unit": unit},
                            "detail": campaign.title,
                            "due": None,
                            "url": plan.get_absolute_url(),
                        }
                    )
    if scope.is_reviewer:
        waiting = Plan.objects.filter(
            scope.review_condition(path_field="unit__path"),
            open_on(scope.today, "unit__"),
            status=Status.SUBMITTED,
        ).count()
        if waiting:
            items.append(
                {
                    "title": _("%(count)s plan(s) wait for your review") % {"count": waiting},
                    "detail": "",
                    "due": None,
                    "url": reverse("campaign:review_queue"),
                }
            )
    return items


def report_items(scope: Scope) -> list[dict]:
    """Reports to write, fix or review, and obstacles to answer. At most four queries."""
    items = []
    today = timezone.localdate()
    own_units = scope.filing_units
    if own_units:
        campaigns = list(Campaign.objects.running_in(today.year))
        filed = {
            (r.unit_id, r.campaign_id): r
            for r in AnnualReport.objects.filter(
                unit__in=own_units, campaign__in=campaigns, year=today.year
            )
        }
        for campaign in campaigns:
            for unit in own_units:
                if not campaign.addresses(unit):
                    continue
                report = filed.get((unit.pk, campaign.pk))
                if report is None:
                    items.append(
                        {
                            "title": _("Write the %(year)s annual report of %(unit)s")
                            % {"year": today.year, "unit": unit},
                            "detail": campaign.title,
                            "due": None,
                            "url": reverse(
                                "campaign:report_start", args=[campaign.pk, unit.pk, today.year]
                            ),
                        }
                    )
                elif report.status in (Status.DRAFT, Status.RETURNED):
                    items.append(
                        {
                            "title": _("Finish and submit the %(year)s annual report of %(unit)s")
                            % {"year": today.year, "unit": unit},
                            "detail": report.get_status_display(),
                            "due": None,
                            "url": report.get_absolute_url(),
                        }
                    )
    if scope.is_reviewer:
        reviewed = scope.review_condition(path_field="unit__path")
        waiting = AnnualReport.objects.filter(
            reviewed, open_on(scope.today, "unit__"), status=Status.SUBMITTED
        ).count()
        if waiting:
            items.append(
                {
                    "title": _("%(count)s annual report(s) wait for your review")
                    % {"count": waiting},
                    "detail": "",
                    "due": None,
                    "url": reverse("campaign:report_queue"),
                }
            )
        counts = Obstacle.objects.filter(reviewed, status=Obstacle.Status.OPEN).aggregate(
            open=Count("pk"), overdue=Count("pk", filter=Q(answer_by__lt=today))
        )
        if counts["open"]:
            items.append(
                {
                    "title": _("%(open)s open obstacle(s) to answer, %(overdue)s overdue") % counts,
                    "detail": "",
                    "due": None,
                    "url": reverse("campaign:obstacle_list") + "?status=open",
                }
            )
    return items
