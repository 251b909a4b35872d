"""Checking the digital signature of a file a unit attached to its plan or annual report,
where it is stored (reports.attachment_check): signed and unchanged, changed after signing,
signed but not checkable, or not signed; fetched through the access scope as its download
is, read only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaign.models import AnnualReport
from config import pdf_sandbox
from reports import signing
from reports.attachment_check import outcome
from tests.campaign.filings import make_plan
from tests.campaign.upload_files import image_bytes
from tests.reports.attached import attach, check_url, page_of, plan_with
from tests.reports.signed_pdfs import ORGANISATION, PASSPHRASE, sign, small_pdf
from tests.reports.summaries import campaign_with_reports


@pytest.fixture
def campaign(tree):
    """The campaign of tests/reports/summaries.py: A1's annual report is accepted."""
    return campaign_with_reports(tree)


def test_a_signed_unchanged_pdf_names_its_signer_time_and_trusted_root(
    client, tree, cast, campaign, configured
):
    signed = sign()
    plan, attachment = plan_with(tree, campaign, cast, signed.content)
    page = page_of(client, cast["cspl"], check_url(plan, attachment))
    assert 'data-outcome="signed"' in page
    assert "Tệp có chữ ký số và không bị thay đổi kể từ khi ký." in page
    assert ORGANISATION in page
    assert signed.signed_at.strftime("%H:%M:%S %d/%m/%Y") in page
    assert 'data-trusted="yes"' in page and "Dẫn tới chứng thư gốc mà cổng tin cậy." in page
    # Its own words: not the "Check a document" page's, about what the portal issued.
    assert "cổng phát hành" not in page
    assert "ke-hoach-da-ky.pdf" in page


def test_a_signed_pdf_with_bytes_appended_was_changed_after_signing(
    client, tree, cast, campaign, configured
):
    changed = sign().content + b"\n% a line added after signing\n"
    plan, attachment = plan_with(tree, campaign, cast, changed)
    page = page_of(client, cast["cspl"], check_url(plan, attachment))
    assert 'data-outcome="modified"' in page
    assert "Tệp đã bị thay đổi sau khi ký" in page
    assert "không bị thay đổi kể từ khi ký" not in page


def test_an_unsigned_pdf_is_said_not_signed(client, tree, cast, campaign, configured):
    plan, attachment = plan_with(tree, campaign, cast, small_pdf())
    page = page_of(client, cast["cspl"], check_url(plan, attachment))
    assert 'data-outcome="unsigned"' in page and "Tệp này không có chữ ký số." in page
    assert "Người ký" not in page


def test_a_certificate_the_portal_does_not_trust_is_unchanged_but_not_confirmed(
    client, tree, cast, campaign, configured, pki
):
    configured.SIGNING_PKCS12_PATH = str(pki.other_p12)
    configured.SIGNING_PKCS12_PASSPHRASE = ""
    foreign = sign().content
    configured.SIGNING_PKCS12_PATH = str(pki.p12_path)
    configured.SIGNING_PKCS12_PASSPHRASE = PASSPHRASE
    plan, attachment = plan_with(tree, campaign, cast, foreign)
    page = page_of(client, cast["cspl"], check_url(plan, attachment))
    assert 'data-outcome="signed"' in page and 'data-trusted="no"' in page
    assert "Someone Else" in page
    assert "Không dẫn tới chứng thư gốc nào mà cổng tin cậy" in page
    assert "Cổng chưa được cấu hình" not in page


def test_a_check_stopped_by_its_cap_says_why_and_not_that_the_signature_is_wrong(
    client, tree, cast, campaign, configured, monkeypatch
):
    def stopped(*args, **kwargs):
        raise pdf_sandbox.RenderError("The check took longer than 15 seconds and was stopped.")

    plan, attachment = plan_with(tree, campaign, cast, sign().content)
    monkeypatch.setattr(signing.pdf_sandbox, "run_isolated", stopped)
    page = page_of(client, cast["cspl"], check_url(plan, attachment))
    assert 'data-outcome="unverifiable"' in page and 'data-reason="stopped"' in page
    assert "Không kiểm tra được chữ ký số của tệp này." in page
    assert "Điều này không có nghĩa là chữ ký sai" in page


@pytest.mark.parametrize(
    ("verification", "expected"),
    [
        (signing.Verification(state=signing.VALID, sha256="x"), ("signed", "")),
        (signing.Verification(state=signing.UNTRUSTED, sha256="x"), ("signed", "")),
        (signing.Verification(state=signing.UNSIGNED, sha256="x"), ("unsigned", "")),
        (
            signing.Verification(state=signing.INVALID, sha256="x", intact=False, valid=True),
            ("modified", ""),
        ),
        (
            signing.Verification(
                state=signing.INVALID, sha256="x", intact=True, valid=True, modified_after=True
            ),
            ("modified", ""),
        ),
        (
            signing.Verification(state=signing.INVALID, sha256="x", intact=True, valid=False),
            ("unverifiable", "mismatch"),
        ),
        (
            signing.Verification(state=signing.INVALID, sha256="x", problem="ValueError"),
            ("unverifiable", "damaged"),
        ),
        (
            signing.Verification(state=signing.INVALID, sha256="x", readable=False),
            ("unverifiable", "unreadable"),
        ),
        (signing.Verification(state=signing.UNCHECKED, sha256="x"), ("unverifiable", "stopped")),
    ],
)
def test_every_state_of_a_check_has_one_answer(verification, expected):
    assert outcome(verification) == expected


def test_an_annual_reports_scan_is_checked_through_the_report(
    client, tree, cast, campaign, configured
):
    report = AnnualReport.objects.get(campaign=campaign, unit=tree["A1"])
    attachment = attach(report, sign().content, user=cast["reviewer_a"], name="bao-cao.pdf")
    url = reverse("reports:report_attachment_check", args=[report.pk, attachment.pk])
    page = page_of(client, cast["reviewer_a"], url)
    assert 'data-outcome="signed"' in page and "bao-cao.pdf" in page
    assert reverse("campaign:report_detail", args=[report.pk]) in page
    # The same attachment asked for under a plan's address is none of that address's.
    plan = make_plan(tree["A1"], campaign, cast["officer_a1"], attach=False)
    response = client.get(check_url(plan, attachment))
    assert response.status_code == 404


def test_another_units_attachment_is_refused_as_its_download_is(
    client, tree, cast, campaign, configured
):
    plan, attachment = plan_with(tree, campaign, cast, sign().content)
    download = reverse("campaign:attachment_download", args=[plan.pk, attachment.pk])
    for user in ("officer_b1", "outsider"):
        client.force_login(cast[user])
        assert client.get(check_url(plan, attachment)).status_code == 404
        assert client.get(download).status_code == 404
    client.logout()
    response = client.get(check_url(plan, attachment))
    assert response.status_code == 302 and "login" in response["Location"]


def test_it_answers_get_only_and_writes_nothing(client, tree, cast, campaign, configured):
    plan, attachment = plan_with(tree, campaign, cast, sign().content)
    url = check_url(plan, attachment)
    client.force_login(cast["cspl"])
    assert client.post(url).status_code == 405
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    written = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert not written, written


def test_a_file_missing_from_the_storage_is_a_404_like_its_download(
    client, tree, cast, campaign, configured
):
    plan, attachment = plan_with(tree, campaign, cast, sign().content)
    attachment.file.storage.delete(attachment.file.name)
    client.force_login(cast["cspl"])
    assert client.get(check_url(plan, attachment)).status_code == 404


def test_an_image_is_not_checked_and_its_page_says_only_pdfs_are(
    client, tree, cast, campaign, configured
):
    plan, attachment = plan_with(
        tree, campaign, cast, image_bytes("PNG"), name="anh.png", content_type="image/png"
    )
    page = page_of(client, cast["cspl"], check_url(plan, attachment))
    assert 'data-outcome="not_pdf"' in page
    assert "Ở đây chỉ kiểm tra chữ ký số của tệp PDF hoặc tệp Word." in page


def test_the_detail_pages_link_each_pdf_to_its_check_and_nothing_else(
    client, tree, cast, campaign, configured
):
    plan, pdf = plan_with(tree, campaign, cast, small_pdf())
    image = attach(
        plan, image_bytes("PNG"), user=cast["officer_a1"], name="anh.png", content_type="image/png"
    )
    page = page_of(client, cast["cspl"], reverse("campaign:plan_detail", args=[plan.pk]))
    assert check_url(plan, pdf) in page and "Kiểm tra chữ ký số" in page
    assert check_url(plan, image) not in page
    report = AnnualReport.objects.get(campaign=campaign, unit=tree["A1"])
    scan = attach(report, small_pdf(), user=cast["reviewer_a"], name="bao-cao.pdf")
    page = page_of(client, cast["cspl"], reverse("campaign:report_detail", args=[report.pk]))
    assert reverse("reports:report_attachment_check", args=[report.pk, scan.pk]) in page
