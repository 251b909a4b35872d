"""Campaigns shipped as data: load a campaign, its content items and indicators from JSON.

The file holds the campaign's fields, `issuer_code` (the issuing unit's code), a list of
`themes` ({"number", "title"}) and a list of `indicators` ({"code", "name",
"unit_of_measure", "kind", "order", "help_text", "source", "counted_kind"}) and, optionally,
a list of plausibility `rules` ({"kind", "indicator", "other", "factor", "floor", "limit",
"unit_kind"}, indicators by code). Keys starting with "_" are comments and ignored.

Loading creates or updates the campaign by slug, its themes by number (the parent follows
from the dotted number: "2.1" sits under "2") and its indicators by code. Every object is
checked with full_clean before it is saved and the whole load is one transaction, so a bad
file changes nothing. Loading the same file twice changes nothing. Themes and indicators
that are no longer in the file are left alone: plans and reports may refer to them.
"""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from campaign import measures
from campaign.models import Campaign, Indicator, PlausibilityRule, Theme
from units.models import Unit

DEFAULT_CAMPAIGN = Path(__file__).resolve().parent / "data" / "cchc_2015.json"

CAMPAIGN_REQUIRED = (
    "slug",
    "number",
    "title",
    "issuer_code",
    "issued_on",
    "directive",
    "first_year",
    "plan_due_on",
)
CAMPAIGN_OPTIONAL = (
    "last_year",
    "report_due_day",
    "report_due_month",
    "cutoff_day",
    "cutoff_month",
    "addressed_kinds",
    "themes",
    "indicators",
    "rules",
)
THEME_REQUIRED = ("number", "title")
INDICATOR_REQUIRED = ("code", "name")
RULE_REQUIRED = ("kind",)
RULE_OPTIONAL = ("indicator", "other", "factor", "floor", "limit", "unit_kind")
INDICATOR_OPTIONAL = ("unit_of_measure", "kind", "order", "help_text", "source", "counted_kind")


class CampaignDataError(ValueError):
    """The campaign file cannot be read or does not describe a campaign."""


def load_campaign_file(path: str | Path) -> tuple[Campaign, bool]:
    """Create or update the campaign described by the JSON file at `path`.

    Returns the campaign and whether it was created. Raises CampaignDataError when the file
    is missing, is not JSON, lacks a field or names an unknown issuing unit, and
    ValidationError when a value is invalid; in both cases nothing is saved.
    """
    path = Path(path)
    try:
        # utf-8-sig: a file saved by an older Notepad starts with a byte-order mark.
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as error:
        raise CampaignDataError(_("File not found: %(file)s") % {"file": path}) from error
    except (OSError, UnicodeDecodeError) as error:
        raise CampaignDataError(
            _("Cannot read %(file)s: %(error)s") % {"file": path, "error": error}
        ) from error
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise CampaignDataError(
            _("%(file)s is not valid JSON: %(error)s") % {"file": path, "error": error}
        ) from error
    try:
        return load_campaign(data)
    except (TypeError, AttributeError) as error:
        # A value of the wrong kind where the file's format wants another (a number for a
        # date, a list for a code): what was loaded is rolled back with the transaction.
        raise CampaignDataError(
            _("%(file)s holds a value of the wrong kind: %(error)s")
            % {"file": path, "error": error}
        ) from error


@transaction.atomic
def load_campaign(data) -> tuple[Campaign, bool]:
    """Create or update a campaign from already parsed data (see load_campaign_file)."""
    _check_keys(data, CAMPAIGN_REQUIRED, CAMPAIGN_OPTIONAL, _("the campaign"))
    code = data["issuer_code"]
    issuer = Unit.objects.filter(code=code).first()
    if issuer is None:
        raise CampaignDataError(
            _(
                "No unit has the code %(code)s, so the campaign has no issuing unit. "
                "Import the units first."
            )
            % {"code": code}
        )

    campaign = Campaign.objects.filter(slug=data["slug"]).first()
    created = campaign is None
    if created:
        campaign = Campaign(slug=data["slug"])
    fields = {
        name: value
        for name, value in data.items()
        if name in CAMPAIGN_REQUIRED + CAMPAIGN_OPTIONAL
        and name not in ("slug", "issuer_code", "themes", "indicators", "rules")
    }
    _upsert(campaign, {**fields, "issuer": issuer}, _("the campaign"))

    _load_themes(campaign, _as_list(data.get("themes", []), "themes"))
    _load_indicators(campaign, _as_list(data.get("indicators", []), "indicators"))
    if "rules" in data:
        _load_rules(campaign, _as_list(data["rules"], "rules"))
    return campaign, created


# --- internals -----------------------------------------------------------------------------------
def _load_themes(campaign, items):
    by_number = {theme.number: theme for theme in campaign.themes.all()}
    seen = set()
    checked = []
    for item in items:
        _check_keys(item, THEME_REQUIRED, (), _("a content item"))
        number = item["number"]
        if not isinstance(number, str):
            raise CampaignDataError(
                _('Write content item numbers as text, e.g. "2.1", not %(number)s.')
                % {"number": json.dumps(number)}
            )
        if number in seen:
            raise CampaignDataError(
                _("Content item %(number)s appears twice.") % {"number": number}
            )
        seen.add(number)
        checked.append(item)
    # Parents before their sub-items, whatever the order in the file.
    checked.sort(key=lambda item: item["number"].count("."))
    for item in checked:
        number = item["number"]
        parent = None
        if "." in number:
            parent_number = number.rsplit(".", 1)[0]
            parent = by_number.get(parent_number)
            if parent is None:
                raise CampaignDataError(
                    _("Content item %(number)s has no parent item %(parent)s.")
                    % {"number": number, "parent": parent_number}
                )
        theme = by_number.get(number) or Theme(campaign=campaign, number=number)
        where = _("content item %(number)s") % {"number": number}
        _upsert(theme, {"parent": parent, "title": item["title"]}, where)
        by_number[number] = theme


def _load_indicators(campaign, items):
    by_code = {indicator.code: indicator for indicator in campaign.indicators.all()}
    seen = set()
    for position, item in enumerate(items, start=1):
        _check_keys(item, INDICATOR_REQUIRED, INDICATOR_OPTIONAL, _("an indicator"))
        code = item["code"]
        if code in seen:
            raise CampaignDataError(_("Indicator %(code)s appears twice.") % {"code": code})
        seen.add(code)
        indicator = by_code.get(code) or Indicator(campaign=campaign, code=code)
        values = {
            "name": item["name"],
            "unit_of_measure": item.get("unit_of_measure", ""),
            "kind": item.get("kind", Indicator.Kind.INTEGER),
            "order": item.get("order", position),
            "help_text": item.get("help_text", ""),
            "source": item.get("source", Indicator.Source.TYPED),
            "counted_kind": item.get("counted_kind", ""),
        }
        _upsert(indicator, values, _("indicator %(code)s") % {"code": code})


def _load_rules(campaign, items):
    """The campaign's plausibility rules become exactly the file's: kept when unchanged,
    so that loading the same file twice changes nothing."""
    indicators = {indicator.code: indicator for indicator in campaign.indicators.all()}
    wanted = []
    for position, item in enumerate(items, start=1):
        _check_keys(item, RULE_REQUIRED, RULE_OPTIONAL, _("a plausibility rule"))
        where = _("plausibility rule %(number)s") % {"number": position}
        rule = PlausibilityRule(campaign=campaign, kind=item["kind"])
        for name in ("indicator", "other"):
            code = item.get(name)
            if code is not None and code not in indicators:
                raise CampaignDataError(
                    _("%(what)s names the unknown indicator %(code)s.")
                    % {"what": capfirst(where), "code": code}
                )
            setattr(rule, name, indicators.get(code))
        for name in ("factor", "floor", "limit", "unit_kind"):
            if name in item:
                setattr(rule, name, item[name])
        try:
            rule.full_clean()
        except ValidationError as error:
            raise ValidationError(_messages(error, where)) from error
        wanted.append(rule)
    existing = list(campaign.plausibility_rules.all())
    if sorted(map(_rule_key, existing), key=repr) != sorted(map(_rule_key, wanted), key=repr):
        campaign.plausibility_rules.all().delete()
        PlausibilityRule.objects.bulk_create(wanted)
        measures.changed(campaign.pk, campaign)  # bulk_create sends no signal


def _rule_key(rule):
    return (
        rule.kind,
        rule.indicator_id,
        rule.other_id,
        rule.factor,
        rule.floor,
        rule.limit,
        rule.unit_kind,
    )


def _upsert(obj, values, where):
    """Set `values` on `obj`, check it, and save it only if it is new or has changed."""
    before = None if obj.pk is None else _values(obj)
    for name, value in values.items():
        setattr(obj, name, value)
    try:
        obj.full_clean()
    except ValidationError as error:
        raise ValidationError(_messages(error, where)) from error
    if before is None or _values(obj) != before:
        obj.save()


def _values(obj):
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


def _messages(error, where):
    if not hasattr(error, "error_dict"):
        return [f"{capfirst(where)}: {message}" for message in error.messages]
    return [
        f"{capfirst(where)}, {field}: {message}"
        for field, messages in error.message_dict.items()
        for message in messages
    ]


def _check_keys(item, required, optional, where):
    if not isinstance(item, dict):
        raise CampaignDataError(_("Describe %(what)s as a JSON object.") % {"what": where})
    missing = [key for key in required if key not in item]
    if missing:
        raise CampaignDataError(
            _("%(what)s lacks: %(keys)s.") % {"what": capfirst(where), "keys": ", ".join(missing)}
        )
    unknown = [
        key
        for key in item
        if key not in required and key not in optional and not key.startswith("_")
    ]
    if unknown:
        raise CampaignDataError(
            _("%(what)s has unknown fields: %(keys)s.")
            % {"what": capfirst(where), "keys": ", ".join(unknown)}
        )


def _as_list(value, key):
    if not isinstance(value, list):
        raise CampaignDataError(_("%(key)s must be a JSON list.") % {"key": key})
    return value
