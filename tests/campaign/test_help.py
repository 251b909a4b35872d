"""Help where the officer needs it: each indicator's note beside its field on the report
form (announced by screen readers through aria-describedby), and a short help page linked
from every page."""

import re

import pytest
from django.urls import reverse

from campaign.models import Indicator, Period

HELP = reverse("campaign:help")
NOTE = "Chỉ tính các buổi do chính đơn vị tổ chức."


@pytest.fixture
def report_a1(tree, campaign, report_factory):
    Indicator.objects.filter(campaign=campaign, code="sessions").update(help_text=NOTE)
    Indicator.objects.create(
        campaign=campaign,
        code="ways",
        name="Cách làm hay",
        kind=Indicator.Kind.TEXT,
        help_text="Mô tả ngắn gọn.",
        order=2,
    )
    report = report_factory(tree["A1"], campaign, 2016)
    Period.objects.filter(pk=report.period_id).update(locks_on="2100-01-01")
    return report


def test_each_indicator_field_is_described_by_its_help_text(client, cast, report_a1):
    client.force_login(cast["officer_a1"])
    html = client.get(reverse("campaign:report_edit", args=[report_a1.pk])).content.decode()
    for code, note in (("sessions", NOTE), ("ways", "Mô tả ngắn gọn.")):
        field = re.search(rf'<(?:input|textarea)[^>]*id="id_value_{code}"[^>]*>', html).group(0)
        assert f'aria-describedby="id_value_{code}-help"' in field
        assert f'<div id="id_value_{code}-help" class="form-text">{note}</div>' in html


def test_a_figures_error_and_its_help_both_describe_the_field(client, cast, report_a1):
    client.force_login(cast["officer_a1"])
    response = client.post(
        reverse("campaign:report_edit", args=[report_a1.pk]),
        {"results": "Có", "self_assessment": "good", "value_sessions": "-4", "version": "1"},
    )
    html = response.content.decode()
    field = re.search(r'<input[^>]*id="id_value_sessions"[^>]*>', html).group(0)
    assert 'aria-describedby="id_value_sessions-error id_value_sessions-help"' in field
    assert 'value="-4"' in field


def test_the_help_page_explains_each_journey_and_the_counting_rule(client, cast):
    client.force_login(cast["officer_a1"])
    response = client.get(HELP)
    assert response.status_code == 200
    html = response.content.decode()
    for heading in (
        "Một năm của cán bộ công đoàn",
        "Một năm của người xem xét",
        "Ban Thường vụ",
        "Cách tính số liệu",
    ):
        assert heading in html
    assert "Mỗi số liệu chỉ nhập một lần" in html
    assert "“Sắp đến hạn” là còn không quá 14 ngày." in html
    assert "Từ 30 ngày trước hạn, trang chủ cho biết số đơn vị bạn phụ trách chưa gửi" in html


def test_the_help_page_is_linked_from_every_page_and_open_to_all(client):
    assert client.get(HELP).status_code == 200
    login = client.get(reverse("login")).content.decode()
    assert f'<a href="{HELP}">Hướng dẫn</a>' in login
