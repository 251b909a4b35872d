"""No placeholder in an issued document: a draft that would print one, or a missing field,
cannot be issued, and the form says which field; the seed plan, whose own number is not
known, is cited by its title and date."""

import pytest
from django.core.exceptions import ValidationError

from reports import issuing, pdf
from reports.models import DocumentRegister, SummaryReport, placeholder_in
from reports.prefill import plan_citation, prefill
from reports.rollup import rollup
from tests.reports.summaries import campaign_with_reports, make_summary, pdftotext


@pytest.mark.parametrize(
    "text",
    [
        "Kết quả thực hiện Kế hoạch số …/KH-LĐLĐ",
        "Kế hoạch số .../KH-LĐLĐ",
        "Số: …",
        "ngày … tháng … năm 2025",
        "Đồng chí xxx",
        "Ông/bà ______",
        "[tên đơn vị]",
        "…",
    ],
)
def test_a_placeholder_is_found(text):
    assert placeholder_in(text)


@pytest.mark.parametrize(
    "text",
    [
        "Kế hoạch số 2.579/KH-UBND ngày 29/5/2015",
        "- Thiếu tài liệu tuyên truyền, các đơn vị đề nghị… (CĐCS A, CĐCS B);",
        "1.082 sáng kiến",
        "Lưu: VT, Ban CSPL.",
        "",
    ],
)
def test_text_is_not_a_placeholder(text):
    assert placeholder_in(text) == ""


def test_a_draft_with_a_placeholder_or_a_missing_field_is_not_issued(tree, cast, client):
    campaign = campaign_with_reports(tree)
    summary = make_summary(
        tree["PV"],
        campaign,
        cast["cspl"],
        number="",
        subject="Kết quả thực hiện Kế hoạch số …/KH-LĐLĐ",
        place="",
    )
    with pytest.raises(ValidationError) as error:
        issuing.summary_issue(summary=summary, user=cast["cspl"])
    assert set(error.value.message_dict) == {"subject", "place"}
    assert "…/KH-LĐLĐ" in error.value.message_dict["subject"][0]
    assert not DocumentRegister.objects.exists()
    # The page says which fields, and offers no issue button until they are fixed.
    client.force_login(cast["cspl"])
    page = client.get(summary.get_absolute_url())
    assert [label for label, _problem in page.context["problems"]] == ["Địa danh", "Tiêu đề"]
    assert f'action="/summaries/{summary.pk}/issue/"' not in page.content.decode()
    edit = client.get(f"/summaries/{summary.pk}/edit/")
    assert set(edit.context["form"].problems) == {"subject", "place"}
    response = client.post(
        f"/summaries/{summary.pk}/issue/", {"version": summary.version}, follow=True
    )
    assert "Tiêu đề" in response.content.decode()
    assert SummaryReport.objects.get(pk=summary.pk).status == SummaryReport.Status.DRAFT


@pytest.mark.parametrize("code", ["15/BC-LĐLĐ", "/BC-LĐLĐ", "BC-LĐLĐ/", "Số: BC-LĐLĐ"])
def test_a_code_that_carries_a_number_is_not_issued(tree, cast, code):
    # The number is put before the code at issue: "15/BC-LĐLĐ" typed as the code (as the
    # full number reads) was issued, signed and registered as "1/15/BC-LĐLĐ".
    summary = make_summary(
        tree["PV"], campaign_with_reports(tree), cast["cspl"], number="", number_code=code
    )
    with pytest.raises(ValidationError) as error:
        issuing.summary_issue(summary=summary, user=cast["cspl"])
    assert set(error.value.message_dict) == {"number_code"}
    assert "Chỉ ghi ký hiệu, ví dụ BC-LĐLĐ" in error.value.message_dict["number_code"][0]
    summary.refresh_from_db()
    assert summary.status == SummaryReport.Status.DRAFT and summary.number == ""
    assert not DocumentRegister.objects.exists()


def test_a_code_alone_is_issued_after_the_number(tree, cast):
    summary = make_summary(
        tree["PV"], campaign_with_reports(tree), cast["cspl"], number="", number_code="BC-LĐLĐ"
    )
    issued = issuing.summary_issue(summary=summary, user=cast["cspl"])
    assert issued.number == "1/BC-LĐLĐ"


def test_the_seed_plan_is_cited_by_its_title_and_date_while_its_number_is_unknown(tree):
    campaign = campaign_with_reports(tree)
    campaign.number = "…/KH-LĐLĐ"
    cited = plan_citation(campaign)
    # Written as the document's other dates are: 10/06/2015, not 10/6/2015.
    assert cited.startswith(f"Kế hoạch ngày {campaign.issued_on:%d/%m/%Y} ")
    assert "…" not in cited and campaign.title[1:] in cited
    campaign.number = "12/KH-LĐLĐ"
    assert plan_citation(campaign).startswith("Kế hoạch số 12/KH-LĐLĐ ngày ")


def test_a_prefilled_draft_signed_is_issued_and_prints_no_placeholder(tree, cast, tmp_path):
    campaign = campaign_with_reports(tree)
    campaign.number = "…/KH-LĐLĐ"
    campaign.save()
    summary = SummaryReport(
        campaign=campaign, year=2024, unit=tree["PV"], created_by=cast["cspl"], kind="board"
    )
    prefill(summary, rollup(campaign, 2024, tree["PV"]))
    summary.signer_name = "Lê Thị C"
    summary.save()
    assert summary.issue_problems() == {}
    issued = issuing.summary_issue(summary=summary, user=cast["cspl"])
    text = pdftotext(pdf.render_summary_pdf(issued), tmp_path)
    assert "…/" not in text and "Số: 1/BC-CSPL" in text
    assert "Kèm theo Báo cáo số 1/BC-CSPL" in text
