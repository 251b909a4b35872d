"""What a printed plan says, and what a plan's form refuses so that its document stays
true: the issuer named as on the campaign's date, a date not before the unit existed, a
long word kept on the page, each activity once."""

import datetime
import re
import subprocess

import pytest
from django.urls import reverse
from django.utils import translation

from campaign.models import Plan
from tests.campaign.filings import make_plan
from tests.campaign.plans import activity, edit_data, formset, header
from tests.factories import MembershipFactory, UserFactory
from units.models import Membership, Operation, Reorganisation, Unit
from units.reorganisations import reorganisation_apply

pytestmark = pytest.mark.usefixtures("media")


def apply(action, **fields):
    day = datetime.date(2025, 7, 1)
    act = Reorganisation.objects.create(number="7/QĐ", decided_on=day, effective_on=day)
    Operation.objects.create(reorganisation=act, position=1, action=action, **fields)
    reorganisation_apply(reorganisation=act, user=UserFactory(is_staff=True))


def test_the_plan_quotes_the_issuer_as_named_on_the_campaigns_date(client, cast, plan_a1):
    # Renamed in 2025, the province was quoted by its new name in a 2015 plan's subject,
    # under a letterhead of 2015.
    apply("rename", unit_code="PV", name="LĐLĐ tỉnh Mới", short_name="LĐLĐ tỉnh Mới")
    client.force_login(cast["officer_a1"])
    page = client.get(reverse("campaign:plan_print", args=[plan_a1.pk])).content.decode()
    assert "của LĐLĐ tỉnh Thử nghiệm" in page and "LĐLĐ tỉnh Mới" not in page


def test_a_plan_dated_before_its_unit_was_set_up_is_refused(client, tree, campaign):
    campaign.addressed_kinds = [*campaign.addressed_kinds, "commune"]
    campaign.save()
    commune = Unit.objects.add_child_after_history(
        tree["PV"],
        code="XA",
        name="Công đoàn xã An Hiệp",
        kind="commune",
        opened_on=datetime.date(2025, 7, 1),
    )
    officer = UserFactory()
    MembershipFactory(user=officer, unit=commune, role=Membership.Role.OFFICER)
    client.force_login(officer)
    with translation.override("vi"):
        response = client.post(
            reverse("campaign:plan_start", args=[campaign.pk, commune.pk]),
            {**header(doc_date="01/07/2015"), **formset([activity()])},
        )
    assert response.status_code == 200
    assert "trước ngày Công đoàn xã An Hiệp được thành lập (01/07/2025)" in (
        response.content.decode()
    )
    assert not Plan.objects.filter(unit=commune).exists()


def right_edge(client, plan, tmp_path, part):
    """Where the rightmost word of the plan's PDF ends, in points from the page's left,
    after checking that `part` is on the page."""
    pdf = tmp_path / "plan.pdf"
    pdf.write_bytes(client.get(reverse("campaign:plan_pdf", args=[plan.pk])).content)
    boxes = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert part in boxes
    return max(float(x) for x in re.findall(r'xMax="([0-9.]+)"', boxes))


def test_a_long_word_stays_on_the_pdfs_page(client, tree, cast, campaign, tmp_path):
    address = "https://congdoan.bentre.gov.vn/" + "tuyentruyencaicach" * 6
    plan = make_plan(tree["A1"], campaign, cast["officer_a1"], summary=f"Xem: {address}")
    client.force_login(cast["officer_a1"])
    page_width = 595.28  # A4's, in points
    assert right_edge(client, plan, tmp_path, "tuyentruyencaicach") <= page_width


def test_a_long_word_in_a_table_cell_stays_inside_the_margins(
    client, tree, cast, campaign, tmp_path
):
    # An activity's audience without a space (a pasted code): its column grew as wide as the
    # word, and the table ran past the right margin and off the page.
    word = ("KCN" + "0123456789" * 12)[:120]
    plan = make_plan(tree["A1"], campaign, cast["officer_a1"])
    plan.activities.update(audience=f"Đoàn viên {word}")
    client.force_login(cast["officer_a1"])
    right_margin = (210 - 15) / 25.4 * 72
    assert right_edge(client, plan, tmp_path, "0123456789") <= right_margin + 1  # 15 mm margin


def test_an_activity_named_twice_is_refused_and_none_is_lost(client, cast, plan_a1):
    client.force_login(cast["officer_a1"])
    data = edit_data(plan_a1)
    named = data["activities-0-id"]
    data.update(formset([activity(id=named), activity(id=named, DELETE="on")], initial=2))
    with translation.override("vi"):
        response = client.post(reverse("campaign:plan_edit", args=[plan_a1.pk]), data)
    assert response.status_code == 200
    assert "chỉ được xuất hiện một lần" in response.content.decode()
    assert plan_a1.activities.count() == 1


@pytest.mark.parametrize(
    ("planned_on", "planned_quarter", "message"),
    [
        ("31/02/2016", "", "Không có ngày 31/02/2016"),  # a date that does not exist
        ("", "9", "9"),  # no such quarter
        ("", "", "Hãy nhập ngày dự kiến hoặc chọn quý."),  # neither: that one message
    ],
)
def test_a_refused_date_or_quarter_is_not_also_called_missing(
    client, tree, cast, campaign, planned_on, planned_quarter, message
):
    # A date typed wrong was told both what was wrong and "give a date or a quarter".
    client.force_login(cast["officer_a1"])
    row = activity(planned_on=planned_on, planned_quarter=planned_quarter)
    with translation.override("vi"):
        response = client.post(
            reverse("campaign:plan_start", args=[campaign.pk, tree["A1"].pk]),
            {**header(), **formset([row])},
        )
    assert response.status_code == 200
    form = response.context["formset"].forms[0]
    errors = [m for messages in form.errors.values() for m in messages]
    assert any(message in error for error in errors), errors
    missing = [e for e in errors if "Hãy nhập ngày dự kiến hoặc chọn quý." in e]
    assert len(missing) == (1 if not (planned_on or planned_quarter) else 0), errors
