"""The "check a document" page's helpers: an issued summary whose stored PDF is given, and
the page's answer to an upload. Used by test_document_check.py and
test_signature_unchecked.py."""

from django.core.files.base import ContentFile
from django.urls import reverse

from reports.models import SummaryReport, summary_pdf_path
from tests.reports.summaries import campaign_with_reports, issue, make_summary

RS = SummaryReport.RenderState
CHECK = reverse("reports:document_check")


def stored(tree, cast, content, number="15/BC-LĐLĐ"):
    """An issued summary whose stored PDF is `content`."""
    summary = issue(
        make_summary(tree["PV"], campaign_with_reports(tree), cast["cspl"], number=number),
        cast["cspl"],
    )
    summary.pdf.save(summary_pdf_path(summary, "x.pdf"), ContentFile(content), save=False)
    SummaryReport.objects.filter(pk=summary.pk).update(pdf=summary.pdf.name, render_state=RS.DONE)
    return summary


def check(client, user, content, name="x.pdf"):
    client.force_login(user)
    response = client.post(CHECK, {"document": ContentFile(content, name=name)})
    assert response.status_code == 200
    return response.content.decode()
