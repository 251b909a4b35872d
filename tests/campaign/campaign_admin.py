"""What the admin's campaign form posts: every field of a campaign of 2016-2018, with one
content item, one indicator and no plausibility rule (used by test_admin.py and
test_campaign_successor.py); what an admin change page sends back, and the errors it
shows."""

import datetime


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


def page_data(response) -> dict:
    """What the admin change page `response` would send back unchanged: its form and every
    inline formset, with their management forms."""
    forms = [response.context["adminform"].form]
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = str(management[name].value())
        forms.extend(formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            key = form.add_prefix(name)
            if value is None or value is False:
                continue
            if value is True:
                data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(item) for item in value]
            elif isinstance(value, datetime.date):
                data[key] = value.strftime("%d/%m/%Y")
            else:
                data[key] = str(value)
    return data


def row_of(data, prefix, field, value) -> str:
    """The index of the inline row of `data` whose `field` holds `value`."""
    return next(
        key.split("-")[1]
        for key, held in data.items()
        if key.startswith(f"{prefix}-") and key.endswith(f"-{field}") and held == value
    )


def errors_of(response) -> list[str]:
    """Every error the admin page shows: the form's, its fields' and its inlines'."""
    form = response.context["adminform"].form
    found = [str(error) for errors in form.errors.values() for error in errors]
    for inline in response.context["inline_admin_formsets"]:
        found += [str(error) for error in inline.formset.non_form_errors()]
        for inline_form in inline.formset.forms:
            found += [str(e) for errors in inline_form.errors.values() for e in errors]
    return found
