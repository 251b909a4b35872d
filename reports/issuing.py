"""Issuing a summary report: the draft becomes a numbered, dated, signed document.

`summary_issue` runs in one transaction: lock the draft, check that its unit is still open
on the day of issue (`issue_refusal`) and that it is complete (no field it prints empty or a
placeholder), freeze the figures, take its number from the register of its unit and year,
mark it issued by the user, keep its parties as the unit's letterhead, queue its PDF, and
mark the version it corrects superseded. The PDF is queued after the
commit (`reports.summary_tasks.enqueue_render`), so a rollback never leaves a render of a
report that was not issued.

`summary_correct` starts the correction of an issued report: a new draft with its text, to
be issued under a number of its own.

A draft of a unit that has closed is not issued, and is no longer changed either
(`change_refusal`): its edit page shows it read only, and neither a save nor a rewrite of
its text from today's figures writes anything in it. It can still be read and discarded.
"""

import datetime
import functools

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports import delivery, parties, pdf, prefill, summary_tasks
from reports.models import DOCUMENT_FIELDS, NARRATIVE_FIELDS, DocumentRegister, SummaryReport
from reports.rollup import Rollup
from units.models import User
from units.reorganisations import closed_refusal

S = SummaryReport.Status
RS = SummaryReport.RenderState
DRAFT_CHANGED = gettext_lazy(
    "Someone saved this draft after you opened it. Read it again below before you act on it."
)
# A page that sends no version (a tampered one, or one drawn before its buttons carried it)
# cannot show that its reader read the draft as it is: it is refused as a stale page is.
NO_VERSION = gettext_lazy(
    "The page you acted from did not say which version of this draft it showed, so nothing "
    "was done. Read the draft below, then act on it again."
)


class AlreadyIssuedError(Exception):
    """The summary is no longer a draft: someone issued it meanwhile."""


class FiguresChangedError(Exception):
    """The figures moved since the draft's text was written: `changes` says which."""

    def __init__(self, changes):
        self.changes = changes
        super().__init__("; ".join(changes))


def changes_since_drafted(summary: SummaryReport, rollup_json: dict) -> list[str]:
    """How the figures of `rollup_json` (`Rollup.as_json`) differ from those the text of
    `summary` was written from (`reports.prefill.figure_changes`)."""
    names = {i["code"]: i["name"] for i in rollup_json["indicators"]}
    return prefill.figure_changes(summary, rollup_json["headline"], names)


def changes_since_issued(summary: SummaryReport, result: Rollup) -> list[str]:
    """How today's figures `result` (a `reports.rollup.Rollup` of `summary`'s campaign, year,
    unit and inclusion) differ from those the issued `summary` froze: one phrase a figure
    ("reports added up: 23 → 24"), none when they stand or nothing was frozen. No query."""
    frozen = (summary.rollup_snapshot or {}).get("rollup")
    if not frozen:
        return []
    names = {i.code: i.name for i in result.indicators}
    # Only what was frozen is compared: a figure the rollup has learnt since is no change.
    frozen = frozen["headline"]
    before = {k: v for k, v in prefill.written_from(frozen).items() if k in frozen}
    return prefill.headline_changes(before, result.headline, names)


def _closed_reason(summary: SummaryReport, day: datetime.date) -> str | None:
    """Why `summary`'s unit issues nothing on `day`, having closed by then
    (`units.reorganisations.closed_refusal`: its closing day, and its successor, one query
    when it merged), or None while it is open."""
    unit = summary.unit
    if unit.closed_on is None or unit.closed_on > day:
        return None
    return closed_refusal(unit, day)


def issue_refusal(summary: SummaryReport, day: datetime.date) -> str | None:
    """Why the draft `summary` cannot be issued on `day` because its unit has closed by
    then, or None when its unit is open that day.

    A summary is a document in its unit's name, with its letterhead and a number of its
    register, and a unit that has closed issues no more documents: whatever date the draft
    carries (one dated before the closing would still be issued, signed and numbered after
    it). The reason names the closing day, and the unit it merged into
    (`units.reorganisations.closed_refusal`). One query when the unit merged (its
    successor)."""
    reason = _closed_reason(summary, day)
    if reason is None:
        return None
    return _(
        "%(reason)s This draft cannot be issued: a summary report is a document in its "
        "unit's name, and a unit that has closed issues no more. It can still be read, or "
        "discarded."
    ) % {"reason": reason}


def change_refusal(summary: SummaryReport, day: datetime.date) -> str | None:
    """Why the draft `summary` cannot be changed on `day` because its unit has closed by
    then, or None when its unit is open that day.

    Such a draft is never issued (`issue_refusal`), so nothing more is written in it: not
    its text, not the figures it is written from. It is read, and discarded. The reason
    names the closing day, and the unit it merged into
    (`units.reorganisations.closed_refusal`). One query when the unit merged (its
    successor)."""
    reason = _closed_reason(summary, day)
    if reason is None:
        return None
    return _(
        "%(reason)s This draft can no longer be changed or issued: a summary report is a "
        "document in its unit's name, and a unit that has closed issues no more. It can "
        "still be read, or discarded."
    ) % {"reason": reason}


def correction_refusal(summary: SummaryReport, day: datetime.date) -> str | None:
    """Why the issued `summary` cannot be corrected on `day`, or None when it can.

    From its unit's closing day the unit's summaries are history, as its submissions are
    (`Submission.closed_with_unit`): a correction is a new document in the unit's name,
    dated the day it is started, and a unit that has closed issues no more documents
    (`issue_refusal`). So none is started (`summary_correct`). The reason names the closing
    day, and the unit it merged into (`units.reorganisations.closed_refusal`). One query
    when the unit merged (its successor)."""
    reason = _closed_reason(summary, day)
    if reason is None:
        return None
    return _(
        "%(reason)s This report stays as it was issued: a correction would be a new "
        "document in the name of a unit that has closed."
    ) % {"reason": reason}


def summary_issue(
    *,
    summary: SummaryReport,
    user: User,
    expected_version: int | None = None,
    issued_on: datetime.date | None = None,
) -> SummaryReport:
    """Issue the draft `summary` as `user` and return it, issued: status, issuer and
    time set, the figures frozen in `rollup_snapshot`, its PDF queued after the commit, and
    the version it corrects (if any) marked superseded.

    The caller has checked that `user` may write the summary (`reports.summary.get_summary`
    with `write=True`). Raises AlreadyIssuedError when it is no longer a draft,
    FiguresChangedError when the figures moved since its text was written, and
    ValidationError when it cannot be issued: saved by someone since the page the user
    issued it from showed `expected_version` (code "changed"; the page's view requires it,
    None is for a caller that is not a page, such as the demo issuing what it has just
    written), its unit closed on or before `issued_on` (code "closed", `issue_refusal`;
    `issued_on` is today unless a caller replays history, as the demo issuing in January
    2025 the reports of units closed since), a field it prints is missing or a placeholder
    (by field, `SummaryReport.issue_problems` on `issued_on`: a document dated after its
    day of issue is refused), or its figures are not available; then nothing is written and
    no number is used. Locks the row, then the register of its unit and year from the
    moment the number is taken until the commit (so that two issues at once number in turn,
    and a failure gives the number back); the figures' queries are the rollup's
    (`reports.pdf.freeze`).
    """
    with transaction.atomic():
        current = SummaryReport.objects.select_for_update().get(pk=summary.pk)
        if current.status != S.DRAFT:
            raise AlreadyIssuedError
        if expected_version is not None and current.version != expected_version:
            # Nobody issues, under the register's number, a text they have not read.
            raise ValidationError(DRAFT_CHANGED, code="changed")
        day = issued_on or timezone.localdate()
        refusal = issue_refusal(current, day)
        if refusal:
            raise ValidationError(refusal, code="closed")
        problems = current.issue_problems(day)
        if problems:
            raise ValidationError(problems)
        current.status = S.ISSUED
        current.issued_by = user
        current.issued_at = timezone.now()
        current.rollup_snapshot = pdf.freeze(current)
        changes = changes_since_drafted(current, current.rollup_snapshot["rollup"])
        if changes:
            # Its text quotes other figures than its tables would print.
            raise FiguresChangedError(changes)
        # Last, so that the register stays locked for as short a time as can be.
        current.serial_year = current.dated_on.year
        current.serial = DocumentRegister.take(current.unit, current.serial_year)
        current.number = f"{current.serial}/{current.number_code.strip()}"
        current.full_clean()
        parties.remember(current)
        current.render_state = RS.QUEUED
        current.render_started_at = current.issued_at
        current.render_error = ""
        try:
            with transaction.atomic():
                current.save()
        except IntegrityError:
            raise ValidationError(_("Another summary report already has this number.")) from None
        if current.supersedes_id:
            SummaryReport.objects.filter(pk=current.supersedes_id, status=S.ISSUED).update(
                status=S.SUPERSEDED
            )
        transaction.on_commit(functools.partial(summary_tasks.enqueue_render, current.pk))
        delivery.deliver_issued_summary(current)  # notices now, e-mails after the commit
    return current


def summary_correct(*, summary: SummaryReport, user: User, day: datetime.date) -> SummaryReport:
    """Start, as `user` on `day`, a correction of the issued `summary` and return it: a new
    draft that `supersedes` it, dated `day`, with its document's and narrative's fields,
    and no number yet (it takes its own at issue). The issued one is kept, and marked
    superseded once the correction is issued (`summary_issue`).

    The caller has checked that `user` may write the summary and that it is the current
    issued version (`reports.summary.get_summary` with `write=True`). Raises
    ValidationError (code "closed", `correction_refusal`), with nothing written, when its
    unit has closed by `day`: `day` is today unless a caller replays history, as the demo
    correcting in 2025 a report of a unit closed since. Raises IntegrityError, with nothing
    written, when the version already has a correction (one started meanwhile). Two
    queries for the parties of the two dates (`reports.parties.refresh`), and the insert.
    """
    refusal = correction_refusal(summary, day)
    if refusal:
        raise ValidationError(refusal, code="closed")
    correction = SummaryReport(
        campaign=summary.campaign,
        year=summary.year,
        unit=summary.unit,
        include=summary.include,
        supersedes=summary,
        created_by=user,
        dated_on=day,
        **{name: getattr(summary, name) for name in DOCUMENT_FIELDS if name != "dated_on"},
        **{name: getattr(summary, name) for name in NARRATIVE_FIELDS},
    )
    correction.number = ""
    # Dated `day`: the names its author left as prefilled take that day's (a renaming since).
    parties.refresh(correction, summary.dated_on)
    if summary.rollup_snapshot:  # its text quotes the figures the issued one froze
        correction.drafted_from = prefill.written_from(
            summary.rollup_snapshot["rollup"]["headline"]
        )
    # A savepoint: a correction started meanwhile leaves the caller's transaction usable.
    with transaction.atomic():
        correction.save()
    return correction
