"""Zero-width characters inside what people type (units.forms): refused with a message that
says where, in single-line names and numbers and in long texts alike, with what was typed
kept. Pasted from a web page or a chat, "Châu Th<U+200B>ành" looks like "Châu Thành" but is
another name to search, sort and compare; Vietnamese needs none of them."""

import pytest
from django.urls import reverse

from campaign.models import Obstacle, Plan
from tests.campaign.plans import plan_data

# The zero-width space, non-joiner, joiner, word joiner and byte-order mark.
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]


def errors_of(response):
    """The errors of the page's forms, by field ("activities-0-audience" for a row's)."""
    found = dict(response.context["form"].errors)
    for index, form in enumerate(response.context["formset"].forms):
        found |= {f"activities-{index}-{name}": errors for name, errors in form.errors.items()}
    return found


@pytest.mark.parametrize("char", ZERO_WIDTH, ids=lambda char: f"U+{ord(char):04X}")
@pytest.mark.parametrize(
    ("field", "typed", "after"),
    [
        ("doc_number", "05/KH-CĐ{}CS", "05/KH-CĐ"),
        ("signer", "Chủ tịch Nguyễn{}Văn Ước", "Chủ tịch Nguyễn"),
        # At most 20 characters before it, no word cut.
        ("summary", "Tuyên truyền cải cách hành chính{} đến đoàn viên.", "cải cách hành chính"),
        ("activities-0-audience", "Đoàn viên{} khối văn phòng", "Đoàn viên"),
    ],
)
def test_a_zero_width_character_inside_a_plan_s_text_is_refused_where_it_is(
    client, cast, tree, campaign, char, field, typed, after
):
    client.force_login(cast["officer_a1"])
    value = typed.format(char)
    response = client.post(
        reverse("campaign:plan_start", args=[campaign.pk, tree["A1"].pk]),
        plan_data(**{field: value}),
    )
    assert response.status_code == 200
    position = value.index(char) + 1
    assert errors_of(response)[field] == [
        f"Nội dung có một ký tự không nhìn thấy được (U+{ord(char):04X}) ở ký tự thứ "
        f"{position}, ngay sau “{after}”; hãy xoá từ có chứa ký tự đó rồi gõ lại."
    ]
    assert not Plan.objects.exists()
    page = response.content.decode()
    assert "Tuyên truyền cải cách hành chính" in page  # what was typed is kept
    assert "Đoàn viên" in page


def test_zero_width_characters_at_the_ends_are_still_dropped_not_refused(
    client, cast, tree, campaign
):
    client.force_login(cast["officer_a1"])
    response = client.post(
        reverse("campaign:plan_start", args=[campaign.pk, tree["A1"].pk]),
        plan_data(signer="\u200bChủ tịch Công đoàn cơ sở\ufeff"),
    )
    assert response.status_code == 302
    assert Plan.objects.get().signer == "Chủ tịch Công đoàn cơ sở"


def test_a_joiner_inside_an_obstacle_s_text_is_refused_with_the_text_kept(
    client, cast, tree, campaign
):
    client.force_login(cast["officer_a1"])
    text = "Đề nghị hướng dẫn cách tính số lượt tham gia.\nMột người dự\u200d hai buổi."
    response = client.post(
        reverse("campaign:obstacle_create"),
        {
            "unit": tree["A1"].pk,
            "campaign": campaign.pk,
            "subject": "Cách tính số lượt",
            "text": text,
        },
    )
    assert response.status_code == 200
    # The words before it are those of its own line.
    assert response.context["form"].errors["text"] == [
        "Nội dung có một ký tự không nhìn thấy được (U+200D) ở ký tự thứ 59, ngay sau "
        "“Một người dự”; hãy xoá từ có chứa ký tự đó rồi gõ lại."
    ]
    assert not Obstacle.objects.exists()
    assert "Cách tính số lượt" in response.content.decode()
