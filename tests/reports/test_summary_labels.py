"""The summary report's forms and page in Vietnamese: the document's own words, where the
model's verbose names share msgids with other models' fields and read wrong."""

import re

from django.urls import reverse

from reports.models import SummaryReport
from tests.reports.summaries import campaign_with_reports, make_summary

RS = SummaryReport.RenderState
# What the shared msgids say, each right for its own model and wrong on a summary report.
BORROWED = ("Số liệu từ ngày", "Số người nhận", "Số thứ tự")


def labels(page):
    """Each form field's label text, by field name, without the required marker."""
    found = re.findall(r'<label\s+for="id_(\w+)"[^>]*>(.*?)</label>', page, re.DOTALL)
    return {name: re.sub(r"<[^>]+>|\*", "", text).strip() for name, text in found}


def test_the_create_form_says_which_reports_the_figures_come_from(client, tree, cast):
    campaign_with_reports(tree)
    client.force_login(cast["cspl"])
    page = client.get(reverse("reports:summary_create")).content.decode()
    assert labels(page)["include"] == "Số liệu từ"
    assert not any(words in page for words in BORROWED)


def test_the_edit_form_names_the_document_number_and_its_recipients(client, tree, cast):
    summary = make_summary(tree["PV"], campaign_with_reports(tree), cast["cspl"])
    client.force_login(cast["cspl"])
    page = client.get(reverse("reports:summary_edit", args=[summary.pk])).content.decode()
    found = labels(page)
    assert (found["include"], found["number_code"], found["recipients"]) == (
        "Số liệu từ",
        "Ký hiệu",
        "Nơi nhận",
    )
    assert not any(words in page for words in BORROWED)


def test_the_page_marks_the_messages_that_say_the_pdf_is_on_its_way(
    client, tree, cast, django_capture_on_commit_callbacks
):
    """The page's script brings these flash messages up to date once the PDF is ready (or
    takes them down once it failed), and finds them by the texts the page lists: the same
    as the messages, translated, each with its words for a ready PDF."""
    summary = make_summary(tree["PV"], campaign_with_reports(tree), cast["cspl"])
    client.force_login(cast["cspl"])

    def message_and_stale(action, data=None):
        with django_capture_on_commit_callbacks(execute=False):  # the PDF stays queued
            response = client.post(reverse(action, args=[summary.pk]), data or {}, follow=True)
        page = response.content.decode()
        (message,) = re.findall(r'<div class="alert alert-success" role="alert">(.*?)</div>', page)
        found = re.findall(r'<template data-status-stale data-done="(.*?)">(.*?)</template>', page)
        return message, {text: done for done, text in found}

    message, stale = message_and_stale("reports:summary_issue", {"version": summary.version})
    assert "Tệp PDF đang được tạo" in message
    assert stale[message] == "Đã ban hành báo cáo. Tệp PDF đã sẵn sàng."
    SummaryReport.objects.filter(pk=summary.pk).update(render_state=RS.FAILED)
    message, stale = message_and_stale("reports:summary_retry")
    assert message == "Đã đưa việc tạo PDF vào hàng chờ lại."
    assert stale[message] == "Tệp PDF đã sẵn sàng."
