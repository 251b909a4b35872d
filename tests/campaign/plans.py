"""What the plan pages post: a plan's header, its activities as a formset, what the edit
page sends back for a stored plan, and a new plan of one activity in one dict (plan_data).
Shared by the plan page tests (test_plan_views.py and the tests of dates, documents,
sent-twice forms, concurrent saves, invisible characters and the signing block) and by
tests/fuzz."""

from campaign.models import Activity


def header(**overrides):
    data = {
        "doc_number": "05/KH-CĐCS",
        "doc_date": "01/07/2015",
        "signer": "Chủ tịch Công đoàn cơ sở",
        "summary": "Tuyên truyền cải cách hành chính đến đoàn viên.",
    }
    data.update(overrides)
    return data


def activity(**overrides):
    row = {
        "method": Activity.Method.SEMINAR,
        "audience": "Đoàn viên khối văn phòng",
        "planned_on": "",
        "planned_quarter": "3",
        "expected_participants": "40",
    }
    row.update(overrides)
    return row


def formset(rows, initial=0, prefix="activities"):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"{prefix}-{index}-{name}"] = value
    return data


def edit_data(plan, rows=None, **header_overrides):
    """What the edit page posts back for `plan` as stored, with the given changes."""
    plan.refresh_from_db()
    existing = [
        activity(
            id=str(a.pk),
            method=a.method,
            audience=a.audience,
            planned_on=a.planned_on.strftime("%d/%m/%Y") if a.planned_on else "",
            planned_quarter=str(a.planned_quarter or ""),
            expected_participants=str(a.expected_participants or ""),
            themes=[str(t.pk) for t in a.themes.all()],
        )
        for a in plan.activities.order_by("pk")
    ]
    data = header(
        doc_number=plan.doc_number,
        doc_date=plan.doc_date.strftime("%d/%m/%Y"),
        signer=plan.signer,
        summary=plan.summary,
        version=str(plan.version),
    )
    data.update(header_overrides)
    data.update(formset(existing + (rows or []), initial=len(existing)))
    return data


def plan_data(**overrides):
    """What the new plan page posts: a header and one activity; a None override leaves
    the field out."""
    data = {
        "doc_number": "05/KH-CĐCS",
        "doc_date": "01/07/2015",
        "signer": "Chủ tịch Công đoàn cơ sở",
        "summary": "Tuyên truyền cải cách hành chính đến đoàn viên.",
        "activities-TOTAL_FORMS": "1",
        "activities-INITIAL_FORMS": "0",
        "activities-MIN_NUM_FORMS": "0",
        "activities-MAX_NUM_FORMS": "1000",
        "activities-0-method": Activity.Method.SEMINAR,
        "activities-0-audience": "Đoàn viên khối văn phòng",
        "activities-0-planned_quarter": "3",
        "activities-0-expected_participants": "40",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
