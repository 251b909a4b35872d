"""An annual report's draft may be saved partly filled: the results and the self-assessment,
like the figures, are asked for only when it is submitted. What reads a draft (its page,
the printable page, the PDF, the edit form) shows a dash for what is not written yet."""

import pytest
from django.urls import reverse
from django.utils import translation

from campaign.forms import ReportForm
from campaign.models import AnnualReport, Status
from tests.campaign.annual import YEAR, annual_campaign, make_report, narrative, vi
from tests.campaign.test_printable import pdf_text
from tests.pages import html, login, messages_of

pytestmark = pytest.mark.usefixtures("clock")

EMPTY = {
    **narrative(results="", shortcomings="", proposals="", self_assessment=""),
    "value_sessions": "",
    "value_participants": "",
    "value_other_forms": "",
}


@pytest.fixture
def campaign(tree):
    return annual_campaign(tree)


def test_an_empty_report_is_saved_as_a_draft(client, tree, cast, campaign):
    login(client, cast["officer_a1"])
    url = reverse("campaign:report_start", args=[campaign.pk, tree["A1"].pk, YEAR])
    response = client.post(url, EMPTY, follow=True)
    report = AnnualReport.objects.get()
    assert response.redirect_chain == [(report.get_absolute_url(), 302)]
    assert messages_of(response, "success") == [vi("The annual report was saved as a draft.")]
    assert report.status == Status.DRAFT
    assert (report.results, report.self_assessment) == ("", "")


def test_a_draft_keeps_what_was_written_and_leaves_the_rest_for_later(client, tree, cast, campaign):
    login(client, cast["officer_a1"])
    url = reverse("campaign:report_start", args=[campaign.pk, tree["A1"].pk, YEAR])
    client.post(url, {**EMPTY, "proposals": "Cấp thêm tài liệu.", "value_sessions": "3"})
    report = AnnualReport.objects.get()
    assert report.proposals == "Cấp thêm tài liệu." and report.results == ""
    edit = reverse("campaign:report_edit", args=[report.pk])
    data = {**EMPTY, "self_assessment": "fair", "version": str(report.version)}
    assert client.post(edit, data).status_code == 302
    report.refresh_from_db()
    assert (report.self_assessment, report.results, report.version) == ("fair", "", 2)


def test_the_report_form_requires_nothing_to_save(db):
    form = ReportForm({})
    assert form.is_valid(), form.errors


def test_a_report_without_results_or_self_assessment_cannot_be_submitted(tree, campaign):
    report = make_report(tree["A1"], campaign, results="", self_assessment="")
    with translation.override("vi"):
        problems = [str(problem) for problem in report.completeness_problems()]
    assert problems[:2] == [
        "Hãy ghi kết quả đơn vị đã thực hiện trong năm.",
        "Hãy chọn mức tự đánh giá.",
    ]


def test_an_empty_draft_reads_as_a_dash_on_its_page_and_print(client, tree, cast, campaign):
    report = make_report(tree["A1"], campaign, results="", self_assessment="")
    login(client, cast["officer_a1"])
    page = html(client.get(report.get_absolute_url()))
    assert f"<dt>{vi('Results')}</dt><dd>—</dd>" in page
    assert f"<dt>{vi('Self-assessment')}</dt><dd>—</dd>" in page
    assert "None" not in page
    printed = html(client.get(reverse("campaign:report_print", args=[report.pk])))
    assert f"<h3>{vi('Results')}</h3>\n<p>—</p>" in printed
    assert f"<h3>{vi('Self-assessment')}</h3>\n<p>—</p>" in printed
    assert "None" not in printed and "<p></p>" not in printed
    form = client.get(reverse("campaign:report_edit", args=[report.pk]))
    assert form.status_code == 200 and not form.context["form"].errors


@pytest.mark.usefixtures("media")
def test_an_empty_draft_downloads_as_a_pdf(client, tree, cast, campaign, tmp_path):
    report = make_report(tree["A1"], campaign, results="", self_assessment="")
    login(client, cast["officer_a1"])
    response = client.get(reverse("campaign:report_pdf", args=[report.pk]))
    assert response.status_code == 200
    text, _fonts = pdf_text(response.content, tmp_path)
    assert "Kết quả —" in text and "Tự đánh giá —" in text
    assert "None" not in text
