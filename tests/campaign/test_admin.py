"""Staff add campaigns in the admin and browse plans with their history; status stays read-only."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags

from campaign.models import (
    AnnualReport,
    Campaign,
    Notification,
    Period,
    Plan,
    Status,
    Step,
    Theme,
)
from tests.campaign.campaign_admin import campaign_form, errors_of, management, page_data, row_of


def test_staff_add_a_second_campaign_with_a_content_item_and_an_indicator(
    staff_client, tree, campaign
):
    url = reverse("admin:campaign_campaign_add")
    assert staff_client.get(url).status_code == 200

    response = staff_client.post(url, campaign_form(tree["DA"]))

    assert response.status_code == 302, response.content.decode()[:3000]
    assert Campaign.objects.count() == 2
    added = Campaign.objects.get(slug="an-toan-lao-dong-2016")
    assert added.issuer == tree["DA"]
    assert added.addressed_kinds == ["district", "grassroots"]
    assert (added.first_year, added.last_year) == (2016, 2018)
    assert list(added.themes.values_list("number", "title")) == [
        ("1", "Phổ biến Luật An toàn, vệ sinh lao động")
    ]
    assert list(added.indicators.values_list("code", "unit_of_measure", "kind")) == [
        ("trainings", "lớp", "integer")
    ]


def test_the_campaign_admin_refuses_an_impossible_due_day(staff_client, tree):
    data = campaign_form(tree["PV"], report_due_day="31", report_due_month="2")

    response = staff_client.post(reverse("admin:campaign_campaign_add"), data)

    assert response.status_code == 200
    assert "report_due_day" in response.context["adminform"].form.errors
    assert not Campaign.objects.exists()


def test_two_figures_with_one_code_are_named_by_the_column_s_label(staff_client, tree):
    data = campaign_form(
        tree["PV"],
        **management("indicators", 2),
        **{
            "indicators-1-code": "trainings",
            "indicators-1-name": "Số lớp khác",
            "indicators-1-unit_of_measure": "lớp",
            "indicators-1-kind": "integer",
            "indicators-1-order": "2",
            "indicators-1-source": "typed",
        },
    )

    response = staff_client.post(reverse("admin:campaign_campaign_add"), data)

    assert response.status_code == 200
    page = response.content.decode()
    # Django named the field by its attribute: "… trùng lặp cho code ."
    assert "Hai dòng trùng nhau ở cột Mã: hãy sửa lại." in page
    assert not Campaign.objects.exists()


def test_a_content_item_can_only_sit_under_an_item_of_its_own_campaign(
    staff_client, tree, campaign
):
    other = Campaign.objects.create(
        slug="other",
        number="1/KH",
        title="Khác",
        issuer=tree["PV"],
        issued_on=campaign.issued_on,
        directive="-",
        first_year=2016,
        plan_due_on=campaign.plan_due_on,
    )
    Theme.objects.create(campaign=other, number="1", title="Mục của kế hoạch khác")

    response = staff_client.get(reverse("admin:campaign_campaign_change", args=[campaign.pk]))

    assert response.status_code == 200
    themes_formset = response.context["inline_admin_formsets"][0].formset
    choices = set(themes_formset.forms[0].fields["parent"].queryset)
    assert choices == set(campaign.themes.all())
    assert "Mục của kế hoạch khác" not in response.content.decode()


def test_the_plan_changelist_change_and_history_pages_open(staff_client, plan_a1):
    plan_a1.signer = "Phó Chủ tịch công đoàn"
    plan_a1.save()
    assert plan_a1.history.count() == 2

    changelist = staff_client.get(reverse("admin:campaign_plan_changelist"))
    change = staff_client.get(reverse("admin:campaign_plan_change", args=[plan_a1.pk]))
    history = staff_client.get(reverse("admin:campaign_plan_history", args=[plan_a1.pk]))

    assert changelist.status_code == 200
    assert plan_a1.doc_number in changelist.content.decode()
    assert change.status_code == 200
    assert history.status_code == 200
    assert len(history.context["page_obj"].object_list) == 2
    assert "Phó Chủ tịch công đoàn" in history.content.decode()


def test_an_old_version_of_a_plan_can_be_read_but_not_restored(staff_client, plan_a1):
    first = plan_a1.history.earliest()
    Plan.objects.filter(pk=plan_a1.pk).update(status=Status.SUBMITTED)
    url = reverse("admin:campaign_plan_simple_history", args=[plan_a1.pk, first.history_id])

    assert staff_client.get(url).status_code == 200
    response = staff_client.post(url, plan_form(plan_a1, doc_number="OLD"))

    assert response.status_code == 403
    plan = Plan.objects.get(pk=plan_a1.pk)
    assert (plan.status, plan.doc_number) == (Status.SUBMITTED, plan_a1.doc_number)


def test_the_plan_changelist_filters_by_status_and_unit_kind(staff_client, plan_a1):
    response = staff_client.get(
        reverse("admin:campaign_plan_changelist"),
        {"status__exact": "submitted", "unit__kind": "grassroots"},
    )

    assert response.status_code == 200
    assert response.context["cl"].result_count == 0


def plan_form(plan, **overrides):
    activity = plan.activities.get()
    data = {
        "unit": str(plan.unit_id),
        "campaign": str(plan.campaign_id),
        "doc_number": plan.doc_number,
        "doc_date": plan.doc_date.strftime("%d/%m/%Y"),
        "signer": plan.signer,
        "summary": plan.summary,
        "status": Status.ACCEPTED,
        "version": "99",
        **management("activities", 1, 1),
        "activities-0-id": str(activity.pk),
        "activities-0-plan": str(plan.pk),
    }
    data.update(overrides)
    return data


def test_status_is_read_only_on_the_plan_change_page(staff_client, plan_a1):
    url = reverse("admin:campaign_plan_change", args=[plan_a1.pk])

    page = staff_client.get(url)
    assert "status" not in page.context["adminform"].form.fields
    assert "version" not in page.context["adminform"].form.fields

    response = staff_client.post(url, plan_form(plan_a1, doc_number="15/KH-CĐCS"))

    assert response.status_code == 302, response.content.decode()[:3000]
    plan = Plan.objects.get(pk=plan_a1.pk)
    assert plan.status == Status.DRAFT
    assert plan.doc_number == "15/KH-CĐCS"
    # A save in the admin moves the version on, so an officer's older form cannot overwrite it.
    assert plan.version == plan_a1.version + 1


def test_an_accepted_plan_is_locked_in_the_admin_too(staff_client, plan_a1):
    Plan.objects.filter(pk=plan_a1.pk).update(status=Status.ACCEPTED)
    url = reverse("admin:campaign_plan_change", args=[plan_a1.pk])

    history = plan_a1.history.count()
    staff_client.post(url, plan_form(plan_a1, doc_number="CHANGED"))

    plan = Plan.objects.get(pk=plan_a1.pk)
    assert plan.doc_number == plan_a1.doc_number
    # Saved with nothing to change: an officer's open page is not made stale for nothing.
    assert plan.version == plan_a1.version
    assert plan.history.count() == history


def test_the_outbox_lists_unsent_notifications_and_cannot_be_edited(staff_client, cast):
    user = cast["officer_a1"]
    common = {"recipient": user, "to_email": user.email, "body": "…"}
    Notification.objects.create(key="sent", subject="Đã gửi", sent_at=timezone.now(), **common)
    Notification.objects.create(key="waiting", subject="Chưa gửi", **common)
    url = reverse("admin:campaign_notification_changelist")

    unsent = staff_client.get(url, {"sent": "no"})

    assert unsent.status_code == 200
    assert [n.key for n in unsent.context["cl"].result_list] == ["waiting"]
    assert [n.key for n in staff_client.get(url, {"sent": "yes"}).context["cl"].result_list] == [
        "sent"
    ]
    assert staff_client.get(reverse("admin:campaign_notification_add")).status_code == 403


def test_the_campaign_and_workflow_step_lists_open(staff_client, campaign):
    campaigns = staff_client.get(reverse("admin:campaign_campaign_changelist"))
    steps = staff_client.get(reverse("admin:campaign_step_changelist"))

    assert campaigns.status_code == 200
    assert campaign.number in campaigns.content.decode()
    assert steps.status_code == 200


def test_a_step_is_titled_with_its_time_in_viet_nam(staff_client, plan_a1):
    # 02:00 UTC is 09:00 in Viet Nam: the title said 02:00 above a field saying 09:00.
    at = datetime.datetime(2025, 7, 21, 2, 0, tzinfo=datetime.UTC)
    step = Step.objects.create(
        submission=plan_a1,
        action=Step.Action.SUBMIT,
        from_status=Status.DRAFT,
        to_status=Status.SUBMITTED,
        at=at,
    )
    page = staff_client.get(reverse("admin:campaign_step_change", args=[step.pk]))
    assert "Đã gửi – 09:00 21/07/2025" in page.content.decode()


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/admin/reports/period/", "/admin/campaign/period/"),
        ("/admin/reports/annualreport/7/change/", "/admin/campaign/annualreport/7/change/"),
        ("/admin/reports/obstacle/?status=open", "/admin/campaign/obstacle/?status=open"),
        ("/admin/reports/inspection/3/history/", "/admin/campaign/inspection/3/history/"),
        ("/admin/reports/reminder/", "/admin/campaign/reminder/"),
    ],
)
def test_the_old_admin_addresses_of_the_models_moved_to_campaign_lead_to_the_new_ones(
    staff_client, old, new
):
    response = staff_client.get(old)
    assert response.status_code == 301 and response["Location"] == new


def test_the_reports_section_s_own_admin_index_opens_where_its_breadcrumb_leads(staff_client):
    # /admin/reports/ was sent on to /admin/campaign/ with the moved models' addresses: the
    # breadcrumb "Báo cáo" of the letterheads' and registers' pages led out of the section.
    page = staff_client.get(reverse("admin:reports_documentprofile_changelist"))
    assert '<a href="/admin/reports/">' in page.content.decode()

    response = staff_client.get("/admin/reports/")

    assert response.status_code == 200
    assert [app["app_label"] for app in response.context["app_list"]] == ["reports"]
    models = [model["object_name"] for model in response.context["app_list"][0]["models"]]
    assert sorted(models) == ["DocumentProfile", "DocumentRegister"]


LONG_TITLE = (
    "Kế hoạch tuyên truyền, phổ biến các văn bản pháp luật, chủ trương, chính sách về cải "
    "cách hành chính trong công nhân, viên chức, lao động giai đoạn 2015 – 2020"
)


@pytest.mark.parametrize("name", ["annualreport", "plan", "period"])
def test_the_admin_lists_name_a_row_s_campaign_by_its_number_with_the_title_on_hover(
    staff_client, tree, campaign, plan_a1, name
):
    # The whole title, on one line, pushed the year, status and dates off the screen.
    Campaign.objects.filter(pk=campaign.pk).update(title=LONG_TITLE)
    AnnualReport.objects.create(
        unit=tree["A1"],
        campaign=campaign,
        year=2015,
        period=Period.objects.for_year(campaign, 2015),
    )

    page = staff_client.get(reverse(f"admin:campaign_{name}_changelist")).content.decode()

    cells = re.findall(r'<t[dh] class="field-campaign">(.*?)</t[dh]>', page, re.S)
    assert [strip_tags(cell) for cell in cells] == ["99/KH-LĐLĐ"]
    assert f'<span title="{LONG_TITLE}">99/KH-LĐLĐ</span>' in cells[0]


def test_the_admin_pages_of_annual_reports_and_periods_open_under_campaign(staff_client):
    for name in ("period", "annualreport", "obstacle", "inspection", "reminder"):
        assert staff_client.get(reverse(f"admin:campaign_{name}_changelist")).status_code == 200


@pytest.mark.parametrize("tampered", ["", "abc", "0", "99999999999999999999"])
def test_a_tampered_activity_row_on_the_plan_change_page_is_refused_not_a_500(
    staff_client, plan_a1, tampered
):
    # The activities are read-only there: a row whose id names no activity of the plan was
    # checked as a new activity, whose model check names a field the row does not have
    # (planned_on), and Django raised ValueError.
    url = reverse("admin:campaign_plan_change", args=[plan_a1.pk])

    response = staff_client.post(
        url, plan_form(plan_a1, doc_number="CHANGED", **{"activities-0-id": tampered})
    )

    assert response.status_code == 200
    assert response.context["errors"]
    assert Plan.objects.get(pk=plan_a1.pk).doc_number == plan_a1.doc_number


def test_a_campaign_identifier_with_diacritics_is_refused_in_vietnamese(staff_client, tree):
    # Django's Vietnamese catalogue leaves its slug message in English.
    with translation.override("vi"):
        response = staff_client.post(
            reverse("admin:campaign_campaign_add"),
            campaign_form(tree["DA"], slug="an toàn lao động"),
            HTTP_ACCEPT_LANGUAGE="vi",
        )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["slug"] == [
        "Hãy nhập mã định danh chỉ gồm chữ cái không dấu, chữ số, dấu gạch dưới (_) hoặc gạch "
        "nối (-), ví dụ: an-toan-lao-dong-2016."
    ]


def _themes(*numbers):
    rows = {**management("themes", len(numbers))}
    for i, number in enumerate(numbers):
        rows[f"themes-{i}-number"] = number
        rows[f"themes-{i}-parent"] = ""
        rows[f"themes-{i}-title"] = f"Nội dung {number}"
    return rows


def test_a_sub_item_added_with_its_campaign_goes_under_the_item_its_number_names(
    staff_client, tree
):
    # On a campaign being added no parent can be chosen yet: "1.1" used to be saved as an
    # item of its own, shown level with "1" on the campaign's page and the dashboard.
    data = campaign_form(tree["PV"], **_themes("1", "1.1", "1.1.1", "2"))

    response = staff_client.post(reverse("admin:campaign_campaign_add"), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    added = Campaign.objects.get(slug="an-toan-lao-dong-2016")
    parents = dict(added.themes.values_list("number", "parent__number").order_by("sort_key"))
    assert parents == {"1": None, "1.1": "1", "1.1.1": "1.1", "2": None}


def test_a_sub_item_without_its_parent_item_is_refused_in_vietnamese(staff_client, tree):
    data = campaign_form(tree["PV"], **_themes("1", "3.1"))

    with translation.override("vi"):
        response = staff_client.post(
            reverse("admin:campaign_campaign_add"), data, HTTP_ACCEPT_LANGUAGE="vi"
        )

    assert response.status_code == 200
    assert "Nội dung 3.1 không có mục cha 3." in response.content.decode()
    assert not Campaign.objects.exists()


def test_reports_due_before_the_year_s_cut_off_are_refused_in_vietnamese(staff_client, tree):
    # Figures of the calendar year with reports "due 15/01" would make each year's reports
    # due on 15/01 of that same year, late and locked before the year had run.
    data = campaign_form(
        tree["PV"], report_due_day="15", report_due_month="1", cutoff_day="31", cutoff_month="12"
    )

    with translation.override("vi"):
        response = staff_client.post(
            reverse("admin:campaign_campaign_add"), data, HTTP_ACCEPT_LANGUAGE="vi"
        )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["report_due_day"] == [
        "Hạn báo cáo năm (15/01) sẽ rơi vào trước ngày chốt số liệu của năm đó (31/12): hãy "
        "chọn hạn báo cáo trùng hoặc sau ngày chốt."
    ]
    assert not Campaign.objects.exists()


def test_reports_due_on_the_cut_off_day_are_accepted(staff_client, tree):
    data = campaign_form(
        tree["PV"], report_due_day="31", report_due_month="10", cutoff_day="31", cutoff_month="10"
    )

    response = staff_client.post(reverse("admin:campaign_campaign_add"), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    campaign = Campaign.objects.get(slug="an-toan-lao-dong-2016")
    assert (
        campaign.report_due_day,
        campaign.report_due_month,
        campaign.cutoff_day,
        campaign.cutoff_month,
    ) == (31, 10, 31, 10)
    assert campaign.issuer == tree["PV"]
    # Each year's period takes them: its reports are due on its cut-off day, 31/10.
    period = Period(**Period.defaults(campaign, 2016))
    assert period.ends_on == period.due_on == datetime.date(2016, 10, 31)


def test_plans_due_before_the_campaign_is_issued_are_refused_in_vietnamese(staff_client, tree):
    data = campaign_form(tree["PV"], issued_on="10/01/2016", plan_due_on="31/12/2015")

    with translation.override("vi"):
        response = staff_client.post(
            reverse("admin:campaign_campaign_add"), data, HTTP_ACCEPT_LANGUAGE="vi"
        )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["plan_due_on"] == [
        "Hạn nộp kế hoạch không thể trước ngày ban hành kế hoạch phát động (10/01/2016)."
    ]
    assert not Campaign.objects.exists()


def test_the_unit_kinds_field_is_labelled_with_a_capital_as_the_others_are(staff_client):
    with translation.override("vi"):
        page = staff_client.get(
            reverse("admin:campaign_campaign_add"), HTTP_ACCEPT_LANGUAGE="vi"
        ).content.decode()

    assert "Loại đơn vị phải thực hiện:" in page
    assert "loại đơn vị phải thực hiện:" not in page


@pytest.mark.parametrize(
    "numbers",
    [("1", "01"), ("1", "1.1", "1.01"), ("1", "1.１"), ("²",), ("1", "1.๑"), ("0",)],
)
def test_an_item_number_is_written_with_0_to_9_and_no_leading_zero(staff_client, tree, numbers):
    # "01" beside "1", or "1.01" beside "1.1", made two items sorted as one; "1.１" (a
    # full-width one) or "²" passed as digits and listed apart from the "1.1" they show as.
    data = campaign_form(tree["PV"], **_themes(*numbers))

    with translation.override("vi"):
        response = staff_client.post(
            reverse("admin:campaign_campaign_add"), data, HTTP_ACCEPT_LANGUAGE="vi"
        )

    assert response.status_code == 200
    (themes,) = [inline.formset for inline in response.context["inline_admin_formsets"]][:1]
    assert themes.errors[-1] == {"number": ["Đánh số mục dạng 1, 2 hoặc 2.1."]}
    assert not Campaign.objects.exists()


def test_an_item_stored_with_a_leading_zero_does_not_block_the_campaigns_other_changes(
    staff_client, tree
):
    # Saved before the rule, it may be covered by plans and then cannot be renumbered: the
    # campaign's other fields are still edited.
    data = campaign_form(tree["PV"])
    assert staff_client.post(reverse("admin:campaign_campaign_add"), data).status_code == 302
    campaign = Campaign.objects.get()
    Theme.objects.filter(campaign=campaign).update(number="01")
    theme = campaign.themes.get()
    changed = campaign_form(
        tree["PV"],
        title="Tuyên truyền an toàn lao động",
        **management("themes", 1, initial=1),
        **{"themes-0-id": str(theme.pk), "themes-0-campaign": str(campaign.pk)},
        **{"themes-0-number": "01"},
        **management("indicators", 1, initial=1),
        **{
            "indicators-0-id": str(campaign.indicators.get().pk),
            "indicators-0-campaign": str(campaign.pk),
        },
    )

    response = staff_client.post(
        reverse("admin:campaign_campaign_change", args=[campaign.pk]), changed
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    campaign.refresh_from_db()
    assert campaign.title == "Tuyên truyền an toàn lao động"


def _renumbered(staff_client, campaign, numbers, delete=()):
    """What the campaign's change page sends back with content items renumbered (`numbers`,
    old to new) and deleted (`delete`, by number)."""
    data = page_data(
        staff_client.get(reverse("admin:campaign_campaign_change", args=[campaign.pk]))
    )
    for theme in campaign.themes.all():
        index = row_of(data, "themes", "id", str(theme.pk))
        data[f"themes-{index}-number"] = numbers.get(theme.number, theme.number)
        if theme.number in delete:
            data[f"themes-{index}-DELETE"] = "on"
    return data


def _post_in_vietnamese(staff_client, campaign, data):
    with translation.override("vi"):
        return staff_client.post(
            reverse("admin:campaign_campaign_change", args=[campaign.pk]),
            data,
            HTTP_ACCEPT_LANGUAGE="vi",
        )


def _themes_of(campaign):
    return dict(campaign.themes.values_list("number", "parent__number"))


def test_an_item_renumbered_without_its_sub_items_is_refused_naming_them(staff_client, campaign):
    # "2" saved as "3" left 2.1, 2.2 and 2.10 under item 3.
    before = _themes_of(campaign)
    data = _renumbered(staff_client, campaign, {"2": "3"})

    response = _post_in_vietnamese(staff_client, campaign, data)

    assert response.status_code == 200
    assert errors_of(response) == [
        "Nội dung 2 được đổi số thành 3 nhưng nội dung con 2.1, 2.2, 2.10 vẫn giữ số cũ: "
        "hãy đổi số của chúng cho bắt đầu bằng “3.” trong cùng lần lưu."
    ]
    # What was typed is kept.
    assert 'value="3"' in response.content.decode()
    assert _themes_of(campaign) == before


def test_an_item_and_its_sub_items_renumbered_together_are_saved(staff_client, campaign):
    # Refused before: each sub-item was checked against its parent's stored number, "2".
    data = _renumbered(
        staff_client, campaign, {"2": "3", "2.1": "3.1", "2.2": "3.2", "2.10": "3.10"}
    )

    response = staff_client.post(
        reverse("admin:campaign_campaign_change", args=[campaign.pk]), data
    )

    assert response.status_code == 302, errors_of(response)
    assert _themes_of(campaign) == {"1": None, "3": None, "3.1": "3", "3.2": "3", "3.10": "3"}


def test_a_sub_item_renumbered_away_from_its_renumbered_parent_is_refused(staff_client, campaign):
    before = _themes_of(campaign)
    data = _renumbered(
        staff_client, campaign, {"2": "3", "2.1": "4.1", "2.2": "3.2", "2.10": "3.10"}
    )

    response = _post_in_vietnamese(staff_client, campaign, data)

    assert response.status_code == 200
    assert errors_of(response) == [
        "Nội dung con 4.1 thuộc nội dung 3: số của nội dung con phải bắt đầu bằng “3.”."
    ]
    assert _themes_of(campaign) == before


def test_a_sub_item_kept_while_its_parent_is_deleted_is_refused(staff_client, campaign):
    # The deletion took 2.1 and 2.10 with it, while their rows were kept (or edited).
    before = _themes_of(campaign)
    data = _renumbered(staff_client, campaign, {}, delete=("2", "2.2"))

    response = _post_in_vietnamese(staff_client, campaign, data)

    assert response.status_code == 200
    assert errors_of(response) == [
        "Xóa nội dung 2 sẽ xóa luôn nội dung con 2.1, 2.10: hãy đánh dấu xóa cả các nội "
        "dung con đó, hoặc chuyển chúng sang nội dung khác."
    ]
    assert _themes_of(campaign) == before
    # Deleted with all its sub-items, it goes.
    data = _renumbered(staff_client, campaign, {}, delete=("2", "2.1", "2.2", "2.10"))
    response = staff_client.post(
        reverse("admin:campaign_campaign_change", args=[campaign.pk]), data
    )
    assert response.status_code == 302, errors_of(response)
    assert _themes_of(campaign) == {"1": None}


def test_a_sub_item_stored_apart_from_its_parent_does_not_block_other_changes(
    staff_client, campaign
):
    # Saved so before the check (item 2 renumbered alone): the campaign's title is still
    # edited, and the pair is set right when either is renumbered.
    campaign.themes.filter(number="2").update(number="3", sort_key="0003")
    data = _renumbered(staff_client, campaign, {})
    data["title"] = "Tiêu đề đã sửa"

    response = staff_client.post(
        reverse("admin:campaign_campaign_change", args=[campaign.pk]), data
    )

    assert response.status_code == 302, errors_of(response)
    campaign.refresh_from_db()
    assert campaign.title == "Tiêu đề đã sửa"


def test_two_content_items_swap_their_numbers_in_one_save(staff_client, campaign):
    # Refused before with "already exists": each row was checked against the other's
    # stored number, and saved one by one they would clash on the unique constraint.
    titles = dict(campaign.themes.values_list("number", "title"))
    data = _renumbered(
        staff_client,
        campaign,
        {"1": "2", "2": "1", "2.1": "1.1", "2.2": "1.2", "2.10": "1.10"},
    )

    response = _post_in_vietnamese(staff_client, campaign, data)

    assert response.status_code == 302, errors_of(response)
    assert _themes_of(campaign) == {"1": None, "1.1": "1", "1.2": "1", "1.10": "1", "2": None}
    assert dict(campaign.themes.values_list("number", "title")) == {
        "1": titles["2"],
        "1.1": titles["2.1"],
        "1.2": titles["2.2"],
        "1.10": titles["2.10"],
        "2": titles["1"],
    }
    # Listed in their new order.
    assert list(campaign.themes.values_list("number", flat=True)) == [
        "1",
        "1.1",
        "1.2",
        "1.10",
        "2",
    ]


def test_an_item_takes_the_number_of_an_item_deleted_in_the_same_save(staff_client, campaign):
    # Item 1 was written as "2" while item 2, deleted later in the same save, still held it.
    title = campaign.themes.get(number="1").title
    data = _renumbered(staff_client, campaign, {"1": "2"}, delete=("2", "2.1", "2.2", "2.10"))

    response = _post_in_vietnamese(staff_client, campaign, data)

    assert response.status_code == 302, errors_of(response)
    assert dict(campaign.themes.values_list("number", "title")) == {"2": title}


def test_an_item_renumbered_to_a_number_kept_by_another_is_refused(staff_client, campaign):
    before = _themes_of(campaign)
    data = _renumbered(staff_client, campaign, {"1": "2"})

    response = _post_in_vietnamese(staff_client, campaign, data)

    assert response.status_code == 200
    assert errors_of(response) == [
        "Hai dòng trùng nhau ở cột Số thứ tự: hãy sửa lại.",
        "Hãy sửa các giá trị trùng lặp dưới đây.",
    ]
    assert _themes_of(campaign) == before


TAKEN_MEANWHILE = (
    "Người khác vừa lưu một nội dung số 3 sau khi bạn mở trang này. Hãy đặt số khác cho "
    "nội dung này, hoặc mở lại trang để xem nội dung của họ."
)


def _renumbered_while_someone_adds_3(staff_client, campaign):
    """The page's data with item 1 renumbered 3 and the campaign's title edited, and the
    campaign as it stands once another administrator added an item 3 meanwhile."""
    data = _renumbered(staff_client, campaign, {"1": "3"})
    data["title"] = "Tiêu đề đã sửa"
    return data


def _stored(campaign):
    return (
        sorted(campaign.themes.values_list("pk", "number", "parent_id", "title", "sort_key")),
        Campaign.objects.get(pk=campaign.pk).title,
    )


def test_an_item_renumbered_to_a_number_saved_by_someone_else_meanwhile_is_refused(
    staff_client, campaign
):
    # Item 1 renumbered 3 on a page opened before another administrator added an item 3:
    # the unique number broke in the save, a 500.
    data = _renumbered_while_someone_adds_3(staff_client, campaign)
    Theme.objects.create(campaign=campaign, number="3", title="Thêm trong lúc đó")
    before = _stored(campaign)

    response = _post_in_vietnamese(staff_client, campaign, data)

    assert response.status_code == 200
    assert errors_of(response) == [TAKEN_MEANWHILE]
    page = response.content.decode()
    assert 'value="3"' in page and 'value="Tiêu đề đã sửa"' in page  # as typed
    assert _stored(campaign) == before


def test_a_number_taken_between_the_check_and_the_save_is_refused_not_a_500(
    staff_client, campaign, monkeypatch
):
    # The other save lands after this one's checks passed: the unique number breaks in the
    # save itself, which is rolled back whole and drawn again with the refusal.
    from campaign.admin import UsedThemesKept

    data = _renumbered_while_someone_adds_3(staff_client, campaign)
    check = UsedThemesKept._check_numbers_taken_meanwhile
    checks = []

    def check_then_race(formset):
        # The other item is written inside this request's transaction, which the clash rolls
        # back: the page drawn again (the second check) finds it written again, as another
        # administrator's committed item would still be there.
        if checks:
            Theme.objects.create(campaign=campaign, number="3", title="Thêm trong lúc đó")
        check(formset)
        checks.append(formset)
        if len(checks) == 1:
            Theme.objects.create(campaign=campaign, number="3", title="Thêm trong lúc đó")

    monkeypatch.setattr(UsedThemesKept, "_check_numbers_taken_meanwhile", check_then_race)
    title = Campaign.objects.get(pk=campaign.pk).title
    numbers = _themes_of(campaign)

    response = _post_in_vietnamese(staff_client, campaign, data)

    assert response.status_code == 200
    assert errors_of(response) == [TAKEN_MEANWHILE]
    assert len(checks) == 2
    # Nothing of the save is kept: neither the campaign's title nor the stand-in numbers
    # ("~id") the renumbering wrote first.
    assert Campaign.objects.get(pk=campaign.pk).title == title
    assert _themes_of(campaign) == numbers | {"3": None}


def test_the_campaigns_last_year_mistyped_in_the_admin_is_refused_not_dropped(staff_client, tree):
    # As a number box, "2O18" (a letter O) was sent empty: a campaign without an end.
    url = reverse("admin:campaign_campaign_add")
    assert 'type="number"' not in staff_client.get(url).content.decode()
    response = staff_client.post(url, campaign_form(tree["PV"], last_year="2O18"))
    assert response.status_code == 200
    assert "last_year" in response.context["adminform"].form.errors
    assert 'name="last_year" value="2O18"' in response.content.decode()
    assert not Campaign.objects.exists()
