"""Validation of every kind of indicator on the report forms: what is refused, how it is
explained in Vietnamese, and that the typed input is kept and nothing saved."""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from campaign.models import (
    MAX_FIGURE,
    MAX_TEXT_VALUE,
    AnnualReport,
    IndicatorValue,
    Status,
)
from tests.campaign.annual import (
    annual_campaign,
    edit_data,
    filing,
    start_url,
    state,
    stored_figures,
    vi,
)
from tests.pages import html, login, messages_of

SAVE_AND_SUBMIT = {"save_and_submit": "1"}

S = Status
# Today is 01/12/2024 (tests/campaign/conftest.py), until a test moves the clock.
pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def campaign(tree):
    return annual_campaign(tree)


# (name, field, typed, error shown in English)
INVALID_FIGURES = [
    ("negative", "value_sessions", "-1", "The value must be greater than or equal to 0."),
    (
        "above the bound",
        "value_participants",
        str(MAX_FIGURE + 1),
        # The limit is grouped as the page's language (Vietnamese) writes it.
        "The value must be less than or equal to 10.000.000.",
    ),
    ("huge", "value_participants", "9" * 30, "less than or equal to 10.000.000"),
    ("not a number", "value_sessions", "abc", "Enter a whole number."),
    ("a fraction", "value_sessions", "1.5", "Enter a whole number."),
    ("a decimal comma", "value_sessions", "1,5", "Enter a whole number."),
    ("badly grouped", "value_participants", "12.34", "Enter a whole number."),
    # Django read these as 1 and 12: a thousand typed with a zero too many became one.
    ("a zero too many", "value_participants", "1.0000", "Enter a whole number."),
    ("zeros after a dot", "value_participants", "1.00", "Enter a whole number."),
    ("a zero after a dot", "value_sessions", "12.0", "Enter a whole number."),
    # int() read these as 12 and 1234: a figure is typed with 0–9 (full-width ones are read).
    ("arabic-indic digits", "value_sessions", "١٢", "Type the number with the digits 0 to 9."),
    ("persian digits", "value_participants", "۱.۲۳۴", "Type the number with the digits 0 to 9."),
    (
        "text too long",
        "value_other_forms",
        "x" * (MAX_TEXT_VALUE + 1),
        "Type at most",
    ),
]


def figure_errors(response, field):
    with translation.override("en"):
        return [str(error) for error in response.context["values"].errors[field]]


@pytest.mark.parametrize(
    ("field", "typed", "error"),
    [case[1:] for case in INVALID_FIGURES],
    ids=[case[0] for case in INVALID_FIGURES],
)
def test_an_invalid_figure_in_a_new_report_is_explained_kept_and_nothing_saved(
    client, tree, cast, campaign, field, typed, error
):
    data = filing(**{field: typed}, results="Kết quả gõ dở")
    response = login(client, cast["officer_a1"]).post(start_url(campaign, tree["A1"]), data)
    assert response.status_code == 200
    assert list(response.context["values"].errors) == [field]
    assert any(error in message for message in figure_errors(response, field))
    page = html(response)
    assert escape(typed) in page and "Kết quả gõ dở" in page
    assert 'class="form-control is-invalid"' in page
    assert f'id="id_{field}-error"' in page
    assert not AnnualReport.objects.exists() and not IndicatorValue.objects.exists()


def test_a_refused_form_says_so_at_its_top_and_a_saved_figure_reads_as_typed(
    client, cast, report_a1
):
    # A long form's errors were only under their fields, out of sight on a phone; a saved
    # 1200 read "1200" in the form and "1.200" everywhere else.
    login(client, cast["officer_a1"])
    edit = reverse("campaign:report_edit", args=[report_a1.pk])
    refused = client.post(
        edit, edit_data(report_a1, value_sessions="mười", value_participants="1.250")
    )
    assert 'id="form-errors"' in html(refused) and 'value="mười"' in html(refused)
    # A figure typed grouped comes back as typed, not read back as "1250".
    assert 'value="1.250"' in html(refused)
    IndicatorValue.objects.filter(report=report_a1, indicator__code="participants").update(
        int_value=1200
    )
    form = html(client.get(edit))
    assert 'value="1.200"' in form and 'id="form-errors"' not in form


def test_a_refused_form_s_message_links_each_field_to_fix_in_the_page_s_order(
    client, cast, report_a1
):
    # The message at the top said only "correct the fields marked in red": on a phone the
    # officer scrolled three screens to find them. It names each and leads to its input.
    login(client, cast["officer_a1"])
    edit = reverse("campaign:report_edit", args=[report_a1.pk])
    refused = client.post(
        edit,
        {
            **edit_data(report_a1, doc_number="x" * 500, value_sessions="mười", results=""),
            **SAVE_AND_SUBMIT,  # the results are asked for on submit only
        },
    )
    summary = html(refused).split('id="form-errors"', 1)[1].split("</div>", 1)[0]
    hrefs = re.findall(r'href="#([^"]+)"', summary)
    # The report's number, above the figures, then the figure, then the assessment.
    assert hrefs == ["id_doc_number", "id_value_sessions", "id_results"]
    for name in hrefs:
        assert f'id="{name}"' in html(refused)


def test_the_note_on_unusual_figures_is_listed_where_it_stands_under_the_figures(
    client, cast, report_a1
):
    login(client, cast["officer_a1"])
    edit = reverse("campaign:report_edit", args=[report_a1.pk])
    refused = client.post(
        edit, {**edit_data(report_a1, flags_note="x" * 2001, results=""), **SAVE_AND_SUBMIT}
    )
    summary = html(refused).split('id="form-errors"', 1)[1].split("</div>", 1)[0]
    assert re.findall(r'href="#([^"]+)"', summary) == ["id_flags_note", "id_results"]


@pytest.mark.parametrize(
    ("field", "typed", "error"),
    [case[1:] for case in INVALID_FIGURES],
    ids=[case[0] for case in INVALID_FIGURES],
)
def test_an_invalid_figure_in_an_edit_is_explained_kept_and_nothing_changed(
    client, cast, report_a1, field, typed, error
):
    before = state(report_a1)
    data = edit_data(report_a1, **{field: typed}, results="Đang sửa")
    response = login(client, cast["officer_a1"]).post(
        reverse("campaign:report_edit", args=[report_a1.pk]), data
    )
    assert response.status_code == 200
    assert any(error in message for message in figure_errors(response, field))
    assert escape(typed) in html(response) and "Đang sửa" in html(response)
    assert state(report_a1) == before


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0", 0),
        ("1.234", 1234),
        ("1 234", 1234),
        ("1.234.567", 1234567),
        (" 42 ", 42),
        (str(MAX_FIGURE), MAX_FIGURE),
        ("", None),
        # As an input method left in full-width mode types them.
        ("１２３", 123),
        ("１．２３４", 1234),
    ],
)
def test_whole_numbers_are_read_as_vietnamese_users_write_them(
    client, tree, cast, campaign, typed, stored
):
    response = login(client, cast["officer_a1"]).post(
        start_url(campaign, tree["A1"]), filing(value_participants=typed)
    )
    assert response.status_code == 302
    assert stored_figures(AnnualReport.objects.get())["participants"] == stored


def test_a_text_figure_up_to_the_limit_is_kept_and_an_empty_one_is_allowed(
    client, tree, cast, campaign
):
    login(client, cast["officer_a1"])
    longest = "ê" * MAX_TEXT_VALUE
    response = client.post(start_url(campaign, tree["A1"]), filing(value_other_forms=longest))
    assert response.status_code == 302
    report = AnnualReport.objects.get()
    assert stored_figures(report)["other_forms"] == longest
    response = client.post(
        reverse("campaign:report_edit", args=[report.pk]), edit_data(report, value_other_forms="")
    )
    assert response.status_code == 302
    assert stored_figures(report)["other_forms"] == ""


def test_an_empty_whole_number_can_be_saved_in_a_draft_but_not_submitted(
    client, tree, cast, campaign
):
    login(client, cast["officer_a1"])
    response = client.post(start_url(campaign, tree["A1"]), filing(value_sessions=""))
    assert response.status_code == 302
    report = AnnualReport.objects.get()
    assert stored_figures(report)["sessions"] is None
    response = client.post(reverse("campaign:report_submit", args=[report.pk]), follow=True)
    missing = vi("Fill in: %(names)s.", names="Số buổi tuyên truyền")
    assert messages_of(response, "error") == [missing]
    assert AnnualReport.objects.get(pk=report.pk).status == S.DRAFT


def test_the_form_errors_are_in_vietnamese_by_default(client, tree, cast, campaign):
    response = login(client, cast["officer_a1"]).post(
        start_url(campaign, tree["A1"]), filing(value_sessions="abc")
    )
    with translation.override("vi"):
        expected = translation.gettext("Enter a whole number.")
    assert expected != "Enter a whole number."
    assert escape(expected) in html(response)
