"""No lost update on annual reports: saves from an outdated version, reports submitted or
started meanwhile, and requests sent twice or after the lock."""

import pytest
from django.urls import reverse

from campaign import workflow
from campaign.forms import ValuesForm
from campaign.models import (
    AnnualReport,
    Status,
    Step,
)
from tests.campaign.annual import (
    COMPLETE,
    YEAR,
    annual_campaign,
    edit_data,
    filing,
    local,
    make_report,
    start_url,
    state,
    stored_figures,
    vi,
)
from tests.pages import html, login, messages_of

S = Status
# Today is 01/12/2024 (tests/campaign/conftest.py), until a test moves the clock.
pytestmark = pytest.mark.usefixtures("clock")


@pytest.fixture
def campaign(tree):
    return annual_campaign(tree)


def test_a_save_from_an_outdated_version_is_refused_and_the_input_kept(
    client, cast, report_a1, second_officer_a1
):
    url = reverse("campaign:report_edit", args=[report_a1.pk])
    first, second = cast["officer_a1"], second_officer_a1
    opened = login(client, first).get(url).context["form"].initial["version"]
    assert opened == report_a1.version

    theirs = edit_data(report_a1, results="Bản của người thứ hai", value_sessions="20")
    login(client, second)
    assert client.post(url, theirs).status_code == 302
    saved = state(report_a1)
    assert saved[2] == "Bản của người thứ hai" and saved[3]["sessions"] == 20

    mine = dict(theirs, results="Bản của người thứ nhất", value_sessions="31", version=str(opened))
    login(client, first)
    response = client.post(url, mine)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert state(report_a1) == saved
    page = html(response)
    assert "Bản của người thứ nhất" in page and 'value="31"' in page
    # The form now carries the version the user was warned about: saving again overwrites.
    again = dict(mine, version=response.context["form"]["version"].value())
    assert again["version"] == str(saved[1])
    assert client.post(url, again).status_code == 302
    assert state(report_a1)[2:4] == ("Bản của người thứ nhất", {**saved[3], "sessions": 31})


def test_a_save_reaching_a_report_submitted_meanwhile_says_so_and_keeps_the_input(
    client, cast, report_a1, second_officer_a1
):
    data = edit_data(report_a1, results="Sửa muộn", value_sessions="77")
    login(client, second_officer_a1).post(reverse("campaign:report_submit", args=[report_a1.pk]))
    before = state(report_a1)
    assert before[0] == S.SUBMITTED
    response = login(client, cast["officer_a1"]).post(
        reverse("campaign:report_edit", args=[report_a1.pk]), data
    )
    assert response.status_code == 200
    [error] = response.context["form"].non_field_errors()
    status = vi("Submitted")
    assert vi("This report is “%(status)s” and cannot be changed.", status=status) in error
    assert "Sửa muộn" in html(response) and 'value="77"' in html(response)
    assert state(report_a1) == before


def test_a_report_submitted_while_a_save_is_under_way_is_not_overwritten(
    client, cast, report_a1, second_officer_a1, monkeypatch
):
    # The other officer submits between the moment this save read the report and the
    # moment it writes: the save finds the report locked, says so and keeps the input.
    validate = ValuesForm.is_valid

    def valid_then_submitted_elsewhere(form):
        result = validate(form)
        workflow.submission_submit(
            AnnualReport.objects.get(pk=report_a1.pk), user=second_officer_a1
        )
        return result

    data = edit_data(report_a1, results="Sửa giữa chừng", value_sessions="55")
    monkeypatch.setattr(ValuesForm, "is_valid", valid_then_submitted_elsewhere)
    response = login(client, cast["officer_a1"]).post(
        reverse("campaign:report_edit", args=[report_a1.pk]), data
    )
    assert response.status_code == 200
    [error] = response.context["form"].non_field_errors()
    status = vi("Submitted")
    assert vi("This report is “%(status)s” and cannot be changed.", status=status) in error
    assert 'value="55"' in html(response) and "Sửa giữa chừng" in html(response)
    stored = AnnualReport.objects.get(pk=report_a1.pk)
    assert (stored.status, stored.results) == (S.SUBMITTED, report_a1.results)
    assert stored_figures(report_a1)["sessions"] == COMPLETE["sessions"]


def test_a_new_report_sent_after_the_lock_keeps_the_input_and_saves_nothing(
    client, tree, cast, campaign, clock
):
    # The form was opened on the lock day (19/01) and sent after midnight. Reports are open
    # all of that day: the message said they had locked "from" it ("từ ngày 19/01").
    login(client, cast["officer_a1"])
    clock.moment = local(YEAR + 1, 1, 19, 23, 50)
    assert client.get(start_url(campaign, tree["A1"])).status_code == 200
    clock.moment = local(YEAR + 1, 1, 20, 0, 10)
    response = client.post(start_url(campaign, tree["A1"]), filing(results="Gõ xong lúc nửa đêm"))
    assert response.status_code == 200
    page = html(response)
    assert f"Báo cáo năm {YEAR} đã khóa sau ngày 19/01/{YEAR + 1}" in page
    assert "Gõ xong lúc nửa đêm" in page and 'value="1.234"' in page  # as typed
    assert not AnnualReport.objects.exists()


def test_a_figure_first_given_after_a_return_is_shown_grouped_in_the_changes(
    client, tree, cast, campaign
):
    # A report whose participants had no figure at all when it was returned.
    report = make_report(tree["A1"], campaign, status=S.SUBMITTED, figures={"sessions": 12})
    workflow.submission_return(report, user=cast["reviewer_a"], reason="Thiếu số lượt người")
    login(client, cast["officer_a1"])
    data = edit_data(report, value_participants="2.500", save_and_submit="1")
    assert client.post(reverse("campaign:report_edit", args=[report.pk]), data).status_code == 302
    response = login(client, cast["reviewer_a"]).get(report.get_absolute_url())
    assert ("Số lượt người tham dự", "", "2.500") in response.context["changes"]


def test_cancelling_a_new_report_goes_back_to_the_list_of_its_year(
    client, tree, cast, campaign, clock
):
    # From 15/12 next year's report can be started, while the list still opens on this
    # year's: "Hủy" led there, away from the year the officer had chosen.
    clock.moment = local(YEAR, 12, 16)
    page = html(login(client, cast["officer_a1"]).get(start_url(campaign, tree["A1"], YEAR + 1)))
    back = reverse("campaign:report_list") + f"?campaign={campaign.pk}&amp;year={YEAR + 1}"
    assert f'<a class="btn btn-link" href="{back}">Hủy</a>' in page


def test_after_the_lock_the_list_offers_no_start_and_a_refused_start_keeps_the_year(
    client, tree, cast, campaign, clock
):
    # The list of a locked year offered "Lập báo cáo"; the button only led to the refusal,
    # shown over the list of the year being written now, not the one the officer chose.
    login(client, cast["officer_a1"])
    list_url = reverse("campaign:report_list") + f"?campaign={campaign.pk}&year={YEAR}"
    start = f'href="{start_url(campaign, tree["A1"])}"'
    assert start in html(client.get(list_url))
    clock.moment = local(YEAR + 1, 2, 1)
    page = html(client.get(list_url))
    assert start not in page
    assert "Nay chỉ người duyệt của đơn vị cấp trên mới mở được bản nháp" in page
    response = client.get(start_url(campaign, tree["A1"]))
    assert response.status_code == 302
    assert response.url == list_url
    assert not AnnualReport.objects.exists()


def test_starting_a_report_someone_started_meanwhile_keeps_the_input_and_overwrites_nothing(
    client, tree, cast, campaign, second_officer_a1
):
    # The second officer opened the new-report page before the first saved.
    login(client, second_officer_a1)
    assert client.get(start_url(campaign, tree["A1"])).status_code == 200
    first = make_report(tree["A1"], campaign, figures=COMPLETE, results="Bản đầu tiên")
    response = client.post(
        start_url(campaign, tree["A1"]), filing(results="Bản thứ hai", save_and_submit="1")
    )
    # The form comes back with what they typed and a link to the report that exists;
    # nothing of the second filing overwrote it, and nothing was submitted.
    assert response.status_code == 200
    page = response.content.decode()
    assert "Bản thứ hai" in page and first.get_absolute_url() in page
    assert "Một người khác vừa tạo báo cáo này" in page
    assert "Mở báo cáo người đó đã tạo (thẻ mới)" in page
    assert AnnualReport.objects.get().results == "Bản đầu tiên"
    assert AnnualReport.objects.get().status == Status.DRAFT
    assert not Step.objects.exists()


def test_a_new_report_sent_twice_by_its_officer_leads_to_the_first_one(
    client, tree, cast, campaign
):
    # A second tap or a reload: the same officer, the same texts and figures. Before, it
    # said someone else had started the report.
    login(client, cast["officer_a1"])
    data = filing(save_and_submit="1")
    first = client.post(start_url(campaign, tree["A1"]), data)
    second = client.post(start_url(campaign, tree["A1"]), data, follow=True)
    report = AnnualReport.objects.get()
    assert first.url == second.redirect_chain[-1][0] == report.get_absolute_url()
    assert any("Biểu mẫu này đã được gửi trước đó" in m for m in messages_of(second, "info"))
    assert report.status == Status.SUBMITTED and Step.objects.count() == 1
    # The same officer with other figures (a second tab) is told so, input kept.
    third = client.post(start_url(campaign, tree["A1"]), filing(value_sessions="13"))
    assert third.status_code == 200
    assert "Bạn vừa tạo báo cáo này ở một cửa sổ hoặc thẻ khác" in html(third)
    assert "Mở báo cáo bạn đã tạo (thẻ mới)" in html(third)
    assert 'value="13"' in html(third)
