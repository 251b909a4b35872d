"""Implausible figures are flagged, not hidden (README.md, "The dashboard").

A campaign keeps its plausibility rules as data (`PlausibilityRule`): one figure at least
another (participants ≥ sessions), a jump against the unit's own figure of last year (more
than `factor` times, or less than a `factor`-th, once either is at least `floor`), and a
most a unit of a kind can report. `flags_for` checks a report's figures against them; the
flags are stored on the report, so that the officer sees them on save, must explain them
before submitting, and the reviewer and the dashboard see them.

A flag is plain data ({"rule", "indicator", "value", ...}) and `describe` words it in the
reader's language when it is shown.
"""

from collections.abc import Iterable

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from campaign import measures
from campaign.models import (
    AnnualReport,
    Campaign,
    Indicator,
    IndicatorValue,
    PlausibilityRule,
    Status,
)
from units.models import Unit

Kind = PlausibilityRule.Kind


# The statuses of a report that was ever sent: its figures count; a draft's are not figures yet.
SENT = [Status.SUBMITTED, Status.ACCEPTED, Status.RETURNED]


def last_year_values(report: AnnualReport) -> dict[str, int | None]:
    """The unit's own whole-number figures of the year before, by indicator code, from its
    report of that year if it was ever submitted (a draft is not a figure yet). One query,
    none for the campaign's first year."""
    by_unit = last_year_values_by_unit(report.campaign, report.year, [report.unit_id])
    return by_unit.get(report.unit_id, {})


def last_year_values_by_unit(
    campaign: Campaign, year: int, unit_ids: Iterable[int]
) -> dict[int, dict[str, int | None]]:
    """`last_year_values` of each of `unit_ids` for `campaign`'s `year`, by unit id; a unit
    without a sent report of `year - 1` is left out. One query whatever the number of
    units, none for the campaign's first year."""
    unit_ids = list(unit_ids)
    if year - 1 < campaign.first_year or not unit_ids:
        return {}
    figures = IndicatorValue.objects.filter(
        report__unit_id__in=unit_ids,
        report__campaign_id=campaign.pk,
        report__year=year - 1,
        report__status__in=SENT,
        indicator__kind=Indicator.Kind.INTEGER,
    ).values_list("report__unit_id", "indicator__code", "int_value")
    by_unit = {}
    for unit_id, code, value in figures:
        by_unit.setdefault(unit_id, {})[code] = value
    return by_unit


def flags_for(
    report: AnnualReport, values: dict[str, int | None], last_year: dict[str, int | None]
) -> list[dict]:
    """The flags the campaign's rules raise on `values` (whole-number figures by code) of
    `report`'s unit, given its figures of last year. The rules come from campaign.measures
    (no query while the campaign's rules are unchanged)."""
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
