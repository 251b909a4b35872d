"""Filing on behalf through review: the district's officer types in the paper report of a
grassroots union with no officer, attaches its scan and submits; the reviewer returns it;
the officer fixes and resubmits; it is accepted. The report and its history say who did what
from which unit, and an officer the union gets later sees it and files from then on."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from campaign.models import AnnualReport, Attachment, Status, Step
from tests.campaign.upload_files import PDF_BYTES
from tests.factories import MembershipFactory, UserFactory
from units.access import Scope
from units.models import Membership

YEAR = 2024  # due 20/12/2024, locked after 19/01/2025


# Today is 01/12/2024, 09:00 in Viet Nam (tests/campaign/conftest.py).
pytestmark = pytest.mark.usefixtures("clock")


def filing(**overrides):
    data = {
        "results": "Tổ chức 6 buổi tuyên truyền theo báo cáo giấy.",
        "shortcomings": "",
        "obstacles": "",
        "proposals": "",
        "self_assessment": "fair",
        "value_sessions": "6",
    }
    data.update(overrides)
    return data


def page(client, report):
    return client.get(reverse("campaign:report_detail", args=[report.pk])).content.decode()


def test_an_upper_officer_files_a_report_on_behalf_through_review(
    client, cast, tree, campaign, media
):
    officer, reviewer, a2 = cast["officer_a"], cast["reviewer_a"], tree["A2"]
    client.force_login(officer)
    start = reverse("campaign:report_start", args=[campaign.pk, a2.pk, YEAR])
    form_page = client.get(start).content.decode()
    assert "Bạn đang nhập hộ báo cáo này thay cho đơn vị, từ LĐLĐ huyện A" in form_page
    assert "Bản chụp báo cáo giấy (nếu nhập hộ" in form_page

    scan = SimpleUploadedFile("bao cao giay.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(start, {**filing(), "file": scan})
    report = AnnualReport.objects.get(unit=a2)
    assert response.status_code == 302 and response.url == report.get_absolute_url()
    assert (report.entered_by, report.entered_from) == (officer, tree["DA"])
    [attachment] = Attachment.objects.filter(report=report)
    assert attachment.plan is None and attachment.original_name == "bao cao giay.pdf"
    download = client.get(
        reverse("campaign:report_attachment_download", args=[report.pk, attachment.pk])
    )
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF_BYTES

    client.post(reverse("campaign:report_submit", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED

    # The reviewer's queue flags it.
    client.force_login(reviewer)
    queue = client.get(reverse("campaign:report_queue")).content.decode()
    assert "nhập hộ" in queue
    client.post(reverse("campaign:report_return", args=[report.pk]), {"reason": "Thiếu số liệu"})
    report.refresh_from_db()
    assert report.status == Status.RETURNED

    client.force_login(officer)
    edit = reverse("campaign:report_edit", args=[report.pk])
    data = filing(value_sessions="7", version=str(report.version), save_and_submit="1")
    assert client.post(edit, data).status_code == 302
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED

    client.force_login(reviewer)
    client.post(reverse("campaign:report_accept", args=[report.pk]), {"confirmed": "yes"})
    report.refresh_from_db()
    assert report.status == Status.ACCEPTED

    steps = list(report.steps.order_by("at", "pk"))
    assert [(s.action, s.actor, s.actor_unit) for s in steps] == [
        (Step.Action.SUBMIT, officer, tree["DA"]),
        (Step.Action.RETURN, reviewer, tree["DA"]),
        (Step.Action.SUBMIT, officer, tree["DA"]),
        (Step.Action.ACCEPT, reviewer, tree["DA"]),
    ]
    detail = page(client, report)
    assert f"Nhập hộ: do {officer} (LĐLĐ huyện A) nhập thay cho đơn vị." in detail
    history = " ".join(re.sub(r"<[^>]+>", " ", detail).split())
    assert history.count(f"{officer} (LĐLĐ huyện A)") >= 2  # each of its steps in the history
    assert f"{reviewer} (LĐLĐ huyện A)" in history
    assert "bao cao giay.pdf" in detail

    # The union gets an officer: they see the report, and from now on file for it themselves.
    newcomer = UserFactory(username="officer_a2")
    MembershipFactory(user=newcomer, unit=a2, role=Membership.Role.OFFICER)
    client.force_login(newcomer)
    assert "Nhập hộ: do" in page(client, report)
    assert Scope(newcomer).can_file_for(a2)
    assert not Scope(officer).can_file_for(a2)
    assert Scope(newcomer).filing_on_behalf_from(a2) is None


def test_a_unit_with_its_own_officer_shows_no_on_behalf_line(client, cast, tree, campaign):
    client.force_login(cast["officer_a1"])
    start = reverse("campaign:report_start", args=[campaign.pk, tree["A1"].pk, YEAR])
    client.post(start, filing())
    report = AnnualReport.objects.get()
    assert (report.entered_by, report.entered_from) == (cast["officer_a1"], None)
    assert "Nhập hộ" not in page(client, report)


def test_the_scan_of_a_report_is_removed_after_a_confirmation(client, cast, tree, campaign, media):
    client.force_login(cast["officer_a"])
    start = reverse("campaign:report_start", args=[campaign.pk, tree["A2"].pk, YEAR])
    scan = SimpleUploadedFile("scan.pdf", PDF_BYTES, content_type="application/pdf")
    client.post(start, {**filing(), "file": scan})
    report = AnnualReport.objects.get()
    attachment = report.attachments.get()
    delete = reverse("campaign:report_attachment_delete", args=[report.pk, attachment.pk])
    assert f'action="{delete}"' in page(client, report)
    assert "data-confirm=" in page(client, report)
    assert client.get(delete).status_code == 405
    assert client.post(delete).status_code == 302
    assert not Attachment.objects.exists()


def test_a_file_that_is_not_accepted_keeps_the_typed_report_unsaved(client, cast, tree, campaign):
    client.force_login(cast["officer_a"])
    start = reverse("campaign:report_start", args=[campaign.pk, tree["A2"].pk, YEAR])
    bad = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(start, {**filing(results="Giữ lại chữ này"), "file": bad})
    assert response.status_code == 200
    assert "Giữ lại chữ này" in response.content.decode()
    assert not AnnualReport.objects.exists()


def test_the_report_list_marks_the_units_filed_for_on_behalf(client, cast, tree, campaign):
    client.force_login(cast["officer_a"])
    response = client.get(reverse("campaign:report_list"), {"year": YEAR})
    rows = {row["unit"].code: row["on_behalf_from"] for row in response.context["rows"]}
    assert rows["A2"] == tree["DA"]  # no officer of its own: filed for from district A
    assert "A1" not in rows  # has its own officer
    assert all(unit is None for code, unit in rows.items() if code != "A2")
    page = response.content.decode()
    assert page.count(">nhập hộ</span>") == 1
    assert "Đơn vị này chưa có cán bộ phụ trách riêng: bạn nhập hộ báo cáo của đơn vị từ " in page


def test_the_report_list_names_who_entered_a_report_on_behalf_not_who_would_now(
    client, cast, tree, campaign, report_factory
):
    # A year's report filed from the unit above as it then was (a district federation
    # ended since): the list said "you file its report from" today's unit.
    report = report_factory(tree["A2"], campaign, YEAR)
    report.entered_from = tree["PV"]
    report.save(update_fields=["entered_from"])
    client.force_login(cast["officer_a"])
    with translation.override("vi"):
        page = client.get(reverse("campaign:report_list"), {"year": YEAR}).content.decode()
    assert f"Do {tree['PV'].name} nhập hộ cho đơn vị" in page
    assert "bạn nhập hộ báo cáo của đơn vị từ" not in page


@pytest.mark.parametrize(
    ("status", "told"),
    [("draft", True), ("returned", True), ("submitted", False), ("accepted", False)],
)
def test_the_report_list_says_who_files_on_behalf_only_of_a_report_still_to_write(
    client, cast, tree, campaign, report_factory, status, told
):
    # A report sent by the unit's own officer at the time (no entered_from): the list told
    # of today's arrangement, "you file its report from …", beside a report long accepted.
    report_factory(tree["A2"], campaign, YEAR, status=status)
    client.force_login(cast["officer_a"])
    with translation.override("vi"):
        page = client.get(reverse("campaign:report_list"), {"year": YEAR}).content.decode()
    assert ("bạn nhập hộ báo cáo của đơn vị từ" in page) is told


def test_the_report_list_does_not_mark_the_user_s_own_unit_once_closed(
    client, cast, tree, campaign, report_factory
):
    district = tree["DA"]
    # It sent its report of the year it closed in: the list keeps its row.
    report_factory(district, campaign, YEAR, status="submitted")
    district.closed_on = datetime.date(YEAR, 6, 30)
    district.save()
    client.force_login(cast["officer_a"])
    response = client.get(reverse("campaign:report_list"), {"year": YEAR})
    rows = {row["unit"].code: row["on_behalf_from"] for row in response.context["rows"]}
    assert rows == {"DA": None}


def test_a_scan_attached_after_a_return_shows_among_the_changes(
    client, cast, tree, campaign, media
):
    officer, reviewer, a2 = cast["officer_a"], cast["reviewer_a"], tree["A2"]
    client.force_login(officer)
    start = reverse("campaign:report_start", args=[campaign.pk, a2.pk, YEAR])
    client.post(start, {**filing(), "save_and_submit": "1"})
    report = AnnualReport.objects.get(unit=a2)
    client.force_login(reviewer)
    client.post(reverse("campaign:report_return", args=[report.pk]), {"reason": "Gửi bản chụp"})

    client.force_login(officer)
    report.refresh_from_db()
    scan = SimpleUploadedFile("bao cao giay.pdf", PDF_BYTES, content_type="application/pdf")
    data = {**filing(version=str(report.version), save_and_submit="1"), "file": scan}
    assert client.post(reverse("campaign:report_edit", args=[report.pk]), data).status_code == 302

    client.force_login(reviewer)
    response = client.get(reverse("campaign:report_detail", args=[report.pk]))
    assert ("Tệp đính kèm", "", "bao cao giay.pdf") in [
        (str(name), old, new) for name, old, new in response.context["changes"]
    ]


def test_a_new_report_s_step_records_its_scan_as_the_database_holds_it(
    client, cast, tree, campaign, media
):
    client.force_login(cast["officer_a"])
    start = reverse("campaign:report_start", args=[campaign.pk, tree["A2"].pk, YEAR])
    scan = SimpleUploadedFile("Bao cao.PDF", PDF_BYTES, content_type="application/pdf")
    client.post(start, {**filing(), "save_and_submit": "1", "file": scan})
    report = AnnualReport.objects.get()
    step = report.steps.get()
    assert step.snapshot["fields"]["attachments"] == report.attachments.get().original_name
    assert step.snapshot == report.snapshot()
