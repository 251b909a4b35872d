"""Fuzzing the cells of an uploaded annual-report template, as the unit's officer.

Whatever the cells hold (text of any kind, numbers of any size, dates, formulas), the upload
is never a server error; a refused cell is named ("Trang Báo cáo, ô D4 “Số buổi (buổi)”: …") in
Vietnamese and nothing is saved; an accepted row saves what the web form saves for the same
input, once confirmed. The oracle is the report page's own forms, bound to the cells' text.
"""

import datetime
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from campaign.forms import ReportForm, ValuesForm
from campaign.models import (
    MAX_FIGURE,
    MAX_NARRATIVE,
    MAX_TEXT_VALUE,
    AnnualReport,
    IndicatorValue,
    Period,
    WorkbookUpload,
)
from campaign.workbook_checks import report_layout, typed_indicators
from campaign.workbooks import FIRST_ROW, NOT_IN_XML, as_text
from tests.fuzz import strategies as fz
from tests.fuzz.helpers import VIETNAMESE_LETTERS, assert_not_a_server_error, rolled_back

NARRATIVE = ["results", "shortcomings", "obstacles", "proposals", "flags_note"]
LABELS = {"Tốt": "good", "Khá": "fair", "Trung bình": "average", "Yếu": "weak"}


def cell_value():
    """What a spreadsheet cell can hold: text, numbers of any size, dates, nothing."""
    return st.one_of(
        st.none(),
        fz.hostile_number(),
        st.integers(min_value=-(2**53), max_value=2**53),
        st.floats(allow_nan=False, allow_infinity=False),
        st.dates(min_value=datetime.date(1900, 3, 1), max_value=datetime.date(9999, 12, 31)),
    )


def figure():
    """Mostly a figure a unit would type (as a number or with thousand separators), else
    anything a cell can hold."""
    typical = st.integers(min_value=0, max_value=MAX_FIGURE)
    return st.one_of(
        typical,
        typical.map(lambda n: f"{n:,}".replace(",", ".")),
        st.none(),
        cell_value(),
    )


def text_value(limit, required=False):
    typical = fz.plain_vietnamese if required else st.one_of(st.none(), fz.plain_vietnamese)
    return st.one_of(typical, typical, fz.hostile_text(limit), cell_value())


def cells():
    return st.fixed_dictionaries(
        {
            "value_sessions": figure(),
            "value_participants": figure(),
            "value_other_forms": text_value(MAX_TEXT_VALUE),
            "results": text_value(MAX_NARRATIVE, required=True),
            **{name: text_value(MAX_NARRATIVE) for name in NARRATIVE if name != "results"},
            "self_assessment": st.one_of(
                st.sampled_from(list(LABELS)),
                st.sampled_from(list(LABELS)),
                fz.hostile_choice(list(LABELS.values())),
            ),
        }
    )


def writable(value):
    """The value as a spreadsheet can hold it: XML has no control characters, U+FFFE or
    U+FFFF."""
    return NOT_IN_XML.sub("", value) if isinstance(value, str) else value


def read_back(content, campaign, year):
    """The cells' text as a spreadsheet program shows it (read by openpyxl itself, not by
    the portal's reader), and whether any of them holds a formula."""
    keys = report_layout(campaign, year, typed_indicators(campaign)).keys
    sheet = load_workbook(BytesIO(content)).worksheets[0]
    cells = {key: sheet.cell(FIRST_ROW, keys.index(key) + 1) for key in keys}
    formulas = any(cell.data_type == "f" for cell in cells.values())
    return {key: as_text(cell.value) for key, cell in cells.items()}, formulas


class Template(bytes):
    """The downloaded template; shown by its size in Hypothesis's reports."""

    def __repr__(self):
        return f"<template of {len(self)} bytes>"


@pytest.fixture
def template(vi_client, tree, cast, campaign, year):
    vi_client.force_login(cast["officer_a1"])
    url = reverse("campaign:workbook_reports_download", args=[campaign.pk, tree["A1"].pk, year])
    return Template(vi_client.get(url).content)


def filled(template, campaign, year, values):
    keys = report_layout(campaign, year, typed_indicators(campaign)).keys
    book = load_workbook(BytesIO(template))
    sheet = book.worksheets[0]
    for key, value in values.items():
        # Set even when empty: the row may hold the report's saved values.
        sheet.cell(FIRST_ROW, keys.index(key) + 1).value = writable(value)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def state(unit, campaign):
    return (
        list(
            AnnualReport.objects.filter(unit=unit, campaign=campaign).values(
                "pk", "version", "status", *NARRATIVE, "self_assessment"
            )
        ),
        sorted(IndicatorValue.objects.values_list("pk", "int_value", "text_value")),
    )


def oracle(report, campaign, text):
    """The web form's verdict on the same input: its two forms, valid or not."""
    data = dict(text)
    data["self_assessment"] = LABELS.get(data["self_assessment"], data["self_assessment"])
    if report.pk:
        data["version"] = str(report.version)
    form = ReportForm(data, instance=report)
    values = ValuesForm(data, indicators=typed_indicators(campaign))
    return form, values, form.is_valid() & values.is_valid()


def upload_and_check(vi_client, tree, campaign, year, template, typed, report):
    with rolled_back():
        before = state(tree["A1"], campaign)
        content = filled(template, campaign, year, typed)
        url = reverse("campaign:workbook_reports_upload", args=[campaign.pk, tree["A1"].pk, year])
        response = vi_client.post(url, {"file": SimpleUploadedFile("bao-cao.xlsx", content)})
        assert_not_a_server_error(response)
        if response.status_code == 400:
            # The file as a whole could not be read back: said in Vietnamese, nothing kept.
            message = response.context["form"].errors["file"][0]
            assert VIETNAMESE_LETTERS.search(message)
            assert not WorkbookUpload.objects.exists()
            assert state(tree["A1"], campaign) == before
            return
        assert response.status_code == 302
        upload = WorkbookUpload.objects.get()
        preview = vi_client.get(response.url)
        assert_not_a_server_error(preview)
        text, formulas = read_back(content, campaign, year)
        blank = not any(text[key] for key in typed)
        instance = report or AnnualReport(
            unit=tree["A1"],
            campaign=campaign,
            year=year,
            period=Period.objects.for_year(campaign, year),
        )
        form, values, valid = oracle(instance, campaign, {key: text[key] for key in typed})
        errors = upload.preview["errors"]
        if errors:
            assert formulas or not valid, errors
            for error in errors:
                assert error.startswith("Trang Báo cáo, ô "), error
                assert VIETNAMESE_LETTERS.search(error), error
            assert not upload.can_confirm
            vi_client.post(reverse("campaign:workbook_confirm", args=[upload.pk]))
            assert state(tree["A1"], campaign) == before, "a refused upload changed a report"
            return
        assert valid or (blank and report is None), "the upload accepted what the form refuses"
        assert not formulas
        if not upload.can_confirm:
            assert state(tree["A1"], campaign) == before
            return
        response = vi_client.post(reverse("campaign:workbook_confirm", args=[upload.pk]))
        assert_not_a_server_error(response)
        saved = AnnualReport.objects.get(unit=tree["A1"], campaign=campaign, year=year)
        assert saved.status == "draft"
        for name in [*NARRATIVE, "self_assessment"]:
            stored, expected = getattr(saved, name), form.cleaned_data[name]
            assert stored.replace("\r\n", "\n") == expected.replace("\r\n", "\n"), name
        stored = {v.indicator.code: v for v in saved.values.select_related("indicator")}
        for code in ("sessions", "participants"):
            assert stored[code].int_value == values.cleaned_data[f"value_{code}"]
        assert stored["other_forms"].text_value == values.cleaned_data["value_other_forms"]


@given(typed=cells())
def test_cells_of_a_new_report_are_saved_as_the_form_saves_them_or_refused(
    vi_client, tree, cast, campaign, year, template, typed
):
    upload_and_check(vi_client, tree, campaign, year, template, typed, report=None)


@given(typed=cells())
def test_cells_of_an_existing_report_are_saved_as_the_form_saves_them_or_refused(
    vi_client, tree, cast, campaign, year, report_a1, template, typed
):
    upload_and_check(vi_client, tree, campaign, year, template, typed, report=report_a1)
