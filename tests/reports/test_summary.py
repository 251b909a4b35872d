"""Summary reports to the Standing Committee: creating a draft pre-filled from the rollup
(its figures checked against the counting rule recounted in recount.py), editing it,
issuing it (the figures freeze, the PDF renders in the background), who sees what,
downloads, the failure and retry of a render, a broker that is down, and corrections that
keep the version they correct."""

import datetime
import re

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from kombu.exceptions import OperationalError

from campaign.models import IndicatorValue, Obstacle, Period, Status
from config import pdf_sandbox
from reports import issuing, pdf, summary_tasks
from reports.models import DocumentRegister, SummaryReport
from reports.rollup import Rollup
from tests.factories import MembershipFactory, UserFactory
from tests.reports.recount import recounted
from tests.reports.summaries import (
    FILED,
    SIGNER,
    YEAR,
    file_report,
    form_data,
    issue,
    make_campaign,
    make_summary,
    pdftotext,
    vi,
)
from units.models import Membership

# Rollups are cached under the data version, which rolled-back test data never moves.
pytestmark = pytest.mark.usefixtures("fresh_cache")

S = SummaryReport.Status
RS = SummaryReport.RenderState
Role = Membership.Role
LIST = reverse("reports:summary_list")
CREATE = reverse("reports:summary_create")


def queued_render(callbacks):
    """Whether the PDF's rendering is among the callbacks run after the commit."""
    return any(getattr(c, "func", None) is summary_tasks.enqueue_render for c in callbacks)


def url(name, summary):
    return reverse(name, args=[summary.pk])


def create(client, campaign, unit, kind="board", include="accepted"):
    """Post the form that creates a draft of `kind` for `unit`'s YEAR in `campaign`."""
    data = {"kind": kind, "campaign": campaign.pk, "year": YEAR, "unit": unit.pk}
    return client.post(CREATE, {**data, "include": include})


def logged_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def viewer_b(tree):
    """A Standing Committee member of district B only."""
    user = UserFactory(username="viewer_b")
    MembershipFactory(user=user, unit=tree["DB"], role=Role.VIEWER)
    return user


@pytest.fixture
def draft(tree, cast, campaign):
    return make_summary(tree["PV"], campaign, cast["cspl"], number="17/BC-LĐLĐ")


@pytest.fixture
def issued(tree, cast, campaign, client, django_capture_on_commit_callbacks):
    """A summary issued through the view, its PDF rendered by the (in-process) task."""
    summary = make_summary(tree["PV"], campaign, cast["cspl"])
    logged_in(client, cast["cspl"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("reports:summary_issue", summary), {"version": summary.version})
    client.logout()
    summary.refresh_from_db()
    assert summary.status == S.ISSUED and summary.render_state == RS.DONE
    return summary


# --- creating a draft ----------------------------------------------------------------------------
def test_a_reviewer_creates_a_draft_prefilled_from_the_rollup_and_the_units_words(
    client, tree, cast, campaign
):
    file_report(
        tree["A2"],
        campaign,
        obstacles="Thiếu tài liệu in sẵn.",
        proposals="Đề nghị cấp thêm tài liệu.",
    )
    Obstacle.objects.create(
        unit=tree["S1"],
        campaign=campaign,
        subject="Chưa có mẫu báo cáo.",
        text="Đề nghị hướng dẫn.",
        raised_by=cast["officer_b1"],
    )
    logged_in(client, cast["cspl"])
    response = create(client, campaign, tree["PV"])
    summary = SummaryReport.objects.get()
    assert response.status_code == 302 and response["Location"] == url(
        "reports:summary_edit", summary
    )
    assert summary.status == S.DRAFT and summary.created_by == cast["cspl"]
    filed = {**FILED, "A2": (Status.ACCEPTED, False, {})}
    headline = recounted(tree, campaign, filed=filed)["headline"]
    # DA, DB, A1 and A2 accepted, each with its own figures (A2 typed none).
    assert (headline["expected"], headline["submitted"], headline["reports"]) == (7, 5, 4)
    assert headline["totals"] == {"sessions": 22, "participants": 1274}
    assert str(headline["expected"]) in summary.general_assessment
    assert str(headline["submitted"]) in summary.general_assessment
    # Each total quoted with what it adds up: reports summed, units included.
    assert "Tổng hợp từ 4 báo cáo, 4/7 đơn vị được tính" in summary.results
    assert "- Số buổi tuyên truyền: 22 buổi;" in summary.results
    assert "- Số lượt người tham dự: 1.274 lượt người." in summary.results
    # Each text a clause of the list, its units after it: "in sẵn (A2);", not "in sẵn. (A2);".
    lines = summary.obstacles_proposals.splitlines()
    a2, s1 = (tree[code].short_name or tree[code].name for code in ("A2", "S1"))
    assert f"- Thiếu tài liệu in sẵn ({a2});" in lines
    assert f"- Đề nghị cấp thêm tài liệu ({a2});" in lines
    assert f"- Chưa có mẫu báo cáo ({s1})." in lines
    # The board's report to the Standing Committee (seed III.3), under its federation.
    federation = tree["PV"].short_name or tree["PV"].name
    assert summary.kind == SummaryReport.Kind.BOARD
    assert (summary.parent_body, summary.issuing_body) == (federation, "Ban Chính sách – Pháp luật")
    assert summary.addressee == f"Kính gửi: Ban Thường vụ {federation}"
    assert (summary.signer_block, summary.signer_title) == ("", "Trưởng ban")
    assert summary.recipients.splitlines()[-1] == "Lưu: VT, Ban CSPL."
    assert summary.number_code == "BC-CSPL" and summary.number == ""


def test_open_obstacles_none_overdue_are_counted_without_an_overdue_zero(
    client, tree, cast, campaign
):
    Obstacle.objects.create(
        unit=tree["S1"],
        campaign=campaign,
        subject="Chưa có mẫu báo cáo",
        text="Đề nghị hướng dẫn.",
        raised_by=cast["officer_b1"],
    )
    # Recounted: one obstacle open in the area, and none past its answer date.
    open_ = Obstacle.objects.filter(unit__path__startswith=tree["PV"].path, status="open")
    assert open_.count() == 1 and not open_.filter(answer_by__lt=timezone.localdate()).exists()
    logged_in(client, cast["cspl"])
    create(client, campaign, tree["PV"])
    text = SummaryReport.objects.get().obstacles_proposals
    assert "Vướng mắc của các đơn vị chưa được trả lời: 1." in text
    assert "quá hạn" not in text


def test_a_draft_with_nothing_included_says_so_rather_than_quote_zeros(tree, cast, client):
    campaign = make_campaign(tree["PV"])
    file_report(tree["A1"], campaign, Status.SUBMITTED, sessions=5, participants=50)
    assert (
        recounted(tree, campaign, filed={"A1": (Status.SUBMITTED, False, {})})["headline"][
            "reports"
        ]
        == 0
    )
    logged_in(client, cast["cspl"])
    create(client, campaign, tree["PV"])
    summary = SummaryReport.objects.get()
    assert summary.results == vi("No report is included yet: there is no total to show.")
    # With the report awaiting review counted, its figures are quoted, with their coverage.
    summary.delete()
    create(client, campaign, tree["PV"], include="submitted")
    results = SummaryReport.objects.get().results
    assert "Tổng hợp từ 1 báo cáo, 1/7 đơn vị được tính" in results
    assert "- Số buổi tuyên truyền: 5 buổi;" in results
    assert "- Số lượt người tham dự: 50 lượt người." in results


def test_a_reviewer_cannot_create_a_summary_above_their_own_unit(client, tree, cast, campaign):
    logged_in(client, cast["reviewer_a"])
    response = create(client, campaign, tree["PV"])
    assert response.status_code == 200 and "unit" in response.context["form"].errors
    assert not SummaryReport.objects.exists()
    # Their own district is theirs to report on.
    create(client, campaign, tree["DA"], kind="committee")
    assert SummaryReport.objects.get().unit == tree["DA"]


def test_a_year_the_campaign_does_not_run_is_refused(client, tree, cast, campaign):
    logged_in(client, cast["cspl"])
    response = client.post(
        CREATE,
        {"campaign": campaign.pk, "year": 2010, "unit": tree["PV"].pk, "include": "accepted"},
    )
    assert "year" in response.context["form"].errors
    assert not SummaryReport.objects.exists()


def test_a_year_not_begun_is_refused_and_no_period_is_made(client, tree, cast, campaign):
    logged_in(client, cast["cspl"])
    periods = Period.objects.count()
    response = client.post(
        CREATE,
        {"campaign": campaign.pk, "year": 2031, "unit": tree["PV"].pk, "include": "accepted"},
    )
    assert "2031" in response.context["form"].errors["year"][0]
    assert not SummaryReport.objects.exists()
    assert Period.objects.count() == periods


@pytest.mark.parametrize("who", ["standing", "officer_a", "outsider"])
def test_only_reviewers_create_summaries(client, cast, who):
    logged_in(client, cast[who])
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, {}).status_code == 403


# --- editing -----------------------------------------------------------------------------------
def test_a_reviewer_edits_a_draft(client, cast, draft):
    logged_in(client, cast["cspl"])
    page = client.get(url("reports:summary_detail", draft)).content.decode()
    for name in ("reports:summary_edit", "reports:summary_preview", "reports:summary_issue"):
        assert url(name, draft) in page, name
    form = client.get(url("reports:summary_edit", draft))
    assert form.status_code == 200 and draft.subject in form.content.decode()
    assert client.get(CREATE).status_code == 200
    response = client.post(url("reports:summary_edit", draft), form_data(draft, results="Đã sửa."))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.results == "Đã sửa." and draft.version == 2


def test_a_draft_without_a_place_shows_its_date_alone_as_the_document_does(client, cast, draft):
    SummaryReport.objects.filter(pk=draft.pk).update(place="")
    logged_in(client, cast["cspl"])
    page = client.get(url("reports:summary_detail", draft)).content.decode()
    assert f">{draft.dated_on:%d/%m/%Y}</dd>" in page
    assert ", " + f"{draft.dated_on:%d/%m/%Y}" not in page


def test_an_issued_report_cannot_be_edited(client, cast, issued):
    before = SummaryReport.objects.filter(pk=issued.pk).values().get()
    logged_in(client, cast["cspl"])
    # A form opened on the draft, sent after a colleague issued it: nothing is saved, and
    # the text typed is still on the page (it used to be dropped behind a redirect).
    response = client.post(
        url("reports:summary_edit", issued), form_data(issued, results="Sửa sau khi ban hành.")
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Sửa sau khi ban hành." in page and "không thể sửa" in page
    assert SummaryReport.objects.filter(pk=issued.pk).values().get() == before
    response = client.get(url("reports:summary_edit", issued), follow=True)
    assert "summary_edit" not in response.resolver_match.url_name
    assert any("không thể sửa" in str(m) for m in response.context["messages"])  # in Vietnamese


def test_a_save_based_on_an_older_version_is_refused_with_the_input_kept(client, cast, draft):
    logged_in(client, cast["cspl"])
    first = form_data(draft, results="Bản của người thứ nhất.")
    second = form_data(draft, results="Bản của người thứ hai.")
    client.post(url("reports:summary_edit", draft), first)
    response = client.post(url("reports:summary_edit", draft), second)
    assert response.status_code == 200
    assert "Bản của người thứ hai." in response.content.decode()
    assert SummaryReport.objects.get(pk=draft.pk).results == "Bản của người thứ nhất."


def test_a_viewer_cannot_edit_or_even_see_a_draft(client, cast, draft):
    logged_in(client, cast["standing"])
    for name in (
        "reports:summary_detail",
        "reports:summary_edit",
        "reports:summary_preview",
        "reports:summary_status",
    ):
        assert client.get(url(name, draft)).status_code == 404, name
    assert client.post(url("reports:summary_issue", draft)).status_code == 404


# --- issuing -----------------------------------------------------------------------------------
def test_issuing_freezes_the_figures_and_stores_the_pdf(
    client, tree, cast, campaign, draft, django_capture_on_commit_callbacks, tmp_path
):
    logged_in(client, cast["cspl"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(url("reports:summary_issue", draft), {"version": draft.version})
    assert response.status_code == 302 and queued_render(callbacks)
    draft.refresh_from_db()
    assert (draft.status, draft.issued_by, draft.render_state) == (S.ISSUED, cast["cspl"], RS.DONE)
    assert draft.issued_at is not None and draft.render_error == ""
    frozen = draft.rollup_snapshot["rollup"]["headline"]
    assert frozen["totals"] == recounted(tree, campaign)["headline"]["totals"]
    assert frozen["reports"] == 3 and frozen["included"] == 3
    # The snapshot reads back as the rollup it froze.
    assert Rollup.from_json(draft.rollup_snapshot["rollup"]).headline.totals == frozen["totals"]
    assert len(draft.rollup_snapshot["units"]) == 7
    assert re.fullmatch(r"summaries/[0-9a-f]{32}\.pdf", draft.pdf.name)
    stored = draft.pdf.read()
    assert stored.startswith(b"%PDF") and SIGNER in pdftotext(stored, tmp_path)
    # A later change to the reports changes neither the snapshot nor what a render shows.
    IndicatorValue.objects.filter(report__unit=tree["DA"], indicator__code="sessions").update(
        int_value=900
    )
    draft.refresh_from_db()
    assert draft.rollup_snapshot["rollup"]["headline"] == frozen


def test_issuing_needs_a_signer_and_says_so_on_the_form(client, cast, tree, campaign):
    summary = make_summary(tree["PV"], campaign, cast["cspl"], number="", signer_name="")
    logged_in(client, cast["cspl"])
    response = client.post(
        url("reports:summary_issue", summary), {"version": summary.version}, follow=True
    )
    assert response.resolver_match.url_name == "summary_edit"
    summary.refresh_from_db()
    assert summary.status == S.DRAFT and summary.rollup_snapshot == {}
    assert summary.render_state == RS.NONE and summary.number == ""
    assert "signer_name" in response.context["form"].problems


def test_summary_issue_returns_the_issued_report_and_queues_its_pdf_after_the_commit(
    cast, draft, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        issued = issuing.summary_issue(summary=draft, user=cast["cspl"])
    assert (issued.pk, issued.status, issued.issued_by) == (draft.pk, S.ISSUED, cast["cspl"])
    assert issued.render_state == RS.QUEUED and issued.rollup_snapshot["rollup"]
    assert queued_render(callbacks)
    # Its number is the first of its unit's register for the year of its date.
    assert (issued.serial, issued.serial_year, issued.number) == (1, 2025, "1/BC-LĐLĐ")
    # Issued once: a second call finds no draft, and changes nothing.
    with pytest.raises(issuing.AlreadyIssuedError):
        issuing.summary_issue(summary=draft, user=cast["standing"])
    assert SummaryReport.objects.get(pk=draft.pk).issued_by == cast["cspl"]


def test_summary_issue_refuses_an_incomplete_draft_and_writes_nothing(cast, tree, campaign):
    summary = make_summary(tree["PV"], campaign, cast["cspl"], number="", signer_name=" ")
    with pytest.raises(ValidationError) as error:
        issuing.summary_issue(summary=summary, user=cast["cspl"])
    assert "signer_name" in error.value.message_dict
    assert not DocumentRegister.objects.exists()  # no number was used
    summary.refresh_from_db()
    assert (summary.status, summary.rollup_snapshot, summary.render_state) == (
        S.DRAFT,
        {},
        RS.NONE,
    )


def test_two_reports_of_a_unit_and_year_never_share_a_number(client, cast, tree, campaign, issued):
    other = make_summary(tree["PV"], campaign, cast["cspl"], number="")
    issuing.summary_issue(summary=other, user=cast["cspl"])
    other.refresh_from_db()
    assert (issued.number, other.number) == ("1/BC-LĐLĐ", "2/BC-LĐLĐ")
    duplicate = make_summary(tree["PV"], campaign, cast["cspl"], number="")
    duplicate.serial, duplicate.serial_year = 2, 2025
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "Số này đã được dùng" in str(error.value)


def test_the_model_refuses_what_the_constraints_refuse(tree, cast, campaign, draft):
    draft.status = S.ISSUED
    draft.number = ""
    with pytest.raises(ValidationError) as error:
        draft.full_clean()
    assert "number_code" in error.value.message_dict
    draft.refresh_from_db()
    correction = make_summary(tree["PV"], campaign, cast["cspl"], number="", supersedes=draft)
    with pytest.raises(ValidationError) as error:
        correction.full_clean()
    assert "supersedes" in error.value.message_dict


# --- who sees what --------------------------------------------------------------------------------
def test_the_standing_committee_lists_issued_reports_newest_first_and_no_draft(
    client, tree, cast, campaign, draft
):
    older = issue(make_summary(tree["PV"], campaign, cast["cspl"], number="1/BC"), cast["cspl"])
    newer = issue(make_summary(tree["PV"], campaign, cast["cspl"], number="2/BC"), cast["cspl"])
    SummaryReport.objects.filter(pk=older.pk).update(
        issued_at=timezone.now() - datetime.timedelta(days=3)
    )
    logged_in(client, cast["standing"])
    response = client.get(LIST)
    assert [s.pk for s in response.context["page"]] == [newer.pk, older.pk]
    assert response.context["drafts"] == []
    assert draft.get_absolute_url() not in response.content.decode()
    # Reports to the bodies above and from the units below are listed too: not "to the
    # Standing Committee" alone.
    assert '<h1 class="h3 mb-0">Báo cáo tổng hợp</h1>' in response.content.decode()
    client.force_login(cast["cspl"])
    assert [s.pk for s in client.get(LIST).context["drafts"]] == [draft.pk]


@pytest.mark.parametrize("who", ["cspl", "standing"])
def test_the_list_costs_the_same_queries_for_2_or_20_reports(client, tree, cast, campaign, who):
    # Issued by two people for the province and district A, each one correcting the one
    # before it (the list names the number it replaces), and drafts by two authors.
    people = [cast["cspl"], cast["reviewer_a"]]
    latest = {}

    def write(count):
        for n in range(count):
            unit = tree["PV"] if n % 2 else tree["DA"]
            if n % 4 == 3:
                make_summary(unit, campaign, people[n % 2], number="")
                continue
            before = latest.get(unit.pk)
            if before is not None:
                SummaryReport.objects.filter(pk=before.pk).update(status=S.SUPERSEDED)
            latest[unit.pk] = make_summary(
                unit,
                campaign,
                people[n % 2],
                number=f"{len(latest) + n}/BC",
                status=S.ISSUED,
                issued_by=people[n % 2],
                issued_at=timezone.now(),
                supersedes=before,
            )

    def cost():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST)
        assert response.status_code == 200
        return len(queries), response

    logged_in(client, cast[who])
    write(2)
    cost()  # the session in the cache
    few, _response = cost()
    write(18)
    many, response = cost()
    assert len(response.context["page"]) == 16
    assert "đính chính cho số" in response.content.decode()
    assert many == few


def test_a_viewer_outside_the_scope_gets_404_on_the_detail_status_and_pdf(client, viewer_b, issued):
    logged_in(client, viewer_b)
    for name in ("reports:summary_detail", "reports:summary_status", "reports:summary_pdf"):
        assert client.get(url(name, issued)).status_code == 404, name
    assert client.get(LIST).context["page"].paginator.count == 0


def test_a_viewer_sees_the_reports_of_the_units_below_their_own(
    client, tree, cast, campaign, viewer_b
):
    district = issue(
        make_summary(tree["DB"], campaign, cast["cspl"], number="3/BC-LĐLĐ"), cast["cspl"]
    )
    logged_in(client, viewer_b)
    response = client.get(url("reports:summary_detail", district))
    assert response.status_code == 200 and response.context["summary"] == district
    page = response.content.decode()
    assert "3/BC-LĐLĐ" in page and district.subject in page


@pytest.mark.parametrize("who", ["officer_a", "outsider"])
def test_people_without_a_reading_role_get_nothing(client, cast, issued, who):
    logged_in(client, cast[who])
    assert client.get(LIST).status_code == 403
    assert client.get(url("reports:summary_pdf", issued)).status_code == 404


def test_the_pdf_is_downloaded_as_an_attachment_the_browser_must_not_sniff(
    client, cast, issued, tmp_path
):
    logged_in(client, cast["standing"])
    response = client.get(url("reports:summary_pdf", issued))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    name = "bao-cao-1-BC-LDLD-05-01-2025-lien-doan-lao-dong-tinh-ben-tre.pdf"  # number, date, body
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    content = b"".join(response.streaming_content)
    assert "Số: 1/BC-LĐLĐ" in pdftotext(content, tmp_path)


def test_a_reviewer_previews_a_draft_pdf_marked_as_a_draft(client, cast, draft, tmp_path):
    logged_in(client, cast["cspl"])
    response = client.get(url("reports:summary_preview", draft))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert vi("Draft").upper() in pdftotext(response.content, tmp_path)
    # A draft has no stored PDF to download.
    assert client.get(url("reports:summary_pdf", draft)).status_code == 404


def test_a_preview_that_overruns_its_limit_returns_to_the_draft_with_the_reason(
    client, cast, draft, monkeypatch
):
    # The real child process, killed at a limit it cannot meet: the reviewer gets the draft's
    # page with the reason, never an error page, and the draft is left as it was.
    monkeypatch.setattr(pdf_sandbox, "PREVIEW_TIMEOUT", 0.001)
    logged_in(client, cast["cspl"])
    response = client.get(url("reports:summary_preview", draft), follow=True)
    assert response.redirect_chain == [(url("reports:summary_detail", draft), 302)]
    reason = vi("The rendering took longer than %(seconds)s seconds and was stopped.")
    assert reason % {"seconds": 0.001} in response.content.decode()
    draft.refresh_from_db()
    assert draft.is_draft and not draft.pdf


# --- the render: status, failure, retry, broker ---------------------------------------------------
def test_the_page_follows_the_render_through_a_script_and_works_without_it(
    client, cast, tree, campaign
):
    summary = issue(make_summary(tree["PV"], campaign, cast["cspl"]), cast["cspl"])
    SummaryReport.objects.filter(pk=summary.pk).update(
        render_state=RS.QUEUED, render_started_at=timezone.now()
    )
    logged_in(client, cast["standing"])
    page = client.get(url("reports:summary_detail", summary)).content.decode()
    assert f'data-status-url="{url("reports:summary_status", summary)}"' in page
    assert "js/summary_status.js" in page
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)  # no inline script
    assert re.search(r'data-status-when="pending"(?! hidden)', page)  # the refresh link
    status = client.get(url("reports:summary_status", summary)).json()
    assert status["state"] == "queued" and status["pending"] and not status["done"]
    SummaryReport.objects.filter(pk=summary.pk).update(
        render_state=RS.FAILED, render_error="Lỗi thử"
    )
    status = client.get(url("reports:summary_status", summary)).json()
    # A reader is told the PDF is not ready, not the renderer's own words (paths and all).
    not_ready = "Chưa tạo được tệp PDF. Ban đã ban hành báo cáo có thể cho tạo lại."
    assert (status["state"], status["error"], status["pending"]) == ("failed", not_ready, False)
    assert status["retry"] is False  # a viewer may not retry
    page = client.get(url("reports:summary_detail", summary)).content.decode()
    assert not_ready in page and "Lỗi thử" not in page
    client.force_login(cast["cspl"])
    status = client.get(url("reports:summary_status", summary)).json()
    assert (status["error"], status["retry"]) == ("Lỗi thử", True)  # the board can act on it


def test_a_failed_render_is_marked_failed_with_its_reason_and_a_retry_renders_it(
    client, cast, draft, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    def broken(html, variant=None):
        raise RuntimeError("font cache exploded")

    monkeypatch.setattr(pdf_sandbox, "html_to_pdf", broken)
    logged_in(client, cast["cspl"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("reports:summary_issue", draft), {"version": draft.version})
    draft.refresh_from_db()
    assert (draft.status, draft.render_state) == (S.ISSUED, RS.FAILED)
    # The board reads, in Vietnamese, what to do; the renderer's own words went to the log.
    told = "Trình tạo PDF dừng lại vì gặp lỗi. Hãy thử lại"
    assert draft.render_error.startswith(told)
    assert "font cache exploded" not in draft.render_error
    assert not draft.pdf
    page = client.get(url("reports:summary_detail", draft)).content.decode()
    assert told in page and url("reports:summary_retry", draft) in page
    assert "RuntimeError: font cache exploded" in caplog.text

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("reports:summary_retry", draft))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.render_state, draft.render_error) == (RS.DONE, "")
    assert draft.pdf.read().startswith(b"%PDF")


def test_a_render_that_overruns_its_limit_is_marked_failed(draft, cast, monkeypatch):
    issue(draft, cast["cspl"])
    SummaryReport.objects.filter(pk=draft.pk).update(render_state=RS.QUEUED)

    def slow(summary, **options):
        raise pdf_sandbox.RenderError("The rendering took longer than 90 seconds and was stopped.")

    monkeypatch.setattr(pdf, "render_summary_pdf", slow)
    assert summary_tasks.render(draft.pk) == "failed"
    draft.refresh_from_db()
    assert draft.render_state == RS.FAILED and "90 seconds" in draft.render_error

    def killed_softly(summary, **options):
        raise SoftTimeLimitExceeded

    SummaryReport.objects.filter(pk=draft.pk).update(render_state=RS.QUEUED)
    monkeypatch.setattr(pdf, "render_summary_pdf", killed_softly)
    assert summary_tasks.render(draft.pk) == "failed"
    draft.refresh_from_db()
    assert draft.render_state == RS.FAILED
    assert str(summary_tasks.SOFT_TIME_LIMIT) in draft.render_error


def test_a_pdf_whose_row_cannot_be_updated_is_not_left_on_disk(
    draft, cast, monkeypatch, settings, tmp_path
):
    from django.db import OperationalError as DatabaseDown

    settings.MEDIA_ROOT = str(tmp_path)
    issue(draft, cast["cspl"])

    def database_down(statement):
        raise DatabaseDown("server closed the connection unexpectedly")

    monkeypatch.setattr(summary_tasks, "on_a_live_connection", database_down)
    with pytest.raises(DatabaseDown):
        summary_tasks.store(draft, b"%PDF-1.7 rendered", timezone.now())
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_a_broker_that_is_down_marks_the_render_failed_with_a_retry_message(
    client, cast, draft, monkeypatch, django_capture_on_commit_callbacks
):
    def down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(summary_tasks.render_summary, "delay", down)
    logged_in(client, cast["cspl"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("reports:summary_issue", draft), {"version": draft.version})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.render_state) == (S.ISSUED, RS.FAILED)
    with translation.override(settings.LANGUAGE_CODE):
        assert draft.render_error == str(summary_tasks.QUEUE_UNAVAILABLE)
    assert draft.can_retry_render


def test_the_task_does_nothing_when_there_is_nothing_to_render(issued, draft):
    rendered = issued.pdf.name
    assert summary_tasks.render(issued.pk) == "skipped"  # done already: a redelivery
    assert summary_tasks.render(draft.pk) == "skipped"  # a draft never renders
    issued.refresh_from_db()
    assert issued.pdf.name == rendered and issued.render_state == RS.DONE


def test_a_render_left_by_a_killed_worker_is_claimed_again_once_stale(cast, draft):
    issue(draft, cast["cspl"])
    moments_ago = timezone.now() - datetime.timedelta(seconds=30)
    SummaryReport.objects.filter(pk=draft.pk).update(
        render_state=RS.RENDERING, render_started_at=moments_ago
    )
    assert summary_tasks.render(draft.pk) == "skipped"  # still running elsewhere
    long_ago = timezone.now() - summary_tasks.STALE_AFTER - datetime.timedelta(seconds=1)
    SummaryReport.objects.filter(pk=draft.pk).update(render_started_at=long_ago)
    assert summary_tasks.render(draft.pk) == "done"


def test_the_task_has_soft_and_hard_time_limits_above_the_childs_own():
    task = summary_tasks.render_summary
    assert pdf_sandbox.RENDER_TIMEOUT < task.soft_time_limit < task.time_limit
    assert pdf_sandbox.MEMORY_LIMIT > 0


# --- corrections ----------------------------------------------------------------------------------
def test_a_correction_is_a_new_version_and_the_old_one_is_kept(
    client, cast, issued, django_capture_on_commit_callbacks, tmp_path
):
    logged_in(client, cast["cspl"])
    response = client.post(url("reports:summary_correct", issued))
    correction = SummaryReport.objects.get(supersedes=issued)
    assert response["Location"] == url("reports:summary_edit", correction)
    assert (correction.status, correction.number) == (S.DRAFT, "")
    assert correction.results == issued.results and correction.signer_name == issued.signer_name
    # Asking again opens the same correction instead of starting another.
    client.post(url("reports:summary_correct", issued))
    assert SummaryReport.objects.filter(supersedes=issued).count() == 1

    client.post(
        url("reports:summary_edit", correction),
        form_data(correction, results="Số liệu đã đính chính."),
    )
    correction.refresh_from_db()  # the save moved its version on
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("reports:summary_issue", correction), {"version": correction.version})
    correction.refresh_from_db()
    old = SummaryReport.objects.get(pk=issued.pk)
    assert (correction.status, correction.render_state) == (S.ISSUED, RS.DONE)
    assert old.status == S.SUPERSEDED
    # The next number of the register of the correction's year: its own, never the old one.
    expected = "2/BC-LĐLĐ" if correction.serial_year == 2025 else "1/BC-LĐLĐ"
    assert correction.number == expected
    assert old.number == "1/BC-LĐLĐ" and old.results == issued.results
    assert old.rollup_snapshot == issued.rollup_snapshot and old.pdf.name == issued.pdf.name
    client.force_login(cast["standing"])
    kept = b"".join(client.get(url("reports:summary_pdf", old)).streaming_content)
    assert "Số: 1/BC-LĐLĐ" in pdftotext(kept, tmp_path)
    # The correction says, on the page itself, which document it replaces.
    new = b"".join(client.get(url("reports:summary_pdf", correction)).streaming_content)
    text = " ".join(pdftotext(new, tmp_path).split())
    assert f"(Đính chính Báo cáo số 1/BC-LĐLĐ ngày {old.dated_on:%d/%m/%Y})" in text
    listed = client.get(LIST).context["page"]
    assert {s.pk for s in listed} == {old.pk, correction.pk}
    assert (
        client.post(url("reports:summary_correct", old)).status_code == 403
    )  # viewers never write


def test_the_navigation_links_summary_reports_for_readers_only(client, cast):
    for who, shown in (("standing", True), ("cspl", True), ("officer_a", False)):
        client.force_login(cast[who])
        page = client.get(reverse("units:home")).content.decode()
        assert (f'href="{LIST}"' in page) is shown, who


def test_a_draft_dated_after_today_or_before_what_it_corrects_is_not_issued(client, cast, issued):
    # Signed today but dated tomorrow, or a correction older than the document it corrects.
    logged_in(client, cast["cspl"])
    draft = make_summary(issued.unit, issued.campaign, cast["cspl"], number="")
    draft.dated_on = timezone.localdate() + datetime.timedelta(days=1)
    with translation.override("vi"):
        assert "không thể ghi ngày" in draft.issue_problems()["dated_on"]
    client.post(url("reports:summary_correct", issued))
    correction = SummaryReport.objects.get(supersedes=issued)
    correction.dated_on = issued.dated_on - datetime.timedelta(days=1)
    with translation.override("vi"):
        assert "đính chính" in correction.issue_problems()["dated_on"]
    correction.dated_on = issued.dated_on
    assert "dated_on" not in correction.issue_problems()


def test_a_report_dated_before_the_year_it_reports_on_is_not_issued(client, cast, tree, campaign):
    # A report on 2024 issued in January 2025, its date's year typed by habit: it was
    # signed, dated a year early and numbered in the register of 2024.
    summary = make_summary(tree["PV"], campaign, cast["cspl"], number="")
    summary.dated_on = datetime.date(summary.year - 1, 1, 5)
    summary.save()
    logged_in(client, cast["cspl"])
    client.post(url("reports:summary_issue", summary), {"version": summary.version})
    summary.refresh_from_db()
    assert summary.status == S.DRAFT and summary.number == ""
    assert not DocumentRegister.objects.exists()
    with translation.override("vi"):
        problem = summary.issue_problems()["dated_on"]
    assert f"Báo cáo về năm {summary.year}" in problem and "05/01/2023" in problem
    summary.dated_on = datetime.date(summary.year + 1, 1, 5)
    assert "dated_on" not in summary.issue_problems()
