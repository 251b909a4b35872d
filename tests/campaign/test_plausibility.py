"""Implausible figures are flagged, not hidden: the rules kept with the campaign, the
officer's warnings and explanation, the reviewer's view with last year's figures beside this
year's, and the dashboard's list of flagged reports."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from campaign import plausibility
from campaign.models import (
    AnnualReport,
    Indicator,
    IndicatorValue,
    Period,
    PlausibilityRule,
    Status,
)
from campaign.seed import load_campaign
from tests.factories import CampaignFactory
from units.models import Unit

S = Status
R = PlausibilityRule.Kind
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
YEAR = 2024


# Today is 01/12/2024, 09:00 in Viet Nam (tests/campaign/conftest.py).
pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def campaign(tree):
    campaign = CampaignFactory(
        issuer=tree["PV"],
        slug="rules",
        number="7/KH-LĐLĐ",
        title="Kế hoạch tuyên truyền",
        issued_on=datetime.date(2020, 1, 10),
        first_year=2020,
        plan_due_on=datetime.date(2020, 3, 31),
    )
    for order, (code, name) in enumerate(
        [("sessions", "Số buổi"), ("participants", "Số lượt người"), ("initiatives", "Sáng kiến")]
    ):
        Indicator.objects.create(campaign=campaign, code=code, name=name, order=order)
    figures = {i.code: i for i in campaign.indicators.all()}
    PlausibilityRule.objects.create(
        campaign=campaign,
        kind=R.AT_LEAST,
        indicator=figures["participants"],
        other=figures["sessions"],
    )
    PlausibilityRule.objects.create(campaign=campaign, kind=R.JUMP, factor=5, floor=20)
    PlausibilityRule.objects.create(
        campaign=campaign,
        kind=R.MAXIMUM,
        indicator=figures["initiatives"],
        limit=50,
        unit_kind=Unit.Kind.GRASSROOTS,
    )
    return campaign


def report(unit, campaign, year=YEAR, status=S.DRAFT, **figures):
    stored = AnnualReport.objects.create(
        unit=unit,
        campaign=campaign,
        year=year,
        period=Period.objects.for_year(campaign, year),
        results="Đã tuyên truyền.",
        self_assessment="good",
        status=status,
        first_submitted_at=None if status == S.DRAFT else timezone.now(),
    )
    for code, value in figures.items():
        IndicatorValue.objects.create(
            report=stored, indicator=campaign.indicators.get(code=code), int_value=value
        )
    return stored


def flags(unit, campaign, last=None, **values):
    draft = AnnualReport(unit=unit, campaign=campaign, year=YEAR)
    values = {"sessions": None, "participants": None, "initiatives": None, **values}
    return [(f["rule"], f["indicator"]) for f in plausibility.flags_for(draft, values, last or {})]


# --- the rules ------------------------------------------------------------------------------------
def test_participants_fewer_than_sessions_are_flagged(tree, campaign):
    assert flags(tree["A1"], campaign, sessions=12, participants=10) == [
        (R.AT_LEAST, "participants")
    ]
    assert flags(tree["A1"], campaign, sessions=12, participants=12) == []


@pytest.mark.parametrize(
    ("this_year", "last_year", "flagged"),
    [
        (101, 20, True),  # more than five times
        (100, 20, False),  # exactly five times
        (19, 100, True),  # less than a fifth
        (20, 100, False),  # exactly a fifth
        (19, 3, False),  # a jump, but both below the floor of 20
        (25, 3, True),  # this year reaches the floor
        (0, 25, True),  # from 25 to nothing
        (7, None, False),  # no figure last year: nothing to compare
    ],
)
def test_a_jump_against_the_units_own_figure_of_last_year_is_flagged_above_the_floor(
    tree, campaign, this_year, last_year, flagged
):
    last = {} if last_year is None else {"sessions": last_year}
    got = flags(tree["A1"], campaign, last, sessions=this_year, participants=this_year)
    assert (got == [(R.JUMP, "sessions")]) is flagged


def test_the_maximum_applies_to_the_kind_it_names(tree, campaign):
    assert flags(tree["A1"], campaign, initiatives=51) == [(R.MAXIMUM, "initiatives")]
    assert flags(tree["DA"], campaign, initiatives=51) == []  # a district may report more


def test_the_flags_are_worded_in_the_readers_language(tree, campaign):
    draft = AnnualReport(unit=tree["A1"], campaign=campaign, year=YEAR)
    found = plausibility.flags_for(
        draft, {"sessions": 1200, "participants": 900, "initiatives": None}, {"sessions": 30}
    )
    names = dict(campaign.indicators.values_list("code", "name"))
    with translation.override("vi"):
        words = [plausibility.describe(flag, names) for flag in found]
    # Participants had no figure last year: no jump of theirs to flag.
    assert words == [
        "Số lượt người (900) nhỏ hơn Số buổi (1.200).",
        "Số buổi là 1.200: gấp hơn 5 lần so với năm trước (30).",
    ]


def test_last_year_is_the_units_own_sent_report(tree, campaign):
    report(tree["A1"], campaign, year=YEAR - 1, status=S.ACCEPTED, sessions=40)
    report(tree["A2"], campaign, year=YEAR - 1, status=S.ACCEPTED, sessions=999)
    this_year = AnnualReport(unit=tree["A1"], campaign=campaign, year=YEAR)
    assert plausibility.last_year_values(this_year).values == {"sessions": 40}
    draft_only = AnnualReport(unit=tree["B1"], campaign=campaign, year=YEAR)
    report(tree["B1"], campaign, year=YEAR - 1, status=S.DRAFT, sessions=5)
    assert plausibility.last_year_values(draft_only).values == {}


def test_last_year_of_many_units_is_read_in_fixed_queries(
    tree, campaign, django_assert_num_queries
):
    report(tree["A1"], campaign, year=YEAR - 1, status=S.SUBMITTED, sessions=40, participants=90)
    report(tree["A2"], campaign, year=YEAR - 1, status=S.RETURNED, sessions=7)
    report(tree["B1"], campaign, year=YEAR - 1, status=S.DRAFT, sessions=5)
    report(tree["S1"], campaign, year=YEAR - 2, status=S.ACCEPTED, sessions=3)
    units = [tree[code].pk for code in ("A1", "A2", "B1", "S1")]
    # The period of the year (its dates bound the mergers counted), the units merged or split
    # in it, the figures.
    with django_assert_num_queries(3):
        found = plausibility.last_year_values_by_unit(campaign, YEAR, units)
    # A unit without a report of last year ever sent is left out.
    assert {pk: last.values for pk, last in found.items()} == {
        tree["A1"].pk: {"sessions": 40, "participants": 90},
        tree["A2"].pk: {"sessions": 7},
    }
    with django_assert_num_queries(0):
        assert plausibility.last_year_values_by_unit(campaign, campaign.first_year, units) == {}


def test_the_campaigns_first_year_has_no_last_year_to_read(
    tree, campaign, django_assert_num_queries
):
    first = AnnualReport(unit=tree["A1"], campaign=campaign, year=campaign.first_year)
    with django_assert_num_queries(0):
        assert plausibility.last_year_values(first).values == {}


def test_a_rule_must_name_what_it_checks(campaign):
    rule = PlausibilityRule(campaign=campaign, kind=R.AT_LEAST)
    with pytest.raises(ValidationError) as error:
        rule.full_clean()
    assert {"indicator", "other"} <= set(error.value.message_dict)
    rule = PlausibilityRule(
        campaign=campaign, kind=R.MAXIMUM, indicator=campaign.indicators.first()
    )
    with pytest.raises(ValidationError) as error:
        rule.full_clean()
    assert "limit" in error.value.message_dict


def test_the_shipped_campaign_loads_its_rules_once(tree):
    import json

    from campaign.seed import DEFAULT_CAMPAIGN

    data = json.loads(DEFAULT_CAMPAIGN.read_text(encoding="utf-8"))
    data["issuer_code"] = tree["PV"].code
    campaign, _created = load_campaign(data)
    rules = list(campaign.plausibility_rules.values_list("pk", "kind"))
    assert sorted(kind for _pk, kind in rules) == sorted(rule["kind"] for rule in data["rules"])
    load_campaign(data)
    assert list(campaign.plausibility_rules.values_list("pk", "kind")) == rules  # unchanged


# --- the officer and the reviewer -----------------------------------------------------------
def form_data(**figures):
    return {
        "results": "Đã tổ chức tuyên truyền.",
        "shortcomings": "",
        "obstacles": "",
        "proposals": "",
        "self_assessment": "good",
        **{f"value_{code}": str(value) for code, value in figures.items()},
    }


def start(client, campaign, unit):
    return reverse("campaign:report_start", args=[campaign.pk, unit.pk, YEAR])


def test_the_officer_sees_the_flags_on_save_and_must_explain_them_to_submit(
    client, tree, cast, campaign
):
    client.force_login(cast["officer_a1"])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "vi"
    data = form_data(sessions=12, participants=10, initiatives=3)

    response = client.post(start(client, campaign, tree["A1"]), data, follow=True)
    stored = AnnualReport.objects.get(unit=tree["A1"])
    assert stored.status == S.DRAFT
    assert [f["rule"] for f in stored.flags] == [R.AT_LEAST]
    page = response.content.decode()
    assert "Số lượt người (10) nhỏ hơn Số buổi (12)." in page  # the warning on save

    edit = reverse("campaign:report_edit", args=[stored.pk])
    submit = {**data, "version": str(stored.version), "save_and_submit": "1"}
    response = client.post(edit, submit)
    assert response.status_code == 200
    page = response.content.decode()
    assert "vui lòng giải trình trong ô bên dưới phần số liệu" in page
    assert 'name="flags_note"' in page
    assert "Đã tổ chức tuyên truyền." in page  # what was typed is kept
    assert AnnualReport.objects.get(pk=stored.pk).status == S.DRAFT

    explained = {**submit, "flags_note": "Có 2 buổi chỉ dành cho ban chấp hành."}
    response = client.post(edit, explained, follow=True)
    assert response.redirect_chain[0][1] == 302
    stored.refresh_from_db()
    assert stored.status == S.SUBMITTED
    assert stored.flags_note == "Có 2 buổi chỉ dành cho ban chấp hành."
    # Submitted with its explanation: only the success, the flag and its explanation shown
    # on the page, no warning that would read as a failure.
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    page = response.content.decode()
    assert "Số lượt người (10) nhỏ hơn Số buổi (12)." in page
    assert "Có 2 buổi chỉ dành cho ban chấp hành." in page


def test_figures_set_right_lose_their_flags(client, tree, cast, campaign):
    client.force_login(cast["officer_a1"])
    client.post(start(client, campaign, tree["A1"]), form_data(sessions=12, participants=10))
    stored = AnnualReport.objects.get(unit=tree["A1"])
    data = {**form_data(sessions=12, participants=300), "version": str(stored.version)}
    client.post(reverse("campaign:report_edit", args=[stored.pk]), data)
    stored.refresh_from_db()
    assert stored.flags == []
    # An explanation of figures no longer flagged is not printed beside them.
    AnnualReport.objects.filter(pk=stored.pk).update(flags_note="Năm nay lồng ghép.")
    printed = client.get(reverse("campaign:report_print", args=[stored.pk])).content.decode()
    assert "Năm nay lồng ghép." not in printed


def test_the_reviewer_sees_the_flags_the_explanation_and_last_years_figures(
    client, tree, cast, campaign
):
    report(tree["A1"], campaign, year=YEAR - 1, status=S.ACCEPTED, sessions=10, participants=400)
    flagged = report(tree["A1"], campaign, status=S.SUBMITTED, sessions=80, participants=2000)
    AnnualReport.objects.filter(pk=flagged.pk).update(
        flags=[{"rule": "jump", "indicator": "sessions", "value": 80, "last": 10, "factor": 5}],
        flags_note="Năm nay có đợt cao điểm.",
    )
    client.force_login(cast["reviewer_a"])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "vi"
    response = client.get(reverse("campaign:report_detail", args=[flagged.pk]))
    page = response.content.decode()
    assert "Số liệu có vẻ bất thường" in page
    assert "Số buổi là 80: gấp hơn 5 lần so với năm trước (10)." in page
    assert "Năm nay có đợt cao điểm." in page
    rows = {indicator.code: (value, last) for indicator, value, last in response.context["figures"]}
    assert (rows["sessions"][0].int_value, rows["sessions"][1]) == (80, 10)
    assert (rows["participants"][0].int_value, rows["participants"][1]) == (2000, 400)


def test_the_dashboard_counts_and_lists_the_flagged_reports_of_the_scope(
    client, tree, cast, campaign
):
    one = report(tree["A1"], campaign, status=S.SUBMITTED, sessions=5, participants=50)
    report(tree["A2"], campaign, status=S.ACCEPTED, sessions=5, participants=50)
    outside = report(tree["B1"], campaign, status=S.SUBMITTED, sessions=5, participants=50)
    draft = report(tree["S1"], campaign, status=S.DRAFT, sessions=5, participants=50)
    flag = [{"rule": "maximum", "indicator": "initiatives", "value": 90, "limit": 50}]
    AnnualReport.objects.filter(pk__in=[one.pk, outside.pk, draft.pk]).update(flags=flag)

    client.force_login(cast["cspl"])
    url = reverse("reports:dashboard")
    district = client.get(url, {"unit": tree["DA"].pk, "year": YEAR, "status": "flagged"})
    assert district.context["data"].headline.flagged == 1  # a draft is not sent yet
    assert [row.pk for row in district.context["grid"]["rows"]] == [tree["A1"].pk]
    province = client.get(url, {"unit": tree["PV"].pk, "year": YEAR, "status": "flagged"})
    assert province.context["data"].headline.flagged == 2
    assert {row.pk for row in province.context["grid"]["rows"]} == {tree["A1"].pk, tree["B1"].pk}


def test_a_new_report_asks_for_no_explanation_and_stores_an_empty_one(client, tree, cast, campaign):
    client.force_login(cast["officer_a1"])
    page = client.get(start(client, campaign, tree["A1"])).content.decode()
    assert 'name="flags_note"' not in page
    client.post(start(client, campaign, tree["A1"]), form_data(sessions=3, participants=30))
    assert AnnualReport.objects.get(unit=tree["A1"]).flags_note == ""


def test_a_flagged_drafts_page_leads_to_the_box_that_explains_its_figures(
    client, tree, cast, campaign
):
    # "Submit for review" on the report's page refused it and asked for the explanation "in
    # the box below the figures", a box only the edit page has: nothing led there.
    client.force_login(cast["officer_a1"])
    client.post(start(client, campaign, tree["A1"]), form_data(sessions=12, participants=10))
    stored = AnnualReport.objects.get(unit=tree["A1"])
    edit = reverse("campaign:report_edit", args=[stored.pk])
    response = client.post(
        reverse("campaign:report_submit", args=[stored.pk]),
        {"version": str(stored.version)},
        follow=True,
    )
    page = response.content.decode()
    assert "vui lòng giải trình trong ô bên dưới phần số liệu" in page
    assert f'href="{edit}#id_flags_note">Giải trình ngay</a>' in page
    assert 'id="id_flags_note"' in client.get(edit).content.decode()
    # The reviewer, who cannot edit it, is offered no such link.
    AnnualReport.objects.filter(pk=stored.pk).update(status=S.SUBMITTED)
    client.force_login(cast["reviewer_a"])
    assert "#id_flags_note" not in client.get(stored.get_absolute_url()).content.decode()
