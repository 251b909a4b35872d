"""Who was e-mailed reminders about which units, read from the outbox. Used by
the test_reminder_*.py files and test_reminder_digest.py."""

from django.urls import reverse

from campaign.models import Notification, Reminder


def units_mailed() -> dict[str, list[str]]:
    """{username: the codes of the units their reminder e-mails link to, as often as linked}:
    how many times each person was e-mailed about each unit, read from the outbox by the
    link every reminder gives to where its unit files (one line ends with it), whether the
    e-mail names one unit or lists several."""
    links = {}
    for reminder in Reminder.objects.select_related("unit"):
        if reminder.what == "plan":
            path = reverse("campaign:plan_start", args=[reminder.campaign_id, reminder.unit_id])
        else:
            args = [reminder.campaign_id, reminder.unit_id, reminder.year]
            path = reverse("campaign:report_start", args=args)
        links[path] = reminder.unit.code
    mailed = {}
    for notification in Notification.objects.select_related("recipient"):
        lines = notification.body.splitlines()
        codes = [code for path, code in links.items() for line in lines if line.endswith(path)]
        mailed.setdefault(notification.recipient.username, []).extend(codes)
    return {name: sorted(codes) for name, codes in mailed.items()}
