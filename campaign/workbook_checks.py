"""Excel templates of annual reports and plan activities: what goes into them, what an
uploaded one would change, and saving it.

A template of annual reports has one row per unit: the unit it was made for and every unit
below it that owes the year's report (campaign.counting, on that year's tree) and that the
user may file for (the access scope's `can_file_for`), so an upper unit's officer fills in
one workbook for the units it files for. A plan's template has one row per activity, and
empty rows to add more.

Each row of an upload is bound to the web form's own classes (`ReportForm` and `ValuesForm`;
the `ActivityFormSet`), so a cell is checked exactly as the form checks what a browser
sends, and an error is reported at its cell with its column's header ("Trang Báo cáo, ô C7
“Kết quả”: …"). Nothing is saved while the preview is shown: the rows that would change are kept
server-side (`WorkbookUpload`), and confirming saves them as drafts in one transaction,
through the same optimistic locking as the forms (`workflow.save_if_unchanged`). A
submission that cannot be edited, or that changed since the preview, refuses the whole
upload.
"""

import bisect
import datetime
import unicodedata
from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.datastructures import MultiValueDict
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from campaign import counting, plausibility, workbooks, workflow
from campaign.forms import ActivityFormSet, ReportForm, ValuesForm
from campaign.models import (
    EDITABLE,
    MAX_FIGURE,
    MAX_PARTICIPANTS,
    MAX_TEXT_VALUE,
    Activity,
    AnnualReport,
    Campaign,
    Indicator,
    Period,
    Plan,
    WorkbookUpload,
)
from campaign.workbooks import Column, Layout, Parsed, Reference, WorkbookError
from units.access import Scope, open_on, parse_pk
from units.models import Unit

# The workbook holds what a report says, not the register number its office gives it nor
# who signs it (typed on the report's page): a row saved from the workbook leaves them as
# they were.
NARRATIVE = [
    name
    for name in ReportForm._meta.fields
    if name not in ("doc_number", *AnnualReport.SIGNING_FIELDS)
]
ACTIVITY_PREFIX = "activities"
MARK = "x"
MARKS = {"x", "✓", "✔"}
SHOWN_TEXT = 300  # characters of a long text shown in the preview


class StaleUpload(Exception):
    """What the preview showed changed before the confirmation: nothing was saved."""


@dataclass
class Review:
    """What an upload would change, and what is wrong with it.

    `changes` are groups {"title", "action" ("new", "change", "add", "delete"), "rows":
    [[label, old, new]]}; `errors` and `notes` are messages that name their cell; `data`
    is what a confirmation saves (empty when nothing would change or there are errors).
    """

    changes: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    data: dict = field(default_factory=dict)
    # What each choice column's list offers, by key (`offered`).
    offered: dict = field(default_factory=dict)
    _cell_errors: list = field(default_factory=list)

    def cell_error(self, parsed, row_number, key, message):
        position = parsed.columns.index(key) if key in parsed.columns else 0
        self._cell_errors.append(
            (row_number, position, capfirst(f"{parsed.cell(row_number, key)}: {message}"))
        )

    def field_errors(self, parsed, row_number, key, form, name):
        """The errors of `form`'s field `name` at its cell. A value the field's choices
        lack names the values allowed, as the column's list offers them (a column of
        numbers: the field's values): Django's "choose one of the allowed values" left the
        officer to guess them, away from the sheet's list."""
        field = form.fields.get(name)
        for error in form.errors.as_data()[name]:
            if error.code == "invalid_choice" and isinstance(field, forms.TypedChoiceField):
                allowed = self.offered.get(key) or [
                    str(value) for value, _label in field.choices if value not in ("", None)
                ]
                messages = [
                    _("“%(value)s” is not one of the allowed values: choose one of %(allowed)s.")
                    # Quoted: a label may hold a comma ("Tọa đàm, nói chuyện chuyên đề").
                    % {
                        "value": error.params["value"],
                        "allowed": ", ".join(f"“{a}”" for a in allowed),
                    }
                ]
            else:
                messages = error.messages
            for message in messages:
                self.cell_error(parsed, row_number, key, message)

    def finish(self, parsed):
        """Add the cells refused while reading, sort the errors by row and column, note
        the formulas whose values were used; drop the data when anything is wrong."""
        for (row_number, key), message in parsed.problems.items():
            self.cell_error(parsed, row_number, key, message)
        self.errors += [text for _row, _column, text in sorted(self._cell_errors)]
        self.notes += [
            capfirst(
                _("%(cell)s: the last computed value of its formula is used.")
                % {"cell": parsed.cell(row_number, key)}
            )
            for row_number, key in parsed.computed
        ]
        if self.errors or not self.changes:
            self.data = {}
        return self

    @property
    def preview(self):
        return {"changes": self.changes, "errors": self.errors, "notes": self.notes}


# --- annual reports ---------------------------------------------------------------------------
def offered(layout: Layout) -> dict:
    """What the list of each choice column of `layout` offers, by its key."""
    return {column.key: column.choices for column in layout.columns if column.kind == "choice"}


def typed_indicators(campaign: Campaign) -> list[Indicator]:
    """The indicators a unit types for `campaign` (not those the portal counts). One query."""
    return [
        indicator
        for indicator in campaign.indicators.all()
        if not indicator.is_computed(campaign.addressed_kinds)
    ]


def report_layout(campaign: Campaign, year: int, indicators: list[Indicator]) -> Layout:
    columns = [
        Column("code", _("Unit code"), "fixed", width=14),
        Column("name", _("Unit"), "fixed", width=36),
        Column("status", _("Status"), "fixed", width=16),
    ]
    guide_rows = []
    for indicator in indicators:
        header = indicator.name
        if indicator.unit_of_measure:
            header = f"{indicator.name} ({indicator.unit_of_measure})"
        if indicator.kind == Indicator.Kind.INTEGER:
            column = Column(
                ValuesForm.field_name(indicator),
                header,
                "integer",
                limit=MAX_FIGURE,
                help=indicator.help_text,
            )
        else:
            column = Column(
                ValuesForm.field_name(indicator),
                header,
                "text",
                limit=MAX_TEXT_VALUE,
                help=indicator.help_text,
                width=30,
            )
        columns.append(column)
        guide_rows.append(
            [indicator.code, indicator.name, indicator.unit_of_measure, indicator.help_text]
        )
    assessments = tuple(str(label) for _value, label in AnnualReport.Assessment.choices)
    for name in NARRATIVE:
        model_field = AnnualReport._meta.get_field(name)
        label = capfirst(str(model_field.verbose_name))
        help_text = str(model_field.help_text or "")
        if name == "results":
            help_text = _("Required to submit the report.")
        if name == "self_assessment":
            column = Column(name, label, "choice", choices=assessments, width=16)
        else:
            column = Column(
                name, label, "text", limit=model_field.max_length, help=help_text, width=40
            )
        columns.append(column)
        guide_rows.append(["", label, "", help_text])
    return Layout(
        kind=WorkbookUpload.Kind.REPORTS,
        sheet=_("Reports"),
        title=_("Annual results %(year)s – %(campaign)s")
        % {"year": year, "campaign": campaign.reference},
        note=_(
            "One row per unit. Fill in the white cells; the grey ones cannot be changed. Type "
            "values, not formulas. Upload the file under Annual reports → Import from Excel: "
            "nothing is saved before you confirm the preview, and reports are saved as drafts."
        ),
        columns=columns,
        guide_title=_("Indicators"),
        guide_headers=[_("Code"), _("Name"), capfirst(_("unit of measure")), _("Help")],
        guide_rows=guide_rows,
    )


@dataclass
class ReportRow:
    unit: Unit
    report: AnnualReport | None
    editable: bool


def filing_units(scope: Scope, campaign: Campaign, area: Unit, period: Period) -> list[Unit]:
    """`area` and the units below it that owe `period`'s year its report, by the counting
    rule on that year's tree (campaign.counting: one that came into the campaign's area
    since owes nothing for it, one moved out since still does), open today and filed for
    by the user, in the tree's order. One query (plus the campaign's acting issuer, once)."""
    units = (
        Unit.objects.filter(path__startswith=area.path)
        .filter(open_on(scope.today))
        .filter(pk__in=counting.expected_places(campaign, period.ends_on).values("unit_id"))
    )
    return [unit for unit in units.order_by("path") if scope.can_file_for(unit)]


def addressed_units(scope: Scope, campaign: Campaign, area: Unit) -> list[Unit]:
    """`area` and the units below it that `campaign` addresses today and the user files
    for: none when the campaign asks nothing of that area, whatever the year. One query
    (plus the campaign's acting issuer, once)."""
    units = Unit.objects.filter(path__startswith=area.path).filter(open_on(scope.today))
    return [
        unit
        for unit in units.order_by("path")
        if campaign.addresses(unit) and scope.can_file_for(unit)
    ]


def template_areas(units: list[Unit]) -> list[tuple[Unit, int]]:
    """The units to offer a template of annual reports for, out of `units` (those the user
    files for and that file this year), with how many of `units` each template covers.

    A unit's template holds the units below it, so one listed above it is offered alone;
    one below a unit whose template would pass `MAX_ROWS` is offered on its own, as the
    download's refusal asks."""
    by_path = sorted(units, key=lambda unit: unit.path)
    paths = [unit.path for unit in by_path]
    areas, enclosing = [], None
    for index, unit in enumerate(by_path):
        if enclosing is not None and unit.path.startswith(enclosing):
            continue
        # The tree's paths sort a unit's descendants right after it.
        covered = bisect.bisect_right(paths, unit.path + "\uffff", lo=index) - index
        areas.append((unit, covered))
        enclosing = unit.path if covered <= workbooks.MAX_ROWS else None
    return areas


def report_rows(
    scope: Scope, campaign: Campaign, year: int, area: Unit, period: Period
) -> list[ReportRow]:
    """The rows of `area`'s template for `year`: three queries."""
    units = filing_units(scope, campaign, area, period)
    reports = {
        report.unit_id: report
        for report in AnnualReport.objects.filter(campaign=campaign, year=year, unit__in=units)
        .select_related("unit", "campaign", "period")
        .prefetch_related("values")
    }
    new_open = AnnualReport(campaign=campaign, year=year, period=period).filing_open()
    return [
        ReportRow(
            unit,
            reports.get(unit.pk),
            reports[unit.pk].is_editable if unit.pk in reports else new_open,
        )
        for unit in units
    ]


def build_reports(campaign: Campaign, year: int, area: Unit, rows: list[ReportRow]) -> bytes:
    """The template of `rows` (see report_rows). Two queries: the indicators, and the units'
    figures of the year before (none in the campaign's first year)."""
    indicators = typed_indicators(campaign)
    layout = report_layout(campaign, year, indicators)
    written = []
    for row in rows:
        values = {"code": row.unit.code, "name": row.unit.name}
        report = row.report
        status = report.get_status_display() if report else _("Not filed")
        if not row.editable:
            status = _("%(status)s (locked)") % {"status": status}
        values["status"] = status
        if report:
            by_indicator = {value.indicator_id: value for value in report.values.all()}
            for indicator in indicators:
                value = by_indicator.get(indicator.pk)
                if value is not None:
                    values[ValuesForm.field_name(indicator)] = (
                        value.int_value
                        if indicator.kind == Indicator.Kind.INTEGER
                        else value.text_value
                    )
            for name in NARRATIVE:
                values[name] = getattr(report, name)
            values["self_assessment"] = report.get_self_assessment_display()
        written.append(values)
    meta = {
        "kind": layout.kind,
        "sheet": layout.sheet,
        "campaign": campaign.pk,
        "year": year,
        "unit": area.pk,
        "units": [row.unit.pk for row in rows],
        # Each report's version as downloaded: a row whose report was saved on the portal
        # since then is refused rather than written back over that save.
        "versions": [row.report.version if row.report else None for row in rows],
    }
    locked = [index for index, row in enumerate(rows) if not row.editable]
    reference = _last_year(campaign, year, layout, indicators, rows)
    return workbooks.build(layout, meta, written, locked_rows=locked, reference=reference)


def _last_year(campaign, year, layout, indicators, rows) -> Reference | None:
    """The sheet of each row's unit's own whole-number figures of the year before, as the
    report's form shows them under its inputs (`plausibility.last_year_values`), in the
    table's columns (after a merger, with those of the units merged into it, said beside its
    name). Fixed queries; no sheet (and no query) in the campaign's first year or without
    whole-number indicators."""
    figures = [
        (ValuesForm.field_name(indicator), indicator.code)
        for indicator in indicators
        if indicator.kind == Indicator.Kind.INTEGER
    ]
    if year - 1 < campaign.first_year or not figures:
        return None
    # The year's period, from a report when a row has one (its dates bound the mergers counted).
    period = next((row.report.period for row in rows if row.report), None)
    by_unit = plausibility.last_year_values_by_unit(
        campaign, year, [row.unit.pk for row in rows], period
    )
    by_key = {column.key: column for column in layout.columns}
    written = []
    for row in rows:
        last = by_unit.get(row.unit.pk, plausibility.LastYear())
        # After a merger, what the row's figures are made of, beside the unit's name.
        notes = last.notes(year - 1)
        written.append(
            {
                "code": row.unit.code,
                "name": " – ".join([row.unit.name, *notes]),
                **{key: last.get(code) for key, code in figures},
            }
        )
    return Reference(
        sheet=_("%(year)s (for reference)") % {"year": year - 1},
        title=_("Annual results %(year)s – %(campaign)s")
        % {"year": year - 1, "campaign": campaign.reference},
        note=_(
            "For reference: the figures each unit submitted for %(year)s (a blank cell: none "
            "sent). This sheet is not read when the file is uploaded: fill in this year's "
            "figures on the sheet “%(sheet)s”."
        )
        % {"year": year - 1, "sheet": layout.sheet},
        columns=[by_key["code"], by_key["name"], *(by_key[key] for key, _code in figures)],
        rows=written,
    )


def check_reports(
    parsed: Parsed, *, scope: Scope, campaign: Campaign, year: int, area: Unit
) -> Review:
    """What `parsed` would change in the annual reports of `area`'s units for `year`.

    Raises WorkbookError when the file as a whole is refused: made for another campaign,
    year or unit, outdated, or naming a unit the user does not file for (which unit is
    not said). A few queries, plus four per row that changes (the forms' and the
    plausibility rules').
    """
    meta = parsed.meta
    _expect(meta, WorkbookUpload.Kind.REPORTS, campaign=campaign.pk, year=year, unit=area.pk)
    indicators = typed_indicators(campaign)
    layout = report_layout(campaign, year, indicators)
    if meta.get("columns") != layout.keys:
        raise WorkbookError(_outdated())
    ids, versions = meta.get("units"), meta.get("versions")
    if not isinstance(ids, list) or not all(isinstance(pk, int) for pk in ids):
        raise WorkbookError(_outdated())
    if not (
        isinstance(versions, list)
        and len(versions) == len(ids)
        and all(v is None or isinstance(v, int) for v in versions)
    ):
        raise WorkbookError(_made_before())
    downloaded = dict(zip(ids, versions, strict=True))
    units = {unit.pk: unit for unit in Unit.objects.filter(pk__in=ids)}
    period = Period.objects.for_year(campaign, year)
    allowed = {unit.pk for unit in filing_units(scope, campaign, area, period)}
    if set(ids) - allowed:
        raise WorkbookError(
            _(
                "This template lists units you do not file for (now). Download a new template "
                "from your own page and fill it in."
            )
        )
    by_code = {unit.code: unit for unit in units.values()}
    reports = {
        report.unit_id: report
        for report in AnnualReport.objects.filter(
            campaign=campaign, year=year, unit__in=list(units)
        )
        .select_related("unit", "campaign", "period")
        .prefetch_related("values")
    }
    assessments = _choice_lookup(AnnualReport.Assessment.choices)
    review = Review(data={"rows": []}, offered=offered(layout))
    seen = {}
    for row in parsed.rows:
        unit = by_code.get(row.values["code"].strip())
        if unit is None:
            review.cell_error(
                parsed,
                row.number,
                "code",
                _("This is not one of the units of this template. Do not change this column."),
            )
            continue
        if unit.pk in seen:
            review.cell_error(
                parsed,
                row.number,
                "code",
                _("This unit already has a row (row %(row)s).") % {"row": seen[unit.pk]},
            )
            continue
        seen[unit.pk] = row.number
        _check_report_row(
            review,
            parsed,
            row,
            unit,
            reports.get(unit.pk),
            downloaded.get(unit.pk),
            period,
            indicators,
            assessments,
        )
    return review.finish(parsed)


def _check_report_row(
    review, parsed, row, unit, report, downloaded, period, indicators, assessments
):
    editable_keys = [key for key in parsed.columns if key not in ("code", "name", "status")]
    data = {key: row.values.get(key, "") for key in editable_keys}
    data["self_assessment"] = _lookup(assessments, data["self_assessment"])
    if report is None and not any(data.values()):
        return  # a unit left blank: nothing to file
    if report is None:
        instance = AnnualReport(
            unit=unit, campaign=period.campaign, year=period.year, period=period
        )
        before = {}
    else:
        instance = report
        data["version"] = str(report.version)
        before = _report_values(report, indicators)
    form, values = bind_report(instance, data, indicators, report)
    valid = form.is_valid() & values.is_valid()
    if not valid:
        for bound in (form, values):
            for name in bound.errors:
                key = name if name in parsed.columns else "code"
                if (row.number, key) in parsed.problems:
                    continue  # already refused as read
                review.field_errors(parsed, row.number, key, bound, name)
        return
    after = _cleaned_values(form, values, indicators)
    labels = _report_labels(indicators)
    changed = [key for key in labels if not _same(before.get(key), after.get(key))]
    if not changed:
        return
    if (report.version if report else None) != downloaded:
        # Saved (or started) on the portal since the download: what differs may be that
        # save, not the officer's change; writing the row back would undo it.
        review.cell_error(
            parsed,
            row.number,
            "code",
            _(
                "This unit's report was saved on the portal after this template was "
                "downloaded. Download a new template and enter this row's changes in it again."
            ),
        )
        return
    editable = instance.is_editable if report else instance.filing_open()
    if not editable:
        review.cell_error(parsed, row.number, changed[0], _report_refusal(instance))
        return
    review.changes.append(
        {
            "title": f"{unit.code} – {unit.name}",
            "action": "change" if report else "new",
            "rows": [
                [labels[key], _shown(before.get(key), key), _shown(after.get(key), key)]
                for key in changed
            ],
        }
    )
    instance.flags = plausibility.flags_for(
        instance, values.whole_numbers(), plausibility.last_year_values(instance)
    )
    if instance.flags:
        names = {indicator.code: indicator.name for indicator in indicators}
        review.notes.append(
            _("%(unit)s: check these figures: %(flags)s")
            % {
                "unit": unit.name,
                "flags": " ".join(plausibility.describe(flag, names) for flag in instance.flags),
            }
        )
    review.data["rows"].append(
        {
            "unit": unit.pk,
            "report": report.pk if report else None,
            "version": report.version if report else None,
            "data": data,
        }
    )


def bind_report(instance, data, indicators, report=None):
    """The web form's two forms bound to `data` as the report page binds them."""
    existing = {value.indicator_id: value for value in report.values.all()} if report else {}
    return (
        ReportForm(data, instance=instance),
        ValuesForm(data, indicators=indicators, values=existing),
    )


def save_reports(upload: WorkbookUpload, *, scope: Scope) -> int:
    """Save the rows of a confirmed upload as drafts, all or none; return how many reports
    were saved. Raises StaleUpload when anything changed since the preview."""
    campaign, year = upload.campaign, upload.year
    rows = upload.data.get("rows") or []
    indicators = typed_indicators(campaign)
    try:
        with transaction.atomic():
            period = Period.objects.for_year(campaign, year)
            units = {
                unit.pk: unit for unit in Unit.objects.filter(pk__in=[r["unit"] for r in rows])
            }
            reports = {
                report.unit_id: report
                for report in AnnualReport.objects.filter(
                    campaign=campaign, year=year, unit__in=list(units)
                )
                .select_related("unit", "campaign", "period")
                .prefetch_related("values")
            }
            # Still owed for the year (campaign.counting): one query for every row.
            owed = counting.expected_among(campaign, period.ends_on, units.values())
            for row in rows:
                unit = units.get(row["unit"])
                if unit is None or not scope.can_file_for(unit) or unit.pk not in owed:
                    raise StaleUpload
                report = reports.get(unit.pk)
                if (report.pk if report else None) != row["report"]:
                    raise StaleUpload  # started, or removed, by someone else meanwhile
                instance = report or AnnualReport(
                    unit=unit, campaign=campaign, year=year, period=period
                )
                if not (instance.is_editable if report else instance.filing_open()):
                    raise StaleUpload
                form, values = bind_report(instance, row["data"], indicators, report)
                if not (form.is_valid() & values.is_valid()):
                    raise StaleUpload
                instance.flags = plausibility.flags_for(
                    instance, values.whole_numbers(), plausibility.last_year_values(instance)
                )
                # Who entered it, and from which upper unit when on behalf: as the form.
                instance.record_entry(scope.user, scope.filing_on_behalf_from(unit))
                if report is None:
                    saved = form.save()
                    values.save(saved, existing={})
                else:
                    workflow.save_if_unchanged(
                        form.save(commit=False),
                        expected_version=row["version"],
                        fields=[*NARRATIVE, "flags", *AnnualReport.ENTRY_FIELDS],
                    )
                    values.save(report)
    except (workflow.ConflictError, IntegrityError):
        raise StaleUpload from None
    return len(rows)


def _report_values(report, indicators):
    values = {name: getattr(report, name) or "" for name in NARRATIVE}
    by_indicator = {value.indicator_id: value for value in report.values.all()}
    for indicator in indicators:
        value = by_indicator.get(indicator.pk)
        key = ValuesForm.field_name(indicator)
        if indicator.kind == Indicator.Kind.INTEGER:
            values[key] = value.int_value if value else None
        else:
            values[key] = value.text_value if value else ""
    return values


def _cleaned_values(form, values, indicators):
    cleaned = {name: form.cleaned_data.get(name) or "" for name in NARRATIVE}
    for indicator in indicators:
        key = ValuesForm.field_name(indicator)
        value = values.cleaned_data.get(key)
        cleaned[key] = value if indicator.kind == Indicator.Kind.INTEGER else (value or "")
    return cleaned


def _report_labels(indicators):
    labels = {ValuesForm.field_name(indicator): indicator.name for indicator in indicators}
    for name in NARRATIVE:
        labels[name] = capfirst(str(AnnualReport._meta.get_field(name).verbose_name))
    return labels


def _report_refusal(report):
    """Why the row of `report` cannot change, in the report page's words."""
    day = report.period.locks_on.strftime("%d/%m/%Y")
    if report.pk is None:
        return _("Reports for %(year)s locked after %(date)s. Ask a reviewer of an upper unit.") % {
            "year": report.year,
            "date": day,
        }
    if report.status in EDITABLE:
        return _("Reports for %(year)s locked after %(date)s; only a reviewer can reopen it.") % {
            "year": report.year,
            "date": day,
        }
    return _("This report is “%(status)s” and cannot be changed.") % {
        "status": report.get_status_display()
    }


# --- plan activities --------------------------------------------------------------------------
def plan_layout(plan: Plan, themes) -> Layout:
    def label(name):
        return capfirst(str(Activity._meta.get_field(name).verbose_name))

    methods = tuple(str(label) for _value, label in Activity.Method.choices)
    columns = [
        Column("id", _("Activity no."), "fixed", width=10),
        Column("method", label("method"), "choice", choices=methods, width=26),
        *(
            Column(
                f"theme_{theme.pk}",
                theme.number,
                "choice",
                choices=(MARK,),
                help=_("%(number)s. %(title)s – mark “x” if the activity covers it.")
                % {"number": theme.number, "title": theme.title},
                width=7,
            )
            for theme in themes
        ),
        Column(
            "audience",
            label("audience"),
            "text",
            limit=Activity._meta.get_field("audience").max_length,
            width=32,
        ),
        Column(
            "planned_on",
            label("planned_on"),
            "date",
            help=_("A date, or a quarter in the next column."),
            width=13,
        ),
        Column("planned_quarter", label("planned_quarter"), "integer", minimum=1, limit=4),
        Column(
            "expected_participants",
            label("expected_participants"),
            "integer",
            limit=MAX_PARTICIPANTS,
        ),
        Column(
            "delete",
            _("Delete"),
            "choice",
            choices=(MARK,),
            help=_("Mark “x” to remove this activity from the plan."),
            width=9,
        ),
    ]
    return Layout(
        kind=WorkbookUpload.Kind.PLAN,
        sheet=_("Activities"),
        title=_("Activities of the plan of %(unit)s – %(campaign)s")
        % {"unit": plan.unit.name, "campaign": plan.campaign.reference},
        note=_(
            "One row per activity; add new ones in the empty rows. For each content item, mark "
            "“x” under its number. Give a date or a quarter. Upload the file on the plan's "
            "page (Import from Excel): nothing is saved before you confirm the preview."
        ),
        columns=columns,
        guide_title=_("Content"),
        guide_headers=[_("Number"), _("Content")],
        guide_rows=[[theme.number, theme.title] for theme in themes],
    )


def build_plan(plan: Plan) -> bytes:
    """The template of `plan`'s activities, with empty rows up to the most a plan may have.
    Three queries."""
    themes = list(plan.campaign.themes.all())
    layout = plan_layout(plan, themes)
    activities = list(plan.activities.prefetch_related("themes"))
    rows = []
    for activity in activities:
        marked = {theme.pk for theme in activity.themes.all()}
        rows.append(
            {
                "id": activity.pk,
                "method": activity.get_method_display(),
                **{f"theme_{theme.pk}": MARK for theme in themes if theme.pk in marked},
                "audience": activity.audience,
                "planned_on": activity.planned_on,
                "planned_quarter": activity.planned_quarter,
                "expected_participants": activity.expected_participants,
            }
        )
    meta = {
        "kind": layout.kind,
        "sheet": layout.sheet,
        "campaign": plan.campaign_id,
        "unit": plan.unit_id,
        "plan": plan.pk,
        "plan_version": plan.version,  # as downloaded: see check_plan
    }
    blank = max(ActivityFormSet.max_num - len(rows), 0)
    return workbooks.build(layout, meta, rows, blank_rows=blank)


def check_plan(parsed: Parsed, *, plan: Plan) -> Review:
    """What `parsed` would change in `plan`'s activities, checked by the plan page's own
    formset. Raises WorkbookError when the file as a whole is refused."""
    meta = parsed.meta
    _expect(
        meta,
        WorkbookUpload.Kind.PLAN,
        campaign=plan.campaign_id,
        unit=plan.unit_id,
        plan=plan.pk,
    )
    themes = list(plan.campaign.themes.all())
    layout = plan_layout(plan, themes)
    if meta.get("columns") != layout.keys:
        raise WorkbookError(_outdated())
    if not isinstance(meta.get("plan_version"), int):
        raise WorkbookError(_made_before())
    activities = {activity.pk: activity for activity in plan.activities.prefetch_related("themes")}
    methods = _choice_lookup(Activity.Method.choices)
    quarters = _choice_lookup(Activity._meta.get_field("planned_quarter").choices)
    review = Review(offered=offered(layout))
    existing, new, seen = [], [], {}
    for row in parsed.rows:
        values = row.values
        fields = {
            "method": _lookup(methods, values["method"]),
            "themes": [],
            "audience": values["audience"],
            "planned_on": values["planned_on"],
            "planned_quarter": _lookup(quarters, values["planned_quarter"]),
            "expected_participants": values["expected_participants"],
        }
        for key in [f"theme_{theme.pk}" for theme in themes] + ["delete"]:
            mark = values[key].strip()
            if mark and mark.casefold() not in MARKS:
                review.cell_error(
                    parsed, row.number, key, _("Mark with “x” or leave the cell empty.")
                )
            elif mark and key != "delete":
                fields["themes"].append(key.removeprefix("theme_"))
        deleted = bool(values["delete"].strip())
        raw_id = values["id"].strip()
        if not raw_id:
            if not deleted:
                new.append((row, fields))
            continue
        activity_id = parse_pk(raw_id)
        if activity_id not in activities:
            review.cell_error(
                parsed, row.number, "id", _("This activity is not part of this plan.")
            )
            continue
        if activity_id in seen:
            review.cell_error(
                parsed,
                row.number,
                "id",
                _("This activity already has a row (row %(row)s).") % {"row": seen[activity_id]},
            )
            continue
        seen[activity_id] = row.number
        fields["id"] = str(activity_id)
        if deleted:
            fields["DELETE"] = "on"
        existing.append((row, fields))
    ordered = existing + new
    if not ordered:
        return review.finish(parsed)
    data = _formset_data(ordered, len(existing))
    formset = bind_plan(plan, data)
    if formset.is_valid():
        _plan_changes(review, formset, ordered, activities, themes)
    else:
        columns = {"themes": f"theme_{themes[0].pk}" if themes else "method"}
        for form, (row, _fields) in zip(formset.forms, ordered, strict=False):
            for name in form.errors:
                key = columns.get(name, name)
                if key not in parsed.columns:
                    key = "id" if row.values["id"].strip() else "method"
                if (row.number, key) in parsed.problems:
                    continue
                review.field_errors(parsed, row.number, key, form, name)
        review.errors += [f"{parsed.sheet}: {message}" for message in formset.non_form_errors()]
    if review.changes and meta["plan_version"] != plan.version:
        # Saved on the portal since the download: what differs may be that save, not the
        # officer's change; writing the template back would undo it.
        review.errors.append(
            _(
                "This plan was saved on the portal after this template was downloaded. "
                "Download a new template and enter your changes in it again."
            )
        )
    if review.changes:
        review.data = {"version": plan.version, "post": dict(data.lists())}
    return review.finish(parsed)


def bind_plan(plan, data):
    """The plan page's activities formset, bound to `data`."""
    return ActivityFormSet(
        data,
        instance=plan,
        prefix=ACTIVITY_PREFIX,
        form_kwargs={"campaign": plan.campaign},
        queryset=plan.activities.prefetch_related("themes"),
    )


def save_plan(upload: WorkbookUpload, *, scope: Scope) -> int:
    """Save a confirmed upload's activities, all or none; return how many activities were
    added, changed or removed. Raises StaleUpload when the plan changed since the preview."""
    try:
        with transaction.atomic():
            plan = Plan.objects.select_related("unit", "campaign").get(pk=upload.plan_id)
            if not scope.can_file_for(plan.unit):
                raise StaleUpload
            # Who entered it, and from which upper unit when on behalf: as the plan page.
            plan.record_entry(scope.user, scope.filing_on_behalf_from(plan.unit))
            # Locks the plan and checks it is still editable and unchanged since the preview.
            workflow.save_if_unchanged(
                plan, expected_version=upload.data["version"], fields=[*Plan.ENTRY_FIELDS]
            )
            formset = bind_plan(plan, MultiValueDict(upload.data["post"]))
            if not formset.is_valid():
                raise StaleUpload
            formset.save()
            return (
                len(formset.new_objects)
                + len(formset.changed_objects)
                + len(formset.deleted_objects)
            )
    except (workflow.ConflictError, Plan.DoesNotExist, IntegrityError):
        raise StaleUpload from None


def _formset_data(ordered, initial):
    data = MultiValueDict()
    data[f"{ACTIVITY_PREFIX}-TOTAL_FORMS"] = str(len(ordered))
    data[f"{ACTIVITY_PREFIX}-INITIAL_FORMS"] = str(initial)
    data[f"{ACTIVITY_PREFIX}-MIN_NUM_FORMS"] = "0"
    data[f"{ACTIVITY_PREFIX}-MAX_NUM_FORMS"] = str(ActivityFormSet.max_num)
    for index, (_row, fields) in enumerate(ordered):
        for name, value in fields.items():
            key = f"{ACTIVITY_PREFIX}-{index}-{name}"
            if name == "themes":
                data.setlist(key, value)
            else:
                data[key] = value
    return data


def _plan_changes(review, formset, ordered, activities, themes):
    numbers = {str(theme.pk): theme for theme in themes}
    labels = {
        "method": capfirst(str(Activity._meta.get_field("method").verbose_name)),
        "themes": capfirst(str(Activity._meta.get_field("themes").verbose_name)),
        "audience": capfirst(str(Activity._meta.get_field("audience").verbose_name)),
        "planned_on": capfirst(str(Activity._meta.get_field("planned_on").verbose_name)),
        "planned_quarter": capfirst(str(Activity._meta.get_field("planned_quarter").verbose_name)),
        "expected_participants": capfirst(
            str(Activity._meta.get_field("expected_participants").verbose_name)
        ),
    }
    for form, (row, fields) in zip(formset.forms, ordered, strict=True):
        activity = activities.get(int(fields["id"])) if "id" in fields else None
        after = _activity_shown(form.cleaned_data, numbers)
        if activity is None:
            if not form.has_changed():
                continue
            review.changes.append(
                {
                    "title": _("Row %(row)s") % {"row": row.number},
                    "action": "add",
                    "rows": [[labels[k], "", v] for k, v in after.items() if v],
                }
            )
            continue
        before = _activity_shown(
            {
                "method": activity.method,
                "themes": list(activity.themes.all()),
                "audience": activity.audience,
                "planned_on": activity.planned_on,
                "planned_quarter": activity.planned_quarter,
                "expected_participants": activity.expected_participants,
            },
            numbers,
        )
        title = _("Activity no. %(number)s: %(activity)s") % {
            "number": activity.pk,
            "activity": str(activity),
        }
        if form.cleaned_data.get("DELETE"):
            review.changes.append(
                {
                    "title": title,
                    "action": "delete",
                    "rows": [[labels[k], v, ""] for k, v in before.items() if v],
                }
            )
            continue
        changed = [[labels[k], before[k], after[k]] for k in labels if before[k] != after[k]]
        if changed:
            review.changes.append({"title": title, "action": "change", "rows": changed})


def _activity_shown(values, themes_by_pk):
    methods = dict(Activity.Method.choices)
    quarters = dict(Activity._meta.get_field("planned_quarter").choices)
    chosen = sorted(
        (themes_by_pk.get(str(theme.pk)) or theme for theme in values.get("themes") or []),
        key=lambda theme: theme.sort_key,
    )
    day = values.get("planned_on")
    participants = values.get("expected_participants")
    return {
        "method": str(methods.get(values.get("method"), "")),
        "themes": ", ".join(theme.number for theme in chosen),
        "audience": values.get("audience") or "",
        "planned_on": day.strftime("%d/%m/%Y") if day else "",
        "planned_quarter": str(quarters.get(values.get("planned_quarter"), "")),
        "expected_participants": ""
        if participants is None
        else number_format(participants, force_grouping=True),
    }


# --- shared -----------------------------------------------------------------------------------
def _outdated():
    return _(
        "This template is out of date: the campaign's indicators or content changed since it "
        "was made. Download a new template and copy your values into it."
    )


def _made_before():
    return _(
        "This template was made by an earlier version of the portal. Download a new template "
        "and copy your values into it."
    )


def _expect(meta, kind, **expected):
    """Refuse a template made for something else (a WorkbookError that says what)."""
    if meta.get("kind") != kind:
        if meta.get("kind") == WorkbookUpload.Kind.PLAN:
            raise WorkbookError(
                _("This is a template of a plan's activities. Upload it on that plan's page.")
            )
        raise WorkbookError(
            _("This is a template of annual reports. Upload it under Annual reports.")
        )
    if "campaign" in expected and meta.get("campaign") != expected["campaign"]:
        raise WorkbookError(
            _("This template was made for another campaign. Download this campaign's template.")
        )
    if "year" in expected and meta.get("year") != expected["year"]:
        raise WorkbookError(
            _("This template is for %(found)s, not %(year)s. Download the template of %(year)s.")
            % {"found": meta.get("year"), "year": expected["year"]}
        )
    if "plan" in expected and meta.get("plan") != expected["plan"]:
        raise WorkbookError(
            _("This template was made for another plan. Download this plan's template.")
        )
    if "unit" in expected and meta.get("unit") != expected["unit"]:
        raise WorkbookError(
            _(
                "This template was made for another unit. Download the template from the page "
                "you upload it on."
            )
        )


def _normal(text):
    return " ".join(unicodedata.normalize("NFC", str(text)).casefold().split())


def _choice_lookup(choices):
    """The stored value of each choice by its label, in the site's language and in English
    (a template downloaded in either), and by the value itself."""
    lookup = {}
    for language in dict.fromkeys([translation.get_language(), settings.LANGUAGE_CODE, "en"]):
        with translation.override(language):
            for value, label in choices:
                lookup[_normal(label)] = str(value)
    for value, _label in choices:
        lookup[_normal(value)] = str(value)
    return lookup


def _lookup(lookup, text):
    """The stored value for a label; what was typed, for the form to refuse, otherwise."""
    return lookup.get(_normal(text), text) if text else text


def _same(old, new):
    if old in (None, "") and new in (None, ""):
        return True
    if isinstance(old, str) and isinstance(new, str):
        # A text read back from a cell has its line breaks as "\n"; browsers send "\r\n".
        return old.replace("\r\n", "\n") == new.replace("\r\n", "\n")
    return old == new


def _shown(value, key):
    if value is None:
        return ""
    if isinstance(value, int):
        return number_format(value, force_grouping=True)
    if key == "self_assessment":
        return str(dict(AnnualReport.Assessment.choices).get(value, value))
    text = str(value)
    return text if len(text) <= SHOWN_TEXT else text[: SHOWN_TEXT - 1] + "…"


def discard_expired(now: datetime.datetime | None = None) -> None:
    """Remove the uploads nobody confirmed in time. One query."""
    WorkbookUpload.objects.filter(expires_at__lte=now or timezone.now()).delete()
