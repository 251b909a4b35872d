"""A scan stored by a request whose transaction then rolled back is left on disk without its
row; the daily sweep removes such files once a day old, and nothing an attachment names."""

import datetime
import os
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaign.file_sweep import sweep_orphan_files
from campaign.models import Attachment, Status
from campaign.tasks import sweep_orphan_files as sweep_task
from tests.campaign.filings import make_report
from tests.campaign.upload_files import PDF_BYTES

YEAR = 2024
NOW = datetime.datetime(YEAR, 12, 1, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


# Today is 01/12/2024, 09:00 in Viet Nam (tests/campaign/conftest.py).
pytestmark = pytest.mark.usefixtures("clock")


def stored_files(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def age(path, days):
    """Set the file's modification time `days` before the frozen now."""
    moment = (NOW - datetime.timedelta(days=days)).timestamp()
    os.utime(path, (moment, moment))


def test_a_refused_save_and_submit_leaves_its_scan_for_the_sweep(
    client, cast, tree, campaign, media
):
    report = make_report(tree["A1"], campaign, YEAR)
    client.force_login(cast["officer_a1"])
    scan = SimpleUploadedFile("bao cao.pdf", PDF_BYTES, content_type="application/pdf")
    data = {
        "results": report.results,
        "self_assessment": report.self_assessment,
        "version": str(report.version),
        "value_sessions": "",  # the figure the submit needs
        "file": scan,
        "save_and_submit": "1",
    }
    response = client.post(reverse("campaign:report_edit", args=[report.pk]), data)
    assert response.status_code == 200  # refused, the input kept
    report.refresh_from_db()
    assert report.status == Status.DRAFT and not Attachment.objects.exists()
    # The scan was stored before the refusal rolled its row back.
    [orphan] = stored_files(media)
    assert orphan.startswith(f"reports/{report.pk}/")

    assert sweep_orphan_files() == []  # too young: its row might still be committing
    age(media / orphan, days=2)
    assert sweep_orphan_files() == [orphan]
    assert stored_files(media) == []


def test_the_sweep_keeps_every_file_an_attachment_names(cast, tree, campaign, media):
    report = make_report(tree["A1"], campaign, YEAR)
    kept = Attachment(
        report=report,
        original_name="bao cao.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
        uploaded_by=cast["officer_a1"],
    )
    kept.file.save("scan.pdf", ContentFile(PDF_BYTES))
    old_orphan = media / "plans" / "7" / "0123456789abcdef.pdf"
    young_orphan = media / "plans" / "7" / "fedcba9876543210.pdf"
    for path in (old_orphan, young_orphan):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(PDF_BYTES)
    for path in (media / kept.file.name, old_orphan):
        age(path, days=30)
    age(young_orphan, days=0.5)

    assert sweep_task.apply().get() == 1  # the task, run here as a worker would run it
    assert stored_files(media) == sorted([kept.file.name, "plans/7/fedcba9876543210.pdf"])
    assert sweep_orphan_files() == []  # a second run has nothing left to do


def test_the_sweep_runs_daily_on_beat():
    entry = django_settings.CELERY_BEAT_SCHEDULE["sweep-orphan-files"]
    assert entry["task"] == sweep_task.name
