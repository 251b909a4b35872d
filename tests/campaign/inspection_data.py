"""The inspection tests' shared builders: a visit recorded directly and what the
new-inspection form posts. Used by test_inspections.py and the tests of follow-ups, pending
recommendations and forms sent twice."""

import datetime

from campaign.models import Inspection

K = Inspection.Kind


def record(unit, campaign, user, **fields):
    fields.setdefault("visited_on", datetime.date(2026, 10, 5))
    fields.setdefault("kind", K.INSPECTION)
    fields.setdefault("members", "Trưởng ban CSPL")
    fields.setdefault("findings", f"{unit.code} đã tổ chức tuyên truyền đúng kế hoạch.")
    fields.setdefault("recommendations", "Lưu biên bản các buổi tuyên truyền.")
    return Inspection.objects.create(unit=unit, campaign=campaign, recorded_by=user, **fields)


def form_data(unit, campaign, **overrides):
    data = {
        "unit": unit.pk,
        "campaign": campaign.pk,
        "visited_on": "05/10/2026",
        "kind": K.SUPERVISION,
        "members": "Phó ban CSPL",
        "findings": "Đơn vị chưa lưu biên bản các buổi tuyên truyền.",
        "recommendations": "Bổ sung biên bản trước 30/11.",
    }
    data.update(overrides)
    return data
