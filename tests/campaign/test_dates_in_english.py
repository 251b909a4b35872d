"""Dates read dd/mm/yyyy in the English interface too: most pages write their dates with an
explicit "d/m/Y", the others through Django's named formats, which in English were the
American month first ("12/20/2026"), beside the day-first dates of the same page."""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation

from campaign.models import Inspection


def test_the_named_date_formats_put_the_day_first_in_english():
    moment = datetime.datetime(2026, 3, 5, 14, 7)
    with translation.override("en"):
        assert formats.date_format(moment.date(), "SHORT_DATE_FORMAT") == "05/03/2026"
        assert formats.date_format(moment.date()) == "05/03/2026"
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == "14:07 05/03/2026"
        assert formats.date_format(moment, "DATETIME_FORMAT") == "14:07 05/03/2026"


def test_an_inspection_page_in_english_shows_the_units_mark_day_first(client, tree, cast, campaign):
    done_at = timezone.make_aware(datetime.datetime(2026, 3, 5, 14, 7))
    visit = Inspection.objects.create(
        unit=tree["A1"],
        campaign=campaign,
        visited_on=datetime.date(2016, 5, 4),
        kind=Inspection.Kind.INSPECTION,
        members="Trưởng đoàn",
        findings="Đơn vị đã triển khai kế hoạch.",
        recommendations="Bổ sung sổ theo dõi.",
        recorded_by=cast["cspl"],
        done_at=done_at,
        done_by=cast["officer_a1"],
        done_note="Đã lập sổ.",
    )
    client.force_login(cast["cspl"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("campaign:inspection_detail", args=[visit.pk])).content.decode()
    assert "Marked done by the unit" in page
    assert "14:07 05/03/2026" in page
    assert "03/05/2026" not in page
