"""The signing block of a unit's plan and annual report, as a union office signs them (Decree
30, Appendix I): the authority line ("TM. BAN THƯỜNG VỤ"), the signer's title, the signature
space, the name. Typed on the forms, shown on the pages, printed in that order on the
printable copy and the PDF; a copy without them signs with the unit's name, as before."""

import datetime
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign.models import AnnualReport, Campaign, Plan, Status
from tests.campaign.plans import plan_data

pytestmark = pytest.mark.usefixtures("media")

SIGNING = {"signer_block": "TM. Ban Thường vụ", "signer_title": "Phó Chủ tịch"}
NAME = "Nguyễn Văn An"


@pytest.fixture
def year():
    # This year's report is open for filing (it locks in January).
    return timezone.localdate().year


def signature_cell(html):
    """The printed copy's signing block: the cell after the copy note, to the table's end."""
    return html.split('<td class="signature">', 1)[1].split("</td>", 1)[0]


def in_order(text, *parts):
    positions = [text.find(part) for part in parts]
    return -1 not in positions and positions == sorted(positions)


def pdf_lines(client, name, pk, tmp_path):
    response = client.get(reverse(f"campaign:{name}", args=[pk]))
    assert response.status_code == 200
    path = tmp_path / "document.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    return [line.strip() for line in text.splitlines() if line.strip()]


def report_edit_data(report, **changes):
    return {
        "version": str(report.version),
        "doc_number": report.doc_number,
        "results": report.results,
        "self_assessment": report.self_assessment,
        "value_sessions": "5",
        **{name: getattr(report, name) for name in AnnualReport.SIGNING_FIELDS},
        **changes,
    }


# --- the plan -----------------------------------------------------------------------------------
def test_the_plan_form_asks_for_the_authority_line_and_title_beside_the_signer(
    client, cast, tree, campaign
):
    client.force_login(cast["officer_a1"])
    page = client.get(reverse("campaign:plan_start", args=[campaign.pk, tree["A1"].pk]))
    html = page.content.decode()
    assert in_order(html, 'name="signer_block"', 'name="signer_title"', 'name="signer"')
    assert "Thẩm quyền ký" in html and "Chức vụ người ký" in html
    assert "TM. BAN THƯỜNG VỤ" in html and "PHÓ CHỦ TỊCH" in html  # the examples


def test_a_plans_signing_block_goes_from_the_form_to_its_page_and_back(
    client, cast, tree, campaign
):
    client.force_login(cast["officer_a1"])
    response = client.post(
        reverse("campaign:plan_start", args=[campaign.pk, tree["A1"].pk]),
        plan_data(signer=NAME, **SIGNING),
    )
    assert response.status_code == 302
    plan = Plan.objects.get()
    assert (plan.signer_block, plan.signer_title, plan.signer) == (*SIGNING.values(), NAME)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "TM. Ban Thường vụ · Phó Chủ tịch · Nguyễn Văn An" in page
    form = client.get(reverse("campaign:plan_edit", args=[plan.pk])).content.decode()
    assert 'value="TM. Ban Thường vụ"' in form and 'value="Phó Chủ tịch"' in form


def test_a_plan_without_a_signing_block_is_saved_with_none(client, cast, tree, campaign):
    client.force_login(cast["officer_a1"])
    client.post(
        reverse("campaign:plan_start", args=[campaign.pk, tree["A1"].pk]),
        plan_data(signer_block="", signer_title=""),
    )
    plan = Plan.objects.get()
    assert (plan.signer_block, plan.signer_title) == ("", "")
    assert "Chủ tịch Công đoàn cơ sở" in client.get(plan.get_absolute_url()).content.decode()


def test_a_title_too_long_is_refused_and_what_was_typed_stays(client, cast, tree, campaign):
    client.force_login(cast["officer_a1"])
    response = client.post(
        reverse("campaign:plan_start", args=[campaign.pk, tree["A1"].pk]),
        plan_data(signer_title="C" * 101, signer_block="TM. Ban Chấp hành"),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nhập tối đa 100 ký tự; bạn đã nhập 101." in html
    assert 'value="TM. Ban Chấp hành"' in html
    assert not Plan.objects.exists()


def test_the_printed_plan_signs_as_the_office_does(client, cast, plan_a1):
    Plan.objects.filter(pk=plan_a1.pk).update(signer=NAME, **SIGNING)
    client.force_login(cast["officer_a1"])
    html = client.get(reverse("campaign:plan_print", args=[plan_a1.pk])).content.decode()
    cell = signature_cell(html)
    assert in_order(
        cell,
        '<p class="signer-block">TM. BAN THƯỜNG VỤ</p>',
        '<p class="signer-title">PHÓ CHỦ TỊCH</p>',
        '<div class="signature-space"></div>',
        f'<p class="signer-name">{NAME}</p>',
    )
    assert "CĐCS A1" not in cell  # the authority line stands in the unit's name's place


def test_a_plan_without_a_signing_block_signs_with_the_units_name(client, cast, plan_a1):
    client.force_login(cast["officer_a1"])
    html = client.get(reverse("campaign:plan_print", args=[plan_a1.pk])).content.decode()
    cell = signature_cell(html)
    assert "signer-block" not in cell
    assert in_order(
        cell,
        '<p class="signer-title"><span class="group">CĐCS A1</span></p>',
        '<div class="signature-space"></div>',
        '<p class="signer-name">Chủ tịch công đoàn</p>',
    )


def test_a_title_alone_is_printed_without_the_units_name(client, cast, plan_a1):
    # A chair signing in their own right: "CHỦ TỊCH" over the signature, no authority line.
    Plan.objects.filter(pk=plan_a1.pk).update(signer_title="Chủ tịch", signer=NAME)
    client.force_login(cast["officer_a1"])
    html = client.get(reverse("campaign:plan_print", args=[plan_a1.pk])).content.decode()
    cell = signature_cell(html)
    assert "signer-block" not in cell and "CĐCS A1" not in cell
    assert in_order(cell, '<p class="signer-title">CHỦ TỊCH</p>', f">{NAME}</p>")


def test_a_changed_signing_block_is_among_the_changes_since_the_return(client, cast, plan_a1):
    client.force_login(cast["officer_a1"])
    client.post(reverse("campaign:plan_submit", args=[plan_a1.pk]))
    client.force_login(cast["reviewer_a"])
    client.post(reverse("campaign:plan_return", args=[plan_a1.pk]), {"reason": "Ghi rõ người ký."})
    plan_a1.refresh_from_db()
    assert plan_a1.status == Status.RETURNED
    plan_a1.signer_title = "Phó Chủ tịch"
    plan_a1.save()
    client.force_login(cast["officer_a1"])
    client.post(reverse("campaign:plan_submit", args=[plan_a1.pk]))
    client.force_login(cast["reviewer_a"])
    html = client.get(plan_a1.get_absolute_url()).content.decode()
    changes = html.split("Chức vụ người ký", 1)[1][:300]
    assert "Phó Chủ tịch" in changes


# --- the annual report --------------------------------------------------------------------------
def test_a_reports_signing_block_goes_from_the_form_to_its_page(
    client, cast, tree, campaign, report_factory, year
):
    report = report_factory(tree["A1"], campaign, year, Status.DRAFT)
    client.force_login(cast["officer_a1"])
    form = client.get(reverse("campaign:report_edit", args=[report.pk])).content.decode()
    assert in_order(form, 'name="signer_block"', 'name="signer_title"', 'name="signer_name"')
    assert "TM. BAN THƯỜNG VỤ" in form  # the example
    data = report_edit_data(report, signer_name=NAME, **SIGNING)
    response = client.post(reverse("campaign:report_edit", args=[report.pk]), data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert [getattr(report, name) for name in AnnualReport.SIGNING_FIELDS] == [
        *SIGNING.values(),
        NAME,
    ]
    assert report.history.first().signer_name == NAME
    page = client.get(report.get_absolute_url()).content.decode()
    assert "TM. Ban Thường vụ · Phó Chủ tịch · Nguyễn Văn An" in page
    form = client.get(reverse("campaign:report_edit", args=[report.pk])).content.decode()
    assert f'value="{NAME}"' in form


def test_a_new_report_is_written_with_its_signing_block(client, cast, tree, campaign, year):
    client.force_login(cast["officer_a1"])
    url = reverse("campaign:report_start", args=[campaign.pk, tree["A1"].pk, year])
    assert 'name="signer_title"' in client.get(url).content.decode()
    data = {
        "results": "Tổ chức 5 buổi.",
        "self_assessment": "good",
        "value_sessions": "5",
        "signer_name": NAME,
        **SIGNING,
    }
    assert client.post(url, data).status_code == 302
    report = AnnualReport.objects.get()
    assert (report.signer_block, report.signer_title, report.signer_name) == (
        *SIGNING.values(),
        NAME,
    )


def test_the_printed_report_signs_as_the_office_does(client, cast, tree, campaign, report_factory):
    report = report_factory(tree["A1"], campaign, 2016, Status.SUBMITTED)
    AnnualReport.objects.filter(pk=report.pk).update(signer_name=NAME, **SIGNING)
    client.force_login(cast["officer_a1"])
    html = client.get(reverse("campaign:report_print", args=[report.pk])).content.decode()
    assert in_order(
        signature_cell(html),
        '<p class="signer-block">TM. BAN THƯỜNG VỤ</p>',
        '<p class="signer-title">PHÓ CHỦ TỊCH</p>',
        '<div class="signature-space"></div>',
        f'<p class="signer-name">{NAME}</p>',
    )


def test_a_report_without_a_signing_block_signs_with_the_units_name_and_no_name(
    client, cast, tree, campaign, report_factory
):
    report = report_factory(tree["A1"], campaign, 2016, Status.SUBMITTED)
    client.force_login(cast["officer_a1"])
    html = client.get(reverse("campaign:report_print", args=[report.pk])).content.decode()
    cell = signature_cell(html)
    assert '<p class="signer-title"><span class="group">CĐCS A1</span></p>' in cell
    assert "signer-block" not in cell and "signer-name" not in cell
    assert "Người ký" not in client.get(report.get_absolute_url()).content.decode()


# --- the PDF ------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["plan_pdf", "report_pdf"])
def test_the_pdf_prints_the_signing_block_line_by_line(
    client, cast, tree, campaign, plan_a1, report_factory, name, tmp_path
):
    report = report_factory(tree["A1"], campaign, 2016, Status.SUBMITTED)
    Plan.objects.filter(pk=plan_a1.pk).update(signer=NAME, **SIGNING)
    AnnualReport.objects.filter(pk=report.pk).update(signer_name=NAME, **SIGNING)
    document = plan_a1 if name == "plan_pdf" else report
    client.force_login(cast["officer_a1"])
    lines = pdf_lines(client, name, document.pk, tmp_path)
    block = lines.index("TM. BAN THƯỜNG VỤ")
    assert lines[block : block + 3] == ["TM. BAN THƯỜNG VỤ", "PHÓ CHỦ TỊCH", NAME]
    assert lines.count("CĐCS A1") == 1  # in the header only


# --- defaults -----------------------------------------------------------------------------------
def test_a_new_plan_starts_with_the_signing_block_of_the_units_last_plan(
    client, cast, tree, campaign, plan_factory
):
    earlier = Campaign.objects.create(
        slug="earlier",
        number="1/KH-LĐLĐ",
        title="Kế hoạch trước",
        issuer=tree["PV"],
        issued_on=datetime.date(2014, 1, 10),
        first_year=2014,
        plan_due_on=datetime.date(2014, 3, 31),
    )
    plan_factory(tree["A1"], earlier, cast["officer_a1"], signer=NAME, **SIGNING)
    plan_factory(tree["A2"], earlier, cast["officer_a1"], signer="Người khác")  # another unit
    client.force_login(cast["officer_a1"])
    url = reverse("campaign:plan_start", args=[campaign.pk, tree["A1"].pk])
    html = client.get(url).content.decode()
    assert 'value="TM. Ban Thường vụ"' in html
    assert 'value="Phó Chủ tịch"' in html
    assert f'value="{NAME}"' in html
    # Another unit's block is not offered.
    other = reverse("campaign:plan_start", args=[campaign.pk, tree["A2"].pk])
    client.force_login(cast["officer_a"])
    assert "TM. Ban Thường vụ" not in client.get(other).content.decode()


def test_a_new_report_starts_with_the_signing_block_of_the_units_last_report(
    client, cast, tree, campaign, report_factory, year
):
    last = report_factory(tree["A1"], campaign, year - 1, Status.ACCEPTED)
    AnnualReport.objects.filter(pk=last.pk).update(signer_name=NAME, **SIGNING)
    client.force_login(cast["officer_a1"])
    url = reverse("campaign:report_start", args=[campaign.pk, tree["A1"].pk, year])
    html = client.get(url).content.decode()
    assert 'value="TM. Ban Thường vụ"' in html and f'value="{NAME}"' in html
    # What the officer sends is what is saved: emptied on the page, it stays empty.
    data = {
        "results": "Tổ chức 5 buổi.",
        "self_assessment": "good",
        "value_sessions": "5",
        "signer_block": "",
        "signer_title": "",
        "signer_name": "",
    }
    assert client.post(url, data).status_code == 302
    report = AnnualReport.objects.get(year=year)
    assert report.signed_by() == []


def test_a_new_report_of_a_unit_that_never_signed_starts_empty(
    client, cast, tree, campaign, report_factory, year
):
    report_factory(tree["A1"], campaign, year - 1, Status.ACCEPTED)
    client.force_login(cast["officer_a1"])
    url = reverse("campaign:report_start", args=[campaign.pk, tree["A1"].pk, year])
    html = client.get(url).content.decode()
    assert 'name="signer_block" value=' not in html


def test_a_report_a_merger_moved_to_the_unit_is_not_its_signing_block(
    client, cast, tree, campaign, report_factory, year
):
    # Signed by the office of the unit merged into this one, not by this unit's.
    moved = report_factory(tree["A1"], campaign, year - 1, Status.ACCEPTED)
    AnnualReport.objects.filter(pk=moved.pk).update(
        signer_name=NAME, moved_from=tree["A2"], moved_on=datetime.date(year - 1, 7, 1), **SIGNING
    )
    client.force_login(cast["officer_a1"])
    url = reverse("campaign:report_start", args=[campaign.pk, tree["A1"].pk, year])
    assert "TM. Ban Thường vụ" not in client.get(url).content.decode()
