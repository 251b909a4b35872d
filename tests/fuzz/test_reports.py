"""Fuzzing the annual report form, new and edited, as the unit's officer."""

from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from campaign.models import MAX_FIGURE, MAX_NARRATIVE, MAX_TEXT_VALUE, AnnualReport, IndicatorValue
from tests.fuzz import strategies as fz
from tests.fuzz.helpers import assert_text_stored, post_and_check

NARRATIVE = ["results", "shortcomings", "obstacles", "proposals"]
ASSESSMENTS = [value for value, _label in AnnualReport.Assessment.choices]


def report_post():
    return st.fixed_dictionaries(
        {
            **{name: fz.hostile_text(MAX_NARRATIVE) for name in NARRATIVE},
            "self_assessment": fz.hostile_choice(ASSESSMENTS),
            "value_sessions": fz.hostile_number(),
            "value_participants": fz.hostile_number(),
            "value_other_forms": fz.hostile_text(MAX_TEXT_VALUE),
        }
    )


def report_state(unit, campaign):
    return (
        list(
            AnnualReport.objects.filter(unit=unit, campaign=campaign).values(
                "pk", "version", "status", *NARRATIVE, "self_assessment"
            )
        ),
        sorted(IndicatorValue.objects.values_list("pk", "int_value", "text_value")),
    )


def assert_report_saved(report, data):
    # Saved as a draft: nothing is required until it is submitted, the results and the
    # self-assessment no more than the figures.
    for name in NARRATIVE:
        assert_text_stored(getattr(report, name), data[name], MAX_NARRATIVE, required=False)
    assert report.self_assessment in ["", *ASSESSMENTS]
    values = {value.indicator.code: value for value in report.values.select_related("indicator")}
    for code in ("sessions", "participants"):
        int_value = values[code].int_value
        assert int_value is None or 0 <= int_value <= MAX_FIGURE
    assert_text_stored(
        values["other_forms"].text_value, data["value_other_forms"], MAX_TEXT_VALUE, required=False
    )


@given(data=report_post())
def test_a_new_annual_report_is_saved_as_typed_or_refused_in_vietnamese(
    vi_client, tree, cast, campaign, year, data
):
    vi_client.force_login(cast["officer_a1"])
    url = reverse("campaign:report_start", args=[campaign.pk, tree["A1"].pk, year])

    def saved(response):
        assert_report_saved(AnnualReport.objects.get(unit=tree["A1"], campaign=campaign), data)

    post_and_check(vi_client, url, data, lambda: report_state(tree["A1"], campaign), saved)


@given(data=report_post(), version=st.just("1") | fz.hostile_number())
def test_an_edited_annual_report_is_saved_as_typed_or_left_as_it_was(
    vi_client, tree, cast, campaign, report_a1, data, version
):
    vi_client.force_login(cast["officer_a1"])
    url = reverse("campaign:report_edit", args=[report_a1.pk])

    def saved(response):
        report_a1.refresh_from_db()
        assert report_a1.version == 2
        assert_report_saved(report_a1, data)

    post_and_check(
        vi_client,
        url,
        {**data, "version": version},
        lambda: report_state(tree["A1"], campaign),
        saved,
    )
