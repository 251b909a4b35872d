"""The scan's input on the plan and report forms: while nothing is attached it asks for the
first file (the plan's is needed to submit); once a file is there, the page says what is
attached, that a file chosen is added beside it, and where to remove one to replace it."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from campaign.models import Attachment
from tests.campaign.upload_files import PDF_BYTES

pytestmark = pytest.mark.usefixtures("media")

PLAN_HINT = "Cần có trước khi gửi kế hoạch xem xét."
PLAN_LABEL = "Bản quét đã ký (PDF, JPEG, PNG hoặc DOCX, tối đa 10 MB)"
REPORT_LABEL = "Bản chụp báo cáo giấy (nếu nhập hộ; PDF, JPEG, PNG hoặc DOCX, tối đa 10 MB)"
ANOTHER = "Thêm tệp khác (PDF, JPEG, PNG hoặc DOCX, tối đa 10 MB)"
BESIDE = "Tệp chọn dưới đây được thêm vào cùng các tệp đã đính kèm."


def attach(report, user):
    return Attachment.objects.create(
        report=report,
        file=ContentFile(PDF_BYTES, name="bao-cao-giay.pdf"),
        original_name="bao-cao-giay.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
        uploaded_by=user,
    )


def form_page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_plan_with_its_scan_says_what_is_attached_not_that_the_scan_is_needed(
    client, cast, plan_a1
):
    page = form_page(client, cast["officer_a1"], reverse("campaign:plan_edit", args=[plan_a1.pk]))
    assert PLAN_HINT not in page and PLAN_LABEL not in page
    assert "Đã đính kèm:" in page and ">ke-hoach.pdf</a>" in page
    assert ANOTHER in page and BESIDE in page
    assert f'gỡ bỏ tệp đó tại <a href="{plan_a1.get_absolute_url()}">trang kế hoạch</a>' in page


def test_a_plan_without_a_scan_asks_for_it(client, cast, plan_a1):
    plan_a1.attachments.all().delete()
    page = form_page(client, cast["officer_a1"], reverse("campaign:plan_edit", args=[plan_a1.pk]))
    assert PLAN_HINT in page and PLAN_LABEL in page
    assert "Đã đính kèm:" not in page and ANOTHER not in page and BESIDE not in page


def test_a_report_with_its_scan_says_what_is_attached(
    client, tree, cast, campaign, report_factory, freeze
):
    # While the 2024 reports can still be written (due 20/12/2024).
    freeze(datetime.datetime(2024, 12, 1, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))
    report = report_factory(tree["A1"], campaign, 2024)
    url = reverse("campaign:report_edit", args=[report.pk])
    page = form_page(client, cast["officer_a1"], url)
    assert REPORT_LABEL in page and "Đã đính kèm:" not in page and BESIDE not in page

    attach(report, cast["officer_a1"])
    page = form_page(client, cast["officer_a1"], url)
    assert REPORT_LABEL not in page
    assert "Đã đính kèm:" in page and ">bao-cao-giay.pdf</a>" in page
    assert ANOTHER in page and BESIDE in page
    assert f'gỡ bỏ tệp đó tại <a href="{report.get_absolute_url()}">trang báo cáo</a>' in page


SECTION = "Văn bản báo cáo của đơn vị (bản chụp hoặc tệp ký số)</h2>"
ON_BEHALF_HINT = "Chưa có tệp đính kèm. Khi nhập hộ đơn vị từ báo cáo giấy"


def test_the_report_page_asks_for_the_scan_only_of_who_types_it_in_on_behalf(
    client, tree, cast, campaign, report_factory, freeze
):
    freeze(datetime.datetime(2024, 12, 1, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))
    # A2 has no officer of its own: district A's officer files for it from above.
    on_behalf = report_factory(tree["A2"], campaign, 2024)
    page = form_page(client, cast["officer_a"], on_behalf.get_absolute_url())
    assert SECTION in page and ON_BEHALF_HINT in page
    # A1's own officer files its own report: no empty section about a paper report's scan.
    own = report_factory(tree["A1"], campaign, 2024)
    page = form_page(client, cast["officer_a1"], own.get_absolute_url())
    assert SECTION not in page and ON_BEHALF_HINT not in page
    # Once a file is attached, it is listed to everyone who sees the report.
    attach(own, cast["officer_a1"])
    page = form_page(client, cast["officer_a1"], own.get_absolute_url())
    assert SECTION in page and ">bao-cao-giay.pdf</a>" in page
