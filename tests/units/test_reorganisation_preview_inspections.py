"""The preview of a reorganisation lists the visits to its closing units whose
recommendations are still to carry out, and who follows them up from the effective date:
the unit carrying the closed unit's work on, or, for a unit dissolved, only the reviewers
(campaign/reorganisations.py, units/reorganisation_pages.py). Nothing of a visit moves."""

import datetime

from django.urls import reverse
from django.utils import timezone

from campaign.models import Inspection
from tests.campaign.filings import province_campaign
from tests.campaign.inspection_data import record
from tests.units.reorganisations import JULY
from units.reorganisations import reorganisation_apply, reorganisation_preview

F = Inspection.FollowUp


def still_to_carry_out(codes):
    """Recounted from the rows: (visit, unit code) of the visits to `codes` with
    recommendations not marked done nor recorded as met."""
    return {
        (v.pk, v.unit.code)
        for v in Inspection.objects.filter(unit__code__in=codes)
        if v.recommendations.strip() and v.done_at is None and v.follow_up != F.MET
    }


def test_the_preview_lists_the_open_visits_of_closing_units_and_who_follows_them_up(
    client, tree, cast, reorganise, admin_user
):
    campaign = province_campaign(tree)
    due = record(
        tree["A2"],
        campaign,
        cast["reviewer_a"],
        visited_on=datetime.date(2025, 3, 2),
        recommendations_due_on=datetime.date(2027, 1, 7),
    )
    undated = record(tree["B1"], campaign, cast["cspl"], visited_on=datetime.date(2025, 4, 3))
    record(tree["A2"], campaign, cast["reviewer_a"], follow_up=F.MET)
    record(tree["A2"], campaign, cast["reviewer_a"], recommendations="")
    record(tree["A2"], campaign, cast["reviewer_a"], done_at=timezone.now(), done_note="Xong.")
    record(tree["A1"], campaign, cast["reviewer_a"])  # its unit does not close
    draft = reorganise(
        JULY,
        {"action": "merge", "unit_code": "A2", "target_code": "A1"},
        {"action": "close", "unit_code": "B1"},
    )

    preview = reorganisation_preview(draft)

    listed = {(e["pk"], e["code"]) for e in preview.inspections}
    assert listed == still_to_carry_out(["A2", "B1"]) == {(due.pk, "A2"), (undated.pk, "B1")}
    by_pk = {e["pk"]: e for e in preview.inspections}
    assert (by_pk[due.pk]["to"], by_pk[due.pk]["due_on"]) == ("A1", "07/01/2027")
    assert by_pk[undated.pk]["to"] == ""

    client.force_login(admin_user)
    page = client.get(reverse("units:reorganisation_detail", args=[draft.pk])).content.decode()
    assert "Kiến nghị kiểm tra, giám sát chưa thực hiện của các đơn vị kết thúc hoạt động" in page
    assert (
        "Đợt kiểm tra, giám sát ngày 02/03/2025 tại A2, hạn thực hiện 07/01/2027: vẫn thuộc "
        "đơn vị cũ, do A1 – CĐCS A1 kế thừa việc thực hiện kiến nghị"
    ) in page
    assert (
        "Đợt kiểm tra, giám sát ngày 03/04/2025 tại B1: vẫn thuộc đơn vị cũ; không có đơn vị "
        "kế thừa, chỉ người duyệt theo dõi kết quả"
    ) in page

    # Applying does what the preview said, and leaves every visit where it was made.
    applied = reorganisation_apply(reorganisation=draft, user=admin_user)
    assert applied.inspections == preview.inspections
    assert Inspection.objects.get(pk=due.pk).unit.code == "A2"


def test_a_summary_applied_before_visits_were_listed_still_shows(
    client, tree, reorganise, admin_user
):
    draft = reorganise(JULY, {"action": "merge", "unit_code": "A2", "target_code": "A1"})
    reorganisation_apply(reorganisation=draft, user=admin_user)
    draft.refresh_from_db()
    summary = dict(draft.summary)
    del summary["inspections"]
    type(draft).objects.filter(pk=draft.pk).update(summary=summary)

    client.force_login(admin_user)
    response = client.get(reverse("units:reorganisation_detail", args=[draft.pk]))
    assert response.status_code == 200
