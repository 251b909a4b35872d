"""Rendering an issued summary report's PDF in the background.

`enqueue_render(pk)` runs after the commit that issued the report (or asked for a retry):
it hands the task to the broker, and when the broker is down it marks the render failed
with a message saying to retry, instead of failing the request. The task claims the report
with a conditional UPDATE (queued → rendering, or a rendering left by a killed worker:
once stale, or at once when the broker redelivers the killed worker's message), renders
the HTML here with the database, and WeasyPrint in a child process with a time and memory
cap (`reports.pdf.render_summary_pdf` through `config.pdf_sandbox.run_isolated`); the task
itself has soft and hard time limits above that. The PDF is then signed with the
organisation's certificate when one is configured (`reports.signing.sign_pdf`: PAdES, the
stamp in the signature block; unchanged and unsigned when none is). Success stores the PDF
under MEDIA_ROOT with a random name and marks it done; any failure (signing included) marks
it failed with the reason, and it can be retried. A task delivered twice finds nothing to
claim and does nothing.

Celery discovers tasks in `reports/tasks.py` only: that module imports this one.
"""

import logging
from datetime import timedelta

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from kombu.exceptions import OperationalError

from config import pdf_sandbox
from config.db import on_a_live_connection
from reports import pdf, signing
from reports.models import SummaryReport, summary_pdf_path

log = logging.getLogger(__name__)

RS = SummaryReport.RenderState
SOFT_TIME_LIMIT = pdf_sandbox.RENDER_TIMEOUT + 30
HARD_TIME_LIMIT = pdf_sandbox.RENDER_TIMEOUT + 60
QUEUE_UNAVAILABLE = gettext_lazy(
    "The task queue is unavailable, so the PDF could not be queued. The report is issued; "
    "retry the rendering in a few minutes."
)
# A render still "rendering" after this long belongs to a worker that died: claim it again.
STALE_AFTER = timedelta(seconds=HARD_TIME_LIMIT + 60)


@shared_task(
    bind=True,
    ignore_result=True,
    acks_late=True,
    soft_time_limit=SOFT_TIME_LIMIT,
    time_limit=HARD_TIME_LIMIT,
)
def render_summary(self, pk):
    """Render and store the PDF of issued summary report `pk`. Idempotent."""
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    return render(pk, redelivered=redelivered)


def render(pk: int, *, redelivered: bool = False) -> str:
    """Claim, render and store; returns "done", "failed" or "skipped". Reasons for a
    failure are written in the site's language, whoever's request ran the task.

    `redelivered` says the broker gave this message before to a worker that died with it
    (its pool process was killed, or it never acknowledged within the visibility timeout):
    the render it left "rendering" is claimed again at once instead of after STALE_AFTER.
    Should another run still hold that render, only the latest claim stores its outcome.
    """
    with translation.override(settings.LANGUAGE_CODE):
        return _render(pk, redelivered)


def _render(pk, redelivered=False):
    now = timezone.now()
    left = Q(render_state=RS.RENDERING, render_started_at__lt=now - STALE_AFTER)
    if redelivered:
        left = Q(render_state=RS.RENDERING)
    claimed = (
        SummaryReport.objects.filter(
            pk=pk, status__in=[SummaryReport.Status.ISSUED, SummaryReport.Status.SUPERSEDED]
        )
        .filter(Q(render_state=RS.QUEUED) | left)
        .update(render_state=RS.RENDERING, render_started_at=now, render_error="")
    )
    if not claimed:
        return "skipped"
    summary = SummaryReport.objects.select_related("campaign", "unit").get(pk=pk)
    try:
        content = pdf.render_summary_pdf(summary, isolated=True)
        content = signing.sign_pdf(
            content, organisation=summary.issuer_in_full, signer_name=summary.signer_name
        ).content
    except SoftTimeLimitExceeded:
        return fail(
            pk,
            now,
            _("The rendering took longer than %(seconds)s seconds and was stopped.")
            % {"seconds": SOFT_TIME_LIMIT},
        )
    except pdf_sandbox.RenderError as error:
        return fail(pk, now, str(error))
    except signing.SigningError as error:
        log.warning("Signing summary report %s failed: %s", pk, error)
        return fail(
            pk, now, _("The PDF could not be digitally signed: %(reason)s") % {"reason": error}
        )
    except Exception:  # whatever it is, the report says so and can be retried
        log.exception("Rendering summary report %s failed", pk)
        return fail(pk, now, pdf_sandbox.RENDERER_FAILED)
    return store(summary, content, now)


def store(summary, content, claimed_at):
    """Save the PDF and mark the report done, unless another worker re-claimed it since."""
    storage = summary.pdf.storage
    name = storage.save(summary_pdf_path(summary, "summary.pdf"), ContentFile(content))
    old = summary.pdf.name
    # The connection sat idle through the render and may have been dropped meanwhile.
    try:
        updated = on_a_live_connection(
            lambda: SummaryReport.objects.filter(
                pk=summary.pk, render_state=RS.RENDERING, render_started_at=claimed_at
            ).update(pdf=name, render_state=RS.DONE, render_error="")
        )
    except Exception:
        # The row could not be told, so nothing names the file: it goes, rather than sit
        # on disk for good (the render is retried, by its task or from the page).
        storage.delete(name)
        raise
    if not updated:
        storage.delete(name)
        return "skipped"
    if old and old != name:
        storage.delete(old)
    # Its readers are told at once (the committee's notice): its signature is checked here,
    # not in the first reader's request. A check that fails leaves it to that request.
    try:
        signing.remember_stored(name, content)
    except Exception:
        log.exception("Checking the signature of summary report %s failed", summary.pk)
    return "done"


def fail(pk, claimed_at, reason):
    reason = str(reason)
    log.warning("Summary report %s: %s", pk, reason)
    on_a_live_connection(
        lambda: SummaryReport.objects.filter(
            pk=pk, render_state=RS.RENDERING, render_started_at=claimed_at
        ).update(render_state=RS.FAILED, render_error=reason[:2000])
    )
    return "failed"


def enqueue_render(pk: int) -> None:
    """Hand the render to the broker; if it cannot take it, mark the render failed."""
    try:
        render_summary.delay(pk)
    except OperationalError:
        log.warning("Broker unavailable; summary report %s could not be queued", pk)
        _queue_failed(pk)
    except Exception:  # other broker client errors: the report must not stay "queued"
        log.exception("Queuing summary report %s failed", pk)
        _queue_failed(pk)


def _queue_failed(pk):
    with translation.override(settings.LANGUAGE_CODE):
        reason = str(QUEUE_UNAVAILABLE)
    SummaryReport.objects.filter(pk=pk, render_state=RS.QUEUED).update(
        render_state=RS.FAILED, render_error=reason
    )
