"""What the dashboard page costs, and its cache: a fixed number of queries whatever the
number of units, fewer once the figures are cached, never a stale figure after a change,
and the figures' HTML rendered once per rollup, language and set of links.

(The rollup's own nine queries are checked in test_counting.py.)
"""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaign import workflow
from campaign.models import AnnualReport, IndicatorValue, Obstacle, Period
from tests.pages import html
from tests.reports.world import (
    TODAY,
    YEAR,
    D,
    Recount,
    S,
    build_world,
    due,
    local,
)
from units import dataversion
from units.models import Unit

# Page queries, cold (the session comes from the cache): the user, their memberships, the
# campaigns, the unit asked for, the data version, the rollup's nine and one page of the grid;
# the bell's unread notices.
PAGE_QUERIES = 16
SIZES = {"small": (0, 1), "large": (18, 22)}


# Today is 10/01/2025 and every test starts from a data version of its own.
pytestmark = pytest.mark.usefixtures("world_clock", "fresh_version")


def drill_links(page):
    """The units the page links to its own dashboard for (links that start with "?")."""
    return {int(pk) for pk in re.findall(r'<a href="\?(?:[^"]*&amp;)?unit=(\d+)"', page)}


# --- a fixed number of queries -------------------------------------------------------------------
def count_queries(client, url, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


def test_the_dashboard_page_costs_the_same_queries_cold_at_two_sizes_and_fewer_warm(
    client, tree, cast
):
    world = build_world(tree, cast, 5, per_parent=SIZES["small"])
    client.force_login(cast["cspl"])
    url = reverse("reports:dashboard")
    params = {"unit": tree["PV"].pk, "include": "submitted"}
    client.get(url, params)  # the session is in the cache from now on
    cold, warm = [], []
    for grow in (False, True):
        if grow:
            for district in ("DA", "DB", "SE"):
                for n in range(60):
                    world.add(district, f"{district}N{n}", Unit.Kind.GRASSROOTS)
        dataversion.bump_data_version()  # every cached figure is out of reach: a cold page
        cold.append(count_queries(client, url, params))
        warm.append(count_queries(client, url, params))
        data = client.get(url, params).context["data"]
        assert data.headline.expected == len(Recount(world).expected("PV", YEAR))
    assert cold[0] == cold[1] <= PAGE_QUERIES
    # Warm, the rollup comes from the cache: its nine queries are saved.
    assert warm[0] == warm[1] == cold[0] - 9
    assert len(world.units) > 190


# --- the cache is never stale --------------------------------------------------------------------
def dashboard_data(client, unit, **params):
    response = client.get(reverse("reports:dashboard"), {"unit": unit.pk, **params})
    assert response.status_code == 200
    return response.context["data"]


def row_of(data, unit):
    return next(row for row in data.by_child if row.unit_id == unit.pk)


def a1_report(world, code="A1", **fields):
    """A1's (or `code`'s) report for the year, with every typed figure filled in, and
    `fields` set."""
    report, _created = AnnualReport.objects.get_or_create(
        unit=world.units[code],
        campaign=world.campaign,
        year=YEAR,
        defaults={
            "period": Period.objects.get(campaign=world.campaign, year=YEAR),
            "results": "Đã tuyên truyền.",
            "self_assessment": "good",
        },
    )
    for indicator in world.campaign.indicators.filter(kind="integer", source="typed"):
        IndicatorValue.objects.update_or_create(
            report=report, indicator=indicator, defaults={"int_value": 7}
        )
    AnnualReport.objects.filter(pk=report.pk).update(**fields)
    return AnnualReport.objects.get(pk=report.pk)


def a_submission(world, cast):
    # No flags: a flagged report needs its explanation before it can be submitted.
    report = a1_report(world, status=S.DRAFT, first_submitted_at=None, flags=[])

    def change(client):
        workflow.submission_submit(report, user=cast["officer_a1"])

    # Submitted today, after the due day: one unit moves from missing to late.
    return (
        change,
        lambda data: (data.headline.late, data.headline.missing),
        lambda late_missing: (late_missing[0] + 1, late_missing[1] - 1),
    )


def a_review_step(world, cast):
    report = a1_report(world, status=S.SUBMITTED, first_submitted_at=local(due(YEAR), 9))

    def change(client):
        workflow.submission_accept(report, user=cast["reviewer_a"])

    # Accepted: one more report counted, by a unit expected that year.
    return (
        change,
        lambda data: (data.headline.included, data.headline.reports),
        lambda counted: (counted[0] + 1, counted[1] + 1),
    )


def a_values_save(world, cast):
    report = a1_report(world, status=S.ACCEPTED, first_submitted_at=local(due(YEAR), 9))

    def change(client):
        value = IndicatorValue.objects.get(report=report, indicator__code="sessions")
        value.int_value += 5
        value.save()

    return (
        change,
        lambda data: row_of(data, world.units["A1"]).totals["sessions"],
        lambda sessions: sessions + 5,
    )


def an_obstacle_answer(world, cast):
    obstacle = Obstacle.objects.create(
        unit=world.units["A1"],
        campaign=world.campaign,
        subject="Xin hướng dẫn",
        text="Ghi số liệu thế nào?",
        raised_by=cast["officer_a1"],
        answer_by=TODAY - datetime.timedelta(days=1),
    )

    def change(client):
        url = reverse("campaign:obstacle_answer", args=[obstacle.pk])
        assert client.post(url, {"answer": "Ghi theo biểu mẫu."}).status_code == 302

    # Answered: no longer open, nor overdue (it was due yesterday).
    return (
        change,
        lambda data: (data.obstacles_open, data.obstacles_overdue),
        lambda obstacles: (obstacles[0] - 1, obstacles[1] - 1),
    )


def a_unit_closed(world, cast):
    def change(client):
        Unit.objects.get(pk=world.units["A1"].pk).close(D(2024, 6, 30))

    # Closed before the cut-off: A1 alone is no longer expected (its units stay open).
    return change, lambda data: data.headline.expected, lambda expected: expected - 1


def a_unit_moved(world, cast):
    def change(client):
        # From a day before the year's cut-off: a move made today leaves the year alone.
        Unit.objects.move(
            Unit.objects.get(pk=world.units["A1"].pk),
            Unit.objects.get(pk=world.units["DB"].pk),
            "last-child",
            effective_on=datetime.date(2024, 6, 1),
        )

    # Moved to district B before the cut-off: district A no longer expects A1's area.
    moved = len(Recount(world).expected("A1", YEAR))
    return change, lambda data: data.headline.expected, lambda expected: expected - moved


@pytest.mark.parametrize(
    "change",
    [
        a_submission,
        a_review_step,
        a_values_save,
        an_obstacle_answer,
        a_unit_closed,
        a_unit_moved,
    ],
)
def test_the_page_never_shows_a_stale_figure_after(
    client, tree, cast, change, django_capture_on_commit_callbacks
):
    world = build_world(tree, cast, 8)
    make_change, figure, expected = change(world, cast)
    client.force_login(cast["cspl"])
    before = dashboard_data(client, world.units["DA"])
    assert cache.get(before.cache_key) is not None  # the figures are cached
    with django_capture_on_commit_callbacks(execute=True):
        make_change(client)
    after = dashboard_data(client, world.units["DA"])
    # The page follows the change by exactly what the change does.
    assert figure(after) != figure(before)
    assert figure(after) == expected(figure(before))


def _submit(report, cast):
    # A2 has no officer of its own: the district's files for it.
    officer = cast["officer_a1"] if report.unit.code == "A1" else cast["officer_a"]
    workflow.submission_submit(report, user=officer)


def _return(report, cast):
    workflow.submission_return(report, user=cast["reviewer_a"], reason="Sửa số liệu")


def _accept(report, cast):
    workflow.submission_accept(report, user=cast["reviewer_a"])


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "status, step, figure",
    [
        (S.DRAFT, _submit, lambda data: data.headline.submitted),
        (S.SUBMITTED, _return, lambda data: data.headline.returned),
        (S.SUBMITTED, _accept, lambda data: data.headline.included),
    ],
    ids=["submit", "return", "accept"],
)
def test_each_of_two_committed_steps_in_a_row_shows_on_the_page_at_once(
    client, tree, cast, status, step, figure
):
    # Real transactions, one per step, through the workflow's one decorated function: the
    # data version must move with each, not only with the first of the process.
    world = build_world(tree, cast, 8)
    first_submitted = None if status == S.DRAFT else local(due(YEAR), 9)
    reports = [
        a1_report(world, code, status=status, first_submitted_at=first_submitted, flags=[])
        for code in ("A1", "A2")
    ]
    client.force_login(cast["cspl"])
    seen = [figure(dashboard_data(client, world.units["DA"]))]
    for report in reports:
        step(report, cast)
        seen.append(figure(dashboard_data(client, world.units["DA"])))
    assert seen[1:] == [seen[0] + 1, seen[0] + 2]


# --- the figures' HTML ---------------------------------------------------------------------------
def test_the_figures_are_rendered_once_per_rollup_language_and_links(
    client, tree, cast, monkeypatch, settings, django_capture_on_commit_callbacks
):
    from reports import dashboard as dashboard_module
    from units.dataversion import bump_data_version

    world = build_world(tree, cast, 21)
    rendered = []
    real = dashboard_module.render_to_string

    def counting(*args, **kwargs):
        rendered.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(dashboard_module, "render_to_string", counting)

    def get(user):
        client.force_login(user)
        response = client.get(reverse("reports:dashboard"), {"unit": world.units["DA"].pk})
        assert response.status_code == 200
        return response

    first = get(cast["reviewer_a"])
    again = get(cast["reviewer_a"])
    assert len(rendered) == 1  # the second page came from the cache

    def without_nonce(response):  # the only part that changes with every response
        return re.sub(r' nonce="[^"]+"', "", response.context["figures"])

    assert without_nonce(again) == without_nonce(first)
    assert drill_links(html(first))  # a reviewer may open the units below

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = get(cast["reviewer_a"])
    assert len(rendered) == 2
    assert "By unit directly below" in html(english)
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]

    # The same figures, but an officer may open no unit below: no cached links leak to him.
    officer = get(cast["officer_a"])
    assert len(rendered) == 3
    assert drill_links(html(officer)) == set()

    with django_capture_on_commit_callbacks(execute=True):
        bump_data_version()  # any write: new rollup, new figures
    get(cast["reviewer_a"])
    assert len(rendered) == 4

    # A release that changes what draws them (a template, the charts, the catalogue) renders
    # them again: the data version alone would serve the old markup for a day.
    monkeypatch.setattr(dashboard_module, "fragments_version", lambda: "next-release")
    get(cast["reviewer_a"])
    assert len(rendered) == 5


def test_the_fragments_version_follows_the_files_it_covers(tmp_path, settings):
    from reports import dashboard as dashboard_module

    files = {
        "templates/reports/partials/dashboard_figures.html": b"<p>{{ data }}</p>",
        "reports/charts.py": b"BARS = 1",
        "locale/vi/LC_MESSAGES/django.po": b'msgid "a"\nmsgstr "b"\n',
    }
    for name, content in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(content)
    settings.BASE_DIR = tmp_path
    versions = []
    try:
        for name in [None, *files]:
            if name:
                (tmp_path / name).write_bytes(files[name] + b" ")
            dashboard_module.fragments_version.cache_clear()
            versions.append(dashboard_module.fragments_version())
    finally:
        dashboard_module.fragments_version.cache_clear()
    assert len(set(versions)) == len(versions)  # each change gives a new version
