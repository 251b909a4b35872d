"""Steps record whether their e-mails are still to be written (campaign.notifications): the
request records the step with the flag set and a worker writes the outbox rows. Existing
steps had theirs written in their own transaction, so they all start without the flag; the
partial index holds only the few flagged steps the outbox flush looks for."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("campaign", "0017_search_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="step",
            name="emails_pending",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddIndex(
            model_name="step",
            index=models.Index(
                condition=models.Q(("emails_pending", True)),
                fields=["at"],
                name="step_emails_pending",
            ),
        ),
    ]
