"""The opening paragraph of a summary's PDF says which tree its figures are counted on, in
the words the dashboard and its Excel export use (`Rollup.counted_on`, one source): a
summary of 2024 issued after the 2025 reorganisation (District A merged into a commune
union on 05/01/2025, `merged_commune`) counts on the tree of 2024's cut-off, and says so.

Only summaries issued from now on say it: an issued summary's PDF is stored bytes, and
nothing renders it again (not the task delivered twice, nor the retry, nor the pages), so
one issued before keeps its bytes and its digest. A snapshot frozen before the rollup kept
its tree was counted on the tree of its day of issue: its PDF says nothing of a tree."""

import hashlib
import html as htmllib
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation

from config import pdf_sandbox
from reports import pdf, signing, summary_tasks
from reports.models import SummaryReport
from tests.reports.summaries import YEAR, flat, issue, make_summary, pdftotext

pytestmark = pytest.mark.usefixtures("world_clock", "fresh_version", "fresh_cache")

RS = SummaryReport.RenderState
# 2024's figures run to its cut-off, 14/12/2024 (summaries.YEAR).
SENTENCE = (
    "Các báo cáo năm 2024 được tính theo cây tổ chức tại thời điểm chốt số liệu của năm đó "
    "(14/12/2024): việc sắp xếp lại tổ chức về sau không làm thay đổi số liệu này."
)
PERIOD = "Số liệu từ 15/12/2023 đến 14/12/2024; hạn nộp báo cáo 20/12/2024."


def url(name, summary):
    return reverse(name, args=[summary.pk])


def issued_through_the_page(client, summary, user, capture):
    """`summary` issued as a reviewer does, its PDF rendered by the (in-process) task."""
    client.force_login(user)
    with capture(execute=True):
        client.post(url("reports:summary_issue", summary), {"version": summary.version})
    summary.refresh_from_db()
    assert summary.render_state == RS.DONE
    return summary


def page_text(content):
    content = re.sub(r"<(svg|style|script)\b.*?</\1>", " ", content, flags=re.S)
    return flat(htmllib.unescape(re.sub(r"<[^>]+>", " ", content)))


def test_a_summary_of_a_year_before_the_reorganisation_says_which_tree_it_counts_on(
    client, tree, cast, campaign, merged_commune, django_capture_on_commit_callbacks, tmp_path
):
    summary = make_summary(tree["PV"], campaign, cast["cspl"])
    issued_through_the_page(client, summary, cast["cspl"], django_capture_on_commit_callbacks)
    text = flat(pdftotext(summary.pdf.read(), tmp_path))
    # In the opening paragraph: after the period and the reports counted, before section I.
    assert SENTENCE in text
    opening = text.index(PERIOD)
    assert (
        opening < text.index("Số liệu chỉ từ các báo cáo đã được chấp nhận.") < text.index(SENTENCE)
    )
    assert text.index(SENTENCE) < text.index("I. ĐÁNH GIÁ CHUNG")
    assert "nhóm lại theo cây tổ chức hiện nay" not in text
    # The dashboard of that year says it in the same words.
    with translation.override("vi"):
        response = client.get(
            reverse("reports:dashboard"),
            {"campaign": campaign.pk, "unit": tree["PV"].pk, "year": YEAR, "tree": "then"},
        )
    assert SENTENCE in page_text(response.content.decode())


def test_a_draft_s_preview_says_it_too(tree, cast, campaign):
    draft = make_summary(tree["PV"], campaign, cast["cspl"])
    assert pdf.document_context(draft)["counted_on"] == SENTENCE
    assert SENTENCE in pdf.render_html(draft)


def test_figures_frozen_before_the_rollup_kept_its_tree_say_nothing_of_a_tree(tree, cast, campaign):
    summary = issue(make_summary(tree["PV"], campaign, cast["cspl"]), cast["cspl"])
    summary.rollup_snapshot["rollup"].pop("tree")
    context = pdf.document_context(summary)
    assert context["counted_on"] == ""
    assert "cây tổ chức" not in pdf.render_html(summary)


def test_a_summary_issued_before_keeps_its_stored_pdf(
    client, tree, cast, campaign, merged_commune, django_capture_on_commit_callbacks, tmp_path
):
    summary = issue(make_summary(tree["PV"], campaign, cast["cspl"]), cast["cspl"])
    # Its PDF as it was rendered and stored before the document said which tree.
    html = pdf.render_html(summary)
    assert SENTENCE in html
    before = pdf_sandbox.html_to_pdf(html.replace(SENTENCE, ""), pdf.ARCHIVAL_VARIANT)
    summary.pdf.save("summary.pdf", ContentFile(before), save=False)
    summary.render_state = RS.DONE
    summary.save()
    name, digest = summary.pdf.name, hashlib.sha256(before).hexdigest()
    assert signing.stored_sha256(summary.pdf) == digest

    # Every way a PDF of a summary gets rendered leaves an issued one alone.
    assert summary_tasks.render(summary.pk) == "skipped"
    assert summary_tasks.render(summary.pk, redelivered=True) == "skipped"
    client.force_login(cast["cspl"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(url("reports:summary_retry", summary))
    assert callbacks == []
    assert client.get(url("reports:summary_detail", summary)).status_code == 200
    response = client.get(url("reports:summary_pdf", summary))
    downloaded = b"".join(response.streaming_content)

    summary.refresh_from_db()
    assert (summary.render_state, summary.pdf.name) == (RS.DONE, name)
    stored = summary.pdf.read()
    assert stored == before == downloaded
    assert hashlib.sha256(stored).hexdigest() == digest
    assert SENTENCE not in flat(pdftotext(stored, tmp_path))
