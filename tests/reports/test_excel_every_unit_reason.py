"""The Excel sheet of every unit lists units not expected to report whose report is included
all the same, as "does not file": one that closed before the cut-off after filing says why,
its name marked "(closed by then)" as the sheet of units below, the dashboard and the PDF
mark it; one of a kind the campaign does not address is not marked; one opened after the
cut-off has no row, on the year's tree or today's."""

import datetime

import pytest
from django.utils import translation

from campaign.models import AnnualReport, IndicatorValue, Status
from tests.reports.excel_export import download, records, workbook_of
from tests.reports.recount import child
from tests.reports.summaries import YEAR, file_report, make_campaign
from units.models import Unit

pytestmark = pytest.mark.usefixtures("fresh_cache")

CUTOFF = datetime.date(YEAR, 12, 14)
CLOSED_ON = datetime.date(YEAR, 6, 30)
OPENED_LATER = datetime.date(YEAR, 12, 20)
FILED = {
    "A1": Status.ACCEPTED,
    "B1": Status.RETURNED,
    "GC": Status.ACCEPTED,
    "DC": Status.ACCEPTED,
    "C1": Status.ACCEPTED,
    "IZ": Status.ACCEPTED,
    "GL": Status.ACCEPTED,
}


@pytest.fixture
def filers(tree):
    """The tree, with units below the province that filed an accepted report though not
    expected: a grassroots union, and a district with a union below it, closed on 30/06;
    an industrial-zone union, a kind the campaign does not address; and a union opened after
    the cut-off. Returns (units by code, the campaign)."""
    units = dict(tree)
    units["GC"] = child(tree["PV"], "GC", kind=Unit.Kind.GRASSROOTS, closed_on=CLOSED_ON)
    units["DC"] = child(tree["PV"], "DC", kind=Unit.Kind.DISTRICT, closed_on=CLOSED_ON)
    units["C1"] = child(units["DC"], "C1", kind=Unit.Kind.GRASSROOTS, closed_on=CLOSED_ON)
    units["IZ"] = child(tree["PV"], "IZ", kind=Unit.Kind.INDUSTRIAL_ZONE)
    units["GL"] = child(tree["PV"], "GL", kind=Unit.Kind.GRASSROOTS, opened_on=OPENED_LATER)
    campaign = make_campaign(tree["PV"])
    campaign.addressed_kinds = [
        kind for kind in campaign.addressed_kinds if kind != Unit.Kind.INDUSTRIAL_ZONE
    ]
    campaign.save()
    for code, status in FILED.items():
        file_report(units[code], campaign, status, sessions=1)
    return units, campaign


def expected_rows(units, campaign):
    """{code: (the name shown, whether it is said not to file)}, from the units as made here:
    a unit is listed when expected (of a kind addressed, open at the cut-off, below the
    province) or when its report is included; it stood on the tree only if opened by then."""
    rows = {}
    for code, unit in units.items():
        if unit.opened_on and unit.opened_on > CUTOFF:
            continue
        closed = unit.closed_on is not None and unit.closed_on <= CUTOFF
        expected = code != "PV" and unit.kind in campaign.addressed_kinds and not closed
        if not expected and FILED.get(code) != Status.ACCEPTED:
            continue
        name = f"{unit.name} (đã kết thúc hoạt động)" if closed and not expected else unit.name
        rows[code] = (name, not expected)
    return rows


@pytest.mark.parametrize("tree_mode", ["then", "today"])
def test_a_unit_closed_by_then_is_marked_where_it_does_not_file(client, cast, filers, tree_mode):
    units, campaign = filers
    with translation.override("vi"):
        response = download(client, cast, unit=units["PV"].pk, tree=tree_mode)
    sheet = workbook_of(response)["Từng đơn vị"]
    found = {row["Mã"].value: row for row in records(sheet)}

    wanted = expected_rows(units, campaign)
    assert set(found) == set(wanted) and "GL" not in found
    for code, (name, not_filing) in wanted.items():
        assert found[code]["Đơn vị"].value == name, code
        assert (found[code]["Trạng thái"].value == "Không thuộc diện báo cáo") == not_filing, code
    # The three closed units are marked; the one of a kind not addressed is not.
    assert [code for code, (name, _) in wanted.items() if name.endswith(")")] == [
        "GC",
        "DC",
        "C1",
    ]
    assert wanted["IZ"] == (units["IZ"].name, True)


def test_the_texts_sheet_marks_a_unit_closed_by_then_as_the_sheet_of_every_unit_does(
    client, cast, filers
):
    units, campaign = filers
    other_forms = campaign.indicators.get(code="other_forms")
    for code in ("A1", "GC"):
        report = AnnualReport.objects.get(unit=units[code], campaign=campaign)
        IndicatorValue.objects.create(
            report=report, indicator=other_forms, text_value=f"Pa nô {code}"
        )
    with translation.override("vi"):
        response = download(client, cast, unit=units["PV"].pk, tree="then")
    sheet = workbook_of(response)["Nội dung dạng văn bản"]
    listed = {
        row["Mã"].value: (row["Đơn vị"].value, row["Giá trị"].value) for row in records(sheet)
    }
    assert listed == {
        "A1": (units["A1"].name, "Pa nô A1"),
        "GC": (f"{units['GC'].name} (đã kết thúc hoạt động)", "Pa nô GC"),
    }
