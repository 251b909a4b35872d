"""The Excel downloads of the working lists: the review queues, the obstacles, the inspection
and supervision visits. The CSPL board copied these lists into spreadsheets by hand.

A download lists what its page lists for the same reader and query string: the results of
the page's own FilterSet (`campaign.listing.filter_results`), every page of them, in the
page's order. Above the table, what the list is, the filters applied and when it was
exported. Dates are real dates, figures numbers (campaign.spreadsheets).

Each costs the queries of its page's filter form and one for the rows, whatever their
number. The file is written in openpyxl's write-only mode (campaign.spreadsheets), yet a
row still costs about half a millisecond of CPU (README, "Review queues and Excel lists"):
a list longer than `settings.LIST_DOWNLOAD_MAX_ROWS` is not written, so that no download
comes near gunicorn's 30 s. Its reader is sent back to the list, filters kept, and asked to
narrow it.
"""

from collections.abc import Callable, Iterable
from typing import NamedTuple

from django.conf import settings
from django.contrib import messages
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django_filters import FilterSet
from openpyxl import Workbook

from campaign.listing import days_waiting, filter_results, queue_filter
from campaign.models import AnnualReport, Inspection, Plan
from campaign.queues import QUEUE_SORTS, WAITING, last_step
from campaign.spreadsheets import (
    DATE,
    DATETIME,
    MARK,
    YEAR,
    V,
    local_now,
    naive_local,
    sheet_title,
    workbook_response,
    write_table,
)
from units.access import Scope


class Column(NamedTuple):
    """A column of a list's table: its header and its cell for a row's object."""

    header: str
    cell: Callable[[object], V]


def _unit_columns() -> list[Column]:
    return [
        Column(gettext_lazy("Unit"), lambda item: V(item.unit.name)),
        Column(gettext_lazy("Unit code"), lambda item: V(item.unit.code)),
    ]


def _field_label(model, name) -> str:
    """A field's name as a column header: as the forms and the admin call it."""
    return capfirst(model._meta.get_field(name).verbose_name)


def _label(field: str, of: Callable[[object], object] = lambda item: item):
    """A row's label of `field` (a choice) as `get_<field>_display()` gives it, for the row's
    object or the one `of` it (its unit), asked once per value: Django builds the field's
    choices, each label translated and hashed, on every call: the whole report queue's cells
    took 3.6 s of CPU with it, 2.6 s without (README, "Review queues and Excel lists").
    Made afresh for each download (the reader's language)."""
    labels = {}

    def label(item):
        owner = of(item)
        value = getattr(owner, field)
        if value not in labels:
            labels[value] = getattr(owner, f"get_{field}_display")()
        return labels[value]

    return label


def _unit(item):
    return item.unit


def _local_day(moment):
    return None if moment is None else timezone.localdate(moment)


def _last(item, part):
    """A part of the queue row's last step (campaign.queues.last_step), or None."""
    step = last_step(item)
    return None if step is None else getattr(step, part)


def _last_by(item):
    """Who took the queue row's last step, with the unit they acted for as the page shows
    it (named as on the step's day, left out when it is the row's own), or None."""
    step = last_step(item)
    if step is None or not step.actor:
        return None
    return f"{step.actor} ({step.actor_unit})" if step.actor_unit else step.actor


def _submission_columns(model, today) -> list[Column]:
    """What a queue shows of a plan or report after its own columns."""
    status = _label("status")
    return [
        Column(
            gettext_lazy("Status"),
            # As `status_label` names it.
            lambda item: V(item.status_label if item.was_reopened else status(item)),
        ),
        Column(
            _field_label(model, "submitted_at"),
            lambda item: V(naive_local(item.submitted_at), DATETIME),
        ),
        Column(gettext_lazy("Days waiting"), lambda item: V(days_waiting(item, today))),
        # The page's "Last step" in three cells: what, who, and a real date to sort by.
        Column(gettext_lazy("Last step"), lambda item: V(_last(item, "label"))),
        Column(gettext_lazy("Last step by"), lambda item: V(_last_by(item))),
        Column(
            gettext_lazy("Last step on"),
            lambda item: V(_local_day(_last(item, "at")), DATE),
        ),
        Column(
            _field_label(model, "entered_from"),
            lambda item: V(item.entered_from.name if item.entered_from_id else None),
        ),
    ]


def plan_queue_columns(today) -> list[Column]:
    kind = _label("kind", _unit)
    return [
        *_unit_columns(),
        Column(gettext_lazy("Unit kind"), lambda plan: V(kind(plan))),
        Column(gettext_lazy("Campaign"), lambda plan: V(plan.campaign.reference)),
        *_submission_columns(Plan, today),
        Column(gettext_lazy("Activities"), lambda plan: V(plan.activity_count)),
    ]


def report_queue_columns(today) -> list[Column]:
    kind, timeliness = _label("kind", _unit), _label("timeliness")
    return [
        *_unit_columns(),
        Column(gettext_lazy("Unit kind"), lambda report: V(kind(report))),
        Column(gettext_lazy("Campaign"), lambda report: V(report.campaign.reference)),
        Column(gettext_lazy("Year"), lambda report: V(report.year, YEAR)),
        *_submission_columns(AnnualReport, today),
        Column(
            gettext_lazy("Sent on time or late"),
            lambda report: V(capfirst(timeliness(report)) or None),
        ),
        Column(_field_label(AnnualReport, "flags"), lambda report: V(len(report.flags or ()))),
    ]


def obstacle_columns(today) -> list[Column]:
    status = _label("status")
    return [
        Column(gettext_lazy("Subject"), lambda obstacle: V(obstacle.subject)),
        *_unit_columns(),
        Column(gettext_lazy("Campaign"), lambda obstacle: V(obstacle.campaign.reference)),
        Column(gettext_lazy("Raised by"), lambda obstacle: V(str(obstacle.raised_by))),
        Column(gettext_lazy("Raised on"), lambda obstacle: V(_local_day(obstacle.raised_at), DATE)),
        Column(gettext_lazy("Answer by"), lambda obstacle: V(obstacle.answer_by, DATE)),
        Column(gettext_lazy("Status"), lambda obstacle: V(status(obstacle))),
        Column(
            gettext_lazy("Overdue"),
            lambda obstacle: V(MARK if obstacle.is_overdue(today) else None),
        ),
    ]


def inspection_columns(today) -> list[Column]:
    kind, follow_up = _label("kind"), _label("follow_up")
    return [
        Column(gettext_lazy("Date of the visit"), lambda visit: V(visit.visited_on, DATE)),
        *_unit_columns(),
        Column(gettext_lazy("Kind"), lambda visit: V(kind(visit))),
        Column(gettext_lazy("Campaign"), lambda visit: V(visit.campaign.reference)),
        Column(gettext_lazy("Follow-up"), lambda visit: V(follow_up(visit))),
        Column(
            _field_label(Inspection, "recommendations_due_on"),
            lambda visit: V(visit.recommendations_due_on, DATE),
        ),
        Column(
            gettext_lazy("Marked done by the unit"),
            lambda visit: V(_local_day(visit.done_at), DATE),
        ),
        Column(gettext_lazy("Recorded by"), lambda visit: V(str(visit.recorded_by))),
    ]


# --- the downloads --------------------------------------------------------------------------------
# Each queue's title (waiting for review, or any other status), file name, columns and page.
QUEUES = {
    Plan: (
        gettext_lazy("Plans waiting for review"),
        gettext_lazy("Plans"),
        "ke-hoach",
        plan_queue_columns,
        "campaign:review_queue",
    ),
    AnnualReport: (
        gettext_lazy("Annual reports waiting for review"),
        gettext_lazy("Annual reports"),
        "bao-cao-nam",
        report_queue_columns,
        "campaign:report_queue",
    ),
}


def queue_download(request: HttpRequest, queryset, filter_class: type[FilterSet]) -> HttpResponse:
    """The reviewer queue of `queryset`'s plans or annual reports as `request` asks for its
    page (campaign.listing.queue_filter: reviewers only), every row of it."""
    queue, data, sort = queue_filter(request, queryset, filter_class)
    waiting_title, title, stem, columns, page = QUEUES[queryset.model]
    if data.get("status") == WAITING:
        title, stem = waiting_title, f"{stem}-cho-xem-xet"
    order = (pgettext("how a list is sorted", "Order"), QUEUE_SORTS[sort][0])
    today = Scope.for_request(request).today
    return list_download(request, queue, str(title), stem, columns(today), page, more=[order])


def obstacle_download(request: HttpRequest, found: FilterSet) -> HttpResponse:
    """The obstacle list of `found` (the page's FilterSet), every row of it."""
    columns = obstacle_columns(Scope.for_request(request).today)
    title = _("Obstacles raised by units")
    return list_download(request, found, title, "vuong-mac", columns, "campaign:obstacle_list")


def inspection_download(request: HttpRequest, found: FilterSet) -> HttpResponse:
    """The list of visits of `found` (the page's FilterSet), every row of it."""
    columns = inspection_columns(Scope.for_request(request).today)
    title = _("Inspection and supervision visits")
    page = "campaign:inspection_list"
    return list_download(request, found, title, "kiem-tra-giam-sat", columns, page)


def list_download(
    request: HttpRequest,
    found: FilterSet,
    title: str,
    stem: str,
    columns: list[Column],
    page: str,
    more: Iterable[tuple[str, str]] = (),
) -> HttpResponse:
    """An .xlsx of what `found` lists, titled `title`, under its filters (and the `more`
    settings, as the list's order), named `stem` and today's date; or, when it lists more than
    `settings.LIST_DOWNLOAD_MAX_ROWS`, a redirect to the list's `page` (a view name) with the
    same query string and a message asking to narrow it: never a file cut short. One query for
    the rows (at most the bound and one more are read)."""
    limit = settings.LIST_DOWNLOAD_MAX_ROWS
    items = list(filter_results(found)[: limit + 1])
    if len(items) > limit:
        messages.warning(
            request,
            _(
                "This list has more than %(limit)s rows, too many for one Excel file. Narrow "
                "it with the filters (campaign, year, status…) and download it again."
            )
            % {"limit": number_format(limit, force_grouping=True)},
        )
        query = request.GET.urlencode()
        return redirect(reverse(page) + (f"?{query}" if query else ""))
    rows = ([column.cell(item) for column in columns] for item in items)
    now = local_now()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title(title, set()))
    write_table(
        sheet,
        [column.header for column in columns],
        rows,
        freeze_column="B",
        above=[
            [V(title)],
            [V(_("Filters: %(filters)s") % {"filters": filters_text(found, more)})],
            [V(_("Exported on %(moment)s") % {"moment": f"{now:%d/%m/%Y %H:%M}"})],
        ],
    )
    return workbook_response(workbook, f"{stem}-{now:%Y-%m-%d}.xlsx")


def filters_text(found: FilterSet, more: Iterable[tuple[str, str]] = ()) -> str:
    """The filters set on `found`'s form, as the form names them ("Status: Submitted;
    Year: 2025"), then `more`; "no filter" when none is set; and that nothing is listed when one
    is not valid (as the page shows nothing then). Call after `found.is_valid()`."""
    form = found.form
    applied = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in (None, ""):
            continue
        if isinstance(value, Model):
            shown = str(value)
        elif isinstance(value, bool):
            # A yes-or-no filter offers its own words for each answer.
            shown = dict(field.widget.choices).get("true" if value else "false", value)
        else:
            shown = dict(field.choices).get(value, value)
        applied.append((field.label, shown))
    text = "; ".join(f"{label}: {shown}" for label, shown in [*applied, *more])
    if form.errors:
        text = _("a filter is not valid, so nothing is listed") + (f"; {text}" if text else "")
    return text or _("no filter")
