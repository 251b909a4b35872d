"""The preview of a reorganisation lists the visits to its closing units whose
recommendations are still to carry out, and who follows them up from the effective date:
the unit carrying the closed unit's work on, or, for a unit dissolved, only the reviewers
(campaign/reorganisations.py, units/reorganisation_pages.py). Nothing of a visit moves."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign.models import Inspection
from tests.campaign.filings import province_campaign
from tests.campaign.inspection_data import record
from tests.units.reorganisations import JULY
from units import lineage
from units.access import Scope
from units.models import Unit
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


def carried_by_closing(closing):
    """Recounted from the rows: (visit, unit code, closing unit code) of the visits still to
    carry out to the units whose chain of successors, as the units' rows hold it before the
    act, ends at one of `closing` (codes), the closing units' own ones included."""
    found = set()
    for pk, code in still_to_carry_out(Unit.objects.values_list("code", flat=True)):
        unit = Unit.objects.get(code=code)
        while unit.successor_id is not None:
            unit = Unit.objects.get(pk=unit.successor_id)
        if unit.code in closing:
            found.add((pk, code, unit.code if unit.code != code else ""))
    return found


@pytest.fixture
def merged_earlier(tree, cast, reorganise, admin_user):
    """A visit each to S1 and A2 still to carry out, and to A1 already met; then S1 merged
    into A2 (February 2025) and A2 into A1 (March 2025): A1 carries on both visits."""
    campaign = province_campaign(tree)
    visits = {
        "S1": record(tree["S1"], campaign, cast["cspl"], visited_on=datetime.date(2025, 1, 6)),
        "A2": record(
            tree["A2"],
            campaign,
            cast["reviewer_a"],
            visited_on=datetime.date(2025, 1, 8),
            recommendations_due_on=datetime.date(2027, 1, 7),
        ),
    }
    record(tree["A1"], campaign, cast["reviewer_a"], follow_up=F.MET)
    for day, merged, into in [
        (datetime.date(2025, 2, 1), "S1", "A2"),
        (datetime.date(2025, 3, 1), "A2", "A1"),
    ]:
        act = reorganise(
            day, {"action": "merge", "unit_code": merged, "target_code": into}, number=merged
        )
        reorganisation_apply(reorganisation=act, user=admin_user)
    assert lineage.carrier(Unit.objects.get(code="S1")).code == "A1"
    return visits


def test_the_visits_of_units_merged_earlier_go_to_the_closing_units_successor(
    client, tree, cast, merged_earlier, reorganise, admin_user
):
    draft = reorganise(JULY, {"action": "merge", "unit_code": "A1", "target_code": "B1"})

    preview = reorganisation_preview(draft)

    listed = {(e["pk"], e["code"], e["via"]) for e in preview.inspections}
    assert listed == carried_by_closing({"A1"})
    assert listed == {
        (merged_earlier["S1"].pk, "S1", "A1"),
        (merged_earlier["A2"].pk, "A2", "A1"),
    }
    assert {e["to"] for e in preview.inspections} == {"B1"}

    client.force_login(admin_user)
    page = client.get(reverse("units:reorganisation_detail", args=[draft.pk])).content.decode()
    assert (
        "Đợt kiểm tra, giám sát ngày 08/01/2025 tại A2, đơn vị đã sáp nhập trước đó vào A1, "
        "hạn thực hiện 07/01/2027: vẫn thuộc đơn vị cũ, do B1 – CĐCS B1 kế thừa việc thực "
        "hiện kiến nghị"
    ) in page
    assert (
        "Đợt kiểm tra, giám sát ngày 06/01/2025 tại S1, đơn vị đã sáp nhập trước đó vào A1: "
        "vẫn thuộc đơn vị cũ, do B1 – CĐCS B1 kế thừa việc thực hiện kiến nghị"
    ) in page

    # What the preview named is whom the access rule hands the follow-up to once applied.
    applied = reorganisation_apply(reorganisation=draft, user=admin_user)
    assert applied.inspections == preview.inspections
    scope = Scope(cast["officer_b1"])
    assert scope.can_carry_on(Unit.objects.get(code="A2"))
    assert scope.can_carry_on(Unit.objects.get(code="S1"))


def test_the_visits_of_units_merged_earlier_into_a_dissolved_unit_go_to_the_reviewers(
    client, tree, cast, merged_earlier, reorganise, admin_user
):
    draft = reorganise(JULY, {"action": "close", "unit_code": "A1"})

    preview = reorganisation_preview(draft)

    listed = {(e["pk"], e["code"], e["via"]) for e in preview.inspections}
    assert listed == carried_by_closing({"A1"})
    assert len(listed) == 2
    assert {e["to"] for e in preview.inspections} == {""}

    client.force_login(admin_user)
    page = client.get(reverse("units:reorganisation_detail", args=[draft.pk])).content.decode()
    assert (
        "Đợt kiểm tra, giám sát ngày 08/01/2025 tại A2, đơn vị đã sáp nhập trước đó vào A1, "
        "hạn thực hiện 07/01/2027: vẫn thuộc đơn vị cũ; không có đơn vị kế thừa, chỉ người "
        "duyệt theo dõi kết quả"
    ) in page

    reorganisation_apply(reorganisation=draft, user=admin_user)
    assert not Scope(cast["officer_a1"]).can_carry_on(Unit.objects.get(code="A2"))
