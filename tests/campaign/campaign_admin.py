"""What the admin's campaign form posts: every field of a campaign of 2016-2018, with one
content item, one indicator and no plausibility rule. Used by test_admin.py and
test_campaign_successor.py."""


def management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def campaign_form(issuer, **overrides):
    data = {
        "slug": "an-toan-lao-dong-2016",
        "number": "05/KH-LĐLĐ",
        "title": "Tuyên truyền an toàn, vệ sinh lao động",
        "issuer": str(issuer.pk),
        "issued_on": "10/01/2016",
        "directive": "Kế hoạch số 10/KH-UBND ngày 05/01/2016",
        "first_year": "2016",
        "last_year": "2018",
        "plan_due_on": "29/02/2016",
        "report_due_day": "20",
        "report_due_month": "12",
        "cutoff_day": "14",
        "cutoff_month": "12",
        "addressed_kinds": ["district", "grassroots"],
        **management("themes", 1),
        "themes-0-number": "1",
        "themes-0-parent": "",
        "themes-0-title": "Phổ biến Luật An toàn, vệ sinh lao động",
        **management("indicators", 1),
        "indicators-0-code": "trainings",
        "indicators-0-name": "Số lớp huấn luyện",
        "indicators-0-unit_of_measure": "lớp",
        "indicators-0-kind": "integer",
        "indicators-0-order": "1",
        "indicators-0-source": "typed",
        "indicators-0-counted_kind": "",
        "indicators-0-help_text": "Chỉ tính các lớp do đơn vị tự tổ chức.",
        **management("plausibility_rules", 0),
    }
    data.update(overrides)
    return data
