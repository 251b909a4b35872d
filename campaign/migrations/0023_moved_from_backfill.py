"""Plans and reports a merger moved before `moved_from` existed: the unit they came from
and the day, from their history.

A merger moves an open submission when its unit closes (campaign.reorganisations), and
records a `move` step. The unit it came from is the one its history last shows before
today's; the day is that unit's closing day, the merger's effective date.
"""

from django.db import migrations


def backfill(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Step = apps.get_model("campaign", "Step")
    Unit = apps.get_model("units", "Unit")
    for model_name in ("plan", "annualreport"):
        content_type = ContentType.objects.filter(app_label="campaign", model=model_name).first()
        if content_type is None:
            continue
        Model = apps.get_model("campaign", model_name)
        History = apps.get_model("campaign", f"historical{model_name}")
        ids = set(
            Step.objects.filter(content_type=content_type, action="move").values_list(
                "object_id", flat=True
            )
        )
        for submission in Model.objects.filter(pk__in=ids, moved_from__isnull=True):
            units = History.objects.filter(id=submission.pk).order_by(
                "-history_date", "-history_id"
            )
            before = next(
                (u for u in units.values_list("unit_id", flat=True) if u != submission.unit_id),
                None,
            )
            closed_on = Unit.objects.filter(pk=before).values_list("closed_on", flat=True).first()
            if before is None or closed_on is None:
                continue
            Model.objects.filter(pk=submission.pk).update(moved_from_id=before, moved_on=closed_on)


def forget(apps, schema_editor):
    for model_name in ("plan", "annualreport"):
        apps.get_model("campaign", model_name).objects.update(moved_from=None, moved_on=None)


class Migration(migrations.Migration):
    dependencies = [
        ("campaign", "0022_submission_moved_from"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(backfill, forget)]
