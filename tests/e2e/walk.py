"""The main pages of the portal, as each kind of demo user reaches them.

One list for every browser check that walks the portal (phone width, axe-core, English
left in the interface): a new page is added here once and every walk visits it. Each entry
is a path, a `Post` (a page reached by sending a form, such as a confirmation), or a function
of the demo database returning one of them (objects are looked up when the walk starts,
after the demo is loaded). Keys are the demo users of the README. `visit` opens an entry.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Post:
    """A page reached by sending a form rather than by a link: `visit` sends `data` (pairs
    of name and value) with the page's CSRF token to `path`, as the form leading there
    would. Only pages that change nothing when posted to belong here (a confirmation page
    asked for again changes nothing)."""

    path: str
    data: tuple[tuple[str, str], ...] = ()


Path = str | Post | Callable[[], "str | Post"]


def _campaign():
    from campaign.models import Campaign

    return Campaign.objects.get(slug="cchc-2015")


def _unit(code):
    from units.models import Unit

    return Unit.objects.get(code=code)


def _year():
    from campaign.periods import report_year

    return report_year(_campaign())


def _first(model_path, **lookup):
    from django.apps import apps

    model = apps.get_model(model_path)
    obj = model.objects.filter(**lookup).order_by("pk").first()
    assert obj is not None, f"the demo holds no {model_path} with {lookup}"
    return obj


def _officer_plan_form():
    return f"/campaigns/{_campaign().pk}/units/{_unit('BT-CT-03').pk}/plan/"


def _officer_report_form():
    return f"/campaigns/{_campaign().pk}/units/{_unit('BT-CT-03').pk}/reports/{_year()}/"


def _officer_plan_refused():
    # Sent with nothing typed: the plan form comes back with its message listing every field
    # to fix, and that a plan needs an activity.
    management = (("activities-TOTAL_FORMS", "1"), ("activities-INITIAL_FORMS", "0"))
    return Post(_officer_plan_form(), management)


def _officer_report_refused():
    # A figure in words and the assessment left empty: nothing is saved, and the form comes
    # back with its message listing the fields to fix, each a link.
    return Post(_officer_report_form(), (("value_sessions", "mười"),))


def _sent_plan():
    return f"/plans/{_first('campaign.Plan', status='submitted').pk}/"


def _accepted_plan():
    return f"/plans/{_first('campaign.Plan', status='accepted').pk}/"


def _chauthanh_plan():
    return f"/plans/{_first('campaign.Plan', unit__code='BT-CT-01').pk}/"


def _report(status, **lookup):
    return lambda: f"/reports/{_first('campaign.AnnualReport', status=status, **lookup).pk}/"


def _returned_report_form():
    # CĐ Cơ quan UBND tỉnh's report, returned in the demo, which cb.giaoduc files.
    return _report("returned", unit__code="BT-UBND")() + "edit/"


def _obstacle(**lookup):
    return lambda: f"/obstacles/{_first('campaign.Obstacle', **lookup).pk}/"


def _inspection():
    return f"/inspections/{_first('campaign.Inspection').pk}/"


def _inspection_to_mark_done():
    # Tân Thạch's visit: recommendations not yet met, so its officer sees the "mark done" form.
    inspection = _first("campaign.Inspection", unit__code="BT-CT-03", follow_up="pending")
    assert inspection.recommendations.strip()
    return f"/inspections/{inspection.pk}/"


def _print(kind, **lookup):
    model = {"plans": "campaign.Plan", "reports": "campaign.AnnualReport"}[kind]
    return lambda: f"/{kind}/{_first(model, **lookup).pk}/print/"


def _bulk(kind, action, status):
    """The bulk confirmation page for the first two items of a queue in `status` (a GET)."""

    def path():
        from django.apps import apps

        model = apps.get_model({"plans": "campaign.Plan", "reports": "campaign.AnnualReport"}[kind])
        pks = model.objects.filter(status=status).order_by("pk").values_list("pk", flat=True)[:2]
        assert len(pks) == 2, f"the demo holds fewer than two {kind} {status}"
        return f"/review/{kind}/{action}/?" + "&".join(f"item={pk}" for pk in pks)

    return path


def _accept_confirmation():
    # Accepting without `confirmed=yes` only asks.
    return Post(f"/plans/{_first('campaign.Plan', status='submitted').pk}/accept/")


def remind_by_hand(unit) -> int:
    """Record the CSPL board's reminder of `unit` about its plan today, as sending it by
    hand would (the demo has sent none); returns the plan's year."""
    from django.contrib.auth import get_user_model

    from campaign.models import Reminder
    from campaign.reminders import due_date

    campaign = _campaign()
    year = campaign.plan_due_on.year
    Reminder.objects.create(
        unit=unit,
        campaign=campaign,
        what="plan",
        year=year,
        step="manual",
        due_on=due_date(campaign, "plan", year),
        manual=True,
        sent_by=get_user_model().objects.get(username="cspl"),
        recipients=1,
    )
    return year


def _reminded_again():
    """The question before a second reminder on one day: the first late unit was reminded
    this morning (recorded here, as the daily task would), and the reviewer asks again."""
    from django.utils import timezone

    from campaign.reminders import outstanding_units

    campaign, today = _campaign(), timezone.localdate()
    unit = (
        outstanding_units(campaign, "plan", campaign.plan_due_on.year, today)
        .order_by("path")
        .first()
    )
    assert unit is not None, "the demo holds no unit late with its plan"
    year = remind_by_hand(unit)
    fields = {"campaign": campaign.pk, "what": "plan", "year": year, "units": unit.pk}
    return Post("/reminders/send/", tuple((name, str(value)) for name, value in fields.items()))


def _password_reset_link():
    # The link of the e-mail (it leads on to the page that asks for the new password).
    from django.contrib.auth import get_user_model
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = get_user_model().objects.get(username="cb.dienluc")
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return f"/password/reset/{uid}/{default_token_generator.make_token(user)}/"


def _summary():
    return f"/summaries/{_first('reports.SummaryReport', status='issued').pk}/"


def _unit_page():
    return f"/units/{_unit('VL-CT').pk}/"


def _unit_contacts():
    return f"/units/{_unit('VL-CT').pk}/contacts/"


def _reorganisation():
    return f"/reorganisations/{_first('units.Reorganisation').pk}/"


# An error page is walked too: it has the same layout, and a user meets it.
NOT_FOUND = "/trang-khong-co/"
# The answer each page is expected with; every other page answers 200.
STATUS = {NOT_FOUND: 404}

WALK: dict[str, list[Path]] = {
    # Anonymous (visited before anybody logs in): the login page and the password reset.
    "": [
        "/login/",
        "/password/reset/",
        "/password/reset/sent/",
        _password_reset_link,
        "/password/reset/done/",
    ],
    "cb.tanthach": [
        "/",
        "/notices/",
        "/sent/",
        "/help/",
        "/campaigns/",
        lambda: f"/campaigns/{_campaign().pk}/",
        _officer_plan_form,
        _officer_plan_refused,
        _officer_report_form,
        _officer_report_refused,
        "/reports/",
        "/obstacles/",
        "/obstacles/new/",
        "/inspections/",
        _inspection_to_mark_done,
        _report("accepted", unit__code="BT-CT-03"),
        _print("reports", status="accepted", unit__code="BT-CT-03"),
        "/dashboard/",
        "/documents/check/",
        "/password/change/",
        "/password/change/done/",
        NOT_FOUND,
    ],
    "cb.chauthanh": [
        "/",
        "/sent/",
        _chauthanh_plan,
        _print("plans", unit__code="BT-CT-01"),
        _obstacle(unit__code="VL-CT"),
    ],
    "cb.giaoduc": [
        "/",
        _report("returned", unit__code="BT-UBND"),
        _returned_report_form,
    ],
    "cspl": [
        "/",
        "/dashboard/",
        "/review/",
        "/review/reports/",
        _bulk("plans", "accept", "submitted"),
        _bulk("reports", "return", "submitted"),
        _accept_confirmation,
        _sent_plan,
        _accepted_plan,
        _report("submitted"),
        _report("accepted"),
        _report("returned"),
        "/reports/",
        "/obstacles/",
        _obstacle(),
        "/inspections/",
        "/inspections/new/",
        _inspection,
        "/reminders/",
        _reminded_again,
        "/reminders/log/",
        "/summaries/",
        "/summaries/new/",
        _summary,
        "/documents/check/",
        _unit_page,
        _unit_contacts,
        "/campaigns/",
        "/search/?q=chau+thanh",
    ],
    "thuongvu": ["/", "/notices/", "/dashboard/", "/summaries/", _summary],
    # A district federation's reviewer: its own queue and its area's dashboard, with every
    # report sent counted.
    "ldld.chauthanh": ["/", "/review/", "/dashboard/?include=submitted"],
    "admin": [
        "/reorganisations/",
        "/reorganisations/new/",
        "/reorganisations/upload/",
        _reorganisation,
    ],
}


def resolved(walk: dict[str, list[Path]] = WALK) -> dict[str, list[str | Post]]:
    """The walk with every path looked up in the demo database (about two queries a path)."""
    return {user: [p() if callable(p) else p for p in paths] for user, paths in walk.items()}


# Sends a Post from the page open in the browser, with the CSRF token of the form every
# page of a signed-in user carries (the menu's "log out"). The anonymous pages need none.
_SEND_FORM = """([action, fields]) => {
  const form = document.createElement("form");
  form.method = "post";
  form.action = action;
  const token = document.querySelector("input[name=csrfmiddlewaretoken]");
  for (const [name, value] of [...fields, ["csrfmiddlewaretoken", token.value]]) {
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    form.append(input);
  }
  document.body.append(form);
  form.submit();
}"""


def visit(page, base_url: str, entry: str | Post):
    """Open a resolved walk entry in `page`; returns the response of the page shown."""
    if isinstance(entry, str):
        return page.goto(base_url + entry)
    # A light page of the same site to send the form from (the token is the session's).
    page.goto(base_url + "/help/")
    with page.expect_navigation() as navigation:
        page.evaluate(_SEND_FORM, [base_url + entry.path, [list(pair) for pair in entry.data]])
    return navigation.value


def name(entry: str | Post) -> str:
    """A short name for an entry, for findings and screenshot files."""
    return entry if isinstance(entry, str) else f"POST {entry.path}"
