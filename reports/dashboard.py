"""The CSPL dashboard: where a campaign stands, for a year and a unit in the user's scope.

Every figure comes from the rollup (cached under the data version); the page only renders
it, plus one page of the status grid. A fixed number of queries whatever the number of units.
"""

import functools
import hashlib
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from campaign.counting import CATEGORIES, inclusion
from campaign.models import AnnualReport, Campaign
from campaign.periods import pick_campaign
from config.http import Explained404, require_safe
from reports import charts
from reports.rollup import (
    CACHE_SECONDS,
    FLAGGED,
    GRID_SORTS,
    cached_rollup,
    unit_rows,
    with_forebears,
)
from reports.selection import (
    asked_year,
    default_year,
    int_or_none,
    offered_years,
    selected_unit,
    selected_year,
    year_for_unit,
    year_refusal,
)
from reports.templatetags.chart_tags import with_nonce
from reports.trees import THEN, TODAY, tree_mode
from units.access import Scope
from units.lineage import heir
from units.models import Membership, Unit

Role = Membership.Role
GRID_PAGE = 50


@require_safe
@login_required
def dashboard(request):
    scope = Scope.for_request(request)
    if not scope.memberships:
        raise PermissionDenied
    campaigns = list(Campaign.objects.select_related("issuer").order_by("-issued_on", "pk"))
    if not campaigns:
        return render(request, "reports/dashboard.html", {"campaigns": []})
    campaign = pick_campaign(campaigns, request.GET.get("campaign"))
    moved = _other_year(request, campaign)
    if moved:
        return moved
    years = offered_years(campaign)
    year = selected_year(request, campaign)
    include = inclusion(request.GET.get("include"))
    tree = tree_mode(request.GET.get("tree"))
    unit = selected_unit(request, scope)
    if asked_year(request) is None:
        year = year_for_unit(campaign, unit, year)
    try:
        data = cached_rollup(campaign, year, unit, include, tree)
    except ValidationError as error:
        raise Explained404(error.messages[0]) from None
    grid = _grid(request, campaign, year, unit, data, scope)
    may_open = _may_open(scope)
    # Only the units the user may open here: reviewers and viewers their subtrees, officers
    # their own units.
    drill = {
        row.unit_id
        for row in data.by_child
        if row.unit_id and not row.is_scope and may_open(row.unit_id, row.unit_path or row.path)
    }
    # For the links to another unit, which add their own `unit`.
    query = _query(request, exclude=("page", "status", "kind", "sort", "unit"))
    return render(
        request,
        "reports/dashboard.html",
        {
            "campaigns": campaigns,
            "campaign": campaign,
            "years": years,
            "year": year,
            "include": include,
            "tree": tree,
            "unit": unit,
            "breadcrumb": [a for a in data.ancestors if may_open(a.pk, a.path)],
            "data": data,
            "figures": _figures(request, data, campaign, year, unit, include, drill, query),
            "query": query,
            "grid": grid,
            "grid_query": _query(request, exclude=("page",)),
            # An empty grid's way to every unit: its filters dropped, its order kept.
            "grid_unfiltered_query": _query(request, exclude=("page", "status", "kind")),
            # A unit closed by the year's cut-off expects nobody that year: its page says
            # why its figures are empty (its history stays readable for the years before).
            "closed_by_cutoff": tree == THEN
            and unit.closed_on is not None
            and unit.closed_on <= data.period.ends_on
            and not data.headline.expected,
            "kind_labels": dict(Unit.Kind.choices),
            "stood_then": _stood_then(scope, unit, data) if tree == THEN else [],
            "carried_on": _carried_on(unit, tree, may_open, campaign, year, include),
        },
    )


def _carried_on(unit, tree, may_open, campaign, year, include):
    """On today's tree, for a unit closed by today: where its work went, for the page to
    say that its figures count elsewhere there (DESIGN.md, "The tree over time"). A dict
    with `successor` (the unit it merged into, or None), `heir` (the unit carrying its work
    on today: the end of the chain of mergers, `units.lineage.heir`) and `url` (that unit's
    dashboard, same campaign, year and tree, when the user may open it); else None. One
    query, only for such a unit."""
    if tree != TODAY or unit.closed_on is None or unit.closed_on > timezone.localdate():
        return None
    if unit.successor_id is None:
        return {"successor": None, "heir": None, "url": ""}
    merged = {
        pk: (successor_pk, {"pk": successor_pk, "name": name, "path": path})
        for pk, successor_pk, name, path in Unit.objects.filter(
            successor__isnull=False
        ).values_list("pk", "successor_id", "successor__name", "successor__path")
    }
    last = heir({pk: successor for pk, (successor, _info) in merged.items()}, unit.pk)
    successor = merged[unit.pk][1]
    carrier = next((info for to, info in merged.values() if to == last), successor)
    url = ""
    if may_open(carrier["pk"], carrier["path"]):
        query = {"campaign": campaign.pk, "year": f"{year:d}", "include": include}
        query.update(tree=TODAY, unit=carrier["pk"])
        url = f"{reverse('reports:dashboard')}?{urlencode(query)}"
    return {"successor": successor, "heir": carrier, "url": url}


def _stood_then(scope, unit, data):
    """When `unit` did not exist at the year's cut-off and nothing stood for it (a commune
    union of 2025, asked about 2024), the user's own units that stood then: a role kept at
    a district federation since ended, whose figures of that year are theirs to read and
    which no page linked to. From the memberships the scope holds: no query."""
    if data.roots:
        return []
    cutoff = data.period.ends_on
    units = {m.unit.pk: m.unit for m in scope.memberships}
    return [u for pk, u in units.items() if pk != unit.pk and u.is_open_on(cutoff)]


def _other_year(request, campaign):
    """For a year the campaign does not offer, as the page's form sends it when the user
    picks another campaign with a year of the first still chosen: a redirect to the
    campaign's default year, with a message saying why the year changed; else None (a year
    that is no year at all, or a campaign whose default year has nothing either, gets the
    404 that says why)."""
    asked = asked_year(request)
    if asked is None:
        return None
    refusal = year_refusal(campaign, asked)
    year = default_year(campaign)
    if refusal is None or year_refusal(campaign, year):
        return None
    messages.info(
        request, _("%(reason)s Showing %(year)s instead.") % {"reason": refusal, "year": year}
    )
    query = request.GET.copy()
    query["year"] = str(year)
    query.pop("page", None)
    return redirect(f"{request.path}?{query.urlencode()}")


@functools.cache
def fragments_version() -> str:
    """A digest of what draws the cached HTML and charts (the figures' templates, the chart
    module, the catalogues): a release that changes them is never served what an older one
    cached, which the data version alone would keep for a day."""
    root = Path(settings.BASE_DIR)
    sources = sorted((root / "templates" / "reports" / "partials").glob("*.html"))
    sources += [root / "reports" / "charts.py", *sorted(root.glob("locale/*/LC_MESSAGES/*.po"))]
    digest = hashlib.sha256()
    for source in sources:
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def _figures(request, data, campaign, year, unit, include, drill, query):
    """The rollup's tables and charts as HTML, cached beside the rollup: they change only
    with it, the language, and the links this user may follow (rendering the tables and
    their thousands of numbers costs more than the rest of the page)."""
    varies = (
        f"{fragments_version()}|{translation.get_language()}|{data.cache_key}|{query}"
        f"|{sorted(drill)}"
    )
    key = "dashboard-figures:" + hashlib.sha256(varies.encode()).hexdigest()
    html = cache.get(key)
    if html is None:
        html = render_to_string(
            "reports/partials/dashboard_figures.html",
            {
                "data": data,
                "by_child": with_forebears(data).by_child,
                "charts": _charts(data, campaign, year, unit, include),
                "drill": drill,
                "query": query,
                "year": year,
                "include": include,
                "kind_labels": dict(Unit.Kind.choices),
                # The self-assessment chart's counts as text: no table beside it gives them.
                "assessment": [
                    (label, data.assessment.get(grade, 0))
                    for grade, label in AnnualReport.Assessment.choices
                ],
            },
        )
        cache.set(key, html, CACHE_SECONDS)
    # The charts' <style> elements get this response's CSP nonce, which no cache may keep.
    return with_nonce(html, request)


def _may_open(scope):
    """Whether the user may open the dashboard of a unit (by pk and path): the rule of
    `selected_unit`, answered from memory."""
    own = {m.unit_id for m in scope.memberships if m.role == Role.OFFICER}

    def may_open(pk, path):
        return pk in own or scope.allows(_Path(path), {Role.REVIEWER, Role.VIEWER})

    return may_open


def _charts(data, campaign, year, unit, include):
    """The SVG charts, cached with the rollup they draw (drawing costs more than reading)."""
    # The charts carry translated labels: one drawing per language.
    key = f"charts:{fragments_version()}:{translation.get_language()}:{data.cache_key}"
    drawn = cache.get(key)
    if drawn is None:
        labels = dict(AnnualReport.Assessment.choices)
        kind_labels = dict(Unit.Kind.choices)
        child_rows = [
            {"label": row.name, "rate": row.rate} for row in data.by_child if not row.is_scope
        ]
        drawn = {
            "status": charts.status_chart(data.headline),
            "children": charts.rate_chart(child_rows, _("Reporting rate by unit below"))
            if child_rows
            else "",
            "kinds": charts.rate_chart(
                [{"label": kind_labels.get(r.kind, r.kind), "rate": r.rate} for r in data.by_kind],
                _("Reporting rate by kind of unit"),
            ),
            "trend": charts.trend_chart(data.trend_shown, data.indicators),
            "assessment": charts.assessment_chart(data.assessment, labels),
        }
        cache.set(key, drawn, 24 * 60 * 60)
    return drawn


def _grid(request, campaign, year, unit, data, scope):
    """One page of the status grid of the expected units, filtered and sorted. One query:
    the number of rows comes from the rollup's counts."""
    status = request.GET.get("status")
    kind = request.GET.get("kind")
    sort = request.GET.get("sort") if request.GET.get("sort") in GRID_SORTS else "path"
    counts = {row.kind: row for row in data.by_kind}
    if kind in counts:
        scope_counts = counts[kind]
    else:
        kind = ""
        scope_counts = data.headline
    if status in (*CATEGORIES, FLAGGED):
        total = getattr(scope_counts, status)
    else:
        status = ""
        total = scope_counts.expected
    pages = max(1, -(-total // GRID_PAGE))
    page = min(max(int_or_none(request.GET.get("page")) or 1, 1), pages)
    rows = unit_rows(
        campaign,
        unit,
        data,
        kind=kind,
        category=status,
        sort=sort,
        window=((page - 1) * GRID_PAGE, page * GRID_PAGE),
    )
    kind_labels = dict(Unit.Kind.choices)
    # Each choice with the number of units it lists, as a spreadsheet's filter shows them:
    # a status within the kind chosen, a kind within the status chosen (the rollup's counts,
    # which the grid's rows add up to; no query).
    labels = {
        "on_time": _("On time"),
        "late": _("Late"),
        "returned": _("Returned"),
        "missing": _("Missing"),
        FLAGGED: _("Figures flagged"),
    }
    status_choices = [
        (value, label, getattr(scope_counts, value)) for value, label in labels.items()
    ]
    kind_choices = [
        (
            row.kind,
            kind_labels.get(row.kind, row.kind),
            getattr(row, status) if status else row.expected,
        )
        for row in data.by_kind
    ]
    for row in rows:
        row.kind_label = kind_labels.get(row.kind, row.kind)
        # A past year lists the units of the area as it stood then: one moved out since has
        # left the reader's scope, and its report is no longer theirs to open (a 404).
        if row.report_id and not scope.can_see(_Path(row.unit_path)):
            row.report_id = None
    return {
        "rows": rows,
        "status": status,
        "kind": kind,
        "sort": sort,
        "page": page,
        "pages": pages,
        "total": total,
        "categories": CATEGORIES,
        "status_choices": status_choices,
        # Any status: every unit of the kind chosen; any kind: every unit in the status.
        "any_status": scope_counts.expected,
        "any_kind": getattr(data.headline, status) if status else data.headline.expected,
        "kind_choices": kind_choices,
    }


class _Path:
    """Just enough of a unit for Scope.can_see, from a path the rollup returned."""

    def __init__(self, path):
        self.path = path


def _query(request, exclude):
    query = request.GET.copy()
    for key in exclude:
        query.pop(key, None)
    return query.urlencode()


urlpatterns = [path("dashboard/", dashboard, name="dashboard")]
