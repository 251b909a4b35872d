"""The concrete URL of each route of the URLconf, about one side's objects of the world
(tests/security/conftest.py): what the access matrix and the CSRF test ask."""

from urllib.parse import urlencode

from django.urls import reverse


# --- how to build each URL from the world: None for URLs without an object
def _pk(name):
    return lambda side, world: {"pk": side[name].pk}


def _reorganisation():
    """A draft reorganisation with one operation: the staff pages' object (no unit's side)."""
    import datetime

    from units.models import Operation, Reorganisation

    reorganisation, _created = Reorganisation.objects.get_or_create(
        number="1/QĐ-LĐLĐ",
        defaults={
            "decided_on": datetime.date(2025, 6, 1),
            "effective_on": datetime.date(2025, 7, 1),
        },
    )
    operation, _created = Operation.objects.get_or_create(
        reorganisation=reorganisation, position=1, defaults={"action": "close", "unit_code": "X"}
    )
    return {"pk": reorganisation.pk, "operation_pk": operation.pk}


def _reorganisation_pk(side, world):
    return {"pk": _reorganisation()["pk"]}


def _workbook_upload(side, world):
    """An upload waiting for its confirmation, by the officer of the side's unit (the
    officer of A1 for "own", the outsider, officer of B1, for "other")."""
    from campaign.models import WorkbookUpload

    user = world.users["officer" if side is world.own else "outsider"]
    upload, _created = WorkbookUpload.objects.get_or_create(
        user=user,
        kind=WorkbookUpload.Kind.REPORTS,
        campaign=world.campaign,
        unit=side["unit"],
        year=world.year,
    )
    return {"pk": upload.pk}


def _workbook_reports(side, world):
    return {"campaign_pk": world.campaign.pk, "unit_pk": side["unit"].pk, "year": world.year}


URL_KWARGS = {
    "moved_admin_page": lambda side, world: {"rest": "period/"},  # about no object: not sided
    "units:reorganisation_detail": _reorganisation_pk,
    "units:reorganisation_edit": _reorganisation_pk,
    "units:operation_add": _reorganisation_pk,
    "units:reorganisation_apply": _reorganisation_pk,
    "units:reorganisation_schedule": _reorganisation_pk,
    "units:reorganisation_cancel": _reorganisation_pk,
    "units:reorganisation_unschedule": _reorganisation_pk,
    "units:operation_edit": lambda side, world: _reorganisation(),
    "units:operation_delete": lambda side, world: _reorganisation(),
    "units:unit_detail": lambda side, world: {"pk": side["unit"].pk},
    "units:unit_contacts": lambda side, world: {"pk": side["unit"].pk},
    "campaign:campaign_detail": lambda side, world: {"pk": world.campaign.pk},
    "campaign:plan_start": lambda side, world: {
        "campaign_pk": world.campaign.pk,
        "unit_pk": side["unit"].pk,
    },
    "campaign:attachment_download": lambda side, world: {
        "plan_pk": side["plan"].pk,
        "pk": side["attachment"].pk,
    },
    "campaign:attachment_delete": lambda side, world: {
        "plan_pk": side["plan"].pk,
        "pk": side["attachment"].pk,
    },
    "reports:plan_attachment_check": lambda side, world: {
        "plan_pk": side["plan"].pk,
        "pk": side["attachment"].pk,
    },
    "campaign:report_start": lambda side, world: {
        "campaign_pk": world.campaign.pk,
        "unit_pk": side["unit"].pk,
        "year": world.year,
    },
    "campaign:report_open_late": lambda side, world: {
        "campaign_pk": world.campaign.pk,
        "unit_pk": side["unit"].pk,
        "year": world.year,
    },
    "campaign:report_attachment_download": lambda side, world: {
        "report_pk": side["report"].pk,
        "pk": side["report_attachment"].pk,
    },
    "campaign:report_attachment_delete": lambda side, world: {
        "report_pk": side["report"].pk,
        "pk": side["report_attachment"].pk,
    },
    "reports:report_attachment_check": lambda side, world: {
        "report_pk": side["report"].pk,
        "pk": side["report_attachment"].pk,
    },
    **{
        name: _pk("plan")
        for name in (
            "campaign:plan_detail",
            "campaign:plan_edit",
            "campaign:plan_submit",
            "campaign:plan_return",
            "campaign:plan_accept",
            "campaign:plan_reopen",
            "campaign:plan_print",
            "campaign:plan_pdf",
        )
    },
    **{
        name: _pk("report")
        for name in (
            "campaign:report_detail",
            "campaign:report_edit",
            "campaign:report_submit",
            "campaign:report_return",
            "campaign:report_accept",
            "campaign:report_reopen",
            "campaign:report_print",
            "campaign:report_pdf",
        )
    },
    "campaign:workbook_reports_download": _workbook_reports,
    "campaign:workbook_reports_upload": _workbook_reports,
    "campaign:workbook_plan_download": _pk("plan"),
    "campaign:workbook_plan_upload": _pk("plan"),
    **dict.fromkeys(
        ("campaign:workbook_preview", "campaign:workbook_confirm", "campaign:workbook_discard"),
        _workbook_upload,
    ),
    **{
        name: _pk("obstacle")
        for name in (
            "campaign:obstacle_detail",
            "campaign:obstacle_answer",
            "campaign:obstacle_close",
        )
    },
    **{
        name: _pk("inspection")
        for name in (
            "campaign:inspection_detail",
            "campaign:inspection_follow_up",
            "campaign:inspection_done",
        )
    },
    "campaign:notice_open": _pk("notice"),
    **{
        name: _pk("summary")
        for name in (
            "reports:summary_detail",
            "reports:summary_correct",
            "reports:summary_status",
            "reports:summary_pdf",
        )
    },
    **{
        name: _pk("draft")
        for name in (
            "reports:summary_edit",
            "reports:summary_issue",
            "reports:summary_refigure",
            "reports:summary_retry",
            "reports:summary_discard",
            "reports:summary_preview",
        )
    },
}

# Django's reset link, with a token that is not valid: the page says the link has expired.
URL_KWARGS["password_reset_confirm"] = lambda side, world: {"uidb64": "MQ", "token": "x-y"}
URL_KWARGS["campaign:bulk_review"] = lambda side, world: {"kind": "plans", "action": "return"}

# Views that take their object from the query string: asked about each side too.
QUERY = {
    # The queue's ticked item (a draft plan: it cannot be returned, the page says why).
    "campaign:bulk_review": lambda side, world: {"item": side["plan"].pk},
    "campaign:reminder_letter": lambda side, world: {
        "campaign": world.campaign.pk,
        "what": "plan",
        "year": world.year,
        "units": side["unit"].pk,
    },
    "reports:dashboard": lambda side, world: {"unit": side["unit"].pk},
    "reports:dashboard_excel": lambda side, world: {"unit": side["unit"].pk},
    "campaign:obstacle_create": lambda side, world: {"report": side["report"].pk},
}

# The admin site's URLs: its namespace, and what fills in their parameters.
ADMIN_NAMESPACE = "admin"
ADMIN_SAMPLE_KWARGS = {
    "app_label": "units",
    "object_id": "1",
    "id": "1",
    "content_type_id": 1,
    "url": "no-such-page/",
}


def url_for(route, side, world):
    """The concrete URL of `route`, about `side`'s objects (None: a URL without objects)."""
    if route.pattern.name is None:  # no name: the admin's catch-all
        assert route.route.startswith("admin/"), route
        return "/admin/" + ADMIN_SAMPLE_KWARGS["url"]
    if route.key.startswith(ADMIN_NAMESPACE + ":"):
        regex = route.pattern.pattern.regex
        if regex.groups and not regex.groupindex:  # positional, as django-simple-history's
            return reverse(route.key, args=["1"] * regex.groups)
        return reverse(route.key, kwargs={k: ADMIN_SAMPLE_KWARGS[k] for k in regex.groupindex})
    builder = URL_KWARGS.get(route.key)
    url = reverse(route.key, kwargs=builder(side, world) if builder else None)
    if route.key in QUERY:
        url += "?" + urlencode(QUERY[route.key](side, world))
    return url
