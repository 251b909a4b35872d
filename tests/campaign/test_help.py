"""Help where the officer needs it: each indicator's note beside its field on the report
form (announced by screen readers through aria-describedby), and a short help page linked
from every page, whose numbers and button names are those the portal has."""

import re
from collections import defaultdict
from html import unescape

import polib
import pytest
from django.conf import settings
from django.urls import reverse

from campaign import reminders
from campaign.models import (
    ANSWER_WITHIN_WORKING_DAYS,
    LOCK_AFTER_DUE,
    MAX_FIGURE,
    Indicator,
    Period,
)
from campaign.pending import CHASE_FROM_DAYS, DUE_SOON_DAYS
from campaign.uploads import MAX_UPLOAD_BYTES
from config.middleware import KeepInputAcrossLogin
from tests.config.test_i18n import CATALOGUE
from tests.services import ROOT

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


def test_the_help_page_has_a_section_for_each_role_and_for_what_goes_wrong(client, cast):
    client.force_login(cast["officer_a1"])
    response = client.get(HELP)
    assert response.status_code == 200
    html = response.content.decode()
    for section, heading in (
        ("officer", "Cán bộ công đoàn"),
        ("reviewer", "Người duyệt ở công đoàn cấp trên"),
        ("board", "Ban Chính sách – Pháp luật"),
        ("committee", "Ban Thường vụ"),
        ("deadlines", "Hạn nộp và ngày khóa sổ"),
        ("trouble", "Khi gặp trục trặc"),
        ("counting", "Cách tính số liệu"),
    ):
        assert f'<h2 id="{section}-title" class="h5">{heading}</h2>' in html
        assert f'<a href="#{section}">{heading}</a>' in html
    assert "Mỗi số liệu chỉ nhập một lần" in html
    # No campaign is "the" campaign: a second one is data, and the guide speaks of any.
    assert "CCHC" not in _main_text(html)


def test_the_numbers_the_help_page_quotes_are_those_the_portal_applies(client):
    text = _main_text(client.get(HELP).content.decode())
    first, second = sorted(reminders.BEFORE, reverse=True)
    for quoted in (
        f"“Sắp đến hạn” (còn không quá {DUE_SOON_DAYS} ngày)",
        f"Từ {CHASE_FROM_DAYS} ngày trước hạn, trang chủ cho biết số đơn vị bạn phụ trách chưa gửi",
        f"trước hạn {first} ngày và {second} ngày, đúng ngày đến hạn, rồi hằng tuần",
        f"Báo cáo khóa sổ {LOCK_AFTER_DUE.days} ngày sau hạn nộp",
        f"trả lời trong vòng {ANSWER_WITHIN_WORKING_DAYS} ngày làm việc",
        f"số nguyên từ 0 đến {MAX_FIGURE:,}".replace(",", "."),
        "gõ bằng các chữ số 0–9",
        f"tối đa {MAX_UPLOAD_BYTES // 2**20} MB",
        f"sau {settings.SESSION_COOKIE_AGE // 3600} giờ không dùng cổng",
        f"đăng nhập lại trong vòng {KeepInputAcrossLogin.KEEP_SECONDS // 60} phút",
    ):
        assert quoted in text, quoted


@pytest.mark.parametrize(
    ("language", "translated"), [("vi", True), ("en", False)], ids=["vi", "en"]
)
def test_every_button_or_menu_the_help_page_quotes_is_named_so_on_a_page(
    client, language, translated
):
    # The guide names buttons and menus in “…”. Each name must be a message that a page
    # (a template other than the guide, or the code) marks for translation, as that page
    # shows it: a button renamed, or reworded in the catalogue, leaves the guide quoting a
    # name no page shows, and this fails until the guide follows.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    names = set(QUOTED.findall(_main_text(client.get(HELP).content.decode())))
    assert len(names) > 40  # the check is not vacuous
    sources = _page_sources()
    msgids = defaultdict(set)
    if translated:
        for entry in polib.pofile(str(CATALOGUE)):
            msgids[entry.msgstr].add(entry.msgid)
    else:
        msgids = {name: {name} for name in names}
    not_on_a_page = sorted(
        name
        for name in names
        if not any(f'"{msgid}"' in sources or f"'{msgid}'" in sources for msgid in msgids[name])
    )
    assert not_on_a_page == []


QUOTED = re.compile(r"“([^”]+)”")


def _main_text(html):
    """The text of the page's main column, without the menus around it."""
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    return unescape(re.sub(r"<[^>]+>", "", main))


def _page_sources():
    """Every template but the guide's, and the portal's code, as one text."""
    files = [p for p in (ROOT / "templates").rglob("*.html") if p.name != "help.html"]
    for app in ("config", "units", "campaign", "reports"):
        files += (ROOT / app).rglob("*.py")
    return "\n".join(p.read_text(encoding="utf-8") for p in files)


def test_the_help_page_is_linked_from_every_page_and_open_to_all(client):
    assert client.get(HELP).status_code == 200
    login = client.get(reverse("login")).content.decode()
    assert f'<a href="{HELP}">Hướng dẫn</a>' in login
