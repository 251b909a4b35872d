"""A summary report's PDF render that times out or runs out of memory on a real worker: the
report is marked failed with the reason, the page offers a retry, and the retry succeeds.

The first worker renders with a tiny limit (through tests/faults/worker_settings.py); the
retry is served by a worker with the production limits, as after an administrator raised
them or the load that slowed the render went away.
"""

import json
import time

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from config import pdf_sandbox
from reports import summary_tasks
from reports.models import SummaryReport
from tests.faults.waiting import wait_for
from tests.reports.summaries import campaign_with_reports, issue, make_summary

RS = SummaryReport.RenderState


def in_vietnamese(message, **values):
    """`message` (a message id, or a lazy message) in Vietnamese, with `values` put in."""
    with translation.override("vi"):
        text = str(message) if isinstance(message, Promise) else _(message)
        return text % values if values else text


FAULTS = {
    # The WeasyPrint child cannot finish in 50 ms; it is killed and the task says so.
    "timeout": (
        {"FAULTS_PDF_TIMEOUT": "0.05"},
        [
            in_vietnamese(
                "The rendering took longer than %(seconds)s seconds and was stopped.",
                seconds=0.05,
            )
        ],
    ),
    # 16 MiB more address space is far from the ~150 MiB a render needs: the child fails
    # to allocate, and dies or reports it, depending on where the allocation failed.
    "memory": (
        {"FAULTS_PDF_MEMORY_LIMIT": str(16 * 1024 * 1024)},
        [
            in_vietnamese(
                "The rendering needed more than %(megabytes)s MiB of memory and was stopped.",
                megabytes=16,
            ),
            in_vietnamese(
                "The rendering process stopped unexpectedly (exit code %(code)s).", code=""
            )
            .split("(")[0]
            .strip(),
            in_vietnamese(pdf_sandbox.RENDERER_FAILED),
        ],
    ),
}


def state(summary):
    summary.refresh_from_db()
    return summary.render_state


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_render_that_fails_on_the_worker_is_marked_failed_and_a_retry_succeeds(
    fault, app_on_private_redis, fault_worker, tree, cast, client
):
    limits, reasons = FAULTS[fault]
    campaign = campaign_with_reports(tree)
    summary = make_summary(tree["PV"], campaign, cast["cspl"])
    client.force_login(cast["cspl"])
    limited = fault_worker(env=limits, pool="prefork")

    response = client.post(
        reverse("reports:summary_issue", args=[summary.pk]), {"version": summary.version}
    )
    assert response.status_code == 302
    limited.wait_until(lambda: state(summary) == RS.FAILED, "the render failing", 60)
    assert any(summary.render_error.startswith(reason) for reason in reasons), summary.render_error
    assert not summary.pdf
    status = json.loads(client.get(reverse("reports:summary_status", args=[summary.pk])).content)
    assert status["retry"] and not status["pending"]
    assert status["error"] == summary.render_error
    page = client.get(reverse("reports:summary_detail", args=[summary.pk])).content.decode()
    assert reverse("reports:summary_retry", args=[summary.pk]) in page
    limited.stop()

    fault_worker(pool="prefork")  # production limits
    started = time.monotonic()
    response = client.post(reverse("reports:summary_retry", args=[summary.pk]))
    assert response.status_code == 302
    wait_for(lambda: state(summary) in (RS.DONE, RS.FAILED), "the retried render ending", 90)
    assert summary.render_state == RS.DONE, summary.render_error
    assert summary.render_error == ""
    with summary.pdf.open("rb") as stored:
        assert stored.read(5) == b"%PDF-"
    assert time.monotonic() - started < 60


# A pool process killed mid-render is put back by its worker at once (reject on worker
# lost), and the broker marks the message redelivered. The render it left "rendering" is
# not stale yet; a redelivered task may take it over, and only the latest claim stores.
def test_a_redelivered_render_takes_over_the_render_its_dead_worker_left(tree, cast):
    summary = issue(
        make_summary(tree["PV"], campaign_with_reports(tree), cast["cspl"]), cast["cspl"]
    )
    SummaryReport.objects.filter(pk=summary.pk).update(
        render_state=RS.RENDERING, render_started_at=timezone.now()
    )
    task = summary_tasks.render_summary
    task.push_request(delivery_info={"redelivered": False})
    try:
        assert task.run(summary.pk) == "skipped"  # a first delivery leaves a live render be
    finally:
        task.pop_request()
    task.push_request(delivery_info={"redelivered": True})
    try:
        assert task.run(summary.pk) == "done"
    finally:
        task.pop_request()
    assert state(summary) == RS.DONE and summary.pdf
