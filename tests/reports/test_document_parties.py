"""The two summary documents of seed III.3, each with its own parties, from the issuing
unit's data on the document's date: the board's report to the Standing Committee, and the
Standing Committee's report to the bodies above; a district federation's own."""

import datetime
import re

import pytest
from django.urls import reverse

from reports import issuing, parties, pdf
from reports.models import DocumentProfile, SummaryReport
from tests.reports.summaries import campaign_with_reports, make_summary, pdftotext
from units.models import Unit

D = datetime.date
Kind = SummaryReport.Kind
DAY = D(2025, 1, 5)


def test_the_boards_report_is_issued_by_the_board_under_its_federation_to_the_committee(tree):
    found = parties.parties(tree["PV"], Kind.BOARD, DAY)
    assert found["parent_body"] == "LĐLĐ tỉnh Thử nghiệm"
    assert found["issuing_body"] == "Ban Chính sách – Pháp luật"
    assert found["addressee"] == "Kính gửi: Ban Thường vụ LĐLĐ tỉnh Thử nghiệm"
    # Signed by the head of the board, not on behalf of the committee it reports to.
    assert (found["signer_block"], found["signer_title"]) == ("", "Trưởng ban")
    assert (found["place"], found["number_code"]) == ("Thử nghiệm", "BC-CSPL")
    assert found["recipients"].splitlines()[-1] == "Lưu: VT, Ban CSPL."


def test_the_committees_report_goes_to_the_bodies_above_signed_on_its_behalf(tree):
    found = parties.parties(tree["PV"], Kind.COMMITTEE, DAY)
    assert found["parent_body"] == "Tổng LĐLĐ Việt Nam"
    assert found["issuing_body"] == "LĐLĐ tỉnh Thử nghiệm"
    assert (found["signer_block"], found["signer_title"]) == ("TM. Ban Thường vụ", "Phó Chủ tịch")
    lines = found["recipients"].splitlines()
    assert lines[0] == "Tổng LĐLĐ Việt Nam (để báo cáo);"
    assert "Thường trực Tỉnh ủy (để báo cáo);" in lines
    assert found["number_code"] == "BC-LĐLĐ" and found["addressee"] == ""


def test_a_district_issues_its_own_under_its_province_with_its_own_place(tree):
    found = parties.parties(tree["DA"], Kind.COMMITTEE, DAY)
    assert (found["parent_body"], found["issuing_body"]) == ("LĐLĐ tỉnh Thử nghiệm", "LĐLĐ huyện A")
    assert found["place"] == "A"
    lines = found["recipients"].splitlines()
    assert lines[0] == "LĐLĐ tỉnh Thử nghiệm (để báo cáo);" and lines[-1] == "Lưu: VT."
    assert "Thường trực Huyện ủy (để báo cáo);" in lines
    # A district has no board of its own until its letterhead names one.
    assert parties.parties(tree["DA"], Kind.BOARD, DAY)["issuing_body"] == ""


def test_a_district_cannot_issue_a_boards_report_without_a_board(client, tree, cast):
    campaign = campaign_with_reports(tree)
    client.force_login(cast["reviewer_a"])
    data = {"campaign": campaign.pk, "year": 2024, "unit": tree["DA"].pk, "include": "accepted"}
    response = client.post("/summaries/new/", {**data, "kind": "board"})
    assert response.status_code == 200 and "kind" in response.context["form"].errors
    client.post("/summaries/new/", {**data, "kind": "committee"})
    summary = SummaryReport.objects.get()
    assert (summary.kind, summary.issuing_body, summary.place) == (
        Kind.COMMITTEE,
        "LĐLĐ huyện A",
        "A",
    )
    assert "Bến Tre" not in summary.place + summary.recipients


def test_names_are_those_of_the_documents_date(tree):
    province = tree["PV"]
    province.name, province.short_name = "Liên đoàn Lao động tỉnh Mới", "LĐLĐ tỉnh Mới"
    province.save(effective_on=D(2025, 7, 1))
    before = parties.parties(tree["DA"], Kind.COMMITTEE, D(2025, 6, 30))
    after = parties.parties(tree["DA"], Kind.COMMITTEE, D(2025, 7, 1))
    assert (before["parent_body"], after["parent_body"]) == (
        "LĐLĐ tỉnh Thử nghiệm",
        "LĐLĐ tỉnh Mới",
    )
    board = parties.parties(province, Kind.BOARD, D(2025, 7, 1))
    assert board["addressee"] == "Kính gửi: Ban Thường vụ LĐLĐ tỉnh Mới"
    assert parties.parties(province, Kind.COMMITTEE, D(2025, 7, 1))["place"] == "Mới"


def test_a_new_date_on_the_form_renames_what_the_author_left_as_prefilled(client, tree, cast):
    campaign = campaign_with_reports(tree)
    summary = make_summary(
        tree["DA"], campaign, cast["cspl"], **parties.parties(tree["DA"], Kind.COMMITTEE, DAY)
    )
    summary.signer_title = "Chủ tịch"  # typed: kept
    summary.save()
    province = Unit.objects.get(pk=tree["PV"].pk)
    province.short_name = "LĐLĐ tỉnh Mới"
    province.save(effective_on=D(2025, 3, 1))
    summary.dated_on = D(2025, 3, 2)
    parties.refresh(summary, DAY)
    assert summary.parent_body == "LĐLĐ tỉnh Mới"
    assert summary.recipients.splitlines()[0] == "LĐLĐ tỉnh Mới (để báo cáo);"
    assert summary.signer_title == "Chủ tịch"


def test_a_correction_dated_today_takes_the_names_of_today(client, tree, cast):
    # Issued on DAY; the province renamed since: the correction, dated today, names it anew.
    summary = make_summary(
        tree["DA"],
        campaign_with_reports(tree),
        cast["cspl"],
        number="",
        **{**parties.parties(tree["DA"], Kind.COMMITTEE, DAY), "signer_name": "Lê Thị C"},
    )
    issuing.summary_issue(summary=summary, user=cast["cspl"])
    province = Unit.objects.get(pk=tree["PV"].pk)
    province.name, province.short_name = "Liên đoàn Lao động tỉnh Mới", "LĐLĐ tỉnh Mới"
    province.save(effective_on=DAY + datetime.timedelta(days=1))
    client.force_login(cast["cspl"])
    client.post(reverse("reports:summary_correct", args=[summary.pk]))
    correction = SummaryReport.objects.get(supersedes=summary)
    assert correction.parent_body == "LĐLĐ tỉnh Mới"
    assert correction.recipients.splitlines()[0] == "LĐLĐ tỉnh Mới (để báo cáo);"
    assert correction.signer_name == "Lê Thị C"  # typed: kept


def test_the_letterhead_keeps_the_signer_of_the_last_issued_document(tree, cast):
    campaign = campaign_with_reports(tree)
    board = parties.parties(tree["PV"], Kind.BOARD, DAY)
    summary = make_summary(
        tree["PV"],
        campaign,
        cast["cspl"],
        number="",
        kind=Kind.BOARD,
        **{
            **board,
            "signer_block": "KT. Trưởng ban",
            "signer_title": "Phó Trưởng ban",
            "signer_name": "Lê Thị C",
        },
    )
    issuing.summary_issue(summary=summary, user=cast["cspl"])
    profile = DocumentProfile.objects.get(unit=tree["PV"], kind=Kind.BOARD)
    # What came from the tree stays blank: a later renaming still shows.
    assert (profile.parent_body, profile.place, profile.body_name) == ("", "", "")
    again = parties.parties(tree["PV"], Kind.BOARD, DAY)
    assert (again["signer_block"], again["signer_title"], again["signer_name"]) == (
        "KT. Trưởng ban",
        "Phó Trưởng ban",
        summary.signer_name,
    )


def test_a_name_in_the_header_breaks_only_between_its_groups_of_words():
    groups = [g["text"] for g in pdf.header_groups("Liên đoàn Lao động huyện Châu Thành")]
    assert groups == ["LIÊN ĐOÀN LAO ĐỘNG", "HUYỆN CHÂU THÀNH"]
    groups = [g["text"] for g in pdf.header_groups("Ban Chính sách – Pháp luật")]
    assert groups == ["BAN CHÍNH SÁCH –", "PHÁP LUẬT"]


@pytest.mark.parametrize("kind", [Kind.BOARD, Kind.COMMITTEE])
def test_the_header_stays_inside_the_margins_and_keeps_a_place_whole(tree, cast, kind, tmp_path):
    campaign = campaign_with_reports(tree)
    found = parties.parties(tree["PV"], kind, DAY)
    if kind == Kind.COMMITTEE:
        found["issuing_body"] = "Liên đoàn Lao động huyện Châu Thành"
    summary = make_summary(tree["PV"], campaign, cast["cspl"], **found)
    content = pdf.render_summary_pdf(summary)
    text = pdftotext(content, tmp_path, "-layout", "-f", "1", "-l", "1")
    if kind == Kind.COMMITTEE:
        assert re.search(r"^\s*HUYỆN CHÂU THÀNH", text, re.MULTILINE), text[:600]
    else:
        assert "BAN CHÍNH SÁCH – PHÁP LUẬT" in text
    # Every word of page 1 lies between the left (30 mm) and right (15 mm) margins.
    boxes = pdftotext(content, tmp_path, "-bbox", "-f", "1", "-l", "1")
    left, right = 30 / 25.4 * 72, (210 - 15) / 25.4 * 72
    for x_min, x_max in re.findall(r'xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"', boxes):
        assert left - 1 <= float(x_min) and float(x_max) <= right + 1, (x_min, x_max)
