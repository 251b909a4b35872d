"""A campaign's indicators and plausibility rules, read once per process and version.

Every report form and every save needs them, and they change only when an administrator
edits the campaign or its seed is loaded again: at a deadline, reading them for each of a
thousand submissions is most of the reading a submission does. `Campaign.measures_version`
is replaced in the transaction of any such change (the signals below; `campaign.seed` after
its bulk writes), and the views read it with the campaign, so a process never uses lists
older than the campaign row it has just read, whichever process made the change.

The lists are shared by the requests of a process: read them, never change them.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from campaign.models import Campaign, Indicator, PlausibilityRule, new_token

# campaign pk -> (measures_version, indicators, rules); a dict's item is replaced atomically,
# so the threads of a process share it without a lock.
_known: dict[int, tuple[str, list[Indicator], list[PlausibilityRule]]] = {}


def indicators(campaign: Campaign) -> list[Indicator]:
    """The campaign's indicators in their order (a query only when they changed)."""
    return _measures(campaign)[1]


def rules(campaign: Campaign) -> list[PlausibilityRule]:
    """The campaign's plausibility rules with their indicators (`indicator`, `other`)."""
    return _measures(campaign)[2]


def changed(campaign_id: int, campaign: Campaign | None = None) -> None:
    """Give the campaign a new version: its indicators or rules changed (in the caller's
    transaction, so the version commits with the change). `campaign`: the caller's instance
    of it, given the new version too."""
    token = new_token()
    Campaign.objects.filter(pk=campaign_id).update(measures_version=token)
    if campaign is not None:
        campaign.measures_version = token


def _measures(campaign):
    known = _known.get(campaign.pk)
    if known is not None and known[0] == campaign.measures_version:
        return known
    listed = list(Indicator.objects.filter(campaign_id=campaign.pk))
    by_pk = {indicator.pk: indicator for indicator in listed}
    found = list(PlausibilityRule.objects.filter(campaign_id=campaign.pk))
    for rule in found:
        # The rule's indicators are the listed ones: no join, and one object per indicator.
        rule.indicator = by_pk.get(rule.indicator_id)
        rule.other = by_pk.get(rule.other_id)
    known = _known[campaign.pk] = (campaign.measures_version, listed, found)
    return known


@receiver(post_save, sender=Indicator)
@receiver(post_delete, sender=Indicator)
@receiver(post_save, sender=PlausibilityRule)
@receiver(post_delete, sender=PlausibilityRule)
def _measure_saved(sender, instance, **kwargs):
    # The campaign instance the indicator or rule was made with, if any, stays current.
    changed(instance.campaign_id, instance._state.fields_cache.get("campaign"))
