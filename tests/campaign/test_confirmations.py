"""Sending for review and removing a file ask first: the buttons carry the question in
data-confirm, read by a static script (no inline script under the strict CSP). The forms
are ordinary POST forms, so without JavaScript they still work."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.urls import reverse

from campaign.models import Attachment, Period
from tests.campaign.upload_files import PDF_BYTES

pytestmark = pytest.mark.usefixtures("media")

SCRIPT = "js/data_confirm.js"


def buttons(html):
    """(form action, button text, data-confirm) of every POST form's submit buttons."""
    found = []
    for form in re.finditer(
        r'<form[^>]*method="post"[^>]*action="([^"]+)"[^>]*>(.*?)</form>', html, re.S
    ):
        for button in re.finditer(r"<button([^>]*)>(.*?)</button>", form.group(2), re.S):
            confirm = re.search(r'data-confirm="([^"]*)"', button.group(1))
            found.append((form.group(1), button.group(2).strip(), confirm and confirm.group(1)))
    return found


def inline_scripts(html):
    return [tag for tag in re.findall(r"<script[^>]*>", html) if "src=" not in tag]


def test_the_plan_page_asks_before_submitting_and_before_removing_the_only_scan(
    client, cast, plan_a1
):
    client.force_login(cast["officer_a1"])
    html = client.get(plan_a1.get_absolute_url()).content.decode()
    found = {action: (text, confirm) for action, text, confirm in buttons(html)}
    submit = found[reverse("campaign:plan_submit", args=[plan_a1.pk])]
    assert submit[0] == "Gửi xem xét"
    assert submit[1].startswith("Gửi kế hoạch này để xem xét?")
    [scan] = plan_a1.attachments.all()
    remove = found[reverse("campaign:attachment_delete", args=[plan_a1.pk, scan.pk])]
    assert remove[0] == "Gỡ bỏ"
    assert "Đây là bản quét đã ký duy nhất" in remove[1]
    assert "ke-hoach.pdf" in remove[1]
    assert f'<script src="{settings.STATIC_URL}{SCRIPT}"></script>' in html
    assert inline_scripts(html) == []


def test_with_two_files_removing_one_asks_a_plainer_question(client, cast, plan_a1):
    Attachment.objects.create(
        plan=plan_a1,
        file=ContentFile(PDF_BYTES, name="phu-luc.pdf"),
        original_name="phu-luc.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
        uploaded_by=cast["officer_a1"],
    )
    client.force_login(cast["officer_a1"])
    html = client.get(plan_a1.get_absolute_url()).content.decode()
    questions = [confirm for _a, text, confirm in buttons(html) if text == "Gỡ bỏ"]
    assert questions == [
        "Gỡ bỏ “ke-hoach.pdf” khỏi kế hoạch?",
        "Gỡ bỏ “phu-luc.pdf” khỏi kế hoạch?",
    ]


def test_the_report_page_and_form_ask_before_submitting(
    client, cast, tree, campaign, report_factory
):
    report = report_factory(tree["A1"], campaign, 2016)
    Period.objects.filter(pk=report.period_id).update(locks_on="2100-01-01")
    client.force_login(cast["officer_a1"])
    html = client.get(report.get_absolute_url()).content.decode()
    submit = [
        c for a, _t, c in buttons(html) if a == reverse("campaign:report_submit", args=[report.pk])
    ]
    assert submit == [
        "Gửi báo cáo năm này để xem xét? Trong khi đang được xem xét, đơn vị không sửa được."
    ]
    form = client.get(reverse("campaign:report_edit", args=[report.pk])).content.decode()
    assert re.search(r'name="save_and_submit"[^>]*data-confirm="Lưu và gửi báo cáo năm này', form)
    # Saving a draft asks nothing.
    assert re.search(r'<button type="submit" class="btn btn-outline-primary">Lưu bản nháp', form)
    assert SCRIPT in form


def test_without_javascript_the_submit_form_still_works(client, cast, plan_a1):
    # The question is only an attribute: a plain POST of the form submits the plan.
    client.force_login(cast["officer_a1"])
    response = client.post(reverse("campaign:plan_submit", args=[plan_a1.pk]))
    assert response.status_code == 302
    plan_a1.refresh_from_db()
    assert plan_a1.status == "submitted"


def test_the_script_reads_data_confirm_and_cancels_the_submit_when_refused():
    source = Path(finders.find(SCRIPT)).read_text(encoding="utf-8")
    assert 'getAttribute("data-confirm")' in source
    assert "window.confirm(" in source
    assert "event.preventDefault()" in source
