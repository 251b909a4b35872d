"""Implausible figures are flagged, not hidden (README.md, "The dashboard").

A campaign keeps its plausibility rules as data (`PlausibilityRule`): one figure at least
another (participants ≥ sessions), a jump against the unit's own figure of last year (more
than `factor` times, or less than a `factor`-th, once either is at least `floor`), and a
most a unit of a kind can report. `flags_for` checks a report's figures against them; the
flags are stored on the report, so that the officer sees them on save, must explain them
before submitting, and the reviewer and the dashboard see them.

Last year's figure of a unit that took others over by merger in the year is the sum of theirs
and its own (`LastYear`): the year after a merger a successor is compared with the work it
carries on, not with its own part of it, and not with nothing.

A flag is plain data ({"rule", "indicator", "value", ...}) and `describe` words it in the
reader's language when it is shown.
"""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from campaign import counting, measures
from campaign.models import (
    AnnualReport,
    Campaign,
    Indicator,
    IndicatorValue,
    Period,
    PlausibilityRule,
    Status,
)
from units import lineage
from units.models import Unit

Kind = PlausibilityRule.Kind


# The statuses of a report that was ever sent: its figures count; a draft's are not figures yet.
SENT = [Status.SUBMITTED, Status.ACCEPTED, Status.RETURNED]


@dataclass
class LastYear:
    """A unit's whole-number figures of the year before, by indicator code, and what they
    are made of.

    For most units, its own sent report of that year. For a unit that took over others by
    merger in the year (DESIGN.md, "The tree over time": a merged unit's reports count under
    its successor), the sum of the sent reports of those predecessors (`merged`, by name)
    and of its own when it sent one (`own`): the work it does now was theirs then. `missing`
    names who was expected to file that year and sent nothing (the unit itself among them
    when it was); `split` names the units split among several successors, this one among
    them, whose own figures cannot be divided. On such a partial base (`partial`) the jump
    rule raises no flag: a base missing a part would make a false jump."""

    values: dict[str, int | None] = field(default_factory=dict)
    own: bool = False
    merged: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    split: list[str] = field(default_factory=list)

    def get(self, code: str, default=None):
        return self.values.get(code, default)

    @property
    def combined(self) -> bool:
        return bool(self.merged)

    @property
    def partial(self) -> bool:
        return bool(self.missing or self.split)

    def notes(self, year: int) -> list[str]:
        """What the figures of `year` (the year before) are made of, in the active language;
        none for a unit's own report alone."""
        notes = []
        words = {"year": year}
        if self.merged:
            words["units"] = ", ".join(self.merged)
            notes.append(
                (
                    _("%(year)s: combined figures, this unit's own and those of %(units)s.")
                    if self.own
                    else _("%(year)s: combined figures of %(units)s.")
                )
                % words
            )
        if self.missing:
            words["units"] = ", ".join(self.missing)
            notes.append(_("Not included: %(units)s sent no report for %(year)s.") % words)
        if self.split:
            words["units"] = ", ".join(self.split)
            notes.append(
                _(
                    "Not included: %(units)s, split among several units: its %(year)s "
                    "figures cannot be divided among them."
                )
                % words
            )
        if self.partial and self.values:
            notes.append(
                _(
                    "The %(year)s figures are incomplete: no figure is flagged for a jump "
                    "against them."
                )
                % words
            )
        return notes


def last_year_values(report: AnnualReport) -> LastYear:
    """The figures of the year before that `report` is compared with (`LastYear`): the
    unit's own sent report of that year (a draft is not a figure yet), with those of the
    units merged into it since. Two queries (three after a merger), none for the campaign's
    first year."""
    period = report.period if report.period_id else None
    by_unit = last_year_values_by_unit(report.campaign, report.year, [report.unit_id], period)
    return by_unit.get(report.unit_id, LastYear())


def last_year_values_by_unit(
    campaign: Campaign, year: int, unit_ids: Iterable[int], period: Period | None = None
) -> dict[int, LastYear]:
    """`last_year_values` of each of `unit_ids` for `campaign`'s `year`, by unit id; a unit
    without figures of `year - 1` and with nothing to say of them is left out. `period`: the
    campaign's period of `year` (read when not given: one query more).

    The units merged into one (units.lineage.forebears, chains followed) count for it when
    they closed in `year`'s period: they stood at the cut-off of the year before and were no
    longer there to report at this one's. Two queries whatever the number of units (the
    units merged or split in the period, the figures), one more when any unit took others
    over (who was expected to file the year before); none for the campaign's first year."""
    unit_ids = list(unit_ids)
    if year - 1 < campaign.first_year or not unit_ids:
        return {}
    if period is None:
        period = Period.objects.filter(campaign=campaign, year=year).first() or Period(
            campaign=campaign, year=year, **Period.defaults(campaign, year)
        )
    since, until = period.starts_on, period.ends_on
    found = lineage.forebears(unit_ids, since, until)
    merged = found.merged
    split = {
        pk: [f for f in forebears if f.kind in campaign.addressed_kinds]
        for pk, forebears in found.split.items()
    }
    carrier = {f.pk: pk for pk, forebears in merged.items() for f in forebears}
    figures = IndicatorValue.objects.filter(
        report__unit_id__in=[*unit_ids, *carrier],
        report__campaign_id=campaign.pk,
        report__year=year - 1,
        report__status__in=SENT,
        indicator__kind=Indicator.Kind.INTEGER,
    ).values_list("report__unit_id", "indicator__code", "int_value")
    sent = {}
    for unit_id, code, value in figures:
        sent.setdefault(unit_id, {})[code] = value
    missing = _not_sent(campaign, since, [*merged, *carrier], sent) if merged else {}
    by_unit = {}
    for pk in unit_ids:
        forebears = merged.get(pk, [])
        last = LastYear(
            own=pk in sent,
            merged=[f.label for f in forebears if f.pk in sent],
            missing=[missing[f] for f in [pk, *(f.pk for f in forebears)] if f in missing],
            split=[f.label for f in split.get(pk, [])],
        )
        parts = [sent[f] for f in [pk, *(f.pk for f in forebears)] if f in sent]
        for codes in parts:
            for code, value in codes.items():
                if value is not None:
                    last.values[code] = (last.values.get(code) or 0) + value
                else:
                    last.values.setdefault(code, None)
        if parts or last.split or last.missing:
            by_unit[pk] = last
    return by_unit


def _not_sent(campaign, since, unit_ids, sent) -> dict[int, str]:
    """Of `unit_ids`, those expected to file the year before (campaign.counting, on that
    year's tree: its cut-off is the day before `since`) that sent no report for it, with
    their names then. One query (and the campaign's acting issuer, read once per
    campaign)."""
    cutoff = since - datetime.timedelta(days=1)
    rows = (
        counting.expected_places(campaign, cutoff)
        .filter(unit_id__in=[pk for pk in unit_ids if pk not in sent])
        .values_list("unit_id", "short_name", "name")
    )
    return {pk: short_name or name for pk, short_name, name in rows}


def flags_for(
    report: AnnualReport,
    values: dict[str, int | None],
    last_year: LastYear | Mapping[str, int | None],
) -> list[dict]:
    """The flags the campaign's rules raise on `values` (whole-number figures by code) of
    `report`'s unit, given its figures of last year (no jump against a partial base, see
    `LastYear`). The rules come from campaign.measures (no query while the campaign's rules
    are unchanged)."""
    flags = []
    for rule in measures.rules(report.campaign):
        if rule.unit_kind and rule.unit_kind != report.unit.kind:
            continue
        codes = (
            [rule.indicator.code]
            if rule.indicator_id
            else [code for code, value in values.items() if value is not None]
        )
        for code in codes:
            flag = _check(rule, code, values, last_year)
            if flag:
                flags.append(flag)
    return flags


def _check(rule, code, values, last_year):
    value = values.get(code)
    if value is None:
        return None
    flag = {"rule": rule.kind, "indicator": code, "value": value}
    if rule.kind == Kind.AT_LEAST:
        other = values.get(rule.other.code)
        if other is not None and value < other:
            return {**flag, "other": rule.other.code, "other_value": other}
    elif rule.kind == Kind.JUMP:
        if getattr(last_year, "partial", False):
            return None
        last = last_year.get(code)
        if last is None or max(value, last) < rule.floor:
            return None
        if value > rule.factor * last or value * rule.factor < last:
            return {**flag, "last": last, "factor": rule.factor}
    elif rule.kind == Kind.MAXIMUM and rule.limit is not None and value > rule.limit:
        return {**flag, "limit": rule.limit, "kind": rule.unit_kind}
    return None


def describe(flag: dict, names: dict[str, str]) -> str:
    """The flag in words, in the active language; `names` maps indicator codes to names."""

    def number(value):
        return number_format(value, force_grouping=True)

    name = names.get(flag["indicator"], flag["indicator"])
    if flag["rule"] == Kind.AT_LEAST:
        return _("%(name)s (%(value)s) is less than %(other)s (%(other_value)s).") % {
            "name": name,
            "value": number(flag["value"]),
            "other": names.get(flag["other"], flag["other"]),
            "other_value": number(flag["other_value"]),
        }
    if flag["rule"] == Kind.JUMP:
        template = (
            _("%(name)s is %(value)s: more than %(factor)s times last year's %(last)s.")
            if flag["value"] > flag["last"]
            else _("%(name)s is %(value)s: less than 1/%(factor)s of last year's %(last)s.")
        )
        return template % {
            "name": name,
            "value": number(flag["value"]),
            "factor": flag["factor"],
            "last": number(flag["last"]),
        }
    kinds = dict(Unit.Kind.choices)
    return _("%(name)s (%(value)s) is more than %(limit)s, the most expected of %(kind)s.") % {
        "name": name,
        "value": number(flag["value"]),
        "limit": number(flag["limit"]),
        "kind": kinds.get(flag.get("kind"), _("one unit")),
    }
