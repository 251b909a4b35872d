"""The main pages of the portal, as each kind of demo user reaches them.

One list for every browser check that walks the portal (phone width, axe-core, English
left in the interface): a new page is added here once and every walk visits it. Each entry
is a path, or a function of the demo database returning one (objects are looked up when the
walk starts, after the demo is loaded). Keys are the demo users of the README.
"""

from collections.abc import Callable

Path = str | Callable[[], str]


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
    # Anonymous: the login page (visited before anybody logs in).
    "": ["/login/"],
    "cb.tanthach": [
        "/",
        "/campaigns/",
        lambda: f"/campaigns/{_campaign().pk}/",
        _officer_plan_form,
        _officer_report_form,
        "/reports/",
        "/obstacles/",
        "/obstacles/new/",
        "/inspections/",
        _inspection,
        _report("accepted", unit__code="BT-CT-03"),
        "/dashboard/",
        "/documents/check/",
        NOT_FOUND,
    ],
    "cb.chauthanh": ["/", _chauthanh_plan, _obstacle(unit__code="BT-CT-02")],
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
    "thuongvu": ["/", "/dashboard/", "/summaries/", _summary],
    "admin": [
        "/reorganisations/",
        "/reorganisations/new/",
        "/reorganisations/upload/",
        _reorganisation,
    ],
}


def resolved(walk: dict[str, list[Path]] = WALK) -> dict[str, list[str]]:
    """The walk with every path looked up in the demo database (about two queries a path)."""
    return {user: [p() if callable(p) else p for p in paths] for user, paths in walk.items()}
