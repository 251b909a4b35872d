"""A unit that has closed issues no more documents. A draft of it is not issued, even one
dated before the closing (it would be signed and numbered after it): the workflow refuses
it on the day of issue, whoever asks, and takes no number; its page says why instead of
offering the button, and it can still be read and discarded. Nor is it changed any more:
its edit page shows it read only, and a save or a rewrite of its text sent all the same
writes nothing. The form offers no closed unit for a new draft, and refuses one named all
the same. Its reports issued while it was open are still read by the Standing Committee."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.urls import reverse

from reports import issuing
from reports.models import DocumentRegister, SummaryReport
from tests.reports.closings import CLOSINGS, ENDED_ON
from tests.reports.summaries import YEAR, campaign_with_reports, make_summary
from units.reorganisations import reorganisation_apply

# Rollups are cached under the data version, which rolled-back test data never moves.
pytestmark = pytest.mark.usefixtures("fresh_cache")

NOT_ISSUED = "Không thể ban hành dự thảo này"
NOT_WRITTEN = "Không lập báo cáo tổng hợp mang tên đơn vị này nữa"
NOT_CHANGED = "Không thể sửa hay ban hành dự thảo này nữa"
NOT_SAVED = "Không có thay đổi nào được lưu"
ISSUE_BUTTON = "Ban hành báo cáo"
SAVE_BUTTON = "Lưu bản nháp"


@pytest.fixture
def campaign(tree):
    return campaign_with_reports(tree)


@pytest.fixture(params=sorted(CLOSINGS))
def closing(request, tree, reorganise, admin_user, today):
    """District A closes on 01/07/2025, dissolved or merged into district B: what the
    refusals say of it today."""
    operations, reason = CLOSINGS[request.param]
    reorganisation_apply(reorganisation=reorganise(ENDED_ON, *operations), user=admin_user)
    tree["DA"].refresh_from_db()
    assert tree["DA"].closed_on == ENDED_ON
    return reason.format(today=f"{today:%d/%m/%Y}")


@pytest.fixture
def drafts(tree, cast, campaign, closing):
    """A draft of each district, dated in January 2025 while both were open."""
    return {
        code: make_summary(
            tree[code], campaign, cast["cspl"], number="", dated_on=datetime.date(2025, 1, 5)
        )
        for code in ("DA", "DB")
    }


def rows():
    """Every summary and register row, as it stands."""
    summaries = [model_to_dict(s) for s in SummaryReport.objects.order_by("pk")]
    return summaries, list(DocumentRegister.objects.order_by("pk").values())


def test_a_backdated_draft_of_a_closed_unit_is_not_issued_and_takes_no_number(
    tree, cast, drafts, closing
):
    # Issued in January 2025, while district A was open (as the demo replays its history),
    # a first report takes number 1 of its register for 2025.
    earlier = issuing.summary_issue(
        summary=drafts["DA"], user=cast["cspl"], issued_on=datetime.date(2025, 1, 10)
    )
    assert earlier.number == "1/BC-LĐLĐ"
    late = make_summary(
        tree["DA"], earlier.campaign, cast["cspl"], number="", dated_on=datetime.date(2025, 6, 30)
    )
    before = rows()
    with pytest.raises(ValidationError) as refused:
        issuing.summary_issue(summary=late, user=cast["cspl"])
    assert refused.value.code == "closed"
    said = refused.value.messages[0]
    assert closing in said and NOT_ISSUED in said
    assert rows() == before  # the draft kept, no number taken, nothing else changed
    # The next report of an open unit that year is numbered as if nothing had been tried.
    assert issuing.summary_issue(summary=drafts["DB"], user=cast["cspl"]).number == "1/BC-LĐLĐ"
    registers = DocumentRegister.objects.order_by("unit__code")
    assert [(r.unit.code, r.year, r.last_number) for r in registers] == [
        ("DA", 2025, 1),
        ("DB", 2025, 1),
    ]


def url(name, summary):
    return reverse(f"reports:{name}", args=[summary.pk])


def test_the_draft_page_says_why_it_is_not_issued_and_a_post_all_the_same_is_refused(
    client, cast, drafts, closing
):
    draft = drafts["DA"]
    client.force_login(cast["cspl"])
    page = client.get(draft.get_absolute_url()).content.decode()
    assert url("summary_issue", draft) not in page and ISSUE_BUTTON not in page
    assert closing in page and NOT_ISSUED in page
    # Still read, previewed and discarded; not offered for editing.
    assert url("summary_preview", draft) in page and url("summary_discard", draft) in page
    assert url("summary_edit", draft) not in page
    open_ = client.get(drafts["DB"].get_absolute_url()).content.decode()
    assert url("summary_issue", drafts["DB"]) in open_ and NOT_ISSUED not in open_
    assert url("summary_edit", drafts["DB"]) in open_

    before = rows()
    response = client.post(url("summary_issue", draft), {"version": draft.version})
    assert response.status_code == 302 and response["Location"] == draft.get_absolute_url()
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert len(said) == 1 and closing in said[0] and NOT_ISSUED in said[0]
    assert rows() == before

    response = client.post(url("summary_discard", draft), {"version": draft.version})
    assert response.status_code == 302
    assert not SummaryReport.objects.filter(pk=draft.pk).exists()


def read_only(form, *names):
    """Whether the fields `names` (all by default) are shown read only, a choice disabled."""
    fields = [form[name] for name in names or form.fields]
    return all(
        re.search(r"<(input|textarea|select)[^>]* (readonly|disabled)", str(f)) for f in fields
    )


def test_the_edit_page_shows_the_draft_read_only_and_a_save_all_the_same_writes_nothing(
    client, cast, drafts, closing
):
    draft = drafts["DA"]
    client.force_login(cast["cspl"])
    response = client.get(url("summary_edit", draft))
    page, shown = response.content.decode(), response.context["form"].initial
    assert response.status_code == 200
    assert closing in page and NOT_CHANGED in page and NOT_SAVED not in page
    assert f'href="{draft.get_absolute_url()}"' in page and "Quay lại dự thảo" in page
    assert 'name="version"' not in page and SAVE_BUTTON not in page  # no form to send
    assert read_only(response.context["form"]) and draft.subject in page
    assert '<h1 class="h4">Báo cáo tổng hợp (chỉ xem)</h1>' in page
    assert "Sửa báo cáo tổng hợp" not in page
    # The open district's draft is edited as ever.
    response = client.get(url("summary_edit", drafts["DB"]))
    assert not any(read_only(response.context["form"], field) for field in ("subject", "include"))
    open_ = response.content.decode()
    assert SAVE_BUTTON in open_ and NOT_CHANGED not in open_
    assert '<h1 class="h4">Sửa báo cáo tổng hợp</h1>' in open_

    # Sent from a page drawn before the closing: nothing is saved, what was typed is shown.
    before = rows()
    typed = {**shown, "version": draft.version, "subject": "Báo cáo viết lại sau khi đóng"}
    response = client.post(url("summary_edit", draft), typed)
    page = response.content.decode()
    assert response.status_code == 409
    assert closing in page and NOT_CHANGED in page and NOT_SAVED in page
    assert typed["subject"] in page and SAVE_BUTTON not in page
    assert rows() == before


@pytest.mark.parametrize("how", ["rewrite", "keep"])
def test_the_text_of_the_draft_is_not_brought_up_to_todays_figures(
    client, cast, drafts, closing, how
):
    draft = drafts["DA"]
    client.force_login(cast["cspl"])
    before = rows()
    response = client.post(url("summary_refigure", draft), {"how": how, "version": draft.version})
    assert response.status_code == 302 and response["Location"] == draft.get_absolute_url()
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert len(said) == 1 and closing in said[0] and NOT_CHANGED in said[0]
    assert rows() == before


def create(client, campaign, unit):
    return client.post(
        reverse("reports:summary_create"),
        {
            "kind": "committee",
            "campaign": campaign.pk,
            "year": YEAR,
            "unit": unit.pk,
            "include": "accepted",
        },
    )


def test_the_form_offers_no_closed_unit_and_refuses_one_named_all_the_same(
    client, tree, cast, campaign, closing
):
    client.force_login(cast["cspl"])
    response = client.get(reverse("reports:summary_create"))
    offered = response.context["form"].fields["unit"].queryset
    assert tree["DA"] not in offered and tree["DB"] in offered and tree["PV"] in offered
    assert f'value="{tree["DA"].pk}"' not in response.content.decode()

    response = create(client, campaign, tree["DA"])
    assert response.status_code == 200
    errors = response.context["form"].errors["unit"]
    assert len(errors) == 1 and closing in errors[0] and NOT_WRITTEN in errors[0]
    assert not SummaryReport.objects.exists()
    # The open district's is written as ever.
    assert create(client, campaign, tree["DB"]).status_code == 302
    assert list(SummaryReport.objects.values_list("unit__code", flat=True)) == ["DB"]


def test_the_standing_committee_still_reads_what_the_closed_unit_issued(client, tree, cast, drafts):
    issued = issuing.summary_issue(
        summary=drafts["DA"], user=cast["cspl"], issued_on=datetime.date(2025, 1, 10)
    )
    client.force_login(cast["standing"])
    response = client.get(issued.get_absolute_url())
    assert response.status_code == 200 and response.context["can_write"] is False
    assert issued.number in response.content.decode()
    assert NOT_ISSUED not in response.content.decode()
    listing = client.get(reverse("reports:summary_list"))
    assert issued in listing.context["page"].object_list
    # A draft is the board's alone, closed unit or not.
    assert client.get(drafts["DB"].get_absolute_url()).status_code == 404
