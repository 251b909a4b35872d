"""An annual report's register number: typed on its page, printed in its header (or a space
left to write it by hand). The workbook keeping it: tests/campaign/workbooks."""

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign.models import IndicatorValue, Status


@pytest.fixture
def year():
    # This year's report is open for filing (it locks in January).
    return timezone.localdate().year


def _edit(client, report, **changes):
    data = {
        "version": str(report.version),
        "doc_number": report.doc_number,
        "results": report.results,
        "self_assessment": report.self_assessment,
        "value_sessions": "5",
        "value_participants": "",
        "value_other_forms": "",
        **changes,
    }
    return client.post(reverse("campaign:report_edit", args=[report.pk]), data)


def test_the_number_typed_on_the_page_is_shown_and_printed(
    client, cast, tree, campaign, report_factory, year
):
    report = report_factory(tree["A1"], campaign, year, Status.DRAFT)
    client.force_login(cast["officer_a1"])
    page = client.get(reverse("campaign:report_edit", args=[report.pk])).content.decode()
    assert 'name="doc_number"' in page
    assert "Để trống thì bản in chừa chỗ để ghi số bằng tay." in page

    assert _edit(client, report, doc_number=" 12/BC-CĐCS ").status_code == 302
    report.refresh_from_db()
    assert report.doc_number == "12/BC-CĐCS"
    assert "Số 12/BC-CĐCS" in client.get(report.get_absolute_url()).content.decode()
    printed = client.get(reverse("campaign:report_print", args=[report.pk])).content.decode()
    assert '<td class="number">Số: 12/BC-CĐCS</td>' in printed


def test_a_report_without_a_number_prints_a_space_to_write_it(
    client, cast, tree, campaign, report_factory
):
    report = report_factory(tree["A1"], campaign, 2016, Status.SUBMITTED)
    client.force_login(cast["officer_a1"])
    printed = client.get(reverse("campaign:report_print", args=[report.pk])).content.decode()
    assert '<td class="number">Số: <span class="number-blank"></span></td>' in printed


def test_a_number_too_long_is_refused_and_what_was_typed_stays(
    client, cast, tree, campaign, report_factory, year
):
    report = report_factory(tree["A1"], campaign, year, Status.DRAFT)
    client.force_login(cast["officer_a1"])
    response = _edit(client, report, doc_number="1" * 51, results="Kết quả mới.")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nhập tối đa 50 ký tự; bạn đã nhập 51." in html
    assert "Kết quả mới." in html
    report.refresh_from_db()
    assert report.doc_number == ""


def test_a_changed_number_is_among_the_changes_since_the_return(
    client, cast, tree, campaign, report_factory, year
):
    report = report_factory(tree["A1"], campaign, year, Status.SUBMITTED)
    IndicatorValue.objects.create(
        report=report, indicator=campaign.indicators.get(code="sessions"), int_value=5
    )
    client.force_login(cast["reviewer_a"])
    client.post(
        reverse("campaign:report_return", args=[report.pk]),
        {"reason": "Thiếu số văn bản."},
    )
    report.refresh_from_db()
    assert report.status == Status.RETURNED
    client.force_login(cast["officer_a1"])
    response = _edit(client, report, doc_number="07/BC-CĐCS", save_and_submit="1")
    assert response.status_code == 302
    client.force_login(cast["reviewer_a"])
    html = client.get(report.get_absolute_url()).content.decode()
    assert "Số văn bản" in html
    assert "07/BC-CĐCS" in html
